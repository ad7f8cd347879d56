package kernels

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

const eps32 = 0x1p-24 // unit roundoff of float32

// dotRef is the float64 dot product and the sum of |products|.
func dotRef(a, b []float32) (dot, mag float64) {
	for i := range a {
		p := float64(a[i]) * float64(b[i])
		dot += p
		mag += math.Abs(p)
	}
	return dot, mag
}

// laneBound bounds the rounding error of the canonical 8-lane float32 dot
// of n elements: each product rounds once, each lane adds n/8 terms, the
// reduction adds 3 levels, and a tail adds up to 7.
func laneBound(n int, mag float64) float64 {
	k := float64(n/8 + 4 + n%8)
	return 1.01 * k * eps32 * mag
}

func TestDotF32F32(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 7, 8, 9, 31, 256, 1000, 4099} {
		a, b := gaussian(r, n, 1), gaussian(r, n, 3)
		got := DotF32F32(a, b)
		want, mag := dotRef(a, b)
		if d := math.Abs(float64(got) - want); d > laneBound(n, mag) {
			t.Errorf("n=%d: %v, want %v (error %g > %g)", n, got, want, d, laneBound(n, mag))
		}
		// The canonical order, spelled out.
		var l [8]float32
		n8 := n &^ 7
		for i := 0; i < n8; i++ {
			l[i%8] += float32(a[i] * b[i]) // float32(): no FMA fusion (arm64)
		}
		s := ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
		for i := n8; i < n; i++ {
			s += float32(a[i] * b[i])
		}
		if math.Float32bits(s) != math.Float32bits(got) {
			t.Errorf("n=%d: %v is not the canonical-order sum %v", n, got, s)
		}
	}
}

// actError bounds |Σ w_i (x_i - x̂_i)| for activations x̂ (dequantized
// from the partner type), plus the scale-rounding slack of Q8_1's s field.
func actError(w, x, xh []float32) float64 {
	var s float64
	for i := range w {
		s += math.Abs(float64(w[i])) * math.Abs(float64(x[i])-float64(xh[i]))
	}
	return s
}

// q8_1SumSlack bounds the error Dot takes from Q8_1 storing s = d*Σq as
// f16: per block |m| * |s| * 2^-11.
func q8_1SumSlack(t tensor.DType, w, a []byte, nb int) float64 {
	if DotType(t) != tensor.Q8_1 {
		return 0
	}
	var s float64
	wb := t.BlockBytes()
	for i := 0; i < nb; i++ {
		m := f16(binary.LittleEndian.Uint16(w[i*wb+2:]))
		sv := f16(binary.LittleEndian.Uint16(a[i*36+2:]))
		s += math.Abs(float64(m)*float64(sv)) * 0x1p-10
	}
	return s
}

func TestDotAgainstDequantized(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const n = 2048
	for _, typ := range weightTypes {
		t.Run(typ.String(), func(t *testing.T) {
			for trial := 0; trial < 4; trial++ {
				w := quantize(typ, gaussian(r, n, 0.05))
				x := gaussian(r, n, 2)
				wd := dequantize(typ, w, n)

				// DotF32 is the canonical float dot of the decoded row.
				df := DotF32(typ, w, x)
				if c := DotF32F32(wd, x); math.Float32bits(df) != math.Float32bits(c) {
					t.Fatalf("DotF32 %v != DotF32F32(Dequantize) %v", df, c)
				}
				ref, mag := dotRef(wd, x)
				if d := math.Abs(float64(df) - ref); d > laneBound(n, mag) {
					t.Fatalf("DotF32 %v, float64 %v: error %g > %g", df, ref, d, laneBound(n, mag))
				}

				// Dot against the partner-quantized activations equals
				// the exact dot with the decoded activations up to float
				// rounding of the scales ...
				at := DotType(typ)
				a := quantize(at, x)
				if trial%2 == 1 { // the run-time rounding variant
					QuantizeAct(typ, x, a)
				}
				if len(a) != ActBytes(typ, n) {
					t.Fatalf("activations are %d bytes, ActBytes says %d", len(a), ActBytes(typ, n))
				}
				xh := dequantize(at, a, n)
				got := Dot(typ, w, a, n)
				exact, mag2 := dotRef(wd, xh)
				slack := 64*eps32*mag2 + q8_1SumSlack(typ, w, a, n/typ.BlockSize())
				if d := math.Abs(float64(got) - exact); d > slack {
					t.Fatalf("Dot %v, exact on decoded values %v: error %g > %g", got, exact, d, slack)
				}
				// ... and so is within the activation rounding of DotF32.
				bound := actError(wd, x, xh) + slack + laneBound(n, mag)
				if d := math.Abs(float64(got) - float64(df)); d > bound {
					t.Fatalf("Dot %v, DotF32 %v: difference %g > activation rounding bound %g", got, df, d, bound)
				}
			}
		})
	}
}

