package bench

import (
	"time"

	"github.com/edgemoe/edgemoe/boards"
)

// Schema names the JSON layout of Result.
const Schema = "edgemoe-bench/1"

// Result is one run of the suite, self-describing: where it ran, what was
// probed, the scenarios measured and what the performance model predicted
// for each. It is a plain value owned by the caller.
type Result struct {
	Schema   string       `json:"schema"`
	Started  time.Time    `json:"started"`
	Seconds  float64      `json:"duration_s"`
	Versions Versions     `json:"versions"`
	Board    Board        `json:"board"`
	Probes   Probes       `json:"probes"`
	Kernels  KernelReport `json:"kernels"`
	Model    ModelInfo    `json:"model"`
	Setup    Setup        `json:"setup"`
	// Machine is the bandwidths the predictions used (from the probes).
	Machine Machine `json:"prediction_machine"`
	// Alpha is the assumed hit-rate exponent; FittedAlpha the one the
	// scenarios measured (median over scenarios with a partial cache).
	Alpha       float64    `json:"assumed_alpha"`
	FittedAlpha float64    `json:"fitted_alpha,omitempty"`
	Scenarios   []Scenario `json:"scenarios"`
	// Pairs compares prefetch on and off per (budget, pager) cell over the
	// repeats; empty unless both settings ran.
	Pairs []PrefetchPair `json:"prefetch_pairs,omitempty"`
	// AB is the in-run on/off comparison per cell (Options.AB).
	AB []PrefetchAB `json:"prefetch_ab,omitempty"`
}

// Versions identifies the software.
type Versions struct {
	Edgemoe string `json:"edgemoe"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// Board is the detection result and the profile the run used.
type Board struct {
	Profile  string           `json:"profile"`
	Override bool             `json:"override"` // --board given
	Detected boards.Detection `json:"detected"`
	Defaults boards.Defaults  `json:"defaults"`
}

// Probes are the machine measurements.
type Probes struct {
	PageSize    int            `json:"page_size"`
	Features    []string       `json:"cpu_features"`
	Threads     int            `json:"threads"`
	MemRead1    float64        `json:"mem_read_gb_per_s_1_thread"`
	MemReadN    float64        `json:"mem_read_gb_per_s_all_threads"`
	StoragePath string         `json:"storage_path"`
	Storage     []StorageProbe `json:"storage"`
}

// ModelInfo describes the model the scenarios ran.
type ModelInfo struct {
	Path      string     `json:"path"`
	Synthetic string     `json:"synthetic,omitempty"` // how it was synthesized
	Bytes     ModelBytes `json:"bytes"`
	FileBytes int64      `json:"file_bytes"`
}

// Setup is the scenario grid and prompt set.
type Setup struct {
	Quick        bool      `json:"quick"`
	Fractions    []float64 `json:"budget_fractions"`
	Pagers       []string  `json:"pagers"`
	Prefetch     []bool    `json:"prefetch"`
	Prompts      int       `json:"prompts"`
	PromptTokens []int     `json:"prompt_tokens"`
	GenTokens    int       `json:"gen_tokens"`
	Context      int       `json:"context"`
	Warm         bool      `json:"warm_phase"`
	Repeats      int       `json:"repeats"`
	AB           bool      `json:"prefetch_ab"`
	Notes        []string  `json:"notes"`
}

// Phase is one prompt run in a scenario.
type Phase struct {
	Kind         string  `json:"kind"` // cold, warm, rotating
	Prompt       int     `json:"prompt"`
	PromptTokens int     `json:"prompt_tokens"`
	GenTokens    int     `json:"gen_tokens"`
	PrefillTPS   float64 `json:"prefill_tok_per_s"`
	DecodeTPS    float64 `json:"decode_tok_per_s"`
	// Decode-only paging (tokens after the first).
	DecodeSteps int     `json:"decode_steps"`
	Hits        uint64  `json:"hits"`
	Misses      uint64  `json:"misses"`
	BytesRead   int64   `json:"bytes_read"`
	StallSec    float64 `json:"stall_s"`
	// PrefetchOff counts the decode steps the prefetch controller ran
	// without prefetch.
	PrefetchOff int `json:"prefetch_off_steps"`
}

// Scenario is one (budget, pager, prefetch) cell.
type Scenario struct {
	Name          string  `json:"name"`
	Fraction      float64 `json:"budget_fraction"` // of the routed bytes
	Budget        int64   `json:"budget_bytes"`
	ExpertCache   int64   `json:"expert_cache_bytes"`
	CacheFraction float64 `json:"cache_fraction"`
	Pager         string  `json:"pager"`
	Prefetch      bool    `json:"prefetch"`
	Repeat        int     `json:"repeat,omitempty"` // 0-based, of Setup.Repeats
	Phases        []Phase `json:"phases"`
	// Headline figures: medians over the rotating prompts, paging summed
	// over their decode steps.
	DecodeTPS     float64 `json:"decode_tok_per_s"`
	PrefillTPS    float64 `json:"prefill_tok_per_s"`
	ColdDecodeTPS float64 `json:"cold_decode_tok_per_s"`
	ColdPrefill   float64 `json:"cold_prefill_tok_per_s"`
	HitRate       float64 `json:"hit_rate"`
	MBPerToken    float64 `json:"mb_read_per_token"`
	StallMsToken  float64 `json:"stall_ms_per_token"`
	Precision     float64 `json:"prefetch_precision"`
	Recall        float64 `json:"prefetch_recall"`
	MissMBps      float64 `json:"miss_mb_per_s"` // expert bytes read / time a load was in flight, all phases
	// PrefetchOffShare is the share of the headline decode steps the
	// prefetch controller ran without prefetch; PrefetchDecisions its
	// decisions over all phases.
	PrefetchOffShare  float64 `json:"prefetch_off_share"`
	PrefetchDecisions uint64  `json:"prefetch_decisions"`
	// AB marks a run with edge.Config.PrefetchAB (Options.AB); ABRatios
	// are its rotating prompts' window ratios (edge.Model.PrefetchAB) and
	// ABOn, ABOff the timed tokens of each arm.
	AB       bool         `json:"prefetch_ab,omitempty"`
	ABRatios []float64    `json:"prefetch_ab_ratios,omitempty"`
	ABOn     ABArmFigures `json:"prefetch_ab_on,omitzero"`
	ABOff    ABArmFigures `json:"prefetch_ab_off,omitzero"`
	// Predicted uses the assumed hit-rate curve; PredictedAtHit the
	// measured hit rate (isolating the bandwidth model).
	Predicted      Prediction `json:"predicted"`
	PredictedAtHit Prediction `json:"predicted_at_measured_hit"`
	Error          string     `json:"error,omitempty"`
}

// PredictedTPS is the prediction matching the scenario's prefetch
// setting (overlapped with prefetch, serial without).
func (s Scenario) PredictedTPS(p Prediction) float64 {
	if s.Prefetch {
		return p.TokPS
	}
	return p.TokPSSerial
}
