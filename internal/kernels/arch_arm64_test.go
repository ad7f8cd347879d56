//go:build !purego

package kernels

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// TestSDOTSwitch runs the Q8_0 differential checks with the SDOT kernel
// and with the plain-NEON kernel, so a dotprod CPU (or qemu -cpu
// cortex-a76) tests both paths.
func TestSDOTSwitch(t *testing.T) {
	t.Logf("x/sys/cpu: ASIMD %v ASIMDDP %v FPHP %v ASIMDHP %v", cpu.ARM64.HasASIMD, cpu.ARM64.HasASIMDDP,
		cpu.ARM64.HasFPHP, cpu.ARM64.HasASIMDHP)
	defer setSDOT(true)
	gen := genericOps()
	for _, sdot := range []bool{false, true} {
		got := setSDOT(sdot)
		t.Logf("sdot requested %v, in use %v (%s)", sdot, got, Describe()["q8_0/matvec"])
		r := rand.New(rand.NewPCG(41, 42))
		for _, rows := range []int{1, 4, 5} {
			for off := 0; off < 2; off++ {
				checkAccel(t, "q8_0", gen, tensor.Q8_0, rows, 96, off, off == 1, r)
			}
		}
	}
}
