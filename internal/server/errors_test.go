package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestErrorStatuses drives every error path through a real loopback server
// and checks the status and the OpenAI error body.
func TestErrorStatuses(t *testing.T) {
	_, ts := newTest(t, func(c *Config) { c.APIKey = "sekrit"; c.MaxBodyBytes = 64 << 10 })
	auth := []string{"Authorization", "Bearer sekrit"}
	long := strings.Repeat("mountain ", testCtx+10)
	huge := `{"prompt":"` + strings.Repeat("x", 70<<10) + `"}`
	user := `"messages":[{"role":"user","content":"hi"}]`
	cases := []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		param, code              string
		msgHas                   string
	}{
		{"malformed json", "POST", "/v1/chat/completions", `{"messages":[`, auth, 400, "", "", "malformed JSON"},
		{"not an object", "POST", "/v1/completions", `[1,2]`, auth, 400, "", "", ""},
		{"empty body", "POST", "/v1/completions", ``, auth, 400, "", "", "empty"},
		{"trailing data", "POST", "/v1/completions", `{"prompt":"a"} {}`, auth, 400, "", "", "more than one"},
		{"wrong type", "POST", "/v1/chat/completions", `{` + user + `,"max_tokens":"9"}`, auth, 400, "max_tokens", "", "max_tokens"},
		{"n=2", "POST", "/v1/chat/completions", `{` + user + `,"n":2}`, auth, 400, "n", "", "n=2"},
		{"temperature", "POST", "/v1/chat/completions", `{` + user + `,"temperature":3}`, auth, 400, "temperature", "", ""},
		{"top_p", "POST", "/v1/chat/completions", `{` + user + `,"top_p":1.5}`, auth, 400, "top_p", "", ""},
		{"max_tokens 0", "POST", "/v1/chat/completions", `{` + user + `,"max_tokens":0}`, auth, 400, "max_tokens", "", ""},
		{"penalty range", "POST", "/v1/chat/completions", `{` + user + `,"presence_penalty":9}`, auth, 400, "presence_penalty", "", ""},
		{"five stops", "POST", "/v1/chat/completions", `{` + user + `,"stop":["a","b","c","d","e"]}`, auth, 400, "stop", "", ""},
		{"stop type", "POST", "/v1/chat/completions", `{` + user + `,"stop":7}`, auth, 400, "stop", "", ""},
		{"no messages", "POST", "/v1/chat/completions", `{"messages":[]}`, auth, 400, "messages", "", ""},
		{"bad role", "POST", "/v1/chat/completions", `{"messages":[{"role":"wizard","content":"x"}]}`, auth, 400, "messages[0].role", "", "wizard"},
		{"image part", "POST", "/v1/chat/completions", `{"messages":[{"role":"user","content":[{"type":"image_url"}]}]}`, auth, 400, "messages[0].content", "", ""},
		{"logprobs", "POST", "/v1/chat/completions", `{` + user + `,"logprobs":true}`, auth, 400, "logprobs", "", ""},
		{"stream_options without stream", "POST", "/v1/chat/completions", `{` + user + `,"stream_options":{"include_usage":true}}`, auth, 400, "stream_options", "", ""},
		{"prompt list of two", "POST", "/v1/completions", `{"prompt":["a","b"]}`, auth, 400, "prompt", "", ""},
		{"token prompt", "POST", "/v1/completions", `{"prompt":[1,2,3]}`, auth, 400, "prompt", "", ""},
		{"beyond context", "POST", "/v1/completions", `{"prompt":"` + long + `"}`, auth, 400, "prompt", "context_length_exceeded", "context holds 512"},
		{"chat beyond context", "POST", "/v1/chat/completions", `{"messages":[{"role":"user","content":"` + long + `"}]}`, auth, 400, "messages", "context_length_exceeded", "at most 511"},
		{"oversized body", "POST", "/v1/completions", huge, auth, 413, "", "request_too_large", "65536"},
		{"no key", "POST", "/v1/chat/completions", `{` + user + `}`, nil, 401, "", "invalid_api_key", ""},
		{"wrong key", "POST", "/v1/chat/completions", `{` + user + `}`, []string{"Authorization", "Bearer sekriT"}, 401, "", "invalid_api_key", ""},
		{"key prefix", "POST", "/v1/chat/completions", `{` + user + `}`, []string{"Authorization", "Bearer sekri"}, 401, "", "invalid_api_key", ""},
		{"models needs key", "GET", "/v1/models", ``, nil, 401, "", "invalid_api_key", ""},
		{"unknown model", "POST", "/v1/chat/completions", `{"model":"gpt-4",` + user + `}`, auth, 404, "model", "model_not_found", "gpt-4"},
		{"unknown model object", "GET", "/v1/models/gpt-4", ``, auth, 404, "model", "model_not_found", ""},
		{"wrong method", "GET", "/v1/chat/completions", ``, auth, 405, "", "method_not_allowed", ""},
		{"wrong method on models", "DELETE", "/v1/models", ``, auth, 405, "", "method_not_allowed", ""},
		{"unknown path", "GET", "/v2/chat", ``, auth, 404, "", "unknown_url", ""},
		{"root", "GET", "/", ``, nil, 404, "", "unknown_url", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, c.method, ts.URL+c.path, c.body, c.hdr...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			e := errorBody(t, r)
			if c.param != "" && e["param"] != c.param {
				t.Errorf("param %v, want %q", e["param"], c.param)
			}
			if c.code != "" && e["code"] != c.code {
				t.Errorf("code %v, want %q", e["code"], c.code)
			}
			if msg := e["message"].(string); !strings.Contains(msg, c.msgHas) {
				t.Errorf("message %q lacks %q", msg, c.msgHas)
			}
			if c.status == 405 && r.header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

// TestOversizedChunkedBody is the 413 of a body without Content-Length,
// caught by http.MaxBytesReader while decoding.
func TestOversizedChunkedBody(t *testing.T) {
	_, ts := newTest(t, func(c *Config) { c.MaxBodyBytes = 1 << 10 })
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"prompt":"` + strings.Repeat("y", 4<<10) + `"}`))
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", ts.URL+"/v1/completions", pr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
}

func TestProbesAndModels(t *testing.T) {
	s, err := New(Config{Model: tinyModel, ModelID: "tiny", APIKey: "k", Context: testCtx})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ts := srv.URL
	if r := do(t, "GET", ts+"/healthz", ""); r.status != 200 {
		t.Errorf("healthz before warm-up: %d", r.status)
	}
	if r := do(t, "GET", ts+"/readyz", ""); r.status != 503 {
		t.Errorf("readyz before warm-up: %d", r.status)
	}
	r := do(t, "POST", ts+"/v1/completions", `{"prompt":"a"}`, "Authorization", "Bearer k")
	if r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Errorf("generation before warm-up: %d %v", r.status, r.header)
	}
	if err := s.Warm(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r := do(t, "GET", ts+"/readyz", ""); r.status != 200 {
		t.Errorf("readyz after warm-up: %d", r.status)
	}
	r = do(t, "GET", ts+"/v1/models", "", "Authorization", "bearer k")
	if r.status != 200 || !strings.Contains(string(r.body), `"id":"tiny"`) || !strings.Contains(string(r.body), `"object":"list"`) {
		t.Errorf("models: %d %s", r.status, r.body)
	}
	if r := do(t, "GET", ts+"/v1/models/tiny", "", "Authorization", "Bearer k"); r.status != 200 {
		t.Errorf("model object: %d %s", r.status, r.body)
	}
	s.Drain()
	if r := do(t, "GET", ts+"/readyz", ""); r.status != 503 || !strings.Contains(string(r.body), "draining") {
		t.Errorf("readyz while draining: %d %s", r.status, r.body)
	}
	if r := do(t, "GET", ts+"/healthz", ""); r.status != 200 {
		t.Errorf("healthz while draining: %d", r.status)
	}
}

func TestNewRejectsIncompleteConfig(t *testing.T) {
	for _, c := range []Config{{}, {Model: tinyModel}, {ModelID: "x"}} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) accepted", c)
		}
	}
}
