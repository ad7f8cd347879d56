package main

import (
	"fmt"
	"testing"

	"github.com/edgemoe/edgemoe/bench"
)

func TestParseBenchGrid(t *testing.T) {
	tests := []struct {
		budgets, pagers, prefetch string
		repeats                   int
		want                      string // fractions pagers prefetch ab, or "error"
	}{
		{"", "", "", 1, "[] [] [] false"},
		{"100, 25%,10", "direct", "off,on", 3, "[1 0.25 0.1] [direct] [false true] false"},
		{"", "", "ab", 1, "[] [] [] true"},
		{"", "", "on,ab", 1, "[] [] [true] true"},
		{"0", "", "", 1, "error"},
		{"150", "", "", 1, "error"},
		{"abc", "", "", 1, "error"},
		{"", "nvme", "", 1, "error"},
		{"", "", "maybe", 1, "error"},
		{"", "", "", 0, "error"},
	}
	for _, tt := range tests {
		o := bench.Options{Repeats: tt.repeats}
		err := parseBenchGrid(&o, tt.budgets, tt.pagers, tt.prefetch)
		got := "error"
		if err == nil {
			got = fmt.Sprint(o.Fractions, " ", o.Pagers, " ", o.Prefetch, " ", o.AB)
		}
		if got != tt.want {
			t.Errorf("%q %q %q x%d: got %s (%v), want %s", tt.budgets, tt.pagers, tt.prefetch, tt.repeats, got, err, tt.want)
		}
	}
}
