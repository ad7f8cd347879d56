//go:build !purego

#include "textflag.h"

// NEON kernels. No fused multiply-add anywhere: every float product is
// rounded (FMUL) before it is added (FADD), in the canonical orders of
// doc.go. Instructions the Go assembler lacks are WORD-encoded by the
// macros below, named by their mnemonic; register arguments are numbers.

#define FADD4S(d, n, m)   WORD $(0x4E20D400 | (m)<<16 | (n)<<5 | (d)) // FADD Vd.4S, Vn.4S, Vm.4S
#define FMUL4S(d, n, m)   WORD $(0x6E20DC00 | (m)<<16 | (n)<<5 | (d)) // FMUL Vd.4S, Vn.4S, Vm.4S
#define FCVTL(d, n)       WORD $(0x0E217800 | (n)<<5 | (d))           // FCVTL Vd.4S, Vn.4H
#define FCVTL2(d, n)      WORD $(0x4E217800 | (n)<<5 | (d))           // FCVTL2 Vd.4S, Vn.8H
#define ZIP1H(d, n, m)    WORD $(0x4E403800 | (m)<<16 | (n)<<5 | (d)) // ZIP1 Vd.8H, Vn.8H, Vm.8H
#define ZIP2H(d, n, m)    WORD $(0x4E407800 | (m)<<16 | (n)<<5 | (d)) // ZIP2 Vd.8H, Vn.8H, Vm.8H
#define SDOT(d, n, m)     WORD $(0x4E809400 | (m)<<16 | (n)<<5 | (d)) // SDOT Vd.4S, Vn.16B, Vm.16B
#define SMULLB(d, n, m)   WORD $(0x0E20C000 | (m)<<16 | (n)<<5 | (d)) // SMULL Vd.8H, Vn.8B, Vm.8B
#define SMULL2B(d, n, m)  WORD $(0x4E20C000 | (m)<<16 | (n)<<5 | (d)) // SMULL2 Vd.8H, Vn.16B, Vm.16B
#define SMLALB(d, n, m)   WORD $(0x0E208000 | (m)<<16 | (n)<<5 | (d)) // SMLAL Vd.8H, Vn.8B, Vm.8B
#define SMLAL2B(d, n, m)  WORD $(0x4E208000 | (m)<<16 | (n)<<5 | (d)) // SMLAL2 Vd.8H, Vn.16B, Vm.16B
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

// ---- K-quants (Q4_K, Q5_K, Q6_K against Q8_K) ----
//
// One row per call, in kdot_generic.go's order: per super-block 8 exact
// int32 lanes, lane (e%32)/4 (an even 16-element sub-block in lanes 0-3 =
// V20, an odd one in lanes 4-7 = V21), each scaled by its sub-block scale;
// then sums += float32(d*yd * float32(lane)) (V28/V29, FMUL then FADD)
// and, for Q4_K/Q5_K, mins -= float32(dmin*yd * float32(m[g]*(bsums[2g]+
// bsums[2g+1]))) (V26/V27, FMUL then FSUB). The Go wrapper adds the lanes.
//
// SDOT path: SDOT of 16 weights with 16 activations yields the sub-block's
// 4 lanes directly. The lanes of successive sub-blocks accumulate in
// P (V18 even, V19 odd sub-blocks) without being cleared, and each step adds
// P*(s[j]-s[j+2]) (Q6_K; s[g]-s[g+1] per group for Q4_K/Q5_K; s past the
// end = 0) to the lanes: sum_j (s[j]-s[j+2]) * sum_{k<=j} D[k] =
// sum_j s[j]*D[j], exact in int32 (MLA by element), so no per-sub-block
// clearing is needed.
//
// NEON path (no dotprod): SMULL/SMULL2 form the int16 products, two ADDP
// rounds add four consecutive ones (|sum| <= 4*32*128 = 16384 for every
// type, no int16 overflow), so one 8H vector holds the 8 lanes of 32
// elements; SMLAL/SMLAL2 by element add them times the scale into V20/V21.

