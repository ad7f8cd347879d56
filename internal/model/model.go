package model

import (
	"context"
	"fmt"
	"strings"

	"github.com/edgemoe/edgemoe/attention"
	"github.com/edgemoe/edgemoe/internal/gguf"
	"github.com/edgemoe/edgemoe/internal/parallel"
)

// Expert is one routed expert's three weight matrices as raw bytes in the
// stacks' types and shapes. The bytes are valid while the handle that gave
// them out is held.
type Expert struct{ Gate, Up, Down []byte }

// ExpertHandle pins one expert's bytes until Release.
type ExpertHandle interface {
	Expert() Expert
	Release()
}

// ExpertSource supplies routed experts. Implementations must be safe for
// concurrent use. Acquire blocks until the expert's bytes are available.
type ExpertSource interface {
	Acquire(ctx context.Context, layer, expert int) (ExpertHandle, error)
}

// Hooks lets the runtime observe the forward pass (prefetch, telemetry).
// Nil fields are skipped. Hooks run on the forward goroutine and must be
// quick.
type Hooks struct {
	// Routed reports the experts layer chose for the batch's tokens,
	// each token's selection in descending score order (len T*K).
	Routed func(layer int, experts []int32)
	// BeforeLayer is called with the residual stream (T*E) that enters
	// layer l: the moment a prefetcher applies the routers of the layers
	// ahead to the current hidden state.
	BeforeLayer func(layer int, hidden []float32, T int)
}

// Model is a bound deepseek2 model. It is immutable after New and safe for
// concurrent use by several Sessions.
type Model struct {
	Cfg     *Config
	W       *Weights
	Experts ExpertSource
	Prec    Precision
	Hooks   Hooks
	// Pool runs the matrix products on several cores; nil runs them on
	// the calling goroutine. The caller owns it.
	Pool *parallel.Pool
	rope *attention.Rope
}

// New binds a parsed GGUF file whose bytes are data (usually the whole
// file's read-only mapping). Routed experts are read straight from data
// unless the caller replaces m.Experts.
func New(f *gguf.File, data []byte) (*Model, error) {
	hasKB := false
	for _, t := range f.Tensors {
		if strings.HasSuffix(t.Name, ".attn_k_b.weight") {
			hasKB = true
			break
		}
	}
	cfg, err := ConfigFromGGUF(f, hasKB)
	if err != nil {
		return nil, err
	}
	w, err := Bind(cfg, f, data)
	if err != nil {
		return nil, err
	}
	m := &Model{Cfg: cfg, W: w}
	m.Experts = NewResidentExperts(w)
	m.rope = attention.NewRope(attention.RopeConfig{
		Dims: cfg.QKRope, Theta: float64(cfg.RopeTheta), Yarn: cfg.Yarn,
		Factor: float64(cfg.YarnFactor), OrigCtx: cfg.YarnOrigCtx,
		BetaFast: float64(cfg.YarnBetaFast), BetaSlow: float64(cfg.YarnBetaSlow),
	})
	return m, nil
}

// ResidentExperts serves experts straight from the weights' bytes (the
// mapped file): every Acquire is a hit and Release does nothing.
type ResidentExperts struct {
	handles [][]residentHandle
}

type residentHandle struct{ e Expert }

func (h *residentHandle) Expert() Expert { return h.e }
func (h *residentHandle) Release()       {}

// NewResidentExperts prepares handles for every expert of every MoE layer.
func NewResidentExperts(w *Weights) *ResidentExperts {
	r := &ResidentExperts{handles: make([][]residentHandle, len(w.Layers))}
	for l := range w.Layers {
		L := &w.Layers[l]
		if L.GateExps == nil {
			continue
		}
		hs := make([]residentHandle, L.GateExps.N)
		for e := range hs {
			hs[e].e = Expert{Gate: L.GateExps.At(e).Data, Up: L.UpExps.At(e).Data, Down: L.DownExps.At(e).Data}
		}
		r.handles[l] = hs
	}
	return r
}

// Acquire returns the expert's bytes; it never blocks.
func (r *ResidentExperts) Acquire(_ context.Context, layer, expert int) (ExpertHandle, error) {
	if layer < 0 || layer >= len(r.handles) || expert < 0 || expert >= len(r.handles[layer]) {
		return nil, fmt.Errorf("no routed expert %d in layer %d", expert, layer)
	}
	return &r.handles[layer][expert], nil
}
