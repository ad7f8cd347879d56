package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/sample"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

// direct generates on a fresh session the way edgemoe run does (chat
// template for one user message, or --raw), for the reference text.
func direct(t *testing.T, prompt string, raw bool, n int, p sample.Params) string {
	t.Helper()
	tok, _ := tinyModel.Tokenizer()
	var ids []int32
	if raw {
		ids = append([]int32{tok.BOS()}, tok.Encode(prompt)...)
	} else {
		tmpl, _ := tinyModel.ChatTemplate()
		text, err := tmpl.Render([]tokenizer.Message{{Role: "user", Content: prompt}}, true)
		if err != nil {
			t.Fatal(err)
		}
		ids = tok.EncodeWithSpecial(text, true)
	}
	var b strings.Builder
	dec := tok.NewDecoder()
	_, err := tinyModel.NewChatSession(testCtx).Generate(context.Background(), ids,
		edge.GenerateOptions{MaxTokens: n, Sampling: p}, func(t int32) bool {
			if t != tok.EOS() {
				b.WriteString(dec.Push(t))
			}
			return true
		})
	if err != nil {
		t.Fatal(err)
	}
	return b.String() + dec.Flush()
}

func runParams(temp, topP float32, seed uint64) sample.Params {
	return sample.Params{Temp: temp, TopK: 40, TopP: topP, MinP: 0.05, RepeatPenalty: 1, RepeatLastN: 64, Seed: seed}
}

// streamText reads a stream and returns the content, finish reason, usage
// chunk (if any), checking the chunk sequence of the OpenAI API.
func streamText(t *testing.T, body []byte, chat bool) (string, string, *chunk) {
	t.Helper()
	events := sseEvents(t, body)
	if len(events) < 3 || events[len(events)-1] != "[DONE]" {
		t.Fatalf("stream does not end with [DONE]: %q", events)
	}
	var text strings.Builder
	var finish string
	var usage *chunk
	wantObject := "text_completion"
	if chat {
		wantObject = "chat.completion.chunk"
	}
	var id string
	for i, e := range events[:len(events)-1] {
		c := decodeChunk(t, e)
		if c.Object != wantObject || c.Model != "tiny" {
			t.Fatalf("chunk %d: object %q model %q", i, c.Object, c.Model)
		}
		if id == "" {
			id = c.ID
		} else if c.ID != id {
			t.Fatalf("chunk %d: id %q, first was %q", i, c.ID, id)
		}
		if finish != "" && c.Usage == nil {
			t.Fatalf("chunk %d after the finish chunk: %s", i, e)
		}
		if c.Usage != nil {
			if len(c.Choices) != 0 || i != len(events)-2 {
				t.Fatalf("usage chunk %d must be last with no choices: %s", i, e)
			}
			usage = &c
			continue
		}
		if len(c.Choices) != 1 || c.Choices[0].Index != 0 {
			t.Fatalf("chunk %d: %d choices", i, len(c.Choices))
		}
		ch := c.Choices[0]
		if chat && i == 0 && (ch.Delta == nil || ch.Delta.Role == nil || *ch.Delta.Role != "assistant") {
			t.Fatalf("first chat chunk lacks the assistant role: %s", e)
		}
		if chat && i > 0 && ch.Delta != nil && ch.Delta.Role != nil {
			t.Fatalf("role repeated in chunk %d", i)
		}
		switch {
		case chat && ch.Delta != nil && ch.Delta.Content != nil:
			text.WriteString(*ch.Delta.Content)
		case !chat && ch.Text != nil:
			text.WriteString(*ch.Text)
		case chat && ch.Delta == nil:
			t.Fatalf("chat chunk %d without delta: %s", i, e)
		}
		if ch.FinishReason != nil {
			finish = *ch.FinishReason
		}
	}
	if finish == "" {
		t.Fatal("no chunk carried a finish_reason")
	}
	return text.String(), finish, usage
}

