package bench

import (
	"fmt"
	"slices"
	"sort"
)

// PrefetchPair compares prefetch on and off in one (budget, pager) cell over
// interleaved repeats: each repeat runs both settings back to back (the
// order alternating between repeats, so drift and background load hit both
// alike), and the per-repeat on/off ratio cancels what the two runs shared.
// Every figure is a median over the repeats.
type PrefetchPair struct {
	Fraction float64 `json:"budget_fraction"`
	Pager    string  `json:"pager"`
	Repeats  int     `json:"repeats"`
	OnTPS    float64 `json:"on_decode_tok_per_s"`
	OffTPS   float64 `json:"off_decode_tok_per_s"`
	// Ratio is the median of the per-repeat on/off decode tok/s ratios;
	// Ratios are those ratios in repeat order.
	Ratio     float64   `json:"ratio"`
	Ratios    []float64 `json:"ratios"`
	OnStall   float64   `json:"on_stall_ms_per_token"`
	OffStall  float64   `json:"off_stall_ms_per_token"`
	OnHit     float64   `json:"on_hit_rate"`
	OffHit    float64   `json:"off_hit_rate"`
	OnMBTok   float64   `json:"on_mb_per_token"`
	OffMBTok  float64   `json:"off_mb_per_token"`
	OnMBps    float64   `json:"on_miss_mb_per_s"`
	OffMBps   float64   `json:"off_miss_mb_per_s"`
	Precision float64   `json:"prefetch_precision"`
	// OffShare is the share of the on runs' headline decode steps that
	// the prefetch controller ran without prefetch; Decisions its
	// decisions per on run.
	OffShare  float64 `json:"on_prefetch_off_share"`
	Decisions float64 `json:"on_prefetch_decisions"`
}

// Wins reports how many repeats had prefetch on at least as fast as off.
func (p PrefetchPair) Wins() int {
	n := 0
	for _, r := range p.Ratios {
		if r >= 1 {
			n++
		}
	}
	return n
}

// cellKey names a (budget, pager) cell.
type cellKey struct {
	frac  float64
	pager string
}

// pairOrder returns the prefetch settings of repeat rep: the configured
// order on even repeats, reversed on odd ones.
func pairOrder(pf []bool, rep int) []bool {
	out := append([]bool(nil), pf...)
	if rep%2 == 1 {
		slices.Reverse(out)
	}
	return out
}

// prefetchPairs pairs the on and off scenarios of each cell by repeat.
func prefetchPairs(scs []Scenario) []PrefetchPair {
	type runs struct{ on, off map[int]*Scenario }
	cells := map[cellKey]*runs{}
	var order []cellKey
	for i := range scs {
		s := &scs[i]
		if s.Error != "" || s.DecodeTPS <= 0 || s.AB {
			continue
		}
		k := cellKey{s.Fraction, s.Pager}
		r := cells[k]
		if r == nil {
			r = &runs{on: map[int]*Scenario{}, off: map[int]*Scenario{}}
			cells[k] = r
			order = append(order, k)
		}
		if s.Prefetch {
			r.on[s.Repeat] = s
		} else {
			r.off[s.Repeat] = s
		}
	}
	var out []PrefetchPair
	for _, k := range order {
		r := cells[k]
		var reps []int
		for rep := range r.on {
			if r.off[rep] != nil {
				reps = append(reps, rep)
			}
		}
		if len(reps) == 0 {
			continue
		}
		sort.Ints(reps)
		out = append(out, makePair(k, reps, r.on, r.off))
	}
	return out
}

