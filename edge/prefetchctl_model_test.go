package edge

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// smallestBudget is the tightest plan for the tiny model at path: every
// decode token misses and evicts.
func smallestBudget(t *testing.T, path string, ctx int) int64 {
	t.Helper()
	m, err := Open(path, Config{Budget: 8 << 30, Context: ctx})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	return m.Plan.MinBudget(m.Model.Cfg.ExpertsUsed)
}

// TestOffTokenIssuesNoPrefetch runs decode tokens after the controller has
// decided prefetch off: they issue no prefetch, predict nothing and leave
// the governor as it was. With prefetch pinned on, the same tokens issue
// prefetches (so the test can fail).
func TestOffTokenIssuesNoPrefetch(t *testing.T) {
	path := writeTinyModel(t, tensor.Q4_K)
	budget := smallestBudget(t, path, 40)
	for _, fixed := range []bool{true, false} {
		m, err := Open(path, Config{Budget: budget, Context: 40, PrefetchFixed: fixed})
		if err != nil {
			t.Fatal(err)
		}
		if !fixed {
			runCtl(m.pre.ctl, len(explore), arms(100*ms, 50*ms))
			if m.pre.ctl.prefetch() {
				t.Fatal("the controller did not decide off")
			}
		}
		ctx := context.Background()
		s := m.NewSession(40)
		prompt := make([]int32, 24)
		for i := range prompt {
			prompt[i] = int32((i*7919 + 13) % 128000)
		}
		logits := make([]float32, m.Model.Cfg.Vocab)
		if err := s.Forward(ctx, prompt, logits, false); err != nil {
			t.Fatal(err)
		}
		var issued uint64
		changed := false
		for i := 0; i < 6; i++ {
			before, pred := m.cache.Stats(), m.pre.snapshot()
			gov := slices.Clone(m.pre.gov.layers)
			if err := s.Forward(ctx, []int32{int32(i*1009+7) % 128000}, logits, false); err != nil {
				t.Fatal(err)
			}
			issued += m.cache.Stats().PrefetchIssued - before.PrefetchIssued
			changed = changed || !slices.Equal(pred, m.pre.snapshot()) || !slices.Equal(gov, m.pre.gov.layers)
		}
		m.Close()
		switch {
		case fixed && (issued == 0 || !changed):
			t.Errorf("prefetch pinned on: %d prefetches issued, predictions or governor changed %v; want both", issued, changed)
		case !fixed && (issued != 0 || changed):
			t.Errorf("prefetch off: %d prefetches issued, predictions or governor changed %v; want neither", issued, changed)
		}
	}
}

// TestSessionFeedsController: a Session reports its decode tokens (not its
// prefill) to the controller, which completes one exploration in 56 tokens
// with 24 of them off whatever it measured; PrefetchFixed has no
// controller.
func TestSessionFeedsController(t *testing.T) {
	path := writeTinyModel(t, tensor.Q4_K)
	budget := smallestBudget(t, path, 96)
	for _, fixed := range []bool{false, true} {
		m, err := Open(path, Config{Budget: budget, Context: 96, PrefetchFixed: fixed})
		if err != nil {
			t.Fatal(err)
		}
		s := m.NewChatSession(0)
		prompt := []int32{5, 17, 400, 9000, 12, 77, 31000, 2}
		// 58 tokens: the first from the prefill, 57 decode forwards.
		o := GenerateOptions{MaxTokens: 58, Stop: func(int32) bool { return false }}
		st, err := s.Generate(context.Background(), prompt, o, func(int32) bool { return true })
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := st.Paging
		switch {
		case fixed && (p.PrefetchDecisions != 0 || p.PrefetchOffTokens != 0):
			t.Errorf("fixed: %d decisions, %d off tokens; want none", p.PrefetchDecisions, p.PrefetchOffTokens)
		case !fixed && (p.PrefetchDecisions != 1 || p.PrefetchOffTokens < 24 || p.PrefetchOffTokens > 25):
			t.Errorf("controlled: %d decisions, %d off tokens; want 1 and 24 or 25", p.PrefetchDecisions, p.PrefetchOffTokens)
		}
	}
}

// TestConcurrentSessions: sessions of one Model generating at once (their
// forwards take turns, the prefetcher and its controller following one at
// a time) produce what they produce alone. Run with -race.
func TestConcurrentSessions(t *testing.T) {
	path := writeTinyModel(t, tensor.Q4_K)
	budget := smallestBudget(t, path, 64)
	m, err := Open(path, Config{Budget: budget, Context: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	prompts := [][]int32{{5, 17, 400, 9000}, {12, 77, 31000, 2, 8}, {1000, 2000}}
	gen := func(p []int32) ([]int32, error) {
		var out []int32
		o := GenerateOptions{MaxTokens: 12, Stop: func(int32) bool { return false }}
		_, err := m.NewChatSession(0).Generate(context.Background(), p, o, func(t int32) bool {
			out = append(out, t)
			return true
		})
		return out, err
	}
	want := make([][]int32, len(prompts))
	for i, p := range prompts {
		if want[i], err = gen(p); err != nil {
			t.Fatal(err)
		}
	}
	got := make([][]int32, len(prompts))
	errs := make([]error, len(prompts))
	var wg sync.WaitGroup
	for i, p := range prompts {
		wg.Go(func() { got[i], errs[i] = gen(p) })
	}
	wg.Wait()
	for i := range prompts {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("prompt %d: concurrent %v, alone %v", i, got[i], want[i])
		}
	}
}
