package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/internal/parallel"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

// TestMatMulMatchesMatVec checks that the pool-aware kernels equal T
// separate MatVec / MatVecF32 calls bit for bit, for several worker counts.
func TestMatMulMatchesMatVec(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	pools := []*parallel.Pool{nil, parallel.New(parallel.Config{Workers: 1}), parallel.New(parallel.Config{Workers: 2}),
		parallel.New(parallel.Config{Workers: 3})}
	defer func() {
		for _, p := range pools {
			p.Close()
		}
	}()
	for _, typ := range []tensor.DType{tensor.F32, tensor.F16, tensor.BF16, tensor.Q4_0, tensor.Q5_0, tensor.Q8_0,
		tensor.Q4_K, tensor.Q5_K, tensor.Q6_K} {
		for _, shape := range []struct{ rows, T int }{{1, 1}, {7, 3}, {37, 1}, {64, 5}} {
			cols := 2 * typ.BlockSize()
			if typ.BlockSize() == 1 {
				cols = 43
			}
			rows, T := shape.rows, shape.T
			w := quantize(typ, gaussian(r, rows*cols, 0.05))
			x := gaussian(r, T*cols, 1)
			as := ActBytes(typ, cols)
			a := make([]byte, T*as)
			for i := 0; i < T; i++ {
				QuantizeAct(typ, x[i*cols:(i+1)*cols], a[i*as:(i+1)*as])
			}
			want, wantF := make([]float32, T*rows), make([]float32, T*rows)
			for i := 0; i < T; i++ {
				MatVec(typ, w, rows, cols, a[i*as:], want[i*rows:])
				MatVecF32(typ, w, rows, cols, x[i*cols:], wantF[i*rows:])
			}
			for pi, p := range pools {
				name := fmt.Sprintf("%v rows=%d T=%d pool#%d", typ, rows, T, pi)
				got, gotF := make([]float32, T*rows), make([]float32, T*rows)
				MatMul(p, typ, w, rows, cols, a, T, got)
				MatMulF32(p, typ, w, rows, cols, x, T, gotF)
				for i := range want {
					if !sameBits(got[i], want[i]) || !sameBits(gotF[i], wantF[i]) {
						t.Fatalf("%s out %d: MatMul %v/%v, MatVec %v/%v", name, i, got[i], gotF[i], want[i], wantF[i])
					}
				}
				if T == 1 {
					MatVecPool(p, typ, w, rows, cols, a, got)
					MatVecF32Pool(p, typ, w, rows, cols, x, gotF)
					for i := range want {
						if !sameBits(got[i], want[i]) || !sameBits(gotF[i], wantF[i]) {
							t.Fatalf("%s: MatVecPool differs at %d", name, i)
						}
					}
				}
			}
		}
	}
}

func TestPoolKernelsAllocateNothing(t *testing.T) {
	p := parallel.New(parallel.Config{Workers: 2})
	defer p.Close()
	r := rand.New(rand.NewPCG(33, 34))
	c := newMVCase(r, tensor.Q4_K, 64, 512)
	out := make([]float32, 64)
	MatVecPool(p, tensor.Q4_K, c.w, 64, 512, c.a, out) // prime the job pool
	if n := testing.AllocsPerRun(50, func() { MatVecPool(p, tensor.Q4_K, c.w, 64, 512, c.a, out) }); n != 0 {
		t.Errorf("MatVecPool: %v allocations per call, want 0", n)
	}
	cf := newMVCase(r, tensor.F16, 64, 512)
	if n := testing.AllocsPerRun(50, func() { MatVecF32Pool(p, tensor.F16, cf.w, 64, 512, cf.x, out) }); n != 0 {
		t.Errorf("MatVecF32Pool: %v allocations per call, want 0", n)
	}
}

// BenchmarkMatVecPool measures weight bandwidth over a 256 MiB matrix with
// 1 and 2 workers next to BenchmarkReadPool on the same buffer size:
//
//	go test ./internal/kernels -run '^$' -bench 'MatVecPool|ReadPool' -benchtime 5x
func BenchmarkMatVecPool(b *testing.B) {
	const cols, size = 4096, 256 << 20
	buf := make([]byte, size)
	for _, th := range []int{1, 2} {
		p := parallel.New(parallel.Config{Workers: th})
		for _, typ := range BenchTypes {
			b.Run(fmt.Sprintf("%v/threads=%d", typ, th), func(b *testing.B) {
				r := rand.New(rand.NewPCG(2, 2))
				rb := rowBytes(typ, cols)
				rows := size / rb
				row := quantize(typ, gaussian(r, cols, 0.05))
				for i := 0; i < rows; i++ {
					copy(buf[i*rb:], row)
				}
				x := gaussian(r, cols, 1)
				a := quantize(DotType(typ), x)
				out := make([]float32, rows)
				b.SetBytes(int64(rows * rb))
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if typ.IsQuantized() {
						MatVecPool(p, typ, buf, rows, cols, a, out)
					} else {
						MatVecF32Pool(p, typ, buf, rows, cols, x, out)
					}
				}
			})
		}
		b.Run(fmt.Sprintf("read/threads=%d", th), func(b *testing.B) {
			b.SetBytes(size)
			for range b.N {
				readPool(p, buf)
			}
		})
		p.Close()
	}
}
