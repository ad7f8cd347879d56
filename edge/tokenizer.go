package edge

import (
	"fmt"

	"github.com/edgemoe/edgemoe/internal/gguf"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

// loadTokenizer builds the tokenizer from the file's tokenizer.ggml.* keys.
func loadTokenizer(f *gguf.File) (*tokenizer.Tokenizer, error) {
	model, _, _ := f.Str("tokenizer.ggml.model")
	if model != "gpt2" {
		return nil, fmt.Errorf("tokenizer.ggml.model %q is not supported (byte-level BPE \"gpt2\" only)", model)
	}
	v := tokenizer.Vocab{BOS: -1, EOS: -1}
	var err error
	var ok bool
	if v.Tokens, ok, err = f.Strings("tokenizer.ggml.tokens"); err != nil || !ok {
		return nil, fmt.Errorf("tokenizer.ggml.tokens missing or malformed: %v", err)
	}
	if v.Types, _, err = f.Int32s("tokenizer.ggml.token_type"); err != nil {
		return nil, fmt.Errorf("tokenizer.ggml.token_type: %w", err)
	}
	if v.Merges, _, err = f.Strings("tokenizer.ggml.merges"); err != nil {
		return nil, fmt.Errorf("tokenizer.ggml.merges: %w", err)
	}
	if x, ok, err := f.Int("tokenizer.ggml.bos_token_id"); err == nil && ok {
		v.BOS = int32(x)
	}
	if x, ok, err := f.Int("tokenizer.ggml.eos_token_id"); err == nil && ok {
		v.EOS = int32(x)
	}
	v.AddBOS = true
	if b, ok, err := f.Bool("tokenizer.ggml.add_bos_token"); err == nil && ok {
		v.AddBOS = b
	}
	v.Pre, _, _ = f.Str("tokenizer.ggml.pre")
	t, err := tokenizer.New(v)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	return t, nil
}

// Tokenizer returns the model's tokenizer, loading it on first use. It
// fails for files without a supported vocabulary.
func (m *Model) Tokenizer() (*tokenizer.Tokenizer, error) {
	m.tokOnce.Do(func() { m.tok, m.tokErr = loadTokenizer(m.File) })
	return m.tok, m.tokErr
}

// ChatTemplate returns the chat template chosen from the model's metadata.
func (m *Model) ChatTemplate() (tokenizer.Template, error) {
	tmpl, _, _ := m.File.Str("tokenizer.chat_template")
	name, _, _ := m.File.Str("general.name")
	return tokenizer.TemplateFor(tmpl, name)
}
