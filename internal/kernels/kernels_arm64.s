//go:build !purego

#include "textflag.h"

// NEON kernels. No fused multiply-add anywhere: every float product is
// rounded (FMUL) before it is added (FADD), in the canonical orders of
// doc.go. Instructions the Go assembler lacks are WORD-encoded by the
// macros below, named by their mnemonic; register arguments are numbers.

#define FADD4S(d, n, m)   WORD $(0x4E20D400 | (m)<<16 | (n)<<5 | (d)) // FADD Vd.4S, Vn.4S, Vm.4S
#define FMUL4S(d, n, m)   WORD $(0x6E20DC00 | (m)<<16 | (n)<<5 | (d)) // FMUL Vd.4S, Vn.4S, Vm.4S
#define FMUL4SE0(d, n, m) WORD $(0x4F809000 | (m)<<16 | (n)<<5 | (d)) // FMUL Vd.4S, Vn.4S, Vm.S[0]
#define FCVTL(d, n)       WORD $(0x0E217800 | (n)<<5 | (d))           // FCVTL Vd.4S, Vn.4H
#define FCVTL2(d, n)      WORD $(0x4E217800 | (n)<<5 | (d))           // FCVTL2 Vd.4S, Vn.8H
#define ZIP1H(d, n, m)    WORD $(0x4E403800 | (m)<<16 | (n)<<5 | (d)) // ZIP1 Vd.8H, Vn.8H, Vm.8H
#define ZIP2H(d, n, m)    WORD $(0x4E407800 | (m)<<16 | (n)<<5 | (d)) // ZIP2 Vd.8H, Vn.8H, Vm.8H
#define SDOT(d, n, m)     WORD $(0x4E809400 | (m)<<16 | (n)<<5 | (d)) // SDOT Vd.4S, Vn.16B, Vm.16B
#define SMULLB(d, n, m)   WORD $(0x0E20C000 | (m)<<16 | (n)<<5 | (d)) // SMULL Vd.8H, Vn.8B, Vm.8B
#define SMULL2B(d, n, m)  WORD $(0x4E20C000 | (m)<<16 | (n)<<5 | (d)) // SMULL2 Vd.8H, Vn.16B, Vm.16B
#define SMLALB(d, n, m)   WORD $(0x0E208000 | (m)<<16 | (n)<<5 | (d)) // SMLAL Vd.8H, Vn.8B, Vm.8B
#define SMLAL2B(d, n, m)  WORD $(0x4E208000 | (m)<<16 | (n)<<5 | (d)) // SMLAL2 Vd.8H, Vn.16B, Vm.16B
#define SMULLH(d, n, m)   WORD $(0x0E60C000 | (m)<<16 | (n)<<5 | (d)) // SMULL Vd.4S, Vn.4H, Vm.4H
#define SMLALH(d, n, m)   WORD $(0x0E608000 | (m)<<16 | (n)<<5 | (d)) // SMLAL Vd.4S, Vn.4H, Vm.4H
#define SMLAL2H(d, n, m)  WORD $(0x4E608000 | (m)<<16 | (n)<<5 | (d)) // SMLAL2 Vd.4S, Vn.8H, Vm.8H
#define SADDLP(d, n)      WORD $(0x4E602800 | (n)<<5 | (d))           // SADDLP Vd.4S, Vn.8H
#define MUL4S(d, n, m)    WORD $(0x4EA09C00 | (m)<<16 | (n)<<5 | (d)) // MUL Vd.4S, Vn.4S, Vm.4S
#define SADALP(d, n)      WORD $(0x4E606800 | (n)<<5 | (d))           // SADALP Vd.4S, Vn.8H
#define ADDV4S(d, n)      WORD $(0x4EB1B800 | (n)<<5 | (d))           // ADDV Sd, Vn.4S
#define SCVTF4S(d, n)     WORD $(0x4E21D800 | (n)<<5 | (d))           // SCVTF Vd.4S, Vn.4S
#define SCVTFS(d, n)      WORD $(0x5E21D800 | (n)<<5 | (d))           // SCVTF Sd, Sn
#define FCVTSH(d, n)      WORD $(0x1EE24000 | (n)<<5 | (d))           // FCVT Sd, Hn

