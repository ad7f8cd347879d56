package tokenizer

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// hfDoc builds a minimal tokenizer.json for v (normal tokens in the BPE
// vocab, others as added tokens), merges in array form when pairs is set.
func hfDoc(t *testing.T, v Vocab, pairs bool, edit func(map[string]any)) string {
	t.Helper()
	vocab := map[string]int{}
	var added []map[string]any
	for id, s := range v.Tokens {
		switch v.Types[id] {
		case TypeControl, TypeUserDefined:
			added = append(added, map[string]any{"id": id, "content": s, "special": v.Types[id] == TypeControl})
		default:
			vocab[s] = id
		}
	}
	var merges any = v.Merges
	if pairs {
		var p [][]string
		for _, m := range v.Merges {
			l, r, _ := strings.Cut(m, " ")
			p = append(p, []string{l, r})
		}
		merges = p
	}
	var pre []any
	for _, re := range deepSeekV3Regexes {
		pre = append(pre, map[string]any{"type": "Split", "pattern": map[string]any{"Regex": re}, "behavior": "Isolated", "invert": false})
	}
	pre = append(pre, map[string]any{"type": "ByteLevel", "add_prefix_space": false, "use_regex": false})
	doc := map[string]any{
		"added_tokens":  added,
		"normalizer":    map[string]any{"type": "Sequence", "normalizers": []any{}},
		"pre_tokenizer": map[string]any{"type": "Sequence", "pretokenizers": pre},
		"model":         map[string]any{"type": "BPE", "vocab": vocab, "merges": merges, "byte_fallback": false},
	}
	if edit != nil {
		edit(doc)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadJSONForms(t *testing.T) {
	v := testVocab()
	// tokenizer.json carries no BOS/EOS: LoadJSON looks for DeepSeek's names.
	v.Tokens[256], v.Tokens[257] = bosText, eosText
	for _, pairs := range []bool{false, true} {
		tok, err := LoadJSON(strings.NewReader(hfDoc(t, v, pairs, nil)))
		if err != nil {
			t.Fatalf("pairs=%v: %v", pairs, err)
		}
		if got := tok.Vocab(); !reflect.DeepEqual(got, v) {
			t.Errorf("pairs=%v: vocab differs:\n got %+v\nwant %+v", pairs, got, v)
		}
	}
}

func TestLoadJSONErrors(t *testing.T) {
	v := testVocab()
	tests := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"not json", nil, "decode"},
		{"model", func(d map[string]any) { d["model"].(map[string]any)["type"] = "WordPiece" }, "not plain byte-level BPE"},
		{"pre", func(d map[string]any) { d["pre_tokenizer"] = map[string]any{"type": "ByteLevel"} }, "pre_tokenizer"},
		{"normalizer", func(d map[string]any) { d["normalizer"] = map[string]any{"type": "NFC"} }, "normalizer"},
		{"merge parts", func(d map[string]any) { d["model"].(map[string]any)["merges"] = [][]string{{"a", "b", "c"}} }, "3 parts"},
		{"negative id", func(d map[string]any) { d["model"].(map[string]any)["vocab"] = map[string]int{"a": -2} }, "negative"},
	}
	for _, tc := range tests {
		doc := "{not json"
		if tc.edit != nil {
			doc = hfDoc(t, v, false, tc.edit)
		}
		_, err := LoadJSON(strings.NewReader(doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want mention of %q", tc.name, err, tc.want)
		}
	}
}

// TestLoadJSONDeepSeekLLM: a tokenizer.json with DeepSeek-V2's pre-tokenizer
// loads with Pre "deepseek-llm"; a list that differs in one regex is refused.
func TestLoadJSONDeepSeekLLM(t *testing.T) {
	v := testVocab()
	v.Tokens[256], v.Tokens[257] = bosText, eosText
	withPre := func(regexes []string) func(map[string]any) {
		return func(d map[string]any) {
			var pre []any
			for _, re := range regexes {
				pre = append(pre, map[string]any{"type": "Split", "pattern": map[string]any{"Regex": re}, "behavior": "Isolated", "invert": false})
			}
			pre = append(pre, map[string]any{"type": "ByteLevel", "add_prefix_space": false, "use_regex": false})
			d["pre_tokenizer"] = map[string]any{"type": "Sequence", "pretokenizers": pre}
		}
	}
	tok, err := LoadJSON(strings.NewReader(hfDoc(t, v, false, withPre(deepSeekLLMRegexes))))
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Vocab().Pre; got != PreDeepSeekLLM {
		t.Errorf("Pre = %q, want %q", got, PreDeepSeekLLM)
	}
	bad := append([]string(nil), deepSeekLLMRegexes...)
	bad[5] = `\p{N}`
	if _, err := LoadJSON(strings.NewReader(hfDoc(t, v, false, withPre(bad)))); err == nil || !strings.Contains(err.Error(), "pre_tokenizer") {
		t.Errorf("altered regex list: err = %v, want a pre_tokenizer error", err)
	}
}

// TestLLMRegexClasses checks that the character classes of the deepseek-llm
// regexes as LoadJSON spells them hold exactly the runes the scanner's
// tables hold.
func TestLLMRegexClasses(t *testing.T) {
	tests := []struct {
		regex string
		in    func(rune) bool
	}{
		{deepSeekLLMRegexes[1], func(r rune) bool { return unicode.Is(llmCased, r) }},
		{deepSeekLLMRegexes[2], isLLMPunct},
		{deepSeekLLMRegexes[4], isLLMCJK},
	}
	for _, tc := range tests {
		set := parseClass(t, tc.regex)
		fails := 0
		for r := rune(0); r <= 0x2FFFF && fails < 10; r++ {
			if set(r) != tc.in(r) {
				t.Errorf("%.20q...: U+%04X in regex %v, in table %v", tc.regex, r, set(r), tc.in(r))
				fails++
			}
		}
	}
}

// parseClass returns membership in the one bracket class of re, which holds
// only literal runes and ranges.
func parseClass(t *testing.T, re string) func(rune) bool {
	t.Helper()
	lo, hi := strings.IndexByte(re, '['), strings.LastIndexByte(re, ']')
	if lo < 0 || hi < lo {
		t.Fatalf("%q has no class", re)
	}
	rs := []rune(re[lo+1 : hi])
	var ranges [][2]rune
	for i := 0; i < len(rs); i++ {
		if i+2 < len(rs) && rs[i+1] == '-' {
			if rs[i] > rs[i+2] {
				t.Fatalf("%q: descending range %q", re, string(rs[i:i+3]))
			}
			ranges = append(ranges, [2]rune{rs[i], rs[i+2]})
			i += 2
			continue
		}
		ranges = append(ranges, [2]rune{rs[i], rs[i]})
	}
	return func(r rune) bool {
		for _, x := range ranges {
			if r >= x[0] && r <= x[1] {
				return true
			}
		}
		return false
	}
}
