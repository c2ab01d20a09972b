#!/usr/bin/env bash
# Dyad's test command: installs what is missing, builds, and runs the whole lit
# suite (dialect, importer, passes, libonnx-testdata conformance, bundled models).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD=${DYAD_BUILD_DIR:-build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
/usr/lib/llvm-22/bin/lit -sv "$BUILD/test" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
passed=$(awk '/^ *(Passed|Expectedly Failed): *[0-9]+/ {s += $NF} END {print s+0}' "$log")
failed=$(awk '/^ *(Failed|Unexpectedly Passed|Unresolved|Timed Out): *[0-9]+/ {s += $NF} END {print s+0}' "$log")
echo "lit: $passed passed, $failed failed"
exit "$rc"
