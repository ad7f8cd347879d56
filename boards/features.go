package boards

import "golang.org/x/sys/cpu"

// hostFeatures lists the features golang.org/x/sys/cpu reports that the
// kernels care about, named as /proc/cpuinfo names them.
func hostFeatures() []string {
	var out []string
	add := func(ok bool, name string) {
		if ok {
			out = append(out, name)
		}
	}
	add(cpu.X86.HasAVX2, "avx2")
	add(cpu.X86.HasFMA, "fma")
	add(cpu.X86.HasAVX512F, "avx512f")
	add(cpu.X86.HasAVX512VNNI, "avx512_vnni")
	add(cpu.X86.HasAVXVNNI, "avx_vnni")
	add(cpu.ARM64.HasASIMD, "asimd")
	add(cpu.ARM64.HasFPHP, "fphp")
	add(cpu.ARM64.HasASIMDHP, "asimdhp")
	add(cpu.ARM64.HasASIMDDP, "asimddp")
	add(cpu.ARM64.HasI8MM, "i8mm")
	add(cpu.ARM64.HasSVE, "sve")
	return out
}
