package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

const decodeBufSize = 64 << 10

// decoder reads little-endian GGUF primitives sequentially from a ReaderAt,
// tracking the absolute offset and the bytes left so that no length read
// from the file is trusted before it is checked.
type decoder struct {
	br   *bufio.Reader
	off  int64 // absolute offset of the next byte
	size int64 // file size
	lim  Limits
	// what is being decoded, for errors: kind "header", "key" or "tensor",
	// and the item's index or, once read, its name.
	kind  string
	idx   uint64
	name  string
	named bool
	buf   [8]byte
}

func newDecoder(r io.ReaderAt, size int64, lim Limits) *decoder {
	return &decoder{
		br:   bufio.NewReaderSize(io.NewSectionReader(r, 0, size), int(min(max(size, 16), decodeBufSize))),
		size: size,
		lim:  lim,
	}
}

// at starts decoding item i of kind ("key", "tensor"); the Where of errors
// is built only when one occurs.
func (d *decoder) at(kind string, i uint64) {
	d.kind, d.idx, d.name, d.named = kind, i, "", false
}

// setName records the name of the item being decoded.
func (d *decoder) setName(name string) { d.name, d.named = name, true }

func (d *decoder) where() string {
	switch {
	case d.kind == "header" || d.kind == "":
		return d.kind
	case d.named:
		return fmt.Sprintf("%s %q", d.kind, d.name)
	}
	return fmt.Sprintf("%s #%d", d.kind, d.idx)
}

// fail returns an *Error at off about the current item.
func (d *decoder) fail(off int64, err error) error {
	return &Error{Off: off, Where: d.where(), Err: err}
}

func (d *decoder) left() uint64 { return uint64(d.size - d.off) }

// ioErr maps a read error at the current offset: short reads become
// ErrTruncated, anything else is an I/O error.
func (d *decoder) ioErr(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return d.fail(d.off, errf(ErrTruncated, "unexpected end of file reading %s", what))
	}
	return d.fail(d.off, fmt.Errorf("reading %s: %w", what, err))
}

// need fails unless n bytes are left; it guards every allocation.
func (d *decoder) need(n uint64, what string) error {
	if n > d.left() {
		return d.fail(d.off, errf(ErrTruncated,
			"unexpected end of file reading %s (%d bytes needed, %d left)", what, n, d.left()))
	}
	return nil
}

func (d *decoder) fixed(n int, what string) ([]byte, error) {
	if _, err := io.ReadFull(d.br, d.buf[:n]); err != nil {
		return nil, d.ioErr(err, what)
	}
	d.off += int64(n)
	return d.buf[:n], nil
}

