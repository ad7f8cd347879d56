package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Config sizes a Pool. The zero value means one worker per CPU the Go
// runtime may use (runtime.GOMAXPROCS, which honours cgroup CPU quotas),
// unpinned.
type Config struct {
	// Workers is the number of threads that run work, the calling
	// goroutine included. 0 means len(CPUs) when CPUs is set, else
	// runtime.GOMAXPROCS(0).
	Workers int
	// CPUs, when set, pins worker i (i >= 1; worker 0 is the caller) to
	// CPU CPUs[i % len(CPUs)], e.g. the big cores of a big.LITTLE board.
	// Pinning is best-effort: failures are reported by Pool.PinErr.
	CPUs []int
}

// Pool is a persistent set of worker goroutines. A nil *Pool is valid and
// runs everything on the calling goroutine. Run calls on one Pool are
// serialized (a second caller waits); Close releases the workers.
type Pool struct {
	mu      sync.Mutex // serializes Run
	workers int
	wake    []chan struct{} // one per helper goroutine
	done    sync.WaitGroup
	closed  bool

	// The current job, written by Run before the wake-ups and read by
	// helpers after them (the channel operations order the accesses).
	fn    func(lo, hi int)
	n     int
	grain int
	next  atomic.Int64

	pinMu  sync.Mutex
	pinErr error
}

// New starts a pool of cfg.Workers-1 helper goroutines (the caller of Run
// is the first worker). The caller owns the pool and must Close it.
func New(cfg Config) *Pool {
	w := cfg.Workers
	if w <= 0 {
		w = len(cfg.CPUs)
	}
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	p := &Pool{workers: w, wake: make([]chan struct{}, w-1)}
	for i := range p.wake {
		p.wake[i] = make(chan struct{}, 1)
		cpu := -1
		if len(cfg.CPUs) > 0 {
			cpu = cfg.CPUs[(i+1)%len(cfg.CPUs)]
		}
		go p.helper(p.wake[i], cpu)
	}
	return p
}

// Workers returns the number of threads that run work (1 for a nil pool).
func (p *Pool) Workers() int {
	if p == nil {
		return 1
	}
	return p.workers
}

// PinErr returns the first CPU pinning failure, or nil. Safe for concurrent
// use.
func (p *Pool) PinErr() error {
	if p == nil {
		return nil
	}
	p.pinMu.Lock()
	defer p.pinMu.Unlock()
	return p.pinErr
}

func (p *Pool) setPinErr(err error) {
	p.pinMu.Lock()
	if p.pinErr == nil {
		p.pinErr = err
	}
	p.pinMu.Unlock()
}

// Close stops the helpers. The pool must not be used afterwards; Close is
// idempotent and a nil pool's Close does nothing.
func (p *Pool) Close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	for _, c := range p.wake {
		close(c)
	}
}

func (p *Pool) helper(wake chan struct{}, cpu int) {
	if cpu >= 0 {
		runtime.LockOSThread()
		if err := pin(cpu); err != nil {
			p.setPinErr(err)
		}
	}
	for range wake {
		p.work()
		p.done.Done()
	}
}

// work takes chunks of the current job until none is left.
func (p *Pool) work() {
	n, g := int64(p.n), int64(p.grain)
	for {
		lo := p.next.Add(g) - g
		if lo >= n {
			return
		}
		p.fn(int(lo), int(min(lo+g, n)))
	}
}

// Grain returns the chunk size Run uses for n items: about four chunks
// per worker, rounded up to a multiple of align (align <= 1 means 1).
func (p *Pool) Grain(n, align int) int {
	align = max(align, 1)
	g := (n + 4*p.Workers() - 1) / (4 * p.Workers())
	g = (g + align - 1) / align * align
	return max(g, align)
}

// Run calls fn(lo, hi) on disjoint chunks of [0, n) that cover it, on up
// to Workers threads, and returns when all calls have returned. The chunks
// are [k*g, min((k+1)*g, n)) for g = Grain(n, 1). fn must be safe to call
// concurrently on disjoint ranges and must not call Run on the same pool.
// Run allocates nothing (a closure literal
// that captures variables is allocated by the caller when it is made).
func (p *Pool) Run(n int, fn func(lo, hi int)) {
	p.RunGrain(n, p.Grain(n, 1), fn)
}

// RunGrain is Run with chunks of exactly grain items (the last may be
// shorter). A nil pool, a single worker or a single chunk runs fn(0, n) in
// chunks on the calling goroutine.
func (p *Pool) RunGrain(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	grain = max(grain, 1)
	if p == nil || p.workers == 1 || n <= grain {
		for lo := 0; lo < n; lo += grain {
			fn(lo, min(lo+grain, n))
		}
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed { // after Close: run inline
		for lo := 0; lo < n; lo += grain {
			fn(lo, min(lo+grain, n))
		}
		return
	}
	p.fn, p.n, p.grain = fn, n, grain
	p.next.Store(0)
	helpers := min(len(p.wake), (n+grain-1)/grain-1)
	p.done.Add(helpers)
	for _, c := range p.wake[:helpers] {
		c <- struct{}{}
	}
	p.work()
	p.done.Wait()
	p.fn = nil
}
