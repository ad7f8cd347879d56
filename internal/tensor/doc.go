// Package tensor owns the names and byte layouts of GGML tensor element types:
// type ids as GGUF stores them, block sizes, bytes per block and row sizes.
// It performs no arithmetic; decoding and dot products live in
// internal/kernels. It imports only the standard library.
package tensor
