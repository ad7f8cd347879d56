// Package tokenizer owns text <-> token id conversion for DeepSeek models:
// byte-level BPE with the DeepSeek-V3 pre-tokenizer (pretok.go), the
// deepseek-llm one of DeepSeek LLM and V2 (pretok_llm.go) or llama.cpp's
// default one (pretok_default.go), chosen by Vocab.Pre; added/special token
// matching, streaming UTF-8-safe decoding, a compact embeddable vocabulary
// blob (the real DeepSeek-V3 vocabulary ships inside the binary, see
// DeepSeekV3), and native renderings of the DeepSeek chat templates
// (chat.go).
//
// It does not read GGUF files: callers pass the tokenizer.ggml.* values as a
// Vocab (New), or a Hugging Face tokenizer.json (LoadJSON). It imports only
// the standard library.
//
// Encoding follows Hugging Face tokenizers: added tokens are split out of
// the raw text first (leftmost, longest), then each remaining span is
// pre-tokenized (each pretok*.go documents the exact regex semantics its
// hand-written scanner reproduces) and every piece is BPE-merged by rank
// over its bytes. BOS is never added by Encode; chat templates render the
// BOS text themselves. Decoding maps normal tokens back through the GPT-2
// byte-level table and emits control and user-defined tokens as their
// literal text.
package tokenizer
