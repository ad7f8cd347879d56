//go:build !purego

#include "textflag.h"

// Q5_0 x Q8_0 NEON kernels, 4 rows per call. No fused multiply-add: per
// block and row the exact integer sum s is formed, then
// sum += float32(s) * (dw*da) in block order, as dotQ5_0Q8_0 does.
// Instructions the Go assembler lacks are WORD-encoded, mnemonic in the
// comment; register arguments are numbers.

#define SDOT(d, n, m)    WORD $(0x4E809400 | (m)<<16 | (n)<<5 | (d)) // SDOT Vd.4S, Vn.16B, Vm.16B
#define SMULLB(d, n, m)  WORD $(0x0E20C000 | (m)<<16 | (n)<<5 | (d)) // SMULL Vd.8H, Vn.8B, Vm.8B
#define SMLALB(d, n, m)  WORD $(0x0E208000 | (m)<<16 | (n)<<5 | (d)) // SMLAL Vd.8H, Vn.8B, Vm.8B
#define SMLAL2B(d, n, m) WORD $(0x4E208000 | (m)<<16 | (n)<<5 | (d)) // SMLAL2 Vd.8H, Vn.16B, Vm.16B
#define SADDLP(d, n)     WORD $(0x4E602800 | (n)<<5 | (d))           // SADDLP Vd.4S, Vn.8H
#define ADDV4S(d, n)     WORD $(0x4EB1B800 | (n)<<5 | (d))           // ADDV Sd, Vn.4S
#define SCVTFS(d, n)     WORD $(0x5E21D800 | (n)<<5 | (d))           // SCVTF Sd, Sn
#define FCVTSH(d, n)     WORD $(0x1EE24000 | (n)<<5 | (d))           // FCVT Sd, Hn
#define BIC16B(d, n, m)  WORD $(0x4E601C00 | (m)<<16 | (n)<<5 | (d)) // BIC Vd.16B, Vn.16B, Vm.16B

// Registers: R0..R3 the 4 rows, R4 activations, R5 blocks left, R9 the
// row stride; row sums in F24..F27; activation quants V16, V17 and scale
// F23. Constants (Q50CONST): V1 bytes 0x0f, V2 bytes 0xf0, V3 the bit of
// each byte within its qh byte (1, 2, ..., 128, twice), V4/V5 the TBL
// indexes spreading qh bytes 0,1 / 2,3 over 8 bytes each.

#define Q50PROLOG \
	MOVD w+0(FP), R0 \
	MOVD stride+8(FP), R9 \
	MOVD a+16(FP), R4 \
	MOVD nb+24(FP), R5 \
	ADD  R9, R0, R1 \
	ADD  R9, R1, R2 \
	ADD  R9, R2, R3 \
	FMOVS ZR, F24 \
	FMOVS ZR, F25 \
	FMOVS ZR, F26 \
	FMOVS ZR, F27 \
	VMOVI $15, V1.B16 \
	VMOVI $240, V2.B16 \
	MOVD  $0x8040201008040201, R10 \
	VMOV  R10, V3.D[0] \
	VMOV  R10, V3.D[1] \
	VMOV  ZR, V4.D[0] \
	MOVD  $0x0101010101010101, R10 \
	VMOV  R10, V4.D[1] \
	MOVD  $0x0202020202020202, R10 \
	VMOV  R10, V5.D[0] \
	MOVD  $0x0303030303030303, R10 \
	VMOV  R10, V5.D[1]

#define Q50ACT \
	MOVHU (R4), R10 \
	FMOVS R10, F23 \
	FCVTSH(23, 23) \
	ADD   $2, R4, R11 \
	VLD1  (R11), [V16.B16, V17.B16]

// Q50W(p): the 32 weights of the Q5_0 block at p as signed q-16 in V18
// (elements 0-15) and V19 (16-31): the nibble, ORed with 0xf0 where the
// fifth bit is clear.
#define Q50W(p) \
	ADD    $2, p, R11 \
	FMOVS  (R11), F8 \
	ADD    $4, R11, R11 \
	VLD1   (R11), [V9.B16] \
	VTBL   V4.B16, [V8.B16], V10.B16 \
	VTBL   V5.B16, [V8.B16], V11.B16 \
	VCMTST V3.B16, V10.B16, V10.B16 \
	VCMTST V3.B16, V11.B16, V11.B16 \
	VAND   V1.B16, V9.B16, V18.B16 \
	VUSHR  $4, V9.B16, V19.B16 \
	BIC16B(10, 2, 10) \
	BIC16B(11, 2, 11) \
	VORR   V10.B16, V18.B16, V18.B16 \
	VORR   V11.B16, V19.B16, V19.B16

// Q50FLOAT(p, sum): sum += float32(ADDV V20) * (f16 at p * da).
#define Q50FLOAT(p, sum) \
	ADDV4S(20, 20) \
	SCVTFS(20, 20) \
	MOVHU (p), R10 \
	FMOVS R10, F21 \
	FCVTSH(21, 21) \
	FMULS F23, F21, F21 \
	FMULS F21, F20, F20 \
	FADDS F20, sum, sum

#define Q50SDOT(p, sum) \
	Q50W(p) \
	VEOR V20.B16, V20.B16, V20.B16 \
	SDOT(20, 18, 16) \
	SDOT(20, 19, 17) \
	Q50FLOAT(p, sum) \
	ADD  $22, p, p

// Q50NEON: 4 products per 16-bit lane (|q-16| <= 16) cannot overflow.
#define Q50NEON(p, sum) \
	Q50W(p) \
	SMULLB(21, 18, 16) \
	SMLAL2B(21, 18, 16) \
	SMLALB(21, 19, 17) \
	SMLAL2B(21, 19, 17) \
	SADDLP(20, 21) \
	Q50FLOAT(p, sum) \
	ADD  $22, p, p

#define Q50EPILOG \
	MOVD  out+32(FP), R6 \
	FMOVS F24, (R6) \
	FMOVS F25, 4(R6) \
	FMOVS F26, 8(R6) \
	FMOVS F27, 12(R6) \
	RET

// func dotQ5_0x4SDOT(w *byte, stride int, a *byte, nb int, out *[4]float32)
// out[r] = Σ_blocks float32(s_r) * (dw_r*da) for the Q5_0 rows r < 4 at
// w + r*stride, with SDOT (ARMv8.2 dotprod).
TEXT ·dotQ5_0x4SDOT(SB), NOSPLIT, $0-40
	Q50PROLOG
	CBZ R5, q50sdone

q50sloop:
	Q50ACT
	Q50SDOT(R0, F24)
	Q50SDOT(R1, F25)
	Q50SDOT(R2, F26)
	Q50SDOT(R3, F27)
	ADD  $34, R4, R4
	SUB  $1, R5, R5
	CBNZ R5, q50sloop

q50sdone:
	Q50EPILOG

// func dotQ5_0x4NEON(w *byte, stride int, a *byte, nb int, out *[4]float32)
// As dotQ5_0x4SDOT with SMULL/SMLAL (ARMv8.0).
TEXT ·dotQ5_0x4NEON(SB), NOSPLIT, $0-40
	Q50PROLOG
	CBZ R5, q50ndone

q50nloop:
	Q50ACT
	Q50NEON(R0, F24)
	Q50NEON(R1, F25)
	Q50NEON(R2, F26)
	Q50NEON(R3, F27)
	ADD  $34, R4, R4
	SUB  $1, R5, R5
	CBNZ R5, q50nloop

q50ndone:
	Q50EPILOG