// TestMatchesRun checks that chat and text completions, streamed or not,
// give the text a fresh session gives for the same prompt, parameters and
// seed (what edgemoe run prints), even though the server's session reuses
// cached prefixes between the requests.
func TestMatchesRun(t *testing.T) {
	_, ts := newTest(t, nil)
	const prompt, n = "Tell me about the mountains of the moon.", 12
	want := direct(t, prompt, false, n, runParams(0.7, 0.95, 42))
	wantRaw := direct(t, prompt, true, n, runParams(0.7, 0.95, 42))
	if want == "" || wantRaw == "" || want == wantRaw {
		t.Fatalf("degenerate references %q / %q", want, wantRaw)
	}
	chat := fmt.Sprintf(`{"model":"tiny","messages":[{"role":"user","content":%q}],"temperature":0.7,"top_p":0.95,"seed":42,"max_tokens":%d`, prompt, n)
	r := post(t, ts.URL+"/v1/chat/completions", chat+`}`)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	c := decodeChunk(t, string(r.body))
	if c.Object != "chat.completion" || len(c.Choices) != 1 || c.Choices[0].Message == nil {
		t.Fatalf("response shape: %s", r.body)
	}
	if got := c.Choices[0].Message.Content; got != want {
		t.Errorf("chat text %q, want %q", got, want)
	}
	if c.Choices[0].Message.Role != "assistant" || *c.Choices[0].FinishReason != "length" {
		t.Errorf("message %+v finish %v", c.Choices[0].Message, *c.Choices[0].FinishReason)
	}
	if u := c.Usage; u == nil || u.CompletionTokens != n || u.TotalTokens != u.PromptTokens+n {
		t.Errorf("usage %+v", c.Usage)
	}

	r = post(t, ts.URL+"/v1/chat/completions", chat+`,"stream":true,"stream_options":{"include_usage":true}}`)
	if r.status != 200 || r.header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("%d %v %s", r.status, r.header, r.body)
	}
	text, finish, u := streamText(t, r.body, true)
	if text != want || finish != "length" {
		t.Errorf("streamed chat %q (%s), want %q", text, finish, want)
	}
	if u == nil || u.Usage.CompletionTokens != n || u.Usage.PromptTokensDetails.CachedTokens != u.Usage.PromptTokens-1 {
		t.Errorf("usage chunk %+v: the repeated prompt should be cached but for its last token", u)
	}

	comp := fmt.Sprintf(`{"model":"tiny","prompt":%q,"temperature":0.7,"top_p":0.95,"top_k":40,"min_p":0.05,"seed":42,"max_tokens":%d`, prompt, n)
	r = post(t, ts.URL+"/v1/completions", comp+`}`)
	c = decodeChunk(t, string(r.body))
	if r.status != 200 || c.Object != "text_completion" || len(c.Choices) != 1 || c.Choices[0].Text == nil {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if *c.Choices[0].Text != wantRaw {
		t.Errorf("completion %q, want %q", *c.Choices[0].Text, wantRaw)
	}
	r = post(t, ts.URL+"/v1/completions", comp+`,"stream":true}`)
	if text, _, u := streamText(t, r.body, false); text != wantRaw || u != nil {
		t.Errorf("streamed completion %q (usage %v), want %q", text, u, wantRaw)
	}
	// A prompt given as a list of one string is the same prompt.
	r = post(t, ts.URL+"/v1/completions", strings.Replace(comp, fmt.Sprintf("%q", prompt), fmt.Sprintf("[%q]", prompt), 1)+`}`)
	if c := decodeChunk(t, string(r.body)); r.status != 200 || *c.Choices[0].Text != wantRaw {
		t.Errorf("list prompt: %d %s", r.status, r.body)
	}
}