#define LANESPROLOG \
	MOVD w+0(FP), R0 \
	MOVD stride+8(FP), R9 \
	MOVD x+16(FP), R4 \
	MOVD n8+24(FP), R5 \
	MOVD acc+32(FP), R6 \
	ADD  R9, R0, R1 \
	ADD  R9, R1, R2 \
	ADD  R9, R2, R3 \
	ADD  $64, R6, R7 \
	VLD1 (R6), [V0.S4, V1.S4, V2.S4, V3.S4] \
	VLD1 (R7), [V4.S4, V5.S4, V6.S4, V7.S4] \
	LSR  $3, R5, R5

#define LANESEPILOG \
	VST1 [V0.S4, V1.S4, V2.S4, V3.S4], (R6) \
	VST1 [V4.S4, V5.S4, V6.S4, V7.S4], (R7) \
	RET

#define Q80PROLOG \
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
	FMOVS ZR, F27

// Q80FLOAT(p, sum): sum += float32(ADDV V20) * (f16 at p * da in F23).
#define Q80FLOAT(p, sum) \
	ADDV4S(20, 20) \
	SCVTFS(20, 20) \
	MOVHU (p), R10 \
	FMOVS R10, F21 \
	FCVTSH(21, 21) \
	FMULS F23, F21, F21 \
	FMULS F21, F20, F20 \
	FADDS F20, sum, sum

#define Q80ACT \
	MOVHU (R4), R10 \
	FMOVS R10, F23 \
	FCVTSH(23, 23) \
	ADD   $2, R4, R11 \
	VLD1  (R11), [V16.B16, V17.B16]

#define Q80EPILOG \
	MOVD  out+32(FP), R6 \
	FMOVS F24, (R6) \
	FMOVS F25, 4(R6) \
	FMOVS F26, 8(R6) \
	FMOVS F27, 12(R6) \
	RET

// Q80SDOT(p, sum): one row's block with SDOT.
#define Q80SDOT(p, sum) \
	ADD  $2, p, R11 \
	VLD1 (R11), [V18.B16, V19.B16] \
	VEOR V20.B16, V20.B16, V20.B16 \
	SDOT(20, 18, 16) \
	SDOT(20, 19, 17) \
	Q80FLOAT(p, sum) \
	ADD  $34, p, p

// Q80NEON(p, sum): one row's block with SMULL/SADALP (ARMv8.0). Each
// 16-bit product fits (activations in [-127, 127]).
#define Q80NEON(p, sum) \
	ADD  $2, p, R11 \
	VLD1 (R11), [V18.B16, V19.B16] \
	VEOR V20.B16, V20.B16, V20.B16 \
	SMULLB(21, 18, 16) \
	SMULL2B(22, 18, 16) \
	SADALP(20, 21) \
	SADALP(20, 22) \
	SMULLB(21, 19, 17) \
	SMULL2B(22, 19, 17) \
	SADALP(20, 21) \
	SADALP(20, 22) \
	Q80FLOAT(p, sum) \
	ADD  $34, p, p

// Q4KGROUP(aoff, wlo, whi, shift): the group of activations at aoff(R1)
// with weight registers wlo (elements 0-15), whi (16-31) and scale byte
// R8>>shift.
#define Q4KGROUP(aoff, wlo, whi, shift) \
	ADD   $(aoff), R1, R12 \
	VLD1  (R12), [V16.B16, V17.B16] \
	SMULLB(18, wlo, 16) \
	SMLAL2B(18, wlo, 16) \
	SMLALB(18, whi, 17) \
	SMLAL2B(18, whi, 17) \
	LSR   $(shift), R8, R13 \
	AND   $0xff, R13, R13 \
	VDUP  R13, V19.H8 \
	SMLALH(8, 18, 19) \
	SMLAL2H(9, 18, 19)

#define Q4KCHUNK(c) \
	ADD   $(16+32*c), R0, R12 \
	VLD1  (R12), [V10.B16, V11.B16] \
	VAND  V31.B16, V10.B16, V12.B16 \
	VAND  V31.B16, V11.B16, V13.B16 \
	VUSHR $4, V10.B16, V14.B16 \
	VUSHR $4, V11.B16, V15.B16 \
	Q4KGROUP(4+64*c, 12, 13, 16*c) \
	Q4KGROUP(36+64*c, 14, 15, 16*c+8)

