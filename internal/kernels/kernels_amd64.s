//go:build !purego

#include "textflag.h"

// AVX2/FMA/F16C kernels. None of them uses a fused multiply-add: every
// float product is rounded before it is added, in the canonical orders
// of doc.go. Integer sums are exact.

// VPSHUFB masks selecting Q6_K scales for group j of a half super-block
// from words [s0..s7 | s0..s7]: word 2j in the low half (elements 0-15),
// word 2j+1 in the high half (16-31).
DATA q6ScSel<>+0(SB)/8, $0x0100010001000100
DATA q6ScSel<>+8(SB)/8, $0x0100010001000100
DATA q6ScSel<>+16(SB)/8, $0x0302030203020302
DATA q6ScSel<>+24(SB)/8, $0x0302030203020302
DATA q6ScSel<>+32(SB)/8, $0x0504050405040504
DATA q6ScSel<>+40(SB)/8, $0x0504050405040504
DATA q6ScSel<>+48(SB)/8, $0x0706070607060706
DATA q6ScSel<>+56(SB)/8, $0x0706070607060706
DATA q6ScSel<>+64(SB)/8, $0x0908090809080908
DATA q6ScSel<>+72(SB)/8, $0x0908090809080908
DATA q6ScSel<>+80(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA q6ScSel<>+88(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA q6ScSel<>+96(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA q6ScSel<>+104(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA q6ScSel<>+112(SB)/8, $0x0f0e0f0e0f0e0f0e
DATA q6ScSel<>+120(SB)/8, $0x0f0e0f0e0f0e0f0e
GLOBL q6ScSel<>(SB), RODATA|NOPTR, $128

// Q4_K/Q5_K scale unpacking: bytes u0 (4-7), u2 (12-15), u1 (8-11), u2;
// their low-bit masks; u0 and u1 under sc[4..7] and m[4..7]; bits 4-5.
// Each is repeated in both 128-bit lanes (KSCALES2 unpacks two rows).
DATA kScLo<>+0(SB)/8, $0x0b0a090803020100
DATA kScLo<>+8(SB)/8, $0x0b0a090807060504
DATA kScLo<>+16(SB)/8, $0x0b0a090803020100
DATA kScLo<>+24(SB)/8, $0x0b0a090807060504
GLOBL kScLo<>(SB), RODATA|NOPTR, $32
DATA kScMask<>+0(SB)/8, $0x0f0f0f0f3f3f3f3f
DATA kScMask<>+8(SB)/8, $0x0f0f0f0f3f3f3f3f
DATA kScMask<>+16(SB)/8, $0x0f0f0f0f3f3f3f3f
DATA kScMask<>+24(SB)/8, $0x0f0f0f0f3f3f3f3f
GLOBL kScMask<>(SB), RODATA|NOPTR, $32
DATA kScHi<>+0(SB)/8, $0x0302010080808080
DATA kScHi<>+8(SB)/8, $0x0706050480808080
DATA kScHi<>+16(SB)/8, $0x0302010080808080
DATA kScHi<>+24(SB)/8, $0x0706050480808080
GLOBL kScHi<>(SB), RODATA|NOPTR, $32
DATA kSc30<>+0(SB)/8, $0x3030303030303030
DATA kSc30<>+8(SB)/8, $0x3030303030303030
DATA kSc30<>+16(SB)/8, $0x3030303030303030
DATA kSc30<>+24(SB)/8, $0x3030303030303030
GLOBL kSc30<>(SB), RODATA|NOPTR, $32

// Bytes of 0x10: Q5_K's fifth bit.
DATA kBit4<>+0(SB)/8, $0x1010101010101010
DATA kBit4<>+8(SB)/8, $0x1010101010101010
DATA kBit4<>+16(SB)/8, $0x1010101010101010
DATA kBit4<>+24(SB)/8, $0x1010101010101010
GLOBL kBit4<>(SB), RODATA|NOPTR, $32

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
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	SHRQ $3, CX
	JZ   f32done

f32loop:
	PREFETCHT0 1024(SI)
	PREFETCHT0 1024(SI)(R8*1)
	PREFETCHT0 1024(SI)(R8*2)
	PREFETCHT0 1024(R9)
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
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	SHRQ $3, CX
	JZ   f16done

f16loop:
	PREFETCHT0 1024(SI)
	PREFETCHT0 1024(SI)(R8*1)
	PREFETCHT0 1024(SI)(R8*2)
	PREFETCHT0 1024(R9)
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
	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	SHRQ $3, CX
	JZ   bf16done

bf16loop:
	PREFETCHT0 1024(SI)
	PREFETCHT0 1024(SI)(R8*1)
	PREFETCHT0 1024(SI)(R8*2)
	PREFETCHT0 1024(R9)
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
	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $15, Y15, Y15 // words of 1
	VXORPS   X14, X14, X14
	TESTQ    CX, CX
	JZ       q80done

q80loop:
	PREFETCHT0 1024(SI)
	PREFETCHT0 1024(SI)(R8*1)
	PREFETCHT0 1024(SI)(R8*2)
	PREFETCHT0 1024(R9)
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
	ADDQ      $34, DX
	DECQ      CX
	JNZ       q80loop

q80done:
	MOVQ    out+32(FP), DI
	VMOVUPS X14, (DI)
	VZEROUPPER
	RET

// func prepQ8_0(src, dst *byte, nb int)
// Lays out nb Q8_0 blocks for dotQ4_0P4 in 128-byte pairs of blocks b0,
// b1: at 0 the quants 0-15 of b0 then of b1, at 32 their quants 16-31, at
// 64 8*Σ quants of b0 (4 int32 copies) then of b1, at 96 the float32
// scale of b0 (4 copies) then of b1. An odd last block fills only the b0
// halves (the b1 halves are zeroed).
TEXT ·prepQ8_0(SB), NOSPLIT, $0-24
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ nb+16(FP), CX
	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $15, Y15, Y15 // words of 1
	VPSLLW   $3, Y15, Y12
	VPACKUSWB Y12, Y12, Y12 // bytes of 8

// PREPHALF(so, do): the block at so(SI) into the halves at do(DI).
#define PREPHALF(so, do) \
	VMOVDQU    (2+so)(SI), X0 \
	VMOVDQU    (18+so)(SI), X1 \
	VMOVDQU    X0, (do)(DI) \
	VMOVDQU    X1, (32+do)(DI) \
	VPMADDUBSW X0, X12, X0 \
	VPMADDUBSW X1, X12, X1 \
	VPADDW     X1, X0, X0 \
	VPMADDWD   X15, X0, X0 \
	VPSHUFD    $0x4e, X0, X1 \
	VPADDD     X1, X0, X0 \
	VPSHUFD    $0xb1, X0, X1 \
	VPADDD     X1, X0, X0 \
	VMOVDQU    X0, (64+do)(DI) \
	MOVWLZX    (so)(SI), AX \
	VMOVD      AX, X1 \
	VCVTPH2PS  X1, X1 \
	VBROADCASTSS X1, X1 \
	VMOVDQU    X1, (96+do)(DI)

	CMPQ CX, $2
	JLT  p80tail

p80loop:
	PREPHALF(0, 0)
	PREPHALF(34, 16)
	ADDQ $68, SI
	ADDQ $128, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE  p80loop

p80tail:
	TESTQ CX, CX
	JZ    p80done
	PREPHALF(0, 0)
	VPXOR   X0, X0, X0
	VMOVDQU X0, 16(DI)
	VMOVDQU X0, 48(DI)
	VMOVDQU X0, 80(DI)
	VMOVDQU X0, 112(DI)
#undef PREPHALF

p80done:
	VZEROUPPER
	RET

// Q40W(p0, p1, Xd, Yd, Yt) leaves in Yd the 16 word partial sums (4
// products each) of Σ q*a of the Q4_0 blocks b0 at p0 (low half) and b1 at
// p1 (high half) against the prepQ8_0 pair at DX, q the unsigned nibbles
// (mask Y11).
#define Q40W(p0, p1, Xd, Yd, Yt) \
	VMOVDQU     p0, Xd \
	VINSERTI128 $1, p1, Yd, Yd \
	VPSRLW      $4, Yd, Yt \
	VPAND       Y11, Yd, Yd \
	VPAND       Y11, Yt, Yt \
	VPMADDUBSW  (DX), Yd, Yd \
	VPMADDUBSW  32(DX), Yt, Yt \
	VPADDW      Yt, Yd, Yd

// SCALES4(off, dst, tmp) gathers the f16 scales at off of the 4 rows SI,
// SI+R8, SI+2*R8, R9 into the 16-bit fields of dst (row order).
#define SCALES4(off, dst, tmp) \
	MOVWQZX off(SI), dst \
	MOVWQZX off(SI)(R8*1), tmp \
	SHLQ    $16, tmp \
	ORQ     tmp, dst \
	MOVWQZX off(SI)(R8*2), tmp \
	SHLQ    $32, tmp \
	ORQ     tmp, dst \
	MOVWQZX off(R9), tmp \
	SHLQ    $48, tmp \
	ORQ     tmp, dst

// Q40PAIR(w2) leaves in Y0 the float32 terms s_r*dw_r*da of 4 rows for
// the block at 0(SI) (low half) and the one at w2(SI) (high half), s_r =
// Σ q*a - 8*Σa: the row sums transposed and added in 16 bits (at most 16
// products of |15*128| per word), widened by VPMADDWD.
#define Q40PAIR(w2) \
	Q40W(2(SI), (2+w2)(SI), X0, Y0, Y4) \
	Q40W(2(SI)(R8*1), (2+w2)(SI)(R8*1), X1, Y1, Y5) \
	Q40W(2(SI)(R8*2), (2+w2)(SI)(R8*2), X2, Y2, Y6) \
	Q40W(2(R9), (2+w2)(R9), X3, Y3, Y7) \
	VPUNPCKLDQ  Y1, Y0, Y8 \
	VPUNPCKHDQ  Y1, Y0, Y0 \
	VPADDW      Y8, Y0, Y0 \
	VPUNPCKLDQ  Y3, Y2, Y8 \
	VPUNPCKHDQ  Y3, Y2, Y2 \
	VPADDW      Y8, Y2, Y2 \
	VPUNPCKLQDQ Y2, Y0, Y8 \
	VPUNPCKHQDQ Y2, Y0, Y0 \
	VPADDW      Y8, Y0, Y0 \
	VPMADDWD    Y15, Y0, Y0 \
	VPSUBD      64(DX), Y0, Y0 \
	VCVTDQ2PS   Y0, Y0 \
	SCALES4(0, AX, BX) \
	SCALES4(w2, R10, R13) \
	VMOVQ       AX, X10 \
	VPINSRQ     $1, R10, X10, X10 \
	VCVTPH2PS   X10, Y10 \
	VMULPS      Y10, Y0, Y0 \
	VMULPS      96(DX), Y0, Y0

// func dotQ4_0P4(w *byte, stride int, a *byte, nb int, out *[4]float32)
// out[r] = Σ_blocks float32(s_r)*dw_r*da (left to right) for the Q4_0
// rows r < 4 at w + r*stride against prepQ8_0 activations a:
// s_r = Σ q*a - 8*Σ a with q the unsigned nibbles. Two blocks per step;
// an odd last block runs as a pair with itself, its copy dropped.
TEXT ·dotQ4_0P4(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ a+16(FP), DX
	MOVQ nb+24(FP), CX
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9
	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $15, Y15, Y15 // words of 1
	VPCMPEQW Y11, Y11, Y11
	VPSRLW   $12, Y11, Y11
	VPACKUSWB Y11, Y11, Y11 // bytes of 0x0f
	VXORPS   X14, X14, X14
	SHRQ     $1, CX
	JZ       q40tail

q40loop:
	PREFETCHT0 1024(SI)
	PREFETCHT0 1024(SI)(R8*1)
	PREFETCHT0 1024(SI)(R8*2)
	PREFETCHT0 1024(R9)
	Q40PAIR(18)
	VADDPS       X0, X14, X14
	VEXTRACTF128 $1, Y0, X0
	VADDPS       X0, X14, X14
	ADDQ $36, SI
	ADDQ $36, R9
	ADDQ $128, DX
	DECQ CX
	JNZ  q40loop

q40tail:
	MOVQ  nb+24(FP), CX
	TESTQ $1, CX
	JZ    q40done
	Q40PAIR(0)
	VADDPS X0, X14, X14

q40done:
	MOVQ    out+32(FP), DI
	VMOVUPS X14, (DI)
	VZEROUPPER
	RET

// KFINISH(acc, dst) stores acc + l[0] + l[1] + ... + l[7] (left to
// right, ggml's final lane sum) of the lanes Y14 to dst; clobbers X1, X2.
#define KFINISH(acc, dst) \
	VADDSS       X14, acc, acc \
	VMOVSHDUP    X14, X1 \
	VADDSS       X1, acc, acc \
	VPSHUFD      $0xaa, X14, X1 \
	VADDSS       X1, acc, acc \
	VPSHUFD      $0xff, X14, X1 \
	VADDSS       X1, acc, acc \
	VEXTRACTF128 $1, Y14, X2 \
	VADDSS       X2, acc, acc \
	VMOVSHDUP    X2, X1 \
	VADDSS       X1, acc, acc \
	VPSHUFD      $0xaa, X2, X1 \
	VADDSS       X1, acc, acc \
	VPSHUFD      $0xff, X2, X1 \
	VADDSS       X1, acc, acc \
	VMOVSS       acc, dst

// GROUPACC(aoff, wq, sc) adds to the lane accumulator Y0 the scaled lane
// dot of the 32 weight bytes wq with the activations at aoff(DX)
// (layoutActK layout), scale pair dword sc(BX). Integer sums are exact,
// so all groups of a super-block share Y0. Clobbers wq, Y7.
#define GROUPACC(aoff, wq, sc) \
	VPMADDUBSW   aoff(DX), wq, wq \
	VPBROADCASTD sc(BX), Y7 \
	VPMADDWD     Y7, wq, wq \
	VPADDD       wq, Y0, Y0

// KSUPER(so, acc) adds d*yd*float32(Y0) (d*yd at (so+32)(BX)) to the
// sums lanes acc; clobbers Y0, Y7.
#define KSUPER(so, acc) \
	VCVTDQ2PS    Y0, Y0 \
	VBROADCASTSS (so+32)(BX), Y7 \
	VMULPS       Y7, Y0, Y0 \
	VADDPS       Y0, acc, acc

// KSCALES(base, wo, ao, sreg, so, mins) unpacks the scales and mins
// (ggml's utmp shuffle) of the Q4_K/Q5_K super-block at wo(base),
// activations at ao(DX) (kActBytes layout): scale pairs sc|sc<<16 per
// group to so(sreg), d*yd to (so+32)(sreg), and the mins lanes mins (see
// minLanes) -= dmin*yd*mins. Clobbers X1, X2, X4, X7, X8.
#define KSCALES(base, wo, ao, sreg, so, mins) \
	VMOVDQU   (4+wo)(base), X1 \
	VPSHUFB   kScLo<>(SB), X1, X2 \
	VPSRLW    $4, X2, X4 \
	VPBLENDW  $0xc0, X4, X2, X2 \
	VPAND     kScMask<>(SB), X2, X2 \
	VPSHUFB   kScHi<>(SB), X1, X1 \
	VPSRLW    $2, X1, X1 \
	VPAND     kSc30<>(SB), X1, X1 \
	VPOR      X2, X1, X1 \
	VPUNPCKLBW X1, X1, X2 \
	VPMOVZXBW X2, Y2 \
	VMOVDQU   Y2, (so)(sreg) \
	VPUNPCKHBW X1, X1, X2 \
	VPMOVZXBW X2, Y2 \
	VPMADDWD  (512+ao)(DX), Y2, Y4 \
	VCVTDQ2PS Y4, Y4 \
	VMOVD     (wo)(base), X7 \
	VCVTPH2PS X7, X7 \
	VBROADCASTSS (544+ao)(DX), X8 \
	VMULPS    X8, X7, X7 \
	VMOVQ     X7, (32+so)(sreg) \
	VMOVSHDUP X7, X8 \
	VBROADCASTSS X8, Y8 \
	VMULPS    Y4, Y8, Y8 \
	VSUBPS    Y8, mins, mins

// KSCALES2(b0, b1, wo, ao, sreg, so0, so1, m0, m1) is KSCALES for the
// super-blocks at wo(b0) and wo(b1) at once (one row per 128-bit lane):
// their scale pairs to so0(sreg) and so1(sreg), d*yd to 32 bytes further,
// their mins terms into the lanes m0 and m1. Clobbers Y1, Y2, Y4, X7, X8.
#define KSCALES2(b0, b1, wo, ao, sreg, so0, so1, m0, m1) \
	VMOVDQU      (4+wo)(b0), X1 \
	VINSERTI128  $1, (4+wo)(b1), Y1, Y1 \
	VPSHUFB      kScLo<>(SB), Y1, Y2 \
	VPSRLW       $4, Y2, Y4 \
	VPBLENDW     $0xc0, Y4, Y2, Y2 \
	VPAND        kScMask<>(SB), Y2, Y2 \
	VPSHUFB      kScHi<>(SB), Y1, Y1 \
	VPSRLW       $2, Y1, Y1 \
	VPAND        kSc30<>(SB), Y1, Y1 \
	VPOR         Y2, Y1, Y1 \
	VPUNPCKLBW   Y1, Y1, Y2 \
	VPMOVZXBW    X2, Y4 \
	VMOVDQU      Y4, (so0)(sreg) \
	VEXTRACTI128 $1, Y2, X2 \
	VPMOVZXBW    X2, Y4 \
	VMOVDQU      Y4, (so1)(sreg) \
	VPUNPCKHBW   Y1, Y1, Y2 \
	VPMOVZXBW    X2, Y4 \
	VPMADDWD     (512+ao)(DX), Y4, Y4 \
	VCVTDQ2PS    Y4, Y4 \
	VEXTRACTI128 $1, Y2, X2 \
	VPMOVZXBW    X2, Y2 \
	VPMADDWD     (512+ao)(DX), Y2, Y2 \
	VCVTDQ2PS    Y2, Y2 \
	VMOVD        (wo)(b0), X7 \
	VPINSRD      $1, (wo)(b1), X7, X7 \
	VCVTPH2PS    X7, X7 \
	VBROADCASTSS (544+ao)(DX), X8 \
	VMULPS       X8, X7, X7 \
	VMOVQ        X7, (32+so0)(sreg) \
	VMOVHPS      X7, (32+so1)(sreg) \
	VMOVSHDUP    X7, X7 \
	VBROADCASTSS X7, Y8 \
	VMULPS       Y4, Y8, Y8 \
	VSUBPS       Y8, m0, m0 \
	VPSHUFD      $0xaa, X7, X7 \
	VBROADCASTSS X7, Y8 \
	VMULPS       Y2, Y8, Y8 \
	VSUBPS       Y8, m1, m1

// MFINISH sums the 8 mins lanes Y13 left to right into X13[0];
// clobbers X1-X3.
#define MFINISH \
	VEXTRACTF128 $1, Y13, X2 \
	VMOVSHDUP X13, X1 \
	VADDSS    X1, X13, X3 \
	VPSHUFD   $0xaa, X13, X1 \
	VADDSS    X1, X3, X3 \
	VPSHUFD   $0xff, X13, X1 \
	VADDSS    X1, X3, X3 \
	VADDSS    X2, X3, X3 \
	VMOVSHDUP X2, X1 \
	VADDSS    X1, X3, X3 \
	VPSHUFD   $0xaa, X2, X1 \
	VADDSS    X1, X3, X3 \
	VPSHUFD   $0xff, X2, X1 \
	VADDSS    X1, X3, X13

// KROWOUT(sums, mins, dst) stores the total of a Q4_K/Q5_K row (MFINISH
// then KFINISH) from its lanes sums and mins; clobbers X1-X3, Y13, Y14.
#define KROWOUT(sums, mins, dst) \
	VMOVAPS sums, Y14 \
	VMOVAPS mins, Y13 \
	MFINISH \
	KFINISH(X13, dst)

// Q4KLANES(base, so, acc): the lanes of the Q4_K super-block at base
// (scales at so(BX)) into the sums lanes acc; clobbers Y0-Y2, Y7.
#define Q4KLANES(base, so, acc) \
	VMOVDQU      16(base), Y1 \
	VPSRLW       $4, Y1, Y2 \
	VPAND        Y15, Y1, Y1 \
	VPAND        Y15, Y2, Y2 \
	VPMADDUBSW   0(DX), Y1, Y1 \
	VPBROADCASTD so(BX), Y7 \
	VPMADDWD     Y7, Y1, Y0 \
	GROUPACC(32, Y2, (so+4)) \
	Q4KCHUNK(base, so, 1) \
	Q4KCHUNK(base, so, 2) \
	Q4KCHUNK(base, so, 3) \
	KSUPER(so, acc)

// Q4KCHUNK(base, so, c): groups 2c and 2c+1, the low and high nibbles of
// the 32 bytes at (16+32c)(base).
#define Q4KCHUNK(base, so, c) \
	VMOVDQU (16+32*c)(base), Y1 \
	VPSRLW  $4, Y1, Y2 \
	VPAND   Y15, Y1, Y1 \
	VPAND   Y15, Y2, Y2 \
	GROUPACC((64*c), Y1, (so+8*c)) \
	GROUPACC((32+64*c), Y2, (so+8*c+4))

// Q5KLANES(base, so, acc): the lanes of the Q5_K super-block at base
// (scales at so(BX)) into the sums lanes acc, the fifth bits from the qh
// bytes (Y4); clobbers Y0-Y2, Y4, Y7, Y8.
#define Q5KLANES(base, so, acc) \
	VMOVDQU 16(base), Y4 \
	VPXOR   Y0, Y0, Y0 \
	Q5KQ(base, 0) \
	Q5HBIT(VPSLLW, 4, Y1) \
	Q5HBIT(VPSLLW, 3, Y2) \
	Q5KG(so, 0) \
	Q5KQ(base, 1) \
	Q5HBIT(VPSLLW, 2, Y1) \
	Q5HBIT(VPSLLW, 1, Y2) \
	Q5KG(so, 1) \
	Q5KQ(base, 2) \
	Q5HBIT0(Y1) \
	Q5HBIT(VPSRLW, 1, Y2) \
	Q5KG(so, 2) \
	Q5KQ(base, 3) \
	Q5HBIT(VPSRLW, 2, Y1) \
	Q5HBIT(VPSRLW, 3, Y2) \
	Q5KG(so, 3) \
	KSUPER(so, acc)

// Q5KQ(base, c) splits the 32 quant bytes at (48+32c)(base) into the low
// (Y1, group 2c) and high (Y2, group 2c+1) nibbles.
#define Q5KQ(base, c) \
	VMOVDQU (48+32*c)(base), Y1 \
	VPSRLW  $4, Y1, Y2 \
	VPAND   Y15, Y1, Y1 \
	VPAND   Y15, Y2, Y2

// Q5HBIT(op, k, dst) ORs bit 4+k (op VPSRLW) or 4-k (VPSLLW) of the qh
// bytes Y4 into bit 4 of the quants dst; Q5HBIT0 bit 4 itself.
#define Q5HBIT(op, k, dst) \
	op    $k, Y4, Y8 \
	VPAND kBit4<>(SB), Y8, Y8 \
	VPOR  Y8, dst, dst
#define Q5HBIT0(dst) \
	VPAND kBit4<>(SB), Y4, Y8 \
	VPOR  Y8, dst, dst

// Q5KG(so, c) accumulates groups 2c (Y1) and 2c+1 (Y2).
#define Q5KG(so, c) \
	GROUPACC((64*c), Y1, (so+8*c)) \
	GROUPACC((32+64*c), Y2, (so+8*c+4))

// Q6GROUP(aoff, ss, off): as GROUPACC for the unsigned 6-bit quants Y9,
// minus 32*Σa per product pair (precomputed by layoutActK at aoff+256),
// with the sub-block scales of group off/32 of the half picked from ss
// (q6ScSel). Clobbers Y8, Y9.
#define Q6GROUP(aoff, ss, off) \
	VPMADDUBSW   aoff(DX), Y9, Y9 \
	VPSUBW       (256+aoff)(DX), Y9, Y9 \
	VPSHUFB      q6ScSel<>+off(SB), ss, Y8 \
	VPMADDWD     Y8, Y9, Y9 \
	VPADDD       Y9, Y0, Y0

// Q6HI(sh) leaves in Y4 the two qh bits at sh of the bytes Y3, moved to
// bits 4-5.
#define Q6HI(sh) \
	VPSRLW  $sh, Y3, Y4 \
	VPAND   Y13, Y4, Y4 \
	VPSLLW  $4, Y4, Y4

// Q6HALF(base, h, ss): ql at 64h, qh at 128+32h, activation groups
// 4h..4h+3, their scales in ss. Clobbers Y1-Y4, Y8, Y9.
#define Q6HALF(base, h, ss) \
	VMOVDQU (64*h)(base), Y1 \
	VMOVDQU (64*h+32)(base), Y2 \
	VMOVDQU (128+32*h)(base), Y3 \
	VPAND   Y13, Y3, Y4 \
	VPSLLW  $4, Y4, Y4 \
	VPAND   Y12, Y1, Y9 \
	VPOR    Y4, Y9, Y9 \
	Q6GROUP((0+128*h), ss, 0) \
	Q6HI(2) \
	VPAND   Y12, Y2, Y9 \
	VPOR    Y4, Y9, Y9 \
	Q6GROUP((32+128*h), ss, 32) \
	Q6HI(4) \
	VPSRLW  $4, Y1, Y9 \
	VPAND   Y12, Y9, Y9 \
	VPOR    Y4, Y9, Y9 \
	Q6GROUP((64+128*h), ss, 64) \
	Q6HI(6) \
	VPSRLW  $4, Y2, Y9 \
	VPAND   Y12, Y9, Y9 \
	VPOR    Y4, Y9, Y9 \
	Q6GROUP((96+128*h), ss, 96)

// Q6KLANES(base, acc): sums lanes acc += d*yd*float32(lane dots) of the
// Q6_K super-block at base. Clobbers Y0-Y6, Y8-Y10.
#define Q6KLANES(base, acc) \
	VPMOVSXBW  192(base), Y1 \
	VPERM2I128 $0x00, Y1, Y1, Y5 \
	VPERM2I128 $0x11, Y1, Y1, Y6 \
	VPXOR      Y0, Y0, Y0 \
	Q6HALF(base, 0, Y5) \
	Q6HALF(base, 1, Y6) \
	VPBROADCASTW 208(base), X10 \
	VCVTPH2PS    X10, X10 \
	VMULSS       544(DX), X10, X10 \
	VCVTDQ2PS    Y0, Y0 \
	VBROADCASTSS X10, Y10 \
	VMULPS       Y10, Y0, Y0 \
	VADDPS       Y0, acc, acc

// Q6CONST sets Y12 to bytes of 0x0f and Y13 to bytes of 0x03.
#define Q6CONST \
	VPCMPEQW  Y12, Y12, Y12 \
	VPSRLW    $14, Y12, Y13 \
	VPACKUSWB Y13, Y13, Y13 \
	VPSRLW    $12, Y12, Y12 \
	VPACKUSWB Y12, Y12, Y12

// NIBBLES sets Y15 to bytes of 0x0f.
#define NIBBLES \
	VPCMPEQW  Y15, Y15, Y15 \
	VPSRLW    $12, Y15, Y15 \
	VPACKUSWB Y15, Y15, Y15

// PREFETCH3(base) prefetches three cache lines 1 KiB ahead of base.
#define PREFETCH3(base) \
	PREFETCHT0 1024(base) \
	PREFETCHT0 1088(base) \
	PREFETCHT0 1152(base)

// The K-quant kernels come in two shapes: <type>Rows runs rows one after
// another (a Dot, the rows a matVec has left over), <type>x4 runs four
// rows at w, w+stride, w+2*stride, w+3*stride side by side (scatter4:
// four memory streams). Both unpack a super-block's scales (KSCALES)
// into one 64-byte scratch slot ahead of the previous super-block's
// lanes, which read the other slot (BX, R12 swap); x4's row k uses the
// slots at +128k. Results are ggml's generic order: sums[l] +=
// d*float32(acc[l]) per super-block, the mins lanes (minLanes, Q4_K and
// Q5_K), then their sum + sums[0] + ... + sums[7].

// KROWS(lanes, sbytes, lrow, lloop, llanes) is the body of a Q4_K/Q5_K
// Rows kernel: super-blocks of sbytes bytes, lanes macro lanes, labels
// lrow, lloop, llanes; w, stride, a, nb, out, rows and scratch in R8, R9,
// R11, R13, DI, R10 and BX.
#define KROWS(lanes, sbytes, lrow, lloop, llanes) \
	LEAQ 64(BX), R12 \
	NIBBLES \
lrow: \
	MOVQ   R8, SI \
	MOVQ   R11, DX \
	MOVQ   R13, CX \
	VXORPS Y14, Y14, Y14 \
	VXORPS Y13, Y13, Y13 \
	KSCALES(SI, 0, 0, BX, 0, Y13) \
lloop: \
	CMPQ CX, $1 \
	JEQ  llanes \
	KSCALES(SI, sbytes, 576, R12, 0, Y13) \
llanes: \
	PREFETCH3(SI) \
	lanes(SI, 0, Y14) \
	XCHGQ BX, R12 \
	ADDQ  $sbytes, SI \
	ADDQ  $576, DX \
	DECQ  CX \
	JNZ   lloop \
	MFINISH \
	KFINISH(X13, (DI)) \
	ADDQ $4, DI \
	ADDQ R9, R8 \
	DECQ R10 \
	JNZ  lrow \
	VZEROUPPER \
	RET

// X4ROWS sets R11, R13, AX to the rows SI + k*R9, k = 1, 2, 3.
#define X4ROWS \
	LEAQ (SI)(R9*1), R11 \
	LEAQ (SI)(R9*2), R13 \
	LEAQ (R13)(R9*1), AX

// KX4(lanes, sbytes, lloop, llanes) is the body of a Q4_K/Q5_K x4
// kernel: w, stride, a, nb, out and scratch in SI, R9, DX, CX, DI and BX;
// rows 0-3 keep their sums lanes in Y14, Y5, Y9, Y11 and their mins
// lanes in Y13, Y6, Y10, Y12.
#define KX4(lanes, sbytes, lloop, llanes) \
	X4ROWS \
	LEAQ 64(BX), R12 \
	NIBBLES \
	VXORPS Y14, Y14, Y14 \
	VXORPS Y5, Y5, Y5 \
	VXORPS Y9, Y9, Y9 \
	VXORPS Y11, Y11, Y11 \
	VXORPS Y13, Y13, Y13 \
	VXORPS Y6, Y6, Y6 \
	VXORPS Y10, Y10, Y10 \
	VXORPS Y12, Y12, Y12 \
	KSCALES2(SI, R11, 0, 0, BX, 0, 128, Y13, Y6) \
	KSCALES2(R13, AX, 0, 0, BX, 256, 384, Y10, Y12) \
lloop: \
	CMPQ CX, $1 \
	JEQ  llanes \
	KSCALES2(SI, R11, sbytes, 576, R12, 0, 128, Y13, Y6) \
	KSCALES2(R13, AX, sbytes, 576, R12, 256, 384, Y10, Y12) \
llanes: \
	PREFETCH3(SI) \
	PREFETCH3(R11) \
	PREFETCH3(R13) \
	PREFETCH3(AX) \
	lanes(SI, 0, Y14) \
	lanes(R11, 128, Y5) \
	lanes(R13, 256, Y9) \
	lanes(AX, 384, Y11) \
	XCHGQ BX, R12 \
	ADDQ  $sbytes, SI \
	ADDQ  $sbytes, R11 \
	ADDQ  $sbytes, R13 \
	ADDQ  $sbytes, AX \
	ADDQ  $576, DX \
	DECQ  CX \
	JNZ   lloop \
	MFINISH \
	KFINISH(X13, 0(DI)) \
	KROWOUT(Y5, Y6, 4(DI)) \
	KROWOUT(Y9, Y10, 8(DI)) \
	KROWOUT(Y11, Y12, 12(DI)) \
	VZEROUPPER \
	RET

// func dotQ4KRows(w *byte, stride int, a *byte, nb int, out *float32, rows int, scratch *[32]uint32)
// out[r] = the Q4_K row at w + r*stride (nb >= 1 super-blocks) dotted
// with Q8_K activations laid out by layoutActK, for r < rows (rows >= 1).
TEXT ·dotQ4KRows(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), R8
	MOVQ stride+8(FP), R9
	MOVQ a+16(FP), R11
	MOVQ nb+24(FP), R13
	MOVQ out+32(FP), DI
	MOVQ rows+40(FP), R10
	MOVQ scratch+48(FP), BX
	KROWS(Q4KLANES, 144, q4krow, q4kloop, q4klanes)

// func dotQ4Kx4(w *byte, stride int, a *byte, nb int, out *[4]float32, scratch *[128]uint32)
// out[k] = the Q4_K row at w + k*stride dotted with a, for k < 4.
TEXT ·dotQ4Kx4(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R9
	MOVQ a+16(FP), DX
	MOVQ nb+24(FP), CX
	MOVQ out+32(FP), DI
	MOVQ scratch+40(FP), BX
	KX4(Q4KLANES, 144, q4kx4loop, q4kx4lanes)

// func dotQ5KRows(w *byte, stride int, a *byte, nb int, out *float32, rows int, scratch *[32]uint32)
// As dotQ4KRows for Q5_K rows (fifth bits from qh).
TEXT ·dotQ5KRows(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), R8
	MOVQ stride+8(FP), R9
	MOVQ a+16(FP), R11
	MOVQ nb+24(FP), R13
	MOVQ out+32(FP), DI
	MOVQ rows+40(FP), R10
	MOVQ scratch+48(FP), BX
	KROWS(Q5KLANES, 176, q5krow, q5kloop, q5klanes)

// func dotQ5Kx4(w *byte, stride int, a *byte, nb int, out *[4]float32, scratch *[128]uint32)
// As dotQ4Kx4 for Q5_K rows.
TEXT ·dotQ5Kx4(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R9
	MOVQ a+16(FP), DX
	MOVQ nb+24(FP), CX
	MOVQ out+32(FP), DI
	MOVQ scratch+40(FP), BX
	KX4(Q5KLANES, 176, q5kx4loop, q5kx4lanes)

// PREFETCH4(base) prefetches four cache lines 1 KiB ahead of base (a
// Q6_K super-block spans 210 bytes).
#define PREFETCH4(base) \
	PREFETCH3(base) \
	PREFETCHT0 1216(base)

// func dotQ6KRows(w *byte, stride int, a *byte, nb int, out *float32, rows int, scratch *[32]uint32)
// As dotQ4KRows for Q6_K rows: sums[l] += d*yd*float32(acc[l]), then
// 0 + sums[0] + ... + sums[7]. Quants stay unsigned (0..63); 32*Σa is
// subtracted per pair of products.
TEXT ·dotQ6KRows(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), R8
	MOVQ stride+8(FP), R9
	MOVQ out+32(FP), DI
	MOVQ rows+40(FP), R10
	Q6CONST

q6krow:
	MOVQ   R8, SI
	MOVQ   a+16(FP), DX
	MOVQ   nb+24(FP), CX
	VXORPS Y14, Y14, Y14

q6kloop:
	PREFETCH4(SI)
	Q6KLANES(SI, Y14)
	ADDQ $210, SI
	ADDQ $576, DX
	DECQ CX
	JNZ  q6kloop
	VXORPS X9, X9, X9
	KFINISH(X9, (DI))
	ADDQ $4, DI
	ADDQ R9, R8
	DECQ R10
	JNZ  q6krow
	VZEROUPPER
	RET

// Q6ROWOUT(sums, dst) stores the total of a Q6_K row from its sums lanes;
// clobbers X1, X2, X9, Y14.
#define Q6ROWOUT(sums, dst) \
	VMOVAPS sums, Y14 \
	VXORPS  X9, X9, X9 \
	KFINISH(X9, dst)

// func dotQ6Kx4(w *byte, stride int, a *byte, nb int, out *[4]float32)
// As dotQ4Kx4 for Q6_K rows: sums lanes Y14, Y7, Y11, Y15.
TEXT ·dotQ6Kx4(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R9
	MOVQ a+16(FP), DX
	MOVQ nb+24(FP), CX
	MOVQ out+32(FP), DI
	X4ROWS
	Q6CONST
	VXORPS Y14, Y14, Y14
	VXORPS Y7, Y7, Y7
	VXORPS Y11, Y11, Y11
	VXORPS Y15, Y15, Y15

q6kx4loop:
	PREFETCH4(SI)
	PREFETCH4(R11)
	PREFETCH4(R13)
	PREFETCH4(AX)
	Q6KLANES(SI, Y14)
	Q6KLANES(R11, Y7)
	Q6KLANES(R13, Y11)
	Q6KLANES(AX, Y15)
	ADDQ $210, SI
	ADDQ $210, R11
	ADDQ $210, R13
	ADDQ $210, AX
	ADDQ $576, DX
	DECQ CX
	JNZ  q6kx4loop
	Q6ROWOUT(Y14, 0(DI))
	Q6ROWOUT(Y7, 4(DI))
	Q6ROWOUT(Y11, 8(DI))
	Q6ROWOUT(Y15, 12(DI))
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

// func layoutActK(src, dst *byte, nb int)
// Copies nb Q8_K blocks to kActBytes (576-byte) blocks: the 256 quants at
// 0, at 256+32g the words 32*(a[2k]+a[2k+1]) of group g (Q6_K's offset
// term), the bsums at 512, the scale at 544. With dst 64-byte aligned
// every 32-byte load of the kernels is aligned.
TEXT ·layoutActK(SB), NOSPLIT, $0-24
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ nb+16(FP), CX
	VPCMPEQW Y4, Y4, Y4
	VPSRLW   $15, Y4, Y4
	VPSLLW   $5, Y4, Y4
	VPACKUSWB Y4, Y4, Y4 // bytes of 32
	TESTQ CX, CX
	JZ    pakdone

pakloop:
	MOVL (SI), AX
	MOVL AX, 544(DI)
#define PAK(off) \
	VMOVDQU (4+off)(SI), Y0 \
	VMOVDQU Y0, off(DI) \
	VPMADDUBSW Y0, Y4, Y0 \
	VMOVDQU Y0, (256+off)(DI)
	PAK(0)
	PAK(32)
	PAK(64)
	PAK(96)
	PAK(128)
	PAK(160)
	PAK(192)
	PAK(224)
#undef PAK
	VMOVDQU 260(SI), Y0
	VMOVDQU Y0, 512(DI)
	ADDQ $292, SI
	ADDQ $576, DI
	DECQ CX
	JNZ  pakloop

pakdone:
	VZEROUPPER
	RET
