#!/usr/bin/env bash
# Dyad's test command: installs what is missing, builds, and runs
#   1. the whole lit suite (dialect, importer, passes, lowering, runtime,
#      libonnx-testdata conformance, bundled models end to end),
#   2. the same suite on an AddressSanitizer + UBSan build (build-asan/),
#   3. a short deterministic run of each fuzzer (scripts/fuzz.sh: fixed seed,
#      DYAD_TEST_FUZZ_RUNS inputs per target, default 10000: a smoke test;
#      30,000 took 16 of CI's minutes (so 10,000 keeps CI under an
#      hour), and the long runs of
#      docs/reliability.md are where the fuzzers find things).
# DYAD_TEST_SANITIZE=0 skips 2; DYAD_TEST_FUZZ_RUNS=0 skips 3.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD=${DYAD_BUILD_DIR:-build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

rc=0
runlit() {
  echo "== lit: $1"
  set +e
  /usr/lib/llvm-22/bin/lit -sv "$1" 2>&1 | tee -a "$log"
  local r=${PIPESTATUS[0]}
  set -e
  [ "$r" -eq 0 ] || rc=1
}
runlit "$BUILD/test"

if [ "${DYAD_TEST_SANITIZE:-1}" != 0 ]; then
  ASAN=${DYAD_ASAN_BUILD_DIR:-build-asan}
  source scripts/build-lib.sh
  dyad_build "$ASAN" all -DDYAD_SANITIZE=ON
  runlit "$ASAN/test"
fi

if [ "${DYAD_TEST_FUZZ_RUNS:-10000}" != 0 ]; then
  echo "== fuzz"
  if DYAD_FUZZ_RUNS=${DYAD_TEST_FUZZ_RUNS:-10000} bash scripts/fuzz.sh; then
    echo "fuzz: no crash" | tee -a "$log"
  else
    rc=1
  fi
fi

# lit ends with lines like "  Passed: 56 (100.00%)".
count() { { grep -E "^ *($1) *: *[0-9]+" "$log" || true; } | awk -F: '{split($2, a, " "); s += a[1]} END {print s+0}'; }
passed=$(count 'Passed|Expectedly Failed')
failed=$(count 'Failed|Unexpectedly Passed|Unresolved|Timed Out')
echo "lit: $passed passed, $failed failed"
exit "$rc"
