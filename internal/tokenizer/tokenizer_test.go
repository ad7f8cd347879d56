package tokenizer

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// testVocab is a small byte-level vocabulary: the 256 byte tokens, a few
// merges, two control tokens and one user-defined token.
func testVocab() Vocab {
	v := Vocab{BOS: 256, EOS: 257, AddBOS: true, Pre: PreDeepSeekV3}
	for b := 0; b < 256; b++ {
		v.Tokens = append(v.Tokens, string(byteToRune[b]))
		v.Types = append(v.Types, TypeNormal)
	}
	v.Tokens = append(v.Tokens, "<s>", "</s>", "<|u|>", "<|u|>long")
	v.Types = append(v.Types, TypeControl, TypeControl, TypeUserDefined, TypeControl)
	G := string(byteToRune[' '])
	for _, m := range []string{"a b", "ab c", "x x", "xx x", G + " a", "xx xx", "h é"} {
		l, r, _ := strings.Cut(m, " ")
		v.Merges = append(v.Merges, m)
		if !slices.Contains(v.Tokens, l+r) {
			v.Tokens = append(v.Tokens, l+r)
			v.Types = append(v.Types, TypeNormal)
		}
	}
	return v
}

func mustNew(t *testing.T, v Vocab) *Tokenizer {
	t.Helper()
	tok, err := New(v)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestEncodeSmallVocab(t *testing.T) {
	tok := mustNew(t, testVocab())
	id := func(s string) int32 {
		i, ok := tok.TokenID(s)
		if !ok {
			t.Fatalf("no token %q", s)
		}
		return i
	}
	G := string(byteToRune[' '])
	tests := []struct {
		in      string
		special bool
		want    []int32
	}{
		{"abc", true, []int32{id("abc")}},
		{" ab", true, []int32{id(G), id("ab")}}, // "a b" (rank 0) beats "Ġ a" (rank 4)
		{"xxx", true, []int32{id("xxx")}},       // leftmost "x x" then "xx x"
		{"xxxx", true, []int32{id("xxxx")}},     // "x x" twice (rank 2 < "xx x"), then "xx xx"
		{"<s>ab</s>", true, []int32{256, id("ab"), 257}},
		{"<s>", false, []int32{id("<"), id("s"), id(">")}},
		{"<|u|>", false, []int32{258}},
		{"<|u|>long", true, []int32{259}}, // longest match
		{"<|u|>long", false, []int32{258, id("long"[0:1]), id("o"), id("n"), id("g")}},
	}
	for _, tc := range tests {
		if got := tok.EncodeWithSpecial(tc.in, tc.special); !slices.Equal(got, tc.want) {
			t.Errorf("EncodeWithSpecial(%q, %v) = %v, want %v", tc.in, tc.special, got, tc.want)
		}
		if got := tok.Decode(tok.EncodeWithSpecial(tc.in, tc.special)); got != tc.in {
			t.Errorf("Decode(Encode(%q)) = %q", tc.in, got)
		}
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Vocab)
		want string
	}{
		{"pre", func(v *Vocab) { v.Pre = "llama3" }, "llama3"},
		{"empty", func(v *Vocab) { v.Tokens, v.Types = nil, nil }, "empty"},
		{"types", func(v *Vocab) { v.Types = v.Types[:3] }, "token types"},
		{"badtype", func(v *Vocab) { v.Types[5] = 9 }, "invalid type"},
		{"bos", func(v *Vocab) { v.BOS = 1 << 20 }, "bos"},
		{"merge", func(v *Vocab) { v.Merges = append(v.Merges, "nospace") }, "merge"},
		{"mergetoken", func(v *Vocab) { v.Merges = append(v.Merges, "q z") }, "not in the vocabulary"},
		{"byte", func(v *Vocab) { v.Tokens[0x41] = "AA" }, "byte 0x41"},
	}
	for _, tc := range tests {
		v := testVocab()
		tc.edit(&v)
		_, err := New(v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want mention of %q", tc.name, err, tc.want)
		}
	}
}

func TestAccessors(t *testing.T) {
	v := testVocab()
	tok := mustNew(t, v)
	v.Tokens[0] = "mutated" // New must not retain the caller's slices
	if tok.TokenText(0) == "mutated" || tok.Vocab().Tokens[0] == "mutated" {
		t.Error("tokenizer aliases the caller's Vocab")
	}
	if !tok.IsControl(256) || tok.IsControl(258) || tok.IsControl(-1) || tok.IsControl(1<<30) {
		t.Error("IsControl wrong")
	}
	if tok.TokenText(-1) != "" || tok.Piece(1<<30) != "" || tok.Type(1<<30) != 0 {
		t.Error("out-of-range ids must yield zero values")
	}
	if tok.BOS() != 256 || tok.EOS() != 257 || tok.VocabSize() != len(v.Tokens) {
		t.Error("BOS/EOS/VocabSize wrong")
	}
}

