.PHONY: release test

# Static linux/arm64 and linux/amd64 binaries in dist/ with SHA256SUMS.
release:
	scripts/release.sh

# The test suite (EDGEMOE_SHARED defaults to ../shared).
test:
	scripts/test.sh
