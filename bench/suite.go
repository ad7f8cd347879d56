package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/edgemoe/edgemoe/boards"
	"github.com/edgemoe/edgemoe/edge"
)

// Options configures Run. The zero value runs the full suite on a
// synthesized model in the user cache directory with the detected board.
type Options struct {
	// Model is the GGUF file to run; "" synthesizes one (see Synth).
	Model string
	// CacheDir holds synthesized models; "" means the user cache
	// directory's edgemoe/bench.
	CacheDir string
	// Quick shrinks everything to finish in about a minute or two.
	Quick bool
	// Board overrides detection with a profile name.
	Board string
	// Fractions of the routed bytes the expert cache gets; nil: 1, .5,
	// .25, .1.
	Fractions []float64
	Pagers    []string // nil: mmap, direct
	Prefetch  []bool   // nil: on, off
	Prompts   int      // prompts (1 cold + rotating); 0: 3 quick, 5 full
	Tokens    int      // generated per prompt; 0: 6 quick, 24 full
	Context   int      // session context; 0: 512
	Warm      bool     // also repeat the cold prompt warm (full default)
	// Repeats runs every (budget, pager) cell this many times, each repeat
	// running the prefetch settings back to back in alternating order, and
	// pairs them (Result.Pairs); 0 means 1.
	Repeats int
	// AB adds to each repeat of each cell a run with
	// edge.Config.PrefetchAB, whose in-run on/off windows are compared in
	// Result.AB.
	AB bool
	// Synth is the synthesized model when Model is "".
	Synth SynthSpec
	// SkipKernels and SkipStorage leave those probes out (tests).
	SkipKernels, SkipStorage bool
	// Version is the edgemoe version string to record.
	Version string
	// Log receives progress lines; nil is silent.
	Log io.Writer
}

func (o *Options) defaults() {
	if o.Fractions == nil {
		o.Fractions = []float64{1, 0.5, 0.25, 0.1}
	}
	if o.Pagers == nil {
		o.Pagers = []string{"mmap", "direct"}
	}
	if o.Prefetch == nil {
		o.Prefetch = []bool{true, false}
	}
	if o.Prompts <= 0 {
		o.Prompts = 5
		if o.Quick {
			o.Prompts = 3
		}
	}
	if o.Tokens <= 0 {
		o.Tokens = 24
		if o.Quick {
			o.Tokens = 6
		}
	}
	if o.Context <= 0 {
		o.Context = 512
	}
	if o.Repeats <= 0 {
		o.Repeats = 1
	}
	if !o.Quick && o.Model == "" {
		o.Warm = true
	}
	if o.Synth.Shape == "" {
		o.Synth = DefaultSynth(o.Quick)
	}
}

func (o *Options) logf(format string, a ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", a...)
	}
}

