package edge

import (
	"strings"
	"testing"
	"time"
)

const ms = time.Millisecond

// runCtl runs tokens decode tokens through c, each taking dur(i, on) for
// the arm the controller chose, and returns the arms: + on, - off.
func runCtl(c *prefetchCtl, tokens int, dur func(i int, on bool) time.Duration) string {
	var b strings.Builder
	for i := 0; i < tokens; i++ {
		on := c.prefetch()
		b.WriteByte("-+"[boolInt(on)])
		c.done(dur(i, on), 0)
	}
	return b.String()
}

// arms returns a fixed time per arm.
func arms(on, off time.Duration) func(int, bool) time.Duration {
	return func(_ int, pf bool) time.Duration {
		if pf {
			return on
		}
		return off
	}
}

func rep(s string, n int) string { return strings.Repeat(s, n) }

// explore is the arm sequence of one exploration.
var explore = rep("+", 8) + rep("-", 8) + rep("+", 8) + rep("-", 8) + rep("+", 8) + rep("-", 8) + rep("+", 8)

func TestPrefetchCtlDecides(t *testing.T) {
	tests := []struct {
		name string
		dur  func(int, bool) time.Duration
		want string // arms after the exploration, for ctlExploit tokens
	}{
		{"off slower keeps on", arms(100*ms, 120*ms), rep("+", ctlExploit)},
		{"off faster turns off", arms(100*ms, 90*ms), rep("-", ctlExploit)},
		{"tie keeps on", arms(100*ms, 100*ms), rep("+", ctlExploit)},
		{"off faster within the margin keeps on", arms(100*ms, 99*ms), rep("+", ctlExploit)},
		// Every token 3 ms faster than the one before, on and off alike:
		// averaging the on windows against the off ones would find off
		// 5% faster.
		{"linear drift is not charged to an arm", func(i int, _ bool) time.Duration {
			return time.Duration(600-3*i) * ms
		}, rep("+", ctlExploit)},
		// The first token of a window runs on the other arm's cache and
		// is not measured: off windows fast only in it and 3 more tokens
		// are a tie (counted, it would make their median 75 ms).
		{"first token of a window not measured", func(i int, on bool) time.Duration {
			if !on && i%8 < 4 {
				return 50 * ms
			}
			return 100 * ms
		}, rep("+", ctlExploit)},
		// One slow token in each off window does not hide that off is 5%
		// faster (a mean would make it 2x slower).
		{"one slow token per window ignored", func(i int, on bool) time.Duration {
			switch {
			case on:
				return 100 * ms
			case i%8 == 3:
				return 900 * ms
			}
			return 95 * ms
		}, rep("-", ctlExploit)},
		// Off wins two pairs of three by a lot and loses one: the median
		// ratio decides.
		{"median of the pairs", func(i int, on bool) time.Duration {
			if on {
				return 100 * ms
			}
			if i/8 == 5 {
				return 200 * ms
			}
			return 80 * ms
		}, rep("-", ctlExploit)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newPrefetchCtl(false)
			if got := runCtl(c, len(explore), tt.dur); got != explore {
				t.Fatalf("exploration arms\n%s, want\n%s", got, explore)
			}
			if c.decisions.Load() != 1 {
				t.Fatalf("%d decisions after one exploration", c.decisions.Load())
			}
			if got := runCtl(c, ctlExploit, tt.dur); got != tt.want {
				t.Fatalf("exploitation arms\n%s, want\n%s", got, tt.want)
			}
		})
	}
}