#define MLA4SE(d, n, m, i)   WORD $(0x6F800000 | ((i)&1)<<21 | (m)<<16 | ((i)>>1)<<11 | (n)<<5 | (d)) // MLA Vd.4S, Vn.4S, Vm.S[i]
#define FMUL4SE(d, n, m, i)  WORD $(0x4F809000 | ((i)&1)<<21 | (m)<<16 | ((i)>>1)<<11 | (n)<<5 | (d)) // FMUL Vd.4S, Vn.4S, Vm.S[i]
#define SMLALE(d, n, m, i)   WORD $(0x0F402000 | (((i)>>1)&1)<<21 | ((i)&1)<<20 | (m)<<16 | ((i)>>2)<<11 | (n)<<5 | (d)) // SMLAL Vd.4S, Vn.4H, Vm.H[i] (m < 16)
#define SMLAL2E(d, n, m, i)  WORD $(0x4F402000 | (((i)>>1)&1)<<21 | ((i)&1)<<20 | (m)<<16 | ((i)>>2)<<11 | (n)<<5 | (d)) // SMLAL2 Vd.4S, Vn.8H, Vm.H[i] (m < 16)
#define FSUB4S(d, n, m)      WORD $(0x4EA0D400 | (m)<<16 | (n)<<5 | (d)) // FSUB Vd.4S, Vn.4S, Vm.4S
#define SSUBLB(d, n, m)      WORD $(0x0E202000 | (m)<<16 | (n)<<5 | (d)) // SSUBL Vd.8H, Vn.8B, Vm.8B
#define SSUBL2B(d, n, m)     WORD $(0x4E202000 | (m)<<16 | (n)<<5 | (d)) // SSUBL2 Vd.8H, Vn.16B, Vm.16B
#define SXTLB(d, n)          WORD $(0x0F08A400 | (n)<<5 | (d)) // SXTL Vd.8H, Vn.8B
#define SXTL2B(d, n)         WORD $(0x4F08A400 | (n)<<5 | (d)) // SXTL2 Vd.8H, Vn.16B
#define SXTLH(d, n)          WORD $(0x0F10A400 | (n)<<5 | (d)) // SXTL Vd.4S, Vn.4H
#define SXTL2H(d, n)         WORD $(0x4F10A400 | (n)<<5 | (d)) // SXTL2 Vd.4S, Vn.8H

#define KPROLOG \
	MOVD w+0(FP), R0 \
	MOVD a+8(FP), R1 \
	MOVD nb+16(FP), R2 \
	MOVD acc+24(FP), R3 \
	VEOR V26.B16, V26.B16, V26.B16 \
	VEOR V27.B16, V27.B16, V27.B16 \
	VEOR V28.B16, V28.B16, V28.B16 \
	VEOR V29.B16, V29.B16, V29.B16 \
	VEOR V30.B16, V30.B16, V30.B16 \
	VMOVI $15, V31.B16 \
	VMOVI $16, V4.B16

// KHEAD: the Q4_K/Q5_K block header at R0 with the Q8_K scale at R1:
// V5 = [d*yd, dmin*yd, 0, 0]; V0.8H = [sc0-3, m0-3], V1.8H = [sc4-7,
// m4-7] (ggml's 6-bit unpacking, in 64-bit words); V22/V23 = m0-3/m4-7
// as int32. R0 += 16 (quants or qh), R1 += 4 (quants).
#define KHEAD \
	FMOVS (R1), F0 \
	ADD   $4, R1, R1 \
	FMOVS (R0), F5 \
	FCVTL(5, 5) \
	FMUL4SE(5, 5, 0, 0) \
	MOVD  4(R0), R6 \
	MOVWU 12(R0), R7 \
	AND   $0x3f3f3f3f3f3f3f3f, R6, R8 \
	LSR   $2, R6, R9 \
	AND   $0x3030303030303030, R9, R9 \
	ORR   R7<<28, R7, R10 \
	AND   $0x0f0f0f0f0f0f0f0f, R10, R10 \
	ORR   R9, R10, R10 \
	VMOV  R8, V2.D[0] \
	VMOV  R10, V2.D[1] \
	VUXTL V2.B8, V0.H8 \
	VUXTL2 V2.B16, V1.H8 \
	VUXTL2 V0.H8, V22.S4 \
	VUXTL2 V1.H8, V23.S4 \
	ADD   $16, R0, R0

