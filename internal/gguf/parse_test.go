package gguf

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// TestParseMalformed checks each malformed input fails with the right
// sentinel, a message naming the problem, and an *Error locating it.
func TestParseMalformed(t *testing.T) {
	kv := func(nKV uint64) *raw { return new(raw).header(3, 0, nKV) }
	oneTensor := func() *raw { return new(raw).header(3, 1, 0) }
	long := strings.Repeat("w", 20)
	tests := []struct {
		name   string
		data   []byte
		lim    Limits
		kind   error
		msg    string // substring of Error()
		where  string // expected Where, if set
		offset int64  // expected Off, if >= 0
	}{
		{"empty", nil, Limits{}, ErrTruncated, "unexpected end of file reading magic", "header", 0},
		{"bad magic", []byte("GGML\x03\x00\x00\x00"), Limits{}, ErrNotGGUF, `bad magic "GGML"`, "header", 0},
		{"v1", new(raw).header(1, 0, 0).Bytes(), Limits{}, ErrVersion, "v1 is not supported", "header", 4},
		{"v0", new(raw).header(0, 0, 0).Bytes(), Limits{}, ErrVersion, "version 0", "header", 4},
		{"v4", new(raw).header(4, 0, 0).Bytes(), Limits{}, ErrVersion, "version 4", "header", 4},
		{"big-endian", []byte("GGUF\x00\x00\x00\x03" + strings.Repeat("\x00", 16)), Limits{}, ErrBigEndian, "big-endian GGUF not supported", "header", 4},
		{"truncated header", []byte("GGUF\x03\x00\x00\x00\x01\x00"), Limits{}, ErrTruncated, "unexpected end of file reading tensor count", "header", 8},
		{"tensor count over limit", new(raw).header(3, 5, 0).Bytes(), Limits{MaxTensors: 4}, ErrLimit, "tensor count 5 exceeds limit 4", "header", 8},
		{"tensor count over file", new(raw).header(3, 1000, 0).Bytes(), Limits{}, ErrTruncated, "1000 tensors need at least", "header", 8},
		{"kv count over file", new(raw).header(3, 0, 1<<40).Bytes(), Limits{MaxKVs: 1 << 62}, ErrTruncated, "key/values need at least", "header", 16},
		{"key too long", kv(1).str(strings.Repeat("k", 20)).u32(4).u32(1).Bytes(), Limits{MaxStringLen: 16}, ErrLimit, "key length 20 exceeds limit 16", "key #0", 24},
		{"key past eof", kv(1).u64(1 << 40).u32(4).u32(1).Bytes(), Limits{MaxStringLen: 1 << 62}, ErrTruncated, "unexpected end of file reading key", "key #0", 32},
		{"empty key", kv(1).str("").u32(4).u32(1).Bytes(), Limits{}, ErrBadValue, "empty key", "key #0", 24},
		{"duplicate key", kv(2).str("a").u32(4).u32(1).str("a").u32(4).u32(2).Bytes(), Limits{}, ErrDuplicate, "duplicate key", `key "a"`, 41},
		{"unknown value type", kv(1).str("a").u32(13).u32(1).Bytes(), Limits{}, ErrUnknownType, "unknown value type id 13", `key "a"`, 33},
		{"truncated value", kv(1).str("a").u32(10).u32(1).Bytes(), Limits{}, ErrTruncated, "unexpected end of file reading u64 value", `key "a"`, 37},
		{"nested array", kv(1).str("a").u32(9).u32(9).u64(1).u32(4).u64(0).Bytes(), Limits{}, ErrBadValue, "nested arrays are not supported", `key "a"`, 37},
		{"unknown element type", kv(1).str("a").u32(9).u32(99).u64(0).Bytes(), Limits{}, ErrUnknownType, "unknown array element type id 99", `key "a"`, 37},
		{"array over limit", kv(1).str("a").u32(9).u32(0).u64(11).Bytes(), Limits{MaxArrayLen: 10}, ErrLimit, "array length 11 exceeds limit 10", `key "a"`, 41},
		{"array past eof", kv(1).str("a").u32(9).u32(4).u64(3).u32(1).u32(2).Bytes(), Limits{}, ErrTruncated, "array of 3 u32", `key "a"`, 41},
		{"string array past eof", kv(1).str("a").u32(9).u32(8).u64(1 << 40).Bytes(), Limits{MaxArrayLen: 1 << 62}, ErrTruncated, "array of 1099511627776 str", `key "a"`, 41},
		{"array string past eof", kv(1).str("a").u32(9).u32(8).u64(1).u64(100).Bytes(), Limits{}, ErrTruncated, "reading array string", `key "a"`, 57},
		{"alignment zero", kv(1).str(KeyAlignment).u32(4).u32(0).Bytes(), Limits{}, ErrBadValue, "alignment 0 is not a power of two", `key "general.alignment"`, 49},
		{"alignment 48", kv(1).str(KeyAlignment).u32(4).u32(48).Bytes(), Limits{}, ErrBadValue, "alignment 48 is not a power of two", `key "general.alignment"`, 49},
		{"alignment 2^40", kv(1).str(KeyAlignment).u32(10).u64(1 << 40).Bytes(), Limits{}, ErrBadValue, "is not a power of two in [1, 2^31]", `key "general.alignment"`, 49},
		{"alignment string", kv(1).str(KeyAlignment).u32(8).str("32").Bytes(), Limits{}, ErrBadValue, "value of type str is not an integer", `key "general.alignment"`, 49},
		{"alignment negative", kv(1).str(KeyAlignment).u32(5).u32(0xFFFFFFE0).Bytes(), Limits{}, ErrBadValue, "value -32 is negative", `key "general.alignment"`, 49},
		{"duplicate tensor", new(raw).header(3, 2, 0).tensor("w", 0, 0, 8).tensor("w", 0, 32, 8).padData(32, 64).Bytes(), Limits{}, ErrDuplicate, "duplicate tensor name", `tensor "w"`, 24 + 33},
		{"zero dims", oneTensor().tensor("w", 0, 0).padData(32, 0).Bytes(), Limits{}, ErrBadTensor, "0 dimensions, want 1 to 4", `tensor "w"`, 33},
		{"five dims", oneTensor().tensor("w", 0, 0, 1, 1, 1, 1, 1).padData(32, 4).Bytes(), Limits{}, ErrBadTensor, "5 dimensions, want 1 to 4", `tensor "w"`, 33},
		{"dims past eof", oneTensor().str(long).u32(4).u64(1).Bytes(), Limits{}, ErrTruncated, "unexpected end of file reading dimensions", `tensor "` + long + `"`, 56},
		{"unknown tensor type", oneTensor().tensor("w", 77, 0, 32).padData(32, 128).Bytes(), Limits{}, ErrUnknownType, `tensor "w" at offset 45: unknown type id 77`, `tensor "w"`, 45},
		{"element overflow", oneTensor().tensor("w", 0, 0, 1<<32, 1<<32).padData(32, 0).Bytes(), Limits{}, ErrBadTensor, "element count of shape [4294967296 4294967296] overflows", `tensor "w"`, 33},
		{"byte size overflow", oneTensor().tensor("w", 0, 0, 1<<62).padData(32, 0).Bytes(), Limits{}, ErrBadTensor, "byte size of F32 shape [4611686018427387904] overflows", `tensor "w"`, 33},
		{"partial block", oneTensor().tensor("w", uint32(tensor.Q4_0), 0, 33, 2).padData(32, 64).Bytes(), Limits{}, ErrBadTensor, "row of 33 elements is not a whole number of Q4_0 blocks of 32", `tensor "w"`, 33},
		{"unaligned offset", oneTensor().tensor("w", 0, 16, 4).padData(32, 64).Bytes(), Limits{}, ErrBadTensor, "data offset 16 is not a multiple of the alignment 32", `tensor "w"`, 49},
		{"data past eof", oneTensor().tensor("w", 0, 32, 16).padData(32, 64).Bytes(), Limits{}, ErrBadTensor, `tensor "w" at offset 49: data [96, 160) extends past end of file (size 128)`, `tensor "w"`, 49},
		{"offset overflow", oneTensor().tensor("w", 0, 1<<64-32, 16).padData(32, 64).Bytes(), Limits{}, ErrBadTensor, "overflows", `tensor "w"`, 49},
		{"no data section", oneTensor().tensor("w", 0, 0, 1).Bytes(), Limits{}, ErrBadTensor, "extends past end of file", `tensor "w"`, 49},
		{"truncated offset", oneTensor().str(long).u32(1).u64(4).u32(0).u32(0).Bytes(), Limits{}, ErrTruncated, "unexpected end of file reading tensor offset", `tensor "` + long + `"`, 68},
		{"name past eof", append(oneTensor().u64(100).Bytes(), make([]byte, 40)...), Limits{}, ErrTruncated, "reading tensor name", "tensor #0", 32},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(bytes.NewReader(tc.data), int64(len(tc.data)), tc.lim)
			if err == nil {
				t.Fatalf("parsed %+v, want error", f)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("error %q is not %v", err, tc.kind)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not contain %q", err, tc.msg)
			}
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("error %q is not a *gguf.Error", err)
			}
			if ge.Where != tc.where || (tc.offset >= 0 && ge.Off != tc.offset) {
				t.Errorf("error at %s, offset %d; want %s, offset %d (%v)", ge.Where, ge.Off, tc.where, tc.offset, err)
			}
			if !strings.HasPrefix(err.Error(), "gguf: ") {
				t.Errorf("error %q lacks the gguf: prefix", err)
			}
		})
	}
}

