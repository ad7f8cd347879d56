package tokenizer

import (
	"fmt"
	"strings"
)

// Tokenizer converts text to token ids and back. It is immutable after
// construction (apart from an internal lock-free cache) and safe for
// concurrent use. The zero value is not usable; build one with New,
// LoadJSON or DeepSeekV3.
type Tokenizer struct {
	vocab  Vocab // private copy, returned by Vocab()
	ids    map[string]int32
	pieces []string // decoded bytes of each token
	byteID [256]int32
	merges mergeTable
	added  *addedMatcher
	cache  *pieceCache
	pre    func(string, func(string)) // the pre-tokenizer Vocab.Pre names
	nAdded int
}

// New builds a tokenizer from GGUF tokenizer.ggml.* values. It fails if the
// pre-tokenizer is not one of PreDeepSeekV3 (or ""), PreDeepSeekLLM and
// PreDefault, a type or special id is out of range, a merge is malformed, or
// a byte token is missing.
func New(v Vocab) (*Tokenizer, error) {
	pre, ok := preTokenizers[v.Pre]
	if !ok {
		return nil, fmt.Errorf("tokenizer: pre-tokenizer %q is not supported (only %q, %q and %q)",
			v.Pre, PreDeepSeekV3, PreDeepSeekLLM, PreDefault)
	}
	if len(v.Tokens) == 0 {
		return nil, fmt.Errorf("tokenizer: empty token list")
	}
	if v.Types != nil && len(v.Types) != len(v.Tokens) {
		return nil, fmt.Errorf("tokenizer: %d token types for %d tokens", len(v.Types), len(v.Tokens))
	}
	for _, sp := range []struct {
		name string
		id   int32
	}{{"bos", v.BOS}, {"eos", v.EOS}} {
		if sp.id < -1 || int(sp.id) >= len(v.Tokens) {
			return nil, fmt.Errorf("tokenizer: %s token id %d out of range [0,%d)", sp.name, sp.id, len(v.Tokens))
		}
	}
	t := &Tokenizer{
		vocab:  v.clone(),
		ids:    make(map[string]int32, len(v.Tokens)),
		pieces: make([]string, len(v.Tokens)),
		merges: newMergeTable(len(v.Merges)),
		added:  newAddedMatcher(),
		cache:  newPieceCache(),
		pre:    pre,
	}
	if t.vocab.Pre == "" {
		t.vocab.Pre = PreDeepSeekV3
	}
	if err := t.indexTokens(); err != nil {
		return nil, err
	}
	if err := t.indexMerges(); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Tokenizer) typeOf(id int) int32 {
	if t.vocab.Types == nil {
		return TypeNormal
	}
	return t.vocab.Types[id]
}

func (t *Tokenizer) indexTokens() error {
	for id, s := range t.vocab.Tokens {
		typ := t.typeOf(id)
		if typ < TypeNormal || typ > TypeByte {
			return fmt.Errorf("tokenizer: token %d (%q) has invalid type %d", id, s, typ)
		}
		if _, dup := t.ids[s]; !dup {
			t.ids[s] = int32(id)
		}
		switch typ {
		case TypeControl, TypeUserDefined:
			t.pieces[id] = s
			t.added.add(s, int32(id), typ == TypeControl)
			t.nAdded++
		case TypeUnused:
			t.pieces[id] = ""
		default:
			t.pieces[id] = string(byteLevelDecode(nil, s))
		}
	}
	for b := 0; b < 256; b++ {
		id, ok := t.ids[string(byteToRune[b])]
		if !ok {
			return fmt.Errorf("tokenizer: no token for byte 0x%02x (%q)", b, string(byteToRune[b]))
		}
		t.byteID[b] = id
	}
	return nil
}

