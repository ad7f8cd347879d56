package kernels

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// q8KParts splits a Q8_K block into its scale, quants and 16 bsums.
func q8KParts(b *[q8KBytes]byte) (d float32, q *[256]byte, bsums *[32]byte) {
	return math.Float32frombits(binary.LittleEndian.Uint32(b[0:])), (*[256]byte)(b[4:]), (*[32]byte)(b[260:])
}

func bsum(bs *[32]byte, j int) int32 { return int32(int16(binary.LittleEndian.Uint16(bs[2*j:]))) }

// The K-quant dots keep, per super-block, exact integer sums in 8 lanes,
// lane = (e%32)/4 for element e: four consecutive elements per lane, the
// layout both x86 (VPMADDUBSW+VPMADDWD) and ARM (SDOT) produce without
// shuffles, as llama.cpp's SIMD kernels do. Each lane is weighted by its
// sub-block scale; then sums[l] += d*acc[l] in float32 across
// super-blocks, and at the end sumf + sums[0] + ... + sums[7] in order.
// The Q4_K/Q5_K mins term is kept in 8 float32 lanes (minLanes), which
// become sumf.

// laneDotK returns, per lane l, the sum over the 16 sub-blocks j of
// sc[j] * Σ v[e]*a[e] for the sub-block's elements in lane l: an even
// sub-block fills lanes 0-3, an odd one lanes 4-7, four elements each.
func laneDotK(v *[256]int8, a *[256]byte, sc *[16]int32) (acc [8]int32) {
	for j := 0; j < 16; j++ {
		s := sc[j]
		vv := (*[16]int8)(v[16*j:])
		aa := (*[16]byte)(a[16*j:])
		o := (*[4]int32)(acc[4*(j&1):])
		for i := 0; i < 4; i++ {
			d := int32(vv[4*i])*int32(int8(aa[4*i])) + int32(vv[4*i+1])*int32(int8(aa[4*i+1])) +
				int32(vv[4*i+2])*int32(int8(aa[4*i+2])) + int32(vv[4*i+3])*int32(int8(aa[4*i+3]))
			o[i] += s * d
		}
	}
	return acc
}

// addScaled does ggml's sums[l] += d*aux32[l].
func (l *lanes8) addScaled(d float32, acc *[8]int32) {
	l[0] += float32(d * float32(acc[0]))
	l[1] += float32(d * float32(acc[1]))
	l[2] += float32(d * float32(acc[2]))
	l[3] += float32(d * float32(acc[3]))
	l[4] += float32(d * float32(acc[4]))
	l[5] += float32(d * float32(acc[5]))
	l[6] += float32(d * float32(acc[6]))
	l[7] += float32(d * float32(acc[7]))
}

// finish adds the lanes to sumf in lane order, as ggml's generic K dots end.
func (l *lanes8) finish(sumf float32) float32 {
	for i := range l {
		sumf += l[i]
	}
	return sumf
}

// decodeQ2K expands a Q2_K block's quants to int8 (0..3).
func decodeQ2K(wb *[q2KBytes]byte, v *[256]int8) {
	vb := (*[256]byte)(unsafe.Pointer(v))
	for n := 0; n < 2; n++ {
		q := (*[32]byte)(wb[16+32*n:])
		for l := 0; l < 32; l += 8 {
			x := binary.LittleEndian.Uint64(q[l:])
			o := (*[128]byte)(vb[128*n:])
			binary.LittleEndian.PutUint64(o[l:], x&lo2b)
			binary.LittleEndian.PutUint64(o[32+l:], x>>2&lo2b)
			binary.LittleEndian.PutUint64(o[64+l:], x>>4&lo2b)
			binary.LittleEndian.PutUint64(o[96+l:], x>>6&lo2b)
		}
	}
}

// dotQ2_KQ8_K follows ggml's generic q2_K dot: one exact integer sum per
// super-block (the lanes of laneDotK added up), then
// sumf += dall*isum - dmin*summs.
func dotQ2_KQ8_K(w, a []byte, nb int) float32 {
	var sumf float32
	var v [256]int8
	var sc16 [16]int32
	for i := 0; i < nb; i++ {
		wb := (*[q2KBytes]byte)(w[i*q2KBytes:])
		yd, aq, bs := q8KParts((*[q8KBytes]byte)(a[i*q8KBytes:]))
		sc := (*[16]byte)(wb[0:])
		var summs int32
		for j := 0; j < 16; j++ {
			summs += bsum(bs, j) * int32(sc[j]>>4)
			sc16[j] = int32(sc[j] & 15)
		}
		decodeQ2K(wb, &v)
		acc := laneDotK(&v, aq, &sc16)
		isum := ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
		dall := yd * f16at(wb[80:])
		dmin := yd * f16at(wb[82:])
		sumf += float32(float32(dall*float32(isum)) - float32(dmin*float32(summs)))
	}
	return sumf
}

