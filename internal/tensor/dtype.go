package tensor

import (
	"fmt"
	"strings"
)

// DType is a GGML tensor element type, numbered as GGUF stores it.
// The zero value is F32.
type DType uint32

// The types edgemoe knows by name. Only those for which Supported reports
// true can be decoded; the others are named so errors can say what a file
// holds.
const (
	F32     DType = 0
	F16     DType = 1
	Q4_0    DType = 2
	Q4_1    DType = 3
	Q5_0    DType = 6
	Q5_1    DType = 7
	Q8_0    DType = 8
	Q8_1    DType = 9
	Q2_K    DType = 10
	Q3_K    DType = 11
	Q4_K    DType = 12
	Q5_K    DType = 13
	Q6_K    DType = 14
	Q8_K    DType = 15
	IQ2_XXS DType = 16
	IQ2_XS  DType = 17
	IQ3_XXS DType = 18
	IQ1_S   DType = 19
	IQ4_NL  DType = 20
	IQ3_S   DType = 21
	IQ2_S   DType = 22
	IQ4_XS  DType = 23
	I8      DType = 24
	I16     DType = 25
	I32     DType = 26
	I64     DType = 27
	F64     DType = 28
	IQ1_M   DType = 29
	BF16    DType = 30
	TQ1_0   DType = 34
	TQ2_0   DType = 35
	MXFP4   DType = 39
)

// QK_K is the number of elements in one K-quant super-block.
const QK_K = 256

type info struct {
	name      string
	blockSize int // elements per block
	typeSize  int // bytes per block
	supported bool
}

var infos = map[DType]info{
	F32:     {"F32", 1, 4, true},
	F16:     {"F16", 1, 2, true},
	BF16:    {"BF16", 1, 2, true},
	Q4_0:    {"Q4_0", 32, 18, true},
	Q4_1:    {"Q4_1", 32, 20, true},
	Q5_0:    {"Q5_0", 32, 22, true},
	Q5_1:    {"Q5_1", 32, 24, true},
	Q8_0:    {"Q8_0", 32, 34, true},
	Q8_1:    {"Q8_1", 32, 36, false},
	Q2_K:    {"Q2_K", QK_K, 84, true},
	Q3_K:    {"Q3_K", QK_K, 110, true},
	Q4_K:    {"Q4_K", QK_K, 144, true},
	Q5_K:    {"Q5_K", QK_K, 176, true},
	Q6_K:    {"Q6_K", QK_K, 210, true},
	Q8_K:    {"Q8_K", QK_K, 292, true},
	IQ2_XXS: {"IQ2_XXS", QK_K, 66, false},
	IQ2_XS:  {"IQ2_XS", QK_K, 74, false},
	IQ3_XXS: {"IQ3_XXS", QK_K, 98, false},
	IQ1_S:   {"IQ1_S", QK_K, 50, false},
	IQ4_NL:  {"IQ4_NL", 32, 18, false},
	IQ3_S:   {"IQ3_S", QK_K, 110, false},
	IQ2_S:   {"IQ2_S", QK_K, 82, false},
	IQ4_XS:  {"IQ4_XS", QK_K, 136, false},
	I8:      {"I8", 1, 1, false},
	I16:     {"I16", 1, 2, false},
	I32:     {"I32", 1, 4, false},
	I64:     {"I64", 1, 8, false},
	F64:     {"F64", 1, 8, false},
	IQ1_M:   {"IQ1_M", QK_K, 56, false},
	TQ1_0:   {"TQ1_0", QK_K, 54, false},
	TQ2_0:   {"TQ2_0", QK_K, 66, false},
	MXFP4:   {"MXFP4", 32, 17, false},
}

// String returns the GGML name of t ("Q4_K"), or "type(N)" for an unknown id.
func (t DType) String() string {
	if in, ok := infos[t]; ok {
		return in.name
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// Known reports whether t is a GGML type id whose block layout edgemoe knows,
// whether or not it can decode it.
func (t DType) Known() bool { _, ok := infos[t]; return ok }

// Supported reports whether edgemoe can decode tensors of type t.
func (t DType) Supported() bool { return infos[t].supported }

// BlockSize is the number of elements in one block of t (1 for plain
// floats); 0 for an unknown type.
func (t DType) BlockSize() int { return infos[t].blockSize }

// BlockBytes is the size in bytes of one block of t; 0 for an unknown type.
func (t DType) BlockBytes() int { return infos[t].typeSize }

// IsQuantized reports whether t is a block-quantized type.
func (t DType) IsQuantized() bool { return t.BlockSize() > 1 }

// RowBytes returns the bytes taken by n consecutive elements of type t. It
// fails when t is unknown or n is not a whole number of blocks.
func RowBytes(t DType, n int64) (int64, error) {
	in, ok := infos[t]
	if !ok {
		return 0, fmt.Errorf("unknown tensor type %d", uint32(t))
	}
	if n < 0 || n%int64(in.blockSize) != 0 {
		return 0, fmt.Errorf("%d elements is not a whole number of %s blocks of %d", n, in.name, in.blockSize)
	}
	return n / int64(in.blockSize) * int64(in.typeSize), nil
}

// ParseDType maps a GGML type name, in any case ("q4_k", "Q4_K"), to its id.
func ParseDType(name string) (DType, error) {
	for t, in := range infos {
		if strings.EqualFold(in.name, name) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown tensor type %q", name)
}

// LowerName is the GGML name in lower case ("q4_k"), as reports spell it.
func (t DType) LowerName() string { return strings.ToLower(t.String()) }
