package boards

import "fmt"

// Defaults are the settings a profile suggests for this machine, as plain
// values; the command layer maps them to edge.Config (nothing in the
// runtime reads a profile). The zero value means "no suggestion" for
// every field.
type Defaults struct {
	Board        string `json:"board"`
	Budget       int64  `json:"budget_bytes"`
	BudgetSource string `json:"budget_source"`
	Threads      int    `json:"threads"`
	CPUs         []int  `json:"cpus,omitempty"` // pin compute threads here (big.LITTLE only)
	IOWorkers    int    `json:"io_workers"`
	Pager        string `json:"pager"`
	Context      int    `json:"context"`
	KV           string `json:"kv"`
}

// Defaults derives the suggested settings: the budget is the cgroup limit
// minus 5% (at most 256 MiB) when one is set, else RAM minus the profile's
// OS headroom; threads run on the big cores, pinned when the board also
// has little ones.
func (p Profile) Defaults(f Facts) Defaults {
	d := Defaults{Board: p.Name, IOWorkers: p.IOWorkers, Pager: p.Pager, Context: p.Context, KV: p.KV}
	switch {
	case f.CgroupLimit > 0:
		d.Budget = f.CgroupLimit - min(f.CgroupLimit/20, 256<<20)
		d.BudgetSource = "cgroup limit " + f.CgroupFile + " minus 5% (at most 256 MiB)"
	case p.RAM > 0:
		d.Budget = max(p.RAM-p.Headroom, p.RAM/2)
		d.BudgetSource = fmt.Sprintf("%s RAM %.1f GiB minus %.2f GiB OS headroom", p.Name,
			float64(p.RAM)/float64(gib), float64(p.Headroom)/float64(gib))
	}
	big := p.BigCPUs()
	d.Threads = len(big)
	if d.Threads < p.Cores() {
		d.CPUs = big
	}
	return d
}
