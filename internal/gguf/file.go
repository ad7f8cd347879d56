package gguf

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// DefaultAlignment is the data alignment of a file without
// "general.alignment".
const DefaultAlignment = 32

// KeyAlignment is the metadata key that overrides DefaultAlignment.
const KeyAlignment = "general.alignment"

// maxAlignment bounds general.alignment (ggml stores it as a u32).
const maxAlignment = 1 << 31

// KV is one metadata key/value pair.
type KV struct {
	Key   string
	Value Value
}

// TensorInfo describes one tensor of a file. Parse fills every field and
// has checked that Size is consistent with Type and Dims and that the data
// lies inside the file.
type TensorInfo struct {
	Name   string
	Dims   []uint64     // ne: fastest dimension first
	Type   tensor.DType // may be a type edgemoe cannot decode (see tensor.DType.Supported)
	Offset uint64       // relative to the data section, as stored
	Size   uint64       // bytes, computed from Type and Dims
}

// NumElements returns the product of Dims (1 for no dims). Parse has
// checked that it does not overflow.
func (t *TensorInfo) NumElements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Shape formats Dims for messages: "[256 1000]".
func (t *TensorInfo) Shape() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range t.Dims {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, d)
	}
	b.WriteByte(']')
	return b.String()
}

// tensorSize returns the byte size of a tensor of type typ and shape dims,
// checking that typ is known, that rows (dims[0]) are whole blocks and that
// neither the element count nor the size overflows int64.
func tensorSize(typ tensor.DType, dims []uint64) (uint64, error) {
	if !typ.Known() {
		return 0, errf(ErrUnknownType, "unknown type id %d", uint32(typ))
	}
	if len(dims) == 0 {
		return 0, errf(ErrBadTensor, "no dimensions")
	}
	n := uint64(1)
	for _, d := range dims {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 || lo > math.MaxInt64 {
			return 0, errf(ErrBadTensor, "element count of shape %v overflows", dims)
		}
		n = lo
	}
	bs, bb := uint64(typ.BlockSize()), uint64(typ.BlockBytes())
	if dims[0]%bs != 0 {
		return 0, errf(ErrBadTensor, "row of %d elements is not a whole number of %s blocks of %d", dims[0], typ, bs)
	}
	hi, size := bits.Mul64(n/bs, bb)
	if hi != 0 || size > math.MaxInt64 {
		return 0, errf(ErrBadTensor, "byte size of %s shape %v overflows", typ, dims)
	}
	return size, nil
}

// File is the parsed header and tensor directory of a GGUF file. It holds no
// open file and no tensor data. A File is not modified by its methods and is
// safe for concurrent reads. A File built by hand (not by Parse), including
// the zero File, works too, with linear-time Tensor lookups.
type File struct {
	Version    uint32
	KVs        []KV
	Tensors    []TensorInfo
	Alignment  uint64
	DataOffset uint64 // absolute file offset of the data section
	Size       int64  // file size

	tensorIndex map[string]int // name -> index in Tensors, built by Parse
}

// Lookup returns the value of key.
func (f *File) Lookup(key string) (Value, bool) {
	for i := range f.KVs {
		if f.KVs[i].Key == key {
			return f.KVs[i].Value, true
		}
	}
	return Value{}, false
}

// get looks key up and converts it with conv; a conversion error is wrapped
// with the key's name.
func get[T any](f *File, key string, conv func(Value) (T, error)) (T, bool, error) {
	var zero T
	v, ok := f.Lookup(key)
	if !ok {
		return zero, false, nil
	}
	x, err := conv(v)
	if err != nil {
		return zero, true, fmt.Errorf("gguf: key %q: %w", key, err)
	}
	return x, true, nil
}

// Typed getters: each returns ok=false and no error when key is absent, and
// an error naming the key when it is present with an unconvertible value.

// Uint returns an integer key as uint64 (negative values are errors).
func (f *File) Uint(key string) (uint64, bool, error) { return get(f, key, Value.Uint64) }

// Int returns an integer key as int64.
func (f *File) Int(key string) (int64, bool, error) { return get(f, key, Value.Int64) }

// Float returns a float or integer key as float64.
func (f *File) Float(key string) (float64, bool, error) { return get(f, key, Value.Float64) }

// Bool returns a bool key.
func (f *File) Bool(key string) (bool, bool, error) { return get(f, key, Value.Bool) }

// Str returns a string key.
func (f *File) Str(key string) (string, bool, error) { return get(f, key, Value.String) }

// Strings returns a string-array key.
func (f *File) Strings(key string) ([]string, bool, error) { return get(f, key, Value.Strings) }

// Int32s returns an integer-array key as int32s.
func (f *File) Int32s(key string) ([]int32, bool, error) { return get(f, key, Value.Int32s) }

// Float32s returns a float-array key as float32s.
func (f *File) Float32s(key string) ([]float32, bool, error) { return get(f, key, Value.Float32s) }

// Architecture returns general.architecture, or "" when absent or not a
// string.
func (f *File) Architecture() string {
	s, _, _ := f.Str("general.architecture")
	return s
}

// Tensor returns the tensor named name. The pointer refers into f.Tensors.
func (f *File) Tensor(name string) (*TensorInfo, bool) {
	if i, ok := f.tensorIndex[name]; ok && i < len(f.Tensors) && f.Tensors[i].Name == name {
		return &f.Tensors[i], true
	}
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], true
		}
	}
	return nil, false
}

// TensorRange returns the absolute byte range [off, off+n) of t's data in
// the file. For tensors of a parsed File it lies inside the file.
func (f *File) TensorRange(t *TensorInfo) (off, n int64) {
	return int64(f.DataOffset + t.Offset), int64(t.Size)
}
