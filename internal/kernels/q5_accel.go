//go:build !purego && (amd64 || arm64)

package kernels

import "github.com/edgemoe/edgemoe/internal/tensor"

// installQ5_0 installs the 4-row Q5_0 kernel (q5x4, q5_amd64.s and
// q5_arm64.s) as Q5_0's Dot and MatVec when setAccel has installed the
// architecture kernels (Q8_0 is then no longer generic, and the CPU has
// what q5x4 needs); otherwise Q5_0 stays generic. Call it after every
// setAccel/setSDOT: they rebuild the table from genericOps. Not safe for
// concurrent use with the kernels.
func installQ5_0() {
	if ops[tensor.Q8_0].impl == "generic" {
		return
	}
	o := &ops[tensor.Q5_0]
	o.impl = q5Impl()
	o.dot = dotQ5_0Accel
	o.matVec = matVecQ5_0Accel
}

// dotQ5_0Accel is the Dot of one Q5_0 row: the 4-row kernel with stride
// 0 (four copies of the row).
func dotQ5_0Accel(w, a []byte, nb int) float32 {
	var out [4]float32
	if nb > 0 {
		_, _ = w[nb*q5_0Bytes-1], a[nb*q8_0Bytes-1]
		q5x4(&w[0], 0, &a[0], nb, &out)
	}
	return out[0]
}

// matVecQ5_0Accel runs the 4-row kernel over rows of rb bytes (see
// scatter4).
func matVecQ5_0Accel(w []byte, rb int, a []byte, nb int, out []float32) {
	if nb == 0 {
		clear(out)
		return
	}
	_, _ = w[len(out)*rb-1], a[nb*q8_0Bytes-1]
	spread4(w, rb, out, func(w *byte, stride int) (o4 [4]float32) { q5x4(w, stride, &a[0], nb, &o4); return o4 })
}
