package boards

// Sources cited below:
//   BOARDS.md = edgemoe design notes "Target boards: published facts"
//   (vendor datasheets and the public benchmarks collected there).
// Figures marked "assumed" have no public measurement we found; run
// `edgemoe bench` on the device and prefer its probes.

const gib = int64(1) << 30

var armDot = []string{"asimd", "fp", "fphp", "asimdhp", "asimddp"}

var profiles = []Profile{
	{
		Name: "rpi5-8g", Title: "Raspberry Pi 5 (8 GB)", Arch: "arm64",
		RAM: 8 * gib, RAMNote: "8 GB LPDDR4X-4267 (Raspberry Pi product brief)",
		Clusters: []Cluster{{Core: "cortex-a76", Part: 0xd0b, CPUs: []int{0, 1, 2, 3}, Big: true,
			GHz: Figure{2.4, "BCM2712 4x Cortex-A76 2.4 GHz (BOARDS.md)"}}},
		Features: armDot, Missing: []string{"i8mm", "sve"},
		PageSize: 16384, // Raspberry Pi OS ships the 16K-page kernel (kernel_2712) for the Pi 5
		MemBW:    Figure{11, "~11 GB/s sustained in LLM decode; 17 GB/s peak on the 32-bit LPDDR4X-4267 bus (BOARDS.md)"},
		CopyBW:   Figure{5.5, "simple copy benchmarks 5-6 GB/s (BOARDS.md)"},
		Storage: []Storage{
			{Device: "NVMe PCIe Gen3 x1 (HAT)", SeqMBps: Figure{780, "0.73-0.84 GB/s at Gen3 (BOARDS.md)"},
				Rand4KMB: Figure{56, "4K random ~56 MB/s (BOARDS.md)"}},
			{Device: "NVMe PCIe Gen2 x1", SeqMBps: Figure{500, "~0.5 GB/s at the default Gen2 link (BOARDS.md)"}},
			{Device: "microSD", SeqMBps: Figure{60, "40-85 MB/s (BOARDS.md)"}},
		},
		Headroom: 1 * gib, IOWorkers: 4,
		Pager: "direct", PagerNote: "explicit O_DIRECT reads beat mmap once the model exceeds RAM (DESIGN.md, published anchors); confirm with bench",
		Context: 4096, KV: "f16",
		match: matcher{compatible: []string{"raspberrypi,5-model-b", "brcm,bcm2712"}, model: []string{"Raspberry Pi 5"}, maxRAM: 12 * gib},
	},
	{
		Name: "rpi5-16g", Title: "Raspberry Pi 5 (16 GB)", Arch: "arm64",
		RAM: 16 * gib, RAMNote: "16 GB LPDDR4X-4267 (Raspberry Pi product brief)",
		Clusters: []Cluster{{Core: "cortex-a76", Part: 0xd0b, CPUs: []int{0, 1, 2, 3}, Big: true,
			GHz: Figure{2.4, "BCM2712 4x Cortex-A76 2.4 GHz (BOARDS.md)"}}},
		Features: armDot, Missing: []string{"i8mm", "sve"},
		PageSize: 16384,
		MemBW:    Figure{11, "~11 GB/s sustained in LLM decode (BOARDS.md; llama.cpp Qwen3-30B-A3B 7.99 tok/s in RAM)"},
		CopyBW:   Figure{5.5, "simple copy benchmarks 5-6 GB/s (BOARDS.md)"},
		Storage: []Storage{
			{Device: "NVMe PCIe Gen3 x1 (HAT)", SeqMBps: Figure{780, "0.73-0.84 GB/s at Gen3 (BOARDS.md)"},
				Rand4KMB: Figure{56, "4K random ~56 MB/s (BOARDS.md)"}},
			{Device: "microSD", SeqMBps: Figure{60, "40-85 MB/s (BOARDS.md)"}},
		},
		Headroom: 3 * gib / 2, IOWorkers: 4,
		Pager: "direct", PagerNote: "explicit O_DIRECT reads beat mmap once the model exceeds RAM (DESIGN.md); confirm with bench",
		Context: 4096, KV: "f16",
		match: matcher{compatible: []string{"raspberrypi,5-model-b", "brcm,bcm2712"}, model: []string{"Raspberry Pi 5"}, minRAM: 12 * gib},
	},
	{
		Name: "rpi4-8g", Title: "Raspberry Pi 4 (8 GB)", Arch: "arm64",
		RAM: 8 * gib, RAMNote: "8 GB LPDDR4-3200 (Raspberry Pi product brief)",
		Clusters: []Cluster{{Core: "cortex-a72", Part: 0xd08, CPUs: []int{0, 1, 2, 3}, Big: true,
			GHz: Figure{1.8, "BCM2711 4x Cortex-A72, 1.8 GHz on current revisions (1.5 GHz on early boards)"}}},
		Features: []string{"asimd", "fp"}, Missing: []string{"asimdhp", "asimddp", "i8mm", "sve"},
		PageSize: 4096,
		MemBW:    Figure{2.8, "~2.8 GB/s copy (BOARDS.md); used as the read figure"},
		CopyBW:   Figure{2.8, "~2.8 GB/s copy (BOARDS.md)"},
		Storage: []Storage{
			{Device: "USB 3 SSD (UASP)", SeqMBps: Figure{350, "assumed: typical USB 3.0 SATA SSD through the VL805"}},
			{Device: "microSD", SeqMBps: Figure{45, "assumed: the Pi 4 SD interface (DDR50) caps near 45 MB/s"}},
		},
		Headroom: 768 << 20, IOWorkers: 2,
		Pager: "direct", PagerNote: "O_DIRECT keeps the page cache out of a small RAM (DESIGN.md); confirm with bench",
		Context: 2048, KV: "f16",
		match: matcher{compatible: []string{"raspberrypi,4-model-b", "brcm,bcm2711"}, model: []string{"Raspberry Pi 4"}},
	},
	{
		Name: "rk3588", Title: "RK3588 (Orange Pi 5, Rock 5B)", Arch: "arm64",
		RAM: 16 * gib, RAMNote: "4-32 GB LPDDR4X/5 depending on the board (BOARDS.md); 16 GB assumed when undetected",
		Clusters: []Cluster{
			{Core: "cortex-a55", Part: 0xd05, CPUs: []int{0, 1, 2, 3},
				GHz: Figure{1.8, "RK3588 datasheet: 4x Cortex-A55 up to 1.8 GHz"}},
			{Core: "cortex-a76", Part: 0xd0b, CPUs: []int{4, 5, 6, 7}, Big: true,
				GHz: Figure{2.4, "RK3588 datasheet: 4x Cortex-A76 up to 2.4 GHz"}},
		},
		Features: armDot, Missing: []string{"i8mm", "sve"},
		PageSize: 4096,
		MemBW:    Figure{10, "~10 GB/s single-thread memcpy (BOARDS.md)"},
		Storage: []Storage{
			{Device: "NVMe PCIe 3.0 x4 (Rock 5B, Orange Pi 5 Plus)", SeqMBps: Figure{2000, "assumed: typical Gen3 x4 SSD; no public measurement found (BOARDS.md)"}},
			{Device: "NVMe PCIe 2.0 x1 (Orange Pi 5)", SeqMBps: Figure{400, "assumed: Gen2 x1 link"}},
			{Device: "microSD", SeqMBps: Figure{60, "assumed: UHS-I card"}},
		},
		Headroom: 1 * gib, IOWorkers: 4,
		Pager: "direct", PagerNote: "explicit O_DIRECT reads beat mmap once the model exceeds RAM (DESIGN.md); confirm with bench",
		Context: 4096, KV: "f16",
		match: matcher{compatible: []string{"rockchip,rk3588", "rockchip,rk3588s"}, model: []string{"RK3588", "Orange Pi 5", "ROCK 5", "Rock 5"}},
	},
	{
		Name: "orin-nano", Title: "Jetson Orin Nano 8 GB (CPU only)", Arch: "arm64",
		RAM: 8 * gib, RAMNote: "8 GB LPDDR5 shared with the GPU (NVIDIA module data sheet)",
		Clusters: []Cluster{{Core: "cortex-a78ae", Part: 0xd42, CPUs: []int{0, 1, 2, 3, 4, 5}, Big: true,
			GHz: Figure{1.5, "6x Cortex-A78AE 1.5 GHz (1.7 GHz in Super mode), NVIDIA data sheet"}}},
		Features: armDot, Missing: []string{"i8mm", "sve"},
		PageSize: 4096,
		MemBW:    Figure{34, "assumed half of the 68 GB/s LPDDR5 peak (BOARDS.md) for the CPU cluster; CPU-only figures not found"},
		Storage: []Storage{
			{Device: "NVMe PCIe Gen3 x4", SeqMBps: Figure{2000, "assumed: typical Gen3 x4 SSD on the carrier's M.2 slot"}},
			{Device: "microSD", SeqMBps: Figure{60, "assumed: UHS-I card"}},
		},
		Headroom: 3 * gib / 2, IOWorkers: 4,
		Pager: "direct", PagerNote: "explicit O_DIRECT reads beat mmap once the model exceeds RAM (DESIGN.md); confirm with bench",
		Context: 4096, KV: "f16",
		match: matcher{compatible: []string{"nvidia,p3767-0003", "nvidia,p3767-0004", "nvidia,p3767-0005", "nvidia,p3768-0000+p3767-0005", "nvidia,tegra234"}, model: []string{"Orin Nano"}},
	},
	{
		Name: "x86-avx2", Title: "x86-64 AVX2 host", Arch: "amd64",
		RAM: 32 * gib, RAMNote: "assumed 32 GB when undetected; detection uses MemTotal",
		Clusters: []Cluster{{Core: "x86-64", CPUs: []int{0, 1, 2, 3, 4, 5, 6, 7}, Big: true}},
		Features: []string{"avx2", "fma", "f16c"}, Missing: nil,
		PageSize: 4096,
		MemBW:    Figure{30, "assumed dual-channel DDR4/5; this project's dev host measured 35-45 GB/s (BOARDS.md)"},
		Storage: []Storage{
			{Device: "NVMe Gen3-5", SeqMBps: Figure{2500, "NVMe Gen3-5: 2.5-11 GB/s (BOARDS.md); the low end"},
				Rand4KMB: Figure{74, "dev host: ~74 MB/s at 4 KiB O_DIRECT (BOARDS.md)"}},
		},
		Headroom: 2 * gib, IOWorkers: 4,
		Pager: "mmap", PagerNote: "product default; hosts usually hold the page cache comfortably",
		Context: 4096, KV: "f32",
	},
	{
		Name: "generic", Title: "generic host (detected facts only)", Arch: "",
		RAMNote:  "MemTotal or the cgroup limit",
		MemBW:    Figure{10, "assumed; run edgemoe bench to measure"},
		Storage:  []Storage{{Device: "unknown", SeqMBps: Figure{500, "assumed; run edgemoe bench to measure"}}},
		PageSize: 4096, Headroom: 1 * gib, IOWorkers: 2,
		Pager: "mmap", PagerNote: "product default",
		Context: 4096, KV: "f32",
	},
}