// Q40W(p): the 32 weights of the Q4_0 block at p as signed q-8 in V18
// (elements 0-15) and V19 (16-31). V31 = 0x0f, V30 = 8.
#define Q40W(p) \
	ADD   $2, p, R11 \
	VLD1  (R11), [V22.B16] \
	VAND  V31.B16, V22.B16, V18.B16 \
	VUSHR $4, V22.B16, V19.B16 \
	VSUB  V30.B16, V18.B16, V18.B16 \
	VSUB  V30.B16, V19.B16, V19.B16

// Q40FLOAT(p, sum): sum += float32(ADDV V20) * dw * da (left to right).
#define Q40FLOAT(p, sum) \
	ADDV4S(20, 20) \
	SCVTFS(20, 20) \
	MOVHU (p), R10 \
	FMOVS R10, F21 \
	FCVTSH(21, 21) \
	FMULS F21, F20, F20 \
	FMULS F23, F20, F20 \
	FADDS F20, sum, sum

#define Q40SDOT(p, sum) \
	Q40W(p) \
	VEOR V20.B16, V20.B16, V20.B16 \
	SDOT(20, 18, 16) \
	SDOT(20, 19, 17) \
	Q40FLOAT(p, sum) \
	ADD  $18, p, p

// Q40NEON: 4 products per 16-bit lane (|q-8| <= 8) cannot overflow.
#define Q40NEON(p, sum) \
	Q40W(p) \
	SMULLB(21, 18, 16) \
	SMLAL2B(21, 18, 16) \
	SMLALB(21, 19, 17) \
	SMLAL2B(21, 19, 17) \
	SADDLP(20, 21) \
	Q40FLOAT(p, sum) \
	ADD  $18, p, p

#define Q40CONST \
	VMOVI $15, V31.B16 \
	VMOVI $8, V30.B16

// Q6SUB(aoff, w, sc): one 16-element Q6_K sub-block: signed weights number w,
// activations at aoff(R1), int8 scale at sc(R0), into lanes V8/V9.
#define Q6SUB(aoff, w, sc) \
	ADD   $(aoff), R1, R12 \
	VLD1  (R12), [V16.B16] \
	SMULLB(18, w, 16) \
	SMLAL2B(18, w, 16) \
	MOVB  sc(R0), R13 \
	VDUP  R13, V19.H8 \
	SMLALH(8, 18, 19) \
	SMLAL2H(9, 18, 19)

// Q6GRP(lo, hi, qhshift, aoff, sc): builds the 32 weights of a group from
// quant registers l0, l1 (4 bits each, already positioned) and the
// high-bit registers V12, V13 shifted right by qhshift, minus 32.
#define Q6GRP(l0, l1, aoff, sc) \
	VAND  V29.B16, V12.B16, V20.B16 \
	VAND  V29.B16, V13.B16, V21.B16 \
	VSHL  $4, V20.B16, V20.B16 \
	VSHL  $4, V21.B16, V21.B16 \
	VORR  l0.B16, V20.B16, V20.B16 \
	VORR  l1.B16, V21.B16, V21.B16 \
	VSUB  V28.B16, V20.B16, V20.B16 \
	VSUB  V28.B16, V21.B16, V21.B16 \
	Q6SUB(aoff, 20, sc) \
	Q6SUB((aoff)+16, 21, (sc)+1) \
	VUSHR $2, V12.B16, V12.B16 \
	VUSHR $2, V13.B16, V13.B16

#define Q6HALF(h) \
	ADD   $(64*h), R0, R12 \
	VLD1  (R12), [V2.B16, V3.B16, V4.B16, V5.B16] \
	ADD   $(128+32*h), R0, R12 \
	VLD1  (R12), [V12.B16, V13.B16] \
	VAND  V31.B16, V2.B16, V22.B16 \
	VAND  V31.B16, V3.B16, V23.B16 \
	VAND  V31.B16, V4.B16, V24.B16 \
	VAND  V31.B16, V5.B16, V25.B16 \
	Q6GRP(V22, V23, 4+128*h, 192+8*h) \
	Q6GRP(V24, V25, 4+128*h+32, 192+8*h+2) \
	VUSHR $4, V2.B16, V22.B16 \
	VUSHR $4, V3.B16, V23.B16 \
	VUSHR $4, V4.B16, V24.B16 \
	VUSHR $4, V5.B16, V25.B16 \
	Q6GRP(V22, V23, 4+128*h+64, 192+8*h+4) \
	Q6GRP(V24, V25, 4+128*h+96, 192+8*h+6)

