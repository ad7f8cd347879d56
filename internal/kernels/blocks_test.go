package kernels

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
	"github.com/x448/float16"
)

func TestF16Exhaustive(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		want := float16.Frombits(uint16(h)).Float32()
		got := f16(uint16(h))
		if want != want { // NaN: any NaN with the same sign will do
			if got == got || math.Signbit(float64(got)) != math.Signbit(float64(want)) {
				t.Fatalf("f16(%#04x) = %v, want NaN", h, got)
			}
			continue
		}
		if math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("f16(%#04x) = %v, want %v", h, got, want)
		}
	}
}

func TestToBF16(t *testing.T) {
	tests := []struct {
		in   uint32
		want uint16
	}{
		{0x3f800000, 0x3f80},                  // 1
		{0x3f808000, 0x3f80},                  // tie, even stays
		{0x3f818000, 0x3f82},                  // tie, odd rounds up
		{0x3f808001, 0x3f81},                  // above tie
		{0x7f800000, 0x7f80},                  // inf
		{0x7f800001, 0x7fc0},                  // signalling NaN becomes quiet
		{0xc0400000, 0xc040},                  // -3
		{0x7f7fffff, 0x7f80},                  // max float rounds to inf
		{0x80000000, 0x8000},                  // -0
		{math.Float32bits(1.0 / 3.0), 0x3eab}, // 0x3eaaaaab rounds up
	}
	for _, tc := range tests {
		if got := toBF16(math.Float32frombits(tc.in)); got != tc.want {
			t.Errorf("toBF16(%#08x) = %#04x, want %#04x", tc.in, got, tc.want)
		}
	}
}

// blockSpec builds one block of a type from random bytes with fixed,
// power-of-two scales, and decodes element e straight from the layout
// description (GGUF.md, ggml-common.h), independently of the kernels.
type blockSpec struct {
	typ   tensor.DType
	fix   func(b []byte) // set the scale fields
	value func(b []byte, e int) float32
}

func h16(b []byte, off int) float32 { return f16(binary.LittleEndian.Uint16(b[off:])) }

func nib(b byte, high bool) int {
	if high {
		return int(b >> 4)
	}
	return int(b & 15)
}

func putH(b []byte, off int, h uint16) { binary.LittleEndian.PutUint16(b[off:], h) }

const (
	hOne  = 0x3c00 // 1.0
	hHalf = 0x3800 // 0.5
	hQtr  = 0x3400 // 0.25
	hM1   = 0xbc00 // -1.0
	hTwo  = 0x4000 // 2.0
)

var blockSpecs = []blockSpec{
	{tensor.Q4_0, func(b []byte) { putH(b, 0, hHalf) },
		func(b []byte, e int) float32 { return float32(nib(b[2+e%16], e >= 16)-8) * h16(b, 0) }},
	{tensor.Q4_1, func(b []byte) { putH(b, 0, hHalf); putH(b, 2, hM1) },
		func(b []byte, e int) float32 { return float32(nib(b[4+e%16], e >= 16))*h16(b, 0) + h16(b, 2) }},
	{tensor.Q5_0, func(b []byte) { putH(b, 0, hOne) },
		func(b []byte, e int) float32 {
			hb := int(binary.LittleEndian.Uint32(b[2:]) >> e & 1)
			return float32(nib(b[6+e%16], e >= 16)|hb<<4-16) * h16(b, 0)
		}},
	{tensor.Q5_1, func(b []byte) { putH(b, 0, hQtr); putH(b, 2, hTwo) },
		func(b []byte, e int) float32 {
			hb := int(binary.LittleEndian.Uint32(b[4:]) >> e & 1)
			return float32(nib(b[8+e%16], e >= 16)|hb<<4)*h16(b, 0) + h16(b, 2)
		}},
	{tensor.Q8_0, func(b []byte) { putH(b, 0, hQtr) },
		func(b []byte, e int) float32 { return float32(int8(b[2+e])) * h16(b, 0) }},
	{tensor.Q8_1, func(b []byte) { putH(b, 0, hHalf); putH(b, 2, hOne) },
		func(b []byte, e int) float32 { return float32(int8(b[4+e])) * h16(b, 0) }},
	{tensor.Q8_K, func(b []byte) { binary.LittleEndian.PutUint32(b, math.Float32bits(0.5)) },
		func(b []byte, e int) float32 { return float32(int8(b[4+e])) * 0.5 }},
	{tensor.Q2_K, func(b []byte) { putH(b, 80, hOne); putH(b, 82, hHalf) },
		func(b []byte, e int) float32 {
			sc := b[e/16]
			q := int(b[16+32*(e/128)+e%32]>>(2*((e%128)/32))) & 3
			return h16(b, 80)*float32(sc&15)*float32(q) - h16(b, 82)*float32(sc>>4)
		}},
	{tensor.Q3_K, func(b []byte) { putH(b, 108, hQtr) },
		func(b []byte, e int) float32 {
			q := int(b[32+32*(e/128)+e%32]>>(2*((e%128)/32))) & 3
			if b[e%32]>>(e/32)&1 == 0 {
				q -= 4
			}
			j := e / 16
			lo := b[96+j%8] >> (4 * (j / 8)) & 15
			hi := b[96+8+j%4] >> (2 * (j / 4)) & 3
			return h16(b, 108) * float32(int(lo|hi<<4)-32) * float32(q)
		}},
	{tensor.Q4_K, func(b []byte) { putH(b, 0, hQtr); putH(b, 2, hHalf) },
		func(b []byte, e int) float32 {
			sc, m := kScaleMin(b[4:16], e/32)
			q := nib(b[16+32*(e/64)+e%32], e%64 >= 32)
			return h16(b, 0)*float32(sc)*float32(q) - h16(b, 2)*float32(m)
		}},
	{tensor.Q5_K, func(b []byte) { putH(b, 0, hQtr); putH(b, 2, hHalf) },
		func(b []byte, e int) float32 {
			sc, m := kScaleMin(b[4:16], e/32)
			q := nib(b[48+32*(e/64)+e%32], e%64 >= 32) + 16*int(b[16+e%32]>>(e/32)&1)
			return h16(b, 0)*float32(sc)*float32(q) - h16(b, 2)*float32(m)
		}},
	{tensor.Q6_K, func(b []byte) { putH(b, 208, hQtr) },
		func(b []byte, e int) float32 {
			h, r := e/128, e%128
			l, g := r%32, r/32
			lo := nib(b[64*h+l+32*(g&1)], g >= 2)
			hi := int(b[128+32*h+l]>>(2*g)) & 3
			return h16(b, 208) * float32(int8(b[192+e/16])) * float32(lo|hi<<4-32)
		}},
}