func makePair(k cellKey, reps []int, on, off map[int]*Scenario) PrefetchPair {
	p := PrefetchPair{Fraction: k.frac, Pager: k.pager, Repeats: len(reps)}
	med := func(m map[int]*Scenario, f func(*Scenario) float64) float64 {
		var xs []float64
		for _, rep := range reps {
			xs = append(xs, f(m[rep]))
		}
		return median(xs)
	}
	for _, rep := range reps {
		p.Ratios = append(p.Ratios, on[rep].DecodeTPS/off[rep].DecodeTPS)
	}
	p.Ratio = median(p.Ratios)
	tps := func(s *Scenario) float64 { return s.DecodeTPS }
	stall := func(s *Scenario) float64 { return s.StallMsToken }
	hit := func(s *Scenario) float64 { return s.HitRate }
	mbt := func(s *Scenario) float64 { return s.MBPerToken }
	bw := func(s *Scenario) float64 { return s.MissMBps }
	p.OnTPS, p.OffTPS = med(on, tps), med(off, tps)
	p.OnStall, p.OffStall = med(on, stall), med(off, stall)
	p.OnHit, p.OffHit = med(on, hit), med(off, hit)
	p.OnMBTok, p.OffMBTok = med(on, mbt), med(off, mbt)
	p.OnMBps, p.OffMBps = med(on, bw), med(off, bw)
	p.Precision = med(on, func(s *Scenario) float64 { return s.Precision })
	p.OffShare = med(on, func(s *Scenario) float64 { return s.PrefetchOffShare })
	p.Decisions = med(on, func(s *Scenario) float64 { return float64(s.PrefetchDecisions) })
	return p
}

// writePairs writes the paired on/off table.
func writePairs(p func(string, ...any), r *Result) {
	if len(r.Pairs) == 0 {
		return
	}
	p("## Prefetch on/off, paired")
	p("")
	p("Medians over %d interleaved repeat(s) per cell (order alternating); ratio is the median of the per-repeat on/off decode ratios, wins the repeats where on was at least as fast; ctl off is the share of the on runs' decode tokens the prefetch controller ran without prefetch, and its decisions per run. Storage probe (O_DIRECT, one expert): %s.", r.Setup.Repeats, mbps(expertDiskBW(r.Probes.Storage)/1e6))
	p("")
	p("| budget | pager | decode on/off tok/s | ratio | wins | stall on/off ms/tok | hit on/off | MB/tok on/off | miss read bw on/off | precision | ctl off (decisions) |")
	p("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, x := range r.Pairs {
		p("| %g%% | %s | %.2f / %.2f | **%.3f** | %d/%d | %.1f / %.1f | %.1f%% / %.1f%% | %.1f / %.1f | %s / %s | %.0f%% | %.0f%% (%g) |",
			100*x.Fraction, x.Pager, x.OnTPS, x.OffTPS, x.Ratio, x.Wins(), x.Repeats, x.OnStall, x.OffStall,
			100*x.OnHit, 100*x.OffHit, x.OnMBTok, x.OffMBTok, mbps(x.OnMBps), mbps(x.OffMBps), 100*x.Precision,
			100*x.OffShare, x.Decisions)
	}
	p("")
}

// writeAB writes the in-run on/off table.
func writeAB(p func(string, ...any), r *Result) {
	if len(r.AB) == 0 {
		return
	}
	p("## Prefetch on/off in one run")
	p("")
	p("Runs with prefetch a/b: decode tokens alternate windows of %d with prefetch on and off; each off window's median token time over the mean of its two on neighbours' is one ratio (on speed over off speed; the first token of a window is not timed). Rotating prompts of every repeat; the interval is a 90%% confidence interval of the median.", 8)
	p("")
	p("| budget | pager | windows | on/off speed (median) | 90%% CI | on faster | ms/tok on/off | stall ms/tok on/off |")
	p("|---|---|---|---|---|---|---|---|")
	for _, a := range r.AB {
		p("| %g%% | %s | %d | **%.3f** | %.3f - %.3f | %.0f%% | %.1f / %.1f | %.1f / %.1f |", 100*a.Fraction, a.Pager, a.Windows,
			a.Speedup, a.Low, a.High, 100*a.OnFaster, a.On.MsToken, a.Off.MsToken, a.On.StallMsToken, a.Off.StallMsToken)
	}
	p("")
}

// repeatSuffix marks the repeat in a scenario name when there are several.
func repeatSuffix(rep, repeats int) string {
	if repeats <= 1 {
		return ""
	}
	return fmt.Sprintf(" #%d", rep+1)
}