// Q5HB(w0, w1): ORs bit 0 of V12/V13 (V27 = bytes of 1) (the next qh bit), shifted to bit
// 4, into w0/w1, then moves V12/V13 to the following bit.
#define Q5HB(w0, w1) \
	VAND  V27.B16, V12.B16, V20.B16 \
	VAND  V27.B16, V13.B16, V21.B16 \
	VSHL  $4, V20.B16, V20.B16 \
	VSHL  $4, V21.B16, V21.B16 \
	VORR  V20.B16, w0.B16, w0.B16 \
	VORR  V21.B16, w1.B16, w1.B16 \
	VUSHR $1, V12.B16, V12.B16 \
	VUSHR $1, V13.B16, V13.B16

#define Q5KCHUNK(c) \
	ADD   $(48+32*c), R0, R12 \
	VLD1  (R12), [V10.B16, V11.B16] \
	VAND  V31.B16, V10.B16, V14.B16 \
	VAND  V31.B16, V11.B16, V15.B16 \
	VUSHR $4, V10.B16, V22.B16 \
	VUSHR $4, V11.B16, V23.B16 \
	Q5HB(V14, V15) \
	Q5HB(V22, V23) \
	Q4KGROUP(4+64*c, 14, 15, 16*c) \
	Q4KGROUP(36+64*c, 22, 23, 16*c+8)

// func lanesF32x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)
TEXT ·lanesF32x4(SB), NOSPLIT, $0-40
	LANESPROLOG
	CBZ R5, f32done

f32loop:
	VLD1.P 32(R4), [V16.S4, V17.S4]
	VLD1.P 32(R0), [V20.S4, V21.S4]
	VLD1.P 32(R1), [V22.S4, V23.S4]
	VLD1.P 32(R2), [V24.S4, V25.S4]
	VLD1.P 32(R3), [V26.S4, V27.S4]
	FMUL4S(20, 20, 16)
	FMUL4S(21, 21, 17)
	FMUL4S(22, 22, 16)
	FMUL4S(23, 23, 17)
	FMUL4S(24, 24, 16)
	FMUL4S(25, 25, 17)
	FMUL4S(26, 26, 16)
	FMUL4S(27, 27, 17)
	FADD4S(0, 0, 20)
	FADD4S(1, 1, 21)
	FADD4S(2, 2, 22)
	FADD4S(3, 3, 23)
	FADD4S(4, 4, 24)
	FADD4S(5, 5, 25)
	FADD4S(6, 6, 26)
	FADD4S(7, 7, 27)
	SUB  $1, R5, R5
	CBNZ R5, f32loop

f32done:
	LANESEPILOG

// func lanesF16x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)
TEXT ·lanesF16x4(SB), NOSPLIT, $0-40
	LANESPROLOG
	CBZ R5, f16done

f16loop:
	VLD1.P 32(R4), [V16.S4, V17.S4]
	VLD1.P 16(R0), [V18.H8]
	FCVTL(20, 18)
	FCVTL2(21, 18)
	VLD1.P 16(R1), [V18.H8]
	FCVTL(22, 18)
	FCVTL2(23, 18)
	VLD1.P 16(R2), [V18.H8]
	FCVTL(24, 18)
	FCVTL2(25, 18)
	VLD1.P 16(R3), [V18.H8]
	FCVTL(26, 18)
	FCVTL2(27, 18)
	FMUL4S(20, 20, 16)
	FMUL4S(21, 21, 17)
	FMUL4S(22, 22, 16)
	FMUL4S(23, 23, 17)
	FMUL4S(24, 24, 16)
	FMUL4S(25, 25, 17)
	FMUL4S(26, 26, 16)
	FMUL4S(27, 27, 17)
	FADD4S(0, 0, 20)
	FADD4S(1, 1, 21)
	FADD4S(2, 2, 22)
	FADD4S(3, 3, 23)
	FADD4S(4, 4, 24)
	FADD4S(5, 5, 25)
	FADD4S(6, 6, 26)
	FADD4S(7, 7, 27)
	SUB  $1, R5, R5
	CBNZ R5, f16loop

f16done:
	LANESEPILOG

