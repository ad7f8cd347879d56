package edge

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgemoe/edgemoe/attention"
	"github.com/edgemoe/edgemoe/internal/model"
	"github.com/edgemoe/edgemoe/internal/testenv"
)

type goldenTokens struct {
	Row0  []int32 `json:"row0"`
	Row1  []int32 `json:"row1"`
	Vocab int     `json:"n_vocab"`
}

type goldenGreedy struct {
	Prompt []int32 `json:"prompt"`
	Tokens []int32 `json:"tokens"`
}

// goldenRouting: row -> layer -> experts[pos][k].
type goldenRouting map[string]map[string]struct {
	Experts [][]int32 `json:"experts"`
}

// nearTies are the routing decisions the golden README lists as fragile
// (margin < 1e-3) for activation-rounded runs: model/row/layer/pos.
var nearTies = map[string]bool{
	"v3tiny-q6_k/row0/2/11":  true,
	"v3tiny-q6_k/row1/1/1":   true,
	"v3tiny-q4_k_m/row0/2/3": true,
	"v3tiny-q4_0/row0/2/3":   true,
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func readF32(t *testing.T, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func maxAbsDiff(a, b []float32) (float64, int) {
	worst, at := 0.0, -1
	for i := range a {
		d := math.Abs(float64(a[i]) - float64(b[i]))
		if d > worst || math.IsNaN(d) {
			worst, at = d, i
		}
	}
	return worst, at
}

// goldenModels lists the folders in the shared golden directory.
func goldenModels(t *testing.T) (string, []string) {
	dir := testenv.Path(t, "golden")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "model.gguf")); err == nil {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatalf("no golden models in %s", dir)
	}
	return dir, names
}

// runRow evaluates tokens and returns all logits and the routing seen
// (layer -> T*K selections).
func runRow(t *testing.T, m *Model, tokens []int32, step bool) ([]float32, map[int][]int32) {
	t.Helper()
	V := m.Model.Cfg.Vocab
	routes := map[int][]int32{}
	prev := m.Model.Hooks.Routed
	m.Model.Hooks.Routed = func(layer int, sel []int32) {
		routes[layer] = append(routes[layer], sel...)
		if prev != nil {
			prev(layer, sel)
		}
	}
	defer func() { m.Model.Hooks.Routed = prev }()
	s := m.NewSession(len(tokens))
	logits := make([]float32, len(tokens)*V)
	ctx := context.Background()
	if step {
		for i := range tokens {
			if err := s.Forward(ctx, tokens[i:i+1], logits[i*V:(i+1)*V], false); err != nil {
				t.Fatal(err)
			}
		}
	} else if err := s.Forward(ctx, tokens, logits, true); err != nil {
		t.Fatal(err)
	}
	return logits, routes
}

// TestGolden checks every golden model against both peers in prefill and
// step modes, with the precision each reference needs.
func TestGolden(t *testing.T) {
	dir, names := goldenModels(t)
	for _, name := range names {
		gdir := filepath.Join(dir, name)
		var toks goldenTokens
		readJSON(t, filepath.Join(gdir, "tokens.json"), &toks)
		var routing goldenRouting
		readJSON(t, filepath.Join(gdir, "routing.json"), &routing)
		_, hasRef := os.Stat(filepath.Join(gdir, "ref_row0.f32"))
		isF32 := hasRef == nil
		isHalf := strings.HasSuffix(name, "-f16") || strings.HasSuffix(name, "-bf16")
		for _, prec := range []model.Precision{model.PrecisionMatch, model.PrecisionF32} {
			for _, kv := range []attention.KVType{attention.KVF32} {
				m, err := Open(filepath.Join(gdir, "model.gguf"), Config{Precision: prec, KV: kv})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, step := range []bool{false, true} {
					mode := "prefill"
					if step {
						mode = "step"
					}
					for ri, row := range [][]int32{toks.Row0, toks.Row1} {
						rname := fmt.Sprintf("row%d", ri)
						tname := fmt.Sprintf("%s/%s/%s/%s", name, prec, mode, rname)
						t.Run(tname, func(t *testing.T) {
							got, routes := runRow(t, m, row, step)
							checkGolden(t, gdir, name, rname, prec, isF32, isHalf, got, routes, routing, m.Model.Cfg.ExpertsUsed)
						})
					}
				}
				m.Close()
			}
		}
	}
}

