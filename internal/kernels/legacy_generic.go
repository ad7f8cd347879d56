package kernels

import (
	"encoding/binary"
	"math"
)

// Block sizes in bytes of the 32-element types.
const (
	q4_0Bytes = 18
	q4_1Bytes = 20
	q5_0Bytes = 22
	q5_1Bytes = 24
	q8_0Bytes = 34
	q8_1Bytes = 36
)

// ---- decoding one block ----

func deqBlockQ4_0(b *[q4_0Bytes]byte, y *[32]float32) {
	d := f16at(b[0:])
	q := (*[16]byte)(b[2:])
	for j := 0; j < 16; j++ {
		y[j] = float32(int32(q[j]&15)-8) * d
		y[j+16] = float32(int32(q[j]>>4)-8) * d
	}
}

func deqBlockQ4_1(b *[q4_1Bytes]byte, y *[32]float32) {
	d, m := f16at(b[0:]), f16at(b[2:])
	q := (*[16]byte)(b[4:])
	for j := 0; j < 16; j++ {
		y[j] = float32(float32(q[j]&15)*d) + m
		y[j+16] = float32(float32(q[j]>>4)*d) + m
	}
}

func deqBlockQ5_0(b *[q5_0Bytes]byte, y *[32]float32) {
	d := f16at(b[0:])
	qh := binary.LittleEndian.Uint32(b[2:])
	q := (*[16]byte)(b[6:])
	for j := 0; j < 16; j++ {
		lo := int32(q[j]&15) | int32(qh>>j&1)<<4
		hi := int32(q[j]>>4) | int32(qh>>(j+16)&1)<<4
		y[j] = float32(lo-16) * d
		y[j+16] = float32(hi-16) * d
	}
}

func deqBlockQ5_1(b *[q5_1Bytes]byte, y *[32]float32) {
	d, m := f16at(b[0:]), f16at(b[2:])
	qh := binary.LittleEndian.Uint32(b[4:])
	q := (*[16]byte)(b[8:])
	for j := 0; j < 16; j++ {
		lo := uint32(q[j]&15) | (qh>>j&1)<<4
		hi := uint32(q[j]>>4) | (qh>>(j+16)&1)<<4
		y[j] = float32(float32(lo)*d) + m
		y[j+16] = float32(float32(hi)*d) + m
	}
}

func deqBlockQ8_0(b *[q8_0Bytes]byte, y *[32]float32) {
	d := f16at(b[0:])
	q := (*[32]byte)(b[2:])
	for j := 0; j < 32; j++ {
		y[j] = float32(int8(q[j])) * d
	}
}

func deqBlockQ8_1(b *[q8_1Bytes]byte, y *[32]float32) {
	d := f16at(b[0:])
	q := (*[32]byte)(b[4:])
	for j := 0; j < 32; j++ {
		y[j] = float32(int8(q[j])) * d
	}
}

// ---- whole rows ----

func dequantQ4_0(src []byte, dst []float32) {
	for i := 0; i+32 <= len(dst); i += 32 {
		deqBlockQ4_0((*[q4_0Bytes]byte)(src[i/32*q4_0Bytes:]), (*[32]float32)(dst[i:]))
	}
}

func dequantQ4_1(src []byte, dst []float32) {
	for i := 0; i+32 <= len(dst); i += 32 {
		deqBlockQ4_1((*[q4_1Bytes]byte)(src[i/32*q4_1Bytes:]), (*[32]float32)(dst[i:]))
	}
}

func dequantQ5_0(src []byte, dst []float32) {
	for i := 0; i+32 <= len(dst); i += 32 {
		deqBlockQ5_0((*[q5_0Bytes]byte)(src[i/32*q5_0Bytes:]), (*[32]float32)(dst[i:]))
	}
}

func dequantQ5_1(src []byte, dst []float32) {
	for i := 0; i+32 <= len(dst); i += 32 {
		deqBlockQ5_1((*[q5_1Bytes]byte)(src[i/32*q5_1Bytes:]), (*[32]float32)(dst[i:]))
	}
}

func dequantQ8_0(src []byte, dst []float32) {
	for i := 0; i+32 <= len(dst); i += 32 {
		deqBlockQ8_0((*[q8_0Bytes]byte)(src[i/32*q8_0Bytes:]), (*[32]float32)(dst[i:]))
	}
}

