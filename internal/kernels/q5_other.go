//go:build purego || !(amd64 || arm64)

package kernels

// installQ5_0 installs the accelerated Q5_0 kernel; there is none on this
// build, so Q5_0 stays generic.
func installQ5_0() {}