func TestQuantizeActivationRounding(t *testing.T) {
	// Q8_0: amax 127 gives d = 1; roundf takes halves away from zero.
	x := make([]float32, 32)
	copy(x, []float32{127, -63.5, 0.5, -0.5, 1.5, 2.5, 0.49999997})
	b := quantize(tensor.Q8_0, x)
	if d := f16(binary.LittleEndian.Uint16(b)); d != 1 {
		t.Fatalf("Q8_0 d = %v, want 1", d)
	}
	want := []int8{127, -64, 1, -1, 2, 3, 0}
	for i, w := range want {
		if got := int8(b[2+i]); got != w {
			t.Errorf("Q8_0 q[%d] = %d, want %d", i, got, w)
		}
	}
	// QuantizeAct's Q8_0 rounds ties to even instead.
	ba := make([]byte, 34)
	QuantizeAct(tensor.Q4_0, x, ba)
	for i, w := range []int8{127, -64, 0, 0, 2, 2, 0} {
		if got := int8(ba[2+i]); got != w {
			t.Errorf("QuantizeAct Q8_0 q[%d] = %d, want %d", i, got, w)
		}
	}
	// Q8_1 also stores s = d * Σq.
	b1 := quantize(tensor.Q8_1, x)
	if s := f16(binary.LittleEndian.Uint16(b1[2:])); s != 127-64+1-1+2+3 {
		t.Errorf("Q8_1 s = %v, want %v", s, 127-64+1-1+2+3)
	}
	// Q8_K: the signed max -127 gives iscale 1, d 1; nearest_int ties to even.
	xk := make([]float32, 256)
	copy(xk, []float32{-127, 0.5, 1.5, 2.5, -2.5, 126.5})
	bk := quantize(tensor.Q8_K, xk)
	if d := math.Float32frombits(binary.LittleEndian.Uint32(bk)); d != 1 {
		t.Fatalf("Q8_K d = %v, want 1", d)
	}
	wantK := []int8{-127, 0, 2, 2, -2, 126}
	for i, w := range wantK {
		if got := int8(bk[4+i]); got != w {
			t.Errorf("Q8_K q[%d] = %d, want %d", i, got, w)
		}
	}
	if s := int16(binary.LittleEndian.Uint16(bk[260:])); s != -127+2+2-2+126 {
		t.Errorf("Q8_K bsums[0] = %d, want %d", s, -127+2+2-2+126)
	}
	// A positive max flips the sign of d: iscale = -127/max.
	xk[0] = 127
	bk = quantize(tensor.Q8_K, xk)
	if d := math.Float32frombits(binary.LittleEndian.Uint32(bk)); d != -1 || int8(bk[4]) != -127 {
		t.Errorf("Q8_K of max 127: d = %v, q[0] = %d; want -1, -127", d, int8(bk[4]))
	}
	// All zero: d 0, quants and bsums 0.
	bz := quantize(tensor.Q8_K, make([]float32, 256))
	for i, v := range bz {
		if v != 0 {
			t.Fatalf("Q8_K of zeros: byte %d = %d", i, v)
		}
	}
}
