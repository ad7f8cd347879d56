package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/edgemoe/edgemoe/boards"
	"github.com/edgemoe/edgemoe/edge"
)

func init() {
	register("boards", "list the board profiles and show what this machine is detected as", runBoards)
}

func runBoards(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("boards", stderr)
	asJSON := fs.Bool("json", false, "print profiles and detection as JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput(fmt.Errorf("unexpected argument %q", pos[0]))
	}
	det := boards.Detect()
	if *asJSON {
		out := struct {
			Profiles []boards.Profile `json:"profiles"`
			Detected boards.Detection `json:"detected"`
			Defaults boards.Defaults  `json:"defaults"`
		}{boards.Profiles(), det, det.Profile.Defaults(det.Facts)}
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		_, err = stdout.Write(append(b, '\n'))
		return err
	}
	p := func(format string, a ...any) { fmt.Fprintf(stdout, format+"\n", a...) }
	p("profiles:")
	for _, pr := range boards.Profiles() {
		st := pr.FastestStorage()
		p("  %-10s %-36s %5.1f GiB  %-28s mem %4.1f GB/s  %s %.0f MB/s  pager %s", pr.Name, pr.Title,
			float64(pr.RAM)/(1<<30), coresString(pr), pr.MemBW.Value, st.Device, st.SeqMBps.Value, pr.Pager)
	}
	p("")
	p("detected: %s (%s), matched a board profile: %v", det.Profile.Name, det.Profile.Title, det.Matched)
	for _, e := range det.Evidence {
		p("  %s", e)
	}
	d := det.Profile.Defaults(det.Facts)
	p("defaults: budget %s (%s); %d threads%s; %d I/O workers; pager %s; context %d; kv %s",
		human(d.Budget), d.BudgetSource, d.Threads, pinned(d.CPUs), d.IOWorkers, d.Pager, d.Context, d.KV)
	return nil
}

func coresString(p boards.Profile) string {
	var parts []string
	for _, c := range p.Clusters {
		s := fmt.Sprintf("%dx %s", len(c.CPUs), c.Core)
		if c.Big && len(p.Clusters) > 1 {
			s += "*"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " + ")
}

func pinned(cpus []int) string {
	if len(cpus) == 0 {
		return ""
	}
	return fmt.Sprintf(" pinned to CPUs %v", cpus)
}

// addBoardFlag registers --board on fs.
func addBoardFlag(fs *flag.FlagSet) *string {
	return fs.String("board", "", "board `profile` overriding detection ("+strings.Join(boards.Names(), ", ")+")")
}

// ApplyBoardFlag resolves the board (the --board name, else detection) and
// fills the fields of cfg the user left at their zero value from the
// profile's defaults: Budget (with BudgetSource), Pager, Context, KV and
// IOWorkers. Explicit settings always win. It returns the defaults used
// so callers can also size the compute pool (Threads, CPUs), which
// edge.Config does not carry yet.
//
// Wiring for run/serve: after building cfg from the flags, call
// ApplyBoardFlag(*board, &cfg, explicit) where explicit names the flags
// the user set (fs.Visit), so a flag's default value is not mistaken for
// a choice.
func ApplyBoardFlag(name string, cfg *edge.Config, explicit map[string]bool) (boards.Defaults, error) {
	det := boards.Detect()
	prof := det.Profile
	if name != "" {
		p, err := boards.Lookup(name)
		if err != nil {
			return boards.Defaults{}, badInput(err)
		}
		prof = p
	}
	d := prof.Defaults(det.Facts)
	if cfg.Budget == 0 && !explicit["mem"] && d.Budget > 0 {
		cfg.Budget, cfg.BudgetSource = d.Budget, "board "+prof.Name+": "+d.BudgetSource
	}
	if !explicit["pager"] && d.Pager != "" {
		cfg.Pager = d.Pager
	}
	if !explicit["ctx"] && d.Context > 0 {
		cfg.Context = d.Context
	}
	if !explicit["kv"] && d.KV != "" {
		kv, err := parseKV(d.KV)
		if err == nil {
			cfg.KV = kv
		}
	}
	if cfg.IOWorkers == 0 && d.IOWorkers > 0 {
		cfg.IOWorkers = d.IOWorkers
	}
	if !explicit["threads"] && cfg.Threads == 0 && d.Threads > 0 {
		cfg.Threads, cfg.CPUs = d.Threads, d.CPUs
	}
	return d, nil
}

// explicitFlags returns the names of the flags set on the command line.
func explicitFlags(fs *flag.FlagSet) map[string]bool {
	m := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { m[f.Name] = true })
	return m
}
