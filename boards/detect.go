package boards

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
)

// Detection is the outcome of Detect: the profile that fits this machine
// (adjusted with what was read), whether a board profile matched, the raw
// facts and the evidence, one human-readable line per clue. It is a value
// owned by the caller.
type Detection struct {
	Profile  Profile  `json:"profile"`
	Matched  bool     `json:"matched"` // a board profile (not generic) matched
	Facts    Facts    `json:"facts"`
	Evidence []string `json:"evidence"`
}

// Detect inspects the running machine: the device tree, /proc/cpuinfo,
// /proc/meminfo, the cgroup memory limit, golang.org/x/sys/cpu and the OS
// page size. It never fails; missing files only weaken the evidence.
// Safe for concurrent use.
func Detect() Detection {
	f := readFacts("/")
	f.Arch = runtime.GOARCH
	f.Features = mergeFeatures(f.Features, hostFeatures())
	f.PageSize = os.Getpagesize()
	d := match(f)
	d.Evidence = append(d.Evidence, fmt.Sprintf("golang.org/x/sys/cpu: %s", strings.Join(hostFeatures(), " ")))
	return d
}

// DetectRoot is Detect over a fake file tree rooted at root (proc/...,
// sys/...), for tests and for inspecting another machine's copied files.
// The architecture is inferred from cpuinfo.
func DetectRoot(root string) Detection {
	return match(readFacts(root))
}

func mergeFeatures(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// match picks a profile for facts f.
func match(f Facts) Detection {
	d := Detection{Facts: f}
	ev := func(format string, a ...any) { d.Evidence = append(d.Evidence, fmt.Sprintf(format, a...)) }
	if f.Model != "" {
		ev("device-tree model: %q", f.Model)
	}
	if len(f.Compatible) > 0 {
		ev("device-tree compatible: %s", strings.Join(f.Compatible, ", "))
	}
	for _, c := range f.clusters() {
		ev("cpus %s: %s", cpuList(c.CPUs), c.Core)
	}
	if f.MemTotal > 0 {
		ev("MemTotal: %.1f GiB", float64(f.MemTotal)/float64(gib))
	}
	if f.CgroupLimit > 0 {
		ev("cgroup memory limit: %.1f GiB (%s)", float64(f.CgroupLimit)/float64(gib), f.CgroupFile)
	}
	if f.PageSize > 0 {
		ev("page size: %d", f.PageSize)
	}
	for _, p := range profiles {
		if why := p.match.matches(f); why != "" {
			d.Profile, d.Matched = adjust(clone(p), f), true
			ev("matched %s: %s", p.Name, why)
			return d
		}
	}
	name := "generic"
	if f.Arch == "amd64" && f.hasFeature("avx2") && f.hasFeature("fma") {
		name = "x86-avx2"
		ev("matched x86-avx2: amd64 with avx2 and fma")
	} else {
		ev("no board profile matched: generic profile with the detected facts")
	}
	p, _ := Lookup(name)
	p.Clusters = f.clusters()
	for i := range p.Clusters {
		p.Clusters[i].Big = true
	}
	if p.Arch == "" {
		p.Arch = f.Arch
	}
	p.Features = f.Features
	p.Missing = nil
	d.Profile, d.Matched = adjust(p, f), name != "generic"
	return d
}

// matches returns why the matcher accepts f, or "".
func (m matcher) matches(f Facts) string {
	why := ""
	for _, c := range f.Compatible {
		if slices.Contains(m.compatible, c) {
			why = "compatible " + c
			break
		}
	}
	if why == "" {
		for _, s := range m.model {
			if f.Model != "" && strings.Contains(strings.ToLower(f.Model), strings.ToLower(s)) {
				why = fmt.Sprintf("model contains %q", s)
				break
			}
		}
	}
	if why == "" {
		return ""
	}
	if f.MemTotal > 0 && (f.MemTotal < m.minRAM || (m.maxRAM > 0 && f.MemTotal > m.maxRAM)) {
		return ""
	}
	return why
}

// adjust replaces a profile's assumed RAM and page size with detected
// ones, and its clusters with the detected ones when the CPU parts
// disagree (big cores stay those with the profile's big part).
func adjust(p Profile, f Facts) Profile {
	if f.MemTotal > 0 {
		p.RAM, p.RAMNote = f.MemTotal, "detected MemTotal"
	}
	if f.PageSize > 0 {
		p.PageSize = f.PageSize
	}
	got := f.clusters()
	if len(f.CPUs) == 0 || sameClusters(p.Clusters, got) {
		return p
	}
	big := map[uint16]bool{}
	for _, c := range p.Clusters {
		if c.Big && c.Part != 0 {
			big[c.Part] = true
		}
	}
	anyBig := false
	for i := range got {
		got[i].Big = big[got[i].Part]
		anyBig = anyBig || got[i].Big
	}
	if !anyBig {
		for i := range got {
			got[i].Big = true
		}
	}
	p.Clusters = got
	return p
}

func sameClusters(a, b []Cluster) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Part != b[i].Part || !slices.Equal(a[i].CPUs, b[i].CPUs) {
			return false
		}
	}
	return true
}

// cpuList prints ids compactly: 0-3,6.
func cpuList(ids []int) string {
	var parts []string
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", ids[i], ids[j]))
		} else {
			parts = append(parts, fmt.Sprint(ids[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
