package kernels

// A minimal, test-only GGUF tensor locator: just enough of the container to
// find one tensor's type and bytes in the shared golden files. The real,
// validating reader lives in internal/gguf.

import (
	"encoding/binary"
	"fmt"
	"github.com/edgemoe/edgemoe/internal/testenv"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

type testTensor struct {
	typ  tensor.DType
	dims []uint64
	data []byte
}

func (tt testTensor) elems() int {
	n := uint64(1)
	for _, d := range tt.dims {
		n *= d
	}
	return int(n)
}

type ggufScan struct {
	b   []byte
	off int
	err error
}

func (s *ggufScan) need(n int) bool {
	if s.err == nil && (n < 0 || s.off+n > len(s.b)) {
		s.err = fmt.Errorf("truncated at offset %d", s.off)
	}
	return s.err == nil
}

func (s *ggufScan) u32() uint32 {
	if !s.need(4) {
		return 0
	}
	v := binary.LittleEndian.Uint32(s.b[s.off:])
	s.off += 4
	return v
}

func (s *ggufScan) u64() uint64 {
	if !s.need(8) {
		return 0
	}
	v := binary.LittleEndian.Uint64(s.b[s.off:])
	s.off += 8
	return v
}

func (s *ggufScan) str() string {
	n := s.u64()
	if n > 1<<20 || !s.need(int(n)) {
		s.need(-1)
		return ""
	}
	v := string(s.b[s.off : s.off+int(n)])
	s.off += int(n)
	return v
}

// value skips (or, for u32/u64 scalars, returns) a value of GGUF type vt.
func (s *ggufScan) value(vt uint32) uint64 {
	sizes := map[uint32]int{0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
	switch vt {
	case 4:
		return uint64(s.u32())
	case 10:
		return s.u64()
	case 8:
		s.str()
	case 9:
		et, n := s.u32(), s.u64()
		if n > 1<<24 {
			s.need(-1)
		}
		for i := uint64(0); i < n && s.err == nil; i++ {
			s.value(et)
		}
	default:
		sz, ok := sizes[vt]
		if !ok {
			s.err = fmt.Errorf("unknown value type %d", vt)
		} else if s.need(sz) {
			s.off += sz
		}
	}
	return 0
}

// loadTestGGUF returns every tensor of a GGUF v3 file by name.
func loadTestGGUF(path string) (map[string]testTensor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := &ggufScan{b: b}
	if !s.need(4) || string(b[:4]) != "GGUF" {
		return nil, fmt.Errorf("%s: not a GGUF file", path)
	}
	s.off = 4
	if v := s.u32(); v != 3 {
		return nil, fmt.Errorf("%s: GGUF version %d", path, v)
	}
	nt, nkv := s.u64(), s.u64()
	align := uint64(32)
	for i := uint64(0); i < nkv && s.err == nil; i++ {
		k := s.str()
		v := s.value(s.u32())
		if k == "general.alignment" && v != 0 {
			align = v
		}
	}
	type info struct {
		typ  tensor.DType
		dims []uint64
		off  uint64
	}
	infos := map[string]info{}
	for i := uint64(0); i < nt && s.err == nil; i++ {
		name := s.str()
		nd := s.u32()
		var in info
		for d := uint32(0); d < nd && d < 8; d++ {
			in.dims = append(in.dims, s.u64())
		}
		in.typ = tensor.DType(s.u32())
		in.off = s.u64()
		infos[name] = in
	}
	if s.err != nil {
		return nil, fmt.Errorf("%s: %w", path, s.err)
	}
	data := (uint64(s.off) + align - 1) / align * align
	out := map[string]testTensor{}
	for name, in := range infos {
		tt := testTensor{typ: in.typ, dims: in.dims}
		rb, err := tensor.RowBytes(in.typ, int64(tt.elems()))
		if err != nil {
			return nil, fmt.Errorf("%s: tensor %s: %w", path, name, err)
		}
		start := data + in.off
		if start+uint64(rb) > uint64(len(b)) {
			return nil, fmt.Errorf("%s: tensor %s at offset %d runs past the file", path, name, start)
		}
		tt.data = b[start : start+uint64(rb)]
		out[name] = tt
	}
	return out, nil
}

// goldenModel loads $EDGEMOE_SHARED/golden/<name>/model.gguf or skips.
func goldenModel(t *testing.T, name string) map[string]testTensor {
	t.Helper()
	root := testenv.Shared(t)
	m, err := loadTestGGUF(filepath.Join(root, "golden", name, "model.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}
