package bench

import (
	"context"
	"testing"
	"time"

	"github.com/edgemoe/edgemoe/boards"
)

func profilesNamed(t *testing.T, names ...string) []boards.Profile {
	t.Helper()
	var out []boards.Profile
	for _, n := range names {
		p, err := boards.Lookup(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// TestSmoke runs the suite end to end on a tiny synthetic model.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Run(ctx, Options{CacheDir: t.TempDir(), Quick: true, Fractions: []float64{1, 0.25},
		Pagers: []string{"mmap", "direct"}, Prefetch: []bool{true}, Prompts: 2, Tokens: 3,
		Synth: SynthSpec{Shape: "tiny", Layers: 3, DType: "q4_k", Vocab: 512, Seed: 1}, SkipKernels: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) != 4 {
		t.Fatalf("%d scenarios", len(res.Scenarios))
	}
	for _, s := range res.Scenarios {
		if s.Error != "" || s.DecodeTPS <= 0 || s.PrefillTPS <= 0 || len(s.Phases) != 2 {
			t.Errorf("%s: %+v", s.Name, s)
		}
		if s.Predicted.CacheBytes != s.ExpertCache {
			t.Errorf("%s: prediction for cache %d, scenario has %d", s.Name, s.Predicted.CacheBytes, s.ExpertCache)
		}
	}
	if full, small := res.Scenarios[0], res.Scenarios[2]; full.ExpertCache <= small.ExpertCache {
		t.Errorf("budget sweep: cache %d at 100%% vs %d at 25%%", full.ExpertCache, small.ExpertCache)
	}
	if res.Probes.MemReadN <= 0 || len(res.Probes.Storage) != 3 {
		t.Errorf("probes: %+v", res.Probes)
	}
}

// TestSmokeAB runs only ab scenarios (prefetch on and off windows in one
// run) and checks that their window ratios reach Result.AB.
func TestSmokeAB(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Run(ctx, Options{CacheDir: t.TempDir(), Quick: true, Fractions: []float64{0.25},
		Pagers: []string{"mmap"}, Prefetch: []bool{}, AB: true, Prompts: 2, Tokens: 120,
		Synth:       SynthSpec{Shape: "tiny", Layers: 3, DType: "q4_k", Vocab: 512, Seed: 1},
		SkipKernels: true, SkipStorage: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) != 1 || !res.Scenarios[0].AB || res.Scenarios[0].Error != "" {
		t.Fatalf("scenarios: %+v", res.Scenarios)
	}
	// 119 decode tokens per prompt; ratios come in threes after 56, 104,
	// 152, 200, ... decode tokens: the cold prompt's first two sets are
	// left out, the rotating prompt's two are in.
	if len(res.AB) != 1 || res.AB[0].Windows != 6 || res.AB[0].Speedup <= 0 || len(res.Pairs) != 0 {
		t.Fatalf("ab %+v, pairs %+v", res.AB, res.Pairs)
	}
	// The rotating prompt's 119 decode tokens: 7 timed of every 8 (the
	// windows carry on from the cold prompt's), split between the arms.
	if a := res.AB[0]; a.On.Tokens+a.Off.Tokens < 100 || a.On.Tokens == 0 || a.Off.Tokens == 0 || a.On.MsToken <= 0 {
		t.Fatalf("arms on %+v off %+v", a.On, a.Off)
	}
}
