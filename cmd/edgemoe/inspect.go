package main

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/tensor"
)

func init() {
	register("inspect", "describe a GGUF model: hyperparameters, types, resident vs routed bytes", runInspect)
}

func runInspect(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("inspect", stderr)
	mem := fs.String("mem", "", "also print the memory plan for this `budget` (e.g. 4G)")
	ctx := fs.Int("ctx", 4096, "context `tokens` for the plan's KV cache")
	kv := fs.String("kv", "f32", "KV cache type for the plan: f32 or f16")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badInput(fmt.Errorf("usage: edgemoe inspect MODEL.gguf"))
	}
	cfg := edge.Config{Context: *ctx, Budget: 1 << 50, BudgetSource: "inspect (no budget given)"}
	if cfg.KV, err = parseKV(*kv); err != nil {
		return badInput(err)
	}
	var planErr error
	if *mem != "" {
		if cfg.Budget, err = parseBytes(*mem); err != nil {
			return badInput(fmt.Errorf("--mem: %w", err))
		}
		cfg.BudgetSource = "--mem"
	}
	m, err := edge.Open(pos[0], cfg)
	if errors.Is(err, edge.ErrBudget) {
		planErr = err // describe the model anyway, then explain the plan
		cfg.Budget = 1 << 50
		m, err = edge.Open(pos[0], cfg)
	}
	if err != nil {
		return badInput(err)
	}
	defer m.Close()
	c := m.Model.Cfg
	p := func(format string, a ...any) { fmt.Fprintf(stdout, format+"\n", a...) }
	p("file:            %s", m.Path)
	p("architecture:    %s (GGUF v%d)  name: %q", m.File.Architecture(), m.File.Version, c.Name)
	layout := "MLA (attn_k_b/attn_v_b)"
	if !c.MLA {
		layout = "legacy (attn_kv_b)"
	}
	p("attention:       %s", layout)
	p("layers:          %d (%d dense first)", c.Layers, c.LeadDense)
	p("embedding:       %d   vocab: %d   context: %d", c.Embd, c.Vocab, c.ContextLen)
	p("heads:           %d   q_lora: %d   kv_lora: %d   nope/rope/v: %d/%d/%d", c.Heads, c.QLoraRank, c.KVLoraRank, c.QKNope, c.QKRope, c.VHead)
	gating := "softmax"
	if c.Gating == 2 {
		gating = "sigmoid"
	}
	p("experts:         %d routed, %d used, %d shared, groups %d keep %d, width %d", c.Experts, c.ExpertsUsed, c.Shared, c.Groups, c.GroupsUsed, c.FFExpert)
	p("routing:         %s, weights norm %v, scale %g", gating, c.WeightNorm, c.WeightScale)
	if c.Yarn {
		p("rope:            yarn factor %g, original context %d, log multiplier %g, theta %g", c.YarnFactor, c.YarnOrigCtx, c.YarnLogMul, c.RopeTheta)
	} else {
		p("rope:            theta %g", c.RopeTheta)
	}
	counts := map[tensor.DType]int{}
	for _, t := range m.File.Tensors {
		counts[t.Type]++
	}
	types := make([]tensor.DType, 0, len(counts))
	for t := range counts {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
	line := ""
	for _, t := range types {
		line += fmt.Sprintf(" %s x%d", t, counts[t])
	}
	p("tensors:         %d:%s", len(m.File.Tensors), line)
	s := m.Model.ComputeSizes(m.File)
	p("bytes total:     %s", human(s.Total))
	p("bytes resident:  %s (non-routed weights; token_embd %s of it)", human(s.Resident), human(s.Embedding))
	p("bytes routed:    %s (%d experts in %d MoE layers)", human(s.Routed), s.ExpertsAll, s.MoELayers)
	p("one expert:      %s", human(s.OneExpert))
	kvb := int64(c.KVPerToken()) * int64(c.Layers)
	p("latent KV/token: %s f32, %s f16 (%d values x %d layers)", human(4*kvb), human(2*kvb), c.KVPerToken(), c.Layers)
	p("kernels:         %s", kernelSummary())
	if planErr != nil {
		return badInput(planErr)
	}
	if *mem != "" {
		fmt.Fprint(stdout, m.Plan.String())
	}
	return nil
}

func human(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		f /= unit
		if f < unit {
			return fmt.Sprintf("%.2f %s (%d B)", f, u, n)
		}
	}
	return fmt.Sprintf("%d B", n)
}
