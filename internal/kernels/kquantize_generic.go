package kernels

import (
	"encoding/binary"
	"math"
)

// groupMaxEps is ggml's threshold below which a group counts as all zero.
const groupMaxEps = 1e-15

// nearestInt rounds to nearest, ties to even, for |f| < 2^22 (ggml's
// nearest_int). The explicit conversion keeps a caller's product rounded.
func nearestInt(f float32) int32 {
	v := float32(f) + 12582912
	return int32(math.Float32bits(v)&0x7fffff) - 0x400000
}

func clampI(v, lo, hi int32) int32 { return max(lo, min(hi, v)) }

// prod3 is x*y*z with each product rounded (no fusion into a later add).
func prod3(x, y, z float32) float32 { return float32(float32(x*y) * z) }

// makeQXQuants fits symmetric quants L in [0, 2*nmax) with weights x^2
// (ggml's make_qx_quants, rmse_type 1, no importance weights) and returns
// the scale.
func makeQXQuants(nmax int32, x []float32, L []int8) float32 {
	amax, max := absMaxSigned(x)
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	fn := float32(nmax)
	iscale := -fn / max
	var sumlx, suml2 float32
	for i, v := range x {
		l := clampI(nearestInt(iscale*v), -nmax, nmax-1)
		L[i] = int8(l + nmax)
		w := float32(v * v)
		sumlx += prod3(w, v, float32(l))
		suml2 += prod3(w, float32(l), float32(l))
	}
	scale := float32(0)
	if suml2 != 0 {
		scale = sumlx / suml2
	}
	best := scale * sumlx
	for is := int32(-9); is <= 9; is++ {
		if is == 0 {
			continue
		}
		iscale = -(fn + float32(0.1*float32(is))) / max
		sumlx, suml2 = 0, 0
		for _, v := range x {
			l := float32(clampI(nearestInt(iscale*v), -nmax, nmax-1))
			w := float32(v * v)
			sumlx += prod3(w, v, l)
			suml2 += prod3(w, l, l)
		}
		if suml2 > 0 && float32(sumlx*sumlx) > float32(best*suml2) {
			for i, v := range x {
				L[i] = int8(nmax + clampI(nearestInt(iscale*v), -nmax, nmax-1))
			}
			scale = sumlx / suml2
			best = scale * sumlx
		}
	}
	return scale
}

// makeQ3Quants is ggml's make_q3_quants with do_rmse: quants in [0, 2*nmax).
func makeQ3Quants(nmax int32, x []float32, L []int8) float32 {
	amax, max := absMaxSigned(x)
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	iscale := -float32(nmax) / max
	var sumlx, suml2 float32
	for i, v := range x {
		l := clampI(nearestInt(iscale*v), -nmax, nmax-1)
		L[i] = int8(l)
		w := float32(v * v)
		sumlx += prod3(w, v, float32(l))
		suml2 += prod3(w, float32(l), float32(l))
	}
	for itry := 0; itry < 5; itry++ {
		changed := 0
		for i, v := range x {
			w := float32(v * v)
			li := float32(L[i])
			slx := sumlx - prod3(w, v, li)
			if slx > 0 {
				sl2 := suml2 - prod3(w, li, li)
				nl := clampI(nearestInt(float32(v*sl2)/slx), -nmax, nmax-1)
				if nl != int32(L[i]) {
					fl := float32(nl)
					slx += prod3(w, v, fl)
					sl2 += prod3(w, fl, fl)
					if sl2 > 0 && prod3(slx, slx, suml2) > prod3(sumlx, sumlx, sl2) {
						L[i] = int8(nl)
						sumlx, suml2 = slx, sl2
						changed++
					}
				}
			}
		}
		if changed == 0 {
			break
		}
	}
	for i := range L[:len(x)] {
		L[i] += int8(nmax)
	}
	if suml2 > 0 {
		return sumlx / suml2
	}
	return 0
}

