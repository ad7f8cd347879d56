package kernels

import (
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// BenchmarkMatVecCached runs MatVec on a 256 KiB matrix that stays in L2:
// the kernels' compute ceiling, without the memory bottleneck.
func BenchmarkMatVecCached(b *testing.B) {
	const cols = 4096
	for _, typ := range BenchTypes {
		b.Run(typ.String(), func(b *testing.B) {
			r := rand.New(rand.NewPCG(3, 3))
			rb := rowBytes(typ, cols)
			rows := (256 << 10) / rb
			w := quantize(typ, gaussian(r, rows*cols, 0.05))
			x := gaussian(r, cols, 1)
			a := quantize(DotType(typ), x)
			out := make([]float32, rows)
			b.SetBytes(int64(rows * rb))
			b.ResetTimer()
			for range b.N {
				if typ.IsQuantized() {
					MatVec(typ, w, rows, cols, a, out)
				} else {
					MatVecF32(typ, w, rows, cols, x, out)
				}
			}
		})
	}
}

var _ = tensor.F32

// BenchmarkReadCached is the read loop over the same 256 KiB, the ceiling
// of BenchmarkMatVecCached.
func BenchmarkReadCached(b *testing.B) {
	buf := make([]byte, 256<<10)
	b.SetBytes(int64(len(buf)))
	for range b.N {
		benchSink.Add(readSumImpl(buf))
	}
}

// BenchmarkDotLongRow runs Dot on one 128k-element row (L2-resident): the
// kernel's throughput without per-row overheads.
func BenchmarkDotLongRow(b *testing.B) {
	const n = 512 * 256
	for _, typ := range []tensor.DType{tensor.Q4_K, tensor.Q6_K, tensor.Q8_0, tensor.Q4_0} {
		b.Run(typ.String(), func(b *testing.B) {
			r := rand.New(rand.NewPCG(4, 4))
			w := quantize(typ, gaussian(r, n, 0.05))
			a := quantize(DotType(typ), gaussian(r, n, 1))
			b.SetBytes(int64(len(w)))
			b.ResetTimer()
			for range b.N {
				benchSink.Add(uint64(Dot(typ, w, a, n)))
			}
		})
	}
}
