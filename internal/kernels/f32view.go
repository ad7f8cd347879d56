package kernels

import (
	"encoding/binary"
	"unsafe"
)

// littleEndian reports whether float32 bytes in a GGUF file (little-endian)
// can be read in place as []float32 on this machine.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// f32View returns b (4*n bytes) as n float32 values without copying, or nil
// on a big-endian machine. The view aliases b: callers only read it.
func f32View(b []byte, n int) []float32 {
	if !littleEndian || n == 0 {
		return nil
	}
	_ = b[4*n-1]
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), n)
}