// makeQKX2Quants fits asymmetric quants L in [0, nmax] with a min (ggml's
// make_qkx2_quants). It returns the scale and the negated min.
func makeQKX2Quants(nmax int32, x, weights []float32, L, Laux []uint8,
	rmin, rdelta float32, nstep int, useMad bool) (scale, theMin float32) {
	n := len(x)
	weights, L, Laux = weights[:n], L[:n], Laux[:n]
	mn, mx := x[0], x[0]
	sumW := weights[0]
	sumX := float32(sumW * x[0])
	for i := 1; i < n; i++ {
		mn = min(mn, x[i])
		mx = max(mx, x[i])
		sumW += weights[i]
		sumX += float32(weights[i] * x[i])
	}
	if mn > 0 {
		mn = 0
	}
	if mx == mn {
		clear(L)
		return 0, -mn
	}
	fn := float32(nmax)
	iscale := fn / (mx - mn)
	scale = 1 / iscale
	errOf := func(diff float32) float32 {
		if useMad {
			return abs32(diff)
		}
		return float32(diff * diff)
	}
	var bestErr float32
	for i, v := range x {
		l := clampI(nearestInt(iscale*(v-mn)), 0, nmax)
		L[i] = uint8(l)
		diff := float32(float32(scale*float32(l))+mn) - v
		bestErr += float32(weights[i] * errOf(diff))
	}
	if nstep < 1 {
		return scale, -mn
	}
	for is := 0; is <= nstep; is++ {
		iscale = (float32(rmin+float32(rdelta*float32(is))) + fn) / (mx - mn)
		var sumL, sumL2, sumXL float32
		for i, v := range x {
			l := clampI(nearestInt(iscale*(v-mn)), 0, nmax)
			Laux[i] = uint8(l)
			w, fl := weights[i], float32(l)
			sumL += float32(w * fl)
			sumL2 += prod3(w, fl, fl)
			sumXL += prod3(w, fl, v)
		}
		D := float32(sumW*sumL2) - float32(sumL*sumL)
		if D > 0 {
			thisScale := (float32(sumW*sumXL) - float32(sumX*sumL)) / D
			thisMin := (float32(sumL2*sumX) - float32(sumL*sumXL)) / D
			if thisMin > 0 {
				thisMin = 0
				thisScale = sumXL / sumL2
			}
			var cur float32
			for i, v := range x {
				diff := float32(float32(thisScale*float32(Laux[i]))+thisMin) - v
				cur += float32(weights[i] * errOf(diff))
			}
			if cur < bestErr {
				copy(L, Laux)
				bestErr = cur
				scale, mn = thisScale, thisMin
			}
		}
	}
	return scale, -mn
}

func quantQ2_K(src []float32, dst []byte) {
	var L [256]uint8
	var laux [16]uint8
	var weights [16]float32
	var mins, scales [16]float32
	for i := 0; i+256 <= len(src); i += 256 {
		x := (*[256]float32)(src[i:])
		b := (*[q2KBytes]byte)(dst[i/256*q2KBytes:])
		var maxScale, maxMin float32
		for j := 0; j < 16; j++ {
			xs := x[16*j : 16*j+16]
			for l, v := range xs {
				weights[l] = abs32(v)
			}
			scales[j], mins[j] = makeQKX2Quants(3, xs, weights[:], L[16*j:], laux[:], -0.5, 0.1, 15, true)
			maxScale = max(maxScale, scales[j])
			maxMin = max(maxMin, mins[j])
		}
		clear(b[:])
		if maxScale > 0 {
			iscale := 15 / maxScale
			for j := 0; j < 16; j++ {
				b[j] = byte(nearestInt(iscale * scales[j]))
			}
			putF16(b[80:], maxScale/15)
		}
		if maxMin > 0 {
			iscale := 15 / maxMin
			for j := 0; j < 16; j++ {
				b[j] |= byte(nearestInt(iscale*mins[j])) << 4
			}
			putF16(b[82:], maxMin/15)
		}
		d, dmin := f16at(b[80:]), f16at(b[82:])
		for j := 0; j < 16; j++ {
			dl := d * float32(b[j]&15)
			if dl == 0 {
				continue
			}
			dm := dmin * float32(b[j]>>4)
			for ii := 0; ii < 16; ii++ {
				L[16*j+ii] = uint8(clampI(nearestInt((x[16*j+ii]+dm)/dl), 0, 3))
			}
		}
		packQ2(&L, (*[64]byte)(b[16:]))
	}
}

// packQ2 stores 256 2-bit values: byte 32n+l holds elements
// 128n+l, +32, +64, +96 in bits 0-1, 2-3, 4-5, 6-7.
func packQ2(L *[256]uint8, qs *[64]byte) {
	for n := 0; n < 2; n++ {
		for l := 0; l < 32; l++ {
			e := 128*n + l
			qs[32*n+l] = L[e] | L[e+32]<<2 | L[e+64]<<4 | L[e+96]<<6
		}
	}
}

