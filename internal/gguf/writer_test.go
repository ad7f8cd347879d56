package gguf

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// allValues is one value of every scalar type and an array of every element
// type, including edge values (NaN payloads, extremes, empty and non-UTF-8
// strings, empty arrays).
func allValues() []KV {
	nan := math.Float32frombits(0x7fc01234)
	return []KV{
		{"u8", U8(255)}, {"i8", I8(-128)}, {"u16", U16(65535)}, {"i16", I16(-32768)},
		{"u32", U32(math.MaxUint32)}, {"i32", I32(math.MinInt32)}, {"f32", F32(nan)},
		{"bool", Bool(true)}, {"str", Str("héllo\x00\xff")}, {"empty str", Str("")},
		{"u64", U64(math.MaxUint64)}, {"i64", I64(math.MinInt64)}, {"f64", F64(math.Inf(-1))},
		{"a.u8", U8Arr([]uint8{0, 1, 255})}, {"a.i8", I8Arr([]int8{-1, 127})},
		{"a.u16", U16Arr([]uint16{1, 65535})}, {"a.i16", I16Arr([]int16{-2, 3})},
		{"a.u32", U32Arr([]uint32{7, math.MaxUint32})}, {"a.i32", I32Arr([]int32{-7, 1 << 30})},
		{"a.f32", F32Arr([]float32{1.5, nan, float32(math.Inf(1))})}, {"a.bool", BoolArr([]bool{true, false})},
		{"a.str", StrArr([]string{"a", "", "ü", strings.Repeat("x", 70000)})},
		{"a.u64", U64Arr([]uint64{math.MaxUint64})}, {"a.i64", I64Arr([]int64{math.MinInt64, 0})},
		{"a.f64", F64Arr([]float64{math.Pi})}, {"a.empty", I32Arr(nil)}, {"a.empty str", StrArr([]string{})},
	}
}

type testTensor struct {
	name string
	typ  tensor.DType
	dims []uint64
}

var testTensors = []testTensor{
	{"token_embd.weight", tensor.F32, []uint64{8, 3}},
	{"blk.0.q4", tensor.Q4_0, []uint64{64, 2}},
	{"blk.0.q4k", tensor.Q4_K, []uint64{256, 1, 3}},
	{"blk.0.iq", tensor.IQ2_XS, []uint64{256, 2, 1, 2}},
	{"empty", tensor.F16, []uint64{0}},
	{"bias", tensor.F16, []uint64{3}},
}

// patterned returns n bytes distinct per tensor index i.
func patterned(i int, n uint64) []byte {
	b := make([]byte, n)
	for j := range b {
		b[j] = byte(i*31 + j)
	}
	return b
}

func TestWriterRoundTrip(t *testing.T) {
	for _, version := range []uint32{2, 3} {
		for _, align := range []uint64{0, 1, 32, 64, 4096} {
			w := NewWriter(version, align)
			kvs := allValues()
			for _, kv := range kvs {
				w.SetKV(kv.Key, kv.Value)
			}
			for i, tt := range testTensors {
				size, err := tensorSize(tt.typ, tt.dims)
				if err != nil {
					t.Fatal(err)
				}
				if err := w.AddTensorBytes(tt.name, tt.typ, tt.dims, patterned(i, size)); err != nil {
					t.Fatal(err)
				}
			}
			var buf bytes.Buffer
			n, err := w.WriteTo(&buf)
			if err != nil || n != int64(buf.Len()) {
				t.Fatalf("v%d align %d: WriteTo = %d, %v (buffer %d)", version, align, n, err, buf.Len())
			}
			f, err := parseBytes(buf.Bytes())
			if err != nil {
				t.Fatalf("v%d align %d: %v", version, align, err)
			}
			checkRoundTrip(t, f, version, align, kvs, buf.Bytes())
		}
	}
}

