package kernels

import (
	"strings"
	"sync/atomic"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// benchSink keeps benchmark reads from being optimized away.
var benchSink atomic.Uint64

// RowBytes is the byte size of one row of n elements of type t (n a whole
// number of blocks).
func RowBytes(t tensor.DType, n int) int {
	o := lookup(t, "rowbytes")
	return o.blocks(n, "rowbytes") * o.blockBytes
}

func typeName(t tensor.DType) string { return strings.ToLower(t.String()) }

// Describe names the implementation each weight type uses, keyed
// "<type>/matvec" (Dot, MatVec: quantized activations) and
// "<type>/matvec_f32" (DotF32, MatVecF32), e.g. "q4_k/matvec": "avx2",
// plus "arch": the accelerated kernel set compiled in ("avx2", "neon" or
// "generic"; a type still says "generic" when the CPU lacks it). The
// result is a new map the caller owns.
func Describe() map[string]string {
	m := make(map[string]string)
	for i := range ops {
		o := &ops[i]
		if o.blockSize == 0 {
			continue
		}
		name := typeName(tensor.DType(i))
		if o.dot != nil {
			m[name+"/matvec"] = o.impl
		}
		m[name+"/matvec_f32"] = o.implF32
	}
	m["arch"] = archName
	return m
}