func (d *decoder) u32(what string) (uint32, error) {
	b, err := d.fixed(4, what)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (d *decoder) u64(what string) (uint64, error) {
	b, err := d.fixed(8, what)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

// str reads a u64-length-prefixed string, bounded by MaxStringLen and by
// the bytes left.
func (d *decoder) str(what string) (string, error) {
	lenOff := d.off
	n, err := d.u64(what)
	if err != nil {
		return "", err
	}
	if n > d.lim.MaxStringLen {
		return "", d.fail(lenOff, errf(ErrLimit, "%s length %d exceeds limit %d", what, n, d.lim.MaxStringLen))
	}
	if err := d.need(n, what); err != nil {
		return "", err
	}
	var s string
	if n <= uint64(d.br.Size()) {
		p, err := d.br.Peek(int(n))
		if err != nil {
			return "", d.ioErr(err, what)
		}
		s = string(p)
		_, _ = d.br.Discard(int(n))
	} else {
		p := make([]byte, n)
		if _, err := io.ReadFull(d.br, p); err != nil {
			return "", d.ioErr(err, what)
		}
		s = string(p)
	}
	d.off += int64(n)
	return s, nil
}

// scalar reads a value of type t (not TypeArray).
func (d *decoder) scalar(t ValueType) (Value, error) {
	if t == TypeString {
		s, err := d.str("string value")
		return Str(s), err
	}
	sz := t.size()
	b, err := d.fixed(sz, t.String()+" value")
	if err != nil {
		return Value{}, err
	}
	v := Value{Type: t}
	switch t {
	case TypeUint8:
		v.bits = uint64(b[0])
	case TypeInt8:
		v.bits = uint64(int64(int8(b[0])))
	case TypeBool:
		if b[0] != 0 {
			v.bits = 1
		}
	case TypeUint16:
		v.bits = uint64(binary.LittleEndian.Uint16(b))
	case TypeInt16:
		v.bits = uint64(int64(int16(binary.LittleEndian.Uint16(b))))
	case TypeUint32, TypeFloat32:
		v.bits = uint64(binary.LittleEndian.Uint32(b))
	case TypeInt32:
		v.bits = uint64(int64(int32(binary.LittleEndian.Uint32(b))))
	case TypeUint64, TypeInt64, TypeFloat64:
		v.bits = binary.LittleEndian.Uint64(b)
	}
	return v, nil
}

// value reads a typed value whose type id is t.
func (d *decoder) value(t ValueType, typeOff int64) (Value, error) {
	switch {
	case t == TypeArray:
		return d.array()
	case !t.Valid():
		return Value{}, d.fail(typeOff, errf(ErrUnknownType, "unknown value type id %d", uint32(t)))
	}
	return d.scalar(t)
}

// array reads an array's element type, count and elements.
func (d *decoder) array() (Value, error) {
	typeOff := d.off
	et32, err := d.u32("array element type")
	if err != nil {
		return Value{}, err
	}
	et := ValueType(et32)
	switch {
	case et == TypeArray:
		return Value{}, d.fail(typeOff, errf(ErrBadValue, "nested arrays are not supported"))
	case !et.Valid():
		return Value{}, d.fail(typeOff, errf(ErrUnknownType, "unknown array element type id %d", et32))
	}
	countOff := d.off
	n, err := d.u64("array length")
	if err != nil {
		return Value{}, err
	}
	if n > d.lim.MaxArrayLen {
		return Value{}, d.fail(countOff, errf(ErrLimit, "array length %d exceeds limit %d", n, d.lim.MaxArrayLen))
	}
	minSize := uint64(et.size())
	if et == TypeString {
		minSize = 8 // each string has at least its length
	}
	if n > d.left()/minSize {
		return Value{}, d.fail(countOff, errf(ErrTruncated,
			"unexpected end of file reading array of %d %s (%d bytes left)", n, et, d.left()))
	}
	return d.elements(et, int(n))
}

func (d *decoder) elements(et ValueType, n int) (Value, error) {
	le := binary.LittleEndian
	var arr any
	var err error
	switch et {
	case TypeString:
		xs := make([]string, n)
		for i := range xs {
			if xs[i], err = d.str("array string"); err != nil {
				return Value{}, err
			}
		}
		arr = xs
	case TypeUint8:
		arr, err = readFixed(d, n, 1, func(b []byte) uint8 { return b[0] })
	case TypeInt8:
		arr, err = readFixed(d, n, 1, func(b []byte) int8 { return int8(b[0]) })
	case TypeBool:
		arr, err = readFixed(d, n, 1, func(b []byte) bool { return b[0] != 0 })
	case TypeUint16:
		arr, err = readFixed(d, n, 2, le.Uint16)
	case TypeInt16:
		arr, err = readFixed(d, n, 2, func(b []byte) int16 { return int16(le.Uint16(b)) })
	case TypeUint32:
		arr, err = readFixed(d, n, 4, le.Uint32)
	case TypeInt32:
		arr, err = readFixed(d, n, 4, func(b []byte) int32 { return int32(le.Uint32(b)) })
	case TypeFloat32:
		arr, err = readFixed(d, n, 4, func(b []byte) float32 { return math.Float32frombits(le.Uint32(b)) })
	case TypeUint64:
		arr, err = readFixed(d, n, 8, le.Uint64)
	case TypeInt64:
		arr, err = readFixed(d, n, 8, func(b []byte) int64 { return int64(le.Uint64(b)) })
	case TypeFloat64:
		arr, err = readFixed(d, n, 8, func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) })
	}
	if err != nil {
		return Value{}, err
	}
	return Value{Type: TypeArray, ElemType: et, arr: arr}, nil
}

// readFixed reads n elements of sz bytes each, decoding them in chunks
// straight from the read buffer. The caller has checked n*sz bytes are left.
func readFixed[T any](d *decoder, n, sz int, dec func([]byte) T) ([]T, error) {
	out := make([]T, n)
	per := d.br.Size() / sz
	for i := 0; i < n; {
		k := min(n-i, per)
		p, err := d.br.Peek(k * sz)
		if err != nil {
			return nil, d.ioErr(err, "array elements")
		}
		for j := range k {
			out[i+j] = dec(p[j*sz:])
		}
		_, _ = d.br.Discard(k * sz)
		d.off += int64(k * sz)
		i += k
	}
	return out, nil
}