// TestPrefetchCtlReexplores: after ctlExploit tokens on its decision the
// controller explores again (starting on) and can change its mind; it
// counts decisions and the tokens run off.
func TestPrefetchCtlReexplores(t *testing.T) {
	c := newPrefetchCtl(false)
	offFaster := arms(100*ms, 80*ms)
	want := explore + rep("-", ctlExploit) + explore + rep("-", ctlExploit)
	if got := runCtl(c, len(want), offFaster); got != want {
		t.Fatalf("arms\n%s, want\n%s", got, want)
	}
	if d, off := c.decisions.Load(), c.offTokens.Load(); d != 2 || off != 2*(24+ctlExploit) {
		t.Fatalf("decisions %d, off tokens %d; want 2, %d", d, off, 2*(24+ctlExploit))
	}
	// Conditions change: on is now faster.
	want = explore + rep("+", ctlExploit)
	if got := runCtl(c, len(want), arms(80*ms, 100*ms)); got != want {
		t.Fatalf("after the change, arms\n%s, want\n%s", got, want)
	}
	if d, off := c.decisions.Load(), c.offTokens.Load(); d != 3 || off != 3*24+2*ctlExploit {
		t.Fatalf("decisions %d, off tokens %d; want 3, %d", d, off, 3*24+2*ctlExploit)
	}
}

// TestPrefetchCtlZeroDurations: tokens timed as zero are a tie, not a
// division by zero.
func TestPrefetchCtlZeroDurations(t *testing.T) {
	c := newPrefetchCtl(false)
	runCtl(c, len(explore), arms(0, 0))
	if !c.prefetch() || c.decisions.Load() != 1 {
		t.Fatalf("prefetch %v after %d decisions, want on after 1", c.prefetch(), c.decisions.Load())
	}
}

func TestMedianDuration(t *testing.T) {
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{5}, 5},
		{[]time.Duration{9, 1, 5}, 5},
		{[]time.Duration{4, 1, 3, 2}, 2}, // (2+3)/2 in integer nanoseconds
		{[]time.Duration{7, 7, 1, 100, 7, 2, 8}, 7},
	}
	for _, tt := range tests {
		in := append([]time.Duration(nil), tt.in...)
		if got := medianDuration(in); got != tt.want {
			t.Errorf("median %v = %v, want %v", tt.in, got, tt.want)
		}
		for i := range in {
			if in[i] != tt.in[i] {
				t.Fatalf("median %v reordered its input", tt.in)
			}
		}
	}
}

// TestPrefetchCtlAB: in ab mode the controller alternates windows for
// ever, never decides, keeps one ratio per off window and totals each
// arm's timed tokens (a window's first token is not timed).
func TestPrefetchCtlAB(t *testing.T) {
	c := newPrefetchCtl(true)
	next := rep(rep("-", 8)+rep("+", 8), ctlPairs) // the next 3 off windows
	want := explore + next + next
	var b strings.Builder
	for range len(want) {
		on := c.prefetch()
		b.WriteByte("-+"[boolInt(on)])
		d := 80 * ms
		if on {
			d = 100 * ms
		}
		c.done(d, d/4)
	}
	if got := b.String(); got != want {
		t.Fatalf("arms\n%s, want\n%s", got, want)
	}
	s := c.abSnapshot()
	if c.decisions.Load() != 0 || len(s.Ratios) != 3*ctlPairs {
		t.Fatalf("%d decisions, %d ratios; want 0, %d", c.decisions.Load(), len(s.Ratios), 3*ctlPairs)
	}
	for _, x := range s.Ratios {
		if x != 0.8 {
			t.Fatalf("ratios %v, want all 0.8", s.Ratios)
		}
	}
	// 4+3+3 on windows and 3+3+3 off windows of 7 timed tokens each.
	wantOn := ABArm{Tokens: 70, Time: 70 * 100 * ms, Stall: 70 * 25 * ms}
	wantOff := ABArm{Tokens: 63, Time: 63 * 80 * ms, Stall: 63 * 20 * ms}
	if s.On != wantOn || s.Off != wantOff {
		t.Fatalf("arms on %+v off %+v, want %+v, %+v", s.On, s.Off, wantOn, wantOff)
	}
	s.Ratios[0] = 5 // a copy
	if c.abSnapshot().Ratios[0] != 0.8 {
		t.Fatal("abSnapshot returned the controller's own slice")
	}
	if d := s.Sub(ABStats{Ratios: s.Ratios[:4], On: ABArm{Tokens: 7}}); len(d.Ratios) != 5 || d.On.Tokens != 63 {
		t.Fatalf("Sub: %+v", d)
	}
}