// Run runs the suite: board detection, probes, kernels, then the scenario
// grid, and returns the result with predictions filled in. A failing
// scenario is recorded with its error; Run fails only when no model can
// be opened.
func Run(ctx context.Context, o Options) (*Result, error) {
	o.defaults()
	start := time.Now()
	res := &Result{Schema: Schema, Started: start.UTC(), Alpha: DefaultAlpha,
		Versions: Versions{Edgemoe: o.Version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}}
	if err := detectBoard(&o, res); err != nil {
		return nil, err
	}
	path, err := o.modelPath(ctx, res)
	if err != nil {
		return nil, err
	}
	info, err := probeModel(path, o.Context, o.Model != "", o.Prompts)
	if err != nil {
		return nil, err
	}
	res.Model.Path, res.Model.Bytes, res.Model.FileBytes = path, info.bytes, info.fileBytes
	probeMachine(&o, res, path, info.bytes.OneExpert)
	if !o.SkipKernels {
		o.logf("kernels: timing matvec per weight type")
		kr, err := KernelBench(ctx, KernelOptions{MinTime: pick(o.Quick, 80*time.Millisecond, 300*time.Millisecond),
			MatBytes: pick(o.Quick, int64(32<<20), int64(128<<20))})
		if err != nil {
			return nil, fmt.Errorf("kernel benchmark: %w", err)
		}
		res.Kernels = kr
		o.logf("kernels: %s: %.2f GB/s best (read probe %.1f GB/s)", info.dtype, kr.Best(info.dtype), kr.ReadGBps)
	}
	prompts := info.prompts
	res.Setup = Setup{Quick: o.Quick, Fractions: o.Fractions, Pagers: o.Pagers, Prefetch: o.Prefetch,
		Prompts: len(prompts), GenTokens: o.Tokens, Context: o.Context, Warm: o.Warm, Repeats: o.Repeats, AB: o.AB, Notes: setupNotes(o)}
	for _, p := range prompts {
		res.Setup.PromptTokens = append(res.Setup.PromptTokens, len(p))
	}
	specs := grid(o, info)
	for i, sp := range specs {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		o.logf("[%d/%d] %s (budget %.0f MiB)", i+1, len(specs), sp.name(), float64(sp.budget)/(1<<20))
		sc := runScenario(ctx, path, sp, &o, prompts)
		if sc.Error != "" {
			o.logf("    error: %s", sc.Error)
		}
		res.Scenarios = append(res.Scenarios, sc)
	}
	res.Pairs, res.AB = prefetchPairs(res.Scenarios), prefetchABs(res.Scenarios)
	res.Machine = Machine{MemBW: res.Probes.MemReadN * 1e9, ComputeBW: res.Kernels.Best(info.dtype) * 1e9,
		DiskBW: expertDiskBW(res.Probes.Storage)}
	predictAll(res)
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

func pick[T any](quick bool, q, full T) T {
	if quick {
		return q
	}
	return full
}

func setupNotes(o Options) []string {
	n := []string{
		"cold: the model file's page cache is dropped (POSIX_FADV_DONTNEED) and the model opened fresh before the first prompt",
		"rotating: different prompts, each in a new session on the warm model; their median is the headline",
		"decode tok/s counts the tokens after the first; paging figures are summed over those decode steps",
		"prompts are greedy-decoded (temperature 0) and never stop early",
	}
	if o.Model == "" {
		n = append(n, "synthetic model: random weights; routing is not a trained model's, so hit rates are only indicative")
	}
	return n
}

func detectBoard(o *Options, res *Result) error {
	det := boards.Detect()
	res.Board.Detected, res.Board.Profile = det, det.Profile.Name
	prof := det.Profile
	if o.Board != "" {
		p, err := boards.Lookup(o.Board)
		if err != nil {
			return err
		}
		prof, res.Board.Profile, res.Board.Override = p, p.Name, true
	}
	res.Board.Defaults = prof.Defaults(det.Facts)
	o.logf("board: %s (%s)", prof.Name, prof.Title)
	return nil
}

func probeMachine(o *Options, res *Result, path string, expert int64) {
	pr := &res.Probes
	pr.PageSize, pr.Features, pr.Threads = os.Getpagesize(), res.Board.Detected.Facts.Features, runtime.GOMAXPROCS(0)
	size, dur := pick(o.Quick, int64(128<<20), int64(512<<20)), pick(o.Quick, 150*time.Millisecond, 500*time.Millisecond)
	pr.MemRead1 = MemReadGBps(size, 1, dur)
	pr.MemReadN = MemReadGBps(size, pr.Threads, dur)
	o.logf("memory read: %.1f GB/s (1 thread), %.1f GB/s (%d threads)", pr.MemRead1, pr.MemReadN, pr.Threads)
	if o.SkipStorage {
		return
	}
	pr.StoragePath = path
	pr.Storage = ProbeStorage(path, expert, pick(o.Quick, int64(64<<20), int64(512<<20)))
	for _, s := range pr.Storage {
		if s.Error != "" {
			o.logf("storage %s: %s", s.Label, s.Error)
			continue
		}
		o.logf("storage O_DIRECT %s: %.0f MB/s", s.Label, s.MBps)
	}
}

// expertDiskBW is the expert-sized probe (else the largest block that
// worked) in bytes/s.
func expertDiskBW(ps []StorageProbe) float64 {
	best, bw := int64(0), 0.0
	for _, p := range ps {
		if p.Error == "" && p.Block > best {
			best, bw = p.Block, p.MBps*1e6
		}
	}
	return bw
}

type modelProbe struct {
	bytes     ModelBytes
	fileBytes int64
	dtype     string
	fixed     int64
	minBudget int64
	prompts   [][]int32
}

// probeModel opens the model once under a budget that holds everything,
// to read its byte counts and plan.
func probeModel(path string, ctx int, text bool, n int) (modelProbe, error) {
	var mp modelProbe
	m, err := edge.Open(path, edge.Config{Budget: 1 << 50, BudgetSource: "bench probe", Context: ctx, Prefetch: -1})
	if err != nil {
		return mp, fmt.Errorf("bench: %w", err)
	}
	defer m.Close()
	s := m.Model.ComputeSizes(m.File)
	c := m.Model.Cfg
	mp.bytes = ModelBytes{Name: c.Name, Resident: s.Resident, Embedding: s.Embedding, OneExpert: s.OneExpert,
		ExpertsUsed: c.ExpertsUsed, MoELayers: s.MoELayers, Overhead: m.Plan.Fixed() - m.Plan.Resident}
	if s.MoELayers > 0 {
		mp.bytes.Experts = s.ExpertsAll / s.MoELayers
	}
	mp.fixed, mp.minBudget = m.Plan.Fixed(), m.Plan.MinBudget(c.ExpertsUsed)
	mp.dtype = "q4_k"
	for _, L := range m.Model.W.Layers {
		if L.GateExps != nil {
			mp.dtype = strings.ToLower(L.GateExps.Type.String())
			break
		}
	}
	if st, err := os.Stat(path); err == nil {
		mp.fileBytes = st.Size()
	}
	if text {
		if tok, err := m.Tokenizer(); err == nil {
			mp.prompts = textPrompts(tok, n)
		}
	}
	if len(mp.prompts) == 0 {
		mp.prompts = idPrompts(c.Vocab, n)
	}
	return mp, nil
}

// grid is the scenario list: budgets x pagers x repeats x prefetch, the
// prefetch order alternating between repeats (see pairOrder), each
// repeat's ab run (Options.AB) last.
func grid(o Options, mp modelProbe) []scenarioSpec {
	var out []scenarioSpec
	fr := append([]float64(nil), o.Fractions...)
	sort.Sort(sort.Reverse(sort.Float64Slice(fr)))
	for _, f := range fr {
		b := max(mp.fixed+int64(f*float64(mp.bytes.RoutedTotal())), mp.minBudget)
		for _, pg := range o.Pagers {
			for rep := range max(o.Repeats, 1) {
				for _, pf := range pairOrder(o.Prefetch, rep) {
					out = append(out, scenarioSpec{frac: f, budget: b, pager: pg, prefetch: pf,
						repeat: rep, repeats: o.Repeats})
				}
				if o.AB {
					out = append(out, scenarioSpec{frac: f, budget: b, pager: pg, prefetch: true, ab: true,
						repeat: rep, repeats: o.Repeats})
				}
			}
		}
	}
	return out
}

// predictAll fills each scenario's predictions and the fitted alpha.
func predictAll(res *Result) {
	var alphas []float64
	for i := range res.Scenarios {
		sc := &res.Scenarios[i]
		if sc.Error != "" && len(sc.Phases) == 0 {
			continue
		}
		sc.Predicted = Predict(res.Model.Bytes, res.Machine, sc.ExpertCache, -1, res.Alpha)
		sc.PredictedAtHit = Predict(res.Model.Bytes, res.Machine, sc.ExpertCache, sc.HitRate, res.Alpha)
		if a := FitAlpha(sc.CacheFraction, sc.HitRate); !math.IsNaN(a) {
			alphas = append(alphas, a)
		}
	}
	res.FittedAlpha = median(alphas)
}

// modelPath returns o.Model or synthesizes the bench model.
func (o *Options) modelPath(ctx context.Context, res *Result) (string, error) {
	if o.Model != "" {
		if _, err := os.Stat(o.Model); err != nil {
			return "", fmt.Errorf("model: %w", err)
		}
		return o.Model, nil
	}
	dir := o.CacheDir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "edgemoe", "bench")
	}
	path, made, err := EnsureSynth(dir, o.Synth)
	if err != nil {
		return "", err
	}
	if made {
		o.logf("model: synthesized %s", path)
	} else {
		o.logf("model: %s (cached)", path)
	}
	res.Model.Synthetic = o.Synth.String()
	return path, nil
}
