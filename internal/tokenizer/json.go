package tokenizer

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// DeepSeek's sentence markers, used by LoadJSON to find BOS and EOS (which
// tokenizer.json does not name).
const (
	bosText = "<｜begin▁of▁sentence｜>"
	eosText = "<｜end▁of▁sentence｜>"
)

// The DeepSeek-V3 pre-tokenizer's regexes, in order, as tokenizer.json
// spells them.
var deepSeekV3Regexes = []string{
	`\p{N}{1,3}`,
	`[一-龥぀-ゟ゠-ヿ]+`,
	"[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
}

// The deepseek-llm pre-tokenizer's regexes (DeepSeek LLM, DeepSeek-V2), in
// order, as tokenizer.json spells them. Written from llama.cpp's copy with
// the six characters it NFC-normalized restored (the \u escapes); checked
// against llmCased, isLLMPunct and isLLMCJK by TestLLMRegexClasses.
var deepSeekLLMRegexes = []string{
	"[\r\n]",
	"\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-\u1F7Dᾀ-ᾴᾶ-ᾼ\u1FBEῂ-ῄῆ-ῌῐ-\u1FD3ῖ-\u1FDBῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\u2126ℨ\u212A-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
	"\\s?[!-/:-~！-／：-～‘-‟　-。]+",
	"\\s+$",
	"[一-龥ࠀ-一가-퟿]+",
	"\\p{N}+",
}

// jsonPreTokenizers are the pre-tokenizers LoadJSON recognises, by their
// Split regexes; it refuses any other.
var jsonPreTokenizers = []struct {
	name    string
	regexes []string
}{
	{PreDeepSeekV3, deepSeekV3Regexes},
	{PreDeepSeekLLM, deepSeekLLMRegexes},
}

type hfJSON struct {
	AddedTokens []struct {
		ID      int32  `json:"id"`
		Content string `json:"content"`
		Special bool   `json:"special"`
	} `json:"added_tokens"`
	Normalizer   json.RawMessage `json:"normalizer"`
	PreTokenizer struct {
		Type          string `json:"type"`
		Pretokenizers []struct {
			Type    string `json:"type"`
			Pattern struct {
				Regex string `json:"Regex"`
			} `json:"pattern"`
			Behavior string `json:"behavior"`
			Invert   bool   `json:"invert"`
			UseRegex bool   `json:"use_regex"`
		} `json:"pretokenizers"`
	} `json:"pre_tokenizer"`
	Model struct {
		Type         string           `json:"type"`
		Vocab        map[string]int32 `json:"vocab"`
		Merges       json.RawMessage  `json:"merges"`
		ByteFallback bool             `json:"byte_fallback"`
		IgnoreMerges bool             `json:"ignore_merges"`
	} `json:"model"`
}

// LoadJSON builds a tokenizer from a Hugging Face tokenizer.json. Only
// byte-level BPE with the DeepSeek-V3 or the deepseek-llm (DeepSeek-V2)
// pre-tokenizer is accepted. Added tokens become control tokens when
// "special", user-defined otherwise. BOS and EOS are DeepSeek's sentence
// markers when present (-1 otherwise) and AddBOS is true, as DeepSeek's
// tokenizer_config.json says.
func LoadJSON(r io.Reader) (*Tokenizer, error) {
	var j hfJSON
	if err := json.NewDecoder(r).Decode(&j); err != nil {
		return nil, fmt.Errorf("tokenizer: decode tokenizer.json: %w", err)
	}
	v, err := j.vocab()
	if err != nil {
		return nil, err
	}
	return New(v)
}

// pre returns the name of the pre-tokenizer tokenizer.json describes: a
// Sequence of Isolated Splits with one of jsonPreTokenizers' regex lists,
// then ByteLevel without its own regex.
func (j *hfJSON) pre() (string, error) {
	for _, c := range jsonPreTokenizers {
		if j.preIs(c.regexes) {
			return c.name, nil
		}
	}
	return "", fmt.Errorf("tokenizer: tokenizer.json pre_tokenizer is neither DeepSeek-V3's nor deepseek-llm's (the only ones supported)")
}