func dequantQ8_1(src []byte, dst []float32) {
	for i := 0; i+32 <= len(dst); i += 32 {
		deqBlockQ8_1((*[q8_1Bytes]byte)(src[i/32*q8_1Bytes:]), (*[32]float32)(dst[i:]))
	}
}

// ---- float32 activations: decode a block, then the canonical lanes ----

func dotF32Q4_0(w []byte, x []float32) float32 {
	var l lanes8
	var y [32]float32
	for i := 0; i+32 <= len(x); i += 32 {
		deqBlockQ4_0((*[q4_0Bytes]byte)(w[i/32*q4_0Bytes:]), &y)
		l.addN(y[:], x[i:i+32])
	}
	return l.sum()
}

func dotF32Q4_1(w []byte, x []float32) float32 {
	var l lanes8
	var y [32]float32
	for i := 0; i+32 <= len(x); i += 32 {
		deqBlockQ4_1((*[q4_1Bytes]byte)(w[i/32*q4_1Bytes:]), &y)
		l.addN(y[:], x[i:i+32])
	}
	return l.sum()
}

func dotF32Q5_0(w []byte, x []float32) float32 {
	var l lanes8
	var y [32]float32
	for i := 0; i+32 <= len(x); i += 32 {
		deqBlockQ5_0((*[q5_0Bytes]byte)(w[i/32*q5_0Bytes:]), &y)
		l.addN(y[:], x[i:i+32])
	}
	return l.sum()
}

func dotF32Q5_1(w []byte, x []float32) float32 {
	var l lanes8
	var y [32]float32
	for i := 0; i+32 <= len(x); i += 32 {
		deqBlockQ5_1((*[q5_1Bytes]byte)(w[i/32*q5_1Bytes:]), &y)
		l.addN(y[:], x[i:i+32])
	}
	return l.sum()
}

func dotF32Q8_0(w []byte, x []float32) float32 {
	var l lanes8
	var y [32]float32
	for i := 0; i+32 <= len(x); i += 32 {
		deqBlockQ8_0((*[q8_0Bytes]byte)(w[i/32*q8_0Bytes:]), &y)
		l.addN(y[:], x[i:i+32])
	}
	return l.sum()
}

func dotF32Q8_1(w []byte, x []float32) float32 {
	var l lanes8
	var y [32]float32
	for i := 0; i+32 <= len(x); i += 32 {
		deqBlockQ8_1((*[q8_1Bytes]byte)(w[i/32*q8_1Bytes:]), &y)
		l.addN(y[:], x[i:i+32])
	}
	return l.sum()
}

// ---- quantized dots (ggml's generic vec_dot scale order) ----

// nibLo16 and nibHi16 are the exact Σ nibble(q[j]) * a[j] over 16 values,
// of the low and the high nibbles.
func nibLo16(q, a *[16]byte) int32 {
	var p0, p1, p2, p3 int32
	for g := 0; g < 16; g += 4 {
		qq := (*[4]byte)(q[g:])
		aa := (*[4]byte)(a[g:])
		p0 += int32(qq[0]&15) * int32(int8(aa[0]))
		p1 += int32(qq[1]&15) * int32(int8(aa[1]))
		p2 += int32(qq[2]&15) * int32(int8(aa[2]))
		p3 += int32(qq[3]&15) * int32(int8(aa[3]))
	}
	return (p0 + p1) + (p2 + p3)
}

func nibHi16(q, a *[16]byte) int32 {
	var p0, p1, p2, p3 int32
	for g := 0; g < 16; g += 4 {
		qq := (*[4]byte)(q[g:])
		aa := (*[4]byte)(a[g:])
		p0 += int32(qq[0]>>4) * int32(int8(aa[0]))
		p1 += int32(qq[1]>>4) * int32(int8(aa[1]))
		p2 += int32(qq[2]>>4) * int32(int8(aa[2]))
		p3 += int32(qq[3]>>4) * int32(int8(aa[3]))
	}
	return (p0 + p1) + (p2 + p3)
}

func dotQ4_0Q8_0(w, a []byte, nb int) float32 {
	var sum float32
	for i := 0; i < nb; i++ {
		wb := (*[q4_0Bytes]byte)(w[i*q4_0Bytes:])
		ab := (*[q8_0Bytes]byte)(a[i*q8_0Bytes:])
		q := (*[16]byte)(wb[2:])
		si := nibLo16(q, (*[16]byte)(ab[2:])) + nibHi16(q, (*[16]byte)(ab[18:])) -
			8*sumI8x32((*[32]byte)(ab[2:]))
		sum += float32(float32(si) * f16at(wb[0:]) * f16at(ab[0:]))
	}
	return sum
}

