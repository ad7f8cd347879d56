package edge

import (
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/edgemoe/edgemoe/attention"
	"github.com/edgemoe/edgemoe/expertcache"
	"github.com/edgemoe/edgemoe/internal/gguf"
	"github.com/edgemoe/edgemoe/internal/model"
	"github.com/edgemoe/edgemoe/internal/parallel"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
	"github.com/edgemoe/edgemoe/pager"
)

// Config configures Open: one documented struct, every field optional.
// The zero value runs with llama.cpp-matching precision, an f32 KV cache,
// the model's training context, a budget derived from the cgroup limit or
// MemAvailable, the mmap pager, LRU eviction and one layer of prefetch.
type Config struct {
	// Precision selects how activations meet quantized weights.
	Precision model.Precision
	// KV is the latent KV cache element type.
	KV attention.KVType
	// Context is the number of positions a session holds; 0 means the
	// model's training context, capped at 4096.
	Context int
	// Budget is the memory budget in bytes for everything the process makes
	// resident (weights, KV cache, scratch, expert cache, page cache it
	// causes); 0 derives it from the cgroup limit or MemAvailable.
	Budget int64
	// BudgetSource names where Budget came from, for the printed plan
	// ("--mem" when empty).
	BudgetSource string
	// Pager is "mmap" (default) or "direct" (O_DIRECT reads into an owned
	// arena).
	Pager string
	// Prefetch is how many layers ahead the router predictions look; 0
	// means the default of 1, negative disables prefetch.
	Prefetch int
	// PrefetchFixed keeps prefetch on for every decode token. When false
	// (the default) a controller times decode tokens (forwards of one token
	// run through a Session), alternating windows with prefetch on and
	// off, and keeps it off for a while when off was measurably faster;
	// prefill chunks always prefetch. For tests and experiments that need
	// prefetch's effect alone. No effect when Prefetch is negative.
	PrefetchFixed bool
	// PrefetchAB measures instead of deciding: the controller explores for
	// the whole run (decode tokens alternate windows with prefetch on and
	// off) and keeps every off window's time over its on neighbours'
	// (Model.PrefetchAB). For benchmarks: half the decode runs without
	// prefetch. Ignored with PrefetchFixed or prefetch disabled.
	PrefetchAB bool
	// CachePolicy is "lru" (default), "lfu", "arc" or "protect-lfu".
	CachePolicy string
	// IOWorkers is the number of prefetch I/O goroutines; 0 means 2.
	IOWorkers int
	// PrefillChunk is the number of prompt tokens run per forward pass
	// (each touched expert is loaded once per chunk); 0 means 64.
	PrefillChunk int
	// LoadAhead is how many of a layer's experts may be loading while an
	// earlier one computes (parallel demand reads); 0 means 4, negative
	// loads one at a time.
	LoadAhead int
	// Threads computing the matrix products; 0 means one per CPU the
	// process may use (GOMAXPROCS, which honours cgroup CPU quotas). The
	// output does not depend on it.
	Threads int
	// CPUs pins the compute threads to these CPUs (e.g. a big.LITTLE
	// board's big cores), best effort; empty means no pinning.
	CPUs []int
}

func (c *Config) defaults(m *model.Config) {
	if c.Context <= 0 {
		c.Context = min(m.ContextLen, 4096)
	}
	if c.Prefetch == 0 {
		c.Prefetch = 1
	}
	if c.PrefillChunk <= 0 {
		c.PrefillChunk = 64
	}
	if c.LoadAhead == 0 {
		c.LoadAhead = 4
	}
}

// Model is an open model file with its memory plan, pager and expert
// cache. Close releases everything; sessions must not be used after Close.
// Safe for concurrent use by several Sessions (NewChatSession): their
// forwards run one at a time, since the prefetcher follows one forward and
// its controller times them. Sessions from NewSession bypass that lock and
// must not run forwards concurrently with any other session of the Model.
type Model struct {
	Path  string
	File  *gguf.File
	Model *model.Model
	Plan  *Plan
	cfg   Config
	pf    *pager.File
	cache *expertcache.Cache
	pre   *prefetcher
	arena *pager.Arena
	loads *loadPool
	src   *expertSource
	pool  *parallel.Pool
	// fwd serializes the forwards of the Model's Sessions.
	fwd sync.Mutex

	tokOnce sync.Once
	tok     *tokenizer.Tokenizer
	tokErr  error
}

// Open parses, maps and binds the model at path, plans the budget and
// starts the expert cache.
func Open(path string, cfg Config) (_ *Model, err error) {
	gf, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	backend, err := parseBackend(cfg.Pager)
	if err != nil {
		return nil, err
	}
	pf, err := pager.Open(path, pager.Config{Backend: backend})
	if err != nil {
		return nil, fmt.Errorf("open model: %w", err)
	}
	m := &Model{Path: path, File: gf, pf: pf}
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	mm, err := model.New(gf, pf.Mapping())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	mm.Prec = cfg.Precision
	cfg.defaults(mm.Cfg)
	m.pool = parallel.New(parallel.Config{Workers: cfg.Threads, CPUs: cfg.CPUs})
	mm.Pool = m.pool
	m.Model, m.cfg = mm, cfg
	sizes := mm.ComputeSizes(gf)
	budget, source := cfg.Budget, cfg.BudgetSource
	if source == "" {
		source = "--mem"
	}
	if budget <= 0 {
		budget, source = DefaultBudget()
	}
	if m.Plan, err = MakePlan(mm, sizes, budget, source, cfg.Context, cfg.KV, cfg.PrefillChunk); err != nil {
		return nil, err
	}
	if err := m.pinResident(); err != nil {
		return nil, err
	}
	if err := m.startCache(backend == pager.Direct); err != nil {
		return nil, err
	}
	m.setMemoryLimit()
	m.installHooks()
	return m, nil
}

