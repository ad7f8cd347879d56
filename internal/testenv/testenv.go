// Package testenv locates the shared test data (golden models, tokenizer
// cases) that tests read from the directory named by EDGEMOE_SHARED.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// Var is the environment variable naming the shared data directory.
const Var = "EDGEMOE_SHARED"

// Shared returns the shared data directory, or skips the test with a
// message when the variable is unset or names a directory that does not
// exist (the README's test command sets it to ../shared, which a fresh
// clone may not have). CI cannot skip: .ci/run fails before the tests when
// the data is missing.
func Shared(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(Var)
	if dir == "" {
		t.Skipf("%s is not set; skipping test that needs the shared golden data (.ci/run sets it)", Var)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("%s=%s does not exist; skipping test that needs the shared golden data", Var, dir)
	}
	return dir
}

// Path joins elements onto the shared directory.
func Path(t testing.TB, elem ...string) string {
	return filepath.Join(append([]string{Shared(t)}, elem...)...)
}
