package bench

import (
	"fmt"
	"strings"
	"testing"
)

func TestPairOrderAlternates(t *testing.T) {
	pf := []bool{true, false}
	var got []string
	for rep := range 4 {
		got = append(got, fmt.Sprint(pairOrder(pf, rep)))
	}
	want := "[true false] [false true] [true false] [false true]"
	if s := strings.Join(got, " "); s != want {
		t.Fatalf("orders %s, want %s", s, want)
	}
	if fmt.Sprint(pf) != "[true false]" {
		t.Fatal("pairOrder modified its argument")
	}
}

func TestGridRepeatsInterleaved(t *testing.T) {
	o := Options{Fractions: []float64{0.5, 1}, Pagers: []string{"mmap"}, Prefetch: []bool{true, false}, Repeats: 2}
	mp := modelProbe{fixed: 100, bytes: ModelBytes{Experts: 1000, MoELayers: 1}}
	var got []string
	for _, s := range grid(o, mp) {
		got = append(got, s.name())
	}
	want := []string{
		"100% mmap prefetch on #1", "100% mmap prefetch off #1", "100% mmap prefetch off #2", "100% mmap prefetch on #2",
		"50% mmap prefetch on #1", "50% mmap prefetch off #1", "50% mmap prefetch off #2", "50% mmap prefetch on #2",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("grid:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPrefetchPairs(t *testing.T) {
	sc := func(f float64, pg string, pf bool, rep int, tps, stall float64) Scenario {
		return Scenario{Fraction: f, Pager: pg, Prefetch: pf, Repeat: rep, DecodeTPS: tps, StallMsToken: stall, HitRate: 0.5}
	}
	scs := []Scenario{
		sc(1, "mmap", true, 0, 10, 1), sc(1, "mmap", false, 0, 8, 3),
		sc(1, "mmap", false, 1, 10, 3), sc(1, "mmap", true, 1, 9, 2),
		sc(1, "mmap", true, 2, 12, 1), sc(1, "mmap", false, 2, 10, 5),
		// an unpaired run and a failed one are left out
		sc(1, "direct", true, 0, 5, 1),
		{Fraction: 1, Pager: "direct", Prefetch: false, Error: "boom"},
	}
	ps := prefetchPairs(scs)
	if len(ps) != 1 {
		t.Fatalf("%d pairs, want 1: %+v", len(ps), ps)
	}
	p := ps[0]
	if p.Repeats != 3 || p.OnTPS != 10 || p.OffTPS != 10 || p.OnStall != 1 || p.OffStall != 3 {
		t.Errorf("medians: %+v", p)
	}
	// ratios 1.25, 0.9, 1.2: median 1.2, two wins
	if fmt.Sprintf("%.2f %d", p.Ratio, p.Wins()) != "1.20 2" {
		t.Errorf("ratio %.3f wins %d (ratios %v)", p.Ratio, p.Wins(), p.Ratios)
	}
}

// TestPrefetchPairsController: the pair carries the on runs' median share
// of decode steps the controller ran without prefetch and its decisions.
func TestPrefetchPairsController(t *testing.T) {
	sc := func(pf bool, rep int, share float64, dec uint64) Scenario {
		return Scenario{Fraction: 0.25, Pager: "direct", Prefetch: pf, Repeat: rep, DecodeTPS: 2,
			PrefetchOffShare: share, PrefetchDecisions: dec}
	}
	scs := []Scenario{
		sc(true, 0, 0.8, 1), sc(false, 0, 0, 0),
		sc(false, 1, 0, 0), sc(true, 1, 0.1, 2),
		sc(true, 2, 0.2, 1), sc(false, 2, 0, 0),
	}
	ps := prefetchPairs(scs)
	if len(ps) != 1 || ps[0].OffShare != 0.2 || ps[0].Decisions != 1 {
		t.Fatalf("pairs %+v, want off share 0.2 and 1 decision", ps)
	}
}
