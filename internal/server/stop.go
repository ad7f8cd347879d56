package server

import "strings"

// stopMatcher finds stop sequences in streamed text. It holds back the end
// of the text that could be the start of a stop sequence, so text after a
// stop is never emitted. Not safe for concurrent use.
type stopMatcher struct {
	stops   []string
	pending string
}

// push adds text and returns what can be emitted, and whether a stop
// sequence was found (text from it on is dropped).
func (m *stopMatcher) push(text string) (string, bool) {
	if len(m.stops) == 0 {
		return text, false
	}
	m.pending += text
	at := -1
	for _, s := range m.stops {
		if i := strings.Index(m.pending, s); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at >= 0 {
		out := m.pending[:at]
		m.pending = ""
		return out, true
	}
	keep := 0
	for _, s := range m.stops {
		for k := min(len(s)-1, len(m.pending)); k > keep; k-- {
			if strings.HasSuffix(m.pending, s[:k]) {
				keep = k
				break
			}
		}
	}
	out := m.pending[:len(m.pending)-keep]
	m.pending = m.pending[len(m.pending)-keep:]
	return out, false
}

// flush returns the text held back at the end of generation.
func (m *stopMatcher) flush() string {
	out := m.pending
	m.pending = ""
	return out
}
