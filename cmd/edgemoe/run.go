package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/gguf"
	"github.com/edgemoe/edgemoe/internal/sample"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

func init() {
	register("run", "generate text from a prompt (no -m: the built-in demo model)", runRun)
}

// genFlags are the flags run and chat share.
type genFlags struct {
	model     *string
	ctx       *int
	n         *int
	temp      *float64
	topK      *int
	topP      *float64
	minP      *float64
	repeat    *float64
	repeatN   *int
	seed      *uint64
	kv        *string
	verbose   *bool
	statsJSON *string
	paging    pagingFlags
	board     *string
	fs        *flag.FlagSet
	perToken  []tokenRecord
}

// tokenRecord is one generated token's paging figures in --stats-json (the
// first includes the prompt).
type tokenRecord struct {
	Index        int    `json:"i"`
	Token        int32  `json:"token"`
	Hits         uint64 `json:"hits"`
	Misses       uint64 `json:"misses"`
	BytesRead    int64  `json:"bytes_read"`
	StallNS      int64  `json:"stall_ns"`
	PrefetchUsed uint64 `json:"prefetch_used"`
	MajorFaults  uint64 `json:"major_faults"`
}

const maxPerToken = 1 << 14

// pagingFlags are the memory and paging flags of every model command.
type pagingFlags struct {
	mem      *string
	pager    *string
	prefetch *int
	policy   *string
	threads  *int
}

func addPagingFlags(fs *flag.FlagSet) pagingFlags {
	return pagingFlags{
		mem:      fs.String("mem", "", "memory `budget` for everything the process makes resident (e.g. 2G, 512M); default: cgroup limit or MemAvailable"),
		pager:    fs.String("pager", "mmap", "expert pager: mmap or direct (O_DIRECT reads)"),
		prefetch: fs.Int("prefetch", 1, "router-predicted prefetch depth in layers (0: off)"),
		policy:   fs.String("cache-policy", "lru", "expert cache policy: lru, lfu, arc, protect-lru, protect-lfu"),
		threads:  fs.Int("threads", 0, "compute `threads` (0: one per usable CPU, or the board's)"),
	}
}

// apply fills the paging fields of cfg.
func (p pagingFlags) apply(cfg *edge.Config) error {
	if *p.mem != "" {
		b, err := parseBytes(*p.mem)
		if err != nil {
			return fmt.Errorf("--mem: %w", err)
		}
		cfg.Budget = b
	}
	cfg.Pager, cfg.CachePolicy = *p.pager, *p.policy
	if *p.prefetch < 0 {
		return fmt.Errorf("--prefetch %d: must be >= 0", *p.prefetch)
	}
	cfg.Prefetch = *p.prefetch
	if cfg.Prefetch == 0 {
		cfg.Prefetch = -1
	}
	if *p.threads < 0 {
		return fmt.Errorf("--threads %d: must be >= 0", *p.threads)
	}
	cfg.Threads = *p.threads
	return nil
}

func addGenFlags(fs *flag.FlagSet) *genFlags {
	return &genFlags{
		model:     fs.String("m", "", "model `file` (GGUF); default: the built-in demo model"),
		ctx:       fs.Int("ctx", 4096, "context `tokens` (KV cache size)"),
		n:         fs.Int("n", 128, "tokens to generate"),
		temp:      fs.Float64("temp", 0.7, "temperature (0: greedy)"),
		topK:      fs.Int("top-k", 40, "top-k (0: off)"),
		topP:      fs.Float64("top-p", 0.95, "top-p (1: off)"),
		minP:      fs.Float64("min-p", 0.05, "min-p (0: off)"),
		repeat:    fs.Float64("repeat-penalty", 1.0, "repetition penalty (1: off)"),
		repeatN:   fs.Int("repeat-last-n", 64, "repetition penalty window"),
		seed:      fs.Uint64("seed", 0, "sampling seed"),
		kv:        fs.String("kv", "f32", "latent KV cache type: f32 or f16"),
		verbose:   fs.Bool("v", false, "print the model, memory plan and kernels"),
		statsJSON: fs.String("stats-json", "", "write the run's statistics as JSON to `file`"),
		paging:    addPagingFlags(fs),
		board:     addBoardFlag(fs),
		fs:        fs,
	}
}

