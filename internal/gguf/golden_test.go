package gguf

import (
	"bytes"
	"github.com/edgemoe/edgemoe/internal/testenv"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// goldenModels returns the golden model paths, skipping without EDGEMOE_SHARED.
func goldenModels(tb testing.TB) []string {
	tb.Helper()
	shared := testenv.Shared(tb)
	paths, err := filepath.Glob(filepath.Join(shared, "golden", "*", "model.gguf"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Fatalf("no golden models under %s/golden", shared)
	}
	return paths
}

func TestGoldenParse(t *testing.T) {
	for _, p := range goldenModels(t) {
		t.Run(filepath.Base(filepath.Dir(p)), func(t *testing.T) {
			f, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Architecture(); got != "deepseek2" {
				t.Errorf("architecture %q, want deepseek2", got)
			}
			if f.Version != 3 || f.Alignment != DefaultAlignment {
				t.Errorf("version %d alignment %d", f.Version, f.Alignment)
			}
			n, ok, err := f.Uint("deepseek2.block_count")
			if err != nil || !ok || n != 3 {
				t.Errorf("block_count = %d, %v, %v; want 3", n, ok, err)
			}
			toks, ok, err := f.Strings("tokenizer.ggml.tokens")
			if err != nil || !ok || len(toks) != 1000 {
				t.Errorf("tokens: %d, %v, %v; want 1000", len(toks), ok, err)
			}
			checkInside(t, f)
		})
	}
}

// checkInside asserts every tensor of f lies inside the file, aligned, with
// a size consistent with its type and shape, and is found by name.
func checkInside(t testing.TB, f *File) {
	t.Helper()
	if f.DataOffset%f.Alignment != 0 {
		t.Errorf("data offset %d not aligned to %d", f.DataOffset, f.Alignment)
	}
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		off, n := f.TensorRange(ti)
		if off < int64(f.DataOffset) || n < 0 || off+n > f.Size || off+n < off {
			t.Errorf("tensor %q: range [%d, %d) outside data section [%d, %d)", ti.Name, off, off+n, f.DataOffset, f.Size)
		}
		if ti.Offset%f.Alignment != 0 {
			t.Errorf("tensor %q: offset %d not aligned", ti.Name, ti.Offset)
		}
		size, err := tensorSize(ti.Type, ti.Dims)
		if err != nil || size != ti.Size {
			t.Errorf("tensor %q: size %d, recomputed %d (%v)", ti.Name, ti.Size, size, err)
		}
		if got, ok := f.Tensor(ti.Name); !ok || got != ti {
			t.Errorf("tensor %q: lookup failed", ti.Name)
		}
	}
}

// TestGoldenRewrite copies every KV and tensor of each golden file through
// Writer and checks the output is byte-identical to the original: our
// layout is llama.cpp's.
func TestGoldenRewrite(t *testing.T) {
	for _, p := range goldenModels(t) {
		t.Run(filepath.Base(filepath.Dir(p)), func(t *testing.T) {
			orig, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(bytes.NewReader(orig), int64(len(orig)), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			w := NewWriter(f.Version, f.Alignment)
			for _, kv := range f.KVs {
				w.SetKV(kv.Key, kv.Value)
			}
			for i := range f.Tensors {
				ti := &f.Tensors[i]
				off, n := f.TensorRange(ti)
				err := w.AddTensor(ti.Name, ti.Type, ti.Dims, func(out io.Writer) error {
					_, err := io.Copy(out, io.NewSectionReader(bytes.NewReader(orig), off, n))
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			var buf bytes.Buffer
			n, err := w.WriteTo(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(buf.Len()) {
				t.Errorf("WriteTo returned %d, wrote %d", n, buf.Len())
			}
			if !bytes.Equal(buf.Bytes(), orig) {
				t.Errorf("rewrite differs: %d bytes vs %d, first difference at %d", buf.Len(), len(orig), firstDiff(buf.Bytes(), orig))
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// BenchmarkParseGolden parses the largest golden file's header from memory.
// Compare runs with benchstat: go test -run=^$ -bench=ParseGolden -count=10.
func BenchmarkParseGolden(b *testing.B) {
	paths := goldenModels(b)
	var data []byte
	for _, p := range paths {
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if len(d) > len(data) {
			data = d
		}
	}
	f, err := Parse(bytes.NewReader(data), int64(len(data)), Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(f.DataOffset)) // metadata bytes parsed per op
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data), int64(len(data)), Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
