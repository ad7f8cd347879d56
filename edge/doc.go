// Package edge is edgemoe's public API: it opens a deepseek2 GGUF model
// under one Config (memory budget, pager, precision, KV cache type) and
// wires the parts together — the GGUF reader, the model, the pager and the
// expert cache — into Sessions that run tokens. Commands and the service use
// edge; nothing below it knows about flags or board profiles.
package edge
