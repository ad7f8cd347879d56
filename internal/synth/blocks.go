package synth

import (
	"encoding/binary"
	"math"
	"math/rand/v2"

	"github.com/x448/float16"

	"github.com/edgemoe/edgemoe/internal/kernels"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

// fastTypes can be synthesised directly as random blocks: every quant byte
// random, the scale fields set so values are zero-mean with the requested
// standard deviation. unit is the standard deviation of the block's values
// per unit of its d scale.
var fastTypes = map[tensor.DType]float32{
	tensor.Q8_0: 73.9,  // q uniform in [-128, 127]
	tensor.Q4_0: 4.61,  // q-8, q in [0, 15]
	tensor.Q5_0: 9.23,  // q-16, q in [0, 31]
	tensor.Q4_1: 4.61,  // q*d + m, m = -7.5 d
	tensor.Q5_1: 9.23,  // m = -15.5 d
	tensor.Q2_K: 8.94,  // sc = m = 8, dmin = 1.5 d
	tensor.Q4_K: 69.2,  // sc = m = 15, dmin = 7.5 d
	tensor.Q5_K: 138.5, // sc = m = 15, dmin = 15.5 d
	tensor.Q6_K: 295.5, // sc = 16, (q-32)
}

func putF16(b []byte, v float32) {
	binary.LittleEndian.PutUint16(b, uint16(float16.Fromfloat32(v)))
}

func fillRandom(r *rand.PCG, b []byte) {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	if i < len(b) {
		var tail [8]byte
		binary.LittleEndian.PutUint64(tail[:], r.Uint64())
		copy(b[i:], tail[:])
	}
}

// fill writes len(dst) bytes of type t holding zero-mean pseudo-random
// values of standard deviation std, deterministically from r.
func fill(t tensor.DType, dst []byte, std float32, r *rand.PCG) {
	switch t {
	case tensor.F32, tensor.F16, tensor.BF16:
		fillFloat(t, dst, std, r)
		return
	}
	unit, fast := fastTypes[t]
	if !fast {
		fillSlow(t, dst, std, r)
		return
	}
	fillRandom(r, dst)
	bb := t.BlockBytes()
	d := std / unit
	for off := 0; off+bb <= len(dst); off += bb {
		patchScales(t, dst[off:off+bb], d)
	}
}

func patchScales(t tensor.DType, b []byte, d float32) {
	switch t {
	case tensor.Q8_0, tensor.Q4_0, tensor.Q5_0:
		putF16(b[0:], d)
	case tensor.Q4_1:
		putF16(b[0:], d)
		putF16(b[2:], -7.5*d)
	case tensor.Q5_1:
		putF16(b[0:], d)
		putF16(b[2:], -15.5*d)
	case tensor.Q2_K:
		for i := 0; i < 16; i++ {
			b[i] = 8 | 8<<4
		}
		putF16(b[80:], d)
		putF16(b[82:], 1.5*d)
	case tensor.Q4_K, tensor.Q5_K:
		putF16(b[0:], d)
		dmin := float32(7.5)
		if t == tensor.Q5_K {
			dmin = 15.5
		}
		putF16(b[2:], dmin*d)
		// 6-bit scale = min = 15 for all eight sub-blocks: the upper two
		// bits are zero, so the packing is plain.
		for i := 0; i < 8; i++ {
			b[4+i] = 15
		}
		for i := 8; i < 12; i++ {
			b[4+i] = 15 | 15<<4
		}
	case tensor.Q6_K:
		for i := 0; i < 16; i++ {
			b[192+i] = 16
		}
		putF16(b[208:], d)
	}
}

func fillFloat(t tensor.DType, dst []byte, std float32, r *rand.PCG) {
	a := std * float32(math.Sqrt(3)) // uniform [-a, a] has std a/sqrt(3)
	el := 4
	if t != tensor.F32 {
		el = 2
	}
	for i := 0; i+el <= len(dst); i += el {
		u := r.Uint64()
		v := (float32(u>>40)/float32(1<<24)*2 - 1) * a
		switch t {
		case tensor.F32:
			binary.LittleEndian.PutUint32(dst[i:], math.Float32bits(v))
		case tensor.F16:
			putF16(dst[i:], v)
		default:
			binary.LittleEndian.PutUint16(dst[i:], uint16(math.Float32bits(v)>>16))
		}
	}
}

// fillSlow quantizes uniform float32 values with the reference quantizer,
// for types whose block layout has no fast path.
func fillSlow(t tensor.DType, dst []byte, std float32, r *rand.PCG) {
	bs, bb := t.BlockSize(), t.BlockBytes()
	const blocks = 16
	vals := make([]float32, blocks*bs)
	raw := make([]byte, 4*len(vals))
	for off := 0; off < len(dst); off += blocks * bb {
		n := min(blocks, (len(dst)-off)/bb)
		fillFloat(tensor.F32, raw[:4*n*bs], std, r)
		for i := range vals[:n*bs] {
			vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		kernels.QuantizeRow(t, vals[:n*bs], dst[off:off+n*bb])
	}
}
