package edge

import (
	"fmt"
	"strings"
	"testing"
)

// TestGovernorScript feeds per-batch (predicted, correct) scores of one
// layer and checks after each whether the layer still issues prefetches.
func TestGovernorScript(t *testing.T) {
	tests := []struct {
		name   string
		script string // "predicted/correct" per batch
		want   string // allow after each batch: + issues, - paused
	}{
		{"precise layer keeps issuing", "6/6 6/5 6/6 6/4 6/5", "+++++"},
		{"no predictions change nothing", "0/0 0/0", "++"},
		// 1 -> .75 -> .5625 -> .42 -> .32: paused on the fourth wrong batch.
		{"wrong predictions pause", "6/0 6/0 6/0 6/0", "+++-"},
		// paused at .32; recovers past .5 on the second right batch
		// (.49, .62).
		{"recovery resumes", "6/0 6/0 6/0 6/0 6/6 6/6", "+++--+"},
		// hysteresis: between .4 and .5 it stays as it was.
		{"hysteresis", "6/0 6/0 6/0 6/0 6/3 6/3 6/3 6/6", "+++----+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGovernor(3)
			var got strings.Builder
			for _, step := range strings.Fields(tt.script) {
				var p, c uint64
				if _, err := fmt.Sscanf(step, "%d/%d", &p, &c); err != nil {
					t.Fatal(err)
				}
				g.observe(1, p, c)
				got.WriteByte("-+"[boolInt(g.allow(1))])
				if !g.allow(0) || !g.allow(2) {
					t.Fatalf("step %s: other layers paused", step)
				}
			}
			if got.String() != tt.want {
				t.Errorf("got %s, want %s", got.String(), tt.want)
			}
		})
	}
}

func TestGovernorOutOfRange(t *testing.T) {
	g := newGovernor(2)
	g.observe(-1, 6, 0)
	g.observe(5, 6, 0)
	if !g.allow(-1) || !g.allow(5) || g.pausedLayers() != 0 {
		t.Fatal("out-of-range layers must be ignored and allowed")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestGovernorQuiet feeds a layer's cumulative miss count at each routed
// batch and checks whether the layer is predicted before the next one.
func TestGovernorQuiet(t *testing.T) {
	tests := []struct {
		name   string
		misses []uint64
		want   string // predict after each batch: + yes, - quiet
	}{
		{"missing layer stays predicted", []uint64{1, 3, 4, 6, 9, 10, 12, 13, 15, 16}, "++++++++++"},
		{"warm layer goes quiet after 8 batches", []uint64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, "++++++++--"},
		// never missed: quiet from the eighth batch; a miss (0 -> 3)
		// resumes prediction at once
		{"a miss ends the quiet spell", []uint64{0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3}, "+++++++--++"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGovernor(2)
			var got strings.Builder
			for _, m := range tt.misses {
				g.routedMisses(1, m)
				got.WriteByte("-+"[boolInt(g.predict(1))])
			}
			if got.String() != tt.want {
				t.Errorf("got %s, want %s", got.String(), tt.want)
			}
			if !g.predict(0) {
				t.Error("an untouched layer went quiet")
			}
		})
	}
}
