package sample

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// probsLogits returns logits whose softmax (temperature 1) is probs.
func probsLogits(probs ...float64) []float32 {
	l := make([]float32, len(probs))
	for i, p := range probs {
		l[i] = float32(math.Log(p))
	}
	return l
}

// counts draws n tokens with s from logits.
func counts(s *Sampler, logits []float32, n int) []int {
	c := make([]int, len(logits))
	for i := 0; i < n; i++ {
		c[s.Sample(logits, nil)]++
	}
	return c
}

func TestGreedy(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name    string
		p       Params
		logits  []float32
		history []int32
		want    int32
	}{
		{"argmax", Params{}, []float32{0.1, 3, 2}, nil, 1},
		{"tie lowest id", Params{}, []float32{1, 5, 5, 5}, nil, 1},
		{"nan ignored", Params{}, []float32{nan, -1, -2}, nil, 1},
		{"all -inf", Params{}, []float32{float32(math.Inf(-1)), float32(math.Inf(-1))}, nil, 0},
		{"penalty positive divides", Params{RepeatPenalty: 2, RepeatLastN: 8}, []float32{2, 1.9, 0}, []int32{0}, 1},
		{"penalty negative multiplies", Params{RepeatPenalty: 2, RepeatLastN: 8}, []float32{-1, -1.5, -3}, []int32{0, 0, 0}, 1},
		{"penalty once per token", Params{RepeatPenalty: 2, RepeatLastN: 8}, []float32{4, 1.9}, []int32{0, 0, 0}, 0},
		{"penalty window", Params{RepeatPenalty: 2, RepeatLastN: 1}, []float32{2, 1.9, 0}, []int32{0, 2}, 0},
		{"penalty whole history", Params{RepeatPenalty: 2, RepeatLastN: -1}, []float32{2, 1.9, 0}, []int32{0, 2, 2, 2}, 1},
		{"penalty off when lastN 0", Params{RepeatPenalty: 2}, []float32{2, 1.9}, []int32{0}, 0},
		{"history out of range ignored", Params{RepeatPenalty: 2, RepeatLastN: 8}, []float32{2, 1.9}, []int32{-5, 99}, 0},
	}
	for _, tc := range tests {
		logits := slices.Clone(tc.logits)
		if got := New(tc.p).Sample(logits, tc.history); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
		for i := range logits {
			if logits[i] != tc.logits[i] && !(logits[i] != logits[i] && tc.logits[i] != tc.logits[i]) {
				t.Errorf("%s: Sample modified logits", tc.name)
			}
		}
	}
	if got := New(Params{}).Sample(nil, nil); got != -1 {
		t.Errorf("empty logits: got %d, want -1", got)
	}
}

func TestDeterministic(t *testing.T) {
	logits := probsLogits(0.1, 0.2, 0.3, 0.25, 0.15)
	p := Params{Temp: 0.9, TopK: 4, TopP: 0.95, MinP: 0.01, Seed: 42}
	a, b := New(p), New(p)
	var sa, sb []int32
	for i := 0; i < 200; i++ {
		sa = append(sa, a.Sample(logits, sa))
		sb = append(sb, b.Sample(logits, sb))
	}
	if !slices.Equal(sa, sb) {
		t.Fatal("same seed gave different tokens")
	}
	p.Seed = 43
	c := New(p)
	var sc []int32
	for i := 0; i < 200; i++ {
		sc = append(sc, c.Sample(logits, sc))
	}
	if slices.Equal(sa, sc) {
		t.Fatal("different seeds gave identical 200-token sequences")
	}
}

// chiSquare returns the chi-square statistic of observed counts against
// expected probabilities (over the entries with p > 0).
func chiSquare(obs []int, probs []float64) float64 {
	n := 0
	for _, o := range obs {
		n += o
	}
	x := 0.0
	for i, p := range probs {
		if p == 0 {
			continue
		}
		e := p * float64(n)
		d := float64(obs[i]) - e
		x += d * d / e
	}
	return x
}

// TestDistribution: draws follow the softmax (chi-square, fixed seed, so the
// outcome is deterministic; the bound is the 99.9th percentile).
func TestDistribution(t *testing.T) {
	probs := []float64{0.5, 0.3, 0.15, 0.05}
	s := New(Params{Temp: 1, Seed: 7})
	obs := counts(s, probsLogits(probs...), 20000)
	if x := chiSquare(obs, probs); x > 16.27 { // 3 dof, p = 0.001
		t.Errorf("chi-square %.2f over 16.27: counts %v for probs %v", x, obs, probs)
	}
}

