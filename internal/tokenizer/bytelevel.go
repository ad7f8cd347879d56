package tokenizer

import "unicode/utf8"

// byteToRune is the GPT-2 byte-level mapping: printable Latin-1 bytes map to
// themselves, every other byte to U+0100 + n in increasing byte order.
var byteToRune [256]rune

// runeToByte inverts byteToRune over U+0000..U+0143; runeToByteOK marks the
// entries that are part of the mapping.
var (
	runeToByte   [0x144]byte
	runeToByteOK [0x144]bool
)

func init() {
	n := rune(0)
	for b := 0; b < 256; b++ {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			byteToRune[b] = rune(b)
		} else {
			byteToRune[b] = 0x100 + n
			n++
		}
		runeToByte[byteToRune[b]] = byte(b)
		runeToByteOK[byteToRune[b]] = true
	}
}

// byteLevelEncode returns s with every byte replaced by its byte-level rune.
func byteLevelEncode(s string) string {
	buf := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		buf = utf8.AppendRune(buf, byteToRune[s[i]])
	}
	return string(buf)
}

// byteLevelDecode maps a byte-level token string back to raw bytes. Runes
// outside the mapping are kept as their own UTF-8 encoding.
func byteLevelDecode(dst []byte, s string) []byte {
	for _, r := range s {
		if r >= 0 && int(r) < len(runeToByteOK) && runeToByteOK[r] {
			dst = append(dst, runeToByte[r])
			continue
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}