// func lanesBF16x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)
// bfloat16 widens exactly by zipping a zero half below each value.
TEXT ·lanesBF16x4(SB), NOSPLIT, $0-40
	LANESPROLOG
	VEOR V19.B16, V19.B16, V19.B16
	CBZ  R5, bf16done

bf16loop:
	VLD1.P 32(R4), [V16.S4, V17.S4]
	VLD1.P 16(R0), [V18.H8]
	ZIP1H(20, 19, 18)
	ZIP2H(21, 19, 18)
	VLD1.P 16(R1), [V18.H8]
	ZIP1H(22, 19, 18)
	ZIP2H(23, 19, 18)
	VLD1.P 16(R2), [V18.H8]
	ZIP1H(24, 19, 18)
	ZIP2H(25, 19, 18)
	VLD1.P 16(R3), [V18.H8]
	ZIP1H(26, 19, 18)
	ZIP2H(27, 19, 18)
	FMUL4S(20, 20, 16)
	FMUL4S(21, 21, 17)
	FMUL4S(22, 22, 16)
	FMUL4S(23, 23, 17)
	FMUL4S(24, 24, 16)
	FMUL4S(25, 25, 17)
	FMUL4S(26, 26, 16)
	FMUL4S(27, 27, 17)
	FADD4S(0, 0, 20)
	FADD4S(1, 1, 21)
	FADD4S(2, 2, 22)
	FADD4S(3, 3, 23)
	FADD4S(4, 4, 24)
	FADD4S(5, 5, 25)
	FADD4S(6, 6, 26)
	FADD4S(7, 7, 27)
	SUB  $1, R5, R5
	CBNZ R5, bf16loop

bf16done:
	LANESEPILOG

// Q8_0 4-row kernels: R0..R3 rows, R4 activations, R5 blocks; row sums in
// F24..F27. Per block and row: exact integer sum s in V20 (4 int32
// partials), then sum += float32(s) * (dw*da) as the generic code does.

// func dotQ8_0x4SDOT(w *byte, stride int, a *byte, nb int, out *[4]float32)
TEXT ·dotQ8_0x4SDOT(SB), NOSPLIT, $0-40
	Q80PROLOG
	CBZ R5, q80sdone

q80sloop:
	Q80ACT
	Q80SDOT(R0, F24)
	Q80SDOT(R1, F25)
	Q80SDOT(R2, F26)
	Q80SDOT(R3, F27)
	ADD  $34, R4, R4
	SUB  $1, R5, R5
	CBNZ R5, q80sloop

q80sdone:
	Q80EPILOG

// func dotQ8_0x4NEON(w *byte, stride int, a *byte, nb int, out *[4]float32)
TEXT ·dotQ8_0x4NEON(SB), NOSPLIT, $0-40
	Q80PROLOG
	CBZ R5, q80ndone

q80nloop:
	Q80ACT
	Q80NEON(R0, F24)
	Q80NEON(R1, F25)
	Q80NEON(R2, F26)
	Q80NEON(R3, F27)
	ADD  $34, R4, R4
	SUB  $1, R5, R5
	CBNZ R5, q80nloop

q80ndone:
	Q80EPILOG

// func dotQ4Kx1(w, a *byte, nb int, sums *[8]float32, sumf *float32, scratch *[16]uint32)
// One Q4_K row against Q8_K activations. In natural element order SMULL
// puts the product of element e in 16-bit lane e%8, which is exactly
// ggml's lane, so no shuffles are needed: the 4 products per lane of a
// 32-element group are summed in 16 bits, then widened and scaled into
// the int32 lanes V8 (0-3) and V9 (4-7) by SMLAL/SMLAL2.
TEXT ·dotQ4Kx1(SB), NOSPLIT, $0-48
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	MOVD sums+24(FP), R3
	MOVD sumf+32(FP), R4
	VLD1 (R3), [V28.S4, V29.S4]
	FMOVS (R4), F30
	VMOVI $15, V31.B16
	CBZ  R2, q4kdone

