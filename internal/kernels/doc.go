// Package kernels owns the numeric inner loops of edgemoe: decoding GGML
// block-quantized tensors, quantizing float32 data (activations and, for the
// synthetic model generator and tests, weights), quantized and float32
// dot products and matrix-vector products, and the small float32 vector
// helpers a transformer layer needs (RMS norm, SwiGLU, softmax, axpy).
//
// It does not own tensors, files, threads or memory: every function works on
// caller-provided slices, allocates nothing on its hot paths and keeps no
// state besides the kernel table chosen once at start-up. All functions are
// safe for concurrent use on disjoint outputs.
//
// # Numerics
//
// Quantized weights are dotted the way llama.cpp's CPU backend does it: the
// activations are first quantized to the weight type's dot partner (DotType:
// Q8_0 for Q4_0/Q5_0/Q8_0, Q8_1 for Q4_1/Q5_1, Q8_K for the K-quants, F16 for
// F16, BF16 for BF16, F32 for F32), with ggml's reference rounding, and the
// integer dot products are exact. The float scale handling follows ggml's
// generic (scalar) vec_dot functions operation by operation. QuantizeRow is
// bit-exact with ggml's reference quantizers (it reproduces llama-quantize's
// Q4_0/Q5_0/Q8_0/Q4_K/Q6_K/F16 bytes); QuantizeAct differs only in rounding
// Q8_0 ties to even, as llama.cpp's SIMD backends do at run time.
//
// Every float32 reduction has one canonical order, which an assembly kernel
// must reproduce bit for bit so results never depend on the backend:
//
//   - Float32 dots (DotF32F32, DotF32, F32/F16/BF16 Dot) keep 8 lanes, lane
//     i%8 for element i of each 8-aligned chunk, each product rounded to
//     float32 before it is added (no fused multiply-add); the lanes reduce as
//     s4[k]=l[k]+l[k+4], s2[k]=s4[k]+s4[k+2], s=s2[0]+s2[1]; a tail of fewer
//     than 8 elements is then added in order. DotF32 of a quantized row uses
//     the same lanes over the dequantized values, so it equals
//     DotF32F32(Dequantize(row), x) exactly.
//   - Q8_0/Q8_1 partnered dots accumulate one float32 per row in block order.
//   - K-quant dots keep ggml's 8 integer lanes per super-block and 8 float32
//     lane sums across super-blocks.
//
// # Dispatch
//
// Exported functions call through a per-type table (ops) and function
// variables (vec.go) filled with the pure-Go kernels of the *_generic.go
// files. Architecture files (to come, behind build tags negated by purego)
// replace entries at init after checking golang.org/x/sys/cpu; the generic
// kernels stay reachable through genericOps as the differential-test oracle.
// An assembly kernel must reproduce the canonical orders above bit for bit:
// no fused multiply-add, the same lanes, the same reduction tree.
package kernels
