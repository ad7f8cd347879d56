package edge

import (
	"time"

	"github.com/edgemoe/edgemoe/pager"
)

// LayerPaging is one MoE layer's expert-cache and prediction figures.
type LayerPaging struct {
	Layer     int     `json:"layer"`
	Hits      uint64  `json:"hits"`
	Misses    uint64  `json:"misses"`
	Precision float64 `json:"prefetch_precision"` // predicted experts the layer then used
	Recall    float64 `json:"prefetch_recall"`    // used experts that had been predicted
}

// PagingStats is a snapshot of the paging figures since Open. It is a value
// the caller owns.
type PagingStats struct {
	Budget            int64   `json:"budget_bytes"`
	ResidentWeights   int64   `json:"resident_weight_bytes"`
	KVBytes           int64   `json:"kv_bytes"`
	ExpertCacheBudget int64   `json:"expert_cache_budget_bytes"`
	ExpertCacheUsed   int64   `json:"expert_cache_used_bytes"`
	ExpertCachePeak   int64   `json:"expert_cache_peak_bytes"`
	Hits              uint64  `json:"hits"`
	Misses            uint64  `json:"misses"`
	HitRate           float64 `json:"hit_rate"`
	Evictions         uint64  `json:"evictions"`
	PrefetchIssued    uint64  `json:"prefetch_issued"`
	PrefetchUsed      uint64  `json:"prefetch_used"`
	PrefetchWasted    uint64  `json:"prefetch_wasted"`
	PrefetchCancelled uint64  `json:"prefetch_cancelled"`
	PrefetchDropped   uint64  `json:"prefetch_dropped"`
	Precision         float64 `json:"prefetch_precision"`
	Recall            float64 `json:"prefetch_recall"`
	// PrefetchOffTokens counts the decode tokens the prefetch controller
	// ran without prefetch (exploring or having found off faster);
	// PrefetchDecisions the explorations it completed.
	PrefetchOffTokens uint64 `json:"prefetch_off_tokens"`
	PrefetchDecisions uint64 `json:"prefetch_decisions"`
	BytesRead         int64  `json:"expert_bytes_read"`
	// Stall is the time the forward pass waited for experts; LoadTime the
	// time loads took (summed over parallel loads).
	Stall    time.Duration `json:"io_stall_ns"`
	LoadTime time.Duration `json:"load_time_ns"`
	// IOBusy is the time at least one expert load was in flight;
	// BytesRead/IOBusy is the storage bandwidth the loads achieved.
	IOBusy        time.Duration `json:"io_busy_ns"`
	MajorFaults   uint64        `json:"major_faults"`
	ProcReadBytes uint64        `json:"process_read_bytes"`
	RSS           int64         `json:"rss_bytes"`
	PeakRSS       int64         `json:"peak_rss_bytes"`
	Layers        []LayerPaging `json:"layers,omitempty"`
}

// PrefetchAB returns what Config.PrefetchAB has measured so far (the
// zero value without it). Safe for concurrent use.
func (m *Model) PrefetchAB() ABStats {
	if m.pre == nil || m.pre.ctl == nil || !m.pre.ctl.ab {
		return ABStats{}
	}
	return m.pre.ctl.abSnapshot()
}

// stallTotal is the time forwards have waited for expert loads so far.
func (m *Model) stallTotal() time.Duration {
	if m.loads == nil {
		return 0
	}
	return time.Duration(m.loads.stall.Load())
}

// Stats returns the paging figures. Safe for concurrent use.
func (m *Model) Stats() PagingStats {
	s := PagingStats{Budget: m.Plan.Budget, ResidentWeights: m.Plan.Resident, KVBytes: m.Plan.KV,
		ExpertCacheBudget: m.Plan.ExpertCache}
	if io, err := pager.ProcessIO(); err == nil {
		s.MajorFaults, s.ProcReadBytes = io.MajorFaults, io.ReadBytes
		s.RSS, s.PeakRSS = int64(io.RSSBytes), int64(io.PeakRSSBytes)
	}
	if m.cache == nil {
		return s
	}
	c := m.cache.Stats()
	s.ExpertCacheUsed, s.ExpertCachePeak = c.Used, c.MaxUsed
	s.Hits, s.Misses, s.HitRate, s.Evictions = c.Hits, c.Misses, c.HitRate(), c.Evictions
	s.PrefetchIssued, s.PrefetchUsed, s.PrefetchWasted = c.PrefetchIssued, c.PrefetchUsed, c.PrefetchWasted
	s.PrefetchCancelled, s.PrefetchDropped = c.PrefetchCancelled, c.PrefetchDropped
	s.BytesRead, s.Stall, s.LoadTime = c.BytesLoaded, c.Stall, c.Stall
	if m.src != nil {
		s.IOBusy = m.src.busy.Busy()
	}
	if m.loads != nil {
		s.Stall = m.stallTotal()
	}
	var pred []PredictionStats
	if m.pre != nil {
		pred = m.pre.snapshot()
		if c := m.pre.ctl; c != nil {
			s.PrefetchOffTokens, s.PrefetchDecisions = c.offTokens.Load(), c.decisions.Load()
		}
	}
	var tp, tc, ta uint64
	for l, ls := range c.Layers {
		if !m.Model.Cfg.IsMoE(l) {
			continue
		}
		lp := LayerPaging{Layer: l, Hits: ls.Hits, Misses: ls.Misses}
		if l < len(pred) {
			p := pred[l]
			lp.Precision, lp.Recall = ratio(p.Correct, p.Predicted), ratio(p.Correct, p.Actual)
			tp, tc, ta = tp+p.Predicted, tc+p.Correct, ta+p.Actual
		}
		s.Layers = append(s.Layers, lp)
	}
	s.Precision, s.Recall = ratio(tc, tp), ratio(tc, ta)
	return s
}

func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Sub returns the change from prev to s of the cumulative counters (gauges
// keep s's values): the figures of one token or one request.
func (s PagingStats) Sub(prev PagingStats) PagingStats {
	d := s
	d.Hits -= prev.Hits
	d.Misses -= prev.Misses
	d.HitRate = ratio(d.Hits, d.Hits+d.Misses)
	d.Evictions -= prev.Evictions
	d.PrefetchIssued -= prev.PrefetchIssued
	d.PrefetchUsed -= prev.PrefetchUsed
	d.PrefetchWasted -= prev.PrefetchWasted
	d.PrefetchCancelled -= prev.PrefetchCancelled
	d.PrefetchDropped -= prev.PrefetchDropped
	d.PrefetchOffTokens -= prev.PrefetchOffTokens
	d.PrefetchDecisions -= prev.PrefetchDecisions
	d.BytesRead -= prev.BytesRead
	d.Stall -= prev.Stall
	d.LoadTime -= prev.LoadTime
	d.IOBusy -= prev.IOBusy
	d.MajorFaults -= prev.MajorFaults
	d.ProcReadBytes -= prev.ProcReadBytes
	d.Layers = nil
	return d
}

// IOBandwidth is the storage bandwidth expert loads achieved (bytes per
// second while at least one load was in flight); 0 before any load.
func (s PagingStats) IOBandwidth() float64 {
	if s.IOBusy <= 0 {
		return 0
	}
	return float64(s.BytesRead) / s.IOBusy.Seconds()
}
