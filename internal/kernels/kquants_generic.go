package kernels

import (
	"encoding/binary"
	"math"
)

// Block sizes in bytes of the 256-element K-quant types.
const (
	q2KBytes = 84
	q3KBytes = 110
	q4KBytes = 144
	q5KBytes = 176
	q6KBytes = 210
	q8KBytes = 292
)

// scaleMinK4 unpacks the 8 6-bit scales and mins of a Q4_K/Q5_K block.
func scaleMinK4(s *[12]byte) (sc, m [8]uint8) {
	for j := 0; j < 4; j++ {
		sc[j] = s[j] & 63
		m[j] = s[j+4] & 63
		sc[j+4] = s[j+8]&15 | (s[j]>>6)<<4
		m[j+4] = s[j+8]>>4 | (s[j+4]>>6)<<4
	}
	return sc, m
}

// scalesQ3K unpacks the 16 signed 6-bit scales of a Q3_K block.
func scalesQ3K(s *[12]byte) (sc [16]int32) {
	for j := 0; j < 16; j++ {
		var lo byte
		if j < 8 {
			lo = s[j] & 15
		} else {
			lo = s[j-8] >> 4
		}
		hi := (s[8+j%4] >> (2 * (j / 4))) & 3
		sc[j] = int32(lo|hi<<4) - 32
	}
	return sc
}

// ---- decoding one block ----

func deqBlockQ2_K(b *[q2KBytes]byte, y *[256]float32) {
	d, dmin := f16at(b[80:]), f16at(b[82:])
	for e := 0; e < 256; e += 16 {
		sc := b[e/16]
		dl, ml := d*float32(sc&15), dmin*float32(sc>>4)
		q := (*[16]byte)(b[16+32*(e/128)+e%32:])
		shift := 2 * uint((e%128)/32)
		o := (*[16]float32)(y[e:])
		for l := 0; l < 16; l++ {
			o[l] = float32(dl*float32(q[l]>>shift&3)) - ml
		}
	}
}

func deqBlockQ3_K(b *[q3KBytes]byte, y *[256]float32) {
	d := f16at(b[108:])
	sc := scalesQ3K((*[12]byte)(b[96:]))
	hm := (*[32]byte)(b[0:])
	for e := 0; e < 256; e += 32 {
		n, j := e/128, (e%128)/32
		q := (*[32]byte)(b[32+32*n:])
		shift := 2 * uint(j)
		m := byte(1) << (4*n + j)
		o := (*[32]float32)(y[e:])
		dl0 := d * float32(sc[e/16])
		dl1 := d * float32(sc[e/16+1])
		for l := 0; l < 32; l++ {
			v := int32(q[l] >> shift & 3)
			if hm[l]&m == 0 {
				v -= 4
			}
			if l < 16 {
				o[l] = dl0 * float32(v)
			} else {
				o[l] = dl1 * float32(v)
			}
		}
	}
}

func deqBlockQ4_K(b *[q4KBytes]byte, y *[256]float32) {
	d, dmin := f16at(b[0:]), f16at(b[2:])
	sc, m := scaleMinK4((*[12]byte)(b[4:]))
	for c := 0; c < 4; c++ {
		q := (*[32]byte)(b[16+32*c:])
		d1, m1 := d*float32(sc[2*c]), dmin*float32(m[2*c])
		d2, m2 := d*float32(sc[2*c+1]), dmin*float32(m[2*c+1])
		o := (*[64]float32)(y[64*c:])
		for l := 0; l < 32; l++ {
			o[l] = float32(d1*float32(q[l]&15)) - m1
			o[l+32] = float32(d2*float32(q[l]>>4)) - m2
		}
	}
}

func deqBlockQ5_K(b *[q5KBytes]byte, y *[256]float32) {
	d, dmin := f16at(b[0:]), f16at(b[2:])
	sc, m := scaleMinK4((*[12]byte)(b[4:]))
	qh := (*[32]byte)(b[16:])
	for c := 0; c < 4; c++ {
		q := (*[32]byte)(b[48+32*c:])
		d1, m1 := d*float32(sc[2*c]), dmin*float32(m[2*c])
		d2, m2 := d*float32(sc[2*c+1]), dmin*float32(m[2*c+1])
		s1, s2 := uint(2*c), uint(2*c+1)
		o := (*[64]float32)(y[64*c:])
		for l := 0; l < 32; l++ {
			lo := q[l]&15 | (qh[l]>>s1&1)<<4
			hi := q[l]>>4 | (qh[l]>>s2&1)<<4
			o[l] = float32(d1*float32(lo)) - m1
			o[l+32] = float32(d2*float32(hi)) - m2
		}
	}
}

