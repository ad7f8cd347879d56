package gguf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// encoder writes little-endian GGUF primitives, keeping the first error.
type encoder struct {
	w   io.Writer
	err error
	buf [8]byte
}

func (e *encoder) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *encoder) u8(x uint8)   { e.buf[0] = x; e.bytes(e.buf[:1]) }
func (e *encoder) u16(x uint16) { binary.LittleEndian.PutUint16(e.buf[:], x); e.bytes(e.buf[:2]) }
func (e *encoder) u32(x uint32) { binary.LittleEndian.PutUint32(e.buf[:], x); e.bytes(e.buf[:4]) }
func (e *encoder) u64(x uint64) { binary.LittleEndian.PutUint64(e.buf[:], x); e.bytes(e.buf[:8]) }

func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func (e *encoder) header(version uint32, nTensors, nKVs uint64) {
	e.bytes([]byte("GGUF"))
	e.u32(version)
	e.u64(nTensors)
	e.u64(nKVs)
}

func (e *encoder) kv(kv KV) {
	e.str(kv.Key)
	e.u32(uint32(kv.Value.Type))
	if kv.Value.Type == TypeArray {
		e.array(kv.Value)
		return
	}
	e.scalar(kv.Value)
}

func (e *encoder) scalar(v Value) {
	switch v.Type.size() {
	case 1:
		e.u8(uint8(v.bits))
	case 2:
		e.u16(uint16(v.bits))
	case 4:
		e.u32(uint32(v.bits))
	case 8:
		e.u64(v.bits)
	default: // TypeString
		e.str(v.str)
	}
}

func (e *encoder) array(v Value) {
	e.u32(uint32(v.ElemType))
	e.u64(uint64(v.Len()))
	switch xs := v.arr.(type) {
	case []string:
		for _, s := range xs {
			e.str(s)
		}
	case []bool:
		for _, b := range xs {
			e.u8(boolByte(b))
		}
	case []uint8:
		e.bytes(xs)
	case []int8:
		for _, x := range xs {
			e.u8(uint8(x))
		}
	case []float32:
		for _, x := range xs {
			e.u32(math.Float32bits(x))
		}
	case []float64:
		for _, x := range xs {
			e.u64(math.Float64bits(x))
		}
	default:
		for i := range v.Len() {
			x, _ := v.intAt(i)
			e.scalar(Value{Type: v.ElemType, bits: uint64(x)})
		}
	}
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func (e *encoder) tensorInfo(t *TensorInfo) {
	e.str(t.Name)
	e.u32(uint32(len(t.Dims)))
	for _, d := range t.Dims {
		e.u64(d)
	}
	e.u32(uint32(t.Type))
	e.u64(t.Offset)
}

// MarshalKVs returns the encoding of kvs as they appear in a GGUF file
// (useful for comparing metadata byte for byte).
func MarshalKVs(kvs []KV) ([]byte, error) {
	var b bytes.Buffer
	e := &encoder{w: &b}
	for _, kv := range kvs {
		if err := kv.Value.check(); err != nil {
			return nil, fmt.Errorf("gguf: key %q: %w", kv.Key, err)
		}
		e.kv(kv)
	}
	return b.Bytes(), e.err
}
