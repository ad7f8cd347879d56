package tokenizer

// Token types, as GGUF's tokenizer.ggml.token_type stores them.
const (
	TypeNormal      int32 = 1
	TypeUnknown     int32 = 2
	TypeControl     int32 = 3
	TypeUserDefined int32 = 4
	TypeUnused      int32 = 5
	TypeByte        int32 = 6
)

// The tokenizer.ggml.pre names of the pre-tokenizers this package
// implements: DeepSeek-V3's (also R1's), DeepSeek LLM's (also V2, V2-Lite
// and V2.5's) and llama.cpp's default one.
const (
	PreDeepSeekV3  = "deepseek-v3"
	PreDeepSeekLLM = "deepseek-llm"
	PreDefault     = "default"
)

// preTokenizers maps Vocab.Pre to its scanner; "" is DeepSeek-V3.
var preTokenizers = map[string]func(string, func(string)){
	"":             preTokenize,
	PreDeepSeekV3:  preTokenize,
	PreDeepSeekLLM: preTokenizeLLM,
	PreDefault:     preTokenizeDefault,
}

// Vocab is a tokenizer's data in GGUF terms (the tokenizer.ggml.* values).
// Normal tokens are in byte-level unicode form (as in tokenizer.json);
// control and user-defined tokens are their literal text. The zero value is
// not a usable vocabulary. A Vocab is plain data: the caller owns it, and
// New does not retain its slices.
type Vocab struct {
	Tokens []string // tokenizer.ggml.tokens, indexed by id
	Types  []int32  // tokenizer.ggml.token_type; nil means all normal
	Merges []string // tokenizer.ggml.merges, "left right", in rank order
	BOS    int32    // tokenizer.ggml.bos_token_id, -1 if none
	EOS    int32    // tokenizer.ggml.eos_token_id, -1 if none
	AddBOS bool     // tokenizer.ggml.add_bos_token
	Pre    string   // tokenizer.ggml.pre (Pre* constants); "" is taken as "deepseek-v3"
}

func (v Vocab) clone() Vocab {
	c := v
	c.Tokens = append([]string(nil), v.Tokens...)
	c.Merges = append([]string(nil), v.Merges...)
	if v.Types != nil {
		c.Types = append([]int32(nil), v.Types...)
	}
	return c
}
