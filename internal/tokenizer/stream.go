package tokenizer

import "unicode/utf8"

// StreamDecoder turns a stream of token ids into text without ever emitting
// a broken UTF-8 sequence: bytes of a character split across tokens are held
// back until it is complete; invalid bytes become U+FFFD. Not safe for
// concurrent use; it holds a reference to its Tokenizer. Create with
// Tokenizer.NewDecoder.
type StreamDecoder struct {
	t       *Tokenizer
	pending []byte
	out     []byte
}

// NewDecoder returns a StreamDecoder for t.
func (t *Tokenizer) NewDecoder() *StreamDecoder { return &StreamDecoder{t: t} }

// Push adds token id and returns the text completed by it (possibly "").
func (d *StreamDecoder) Push(id int32) string {
	d.pending = append(d.pending, d.t.Piece(id)...)
	d.out = d.out[:0]
	i := 0
	for i < len(d.pending) {
		if !utf8.FullRune(d.pending[i:]) {
			break // incomplete character at the end: wait for more
		}
		r, w := utf8.DecodeRune(d.pending[i:])
		if r == utf8.RuneError && w == 1 {
			d.out = utf8.AppendRune(d.out, utf8.RuneError)
		} else {
			d.out = append(d.out, d.pending[i:i+w]...)
		}
		i += w
	}
	d.pending = append(d.pending[:0], d.pending[i:]...)
	return string(d.out)
}

// Flush returns what is still held back (an incomplete character, as
// U+FFFD) and resets the decoder.
func (d *StreamDecoder) Flush() string {
	if len(d.pending) == 0 {
		return ""
	}
	d.pending = d.pending[:0]
	return string(utf8.RuneError)
}
