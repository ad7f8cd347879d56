package bench

import (
	"math"
	"slices"
)

// PrefetchAB is the in-run comparison of prefetch on and off in one
// (budget, pager) cell: a run with edge.Config.PrefetchAB alternates
// windows of decode tokens with prefetch on and off, and each off window
// gives the ratio of its own median token time to that of the on windows
// either side, i.e. the speed of on over off (the rotating prompts'
// windows of every repeat). Both arms share the run's moments, so the
// machine's drift between runs (5-10% here) does not enter.
type PrefetchAB struct {
	Fraction float64 `json:"budget_fraction"`
	Pager    string  `json:"pager"`
	Windows  int     `json:"off_windows"`
	// Speedup is the median ratio (above 1: prefetch made decode faster);
	// Low and High bound that median with 90% confidence (order
	// statistics; the extremes when there are too few windows for that).
	Speedup  float64 `json:"speedup"`
	Low      float64 `json:"speedup_low90"`
	High     float64 `json:"speedup_high90"`
	OnFaster float64 `json:"on_faster_share"` // windows where on was faster
	// On and Off are each arm's timed tokens over the same runs.
	On  ABArmFigures `json:"on"`
	Off ABArmFigures `json:"off"`
}

// ABArmFigures are one arm's timed decode tokens in ab runs.
type ABArmFigures struct {
	Tokens       int     `json:"tokens"`
	MsToken      float64 `json:"ms_per_token"`
	StallMsToken float64 `json:"stall_ms_per_token"` // waiting for expert loads
}

// add merges b into a, weighting the per-token figures by tokens.
func (a *ABArmFigures) add(b ABArmFigures) {
	n := a.Tokens + b.Tokens
	if n == 0 {
		return
	}
	w := func(x, y float64) float64 { return (x*float64(a.Tokens) + y*float64(b.Tokens)) / float64(n) }
	a.MsToken, a.StallMsToken, a.Tokens = w(a.MsToken, b.MsToken), w(a.StallMsToken, b.StallMsToken), n
}

// prefetchABs gathers the ratios of the ab scenarios per cell.
func prefetchABs(scs []Scenario) []PrefetchAB {
	ratios := map[cellKey][]float64{}
	arms := map[cellKey]*[2]ABArmFigures{}
	var order []cellKey
	for _, s := range scs {
		if !s.AB || s.Error != "" || len(s.ABRatios) == 0 {
			continue
		}
		k := cellKey{s.Fraction, s.Pager}
		if ratios[k] == nil {
			order = append(order, k)
			arms[k] = new([2]ABArmFigures)
		}
		ratios[k] = append(ratios[k], s.ABRatios...)
		arms[k][0].add(s.ABOn)
		arms[k][1].add(s.ABOff)
	}
	var out []PrefetchAB
	for _, k := range order {
		a := PrefetchAB{Fraction: k.frac, Pager: k.pager, Windows: len(ratios[k]), On: arms[k][0], Off: arms[k][1]}
		a.Speedup, a.Low, a.High = medianCI90(ratios[k])
		for _, r := range ratios[k] {
			if r > 1 {
				a.OnFaster++
			}
		}
		a.OnFaster /= float64(a.Windows)
		out = append(out, a)
	}
	return out
}

// medianCI90 returns the median of xs and a 90% confidence interval for
// it from order statistics: [x(k), x(n+1-k)] (1-based, sorted) with the
// largest k whose two tails each hold at most 5% of Binomial(n, 1/2); the
// extremes when n is too small for such a k (n < 5). xs is not modified.
func medianCI90(xs []float64) (med, lo, hi float64) {
	n := len(xs)
	if n == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	med = median(s)
	k, cdf := 0, 0.0 // cdf = P(B <= k-1) before the step
	for j := 0; j < n/2; j++ {
		if cdf += binomHalf(n, j); cdf > 0.05 {
			break
		}
		k = j + 1
	}
	if k == 0 {
		return med, s[0], s[n-1]
	}
	return med, s[k-1], s[n-k]
}

// binomHalf is P(B = j) for B ~ Binomial(n, 1/2).
func binomHalf(n, j int) float64 {
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x + 1)); return v }
	return math.Exp(lg(n) - lg(j) - lg(n-j) - float64(n)*math.Ln2)
}
