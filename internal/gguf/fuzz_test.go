package gguf

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// fuzzSeeds returns small valid files of several shapes, plus truncations
// and single-byte corruptions of one of them.
func fuzzSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	build := func(version uint32, align uint64, kvs []KV, tensors []testTensor) []byte {
		w := NewWriter(version, align)
		for _, kv := range kvs {
			w.SetKV(kv.Key, kv.Value)
		}
		for i, tt := range tensors {
			size, err := tensorSize(tt.typ, tt.dims)
			if err != nil {
				tb.Fatal(err)
			}
			if err := w.AddTensorBytes(tt.name, tt.typ, tt.dims, patterned(i, size)); err != nil {
				tb.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if _, err := w.WriteTo(&buf); err != nil {
			tb.Fatal(err)
		}
		return buf.Bytes()
	}
	var small []KV
	for _, kv := range allValues() {
		if kv.Key != "a.str" {
			small = append(small, kv)
		}
	}
	seeds = append(seeds,
		build(3, 0, nil, nil),
		build(3, 0, []KV{{"general.architecture", Str("deepseek2")}}, []testTensor{{"w", tensor.F32, []uint64{4, 2}}}),
		build(2, 16, small, []testTensor{{"a", tensor.Q4_0, []uint64{32}}, {"b", tensor.Q4_K, []uint64{256, 1, 1, 1}}}),
		build(3, 64, []KV{{"tokens", StrArr([]string{"a", "bb", ""})}}, testTensors),
	)
	base := seeds[len(seeds)-2]
	for _, n := range []int{0, 4, 8, 23, 24, 40, len(base) / 2, len(base) - 1} {
		seeds = append(seeds, base[:n])
	}
	for _, i := range []int{4, 7, 8, 16, 24, 31, 40, len(base) - 200} {
		c := bytes.Clone(base)
		c[i] ^= 0xff
		seeds = append(seeds, c)
	}
	return seeds
}

func TestFuzzSeedsParse(t *testing.T) {
	for i, s := range fuzzSeeds(t)[:4] {
		if _, err := parseBytes(s); err != nil {
			t.Errorf("seed %d: %v", i, err)
		}
	}
}

// FuzzParse asserts Parse never panics, fails only with *Error values
// locating the problem inside the file, and that every accepted file's
// tensors lie inside it and survive a rewrite unchanged.
//
//	go test ./internal/gguf -run '^$' -fuzz FuzzParse -fuzztime 3m
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := parseBytes(data)
		if err != nil {
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("error %v is not a *gguf.Error", err)
			}
			if ge.Off < 0 || ge.Off > int64(len(data)) || !strings.HasPrefix(err.Error(), "gguf: ") {
				t.Fatalf("error %q at offset %d outside file of %d bytes", err, ge.Off, len(data))
			}
			return
		}
		checkInside(t, file)
		checkRewrite(t, file, data)
	})
}

// checkRewrite writes file's KVs and tensors (data from data) with Writer,
// parses the result and checks metadata and tensors are unchanged.
func checkRewrite(t *testing.T, file *File, data []byte) {
	var total uint64
	for _, ti := range file.Tensors {
		total += ti.Size
	}
	if total > 1<<20 || file.Alignment > 1<<16 {
		return // overlapping tensors or padding could make the copy huge
	}
	w := NewWriter(file.Version, file.Alignment)
	for _, kv := range file.KVs {
		w.SetKV(kv.Key, kv.Value)
	}
	for i := range file.Tensors {
		ti := &file.Tensors[i]
		off, n := file.TensorRange(ti)
		if err := w.AddTensorBytes(ti.Name, ti.Type, ti.Dims, data[off:off+n]); err != nil {
			t.Fatalf("re-adding tensor: %v", err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatalf("rewrite: %v", err)
	}
	again, err := parseBytes(buf.Bytes())
	if err != nil {
		t.Fatalf("parsing rewrite: %v", err)
	}
	enc1, err1 := MarshalKVs(file.KVs)
	enc2, err2 := MarshalKVs(again.KVs)
	if err1 != nil || err2 != nil || !bytes.Equal(enc1, enc2) {
		t.Fatalf("metadata changed by rewrite (%v, %v)", err1, err2)
	}
	if len(again.Tensors) != len(file.Tensors) {
		t.Fatalf("%d tensors after rewrite, want %d", len(again.Tensors), len(file.Tensors))
	}
	for i := range file.Tensors {
		a, b := &file.Tensors[i], &again.Tensors[i]
		if a.Name != b.Name || a.Type != b.Type || a.Size != b.Size || a.Shape() != b.Shape() {
			t.Fatalf("tensor %d changed: %+v -> %+v", i, a, b)
		}
		o1, n1 := file.TensorRange(a)
		o2, n2 := again.TensorRange(b)
		if !bytes.Equal(data[o1:o1+n1], buf.Bytes()[o2:o2+n2]) {
			t.Fatalf("tensor %q data changed", a.Name)
		}
	}
}
