//go:build !purego

package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// sdotTypes are the types with an SDOT and a plain-NEON kernel (Q5_0 has
// its own test).
var sdotTypes = []tensor.DType{tensor.Q8_0, tensor.Q4_0, tensor.Q4_K, tensor.Q5_K, tensor.Q6_K}

// TestSDOTSwitch runs the differential checks of sdotTypes with the SDOT
// kernels and with the plain-NEON ones, so a dotprod CPU (or qemu -cpu
// cortex-a76) tests both paths; TestAccelMatchesGeneric and FuzzDotAccel
// cover the default (SDOT when the CPU has it).
func TestSDOTSwitch(t *testing.T) {
	t.Logf("x/sys/cpu: ASIMD %v ASIMDDP %v FPHP %v ASIMDHP %v", cpu.ARM64.HasASIMD, cpu.ARM64.HasASIMDDP,
		cpu.ARM64.HasFPHP, cpu.ARM64.HasASIMDHP)
	defer setSDOT(true)
	gen := genericOps()
	for _, sdot := range []bool{false, true} {
		got := setSDOT(sdot)
		want := map[bool]string{false: "neon", true: "neon-sdot"}[got]
		t.Logf("sdot requested %v, in use %v", sdot, got)
		r := rand.New(rand.NewPCG(41, 42))
		for _, typ := range sdotTypes {
			if impl := Describe()[typeName(typ)+"/matvec"]; impl != want {
				t.Errorf("sdot %v: %v/matvec is %q, want %q", got, typ, impl, want)
			}
			for _, cols := range colsFor(typ, testing.Short()) {
				for _, rows := range []int{1, 4, 5} {
					for off := 0; off < 4; off++ {
						name := fmt.Sprintf("sdot %v %v/%dx%d/off%d", got, typ, rows, cols, off)
						checkAccel(t, name, gen, typ, rows, cols, off, off%2 == 1, r)
					}
				}
			}
		}
		checkKExtremes(t, gen)
	}
}

// FuzzDotAccelNoSDOT is FuzzDotAccel with the plain-NEON kernels, which a
// dotprod CPU would otherwise not fuzz.
func FuzzDotAccelNoSDOT(f *testing.F) {
	f.Add(uint8(10), uint64(1), []byte("seed"))
	f.Add(uint8(11), uint64(3), make([]byte, 300))
	f.Add(uint8(12), uint64(6), []byte{0xff, 0xff, 0xff})
	setSDOT(false)
	f.Cleanup(func() { setSDOT(true) })
	gen := genericOps()
	f.Fuzz(func(t *testing.T, ti uint8, seed uint64, data []byte) { checkFuzzDot(t, gen, ti, seed, data) })
}
