package gguf

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by *Error; test for them with errors.Is.
var (
	// ErrNotGGUF: the file does not start with the "GGUF" magic.
	ErrNotGGUF = errors.New("not a GGUF file")
	// ErrVersion: the GGUF version is not 2 or 3.
	ErrVersion = errors.New("unsupported GGUF version")
	// ErrBigEndian: the file is a big-endian GGUF file.
	ErrBigEndian = errors.New("big-endian GGUF not supported")
	// ErrTruncated: the file ended inside a structure.
	ErrTruncated = errors.New("unexpected end of file")
	// ErrLimit: a count or length exceeds Limits or the bytes left in the file.
	ErrLimit = errors.New("exceeds limit")
	// ErrDuplicate: a key or tensor name occurs twice.
	ErrDuplicate = errors.New("duplicate")
	// ErrUnknownType: a value type or tensor type id is not known.
	ErrUnknownType = errors.New("unknown type")
	// ErrBadTensor: a tensor's shape, offset or data range is invalid.
	ErrBadTensor = errors.New("invalid tensor")
	// ErrBadValue: a metadata value is malformed or has the wrong type.
	ErrBadValue = errors.New("invalid value")
)

// Error describes a problem in a GGUF file: where (a key or tensor), the
// absolute file offset of the field at fault, and the cause. It unwraps to
// Err, which wraps one of the sentinel errors of this package.
type Error struct {
	Off   int64  // absolute file offset of the field at fault
	Where string // `key "x"`, `tensor "y"`, `tensor #3`, "header"...; may be empty
	Err   error
}

// Error formats as `gguf: tensor "y" at offset 1234: cause`.
func (e *Error) Error() string {
	if e.Where == "" {
		return fmt.Sprintf("gguf: at offset %d: %v", e.Off, e.Err)
	}
	return fmt.Sprintf("gguf: %s at offset %d: %v", e.Where, e.Off, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// kindError is a cause with its own message that still matches a sentinel
// (its kind) under errors.Is.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// errf returns a cause reading like the formatted message and matching kind.
func errf(kind error, format string, args ...any) error {
	return &kindError{msg: fmt.Sprintf(format, args...), kind: kind}
}
