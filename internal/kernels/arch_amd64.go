//go:build !purego

package kernels

import (
	"sync"
	"unsafe"

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
func prepQ8_0(src, dst *byte, nb int)

//go:noescape
func dotQ4_0P4(w *byte, stride int, a *byte, nb int, out *[4]float32)

//go:noescape
func dotQ4KRows(w *byte, stride int, a *byte, nb int, out *float32, rows int, scratch *[32]uint32)

//go:noescape
func dotQ5KRows(w *byte, stride int, a *byte, nb int, out *float32, rows int, scratch *[32]uint32)

//go:noescape
func dotQ6KRows(w *byte, stride int, a *byte, nb int, out *float32, rows int, scratch *[32]uint32)

//go:noescape
func dotQ4Kx4(w *byte, stride int, a *byte, nb int, out *[4]float32, scratch *[128]uint32)

//go:noescape
func dotQ5Kx4(w *byte, stride int, a *byte, nb int, out *[4]float32, scratch *[128]uint32)

//go:noescape
func dotQ6Kx4(w *byte, stride int, a *byte, nb int, out *[4]float32)

//go:noescape
func layoutActK(src, dst *byte, nb int)

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
	installRows4(tensor.Q8_0)
	q40 := &ops[tensor.Q4_0]
	q40.impl = archName
	q40.dot = func(w, a []byte, nb int) float32 {
		var out [1]float32
		matVecQ4_0(w, nb*q4_0Bytes, a, nb, out[:])
		return out[0]
	}
	q40.matVec = matVecQ4_0
	for _, t := range []tensor.DType{tensor.Q4_K, tensor.Q5_K, tensor.Q6_K} {
		o := &ops[t]
		o.impl = archName
		o.dot = func(w, a []byte, nb int) float32 { return dotK(t, w, a, nb) }
		o.matVec = func(w []byte, rb int, a []byte, nb int, out []float32) { matVecK(t, w, rb, a, nb, out) }
	}
	installQ5_0()
	return true
}

// rows4 dots 4 rows of type t (w + r*stride) with a over nb blocks; on
// amd64 only Q8_0 uses installRows4 (Q4_0 has matVecQ4_0).
func rows4(t tensor.DType, w *byte, stride int, a *byte, nb int, out *[4]float32) {
	dotQ8_0x4(w, stride, a, nb, out)
}

// q40PrepBytes is the size of one prepQ8_0 pair of activation blocks.
const q40PrepBytes = 128

// matVecQ4_0 prepares the Q8_0 activations once (prepQ8_0, into a
// recycled 64-byte aligned buffer) and runs dotQ4_0P4 on 4 rows at a
// time (see scatter4).
func matVecQ4_0(w []byte, rb int, a []byte, nb int, out []float32) {
	if nb == 0 || len(out) == 0 {
		clear(out)
		return
	}
	bp := actBufs.Get().(*[]byte)
	n := (nb + 1) / 2 * q40PrepBytes
	if cap(*bp) < n+64 {
		*bp = make([]byte, n+64)
	}
	pa := align64(*bp)[:n]
	_, _ = a[nb*q8_0Bytes-1], w[len(out)*rb-1]
	prepQ8_0(&a[0], &pa[0], nb)
	spread4(w, rb, out, func(w *byte, stride int) (o4 [4]float32) { dotQ4_0P4(w, stride, &pa[0], nb, &o4); return o4 })
	actBufs.Put(bp)
}

// kRows runs the kernels of K-quant type t on len(out) >= 1 rows of rb
// bytes (nb >= 1 super-blocks each) against activations pa laid out by
// layoutActK: the x4 kernel on rows r, r+q, r+2q, r+3q (see scatter4),
// the Rows kernel on the rows left over.
func kRows(t tensor.DType, w []byte, rb int, pa []byte, nb int, out []float32) {
	var scratch [128]uint32
	_, _ = w[len(out)*rb-1], pa[nb*kActBytes-1]
	r := quads(w, rb, out, func(w *byte, stride int) (o4 [4]float32) {
		switch t {
		case tensor.Q4_K:
			dotQ4Kx4(w, stride, &pa[0], nb, &o4, &scratch)
		case tensor.Q5_K:
			dotQ5Kx4(w, stride, &pa[0], nb, &o4, &scratch)
		default:
			dotQ6Kx4(w, stride, &pa[0], nb, &o4)
		}
		return o4
	})
	if r == len(out) {
		return
	}
	s1 := (*[32]uint32)(scratch[:32])
	switch t {
	case tensor.Q4_K:
		dotQ4KRows(&w[r*rb], rb, &pa[0], nb, &out[r], len(out)-r, s1)
	case tensor.Q5_K:
		dotQ5KRows(&w[r*rb], rb, &pa[0], nb, &out[r], len(out)-r, s1)
	default:
		dotQ6KRows(&w[r*rb], rb, &pa[0], nb, &out[r], len(out)-r, s1)
	}
}

// dotK is the Dot of a K-quant row: a one-row matVecK.
func dotK(t tensor.DType, w, a []byte, nb int) float32 {
	var out [1]float32
	matVecK(t, w, nb*t.BlockBytes(), a, nb, out[:])
	return out[0]
}

// kActBytes is the size of one activation block laid out by layoutActK.
const kActBytes = 576

// align64 returns b from its first 64-byte aligned byte on.
func align64(b []byte) []byte {
	return b[(64-uintptr(unsafe.Pointer(unsafe.SliceData(b)))%64)%64:]
}

// actBufs recycles the activation buffers of matVecK and matVecQ4_0.
var actBufs = sync.Pool{New: func() any { return new([]byte) }}

// matVecK lays out the activations once and runs the row kernel of
// K-quant type t on every row.
func matVecK(t tensor.DType, w []byte, rb int, a []byte, nb int, out []float32) {
	if nb == 0 || len(out) == 0 {
		clear(out)
		return
	}
	bp := actBufs.Get().(*[]byte)
	if cap(*bp) < nb*kActBytes+64 {
		*bp = make([]byte, nb*kActBytes+64)
	}
	pa := align64(*bp)[:nb*kActBytes]
	_ = a[nb*q8KBytes-1]
	layoutActK(&a[0], &pa[0], nb)
	kRows(t, w, rb, pa, nb, out)
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
