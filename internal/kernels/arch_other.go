//go:build purego || !(amd64 || arm64)

package kernels

// archName names the accelerated kernel set; none on this build.
const archName = "generic"

// setAccel installs the architecture kernels when on (none on this build)
// and the generic ones otherwise; it reports whether accelerated kernels
// are in use. Tests flip it to run both paths on one machine.
func setAccel(on bool) bool {
	ops = genericOps()
	dotF32F32Impl = dotF32F32Generic
	return false
}

// readSumImpl is the STREAM-like read loop of the bandwidth benchmark.
func readSumImpl(b []byte) uint64 { return readSumGeneric(b) }
