#!/usr/bin/env bash
# End-to-end test of `edgemoe serve` with the official openai npm client:
# builds the binary, writes a tiny synthetic model, records what
# `edgemoe run` prints for a prompt and seed, starts serve on a free
# loopback port, runs test.mjs (node --test) against it, then stops the
# server with SIGTERM and checks it exits 0. Needs go, node >= 18, npm.
# Extra build flags: GOFLAGS (e.g. GOFLAGS=-tags=purego).
set -euo pipefail
cd "$(dirname "$0")"
e2e=$PWD
root=$(cd ../.. && pwd)
export PATH="$PATH:/usr/local/go/bin"
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "e2e: building edgemoe"
(cd "$root" && go build -o "$tmp/edgemoe" ./cmd/edgemoe)
bin=$tmp/edgemoe
"$bin" synth --shape tiny -o "$tmp/tiny.gguf" >/dev/null 2>&1

prompt="Tell me about the mountains of the moon."
n=16 temp=0.7 top_p=0.95 seed=1234
printf '{"prompt": "%s", "n": %d, "temp": %s, "top_p": %s, "seed": %d}\n' "$prompt" $n $temp $top_p $seed >"$tmp/params.json"
"$bin" run -m "$tmp/tiny.gguf" -p "$prompt" -n $n --temp $temp --top-p $top_p --seed $seed >"$tmp/chat.txt" 2>"$tmp/run.log"
"$bin" run -m "$tmp/tiny.gguf" -p "$prompt" -n $n --temp $temp --top-p $top_p --seed $seed --raw >"$tmp/raw.txt" 2>>"$tmp/run.log"

echo "e2e-key-$$" >"$tmp/key"
"$bin" serve -m "$tmp/tiny.gguf" --addr 127.0.0.1:0 --api-key-file "$tmp/key" 2>"$tmp/serve.log" &
pid=$!
url=""
for _ in $(seq 600); do
  url=$(sed -n 's/.*serving .* on \(http:[^ ]*\).*/\1/p' "$tmp/serve.log" | head -1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "e2e: serve exited:"; cat "$tmp/serve.log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "e2e: serve did not start:"; cat "$tmp/serve.log"; exit 1; }
echo "e2e: serving at $url"

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
status=0
EDGEMOE_URL=$url EDGEMOE_API_KEY=$(cat "$tmp/key") EDGEMOE_MODEL_ID=tiny EDGEMOE_REF_DIR=$tmp \
  node --test --test-reporter=spec "$e2e/test.mjs" || status=$?

kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=""
if [ "$code" -ne 0 ]; then
  echo "e2e: serve exited $code after SIGTERM:"; cat "$tmp/serve.log"; status=1
fi
if [ "$status" -ne 0 ]; then echo "e2e: FAILED"; cat "$tmp/serve.log"; fi
exit "$status"