func parseBackend(s string) (pager.Backend, error) {
	switch strings.ToLower(s) {
	case "", "mmap":
		return pager.Mmap, nil
	case "direct":
		return pager.Direct, nil
	}
	return 0, fmt.Errorf("pager %q: want mmap or direct", s)
}

// ParsePolicy maps a --cache-policy name to a policy.
func ParsePolicy(s string) (expertcache.Policy, error) {
	switch strings.ToLower(s) {
	case "", "lru":
		return expertcache.NewLRU(), nil
	case "lfu":
		return expertcache.NewLFU(), nil
	case "arc":
		return expertcache.NewARC(), nil
	case "protect-lfu":
		return expertcache.NewProtectPredicted(expertcache.NewLFU()), nil
	case "protect-lru":
		return expertcache.NewProtectPredicted(expertcache.NewLRU()), nil
	}
	return nil, fmt.Errorf("cache policy %q: want lru, lfu, arc, protect-lru or protect-lfu", s)
}

// pinResident pins the pages of every non-routed tensor in the pager, so
// dropping an evicted expert never drops a page a resident neighbour
// shares.
func (m *Model) pinResident() error {
	routed := map[string]bool{}
	for _, L := range m.Model.W.Layers {
		if L.GateExps != nil {
			routed[L.GateExps.Name], routed[L.UpExps.Name], routed[L.DownExps.Name] = true, true, true
		}
	}
	var rs []pager.Range
	for i := range m.File.Tensors {
		t := &m.File.Tensors[i]
		if routed[t.Name] || t.Size == 0 {
			continue
		}
		off, n := m.File.TensorRange(t)
		rs = append(rs, pager.Range{Off: off, Len: n})
	}
	return m.pf.Pin(rs)
}

func (m *Model) startCache(direct bool) error {
	if m.Plan.RoutedTotal == 0 {
		return nil
	}
	policy, err := ParsePolicy(m.cfg.CachePolicy)
	if err != nil {
		return err
	}
	m.src = newExpertSource(m.pf, m.Model.W, direct)
	cc := expertcache.Config{Budget: m.Plan.ExpertCache, Policy: policy, Source: m.src, IOWorkers: m.cfg.IOWorkers}
	if direct {
		// O_DIRECT reads cost little CPU and gain from queue depth.
		cc.PrefetchInFlight = max(m.cfg.IOWorkers, 2)
	} else {
		// mmap loads spend CPU in madvise (page-cache fill, mapping): one
		// prefetch at a time, on a low-priority thread, so that it uses
		// idle CPU rather than the compute threads'.
		cc.WorkerStart = lowPriorityIO
	}
	if direct {
		if m.arena, err = pager.NewArena(m.Plan.ExpertCache); err != nil {
			return fmt.Errorf("expert arena: %w", err)
		}
		cc.Allocator = arenaAllocator{m.arena}
	}
	if m.cache, err = expertcache.New(cc); err != nil {
		return err
	}
	// Experts loading ahead of the one in use, bounded so that the pins
	// held at once (window + the one computing) leave the budget room.
	capacity := m.Plan.ExpertCache / max(m.Plan.OneExpert, 1)
	window := int(min(int64(m.cfg.LoadAhead), capacity-2))
	if window < 1 {
		m.Model.Experts = cachedExperts{m.cache}
		return nil
	}
	m.loads = newLoadPool(m.cache, window, window)
	m.Model.Experts = asyncExperts{cachedExperts{m.cache}, m.loads}
	return nil
}

// arenaAllocator lends the direct backend's page-aligned arena to the
// cache; it falls back to the heap if fragmentation leaves no room.
type arenaAllocator struct{ a *pager.Arena }

func (a arenaAllocator) Alloc(n int) []byte {
	if b, err := a.a.Alloc(int64(n)); err == nil {
		return b
	}
	return make([]byte, n)
}

func (a arenaAllocator) Free(b []byte) { _ = a.a.Free(b) } // heap fallbacks are refused; the GC takes them

// setMemoryLimit tells the Go runtime how much heap the plan allows, so the
// collector works before the cgroup would.
func (m *Model) setMemoryLimit() {
	p := m.Plan
	debug.SetMemoryLimit(p.KV + p.Scratch + p.Headroom/2)
}

func (m *Model) installHooks() {
	if m.cache == nil {
		return
	}
	if m.cfg.Prefetch > 0 {
		m.pre = newPrefetcher(m.Model, m.cache, m.cfg.Prefetch, m.cfg.PrefetchFixed, m.cfg.PrefetchAB)
		m.Model.Hooks.BeforeLayer = m.pre.beforeLayer
		m.Model.Hooks.Routed = m.pre.routed
	}
}

// Threads is the number of compute threads.
func (m *Model) Threads() int { return m.pool.Workers() }

// Close stops the expert cache and unmaps the file.
func (m *Model) Close() error {
	var errs []error
	if m.loads != nil {
		m.loads.close()
	}
	if m.cache != nil {
		errs = append(errs, m.cache.Close())
	}
	if m.arena != nil {
		errs = append(errs, m.arena.Close())
	}
	if m.pf != nil {
		errs = append(errs, m.pf.Close())
	}
	if m.pool != nil {
		m.pool.Close()
	}
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// NewSession starts a sequence with room for ctx positions (0: the
// configured context). Its forwards are not serialized with other
// sessions' nor timed by the prefetch controller (prefetch stays on);
// NewChatSession's are.
func (m *Model) NewSession(ctx int) *model.Session {
	if ctx <= 0 {
		ctx = m.cfg.Context
	}
	return m.Model.NewSession(ctx, m.cfg.KV)
}