// KDIFF: V24/V25 = s[g]-s[g+1] for g = 0-3/4-7 (s[8] = 0, V30 = 0) as
// int32, for the SDOT path; clears P and the lanes.
#define KDIFF \
	VUXTL V0.H4, V24.S4 \
	VUXTL V1.H4, V25.S4 \
	VEXT  $4, V25.B16, V24.B16, V3.B16 \
	VSUB  V3.S4, V24.S4, V24.S4 \
	VEXT  $4, V30.B16, V25.B16, V3.B16 \
	VSUB  V3.S4, V25.S4, V25.S4 \
	VEOR  V18.B16, V18.B16, V18.B16 \
	VEOR  V19.B16, V19.B16, V19.B16 \
	VEOR  V20.B16, V20.B16, V20.B16 \
	VEOR  V21.B16, V21.B16, V21.B16

// KSUMS(dv): sums += float32(V<dv>.S[0] * float32(lanes)).
#define KSUMS(dv) \
	SCVTF4S(20, 20) \
	SCVTF4S(21, 21) \
	FMUL4SE(20, 20, dv, 0) \
	FMUL4SE(21, 21, dv, 0) \
	FADD4S(28, 28, 20) \
	FADD4S(29, 29, 21)

// KMINS: the bsums at R1 (R1 += 32): mins -= float32(dmin*yd *
// float32(m[g]*(bsums[2g]+bsums[2g+1]))), pair sums widened (SADDLP).
#define KMINS \
	VLD1.P 32(R1), [V6.H8, V7.H8] \
	SADDLP(6, 6) \
	SADDLP(7, 7) \
	MUL4S(6, 6, 22) \
	MUL4S(7, 7, 23) \
	SCVTF4S(6, 6) \
	SCVTF4S(7, 7) \
	FMUL4SE(6, 6, 5, 1) \
	FMUL4SE(7, 7, 5, 1) \
	FSUB4S(26, 26, 6) \
	FSUB4S(27, 27, 7)

#define KEPILOG \
	VST1 [V26.S4, V27.S4, V28.S4, V29.S4], (R3) \
	RET

// Q4KLOAD: 32 quant bytes (R0) as groups 2c (V6, V7: low nibbles) and 2c+1
// (V8, V9: high nibbles) with their 64 activations V10-V13 (R1).
#define Q4KLOAD \
	VLD1.P 32(R0), [V14.B16, V15.B16] \
	VLD1.P 64(R1), [V10.B16, V11.B16, V12.B16, V13.B16] \
	VAND  V31.B16, V14.B16, V6.B16 \
	VAND  V31.B16, V15.B16, V7.B16 \
	VUSHR $4, V14.B16, V8.B16 \
	VUSHR $4, V15.B16, V9.B16

// KSDOT2(w0, w1, a0, a1, ds, i): a 32-element group (weights w0, w1;
// activations a0, a1) by SDOT into P, lanes += P * V<ds>.S[i].
#define KSDOT2(w0, w1, a0, a1, ds, i) \
	SDOT(18, w0, a0) \
	SDOT(19, w1, a1) \
	MLA4SE(20, 18, ds, i) \
	MLA4SE(21, 19, ds, i)

// KQUAD(w0, w1, a0, a1): V16.8H = the 8 lane sums of a 32-element group
// (w0*a0 in lanes 0-3, w1*a1 in 4-7), by SMULL and two ADDP rounds.
#define KQUAD(w0, w1, a0, a1) \
	SMULLB(16, w0, a0) \
	SMULL2B(17, w0, a0) \
	SMULLB(18, w1, a1) \
	SMULL2B(19, w1, a1) \
	VADDP V17.H8, V16.H8, V16.H8 \
	VADDP V19.H8, V18.H8, V18.H8 \
	VADDP V18.H8, V16.H8, V16.H8

// KNEON2(w0, w1, a0, a1, s, i): a group of one scale V<s>.H[i].
#define KNEON2(w0, w1, a0, a1, s, i) \
	KQUAD(w0, w1, a0, a1) \
	SMLALE(20, 16, s, i) \
	SMLAL2E(21, 16, s, i)

// Q5BIT(op, sh, q0, q1, t0, t1, w0, w1): ORs a qh bit into bit 4 of the
// weights w0, w1 (V4 = 0x10): op $sh moves it there from q0, q1.
#define Q5BIT(op, sh, q0, q1, t0, t1, w0, w1) \
	op    $(sh), q0.B16, t0.B16 \
	op    $(sh), q1.B16, t1.B16 \
	VBIT  V4.B16, t0.B16, w0.B16 \
	VBIT  V4.B16, t1.B16, w1.B16

