package tokenizer

import (
	"slices"
	"testing"
)

// TestCases checks every shared reference case: exact ids, exact decode.
func TestCases(t *testing.T) {
	tok := sharedTokenizer(t)
	fails := 0
	for i, c := range sharedCases(t) {
		got := tok.Encode(c.Text)
		if !slices.Equal(got, c.IDs) {
			fails++
			t.Errorf("case %d (%s) %q:\n got %v\nwant %v", i, c.Src, trunc(c.Text), got, c.IDs)
		}
		if d := tok.Decode(c.IDs); d != c.Text {
			t.Errorf("case %d (%s): decode = %q, want %q", i, c.Src, trunc(d), trunc(c.Text))
		}
		if fails > 10 {
			t.Fatal("too many failures")
		}
	}
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}
