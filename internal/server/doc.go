// Package server is edgemoe's HTTP service: an OpenAI-compatible API
// (/v1/chat/completions, /v1/completions, /v1/models) over one open
// edge.Model, health and readiness probes, and Prometheus metrics on its own
// registry.
//
// It owns the request path: parsing and validating requests, the bounded
// queue in front of the model's single generation slot, the one
// edge.Session whose cached prefix successive requests reuse, streaming
// (server-sent events in the OpenAI chunk format), per-request deadlines and
// cancellation, and the metrics. It does not own the model (the caller opens
// and closes it), the listener, signals or systemd notification: cmd/edgemoe
// serve wires those.
package server
