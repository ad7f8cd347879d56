#!/usr/bin/env bash
# Proves the memory budget under a real cgroup cap: a synthetic model of at
# least 4 GB runs 128 tokens with the process capped at about a quarter of
# the file size (page cache counted), with --mem set to that cap.
# Usage: test/memlimit.sh [TOKENS] [PAGER]   (needs root and ../shared/tools/memlimit)
set -euo pipefail
cd "$(dirname "$0")/.."
tokens=${1:-128}
pager=${2:-mmap}
shared="${EDGEMOE_SHARED:-$(cd .. && pwd)/shared}"
memlimit="$shared/tools/memlimit"
work=$(mktemp -d "${TMPDIR:-/var/tmp}/edgemoe-memlimit.XXXXXX")
trap 'rm -rf "$work"' EXIT

go build -o "$work/edgemoe" ./cmd/edgemoe
model="$work/big.gguf"
"$work/edgemoe" synth --shape demo --layers 48 --dtype q4_k -o "$model" >/dev/null
size=$(stat -c %s "$model")
cap=$(( size / 4 ))
echo "memlimit test: model $(( size >> 20 )) MiB, cap $(( cap >> 20 )) MiB, $tokens tokens, pager $pager"
# Start cold: the model file must not sit in page cache charged elsewhere.
sync; echo 1 > /proc/sys/vm/drop_caches 2>/dev/null || true

set +e
"$memlimit" "$cap" -- "$work/edgemoe" run -m "$model" --mem "$cap" --pager "$pager" -n "$tokens" --temp 0 \
  -p "Describe the memory hierarchy of a small computer." --ctx 512 --stats-json "$work/stats.json" \
  >"$work/out.txt" 2>"$work/err.txt"
code=$?
set -e
cat "$work/err.txt" | grep -v '^$' | tail -4
line=$(grep '^memlimit:' "$work/err.txt" | tail -1)
peak=$(sed -n 's/.*peak=\([0-9]*\).*/\1/p' <<<"$line")
ooms=$(sed -n 's/.*oom_kills=\([0-9]*\).*/\1/p' <<<"$line")
gen=$(grep -o '"generated_tokens": [0-9]*' "$work/stats.json" 2>/dev/null | grep -o '[0-9]*$' || echo 0)
fail=0
[ "$code" -eq 0 ] || { echo "FAIL: edgemoe exited $code"; fail=1; }
[ "${ooms:-1}" -eq 0 ] || { echo "FAIL: $ooms OOM kills"; fail=1; }
[ "${gen:-0}" -eq "$tokens" ] || { echo "FAIL: generated $gen of $tokens tokens"; fail=1; }
# The cgroup cannot exceed its cap; check the peak is within 2% of it and report how full it ran.
[ -n "$peak" ] && [ "$peak" -le $(( cap + cap / 50 )) ] || { echo "FAIL: peak $peak over cap $cap + 2%"; fail=1; }
echo "memlimit test: peak $(( ${peak:-0} >> 20 )) MiB of cap $(( cap >> 20 )) MiB ($(( ${peak:-0} * 100 / cap ))%), exit $code, oom kills ${ooms:-?}, tokens $gen"
exit $fail
