package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/testenv"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestInspectBadFile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"garbage.gguf":   []byte("this is not a model"),
		"truncated.gguf": []byte("GGUF\x03\x00\x00\x00\x05\x00\x00\x00"),
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, content, 0o644)
		code, _, stderr := runCmd(t, "inspect", p)
		if code != 2 || !strings.Contains(stderr, "gguf") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and the reader's error", name, code, stderr)
		}
	}
	if code, _, _ := runCmd(t, "inspect", filepath.Join(dir, "missing.gguf")); code != 2 {
		t.Errorf("missing file: exit %d, want 2", code)
	}
}

func TestInspectGolden(t *testing.T) {
	for _, c := range []struct{ dir, want string }{{"v3tiny-f32", "MLA"}, {"v3tiny-legacy-f32", "legacy"}, {"v3tiny-q4_k_m", "Q4_K"}} {
		code, out, stderr := runCmd(t, "inspect", testenv.Path(t, "golden", c.dir, "model.gguf"))
		if code != 0 || !strings.Contains(out, c.want) || !strings.Contains(out, "one expert:") {
			t.Errorf("%s: exit %d, out %q, err %q", c.dir, code, out, stderr)
		}
	}
}

// TestEvalModesAgree: --step and prefill write identical logits and the
// stdout format is one "<pos> <argmax>" line per position.
func TestEvalModesAgree(t *testing.T) {
	model := testenv.Path(t, "golden", "v3tiny-q4_k_m", "model.gguf")
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.f32"), filepath.Join(dir, "b.f32")
	toks := "852,876,980,724,86,275,681,322"
	c1, out1, e1 := runCmd(t, "eval", "-m", model, "--tokens", toks, "--logits", a, "--generate", "4")
	c2, out2, e2 := runCmd(t, "eval", "-m", model, "--tokens", toks, "--logits", b, "--step", "--generate", "4")
	if c1 != 0 || c2 != 0 {
		t.Fatalf("exit %d %d: %s %s", c1, c2, e1, e2)
	}
	if out1 != out2 {
		t.Errorf("stdout differs:\n%s\n%s", out1, out2)
	}
	lines := strings.Split(strings.TrimSpace(out1), "\n")
	if len(lines) != 9 || !strings.HasPrefix(lines[0], "0 ") || !strings.HasPrefix(lines[8], "generated: ") {
		t.Errorf("stdout format: %q", out1)
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ba) != 8*1000*4 || !bytes.Equal(ba, bb) {
		t.Errorf("logits: %d bytes, equal %v", len(ba), bytes.Equal(ba, bb))
	}
}

func TestEvalBadInput(t *testing.T) {
	model := testenv.Path(t, "golden", "v3tiny-f32", "model.gguf")
	for _, args := range [][]string{
		{"eval", "--tokens", "1,2"},
		{"eval", "-m", model, "--tokens", "1,x"},
		{"eval", "-m", model, "--tokens", "1,5000"},
		{"eval", "-m", model, "--tokens", "1", "--kv", "f8"},
	} {
		code, _, stderr := runCmd(t, args...)
		if code == 0 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

var tinyOnce sync.Once
var tinyPath string

// tinyModel writes a synthetic tiny model once per test binary.
func tinyModel(t *testing.T) string {
	tinyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "edgemoe-cmd-test")
		if err != nil {
			t.Fatal(err)
		}
		tinyPath = filepath.Join(dir, "tiny.gguf")
		if code, _, e := runCmd(t, "synth", "--shape", "tiny", "--dtype", "q8_0", "-o", tinyPath); code != 0 {
			t.Fatalf("synth: %s", e)
		}
	})
	return tinyPath
}

// TestRunSameTextAnyBudget: greedy text does not depend on the budget,
// pager or prefetch.
func TestRunSameTextAnyBudget(t *testing.T) {
	m := tinyModel(t)
	em, err := edge.Open(m, edge.Config{Budget: 8 << 30, Context: 256})
	if err != nil {
		t.Fatal(err)
	}
	small := fmt.Sprint(em.Plan.MinBudget(em.Model.Cfg.ExpertsUsed))
	em.Close()
	var first string
	for _, extra := range [][]string{
		{"--mem", "8G"},
		{"--mem", small, "--pager", "direct"},
		{"--mem", small, "--prefetch", "0"},
		{"--mem", small, "--cache-policy", "lfu", "--prefetch", "2"},
	} {
		args := append([]string{"run", "-m", m, "-p", "Write a haiku about paging.", "-n", "12", "--temp", "0", "--ctx", "256"}, extra...)
		code, out, stderr := runCmd(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
		if !strings.Contains(stderr, "hit rate") {
			t.Errorf("no paging summary in %q", stderr)
		}
		if extra[1] == small && strings.Contains(stderr, " 0 misses") {
			t.Errorf("%v: no misses at the smallest budget: %s", extra, stderr)
		}
		if strings.TrimSpace(out) == "" {
			t.Errorf("%v: no text generated", extra)
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Errorf("%v: text %q differs from %q", extra, out, first)
		}
	}
}

func TestTokenizeRoundTrip(t *testing.T) {
	in := "{\"text\": \"Hello, world! 你好 123456\"}\n\n{\"text\": \"<｜User｜>hi\"}\n"
	var ids, text bytes.Buffer
	if err := tokenizeStream(nil, strings.NewReader(in), &ids, os.Stderr); err != nil {
		t.Fatal(err)
	}
	if err := tokenizeStream([]string{"--decode"}, strings.NewReader(ids.String()), &text, os.Stderr); err != nil {
		t.Fatal(err)
	}
	want := "{\"text\":\"Hello, world! 你好 123456\"}\n{\"text\":\"<｜User｜>hi\"}\n"
	if text.String() != want {
		t.Errorf("round trip %q, want %q (ids %s)", text.String(), want, ids.String())
	}
	if err := tokenizeStream(nil, strings.NewReader("{\"txt\": 1}\n"), &ids, os.Stderr); err == nil {
		t.Error("bad line accepted")
	}
}

// TestEnsureSynthRegeneratesCorrupt: a truncated cached model is written
// again; an intact one is reused.
func TestEnsureSynthRegeneratesCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.gguf")
	var log bytes.Buffer
	if err := ensureSynth(path, "tiny", "q8_0", &log); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if err := os.Truncate(path, st.Size()/2); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if err := ensureSynth(path, "tiny", "q8_0", &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "corrupt") {
		t.Errorf("no corruption message: %q", log.String())
	}
	if st2, _ := os.Stat(path); st2.Size() != st.Size() {
		t.Errorf("regenerated size %d, want %d", st2.Size(), st.Size())
	}
	log.Reset()
	if err := ensureSynth(path, "tiny", "q8_0", &log); err != nil || log.Len() != 0 {
		t.Errorf("intact model rewritten: %v %q", err, log.String())
	}
}
