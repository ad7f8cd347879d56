package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/edgemoe/edgemoe/edge"
	"github.com/edgemoe/edgemoe/internal/tokenizer"
)

func init() {
	register("tokenize", "JSON lines {\"text\"} -> {\"ids\"} on stdin/stdout (--decode: the reverse)", runTokenize)
}

func runTokenize(args []string, stdout, stderr io.Writer) error {
	return tokenizeStream(args, os.Stdin, stdout, stderr)
}

func tokenizeStream(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("tokenize", stderr)
	path := fs.String("m", "", "model `file` whose tokenizer to use")
	tj := fs.String("tokenizer", "", "HF tokenizer.json `file`")
	decode := fs.Bool("decode", false, "read {\"ids\": [...]} lines and write {\"text\": ...}")
	special := fs.Bool("special", true, "match added/special tokens in the text")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput(fmt.Errorf("unexpected argument %q", pos[0]))
	}
	tok, closeFn, err := loadTok(*path, *tj)
	if err != nil {
		return badInput(err)
	}
	defer closeFn()
	in := bufio.NewReaderSize(stdin, 1<<20)
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for line := 1; ; line++ {
		b, err := in.ReadBytes('\n')
		if len(b) > 0 && !isBlank(b) {
			if e := tokenizeLine(tok, b, *decode, *special, enc); e != nil {
				return badInput(fmt.Errorf("stdin line %d: %w", line, e))
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("stdin: %w", err)
		}
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

func tokenizeLine(tok *tokenizer.Tokenizer, b []byte, decode, special bool, enc *json.Encoder) error {
	if decode {
		var in struct {
			IDs *[]int32 `json:"ids"`
		}
		if err := json.Unmarshal(b, &in); err != nil || in.IDs == nil {
			return fmt.Errorf("want {\"ids\": [...]}: %v", err)
		}
		for _, id := range *in.IDs {
			if id < 0 || int(id) >= tok.VocabSize() {
				return fmt.Errorf("id %d outside the vocabulary [0, %d)", id, tok.VocabSize())
			}
		}
		return enc.Encode(map[string]string{"text": tok.Decode(*in.IDs)})
	}
	var in struct {
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(b, &in); err != nil || in.Text == nil {
		return fmt.Errorf("want {\"text\": \"...\"}: %v", err)
	}
	ids := tok.EncodeWithSpecial(*in.Text, special)
	if ids == nil {
		ids = []int32{}
	}
	return enc.Encode(map[string][]int32{"ids": ids})
}

func loadTok(model, tj string) (*tokenizer.Tokenizer, func(), error) {
	switch {
	case model != "" && tj != "":
		return nil, nil, fmt.Errorf("give -m or --tokenizer, not both")
	case tj != "":
		f, err := os.Open(tj)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		t, err := tokenizer.LoadJSON(f)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", tj, err)
		}
		return t, func() {}, nil
	case model != "":
		m, err := edge.Open(model, edge.Config{})
		if err != nil {
			return nil, nil, err
		}
		t, err := m.Tokenizer()
		if err != nil {
			m.Close()
			return nil, nil, err
		}
		return t, func() { m.Close() }, nil
	}
	t, err := tokenizer.DeepSeekV3()
	return t, func() {}, err
}
