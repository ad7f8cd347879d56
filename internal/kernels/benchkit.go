package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/edgemoe/edgemoe/internal/parallel"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

// BenchOptions sizes BenchKernels. The zero value measures the default
// types with a 256 MiB matrix, 1 and GOMAXPROCS threads, ~0.5 s each.
type BenchOptions struct {
	// Bytes is the weight matrix size (default 256 MiB; use more than the
	// last-level cache so the figure is memory bandwidth).
	Bytes int64
	// Duration is the time spent on each type and thread count (default
	// 1 s), alternating passes of the kernel and of the read; at least two
	// of each run regardless.
	Duration time.Duration
	// Threads lists the worker counts to measure (default 1 and
	// runtime.GOMAXPROCS(0)).
	Threads []int
	// Types lists the weight types (default BenchTypes).
	Types []tensor.DType
	// Cols is the row length in elements (default 4096).
	Cols int
}

// BenchTypes are the weight types BenchKernels measures by default.
var BenchTypes = []tensor.DType{tensor.Q4_K, tensor.Q5_K, tensor.Q6_K, tensor.Q8_0, tensor.Q4_0, tensor.F16, tensor.BF16, tensor.F32}

// BenchResult is one kernel measurement.
type BenchResult struct {
	Type    string  `json:"type"`
	Op      string  `json:"op"` // "matvec" (quantized activations) or "matvec_f32"
	Threads int     `json:"threads"`
	GBs     float64 `json:"gbs"`      // weight bytes read per second, 1e9: the best kernel pass
	ReadGBs float64 `json:"read_gbs"` // plain read bandwidth, same threads and size: the best read pass, interleaved with the kernel's
	Ratio   float64 `json:"ratio"`    // GBs / ReadGBs
}

// BenchReport is BenchKernels' result, shaped for JSON output.
type BenchReport struct {
	// ReadGBs is the plain read bandwidth with the most threads measured:
	// the median of the reads interleaved with each type (the typical
	// bandwidth of the run; the highest would be its luckiest moment).
	ReadGBs float64           `json:"read_gbs"`
	Bytes   int64             `json:"bytes"`
	Kernels []BenchResult     `json:"kernels"`
	Impl    map[string]string `json:"impl"`
}

// opFor is the op a model uses for weight type t: float weights meet
// float32 activations (MatVecF32), quantized ones quantized activations.
func opFor(t tensor.DType) string {
	if t.IsQuantized() {
		return "matvec"
	}
	return "matvec_f32"
}

// BenchKernels measures matrix-vector weight bandwidth next to a plain
// read of the same size, in this process, for each type and thread count.
// It allocates the matrix (o.Bytes) and a worker pool per thread count,
// and is not meant to run concurrently with other work.
func BenchKernels(o BenchOptions) (BenchReport, error) {
	if o.Bytes <= 0 {
		o.Bytes = 256 << 20
	}
	if o.Duration <= 0 {
		o.Duration = time.Second
	}
	if len(o.Threads) == 0 {
		o.Threads = []int{1}
		if n := runtime.GOMAXPROCS(0); n > 1 {
			o.Threads = append(o.Threads, n)
		}
	}
	if len(o.Types) == 0 {
		o.Types = BenchTypes
	}
	if o.Cols <= 0 {
		o.Cols = 4096
	}
	for _, t := range o.Types {
		if !HasDot(t) || o.Cols%t.BlockSize() != 0 {
			return BenchReport{}, fmt.Errorf("bench kernels: type %v: no matvec kernel for %d columns", t, o.Cols)
		}
	}
	rep := BenchReport{Bytes: o.Bytes, Impl: Describe()}
	buf := make([]byte, o.Bytes)
	for i := range buf { // touch every page: untouched pages read as the zero page
		buf[i] = byte(i)
	}
	for _, th := range o.Threads {
		p := parallel.New(parallel.Config{Workers: th})
		var reads []float64
		for _, t := range o.Types {
			// Kernel and read passes alternate, so that both see the same
			// moments of a shared machine (whose bandwidth drifts by tens
			// of percent over seconds).
			run, bytes := typeRunner(p, t, o, buf)
			gbs, read := measurePair(o.Duration, bytes, run, o.Bytes, func() { readPool(p, buf) })
			rep.Kernels = append(rep.Kernels, BenchResult{Type: typeName(t), Op: opFor(t), Threads: th,
				GBs: round3(gbs), ReadGBs: round3(read), Ratio: round3(gbs / read)})
			reads = append(reads, read)
		}
		rep.ReadGBs = round3(median(reads))
		p.Close()
	}
	return rep, nil
}

// readPool reads buf once, split across the pool in 1 MiB chunks.
func readPool(p *parallel.Pool, buf []byte) {
	const chunk = 1 << 20
	n := (len(buf) + chunk - 1) / chunk
	p.RunGrain(n, 1, func(lo, hi int) {
		benchSink.Add(readSumImpl(buf[lo*chunk : min(hi*chunk, len(buf))]))
	})
}

// typeRunner fills buf with rows of type t and returns a pass of MatVec
// (or MatVecF32) over them and the weight bytes a pass reads.
func typeRunner(p *parallel.Pool, t tensor.DType, o BenchOptions, buf []byte) (func(), int64) {
	r := rand.New(rand.NewPCG(1, uint64(t)))
	x := make([]float32, o.Cols)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	rb := RowBytes(t, o.Cols)
	row := make([]byte, rb)
	QuantizeRow(t, scaled(x, 0.05), row)
	rows := int(o.Bytes) / rb
	w := buf[:rows*rb]
	for i := 0; i < rows; i++ {
		copy(w[i*rb:], row)
	}
	out := make([]float32, rows)
	if opFor(t) == "matvec" {
		a := make([]byte, ActBytes(t, o.Cols))
		QuantizeAct(t, x, a)
		return func() { MatVecPool(p, t, w, rows, o.Cols, a, out) }, int64(rows * rb)
	}
	return func() { MatVecF32Pool(p, t, w, rows, o.Cols, x, out) }, int64(rows * rb)
}

func scaled(x []float32, s float32) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = v * s
	}
	return y
}

// measurePair alternates passes of f (touching fb bytes) and g (gb
// bytes), at least twice each and for at least d in all, after one
// warm-up pass of each (page faults, caches), and returns the best
// pass's GB/s of each.
func measurePair(d time.Duration, fb int64, f func(), gb int64, g func()) (float64, float64) {
	f()
	g()
	bf, bg := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	start := time.Now()
	for n := 0; n < 2 || time.Since(start) < d; n++ {
		t0 := time.Now()
		f()
		t1 := time.Now()
		g()
		bf, bg = min(bf, t1.Sub(t0)), min(bg, time.Since(t1))
	}
	return float64(fb) / bf.Seconds() / 1e9, float64(gb) / bg.Seconds() / 1e9
}

// median returns the median of v (the mean of the middle two for an even
// count); v is reordered.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