// TestStopSequence ends the text before a stop string, with finish_reason
// stop, streamed and not.
func TestStopSequence(t *testing.T) {
	_, ts := newTest(t, nil)
	full := direct(t, "Hello", true, 30, runParams(0, 1, 0))
	// Stop at a piece of the greedy text past its start.
	words := strings.Fields(full)
	if len(words) < 4 {
		t.Fatalf("greedy text too short: %q", full)
	}
	stop := words[2]
	want := full[:strings.Index(full, stop)]
	body := fmt.Sprintf(`{"prompt":"Hello","temperature":0,"max_tokens":30,"stop":[%q,"\u0000never"]`, stop)
	r := post(t, ts.URL+"/v1/completions", body+`}`)
	c := decodeChunk(t, string(r.body))
	if r.status != 200 || *c.Choices[0].Text != want || *c.Choices[0].FinishReason != "stop" {
		t.Errorf("got %q (%v), want %q stop: %s", *c.Choices[0].Text, *c.Choices[0].FinishReason, want, r.body)
	}
	r = post(t, ts.URL+"/v1/completions", body+`,"stream":true}`)
	if text, finish, _ := streamText(t, r.body, false); text != want || finish != "stop" {
		t.Errorf("streamed %q (%s), want %q", text, finish, want)
	}
}

