package bench

import (
	"context"
	"fmt"
	"sort"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/sample"
)

// scenarioSpec is one cell of the grid.
type scenarioSpec struct {
	frac     float64
	budget   int64
	pager    string
	prefetch bool
	ab       bool // prefetch on/off windows in one run (edge.Config.PrefetchAB)
	repeat   int  // 0-based repeat of this cell
	repeats  int
}

func (s scenarioSpec) name() string {
	pf := "off"
	if s.prefetch {
		pf = "on"
	}
	if s.ab {
		pf = "a/b"
	}
	return fmt.Sprintf("%g%% %s prefetch %s%s", 100*s.frac, s.pager, pf, repeatSuffix(s.repeat, s.repeats))
}

// runScenario drops the model's page cache, opens it under the spec and
// runs the cold prompt, optionally a warm repeat, then the rotating
// prompts, each in a fresh session.
func runScenario(ctx context.Context, path string, sp scenarioSpec, o *Options, prompts [][]int32) Scenario {
	sc := Scenario{Name: sp.name(), Fraction: sp.frac, Budget: sp.budget, Pager: sp.pager, Prefetch: sp.prefetch,
		Repeat: sp.repeat, AB: sp.ab}
	if err := DropPageCache(path); err != nil {
		sc.Error = err.Error()
	}
	cfg := edge.Config{Budget: sp.budget, BudgetSource: "bench", Pager: sp.pager, Context: o.Context, Prefetch: -1,
		PrefetchAB: sp.ab}
	if sp.prefetch {
		cfg.Prefetch = 1
	}
	m, err := edge.Open(path, cfg)
	if err != nil {
		sc.Error = err.Error()
		return sc
	}
	defer m.Close()
	sc.ExpertCache, sc.CacheFraction = m.Plan.ExpertCache, m.Plan.CacheFraction()
	type job struct {
		kind   string
		prompt int
	}
	jobs := []job{{"cold", 0}}
	if o.Warm {
		jobs = append(jobs, job{"warm", 0})
	}
	for i := 1; i < len(prompts); i++ {
		jobs = append(jobs, job{"rotating", i})
	}
	var abFrom edge.ABStats // the ab measurement before the rotating prompts
	rotating := false
	for _, j := range jobs {
		if j.kind == "rotating" && !rotating {
			abFrom, rotating = m.PrefetchAB(), true
		}
		ph, err := runPhase(ctx, m, prompts[j.prompt], o.Tokens)
		if err != nil {
			sc.Error = fmt.Sprintf("%s prompt %d: %v", j.kind, j.prompt, err)
			return sc
		}
		ph.Kind, ph.Prompt = j.kind, j.prompt
		sc.Phases = append(sc.Phases, ph)
		o.logf("    %-8s prompt %d: prefill %6.2f tok/s, decode %6.2f tok/s, hit %5.1f%%", j.kind, j.prompt,
			ph.PrefillTPS, ph.DecodeTPS, 100*ratioU(ph.Hits, ph.Hits+ph.Misses))
	}
	if sp.ab {
		ab := m.PrefetchAB()
		if rotating { // they are the headline
			ab = ab.Sub(abFrom)
		}
		sc.ABRatios, sc.ABOn, sc.ABOff = ab.Ratios, abArm(ab.On), abArm(ab.Off)
	}
	st := m.Stats()
	sc.Precision, sc.Recall = st.Precision, st.Recall
	sc.PrefetchDecisions = st.PrefetchDecisions
	// Storage bandwidth the expert loads achieved: bytes over the time at
	// least one load was in flight (stall would overstate it when loads
	// overlap compute).
	sc.MissMBps = st.IOBandwidth() / 1e6
	summarize(&sc)
	return sc
}

// runPhase generates tokens greedy tokens after prompt in a new session and
// sums the paging of the decode steps (every token after the first).
func runPhase(ctx context.Context, m *edge.Model, prompt []int32, tokens int) (Phase, error) {
	s := m.NewChatSession(0)
	var ph Phase
	opts := edge.GenerateOptions{MaxTokens: tokens, Sampling: sample.Params{Temp: 0},
		Stop: func(int32) bool { return false },
		OnToken: func(i int, _ int32, d edge.PagingStats) {
			if i == 0 {
				return // the prompt's paging
			}
			ph.DecodeSteps++
			ph.Hits += d.Hits
			ph.Misses += d.Misses
			ph.BytesRead += d.BytesRead
			ph.StallSec += d.Stall.Seconds()
			ph.PrefetchOff += int(d.PrefetchOffTokens)
		}}
	st, err := s.Generate(ctx, prompt, opts, func(int32) bool { return true })
	if err != nil {
		return ph, err
	}
	ph.PromptTokens, ph.GenTokens = st.PromptTokens, st.GeneratedTokens
	ph.PrefillTPS, ph.DecodeTPS = st.PromptTPS(), st.GenTPS()
	return ph, nil
}

// summarize fills the headline figures from the phases.
func summarize(sc *Scenario) {
	var dec, pre []float64
	var hits, misses uint64
	var bytes int64
	var stall float64
	steps, off := 0, 0
	for _, p := range sc.Phases {
		switch p.Kind {
		case "cold":
			sc.ColdDecodeTPS, sc.ColdPrefill = p.DecodeTPS, p.PrefillTPS
		case "rotating":
			dec, pre = append(dec, p.DecodeTPS), append(pre, p.PrefillTPS)
			off += p.PrefetchOff
			hits, misses, bytes, stall, steps = hits+p.Hits, misses+p.Misses, bytes+p.BytesRead, stall+p.StallSec, steps+p.DecodeSteps
		}
	}
	if len(dec) == 0 { // no rotating prompts: the cold one is all there is
		for _, p := range sc.Phases {
			dec, pre = append(dec, p.DecodeTPS), append(pre, p.PrefillTPS)
			off += p.PrefetchOff
			hits, misses, bytes, stall, steps = hits+p.Hits, misses+p.Misses, bytes+p.BytesRead, stall+p.StallSec, steps+p.DecodeSteps
		}
	}
	sc.DecodeTPS, sc.PrefillTPS = median(dec), median(pre)
	sc.HitRate = ratioU(hits, hits+misses)
	if steps > 0 {
		sc.MBPerToken = float64(bytes) / float64(steps) / 1e6
		sc.StallMsToken = 1000 * stall / float64(steps)
		sc.PrefetchOffShare = float64(off) / float64(steps)
	}
}

// abArm converts an arm's totals to per-token figures.
func abArm(a edge.ABArm) ABArmFigures {
	f := ABArmFigures{Tokens: a.Tokens}
	if a.Tokens > 0 {
		f.MsToken = 1000 * a.Time.Seconds() / float64(a.Tokens)
		f.StallMsToken = 1000 * a.Stall.Seconds() / float64(a.Tokens)
	}
	return f
}

func ratioU(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// median of xs (0 for none); xs is not modified.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
