package edge

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The controller's constants. Decode here runs at 1.5-10 tokens/s and
// back-to-back runs of one setting differ by 5-10% on a shared machine,
// while prefetch moves decode speed by about 5% either way (it gains where
// the disk has idle time to fill, loses where demand reads saturate it).
const (
	// ctlWindow is the decode tokens of one exploration window. Its first
	// token is not measured, since it runs on the cache the other arm left;
	// the median of the other 7 is not moved by one slow token (a GC
	// pause, a burst from a neighbour).
	ctlWindow = 8
	// ctlPairs is the off windows of one exploration. Windows alternate
	// on, off, on, ..., off, on (2*ctlPairs+1 windows, starting and ending
	// on) and each off window is compared with the mean of the on windows
	// either side of it, which cancels a linear drift (the cache filling
	// after a prompt, a host getting busier) that plain alternation would
	// charge to one arm. Three pairs make the decision the median of three
	// ratios, which one disturbed pair does not decide, for 56 tokens of
	// exploration.
	ctlPairs = 3
	// ctlExploit is the decode tokens run on the decided arm before
	// exploring again. The losing arm runs at most 32 of every 56+192
	// tokens (13%): at a 5% gap that costs under 0.7% of decode speed,
	// while a changed workload (another prompt, a filled cache) is
	// measured again within about 250 tokens.
	ctlExploit = 192
	// ctlMargin is how much faster off must be to be kept: the median
	// off/on ratio must be below 1-ctlMargin. Ties keep prefetch on (the
	// default, and the arm that hides latency when the disk has headroom);
	// 2% is under the ~5% gaps worth acting on but above the drift left in
	// a median of window medians.
	ctlMargin = 0.02
)

// prefetchCtl decides, online, whether decode tokens (forwards of one
// token) run with prefetch. It explores by alternating windows of tokens
// with prefetch on and off and timing them, keeps prefetch off only if off
// was measurably faster, runs ctlExploit tokens on that decision and
// explores again. It sees token durations only, never the cache.
//
// prefetch and done are called by the one goroutine running forwards (the
// Model serializes them); the counters are safe to read concurrently. The
// zero value is not usable: use newPrefetchCtl.
type prefetchCtl struct {
	exploring bool
	on        bool // the arm of the next decode token
	win       int  // exploring: the current window's index
	n         int  // exploring: tokens timed in the current window
	samples   [ctlWindow]time.Duration
	medians   [2*ctlPairs + 1]time.Duration
	left      int // exploiting: tokens until the next exploration

	offTokens atomic.Uint64 // decode tokens run with prefetch off
	decisions atomic.Uint64 // explorations completed

	// ab: explore for ever, never decide, and keep every off/on ratio
	// and each arm's totals (Config.PrefetchAB).
	ab   bool
	abMu sync.Mutex
	abs  ABStats
}

// ABStats is what a run with Config.PrefetchAB measured (Model.PrefetchAB).
// The zero value is an empty measurement.
type ABStats struct {
	// Ratios has, per off window, its median token time over the mean of
	// those of the on windows either side (above 1: decode was faster with
	// prefetch), oldest first.
	Ratios []float64 `json:"ratios"`
	// On and Off total the timed decode tokens of each arm (a window's
	// first token is not timed: it runs on the cache the other arm left).
	On  ABArm `json:"on"`
	Off ABArm `json:"off"`
}

// ABArm totals one arm's timed decode tokens.
type ABArm struct {
	Tokens int           `json:"tokens"`
	Time   time.Duration `json:"time_ns"`
	Stall  time.Duration `json:"stall_ns"` // waiting for expert loads
}

// Sub returns the measurement between an earlier snapshot e and s.
func (s ABStats) Sub(e ABStats) ABStats {
	d := ABStats{Ratios: s.Ratios[min(len(e.Ratios), len(s.Ratios)):]}
	d.On = ABArm{s.On.Tokens - e.On.Tokens, s.On.Time - e.On.Time, s.On.Stall - e.On.Stall}
	d.Off = ABArm{s.Off.Tokens - e.Off.Tokens, s.Off.Time - e.Off.Time, s.Off.Stall - e.Off.Stall}
	return d
}

func newPrefetchCtl(ab bool) *prefetchCtl { return &prefetchCtl{exploring: true, on: true, ab: ab} }

// record adds a timed token to its arm's totals in ab mode.
func (c *prefetchCtl) record(d, stall time.Duration) {
	c.abMu.Lock()
	a := &c.abs.Off
	if c.on {
		a = &c.abs.On
	}
	a.Tokens, a.Time, a.Stall = a.Tokens+1, a.Time+d, a.Stall+stall
	c.abMu.Unlock()
}

// prefetch reports whether the next decode token runs with prefetch.
func (c *prefetchCtl) prefetch() bool { return c.on }

// done records the duration of a decode token that ran on the arm
// prefetch reported (and, for ab mode, the time it waited for expert
// loads), and moves to the next token's arm.
func (c *prefetchCtl) done(d, stall time.Duration) {
	if !c.on {
		c.offTokens.Add(1)
	}
	if !c.exploring {
		if c.left--; c.left <= 0 {
			c.exploring, c.win, c.n, c.on = true, 0, 0, true
		}
		return
	}
	if c.ab && c.n > 0 {
		c.record(d, stall)
	}
	c.samples[c.n] = d
	if c.n++; c.n < ctlWindow {
		return
	}
	c.medians[c.win] = medianDuration(c.samples[1:])
	c.n = 0
	if c.win++; c.win < len(c.medians) {
		c.on = c.win%2 == 0
		return
	}
	r := c.pairRatios()
	if c.ab { // go on alternating: the last on window is the next one's left neighbour
		c.abMu.Lock()
		c.abs.Ratios = append(c.abs.Ratios, r[:]...)
		c.abMu.Unlock()
		c.medians[0] = c.medians[len(c.medians)-1]
		c.win, c.on = 1, false
		return
	}
	slices.Sort(r[:])
	c.on = r[ctlPairs/2] >= 1-ctlMargin
	c.exploring, c.left = false, ctlExploit
	c.decisions.Add(1)
}

// pairRatios returns, for each off window of the exploration, its time
// over the mean of its two neighbouring on windows; the decision is their
// median.
func (c *prefetchCtl) pairRatios() [ctlPairs]float64 {
	var r [ctlPairs]float64
	for i := range r {
		on := (c.medians[2*i] + c.medians[2*i+2]) / 2
		r[i] = 1 // no time measured: a tie
		if on > 0 {
			r[i] = float64(c.medians[2*i+1]) / float64(on)
		}
	}
	return r
}

// abSnapshot returns a copy of the ab measurement. Safe for concurrent
// use.
func (c *prefetchCtl) abSnapshot() ABStats {
	c.abMu.Lock()
	defer c.abMu.Unlock()
	s := c.abs
	s.Ratios = slices.Clone(s.Ratios)
	return s
}

// medianDuration returns the median of xs (the mean of the middle two for
// an even count), sorting a copy; xs holds at most ctlWindow values.
func medianDuration(xs []time.Duration) time.Duration {
	var buf [ctlWindow]time.Duration
	s := buf[:copy(buf[:], xs)]
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
