package bench

import (
	"math"
)

// ModelBytes is what the performance model needs to know of a model. The
// zero value predicts nothing (all times 0).
type ModelBytes struct {
	Name        string `json:"name"`
	Resident    int64  `json:"resident_bytes"`  // non-routed weights
	Embedding   int64  `json:"embedding_bytes"` // token_embd: one row read per token
	OneExpert   int64  `json:"one_expert_bytes"`
	Experts     int    `json:"experts_per_layer"`
	ExpertsUsed int    `json:"experts_used"`
	MoELayers   int    `json:"moe_layers"`
	// Overhead is what a plan adds to the resident weights besides the
	// expert cache (KV cache, scratch, headroom).
	Overhead int64 `json:"overhead_bytes"`
}

// ResidentRead is the resident bytes one decode token reads: every
// resident weight but the embedding table (the output head included).
func (m ModelBytes) ResidentRead() int64 { return max(m.Resident-m.Embedding, 0) }

// RoutedPerToken is the routed expert bytes one decode token uses.
func (m ModelBytes) RoutedPerToken() int64 {
	return m.OneExpert * int64(m.ExpertsUsed) * int64(m.MoELayers)
}

// RoutedTotal is every routed expert's bytes.
func (m ModelBytes) RoutedTotal() int64 {
	return m.OneExpert * int64(m.Experts) * int64(m.MoELayers)
}

// Fixed is the part of a budget that is not expert cache.
func (m ModelBytes) Fixed() int64 { return m.Resident + m.Overhead }

// Machine is the bandwidths the model runs on, in bytes per second.
type Machine struct {
	MemBW float64 `json:"mem_bytes_per_s"` // memory read bandwidth
	// ComputeBW is the weight bytes per second the kernels consume at the
	// thread count used (0: assume they reach MemBW).
	ComputeBW float64 `json:"compute_bytes_per_s"`
	DiskBW    float64 `json:"disk_bytes_per_s"` // expert-sized O_DIRECT reads
}

// DefaultAlpha is the exponent of the assumed hit-rate curve
// hit = cacheFraction^alpha. 1 is a cache of uniformly used experts; real
// DeepSeek routing is skewed (a few hot experts per layer) and LRU with
// router prefetch does better, which alpha < 1 expresses. 0.7 puts a cache
// of 75% of the experts at an ~82% hit rate, the 75-80% BOARDS.md assumes
// for V2-Lite on a Pi 5; `edgemoe bench` reports the alpha it measured.
const DefaultAlpha = 0.7

// HitRate is the assumed hit rate of a cache holding fraction f of the
// routed experts.
func HitRate(f, alpha float64) float64 {
	if f <= 0 {
		return 0
	}
	if f >= 1 {
		return 1
	}
	if alpha <= 0 {
		alpha = DefaultAlpha
	}
	return math.Pow(f, alpha)
}

// FitAlpha returns the alpha that makes HitRate(f) = hit (NaN when the
// figures cannot determine one).
func FitAlpha(f, hit float64) float64 {
	if f <= 0 || f >= 1 || hit <= 0 || hit >= 1 {
		return math.NaN()
	}
	return math.Log(hit) / math.Log(f)
}

// Prediction is the roofline estimate of one decode token.
type Prediction struct {
	CacheBytes    int64   `json:"cache_bytes"`
	CacheFraction float64 `json:"cache_fraction"`
	HitRate       float64 `json:"hit_rate"`
	ComputeBytes  int64   `json:"compute_bytes_per_token"` // resident read + routed used
	MissBytes     int64   `json:"miss_bytes_per_token"`
	ComputeSec    float64 `json:"compute_s"`
	IOSec         float64 `json:"io_s"`
	// TokPS overlaps expert reads with compute (prefetch on): 1/max.
	TokPS float64 `json:"tok_per_s"`
	// TokPSSerial waits for every miss (prefetch off): 1/sum.
	TokPSSerial float64 `json:"tok_per_s_serial"`
}

// Predict estimates decode speed of m on mc with an expert cache of
// cacheBytes and hit rate hit (hit < 0: the assumed curve with alpha).
//
// Per token the kernels read the resident weights (minus the embedding
// table) and the used experts from memory: compute = bytes /
// min(MemBW, ComputeBW). Missed experts come from storage: io = miss
// bytes / DiskBW with miss bytes = routed per token x (1 - hit). With
// prefetch the two overlap (t = max), without it they add (t = sum).
// Attention over the KV cache, the router and activations are ignored:
// at short contexts they are a few percent of the bytes.
func Predict(m ModelBytes, mc Machine, cacheBytes int64, hit, alpha float64) Prediction {
	p := Prediction{CacheBytes: max(cacheBytes, 0)}
	if rt := m.RoutedTotal(); rt > 0 {
		p.CacheFraction = min(1, float64(p.CacheBytes)/float64(rt))
	} else {
		p.CacheFraction = 1
	}
	p.HitRate = hit
	if hit < 0 {
		p.HitRate = HitRate(p.CacheFraction, alpha)
	}
	routed := m.RoutedPerToken()
	p.ComputeBytes = m.ResidentRead() + routed
	p.MissBytes = int64(float64(routed) * (1 - p.HitRate))
	bw := mc.MemBW
	if mc.ComputeBW > 0 && (bw <= 0 || mc.ComputeBW < bw) {
		bw = mc.ComputeBW
	}
	if bw > 0 {
		p.ComputeSec = float64(p.ComputeBytes) / bw
	}
	if mc.DiskBW > 0 {
		p.IOSec = float64(p.MissBytes) / mc.DiskBW
	}
	if t := max(p.ComputeSec, p.IOSec); t > 0 {
		p.TokPS = 1 / t
	}
	if t := p.ComputeSec + p.IOSec; t > 0 {
		p.TokPSSerial = 1 / t
	}
	return p
}