q4kloop:
	// scales and mins (ggml's utmp shuffle) into R8 (sc) and R9 (m)
	MOVWU 4(R0), R5
	MOVWU 8(R0), R6
	MOVWU 12(R0), R7
	LSRW  $4, R7, R10
	ANDW  $0x0f0f0f0f, R10, R10
	LSRW  $6, R6, R11
	ANDW  $0x03030303, R11, R11
	ORRW  R11<<4, R10, R10 // m[4..7]
	ANDW  $0x3f3f3f3f, R6, R9 // m[0..3]
	ANDW  $0x0f0f0f0f, R7, R12
	LSRW  $6, R5, R11
	ANDW  $0x03030303, R11, R11
	ORRW  R11<<4, R12, R12 // sc[4..7]
	ANDW  $0x3f3f3f3f, R5, R8 // sc[0..3]
	ORR   R12<<32, R8, R8
	ORR   R10<<32, R9, R9
	// mins term: kmins = Σ (bsums[2g]+bsums[2g+1]) * m[g]
	VMOV  R9, V0.D[0]
	VUXTL V0.B8, V0.H8
	ADD   $260, R1, R10
	VLD1  (R10), [V1.H8, V2.H8]
	SADDLP(3, 1) // bsums pair sums of groups 0-3, int32
	SADDLP(4, 2) // groups 4-7
	VUXTL  V0.H4, V5.S4
	VUXTL2 V0.H8, V6.S4
	MUL4S(3, 3, 5)
	MUL4S(4, 4, 6)
	VADD  V3.S4, V4.S4, V4.S4
	ADDV4S(4, 4)
	SCVTFS(4, 4)
	FMOVS (R1), F6 // yd
	MOVHU (R0), R11
	FMOVS R11, F5
	FCVTSH(5, 5)
	FMULS F6, F5, F5 // d = f16(w[0])*yd
	MOVHU 2(R0), R11
	FMOVS R11, F7
	FCVTSH(7, 7)
	FMULS F6, F7, F7 // dmin*yd
	FMULS F4, F7, F7
	FSUBS F7, F30, F30
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16

	Q4KCHUNK(0)
	Q4KCHUNK(1)
	Q4KCHUNK(2)
	Q4KCHUNK(3)
	SCVTF4S(8, 8)
	SCVTF4S(9, 9)
	FMUL4SE0(8, 8, 5)
	FMUL4SE0(9, 9, 5)
	FADD4S(28, 28, 8)
	FADD4S(29, 29, 9)
	ADD  $144, R0, R0
	ADD  $292, R1, R1
	SUB  $1, R2, R2
	CBNZ R2, q4kloop

q4kdone:
	VST1  [V28.S4, V29.S4], (R3)
	FMOVS F30, (R4)
	RET

// func dotQ5Kx1(w, a *byte, nb int, sums *[8]float32, sumf *float32, scratch *[16]uint32)
// One Q5_K row: as dotQ4Kx1 with the fifth bits of qh. In natural order SMULL
// puts the product of element e in 16-bit lane e%8, which is exactly
// ggml's lane, so no shuffles are needed: the 4 products per lane of a
// 32-element group are summed in 16 bits, then widened and scaled into
// the int32 lanes V8 (0-3) and V9 (4-7) by SMLAL/SMLAL2.
TEXT ·dotQ5Kx1(SB), NOSPLIT, $0-48
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	MOVD sums+24(FP), R3
	MOVD sumf+32(FP), R4
	VLD1 (R3), [V28.S4, V29.S4]
	FMOVS (R4), F30
	VMOVI $15, V31.B16
	VMOVI $1, V27.B16
	CBZ  R2, q5kdone

