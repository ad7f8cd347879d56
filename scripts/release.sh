#!/usr/bin/env bash
# Build the release binaries: static (CGO_ENABLED=0), -trimpath, version
# stamped from `git describe --always --dirty`, for linux/arm64 and
# linux/amd64, into dist/ with a SHA256SUMS file (sha256sum format).
#
# arm64: GOARM64 is left at Go's default (v8.0), so the binary runs on a
# Raspberry Pi 4 (Cortex-A72, plain ARMv8.0). Do not raise it: v8.2 would
# exclude the Pi 4, and the kernels choose dotprod/fp16 at run time anyway.
# amd64: GOAMD64 stays at the default v1; the AVX2 kernels are chosen at run
# time from golang.org/x/sys/cpu.
#
# usage: scripts/release.sh [OUTDIR]   (default: dist)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

out="${1:-dist}"
version="$(git describe --always --dirty 2>/dev/null || echo unknown)"
mkdir -p "$out"
rm -f "$out/SHA256SUMS"

for arch in arm64 amd64; do
  bin="$out/edgemoe-linux-$arch"
  echo "release: building $bin ($version)" >&2
  env -u GOARM64 -u GOAMD64 CGO_ENABLED=0 GOOS=linux GOARCH="$arch" \
    go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$bin" ./cmd/edgemoe
done

(cd "$out" && sha256sum edgemoe-linux-arm64 edgemoe-linux-amd64 > SHA256SUMS)
echo "release: wrote $out/edgemoe-linux-arm64, $out/edgemoe-linux-amd64, $out/SHA256SUMS" >&2
cat "$out/SHA256SUMS"
