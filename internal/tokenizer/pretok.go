package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// The DeepSeek-V3 pre-tokenizer is a Sequence of three "Isolated" Split
// regexes followed by ByteLevel (without its own regex):
//
//	1. \p{N}{1,3}
//	2. [一-龥぀-ゟ゠-ヿ]+            (U+4E00-U+9FA5, U+3040-U+309F, U+30A0-U+30FF)
//	3. [!-/:-@\[-`{-~][A-Za-z]+
//	   | [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
//	   | ' '?[\p{P}\p{S}]+[\r\n]*
//	   | \s*[\r\n]+
//	   | \s+(?!\S)
//	   | \s+
//
// Each split applies to every chunk the previous one produced; matches and
// the gaps between them both become chunks, and a chunk's end is the end of
// the string for the regex (this matters for \s+(?!\S)). Regex 3 is matched
// by hand below, alternative by alternative in order, reproducing the
// backtracking results of the greedy quantifiers.
//
// \s follows ECMAScript (the reference implementation the test vectors come
// from): White_Space without U+0085, plus U+FEFF. Hugging Face's Oniguruma
// differs on exactly these two code points. Letter/number/mark/punctuation/
// symbol classes come from Go's unicode tables (Unicode 15.0).

// Character class bits.
const (
	cL       uint16 = 1 << iota // \p{L}
	cM                          // \p{M}
	cN                          // \p{N}
	cP                          // \p{P}
	cS                          // \p{S}
	cSpace                      // \s
	cCRLF                       // [\r\n]
	cAPunct                     // ASCII punctuation of alternative 1
	cALetter                    // [A-Za-z]
)

// byteClass holds the class of each ASCII byte; bytes >= 0x80 hold cSlow
// (decode the rune and look it up).
var byteClass [256]uint16

const cSlow = 0xFFFF

func init() {
	for b := 0; b < 256; b++ {
		byteClass[b] = cSlow
		if b < utf8.RuneSelf {
			byteClass[b] = unicodeClass(rune(b))
		}
	}
}

func unicodeClass(r rune) uint16 {
	var c uint16
	switch {
	case unicode.IsLetter(r):
		c |= cL
	case unicode.IsMark(r):
		c |= cM
	case unicode.IsNumber(r):
		c |= cN
	case unicode.IsPunct(r):
		c |= cP
	case unicode.IsSymbol(r):
		c |= cS
	}
	if isJSSpace(r) {
		c |= cSpace
	}
	if r == '\r' || r == '\n' {
		c |= cCRLF
	}
	if r < utf8.RuneSelf {
		if (r >= '!' && r <= '/') || (r >= ':' && r <= '@') || (r >= '[' && r <= '`') || (r >= '{' && r <= '~') {
			c |= cAPunct
		}
		if (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') {
			c |= cALetter
		}
	}
	return c
}

// isJSSpace reports whether r matches ECMAScript's \s.
func isJSSpace(r rune) bool {
	switch r {
	case 0x85:
		return false
	case 0xFEFF:
		return true
	}
	return unicode.IsSpace(r)
}

// classAt decodes the rune at s[i:] and returns its class and width. An
// invalid byte has width 1 and no class bits.
func classAt(s string, i int) (uint16, int) {
	if c := byteClass[s[i]]; c != cSlow {
		return c, 1
	}
	return classAtSlow(s, i)
}

func classAtSlow(s string, i int) (uint16, int) {
	r, w := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && w == 1 {
		return 0, 1
	}
	return unicodeClass(r), w
}

// isCJK reports whether r is in regex 2's character set.
func isCJK(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FA5) || (r >= 0x3040 && r <= 0x30FF)
}

// preTokenize calls emit with each pre-token of text, in order. The pieces
// are substrings of text and cover it exactly.
//
// Regexes 1 and 2 are applied in one pass: no \p{N} character lies in the
// CJK ranges, so splitting digits and then CJK runs yields runs of up to
// three numbers, CJK runs and the runs of everything else between them.
// Regex 3 leaves a numbers-only chunk whole, so only the others go through
// splitWords.
func preTokenize(text string, emit func(string)) {
	gap := 0
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf && (b < '0' || b > '9') {
			i++
			continue
		}
		r, w := rune(b), 1
		if b >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(text[i:])
		}
		var end int
		switch {
		case isCJK(r):
			end = i + w
			for end < len(text) {
				r2, w2 := utf8.DecodeRuneInString(text[end:])
				if !isCJK(r2) {
					break
				}
				end += w2
			}
		case b < utf8.RuneSelf || unicode.IsNumber(r): // an ASCII b here is a digit
			end = i + w
			for n := 1; n < 3 && end < len(text); n++ {
				c, w2 := classAt(text, end)
				if c&cN == 0 {
					break
				}
				end += w2
			}
			if gap < i {
				splitWords(text[gap:i], emit)
			}
			emit(text[i:end])
			i, gap = end, end
			continue
		default:
			i += w
			continue
		}
		if gap < i {
			splitWords(text[gap:i], emit)
		}
		splitWords(text[i:end], emit)
		i, gap = end, end
	}
	if gap < len(text) {
		splitWords(text[gap:], emit)
	}
}

// splitWords applies regex 3.
func splitWords(s string, emit func(string)) { isolate(s, matchWord, emit) }

// runWhile returns the end of the run starting at i of runes whose class
// has any bit of mask.
func runWhile(s string, i int, mask uint16) int {
	for i < len(s) {
		c, w := byteClass[s[i]], 1
		if c == cSlow {
			c, w = classAtSlow(s, i)
		}
		if c&mask == 0 {
			break
		}
		i += w
	}
	return i
}

// matchWord returns the end of regex 3's match starting exactly at i, or i
// if no alternative matches there.
func matchWord(s string, i int) int {
	c0, w0 := classAt(s, i)
	j := i + w0
	var c1 uint16
	if j < len(s) {
		c1, _ = classAt(s, j)
	}
	// [ASCII punct][A-Za-z]+
	if c0&cAPunct != 0 && c1&cALetter != 0 {
		return runWhile(s, j, cALetter)
	}
	// [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
	if c0&(cCRLF|cL|cP|cS) == 0 && c1&(cL|cM) != 0 {
		return runWhile(s, j, cL|cM)
	}
	if c0&(cL|cM) != 0 {
		return runWhile(s, j, cL|cM)
	}
	// ' '?[\p{P}\p{S}]+[\r\n]*
	if s[i] == ' ' && c1&(cP|cS) != 0 {
		return runWhile(s, runWhile(s, j, cP|cS), cCRLF)
	}
	if c0&(cP|cS) != 0 {
		return runWhile(s, runWhile(s, j, cP|cS), cCRLF)
	}
	if c0&cSpace == 0 {
		return i
	}
	// \s*[\r\n]+ : ends after the last CR/LF of the whitespace run.
	runEnd, lastCRLF := i, -1
	for runEnd < len(s) {
		c, w := classAt(s, runEnd)
		if c&cSpace == 0 {
			break
		}
		runEnd += w
		if c&cCRLF != 0 {
			lastCRLF = runEnd
		}
	}
	if lastCRLF > 0 {
		return lastCRLF
	}
	// \s+(?!\S) then \s+: the whole run at the end of the chunk, otherwise
	// the run minus its last rune (whitespace runes here are not CR/LF, and
	// all are ASCII or multi-byte; find the last rune start).
	if runEnd == len(s) {
		return runEnd
	}
	_, lw := utf8.DecodeLastRuneInString(s[i:runEnd])
	if runEnd-lw > i {
		return runEnd - lw
	}
	return runEnd
}
