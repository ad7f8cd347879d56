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
// generic (scalar) vec_dot functions operation by operation, except for
// the K-quants' lane layout (below), which follows its SIMD kernels. QuantizeRow is
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
//   - K-quant dots keep 8 exact integer lanes per super-block, lane
//     (e%32)/4 for element e (four consecutive elements: the layout
//     VPMADDUBSW+VPMADDWD and SDOT produce without shuffles, as
//     llama.cpp's SIMD kernels use), then 8 float32 lane sums across
//     super-blocks; the Q4_K/Q5_K mins term also keeps 8 float32 lanes
//     (minLanes) instead of one scalar per super-block. The final value
//     is the mins lanes then the sums lanes added left to right.
//
// # Dispatch
//
// Exported functions call through a per-type table (ops) and function
// variables (vec.go) filled with the pure-Go kernels of the *_generic.go
// files. setAccel (arch_amd64.go, arch_arm64.go; arch_other.go under the
// purego tag or on other architectures) replaces entries once at init
// after checking golang.org/x/sys/cpu; tests call setAccel(false) to run
// the generic path on the same machine (and setSDOT on arm64), and
// genericOps stays the differential-test oracle. Describe names the
// implementation of each type and op.
//
// Every accelerated kernel is bit-identical to its generic twin (error
// bound zero), which TestAccelMatchesGeneric checks over row counts 1-9,
// all tails, unaligned offsets, quantized and random data, and
// FuzzDotAccel over fuzzed bytes. The one input condition: for the AVX2
// Q8_0 kernel, activation quants must lie in [-127, 127], as every
// quantizer here produces (VPSIGNB cannot negate -128).
//
// amd64 (AVX2+FMA+F16C, kernels_amd64.s):
//
//   - F32, F16, BF16 DotF32/MatVecF32 (and F32 Dot, DotF32F32): the 8
//     canonical lanes as VMULPS then VADDPS (never FMA), 4 rows per pass;
//     the lane reduction and the tail run in Go.
//   - Q8_0, Q4_0 Dot/MatVec: exact integer block sums (VPMADDUBSW,
//     VPMADDWD), then the generic float expression per block in block
//     order, one row per SIMD lane, 4 rows per pass, with a software
//     prefetch of the next 4 rows (short rows defeat the hardware
//     prefetcher when 4 streams restart every 4 rows).
//   - Q4_K, Q5_K, Q6_K Dot/MatVec: the canonical lanes come straight out
//     of VPMADDUBSW (unsigned quants, signed activations) and VPMADDWD by
//     the broadcast sub-block scale (Q6_K: scales picked per half by
//     VPSHUFB); no transposes. The activations are copied once per MatVec
//     (layoutActK) into a recycled 64-byte aligned buffer of 576 bytes per
//     block that also carries Q6_K's 32*Σa offset words; Dot is a one-row
//     MatVec. The next super-block's scales and mins are unpacked ahead of
//     this one's lanes; one assembly call covers all rows of a MatVec, and
//     each super-block prefetches the weight stream 2 KiB ahead.
//   - Q5_0 Dot/MatVec (q5_amd64.s): the 5-bit values built with
//     VPSHUFB/VPCMPEQB, Σq·a − 16·Σa exact, the float per block as Q8_0,
//     4 rows per pass with prefetch. Q4_0 prepares its activations once
//     per MatVec (prepQ8_0: pairs of blocks in 128 bytes, quants, 8·Σa
//     and float scales) and runs two blocks of 4 rows per step, one block
//     per 128-bit half, so the 4x2 row sums need one transpose.
//
// arm64 (NEON, kernels_arm64.s; instructions the Go assembler lacks are
// WORD-encoded with the mnemonic in a comment):
//
//   - F32, F16 (FCVTL, ARMv8.0: no fp16 arithmetic needed), BF16 lanes as
//     on amd64 (FMUL then FADD, never FMLA).
//   - Q8_0, Q4_0, Q5_0 (q5_arm64.s): SDOT when the CPU has dotprod
//     (cpu.ARM64.HasASIMDDP: A55, A76 and later), else SMULL/SADALP (A53,
//     A72).
//   - Q4_K, Q5_K, Q6_K Dot/MatVec, one row per call ("neon-sdot" or
//     "neon" as Q8_0). The 4-consecutive-element lanes are SDOT's own:
//     with dotprod one SDOT per 16-element sub-block yields its 4 lanes,
//     scaled by MLA by element, telescoped (P keeps running SDOT sums, the
//     lanes get P*(s[j]-s[j+2]) or per group P*(s[g]-s[g+1]), exact in
//     int32) so nothing is cleared per sub-block; Q6_K weights are decoded
//     as 4*(q-32) by shift-and-insert (SLI/SRI) and the lanes shifted back
//     (SSHR #2) once per super-block. Without dotprod (A53, A72)
//     SMULL/SMULL2 and two ADDP rounds form the same lanes in int16 (four
//     products stay within ±16384), SMLAL/SMLAL2 by element scale and widen
//     them. The Q4_K/Q5_K mins lanes: SADDLP of the bsums (widened), MUL by
//     the mins, SCVTF, FMUL by dmin*yd, FSUB; the Go wrapper adds the lanes
//     in the generic order.

// Q4_1, Q5_1, Q2_K, Q3_K and every DotF32 of a quantized type stay
// generic.
//
// The pool-aware MatVecPool, MatVecF32Pool, MatMul and MatMulF32 split
// rows across a parallel.Pool; each output is computed by the same
// per-row kernel as MatVec, so results never depend on the worker count.
package kernels