// Q5BIT4(q0, q1, w0, w1): as Q5BIT for qh bit 4 (no shift).
#define Q5BIT4(q0, q1, w0, w1) \
	VBIT  V4.B16, q0.B16, w0.B16 \
	VBIT  V4.B16, q1.B16, w1.B16

// Q6_K: ql (R0), qh (R5), 16 int8 scales at 192, f16 d at 208; qh of
// the half in V4/V5. NEON path: w = (l | h<<4) - 32 with V30 = 0x30,
// V31 = 0x0f, V23 = 32.

// Q6LO(l0, l1, w0, w1, t0, t1, sh): w = (l & 15 | qh<<sh & 0x30) - 32.
#define Q6LO(l0, l1, w0, w1, t0, t1, sh) \
	VAND  V31.B16, l0.B16, w0.B16 \
	VAND  V31.B16, l1.B16, w1.B16 \
	VSHL  $(sh), V4.B16, t0.B16 \
	VSHL  $(sh), V5.B16, t1.B16 \
	VBIT  V30.B16, t0.B16, w0.B16 \
	VBIT  V30.B16, t1.B16, w1.B16 \
	VSUB  V23.B16, w0.B16, w0.B16 \
	VSUB  V23.B16, w1.B16, w1.B16

// Q6HI4(l0, l1, w0, w1): w = (l>>4 | qh & 0x30) - 32 (qh bits 4-5).
#define Q6HI4(l0, l1, w0, w1) \
	VUSHR $4, l0.B16, w0.B16 \
	VUSHR $4, l1.B16, w1.B16 \
	VBIT  V30.B16, V4.B16, w0.B16 \
	VBIT  V30.B16, V5.B16, w1.B16 \
	VSUB  V23.B16, w0.B16, w0.B16 \
	VSUB  V23.B16, w1.B16, w1.B16

// Q6HI6(l0, l1, w0, w1, t0, t1): w = (l>>4 | qh>>2 & 0x30) - 32.
#define Q6HI6(l0, l1, w0, w1, t0, t1) \
	VUSHR $4, l0.B16, w0.B16 \
	VUSHR $4, l1.B16, w1.B16 \
	VUSHR $2, V4.B16, t0.B16 \
	VUSHR $2, V5.B16, t1.B16 \
	VBIT  V30.B16, t0.B16, w0.B16 \
	VBIT  V30.B16, t1.B16, w1.B16 \
	VSUB  V23.B16, w0.B16, w0.B16 \
	VSUB  V23.B16, w1.B16, w1.B16

// The SDOT path decodes Q6_K weights scaled by 4, w = 4*(q-32) =
// (h^2)<<6 | l<<2 as int8 for the 4-bit l and 2-bit h (h^2 = h-2 as a
// signed 2-bit number): shifts and inserts (SLI/SRI) of qh^0xaa (V23 =
// 0xaa) and ql (V30 = 0xf0) with no masking or subtraction. The lanes
// are then 4 times the exact ones (|4*lane| < 2^27) and an SSHR #2 at the
// end of the super-block restores them exactly.
#define SSHR4S(d, n, s) WORD $(0x4F000400 | (64-(s))<<16 | (n)<<5 | (d)) // SSHR Vd.4S, Vn.4S, #s

// Q6SX0(l0, l1): V6/V7 = elements l (ql low nibbles, qh bits 0-1).
#define Q6SX0(l0, l1) \
	VSHL  $2, l0.B16, V6.B16 \
	VSHL  $2, l1.B16, V7.B16 \
	VSLI  $6, V4.B16, V6.B16 \
	VSLI  $6, V5.B16, V7.B16

// Q6SX1(l2, l3): V8/V9 = elements 32+l (low nibbles, qh bits 2-3).
#define Q6SX1(l2, l3) \
	VSHL  $4, V4.B16, V8.B16 \
	VSHL  $4, V5.B16, V9.B16 \
	VSHL  $4, l2.B16, V14.B16 \
	VSHL  $4, l3.B16, V15.B16 \
	VSRI  $2, V14.B16, V8.B16 \
	VSRI  $2, V15.B16, V9.B16

