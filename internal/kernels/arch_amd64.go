//go:build !purego

package kernels

import (
	"sync"

	"golang.org/x/sys/cpu"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// archName names the accelerated kernel set of this build.
const archName = "avx2"

// hasAVX2 reports whether the CPU (and OS) support the AVX2, FMA and F16C
// instructions the kernels of kernels_amd64.s use.
var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasF16C

func init() { setAccel(true) }

//go:noescape
func lanesF32x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)

//go:noescape
func lanesF16x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)

//go:noescape
func lanesBF16x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)

//go:noescape
func dotQ8_0x4(w *byte, stride int, a *byte, nb int, out *[4]float32)

//go:noescape
func dotQ4_0x4(w *byte, stride int, a *byte, nb int, out *[4]float32)

//go:noescape
func dotQ4Kx1(w, a *byte, nb int, sums *[8]float32, sumf *float32, scratch *[16]uint32)

//go:noescape
func dotQ5Kx1(w, a *byte, nb int, sums *[8]float32, sumf *float32, scratch *[16]uint32)

//go:noescape
func dotQ6Kx1(w, a *byte, nb int, sums *[8]float32, scratch *[16]uint32)

//go:noescape
func permActK(src, dst *byte, nb int)

//go:noescape
func readSum(p *byte, n int) uint64

// setAccel installs the AVX2 kernels when on and the CPU has them, the
// generic ones otherwise, and reports whether AVX2 kernels are in use. Not safe for concurrent
// use with the kernels (it rewrites the tables).
// Tests flip it to run both paths on one machine.
func setAccel(on bool) bool {
	ops = genericOps()
	dotF32F32Impl = dotF32F32Generic
	if !on || !hasAVX2 {
		return false
	}
	installFloat()
	installRows4(tensor.Q8_0, tensor.Q4_0)
	for _, t := range []tensor.DType{tensor.Q4_K, tensor.Q5_K, tensor.Q6_K} {
		o := &ops[t]
		o.impl = archName
		o.dot = func(w, a []byte, nb int) float32 { return dotK(t, w, a, nb) }
		o.matVec = func(w []byte, rb int, a []byte, nb int, out []float32) { matVecK(t, w, rb, a, nb, out) }
	}
	return true
}

// rows4 dots 4 rows of type t (w + r*stride) with a over nb blocks.
func rows4(t tensor.DType, w *byte, stride int, a *byte, nb int, out *[4]float32) {
	if t == tensor.Q4_0 {
		dotQ4_0x4(w, stride, a, nb, out)
		return
	}
	dotQ8_0x4(w, stride, a, nb, out)
}

// kChunk is the number of super-blocks dotK permutes at a time into its
// stack buffer.
const kChunk = 8

// kRow runs the one-row kernel of K-quant type t over nb super-blocks of
// w against permuted activations pa, accumulating into sums and sumf.
func kRow(t tensor.DType, w, pa *byte, nb int, sums *lanes8, sumf *float32, scratch *[16]uint32) {
	switch t {
	case tensor.Q4_K:
		dotQ4Kx1(w, pa, nb, (*[8]float32)(sums), sumf, scratch)
	case tensor.Q5_K:
		dotQ5Kx1(w, pa, nb, (*[8]float32)(sums), sumf, scratch)
	default:
		dotQ6Kx1(w, pa, nb, (*[8]float32)(sums), scratch)
	}
}

// dotK is the Dot of a K-quant row: activations are permuted kChunk
// super-blocks at a time into a stack buffer.
func dotK(t tensor.DType, w, a []byte, nb int) float32 {
	var sums lanes8
	var sumf float32
	var scratch [16]uint32
	var buf [kChunk * q8KBytes]byte
	wb := t.BlockBytes()
	_, _ = w[nb*wb-1], a[nb*q8KBytes-1]
	for i := 0; i < nb; i += kChunk {
		m := min(kChunk, nb-i)
		permActK(&a[i*q8KBytes], &buf[0], m)
		kRow(t, &w[i*wb], &buf[0], m, &sums, &sumf, &scratch)
	}
	return sums.finish(sumf)
}

// actBufs recycles the permuted-activation buffers of matVecK.
var actBufs = sync.Pool{New: func() any { return new([]byte) }}

// matVecK permutes the activations once and runs the one-row kernel of
// K-quant type t on every row.
func matVecK(t tensor.DType, w []byte, rb int, a []byte, nb int, out []float32) {
	if nb == 0 {
		clear(out)
		return
	}
	bp := actBufs.Get().(*[]byte)
	if cap(*bp) < nb*q8KBytes {
		*bp = make([]byte, nb*q8KBytes)
	}
	pa := (*bp)[:nb*q8KBytes]
	_ = a[nb*q8KBytes-1]
	permActK(&a[0], &pa[0], nb)
	var scratch [16]uint32
	for r := range out {
		var sums lanes8
		var sumf float32
		row := w[r*rb : (r+1)*rb]
		kRow(t, &row[0], &pa[0], nb, &sums, &sumf, &scratch)
		out[r] = sums.finish(sumf)
	}
	actBufs.Put(bp)
}

// readSumImpl is the STREAM-like read loop of the bandwidth benchmark.
func readSumImpl(b []byte) uint64 {
	if !hasAVX2 {
		return readSumGeneric(b)
	}
	n := len(b) &^ 127
	var s uint64
	if n > 0 {
		s = readSum(&b[0], n)
	}
	return s + readSumGeneric(b[n:])
}