func quantQ3_K(src []float32, dst []byte) {
	var L [256]int8
	var scales [16]float32
	for i := 0; i+256 <= len(src); i += 256 {
		x := (*[256]float32)(src[i:])
		b := (*[q3KBytes]byte)(dst[i/256*q3KBytes:])
		clear(b[:])
		var maxScale, amax float32
		for j := 0; j < 16; j++ {
			scales[j] = makeQ3Quants(4, x[16*j:16*j+16], L[16*j:16*j+16])
			if a := abs32(scales[j]); a > amax {
				amax, maxScale = a, scales[j]
			}
		}
		sc := (*[12]byte)(b[96:])
		if maxScale != 0 {
			iscale := -32 / maxScale
			for j := 0; j < 16; j++ {
				l := byte(clampI(int32(int8(nearestInt(iscale*scales[j]))), -32, 31) + 32)
				if j < 8 {
					sc[j] = l & 15
				} else {
					sc[j-8] |= (l & 15) << 4
				}
				sc[j%4+8] |= (l >> 4) << (2 * (j / 4))
			}
			putF16(b[108:], 1/iscale)
		}
		d := f16at(b[108:])
		dsc := scalesQ3K(sc)
		for j := 0; j < 16; j++ {
			dl := d * float32(dsc[j])
			if dl == 0 {
				continue
			}
			for ii := 0; ii < 16; ii++ {
				L[16*j+ii] = int8(clampI(nearestInt(x[16*j+ii]/dl), -4, 3) + 4)
			}
		}
		var U [256]uint8
		hm := (*[32]byte)(b[0:])
		for j := 0; j < 256; j++ {
			v := uint8(L[j])
			if v > 3 {
				hm[j%32] |= 1 << (j / 32)
				v -= 4
			}
			U[j] = v
		}
		packQ2(&U, (*[64]byte)(b[32:]))
	}
}

// quantQ45K is the shared first half of the Q4_K and Q5_K quantizers: it
// fits 8 sub-blocks, packs d, dmin and scales into b[0:16] and returns the
// final quants (0..nmax) in L.
func quantQ45K(x *[256]float32, b []byte, nmax int32, rmin float32, nstep int, L *[256]uint8) {
	var laux [32]uint8
	var weights [32]float32
	var mins, scales [8]float32
	var maxScale, maxMin float32
	for j := 0; j < 8; j++ {
		xs := x[32*j : 32*j+32]
		var sumX2 float32
		for _, v := range xs {
			sumX2 += float32(v * v)
		}
		avX := float32(math.Sqrt(float64(sumX2 / 32)))
		for l, v := range xs {
			weights[l] = avX + abs32(v)
		}
		scales[j], mins[j] = makeQKX2Quants(nmax, xs, weights[:], L[32*j:], laux[:], rmin, 0.1, nstep, false)
		maxScale = max(maxScale, scales[j])
		maxMin = max(maxMin, mins[j])
	}
	var invScale, invMin float32
	if maxScale > 0 {
		invScale = 63 / maxScale
	}
	if maxMin > 0 {
		invMin = 63 / maxMin
	}
	s := (*[12]byte)(b[4:16])
	clear(s[:])
	for j := 0; j < 8; j++ {
		ls := min(63, uint8(nearestInt(invScale*scales[j])))
		lm := min(63, uint8(nearestInt(invMin*mins[j])))
		if j < 4 {
			s[j] = ls
			s[j+4] = lm
		} else {
			s[j+4] = ls&15 | (lm&15)<<4
			s[j-4] |= (ls >> 4) << 6
			s[j] |= (lm >> 4) << 6
		}
	}
	putF16(b[0:], maxScale/63)
	putF16(b[2:], maxMin/63)
	d, dmin := f16at(b[0:]), f16at(b[2:])
	sc, m := scaleMinK4(s)
	for j := 0; j < 8; j++ {
		dl := d * float32(sc[j])
		if dl == 0 {
			continue
		}
		dm := dmin * float32(m[j])
		for ii := 0; ii < 32; ii++ {
			L[32*j+ii] = uint8(clampI(nearestInt((x[32*j+ii]+dm)/dl), 0, nmax))
		}
	}
}