func checkGolden(t *testing.T, gdir, name, rname string, prec model.Precision, isF32, isHalf bool, got []float32, routes map[int][]int32, routing goldenRouting, K int) {
	type peer struct {
		file    string
		tol     float64
		rounded bool // 8-bit activation rounding (see checkRounded)
	}
	var peers []peer
	checkRouting := true
	switch {
	case isF32:
		peers = []peer{{"ref_" + rname + ".f32", 1e-4, false}, {rname + ".f32", 1e-4, false}}
	case prec == model.PrecisionF32 || isHalf:
		// f32 activations against the dequantized weights (F16 and BF16
		// weights always meet f32 activations; see model.PrecisionMatch).
		peers = []peer{{"deq_" + rname + ".f32", 1e-4, false}}
		checkRouting = false // routing.json records llama.cpp's activation-rounded run
	default:
		peers = []peer{{rname + ".f32", 1e-3, true}}
	}
	routeOK := true
	if checkRouting {
		for layer, byPos := range routing[rname] {
			var l int
			fmt.Sscan(layer, &l)
			sel := routes[l]
			for pos, want := range byPos.Experts {
				have := sel[pos*K : (pos+1)*K]
				if slices.Equal(have, want) {
					continue
				}
				key := fmt.Sprintf("%s/%s/%d/%d", name, rname, l, pos)
				if nearTies[key] {
					routeOK = false
					t.Logf("near tie %s: experts %v, llama.cpp %v (allowed)", key, have, want)
					continue
				}
				t.Errorf("layer %d pos %d: experts %v, want %v", l, pos, have, want)
			}
		}
	}
	for _, p := range peers {
		want := readF32(t, filepath.Join(gdir, p.file))
		if len(want) != len(got) {
			t.Fatalf("%s has %d values, got %d", p.file, len(want), len(got))
		}
		d, at := maxAbsDiff(got, want)
		t.Logf("max |delta| vs %s: %.3g", p.file, d)
		if d <= p.tol {
			continue
		}
		if !p.rounded {
			t.Errorf("max |delta| vs %s = %.3g at pos %d token %d, tolerance %.0g", p.file, d, at/1000, at%1000, p.tol)
			continue
		}
		checkRounded(t, p.file, got, want, p.tol, routeOK)
	}
}

// checkRounded judges a run whose activations are rounded to 8 bits the way
// llama.cpp's are. Our arithmetic agrees with llama.cpp's to ~1e-6, but an
// activation lying within that distance of a rounding boundary quantizes to
// a neighbouring integer on one side and not the other; the flip then moves
// that position's logits, and every later position attending to its KV, by
// about as much as the rounding itself (0.03-0.1, see the golden README).
// Being bit-exact would mean reproducing ggml's SIMD exp approximations and
// lane orders of one particular x86 build. So: most positions must agree to
// the tolerance (which an implementation that did not reproduce the rounding
// could not: it is off by 0.06-0.11 everywhere), and every position must
// stay within the size of one rounding effect.
func checkRounded(t *testing.T, file string, got, want []float32, tol float64, routeOK bool) {
	const V = 1000
	n := len(got) / V
	var good int
	worst := 0.0
	for p := 0; p < n; p++ {
		d, _ := maxAbsDiff(got[p*V:(p+1)*V], want[p*V:(p+1)*V])
		worst = max(worst, d)
		if d <= tol {
			good++
		}
	}
	t.Logf("%s: %d of %d positions within %.0g; worst %.3g (activation-rounding flip)", file, good, n, tol, worst)
	if !routeOK {
		return // an allowed near-tie routing change moves logits further
	}
	if good*4 < n*3 || worst > 0.15 {
		t.Errorf("%s: only %d of %d positions within %.0g, worst %.3g: activation rounding does not track llama.cpp", file, good, n, tol, worst)
	}
}

// TestGoldenGreedy reproduces the recorded greedy continuations through the
// one-token decode path.
func TestGoldenGreedy(t *testing.T) {
	dir, names := goldenModels(t)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			gdir := filepath.Join(dir, name)
			var g goldenGreedy
			readJSON(t, filepath.Join(gdir, "greedy.json"), &g)
			m, err := Open(filepath.Join(gdir, "model.gguf"), Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			V := m.Model.Cfg.Vocab
			s := m.NewSession(len(g.Prompt) + len(g.Tokens))
			logits := make([]float32, V)
			ctx := context.Background()
			if err := s.Forward(ctx, g.Prompt, logits, false); err != nil {
				t.Fatal(err)
			}
			var got []int32
			for len(got) < len(g.Tokens) {
				best := 0
				for i, v := range logits {
					if v > logits[best] {
						best = i
					}
				}
				got = append(got, int32(best))
				if err := s.Forward(ctx, []int32{int32(best)}, logits, false); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(got, g.Tokens) {
				t.Errorf("greedy %v, want %v", got, g.Tokens)
			}
		})
	}
}

// TestKVF16 checks the f16 latent cache against the f32 one: rounding the
// cached latents to f16 moves logits by about f16's relative precision.
func TestKVF16(t *testing.T) {
	dir := testenv.Path(t, "golden", "v3tiny-f32")
	var toks goldenTokens
	readJSON(t, filepath.Join(dir, "tokens.json"), &toks)
	run := func(kv attention.KVType, step bool) []float32 {
		m, err := Open(filepath.Join(dir, "model.gguf"), Config{KV: kv})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		got, _ := runRow(t, m, toks.Row0, step)
		return got
	}
	ref := run(attention.KVF32, false)
	pre, step := run(attention.KVF16, false), run(attention.KVF16, true)
	if d, _ := maxAbsDiff(pre, step); d != 0 {
		t.Errorf("f16 cache: prefill and step differ by %g", d)
	}
	d, _ := maxAbsDiff(pre, ref)
	t.Logf("f16 vs f32 KV cache: max |delta| %.3g", d)
	if d > 5e-3 || d == 0 {
		t.Errorf("f16 KV cache moved logits by %g; want (0, 5e-3]", d)
	}
}
