package server

import (
	"math/rand/v2"
	"strconv"

	"github.com/edgemoe/edgemoe/internal/sample"
)

// Defaults for omitted sampling fields. Temperature and top_p follow the
// OpenAI API (1 and 1); the extensions follow edgemoe run (and llama.cpp):
// top_k 40, min_p 0.05, repeat_penalty 1 (off) over the last 64 tokens.
// So a request with the temperature, top_p and seed given to run produces
// run's tokens.
const (
	DefaultTemperature = 1.0
	DefaultTopP        = 1.0
	DefaultTopK        = 40
	DefaultMinP        = 0.05
	DefaultRepeatLastN = 64
	// DefaultCompletionTokens is max_tokens of /v1/completions when omitted
	// (as in the OpenAI API); chat completions default to the rest of the
	// context.
	DefaultCompletionTokens = 16
	maxStops                = 4
)

// sampling maps the request's sampling fields onto sample.Params.
// presence_penalty and frequency_penalty are validated and ignored (the
// sampler has llama.cpp's repeat_penalty instead). top_p 0 means greedy.
func (q *request) sampling() (sample.Params, *apiError) {
	p := sample.Params{Temp: DefaultTemperature, TopP: DefaultTopP, TopK: DefaultTopK, MinP: DefaultMinP,
		RepeatPenalty: 1, RepeatLastN: DefaultRepeatLastN}
	if v := q.Temperature; v != nil {
		if *v < 0 || *v > 2 {
			return p, badRequest("temperature", "temperature %g is outside [0, 2]", *v)
		}
		p.Temp = float32(*v)
	}
	if v := q.TopP; v != nil {
		if *v < 0 || *v > 1 {
			return p, badRequest("top_p", "top_p %g is outside [0, 1]", *v)
		}
		p.TopP = float32(*v)
		if *v == 0 {
			p.Temp = 0
		}
	}
	if v := q.TopK; v != nil {
		if *v < 0 {
			return p, badRequest("top_k", "top_k %d is negative", *v)
		}
		p.TopK = *v
	}
	if v := q.MinP; v != nil {
		if *v < 0 || *v > 1 {
			return p, badRequest("min_p", "min_p %g is outside [0, 1]", *v)
		}
		p.MinP = float32(*v)
	}
	if v := q.RepeatPenalty; v != nil {
		if *v <= 0 {
			return p, badRequest("repeat_penalty", "repeat_penalty %g must be positive", *v)
		}
		p.RepeatPenalty = float32(*v)
	}
	if v := q.RepeatLastN; v != nil {
		if *v < -1 {
			return p, badRequest("repeat_last_n", "repeat_last_n %d: must be -1 (all), 0 (off) or positive", *v)
		}
		p.RepeatLastN = *v
	}
	for name, v := range map[string]*float64{"presence_penalty": q.PresencePenalty, "frequency_penalty": q.FrequencyPenalty} {
		if v != nil && (*v < -2 || *v > 2) {
			return p, badRequest(name, "%s %g is outside [-2, 2]", name, *v)
		}
	}
	seed, aerr := q.seed()
	p.Seed = seed
	return p, aerr
}

// seed is the request's seed (any 64-bit integer; negative values wrap), or
// a random one.
func (q *request) seed() (uint64, *apiError) {
	if q.Seed == nil {
		return rand.Uint64(), nil
	}
	s := q.Seed.String()
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return uint64(v), nil
	}
	if v, err := strconv.ParseUint(s, 10, 64); err == nil {
		return v, nil
	}
	return 0, badRequest("seed", "seed %s is not a 64-bit integer", s)
}

// maxTokens is the requested limit (0: not given).
func (q *request) maxTokens() (int, *apiError) {
	for _, f := range []struct {
		name string
		v    *int
	}{{"max_completion_tokens", q.MaxCompletionTokens}, {"max_tokens", q.MaxTokens}} {
		if f.v == nil {
			continue
		}
		if *f.v < 1 {
			return 0, badRequest(f.name, "%s %d must be at least 1", f.name, *f.v)
		}
		return *f.v, nil
	}
	return 0, nil
}

// stops returns the stop sequences.
func (q *request) stops() ([]string, *apiError) {
	stops, aerr := stringOrList(q.Stop, "stop")
	if aerr != nil {
		return nil, aerr
	}
	if len(stops) > maxStops {
		return nil, badRequest("stop", "stop has %d sequences; at most %d are allowed", len(stops), maxStops)
	}
	for _, s := range stops {
		if s == "" {
			return nil, badRequest("stop", "stop sequences must not be empty")
		}
	}
	return stops, nil
}
