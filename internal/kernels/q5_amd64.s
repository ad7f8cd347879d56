//go:build !purego

#include "textflag.h"

// Q5_0 x Q8_0 AVX2 kernel, 4 rows per call. No fused multiply-add: per
// block and row the exact integer sum s is formed, then
// sum += float32(s) * (dw*da) in block order, as dotQ5_0Q8_0 does.

// VPSHUFB mask spreading the broadcast qh bytes 0, 1 (low half) and 2, 3
// (high half) over 8 bytes each.
DATA q5Spread<>+0(SB)/8, $0x0000000000000000
DATA q5Spread<>+8(SB)/8, $0x0101010101010101
DATA q5Spread<>+16(SB)/8, $0x0202020202020202
DATA q5Spread<>+24(SB)/8, $0x0303030303030303
GLOBL q5Spread<>(SB), RODATA|NOPTR, $32

// The bit of byte j within its qh byte: 1 << (j%8).
DATA q5Bits<>+0(SB)/8, $0x8040201008040201
DATA q5Bits<>+8(SB)/8, $0x8040201008040201
DATA q5Bits<>+16(SB)/8, $0x8040201008040201
DATA q5Bits<>+24(SB)/8, $0x8040201008040201
GLOBL q5Bits<>(SB), RODATA|NOPTR, $32

// Q5ROWSCALES leaves in X1 the four f16 block scales of rows SI, SI+R8,
// SI+2*R8, R9, widened to float32 (gathered in AX, BX).
#define Q5ROWSCALES \
	MOVWQZX   (SI), AX \
	MOVWQZX   (SI)(R8*1), BX \
	SHLQ      $16, BX \
	ORQ       BX, AX \
	MOVWQZX   (SI)(R8*2), BX \
	SHLQ      $32, BX \
	ORQ       BX, AX \
	MOVWQZX   (R9), BX \
	SHLQ      $48, BX \
	ORQ       BX, AX \
	VMOVQ     AX, X1 \
	VCVTPH2PS X1, X1

// Q5W(qs, qh, xt, yt, xw, yw): the 32 unsigned 5-bit values (0..31) of
// the block whose quants are at qs and fifth bits at qh into yw, element j
// in byte j; yt is clobbered. Needs Y11 = bytes of 0x0f, Y12 = bytes of
// 16, Y9 = q5Spread, Y8 = q5Bits.
#define Q5W(qs, qh, xt, yt, xw, yw) \
	VMOVDQU      qs, xw \
	VPSRLW       $4, xw, xt \
	VINSERTI128  $1, xt, yw, yw \
	VPAND        Y11, yw, yw \
	VPBROADCASTD qh, yt \
	VPSHUFB      Y9, yt, yt \
	VPAND        Y8, yt, yt \
	VPCMPEQB     Y8, yt, yt \
	VPAND        Y12, yt, yt \
	VPOR         yt, yw, yw

// func dotQ5_0x4(w *byte, stride int, a *byte, nb int, out *[4]float32)
// out[r] = Σ_blocks float32(s_r) * (dw_r*da), accumulated in block order,
// for the Q5_0 rows r < 4 at w + r*stride, s_r = Σ q*a - 16*Σ a with q
// the unsigned 5-bit values (exact for any int8 activations).
TEXT ·dotQ5_0x4(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), R8
	MOVQ a+16(FP), DX
	MOVQ nb+24(FP), CX
	LEAQ (SI)(R8*2), R9
	ADDQ R8, R9
	VPCMPEQW  Y15, Y15, Y15
	VPSRLW    $15, Y15, Y15 // words of 1
	VPSLLW    $4, Y15, Y12
	VPACKUSWB Y12, Y12, Y12 // bytes of 16
	VPCMPEQW  Y11, Y11, Y11
	VPSRLW    $12, Y11, Y11
	VPACKUSWB Y11, Y11, Y11 // bytes of 0x0f
	VMOVDQU   q5Spread<>(SB), Y9
	VMOVDQU   q5Bits<>(SB), Y8
	VXORPS    X14, X14, X14
	TESTQ     CX, CX
	JZ        q50done

q50loop:
	PREFETCHT0 1024(SI)
	PREFETCHT0 1024(SI)(R8*1)
	PREFETCHT0 1024(SI)(R8*2)
	PREFETCHT0 1024(R9)
	VMOVDQU    2(DX), Y13
	VPMADDUBSW Y13, Y12, Y10 // 16*Σa in word partial sums
	Q5W(6(SI), 2(SI), X0, Y0, X4, Y4)
	Q5W(6(SI)(R8*1), 2(SI)(R8*1), X1, Y1, X5, Y5)
	Q5W(6(SI)(R8*2), 2(SI)(R8*2), X2, Y2, X6, Y6)
	Q5W(6(R9), 2(R9), X3, Y3, X7, Y7)
	VPMADDUBSW Y13, Y4, Y0 // pairs of q*a, |.| <= 31*128*2
	VPMADDUBSW Y13, Y5, Y1
	VPMADDUBSW Y13, Y6, Y2
	VPMADDUBSW Y13, Y7, Y3
	VPSUBW     Y10, Y0, Y0 // pairs of (q-16)*a, |.| <= 16*128*2
	VPSUBW     Y10, Y1, Y1
	VPSUBW     Y10, Y2, Y2
	VPSUBW     Y10, Y3, Y3
	VPHADDW    Y1, Y0, Y0 // sums of 4 and then 8 products fit in 16 bits
	VPHADDW    Y3, Y2, Y2
	VPHADDW    Y2, Y0, Y0
	VPMADDWD   Y15, Y0, Y0 // [r0 r1 r2 r3 | r0 r1 r2 r3] dwords
	VEXTRACTI128 $1, Y0, X1
	VPADDD     X1, X0, X0
	VCVTDQ2PS  X0, X0
	Q5ROWSCALES
	MOVWLZX    (DX), AX
	VMOVD      AX, X2
	VCVTPH2PS  X2, X2
	VBROADCASTSS X2, X2
	VMULPS     X2, X1, X1 // dw*da
	VMULPS     X1, X0, X0 // s*(dw*da)
	VADDPS     X0, X14, X14
	ADDQ       $22, SI
	ADDQ       $22, R9
	ADDQ       $34, DX
	DECQ       CX
	JNZ        q50loop

q50done:
	MOVQ    out+32(FP), DI
	VMOVUPS X14, (DI)
	VZEROUPPER
	RET
