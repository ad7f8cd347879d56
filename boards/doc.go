// Package boards owns the board profiles edgemoe knows (Raspberry Pi 5 and
// 4, RK3588 boards, Jetson Orin Nano's CPU, a generic x86-64 AVX2 host) as
// data with a source for every figure, the detection of the board this
// process runs on (device tree, /proc/cpuinfo, golang.org/x/sys/cpu,
// MemTotal and the cgroup memory limit), and the defaults a profile
// suggests (budget, threads and cores, I/O concurrency, pager, context).
//
// It does not own configuration: Defaults is a plain struct that the
// command layer maps to edge.Config; nothing deep in the runtime reads a
// profile. It imports only the standard library and golang.org/x/sys.
// Systemd units live in boards/systemd, which has its own owner.
package boards
