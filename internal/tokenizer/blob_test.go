package tokenizer

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// TestGenerateBlob writes data/deepseek-v3.bin.gz from the shared
// tokenizer.json. Run with
//
//	EDGEMOE_WRITE_BLOB=1 EDGEMOE_SHARED=/work/shared go test -run TestGenerateBlob ./internal/tokenizer/
func TestGenerateBlob(t *testing.T) {
	if os.Getenv("EDGEMOE_WRITE_BLOB") != "1" {
		t.Skip("set EDGEMOE_WRITE_BLOB=1 to regenerate data/deepseek-v3.bin.gz")
	}
	tok := sharedTokenizer(t)
	var buf bytes.Buffer
	if err := WriteBlob(&buf, tok.Vocab()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("data", "deepseek-v3.bin.gz"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d bytes", buf.Len())
}

// TestEmbeddedBlobMatchesJSON proves the embedded vocabulary is exactly
// what tokenizer.json describes.
func TestEmbeddedBlobMatchesJSON(t *testing.T) {
	want := sharedTokenizer(t).Vocab()
	got, err := DeepSeekV3Vocab()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("embedded vocabulary differs from tokenizer.json (tokens %d/%d, merges %d/%d)",
			len(got.Tokens), len(want.Tokens), len(got.Merges), len(want.Merges))
	}
	tok, err := DeepSeekV3()
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := DeepSeekV3(); again != tok {
		t.Error("DeepSeekV3 returned a different tokenizer on the second call")
	}
	for _, c := range sharedCases(t)[:20] {
		if got := tok.Encode(c.Text); !slices.Equal(got, c.IDs) {
			t.Errorf("embedded tokenizer: %q -> %v, want %v", c.Text, got, c.IDs)
		}
	}
}

// TestEmbeddedDeepSeekV3 needs no shared data: the embedded tokenizer loads
// and round-trips text.
func TestEmbeddedDeepSeekV3(t *testing.T) {
	tok, err := DeepSeekV3()
	if err != nil {
		t.Fatal(err)
	}
	if tok.VocabSize() != 128815 || tok.BOS() != 0 || tok.EOS() != 1 || !tok.AddBOS() {
		t.Fatalf("vocab %d bos %d eos %d addBOS %v", tok.VocabSize(), tok.BOS(), tok.EOS(), tok.AddBOS())
	}
	// Ids from the shared reference cases ("Hello, my dog is cute").
	want := []int32{19923, 14, 1026, 6397, 344, 33125}
	if got := tok.Encode("Hello, my dog is cute"); !slices.Equal(got, want) {
		t.Errorf("Encode = %v, want %v", got, want)
	}
	for _, s := range []string{"héllo wörld 中文 🙂", "<｜User｜>hi<｜Assistant｜>", "  \n\t x"} {
		if got := tok.Decode(tok.Encode(s)); got != s {
			t.Errorf("round trip %q -> %q", s, got)
		}
	}
}

func TestBlobRoundTrip(t *testing.T) {
	v := testVocab()
	var buf bytes.Buffer
	if err := WriteBlob(&buf, v); err != nil {
		t.Fatal(err)
	}
	got, err := ReadBlob(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, v)
	}
	// Every truncation fails cleanly.
	for n := 0; n < buf.Len(); n += 7 {
		if _, err := ReadBlob(bytes.NewReader(buf.Bytes()[:n])); err == nil {
			t.Fatalf("truncated blob (%d of %d bytes) read without error", n, buf.Len())
		}
	}
}
