package gguf

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestValueAccessors(t *testing.T) {
	type result struct {
		val any
		err bool
	}
	tests := []struct {
		name string
		got  func() (any, error)
		want result
	}{
		{"u64 of u32", func() (any, error) { return U32(7).Uint64() }, result{uint64(7), false}},
		{"u64 of max u64", func() (any, error) { return U64(math.MaxUint64).Uint64() }, result{uint64(math.MaxUint64), false}},
		{"u64 of i8 -1", func() (any, error) { return I8(-1).Uint64() }, result{uint64(0), true}},
		{"u64 of i64 5", func() (any, error) { return I64(5).Uint64() }, result{uint64(5), false}},
		{"u64 of f32", func() (any, error) { return F32(1).Uint64() }, result{uint64(0), true}},
		{"u64 of bool", func() (any, error) { return Bool(true).Uint64() }, result{uint64(0), true}},
		{"i64 of i16 -3", func() (any, error) { return I16(-3).Int64() }, result{int64(-3), false}},
		{"i64 of big u64", func() (any, error) { return U64(1 << 63).Int64() }, result{int64(0), true}},
		{"i64 of str", func() (any, error) { return Str("1").Int64() }, result{int64(0), true}},
		{"f64 of f32", func() (any, error) { return F32(0.5).Float64() }, result{0.5, false}},
		{"f64 of f64", func() (any, error) { return F64(-2.25).Float64() }, result{-2.25, false}},
		{"f64 of i32", func() (any, error) { return I32(-4).Float64() }, result{-4.0, false}},
		{"f64 of u64", func() (any, error) { return U64(1 << 63).Float64() }, result{9223372036854775808.0, false}},
		{"f64 of str", func() (any, error) { return Str("x").Float64() }, result{0.0, true}},
		{"bool", func() (any, error) { return Bool(true).Bool() }, result{true, false}},
		{"bool of u8", func() (any, error) { return U8(1).Bool() }, result{false, true}},
		{"string", func() (any, error) { return Str("héllo").String() }, result{"héllo", false}},
		{"string of array", func() (any, error) { return StrArr([]string{"a"}).String() }, result{"", true}},
		{"strings", func() (any, error) { return StrArr([]string{"a", ""}).Strings() }, result{[]string{"a", ""}, false}},
		{"strings of i32s", func() (any, error) { return I32Arr([]int32{1}).Strings() }, result{[]string(nil), true}},
		{"strings of str", func() (any, error) { return Str("a").Strings() }, result{[]string(nil), true}},
		{"int32s of i32", func() (any, error) { return I32Arr([]int32{-1, 2}).Int32s() }, result{[]int32{-1, 2}, false}},
		{"int32s of u8", func() (any, error) { return U8Arr([]uint8{255}).Int32s() }, result{[]int32{255}, false}},
		{"int32s of u32 overflow", func() (any, error) { return U32Arr([]uint32{1 << 31}).Int32s() }, result{[]int32(nil), true}},
		{"int32s of i64 underflow", func() (any, error) { return I64Arr([]int64{math.MinInt32 - 1}).Int32s() }, result{[]int32(nil), true}},
		{"int32s of u64 huge", func() (any, error) { return U64Arr([]uint64{math.MaxUint64}).Int32s() }, result{[]int32(nil), true}},
		{"int32s of f32s", func() (any, error) { return F32Arr([]float32{1}).Int32s() }, result{[]int32(nil), true}},
		{"float32s of f32", func() (any, error) { return F32Arr([]float32{1.5}).Float32s() }, result{[]float32{1.5}, false}},
		{"float32s of f64", func() (any, error) { return F64Arr([]float64{0.25}).Float32s() }, result{[]float32{0.25}, false}},
		{"float32s of empty", func() (any, error) { return Value{Type: TypeArray, ElemType: TypeFloat32}.Float32s() }, result{[]float32{}, false}},
		{"float32s of i32", func() (any, error) { return I32Arr(nil).Float32s() }, result{[]float32(nil), true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.got()
			if (err != nil) != tc.want.err {
				t.Fatalf("error = %v, want error %v", err, tc.want.err)
			}
			if err != nil && !errors.Is(err, ErrBadValue) {
				t.Errorf("error %v is not ErrBadValue", err)
			}
			if !reflect.DeepEqual(got, tc.want.val) {
				t.Errorf("got %#v, want %#v", got, tc.want.val)
			}
		})
	}
}

func TestValueAnyLen(t *testing.T) {
	tests := []struct {
		v    Value
		any  any
		len  int
		name string
	}{
		{U8(200), uint8(200), 1, "u8"},
		{I8(-100), int8(-100), 1, "i8"},
		{U16(60000), uint16(60000), 1, "u16"},
		{I16(-30000), int16(-30000), 1, "i16"},
		{U32(4e9), uint32(4e9), 1, "u32"},
		{I32(-2e9), int32(-2e9), 1, "i32"},
		{U64(1 << 60), uint64(1 << 60), 1, "u64"},
		{I64(-1 << 60), int64(-1 << 60), 1, "i64"},
		{F32(1.25), float32(1.25), 1, "f32"},
		{F64(-1e300), -1e300, 1, "f64"},
		{Bool(false), false, 1, "bool"},
		{Str(""), "", 1, "str"},
		{StrArr([]string{"a", "b"}), []string{"a", "b"}, 2, "arr[str]"},
		{BoolArr([]bool{true}), []bool{true}, 1, "arr[bool]"},
		{U16Arr(nil), []uint16(nil), 0, "arr[u16]"},
		{Value{}, uint8(0), 1, "u8"},
	}
	for _, tc := range tests {
		if got := tc.v.Any(); !reflect.DeepEqual(got, tc.any) {
			t.Errorf("%s: Any() = %#v, want %#v", tc.name, got, tc.any)
		}
		if got := tc.v.Len(); got != tc.len {
			t.Errorf("%s: Len() = %d, want %d", tc.name, got, tc.len)
		}
		if got := tc.v.TypeName(); got != tc.name {
			t.Errorf("TypeName() = %q, want %q", got, tc.name)
		}
	}
}

func TestValueCheck(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		kind error
	}{
		{"unknown type", Value{Type: 13}, ErrUnknownType},
		{"nested", Value{Type: TypeArray, ElemType: TypeArray}, ErrBadValue},
		{"unknown elem", Value{Type: TypeArray, ElemType: 40}, ErrUnknownType},
		{"mismatched storage", Value{Type: TypeArray, ElemType: TypeInt32, arr: []uint32{1}}, ErrBadValue},
	}
	for _, tc := range tests {
		if err := tc.v.check(); !errors.Is(err, tc.kind) {
			t.Errorf("%s: check() = %v, want %v", tc.name, err, tc.kind)
		}
		w := NewWriter(3, 0)
		w.SetKV("k", tc.v)
		if _, err := w.WriteTo(new(discard)); !errors.Is(err, tc.kind) {
			t.Errorf("%s: WriteTo() = %v, want %v", tc.name, err, tc.kind)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
