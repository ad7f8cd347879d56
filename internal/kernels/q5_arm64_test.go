//go:build !purego

package kernels

import "testing"

// TestQ5_0SDOTSwitch runs the Q5_0 differential checks with the SDOT
// kernel and with the plain-NEON kernel, so a dotprod CPU (or qemu -cpu
// cortex-a76) tests both paths.
func TestQ5_0SDOTSwitch(t *testing.T) {
	defer func() { setSDOT(hasSDOT); installQ5_0() }()
	for _, sdot := range []bool{false, true} {
		got := setSDOT(sdot)
		installQ5_0()
		impl := Describe()["q5_0/matvec"]
		t.Logf("sdot requested %v, in use %v (%s)", sdot, got, impl)
		if want := map[bool]string{false: "neon", true: "neon-sdot"}[got]; impl != want {
			t.Errorf("sdot %v: q5_0/matvec is %q, want %q", got, impl, want)
		}
		checkQ5_0Accel(t, 60)
	}
}
