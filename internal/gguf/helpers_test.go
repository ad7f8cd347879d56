package gguf

import (
	"bytes"
	"encoding/binary"
)

// raw assembles GGUF bytes by hand, for malformed inputs.
type raw struct{ bytes.Buffer }

func (r *raw) u32(x uint32) *raw { _ = binary.Write(&r.Buffer, binary.LittleEndian, x); return r }
func (r *raw) u64(x uint64) *raw { _ = binary.Write(&r.Buffer, binary.LittleEndian, x); return r }
func (r *raw) str(s string) *raw { r.u64(uint64(len(s))); r.WriteString(s); return r }

func (r *raw) header(version uint32, nTensors, nKVs uint64) *raw {
	r.WriteString("GGUF")
	return r.u32(version).u64(nTensors).u64(nKVs)
}

// tensor appends a tensor info record.
func (r *raw) tensor(name string, typ uint32, offset uint64, dims ...uint64) *raw {
	r.str(name).u32(uint32(len(dims)))
	for _, d := range dims {
		r.u64(d)
	}
	return r.u32(typ).u64(offset)
}

// pad appends zeros up to a multiple of a, then n data bytes.
func (r *raw) padData(a int, n int) *raw {
	for r.Len()%a != 0 {
		r.WriteByte(0)
	}
	r.Write(make([]byte, n))
	return r
}

func parseBytes(b []byte) (*File, error) {
	return Parse(bytes.NewReader(b), int64(len(b)), Limits{})
}