// Q6SX2(l0, l1): V6/V7 = elements 64+l (high nibbles, qh bits 4-5).
#define Q6SX2(l0, l1) \
	VSHL  $2, V4.B16, V6.B16 \
	VSHL  $2, V5.B16, V7.B16 \
	VAND  V30.B16, l0.B16, V14.B16 \
	VAND  V30.B16, l1.B16, V15.B16 \
	VSRI  $2, V14.B16, V6.B16 \
	VSRI  $2, V15.B16, V7.B16

// Q6SX3(l2, l3): V4/V5 (in place of qh) = elements 96+l (qh bits 6-7).
#define Q6SX3(l2, l3) \
	VAND  V30.B16, l2.B16, V14.B16 \
	VAND  V30.B16, l3.B16, V15.B16 \
	VSRI  $2, V14.B16, V4.B16 \
	VSRI  $2, V15.B16, V5.B16

// Q6SDOT4(w0, w1, w2, w3, ds): 4 sub-blocks of weights w0-w3 and
// activations V10-V13 into P (even V18, odd V19), lanes += P *
// V<ds>.S[0..3].
#define Q6SDOT4(w0, w1, w2, w3, ds) \
	SDOT(18, w0, 10) \
	SDOT(19, w1, 11) \
	MLA4SE(20, 18, ds, 0) \
	MLA4SE(21, 19, ds, 1) \
	SDOT(18, w2, 12) \
	SDOT(19, w3, 13) \
	MLA4SE(20, 18, ds, 2) \
	MLA4SE(21, 19, ds, 3)

// Q6HALFSDOT(dsa, dsb): 128 elements; ql in V0-V3, temps V14/V15.
#define Q6HALFSDOT(dsa, dsb) \
	VLD1.P 64(R0), [V0.B16, V1.B16, V2.B16, V3.B16] \
	VLD1.P 32(R5), [V4.B16, V5.B16] \
	VLD1.P 64(R1), [V10.B16, V11.B16, V12.B16, V13.B16] \
	VEOR  V23.B16, V4.B16, V4.B16 \
	VEOR  V23.B16, V5.B16, V5.B16 \
	Q6SX0(V0, V1) \
	Q6SX1(V2, V3) \
	Q6SDOT4(6, 7, 8, 9, dsa) \
	VLD1.P 64(R1), [V10.B16, V11.B16, V12.B16, V13.B16] \
	Q6SX2(V0, V1) \
	Q6SX3(V2, V3) \
	Q6SDOT4(6, 7, 4, 5, dsb)

// Q6NEON4(s, i): sub-blocks i..i+3 (scales V<s>.H[i..i+3]) of weights
// V6-V9 and activations V10-V13.
#define Q6NEON4(s, i) \
	KQUAD(6, 7, 10, 11) \
	SMLALE(20, 16, s, i) \
	SMLAL2E(21, 16, s, (i)+1) \
	KQUAD(8, 9, 12, 13) \
	SMLALE(20, 16, s, (i)+2) \
	SMLAL2E(21, 16, s, (i)+3)

// Q6HALFNEON(s): 128 elements, scales V<s>.H[0..7]; ql in V24-V27,
// temps V2/V3.
#define Q6HALFNEON(s) \
	VLD1.P 64(R0), [V24.B16, V25.B16, V26.B16, V27.B16] \
	VLD1.P 32(R5), [V4.B16, V5.B16] \
	VLD1.P 64(R1), [V10.B16, V11.B16, V12.B16, V13.B16] \
	Q6LO(V24, V25, V6, V7, V2, V3, 4) \
	Q6LO(V26, V27, V8, V9, V2, V3, 2) \
	Q6NEON4(s, 0) \
	VLD1.P 64(R1), [V10.B16, V11.B16, V12.B16, V13.B16] \
	Q6HI4(V24, V25, V6, V7) \
	Q6HI6(V26, V27, V8, V9, V2, V3) \
	Q6NEON4(s, 4)

// Q6HEAD(fd, dv): Ffd = V<dv>.S[0] = f16 d * yd; R1 += 4; V3 = the
// int8 scales; R5 = qh.
#define Q6HEAD(fd, dv) \
	FMOVS (R1), F17 \
	ADD   $4, R1, R1 \
	MOVHU 208(R0), R7 \
	FMOVS R7, fd \
	FCVTSH(dv, dv) \
	FMULS F17, fd, fd \
	ADD   $192, R0, R6 \
	VLD1  (R6), [V3.B16] \
	ADD   $128, R0, R5

