package kernels

// BenchmarkMatVecQ5_0 reports the weight bandwidth of Q5_0 MatVecPool
// (b.SetBytes = the weight bytes one product reads) over a 256 MiB matrix
// of V2-Lite's ffn_down row length, generic and accelerated, 1 and 2
// threads, next to a plain read of the same buffer on the same pool.
// Recipe:
//
//	go test ./internal/kernels -run '^$' -bench MatVecQ5_0 -benchtime 10x -count 3

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/internal/parallel"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

const (
	q5BenchBytes = 256 << 20
	q5BenchCols  = 1408 // DeepSeek-V2-Lite ffn_down_exps rows
)

// q5BenchMatrix builds about q5BenchBytes of Q5_0 rows of q5BenchCols from
// 64 quantized rows, each copy altered a little.
func q5BenchMatrix() (w []byte, rows int) {
	rb := rowBytes(tensor.Q5_0, q5BenchCols)
	rows = q5BenchBytes / rb &^ 3
	r := rand.New(rand.NewPCG(9, 9))
	src := quantize(tensor.Q5_0, gaussian(r, 64*q5BenchCols, 0.05))
	w = make([]byte, rows*rb)
	for i := 0; i < rows; i++ {
		copy(w[i*rb:(i+1)*rb], src[i%64*rb:])
		w[i*rb+rb/2] ^= byte(i)
	}
	return w, rows
}

func BenchmarkMatVecQ5_0(b *testing.B) {
	defer accelOn()
	w, rows := q5BenchMatrix()
	r := rand.New(rand.NewPCG(2, 2))
	a := quantize(tensor.Q8_0, gaussian(r, q5BenchCols, 1))
	out := make([]float32, rows)
	for _, threads := range []int{1, 2} {
		p := parallel.New(parallel.Config{Workers: threads})
		b.Run(fmt.Sprintf("read/threads=%d", threads), func(b *testing.B) {
			const chunk = 1 << 20
			n := len(w) / chunk
			sum := func(lo, hi int) { benchSink.Add(readSumImpl(w[lo*chunk : hi*chunk])) }
			b.SetBytes(int64(n * chunk))
			b.ResetTimer()
			for range b.N {
				p.RunGrain(n, 4, sum)
			}
		})
		for _, accel := range []bool{false, true} {
			if accel {
				accelOn()
			} else {
				setAccel(false)
			}
			impl := Describe()["q5_0/matvec"]
			b.Run(fmt.Sprintf("%s/threads=%d", impl, threads), func(b *testing.B) {
				b.SetBytes(int64(len(w)))
				b.ResetTimer()
				for range b.N {
					MatVecPool(p, tensor.Q5_0, w, rows, q5BenchCols, a, out)
				}
			})
		}
		p.Close()
	}
}
