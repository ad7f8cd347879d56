// Package gguf reads and writes GGUF (v2 and v3, little-endian) model files.
//
// It owns the container format only: the header, the typed key/value
// metadata, the tensor directory (name, shape, element type, offset) and the
// layout of the data section. Parse reads the header and tensor directory of
// an untrusted file and checks it — every count, length and dimension is
// bounded by Limits and by the bytes left in the file before anything is
// allocated, and every tensor's data range must lie inside the file — but it
// never reads tensor data. Mapping or paging that data is the pager's job;
// interpreting the metadata (architecture hyper-parameters, tokenizer) and
// deciding whether a tensor type can be decoded belong to the model and
// tokenizer packages.
//
// Writer produces files laid out the way ggml's gguf writer does (strings
// u64-length-prefixed, data section and each tensor padded to the alignment,
// tensor offsets assigned in insertion order), streaming tensor data so
// multi-GB files need no buffering.
//
// Errors about file contents are *Error values naming the key or tensor and
// the file offset; the sentinel errors below can be tested with errors.Is.
package gguf
