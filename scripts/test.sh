#!/usr/bin/env bash
# Run the test suite the README documents (shared data from EDGEMOE_SHARED,
# default ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
export EDGEMOE_SHARED="${EDGEMOE_SHARED:-$(cd .. && pwd)/shared}"
go test ./...