// minLanes is the mins term of the Q4_K/Q5_K dots, kept in 8 float32 lanes
// across super-blocks (as llama.cpp's SIMD kernels keep it in a vector,
// rather than one scalar): per super-block, lane g gets the exact integer
// m[g]*(bsums[2g]+bsums[2g+1]) (group g's min times the sum of its 32
// activations), and l[g] -= float32(dm*float32(that)), dm = dmin*yd.
// finish adds l[0..7] left to right.
type minLanes [8]float32

func (l *minLanes) sub(dm float32, bs *[32]byte, m *[8]uint8) {
	for g := range l {
		mi := int32(m[g]) * (bsum(bs, 2*g) + bsum(bs, 2*g+1))
		l[g] -= float32(dm * float32(mi))
	}
}

func (l *minLanes) finish() float32 {
	var s float32
	for _, v := range l {
		s += v
	}
	return s
}

// decodeQ6K expands a Q6_K block's 256 6-bit quants to int8 (q-32), eight
// at a time in 64-bit words.
func decodeQ6K(wb *[q6KBytes]byte, v *[256]int8) {
	const (
		lo4  = 0x0f0f0f0f0f0f0f0f
		lo2  = 0x0303030303030303
		ones = 0x0101010101010101
		b5   = 0x2020202020202020
	)
	// signed turns bytes 0..63 into int8(v-32): clear bit 5 when it is set,
	// else set bits 5-7.
	signed := func(x uint64) uint64 { return x ^ b5 ^ ((x>>5&ones)^ones)*0xc0 }
	vb := (*[256]byte)(unsafe.Pointer(v))
	for h := 0; h < 2; h++ {
		ql := (*[64]byte)(wb[64*h:])
		qh := (*[32]byte)(wb[128+32*h:])
		o := (*[128]byte)(vb[128*h:])
		for l := 0; l < 32; l += 8 {
			l1 := binary.LittleEndian.Uint64(ql[l:])
			l2 := binary.LittleEndian.Uint64(ql[32+l:])
			hb := binary.LittleEndian.Uint64(qh[l:])
			binary.LittleEndian.PutUint64(o[l:], signed(l1&lo4|(hb&lo2)<<4))
			binary.LittleEndian.PutUint64(o[32+l:], signed(l2&lo4|(hb>>2&lo2)<<4))
			binary.LittleEndian.PutUint64(o[64+l:], signed(l1>>4&lo4|(hb>>4&lo2)<<4))
			binary.LittleEndian.PutUint64(o[96+l:], signed(l2>>4&lo4|(hb>>6&lo2)<<4))
		}
	}
}

func dotQ6_KQ8_K(w, a []byte, nb int) float32 {
	var sums lanes8
	var v [256]int8
	var sc16 [16]int32
	for i := 0; i < nb; i++ {
		wb := (*[q6KBytes]byte)(w[i*q6KBytes:])
		yd, aq, _ := q8KParts((*[q8KBytes]byte)(a[i*q8KBytes:]))
		decodeQ6K(wb, &v)
		sc := (*[16]byte)(wb[192:])
		for j := range sc16 {
			sc16[j] = int32(int8(sc[j]))
		}
		acc := laneDotK(&v, aq, &sc16)
		sums.addScaled(f16at(wb[208:])*yd, &acc)
	}
	return sums.finish(0)
}

// SWAR masks for the K-quant decoders.
const (
	lo4b  = 0x0f0f0f0f0f0f0f0f
	lo2b  = 0x0303030303030303
	lo1b  = 0x0101010101010101
	ones8 = 0x0101010101010101
)

// decodeQ4K expands a Q4_K block's quants to int8 (0..15).
func decodeQ4K(wb *[q4KBytes]byte, v *[256]int8) {
	vb := (*[256]byte)(unsafe.Pointer(v))
	for c := 0; c < 4; c++ {
		q := (*[32]byte)(wb[16+32*c:])
		o := (*[64]byte)(vb[64*c:])
		for l := 0; l < 32; l += 8 {
			x := binary.LittleEndian.Uint64(q[l:])
			binary.LittleEndian.PutUint64(o[l:], x&lo4b)
			binary.LittleEndian.PutUint64(o[32+l:], x>>4&lo4b)
		}
	}
}

