package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
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
	// Duration is the time spent on each measurement (default 500 ms);
	// at least two passes run regardless.
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
	GBs     float64 `json:"gbs"`      // weight bytes read per second, 1e9
	ReadGBs float64 `json:"read_gbs"` // plain read bandwidth, same threads and size: the higher of the reads just before and after
	Ratio   float64 `json:"ratio"`    // GBs / ReadGBs
}

// BenchReport is BenchKernels' result, shaped for JSON output.
type BenchReport struct {
	// ReadGBs is the plain read bandwidth with the most threads measured:
	// the highest of the reads taken around each type.
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
		o.Duration = 500 * time.Millisecond
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
		readOnce := func() float64 { return measure(o.Duration, o.Bytes, func() { readPool(p, buf) }) }
		// The read is measured right before and after each type and the
		// higher of the two is the type's reference, so that a slow
		// moment of a shared machine does not flatter a ratio.
		before := readOnce()
		rep.ReadGBs = 0
		for _, t := range o.Types {
			res := benchType(p, th, t, o, buf)
			after := readOnce()
			read := max(before, after)
			res.ReadGBs, res.Ratio = round3(read), round3(res.GBs/read)
			rep.Kernels = append(rep.Kernels, res)
			rep.ReadGBs = max(rep.ReadGBs, round3(read))
			before = after
		}
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

// benchType fills buf with rows of type t and times MatVec (or MatVecF32);
// the caller fills in the read reference.
func benchType(p *parallel.Pool, th int, t tensor.DType, o BenchOptions, buf []byte) BenchResult {
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
	op := opFor(t)
	var f func()
	if op == "matvec" {
		a := make([]byte, ActBytes(t, o.Cols))
		QuantizeAct(t, x, a)
		f = func() { MatVecPool(p, t, w, rows, o.Cols, a, out) }
	} else {
		f = func() { MatVecF32Pool(p, t, w, rows, o.Cols, x, out) }
	}
	gbs := measure(o.Duration, int64(rows*rb), f)
	return BenchResult{Type: typeName(t), Op: op, Threads: th, GBs: round3(gbs)}
}

func scaled(x []float32, s float32) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = v * s
	}
	return y
}

// measure runs f (which touches bytes bytes) at least twice and for at
// least d, returning the best pass's GB/s.
func measure(d time.Duration, bytes int64, f func()) float64 {
	f() // warm up: page faults, caches
	best := time.Duration(math.MaxInt64)
	start := time.Now()
	for n := 0; n < 2 || time.Since(start) < d; n++ {
		t0 := time.Now()
		f()
		best = min(best, time.Since(t0))
	}
	return float64(bytes) / best.Seconds() / 1e9
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
