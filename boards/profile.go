package boards

import (
	"fmt"
	"sort"
	"strings"
)

// Figure is one published or measured number with where it comes from.
// The zero value means "unknown".
type Figure struct {
	Value  float64 `json:"value"`
	Source string  `json:"source"`
}

// Cluster is a group of identical cores.
type Cluster struct {
	Core string `json:"core"` // e.g. "cortex-a76"
	Part uint16 `json:"part"` // MIDR part number, e.g. 0xd0b (0 on x86)
	CPUs []int  `json:"cpus"` // logical CPU ids
	GHz  Figure `json:"ghz"`
	Big  bool   `json:"big"` // run compute threads here
}

// Storage is one storage option of a board with its read bandwidths.
type Storage struct {
	Device   string `json:"device"`
	SeqMBps  Figure `json:"seq_mb_per_s"`     // sequential reads, large blocks
	Rand4KMB Figure `json:"rand_4k_mb_per_s"` // 4 KiB random reads
}

// Profile describes one board. Profiles are values returned by copy;
// callers may modify their copy. The zero value is an empty, unnamed
// profile whose Defaults are those of a generic host.
type Profile struct {
	Name     string    `json:"name"`  // short id used by --board
	Title    string    `json:"title"` // human name
	Arch     string    `json:"arch"`  // GOARCH
	RAM      int64     `json:"ram_bytes"`
	RAMNote  string    `json:"ram_source"`
	Clusters []Cluster `json:"clusters"`
	Features []string  `json:"features"` // CPU features the kernels care about
	Missing  []string  `json:"missing_features,omitempty"`
	PageSize int       `json:"page_size"`
	// MemBW is the sustained read bandwidth decode can expect, GB/s.
	MemBW Figure `json:"mem_read_gb_per_s"`
	// CopyBW is a simple copy-benchmark figure, GB/s, when published.
	CopyBW  Figure    `json:"copy_gb_per_s"`
	Storage []Storage `json:"storage"`
	// Headroom is RAM left to the OS and other processes when the budget
	// is derived from RAM.
	Headroom int64 `json:"os_headroom_bytes"`
	// IOWorkers is the suggested number of concurrent expert reads.
	IOWorkers int `json:"io_workers"`
	// Pager is the suggested pager backend ("mmap" or "direct").
	Pager     string `json:"pager"`
	PagerNote string `json:"pager_source"`
	Context   int    `json:"context"`
	KV        string `json:"kv"` // latent KV cache type
	match     matcher
}

// matcher is how Detect recognises a profile.
type matcher struct {
	compatible []string // any device-tree compatible entry equal to one of these
	model      []string // or a device-tree model containing one of these
	minRAM     int64    // and MemTotal at least this (variants by RAM)
	maxRAM     int64    // and at most this (0: no limit)
}

// BigCPUs returns the logical CPU ids of the big cores (all cores when no
// cluster is marked big), sorted.
func (p Profile) BigCPUs() []int {
	var out []int
	for _, c := range p.Clusters {
		if c.Big {
			out = append(out, c.CPUs...)
		}
	}
	if len(out) == 0 {
		for _, c := range p.Clusters {
			out = append(out, c.CPUs...)
		}
	}
	sort.Ints(out)
	return out
}

// Cores is the number of logical CPUs in the profile.
func (p Profile) Cores() int {
	n := 0
	for _, c := range p.Clusters {
		n += len(c.CPUs)
	}
	return n
}

// FastestStorage is the storage option with the highest sequential figure
// (the zero Storage when the profile lists none).
func (p Profile) FastestStorage() Storage {
	var best Storage
	for _, s := range p.Storage {
		if s.SeqMBps.Value > best.SeqMBps.Value {
			best = s
		}
	}
	return best
}

// HasFeature reports whether the profile lists CPU feature f.
func (p Profile) HasFeature(f string) bool {
	for _, x := range p.Features {
		if strings.EqualFold(x, f) {
			return true
		}
	}
	return false
}

// Profiles returns every known profile, in a fixed order. The slice and
// its profiles are fresh copies owned by the caller.
func Profiles() []Profile {
	out := make([]Profile, len(profiles))
	for i, p := range profiles {
		out[i] = clone(p)
	}
	return out
}

// Names lists the profile names.
func Names() []string {
	out := make([]string, len(profiles))
	for i, p := range profiles {
		out[i] = p.Name
	}
	return out
}

// Lookup returns the profile called name (case-insensitive).
func Lookup(name string) (Profile, error) {
	for _, p := range profiles {
		if strings.EqualFold(p.Name, name) {
			return clone(p), nil
		}
	}
	return Profile{}, fmt.Errorf("board %q: unknown (have %s)", name, strings.Join(Names(), ", "))
}

func clone(p Profile) Profile {
	q := p
	q.Clusters = make([]Cluster, len(p.Clusters))
	for i, c := range p.Clusters {
		c.CPUs = append([]int(nil), c.CPUs...)
		q.Clusters[i] = c
	}
	q.Features = append([]string(nil), p.Features...)
	q.Missing = append([]string(nil), p.Missing...)
	q.Storage = append([]Storage(nil), p.Storage...)
	return q
}
