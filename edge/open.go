package edge

import (
	"fmt"
	"os"
	"sync"

	"github.com/edsrzf/mmap-go"

	"github.com/edgemoe/edgemoe/attention"
	"github.com/edgemoe/edgemoe/internal/gguf"
	"github.com/edgemoe/edgemoe/internal/model"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

// Config configures Open. The zero value runs with llama.cpp-matching
// precision, an f32 KV cache and the model's training context.
type Config struct {
	// Precision selects how activations meet quantized weights.
	Precision model.Precision
	// KV is the latent KV cache element type.
	KV attention.KVType
	// Context is the number of positions a session holds; 0 means the
	// model's training context.
	Context int
	// Budget is the memory budget in bytes for everything the process
	// makes resident; 0 means derived from the cgroup limit or
	// MemAvailable.
	Budget int64
}

// Model is an open model file. Close releases the mapping; sessions must not
// be used after Close. Safe for concurrent use by several sessions.
type Model struct {
	Path  string
	File  *gguf.File
	Model *model.Model
	cfg   Config
	osf   *os.File
	mm    mmap.MMap

	tokOnce sync.Once
	tok     *tokenizer.Tokenizer
	tokErr  error
}

// Open parses, maps and binds the model at path.
func Open(path string, cfg Config) (*Model, error) {
	gf, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open model: %w", err)
	}
	mm, err := mmap.Map(f, mmap.RDONLY, 0)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("map %s: %w", path, err)
	}
	m, err := model.New(gf, mm)
	if err != nil {
		mm.Unmap()
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m.Prec = cfg.Precision
	return &Model{Path: path, File: gf, Model: m, cfg: cfg, osf: f, mm: mm}, nil
}

// Close unmaps the file.
func (m *Model) Close() error {
	err := m.mm.Unmap()
	if e := m.osf.Close(); err == nil {
		err = e
	}
	return err
}

// NewSession starts a sequence with room for ctx positions (0: the
// configured context, else the model's training context).
func (m *Model) NewSession(ctx int) *model.Session {
	if ctx <= 0 {
		ctx = m.cfg.Context
	}
	if ctx <= 0 {
		ctx = m.Model.Cfg.ContextLen
	}
	return m.Model.NewSession(ctx, m.cfg.KV)
}
