package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// Character classes of the deepseek-llm and default pre-tokenizers
// (pretok_llm.go, pretok_default.go). Their references run the regexes
// under Oniguruma (Hugging Face tokenizers), so \s here is Unicode
// White_Space, which is exactly Go's unicode.IsSpace (it includes U+0085 and
// excludes U+FEFF, unlike the ECMAScript \s of the DeepSeek-V3 scanner).
const (
	xSpace uint16 = 1 << iota // \s
	xL                        // \p{L}
	xN                        // \p{N}
	xP                        // \p{P}
	xCased                    // deepseek-llm regex 2's letter set
	xPunct                    // deepseek-llm regex 3's punctuation set
	xCJK                      // deepseek-llm regex 5's set
	xSym                      // default regex 1's [$+<=>^~|]
	xDigit                    // [0-9]
)

// xByteClass holds the class of each ASCII byte; bytes >= 0x80 hold cSlow.
var xByteClass [256]uint16

func init() {
	for b := 0; b < 256; b++ {
		xByteClass[b] = cSlow
		if b < utf8.RuneSelf {
			xByteClass[b] = xRuneClass(rune(b))
		}
	}
}

// llmCased is the letter set of deepseek-llm's second regex: the cased
// letters (Lu, Ll, Lt) of some Unicode version, as tokenizer.json spells the
// class. llama.cpp's copy of the class has six of its characters replaced by
// their NFC forms (U+1F7D, U+1FBE, U+1FD3, U+1FDB, U+2126, U+212A), which
// turns three ranges upside down; the table follows the original.
var llmCased = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x0041, 0x005A, 1}, {0x0061, 0x007A, 1}, {0x00B5, 0x00B5, 1},
		{0x00C0, 0x00D6, 1}, {0x00D8, 0x00F6, 1}, {0x00F8, 0x01BA, 1},
		{0x01BC, 0x01BF, 1}, {0x01C4, 0x0293, 1}, {0x0295, 0x02AF, 1},
		{0x0370, 0x0373, 1}, {0x0376, 0x0377, 1}, {0x037B, 0x037D, 1},
		{0x037F, 0x037F, 1}, {0x0386, 0x0386, 1}, {0x0388, 0x038A, 1},
		{0x038C, 0x038C, 1}, {0x038E, 0x03A1, 1}, {0x03A3, 0x03F5, 1},
		{0x03F7, 0x0481, 1}, {0x048A, 0x052F, 1}, {0x0531, 0x0556, 1},
		{0x10A0, 0x10C5, 1}, {0x13A0, 0x13F5, 1}, {0x13F8, 0x13FD, 1},
		{0x1C90, 0x1CBA, 1}, {0x1CBD, 0x1CBF, 1}, {0x1D00, 0x1D2B, 1},
		{0x1D6B, 0x1D77, 1}, {0x1D79, 0x1D9A, 1}, {0x1E00, 0x1F15, 1},
		{0x1F18, 0x1F1D, 1}, {0x1F20, 0x1F45, 1}, {0x1F48, 0x1F4D, 1},
		{0x1F50, 0x1F57, 1}, {0x1F59, 0x1F5D, 2}, {0x1F5F, 0x1F7D, 1},
		{0x1F80, 0x1FB4, 1}, {0x1FB6, 0x1FBC, 1}, {0x1FBE, 0x1FBE, 1},
		{0x1FC2, 0x1FC4, 1}, {0x1FC6, 0x1FCC, 1}, {0x1FD0, 0x1FD3, 1},
		{0x1FD6, 0x1FDB, 1}, {0x1FE0, 0x1FEC, 1}, {0x1FF2, 0x1FF4, 1},
		{0x1FF6, 0x1FFC, 1}, {0x2102, 0x2107, 5}, {0x210A, 0x2113, 1},
		{0x2115, 0x2115, 1}, {0x2119, 0x211D, 1}, {0x2124, 0x2128, 2},
		{0x212A, 0x212D, 1}, {0x212F, 0x2134, 1}, {0x2139, 0x2139, 1},
		{0x213C, 0x213F, 1}, {0x2145, 0x2149, 1}, {0x214E, 0x214E, 1},
		{0x2183, 0x2184, 1}, {0x2C00, 0x2C7B, 1}, {0x2C7E, 0x2CE4, 1},
		{0x2CEB, 0x2CEE, 1}, {0x2CF2, 0x2CF3, 1}, {0xA640, 0xA66D, 1},
		{0xA680, 0xA69B, 1}, {0xA722, 0xA76F, 1}, {0xA771, 0xA787, 1},
		{0xA78B, 0xA78E, 1}, {0xAB70, 0xABBF, 1}, {0xFB00, 0xFB06, 1},
		{0xFB13, 0xFB17, 1}, {0xFF21, 0xFF3A, 1}, {0xFF41, 0xFF5A, 1},
	},
	R32: []unicode.Range32{
		{0x10400, 0x1044F, 1}, {0x104B0, 0x104D3, 1}, {0x104D8, 0x104FB, 1},
		{0x10C80, 0x10CB2, 1}, {0x10CC0, 0x10CF2, 1}, {0x118A0, 0x118DF, 1},
		{0x1E900, 0x1E943, 1},
	},
	LatinOffset: 5,
}

