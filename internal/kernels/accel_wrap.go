//go:build !purego && (amd64 || arm64)

package kernels

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// Wrappers shared by the amd64 and arm64 kernels: the assembly does the
// bulk of a row (lanes, block sums), Go does the canonical reduction and
// tails with the generic code.

// lanes adds the 8 canonical lanes of 4 rows (w + r*stride) of type t
// dotted with x over n8 elements into acc[8r:8r+8]. (A switch, not a func
// value, so acc does not escape.)
func lanes(t tensor.DType, w *byte, stride int, x *float32, n8 int, acc *[32]float32) {
	switch t {
	case tensor.F16:
		lanesF16x4(w, stride, x, n8, acc)
	case tensor.BF16:
		lanesBF16x4(w, stride, x, n8, acc)
	default:
		lanesF32x4(w, stride, x, n8, acc)
	}
}

// elem decodes element i of a float row of type t.
func elem(t tensor.DType, b []byte, i int) float32 {
	switch t {
	case tensor.F16:
		return elemF16(b, i)
	case tensor.BF16:
		return elemBF16(b, i)
	}
	return elemF32(b, i)
}

func elemF32(b []byte, i int) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
}
func elemF16(b []byte, i int) float32  { return f16Tab[binary.LittleEndian.Uint16(b[2*i:])] }
func elemBF16(b []byte, i int) float32 { return bf16(binary.LittleEndian.Uint16(b[2*i:])) }

// The 4-row kernels run rows r, r+q, r+2q and r+3q together (q = n/4
// for n rows, r < q): four memory streams far apart, which DRAM serves
// much faster than four adjacent rows (one stream, or a few pages read
// in a confusing order); the last n-4q rows run alone (stride 0, four
// copies of one row). Their prefetches run ahead within each row.

// scatter4 stores the results o4 of rows r, r+q, r+2q, r+3q.
func scatter4(out []float32, r, q int, o4 *[4]float32) {
	out[r], out[r+q], out[r+2*q], out[r+3*q] = o4[0], o4[1], o4[2], o4[3]
}

// quads runs the 4-row kernel k (given the first row and the stride, it
// returns the four results) on rows r, r+q, r+2q, r+3q of the rows of rb
// bytes at w for r < q = len(out)/4 and scatters the results into out; it
// returns 4q, the first row left over.
func quads(w []byte, rb int, out []float32, k func(w *byte, stride int) [4]float32) int {
	q := len(out) / 4
	for r := 0; r < q; r++ {
		o4 := k(&w[r*rb], q*rb)
		scatter4(out, r, q, &o4)
	}
	return 4 * q
}

// spread4 is quads, then each row left over alone (stride 0: four copies
// of the row).
func spread4(w []byte, rb int, out []float32, k func(w *byte, stride int) [4]float32) {
	for r := quads(w, rb, out, k); r < len(out); r++ {
		out[r] = k(&w[r*rb], 0)[0]
	}
}

// lanesMatVec builds the float matVecF32 of a lanes kernel (4 rows per
// call, see scatter4), then the canonical reduction and the in-order
// tail of each row.
func lanesMatVec(t tensor.DType, w []byte, rb int, x []float32, out []float32) {
	n := len(x)
	n8 := n &^ 7
	q := len(out) / 4
	finish := func(r int, acc []float32) {
		s := (*lanes8)(acc).sum()
		row := w[r*rb : (r+1)*rb]
		for j := n8; j < n; j++ {
			s += float32(elem(t, row, j) * x[j])
		}
		out[r] = s
	}
	for r := 0; r < q; r++ {
		var acc [32]float32
		if n8 > 0 {
			lanes(t, &w[r*rb], q*rb, &x[0], n8, &acc)
		}
		for i := 0; i < 4; i++ {
			finish(r+i*q, acc[8*i:])
		}
	}
	for r := 4 * q; r < len(out); r++ {
		var acc [32]float32
		if n8 > 0 {
			lanes(t, &w[r*rb], 0, &x[0], n8, &acc)
		}
		finish(r, acc[:])
	}
}

func dotF32F32Accel(a, b []float32) float32 {
	n8 := len(a) &^ 7
	var acc [32]float32
	if n8 > 0 {
		lanesF32x4((*byte)(unsafe.Pointer(&a[0])), 0, &b[0], n8, &acc)
	}
	l := (*lanes8)(acc[:8])
	s := l.sum()
	for i := n8; i < len(a); i++ {
		s += float32(a[i] * b[i])
	}
	return s
}

// rows4MatVec is the matVec of the 4-row kernels (see scatter4).
func rows4MatVec(t tensor.DType, w []byte, rb int, a []byte, nb int, out []float32) {
	if nb == 0 {
		clear(out)
		return
	}
	spread4(w, rb, out, func(w *byte, stride int) (o4 [4]float32) { rows4(t, w, stride, &a[0], nb, &o4); return o4 })
}

// setRows1 installs a one-row dot as type t's dot (matVec loops over it).
func setRows1(t tensor.DType, d func(w, a []byte, nb int) float32) {
	ops[t].dot = d
	ops[t].impl = archName
}

// installFloat installs the lanes kernels for F32, F16 and BF16 DotF32 and
// MatVecF32, F32 Dot and DotF32F32.
func installFloat() {
	dotF32F32Impl = dotF32F32Accel
	for _, t := range []tensor.DType{tensor.F32, tensor.F16, tensor.BF16} {
		o := &ops[t]
		o.matVecF32 = func(w []byte, rb int, x []float32, out []float32) { lanesMatVec(t, w, rb, x, out) }
		o.dotF32 = func(w []byte, x []float32) float32 {
			var out [1]float32
			lanesMatVec(t, w, len(w), x, out[:])
			return out[0]
		}
		o.implF32 = archName
	}
	ops[tensor.F32].dot = func(w, a []byte, n int) float32 {
		if n == 0 {
			return 0
		}
		var out [1]float32
		lanesMatVec(tensor.F32, w, len(w), f32View(a, n), out[:])
		return out[0]
	}
	ops[tensor.F32].impl = archName
}

// installRows4 installs the 4-row kernels (rows4) of types ts as their
// Dot and MatVec.
func installRows4(ts ...tensor.DType) {
	for _, t := range ts {
		o := &ops[t]
		o.impl = archName
		o.dot = func(w, a []byte, nb int) float32 {
			var out [4]float32
			if nb > 0 {
				rows4(t, &w[0], 0, &a[0], nb, &out)
			}
			return out[0]
		}
		o.matVec = func(w []byte, rb int, a []byte, nb int, out []float32) { rows4MatVec(t, w, rb, a, nb, out) }
	}
}
