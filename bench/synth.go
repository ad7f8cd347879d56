package bench

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/edgemoe/edgemoe/internal/gguf"
	"github.com/edgemoe/edgemoe/internal/synth"
	"github.com/edgemoe/edgemoe/internal/tensor"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

// SynthSpec is the synthetic model the suite writes when no -m is given.
// Vocab is the vocabulary size: smaller than DeepSeek's 129280 on purpose,
// because the demo shape's dimension is 1024 and a full-size output head
// would be ~60% of every token's bytes, while in real DeepSeek models it
// is under 10%; the bench exists to measure paging.
type SynthSpec struct {
	Shape  string `json:"shape"`
	Layers int    `json:"layers"`
	DType  string `json:"dtype"`
	Vocab  int    `json:"vocab"`
	Seed   uint64 `json:"seed"`
}

// DefaultSynth is the quick (demo shape, 4 layers, q4_k, 8192 tokens) or
// full (demo, 8 layers) bench model.
func DefaultSynth(quick bool) SynthSpec {
	if quick {
		return SynthSpec{Shape: "demo", Layers: 4, DType: "q4_k", Vocab: 8192, Seed: 1}
	}
	return SynthSpec{Shape: "demo", Layers: 8, DType: "q4_k", Vocab: 8192, Seed: 1}
}

func (s SynthSpec) String() string {
	return fmt.Sprintf("shape %s, %d layers, %s, vocab %d, seed %d (random weights)", s.Shape, s.Layers, s.DType, s.Vocab, s.Seed)
}

func (s SynthSpec) fileName() string {
	return fmt.Sprintf("bench-%s-L%d-%s-V%d-s%d.gguf", s.Shape, s.Layers, s.DType, s.Vocab, s.Seed)
}

// EnsureSynth returns the path of spec's model in dir, writing it
// (atomically) when it is missing or unreadable; made reports a write.
func EnsureSynth(dir string, spec SynthSpec) (path string, made bool, err error) {
	path = filepath.Join(dir, spec.fileName())
	if _, err := os.Stat(path); err == nil {
		if _, err := gguf.Open(path); err == nil {
			return path, false, nil
		}
	}
	opts, err := spec.options()
	if err != nil {
		return "", false, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", false, fmt.Errorf("bench model dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".bench-synth-*")
	if err != nil {
		return "", false, fmt.Errorf("bench model: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = synth.Write(tmp, opts)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return "", false, fmt.Errorf("bench model %s: %w", path, err)
	}
	return path, true, nil
}

func (s SynthSpec) options() (synth.Options, error) {
	sh, err := synth.Lookup(s.Shape)
	if err != nil {
		return synth.Options{}, err
	}
	if s.Layers > 0 {
		if sh, err = sh.WithLayers(s.Layers); err != nil {
			return synth.Options{}, err
		}
	}
	dt, err := tensor.ParseDType(s.DType)
	if err != nil {
		return synth.Options{}, err
	}
	n := max(s.Vocab, 256)
	toks, types := make([]string, n), make([]int32, n)
	for i := range toks {
		toks[i], types[i] = fmt.Sprintf("<t%d>", i), 1
	}
	return synth.Options{Shape: sh, Type: dt, Seed: s.Seed,
		Vocab: synth.Vocab{Tokens: toks, Types: types, BOS: 0, EOS: 1, Pre: "deepseek-v3"}}, nil
}

// promptTexts are the rotating prompts for real models.
var promptTexts = []string{
	"Explain how a mixture-of-experts language model decides which experts to run.",
	"Write a short poem about a lighthouse keeper who counts the waves.",
	"List three ways to make bread rise without commercial yeast.",
	"What is the difference between a process and a thread in an operating system?",
	"Summarize the plot of a detective story set on a night train.",
	"Translate 'the weather is lovely today' into French and German.",
	"Describe the water cycle to a ten-year-old.",
	"Give me a plan for learning to play chess in a month.",
}

func textPrompts(tok *tokenizer.Tokenizer, n int) [][]int32 {
	var out [][]int32
	for i := range n {
		ids := tok.Encode(promptTexts[i%len(promptTexts)])
		if tok.AddBOS() && tok.BOS() >= 0 {
			ids = append([]int32{tok.BOS()}, ids...)
		}
		out = append(out, ids)
	}
	return out
}

// idPrompts are n fixed pseudo-random token sequences of 8-12 tokens, for
// synthetic models whose vocabulary is not text.
func idPrompts(vocab, n int) [][]int32 {
	rng := rand.New(rand.NewPCG(7, 11))
	var out [][]int32
	for range n {
		p := make([]int32, 8+rng.IntN(5))
		for j := range p {
			p[j] = int32(2 + rng.IntN(max(vocab-2, 1)))
		}
		out = append(out, p)
	}
	return out
}
