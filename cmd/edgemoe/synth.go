package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgemoe/edgemoe/internal/synth"
	"github.com/edgemoe/edgemoe/internal/tensor"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

func init() {
	register("synth", "write a synthetic deepseek2 GGUF (random weights, real DeepSeek-V3 vocabulary)", runSynth)
}

func runSynth(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("synth", stderr)
	shape := fs.String("shape", "tiny", "model `shape`: "+strings.Join(synth.Names(), ", "))
	dtype := fs.String("dtype", "q4_k", "weight `type` (f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q2_k, q3_k, q4_k, q5_k, q6_k)")
	layers := fs.Int("layers", 0, "number of `layers` (0: the shape's)")
	out := fs.String("o", "", "output `file`")
	seed := fs.Uint64("seed", 1, "weights `seed`")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput(fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *out == "" {
		return badInput(fmt.Errorf("-o FILE.gguf is required"))
	}
	opts, err := synthOptions(*shape, *dtype, *layers, *seed)
	if err != nil {
		return badInput(err)
	}
	bar := newProgress(stderr, "synth "+*shape)
	opts.Progress = bar.update
	n, err := writeSynth(*out, opts)
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %s, shape %s, %s, %d layers (random weights: its text is meaningless)\n",
		*out, human(n), opts.Shape.Name, opts.Type, opts.Shape.Layers)
	return nil
}

func synthOptions(shape, dtype string, layers int, seed uint64) (synth.Options, error) {
	s, err := synth.Lookup(shape)
	if err != nil {
		return synth.Options{}, err
	}
	if layers > 0 {
		if s, err = s.WithLayers(layers); err != nil {
			return synth.Options{}, err
		}
	}
	t, err := tensor.ParseDType(dtype)
	if err != nil {
		return synth.Options{}, err
	}
	tok, err := tokenizer.DeepSeekV3()
	if err != nil {
		return synth.Options{}, fmt.Errorf("built-in tokenizer: %w", err)
	}
	v := tok.Vocab()
	return synth.Options{Shape: s, Type: t, Seed: seed, VocabSize: 129280,
		Vocab: synth.Vocab{Tokens: v.Tokens, Types: v.Types, Merges: v.Merges, BOS: v.BOS, EOS: v.EOS, Pre: "deepseek-v3"}}, nil
}

// writeSynth writes atomically: a temporary file in the same directory,
// synced, then renamed over path.
func writeSynth(path string, o synth.Options) (int64, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".edgemoe-synth-*")
	if err != nil {
		return 0, fmt.Errorf("synth: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := synth.Write(tmp, o)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return 0, fmt.Errorf("synth %s: %w", path, err)
	}
	return n, nil
}
