package edge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/edgemoe/edgemoe/internal/model"
	"github.com/edgemoe/edgemoe/internal/sample"
)

// Session is one conversation with a model: the KV cache and the tokens in
// it, so a new prompt that extends the previous one reuses the cached
// prefix. Not safe for concurrent use; several Sessions of one Model may run
// concurrently (their forwards take turns).
type Session struct {
	m      *Model
	s      *model.Session
	tokens []int32 // tokens whose KV is cached
	logits []float32
}

// NewChatSession starts an empty session holding up to ctx positions (0:
// the configured or training context).
func (m *Model) NewChatSession(ctx int) *Session {
	s := m.NewSession(ctx)
	return &Session{m: m, s: s, logits: make([]float32, m.Model.Cfg.Vocab)}
}

// Tokens are the tokens currently cached.
func (s *Session) Tokens() []int32 { return s.tokens }

// Context is the session's capacity in tokens.
func (s *Session) Context() int { return s.s.Context() }

// Stats describes one generation.
type Stats struct {
	PromptTokens    int           `json:"prompt_tokens"`
	CachedTokens    int           `json:"cached_tokens"` // prompt tokens reused from the KV cache
	GeneratedTokens int           `json:"generated_tokens"`
	PromptTime      time.Duration `json:"prompt_ns"`
	GenTime         time.Duration `json:"generation_ns"`
	TimeToFirst     time.Duration `json:"time_to_first_token_ns"`
	StopReason      string        `json:"stop_reason"` // "eos", "length", "cancelled", "context"
	// Paging is the change of the paging figures over this generation.
	Paging PagingStats `json:"paging"`
}

// PromptTPS is prompt tokens processed per second.
func (st Stats) PromptTPS() float64 {
	return rate(st.PromptTokens-st.CachedTokens, st.PromptTime)
}

// GenTPS is generated tokens per second (after the first).
func (st Stats) GenTPS() float64 { return rate(st.GeneratedTokens-1, st.GenTime) }

func rate(n int, d time.Duration) float64 {
	if n <= 0 || d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// GenerateOptions configures Generate.
type GenerateOptions struct {
	MaxTokens int
	Sampling  sample.Params
	// Stop reports whether a generated token ends the generation (it is
	// still emitted). Nil: the model's EOS.
	Stop func(tok int32) bool
	// PrefillChunk bounds the tokens run in one forward pass (0: the
	// model's configured chunk).
	PrefillChunk int
	// OnToken, if set, receives each generated token's paging figures (the
	// change since the previous token).
	OnToken func(i int, tok int32, d PagingStats)
}

// Generate makes prompt the session's context (reusing the longest cached
// prefix), then samples up to MaxTokens tokens, calling emit for each.
// emit returning false stops early. A cancelled ctx stops at the next token
// with StopReason "cancelled" and no error.
func (s *Session) Generate(ctx context.Context, prompt []int32, o GenerateOptions, emit func(tok int32) bool) (st Stats, err error) {
	st = Stats{PromptTokens: len(prompt)}
	if len(prompt) == 0 {
		return st, errors.New("empty prompt")
	}
	if len(prompt) >= s.Context() {
		return st, fmt.Errorf("prompt of %d tokens does not fit the context of %d", len(prompt), s.Context())
	}
	start := time.Now()
	before := s.m.Stats()
	defer func() { st.Paging = s.m.Stats().Sub(before) }()
	if o.PrefillChunk <= 0 {
		o.PrefillChunk = s.m.cfg.PrefillChunk
	}
	if err := s.prefill(ctx, prompt, o.PrefillChunk, &st); err != nil {
		if ctx.Err() != nil {
			st.StopReason = "cancelled"
			return st, nil
		}
		return st, err
	}
	st.PromptTime = time.Since(start)
	stop := o.Stop
	if stop == nil {
		tok, _ := s.m.Tokenizer()
		eos := int32(-1)
		if tok != nil {
			eos = tok.EOS()
		}
		stop = func(t int32) bool { return t == eos }
	}
	smp := sample.New(o.Sampling)
	last := before
	genStart := time.Now()
	st.StopReason = "length"
	for st.GeneratedTokens < o.MaxTokens {
		if ctx.Err() != nil {
			st.StopReason = "cancelled"
			break
		}
		t := smp.Sample(s.logits, s.tokens)
		st.GeneratedTokens++
		if o.OnToken != nil {
			now := s.m.Stats()
			o.OnToken(st.GeneratedTokens-1, t, now.Sub(last))
			last = now
		}
		if st.GeneratedTokens == 1 {
			st.TimeToFirst = time.Since(start)
			genStart = time.Now()
		}
		if !emit(t) {
			st.StopReason = "cancelled"
			break
		}
		if stop(t) {
			st.StopReason = "eos"
			break
		}
		if st.GeneratedTokens == o.MaxTokens {
			break
		}
		if len(s.tokens)+1 >= s.Context() {
			st.StopReason = "context"
			break
		}
		if err := s.feed(ctx, []int32{t}); err != nil {
			if ctx.Err() != nil {
				st.StopReason = "cancelled"
				break
			}
			return st, err
		}
	}
	st.GenTime = time.Since(genStart)
	return st, nil
}

// prefill reuses the cached prefix of prompt and runs the rest in chunks,
// leaving the last position's logits in s.logits.
func (s *Session) prefill(ctx context.Context, prompt []int32, chunk int, st *Stats) error {
	if chunk <= 0 {
		chunk = 256
	}
	common := 0
	for common < len(s.tokens) && common < len(prompt) && s.tokens[common] == prompt[common] {
		common++
	}
	if common == len(prompt) {
		common-- // recompute the last position to get its logits
	}
	s.s.Truncate(common)
	s.tokens = s.tokens[:common]
	st.CachedTokens = common
	for rest := prompt[common:]; len(rest) > 0; {
		n := min(chunk, len(rest))
		if err := s.feed(ctx, rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// feed runs toks under the Model's forward lock and reports a decode
// token's duration (the forward alone: not the wait for the lock nor the
// time between tokens) to the prefetch controller.
func (s *Session) feed(ctx context.Context, toks []int32) error {
	m := s.m
	m.fwd.Lock()
	defer m.fwd.Unlock()
	start, stall0 := time.Now(), m.stallTotal()
	if err := s.s.Forward(ctx, toks, s.logits, false); err != nil {
		// the model session may hold a partial batch; forget it
		s.s.Truncate(len(s.tokens))
		return err
	}
	if len(toks) == 1 && m.pre != nil {
		m.pre.decodeDone(time.Since(start), m.stallTotal()-stall0)
	}
	s.tokens = append(s.tokens, toks...)
	return nil
}
