package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

// job is one validated generation request.
type job struct {
	chat         bool
	id           string
	ids          []int32
	opts         edge.GenerateOptions
	stops        []string
	stream       bool
	includeUsage bool
	start        time.Time
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) { s.handleGenerate(w, r, true) }
func (s *Server) handleCompletion(w http.ResponseWriter, r *http.Request) {
	s.handleGenerate(w, r, false)
}

func (s *Server) handleGenerate(w http.ResponseWriter, r *http.Request, chat bool) {
	start := time.Now()
	var q request
	if aerr := decodeBody(w, r, s.cfg.MaxBodyBytes, &q); aerr != nil {
		writeError(w, aerr)
		return
	}
	j, aerr := s.prepare(&q, chat)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	j.start = start
	s.run(w, r, j)
}

// prepare validates q and turns it into a job; it tokenizes the prompt and
// checks it against the context before the request queues.
func (s *Server) prepare(q *request, chat bool) (*job, *apiError) {
	if q.Model != "" && q.Model != s.cfg.ModelID {
		return nil, s.unknownModel(q.Model)
	}
	if aerr := q.refuseUnsupported(); aerr != nil {
		return nil, aerr
	}
	j := &job{chat: chat, stream: q.Stream, includeUsage: q.StreamOptions != nil && q.StreamOptions.IncludeUsage}
	if q.StreamOptions != nil && !q.Stream {
		return nil, badRequest("stream_options", "stream_options is only allowed with stream: true")
	}
	var aerr *apiError
	if j.opts.Sampling, aerr = q.sampling(); aerr != nil {
		return nil, aerr
	}
	if j.stops, aerr = q.stops(); aerr != nil {
		return nil, aerr
	}
	maxTok, aerr := q.maxTokens()
	if aerr != nil {
		return nil, aerr
	}
	if chat {
		j.ids, aerr = s.chatPrompt(q.Messages)
	} else {
		j.ids, aerr = s.completionPrompt(q.Prompt)
	}
	if aerr != nil {
		return nil, aerr
	}
	ctxLen := s.sess.Context()
	if len(j.ids) >= ctxLen {
		e := badRequest("messages", "the prompt has %d tokens but the context holds %d (at most %d prompt tokens, leaving room for 1 generated token); shorten the prompt or start the server with a larger --ctx",
			len(j.ids), ctxLen, ctxLen-1)
		if !chat {
			e.Param = strp("prompt")
		}
		e.Code = strp("context_length_exceeded")
		return nil, e
	}
	room := ctxLen - len(j.ids)
	switch {
	case maxTok > 0:
		j.opts.MaxTokens = min(maxTok, room)
	case chat:
		j.opts.MaxTokens = room
	default:
		j.opts.MaxTokens = min(DefaultCompletionTokens, room)
	}
	prefix := "cmpl-"
	if chat {
		prefix = "chatcmpl-"
	}
	j.id = fmt.Sprintf("%s%x%06d", prefix, s.created, s.seq.Add(1))
	return j, nil
}

// chatPrompt renders messages with the model's chat template and the
// assistant prefix, exactly as edgemoe run does for its one user message.
func (s *Server) chatPrompt(msgs []message) ([]int32, *apiError) {
	if len(msgs) == 0 {
		return nil, badRequest("messages", "messages must hold at least one message")
	}
	conv := make([]tokenizer.Message, len(msgs))
	for i, m := range msgs {
		text, aerr := m.content(i)
		if aerr != nil {
			return nil, aerr
		}
		role := m.Role
		switch role {
		case "developer":
			role = "system"
		case "system", "user", "assistant", "tool":
		default:
			return nil, badRequest(fmt.Sprintf("messages[%d].role", i), "messages[%d]: unknown role %q (system, developer, user, assistant, tool)", i, m.Role)
		}
		conv[i] = tokenizer.Message{Role: role, Content: text}
	}
	text, err := s.tmpl.Render(conv, true)
	if err != nil {
		return nil, badRequest("messages", "%v", err)
	}
	return s.tok.EncodeWithSpecial(text, true), nil
}

// completionPrompt tokenizes a raw prompt as edgemoe run --raw does.
func (s *Server) completionPrompt(raw []byte) ([]int32, *apiError) {
	list, aerr := stringOrList(raw, "prompt")
	if aerr != nil {
		return nil, aerr
	}
	if len(list) != 1 {
		return nil, badRequest("prompt", "prompt must be a string or a list of exactly one string (got %d)", len(list))
	}
	ids, err := s.encodeRaw(list[0])
	if err != nil {
		return nil, badRequest("prompt", "%v", err)
	}
	return ids, nil
}

func (s *Server) encodeRaw(text string) ([]int32, error) {
	ids := s.tok.Encode(text)
	if s.tok.AddBOS() && s.tok.BOS() >= 0 {
		ids = append([]int32{s.tok.BOS()}, ids...)
	}
	if len(ids) == 0 {
		return nil, errors.New("the prompt is empty")
	}
	return ids, nil
}

// run queues j, generates and writes the response.
func (s *Server) run(w http.ResponseWriter, r *http.Request, j *job) {
	rec, _ := w.(*recorder)
	if !s.ready.Load() {
		e := newError(http.StatusServiceUnavailable, "server_error", "model_loading", "the model is still loading")
		e.RetryAfter = 1
		writeError(w, e)
		return
	}
	ctx := r.Context()
	if s.cfg.RequestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.cfg.RequestTimeout-time.Since(j.start))
		defer cancel()
	}
	if err := s.gate.acquire(ctx); err != nil {
		switch {
		case errors.Is(err, errQueueFull):
			e := newError(http.StatusTooManyRequests, "rate_limit_error", "queue_full",
				"the server is busy: %d requests are already waiting for the model; retry later", s.cfg.MaxQueue)
			e.RetryAfter = 1
			writeError(w, e)
		case r.Context().Err() != nil:
			if rec != nil {
				rec.gone = true
			}
		default:
			writeError(w, s.timeoutError("waiting in the queue"))
		}
		return
	}
	defer s.gate.release()
	out := newWriter(w, s, j)
	st, err := s.sess.Generate(ctx, j.ids, j.opts, out.emit)
	s.met.promptTokens.Add(float64(st.PromptTokens))
	s.met.cachedTokens.Add(float64(st.CachedTokens))
	s.met.genTokens.Add(float64(st.GeneratedTokens))
	reason := ""
	switch {
	case r.Context().Err() != nil || out.failed:
		reason = "cancelled"
		if rec != nil {
			rec.gone = true
		}
	case err != nil:
		reason = "error"
		s.log.Error("generation failed", "id", j.id, "err", err)
		out.fail(newError(http.StatusInternalServerError, "server_error", "generation_failed", "generation failed: %v", err))
	case ctx.Err() != nil:
		reason = "timeout"
		out.fail(s.timeoutError("generating"))
	default:
		out.flushText()
		reason = out.finishReason(st)
		out.finish(reason, st)
	}
	s.met.finish.WithLabelValues(reason).Inc()
}

func (s *Server) timeoutError(while string) *apiError {
	return newError(http.StatusGatewayTimeout, "timeout_error", "request_timeout",
		"the request timed out after %s while %s (--request-timeout)", s.cfg.RequestTimeout, while)
}
