package kernels

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/edgemoe/edgemoe/internal/tensor"
)

// kScaleBytes are the byte ranges of the sub-block scales (and mins) of
// the K-quant weight blocks.
var kScaleBytes = map[tensor.DType][2]int{tensor.Q4_K: {4, 16}, tensor.Q5_K: {4, 16}, tensor.Q6_K: {192, 208}}

// TestKQuantExtremes runs the K-quant dots on constant-byte blocks at the
// ends of every range (quants 0/15/31/-32/31, scales 63 and -128/127,
// activations -128/127, bsums ±32k) against the generic twins, where an
// integer lane that overflowed its width would show.
func TestKQuantExtremes(t *testing.T) { checkKExtremes(t, genericOps()) }

func checkKExtremes(t *testing.T, gen [numTypes]typeOps) {
	t.Helper()
	const nb = 3
	for _, typ := range []tensor.DType{tensor.Q4_K, tensor.Q5_K, tensor.Q6_K} {
		for _, wf := range []byte{0x00, 0xff, 0xaa} {
			for _, sf := range []byte{0xff, 0x80, 0x7f, 0x3f} {
				for _, af := range []byte{0x80, 0x7f, 0xff} {
					w := fill(nb*typ.BlockBytes(), wf)
					a := fill(nb*q8KBytes, af)
					for i := 0; i < nb; i++ {
						blk := w[i*typ.BlockBytes():]
						sr := kScaleBytes[typ]
						copy(blk[sr[0]:sr[1]], fill(sr[1]-sr[0], sf))
						for k, so := range scaleOffsets[typ] {
							binary.LittleEndian.PutUint16(blk[so:], toF16(float32(1+i+k)*0.01))
						}
						binary.LittleEndian.PutUint32(a[i*q8KBytes:], math.Float32bits(0.02*float32(1+i)))
					}
					name := fmt.Sprintf("%v w%#x s%#x a%#x", typ, wf, sf, af)
					if got, want := Dot(typ, w, a, nb*256), gen[typ].dot(w, a, nb); !sameBits(got, want) {
						t.Errorf("%s: Dot %v, generic %v", name, got, want)
					}
				}
			}
		}
	}
}

func fill(n int, b byte) []byte {
	s := make([]byte, n)
	for i := range s {
		s[i] = b
	}
	return s
}
