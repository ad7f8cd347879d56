package gguf

import (
	"fmt"
	"math"
)

// ValueType is a GGUF metadata value type id.
type ValueType uint32

// The GGUF metadata value types, numbered as stored.
const (
	TypeUint8 ValueType = iota
	TypeInt8
	TypeUint16
	TypeInt16
	TypeUint32
	TypeInt32
	TypeFloat32
	TypeBool
	TypeString
	TypeArray
	TypeUint64
	TypeInt64
	TypeFloat64
	numValueTypes
)

var valueTypeNames = [numValueTypes]string{
	"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "arr", "u64", "i64", "f64",
}

// String returns the short name ggml uses ("u32", "str", "arr"), or
// "type(N)" for an unknown id.
func (t ValueType) String() string {
	if t < numValueTypes {
		return valueTypeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// Valid reports whether t is a known value type id.
func (t ValueType) Valid() bool { return t < numValueTypes }

// size is the encoded size of a fixed-size scalar of type t, 0 for TypeString,
// TypeArray and unknown ids.
func (t ValueType) size() int {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64:
		return 8
	}
	return 0
}

func (t ValueType) isInt() bool {
	switch t {
	case TypeUint8, TypeInt8, TypeUint16, TypeInt16, TypeUint32, TypeInt32, TypeUint64, TypeInt64:
		return true
	}
	return false
}

func (t ValueType) isSigned() bool {
	return t == TypeInt8 || t == TypeInt16 || t == TypeInt32 || t == TypeInt64
}

// Value is one GGUF metadata value: a scalar, a string, or an array of
// scalars or strings (ElemType). Nested arrays are not representable (ggml
// rejects them too).
//
// A Value is immutable once built; the constructors (U32, Str, StrArr, ...)
// keep the slice they are given, so callers must not modify it afterwards.
// Accessors return copies. Values are safe for concurrent reads. The zero
// Value is the u8 scalar 0.
type Value struct {
	Type     ValueType // the value's type; TypeArray for arrays
	ElemType ValueType // element type of an array; unused for scalars

	bits uint64 // scalars: integer (sign-extended), float bits, bool 0/1
	str  string // TypeString scalars
	arr  any    // arrays: []uint8 ... []float64, []bool or []string per ElemType
}

// Scalar constructors.

// U8 returns a u8 value.
func U8(x uint8) Value { return Value{Type: TypeUint8, bits: uint64(x)} }

// I8 returns an i8 value.
func I8(x int8) Value { return Value{Type: TypeInt8, bits: uint64(int64(x))} }

// U16 returns a u16 value.
func U16(x uint16) Value { return Value{Type: TypeUint16, bits: uint64(x)} }

// I16 returns an i16 value.
func I16(x int16) Value { return Value{Type: TypeInt16, bits: uint64(int64(x))} }

// U32 returns a u32 value.
func U32(x uint32) Value { return Value{Type: TypeUint32, bits: uint64(x)} }

// I32 returns an i32 value.
func I32(x int32) Value { return Value{Type: TypeInt32, bits: uint64(int64(x))} }

// U64 returns a u64 value.
func U64(x uint64) Value { return Value{Type: TypeUint64, bits: x} }

// I64 returns an i64 value.
func I64(x int64) Value { return Value{Type: TypeInt64, bits: uint64(x)} }

// F32 returns an f32 value.
func F32(x float32) Value { return Value{Type: TypeFloat32, bits: uint64(math.Float32bits(x))} }

// F64 returns an f64 value.
func F64(x float64) Value { return Value{Type: TypeFloat64, bits: math.Float64bits(x)} }

// Bool returns a bool value.
func Bool(x bool) Value {
	v := Value{Type: TypeBool}
	if x {
		v.bits = 1
	}
	return v
}

// Str returns a string value.
func Str(s string) Value { return Value{Type: TypeString, str: s} }

// Array constructors; each keeps xs.

func arrayOf[T any](et ValueType, xs []T) Value {
	return Value{Type: TypeArray, ElemType: et, arr: xs}
}

// U8Arr returns an array of u8.
func U8Arr(xs []uint8) Value { return arrayOf(TypeUint8, xs) }

// I8Arr returns an array of i8.
func I8Arr(xs []int8) Value { return arrayOf(TypeInt8, xs) }

// U16Arr returns an array of u16.
func U16Arr(xs []uint16) Value { return arrayOf(TypeUint16, xs) }

// I16Arr returns an array of i16.
func I16Arr(xs []int16) Value { return arrayOf(TypeInt16, xs) }

// U32Arr returns an array of u32.
func U32Arr(xs []uint32) Value { return arrayOf(TypeUint32, xs) }

// I32Arr returns an array of i32.
func I32Arr(xs []int32) Value { return arrayOf(TypeInt32, xs) }

// U64Arr returns an array of u64.
func U64Arr(xs []uint64) Value { return arrayOf(TypeUint64, xs) }

// I64Arr returns an array of i64.
func I64Arr(xs []int64) Value { return arrayOf(TypeInt64, xs) }

// F32Arr returns an array of f32.
func F32Arr(xs []float32) Value { return arrayOf(TypeFloat32, xs) }

// F64Arr returns an array of f64.
func F64Arr(xs []float64) Value { return arrayOf(TypeFloat64, xs) }

// BoolArr returns an array of bool.
func BoolArr(xs []bool) Value { return arrayOf(TypeBool, xs) }

// StrArr returns an array of strings.
func StrArr(xs []string) Value { return arrayOf(TypeString, xs) }

// TypeName describes v's type: "u32", "str", "arr[str]".
func (v Value) TypeName() string {
	if v.Type == TypeArray {
		return "arr[" + v.ElemType.String() + "]"
	}
	return v.Type.String()
}

func (v Value) typeErr(want string) error {
	return errf(ErrBadValue, "value of type %s is not %s", v.TypeName(), want)
}

// Uint64 returns an integer scalar of any integer type; it fails for
// negative values and non-integer types.
func (v Value) Uint64() (uint64, error) {
	if !v.Type.isInt() {
		return 0, v.typeErr("an integer")
	}
	if v.Type.isSigned() && int64(v.bits) < 0 {
		return 0, errf(ErrBadValue, "value %d is negative", int64(v.bits))
	}
	return v.bits, nil
}

// Int64 returns an integer scalar of any integer type; it fails for u64
// values above math.MaxInt64 and non-integer types.
func (v Value) Int64() (int64, error) {
	if !v.Type.isInt() {
		return 0, v.typeErr("an integer")
	}
	if v.Type == TypeUint64 && v.bits > math.MaxInt64 {
		return 0, errf(ErrBadValue, "value %d overflows int64", v.bits)
	}
	return int64(v.bits), nil
}

// Float64 returns a float or integer scalar as float64.
func (v Value) Float64() (float64, error) {
	switch {
	case v.Type == TypeFloat32:
		return float64(math.Float32frombits(uint32(v.bits))), nil
	case v.Type == TypeFloat64:
		return math.Float64frombits(v.bits), nil
	case v.Type == TypeUint64:
		return float64(v.bits), nil
	case v.Type.isInt():
		return float64(int64(v.bits)), nil
	}
	return 0, v.typeErr("a number")
}

// Bool returns a bool scalar.
func (v Value) Bool() (bool, error) {
	if v.Type != TypeBool {
		return false, v.typeErr("a bool")
	}
	return v.bits != 0, nil
}

// String returns a string scalar. (It is an accessor, not a fmt.Stringer.)
func (v Value) String() (string, error) {
	if v.Type != TypeString {
		return "", v.typeErr("a string")
	}
	return v.str, nil
}

// Strings returns a copy of an array of strings.
func (v Value) Strings() ([]string, error) {
	xs, ok := v.arr.([]string)
	if v.Type != TypeArray || v.ElemType != TypeString || (!ok && v.arr != nil) {
		return nil, v.typeErr("an array of strings")
	}
	return append([]string(nil), xs...), nil
}

// Int32s returns an array of any integer type as int32s; it fails if an
// element does not fit.
func (v Value) Int32s() ([]int32, error) {
	if v.Type != TypeArray || !v.ElemType.isInt() {
		return nil, v.typeErr("an array of integers")
	}
	n := v.Len()
	out := make([]int32, n)
	for i := range n {
		x, neg := v.intAt(i)
		if (neg && x < math.MinInt32) || (!neg && uint64(x) > math.MaxInt32) {
			return nil, errf(ErrBadValue, "element %d does not fit in int32", i)
		}
		out[i] = int32(x)
	}
	return out, nil
}

// Float32s returns an array of f32 or f64 as float32s.
func (v Value) Float32s() ([]float32, error) {
	switch xs := v.arr.(type) {
	case []float32:
		if v.Type == TypeArray && v.ElemType == TypeFloat32 {
			return append([]float32(nil), xs...), nil
		}
	case []float64:
		if v.Type == TypeArray && v.ElemType == TypeFloat64 {
			out := make([]float32, len(xs))
			for i, x := range xs {
				out[i] = float32(x)
			}
			return out, nil
		}
	case nil:
		if v.Type == TypeArray && (v.ElemType == TypeFloat32 || v.ElemType == TypeFloat64) {
			return []float32{}, nil
		}
	}
	return nil, v.typeErr("an array of floats")
}

// intAt returns integer element i of an integer array as int64 bits, and
// whether it is negative (for u64 elements above MaxInt64 the bits are the
// raw value and neg is false).
func (v Value) intAt(i int) (int64, bool) {
	switch xs := v.arr.(type) {
	case []uint8:
		return int64(xs[i]), false
	case []int8:
		return int64(xs[i]), xs[i] < 0
	case []uint16:
		return int64(xs[i]), false
	case []int16:
		return int64(xs[i]), xs[i] < 0
	case []uint32:
		return int64(xs[i]), false
	case []int32:
		return int64(xs[i]), xs[i] < 0
	case []uint64:
		return int64(xs[i]), false
	case []int64:
		return xs[i], xs[i] < 0
	}
	return 0, false
}

// Len returns the number of elements of an array, 1 for a scalar.
func (v Value) Len() int {
	if v.Type != TypeArray {
		return 1
	}
	switch xs := v.arr.(type) {
	case []uint8:
		return len(xs)
	case []int8:
		return len(xs)
	case []uint16:
		return len(xs)
	case []int16:
		return len(xs)
	case []uint32:
		return len(xs)
	case []int32:
		return len(xs)
	case []uint64:
		return len(xs)
	case []int64:
		return len(xs)
	case []float32:
		return len(xs)
	case []float64:
		return len(xs)
	case []bool:
		return len(xs)
	case []string:
		return len(xs)
	}
	return 0
}

// Any returns the value as the Go type matching its GGUF type (uint8 ...
// float64, bool, string) or, for arrays, a slice of it. Slices are shared
// with v and must not be modified.
func (v Value) Any() any {
	switch v.Type {
	case TypeUint8:
		return uint8(v.bits)
	case TypeInt8:
		return int8(v.bits)
	case TypeUint16:
		return uint16(v.bits)
	case TypeInt16:
		return int16(v.bits)
	case TypeUint32:
		return uint32(v.bits)
	case TypeInt32:
		return int32(v.bits)
	case TypeUint64:
		return v.bits
	case TypeInt64:
		return int64(v.bits)
	case TypeFloat32:
		return math.Float32frombits(uint32(v.bits))
	case TypeFloat64:
		return math.Float64frombits(v.bits)
	case TypeBool:
		return v.bits != 0
	case TypeString:
		return v.str
	case TypeArray:
		return v.arr
	}
	return nil
}

// check reports whether v is well formed: known types, no nested arrays,
// array storage matching ElemType. Values built by this package always are.
func (v Value) check() error {
	if !v.Type.Valid() {
		return errf(ErrUnknownType, "unknown value type id %d", uint32(v.Type))
	}
	if v.Type != TypeArray {
		return nil
	}
	if v.ElemType == TypeArray {
		return errf(ErrBadValue, "nested arrays are not supported")
	}
	if !v.ElemType.Valid() {
		return errf(ErrUnknownType, "unknown array element type id %d", uint32(v.ElemType))
	}
	if v.arr == nil {
		return nil
	}
	ok := false
	switch v.arr.(type) {
	case []uint8:
		ok = v.ElemType == TypeUint8
	case []int8:
		ok = v.ElemType == TypeInt8
	case []uint16:
		ok = v.ElemType == TypeUint16
	case []int16:
		ok = v.ElemType == TypeInt16
	case []uint32:
		ok = v.ElemType == TypeUint32
	case []int32:
		ok = v.ElemType == TypeInt32
	case []uint64:
		ok = v.ElemType == TypeUint64
	case []int64:
		ok = v.ElemType == TypeInt64
	case []float32:
		ok = v.ElemType == TypeFloat32
	case []float64:
		ok = v.ElemType == TypeFloat64
	case []bool:
		ok = v.ElemType == TypeBool
	case []string:
		ok = v.ElemType == TypeString
	}
	if !ok {
		return errf(ErrBadValue, "array storage %T does not match element type %s", v.arr, v.ElemType)
	}
	return nil
}
