package edge

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgemoe/edgemoe/internal/synth"
	"github.com/edgemoe/edgemoe/internal/tensor"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

// writeTinyModel writes a synthetic tiny model with the real vocabulary.
func writeTinyModel(t testing.TB, typ tensor.DType) string {
	t.Helper()
	tok, err := tokenizer.DeepSeekV3()
	if err != nil {
		t.Fatal(err)
	}
	v := tok.Vocab()
	shape, _ := synth.Lookup("tiny")
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = synth.Write(f, synth.Options{Shape: shape, Type: typ, Seed: 3, VocabSize: 129280,
		Vocab: synth.Vocab{Tokens: v.Tokens, Types: v.Types, Merges: v.Merges, BOS: v.BOS, EOS: v.EOS}})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// evalBits runs a prefill then single-token steps and returns all logits'
// raw bytes.
func evalBits(t *testing.T, path string, cfg Config) ([]byte, PagingStats) {
	t.Helper()
	m, err := Open(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	V := m.Model.Cfg.Vocab
	prompt := make([]int32, 24)
	for i := range prompt {
		prompt[i] = int32((i*7919 + 13) % 128000)
	}
	s := m.NewSession(40)
	logits := make([]float32, V)
	var out bytes.Buffer
	ctx := context.Background()
	if err := s.Forward(ctx, prompt, logits, false); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 8; i++ {
		binary.Write(&out, binary.LittleEndian, logits)
		next := int32(i*1009+7) % 128000
		if err := s.Forward(ctx, []int32{next}, logits, false); err != nil {
			t.Fatal(err)
		}
	}
	return out.Bytes(), m.Stats()
}

// TestDeterministicAcrossPagingConfigs: logits are bit-identical whatever
// the budget (all experts cached down to the smallest plan that fits), the
// pager backend, prefetch, cache policy and thread count.
func TestDeterministicAcrossPagingConfigs(t *testing.T) {
	path := writeTinyModel(t, tensor.Q4_K)
	big := Config{Budget: 8 << 30, Context: 40}
	ref, st := evalBits(t, path, big)
	if st.Misses == 0 || st.Evictions != 0 {
		t.Fatalf("all-resident run: %d misses, %d evictions", st.Misses, st.Evictions)
	}
	m, err := Open(path, big)
	if err != nil {
		t.Fatal(err)
	}
	p := *m.Plan
	m.Close()
	smallest := p.MinBudget(m.Model.Cfg.ExpertsUsed)
	half := p.Fixed() + p.RoutedTotal/2
	for _, c := range []Config{
		{Budget: half, Pager: "mmap"},
		{Budget: half, Pager: "direct"},
		{Budget: smallest, Pager: "mmap", Prefetch: -1},
		{Budget: smallest, Pager: "mmap", Prefetch: 2},
		{Budget: smallest, Pager: "direct", Prefetch: 1, CachePolicy: "lfu"},
		{Budget: smallest, Pager: "direct", Prefetch: -1, CachePolicy: "arc"},
		{Budget: half, Threads: 1},
		{Budget: smallest, Threads: 3, Pager: "direct"},
	} {
		c.Context = 40
		got, st := evalBits(t, path, c)
		if !bytes.Equal(got, ref) {
			t.Errorf("%+v: logits differ from the all-resident run", c)
		}
		if c.Budget == smallest && st.Evictions == 0 {
			t.Errorf("%+v: smallest budget evicted nothing; the test does not exercise paging", c)
		}
		t.Logf("%s %s prefetch %d threads %d: hit rate %.2f, %d evictions, peak cache %d of %d", c.Pager, c.CachePolicy, c.Prefetch, c.Threads, st.HitRate, st.Evictions, st.ExpertCachePeak, st.ExpertCacheBudget)
		if st.ExpertCachePeak > st.ExpertCacheBudget {
			t.Errorf("expert cache peaked at %d over its budget %d", st.ExpertCachePeak, st.ExpertCacheBudget)
		}
	}
}

// TestBudgetTooSmall: a budget below the resident part says what would fit.
func TestBudgetTooSmall(t *testing.T) {
	path := writeTinyModel(t, tensor.Q8_0)
	_, err := Open(path, Config{Budget: 64 << 20, Context: 4096})
	if !errors.Is(err, ErrBudget) {
		t.Fatalf("err = %v, want ErrBudget", err)
	}
	for _, want := range []string{"needs at least", "--kv f16", "lighter quantization"} {
		if !bytes.Contains([]byte(err.Error()), []byte(want)) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
