package kernels

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// These differential tests compare the dispatched kernels (assembly where
// the CPU has it) with the generic twins bit for bit. On a build without
// accelerated kernels they compare generic with generic and still pass.

func sameBits(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// scaleOffsets are the f16 scale fields of each block (weights) that
// random-byte tests keep finite.
var scaleOffsets = map[tensor.DType][]int{
	tensor.Q4_0: {0}, tensor.Q4_1: {0, 2}, tensor.Q5_0: {0}, tensor.Q5_1: {0, 2}, tensor.Q8_0: {0},
	tensor.Q2_K: {80, 82}, tensor.Q3_K: {108}, tensor.Q4_K: {0, 2}, tensor.Q5_K: {0, 2}, tensor.Q6_K: {208},
}

// sanitize makes random bytes a valid row of type t: finite scales (and,
// for Q8_0/Q8_1 activations, quants in [-127, 127] as the quantizers
// produce; the AVX2 Q8_0 kernel needs that).
func sanitize(t tensor.DType, b []byte, r *rand.Rand) {
	bb := t.BlockBytes()
	for off := 0; off+bb <= len(b); off += bb {
		blk := b[off : off+bb]
		switch t {
		case tensor.Q8_0, tensor.Q8_1:
			for i := 2; i < bb; i++ {
				if blk[i] == 0x80 {
					blk[i] = 0x81
				}
			}
			binary.LittleEndian.PutUint16(blk, toF16(float32(r.NormFloat64())*0.01))
			if t == tensor.Q8_1 {
				binary.LittleEndian.PutUint16(blk[2:], toF16(float32(r.NormFloat64())))
				for i := 4; i < bb; i++ {
					if blk[i] == 0x80 {
						blk[i] = 0x81
					}
				}
			}
		case tensor.Q8_K: // -128 quants stay: the K-quant kernels take them
			binary.LittleEndian.PutUint32(blk, math.Float32bits(float32(r.NormFloat64())*0.01))
		case tensor.F16:
			for i := 0; i+1 < bb; i += 2 {
				binary.LittleEndian.PutUint16(blk[i:], toF16(float32(r.NormFloat64())))
			}
		case tensor.BF16:
			for i := 0; i+1 < bb; i += 2 {
				binary.LittleEndian.PutUint16(blk[i:], toBF16(float32(r.NormFloat64())))
			}
		case tensor.F32:
			binary.LittleEndian.PutUint32(blk, math.Float32bits(float32(r.NormFloat64())))
		default:
			for _, so := range scaleOffsets[t] {
				binary.LittleEndian.PutUint16(blk[so:], toF16(float32(r.NormFloat64())*0.01))
			}
		}
	}
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// offset returns a copy of b starting off bytes into a fresh buffer, so
// kernels see unaligned slices.
func offset(b []byte, off int) []byte {
	c := make([]byte, len(b)+off)[off:]
	copy(c, b)
	return c
}

func colsFor(t tensor.DType, short bool) []int {
	bs := t.BlockSize()
	if bs == 1 {
		c := []int{1, 3, 7, 8, 9, 15, 16, 17, 31, 64, 100, 257, 1031}
		if short {
			c = []int{1, 7, 8, 9, 33, 257}
		}
		return c
	}
	if short {
		return []int{bs, 3 * bs}
	}
	return []int{bs, 2 * bs, 3 * bs, 5 * bs, 8 * bs, 17 * bs}
}

func TestAccelMatchesGeneric(t *testing.T) {
	gen := genericOps()
	r := rand.New(rand.NewPCG(21, 22))
	for _, typ := range weightTypes {
		for _, cols := range colsFor(typ, testing.Short()) {
			for _, rows := range []int{1, 3, 4, 5, 8, 9} {
				for off := 0; off < 4; off++ {
					name := fmt.Sprintf("%v/%dx%d/off%d", typ, rows, cols, off)
					random := off%2 == 1 // alternate quantized data and random bytes
					checkAccel(t, name, gen, typ, rows, cols, off, random, r)
				}
			}
		}
	}
}

func checkAccel(t *testing.T, name string, gen [numTypes]typeOps, typ tensor.DType, rows, cols, off int, random bool, r *rand.Rand) {
	t.Helper()
	rb := rowBytes(typ, cols)
	x := gaussian(r, cols, 1)
	var w, a []byte
	if random {
		w = randBytes(r, rows*rb)
		sanitize(typ, w, r)
		a = randBytes(r, ActBytes(typ, cols))
		sanitize(DotType(typ), a, r)
	} else {
		w = quantize(typ, gaussian(r, rows*cols, 0.05))
		a = quantize(DotType(typ), x)
	}
	w, a = offset(w, off), offset(a, off)
	out := make([]float32, rows)
	outF := make([]float32, rows)
	MatVec(typ, w, rows, cols, a, out)
	MatVecF32(typ, w, rows, cols, x, outF)
	nb := cols / typ.BlockSize()
	for row := 0; row < rows; row++ {
		wr := w[row*rb : (row+1)*rb]
		if g := gen[typ].dot(wr, a, nb); !sameBits(g, out[row]) || !sameBits(g, Dot(typ, wr, a, cols)) {
			t.Fatalf("%s row %d: MatVec %v, Dot %v, generic %v", name, row, out[row], Dot(typ, wr, a, cols), g)
		}
		if g := gen[typ].dotF32(wr, x); !sameBits(g, outF[row]) || !sameBits(g, DotF32(typ, wr, x)) {
			t.Fatalf("%s row %d: MatVecF32 %v, DotF32 %v, generic %v", name, row, outF[row], DotF32(typ, wr, x), g)
		}
	}
}

// TestAccelSwitch runs the package's own checks with the accelerated
// kernels off and on, so both paths are exercised on one machine.
func TestAccelSwitch(t *testing.T) {
	defer setAccel(true)
	on := setAccel(true)
	t.Logf("accelerated kernels (%s) available: %v", archName, on)
	setAccel(false)
	for k, v := range Describe() {
		if k != "arch" && v != "generic" {
			t.Errorf("accel off: %s uses %s", k, v)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	c := newMVCase(r, tensor.Q4_K, 5, 512)
	off := make([]float32, 5)
	MatVec(tensor.Q4_K, c.w, 5, 512, c.a, off)
	setAccel(true)
	onOut := make([]float32, 5)
	MatVec(tensor.Q4_K, c.w, 5, 512, c.a, onOut)
	for i := range off {
		if !sameBits(off[i], onOut[i]) {
			t.Errorf("row %d: generic %v, accelerated %v", i, off[i], onOut[i])
		}
	}
}

func TestDotF32F32Accel(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 7, 8, 9, 16, 100, 1031} {
		a, b := gaussian(r, n, 1), gaussian(r, n, 1)
		if got, want := DotF32F32(a, b), dotF32F32Generic(a, b); !sameBits(got, want) {
			t.Errorf("n=%d: %v, generic %v", n, got, want)
		}
	}
}

// FuzzDotAccel compares Dot and DotF32 of every weight type with the
// generic twins on fuzzed (sanitized) bytes.
func FuzzDotAccel(f *testing.F) {
	f.Add(uint8(10), uint64(1), []byte("seed"))
	f.Add(uint8(7), uint64(2), make([]byte, 300))
	gen := genericOps()
	f.Fuzz(func(t *testing.T, ti uint8, seed uint64, data []byte) { checkFuzzDot(t, gen, ti, seed, data) })
}

// checkFuzzDot is FuzzDotAccel's check of one input (also run by the
// per-architecture fuzz targets with other kernel variants installed).
func checkFuzzDot(t *testing.T, gen [numTypes]typeOps, ti uint8, seed uint64, data []byte) {
	t.Helper()
	typ := weightTypes[int(ti)%len(weightTypes)]
	r := rand.New(rand.NewPCG(seed, 1))
	bs, bb := typ.BlockSize(), typ.BlockBytes()
	nb := 1 + int(seed%4)
	if bs == 1 {
		nb = 1 + int(seed%40)
	}
	cols := nb * bs
	w := make([]byte, nb*bb)
	for i := range w {
		if i < len(data) {
			w[i] = data[i]
		} else {
			w[i] = byte(r.Uint32())
		}
	}
	sanitize(typ, w, r)
	a := randBytes(r, ActBytes(typ, cols))
	sanitize(DotType(typ), a, r)
	if got, want := Dot(typ, w, a, cols), gen[typ].dot(w, a, nb); !sameBits(got, want) {
		t.Fatalf("%v Dot: %v, generic %v", typ, got, want)
	}
	x := gaussian(r, cols, 1)
	if got, want := DotF32(typ, w, x), gen[typ].dotF32(w, x); !sameBits(got, want) {
		t.Fatalf("%v DotF32: %v, generic %v", typ, got, want)
	}
}
