package boards

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// CPU is one logical CPU as /proc/cpuinfo describes it.
type CPU struct {
	ID   int    `json:"id"`
	Part uint16 `json:"part,omitempty"` // MIDR part number (arm64)
	Core string `json:"core"`           // name of Part, or the x86 model name
}

// Facts are what detection read from the machine (or a fake root). The
// zero value means nothing was found.
type Facts struct {
	Arch        string   `json:"arch"`
	Model       string   `json:"dt_model,omitempty"`
	Compatible  []string `json:"dt_compatible,omitempty"`
	CPUs        []CPU    `json:"cpus"`
	Features    []string `json:"features"`
	MemTotal    int64    `json:"mem_total_bytes"`
	CgroupLimit int64    `json:"cgroup_limit_bytes,omitempty"`
	CgroupFile  string   `json:"cgroup_file,omitempty"`
	PageSize    int      `json:"page_size"`
}

// partNames maps arm64 MIDR part numbers (implementer 0x41, Arm) to cores.
var partNames = map[uint16]string{
	0xd03: "cortex-a53", 0xd04: "cortex-a35", 0xd05: "cortex-a55", 0xd07: "cortex-a57",
	0xd08: "cortex-a72", 0xd09: "cortex-a73", 0xd0a: "cortex-a75", 0xd0b: "cortex-a76",
	0xd0c: "neoverse-n1", 0xd0d: "cortex-a77", 0xd41: "cortex-a78", 0xd42: "cortex-a78ae",
	0xd44: "cortex-x1", 0xd46: "cortex-a510", 0xd47: "cortex-a710", 0xd48: "cortex-x2",
	0xd4b: "cortex-a78c", 0xd40: "neoverse-v1", 0xd49: "neoverse-n2", 0xd4f: "neoverse-v2",
}

// PartName names an Arm CPU part number ("0xd0b" -> "cortex-a76").
func PartName(part uint16) string {
	if n, ok := partNames[part]; ok {
		return n
	}
	return "arm-part-0x" + strconv.FormatUint(uint64(part), 16)
}

// readFacts reads the fake or real root; missing files leave fields
// empty, never an error.
func readFacts(root string) Facts {
	var f Facts
	f.Model = strings.TrimSpace(strings.TrimRight(readString(root, "proc/device-tree/model"), "\x00"))
	for _, c := range strings.Split(readString(root, "proc/device-tree/compatible"), "\x00") {
		if c = strings.TrimSpace(c); c != "" {
			f.Compatible = append(f.Compatible, c)
		}
	}
	f.CPUs, f.Features, f.Arch = parseCPUInfo(readString(root, "proc/cpuinfo"))
	f.MemTotal = memTotal(readString(root, "proc/meminfo"))
	f.CgroupLimit, f.CgroupFile = cgroupLimit(root)
	f.PageSize = pageSizeFromTHP(readString(root, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size"))
	return f
}

func readString(root, rel string) string {
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		return ""
	}
	return string(b)
}

// parseCPUInfo reads processor blocks of arm64 ("CPU part", "Features")
// and x86 ("model name", "flags") /proc/cpuinfo.
func parseCPUInfo(s string) (cpus []CPU, features []string, arch string) {
	cur := -1
	feat := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "processor":
			if id, err := strconv.Atoi(v); err == nil {
				cpus = append(cpus, CPU{ID: id})
				cur = len(cpus) - 1
			}
		case "CPU part":
			arch = "arm64"
			if p, err := strconv.ParseUint(strings.TrimPrefix(v, "0x"), 16, 16); err == nil && cur >= 0 {
				cpus[cur].Part, cpus[cur].Core = uint16(p), PartName(uint16(p))
			}
		case "model name":
			if cur >= 0 {
				cpus[cur].Core = v
			}
		case "Features", "flags":
			if k == "flags" {
				arch = "amd64"
			}
			for _, x := range strings.Fields(v) {
				feat[x] = true
			}
		}
	}
	for x := range feat {
		features = append(features, x)
	}
	sort.Strings(features)
	return cpus, features, arch
}

func memTotal(s string) int64 {
	for _, line := range strings.Split(s, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cgroupLimit follows root/proc/self/cgroup to a v2 memory.max or v1
// memory.limit_in_bytes; 0 when unlimited or unknown.
func cgroupLimit(root string) (int64, string) {
	sc := bufio.NewScanner(bytes.NewReader([]byte(readString(root, "proc/self/cgroup"))))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		var rel string
		switch {
		case parts[0] == "0" && parts[1] == "":
			rel = filepath.Join("sys/fs/cgroup", parts[2], "memory.max")
		case strings.Contains(","+parts[1]+",", ",memory,"):
			rel = filepath.Join("sys/fs/cgroup/memory", parts[2], "memory.limit_in_bytes")
		default:
			continue
		}
		v, err := strconv.ParseInt(strings.TrimSpace(readString(root, rel)), 10, 64)
		if err != nil || v <= 0 || v >= 1<<60 {
			continue
		}
		return v, "/" + rel
	}
	return 0, ""
}

// pageSizeFromTHP infers the base page size from the PMD huge page size
// (2 MiB -> 4 KiB, 32 MiB -> 16 KiB, 512 MiB -> 64 KiB); 0 when unknown.
func pageSizeFromTHP(s string) int {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0
	}
	switch v {
	case 2 << 20:
		return 4096
	case 32 << 20:
		return 16384
	case 512 << 20:
		return 65536
	}
	return 0
}

// hasFeature reports whether f lists x.
func (f Facts) hasFeature(x string) bool {
	for _, y := range f.Features {
		if y == x {
			return true
		}
	}
	return false
}

// clusters groups the CPUs by core type, in order of first CPU id.
func (f Facts) clusters() []Cluster {
	idx := map[string]int{}
	var out []Cluster
	for _, c := range f.CPUs {
		name := c.Core
		if name == "" {
			name = "unknown"
		}
		i, ok := idx[name]
		if !ok {
			i = len(out)
			idx[name] = i
			out = append(out, Cluster{Core: name, Part: c.Part})
		}
		out[i].CPUs = append(out[i].CPUs, c.ID)
	}
	return out
}
