package tokenizer

import (
	"bufio"
	"encoding/json"
	"github.com/edgemoe/edgemoe/internal/testenv"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

type tokCase struct {
	Src  string  `json:"src"`
	Text string  `json:"text"`
	IDs  []int32 `json:"ids"`
}

func sharedDir(t testing.TB) string {
	t.Helper()
	root := testenv.Shared(t)
	return filepath.Join(root, "tokenizer", "deepseek-v3")
}

var (
	jsonOnce sync.Once
	jsonTok  *Tokenizer
	jsonErr  error
)

// sharedTokenizer loads tokenizer.json once per test binary.
func sharedTokenizer(t testing.TB) *Tokenizer {
	t.Helper()
	dir := sharedDir(t)
	jsonOnce.Do(func() {
		f, err := os.Open(filepath.Join(dir, "tokenizer.json"))
		if err != nil {
			jsonErr = err
			return
		}
		defer f.Close()
		jsonTok, jsonErr = LoadJSON(bufio.NewReader(f))
	})
	if jsonErr != nil {
		t.Fatalf("load tokenizer.json: %v", jsonErr)
	}
	return jsonTok
}

func sharedCases(t testing.TB) []tokCase {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedDir(t), "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []tokCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var c tokCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("cases.jsonl line %d: %v", len(cases)+1, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("cases.jsonl is empty")
	}
	return cases
}
