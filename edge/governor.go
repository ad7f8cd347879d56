package edge

// governor decides, per MoE layer, whether the prefetcher predicts and
// whether it issues the loads it predicts.
//
// Issuing: predictions are always scored; a layer whose recent precision (an
// exponential moving average over its routed batches) falls below pauseBelow
// stops issuing, since a wrong prefetch costs a read, CPU and possibly an
// eviction while saving nothing, and resumes once the average is back to
// resumeAt.
//
// Predicting: a layer that has had no demand miss for quietAfter routed
// batches in a row (a warm cache) is not predicted at all, so a prefetcher
// that can save nothing costs nothing; its first miss ends the quiet spell
// and prediction resumes with the next batch.
//
// It is used by the forward goroutine only.
type governor struct {
	layers []govLayer
}

type govLayer struct {
	prec       float64 // moving average of precision; starts at 1
	paused     bool
	misses     uint64 // the layer's miss count at the last routed batch
	quietSince int    // routed batches since the last new miss
}

// quietAfter is how many routed batches without a miss make a layer quiet.
const quietAfter = 8

const (
	govWeight  = 0.25 // weight of the newest batch in the average
	pauseBelow = 0.4
	resumeAt   = 0.5
)

func newGovernor(layers int) *governor {
	g := &governor{layers: make([]govLayer, layers)}
	for i := range g.layers {
		g.layers[i].prec = 1
	}
	return g
}

// allow reports whether layer l's predictions may be issued as prefetches.
func (g *governor) allow(l int) bool {
	return l < 0 || l >= len(g.layers) || !g.layers[l].paused
}

// observe scores one routed batch of layer l: predicted experts of which
// correct were then used.
func (g *governor) observe(l int, predicted, correct uint64) {
	if l < 0 || l >= len(g.layers) || predicted == 0 {
		return
	}
	s := &g.layers[l]
	s.prec += govWeight * (float64(correct)/float64(predicted) - s.prec)
	switch {
	case !s.paused && s.prec < pauseBelow:
		s.paused = true
	case s.paused && s.prec >= resumeAt:
		s.paused = false
	}
}

// routedMisses records, at a routed batch of layer l, the layer's miss count
// so far.
func (g *governor) routedMisses(l int, misses uint64) {
	if l < 0 || l >= len(g.layers) {
		return
	}
	s := &g.layers[l]
	if misses != s.misses {
		s.misses, s.quietSince = misses, 0
		return
	}
	s.quietSince++
}

// predict reports whether layer l is worth predicting (not quiet).
func (g *governor) predict(l int) bool {
	return l < 0 || l >= len(g.layers) || g.layers[l].quietSince < quietAfter
}

// pausedLayers counts the layers not issuing now.
func (g *governor) pausedLayers() int {
	n := 0
	for _, s := range g.layers {
		if s.paused {
			n++
		}
	}
	return n
}