func (g *genFlags) sampling() sample.Params {
	return sample.Params{Temp: float32(*g.temp), TopK: *g.topK, TopP: float32(*g.topP), MinP: float32(*g.minP),
		RepeatPenalty: float32(*g.repeat), RepeatLastN: *g.repeatN, Seed: *g.seed}
}

func runRun(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", stderr)
	g := addGenFlags(fs)
	prompt := fs.String("p", "", "`prompt` text")
	raw := fs.Bool("raw", false, "feed the prompt as-is instead of through the chat template")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput(fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *prompt == "" {
		*prompt = "Tell me about the mountains of the moon."
	}
	m, tok, err := openForGeneration(g, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	ids, err := promptTokens(m, tok, *prompt, *raw)
	if err != nil {
		return badInput(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sess := m.NewChatSession(*g.ctx)
	st, err := streamGenerate(ctx, sess, tok, ids, g, stdout)
	fmt.Fprintln(stdout)
	if err != nil {
		return err
	}
	return reportStats(st, g, stderr)
}

// openForGeneration opens -m or the built-in demo model and its tokenizer.
func openForGeneration(g *genFlags, stderr io.Writer) (*edge.Model, *tokenizer.Tokenizer, error) {
	path := *g.model
	cfg, err := edgeConfig(g)
	if err != nil {
		return nil, nil, badInput(err)
	}
	if path == "" {
		p, err := builtinModel(stderr)
		if err != nil {
			return nil, nil, err
		}
		path = p
		if cfg.Budget == 0 {
			cfg.Budget, cfg.BudgetSource = demoBudget, "the built-in demo model's default"
		}
		fmt.Fprintf(stderr, "edgemoe: no -m given: using the built-in demo model %s (random weights: its text is meaningless) under a %s budget, well below its %s of experts, so experts are paged\n",
			path, human(cfg.Budget), "1.19 GiB")
	}
	if _, err := ApplyBoardFlag(*g.board, &cfg, explicitFlags(g.fs)); err != nil {
		return nil, nil, err
	}
	m, err := edge.Open(path, cfg)
	if err != nil {
		return nil, nil, badInput(err)
	}
	tok, err := m.Tokenizer()
	if err != nil {
		m.Close()
		return nil, nil, badInput(fmt.Errorf("%s: %w", path, err))
	}
	if *g.verbose {
		printModelSummary(stderr, m)
		fmt.Fprint(stderr, m.Plan.String())
	}
	return m, tok, nil
}

func edgeConfig(g *genFlags) (edge.Config, error) {
	cfg := edge.Config{Context: *g.ctx}
	if *g.ctx <= 0 {
		return cfg, fmt.Errorf("--ctx %d: must be positive", *g.ctx)
	}
	var err error
	if cfg.KV, err = parseKV(*g.kv); err != nil {
		return cfg, err
	}
	return cfg, g.paging.apply(&cfg)
}

func promptTokens(m *edge.Model, tok *tokenizer.Tokenizer, prompt string, raw bool) ([]int32, error) {
	if raw {
		ids := tok.Encode(prompt)
		if tok.AddBOS() && tok.BOS() >= 0 {
			ids = append([]int32{tok.BOS()}, ids...)
		}
		return ids, nil
	}
	tmpl, err := m.ChatTemplate()
	if err != nil {
		return nil, err
	}
	text, err := tmpl.Render([]tokenizer.Message{{Role: "user", Content: prompt}}, true)
	if err != nil {
		return nil, err
	}
	return tok.EncodeWithSpecial(text, true), nil
}

// streamGenerate generates and writes decoded text as it comes.
func streamGenerate(ctx context.Context, s *edge.Session, tok *tokenizer.Tokenizer, ids []int32, g *genFlags, stdout io.Writer) (edge.Stats, error) {
	dec := tok.NewDecoder()
	opts := edge.GenerateOptions{MaxTokens: *g.n, Sampling: g.sampling()}
	g.perToken = g.perToken[:0]
	if *g.statsJSON != "" {
		opts.OnToken = func(i int, t int32, d edge.PagingStats) {
			if len(g.perToken) < maxPerToken {
				g.perToken = append(g.perToken, tokenRecord{Index: i, Token: t, Hits: d.Hits, Misses: d.Misses,
					BytesRead: d.BytesRead, StallNS: int64(d.Stall), PrefetchUsed: d.PrefetchUsed, MajorFaults: d.MajorFaults})
			}
		}
	}
	st, err := s.Generate(ctx, ids, opts, func(t int32) bool {
		if t == tok.EOS() {
			return true
		}
		if _, err := io.WriteString(stdout, dec.Push(t)); err != nil {
			return false
		}
		return true
	})
	io.WriteString(stdout, dec.Flush())
	return st, err
}

// demoBudget is the built-in model's default budget: its resident part,
// KV cache and scratch plus about a fifth of its routed experts.
const demoBudget = 600 << 20

func reportStats(st edge.Stats, g *genFlags, stderr io.Writer) error {
	fmt.Fprintf(stderr, "prompt: %d tokens (%d cached) in %.2fs, %.2f tok/s | generated: %d tokens in %.2fs, %.2f tok/s | first token after %.2fs | stop: %s\n",
		st.PromptTokens, st.CachedTokens, st.PromptTime.Seconds(), st.PromptTPS(),
		st.GeneratedTokens, st.GenTime.Seconds(), st.GenTPS(), st.TimeToFirst.Seconds(), st.StopReason)
	p := st.Paging
	toks := float64(max(st.PromptTokens-st.CachedTokens+st.GeneratedTokens, 1))
	fmt.Fprintf(stderr, "paging: budget %s, expert cache %s (peak %s) | hit rate %.1f%% (%d hits, %d misses) | %.1f MiB read per token at %.0f MB/s | I/O stall %.2fs | prefetch %d issued, %d used, %d wasted, %d cancelled, precision %.0f%%, recall %.0f%%, off for %d decode tokens (%d decisions) | major faults %d | peak RSS %s\n",
		human(p.Budget), human(p.ExpertCacheBudget), human(p.ExpertCachePeak), 100*p.HitRate, p.Hits, p.Misses,
		float64(p.BytesRead)/toks/(1<<20), p.IOBandwidth()/1e6, p.Stall.Seconds(), p.PrefetchIssued, p.PrefetchUsed, p.PrefetchWasted,
		p.PrefetchCancelled, 100*p.Precision, 100*p.Recall, p.PrefetchOffTokens, p.PrefetchDecisions, p.MajorFaults, human(p.PeakRSS))
	if *g.statsJSON == "" {
		return nil
	}
	out := struct {
		edge.Stats
		PromptTPS float64       `json:"prompt_tok_per_s"`
		GenTPS    float64       `json:"gen_tok_per_s"`
		PerToken  []tokenRecord `json:"per_token"`
	}{st, st.PromptTPS(), st.GenTPS(), g.perToken}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*g.statsJSON, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("--stats-json: %w", err)
	}
	return nil
}

// builtinModel returns the path of the demo model in the user cache
// directory, synthesising it on first use or when the cached file is
// corrupt.
func builtinModel(stderr io.Writer) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "edgemoe")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("built-in model: %w", err)
	}
	path := filepath.Join(dir, "demo-q4_k-v1.gguf")
	return path, ensureSynth(path, "demo", "q4_k", stderr)
}

// ensureSynth makes sure path holds a readable synthetic model of the shape,
// writing it (atomically) when it is missing or does not parse.
func ensureSynth(path, shape, dtype string, stderr io.Writer) error {
	if _, err := os.Stat(path); err == nil {
		if _, err := gguf.Open(path); err == nil {
			return nil
		}
		fmt.Fprintf(stderr, "edgemoe: cached %s model %s is corrupt; writing it again\n", shape, path)
	}
	opts, err := synthOptions(shape, dtype, 0, 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "edgemoe: writing the built-in %s model to %s (once)\n", shape, path)
	bar := newProgress(stderr, shape+" model")
	opts.Progress = bar.update
	_, err = writeSynth(path, opts)
	bar.finish()
	return err
}

func printModelSummary(w io.Writer, m *edge.Model) {
	c := m.Model.Cfg
	s := m.Model.ComputeSizes(m.File)
	fmt.Fprintf(w, "model: %s: %d layers, %d experts (%d used), resident %s, routed %s\n",
		c.Name, c.Layers, c.Experts, c.ExpertsUsed, human(s.Resident), human(s.Routed))
}
