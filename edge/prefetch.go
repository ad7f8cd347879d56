package edge

import (
	"sync"
	"time"

	"github.com/edgemoe/edgemoe/expertcache"
	"github.com/edgemoe/edgemoe/internal/model"
)

// prefetcher applies the routers of the next layers to the hidden state
// entering each layer (the "stale gate") and queues loads of the experts
// they predict, below demand loads. When a layer's real routing is known, it
// scores the prediction and cancels queued loads for that layer and earlier
// ones. It does no prediction work for a layer whose experts are all
// resident (nothing it could predict can miss) or that has not missed for a
// while, and stops issuing loads for a layer whose recent precision is low
// (see governor). For decode tokens (forwards of one token) a controller
// (prefetchCtl) that times them decides whether it works at all; prefill
// chunks always prefetch. It runs on the forward goroutine: the Model runs
// one forward at a time.
type prefetcher struct {
	m     *model.Model
	c     *expertcache.Cache
	depth int
	// maxTokens bounds the tokens of a prefill chunk it predicts for.
	maxTokens int

	p         *model.Predictor
	sel       []int32
	predicted [][]bool // [layer][expert]: predicted for the current batch
	scored    []bool   // [layer]: predictions were made for the current batch
	gov       *governor
	// ctl decides per decode token; nil keeps prefetch on
	// (Config.PrefetchFixed).
	ctl *prefetchCtl
	// skip is set for a decode token the controller runs without
	// prefetch: no prediction, no scoring, nothing fed to the governor.
	skip bool

	mu    sync.Mutex
	stats []PredictionStats // per layer

	// keepAbove and keep implement CancelPrefetches' filter without a
	// closure per layer (the decode path does not allocate).
	keepAbove int
	keep      func(expertcache.Key) bool
}

// PredictionStats scores one layer's predictions: precision is
// Correct/Predicted, recall Correct/Actual.
type PredictionStats struct {
	Predicted uint64 `json:"predicted"`
	Actual    uint64 `json:"actual"`
	Correct   uint64 `json:"correct"`
}

func newPrefetcher(m *model.Model, c *expertcache.Cache, depth int, fixed, ab bool) *prefetcher {
	cfg := m.Cfg
	p := &prefetcher{m: m, c: c, depth: depth, maxTokens: 16, p: m.NewPredictor(),
		sel: make([]int32, cfg.ExpertsUsed), predicted: make([][]bool, cfg.Layers),
		scored: make([]bool, cfg.Layers), gov: newGovernor(cfg.Layers),
		stats: make([]PredictionStats, cfg.Layers)}
	for l := range p.predicted {
		if cfg.IsMoE(l) {
			p.predicted[l] = make([]bool, cfg.Experts)
		}
	}
	p.keep = p.later
	if !fixed {
		p.ctl = newPrefetchCtl(ab)
	}
	return p
}

// decodeDone reports the duration of a decode token's forward (one token,
// the Model's forward lock held) and its expert-load stall to the
// controller.
func (p *prefetcher) decodeDone(d, stall time.Duration) {
	if p.ctl != nil {
		p.ctl.done(d, stall)
	}
}

// beforeLayer predicts layers l..l+depth-1 from the state entering layer l.
func (p *prefetcher) beforeLayer(l int, x []float32, T int) {
	// The arm changes only between forwards, so every layer of a forward
	// sees the same one.
	if p.skip = T == 1 && p.ctl != nil && !p.ctl.prefetch(); p.skip {
		return
	}
	E := p.m.Cfg.Embd
	first := max(0, T-p.maxTokens)
	for d := 0; d < p.depth; d++ {
		target := l + d
		if target >= len(p.predicted) || p.predicted[target] == nil {
			continue
		}
		if !p.gov.predict(target) || p.c.LayerResident(int32(target)) >= len(p.predicted[target]) {
			continue // no recent miss, or every expert resident: little or nothing to save
		}
		p.scored[target] = true
		issue := p.gov.allow(target)
		for t := first; t < T; t++ {
			if !p.p.Predict(target, x[t*E:(t+1)*E], p.sel) {
				break
			}
			for _, e := range p.sel {
				p.predicted[target][e] = true
				if issue {
					p.c.Prefetch(expertcache.Key{Layer: int32(target), Expert: e})
				}
			}
		}
	}
}

// routed scores layer l's predictions against its routing, feeds the
// governor and cancels the queued prefetches that can no longer help.
func (p *prefetcher) routed(l int, sel []int32) {
	pred := p.predicted[l]
	if pred == nil || p.skip {
		return
	}
	p.gov.routedMisses(l, p.c.LayerMisses(int32(l)))
	if !p.scored[l] {
		return // nothing was predicted for l (wholly resident), so nothing is queued
	}
	p.scored[l] = false
	var actual [256]bool
	seen := actual[:0]
	if len(pred) <= len(actual) {
		seen = actual[:len(pred)]
	} else {
		seen = make([]bool, len(pred))
	}
	var st PredictionStats
	for _, e := range sel {
		if !seen[e] {
			seen[e] = true
			st.Actual++
			if pred[e] {
				st.Correct++
			}
		}
	}
	for e, ok := range pred {
		if ok {
			st.Predicted++
			pred[e] = false
		}
	}
	p.gov.observe(l, st.Predicted, st.Correct)
	p.mu.Lock()
	s := &p.stats[l]
	s.Predicted += st.Predicted
	s.Actual += st.Actual
	s.Correct += st.Correct
	p.mu.Unlock()
	p.keepAbove = l
	p.c.CancelPrefetches(p.keep)
}

// later keeps prefetches for layers after the one just routed.
func (p *prefetcher) later(k expertcache.Key) bool { return int(k.Layer) > p.keepAbove }

func (p *prefetcher) snapshot() []PredictionStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]PredictionStats(nil), p.stats...)
}
