package tokenizer

import "unicode/utf8"

// The "default" pre-tokenizer is what llama.cpp applies to a byte-level BPE
// vocabulary whose tokenizer.ggml.pre is "default"
// (LLAMA_VOCAB_PRE_TYPE_DEFAULT): four Isolated regexes in sequence,
//
//	1. [\p{P}\$\+<=>\^~\|]+
//	2. 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
//	3. \p{N}+
//	4. [0-9][0-9][0-9]
//
// Regex 2 is GPT-2's. llama.cpp matches it with a hand-written splitter that
// adds GPT-2's final |\s+ alternative; that changes nothing here, since a
// whitespace rune the regex leaves unmatched is always followed by a
// non-space and so forms a gap of its own. Regex 1 runs first, so the
// apostrophe is already split off and the contractions never match; they
// are kept for fidelity to the regex. Regex 3 then splits a number from the
// space regex 2 attached to it, and regex 4 cuts runs of ASCII digits into
// threes from the left (a shorter remainder joins the gap after it).

// defaultPipe carries the final emit through the stages.
type defaultPipe struct{ emit func(string) }

// preTokenizeDefault calls emit with each pre-token of text under llama.cpp's
// default regexes, in order. The pieces are substrings of text and cover it
// exactly.
func preTokenizeDefault(text string, emit func(string)) {
	p := defaultPipe{emit: emit}
	isolate(text, matchPunctRun, p.words)
}

func (p *defaultPipe) words(s string) { isolate(s, matchGPT2, p.numbers) }

// numbers applies regex 3; an ASCII chunk without digits passes through.
func (p *defaultPipe) numbers(s string) {
	if hasByteIn(s, '0', '9') || hasByteIn(s, utf8.RuneSelf, 0xFF) {
		isolate(s, matchNumbers, p.digits)
	} else {
		p.emit(s)
	}
}

// digits applies regex 4; a chunk too short for it or without ASCII
// digits passes through.
func (p *defaultPipe) digits(s string) {
	if len(s) >= 3 && hasByteIn(s, '0', '9') {
		isolate(s, matchDigits3, p.emit)
	} else {
		p.emit(s)
	}
}

func matchPunctRun(s string, i int) int { return xRun(s, i, xP|xSym) }

// matchDigits3 matches [0-9][0-9][0-9] at i.
func matchDigits3(s string, i int) int {
	if i+3 <= len(s) && isDigit(s[i]) && isDigit(s[i+1]) && isDigit(s[i+2]) {
		return i + 3
	}
	return i
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// matchGPT2 returns the end of GPT-2's regex matched at i (alternatives in
// order), or i if none matches there.
func matchGPT2(s string, i int) int {
	if s[i] == '\'' {
		if n := contraction(s[i+1:]); n > 0 {
			return i + 1 + n
		}
	}
	c0, w0 := xClassAt(s, i)
	var c1 uint16
	if i+w0 < len(s) {
		c1, _ = xClassAt(s, i+w0)
	}
	const other = 0 // [^\s\p{L}\p{N}]: none of these bits
	isOther := func(c uint16) bool { return c&(xSpace|xL|xN) == other }
	switch {
	case s[i] == ' ' && c1&xL != 0, c0&xL != 0:
		return xRun(s, i+w0, xL)
	case s[i] == ' ' && c1&xN != 0, c0&xN != 0:
		return xRun(s, i+w0, xN)
	case s[i] == ' ' && i+w0 < len(s) && isOther(c1), isOther(c0):
		return otherRun(s, i+w0)
	}
	// c0 is whitespace: \s+(?!\S) keeps the run whole at the end of the
	// chunk and otherwise gives its last rune back; a single rune followed
	// by a non-space is taken by \s+.
	end := xRun(s, i, xSpace)
	if end == len(s) {
		return end
	}
	last := i
	for j := i; j < end; {
		_, w := xClassAt(s, j)
		last = j
		j += w
	}
	if last > i {
		return last
	}
	return end
}

// contraction returns the length of the contraction suffix (after the
// apostrophe) that s starts with, or 0.
func contraction(s string) int {
	if len(s) >= 2 {
		switch s[:2] {
		case "re", "ve", "ll":
			return 2
		}
	}
	if len(s) >= 1 {
		switch s[0] {
		case 's', 't', 'm', 'd':
			return 1
		}
	}
	return 0
}

// otherRun returns the end of the run starting at i of runes that are not
// whitespace, letters or numbers (invalid bytes count as such runes).
func otherRun(s string, i int) int {
	for i < len(s) {
		c, w := xClassAt(s, i)
		if c&(xSpace|xL|xN) != 0 {
			break
		}
		i += w
	}
	return i
}
