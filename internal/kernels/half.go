package kernels

import (
	"encoding/binary"
	"math"

	"github.com/x448/float16"
)

// f16 converts IEEE binary16 bits to float32 exactly.
func f16(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	em := uint32(h & 0x7fff)
	if em >= 0x7c00 { // inf, nan
		return math.Float32frombits(sign | 0x7f800000 | (em&0x3ff)<<13)
	}
	// Shift into a float32 with exponent bias 15 instead of 127, then
	// rescale by 2^112; subnormal halves become exact normal floats.
	v := math.Float32frombits(em<<13) * 0x1p112
	return math.Float32frombits(sign | math.Float32bits(v))
}

// f16Tab maps every binary16 bit pattern to its float32 value, so the hot
// loops convert with one inlined load (ggml's table_f32_f16). 256 KiB.
var f16Tab = func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for h := range t {
		t[h] = f16(uint16(h))
	}
	return &t
}()

// f16at reads a little-endian binary16 at b[0:2].
func f16at(b []byte) float32 {
	return f16Tab[binary.LittleEndian.Uint16(b)]
}

// toF16 rounds f to binary16, nearest even (as F16C and ggml do).
func toF16(f float32) uint16 { return float16.Fromfloat32(f).Bits() }

// putF16 stores f rounded to binary16 at b[0:2].
func putF16(b []byte, f float32) {
	h := toF16(f)
	_ = b[1]
	b[0] = byte(h)
	b[1] = byte(h >> 8)
}

// bf16 converts bfloat16 bits to float32 exactly.
func bf16(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// toBF16 rounds f to bfloat16 the way ggml does: nearest even, NaNs kept
// quiet.
func toBF16(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 64
	}
	return uint16((u + 0x7fff + (u>>16)&1) >> 16)
}
