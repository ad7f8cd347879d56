package kernels

import (
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// TestGoldenDequantize checks that each quantized golden file's tensors
// decode close to the all-F32 original, and that quantizing the original
// with QuantizeRow reproduces llama-quantize's bytes.
func TestGoldenDequantize(t *testing.T) {
	ref := goldenModel(t, "v3tiny-f32")
	for _, name := range []string{"v3tiny-f16", "v3tiny-q8_0", "v3tiny-q6_k", "v3tiny-q4_k_m", "v3tiny-q4_0"} {
		t.Run(name, func(t *testing.T) {
			m := goldenModel(t, name)
			names := make([]string, 0, len(m))
			for n := range m {
				names = append(names, n)
			}
			sort.Strings(names)
			var checked, exact int
			types := map[tensor.DType]int{}
			for _, tn := range names {
				q, f := m[tn], ref[tn]
				if q.typ == tensor.F32 {
					continue
				}
				if f.typ != tensor.F32 || f.elems() != q.elems() {
					t.Fatalf("tensor %s: reference is %v with %d elements, quantized has %d", tn, f.typ, f.elems(), q.elems())
				}
				x := dequantize(tensor.F32, f.data, f.elems())
				y := dequantize(q.typ, q.data, q.elems())
				e := relRMSE(x, y)
				if e > relRMSEBound[q.typ] {
					t.Errorf("tensor %s (%v): relative rmse %.5f > %g", tn, q.typ, e, relRMSEBound[q.typ])
				}
				checked++
				types[q.typ]++
				again := quantize(q.typ, x)
				if string(again) == string(q.data) {
					exact++
				} else {
					diff := 0
					bb := q.typ.BlockBytes()
					for i := 0; i < len(again); i += bb {
						if string(again[i:i+bb]) != string(q.data[i:i+bb]) {
							diff++
						}
					}
					t.Errorf("tensor %s (%v): requantized bytes differ from the file in %d of %d blocks",
						tn, q.typ, diff, len(again)/bb)
				}
			}
			t.Logf("%d quantized tensors %v within bounds, %d byte-identical when requantized", checked, types, exact)
			if checked == 0 {
				t.Errorf("no quantized tensors found")
			}
		})
	}
}

// TestGoldenMatVec runs MatVec on real quantized tensors (a stacked expert
// tensor, the output head, an attention tensor) against float32 activations
// and checks it tracks the all-F32 original within the weight and
// activation rounding of the type.
func TestGoldenMatVec(t *testing.T) {
	ref := goldenModel(t, "v3tiny-f32")
	names := []string{"blk.1.ffn_up_exps.weight", "output.weight", "blk.0.attn_k_b.weight", "blk.2.ffn_down_exps.weight"}
	for _, model := range []string{"v3tiny-f16", "v3tiny-q8_0", "v3tiny-q6_k", "v3tiny-q4_k_m", "v3tiny-q4_0"} {
		m := goldenModel(t, model)
		for _, tn := range names {
			q, f := m[tn], ref[tn]
			cols := int(q.dims[0])
			rows := q.elems() / cols
			x := gaussian(rand.New(rand.NewPCG(uint64(rows), uint64(cols))), cols, 1)
			want := make([]float32, rows)
			MatVecF32(tensor.F32, f.data, rows, cols, x, want)
			a := make([]byte, ActBytes(q.typ, cols))
			QuantizeAct(q.typ, x, a)
			got := make([]float32, rows)
			MatVec(q.typ, q.data, rows, cols, a, got)
			gotF := make([]float32, rows)
			MatVecF32(q.typ, q.data, rows, cols, x, gotF)
			// Weight rounding moves outputs by about the type's relative
			// error; 8-bit activation rounding adds about 0.6% (measured
			// 0.52-0.69%), f16 rounding about 0.02%.
			if e := relRMSE(want, gotF); e > relRMSEBound[q.typ] {
				t.Errorf("%s %s (%v): MatVecF32 relative error %.4f > %g", model, tn, q.typ, e, relRMSEBound[q.typ])
			}
			actBound := 0.009
			if DotType(q.typ) == tensor.F16 {
				actBound = 5e-4
			}
			if e := relRMSE(gotF, got); e > actBound {
				t.Errorf("%s %s (%v): MatVec vs MatVecF32 relative difference %.4f > %g", model, tn, q.typ, e, actBound)
			}
		}
	}
}