// sumI8x32 sums 32 int8 values.
func sumI8x32(q *[32]byte) int32 {
	var s int32
	for j := 0; j < 32; j += 4 {
		s += int32(int8(q[j])) + int32(int8(q[j+1])) + int32(int8(q[j+2])) + int32(int8(q[j+3]))
	}
	return s
}

func dotQ4_1Q8_1(w, a []byte, nb int) float32 {
	var sum float32
	for i := 0; i < nb; i++ {
		wb := (*[q4_1Bytes]byte)(w[i*q4_1Bytes:])
		ab := (*[q8_1Bytes]byte)(a[i*q8_1Bytes:])
		q := (*[16]byte)(wb[4:])
		si := nibLo16(q, (*[16]byte)(ab[4:])) + nibHi16(q, (*[16]byte)(ab[20:]))
		dd := f16at(wb[0:]) * f16at(ab[0:])
		ms := f16at(wb[2:]) * f16at(ab[2:])
		sum += float32(float32(dd*float32(si)) + ms)
	}
	return sum
}

// hiBits5 maps 8 bits to 8 bytes, byte k = 0x10 when bit k is set: the
// fifth bits of 8 Q5 values.
var hiBits5 = func() (t [256]uint64) {
	for v := range t {
		for k := 0; k < 8; k++ {
			if v>>k&1 != 0 {
				t[v] |= 0x10 << (8 * k)
			}
		}
	}
	return t
}()

// expandQ5 decodes the 32 5-bit values of a Q5_0/Q5_1 block to bytes.
func expandQ5(qh uint32, q *[16]byte, v *[32]byte) {
	const lo = 0x0f0f0f0f0f0f0f0f
	l0 := binary.LittleEndian.Uint64(q[0:])
	l1 := binary.LittleEndian.Uint64(q[8:])
	binary.LittleEndian.PutUint64(v[0:], l0&lo|hiBits5[byte(qh)])
	binary.LittleEndian.PutUint64(v[8:], l1&lo|hiBits5[byte(qh>>8)])
	binary.LittleEndian.PutUint64(v[16:], l0>>4&lo|hiBits5[byte(qh>>16)])
	binary.LittleEndian.PutUint64(v[24:], l1>>4&lo|hiBits5[byte(qh>>24)])
}

// dotU8I8x32 is the exact dot of 32 unsigned bytes with 32 signed bytes.
func dotU8I8x32(v, a *[32]byte) int32 {
	var p0, p1, p2, p3 int32
	for g := 0; g < 32; g += 4 {
		vv := (*[4]byte)(v[g:])
		aa := (*[4]byte)(a[g:])
		p0 += int32(vv[0]) * int32(int8(aa[0]))
		p1 += int32(vv[1]) * int32(int8(aa[1]))
		p2 += int32(vv[2]) * int32(int8(aa[2]))
		p3 += int32(vv[3]) * int32(int8(aa[3]))
	}
	return (p0 + p1) + (p2 + p3)
}

func dotQ5_0Q8_0(w, a []byte, nb int) float32 {
	var sum float32
	for i := 0; i < nb; i++ {
		wb := (*[q5_0Bytes]byte)(w[i*q5_0Bytes:])
		ab := (*[q8_0Bytes]byte)(a[i*q8_0Bytes:])
		var v [32]byte
		expandQ5(binary.LittleEndian.Uint32(wb[2:]), (*[16]byte)(wb[6:]), &v)
		aq := (*[32]byte)(ab[2:])
		si := dotU8I8x32(&v, aq) - 16*sumI8x32(aq)
		sum += float32(f16at(wb[0:]) * f16at(ab[0:]) * float32(si))
	}
	return sum
}

func dotQ5_1Q8_1(w, a []byte, nb int) float32 {
	var sum float32
	for i := 0; i < nb; i++ {
		wb := (*[q5_1Bytes]byte)(w[i*q5_1Bytes:])
		ab := (*[q8_1Bytes]byte)(a[i*q8_1Bytes:])
		var v [32]byte
		expandQ5(binary.LittleEndian.Uint32(wb[4:]), (*[16]byte)(wb[8:]), &v)
		si := dotU8I8x32(&v, (*[32]byte)(ab[4:]))
		dd := f16at(wb[0:]) * f16at(ab[0:])
		ms := f16at(wb[2:]) * f16at(ab[2:])
		sum += float32(float32(dd*float32(si)) + ms)
	}
	return sum
}

