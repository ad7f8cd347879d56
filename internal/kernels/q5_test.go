package kernels

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// accelOn installs every accelerated kernel (setAccel and the Q5_0
// kernel) and reports whether the architecture kernels are in use.
func accelOn() bool {
	on := setAccel(true)
	installQ5_0()
	return on
}

// TestQ5_0AccelSwitch checks that setAccel(false) turns the Q5_0 kernel
// off and that it is installed (and named by Describe) when the
// architecture kernels are.
func TestQ5_0AccelSwitch(t *testing.T) {
	defer accelOn()
	setAccel(false)
	installQ5_0()
	if got := Describe()["q5_0/matvec"]; got != "generic" {
		t.Errorf("accel off: q5_0/matvec is %q, want generic", got)
	}
	on := accelOn()
	got := Describe()["q5_0/matvec"]
	if on && got == "generic" {
		t.Errorf("accel on (%s): q5_0/matvec is generic", archName)
	}
	if !on && got != "generic" {
		t.Errorf("no accelerated kernels: q5_0/matvec is %q", got)
	}
	t.Logf("q5_0/matvec: %s", got)
}

// q5Cols are the row lengths of the Q5_0 differential test: 1 to 9
// blocks, V2-Lite's 128 and 1408, and an odd long row.
func q5Cols(short bool) []int {
	c := []int{32, 64, 96, 128, 160, 192, 224, 256, 288, 1408, 32 * 67}
	if short {
		c = []int{32, 96, 128, 288, 1408}
	}
	return c
}

// checkQ5_0Accel runs the Q5_0 MatVec/Dot differential test over row
// counts, lengths, unaligned offsets, quantized and random data.
func checkQ5_0Accel(t *testing.T, seed uint64) {
	t.Helper()
	gen := genericOps()
	r := rand.New(rand.NewPCG(seed, 51))
	for _, cols := range q5Cols(testing.Short()) {
		for _, rows := range []int{1, 2, 3, 4, 5, 7, 8, 9, 13} {
			for off := 0; off < 4; off++ {
				name := fmt.Sprintf("q5_0/%dx%d/off%d", rows, cols, off)
				checkAccel(t, name, gen, tensor.Q5_0, rows, cols, off, off%2 == 1, r)
			}
		}
	}
}

func TestQ5_0AccelMatchesGeneric(t *testing.T) {
	defer accelOn()
	accelOn()
	checkQ5_0Accel(t, 50)
}

// TestQ5_0AccelExtremes checks the integer extremes: every value 0 or 31
// against activations of all -128 or all 127 (sums at the bounds of the
// 16-bit partial sums), and mixed signs.
func TestQ5_0AccelExtremes(t *testing.T) {
	defer accelOn()
	accelOn()
	const nb = 9
	gen := genericOps()
	block := func(b []byte, q, qh byte) {
		binary.LittleEndian.PutUint16(b, toF16(0.01))
		for i := 2; i < 6; i++ {
			b[i] = qh
		}
		for i := 6; i < q5_0Bytes; i++ {
			b[i] = q
		}
	}
	act := func(b []byte, v func(j int) byte) {
		binary.LittleEndian.PutUint16(b, toF16(0.5))
		for j := 0; j < 32; j++ {
			b[2+j] = v(j)
		}
	}
	weights := map[string][2]byte{"all0": {0x00, 0x00}, "all31": {0xff, 0xff}, "all15": {0xff, 0x00},
		"all16": {0x00, 0xff}, "mixed": {0x0f, 0x55}}
	acts := map[string]func(j int) byte{
		"-128": func(int) byte { return 0x80 }, "127": func(int) byte { return 0x7f },
		"alt": func(j int) byte { return []byte{0x80, 0x7f}[j%2] },
	}
	for wn, wv := range weights {
		for an, av := range acts {
			const rows = 5
			w := make([]byte, rows*nb*q5_0Bytes)
			for i := 0; i < rows*nb; i++ {
				block(w[i*q5_0Bytes:], wv[0], wv[1])
			}
			a := make([]byte, nb*q8_0Bytes)
			for i := 0; i < nb; i++ {
				act(a[i*q8_0Bytes:], av)
			}
			out := make([]float32, rows)
			MatVec(tensor.Q5_0, w, rows, nb*32, a, out)
			for row := 0; row < rows; row++ {
				rw := w[row*nb*q5_0Bytes : (row+1)*nb*q5_0Bytes]
				if g := gen[tensor.Q5_0].dot(rw, a, nb); !sameBits(g, out[row]) || !sameBits(g, Dot(tensor.Q5_0, rw, a, nb*32)) {
					t.Errorf("weights %s, activations %s, row %d: MatVec %v, Dot %v, generic %v",
						wn, an, row, out[row], Dot(tensor.Q5_0, rw, a, nb*32), g)
				}
			}
		}
	}
}
