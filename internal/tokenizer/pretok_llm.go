package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// The deepseek-llm pre-tokenizer (DeepSeek LLM, DeepSeek-V2, V2-Lite and
// V2.5; llama.cpp's LLAMA_VOCAB_PRE_TYPE_DEEPSEEK_LLM) is a Sequence of six
// "Isolated" Split regexes followed by ByteLevel (without its own regex):
//
//	1. [\r\n]
//	2. \s?[A-Za-zµÀ-ÖØ-öø-ƺ...𞤀-𞥃]+   (cased letters, llmCased)
//	3. \s?[!-/:-~！-／：-～‘-‟　-。]+   (isLLMPunct; note :-~ holds A-Z, a-z)
//	4. \s+$
//	5. [一-龥ࠀ-一가-퟿]+                 (U+0800-U+9FA5, U+AC00-U+D7FF)
//	6. \p{N}+
//
// Each regex splits every chunk the previous one produced, with the chunk's
// end as the end of the string ($ in regex 4). The scanner below runs the
// six stages literally, each handing its chunks to the next. Regex 1 makes
// every CR and LF a chunk of its own, so no later chunk holds a newline and
// the "end of line" meaning of $ never arises.

// llmPipe carries the final emit through the stages.
type llmPipe struct{ emit func(string) }

// preTokenizeLLM calls emit with each deepseek-llm pre-token of text, in
// order. The pieces are substrings of text and cover it exactly.
func preTokenizeLLM(text string, emit func(string)) {
	p := llmPipe{emit: emit}
	p.newlines(text)
}

// newlines applies regex 1. A lone CR or LF goes through regexes 2-6
// unchanged (only regex 4 matches it, whole), so it is emitted directly.
func (p *llmPipe) newlines(s string) {
	gap := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '\r' && s[i] != '\n' {
			continue
		}
		if gap < i {
			p.letters(s[gap:i])
		}
		p.emit(s[i : i+1])
		gap = i + 1
	}
	if gap < len(s) {
		p.letters(s[gap:])
	}
}

func (p *llmPipe) letters(s string) { isolate(s, matchCased, p.punct) }
func (p *llmPipe) punct(s string)   { isolate(s, matchLLMPunct, p.trailing) }

// cjk applies regex 5; its runes all encode in three bytes led by 0xE0-0xED,
// so a chunk without such a byte passes through unchanged.
func (p *llmPipe) cjk(s string) {
	if hasByteIn(s, 0xE0, 0xED) {
		isolate(s, matchCJK, p.numbers)
	} else {
		p.numbers(s)
	}
}

// numbers applies regex 6; an ASCII chunk without digits passes through.
func (p *llmPipe) numbers(s string) {
	if hasByteIn(s, '0', '9') || hasByteIn(s, utf8.RuneSelf, 0xFF) {
		isolate(s, matchNumbers, p.emit)
	} else {
		p.emit(s)
	}
}

// trailing applies regex 4: the leftmost match of \s+$ is the whole
// whitespace run that ends the chunk.
func (p *llmPipe) trailing(s string) {
	start := len(s)
	for start > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:start])
		if (r == utf8.RuneError && w == 1) || !unicode.IsSpace(r) {
			break
		}
		start -= w
	}
	if start > 0 {
		p.cjk(s[:start])
	}
	if start < len(s) {
		p.cjk(s[start:])
	}
}

func matchCased(s string, i int) int    { return optSpaceRun(s, i, xCased) }
func matchLLMPunct(s string, i int) int { return optSpaceRun(s, i, xPunct) }
func matchCJK(s string, i int) int      { return xRun(s, i, xCJK) }
func matchNumbers(s string, i int) int  { return xRun(s, i, xN) }
