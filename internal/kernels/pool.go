package kernels

import (
	"fmt"
	"sync"

	"github.com/edgemoe/edgemoe/internal/parallel"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

// rowGrain is the row-chunk alignment of the pool-aware kernels: a multiple
// of the 4-row kernels' width, so chunks split no 4-row group.
const rowGrain = 4

// mulJob is one pool-aware product; jobs are recycled through jobs so a
// call allocates nothing (run is bound once, when the job is made).
type mulJob struct {
	o      *typeOps
	w      []byte
	rb, nb int
	rows   int
	a      []byte // T activation rows of aStride bytes (quantized path)
	x      []float32
	cols   int // float path: T rows of cols
	T      int
	aStr   int
	out    []float32 // T rows of rows outputs
	run    func(lo, hi int)
}

var jobs = sync.Pool{New: func() any {
	j := new(mulJob)
	j.run = j.do
	return j
}}

// do computes output rows [lo, hi) for every activation row: the weight
// rows of the chunk are read from memory once and reused from cache for
// the T activation rows.
func (j *mulJob) do(lo, hi int) {
	w := j.w[lo*j.rb : hi*j.rb]
	for t := 0; t < j.T; t++ {
		out := j.out[t*j.rows+lo : t*j.rows+hi]
		if j.x != nil {
			j.o.matVecF32Rows(w, j.rb, j.x[t*j.cols:(t+1)*j.cols], out)
		} else {
			j.o.matVecRows(w, j.rb, j.a[t*j.aStr:(t+1)*j.aStr], j.nb, out)
		}
	}
}

func runJob(p *parallel.Pool, j *mulJob, grain int) {
	p.RunGrain(j.rows, grain, j.run)
	*j = mulJob{run: j.run}
	jobs.Put(j)
}

// grainRows is the chunk size for rows of rb bytes and T activation rows:
// about 4 chunks per worker, at most ~64 KiB of weights per chunk when
// T > 1 (so the chunk stays in L2 while the activations stream past),
// aligned to rowGrain.
func grainRows(p *parallel.Pool, rows, rb, T int) int {
	g := p.Grain(rows, rowGrain)
	if T > 1 {
		g = min(g, max(rowGrain, (64<<10)/max(rb, 1)/rowGrain*rowGrain))
	}
	return g
}

// MatVecPool is MatVec with the rows split across p's workers (a nil p
// runs on the caller). Each row is computed by exactly one worker with the
// same kernel, so out is bit-identical to MatVec's whatever the worker
// count. It allocates nothing; it is safe for concurrent use on disjoint
// outputs (calls on one pool are serialized by the pool).
func MatVecPool(p *parallel.Pool, t tensor.DType, w []byte, rows, cols int, a []byte, out []float32) {
	MatMul(p, t, w, rows, cols, a, 1, out)
}

// MatVecF32Pool is MatVecF32 with the rows split across p's workers; out
// is bit-identical to MatVecF32's.
func MatVecF32Pool(p *parallel.Pool, t tensor.DType, w []byte, rows, cols int, x []float32, out []float32) {
	MatMulF32(p, t, w, rows, cols, x, 1, out)
}

// MatMul computes T matrix-vector products with one weight matrix, for
// prefill: a holds T activation rows, each ActBytes(t, cols) bytes
// quantized to DotType(t), and out[i*rows+r] = Dot(t, row r, activation
// row i). Weight rows are read once per call and dotted with all T
// activation rows; out is bit-identical to T separate MatVec calls.
func MatMul(p *parallel.Pool, t tensor.DType, w []byte, rows, cols int, a []byte, T int, out []float32) {
	o := lookup(t, "matmul")
	nb := o.blocks(cols, "matmul")
	if o.dot == nil {
		panic(fmt.Sprintf("kernels: matmul: %v is not a weight type", t))
	}
	rb := nb * o.blockBytes
	as := ActBytes(t, cols)
	checkMin("matmul", "weights", len(w), rows*rb)
	checkMin("matmul", "activations", len(a), T*as)
	checkMin("matmul", "out", len(out), T*rows)
	if rows <= 0 || T <= 0 {
		return
	}
	j := jobs.Get().(*mulJob)
	j.o, j.w, j.rb, j.nb, j.rows, j.a, j.T, j.aStr, j.out = o, w, rb, nb, rows, a, T, as, out
	runJob(p, j, grainRows(p, rows, rb, T))
}

// MatMulF32 is MatMul for float32 activations: x holds T rows of cols
// values and out[i*rows+r] = DotF32(t, row r, x row i), bit-identical to T
// MatVecF32 calls.
func MatMulF32(p *parallel.Pool, t tensor.DType, w []byte, rows, cols int, x []float32, T int, out []float32) {
	o := lookup(t, "matmulf32")
	nb := o.blocks(cols, "matmulf32")
	rb := nb * o.blockBytes
	checkMin("matmulf32", "weights", len(w), rows*rb)
	checkMin("matmulf32", "x", len(x), T*cols)
	checkMin("matmulf32", "out", len(out), T*rows)
	if rows <= 0 || T <= 0 || cols == 0 {
		if rows > 0 && T > 0 {
			clear(out[:T*rows])
		}
		return
	}
	j := jobs.Get().(*mulJob)
	j.o, j.w, j.rb, j.nb, j.rows, j.x, j.cols, j.T, j.out = o, w, rb, nb, rows, x, cols, T, out
	runJob(p, j, grainRows(p, rows, rb, T))
}
