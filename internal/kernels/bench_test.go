package kernels

// Benchmarks report weight bandwidth: b.SetBytes is the weight bytes one
// MatVec reads, so MB/s compares directly with BenchmarkRead, a plain
// memory sum over the same 64 MiB on the same machine. Recipe:
//
//	go test ./internal/kernels -run '^$' -bench 'MatVec|Read' -benchtime 20x -count 5 > new.txt
//	benchstat old.txt new.txt

import (
	"math/rand/v2"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

const benchBytes = 64 << 20

func BenchmarkRead(b *testing.B) {
	buf := make([]uint64, benchBytes/8)
	for i := range buf {
		buf[i] = uint64(i)
	}
	b.SetBytes(benchBytes)
	b.ResetTimer()
	var sink uint64
	for range b.N {
		var s0, s1, s2, s3 uint64
		for i := 0; i+4 <= len(buf); i += 4 {
			s0 += buf[i]
			s1 += buf[i+1]
			s2 += buf[i+2]
			s3 += buf[i+3]
		}
		sink += s0 + s1 + s2 + s3
	}
	if sink == 1 {
		b.Log(sink)
	}
}

// benchMatrix builds a cols-wide matrix of about 64 MiB of type t from
// random bytes with sane scales (quantizing 64 MiB would take too long).
func benchMatrix(b *testing.B, t tensor.DType, cols int) (w []byte, rows int) {
	rb := rowBytes(t, cols)
	rows = benchBytes / rb
	r := rand.New(rand.NewPCG(1, 1))
	row := quantize(t, gaussian(r, cols, 0.05))
	w = make([]byte, rows*rb)
	for i := 0; i < rows; i++ {
		copy(w[i*rb:], row)
		w[i*rb+rb/2] ^= byte(i) // rows differ a little
	}
	return w, rows
}

func BenchmarkMatVec(b *testing.B) {
	const cols = 4096
	for _, typ := range weightTypes {
		b.Run(typ.String(), func(b *testing.B) {
			w, rows := benchMatrix(b, typ, cols)
			r := rand.New(rand.NewPCG(2, 2))
			x := gaussian(r, cols, 1)
			a := quantize(DotType(typ), x)
			out := make([]float32, rows)
			b.SetBytes(int64(rows * rowBytes(typ, cols)))
			b.ResetTimer()
			for range b.N {
				MatVec(typ, w, rows, cols, a, out)
			}
		})
	}
}

func BenchmarkMatVecF32(b *testing.B) {
	const cols = 4096
	for _, typ := range []tensor.DType{tensor.F32, tensor.F16, tensor.Q4_0, tensor.Q8_0, tensor.Q4_K, tensor.Q6_K} {
		b.Run(typ.String(), func(b *testing.B) {
			w, rows := benchMatrix(b, typ, cols)
			r := rand.New(rand.NewPCG(2, 2))
			x := gaussian(r, cols, 1)
			out := make([]float32, rows)
			b.SetBytes(int64(rows * rowBytes(typ, cols)))
			b.ResetTimer()
			for range b.N {
				MatVecF32(typ, w, rows, cols, x, out)
			}
		})
	}
}

func BenchmarkQuantizeAct(b *testing.B) {
	const n = 7168
	r := rand.New(rand.NewPCG(3, 3))
	x := gaussian(r, n, 1)
	for _, typ := range []tensor.DType{tensor.Q8_0, tensor.Q8_1, tensor.Q8_K, tensor.F16} {
		b.Run(typ.String(), func(b *testing.B) {
			dst := make([]byte, rowBytes(typ, n))
			b.SetBytes(4 * n)
			b.ResetTimer()
			for range b.N {
				QuantizeRow(typ, x, dst)
			}
		})
	}
}

// BenchmarkDotCached runs MatVec over a 256 KiB matrix that stays in cache:
// the kernels' compute rate, apart from memory bandwidth.
func BenchmarkDotCached(b *testing.B) {
	const cols = 4096
	for _, typ := range weightTypes {
		b.Run(typ.String(), func(b *testing.B) {
			r := rand.New(rand.NewPCG(4, 4))
			rb := rowBytes(typ, cols)
			rows := max(1, (256<<10)/rb)
			w := quantize(typ, gaussian(r, rows*cols, 0.05))
			a := quantize(DotType(typ), gaussian(r, cols, 1))
			out := make([]float32, rows)
			b.SetBytes(int64(rows * rb))
			b.ResetTimer()
			for range b.N {
				MatVec(typ, w, rows, cols, a, out)
			}
		})
	}
}
