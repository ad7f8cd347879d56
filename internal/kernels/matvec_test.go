package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

type mvCase struct {
	typ        tensor.DType
	rows, cols int
	w, a       []byte
	x          []float32
}

func newMVCase(r *rand.Rand, typ tensor.DType, rows, cols int) mvCase {
	c := mvCase{typ: typ, rows: rows, cols: cols}
	c.w = quantize(typ, gaussian(r, rows*cols, 0.05))
	c.x = gaussian(r, cols, 1)
	c.a = quantize(DotType(typ), c.x)
	return c
}

func TestMatVecMatchesDot(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, typ := range weightTypes {
		c := newMVCase(r, typ, 5, 512)
		out := make([]float32, c.rows)
		outF := make([]float32, c.rows)
		MatVec(typ, c.w, c.rows, c.cols, c.a, out)
		MatVecF32(typ, c.w, c.rows, c.cols, c.x, outF)
		rb := rowBytes(typ, c.cols)
		for row := 0; row < c.rows; row++ {
			w := c.w[row*rb : (row+1)*rb]
			if d := Dot(typ, w, c.a, c.cols); math.Float32bits(d) != math.Float32bits(out[row]) {
				t.Errorf("%v row %d: MatVec %v != Dot %v", typ, row, out[row], d)
			}
			if d := DotF32(typ, w, c.x); math.Float32bits(d) != math.Float32bits(outF[row]) {
				t.Errorf("%v row %d: MatVecF32 %v != DotF32 %v", typ, row, outF[row], d)
			}
		}
	}
}

// TestDeterminism checks that results do not depend on the call, the
// buffers' alignment or the generic/dispatched path.
func TestDeterminism(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	gen := genericOps()
	for _, typ := range weightTypes {
		c := newMVCase(r, typ, 1, 1024)
		want := Dot(typ, c.w, c.a, c.cols)
		wantF := DotF32(typ, c.w, c.x)
		for shift := 1; shift < 4; shift++ {
			w2 := make([]byte, len(c.w)+shift)[shift:]
			a2 := make([]byte, len(c.a)+shift)[shift:]
			copy(w2, c.w)
			copy(a2, c.a)
			if got := Dot(typ, w2, a2, c.cols); math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("%v: Dot on shifted buffers %v != %v", typ, got, want)
			}
		}
		if got := gen[typ].dot(c.w, c.a, c.cols/typ.BlockSize()); math.Float32bits(got) != math.Float32bits(want) {
			t.Errorf("%v: generic Dot %v != dispatched %v", typ, got, want)
		}
		if got := gen[typ].dotF32(c.w, c.x); math.Float32bits(got) != math.Float32bits(wantF) {
			t.Errorf("%v: generic DotF32 %v != dispatched %v", typ, got, wantF)
		}
		if again := Dot(typ, c.w, c.a, c.cols); math.Float32bits(again) != math.Float32bits(want) {
			t.Errorf("%v: Dot not repeatable", typ)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, typ := range weightTypes {
		c := newMVCase(r, typ, 4, 512)
		out := make([]float32, c.rows)
		deq := make([]float32, c.cols)
		act := make([]byte, ActBytes(typ, c.cols))
		rb := rowBytes(typ, c.cols)
		checks := map[string]func(){
			"Dot":         func() { Dot(typ, c.w, c.a, c.cols) },
			"DotF32":      func() { DotF32(typ, c.w, c.x) },
			"MatVec":      func() { MatVec(typ, c.w, c.rows, c.cols, c.a, out) },
			"MatVecF32":   func() { MatVecF32(typ, c.w, c.rows, c.cols, c.x, out) },
			"Dequantize":  func() { Dequantize(typ, c.w[:rb], deq) },
			"QuantizeRow": func() { QuantizeRow(DotType(typ), c.x, act) },
			"QuantizeAct": func() { QuantizeAct(typ, c.x, act) },
		}
		for name, f := range checks {
			if n := testing.AllocsPerRun(20, f); n != 0 {
				t.Errorf("%v %s: %v allocations per call", typ, name, n)
			}
		}
	}
	x := make([]float32, 100)
	y := make([]float32, 100)
	vec := map[string]func(){
		"DotF32F32": func() { DotF32F32(x, y) },
		"RMSNorm":   func() { RMSNorm(y, x, x, 1e-6) },
		"Softmax":   func() { Softmax(y) },
		"SwiGLU":    func() { SwiGLU(y, x, x) },
		"Axpy":      func() { Axpy(y, 0.5, x) },
		"Add":       func() { Add(y, x) },
	}
	for name, f := range vec {
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%s: %v allocations per call", name, n)
		}
	}
}

func TestLengthPanics(t *testing.T) {
	w := make([]byte, 18)
	a := make([]byte, 34)
	tests := []struct {
		name string
		f    func()
	}{
		{"dequantize short dst", func() { Dequantize(tensor.Q4_0, w, make([]float32, 31)) }},
		{"dequantize long src", func() { Dequantize(tensor.Q4_0, make([]byte, 19), make([]float32, 32)) }},
		{"dot partial block", func() { Dot(tensor.Q4_0, w, a, 16) }},
		{"dot short activations", func() { Dot(tensor.Q4_0, w, a[:33], 32) }},
		{"dot unsupported type", func() { Dot(tensor.IQ2_XXS, w, a, 256) }},
		{"dot activation-only type", func() { Dot(tensor.Q8_K, w, a, 256) }},
		{"quantize short dst", func() { QuantizeRow(tensor.Q8_0, make([]float32, 32), a[:33]) }},
		{"matvec short out", func() { MatVec(tensor.Q4_0, w, 1, 32, a, nil) }},
		{"add length", func() { Add(make([]float32, 2), make([]float32, 3)) }},
	}
	for _, tc := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}

func TestTypeTable(t *testing.T) {
	for _, typ := range allTypes {
		if !Has(typ) {
			t.Errorf("%v: no kernels", typ)
		}
		o := ops[typ]
		if o.blockSize != typ.BlockSize() || o.blockBytes != typ.BlockBytes() {
			t.Errorf("%v: table block %d/%d, tensor says %d/%d", typ, o.blockSize, o.blockBytes, typ.BlockSize(), typ.BlockBytes())
		}
	}
	wantDot := map[tensor.DType]tensor.DType{
		tensor.F32: tensor.F32, tensor.F16: tensor.F16, tensor.BF16: tensor.BF16,
		tensor.Q4_0: tensor.Q8_0, tensor.Q4_1: tensor.Q8_1, tensor.Q5_0: tensor.Q8_0, tensor.Q5_1: tensor.Q8_1,
		tensor.Q8_0: tensor.Q8_0, tensor.Q2_K: tensor.Q8_K, tensor.Q3_K: tensor.Q8_K, tensor.Q4_K: tensor.Q8_K,
		tensor.Q5_K: tensor.Q8_K, tensor.Q6_K: tensor.Q8_K,
	}
	for w, a := range wantDot {
		if got := DotType(w); got != a {
			t.Errorf("DotType(%v) = %v, want %v", w, got, a)
		}
		if !HasDot(w) {
			t.Errorf("HasDot(%v) = false", w)
		}
	}
	for _, typ := range []tensor.DType{tensor.IQ2_XXS, tensor.MXFP4, tensor.I32, tensor.DType(99)} {
		if Has(typ) || HasDot(typ) {
			t.Errorf("%v: reported as supported", typ)
		}
	}
	if got := ActBytes(tensor.Q4_K, 512); got != 2*292 {
		t.Errorf("ActBytes(Q4_K, 512) = %d, want %d", got, 2*292)
	}
}
