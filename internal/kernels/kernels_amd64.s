//go:build !purego

#include "textflag.h"

// AVX2/FMA/F16C kernels. None of them uses a fused multiply-add: every
// float product is rounded before it is added, in the canonical orders
// of doc.go. Integer sums are exact.

// VPERMD index gathering the dwords {0,2,4,6} into the low half and
// {1,3,5,7} into the high half of a 32-byte group.
DATA permIdx<>+0(SB)/4, $0
DATA permIdx<>+4(SB)/4, $2
DATA permIdx<>+8(SB)/4, $4
DATA permIdx<>+12(SB)/4, $6
DATA permIdx<>+16(SB)/4, $1
DATA permIdx<>+20(SB)/4, $3
DATA permIdx<>+24(SB)/4, $5
DATA permIdx<>+28(SB)/4, $7
GLOBL permIdx<>(SB), RODATA|NOPTR, $32

// VPSHUFB mask transposing 4x4 bytes per half: after permIdx it puts the
// 4 elements of lane l (l, l+8, l+16, l+24 of the group) in dword l.
DATA laneShuf<>+0(SB)/8, $0x0d0905010c080400
DATA laneShuf<>+8(SB)/8, $0x0f0b07030e0a0602
DATA laneShuf<>+16(SB)/8, $0x0d0905010c080400
DATA laneShuf<>+24(SB)/8, $0x0f0b07030e0a0602
GLOBL laneShuf<>(SB), RODATA|NOPTR, $32

