package gguf

// Limits bound what Parse will accept from an untrusted file. Every zero
// field takes its default (see DefaultLimits), so the zero Limits is usable.
// Independently of Limits, no count or length is trusted beyond what the
// bytes left in the file can hold, so allocations stay proportional to the
// file's metadata size.
type Limits struct {
	// MaxKVs bounds the number of metadata key/value pairs (default 65536;
	// real files have ~50).
	MaxKVs uint64
	// MaxTensors bounds the number of tensors (default 65536; DeepSeek-V3
	// and Kimi-K2 files have ~1,100-2,000).
	MaxTensors uint64
	// MaxStringLen bounds the byte length of any string: keys, string
	// values, array elements and tensor names (default 16 MiB, for chat
	// templates).
	MaxStringLen uint64
	// MaxArrayLen bounds the element count of a metadata array (default
	// 16M; real vocabularies are 130k-160k tokens and 280k merges).
	MaxArrayLen uint64
	// MaxDims bounds a tensor's number of dimensions (default 4, ggml's
	// GGML_MAX_DIMS).
	MaxDims uint64
}

// DefaultLimits returns the limits used for zero fields.
func DefaultLimits() Limits {
	return Limits{
		MaxKVs:       1 << 16,
		MaxTensors:   1 << 16,
		MaxStringLen: 16 << 20,
		MaxArrayLen:  16 << 20,
		MaxDims:      4,
	}
}

// withDefaults returns l with every zero field set to its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxKVs == 0 {
		l.MaxKVs = d.MaxKVs
	}
	if l.MaxTensors == 0 {
		l.MaxTensors = d.MaxTensors
	}
	if l.MaxStringLen == 0 {
		l.MaxStringLen = d.MaxStringLen
	}
	if l.MaxArrayLen == 0 {
		l.MaxArrayLen = d.MaxArrayLen
	}
	if l.MaxDims == 0 {
		l.MaxDims = d.MaxDims
	}
	return l
}