// TestPrefixReuse: the second turn of a conversation reuses the KV of the
// first turn's prompt and reports it as cached tokens.
func TestPrefixReuse(t *testing.T) {
	_, ts := newTest(t, nil)
	turn1 := `{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Name a mountain."}],"max_tokens":8,"seed":1}`
	r := post(t, ts.URL+"/v1/chat/completions", turn1)
	c1 := decodeChunk(t, string(r.body))
	if r.status != 200 || c1.Usage == nil {
		t.Fatalf("%d %s", r.status, r.body)
	}
	reply, _ := json.Marshal(c1.Choices[0].Message.Content)
	turn2 := `{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Name a mountain."},` +
		`{"role":"assistant","content":` + string(reply) + `},{"role":"user","content":"Another?"}],"max_tokens":4,"seed":1}`
	r = post(t, ts.URL+"/v1/chat/completions", turn2)
	c2 := decodeChunk(t, string(r.body))
	if r.status != 200 || c2.Usage == nil {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if got := c2.Usage.PromptTokensDetails.CachedTokens; got < c1.Usage.PromptTokens {
		t.Errorf("turn 2 reused %d cached tokens; turn 1's prompt alone has %d", got, c1.Usage.PromptTokens)
	}
	if c2.Usage.PromptTokens <= c1.Usage.PromptTokens+c1.Usage.CompletionTokens-1 {
		t.Errorf("turn 2 prompt %d tokens is not longer than turn 1's conversation", c2.Usage.PromptTokens)
	}
}

// TestCancelFreesSlot: a client that goes away mid-stream stops its
// generation; the slot is free for the next request at once.
func TestCancelFreesSlot(t *testing.T) {
	s, ts := newTest(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/v1/chat/completions",
		strings.NewReader(`{"messages":[{"role":"user","content":"Talk."}],"stream":true,"max_tokens":400,"temperature":0}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	for events := 0; events < 3; {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, "data: ") {
			events++
		}
	}
	if run, _ := s.Busy(); run != 1 {
		t.Fatalf("%d generations running mid-stream", run)
	}
	cancel()
	resp.Body.Close()
	waitFor(t, "the cancelled generation to end", func() bool { run, _ := s.Busy(); return run == 0 })
	r := post(t, ts.URL+"/v1/completions", `{"prompt":"Hi","max_tokens":2}`)
	if r.status != 200 {
		t.Fatalf("after cancel: %d %s", r.status, r.body)
	}
	m := scrape(t, ts.URL)
	if !strings.Contains(m, `edgemoe_generations_total{reason="cancelled"} 1`) ||
		!strings.Contains(m, `edgemoe_http_requests_total{code="499",endpoint="/v1/chat/completions"} 1`) {
		t.Errorf("cancel not counted:\n%s", grep(m, "edgemoe_generations_total", "edgemoe_http_requests_total"))
	}
}

// TestQueueFull: with the slot taken and max-queue requests waiting, the
// next request is refused 429 with Retry-After; the waiting one is served.
func TestQueueFull(t *testing.T) {
	s, ts := newTest(t, func(c *Config) { c.MaxQueue = 1 })
	if err := s.gate.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	waited := make(chan result, 1)
	go func() { waited <- post(t, ts.URL+"/v1/completions", `{"prompt":"Hi","max_tokens":2}`) }()
	waitFor(t, "a request to queue", func() bool { return s.gate.depth() == 1 })
	if m := scrape(t, ts.URL); !strings.Contains(m, "edgemoe_queue_depth 1") || !strings.Contains(m, "edgemoe_requests_in_flight 1") {
		t.Errorf("queue gauges:\n%s", grep(m, "edgemoe_queue_depth", "edgemoe_requests_in_flight"))
	}
	r := post(t, ts.URL+"/v1/chat/completions", `{"messages":[{"role":"user","content":"x"}],"stream":true}`)
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Fatalf("full queue: %d %v %s", r.status, r.header, r.body)
	}
	if e := errorBody(t, r); e["code"] != "queue_full" {
		t.Errorf("code %v", e["code"])
	}
	s.gate.release()
	if r := <-waited; r.status != 200 {
		t.Errorf("queued request: %d %s", r.status, r.body)
	}
}

// TestRequestTimeout: the deadline ends a request waiting in the queue
// (504) and a stream mid-generation (an error event, no [DONE]).
func TestRequestTimeout(t *testing.T) {
	s, ts := newTest(t, func(c *Config) { c.RequestTimeout = 300e6 })
	if err := s.gate.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := post(t, ts.URL+"/v1/completions", `{"prompt":"Hi"}`)
	s.gate.release()
	if r.status != 504 || !strings.Contains(string(r.body), "queue") {
		t.Errorf("queued past the deadline: %d %s", r.status, r.body)
	}
	r = post(t, ts.URL+"/v1/chat/completions", `{"messages":[{"role":"user","content":"Talk."}],"stream":true,"max_tokens":5000,"temperature":0}`)
	events := sseEvents(t, r.body)
	last := events[len(events)-1]
	if r.status != 200 || !strings.Contains(last, `"error"`) || !strings.Contains(last, "request_timeout") {
		t.Errorf("stream past the deadline ends with %q", last)
	}
	r = post(t, ts.URL+"/v1/chat/completions", `{"messages":[{"role":"user","content":"Talk."}],"max_tokens":5000,"temperature":0}`)
	if r.status != 504 {
		t.Errorf("non-streamed past the deadline: %d %s", r.status, r.body)
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	r := do(t, "GET", url+"/metrics", "")
	if r.status != 200 {
		t.Fatalf("metrics: %d", r.status)
	}
	return string(r.body)
}

func grep(text string, prefixes ...string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return strings.Join(out, "\n")
}

// TestMetrics: the series exist after a generation; paging series appear
// only with a Paging source.
func TestMetrics(t *testing.T) {
	_, ts := newTest(t, nil)
	post(t, ts.URL+"/v1/completions", `{"prompt":"Hi","max_tokens":3}`)
	m := scrape(t, ts.URL)
	for _, want := range []string{
		`edgemoe_http_requests_total{code="200",endpoint="/v1/completions"} 1`,
		"edgemoe_prompt_tokens_total 2", "edgemoe_generated_tokens_total 3",
		"edgemoe_time_to_first_token_seconds_count 1", "edgemoe_token_latency_seconds_count 2",
		"edgemoe_queue_depth 0", "edgemoe_requests_in_flight 0", "edgemoe_ready 1",
		`edgemoe_model_info{model="tiny"} 1`, "go_goroutines", "process_resident_memory_bytes",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(m, "edgemoe_expert_cache_hits_total") {
		t.Error("paging series without a Paging source")
	}
	_, ts = newTest(t, func(c *Config) {
		c.Paging = func() Paging {
			return Paging{Hits: 7, Budget: 1 << 30, Precision: 0.5, PrefetchOffTokens: 24, PrefetchDecisions: 1}
		}
	})
	m = scrape(t, ts.URL)
	for _, want := range []string{"edgemoe_expert_cache_hits_total 7", "edgemoe_memory_budget_bytes 1.073741824e+09", "edgemoe_prefetch_precision_ratio 0.5",
		"edgemoe_prefetch_off_tokens_total 24", "edgemoe_prefetch_decisions_total 1"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