func TestFilters(t *testing.T) {
	base := probsLogits(0.5, 0.3, 0.15, 0.05)
	tests := []struct {
		name  string
		p     Params
		probs []float64 // expected distribution after filtering
	}{
		{"top-k 2", Params{Temp: 1, TopK: 2}, []float64{0.5 / 0.8, 0.3 / 0.8, 0, 0}},
		{"top-p 0.7", Params{Temp: 1, TopP: 0.7}, []float64{0.5 / 0.8, 0.3 / 0.8, 0, 0}},
		{"top-p 0.85 sorted", Params{Temp: 1, TopK: 4, TopP: 0.85}, []float64{0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0}},
		{"min-p 0.5", Params{Temp: 1, MinP: 0.5}, []float64{0.5 / 0.8, 0.3 / 0.8, 0, 0}},
		{"min-p 0.2", Params{Temp: 1, MinP: 0.2}, []float64{0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0}},
		{"temp 0.5", Params{Temp: 0.5}, sharpen([]float64{0.5, 0.3, 0.15, 0.05}, 2)},
		{"temp 2", Params{Temp: 2}, sharpen([]float64{0.5, 0.3, 0.15, 0.05}, 0.5)},
	}
	for _, tc := range tests {
		tc.p.Seed = 11
		obs := counts(New(tc.p), base, 20000)
		for i, p := range tc.probs {
			if p == 0 && obs[i] != 0 {
				t.Errorf("%s: token %d drawn %d times, want never", tc.name, i, obs[i])
			}
		}
		if x := chiSquare(obs, tc.probs); x > 16.27 {
			t.Errorf("%s: chi-square %.2f: counts %v, want probs %v", tc.name, x, obs, tc.probs)
		}
	}
}

// sharpen returns probs^(1/temp... ) renormalised: p_i^e / sum.
func sharpen(p []float64, e float64) []float64 {
	out := make([]float64, len(p))
	sum := 0.0
	for i, x := range p {
		out[i] = math.Pow(x, e)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// TestTopPUnsortedMatchesSorted: the heap path (input in id order) keeps
// the same candidates, in the same order, as the sorted path, including
// ties broken by lowest id.
func TestTopPUnsortedMatchesSorted(t *testing.T) {
	probs := []float64{0.1, 0.2, 0.2, 0.05, 0.15, 0.2, 0.02, 0.08}
	for _, tp := range []float64{0.1, 0.3, 0.5, 0.8, 0.95, 0.999} {
		var byID []cand
		for i, p := range probs {
			byID = append(byID, cand{id: int32(i), p: p, logit: float32(math.Log(p))})
		}
		sorted := slices.Clone(byID)
		slices.SortFunc(sorted, func(a, b cand) int {
			if betterP(a, b) {
				return -1
			}
			return 1
		})
		want := topP(sorted, tp, true)
		got := topP(byID, tp, false)
		if !slices.Equal(got, want) {
			t.Errorf("top-p %v: heap path %v, sorted path %v", tp, got, want)
		}
	}
}

func TestTopKTies(t *testing.T) {
	// Ids 1, 2, 3 tie; top-k 2 keeps 1 and 2.
	s := New(Params{Temp: 1, TopK: 2, Seed: 5})
	obs := counts(s, []float32{0, 1, 1, 1}, 2000)
	if obs[0] != 0 || obs[3] != 0 || obs[1] == 0 || obs[2] == 0 {
		t.Errorf("counts %v: want only ids 1 and 2", obs)
	}
}

func TestNoAllocs(t *testing.T) {
	logits := make([]float32, 50000)
	for i := range logits {
		logits[i] = float32((i*7919)%1000) / 100
	}
	hist := []int32{1, 2, 3, 4, 5, 6, 7, 8}
	for _, p := range []Params{
		{},
		{Temp: 0.8, TopK: 40, TopP: 0.9, MinP: 0.05, RepeatPenalty: 1.1, RepeatLastN: 64, Seed: 1},
		{Temp: 0.8, TopP: 0.9, Seed: 1},
		{Temp: 1, Seed: 1},
	} {
		s := New(p)
		s.Sample(logits, hist)
		if a := testing.AllocsPerRun(20, func() { s.Sample(logits, hist) }); a != 0 {
			t.Errorf("%+v: %v allocs per Sample, want 0", p, a)
		}
	}
}

func BenchmarkSample(b *testing.B) {
	logits := make([]float32, 129280)
	for i := range logits {
		logits[i] = float32((i*7919)%1000) / 100
	}
	s := New(Params{Temp: 0.8, TopK: 40, TopP: 0.9, MinP: 0.05, RepeatPenalty: 1.1, RepeatLastN: 64, Seed: 1})
	for b.Loop() {
		s.Sample(logits, nil)
	}
}

// TestTopKMatchesSort compares the heap selection with a full sort on
// random logits with many ties.
func TestTopKMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for trial := 0; trial < 200; trial++ {
		n := 1 + r.IntN(300)
		logits := make([]float32, n)
		for i := range logits {
			logits[i] = float32(r.IntN(8))
		}
		k := 1 + r.IntN(n+2)
		s := New(Params{Temp: 1, TopK: k})
		s.penalise(logits, nil)
		got := s.topK()
		all := make([]cand, n)
		for i, l := range logits {
			all[i] = cand{id: int32(i), logit: l}
		}
		slices.SortFunc(all, func(a, b cand) int {
			if better(a, b) {
				return -1
			}
			return 1
		})
		if k < n {
			all = all[:k]
		} else {
			// Disabled: every token, in id order.
			slices.SortFunc(all, func(a, b cand) int { return int(a.id - b.id) })
		}
		if !slices.Equal(got, all) {
			t.Fatalf("n=%d k=%d: heap %v, sort %v", n, k, got, all)
		}
	}
}

func TestZeroSamplerIsGreedy(t *testing.T) {
	var s Sampler
	if got := s.Sample([]float32{1, 3, 2}, []int32{1}); got != 1 {
		t.Fatalf("zero Sampler picked %d, want 1", got)
	}
}
