package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Paging is the paging telemetry exported as metrics when Config.Paging is
// set: cumulative counters since the model was opened, and gauges.
type Paging struct {
	Budget            int64 // bytes, the whole memory budget
	ResidentWeights   int64 // bytes of non-routed weights
	KVBytes           int64
	ExpertCacheBudget int64
	ExpertCacheUsed   int64
	Hits              uint64
	Misses            uint64
	Evictions         uint64
	PrefetchIssued    uint64
	PrefetchUsed      uint64
	PrefetchWasted    uint64
	PrefetchCancelled uint64
	// PrefetchOffTokens counts decode tokens the prefetch controller ran
	// without prefetch; PrefetchDecisions its completed explorations.
	PrefetchOffTokens uint64
	PrefetchDecisions uint64
	Precision         float64 // prefetch precision, 0..1
	Recall            float64 // prefetch recall, 0..1
	BytesRead         int64   // expert bytes read since open
	Stall             time.Duration
	MajorFaults       uint64
}

// metrics are the service's collectors on their own registry.
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec // endpoint, code
	duration     *prometheus.HistogramVec
	promptTokens prometheus.Counter
	cachedTokens prometheus.Counter
	genTokens    prometheus.Counter
	finish       *prometheus.CounterVec // reason
	ttft         prometheus.Histogram
	tokenLatency prometheus.Histogram
}

func newMetrics(g *gate, ready func() bool, modelID string, paging func() Paging) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "edgemoe_http_requests_total",
			Help: "HTTP requests by endpoint and status code (499: the client went away).",
		}, []string{"endpoint", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "edgemoe_http_request_duration_seconds",
			Help:    "Time from receiving a request to the end of its response, queue wait included.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"endpoint"}),
		promptTokens: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "edgemoe_prompt_tokens_total", Help: "Prompt tokens of generations run."}),
		cachedTokens: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "edgemoe_prompt_cached_tokens_total", Help: "Prompt tokens reused from the KV cache (prefix reuse)."}),
		genTokens: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "edgemoe_generated_tokens_total", Help: "Tokens generated."}),
		finish: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "edgemoe_generations_total",
			Help: "Generations by how they ended: stop, length, cancelled, timeout, error.",
		}, []string{"reason"}),
		ttft: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "edgemoe_time_to_first_token_seconds",
			Help:    "Time from receiving a generation request to its first token, queue wait and prefill included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 15),
		}),
		tokenLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "edgemoe_token_latency_seconds",
			Help:    "Time between successive generated tokens of one generation.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}),
	}
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	m.reg.MustRegister(m.requests, m.duration, m.promptTokens, m.cachedTokens, m.genTokens, m.finish, m.ttft, m.tokenLatency,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "edgemoe_queue_depth",
			Help: "Requests waiting for the generation slot."}, func() float64 { return float64(g.depth()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "edgemoe_requests_in_flight",
			Help: "Generations running (0 or 1)."}, func() float64 { return float64(g.inFlight()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "edgemoe_ready",
			Help: "1 when the model is loaded and warm and the service is not draining."}, func() float64 { return b2f(ready()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "edgemoe_model_info",
			Help: "The model served (value 1).", ConstLabels: prometheus.Labels{"model": modelID}}, func() float64 { return 1 }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if paging != nil {
		m.reg.MustRegister(newPagingCollector(paging))
	}
	return m
}

// pagingCollector reads Paging at scrape time.
type pagingCollector struct {
	read  func() Paging
	descs []pagingDesc
}

type pagingDesc struct {
	d     *prometheus.Desc
	typ   prometheus.ValueType
	value func(p *Paging) float64
}

func newPagingCollector(read func() Paging) *pagingCollector {
	c := &pagingCollector{read: read}
	add := func(name, help string, typ prometheus.ValueType, v func(p *Paging) float64) {
		c.descs = append(c.descs, pagingDesc{prometheus.NewDesc(name, help, nil, nil), typ, v})
	}
	counter, gauge := prometheus.CounterValue, prometheus.GaugeValue
	add("edgemoe_memory_budget_bytes", "The memory budget for everything the process makes resident.", gauge, func(p *Paging) float64 { return float64(p.Budget) })
	add("edgemoe_resident_weight_bytes", "Bytes of weights kept resident (attention, embeddings, shared experts, ...).", gauge, func(p *Paging) float64 { return float64(p.ResidentWeights) })
	add("edgemoe_kv_cache_bytes", "Bytes of the latent KV cache.", gauge, func(p *Paging) float64 { return float64(p.KVBytes) })
	add("edgemoe_expert_cache_budget_bytes", "Bytes the expert cache may hold.", gauge, func(p *Paging) float64 { return float64(p.ExpertCacheBudget) })
	add("edgemoe_expert_cache_used_bytes", "Bytes the expert cache holds now.", gauge, func(p *Paging) float64 { return float64(p.ExpertCacheUsed) })
	add("edgemoe_expert_cache_hits_total", "Routed expert acquisitions served from the cache.", counter, func(p *Paging) float64 { return float64(p.Hits) })
	add("edgemoe_expert_cache_misses_total", "Routed expert acquisitions that waited for a load.", counter, func(p *Paging) float64 { return float64(p.Misses) })
	add("edgemoe_expert_cache_evictions_total", "Experts evicted from the cache.", counter, func(p *Paging) float64 { return float64(p.Evictions) })
	add("edgemoe_expert_read_bytes_total", "Expert bytes read from the model file.", counter, func(p *Paging) float64 { return float64(p.BytesRead) })
	add("edgemoe_expert_stall_seconds_total", "Time the forward pass waited for expert loads.", counter, func(p *Paging) float64 { return p.Stall.Seconds() })
	add("edgemoe_prefetch_issued_total", "Expert prefetches queued.", counter, func(p *Paging) float64 { return float64(p.PrefetchIssued) })
	add("edgemoe_prefetch_used_total", "Prefetched experts that were then used.", counter, func(p *Paging) float64 { return float64(p.PrefetchUsed) })
	add("edgemoe_prefetch_wasted_total", "Prefetched experts evicted unused.", counter, func(p *Paging) float64 { return float64(p.PrefetchWasted) })
	add("edgemoe_prefetch_cancelled_total", "Prefetches cancelled once the real routing was known.", counter, func(p *Paging) float64 { return float64(p.PrefetchCancelled) })
	add("edgemoe_prefetch_off_tokens_total", "Decode tokens the prefetch controller ran without prefetch (exploring, or off measured faster).", counter, func(p *Paging) float64 { return float64(p.PrefetchOffTokens) })
	add("edgemoe_prefetch_decisions_total", "On/off decisions of the prefetch controller.", counter, func(p *Paging) float64 { return float64(p.PrefetchDecisions) })
	add("edgemoe_prefetch_precision_ratio", "Share of predicted experts the layer then used.", gauge, func(p *Paging) float64 { return p.Precision })
	add("edgemoe_prefetch_recall_ratio", "Share of used experts that had been predicted.", gauge, func(p *Paging) float64 { return p.Recall })
	add("edgemoe_major_faults_total", "Major page faults of the process.", counter, func(p *Paging) float64 { return float64(p.MajorFaults) })
	return c
}

func (c *pagingCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d.d
	}
}

func (c *pagingCollector) Collect(ch chan<- prometheus.Metric) {
	p := c.read()
	for _, d := range c.descs {
		ch <- prometheus.MustNewConstMetric(d.d, d.typ, d.value(&p))
	}
}
