package tokenizer

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// blobMagic starts the uncompressed blob; the trailing digit is the format
// version.
const blobMagic = "edgemoe-vocab-1\n"

// Bounds that ReadBlob enforces on untrusted input.
const (
	maxBlobTokens = 1 << 22
	maxBlobString = 1 << 16
)

// WriteBlob writes v as a gzip-compressed blob: magic, pre-tokenizer name,
// BOS, EOS, AddBOS, then the tokens (each a uvarint length, its bytes and a
// type byte) and the merges (uvarint length and bytes), counts first.
// Integers are varints (BOS/EOS signed).
func WriteBlob(w io.Writer, v Vocab) error {
	if v.Types != nil && len(v.Types) != len(v.Tokens) {
		return fmt.Errorf("tokenizer: blob: %d token types for %d tokens", len(v.Types), len(v.Tokens))
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("tokenizer: blob: %w", err)
	}
	bw := bufio.NewWriter(zw)
	var tmp [binary.MaxVarintLen64]byte
	putU := func(x uint64) { bw.Write(tmp[:binary.PutUvarint(tmp[:], x)]) }
	putS := func(s string) { putU(uint64(len(s))); bw.WriteString(s) }
	bw.WriteString(blobMagic)
	putS(v.Pre)
	bw.Write(tmp[:binary.PutVarint(tmp[:], int64(v.BOS))])
	bw.Write(tmp[:binary.PutVarint(tmp[:], int64(v.EOS))])
	if v.AddBOS {
		bw.WriteByte(1)
	} else {
		bw.WriteByte(0)
	}
	putU(uint64(len(v.Tokens)))
	for i, s := range v.Tokens {
		typ := TypeNormal
		if v.Types != nil {
			typ = v.Types[i]
		}
		putS(s)
		bw.WriteByte(byte(typ))
	}
	putU(uint64(len(v.Merges)))
	for _, m := range v.Merges {
		putS(m)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tokenizer: blob: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("tokenizer: blob: %w", err)
	}
	return nil
}

// ReadBlob reads a blob written by WriteBlob. Counts and string lengths are
// bounded, so a corrupt blob yields an error, not a huge allocation.
func ReadBlob(r io.Reader) (Vocab, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return Vocab{}, fmt.Errorf("tokenizer: blob: %w", err)
	}
	defer zr.Close()
	br := &blobReader{r: bufio.NewReader(zr)}
	v, err := br.vocab()
	if err == nil {
		// Reading to the end makes gzip verify its checksum and length.
		switch _, e := br.r.ReadByte(); {
		case e == nil:
			err = errors.New("trailing data after the merges")
		case e != io.EOF:
			err = fmt.Errorf("after the merges: %w", e)
		}
	}
	if err != nil {
		return Vocab{}, fmt.Errorf("tokenizer: blob: %w", err)
	}
	return v, nil
}

type blobReader struct {
	r   *bufio.Reader
	err error
}

func (b *blobReader) uvarint(what string, limit uint64) uint64 {
	if b.err != nil {
		return 0
	}
	x, err := binary.ReadUvarint(b.r)
	if err == nil && x > limit {
		err = fmt.Errorf("%s %d over limit %d", what, x, limit)
	}
	if err != nil {
		b.err = fmt.Errorf("read %s: %w", what, err)
	}
	return x
}

func (b *blobReader) varint32(what string) int32 {
	if b.err != nil {
		return 0
	}
	x, err := binary.ReadVarint(b.r)
	if err == nil && (x < -1<<31 || x > 1<<31-1) {
		err = fmt.Errorf("%s %d out of int32 range", what, x)
	}
	if err != nil {
		b.err = fmt.Errorf("read %s: %w", what, err)
	}
	return int32(x)
}

func (b *blobReader) byte(what string) byte {
	if b.err != nil {
		return 0
	}
	c, err := b.r.ReadByte()
	if err != nil {
		b.err = fmt.Errorf("read %s: %w", what, err)
	}
	return c
}

func (b *blobReader) string(what string) string {
	n := b.uvarint(what+" length", maxBlobString)
	if b.err != nil {
		return ""
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(b.r, buf); err != nil {
		b.err = fmt.Errorf("read %s: %w", what, err)
		return ""
	}
	return string(buf)
}

func (b *blobReader) vocab() (Vocab, error) {
	magic := make([]byte, len(blobMagic))
	if _, err := io.ReadFull(b.r, magic); err != nil || string(magic) != blobMagic {
		return Vocab{}, errors.New("bad magic (not an edgemoe vocabulary blob)")
	}
	var v Vocab
	v.Pre = b.string("pre-tokenizer")
	v.BOS = b.varint32("bos")
	v.EOS = b.varint32("eos")
	v.AddBOS = b.byte("add_bos") != 0
	n := b.uvarint("token count", maxBlobTokens)
	if b.err != nil {
		return Vocab{}, b.err
	}
	v.Tokens = make([]string, n)
	v.Types = make([]int32, n)
	for i := range v.Tokens {
		v.Tokens[i] = b.string("token")
		v.Types[i] = int32(b.byte("token type"))
		if b.err != nil {
			return Vocab{}, fmt.Errorf("token %d: %w", i, b.err)
		}
	}
	m := b.uvarint("merge count", maxBlobTokens)
	if b.err != nil {
		return Vocab{}, b.err
	}
	v.Merges = make([]string, m)
	for i := range v.Merges {
		v.Merges[i] = b.string("merge")
		if b.err != nil {
			return Vocab{}, fmt.Errorf("merge %d: %w", i, b.err)
		}
	}
	return v, nil
}
