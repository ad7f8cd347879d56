package model

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/edgemoe/edgemoe/internal/kernels"
	"github.com/edgemoe/edgemoe/internal/parallel"
)

// Precision selects how activations meet quantized weights.
type Precision int

const (
	// PrecisionMatch quantizes activations to each quantized weight type's
	// dot partner (Q8_0 or Q8_K) exactly as llama.cpp's CPU backend does:
	// the fast integer path, whose logits track llama.cpp's to ~1e-6.
	// F16 and BF16 weights meet float32 activations (rounding them buys no
	// speed: the weight bytes dominate, and accuracy is better).
	PrecisionMatch Precision = iota
	// PrecisionF32 keeps activations in float32 and dequantizes weights on
	// the fly: the reference path, slower on quantized files.
	PrecisionF32
)

// String names the precision as the --precision flag spells it.
func (p Precision) String() string {
	if p == PrecisionF32 {
		return "f32"
	}
	return "match"
}

// ParsePrecision maps "match" or "f32" to a Precision.
func ParsePrecision(s string) (Precision, error) {
	switch s {
	case "match", "":
		return PrecisionMatch, nil
	case "f32":
		return PrecisionF32, nil
	}
	return 0, fmt.Errorf("precision %q: want match or f32", s)
}

func f32le(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) }

// linear computes out[t] = W x[t] for T activation rows; x is T*Cols,
// out T*Rows. act is scratch for quantized activations. Rows are split
// across pool's workers (nil: the caller alone); each row is computed by
// one worker with the same code, so results do not depend on the thread
// count, and T rows give the bits of T separate matrix-vector products.
func linear(pool *parallel.Pool, p Precision, w *Matrix, x []float32, T int, out []float32, act *[]byte) {
	rows, cols := w.Rows, w.Cols
	if p == PrecisionF32 || !w.Type.IsQuantized() {
		kernels.MatMulF32(pool, w.Type, w.Data, rows, cols, x[:T*cols], T, out[:T*rows])
		return
	}
	n := kernels.ActBytes(w.Type, cols)
	if cap(*act) < T*n {
		*act = make([]byte, T*n)
	}
	a := (*act)[:T*n]
	for t := 0; t < T; t++ {
		kernels.QuantizeAct(w.Type, x[t*cols:(t+1)*cols], a[t*n:(t+1)*n])
	}
	kernels.MatMul(pool, w.Type, w.Data, rows, cols, a, T, out[:T*rows])
}