// decodeQ5K expands a Q5_K block's quants to int8 (0..31).
func decodeQ5K(wb *[q5KBytes]byte, v *[256]int8) {
	vb := (*[256]byte)(unsafe.Pointer(v))
	qh := (*[32]byte)(wb[16:])
	for c := 0; c < 4; c++ {
		q := (*[32]byte)(wb[48+32*c:])
		o := (*[64]byte)(vb[64*c:])
		s1, s2 := uint(2*c)&7, uint(2*c+1)&7
		for l := 0; l < 32; l += 8 {
			x := binary.LittleEndian.Uint64(q[l:])
			h := binary.LittleEndian.Uint64(qh[l:])
			binary.LittleEndian.PutUint64(o[l:], x&lo4b|(h>>s1&lo1b)<<4)
			binary.LittleEndian.PutUint64(o[32+l:], x>>4&lo4b|(h>>s2&lo1b)<<4)
		}
	}
}

// decodeQ3K expands a Q3_K block's quants to int8 (q-4, -4..3).
func decodeQ3K(wb *[q3KBytes]byte, v *[256]int8) {
	// signed turns bytes 0..7 into int8(v-4).
	signed := func(x uint64) uint64 { return x ^ 0x0404040404040404 ^ ((x>>2&ones8)^ones8)*0xf8 }
	vb := (*[256]byte)(unsafe.Pointer(v))
	hm := (*[32]byte)(wb[0:])
	for n := 0; n < 2; n++ {
		q := (*[32]byte)(wb[32+32*n:])
		for j := 0; j < 4; j++ {
			shift, hs := uint(2*j)&7, uint(4*n+j)&7
			o := (*[32]byte)(vb[128*n+32*j:])
			for l := 0; l < 32; l += 8 {
				x := binary.LittleEndian.Uint64(q[l:])
				h := binary.LittleEndian.Uint64(hm[l:])
				binary.LittleEndian.PutUint64(o[l:], signed(x>>shift&lo2b|(h>>hs&lo1b)<<2))
			}
		}
	}
}

func dotQ4_KQ8_K(w, a []byte, nb int) float32 {
	var sums lanes8
	var mins minLanes
	var v [256]int8
	var sc16 [16]int32
	for i := 0; i < nb; i++ {
		wb := (*[q4KBytes]byte)(w[i*q4KBytes:])
		yd, aq, bs := q8KParts((*[q8KBytes]byte)(a[i*q8KBytes:]))
		decodeQ4K(wb, &v)
		sc, m := scaleMinK4((*[12]byte)(wb[4:]))
		for j := range sc16 {
			sc16[j] = int32(sc[j/2])
		}
		acc := laneDotK(&v, aq, &sc16)
		sums.addScaled(f16at(wb[0:])*yd, &acc)
		mins.sub(f16at(wb[2:])*yd, bs, &m)
	}
	return sums.finish(mins.finish())
}

func dotQ5_KQ8_K(w, a []byte, nb int) float32 {
	var sums lanes8
	var mins minLanes
	var v [256]int8
	var sc16 [16]int32
	for i := 0; i < nb; i++ {
		wb := (*[q5KBytes]byte)(w[i*q5KBytes:])
		yd, aq, bs := q8KParts((*[q8KBytes]byte)(a[i*q8KBytes:]))
		decodeQ5K(wb, &v)
		sc, m := scaleMinK4((*[12]byte)(wb[4:]))
		for j := range sc16 {
			sc16[j] = int32(sc[j/2])
		}
		acc := laneDotK(&v, aq, &sc16)
		sums.addScaled(f16at(wb[0:])*yd, &acc)
		mins.sub(f16at(wb[2:])*yd, bs, &m)
	}
	return sums.finish(mins.finish())
}

func dotQ3_KQ8_K(w, a []byte, nb int) float32 {
	var sums lanes8
	var v [256]int8
	for i := 0; i < nb; i++ {
		wb := (*[q3KBytes]byte)(w[i*q3KBytes:])
		yd, aq, _ := q8KParts((*[q8KBytes]byte)(a[i*q8KBytes:]))
		decodeQ3K(wb, &v)
		sc := scalesQ3K((*[12]byte)(wb[96:]))
		acc := laneDotK(&v, aq, &sc)
		sums.addScaled(f16at(wb[108:])*yd, &acc)
	}
	return sums.finish(0)
}