#define Q6PROLOG \
	MOVD w+0(FP), R0 \
	MOVD a+8(FP), R1 \
	MOVD nb+16(FP), R2 \
	MOVD sums+24(FP), R3 \
	VEOR V28.B16, V28.B16, V28.B16 \
	VEOR V29.B16, V29.B16, V29.B16 \
	VEOR V22.B16, V22.B16, V22.B16

// Q6NEXT: R0 past ql (+128) to the next block; R1 past the bsums.
#define Q6NEXT \
	ADD  $82, R0, R0 \
	ADD  $32, R1, R1 \
	SUB  $1, R2, R2

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

// func dotQ4KSDOT(w, a *byte, nb int, acc *[16]float32)
// acc = mins lanes 0-7, then sums lanes 0-7.
TEXT ·dotQ4KSDOT(SB), NOSPLIT, $0-32
	KPROLOG
	CBZ R2, q4ksdone

q4ksloop:
	KHEAD
	KDIFF
	Q4KLOAD
	KSDOT2(6, 7, 10, 11, 24, 0)
	KSDOT2(8, 9, 12, 13, 24, 1)
	Q4KLOAD
	KSDOT2(6, 7, 10, 11, 24, 2)
	KSDOT2(8, 9, 12, 13, 24, 3)
	Q4KLOAD
	KSDOT2(6, 7, 10, 11, 25, 0)
	KSDOT2(8, 9, 12, 13, 25, 1)
	Q4KLOAD
	KSDOT2(6, 7, 10, 11, 25, 2)
	KSDOT2(8, 9, 12, 13, 25, 3)
	KSUMS(5)
	KMINS
	SUB  $1, R2, R2
	CBNZ R2, q4ksloop

q4ksdone:
	KEPILOG

// func dotQ4KNEON(w, a *byte, nb int, acc *[16]float32)
TEXT ·dotQ4KNEON(SB), NOSPLIT, $0-32
	KPROLOG
	CBZ R2, q4kndone

q4knloop:
	KHEAD
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	Q4KLOAD
	KNEON2(6, 7, 10, 11, 0, 0)
	KNEON2(8, 9, 12, 13, 0, 1)
	Q4KLOAD
	KNEON2(6, 7, 10, 11, 0, 2)
	KNEON2(8, 9, 12, 13, 0, 3)
	Q4KLOAD
	KNEON2(6, 7, 10, 11, 1, 0)
	KNEON2(8, 9, 12, 13, 1, 1)
	Q4KLOAD
	KNEON2(6, 7, 10, 11, 1, 2)
	KNEON2(8, 9, 12, 13, 1, 3)
	KSUMS(5)
	KMINS
	SUB  $1, R2, R2
	CBNZ R2, q4knloop

q4kndone:
	KEPILOG

// func dotQ5KSDOT(w, a *byte, nb int, acc *[16]float32)
// As dotQ4KSDOT; qh in V16/V17, bit g of group g moved to bit 4 via V2/V3.
TEXT ·dotQ5KSDOT(SB), NOSPLIT, $0-32
	KPROLOG
	CBZ R2, q5ksdone

q5ksloop:
	KHEAD
	KDIFF
	VLD1.P 32(R0), [V16.B16, V17.B16]
	Q4KLOAD
	Q5BIT(VSHL, 4, V16, V17, V2, V3, V6, V7)
	Q5BIT(VSHL, 3, V16, V17, V2, V3, V8, V9)
	KSDOT2(6, 7, 10, 11, 24, 0)
	KSDOT2(8, 9, 12, 13, 24, 1)
	Q4KLOAD
	Q5BIT(VSHL, 2, V16, V17, V2, V3, V6, V7)
	Q5BIT(VSHL, 1, V16, V17, V2, V3, V8, V9)
	KSDOT2(6, 7, 10, 11, 24, 2)
	KSDOT2(8, 9, 12, 13, 24, 3)
	Q4KLOAD
	Q5BIT4(V16, V17, V6, V7)
	Q5BIT(VUSHR, 1, V16, V17, V2, V3, V8, V9)
	KSDOT2(6, 7, 10, 11, 25, 0)
	KSDOT2(8, 9, 12, 13, 25, 1)
	Q4KLOAD
	Q5BIT(VUSHR, 2, V16, V17, V2, V3, V6, V7)
	Q5BIT(VUSHR, 3, V16, V17, V2, V3, V8, V9)
	KSDOT2(6, 7, 10, 11, 25, 2)
	KSDOT2(8, 9, 12, 13, 25, 3)
	KSUMS(5)
	KMINS
	SUB  $1, R2, R2
	CBNZ R2, q5ksloop

