// Package bench owns edgemoe's on-device benchmark suite: probes of the
// machine (memory read bandwidth, O_DIRECT storage reads, CPU features,
// page size, board detection), kernel throughput per weight type,
// end-to-end scenarios on a model (decode and prefill tok/s over a budget
// sweep x pager backend x prefetch, with cold, warm and rotating prompts),
// a roofline performance model that predicts decode tok/s from bandwidths
// and byte counts, and the reports (self-describing JSON, Markdown, SVG
// charts).
//
// It drives the runtime only through the public edge API and reads no
// package internals; it does not own kernels (see KernelBench), the pager
// or the expert cache. Nothing here runs during normal inference.
package bench
