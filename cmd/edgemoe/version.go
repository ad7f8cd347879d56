package main

import (
	"fmt"
	"io"
	"runtime"
)

// version is stamped at link time by scripts/release.sh:
// -ldflags "-X main.version=$(git describe --always --dirty)".
var version = "dev"

func init() {
	register("version", "print the version, Go version, platform and kernel implementations", runVersion)
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", stderr)
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "edgemoe %s\n%s %s/%s\nkernels: %s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH, kernelSummary())
	return nil
}
