//go:build !purego

package kernels

import (
	"golang.org/x/sys/cpu"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// archName names the accelerated kernel set of this build.
const archName = "neon"

// hasNEON is true on every arm64 Linux CPU (ASIMD is mandatory); hasSDOT
// reports the dot-product extension (ARMv8.2 dotprod: Cortex-A55/A76 and
// later, not A53/A72).
var (
	hasNEON = cpu.ARM64.HasASIMD
	hasSDOT = cpu.ARM64.HasASIMDDP
	// useSDOT selects the SDOT kernels (Q8_0, Q4_0, Q5_0, K-quants);
	// setSDOT flips it in tests.
	useSDOT = hasSDOT
)

func init() { setAccel(true) }

//go:noescape
func lanesF32x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)

//go:noescape
func lanesF16x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)

//go:noescape
func lanesBF16x4(w *byte, stride int, x *float32, n8 int, acc *[32]float32)

//go:noescape
func dotQ8_0x4NEON(w *byte, stride int, a *byte, nb int, out *[4]float32)

//go:noescape
func dotQ8_0x4SDOT(w *byte, stride int, a *byte, nb int, out *[4]float32)

//go:noescape
func dotQ4_0x4NEON(w *byte, stride int, a *byte, nb int, out *[4]float32)

//go:noescape
func dotQ4_0x4SDOT(w *byte, stride int, a *byte, nb int, out *[4]float32)

// The K-quant kernels (one row per call) write acc = the 8 mins lanes,
// then the 8 sums lanes (Q6_K: sums only) of kdot_generic.go's order; the
// SDOT variants need dotprod.

//go:noescape
func dotQ4KSDOT(w, a *byte, nb int, acc *[16]float32)

//go:noescape
func dotQ4KNEON(w, a *byte, nb int, acc *[16]float32)

//go:noescape
func dotQ5KSDOT(w, a *byte, nb int, acc *[16]float32)

//go:noescape
func dotQ5KNEON(w, a *byte, nb int, acc *[16]float32)

//go:noescape
func dotQ6KSDOT(w, a *byte, nb int, sums *[8]float32)

//go:noescape
func dotQ6KNEON(w, a *byte, nb int, sums *[8]float32)

// setAccel installs the NEON kernels when on (and, when the CPU has
// dotprod and sdot is on, the SDOT variants), the generic ones otherwise,
// and reports whether NEON kernels are in use. Not safe for concurrent use
// with the kernels (it rewrites the tables).
func setAccel(on bool) bool {
	ops = genericOps()
	dotF32F32Impl = dotF32F32Generic
	if !on || !hasNEON {
		return false
	}
	installFloat()
	installRows4(tensor.Q8_0, tensor.Q4_0)
	setRows1(tensor.Q4_K, dotQ4_KAccel)
	setRows1(tensor.Q5_K, dotQ5_KAccel)
	setRows1(tensor.Q6_K, dotQ6_KAccel)
	if useSDOT {
		for _, t := range []tensor.DType{tensor.Q8_0, tensor.Q4_0, tensor.Q4_K, tensor.Q5_K, tensor.Q6_K} {
			ops[t].impl = "neon-sdot"
		}
	}
	installQ5_0()
	return true
}

// setSDOT turns the SDOT kernels on (when the CPU has them) or off and
// reinstalls the tables; it reports whether SDOT is in use.
func setSDOT(on bool) bool {
	useSDOT = on && hasSDOT
	setAccel(true)
	return useSDOT
}

// rows4 dots 4 rows of type t (w + r*stride) with a over nb blocks.
func rows4(t tensor.DType, w *byte, stride int, a *byte, nb int, out *[4]float32) {
	if t == tensor.Q4_0 {
		if useSDOT {
			dotQ4_0x4SDOT(w, stride, a, nb, out)
		} else {
			dotQ4_0x4NEON(w, stride, a, nb, out)
		}
		return
	}
	if useSDOT {
		dotQ8_0x4SDOT(w, stride, a, nb, out)
		return
	}
	dotQ8_0x4NEON(w, stride, a, nb, out)
}

// The K-quant wrappers check the bounds, run the kernel of the current
// SDOT setting and add the lanes as the generic code does.

func dotQ4_KAccel(w, a []byte, nb int) float32 {
	var acc [16]float32
	if nb > 0 {
		_, _ = w[nb*q4KBytes-1], a[nb*q8KBytes-1]
		if useSDOT {
			dotQ4KSDOT(&w[0], &a[0], nb, &acc)
		} else {
			dotQ4KNEON(&w[0], &a[0], nb, &acc)
		}
	}
	return (*lanes8)(acc[8:]).finish((*minLanes)(acc[:8]).finish())
}

func dotQ5_KAccel(w, a []byte, nb int) float32 {
	var acc [16]float32
	if nb > 0 {
		_, _ = w[nb*q5KBytes-1], a[nb*q8KBytes-1]
		if useSDOT {
			dotQ5KSDOT(&w[0], &a[0], nb, &acc)
		} else {
			dotQ5KNEON(&w[0], &a[0], nb, &acc)
		}
	}
	return (*lanes8)(acc[8:]).finish((*minLanes)(acc[:8]).finish())
}

func dotQ6_KAccel(w, a []byte, nb int) float32 {
	var sums lanes8
	if nb > 0 {
		_, _ = w[nb*q6KBytes-1], a[nb*q8KBytes-1]
		if useSDOT {
			dotQ6KSDOT(&w[0], &a[0], nb, (*[8]float32)(&sums))
		} else {
			dotQ6KNEON(&w[0], &a[0], nb, (*[8]float32)(&sums))
		}
	}
	return sums.finish(0)
}

// readSumImpl is the STREAM-like read loop of the bandwidth benchmark.
func readSumImpl(b []byte) uint64 { return readSumGeneric(b) }