// TestParseAccepts covers unusual but valid inputs.
func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name  string
		data  []byte
		check func(t *testing.T, f *File)
	}{
		{"v2", new(raw).header(2, 1, 1).str("general.architecture").u32(8).str("deepseek2").
			tensor("w", 0, 0, 4, 2).padData(32, 32).Bytes(), func(t *testing.T, f *File) {
			if f.Version != 2 || f.Architecture() != "deepseek2" || f.Tensors[0].Size != 32 {
				t.Errorf("got version %d arch %q size %d", f.Version, f.Architecture(), f.Tensors[0].Size)
			}
		}},
		{"unsupported type", new(raw).header(3, 1, 0).tensor("blk.3.ffn_down_exps.weight", uint32(tensor.IQ2_XS), 0, 256, 2).
			padData(32, 2*74).Bytes(), func(t *testing.T, f *File) {
			if ti := f.Tensors[0]; ti.Type != tensor.IQ2_XS || ti.Size != 148 {
				t.Errorf("got %v size %d", ti.Type, ti.Size)
			}
		}},
		{"zero dim", new(raw).header(3, 1, 0).tensor("e", 0, 0, 0, 7).padData(32, 0).Bytes(), func(t *testing.T, f *File) {
			if ti := f.Tensors[0]; ti.Size != 0 || ti.NumElements() != 0 || ti.Shape() != "[0 7]" {
				t.Errorf("got size %d elems %d shape %s", ti.Size, ti.NumElements(), ti.Shape())
			}
		}},
		{"alignment 64 as u64", new(raw).header(3, 1, 1).str(KeyAlignment).u32(10).u64(64).
			tensor("w", 0, 64, 4).padData(64, 80).Bytes(), func(t *testing.T, f *File) {
			if f.Alignment != 64 || f.DataOffset%64 != 0 {
				t.Errorf("alignment %d data offset %d", f.Alignment, f.DataOffset)
			}
		}},
		{"no tensors, no padding, bool 2", append(new(raw).header(3, 0, 1).str("a").u32(7).Bytes(), 2), func(t *testing.T, f *File) {
			if b, ok, err := f.Bool("a"); !b || !ok || err != nil {
				t.Errorf("Bool(a) = %v %v %v", b, ok, err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseBytes(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			checkInside(t, f)
			tc.check(t, f)
		})
	}
}