// TestBPEHeapMatchesScan checks the heap merge path against the quadratic
// one on random pieces of the small vocabulary.
func TestBPEHeapMatchesScan(t *testing.T) {
	tok := mustNew(t, testVocab())
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		b := make([]byte, 1+r.IntN(smallPiece))
		for j := range b {
			b[j] = "abcx h"[r.IntN(6)]
		}
		s := string(b)
		if a, h := tok.bpe(nil, s), tok.bpeHeap(nil, s); !slices.Equal(a, h) {
			t.Fatalf("%q: scan %v, heap %v", s, a, h)
		}
	}
}

func TestBPEHeapMatchesScanDeepSeek(t *testing.T) {
	tok := sharedTokenizer(t)
	for _, c := range sharedCases(t) {
		preTokenize(c.Text, func(p string) {
			if len(p) > smallPiece {
				return
			}
			if a, h := tok.bpe(nil, p), tok.bpeHeap(nil, p); !slices.Equal(a, h) {
				t.Errorf("%q: scan %v, heap %v", p, a, h)
			}
		})
	}
}

func TestStreamDecoder(t *testing.T) {
	tok := mustNew(t, testVocab())
	text := "añb€😀<s>z"
	ids := tok.Encode(text)
	d := tok.NewDecoder()
	var sb strings.Builder
	for _, id := range ids {
		s := d.Push(id)
		if !utf8.ValidString(s) {
			t.Fatalf("Push emitted invalid UTF-8 %q", s)
		}
		sb.WriteString(s)
	}
	sb.WriteString(d.Flush())
	if sb.String() != text {
		t.Fatalf("stream = %q, want %q", sb.String(), text)
	}
	// A character cut short: held back, then flushed as U+FFFD.
	e := tok.NewDecoder()
	if s := e.Push(tok.byteID[0xE2]); s != "" {
		t.Fatalf("partial rune emitted %q", s)
	}
	if s := e.Push(tok.byteID['a']); s != "\uFFFDa" {
		t.Fatalf("invalid sequence emitted %q, want U+FFFD a", s)
	}
	e.Push(tok.byteID[0xF0])
	if s := e.Flush(); s != "\uFFFD" {
		t.Fatalf("Flush = %q", s)
	}
}

// FuzzEncodeRoundTrip: Decode(Encode(s)) == s for any input, valid UTF-8 or
// not, with the embedded DeepSeek-V3 vocabulary.
func FuzzEncodeRoundTrip(f *testing.F) {
	for _, s := range []string{"Hello, world!", "  \n\t x1234", "中文テキスト<｜User｜>", "\xff\x80a", "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"} {
		f.Add(s)
	}
	tok, err := DeepSeekV3()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := tok.Decode(tok.Encode(s)); got != s {
			t.Fatalf("round trip %q -> %q", s, got)
		}
	})
}

// TestConcurrentEncode: goroutines sharing one tokenizer (and its cache)
// get the same ids as a sequential run. Run under -race.
func TestConcurrentEncode(t *testing.T) {
	shared, err := DeepSeekV3()
	if err != nil {
		t.Fatal(err)
	}
	tok := *shared // private copy with its own (empty) cache
	tok.cache = newPieceCache()
	var texts []string
	r := rand.New(rand.NewPCG(3, 4))
	words := []string{"the", " quick", " brown", "\n", "  ", "fox", "123456", "中文", "🙂", "<｜User｜>", "naïve", "\t"}
	for i := 0; i < 64; i++ {
		var sb strings.Builder
		for j := 0; j < 40; j++ {
			sb.WriteString(words[r.IntN(len(words))])
		}
		texts = append(texts, sb.String())
	}
	want := make([][]int32, len(texts))
	for i, s := range texts {
		want[i] = tok.Encode(s)
	}
	tok.cache = newPieceCache() // start cold again
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for k := 0; k < 200; k++ {
				i := (k*7 + g) % len(texts)
				if got := tok.Encode(texts[i]); !slices.Equal(got, want[i]) {
					done <- fmt.Errorf("text %d: got %v, want %v", i, got, want[i])
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