q5kloop:
	// scales and mins (ggml's utmp shuffle) into R8 (sc) and R9 (m)
	MOVWU 4(R0), R5
	MOVWU 8(R0), R6
	MOVWU 12(R0), R7
	LSRW  $4, R7, R10
	ANDW  $0x0f0f0f0f, R10, R10
	LSRW  $6, R6, R11
	ANDW  $0x03030303, R11, R11
	ORRW  R11<<4, R10, R10 // m[4..7]
	ANDW  $0x3f3f3f3f, R6, R9 // m[0..3]
	ANDW  $0x0f0f0f0f, R7, R12
	LSRW  $6, R5, R11
	ANDW  $0x03030303, R11, R11
	ORRW  R11<<4, R12, R12 // sc[4..7]
	ANDW  $0x3f3f3f3f, R5, R8 // sc[0..3]
	ORR   R12<<32, R8, R8
	ORR   R10<<32, R9, R9
	// mins term: kmins = Σ (bsums[2g]+bsums[2g+1]) * m[g]
	VMOV  R9, V0.D[0]
	VUXTL V0.B8, V0.H8
	ADD   $260, R1, R10
	VLD1  (R10), [V1.H8, V2.H8]
	SADDLP(3, 1) // bsums pair sums of groups 0-3, int32
	SADDLP(4, 2) // groups 4-7
	VUXTL  V0.H4, V5.S4
	VUXTL2 V0.H8, V6.S4
	MUL4S(3, 3, 5)
	MUL4S(4, 4, 6)
	VADD  V3.S4, V4.S4, V4.S4
	ADDV4S(4, 4)
	SCVTFS(4, 4)
	FMOVS (R1), F6 // yd
	MOVHU (R0), R11
	FMOVS R11, F5
	FCVTSH(5, 5)
	FMULS F6, F5, F5 // d = f16(w[0])*yd
	MOVHU 2(R0), R11
	FMOVS R11, F7
	FCVTSH(7, 7)
	FMULS F6, F7, F7 // dmin*yd
	FMULS F4, F7, F7
	FSUBS F7, F30, F30
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16

	ADD   $16, R0, R12
	VLD1  (R12), [V12.B16, V13.B16]
	Q5KCHUNK(0)
	Q5KCHUNK(1)
	Q5KCHUNK(2)
	Q5KCHUNK(3)
	SCVTF4S(8, 8)
	SCVTF4S(9, 9)
	FMUL4SE0(8, 8, 5)
	FMUL4SE0(9, 9, 5)
	FADD4S(28, 28, 8)
	FADD4S(29, 29, 9)
	ADD  $176, R0, R0
	ADD  $292, R1, R1
	SUB  $1, R2, R2
	CBNZ R2, q5kloop

q5kdone:
	VST1  [V28.S4, V29.S4], (R3)
	FMOVS F30, (R4)
	RET

// func dotQ4_0x4SDOT(w *byte, stride int, a *byte, nb int, out *[4]float32)
TEXT ·dotQ4_0x4SDOT(SB), NOSPLIT, $0-40
	Q80PROLOG
	Q40CONST
	CBZ R5, q40sdone

q40sloop:
	Q80ACT
	Q40SDOT(R0, F24)
	Q40SDOT(R1, F25)
	Q40SDOT(R2, F26)
	Q40SDOT(R3, F27)
	ADD  $34, R4, R4
	SUB  $1, R5, R5
	CBNZ R5, q40sloop

q40sdone:
	Q80EPILOG

// func dotQ4_0x4NEON(w *byte, stride int, a *byte, nb int, out *[4]float32)
TEXT ·dotQ4_0x4NEON(SB), NOSPLIT, $0-40
	Q80PROLOG
	Q40CONST
	CBZ R5, q40ndone

q40nloop:
	Q80ACT
	Q40NEON(R0, F24)
	Q40NEON(R1, F25)
	Q40NEON(R2, F26)
	Q40NEON(R3, F27)
	ADD  $34, R4, R4
	SUB  $1, R5, R5
	CBNZ R5, q40nloop

q40ndone:
	Q80EPILOG

// func dotQ6Kx1(w, a *byte, nb int, sums *[8]float32, scratch *[16]uint32)
// One Q6_K row against Q8_K activations, lanes by SMULL in natural order
// (see dotQ4Kx1); each 16-element sub-block is scaled by its int8 scale.
TEXT ·dotQ6Kx1(SB), NOSPLIT, $0-40
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	MOVD sums+24(FP), R3
	VLD1 (R3), [V26.S4, V27.S4]
	VMOVI $15, V31.B16
	VMOVI $3, V29.B16
	VMOVI $32, V28.B16
	CBZ  R2, q6kdone

q6kloop:
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	Q6HALF(0)
	Q6HALF(1)
	FMOVS (R1), F6 // yd
	MOVHU 208(R0), R11
	FMOVS R11, F5
	FCVTSH(5, 5)
	FMULS F6, F5, F5 // d*yd
	SCVTF4S(8, 8)
	SCVTF4S(9, 9)
	FMUL4SE0(8, 8, 5)
	FMUL4SE0(9, 9, 5)
	FADD4S(26, 26, 8)
	FADD4S(27, 27, 9)
	ADD  $210, R0, R0
	ADD  $292, R1, R1
	SUB  $1, R2, R2
	CBNZ R2, q6kloop

q6kdone:
	VST1  [V26.S4, V27.S4], (R3)
	RET

