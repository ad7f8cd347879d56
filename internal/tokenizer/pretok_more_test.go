package tokenizer

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// morePreTokenizers are the scanners checked against Hugging Face
// tokenizers' engine (testdata/pretok_more_gen.js).
var morePreTokenizers = []struct {
	pre    string
	golden string
	split  func(string, func(string))
}{
	{PreDeepSeekLLM, "testdata/pretok_deepseek_llm.jsonl", preTokenizeLLM},
	{PreDefault, "testdata/pretok_default.jsonl", preTokenizeDefault},
}

func splitWith(f func(string, func(string)), s string) []string {
	var out []string
	f(s, func(p string) { out = append(out, p) })
	return out
}

// TestPreTokenizeMoreGolden compares the deepseek-llm and default scanners
// with the pieces Hugging Face tokenizers (Rust, Oniguruma) produced from
// the same regexes on random strings over an alphabet of tricky characters.
func TestPreTokenizeMoreGolden(t *testing.T) {
	for _, pt := range morePreTokenizers {
		t.Run(pt.pre, func(t *testing.T) {
			f, err := os.Open(pt.golden)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			n, fails := 0, 0
			for sc.Scan() {
				var c struct {
					Text   string   `json:"text"`
					Pieces []string `json:"pieces"`
				}
				if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
					t.Fatalf("line %d: %v", n+1, err)
				}
				n++
				if got := splitWith(pt.split, c.Text); !slices.Equal(got, c.Pieces) {
					t.Errorf("%q:\n got %q\nwant %q", c.Text, got, c.Pieces)
					if fails++; fails > 20 {
						t.Fatal("too many failures")
					}
				}
			}
			if n < 1000 {
				t.Fatalf("only %d golden lines", n)
			}
		})
	}
}

// TestEncodeMore encodes sample texts with the embedded DeepSeek-V3
// vocabulary under the deepseek-llm and default pre-tokenizers and compares
// the ids with Hugging Face tokenizers' (testdata/encode_more_gen.js): the
// whole path (added tokens, pre-tokenizer selection, byte-level BPE), with
// no DeepSeek-V2 vocabulary needed.
func TestEncodeMore(t *testing.T) {
	v, err := DeepSeekV3Vocab()
	if err != nil {
		t.Fatal(err)
	}
	toks := map[string]*Tokenizer{}
	for _, pt := range morePreTokenizers {
		v.Pre = pt.pre
		if toks[pt.pre], err = New(v); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open("testdata/encode_more.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := map[string]int{}
	for sc.Scan() {
		var c struct {
			Pre  string  `json:"pre"`
			Text string  `json:"text"`
			IDs  []int32 `json:"ids"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("line %d: %v", len(n)+1, err)
		}
		tok := toks[c.Pre]
		if tok == nil {
			t.Fatalf("unknown pre-tokenizer %q", c.Pre)
		}
		n[c.Pre]++
		if got := tok.Encode(c.Text); !slices.Equal(got, c.IDs) {
			t.Errorf("%s %q:\n got %v\nwant %v", c.Pre, c.Text, got, c.IDs)
		}
	}
	for _, pt := range morePreTokenizers {
		if n[pt.pre] < 100 {
			t.Errorf("%s: only %d cases", pt.pre, n[pt.pre])
		}
	}
}

func TestPreTokenizeMoreTable(t *testing.T) {
	tests := []struct {
		pre  string
		in   string
		want string // pieces joined by "|"
	}{
		{PreDeepSeekLLM, "Hello world", "Hello| world"},
		{PreDeepSeekLLM, "a  b", "a| | b"},
		{PreDeepSeekLLM, "trailing   ", "trailing|   "},
		{PreDeepSeekLLM, "x\r\n  y", "x|\r|\n| | y"}, // " " gap, then " y"
		{PreDeepSeekLLM, "1234567 a1", "1234567| a|1"},
		{PreDeepSeekLLM, "café", "caf|é"},       // regex 3 re-splits ASCII letters
		{PreDeepSeekLLM, "don't!", "don|'|t|!"}, // regex 3 splits chunks, never joins them
		{PreDeepSeekLLM, "中文abc", "中文|abc"},
		{PreDeepSeekLLM, " ﬀ ʔ", " ﬀ| ʔ"},                             // U+FB00 is a cased letter, U+0294 is not
		{PreDeepSeekLLM, "\u1f5f\u1f7d\u03ce", "\u1f5f\u1f7d|\u03ce"}, // regex 5 spans U+0800-U+9FA5
		{PreDeepSeekLLM, "a\u3000。b", "a|\u3000。|b"},
		{PreDeepSeekLLM, "\xff\xfeab", "\xff\xfe|ab"},
		{PreDefault, "Hello world", "Hello| world"},
		{PreDefault, "don't", "don|'|t"}, // the apostrophe is split off first
		{PreDefault, " 1234567", " |123|456|7"},
		{PreDefault, "a  b\t\tc  ", "a| | b|\t|\t|c|  "},
		{PreDefault, "x+=1;", "x|+=|1|;"},
		{PreDefault, "é 中文", "é| 中文"},
		{PreDefault, "\xff\xfeab", "\xff\xfe|ab"},
	}
	for _, tc := range tests {
		tok := preTokenizers[tc.pre]
		if got := strings.Join(splitWith(tok, tc.in), "|"); got != tc.want {
			t.Errorf("%s(%q) = %q, want %q", tc.pre, tc.in, got, tc.want)
		}
	}
}

// TestNewPreTokenizer: New picks the scanner Vocab.Pre names ("" is V3).
func TestNewPreTokenizer(t *testing.T) {
	const text = "1234567"
	want := map[string]int{"": 3, PreDeepSeekV3: 3, PreDeepSeekLLM: 1, PreDefault: 3}
	for pre, n := range want {
		v := testVocab()
		v.Pre = pre
		tok := mustNew(t, v)
		if got := len(tok.Encode(text)); got != len(text) {
			t.Errorf("pre %q: %d ids for %q, want one per digit", pre, got, text)
		}
		var pieces []string
		tok.pre(text, func(p string) { pieces = append(pieces, p) })
		if len(pieces) != n {
			t.Errorf("pre %q: pieces %q, want %d", pre, pieces, n)
		}
	}
}

// FuzzPreTokenizeMore checks the deepseek-llm and default pieces cover the
// input exactly and are never empty.
func FuzzPreTokenizeMore(f *testing.F) {
	for _, s := range []string{"Hello, world!", "  \n\t x1234", "中文テキスト", "\xff\x80a", "it's  1234 ώ\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, pt := range morePreTokenizers {
			var sb strings.Builder
			pt.split(s, func(p string) {
				if p == "" {
					t.Fatalf("%s: empty piece for %q", pt.pre, s)
				}
				sb.WriteString(p)
			})
			if sb.String() != s {
				t.Fatalf("%s: pieces of %q join to %q", pt.pre, s, sb.String())
			}
		}
	})
}
