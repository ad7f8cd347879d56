package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

// Config configures New. Zero values select the documented defaults.
type Config struct {
	// Model is the open model to serve (required). The caller owns it and
	// closes it after the server has stopped.
	Model *edge.Model
	// ModelID is the name /v1/models lists and requests must use (or
	// omit); required.
	ModelID string
	// APIKey, when not empty, must be sent as "Authorization: Bearer KEY"
	// on /v1/ endpoints. Probes and /metrics stay open.
	APIKey string
	// MaxQueue bounds the requests waiting for the generation slot; one
	// more is answered 429. 0 means 8; negative means none wait.
	MaxQueue int
	// Context is the session's capacity in tokens (0: the model's
	// configured context).
	Context int
	// RequestTimeout bounds a request from arrival (queue wait included) to
	// its last token; 0 means no limit.
	RequestTimeout time.Duration
	// MaxBodyBytes bounds request bodies (413 beyond); 0 means 4 MiB.
	MaxBodyBytes int64
	// Paging, when set, is read at each scrape for the paging metrics;
	// nil exports none of them.
	Paging func() Paging
	// Log receives request errors; nil discards them.
	Log *slog.Logger
}

// Server is the HTTP service for one model. Its Handler is safe for
// concurrent use; generations run one at a time on one edge.Session whose
// cached prefix successive requests reuse. Build with New.
type Server struct {
	cfg     Config
	tok     *tokenizer.Tokenizer
	tmpl    tokenizer.Template
	sess    *edge.Session // used only by the gate's slot holder
	gate    *gate
	met     *metrics
	metrics http.Handler
	keyHash [sha256.Size]byte
	created int64
	routes  map[string]route
	log     *slog.Logger

	ready    atomic.Bool
	draining atomic.Bool
	seq      atomic.Uint64
}

type route struct {
	methods string // e.g. "POST" or "GET, HEAD"
	auth    bool
	h       http.HandlerFunc
}

// New checks cfg and prepares the server. It is not ready (readyz 503,
// generation requests 503) until Warm succeeds.
func New(cfg Config) (*Server, error) {
	if cfg.Model == nil {
		return nil, errors.New("server: no model")
	}
	if cfg.ModelID == "" {
		return nil, errors.New("server: no model id")
	}
	switch {
	case cfg.MaxQueue == 0:
		cfg.MaxQueue = 8
	case cfg.MaxQueue < 0:
		cfg.MaxQueue = 0
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 4 << 20
	}
	tok, err := cfg.Model.Tokenizer()
	if err != nil {
		return nil, fmt.Errorf("server: model %s: %w", cfg.ModelID, err)
	}
	tmpl, err := cfg.Model.ChatTemplate()
	if err != nil {
		return nil, fmt.Errorf("server: model %s: %w", cfg.ModelID, err)
	}
	s := &Server{cfg: cfg, tok: tok, tmpl: tmpl, sess: cfg.Model.NewChatSession(cfg.Context),
		gate: newGate(cfg.MaxQueue), created: time.Now().Unix(), log: cfg.Log}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if cfg.APIKey != "" {
		s.keyHash = sha256.Sum256([]byte(cfg.APIKey))
	}
	s.met = newMetrics(s.gate, s.Ready, cfg.ModelID, cfg.Paging)
	s.metrics = promhttp.HandlerFor(s.met.reg, promhttp.HandlerOpts{})
	s.routes = map[string]route{
		"/v1/chat/completions": {"POST", true, s.handleChat},
		"/v1/completions":      {"POST", true, s.handleCompletion},
		"/v1/models":           {"GET, HEAD", true, s.handleModels},
		"/healthz":             {"GET, HEAD", false, s.handleHealth},
		"/readyz":              {"GET, HEAD", false, s.handleReady},
		"/metrics":             {"GET, HEAD", false, s.metrics.ServeHTTP},
	}
	return s, nil
}

