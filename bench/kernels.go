package bench

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/edgemoe/edgemoe/internal/kernels"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

// KernelOptions configures a kernel benchmark. The zero value measures
// DefaultKernelTypes at 1 and GOMAXPROCS threads for about 0.2 s each.
type KernelOptions struct {
	Types    []string      // weight types, e.g. "q4_k"
	Threads  []int         // thread counts to try
	MinTime  time.Duration // per measurement
	MatBytes int64         // weight matrix size; large enough to leave the caches
}

// KernelResult is one measured kernel: op over a matrix of Type at Threads.
type KernelResult struct {
	Type    string  `json:"type"`
	Op      string  `json:"op"`
	Threads int     `json:"threads"`
	GBps    float64 `json:"weight_gb_per_s"` // weight bytes consumed per second
	Impl    string  `json:"impl,omitempty"`
}

// KernelReport is the kernel section of a bench result.
type KernelReport struct {
	Source   string            `json:"source"`        // which benchmark produced it
	ReadGBps float64           `json:"read_gb_per_s"` // plain memory read in the same run
	Impl     map[string]string `json:"impl,omitempty"`
	Results  []KernelResult    `json:"results"`
}

// Best returns the highest GB/s measured for type t (0 when absent).
func (r KernelReport) Best(t string) float64 {
	b := 0.0
	for _, x := range r.Results {
		if x.Type == t {
			b = max(b, x.GBps)
		}
	}
	return b
}

// DefaultKernelTypes are the weight types a kernel report covers.
var DefaultKernelTypes = []string{"q4_k", "q6_k", "q8_0", "q4_0", "q5_0", "f16"}

// KernelBench measures kernel throughput. It is a variable so the
// kernels package's own benchmark can replace the fallback; set it before
// running the suite (not safe to change concurrently with Run).
var KernelBench func(ctx context.Context, o KernelOptions) (KernelReport, error) = MatVecBench

// MatVecBench is the fallback kernel benchmark: it times kernels.MatVec
// (weights against activations from kernels.QuantizeAct) over a random
// matrix of o.MatBytes, rows split across threads, and a plain read probe
// over a buffer of the same size.
func MatVecBench(ctx context.Context, o KernelOptions) (KernelReport, error) {
	o = o.withDefaults()
	rep := KernelReport{Source: "bench.MatVecBench (kernels.MatVec, rows split across goroutines)"}
	rep.ReadGBps = MemReadGBps(o.MatBytes, runtime.GOMAXPROCS(0), o.MinTime)
	for _, name := range o.Types {
		dt, err := tensor.ParseDType(name)
		if err != nil || !kernels.HasDot(dt) {
			continue
		}
		m := newBenchMatrix(dt, o.MatBytes)
		for _, th := range o.Threads {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			gbps := m.measure(th, o.MinTime)
			rep.Results = append(rep.Results, KernelResult{Type: name, Op: "matvec", Threads: th, GBps: gbps})
		}
	}
	return rep, nil
}

func (o KernelOptions) withDefaults() KernelOptions {
	if len(o.Types) == 0 {
		o.Types = DefaultKernelTypes
	}
	if len(o.Threads) == 0 {
		o.Threads = []int{1}
		if n := runtime.GOMAXPROCS(0); n > 1 {
			o.Threads = append(o.Threads, n)
		}
	}
	if o.MinTime <= 0 {
		o.MinTime = 200 * time.Millisecond
	}
	if o.MatBytes <= 0 {
		o.MatBytes = 64 << 20
	}
	return o
}

type benchMatrix struct {
	dt         tensor.DType
	w, act     []byte
	rows, cols int
	rowBytes   int
}

// newBenchMatrix builds about size bytes of rows of dt from a few
// quantized random rows, repeated (the kernels see real block contents).
func newBenchMatrix(dt tensor.DType, size int64) *benchMatrix {
	const cols = 4096
	rb := cols / dt.BlockSize() * dt.BlockBytes()
	rows := max(int(size/int64(rb)), 64)
	rng := rand.New(rand.NewPCG(1, uint64(dt)))
	x := make([]float32, cols)
	const distinct = 16
	proto := make([]byte, distinct*rb)
	for r := range distinct {
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 0.05)
		}
		kernels.QuantizeRow(dt, x, proto[r*rb:(r+1)*rb])
	}
	w := make([]byte, rows*rb)
	for off := 0; off < len(w); off += len(proto) {
		copy(w[off:], proto)
	}
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	act := make([]byte, kernels.ActBytes(dt, cols))
	kernels.QuantizeAct(dt, x, act)
	return &benchMatrix{dt: dt, w: w, act: act, rows: rows, cols: cols, rowBytes: rb}
}

// measure runs whole matvecs split over th goroutines until minTime has
// passed and returns weight GB/s.
func (m *benchMatrix) measure(th int, minTime time.Duration) float64 {
	out := make([]float32, m.rows)
	pass := func() {
		var wg sync.WaitGroup
		per := (m.rows + th - 1) / th
		for lo := 0; lo < m.rows; lo += per {
			hi := min(lo+per, m.rows)
			wg.Add(1)
			go func() {
				defer wg.Done()
				kernels.MatVec(m.dt, m.w[lo*m.rowBytes:hi*m.rowBytes], hi-lo, m.cols, m.act, out[lo:hi])
			}()
		}
		wg.Wait()
	}
	pass() // warm up
	start := time.Now()
	n := 0
	for time.Since(start) < minTime || n == 0 {
		pass()
		n++
	}
	return float64(n) * float64(len(m.w)) / time.Since(start).Seconds() / 1e9
}
