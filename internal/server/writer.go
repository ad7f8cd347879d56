package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

// Response shapes of the OpenAI API.
type (
	response struct {
		ID                string   `json:"id"`
		Object            string   `json:"object"`
		Created           int64    `json:"created"`
		Model             string   `json:"model"`
		SystemFingerprint string   `json:"system_fingerprint"`
		Choices           []choice `json:"choices"`
		Usage             *usage   `json:"usage,omitempty"`
	}
	choice struct {
		Index        int       `json:"index"`
		Message      *chatMsg  `json:"message,omitempty"`
		Delta        *chatMsg  `json:"delta,omitempty"`
		Text         *string   `json:"text,omitempty"`
		Logprobs     *struct{} `json:"logprobs"`
		FinishReason *string   `json:"finish_reason"`
	}
	chatMsg struct {
		Role    string  `json:"role,omitempty"`
		Content *string `json:"content,omitempty"`
	}
	usage struct {
		PromptTokens        int `json:"prompt_tokens"`
		CompletionTokens    int `json:"completion_tokens"`
		TotalTokens         int `json:"total_tokens"`
		PromptTokensDetails struct {
			CachedTokens int `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
	}
)

const fingerprint = "edgemoe"

// writer turns generated tokens into the response: SSE chunks as they come
// (stream) or one JSON object at the end. It skips the EOS token's text,
// holds back incomplete characters and possible stop-sequence starts. Not
// safe for concurrent use.
type writer struct {
	w       http.ResponseWriter
	s       *Server
	j       *job
	dec     *tokenizer.StreamDecoder
	stop    stopMatcher
	text    strings.Builder // non-streaming: the whole completion
	created int64
	eos     int32
	n       int
	last    time.Time
	started bool // stream: headers sent
	failed  bool // a write to the client failed
	stopped bool // a stop sequence ended the text
}

func newWriter(w http.ResponseWriter, s *Server, j *job) *writer {
	out := &writer{w: w, s: s, j: j, dec: s.tok.NewDecoder(), stop: stopMatcher{stops: j.stops},
		created: time.Now().Unix(), eos: s.tok.EOS()}
	if j.stream {
		out.startStream()
	}
	return out
}

func (o *writer) object() string {
	switch {
	case !o.j.chat:
		return "text_completion"
	case o.j.stream:
		return "chat.completion.chunk"
	}
	return "chat.completion"
}

func (o *writer) response(choices ...choice) *response {
	return &response{ID: o.j.id, Object: o.object(), Created: o.created, Model: o.s.cfg.ModelID,
		SystemFingerprint: fingerprint, Choices: choices}
}

// emit is Generate's callback: false stops the generation.
func (o *writer) emit(t int32) bool {
	now := time.Now()
	if o.n == 0 {
		o.s.met.ttft.Observe(now.Sub(o.j.start).Seconds())
	} else {
		o.s.met.tokenLatency.Observe(now.Sub(o.last).Seconds())
	}
	o.last = now
	o.n++
	if t == o.eos {
		return true
	}
	return o.push(o.dec.Push(t))
}

// push passes text through the stop matcher to the client.
func (o *writer) push(text string) bool {
	out, hit := o.stop.push(text)
	o.send(out)
	if hit {
		o.stopped = true
	}
	return !hit && !o.failed
}

// flushText emits what the decoder and the stop matcher hold back.
func (o *writer) flushText() {
	if o.stopped || o.failed {
		return
	}
	if o.push(o.dec.Flush()) {
		o.send(o.stop.flush())
	}
}

func (o *writer) send(text string) {
	if text == "" {
		return
	}
	if !o.j.stream {
		o.text.WriteString(text)
		return
	}
	c := choice{}
	if o.j.chat {
		c.Delta = &chatMsg{Content: &text}
	} else {
		c.Text = &text
	}
	o.event(o.response(c))
}

// finishReason maps the generation's end to OpenAI's finish_reason.
func (o *writer) finishReason(st edge.Stats) string {
	if o.stopped || st.StopReason == "eos" {
		return "stop"
	}
	return "length"
}

// finish writes the end of a successful response.
func (o *writer) finish(reason string, st edge.Stats) {
	u := &usage{PromptTokens: st.PromptTokens, CompletionTokens: st.GeneratedTokens,
		TotalTokens: st.PromptTokens + st.GeneratedTokens}
	u.PromptTokensDetails.CachedTokens = st.CachedTokens
	if !o.j.stream {
		text := o.text.String()
		c := choice{FinishReason: &reason}
		if o.j.chat {
			c.Message = &chatMsg{Role: "assistant", Content: &text}
		} else {
			c.Text = &text
		}
		resp := o.response(c)
		resp.Usage = u
		writeJSON(o.w, http.StatusOK, resp)
		return
	}
	c := choice{FinishReason: &reason}
	if o.j.chat {
		c.Delta = &chatMsg{}
	} else {
		empty := ""
		c.Text = &empty
	}
	o.event(o.response(c))
	if o.j.includeUsage {
		resp := o.response()
		resp.Choices = []choice{}
		resp.Usage = u
		o.event(resp)
	}
	o.raw("data: [DONE]\n\n")
}

// fail reports an error: as the response when nothing was sent yet, else
// as a final error event (no [DONE]) the OpenAI clients raise.
func (o *writer) fail(e *apiError) {
	if !o.started {
		writeError(o.w, e)
		return
	}
	o.event(struct {
		Error *apiError `json:"error"`
	}{e})
}

func (o *writer) startStream() {
	h := o.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	o.w.WriteHeader(http.StatusOK)
	o.started = true
	if o.j.chat {
		empty := ""
		o.event(o.response(choice{Delta: &chatMsg{Role: "assistant", Content: &empty}}))
	} else if f, ok := o.w.(http.Flusher); ok {
		f.Flush()
	}
}

func (o *writer) event(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		o.failed = true
		return
	}
	o.raw("data: " + string(b) + "\n\n")
}

func (o *writer) raw(s string) {
	if o.failed {
		return
	}
	if _, err := o.w.Write([]byte(s)); err != nil {
		o.failed = true
		return
	}
	if f, ok := o.w.(http.Flusher); ok {
		f.Flush()
	}
}
