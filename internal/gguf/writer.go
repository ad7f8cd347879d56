package gguf

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// Writer builds a GGUF file: metadata set with SetKV (insertion order kept),
// tensors added with AddTensor (data supplied later, at WriteTo), then the
// whole file streamed by WriteTo. The layout is ggml's: header, KVs, tensor
// infos, zero padding to the alignment, then each tensor's data zero-padded
// to the alignment, offsets assigned in AddTensor order.
//
// If the alignment is not DefaultAlignment and no "general.alignment" key
// was set, WriteTo appends one (u32); a "general.alignment" key that
// disagrees with the writer's alignment is an error.
//
// SetKV and its helpers record the first invalid input and WriteTo returns
// it. A Writer is not safe for concurrent use; use NewWriter, the zero value
// is not usable.
type Writer struct {
	version uint32
	align   uint64
	kvs     []KV
	kvIndex map[string]int
	tensors []pendingTensor
	names   map[string]struct{}
	next    uint64 // offset of the next tensor in the data section
	err     error
}

type pendingTensor struct {
	info TensorInfo
	data func(io.Writer) error
}

// NewWriter returns a Writer for GGUF version (2 or 3; 0 means 3) with the
// given data alignment (0 means DefaultAlignment; must be a power of two).
// Invalid arguments are reported by WriteTo.
func NewWriter(version uint32, alignment uint64) *Writer {
	if version == 0 {
		version = 3
	}
	if alignment == 0 {
		alignment = DefaultAlignment
	}
	w := &Writer{version: version, align: alignment, kvIndex: map[string]int{}, names: map[string]struct{}{}}
	if version != 2 && version != 3 {
		w.setErr(fmt.Errorf("gguf: cannot write version %d (want 2 or 3)", version))
	}
	if alignment&(alignment-1) != 0 || alignment > maxAlignment {
		w.setErr(fmt.Errorf("gguf: alignment %d is not a power of two in [1, 2^31]", alignment))
	}
	return w
}

func (w *Writer) setErr(err error) {
	if w.err == nil {
		w.err = err
	}
}

// SetKV sets key to v. A new key goes last; replacing a key keeps its place.
func (w *Writer) SetKV(key string, v Value) {
	if key == "" {
		w.setErr(errors.New("gguf: empty key"))
		return
	}
	if err := v.check(); err != nil {
		w.setErr(fmt.Errorf("gguf: key %q: %w", key, err))
		return
	}
	if i, ok := w.kvIndex[key]; ok {
		w.kvs[i].Value = v
		return
	}
	w.kvIndex[key] = len(w.kvs)
	w.kvs = append(w.kvs, KV{Key: key, Value: v})
}

// SetString sets a string key.
func (w *Writer) SetString(key, s string) { w.SetKV(key, Str(s)) }

// SetUint32 sets a u32 key.
func (w *Writer) SetUint32(key string, x uint32) { w.SetKV(key, U32(x)) }

// SetInt32 sets an i32 key.
func (w *Writer) SetInt32(key string, x int32) { w.SetKV(key, I32(x)) }

// SetUint64 sets a u64 key.
func (w *Writer) SetUint64(key string, x uint64) { w.SetKV(key, U64(x)) }

// SetFloat32 sets an f32 key.
func (w *Writer) SetFloat32(key string, x float32) { w.SetKV(key, F32(x)) }

// SetBool sets a bool key.
func (w *Writer) SetBool(key string, x bool) { w.SetKV(key, Bool(x)) }

// SetStrings sets a string-array key (keeping xs).
func (w *Writer) SetStrings(key string, xs []string) { w.SetKV(key, StrArr(xs)) }

// SetInt32s sets an i32-array key (keeping xs).
func (w *Writer) SetInt32s(key string, xs []int32) { w.SetKV(key, I32Arr(xs)) }

// SetFloat32s sets an f32-array key (keeping xs).
func (w *Writer) SetFloat32s(key string, xs []float32) { w.SetKV(key, F32Arr(xs)) }

// AddTensor adds a tensor whose size follows from typ and dims; data is
// called by WriteTo and must write exactly that many bytes. dims are written
// as given (1 to 4 of them).
func (w *Writer) AddTensor(name string, typ tensor.DType, dims []uint64, data func(io.Writer) error) error {
	if _, dup := w.names[name]; dup {
		return fmt.Errorf("gguf: tensor %q: %w", name, errf(ErrDuplicate, "duplicate tensor name"))
	}
	if len(dims) > 4 {
		return fmt.Errorf("gguf: tensor %q: %w", name, errf(ErrBadTensor, "%d dimensions, want 1 to 4", len(dims)))
	}
	size, err := tensorSize(typ, dims)
	if err != nil {
		return fmt.Errorf("gguf: tensor %q: %w", name, err)
	}
	if data == nil {
		return fmt.Errorf("gguf: tensor %q: nil data function", name)
	}
	info := TensorInfo{Name: name, Dims: append([]uint64(nil), dims...), Type: typ, Offset: w.next, Size: size}
	w.next += alignUp(size, w.align)
	w.names[name] = struct{}{}
	w.tensors = append(w.tensors, pendingTensor{info: info, data: data})
	return nil
}

