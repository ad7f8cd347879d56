package tokenizer

// addedMatcher finds added tokens (control and user-defined) in raw text:
// leftmost, then longest, as Hugging Face's added-vocabulary split does. It
// is a byte trie; immutable after construction and safe for concurrent use.
type addedMatcher struct {
	nodes []trieNode
	first [256]bool
}

type trieNode struct {
	next    map[byte]int32
	id      int32 // token ending here, or -1
	control bool  // the token is a control (special) token
}

func newAddedMatcher() *addedMatcher {
	return &addedMatcher{nodes: []trieNode{{id: -1}}}
}

func (m *addedMatcher) add(s string, id int32, control bool) {
	if s == "" {
		return
	}
	m.first[s[0]] = true
	n := int32(0)
	for i := 0; i < len(s); i++ {
		nx, ok := m.nodes[n].next[s[i]]
		if !ok {
			nx = int32(len(m.nodes))
			m.nodes = append(m.nodes, trieNode{id: -1})
			if m.nodes[n].next == nil {
				m.nodes[n].next = make(map[byte]int32, 1)
			}
			m.nodes[n].next[s[i]] = nx
		}
		n = nx
	}
	m.nodes[n].id = id
	m.nodes[n].control = control
}

// match returns the id and length of the longest added token starting at
// text[i:], skipping control tokens unless withControl; ok false if none.
func (m *addedMatcher) match(text string, i int, withControl bool) (id int32, length int, ok bool) {
	if !m.first[text[i]] {
		return 0, 0, false
	}
	n := int32(0)
	for j := i; j < len(text); j++ {
		nx, found := m.nodes[n].next[text[j]]
		if !found {
			break
		}
		n = nx
		if nd := &m.nodes[n]; nd.id >= 0 && (withControl || !nd.control) {
			id, length, ok = nd.id, j+1-i, true
		}
	}
	return id, length, ok
}