q5ksdone:
	KEPILOG

// func dotQ5KNEON(w, a *byte, nb int, acc *[16]float32)
// As dotQ4KNEON; qh in V2/V3, shifted copies in V14/V15.
TEXT ·dotQ5KNEON(SB), NOSPLIT, $0-32
	KPROLOG
	CBZ R2, q5kndone

q5knloop:
	KHEAD
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VLD1.P 32(R0), [V2.B16, V3.B16]
	Q4KLOAD
	Q5BIT(VSHL, 4, V2, V3, V14, V15, V6, V7)
	Q5BIT(VSHL, 3, V2, V3, V14, V15, V8, V9)
	KNEON2(6, 7, 10, 11, 0, 0)
	KNEON2(8, 9, 12, 13, 0, 1)
	Q4KLOAD
	Q5BIT(VSHL, 2, V2, V3, V14, V15, V6, V7)
	Q5BIT(VSHL, 1, V2, V3, V14, V15, V8, V9)
	KNEON2(6, 7, 10, 11, 0, 2)
	KNEON2(8, 9, 12, 13, 0, 3)
	Q4KLOAD
	Q5BIT4(V2, V3, V6, V7)
	Q5BIT(VUSHR, 1, V2, V3, V14, V15, V8, V9)
	KNEON2(6, 7, 10, 11, 1, 0)
	KNEON2(8, 9, 12, 13, 1, 1)
	Q4KLOAD
	Q5BIT(VUSHR, 2, V2, V3, V14, V15, V6, V7)
	Q5BIT(VUSHR, 3, V2, V3, V14, V15, V8, V9)
	KNEON2(6, 7, 10, 11, 1, 2)
	KNEON2(8, 9, 12, 13, 1, 3)
	KSUMS(5)
	KMINS
	SUB  $1, R2, R2
	CBNZ R2, q5knloop

q5kndone:
	KEPILOG

// func dotQ6KSDOT(w, a *byte, nb int, sums *[8]float32)
TEXT ·dotQ6KSDOT(SB), NOSPLIT, $0-32
	Q6PROLOG
	VMOVI $0xaa, V23.B16
	VMOVI $0xf0, V30.B16
	CBZ R2, q6ksdone

q6ksloop:
	Q6HEAD(F16, 16)
	// V24-V27 = s[j]-s[j+2] (s[16], s[17] = 0; V22 = 0) as int32
	VEXT  $2, V22.B16, V3.B16, V2.B16
	SSUBLB(0, 3, 2)
	SSUBL2B(1, 3, 2)
	SXTLH(24, 0)
	SXTL2H(25, 0)
	SXTLH(26, 1)
	SXTL2H(27, 1)
	VEOR  V18.B16, V18.B16, V18.B16
	VEOR  V19.B16, V19.B16, V19.B16
	VEOR  V20.B16, V20.B16, V20.B16
	VEOR  V21.B16, V21.B16, V21.B16
	Q6HALFSDOT(24, 25)
	Q6HALFSDOT(26, 27)
	SSHR4S(20, 20, 2)
	SSHR4S(21, 21, 2)
	KSUMS(16)
	Q6NEXT
	CBNZ R2, q6ksloop

q6ksdone:
	VST1 [V28.S4, V29.S4], (R3)
	RET

// func dotQ6KNEON(w, a *byte, nb int, sums *[8]float32)
TEXT ·dotQ6KNEON(SB), NOSPLIT, $0-32
	Q6PROLOG
	VMOVI $32, V23.B16
	VMOVI $48, V30.B16
	VMOVI $15, V31.B16
	CBZ R2, q6kndone

q6knloop:
	Q6HEAD(F22, 22)
	SXTLB(0, 3)
	SXTL2B(1, 3)
	VEOR  V20.B16, V20.B16, V20.B16
	VEOR  V21.B16, V21.B16, V21.B16
	Q6HALFNEON(0)
	Q6HALFNEON(1)
	KSUMS(22)
	Q6NEXT
	CBNZ R2, q6knloop

q6kndone:
	VST1 [V28.S4, V29.S4], (R3)
	RET