// AddTensorBytes adds a tensor whose data is b (kept until WriteTo).
func (w *Writer) AddTensorBytes(name string, typ tensor.DType, dims []uint64, b []byte) error {
	return w.AddTensor(name, typ, dims, func(out io.Writer) error {
		_, err := out.Write(b)
		return err
	})
}

// Tensors returns the directory WriteTo will write (offsets relative to the
// data section).
func (w *Writer) Tensors() []TensorInfo {
	out := make([]TensorInfo, len(w.tensors))
	for i, t := range w.tensors {
		out[i] = t.info
	}
	return out
}

// finalKVs returns the KVs to write, checking or adding general.alignment.
func (w *Writer) finalKVs() ([]KV, error) {
	kvs := w.kvs
	i, ok := w.kvIndex[KeyAlignment]
	if !ok {
		if w.align != DefaultAlignment {
			kvs = append(kvs[:len(kvs):len(kvs)], KV{Key: KeyAlignment, Value: U32(uint32(w.align))})
		}
		return kvs, nil
	}
	a, err := kvs[i].Value.Uint64()
	if err != nil || a != w.align {
		return nil, fmt.Errorf("gguf: key %q = %v does not match the writer's alignment %d", KeyAlignment, kvs[i].Value.Any(), w.align)
	}
	return kvs, nil
}

// WriteTo streams the file to out and returns the bytes written. Tensor
// data is not buffered: each tensor's data function writes through to out
// (via a 1 MiB write buffer). WriteTo may be called again if the data
// functions can be called again.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	if w.err != nil {
		return 0, w.err
	}
	kvs, err := w.finalKVs()
	if err != nil {
		return 0, err
	}
	cw := &countWriter{w: out}
	bw := bufio.NewWriterSize(cw, 1<<20)
	e := &encoder{w: bw}
	e.header(w.version, uint64(len(w.tensors)), uint64(len(kvs)))
	for _, kv := range kvs {
		e.kv(kv)
	}
	for _, t := range w.tensors {
		e.tensorInfo(&t.info)
	}
	if e.err != nil {
		return cw.n + int64(bw.Buffered()), e.err
	}
	if err := w.writeData(bw, cw); err != nil {
		return cw.n + int64(bw.Buffered()), err
	}
	err = bw.Flush()
	return cw.n, err
}

// writeData pads to the data section and writes each tensor, padded.
func (w *Writer) writeData(bw *bufio.Writer, cw *countWriter) error {
	pos := func() uint64 { return uint64(cw.n) + uint64(bw.Buffered()) }
	if err := writeZeros(bw, alignUp(pos(), w.align)-pos()); err != nil {
		return err
	}
	dataStart := pos()
	for _, t := range w.tensors {
		if pos()-dataStart != t.info.Offset {
			return fmt.Errorf("gguf: tensor %q: internal error: at data offset %d, want %d", t.info.Name, pos()-dataStart, t.info.Offset)
		}
		lw := &limitWriter{w: bw, left: t.info.Size}
		if err := t.data(lw); err != nil {
			return fmt.Errorf("gguf: tensor %q: writing data: %w", t.info.Name, err)
		}
		if lw.left != 0 {
			return fmt.Errorf("gguf: tensor %q: data function wrote %d bytes, want %d", t.info.Name, t.info.Size-lw.left, t.info.Size)
		}
		if err := writeZeros(bw, alignUp(t.info.Size, w.align)-t.info.Size); err != nil {
			return err
		}
	}
	return nil
}

var zeros [4096]byte

func writeZeros(w io.Writer, n uint64) error {
	for n > 0 {
		k := min(n, uint64(len(zeros)))
		if _, err := w.Write(zeros[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// errTooMuchData is returned to a data function writing past its tensor.
var errTooMuchData = errors.New("data exceeds the tensor's size")

// limitWriter passes at most left bytes and fails beyond that.
type limitWriter struct {
	w    io.Writer
	left uint64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if uint64(len(p)) > l.left {
		return 0, errTooMuchData
	}
	n, err := l.w.Write(p)
	l.left -= uint64(n)
	return n, err
}
