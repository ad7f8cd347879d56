package model

import (
	"github.com/edgemoe/edgemoe/internal/kernels"
	"math"
)

// route turns one token's router logits into the chosen experts (sel, in
// descending selection score) and their weights (w), following DeepSeek:
// scores = sigmoid or softmax of the logits in fp32; selection ranks
// scores + bias (when the layer has exp_probs_b) inside the best expert
// groups; weights use the unbiased scores, renormalised when the model says
// so, times expert_weights_scale. scores is scratch of len(logits).
func route(c *Config, logits, bias, scores []float32, sel []int32, w []float32) {
	n := len(logits)
	if c.Gating == GatingSigmoid {
		for i, v := range logits {
			scores[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	} else {
		copy(scores[:n], logits)
		kernels.Softmax(scores[:n])
	}
	// Selection scores live in logits (no longer needed) to avoid scratch.
	choice := logits
	for i := range choice {
		choice[i] = scores[i]
		if bias != nil {
			choice[i] += bias[i]
		}
	}
	if c.Groups > 1 && c.GroupsUsed < c.Groups {
		maskGroups(choice, c.Groups, c.GroupsUsed, bias != nil)
	}
	topK(choice, sel)
	var sum float32
	for k, e := range sel {
		w[k] = scores[e]
		sum += w[k]
	}
	if c.WeightNorm && sum > 0 {
		for k := range w {
			w[k] /= sum
		}
	}
	for k := range w {
		w[k] *= c.WeightScale
	}
}

// maskGroups keeps the `keep` best of g equal groups of choice and sets the
// rest to -Inf. A group's score is the sum of its two best entries when the
// router has a bias (DeepSeek-V3), else its best entry (the official rule
// for V2; llama.cpp uses the top-2 sum there too).
func maskGroups(choice []float32, g, keep int, top2 bool) {
	size := len(choice) / g
	var gsBuf [64]float32
	gs := gsBuf[:0]
	if g > len(gsBuf) {
		gs = make([]float32, 0, g)
	}
	for i := 0; i < g; i++ {
		grp := choice[i*size : (i+1)*size]
		a, b := float32(math.Inf(-1)), float32(math.Inf(-1))
		for _, v := range grp {
			if v > a {
				a, b = v, a
			} else if v > b {
				b = v
			}
		}
		if top2 && size > 1 {
			gs = append(gs, a+b)
		} else {
			gs = append(gs, a)
		}
	}
	// keep the `keep` largest group scores (ties: lower group index)
	var keptBuf [64]bool
	kept := keptBuf[:0]
	if g > len(keptBuf) {
		kept = make([]bool, 0, g)
	}
	kept = kept[:g]
	for k := 0; k < keep; k++ {
		best := -1
		for i, v := range gs {
			if !kept[i] && (best < 0 || v > gs[best]) {
				best = i
			}
		}
		kept[best] = true
	}
	ninf := float32(math.Inf(-1))
	for i := 0; i < g; i++ {
		if !kept[i] {
			for j := i * size; j < (i+1)*size; j++ {
				choice[j] = ninf
			}
		}
	}
}

// topK writes the indices of the len(sel) largest values of x to sel in
// descending order (ties: lower index first).
func topK(x []float32, sel []int32) {
	for k := range sel {
		best := -1
		for i, v := range x {
			if best >= 0 && v <= x[best] {
				continue
			}
			taken := false
			for _, s := range sel[:k] {
				if int(s) == i {
					taken = true
					break
				}
			}
			if !taken {
				best = i
			}
		}
		sel[k] = int32(best)
	}
}

// Predictor computes a layer's routing from a hidden state that is not yet
// the layer's input (the "stale gate" a prefetcher uses). It owns scratch
// memory: one Predictor per goroutine.
type Predictor struct {
	m      *Model
	h      []float32
	logits []float32
	scores []float32
	act    []byte
}

// NewPredictor makes a Predictor for m.
func (m *Model) NewPredictor() *Predictor {
	c := m.Cfg
	return &Predictor{m: m, h: make([]float32, c.Embd), logits: make([]float32, c.Experts), scores: make([]float32, c.Experts)}
}

// Predict writes to sel (len ExpertsUsed) the experts layer would choose for
// hidden state x (len Embd) normalised with that layer's ffn_norm. It
// returns false for dense layers.
func (p *Predictor) Predict(layer int, x []float32, sel []int32) bool {
	c := p.m.Cfg
	if layer < 0 || layer >= c.Layers || !c.IsMoE(layer) {
		return false
	}
	L := &p.m.W.Layers[layer]
	kernels.RMSNorm(p.h, x, L.FFNNorm, c.RMSEps)
	linear(nil, PrecisionF32, L.Router, p.h, 1, p.logits, &p.act)
	var w [64]float32
	ws := w[:0]
	if len(sel) > len(w) {
		ws = make([]float32, len(sel))
	}
	route(c, p.logits, L.RouterB, p.scores, sel, ws[:len(sel)])
	return true
}
