package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/edgemoe/edgemoe/attention"
	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/model"
)

func init() {
	register("eval", "run token ids causally and write every position's logits", runEval)
}

func runEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", stderr)
	path := fs.String("m", "", "model `file` (GGUF)")
	toks := fs.String("tokens", "", "comma-separated token `ids`")
	out := fs.String("logits", "", "write float32 LE logits [n_tokens][n_vocab] to `file`")
	step := fs.Bool("step", false, "feed one token at a time through the KV cache instead of one prefill")
	kv := fs.String("kv", "f32", "latent KV cache `type`: f32 or f16")
	prec := fs.String("precision", "match", "activations: match (quantized as llama.cpp does) or f32")
	gen := fs.Int("generate", 0, "then continue greedily for `N` tokens")
	prof := fs.String("cpuprofile", "", "write a CPU profile to `file`")
	paging := addPagingFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput(fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *path == "" {
		return badInput(fmt.Errorf("-m MODEL.gguf is required"))
	}
	ids, err := parseTokens(*toks)
	if err != nil {
		return badInput(err)
	}
	kvt, err := attention.ParseKVType(*kv)
	if err != nil {
		return badInput(err)
	}
	p, err := model.ParsePrecision(*prec)
	if err != nil {
		return badInput(err)
	}
	if *gen < 0 {
		return badInput(fmt.Errorf("--generate %d: must be >= 0", *gen))
	}
	if *prof != "" {
		stop, err := startProfile(*prof)
		if err != nil {
			return err
		}
		defer stop()
	}
	cfg := edge.Config{Precision: p, KV: kvt, Context: len(ids) + *gen}
	if err := paging.apply(&cfg); err != nil {
		return badInput(err)
	}
	m, err := edge.Open(*path, cfg)
	if err != nil {
		return badInput(err)
	}
	defer m.Close()
	V := m.Model.Cfg.Vocab
	sess := m.NewSession(len(ids) + *gen)
	logits := make([]float32, len(ids)*V)
	ctx := context.Background()
	if *step {
		for i := range ids {
			if err := sess.Forward(ctx, ids[i:i+1], logits[i*V:(i+1)*V], false); err != nil {
				return err
			}
		}
	} else if err := sess.Forward(ctx, ids, logits, true); err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	for i := range ids {
		fmt.Fprintf(w, "%d %d\n", i, argmax(logits[i*V:(i+1)*V]))
	}
	if *out != "" {
		if err := writeF32(*out, logits); err != nil {
			return err
		}
	}
	if *gen > 0 {
		g, err := greedy(ctx, sess, logits[(len(ids)-1)*V:], *gen)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "generated: %s\n", joinInts(g))
	}
	return nil
}

// greedy continues from last (the logits of the last fed position).
func greedy(ctx context.Context, s *model.Session, last []float32, n int) ([]int32, error) {
	V := len(last)
	cur := make([]float32, V)
	copy(cur, last)
	out := make([]int32, 0, n)
	for len(out) < n {
		t := argmax(cur)
		out = append(out, t)
		if len(out) == n {
			break
		}
		if err := s.Forward(ctx, []int32{t}, cur, false); err != nil {
			return out, err
		}
	}
	return out, nil
}

func parseTokens(s string) ([]int32, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("--tokens is required (comma-separated ids, e.g. --tokens 0,5,17)")
	}
	parts := strings.Split(s, ",")
	ids := make([]int32, 0, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseInt(strings.TrimSpace(p), 10, 32)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("--tokens: item %d %q is not a non-negative integer id", i, p)
		}
		ids = append(ids, int32(v))
	}
	return ids, nil
}

// argmax returns the index of the largest value (lowest index on ties).
func argmax(x []float32) int32 {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return int32(best)
}

func writeF32(path string, xs []float32) error {
	buf := make([]byte, 4*len(xs))
	for i, v := range xs {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		return fmt.Errorf("write logits: %w", err)
	}
	return nil
}