func quantQ4_K(src []float32, dst []byte) {
	var L [256]uint8
	for i := 0; i+256 <= len(src); i += 256 {
		b := (*[q4KBytes]byte)(dst[i/256*q4KBytes:])
		quantQ45K((*[256]float32)(src[i:]), b[:], 15, -1, 20, &L)
		for c := 0; c < 4; c++ {
			for l := 0; l < 32; l++ {
				b[16+32*c+l] = L[64*c+l] | L[64*c+l+32]<<4
			}
		}
	}
}

func quantQ5_K(src []float32, dst []byte) {
	var L [256]uint8
	for i := 0; i+256 <= len(src); i += 256 {
		b := (*[q5KBytes]byte)(dst[i/256*q5KBytes:])
		quantQ45K((*[256]float32)(src[i:]), b[:], 31, -0.5, 15, &L)
		qh := (*[32]byte)(b[16:])
		clear(qh[:])
		for c := 0; c < 4; c++ {
			for l := 0; l < 32; l++ {
				l1, l2 := L[64*c+l], L[64*c+l+32]
				if l1 > 15 {
					l1 -= 16
					qh[l] |= 1 << (2 * c)
				}
				if l2 > 15 {
					l2 -= 16
					qh[l] |= 2 << (2 * c)
				}
				b[48+32*c+l] = l1 | l2<<4
			}
		}
	}
}

func quantQ6_K(src []float32, dst []byte) {
	var L [256]int8
	var scales [16]float32
	for i := 0; i+256 <= len(src); i += 256 {
		x := (*[256]float32)(src[i:])
		b := (*[q6KBytes]byte)(dst[i/256*q6KBytes:])
		clear(b[:])
		var maxScale, maxAbs float32
		for j := 0; j < 16; j++ {
			scales[j] = makeQXQuants(32, x[16*j:16*j+16], L[16*j:16*j+16])
			if a := abs32(scales[j]); a > maxAbs {
				maxAbs, maxScale = a, scales[j]
			}
		}
		if maxAbs < groupMaxEps {
			continue
		}
		iscale := -128 / maxScale
		putF16(b[208:], 1/iscale)
		for j := 0; j < 16; j++ {
			b[192+j] = byte(int8(min(127, nearestInt(iscale*scales[j]))))
		}
		d := f16at(b[208:])
		for j := 0; j < 16; j++ {
			dl := d * float32(int8(b[192+j]))
			if dl == 0 {
				continue
			}
			for ii := 0; ii < 16; ii++ {
				L[16*j+ii] = int8(clampI(nearestInt(x[16*j+ii]/dl), -32, 31) + 32)
			}
		}
		for h := 0; h < 2; h++ {
			ql := (*[64]byte)(b[64*h:])
			qh := (*[32]byte)(b[128+32*h:])
			for l := 0; l < 32; l++ {
				e := 128*h + l
				q1, q2, q3, q4 := uint8(L[e]), uint8(L[e+32]), uint8(L[e+64]), uint8(L[e+96])
				ql[l] = q1&15 | (q3&15)<<4
				ql[l+32] = q2&15 | (q4&15)<<4
				qh[l] = q1>>4 | (q2>>4)<<2 | (q3>>4)<<4 | (q4>>4)<<6
			}
		}
	}
}

// quantQ8_K is bit-exact with ggml's quantize_row_q8_K_ref (bsums of an
// all-zero block are zero).
func quantQ8_K(src []float32, dst []byte) {
	for i := 0; i+256 <= len(src); i += 256 {
		x := (*[256]float32)(src[i:])
		b := (*[q8KBytes]byte)(dst[i/256*q8KBytes:])
		amax, max := absMaxSigned(x[:])
		if amax == 0 {
			clear(b[:])
			continue
		}
		iscale := -127 / max
		q := (*[256]byte)(b[4:])
		for j := 0; j < 256; j++ {
			q[j] = byte(int8(min(127, nearestInt(iscale*x[j]))))
		}
		for j := 0; j < 16; j++ {
			var s int32
			for _, v := range q[16*j : 16*j+16] {
				s += int32(int8(v))
			}
			binary.LittleEndian.PutUint16(b[260+2*j:], uint16(int16(s)))
		}
		binary.LittleEndian.PutUint32(b[0:], math.Float32bits(1/iscale))
	}
}