func (j *hfJSON) preIs(regexes []string) bool {
	p := j.PreTokenizer
	ok := p.Type == "Sequence" && len(p.Pretokenizers) == len(regexes)+1
	for i := 0; ok && i < len(regexes); i++ {
		s := p.Pretokenizers[i]
		ok = s.Type == "Split" && s.Pattern.Regex == regexes[i] && s.Behavior == "Isolated" && !s.Invert
	}
	if ok {
		last := p.Pretokenizers[len(regexes)]
		ok = last.Type == "ByteLevel" && !last.UseRegex
	}
	return ok
}

func (j *hfJSON) vocab() (Vocab, error) {
	if j.Model.Type != "BPE" || j.Model.ByteFallback || j.Model.IgnoreMerges {
		return Vocab{}, fmt.Errorf("tokenizer: tokenizer.json model %q (byte_fallback %v, ignore_merges %v) is not plain byte-level BPE",
			j.Model.Type, j.Model.ByteFallback, j.Model.IgnoreMerges)
	}
	pre, err := j.pre()
	if err != nil {
		return Vocab{}, err
	}
	if err := checkNormalizer(j.Normalizer); err != nil {
		return Vocab{}, err
	}
	size := int32(0)
	for _, id := range j.Model.Vocab {
		size = max(size, id+1)
	}
	for _, a := range j.AddedTokens {
		size = max(size, a.ID+1)
	}
	const maxVocab = 1 << 22
	if size > maxVocab {
		return Vocab{}, fmt.Errorf("tokenizer: tokenizer.json vocabulary size %d over %d", size, maxVocab)
	}
	v := Vocab{Tokens: make([]string, size), Types: make([]int32, size), BOS: -1, EOS: -1, AddBOS: true, Pre: pre}
	for s, id := range j.Model.Vocab {
		if id < 0 {
			return Vocab{}, fmt.Errorf("tokenizer: tokenizer.json token %q has negative id %d", s, id)
		}
		v.Tokens[id], v.Types[id] = s, TypeNormal
	}
	for _, a := range j.AddedTokens {
		if a.ID < 0 {
			return Vocab{}, fmt.Errorf("tokenizer: tokenizer.json added token %q has negative id %d", a.Content, a.ID)
		}
		v.Tokens[a.ID], v.Types[a.ID] = a.Content, TypeUserDefined
		if a.Special {
			v.Types[a.ID] = TypeControl
		}
		switch a.Content {
		case bosText:
			v.BOS = a.ID
		case eosText:
			v.EOS = a.ID
		}
	}
	for id, typ := range v.Types {
		if typ == 0 {
			v.Types[id] = TypeUnused
		}
	}
	merges, err := parseMerges(j.Model.Merges)
	if err != nil {
		return Vocab{}, err
	}
	v.Merges = merges
	return v, nil
}

// checkNormalizer accepts no normalizer or an empty Sequence.
func checkNormalizer(raw json.RawMessage) error {
	if n := strings.TrimSpace(string(raw)); n == "" || n == "null" {
		return nil
	}
	var seq struct {
		Type        string            `json:"type"`
		Normalizers []json.RawMessage `json:"normalizers"`
	}
	if err := json.Unmarshal(raw, &seq); err != nil || seq.Type != "Sequence" || len(seq.Normalizers) != 0 {
		return fmt.Errorf("tokenizer: tokenizer.json normalizer %.60q is not supported", string(raw))
	}
	return nil
}

// parseMerges accepts both ["a b", ...] and [["a","b"], ...].
func parseMerges(raw json.RawMessage) ([]string, error) {
	var flat []string
	if err := json.Unmarshal(raw, &flat); err == nil {
		return flat, nil
	}
	var pairs [][]string
	if err := json.Unmarshal(raw, &pairs); err != nil {
		return nil, fmt.Errorf("tokenizer: tokenizer.json model.merges: %w", err)
	}
	out := make([]string, len(pairs))
	for i, p := range pairs {
		if len(p) != 2 {
			return nil, fmt.Errorf("tokenizer: tokenizer.json merge %d has %d parts, want 2", i, len(p))
		}
		out[i] = p[0] + " " + p[1]
	}
	return out, nil
}
