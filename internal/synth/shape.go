package synth

import (
	"fmt"
	"sort"
	"strings"
)

// Shape is a deepseek2 model's dimensions and routing rules.
type Shape struct {
	Name       string
	Embd       int
	Layers     int
	LeadDense  int
	Heads      int
	QLora      int // 0: attn_q path (V2-Lite)
	KVLora     int
	QKNope     int
	QKRope     int
	VHead      int
	FFDense    int
	FFExpert   int
	Experts    int
	Used       int
	Groups     int
	GroupsUsed int
	Shared     int
	Sigmoid    bool // sigmoid + bias routing (V3) instead of softmax (V2)
	Norm       bool // renormalise expert weights
	Scale      float32
	Context    int
	YarnFactor float32
	YarnOrig   int
	YarnLogMul float32
}

var shapes = map[string]Shape{
	// tiny: seconds to write, for tests; K-quant friendly widths.
	"tiny": {Name: "tiny", Embd: 256, Layers: 3, LeadDense: 1, Heads: 4, QLora: 96, KVLora: 64,
		QKNope: 32, QKRope: 16, VHead: 32, FFDense: 512, FFExpert: 256, Experts: 16, Used: 4,
		Groups: 4, GroupsUsed: 2, Shared: 1, Sigmoid: true, Norm: true, Scale: 2.5,
		Context: 4096, YarnFactor: 4, YarnOrig: 1024, YarnLogMul: 0.1},
	// demo: the built-in model; routed experts several times the demo budget.
	"demo": {Name: "demo", Embd: 1024, Layers: 16, LeadDense: 1, Heads: 8, QLora: 384, KVLora: 256,
		QKNope: 64, QKRope: 32, VHead: 64, FFDense: 2816, FFExpert: 768, Experts: 64, Used: 6,
		Groups: 8, GroupsUsed: 4, Shared: 1, Sigmoid: true, Norm: true, Scale: 2.5,
		Context: 4096, YarnFactor: 4, YarnOrig: 1024, YarnLogMul: 0.1},
	// DeepSeek-V2-Lite (and Moonlight-like) dimensions.
	"v2-lite": {Name: "v2-lite", Embd: 2048, Layers: 27, LeadDense: 1, Heads: 16, QLora: 0, KVLora: 512,
		QKNope: 128, QKRope: 64, VHead: 128, FFDense: 10944, FFExpert: 1408, Experts: 64, Used: 6,
		Groups: 1, GroupsUsed: 1, Shared: 2, Sigmoid: false, Norm: false, Scale: 1,
		Context: 163840, YarnFactor: 40, YarnOrig: 4096, YarnLogMul: 0.0707},
	// DeepSeek-V3 / R1 dimensions.
	"v3": {Name: "v3", Embd: 7168, Layers: 61, LeadDense: 3, Heads: 128, QLora: 1536, KVLora: 512,
		QKNope: 128, QKRope: 64, VHead: 128, FFDense: 18432, FFExpert: 2048, Experts: 256, Used: 8,
		Groups: 8, GroupsUsed: 4, Shared: 1, Sigmoid: true, Norm: true, Scale: 2.5,
		Context: 163840, YarnFactor: 40, YarnOrig: 4096, YarnLogMul: 0.1},
}

// Lookup returns a named shape.
func Lookup(name string) (Shape, error) {
	s, ok := shapes[name]
	if !ok {
		return Shape{}, fmt.Errorf("unknown shape %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return s, nil
}

// Names lists the shapes.
func Names() []string {
	var n []string
	for k := range shapes {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// WithLayers returns s cut (or grown) to n layers, keeping its dense lead
// (at least one MoE layer remains).
func (s Shape) WithLayers(n int) (Shape, error) {
	if n < 1 || n > 1024 {
		return s, fmt.Errorf("layers %d: want 1..1024", n)
	}
	s.Layers = n
	if s.LeadDense >= n {
		s.LeadDense = n - 1
	}
	return s, nil
}
