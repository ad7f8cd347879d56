package boards

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDetectRoot(t *testing.T) {
	tests := []struct {
		dir, want string
		matched   bool
		threads   int
		cpus      []int // pinned CPUs (nil: no pinning)
		pageSize  int
		budget    int64
		evidence  string
	}{
		{"rpi5-8g", "rpi5-8g", true, 4, nil, 16384, 8245160<<10 - gib, "compatible raspberrypi,5-model-b"},
		{"rpi5-16g", "rpi5-16g", true, 4, nil, 16384, 16608000<<10 - 3*gib/2, "cpus 0-3: cortex-a76"},
		{"rpi4-8g", "rpi4-8g", true, 4, nil, 4096, 7998272<<10 - 768<<20, "cortex-a72"},
		{"rock5b", "rk3588", true, 4, []int{4, 5, 6, 7}, 4096, 16084000<<10 - gib, "cpus 0-3: cortex-a55"},
		{"orangepi5", "rk3588", true, 4, []int{4, 5, 6, 7}, 4096, 8012000<<10 - gib, "compatible rockchip,rk3588s"},
		{"orin-nano", "orin-nano", true, 6, nil, 4096, 7834000<<10 - 3*gib/2, "cortex-a78ae"},
		{"x86-host", "x86-avx2", true, 2, nil, 4096, 24597000<<10 - 2*gib, "avx2 and fma"},
		{"x86-cgroup", "x86-avx2", true, 2, nil, 4096, 4*gib - 4*gib/20, "cgroup memory limit: 4.0 GiB"},
		{"unknown-arm", "generic", false, 2, nil, 65536, 4000000<<10 - gib, "no board profile matched"},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			d := DetectRoot(filepath.Join("testdata", tc.dir))
			if d.Profile.Name != tc.want || d.Matched != tc.matched {
				t.Fatalf("profile %s matched %v, want %s %v; evidence:\n%s", d.Profile.Name, d.Matched, tc.want, tc.matched,
					strings.Join(d.Evidence, "\n"))
			}
			def := d.Profile.Defaults(d.Facts)
			if def.Threads != tc.threads || !slices.Equal(def.CPUs, tc.cpus) {
				t.Errorf("threads %d cpus %v, want %d %v", def.Threads, def.CPUs, tc.threads, tc.cpus)
			}
			if d.Profile.PageSize != tc.pageSize {
				t.Errorf("page size %d, want %d", d.Profile.PageSize, tc.pageSize)
			}
			if def.Budget != tc.budget {
				t.Errorf("budget %d, want %d (%s)", def.Budget, tc.budget, def.BudgetSource)
			}
			if !strings.Contains(strings.Join(d.Evidence, "\n"), tc.evidence) {
				t.Errorf("evidence lacks %q:\n%s", tc.evidence, strings.Join(d.Evidence, "\n"))
			}
		})
	}
}

func TestCgroupBudget(t *testing.T) {
	d := DetectRoot("testdata/x86-cgroup")
	if d.Facts.CgroupLimit != 4*gib || d.Facts.CgroupFile != "/sys/fs/cgroup/memory/bench/memory.limit_in_bytes" {
		t.Fatalf("cgroup %d %q", d.Facts.CgroupLimit, d.Facts.CgroupFile)
	}
	if got, want := d.Profile.Defaults(d.Facts).Budget, 4*gib-4*gib/20; got != want {
		t.Errorf("budget %d, want %d", got, want)
	}
}

func TestParseCPUInfoParts(t *testing.T) {
	cpus, feats, arch := parseCPUInfo("processor : 0\nFeatures : fp asimd asimddp\nCPU part : 0xd0b\n\nprocessor : 1\nFeatures : fp asimd asimddp\nCPU part : 0xd42\n")
	if arch != "arm64" || len(cpus) != 2 || cpus[0].Core != "cortex-a76" || cpus[1].Core != "cortex-a78ae" {
		t.Fatalf("got %v %s", cpus, arch)
	}
	if !slices.Equal(feats, []string{"asimd", "asimddp", "fp"}) {
		t.Errorf("features %v", feats)
	}
	for part, name := range map[uint16]string{0xd08: "cortex-a72", 0xd05: "cortex-a55", 0xfff: "arm-part-0xfff"} {
		if got := PartName(part); got != name {
			t.Errorf("PartName(%#x) = %s, want %s", part, got, name)
		}
	}
}

func TestProfilesHaveSources(t *testing.T) {
	for _, p := range Profiles() {
		if p.MemBW.Value <= 0 || p.MemBW.Source == "" {
			t.Errorf("%s: memory bandwidth without a value or source", p.Name)
		}
		for _, s := range p.Storage {
			if s.SeqMBps.Value <= 0 || s.SeqMBps.Source == "" {
				t.Errorf("%s: storage %s without a value or source", p.Name, s.Device)
			}
		}
		for _, c := range p.Clusters {
			if c.GHz.Value > 0 && c.GHz.Source == "" {
				t.Errorf("%s: clock without a source", p.Name)
			}
		}
		if p.Pager != "mmap" && p.Pager != "direct" {
			t.Errorf("%s: pager %q", p.Name, p.Pager)
		}
		if _, err := Lookup(strings.ToUpper(p.Name)); err != nil {
			t.Errorf("lookup %s: %v", p.Name, err)
		}
	}
	if _, err := Lookup("nope"); err == nil {
		t.Error("lookup of an unknown board succeeded")
	}
}

func TestDetectLive(t *testing.T) {
	d := Detect()
	if d.Profile.Name == "" || len(d.Evidence) == 0 || d.Facts.PageSize <= 0 {
		t.Fatalf("live detection: %+v", d)
	}
}