func checkRoundTrip(t *testing.T, f *File, version uint32, align uint64, kvs []KV, file []byte) {
	t.Helper()
	wantAlign := align
	if align == 0 {
		wantAlign = DefaultAlignment
	}
	if f.Version != version || f.Alignment != wantAlign {
		t.Errorf("version %d alignment %d, want %d %d", f.Version, f.Alignment, version, wantAlign)
	}
	got := f.KVs
	if wantAlign != DefaultAlignment {
		last := got[len(got)-1]
		if a, _ := last.Value.Any().(uint32); last.Key != KeyAlignment || uint64(a) != wantAlign {
			t.Errorf("last KV %s = %v, want %s = u32 %d", last.Key, last.Value.Any(), KeyAlignment, wantAlign)
		}
		got = got[:len(got)-1]
	}
	wantEnc, err1 := MarshalKVs(kvs)
	gotEnc, err2 := MarshalKVs(got)
	if err1 != nil || err2 != nil || !bytes.Equal(wantEnc, gotEnc) {
		t.Errorf("KVs differ after round trip (%v, %v)", err1, err2)
	}
	for i := range kvs {
		if kvs[i].Key != got[i].Key || kvs[i].Value.TypeName() != got[i].Value.TypeName() || kvs[i].Value.Len() != got[i].Value.Len() {
			t.Errorf("KV %d: got %s %s, want %s %s", i, got[i].Key, got[i].Value.TypeName(), kvs[i].Key, kvs[i].Value.TypeName())
		}
	}
	if s, _, _ := f.Str("str"); s != "héllo\x00\xff" {
		t.Errorf("str = %q", s)
	}
	checkInside(t, f)
	if len(f.Tensors) != len(testTensors) {
		t.Fatalf("%d tensors, want %d", len(f.Tensors), len(testTensors))
	}
	for i, tt := range testTensors {
		ti, ok := f.Tensor(tt.name)
		if !ok || ti.Type != tt.typ || !reflect.DeepEqual(ti.Dims, tt.dims) {
			t.Errorf("tensor %s: got %+v", tt.name, ti)
			continue
		}
		off, n := f.TensorRange(ti)
		if !bytes.Equal(file[off:off+n], patterned(i, ti.Size)) {
			t.Errorf("tensor %s: data differs", tt.name)
		}
	}
	if uint64(len(file))%wantAlign != 0 {
		t.Errorf("file size %d not padded to %d", len(file), wantAlign)
	}
}

func TestWriterKVOrder(t *testing.T) {
	w := NewWriter(3, 0)
	w.SetString("a", "1")
	w.SetUint32("b", 2)
	w.SetFloat32("c", 3)
	w.SetKV("a", U64(9)) // replaced in place
	w.SetBool("d", true)
	w.SetStrings("e", []string{"x"})
	w.SetInt32s("f", []int32{1})
	w.SetFloat32s("g", []float32{1})
	w.SetUint64("h", 1)
	w.SetInt32("i", -1)
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := parseBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, kv := range f.KVs {
		keys = append(keys, kv.Key+":"+kv.Value.TypeName())
	}
	want := "a:u64 b:u32 c:f32 d:bool e:arr[str] f:arr[i32] g:arr[f32] h:u64 i:i32"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("keys %q, want %q", got, want)
	}
	if len(f.Tensors) != 0 || f.DataOffset != uint64(buf.Len()) || f.DataOffset%32 != 0 {
		t.Errorf("empty data section at %d, file %d bytes", f.DataOffset, buf.Len())
	}
}

func TestWriterAlignmentKey(t *testing.T) {
	tests := []struct {
		name  string
		align uint64
		set   *Value
		err   string
	}{
		{"matching key kept", 64, &Value{Type: TypeUint32, bits: 64}, ""},
		{"default with explicit key", 32, &Value{Type: TypeUint32, bits: 32}, ""},
		{"mismatch", 64, &Value{Type: TypeUint32, bits: 32}, "does not match the writer's alignment 64"},
		{"wrong type", 32, &Value{Type: TypeString, str: "32"}, "does not match"},
		{"bad writer alignment", 48, nil, "alignment 48 is not a power of two"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWriter(3, tc.align)
			w.SetString("first", "x")
			if tc.set != nil {
				w.SetKV(KeyAlignment, *tc.set)
			}
			w.SetString("last", "y")
			var buf bytes.Buffer
			_, err := w.WriteTo(&buf)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f, err := parseBytes(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if f.Alignment != tc.align || len(f.KVs) != 3 || f.KVs[1].Key != KeyAlignment {
				t.Errorf("alignment %d, KVs %v", f.Alignment, f.KVs)
			}
		})
	}
}