func deqBlockQ6_K(b *[q6KBytes]byte, y *[256]float32) {
	d := f16at(b[208:])
	sc := (*[16]byte)(b[192:])
	for h := 0; h < 2; h++ {
		ql := (*[64]byte)(b[64*h:])
		qh := (*[32]byte)(b[128+32*h:])
		o := (*[128]float32)(y[128*h:])
		for l := 0; l < 32; l++ {
			is := 8*h + l/16
			q1 := int32(ql[l]&15|(qh[l]&3)<<4) - 32
			q2 := int32(ql[l+32]&15|(qh[l]>>2&3)<<4) - 32
			q3 := int32(ql[l]>>4|(qh[l]>>4&3)<<4) - 32
			q4 := int32(ql[l+32]>>4|(qh[l]>>6&3)<<4) - 32
			o[l] = float32(d*float32(int8(sc[is]))) * float32(q1)
			o[l+32] = float32(d*float32(int8(sc[is+2]))) * float32(q2)
			o[l+64] = float32(d*float32(int8(sc[is+4]))) * float32(q3)
			o[l+96] = float32(d*float32(int8(sc[is+6]))) * float32(q4)
		}
	}
}

func deqBlockQ8_K(b *[q8KBytes]byte, y *[256]float32) {
	d := math.Float32frombits(binary.LittleEndian.Uint32(b[0:]))
	q := (*[256]byte)(b[4:])
	for j := 0; j < 256; j++ {
		y[j] = float32(int8(q[j])) * d
	}
}

// ---- whole rows ----

func dequantQ2_K(src []byte, dst []float32) {
	for i := 0; i+256 <= len(dst); i += 256 {
		deqBlockQ2_K((*[q2KBytes]byte)(src[i/256*q2KBytes:]), (*[256]float32)(dst[i:]))
	}
}

func dequantQ3_K(src []byte, dst []float32) {
	for i := 0; i+256 <= len(dst); i += 256 {
		deqBlockQ3_K((*[q3KBytes]byte)(src[i/256*q3KBytes:]), (*[256]float32)(dst[i:]))
	}
}

func dequantQ4_K(src []byte, dst []float32) {
	for i := 0; i+256 <= len(dst); i += 256 {
		deqBlockQ4_K((*[q4KBytes]byte)(src[i/256*q4KBytes:]), (*[256]float32)(dst[i:]))
	}
}

func dequantQ5_K(src []byte, dst []float32) {
	for i := 0; i+256 <= len(dst); i += 256 {
		deqBlockQ5_K((*[q5KBytes]byte)(src[i/256*q5KBytes:]), (*[256]float32)(dst[i:]))
	}
}

func dequantQ6_K(src []byte, dst []float32) {
	for i := 0; i+256 <= len(dst); i += 256 {
		deqBlockQ6_K((*[q6KBytes]byte)(src[i/256*q6KBytes:]), (*[256]float32)(dst[i:]))
	}
}

func dequantQ8_K(src []byte, dst []float32) {
	for i := 0; i+256 <= len(dst); i += 256 {
		deqBlockQ8_K((*[q8KBytes]byte)(src[i/256*q8KBytes:]), (*[256]float32)(dst[i:]))
	}
}

// ---- float32 activations ----

func dotF32Q2_K(w []byte, x []float32) float32 {
	var l lanes8
	var y [256]float32
	for i := 0; i+256 <= len(x); i += 256 {
		deqBlockQ2_K((*[q2KBytes]byte)(w[i/256*q2KBytes:]), &y)
		l.addN(y[:], x[i:i+256])
	}
	return l.sum()
}

func dotF32Q3_K(w []byte, x []float32) float32 {
	var l lanes8
	var y [256]float32
	for i := 0; i+256 <= len(x); i += 256 {
		deqBlockQ3_K((*[q3KBytes]byte)(w[i/256*q3KBytes:]), &y)
		l.addN(y[:], x[i:i+256])
	}
	return l.sum()
}

func dotF32Q4_K(w []byte, x []float32) float32 {
	var l lanes8
	var y [256]float32
	for i := 0; i+256 <= len(x); i += 256 {
		deqBlockQ4_K((*[q4KBytes]byte)(w[i/256*q4KBytes:]), &y)
		l.addN(y[:], x[i:i+256])
	}
	return l.sum()
}

func dotF32Q5_K(w []byte, x []float32) float32 {
	var l lanes8
	var y [256]float32
	for i := 0; i+256 <= len(x); i += 256 {
		deqBlockQ5_K((*[q5KBytes]byte)(w[i/256*q5KBytes:]), &y)
		l.addN(y[:], x[i:i+256])
	}
	return l.sum()
}

func dotF32Q6_K(w []byte, x []float32) float32 {
	var l lanes8
	var y [256]float32
	for i := 0; i+256 <= len(x); i += 256 {
		deqBlockQ6_K((*[q6KBytes]byte)(w[i/256*q6KBytes:]), &y)
		l.addN(y[:], x[i:i+256])
	}
	return l.sum()
}

func dotF32Q8_K(w []byte, x []float32) float32 {
	var l lanes8
	var y [256]float32
	for i := 0; i+256 <= len(x); i += 256 {
		deqBlockQ8_K((*[q8KBytes]byte)(w[i/256*q8KBytes:]), &y)
		l.addN(y[:], x[i:i+256])
	}
	return l.sum()
}
