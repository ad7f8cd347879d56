#!/usr/bin/env bash
# The arm64 release binary under qemu user emulation: boards, run on the
# tiny model, and the quick bench, on a Pi 4 core (cortex-a72: no dotprod,
# no fp16 arithmetic) and a Pi 5 core (cortex-a76).
# Usage: test/arm64.sh   (installs qemu-user-static from Debian if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v qemu-aarch64-static >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null
fi
work=$(mktemp -d "${TMPDIR:-/var/tmp}/edgemoe-arm64.XXXXXX")
trap 'rm -rf "$work"' EXIT
CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath -o "$work/edgemoe-arm64" ./cmd/edgemoe
go build -o "$work/edgemoe" ./cmd/edgemoe
"$work/edgemoe" synth --shape tiny --dtype q4_k -o "$work/tiny.gguf" >/dev/null
for cpu in cortex-a72 cortex-a76; do
  q="qemu-aarch64-static -cpu $cpu"
  echo "== arm64 on $cpu"
  $q "$work/edgemoe-arm64" version
  $q "$work/edgemoe-arm64" boards | tail -n 6
  $q "$work/edgemoe-arm64" run -m "$work/tiny.gguf" -p "Hello from an emulated board" -n 8 --temp 0 --ctx 128 >"$work/arm.txt" 2>"$work/arm.err" \
    || { cat "$work/arm.err"; exit 1; }
  "$work/edgemoe" run -m "$work/tiny.gguf" -p "Hello from an emulated board" -n 8 --temp 0 --ctx 128 >"$work/x86.txt" 2>/dev/null
  if ! cmp -s "$work/arm.txt" "$work/x86.txt"; then
    echo "note: arm64 and amd64 greedy text differ on $cpu (kernels may round differently):"; cat "$work/arm.txt"; echo; cat "$work/x86.txt"; echo
  fi
  echo "run on $cpu: $(tail -c 200 "$work/arm.txt" | tr '\n' ' ')"
done
for cpu in cortex-a76 cortex-a72; do
  echo "== bench --quick on $cpu"
  rm -f "$work"/bench*
  qemu-aarch64-static -cpu $cpu "$work/edgemoe-arm64" bench --quick --out "$work/bench" 2>&1 | tail -n 5
  ls "$work"/bench.json "$work"/bench.md "$work"/bench-*.svg >/dev/null
done
echo "arm64: ok"