// func lanesF32x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)
// acc[8r+l] += Σ_k w_r[8k+l]*x[8k+l] for rows r < 4 at w + r*stride,
// float32 weights.
TEXT ·lanesF32x4(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ x+16(FP), DX
	MOVQ n8+24(FP), CX
	MOVQ acc+32(FP), DI
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9
	LEAQ (SI)(R8*4), R11 // next group of 4 rows, for prefetching
	LEAQ (R9)(R8*4), R12
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	SHRQ $3, CX
	JZ   f32done

f32loop:
	PREFETCHT0 (R11)
	PREFETCHT0 (R11)(R8*1)
	PREFETCHT0 (R11)(R8*2)
	PREFETCHT0 (R12)
	VMOVUPS (DX), Y8
	VMULPS  (SI), Y8, Y4
	VMULPS  (SI)(R8*1), Y8, Y5
	VMULPS  (SI)(R8*2), Y8, Y6
	VMULPS  (R9), Y8, Y7
	VADDPS  Y4, Y0, Y0
	VADDPS  Y5, Y1, Y1
	VADDPS  Y6, Y2, Y2
	VADDPS  Y7, Y3, Y3
	ADDQ    $32, SI
	ADDQ    $32, R9
	ADDQ    $32, R11
	ADDQ    $32, R12
	ADDQ    $32, DX
	DECQ    CX
	JNZ     f32loop

f32done:
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VZEROUPPER
	RET

// func lanesF16x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)
// As lanesF32x4 for IEEE binary16 weights (VCVTPH2PS is exact).
TEXT ·lanesF16x4(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ x+16(FP), DX
	MOVQ n8+24(FP), CX
	MOVQ acc+32(FP), DI
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9
	LEAQ (SI)(R8*4), R11 // next group of 4 rows, for prefetching
	LEAQ (R9)(R8*4), R12
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	SHRQ $3, CX
	JZ   f16done

f16loop:
	PREFETCHT0 (R11)
	PREFETCHT0 (R11)(R8*1)
	PREFETCHT0 (R11)(R8*2)
	PREFETCHT0 (R12)
	VMOVUPS   (DX), Y8
	VCVTPH2PS (SI), Y4
	VCVTPH2PS (SI)(R8*1), Y5
	VCVTPH2PS (SI)(R8*2), Y6
	VCVTPH2PS (R9), Y7
	VMULPS    Y8, Y4, Y4
	VMULPS    Y8, Y5, Y5
	VMULPS    Y8, Y6, Y6
	VMULPS    Y8, Y7, Y7
	VADDPS    Y4, Y0, Y0
	VADDPS    Y5, Y1, Y1
	VADDPS    Y6, Y2, Y2
	VADDPS    Y7, Y3, Y3
	ADDQ      $16, SI
	ADDQ      $16, R9
	ADDQ      $16, R11
	ADDQ      $16, R12
	ADDQ      $32, DX
	DECQ      CX
	JNZ       f16loop

f16done:
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VZEROUPPER
	RET

// func lanesBF16x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)
// As lanesF32x4 for bfloat16 weights (widened by a 16-bit shift, exact).
TEXT ·lanesBF16x4(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ x+16(FP), DX
	MOVQ n8+24(FP), CX
	MOVQ acc+32(FP), DI
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9
	LEAQ (SI)(R8*4), R11 // next group of 4 rows, for prefetching
	LEAQ (R9)(R8*4), R12
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	SHRQ $3, CX
	JZ   bf16done

bf16loop:
	PREFETCHT0 (R11)
	PREFETCHT0 (R11)(R8*1)
	PREFETCHT0 (R11)(R8*2)
	PREFETCHT0 (R12)
	VMOVUPS   (DX), Y8
	VPMOVZXWD (SI), Y4
	VPMOVZXWD (SI)(R8*1), Y5
	VPMOVZXWD (SI)(R8*2), Y6
	VPMOVZXWD (R9), Y7
	VPSLLD    $16, Y4, Y4
	VPSLLD    $16, Y5, Y5
	VPSLLD    $16, Y6, Y6
	VPSLLD    $16, Y7, Y7
	VMULPS    Y8, Y4, Y4
	VMULPS    Y8, Y5, Y5
	VMULPS    Y8, Y6, Y6
	VMULPS    Y8, Y7, Y7
	VADDPS    Y4, Y0, Y0
	VADDPS    Y5, Y1, Y1
	VADDPS    Y6, Y2, Y2
	VADDPS    Y7, Y3, Y3
	ADDQ      $16, SI
	ADDQ      $16, R9
	ADDQ      $16, R11
	ADDQ      $16, R12
	ADDQ      $32, DX
	DECQ      CX
	JNZ       bf16loop

bf16done:
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VZEROUPPER
	RET

// REDUCE4 leaves in X0 the four int32 totals of Y0..Y3 (row order).
#define REDUCE4 \
	VPHADDD      Y1, Y0, Y0 \
	VPHADDD      Y3, Y2, Y2 \
	VPHADDD      Y2, Y0, Y0 \
	VEXTRACTI128 $1, Y0, X1 \
	VPADDD       X1, X0, X0

// ROWSCALES leaves in X1 the four f16 block scales at off of rows
// SI, SI+R8, SI+2*R8, R9, widened to float32 (gathered in AX, BX).
#define ROWSCALES(off) \
	MOVWQZX   off(SI), AX \
	MOVWQZX   off(SI)(R8*1), BX \
	SHLQ      $16, BX \
	ORQ       BX, AX \
	MOVWQZX   off(SI)(R8*2), BX \
	SHLQ      $32, BX \
	ORQ       BX, AX \
	MOVWQZX   off(R9), BX \
	SHLQ      $48, BX \
	ORQ       BX, AX \
	VMOVQ     AX, X1 \
	VCVTPH2PS X1, X1

// func dotQ8_0x4(w *byte, stride int, a *byte, nb int, out *[4]float32)
// out[r] = Σ_blocks float32(s_r) * (dw_r*da), accumulated in block order,
// for the Q8_0 rows r < 4 at w + r*stride. Activations must be in
// [-127, 127] (VPSIGNB cannot negate -128).
TEXT ·dotQ8_0x4(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ a+16(FP), DX
	MOVQ nb+24(FP), CX
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9
	LEAQ (SI)(R8*4), R11 // next group of 4 rows, for prefetching
	LEAQ (R9)(R8*4), R12
	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $15, Y15, Y15 // words of 1
	VXORPS   X14, X14, X14
	TESTQ    CX, CX
	JZ       q80done

q80loop:
	PREFETCHT0 (R11)
	PREFETCHT0 (R11)(R8*1)
	PREFETCHT0 (R11)(R8*2)
	PREFETCHT0 (R12)
	VMOVDQU 2(DX), Y13
	VMOVDQU 2(SI), Y4
	VMOVDQU 2(SI)(R8*1), Y5
	VMOVDQU 2(SI)(R8*2), Y6
	VMOVDQU 2(R9), Y7
	VPSIGNB Y4, Y13, Y0
	VPSIGNB Y5, Y13, Y1
	VPSIGNB Y6, Y13, Y2
	VPSIGNB Y7, Y13, Y3
	VPABSB  Y4, Y4
	VPABSB  Y5, Y5
	VPABSB  Y6, Y6
	VPABSB  Y7, Y7
	VPMADDUBSW Y0, Y4, Y0
	VPMADDUBSW Y1, Y5, Y1
	VPMADDUBSW Y2, Y6, Y2
	VPMADDUBSW Y3, Y7, Y3
	VPMADDWD Y15, Y0, Y0
	VPMADDWD Y15, Y1, Y1
	VPMADDWD Y15, Y2, Y2
	VPMADDWD Y15, Y3, Y3
	REDUCE4
	VCVTDQ2PS X0, X0
	ROWSCALES(0)
	MOVWLZX   (DX), AX
	VMOVD     AX, X2
	VCVTPH2PS X2, X2
	VBROADCASTSS X2, X2
	VMULPS    X2, X1, X1 // dw*da
	VMULPS    X1, X0, X0 // s*(dw*da)
	VADDPS    X0, X14, X14
	ADDQ      $34, SI
	ADDQ      $34, R9
	ADDQ      $34, R11
	ADDQ      $34, R12
	ADDQ      $34, DX
	DECQ      CX
	JNZ       q80loop

q80done:
	MOVQ    out+32(FP), DI
	VMOVUPS X14, (DI)
	VZEROUPPER
	RET

// func dotQ4_0x4(w *byte, stride int, a *byte, nb int, out *[4]float32)
// out[r] = Σ_blocks float32(s_r)*dw_r*da (left to right) for Q4_0 rows,
// s_r = Σ q*a - 8*Σ a with q the unsigned nibbles.
TEXT ·dotQ4_0x4(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ a+16(FP), DX
	MOVQ nb+24(FP), CX
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9
	LEAQ (SI)(R8*4), R11 // next group of 4 rows, for prefetching
	LEAQ (R9)(R8*4), R12
	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $15, Y15, Y15 // words of 1
	VPSLLW   $3, Y15, Y12
	VPACKUSWB Y12, Y12, Y12 // bytes of 8
	VPCMPEQW Y11, Y11, Y11
	VPSRLW   $12, Y11, Y11
	VPACKUSWB Y11, Y11, Y11 // bytes of 0x0f
	VXORPS   X14, X14, X14
	TESTQ    CX, CX
	JZ       q40done

q40loop:
	PREFETCHT0 (R11)
	PREFETCHT0 (R11)(R8*1)
	PREFETCHT0 (R11)(R8*2)
	PREFETCHT0 (R12)
	VMOVDQU 2(DX), Y13
	VPMADDUBSW Y13, Y12, Y10 // 8*Σa in word partial sums
#define NIB(src, dst) \
	VMOVDQU     src, X8 \
	VPSRLW      $4, X8, X9 \
	VINSERTI128 $1, X9, Y8, dst \
	VPAND       Y11, dst, dst
	NIB(2(SI), Y4)
	NIB(2(SI)(R8*1), Y5)
	NIB(2(SI)(R8*2), Y6)
	NIB(2(R9), Y7)
#undef NIB
	VPMADDUBSW Y13, Y4, Y0
	VPMADDUBSW Y13, Y5, Y1
	VPMADDUBSW Y13, Y6, Y2
	VPMADDUBSW Y13, Y7, Y3
	VPSUBW   Y10, Y0, Y0 // word partials of Σ(q-8)a, |.| <= 3840+2048
	VPSUBW   Y10, Y1, Y1
	VPSUBW   Y10, Y2, Y2
	VPSUBW   Y10, Y3, Y3
	VPHADDW  Y1, Y0, Y0 // sums of 2, 4 and then 8 products fit in 16 bits
	VPHADDW  Y3, Y2, Y2
	VPHADDW  Y2, Y0, Y0
	VPMADDWD Y15, Y0, Y0 // [r0 r1 r2 r3 | r0 r1 r2 r3] dwords
	VEXTRACTI128 $1, Y0, X1
	VPADDD   X1, X0, X0
	VCVTDQ2PS X0, X0
	ROWSCALES(0)
	VMULPS    X1, X0, X0 // s*dw
	MOVWLZX   (DX), AX
	VMOVD     AX, X2
	VCVTPH2PS X2, X2
	VBROADCASTSS X2, X2
	VMULPS    X2, X0, X0 // *da
	VADDPS    X0, X14, X14
	ADDQ      $18, SI
	ADDQ      $18, R9
	ADDQ      $18, R11
	ADDQ      $18, R12
	ADDQ      $34, DX
	DECQ      CX
	JNZ       q40loop

q40done:
	MOVQ    out+32(FP), DI
	VMOVUPS X14, (DI)
	VZEROUPPER
	RET

// GROUP(aoff, wq, sc) adds to the lane accumulator Y0 the scaled lane dot
// of the 32 permuted weight bytes wq with the (already permuted, see
// permActK) activations at aoff(DX), scale pair dword sc(BX); clobbers
// Y7, Y8.
#define GROUP(aoff, wq, sc) \
	VPMADDUBSW   aoff(DX), wq, Y7 \
	VPBROADCASTD sc(BX), Y8 \
	VPMADDWD     Y8, Y7, Y7 \
	VPADDD       Y7, Y0, Y0

// func dotQ4Kx1(w, a *byte, nb int, sums *[8]float32, sumf *float32, scratch *[16]uint32)
// One Q4_K row against Q8_K activations whose quants permActK permuted,
// in ggml's generic order:
// sums[l] += d*float32(acc[l]) per super-block and sumf -= dmin*yd*mins.
TEXT ·dotQ4Kx1(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DX
	MOVQ nb+16(FP), CX
	MOVQ sums+24(FP), DI
	MOVQ sumf+32(FP), R10
	MOVQ scratch+40(FP), BX
	VMOVUPS (DI), Y14
	VMOVSS  (R10), X13
	VMOVDQU permIdx<>(SB), Y5
	VMOVDQU laneShuf<>(SB), Y6
	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $15, Y15, Y12 // words of 1
	VPSRLW   $12, Y15, Y15
	VPACKUSWB Y15, Y15, Y15 // bytes of 0x0f
	TESTQ    CX, CX
	JZ       q4kdone

q4kloop:
	// scales and mins (ggml's utmp shuffle)
	MOVL  4(SI), AX  // u0
	MOVL  8(SI), R11 // u1
	MOVL  12(SI), R12 // u2
	MOVL  R12, R13
	SHRL  $4, R13
	ANDL  $0x0f0f0f0f, R13
	MOVL  R11, R14
	SHRL  $6, R14
	ANDL  $0x03030303, R14
	SHLL  $4, R14
	ORL   R14, R13 // m[4..7]
	ANDL  $0x3f3f3f3f, R11 // m[0..3]
	ANDL  $0x0f0f0f0f, R12
	MOVL  AX, R14
	SHRL  $6, R14
	ANDL  $0x03030303, R14
	SHLL  $4, R14
	ORL   R14, R12 // sc[4..7]
	ANDL  $0x3f3f3f3f, AX // sc[0..3]
	SHLQ  $32, R12
	ORQ   R12, AX
	SHLQ  $32, R13
	ORQ   R13, R11
	VMOVQ AX, X1
	VMOVQ R11, X2
	VPMOVZXBD X1, Y1 // sc dwords
	VPSLLD    $16, Y1, Y3
	VPOR      Y3, Y1, Y1
	VMOVDQU   Y1, 16(BX) // sc|sc<<16 per group at 16(BX)+4g
	VPMOVZXBD X2, Y2 // mins dwords
	VMOVDQU   260(DX), Y3 // bsums
	VPMADDWD  Y12, Y3, Y3 // pair sums
	VPMULLD   Y2, Y3, Y3
	VEXTRACTI128 $1, Y3, X4
	VPADDD    X4, X3, X3
	VPSHUFD   $0x4e, X3, X4
	VPADDD    X4, X3, X3
	VPSHUFD   $0xb1, X3, X4
	VPADDD    X4, X3, X3
	VMOVD     X3, AX
	// d = f16(w[0])*yd, dmin = f16(w[2])*yd
	VMOVSS    (DX), X9
	MOVWLZX   0(SI), R11
	VMOVD     R11, X10
	VCVTPH2PS X10, X10
	VMULSS    X9, X10, X10 // d
	MOVWLZX   2(SI), R11
	VMOVD     R11, X11
	VCVTPH2PS X11, X11
	VMULSS    X9, X11, X11 // dmin*yd
	VCVTSI2SSL AX, X9, X9
	VMULSS    X9, X11, X11
	VSUBSS    X11, X13, X13
	// lanes
	VPXOR   Y0, Y0, Y0
#define CHUNK(c) \
	VMOVDQU (16+32*c)(SI), Y1 \
	VPERMD  Y1, Y5, Y1 \
	VPSHUFB Y6, Y1, Y1 \
	VPSRLW  $4, Y1, Y2 \
	VPAND   Y15, Y1, Y1 \
	VPAND   Y15, Y2, Y2 \
	GROUP((4+64*c), Y1, (16+8*c)) \
	GROUP((36+64*c), Y2, (20+8*c))
	CHUNK(0)
	CHUNK(1)
	CHUNK(2)
	CHUNK(3)
#undef CHUNK
	VCVTDQ2PS    Y0, Y0
	VBROADCASTSS X10, Y10
	VMULPS       Y10, Y0, Y0
	VADDPS       Y0, Y14, Y14
	ADDQ $144, SI
	ADDQ $292, DX
	DECQ CX
	JNZ  q4kloop

q4kdone:
	VMOVUPS Y14, (DI)
	VMOVSS  X13, (R10)
	VZEROUPPER
	RET

// func dotQ5Kx1(w, a *byte, nb int, sums *[8]float32, sumf *float32, scratch *[16]uint32)
// One Q5_K row (fifth bits from qh) against Q8_K activations in ggml's generic order:
// sums[l] += d*float32(acc[l]) per super-block and sumf -= dmin*yd*mins.
TEXT ·dotQ5Kx1(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DX
	MOVQ nb+16(FP), CX
	MOVQ sums+24(FP), DI
	MOVQ sumf+32(FP), R10
	MOVQ scratch+40(FP), BX
	VMOVUPS (DI), Y14
	VMOVSS  (R10), X13
	VMOVDQU permIdx<>(SB), Y5
	VMOVDQU laneShuf<>(SB), Y6
	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $15, Y15, Y12 // words of 1
	VPSRLW   $12, Y15, Y15
	VPACKUSWB Y15, Y15, Y15 // bytes of 0x0f
	TESTQ    CX, CX
	JZ       q5kdone

q5kloop:
	// scales and mins (ggml's utmp shuffle)
	MOVL  4(SI), AX  // u0
	MOVL  8(SI), R11 // u1
	MOVL  12(SI), R12 // u2
	MOVL  R12, R13
	SHRL  $4, R13
	ANDL  $0x0f0f0f0f, R13
	MOVL  R11, R14
	SHRL  $6, R14
	ANDL  $0x03030303, R14
	SHLL  $4, R14
	ORL   R14, R13 // m[4..7]
	ANDL  $0x3f3f3f3f, R11 // m[0..3]
	ANDL  $0x0f0f0f0f, R12
	MOVL  AX, R14
	SHRL  $6, R14
	ANDL  $0x03030303, R14
	SHLL  $4, R14
	ORL   R14, R12 // sc[4..7]
	ANDL  $0x3f3f3f3f, AX // sc[0..3]
	SHLQ  $32, R12
	ORQ   R12, AX
	SHLQ  $32, R13
	ORQ   R13, R11
	VMOVQ AX, X1
	VMOVQ R11, X2
	VPMOVZXBD X1, Y1 // sc dwords
	VPSLLD    $16, Y1, Y3
	VPOR      Y3, Y1, Y1
	VMOVDQU   Y1, 16(BX) // sc|sc<<16 per group at 16(BX)+4g
	VPMOVZXBD X2, Y2 // mins dwords
	VMOVDQU   260(DX), Y3 // bsums
	VPMADDWD  Y12, Y3, Y3 // pair sums
	VPMULLD   Y2, Y3, Y3
	VEXTRACTI128 $1, Y3, X4
	VPADDD    X4, X3, X3
	VPSHUFD   $0x4e, X3, X4
	VPADDD    X4, X3, X3
	VPSHUFD   $0xb1, X3, X4
	VPADDD    X4, X3, X3
	VMOVD     X3, AX
	// d = f16(w[0])*yd, dmin = f16(w[2])*yd
	VMOVSS    (DX), X9
	MOVWLZX   0(SI), R11
	VMOVD     R11, X10
	VCVTPH2PS X10, X10
	VMULSS    X9, X10, X10 // d
	MOVWLZX   2(SI), R11
	VMOVD     R11, X11
	VCVTPH2PS X11, X11
	VMULSS    X9, X11, X11 // dmin*yd
	VCVTSI2SSL AX, X9, X9
	VMULSS    X9, X11, X11
	VSUBSS    X11, X13, X13
	// lanes
	VPXOR   Y0, Y0, Y0
	VMOVDQU 16(SI), Y4 // qh, permuted like the quants
	VPERMD  Y4, Y5, Y4
	VPSHUFB Y6, Y4, Y4
	VPCMPEQB Y3, Y3, Y3
	VPABSB  Y3, Y3 // bytes of 1
#define HBIT(s, dst) \
	VPSRLW $s, Y4, Y9 \
	VPAND  Y3, Y9, Y9 \
	VPSLLW $4, Y9, Y9 \
	VPOR   Y9, dst, dst
#define CHUNK(c) \
	VMOVDQU (48+32*c)(SI), Y1 \
	VPERMD  Y1, Y5, Y1 \
	VPSHUFB Y6, Y1, Y1 \
	VPSRLW  $4, Y1, Y2 \
	VPAND   Y15, Y1, Y1 \
	VPAND   Y15, Y2, Y2 \
	HBIT((2*c), Y1) \
	HBIT((2*c+1), Y2) \
	GROUP((4+64*c), Y1, (16+8*c)) \
	GROUP((36+64*c), Y2, (20+8*c))
	CHUNK(0)
	CHUNK(1)
	CHUNK(2)
	CHUNK(3)
#undef HBIT
#undef CHUNK
	VCVTDQ2PS    Y0, Y0
	VBROADCASTSS X10, Y10
	VMULPS       Y10, Y0, Y0
	VADDPS       Y0, Y14, Y14
	ADDQ $176, SI
	ADDQ $292, DX
	DECQ CX
	JNZ  q5kloop

q5kdone:
	VMOVUPS Y14, (DI)
	VMOVSS  X13, (R10)
	VZEROUPPER
	RET

// func dotQ6Kx1(w, a *byte, nb int, sums *[8]float32, scratch *[16]uint32)
// One Q6_K row against permActK-permuted Q8_K activations: sums[l] += d*yd*float32(acc[l]).
// Quants stay unsigned (0..63); 32*Σa is subtracted per pair of products.
TEXT ·dotQ6Kx1(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DX
	MOVQ nb+16(FP), CX
	MOVQ sums+24(FP), DI
	MOVQ scratch+32(FP), BX
	VMOVUPS (DI), Y14
	VMOVDQU permIdx<>(SB), Y5
	VMOVDQU laneShuf<>(SB), Y6
	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $14, Y15, Y13
	VPACKUSWB Y13, Y13, Y13 // bytes of 0x03
	VPSRLW   $12, Y15, Y12
	VPACKUSWB Y12, Y12, Y12 // bytes of 0x0f
	VPSRLW   $15, Y15, Y11
	VPSLLW   $5, Y11, Y11
	VPACKUSWB Y11, Y11, Y11 // bytes of 32
	TESTQ    CX, CX
	JZ       q6kdone

q6kloop:
	VPMOVSXBW 192(SI), Y1
	VMOVDQU   Y1, (BX) // (sc[2g] | sc[2g+1]<<16) at 4g(BX)
	VPXOR     Y0, Y0, Y0

// Q6GROUP(aoff, wq, sc): as GROUP, minus 32*Σa per product pair.
#define Q6GROUP(aoff, wq, sc) \
	VMOVDQU      aoff(DX), Y7 \
	VPMADDUBSW   Y7, wq, wq \
	VPMADDUBSW   Y7, Y11, Y7 \
	VPSUBW       Y7, wq, wq \
	VPBROADCASTD sc(BX), Y8 \
	VPMADDWD     Y8, wq, wq \
	VPADDD       wq, Y0, Y0

// HALF(h): ql at 64h, qh at 128+32h, activation groups 4h..4h+3.
#define HALF(h) \
	VMOVDQU (64*h)(SI), Y1 \
	VPERMD  Y1, Y5, Y1 \
	VPSHUFB Y6, Y1, Y1 \
	VMOVDQU (64*h+32)(SI), Y2 \
	VPERMD  Y2, Y5, Y2 \
	VPSHUFB Y6, Y2, Y2 \
	VMOVDQU (128+32*h)(SI), Y3 \
	VPERMD  Y3, Y5, Y3 \
	VPSHUFB Y6, Y3, Y3 \
	VPAND   Y13, Y3, Y4 \
	VPSLLW  $4, Y4, Y4 \
	VPAND   Y12, Y1, Y9 \
	VPOR    Y4, Y9, Y9 \
	Q6GROUP((4+128*h), Y9, (16*h)) \
	VPSRLW  $2, Y3, Y4 \
	VPAND   Y13, Y4, Y4 \
	VPSLLW  $4, Y4, Y4 \
	VPAND   Y12, Y2, Y9 \
	VPOR    Y4, Y9, Y9 \
	Q6GROUP((36+128*h), Y9, (16*h+4)) \
	VPSRLW  $4, Y3, Y4 \
	VPAND   Y13, Y4, Y4 \
	VPSLLW  $4, Y4, Y4 \
	VPSRLW  $4, Y1, Y9 \
	VPAND   Y12, Y9, Y9 \
	VPOR    Y4, Y9, Y9 \
	Q6GROUP((68+128*h), Y9, (16*h+8)) \
	VPSRLW  $6, Y3, Y4 \
	VPAND   Y13, Y4, Y4 \
	VPSLLW  $4, Y4, Y4 \
	VPSRLW  $4, Y2, Y9 \
	VPAND   Y12, Y9, Y9 \
	VPOR    Y4, Y9, Y9 \
	Q6GROUP((100+128*h), Y9, (16*h+12))
	HALF(0)
	HALF(1)
#undef HALF
#undef Q6GROUP
	MOVWLZX   208(SI), AX
	VMOVD     AX, X10
	VCVTPH2PS X10, X10
	VMULSS    (DX), X10, X10 // d*yd
	VCVTDQ2PS    Y0, Y0
	VBROADCASTSS X10, Y10
	VMULPS       Y10, Y0, Y0
	VADDPS       Y0, Y14, Y14
	ADDQ $210, SI
	ADDQ $292, DX
	DECQ CX
	JNZ  q6kloop

q6kdone:
	VMOVUPS Y14, (DI)
	VZEROUPPER
	RET

// func readSum(p *byte, n int) uint64
// Adds n/128 128-byte chunks of p as 64-bit words (a STREAM-like read).
TEXT ·readSum(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	SHRQ $7, CX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	TESTQ CX, CX
	JZ    rsdone

rsloop:
	VPADDQ (SI), Y0, Y0
	VPADDQ 32(SI), Y1, Y1
	VPADDQ 64(SI), Y2, Y2
	VPADDQ 96(SI), Y3, Y3
	ADDQ   $128, SI
	DECQ   CX
	JNZ    rsloop

rsdone:
	VPADDQ Y1, Y0, Y0
	VPADDQ Y3, Y2, Y2
	VPADDQ Y2, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDQ X1, X0, X0
	VPSHUFD $0x4e, X0, X1
	VPADDQ X1, X0, X0
	VMOVQ  X0, AX
	MOVQ   AX, ret+16(FP)
	VZEROUPPER
	RET

// func permActK(src, dst *byte, nb int)
// Copies nb Q8_K blocks, permuting each 32-quant group with permIdx and
// laneShuf as the K-quant kernels permute their weights (elements l, l+8,
// l+16, l+24 of the group into dword l). Scale and bsums are copied.
TEXT ·permActK(SB), NOSPLIT, $0-24
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU permIdx<>(SB), Y5
	VMOVDQU laneShuf<>(SB), Y6
	TESTQ CX, CX
	JZ    pakdone

pakloop:
	MOVL (SI), AX
	MOVL AX, (DI)
#define PAK(off) \
	VMOVDQU off(SI), Y0 \
	VPERMD  Y0, Y5, Y0 \
	VPSHUFB Y6, Y0, Y0 \
	VMOVDQU Y0, off(DI)
	PAK(4)
	PAK(36)
	PAK(68)
	PAK(100)
	PAK(132)
	PAK(164)
	PAK(196)
	PAK(228)
#undef PAK
	VMOVDQU 260(SI), Y0
	VMOVDQU Y0, 260(DI)
	ADDQ $292, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  pakloop

pakdone:
	VZEROUPPER
	RET