// isLLMPunct reports whether r is in deepseek-llm regex 3's set
// [!-/:-~！-／：-～‘-‟　-。]. The ASCII part includes the letters.
func isLLMPunct(r rune) bool {
	return (r >= '!' && r <= '/') || (r >= ':' && r <= '~') || (r >= 0xFF01 && r <= 0xFF0F) ||
		(r >= 0xFF1A && r <= 0xFF5E) || (r >= 0x2018 && r <= 0x201F) || (r >= 0x3000 && r <= 0x3002)
}

// isLLMCJK reports whether r is in deepseek-llm regex 5's set
// [一-龥ࠀ-一가-퟿]: U+0800-U+9FA5 and U+AC00-U+D7FF.
func isLLMCJK(r rune) bool {
	return (r >= 0x0800 && r <= 0x9FA5) || (r >= 0xAC00 && r <= 0xD7FF)
}

func xRuneClass(r rune) uint16 {
	var c uint16
	switch {
	case unicode.IsLetter(r):
		c |= xL
	case unicode.IsNumber(r):
		c |= xN
	case unicode.IsPunct(r):
		c |= xP
	}
	if unicode.IsSpace(r) {
		c |= xSpace
	}
	if unicode.Is(llmCased, r) {
		c |= xCased
	}
	if isLLMPunct(r) {
		c |= xPunct
	}
	if isLLMCJK(r) {
		c |= xCJK
	}
	switch r {
	case '$', '+', '<', '=', '>', '^', '~', '|':
		c |= xSym
	}
	if r >= '0' && r <= '9' {
		c |= xDigit
	}
	return c
}

// xClassAt decodes the rune at s[i:] and returns its class and width. An
// invalid byte has width 1 and no class bits.
func xClassAt(s string, i int) (uint16, int) {
	if c := xByteClass[s[i]]; c != cSlow {
		return c, 1
	}
	return xClassAtSlow(s, i)
}

func xClassAtSlow(s string, i int) (uint16, int) {
	r, w := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && w == 1 {
		return 0, 1
	}
	return xRuneClass(r), w
}

// xRun returns the end of the run starting at i of runes whose class has a
// bit of mask.
func xRun(s string, i int, mask uint16) int {
	for i < len(s) {
		c, w := xByteClass[s[i]], 1
		if c == cSlow {
			c, w = xClassAtSlow(s, i)
		}
		if c&mask == 0 {
			break
		}
		i += w
	}
	return i
}

// isolate splits s Isolated-style at the leftmost-first matches of a regex:
// match(s, i) is the end of the match starting exactly at i, or i if none
// starts there. Gaps and matches are passed to next in order; all are
// non-empty substrings of s.
func isolate(s string, match func(string, int) int, next func(string)) {
	gap := 0
	for i := 0; i < len(s); {
		end := match(s, i)
		if end <= i {
			if s[i] < utf8.RuneSelf {
				i++
			} else {
				_, w := utf8.DecodeRuneInString(s[i:])
				i += w
			}
			continue
		}
		if gap < i {
			next(s[gap:i])
		}
		next(s[i:end])
		i, gap = end, end
	}
	if gap < len(s) {
		next(s[gap:])
	}
}

// optSpaceRun returns the end of `\s?[X]+` matched at i, X being the runes
// with a bit of mask, or i if it does not match there.
func optSpaceRun(s string, i int, mask uint16) int {
	c0, w0 := xClassAt(s, i)
	if c0&xSpace != 0 && i+w0 < len(s) {
		if c1, _ := xClassAt(s, i+w0); c1&mask != 0 {
			return xRun(s, i+w0, mask)
		}
	}
	if c0&mask != 0 {
		return xRun(s, i+w0, mask)
	}
	return i
}

// hasByteIn reports whether s holds a byte in [lo, hi].
func hasByteIn(s string, lo, hi byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i]-lo <= hi-lo {
			return true
		}
	}
	return false
}