// Warm runs one short forward pass so the first request does not pay for
// first-touch page faults, then marks the server ready.
func (s *Server) Warm(ctx context.Context) error {
	if err := s.gate.acquire(ctx); err != nil {
		return fmt.Errorf("server: warm-up: %w", err)
	}
	defer s.gate.release()
	ids, err := s.encodeRaw("Hello")
	if err != nil {
		return err
	}
	_, err = s.sess.Generate(ctx, ids, edge.GenerateOptions{MaxTokens: 1}, func(int32) bool { return true })
	if err != nil {
		return fmt.Errorf("server: warm-up forward pass: %w", err)
	}
	s.ready.Store(true)
	return nil
}

// Ready reports whether the server is warm and not draining.
func (s *Server) Ready() bool { return s.ready.Load() && !s.draining.Load() }

// Drain marks the server as stopping: readyz answers 503 so load balancers
// move away; requests already admitted run to completion (the caller stops
// the listener with http.Server.Shutdown).
func (s *Server) Drain() { s.draining.Store(true) }

// Busy reports the requests running and waiting.
func (s *Server) Busy() (running, waiting int64) { return s.gate.inFlight(), s.gate.depth() }

// ServeHTTP routes a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	endpoint := r.URL.Path
	rt, ok := s.routes[endpoint]
	if !ok && strings.HasPrefix(endpoint, "/v1/models/") {
		rt, ok, endpoint = route{"GET, HEAD", true, s.handleModel}, true, "/v1/models/{model}"
	}
	if !ok {
		endpoint = "other"
	}
	rec := &recorder{ResponseWriter: w}
	defer func() {
		code := rec.code
		if code == 0 {
			code = http.StatusOK
		}
		if rec.gone {
			code = 499
		}
		s.met.requests.WithLabelValues(endpoint, fmt.Sprint(code)).Inc()
		s.met.duration.WithLabelValues(endpoint).Observe(time.Since(start).Seconds())
	}()
	switch {
	case !ok:
		writeError(rec, newError(http.StatusNotFound, "invalid_request_error", "unknown_url", "unknown path %s %s", r.Method, r.URL.Path))
	case !strings.Contains(", "+rt.methods+", ", ", "+r.Method+", "):
		rec.Header().Set("Allow", rt.methods)
		writeError(rec, newError(http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed",
			"method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, rt.methods))
	case rt.auth && !s.authorized(r):
		rec.Header().Set("WWW-Authenticate", `Bearer realm="edgemoe"`)
		writeError(rec, newError(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key",
			"missing or incorrect API key: send it as \"Authorization: Bearer KEY\""))
	default:
		rt.h(rec, r)
	}
}

// authorized compares the bearer token with the key in constant time (of
// fixed-length digests, so the key's length does not leak either).
func (s *Server) authorized(r *http.Request) bool {
	if s.cfg.APIKey == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(h[len(prefix):])))
	return subtle.ConstantTimeCompare(got[:], s.keyHash[:]) == 1
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	switch {
	case s.draining.Load():
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
	case !s.ready.Load():
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "loading"})
	default:
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "model": s.cfg.ModelID})
	}
}

type modelObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

func (s *Server) modelObject() modelObject {
	return modelObject{ID: s.cfg.ModelID, Object: "model", Created: s.created, OwnedBy: "edgemoe"}
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []modelObject{s.modelObject()}})
}

func (s *Server) handleModel(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/v1/models/")
	if id != s.cfg.ModelID {
		writeError(w, s.unknownModel(id))
		return
	}
	writeJSON(w, http.StatusOK, s.modelObject())
}

func (s *Server) unknownModel(id string) *apiError {
	e := newError(http.StatusNotFound, "invalid_request_error", "model_not_found",
		"the model %q does not exist: this server serves %q", id, s.cfg.ModelID)
	e.Param = strp("model")
	return e
}

// recorder captures the status code and passes Flush through for streams.
type recorder struct {
	http.ResponseWriter
	code int
	gone bool // the client went away before the response was complete
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
