package bench

import (
	"math"
	"testing"
)

func TestMedianCI90(t *testing.T) {
	seq := func(n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(n - i) // descending: medianCI90 sorts
		}
		return xs
	}
	tests := []struct {
		n           int
		med, lo, hi float64
	}{
		{0, 0, 0, 0},
		{1, 1, 1, 1},
		{4, 2.5, 1, 4},    // P(B=0) = 1/16 > 5%: no interval narrower than the extremes
		{5, 3, 1, 5},      // P(B=0) = 1/32 <= 5% but P(B<=1) = 6/32 > 5%: k = 1
		{10, 5.5, 2, 9},   // P(B<=1) = 11/1024, P(B<=2) = 56/1024 > 5%: k = 2
		{20, 10.5, 6, 15}, // P(B<=5) = 0.0207, P(B<=6) = 0.0577: k = 6
	}
	for _, tt := range tests {
		med, lo, hi := medianCI90(seq(tt.n))
		if med != tt.med || lo != tt.lo || hi != tt.hi {
			t.Errorf("n=%d: median %v [%v, %v], want %v [%v, %v]", tt.n, med, lo, hi, tt.med, tt.lo, tt.hi)
		}
	}
	if p := binomHalf(10, 2); math.Abs(p-45.0/1024) > 1e-12 {
		t.Errorf("binomHalf(10, 2) = %v, want %v", p, 45.0/1024)
	}
}

func TestPrefetchABs(t *testing.T) {
	scs := []Scenario{
		{Fraction: 0.25, Pager: "direct", AB: true, ABRatios: []float64{1.1, 0.9, 1.2},
			ABOn: ABArmFigures{Tokens: 30, MsToken: 100, StallMsToken: 10}, ABOff: ABArmFigures{Tokens: 20, MsToken: 120, StallMsToken: 30}},
		{Fraction: 0.25, Pager: "direct", Prefetch: true, DecodeTPS: 2}, // not an ab run
		{Fraction: 0.25, Pager: "direct", AB: true, ABRatios: []float64{1.3},
			ABOn: ABArmFigures{Tokens: 10, MsToken: 200, StallMsToken: 50}},
		{Fraction: 0.5, Pager: "mmap", AB: true, Error: "boom", ABRatios: []float64{2}},
	}
	got := prefetchABs(scs)
	if len(got) != 1 {
		t.Fatalf("%d cells, want 1: %+v", len(got), got)
	}
	a := got[0]
	if a.Windows != 4 || a.Speedup != 1.15 || a.OnFaster != 0.75 || a.Low != 0.9 || a.High != 1.3 {
		t.Fatalf("got %+v", a)
	}
	// token-weighted: on (30*100+10*200)/40, (30*10+10*50)/40; off alone
	if want := (ABArmFigures{40, 125, 20}); a.On != want || a.Off != (ABArmFigures{20, 120, 30}) {
		t.Fatalf("arms on %+v off %+v, want on %+v", a.On, a.Off, want)
	}
}
