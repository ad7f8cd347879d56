package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/synth"
	"github.com/edgemoe/edgemoe/internal/tensor"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

// The tests share one tiny synthetic model (real DeepSeek-V3 vocabulary),
// written once; each test builds its own Server (own session, queue and
// metrics) over it.
var (
	testDir   string
	tinyPath  string
	tinyModel *edge.Model
)

const testCtx = 512

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "edgemoe-server-test-")
	testDir = dir
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		tinyPath = filepath.Join(dir, "tiny.gguf")
		if err := writeTinyModel(tinyPath); err != nil {
			fmt.Fprintln(os.Stderr, "write tiny model:", err)
			return 1
		}
		if tinyModel, err = edge.Open(tinyPath, edge.Config{Context: testCtx}); err != nil {
			fmt.Fprintln(os.Stderr, "open tiny model:", err)
			return 1
		}
		defer tinyModel.Close()
		return m.Run()
	}()
	os.Exit(code)
}

func writeTinyModel(path string) error {
	s, err := synth.Lookup("tiny")
	if err != nil {
		return err
	}
	tok, err := tokenizer.DeepSeekV3()
	if err != nil {
		return err
	}
	v := tok.Vocab()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = synth.Write(f, synth.Options{Shape: s, Type: tensor.Q4_K, Seed: 1, VocabSize: 129280,
		Vocab: synth.Vocab{Tokens: v.Tokens, Types: v.Types, Merges: v.Merges, BOS: v.BOS, EOS: v.EOS, Pre: "deepseek-v3"}})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// newTest starts a warm Server for the tiny model on a loopback listener.
func newTest(t *testing.T, edit func(*Config)) (*Server, *httptest.Server) {
	t.Helper()
	cfg := Config{Model: tinyModel, ModelID: "tiny", Context: testCtx}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url, body string, hdr ...string) result {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{resp.StatusCode, resp.Header, b}
}

func post(t *testing.T, url, body string) result { return do(t, "POST", url, body) }

// errorBody checks the OpenAI error shape and returns the error object.
func errorBody(t *testing.T, r result) map[string]any {
	t.Helper()
	var e struct {
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error == nil {
		t.Fatalf("status %d: body is not an OpenAI error: %s", r.status, r.body)
	}
	for _, k := range []string{"message", "type", "param", "code"} {
		if _, ok := e.Error[k]; !ok {
			t.Errorf("error object lacks %q: %s", k, r.body)
		}
	}
	if m, _ := e.Error["message"].(string); m == "" {
		t.Errorf("empty error message: %s", r.body)
	}
	return e.Error
}

// sseEvents splits a text/event-stream body into its data payloads,
// checking the framing: every event is "data: ...\n\n".
func sseEvents(t *testing.T, body []byte) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	expectBlank := false
	for sc.Scan() {
		line := sc.Text()
		if expectBlank {
			if line != "" {
				t.Fatalf("event not followed by a blank line: %q", line)
			}
			expectBlank = false
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("line is not a data field: %q", line)
		}
		out = append(out, data)
		expectBlank = true
	}
	if expectBlank {
		t.Fatal("stream ends without the blank line after its last event")
	}
	return out
}

// chunk is the union of chat and text completion chunks.
type chunk struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Model   string `json:"model"`
	Choices []struct {
		Index int `json:"index"`
		Delta *struct {
			Role    *string `json:"role"`
			Content *string `json:"content"`
		} `json:"delta"`
		Message *struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"message"`
		Text         *string `json:"text"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens        int `json:"prompt_tokens"`
		CompletionTokens    int `json:"completion_tokens"`
		TotalTokens         int `json:"total_tokens"`
		PromptTokensDetails struct {
			CachedTokens int `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
	} `json:"usage"`
}

func decodeChunk(t *testing.T, s string) chunk {
	t.Helper()
	var c chunk
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		t.Fatalf("chunk %q: %v", s, err)
	}
	return c
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