func dotQ8_0Q8_0(w, a []byte, nb int) float32 {
	var sum float32
	for i := 0; i < nb; i++ {
		wb := (*[q8_0Bytes]byte)(w[i*q8_0Bytes:])
		ab := (*[q8_0Bytes]byte)(a[i*q8_0Bytes:])
		wq := (*[32]byte)(wb[2:])
		aq := (*[32]byte)(ab[2:])
		var s0, s1 int32
		for j := 0; j < 32; j += 8 {
			s0 += int32(int8(wq[j]))*int32(int8(aq[j])) + int32(int8(wq[j+1]))*int32(int8(aq[j+1])) +
				int32(int8(wq[j+2]))*int32(int8(aq[j+2])) + int32(int8(wq[j+3]))*int32(int8(aq[j+3]))
			s1 += int32(int8(wq[j+4]))*int32(int8(aq[j+4])) + int32(int8(wq[j+5]))*int32(int8(aq[j+5])) +
				int32(int8(wq[j+6]))*int32(int8(aq[j+6])) + int32(int8(wq[j+7]))*int32(int8(aq[j+7]))
		}
		sum += float32(float32(s0+s1) * (f16at(wb[0:]) * f16at(ab[0:])))
	}
	return sum
}

// ---- quantizers (ggml's *_ref, our own code) ----

// absMaxSigned returns the largest |v| and the signed value that has it
// (first one on ties).
func absMaxSigned(x []float32) (amax, max float32) {
	for _, v := range x {
		if a := abs32(v); amax < a {
			amax, max = a, v
		}
	}
	return amax, max
}