// kScaleMin decodes the j-th 6-bit scale and min of a Q4_K/Q5_K block.
func kScaleMin(s []byte, j int) (sc, m int) {
	if j < 4 {
		return int(s[j] & 63), int(s[j+4] & 63)
	}
	return int(s[j+4]&15 | s[j-4]>>6<<4), int(s[j+4]>>4 | s[j]>>6<<4)
}

func TestDequantizeHandBuilt(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, bs := range blockSpecs {
		t.Run(bs.typ.String(), func(t *testing.T) {
			n := bs.typ.BlockSize()
			b := make([]byte, 3*bs.typ.BlockBytes())
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			for k := 0; k < 3; k++ {
				bs.fix(b[k*bs.typ.BlockBytes():])
			}
			y := dequantize(bs.typ, b, 3*n)
			for e := range y {
				blk := b[e/n*bs.typ.BlockBytes():]
				if want := bs.value(blk, e%n); y[e] != want {
					t.Fatalf("element %d = %v, want %v", e, y[e], want)
				}
			}
		})
	}
}

func TestDequantizeLiterals(t *testing.T) {
	q4 := make([]byte, 18)
	putH(q4, 0, hHalf)
	q4[2] = 0xf0 // element 0 -> q 0, element 16 -> q 15
	q4[17] = 0x9a
	q4k := make([]byte, 144)
	putH(q4k, 0, hOne)
	putH(q4k, 2, hOne)
	q4k[4] = 2                                   // scale of sub-block 0
	q4k[8] = 1                                   // min of sub-block 0
	q4k[12] = 0x53                               // sub-block 4: scale low 3, min low 5
	q4k[0+4] |= 1 << 6                           // high bits of sub-block 4's scale (in byte 0's top bits)
	q4k[16] = 0x07                               // element 0 -> 7, element 32 -> 0
	q4k[16+64] = 0x0c                            // element 128 (sub-block 4) -> 12
	f := []byte{0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0} // 1.5, -2
	h := []byte{0x01, 0x00, 0xff, 0x7b}          // 2^-24, 65504
	tests := []struct {
		name string
		typ  tensor.DType
		b    []byte
		n    int
		want map[int]float32
	}{
		{"q4_0", tensor.Q4_0, q4, 32, map[int]float32{0: -4, 16: 3.5, 15: 1, 31: 0.5, 1: -4}},
		{"q4_k", tensor.Q4_K, q4k, 256, map[int]float32{0: 13, 32: 0, 128: 12*19 - 5, 1: -1}},
		{"f32", tensor.F32, f, 2, map[int]float32{0: 1.5, 1: -2}},
		{"f16", tensor.F16, h, 2, map[int]float32{0: 0x1p-24, 1: 65504}},
	}
	for _, tc := range tests {
		y := dequantize(tc.typ, tc.b, tc.n)
		for i, w := range tc.want {
			if y[i] != w {
				t.Errorf("%s: element %d = %v, want %v", tc.name, i, y[i], w)
			}
		}
	}
}
