package tokenizer

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"
)

// deepSeekV3Blob is the DeepSeek-V3 vocabulary (128,815 tokens, 127,741
// merges) in WriteBlob format, generated from tokenizer.json by
// TestGenerateBlob.
//
//go:embed data/deepseek-v3.bin.gz
var deepSeekV3Blob []byte

var deepSeekV3 = sync.OnceValues(func() (*Tokenizer, error) {
	v, err := ReadBlob(bytes.NewReader(deepSeekV3Blob))
	if err != nil {
		return nil, fmt.Errorf("tokenizer: embedded deepseek-v3 vocabulary: %w", err)
	}
	return New(v)
})

// DeepSeekV3 returns the tokenizer built from the embedded DeepSeek-V3
// vocabulary. It is built on first use and shared: every call returns the
// same *Tokenizer, which is safe for concurrent use.
func DeepSeekV3() (*Tokenizer, error) { return deepSeekV3() }

// DeepSeekV3Vocab returns a fresh copy of the embedded DeepSeek-V3
// vocabulary (for writing it into GGUF files); the caller owns it.
func DeepSeekV3Vocab() (Vocab, error) {
	return ReadBlob(bytes.NewReader(deepSeekV3Blob))
}
