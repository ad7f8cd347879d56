package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// request is the union of the chat and text completion request bodies.
// Fields the service cannot honour are parsed so they can be refused;
// unknown fields are ignored.
type request struct {
	Model               string          `json:"model"`
	Messages            []message       `json:"messages"`
	Prompt              json.RawMessage `json:"prompt"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	Temperature         *float64        `json:"temperature"`
	TopP                *float64        `json:"top_p"`
	Seed                *json.Number    `json:"seed"`
	Stop                json.RawMessage `json:"stop"`
	Stream              bool            `json:"stream"`
	StreamOptions       *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	N                *int            `json:"n"`
	PresencePenalty  *float64        `json:"presence_penalty"`
	FrequencyPenalty *float64        `json:"frequency_penalty"`
	Logprobs         json.RawMessage `json:"logprobs"`
	Echo             bool            `json:"echo"`
	BestOf           *int            `json:"best_of"`
	Suffix           *string         `json:"suffix"`
	Tools            json.RawMessage `json:"tools"`
	ResponseFormat   *struct {
		Type string `json:"type"`
	} `json:"response_format"`

	// Extensions (llama.cpp names).
	TopK          *int     `json:"top_k"`
	MinP          *float64 `json:"min_p"`
	RepeatPenalty *float64 `json:"repeat_penalty"`
	RepeatLastN   *int     `json:"repeat_last_n"`
}

// message is one chat message; Content is a string, null or a list of
// text parts.
type message struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// decodeBody reads one JSON object of at most limit bytes.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, v any) *apiError {
	if r.ContentLength > limit {
		return newError(http.StatusRequestEntityTooLarge, "invalid_request_error", "request_too_large",
			"request body of %d bytes exceeds the limit of %d bytes", r.ContentLength, limit)
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		return jsonError(err, limit)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return jsonError(err, limit)
		}
		return badRequest("", "request body holds more than one JSON value")
	}
	return nil
}

func jsonError(err error, limit int64) *apiError {
	var tooBig *http.MaxBytesError
	var typ *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &tooBig):
		return newError(http.StatusRequestEntityTooLarge, "invalid_request_error", "request_too_large",
			"request body exceeds the limit of %d bytes", limit)
	case errors.As(err, &typ):
		return badRequest(typ.Field, "%s: expected %s, got JSON %s", typ.Field, typ.Type, typ.Value)
	case errors.As(err, &syn):
		return badRequest("", "malformed JSON at byte %d: %v", syn.Offset, err)
	case errors.Is(err, io.EOF):
		return badRequest("", "empty request body: expected a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "malformed JSON: unexpected end of the body")
	}
	return badRequest("", "malformed request body: %v", err)
}

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

// stringOrList decodes a string or a list of strings (stop, prompt).
func stringOrList(raw json.RawMessage, param string) ([]string, *apiError) {
	if isNull(raw) {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, badRequest(param, "%s must be a string or a list of strings", param)
	}
	return list, nil
}

// content flattens a message's content: a string, null, or text parts.
func (m message) content(i int) (string, *apiError) {
	param := fmt.Sprintf("messages[%d].content", i)
	if isNull(m.Content) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(m.Content, &s); err == nil {
		return s, nil
	}
	var parts []struct {
		Type string  `json:"type"`
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(m.Content, &parts); err != nil {
		return "", badRequest(param, "%s must be a string or a list of content parts", param)
	}
	var b strings.Builder
	for j, p := range parts {
		if p.Type != "text" || p.Text == nil {
			return "", badRequest(param, "%s[%d]: only text parts are supported, got type %q", param, j, p.Type)
		}
		b.WriteString(*p.Text)
	}
	return b.String(), nil
}

// refuseUnsupported rejects options that would change the answer's meaning
// in ways this service cannot provide.
func (q *request) refuseUnsupported() *apiError {
	switch {
	case q.N != nil && *q.N != 1:
		return badRequest("n", "n=%d: only n=1 is supported", *q.N)
	case q.BestOf != nil && *q.BestOf != 1:
		return badRequest("best_of", "best_of=%d: only 1 is supported", *q.BestOf)
	case q.Echo:
		return badRequest("echo", "echo is not supported")
	case q.Suffix != nil && *q.Suffix != "":
		return badRequest("suffix", "suffix is not supported")
	case !isNull(q.Logprobs) && string(q.Logprobs) != "false" && string(q.Logprobs) != "0":
		return badRequest("logprobs", "logprobs are not supported")
	case !isNull(q.Tools) && strings.TrimSpace(string(q.Tools)) != "[]":
		return badRequest("tools", "tools are not supported")
	case q.ResponseFormat != nil && q.ResponseFormat.Type != "" && q.ResponseFormat.Type != "text":
		return badRequest("response_format", "response_format %q is not supported (only text)", q.ResponseFormat.Type)
	}
	return nil
}