func TestWriterErrors(t *testing.T) {
	tests := []struct {
		name string
		run  func(w *Writer) error // returns AddTensor's error, or nil to check WriteTo
		err  string
		kind error
	}{
		{"duplicate tensor", func(w *Writer) error {
			_ = w.AddTensorBytes("t", tensor.F32, []uint64{1}, make([]byte, 4))
			return w.AddTensorBytes("t", tensor.F32, []uint64{1}, make([]byte, 4))
		}, `tensor "t": duplicate tensor name`, ErrDuplicate},
		{"partial block", func(w *Writer) error {
			return w.AddTensorBytes("t", tensor.Q8_0, []uint64{16}, nil)
		}, "not a whole number of Q8_0 blocks", ErrBadTensor},
		{"five dims", func(w *Writer) error {
			return w.AddTensorBytes("t", tensor.F32, []uint64{1, 1, 1, 1, 1}, nil)
		}, "5 dimensions", ErrBadTensor},
		{"no dims", func(w *Writer) error { return w.AddTensorBytes("t", tensor.F32, nil, nil) }, "no dimensions", ErrBadTensor},
		{"unknown type", func(w *Writer) error { return w.AddTensorBytes("t", 77, []uint64{1}, nil) }, "unknown type id 77", ErrUnknownType},
		{"short data", func(w *Writer) error {
			return w.AddTensorBytes("t", tensor.F32, []uint64{2}, make([]byte, 7))
		}, `tensor "t": data function wrote 7 bytes, want 8`, nil},
		{"long data", func(w *Writer) error {
			return w.AddTensorBytes("t", tensor.F32, []uint64{2}, make([]byte, 9))
		}, "data exceeds the tensor's size", nil},
		{"data func error", func(w *Writer) error {
			return w.AddTensor("t", tensor.F32, []uint64{2}, func(io.Writer) error { return io.ErrClosedPipe })
		}, "io: read/write on closed pipe", nil},
		{"empty key", func(w *Writer) error { w.SetString("", "x"); return nil }, "empty key", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWriter(3, 0)
			err := tc.run(w)
			if err == nil {
				_, err = w.WriteTo(new(discard))
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Errorf("error %v is not %v", err, tc.kind)
			}
		})
	}
	if _, err := NewWriter(1, 0).WriteTo(new(discard)); err == nil || !strings.Contains(err.Error(), "cannot write version 1") {
		t.Errorf("version 1: %v", err)
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, io.ErrShortWrite
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriterOutputError(t *testing.T) {
	w := NewWriter(3, 0)
	w.SetStrings("big", []string{strings.Repeat("x", 2<<20)})
	if err := w.AddTensorBytes("t", tensor.F32, []uint64{1 << 20}, make([]byte, 4<<20)); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 100, 3 << 20, 5 << 20} {
		if _, err := w.WriteTo(&failWriter{n: n}); !errors.Is(err, io.ErrShortWrite) {
			t.Errorf("fail after %d: error %v, want short write", n, err)
		}
	}
}

func TestFileGetters(t *testing.T) {
	f := &File{KVs: []KV{
		{"u", U32(5)}, {"neg", I32(-1)}, {"f", F32(0.5)}, {"b", Bool(true)}, {"s", Str("x")},
		{"ss", StrArr([]string{"a"})}, {"is", I32Arr([]int32{3})}, {"fs", F32Arr([]float32{2})},
	}, Tensors: []TensorInfo{{Name: "t"}}}
	if v, ok, err := f.Uint("u"); v != 5 || !ok || err != nil {
		t.Errorf("Uint(u) = %v %v %v", v, ok, err)
	}
	if _, ok, err := f.Uint("missing"); ok || err != nil {
		t.Errorf("Uint(missing) = %v %v", ok, err)
	}
	if _, ok, err := f.Uint("neg"); !ok || err == nil || !strings.Contains(err.Error(), `key "neg"`) {
		t.Errorf("Uint(neg) = %v %v", ok, err)
	}
	if v, _, err := f.Int("neg"); v != -1 || err != nil {
		t.Errorf("Int(neg) = %v %v", v, err)
	}
	if v, _, err := f.Float("f"); v != 0.5 || err != nil {
		t.Errorf("Float(f) = %v %v", v, err)
	}
	if v, _, err := f.Bool("b"); !v || err != nil {
		t.Errorf("Bool(b) = %v %v", v, err)
	}
	if v, _, err := f.Str("s"); v != "x" || err != nil {
		t.Errorf("Str(s) = %v %v", v, err)
	}
	if v, _, err := f.Strings("ss"); len(v) != 1 || err != nil {
		t.Errorf("Strings(ss) = %v %v", v, err)
	}
	if v, _, err := f.Int32s("is"); len(v) != 1 || v[0] != 3 || err != nil {
		t.Errorf("Int32s(is) = %v %v", v, err)
	}
	if v, _, err := f.Float32s("fs"); len(v) != 1 || v[0] != 2 || err != nil {
		t.Errorf("Float32s(fs) = %v %v", v, err)
	}
	if f.Architecture() != "" {
		t.Errorf("Architecture() = %q", f.Architecture())
	}
	if ti, ok := f.Tensor("t"); !ok || ti != &f.Tensors[0] {
		t.Error("Tensor(t) not found in a hand-built File")
	}
	if _, ok := f.Tensor("x"); ok {
		t.Error("Tensor(x) found")
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/m.gguf"
	w := NewWriter(3, 0)
	w.SetString("general.architecture", "deepseek2")
	if err := w.AddTensorBytes("w", tensor.F32, []uint64{2}, make([]byte, 8)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil || f.Architecture() != "deepseek2" || f.Size != int64(buf.Len()) {
		t.Fatalf("Open = %+v, %v", f, err)
	}
	if err := os.WriteFile(path, buf.Bytes()[:buf.Len()-25], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path)
	if !errors.Is(err, ErrBadTensor) || !strings.Contains(err.Error(), path+`: gguf: tensor "w"`) {
		t.Errorf("Open(truncated) = %v", err)
	}
	if _, err := Open(dir + "/missing.gguf"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing) = %v", err)
	}
}
