// Package synth writes synthetic deepseek2 GGUF models: real shapes and
// metadata (DeepSeek-V3, V2-Lite, a demo and a tiny test shape), the real
// DeepSeek-V3 vocabulary, and deterministic pseudo-random weights scaled so
// activations and router scores stay in realistic ranges. Quantized tensors
// are synthesised directly as valid random blocks with calibrated scales,
// which is what lets multi-gigabyte models be written in seconds. Files
// follow the layout rules of llama.cpp's writer.
package synth
