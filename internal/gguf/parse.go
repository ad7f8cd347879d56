package gguf

import (
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// Minimum encoded sizes, used to bound counts by the bytes left.
const (
	minKVBytes     = 8 + 4 + 1         // key length, type, 1-byte value
	minTensorBytes = 8 + 4 + 8 + 4 + 8 // name length, n_dims, one dim, type, offset
)

// Parse reads and checks the header, metadata and tensor directory of the
// GGUF file r of size bytes. It never reads tensor data. Zero fields of lim
// take their defaults. The input is untrusted: Parse allocates nothing that
// the limits and the bytes left in the file do not allow, and every problem
// is reported as an *Error naming the key or tensor and the file offset.
//
// Tensor types unknown to edgemoe are errors; known types that edgemoe
// cannot decode are accepted (the model layer reports them).
func Parse(r io.ReaderAt, size int64, lim Limits) (*File, error) {
	if size < 0 {
		return nil, &Error{Where: "header", Err: errf(ErrBadValue, "negative file size %d", size)}
	}
	d := newDecoder(r, size, lim.withDefaults())
	f := &File{Size: size, Alignment: DefaultAlignment}
	nTensors, nKVs, err := d.header(f)
	if err != nil {
		return nil, err
	}
	valueOffs, err := d.kvs(f, nKVs)
	if err != nil {
		return nil, err
	}
	if err := f.setAlignment(valueOffs); err != nil {
		return nil, err
	}
	offsetOffs, err := d.tensorInfos(f, nTensors)
	if err != nil {
		return nil, err
	}
	f.DataOffset = alignUp(uint64(d.off), f.Alignment)
	if err := f.checkRanges(offsetOffs); err != nil {
		return nil, err
	}
	return f, nil
}

// Open opens the file at path, parses it with default limits and closes it.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	f, err := Parse(fh, st.Size(), Limits{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

func alignUp(x, a uint64) uint64 { return (x + a - 1) &^ (a - 1) }

// header reads magic, version and counts.
func (d *decoder) header(f *File) (nTensors, nKVs uint64, err error) {
	d.kind = "header"
	magic, err := d.fixed(4, "magic")
	if err != nil {
		return 0, 0, err
	}
	if string(magic) != "GGUF" {
		return 0, 0, d.fail(0, errf(ErrNotGGUF, "bad magic %q, want \"GGUF\"", magic))
	}
	v, err := d.u32("version")
	if err != nil {
		return 0, 0, err
	}
	if err := checkVersion(v); err != nil {
		return 0, 0, d.fail(4, err)
	}
	f.Version = v
	countOff := d.off
	if nTensors, err = d.u64("tensor count"); err != nil {
		return 0, 0, err
	}
	if nKVs, err = d.u64("key/value count"); err != nil {
		return 0, 0, err
	}
	if err := d.checkCount(countOff, nTensors, d.lim.MaxTensors, minTensorBytes, "tensor"); err != nil {
		return 0, 0, err
	}
	if err := d.checkCount(countOff+8, nKVs, d.lim.MaxKVs, minKVBytes, "key/value"); err != nil {
		return 0, 0, err
	}
	return nTensors, nKVs, nil
}

func checkVersion(v uint32) error {
	switch {
	case v == 2 || v == 3:
		return nil
	case v != 0 && v&0xFFFF == 0:
		return errf(ErrBigEndian, "version field 0x%08x: big-endian GGUF not supported", v)
	case v == 1:
		return errf(ErrVersion, "GGUF v1 is not supported")
	}
	return errf(ErrVersion, "unsupported GGUF version %d (want 2 or 3)", v)
}

// checkCount bounds a count by its limit and by the bytes left (each item
// needs at least minBytes).
func (d *decoder) checkCount(off int64, n, limit, minBytes uint64, what string) error {
	if n > limit {
		return d.fail(off, errf(ErrLimit, "%s count %d exceeds limit %d", what, n, limit))
	}
	if n > d.left()/minBytes {
		return d.fail(off, errf(ErrTruncated,
			"unexpected end of file: %d %ss need at least %d bytes, %d left", n, what, n*minBytes, d.left()))
	}
	return nil
}

// kvs reads the metadata; it returns the offset of each value's type field.
func (d *decoder) kvs(f *File, n uint64) ([]int64, error) {
	f.KVs = make([]KV, 0, n)
	offs := make([]int64, 0, n)
	seen := make(map[string]struct{}, n)
	for i := range n {
		d.at("key", i)
		keyOff := d.off
		key, err := d.str("key")
		if err != nil {
			return nil, err
		}
		if key == "" {
			return nil, d.fail(keyOff, errf(ErrBadValue, "empty key"))
		}
		d.setName(key)
		if _, dup := seen[key]; dup {
			return nil, d.fail(keyOff, errf(ErrDuplicate, "duplicate key"))
		}
		seen[key] = struct{}{}
		typeOff := d.off
		t, err := d.u32("value type")
		if err != nil {
			return nil, err
		}
		v, err := d.value(ValueType(t), typeOff)
		if err != nil {
			return nil, err
		}
		f.KVs = append(f.KVs, KV{Key: key, Value: v})
		offs = append(offs, typeOff)
	}
	return offs, nil
}

// setAlignment applies general.alignment, which must be an integer power of
// two no larger than 2^31.
func (f *File) setAlignment(valueOffs []int64) error {
	for i, kv := range f.KVs {
		if kv.Key != KeyAlignment {
			continue
		}
		fail := func(err error) error {
			return &Error{Off: valueOffs[i], Where: fmt.Sprintf("key %q", kv.Key), Err: err}
		}
		a, err := kv.Value.Uint64()
		if err != nil {
			return fail(err)
		}
		if a == 0 || a&(a-1) != 0 || a > maxAlignment {
			return fail(errf(ErrBadValue, "alignment %d is not a power of two in [1, 2^31]", a))
		}
		f.Alignment = a
	}
	return nil
}

// tensorInfos reads the tensor directory; it returns the offset of each
// tensor's offset field.
func (d *decoder) tensorInfos(f *File, n uint64) ([]int64, error) {
	f.Tensors = make([]TensorInfo, 0, n)
	f.tensorIndex = make(map[string]int, n)
	offs := make([]int64, 0, n)
	for i := range n {
		d.at("tensor", i)
		nameOff := d.off
		name, err := d.str("tensor name")
		if err != nil {
			return nil, err
		}
		d.setName(name)
		if _, dup := f.tensorIndex[name]; dup {
			return nil, d.fail(nameOff, errf(ErrDuplicate, "duplicate tensor name"))
		}
		t, offOff, err := d.tensorInfo(name, f.Alignment)
		if err != nil {
			return nil, err
		}
		f.tensorIndex[name] = len(f.Tensors)
		f.Tensors = append(f.Tensors, t)
		offs = append(offs, offOff)
	}
	return offs, nil
}

// tensorInfo reads one tensor's shape, type and offset after its name.
func (d *decoder) tensorInfo(name string, align uint64) (TensorInfo, int64, error) {
	t := TensorInfo{Name: name}
	dimsOff := d.off
	nd, err := d.u32("dimension count")
	if err != nil {
		return t, 0, err
	}
	if nd == 0 || uint64(nd) > d.lim.MaxDims {
		return t, 0, d.fail(dimsOff, errf(ErrBadTensor, "%d dimensions, want 1 to %d", nd, d.lim.MaxDims))
	}
	if uint64(nd) > d.left()/8 {
		return t, 0, d.need(uint64(nd)*8, "dimensions")
	}
	t.Dims = make([]uint64, nd)
	for j := range t.Dims {
		if t.Dims[j], err = d.u64("dimension"); err != nil {
			return t, 0, err
		}
	}
	typeOff := d.off
	typ, err := d.u32("tensor type")
	if err != nil {
		return t, 0, err
	}
	t.Type = tensor.DType(typ)
	if !t.Type.Known() {
		return t, 0, d.fail(typeOff, errf(ErrUnknownType, "unknown type id %d", typ))
	}
	if t.Size, err = tensorSize(t.Type, t.Dims); err != nil {
		return t, 0, d.fail(dimsOff, err)
	}
	offOff := d.off
	if t.Offset, err = d.u64("tensor offset"); err != nil {
		return t, 0, err
	}
	if t.Offset%align != 0 {
		return t, 0, d.fail(offOff, errf(ErrBadTensor, "data offset %d is not a multiple of the alignment %d", t.Offset, align))
	}
	return t, offOff, nil
}

// checkRanges checks every tensor's data lies inside the file.
func (f *File) checkRanges(offsetOffs []int64) error {
	for i := range f.Tensors {
		t := &f.Tensors[i]
		start, c1 := bits.Add64(f.DataOffset, t.Offset, 0)
		end, c2 := bits.Add64(start, t.Size, 0)
		if c1 != 0 || c2 != 0 || end > math.MaxInt64 || end > uint64(f.Size) {
			err := errf(ErrBadTensor, "data [%d, %d) extends past end of file (size %d)", start, end, f.Size)
			if c1 != 0 || c2 != 0 {
				err = errf(ErrBadTensor, "data offset %d + size %d overflows", t.Offset, t.Size)
			}
			return &Error{Off: offsetOffs[i], Where: fmt.Sprintf("tensor %q", t.Name), Err: err}
		}
	}
	return nil
}