func minMax(x []float32) (min, max float32) {
	min, max = math.MaxFloat32, -math.MaxFloat32
	for _, v := range x {
		if v < min {
			min = v
		}
		if v > max {
			max = v
		}
	}
	return min, max
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

func inv(d float32) float32 {
	if d == 0 {
		return 0
	}
	return 1 / d
}

func quantQ4_0(src []float32, dst []byte) {
	for i := 0; i+32 <= len(src); i += 32 {
		x := (*[32]float32)(src[i:])
		b := (*[q4_0Bytes]byte)(dst[i/32*q4_0Bytes:])
		_, max := absMaxSigned(x[:])
		d := max / -8
		id := inv(d)
		putF16(b[0:], d)
		for j := 0; j < 16; j++ {
			x0 := min(15, int8(float32(x[j]*id)+8.5))
			x1 := min(15, int8(float32(x[j+16]*id)+8.5))
			b[2+j] = byte(x0) | byte(x1)<<4
		}
	}
}

func quantQ4_1(src []float32, dst []byte) {
	for i := 0; i+32 <= len(src); i += 32 {
		x := (*[32]float32)(src[i:])
		b := (*[q4_1Bytes]byte)(dst[i/32*q4_1Bytes:])
		mn, mx := minMax(x[:])
		d := (mx - mn) / 15
		id := inv(d)
		putF16(b[0:], d)
		putF16(b[2:], mn)
		for j := 0; j < 16; j++ {
			x0 := min(15, int8(float32((x[j]-mn)*id)+0.5))
			x1 := min(15, int8(float32((x[j+16]-mn)*id)+0.5))
			b[4+j] = byte(x0) | byte(x1)<<4
		}
	}
}

func quantQ5_0(src []float32, dst []byte) {
	for i := 0; i+32 <= len(src); i += 32 {
		x := (*[32]float32)(src[i:])
		b := (*[q5_0Bytes]byte)(dst[i/32*q5_0Bytes:])
		_, max := absMaxSigned(x[:])
		d := max / -16
		id := inv(d)
		putF16(b[0:], d)
		var qh uint32
		for j := 0; j < 16; j++ {
			x0 := byte(min(31, int8(float32(x[j]*id)+16.5)))
			x1 := byte(min(31, int8(float32(x[j+16]*id)+16.5)))
			b[6+j] = x0&15 | (x1&15)<<4
			qh |= uint32(x0>>4) << j
			qh |= uint32(x1>>4) << (j + 16)
		}
		binary.LittleEndian.PutUint32(b[2:], qh)
	}
}

func quantQ5_1(src []float32, dst []byte) {
	for i := 0; i+32 <= len(src); i += 32 {
		x := (*[32]float32)(src[i:])
		b := (*[q5_1Bytes]byte)(dst[i/32*q5_1Bytes:])
		mn, mx := minMax(x[:])
		d := (mx - mn) / 31
		id := inv(d)
		putF16(b[0:], d)
		putF16(b[2:], mn)
		var qh uint32
		for j := 0; j < 16; j++ {
			x0 := byte(float32((x[j]-mn)*id) + 0.5)
			x1 := byte(float32((x[j+16]-mn)*id) + 0.5)
			b[8+j] = x0&15 | (x1&15)<<4
			qh |= uint32(x0>>4&1) << j
			qh |= uint32(x1>>4&1) << (j + 16)
		}
		binary.LittleEndian.PutUint32(b[4:], qh)
	}
}

// roundf rounds half away from zero, like C's roundf.
func roundf(v float32) int32 { return int32(math.Round(float64(v))) }

func absMax(x []float32) float32 {
	var amax float32
	for _, v := range x {
		amax = max(amax, abs32(v))
	}
	return amax
}

// quantQ8_0 is bit-exact with ggml's quantize_row_q8_0_ref: d = amax/127
// in float32, id = 1/d, q = roundf(x*id) (halves away from zero). ggml's
// AVX2 twin differs only in rare ties (127/amax, round-half-even).
// quantQ8_0Ref is bit-exact with ggml's quantize_row_q8_0_ref (and so with
// llama-quantize's Q8_0 weights): d = amax/127 in float32, id = 1/d,
// q = roundf(x*id), halves away from zero.
func quantQ8_0Ref(src []float32, dst []byte) {
	for i := 0; i+32 <= len(src); i += 32 {
		x := (*[32]float32)(src[i:])
		b := (*[q8_0Bytes]byte)(dst[i/32*q8_0Bytes:])
		d := absMax(x[:]) / 127
		id := inv(d)
		putF16(b[0:], d)
		for j := 0; j < 32; j++ {
			b[2+j] = byte(int8(roundf(x[j] * id)))
		}
	}
}

// quantQ8_0 quantizes activations as ggml's x86 SIMD quantize_row_q8_0
// does at run time: id = 127/amax (not 1/d) and round half to even. It is
// the partner the golden llama.cpp logits were computed with.
func quantQ8_0(src []float32, dst []byte) {
	for i := 0; i+32 <= len(src); i += 32 {
		x := (*[32]float32)(src[i:])
		b := (*[q8_0Bytes]byte)(dst[i/32*q8_0Bytes:])
		amax := absMax(x[:])
		putF16(b[0:], amax/127)
		var id float32
		if amax != 0 {
			id = 127 / amax
		}
		for j := 0; j < 32; j++ {
			b[2+j] = byte(int8(nearestInt(x[j] * id)))
		}
	}
}

// quantQ8_1Act is quantQ8_0's Q8_1 twin (x86 quantize_row_q8_1): the
// block sum s = d * sum(q) is stored as f16.
func quantQ8_1Act(src []float32, dst []byte) {
	for i := 0; i+32 <= len(src); i += 32 {
		x := (*[32]float32)(src[i:])
		b := (*[q8_1Bytes]byte)(dst[i/32*q8_1Bytes:])
		amax := absMax(x[:])
		d := amax / 127
		putF16(b[0:], d)
		var id float32
		if amax != 0 {
			id = 127 / amax
		}
		var s int32
		for j := 0; j < 32; j++ {
			q := nearestInt(x[j] * id)
			b[4+j] = byte(int8(q))
			s += q
		}
		putF16(b[2:], float32(s)*d)
	}
}

func quantQ8_1(src []float32, dst []byte) {
	for i := 0; i+32 <= len(src); i += 32 {
		x := (*[32]float32)(src[i:])
		b := (*[q8_1Bytes]byte)(dst[i/32*q8_1Bytes:])
		d := absMax(x[:]) / 127
		id := inv(d)
		putF16(b[0:], d)
		var s int32
		for j := 0; j < 32; j++ {
			q := roundf(x[j] * id)
			b[4+j] = byte(int8(q))
			s += q
		}
		putF16(b[2:], float32(s)*d)
	}
}
