package kernels

import (
	"encoding/binary"
	"math"
)

func dequantF32(src []byte, dst []float32) {
	if v := f32View(src, len(dst)); v != nil {
		copy(dst, v)
		return
	}
	src = src[:4*len(dst)]
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
	}
}

func quantF32(src []float32, dst []byte) {
	dst = dst[:4*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(v))
	}
}

func dequantF16(src []byte, dst []float32) {
	src = src[:2*len(dst)]
	for i := range dst {
		dst[i] = f16Tab[binary.LittleEndian.Uint16(src[2*i:])]
	}
}

func quantF16(src []float32, dst []byte) {
	dst = dst[:2*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], toF16(v))
	}
}

func dequantBF16(src []byte, dst []float32) {
	src = src[:2*len(dst)]
	for i := range dst {
		dst[i] = bf16(binary.LittleEndian.Uint16(src[2*i:]))
	}
}

func quantBF16(src []float32, dst []byte) {
	dst = dst[:2*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], toBF16(v))
	}
}

// The float dots decode up to 256 elements at a time into stack buffers
// and feed the canonical lanes; the tail (n%8) is added after the lane
// reduction.

const chunk = 256

func decF32(b []byte, dst []float32) {
	b = b[:4*len(dst)]
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

func decF16(b []byte, dst []float32) {
	b = b[:2*len(dst)]
	for i := range dst {
		dst[i] = f16Tab[binary.LittleEndian.Uint16(b[2*i:])]
	}
}

func decBF16(b []byte, dst []float32) {
	b = b[:2*len(dst)]
	for i := range dst {
		dst[i] = bf16(binary.LittleEndian.Uint16(b[2*i:]))
	}
}

func dotF32F32Bytes(w, a []byte, n int) float32 {
	if wv, av := f32View(w, n), f32View(a, n); wv != nil && av != nil {
		return dotF32F32Generic(wv, av)
	}
	var l lanes8
	var wb, ab [chunk]float32
	n8 := n &^ 7
	for i := 0; i < n8; i += chunk {
		k := min(chunk, n8-i)
		decF32(w[4*i:], wb[:k])
		decF32(a[4*i:], ab[:k])
		l.addN(wb[:k], ab[:k])
	}
	s := l.sum()
	decF32(w[4*n8:], wb[:n-n8])
	decF32(a[4*n8:], ab[:n-n8])
	for i := 0; i < n-n8; i++ {
		s += float32(wb[i] * ab[i])
	}
	return s
}

func dotF16F16(w, a []byte, n int) float32 {
	var l lanes8
	var wb, ab [chunk]float32
	n8 := n &^ 7
	for i := 0; i < n8; i += chunk {
		k := min(chunk, n8-i)
		decF16(w[2*i:], wb[:k])
		decF16(a[2*i:], ab[:k])
		l.addN(wb[:k], ab[:k])
	}
	s := l.sum()
	decF16(w[2*n8:], wb[:n-n8])
	decF16(a[2*n8:], ab[:n-n8])
	for i := 0; i < n-n8; i++ {
		s += float32(wb[i] * ab[i])
	}
	return s
}

func dotBF16BF16(w, a []byte, n int) float32 {
	var l lanes8
	var wb, ab [chunk]float32
	n8 := n &^ 7
	for i := 0; i < n8; i += chunk {
		k := min(chunk, n8-i)
		decBF16(w[2*i:], wb[:k])
		decBF16(a[2*i:], ab[:k])
		l.addN(wb[:k], ab[:k])
	}
	s := l.sum()
	decBF16(w[2*n8:], wb[:n-n8])
	decBF16(a[2*n8:], ab[:n-n8])
	for i := 0; i < n-n8; i++ {
		s += float32(wb[i] * ab[i])
	}
	return s
}

func dotF32RowF32(w []byte, x []float32) float32 {
	n := len(x)
	if wv := f32View(w, n); wv != nil {
		return dotF32F32Generic(wv, x)
	}
	var l lanes8
	var wb [chunk]float32
	n8 := n &^ 7
	for i := 0; i < n8; i += chunk {
		k := min(chunk, n8-i)
		decF32(w[4*i:], wb[:k])
		l.addN(wb[:k], x[i:i+k])
	}
	s := l.sum()
	decF32(w[4*n8:], wb[:n-n8])
	for i := 0; i < n-n8; i++ {
		s += float32(wb[i] * x[n8+i])
	}
	return s
}

func dotF32RowF16(w []byte, x []float32) float32 {
	n := len(x)
	var l lanes8
	var wb [chunk]float32
	n8 := n &^ 7
	for i := 0; i < n8; i += chunk {
		k := min(chunk, n8-i)
		decF16(w[2*i:], wb[:k])
		l.addN(wb[:k], x[i:i+k])
	}
	s := l.sum()
	decF16(w[2*n8:], wb[:n-n8])
	for i := 0; i < n-n8; i++ {
		s += float32(wb[i] * x[n8+i])
	}
	return s
}

func dotF32RowBF16(w []byte, x []float32) float32 {
	n := len(x)
	var l lanes8
	var wb [chunk]float32
	n8 := n &^ 7
	for i := 0; i < n8; i += chunk {
		k := min(chunk, n8-i)
		decBF16(w[2*i:], wb[:k])
		l.addN(wb[:k], x[i:i+k])
	}
	s := l.sum()
	decBF16(w[2*n8:], wb[:n-n8])
	for i := 0; i < n-n8; i++ {
		s += float32(wb[i] * x[n8+i])
	}
	return s
}
