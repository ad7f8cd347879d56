package attention

import "math"

// Rope rotates adjacent element pairs (x[2i], x[2i+1]) by position-dependent
// angles, with optional YaRN frequency scaling as DeepSeek uses it (the
// cos/sin are not rescaled; the attention scale carries YaRN's mscale).
// A Rope is immutable after NewRope and safe for concurrent use.
type Rope struct {
	dims int
	inv  []float64 // per pair
}

// RopeConfig describes the rotary embedding. Yarn false ignores the YaRN
// fields.
type RopeConfig struct {
	Dims     int     // rotated dimensions (even)
	Theta    float64 // base
	Yarn     bool
	Factor   float64 // context extension factor
	OrigCtx  int     // original training context
	BetaFast float64 // default 32
	BetaSlow float64 // default 1
}

// NewRope precomputes the inverse frequencies.
func NewRope(c RopeConfig) *Rope {
	half := c.Dims / 2
	r := &Rope{dims: c.Dims, inv: make([]float64, half)}
	for i := range r.inv {
		r.inv[i] = math.Pow(c.Theta, -2*float64(i)/float64(c.Dims))
	}
	if !c.Yarn || c.Factor <= 1 {
		return r
	}
	fast, slow := c.BetaFast, c.BetaSlow
	if fast == 0 {
		fast = 32
	}
	if slow == 0 {
		slow = 1
	}
	corr := func(beta float64) float64 {
		return float64(c.Dims) * math.Log(float64(c.OrigCtx)/(2*math.Pi*beta)) / (2 * math.Log(c.Theta))
	}
	low := math.Max(math.Floor(corr(fast)), 0)
	high := math.Min(math.Ceil(corr(slow)), float64(c.Dims-1))
	if low == high {
		high += 0.001
	}
	for i := range r.inv {
		ramp := (float64(i) - low) / (high - low)
		ramp = math.Min(math.Max(ramp, 0), 1)
		r.inv[i] = r.inv[i]/c.Factor*ramp + r.inv[i]*(1-ramp)
	}
	return r
}

// Dims is the number of rotated elements.
func (r *Rope) Dims() int { return r.dims }

// Apply rotates x (length Dims) in place for absolute position pos.
func (r *Rope) Apply(x []float32, pos int) {
	x = x[:r.dims]
	for i, f := range r.inv {
		s, c := math.Sincos(float64(pos) * f)
		a, b := float64(x[2*i]), float64(x[2*i+1])
		x[2*i] = float32(a*c - b*s)
		x[2*i+1] = float32(a*s + b*c)
	}
}