func (t *Tokenizer) indexMerges() error {
	for rank, m := range t.vocab.Merges {
		l, r, ok := strings.Cut(m, " ")
		if !ok || l == "" || r == "" {
			return fmt.Errorf("tokenizer: merge %d %q is not \"left right\"", rank, m)
		}
		li, lok := t.ids[l]
		ri, rok := t.ids[r]
		mi, mok := t.ids[l+r]
		if !lok || !rok || !mok {
			return fmt.Errorf("tokenizer: merge %d %q names a token not in the vocabulary", rank, m)
		}
		if rank >= int(noRank) {
			return fmt.Errorf("tokenizer: %d merges is too many", len(t.vocab.Merges))
		}
		t.merges.insert(li, ri, int32(rank), mi)
	}
	return nil
}

// Encode tokenizes text with added and special tokens recognised (as
// EncodeWithSpecial(text, true)). It never adds BOS.
func (t *Tokenizer) Encode(text string) []int32 {
	return t.EncodeWithSpecial(text, true)
}

// EncodeWithSpecial tokenizes text: added tokens are matched first (leftmost,
// longest); control tokens only when parseSpecial, user-defined ones always
// (llama.cpp semantics). The text between them is pre-tokenized and BPE
// encoded. It never adds BOS. Invalid UTF-8 is encoded byte by byte.
func (t *Tokenizer) EncodeWithSpecial(text string, parseSpecial bool) []int32 {
	out := make([]int32, 0, len(text)/3+4)
	emit := func(piece string) { out = t.encodePiece(out, piece) }
	start := 0
	if t.nAdded > 0 {
		for i := 0; i < len(text); {
			if !t.added.first[text[i]] {
				i++
				continue
			}
			id, n, ok := t.added.match(text, i, parseSpecial)
			if !ok {
				i++
				continue
			}
			if start < i {
				t.pre(text[start:i], emit)
			}
			out = append(out, id)
			i += n
			start = i
		}
	}
	if start < len(text) {
		t.pre(text[start:], emit)
	}
	return out
}

// Decode returns the text of ids concatenated. Ids out of range and unused
// tokens contribute nothing; control and user-defined tokens contribute
// their literal text. The result is exactly the bytes the tokens stand for
// and may be invalid UTF-8 if ids split a character; use a StreamDecoder
// for incremental output.
func (t *Tokenizer) Decode(ids []int32) string {
	var sb strings.Builder
	for _, id := range ids {
		sb.WriteString(t.Piece(id))
	}
	return sb.String()
}

// Piece returns the raw bytes token id stands for ("" if out of range).
func (t *Tokenizer) Piece(id int32) string {
	if id < 0 || int(id) >= len(t.pieces) {
		return ""
	}
	return t.pieces[id]
}

// TokenText returns the token's vocabulary string (byte-level form for
// normal tokens), or "" if id is out of range.
func (t *Tokenizer) TokenText(id int32) string {
	if id < 0 || int(id) >= len(t.vocab.Tokens) {
		return ""
	}
	return t.vocab.Tokens[id]
}

// TokenID returns the id of the vocabulary string s (byte-level form for
// normal tokens).
func (t *Tokenizer) TokenID(s string) (int32, bool) {
	id, ok := t.ids[s]
	return id, ok
}

// VocabSize returns the number of token ids.
func (t *Tokenizer) VocabSize() int { return len(t.vocab.Tokens) }

// BOS returns the beginning-of-sequence id, -1 if none.
func (t *Tokenizer) BOS() int32 { return t.vocab.BOS }

// EOS returns the end-of-sequence id, -1 if none.
func (t *Tokenizer) EOS() int32 { return t.vocab.EOS }

// AddBOS reports whether prompts should start with BOS.
func (t *Tokenizer) AddBOS() bool { return t.vocab.AddBOS }

// Type returns the token type of id (TypeNormal...), 0 if out of range.
func (t *Tokenizer) Type(id int32) int32 {
	if id < 0 || int(id) >= len(t.vocab.Tokens) {
		return 0
	}
	return t.typeOf(int(id))
}

// IsControl reports whether id is a control (special) token.
func (t *Tokenizer) IsControl(id int32) bool { return t.Type(id) == TypeControl }

// Vocab returns a copy of the tokenizer's data; the caller owns it.
func (t *Tokenizer) Vocab() Vocab { return t.vocab.clone() }
