package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/sdnotify"
	"github.com/edgemoe/edgemoe/internal/server"
)

func init() {
	register("serve", "serve an OpenAI-compatible HTTP API with /metrics and health probes (systemd Type=notify)", runServe)
}

// serveFlags are serve's own flags; the model flags are shared with run.
type serveFlags struct {
	addr, keyFile, maxBody, modelID *string
	maxQueue                        *int
	timeout, drain                  *time.Duration
}

func addServeFlags(fs *flag.FlagSet) (*genFlags, *serveFlags) {
	// run's generation flags with their defaults; serve exposes only the
	// model and memory ones (sampling comes with each request).
	g := addGenFlags(flag.NewFlagSet("serve defaults", flag.ContinueOnError))
	g.model = fs.String("m", "", "model `file` (GGUF); default: the built-in demo model (id edgemoe-demo)")
	g.ctx = fs.Int("ctx", 4096, "context `tokens` of the one session (prompt plus completion)")
	g.kv = fs.String("kv", "f32", "latent KV cache type: f32 or f16")
	g.verbose = fs.Bool("v", false, "print the model and memory plan")
	g.paging = addPagingFlags(fs)
	return g, &serveFlags{
		addr:     fs.String("addr", "127.0.0.1:8080", "listen `address` (loopback unless told otherwise)"),
		keyFile:  fs.String("api-key-file", "", "`file` holding the API key clients must send as a Bearer token (default: no key)"),
		maxQueue: fs.Int("max-queue", 8, "requests that may wait for the model; more are answered 429"),
		timeout:  fs.Duration("request-timeout", 10*time.Minute, "per-request deadline, queue wait included (0: none)"),
		drain:    fs.Duration("drain-timeout", 30*time.Second, "on SIGTERM, how long in-flight requests may finish"),
		maxBody:  fs.String("max-body", "4M", "largest request body (413 beyond)"),
		modelID:  fs.String("model-id", "", "model id clients use (default: the file name without .gguf)"),
	}
}

// envDefaults lets EDGEMOE_<FLAG> (dashes as underscores; EDGEMOE_MODEL for
// -m) set flag defaults, so a systemd EnvironmentFile configures serve.
func envDefaults(fs *flag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := "EDGEMOE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if f.Name == "m" {
			name = "EDGEMOE_MODEL"
		}
		if v := os.Getenv(name); v != "" && err == nil {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, e)
			}
		}
	})
	return err
}

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	g, sf := addServeFlags(fs)
	if err := envDefaults(fs); err != nil {
		return badInput(err)
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput(fmt.Errorf("unexpected argument %q", pos[0]))
	}
	cfg, err := serverConfig(g, sf)
	if err != nil {
		return badInput(err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	notify := sdnotify.FromEnv()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if iv, err := sdnotify.WatchdogInterval(); err == nil {
		go notify.RunWatchdog(ctx, iv, nil)
	} else if !errors.Is(err, sdnotify.ErrNoWatchdog) {
		log.Warn("watchdog disabled", "err", err)
	}
	notify.Status("loading the model")
	m, _, err := openForGeneration(g, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	cfg.Model = m
	cfg.ModelID = modelID(*g.model, *sf.modelID)
	cfg.Paging = pagingOf(m)
	cfg.Log = log
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	return serveUntilSignal(ctx, srv, cfg, sf, notify, log, stderr)
}

func serverConfig(g *genFlags, sf *serveFlags) (server.Config, error) {
	cfg := server.Config{MaxQueue: *sf.maxQueue, Context: *g.ctx, RequestTimeout: *sf.timeout}
	if *sf.maxQueue < 0 {
		return cfg, fmt.Errorf("--max-queue %d: must be >= 0", *sf.maxQueue)
	}
	if *sf.maxQueue == 0 {
		cfg.MaxQueue = -1 // none wait
	}
	b, err := parseBytes(*sf.maxBody)
	if err != nil {
		return cfg, fmt.Errorf("--max-body: %w", err)
	}
	cfg.MaxBodyBytes = b
	if *sf.keyFile != "" {
		key, err := os.ReadFile(*sf.keyFile)
		if err != nil {
			return cfg, fmt.Errorf("--api-key-file: %w", err)
		}
		if cfg.APIKey = strings.TrimSpace(string(key)); cfg.APIKey == "" {
			return cfg, fmt.Errorf("--api-key-file %s is empty", *sf.keyFile)
		}
	}
	return cfg, nil
}

// modelID is --model-id, else the file's base name without .gguf, else
// edgemoe-demo for the built-in model.
func modelID(path, id string) string {
	switch {
	case id != "":
		return id
	case path == "":
		return "edgemoe-demo"
	}
	return strings.TrimSuffix(filepath.Base(path), ".gguf")
}

// serveUntilSignal listens, warms the model, reports READY and serves until
// SIGTERM/SIGINT, then drains: the listener closes, in-flight requests get
// --drain-timeout to finish, and the rest are cancelled.
func serveUntilSignal(ctx context.Context, srv *server.Server, cfg server.Config, sf *serveFlags, notify *sdnotify.Notifier, log *slog.Logger, stderr io.Writer) error {
	ln, err := net.Listen("tcp", *sf.addr)
	if err != nil {
		return badInput(fmt.Errorf("--addr: %w", err))
	}
	if host, _, _ := net.SplitHostPort(*sf.addr); !isLoopback(host) && cfg.APIKey == "" {
		log.Warn("listening beyond loopback without --api-key-file", "addr", ln.Addr().String())
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	notify.Status("warming up")
	if err := srv.Warm(ctx); err != nil {
		hs.Close()
		return err
	}
	status := fmt.Sprintf("serving %s on http://%s", cfg.ModelID, ln.Addr())
	notify.Ready(status)
	fmt.Fprintf(stderr, "edgemoe: %s\n", status)
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	running, waiting := srv.Busy()
	notify.Stopping(fmt.Sprintf("draining %d running, %d queued requests", running, waiting))
	fmt.Fprintf(stderr, "edgemoe: stopping: draining %d running, %d queued requests (up to %s)\n", running, waiting, *sf.drain)
	srv.Drain()
	dctx, cancel := context.WithTimeout(context.Background(), *sf.drain)
	defer cancel()
	if err := hs.Shutdown(dctx); err != nil {
		log.Warn("drain timed out: cancelling the remaining requests", "after", sf.drain.String())
		hs.Close()
	}
	// Handlers may still be returning from a cancelled generation; the
	// model must outlive them.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if r, w := srv.Busy(); r == 0 && w == 0 {
			break
		}
	}
	fmt.Fprintln(stderr, "edgemoe: stopped")
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// pagingOf adapts the model's paging telemetry to the server's metrics.
func pagingOf(m *edge.Model) func() server.Paging {
	return func() server.Paging {
		p := m.Stats()
		return server.Paging{Budget: p.Budget, ResidentWeights: p.ResidentWeights, KVBytes: p.KVBytes,
			ExpertCacheBudget: p.ExpertCacheBudget, ExpertCacheUsed: p.ExpertCacheUsed,
			Hits: p.Hits, Misses: p.Misses, Evictions: p.Evictions,
			PrefetchIssued: p.PrefetchIssued, PrefetchUsed: p.PrefetchUsed, PrefetchWasted: p.PrefetchWasted,
			PrefetchCancelled: p.PrefetchCancelled, PrefetchOffTokens: p.PrefetchOffTokens,
			PrefetchDecisions: p.PrefetchDecisions, Precision: p.Precision, Recall: p.Recall,
			BytesRead: p.BytesRead, Stall: p.Stall, MajorFaults: p.MajorFaults}
	}
}
