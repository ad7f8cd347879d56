//go:build !purego

package kernels

// init runs after arch_arm64.go's (files initialize in name order), so
// setAccel has already filled the table.
func init() { installQ5_0() }

//go:noescape
func dotQ5_0x4SDOT(w *byte, stride int, a *byte, nb int, out *[4]float32)

//go:noescape
func dotQ5_0x4NEON(w *byte, stride int, a *byte, nb int, out *[4]float32)

// q5x4 dots 4 Q5_0 rows (w + r*stride) with Q8_0 activations a over nb
// blocks, with SDOT when useSDOT is set.
func q5x4(w *byte, stride int, a *byte, nb int, out *[4]float32) {
	if useSDOT {
		dotQ5_0x4SDOT(w, stride, a, nb, out)
		return
	}
	dotQ5_0x4NEON(w, stride, a, nb, out)
}

// q5Impl names the Q5_0 kernel for Describe.
func q5Impl() string {
	if useSDOT {
		return "neon-sdot"
	}
	return archName
}
