#!/usr/bin/env bash
# Builds the libFuzzer targets (ASan + UBSan) and runs each for a fixed time
# on a seed corpus of real models; fails if any input crashes.
#
#   bash scripts/fuzz.sh [seconds per target]     (default 60)
#   DYAD_FUZZ_RUNS=N bash scripts/fuzz.sh          (N inputs per target, fixed
#                                                   seed, fresh corpus: the
#                                                   same result on every run,
#                                                   as CI needs)
#
#   DYAD_FUZZ_TARGETS="import"                     (only these targets)
#   DYAD_FUZZ_FORK=N                               (N worker processes,
#                                                   libFuzzer's -fork; keeps
#                                                   going past crashes,
#                                                   timeouts and OOMs, all
#                                                   saved to the findings)
#
# Seeds: the bundled models and libonnx-testdata models (import fuzzer), and
# their dyad IR from dyad-import (pipeline fuzzer). Findings land in
# build-fuzz/findings/<target>/ (crash-*, leak-*, timeout-*, oom-*: failures;
# slow-unit-*, inputs over 10 s, are kept but do not fail the run).
#
# The import fuzzer mutates models as protobuf messages (attribute values
# and types, dims, dtypes, node order and wiring, opsets: see
# tools/fuzz/onnx-mutator.cpp), with byte mutations for one input in eight.
# The long run of docs/reliability.md (over 1,000,000 inputs, two workers,
# niced on a shared machine):
#   DYAD_FUZZ_TARGETS=import DYAD_FUZZ_FORK=2 nice bash scripts/fuzz.sh 3600
# Reproduce a finding: build-fuzz/bin/dyad-import-fuzzer FILE (or
# build/bin/dyad-import FILE for the diagnostic).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
bash scripts/setup.sh >/dev/null
FUZZ=${DYAD_FUZZ_BUILD_DIR:-build-fuzz}
source scripts/build-lib.sh
dyad_build "$FUZZ" "dyad-import-fuzzer dyad-pipeline-fuzzer" -DDYAD_FUZZ=ON -DDYAD_SANITIZE=ON

# Seed corpora (rebuilt each time; small files only).
seeds="$FUZZ/seeds"
rm -rf "$seeds" && mkdir -p "$seeds/import" "$seeds/pipeline"
cp models/*.onnx "$seeds/import/"
data=/usr/share/libonnx-testdata/data
i=0
for m in "$data"/node/*/model.onnx "$data"/pytorch-operator/*/model.onnx "$data"/simple/*/model.onnx; do
  [ "$(stat -c %s "$m")" -lt 65536 ] || continue
  i=$((i + 1))
  cp "$m" "$seeds/import/td$i.onnx"
  build/bin/dyad-import "$m" -o "$seeds/pipeline/td$i.mlir" 2>/dev/null || rm -f "$seeds/pipeline/td$i.mlir"
done

# Quantized seeds: each bundled model's QDQ graph (after dyad-quantize with
# a table from a short calibration run) and its integerized graph.
calib="$FUZZ/seeds/calib.npy"
/usr/bin/python3 -c "import numpy as np; np.save('$calib', np.random.default_rng(0).standard_normal((8, 1, 28, 28)).astype(np.float32))"
for m in models/*.onnx; do
  n=$(basename "$m" .onnx)
  table="$FUZZ/seeds/$n.calib.json"
  build/bin/dyadc "$m" --quantize --allow-float-ops --calibrate "$calib" \
      --calib-table "$table" --emit=dyad -o "$seeds/pipeline/$n.int.mlir" 2>/dev/null || continue
  build/bin/dyad-import --tensor-names --simplify "$m" 2>/dev/null |
    build/bin/dyad-opt --pass-pipeline="builtin.module(func.func(dyad-quantize{table=$table}))" \
      -o "$seeds/pipeline/$n.qdq.mlir" 2>/dev/null || true
  rm -f "$table"
done

status=0
for target in ${DYAD_FUZZ_TARGETS:-import pipeline}; do
  corpus="$FUZZ/corpus/$target" findings="$FUZZ/findings/$target"
  if [ -n "${DYAD_FUZZ_RUNS:-}" ]; then
    # Deterministic: fixed seed, fixed input count, a corpus of seeds only.
    corpus="$FUZZ/corpus-ci/$target"
    rm -rf "$corpus"
    budget=(-runs="$DYAD_FUZZ_RUNS" -seed=1)
    echo "fuzz: dyad-$target-fuzzer, $DYAD_FUZZ_RUNS inputs, seed 1 ($(ls "$seeds/$target" | wc -l) seeds)"
  else
    budget=(-max_total_time="$SECONDS_PER_TARGET")
    echo "fuzz: dyad-$target-fuzzer for ${SECONDS_PER_TARGET}s ($(ls "$seeds/$target" | wc -l) seeds)"
  fi
  if [ -n "${DYAD_FUZZ_FORK:-}" ]; then
    budget+=(-fork="$DYAD_FUZZ_FORK" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  mkdir -p "$corpus" "$findings"
  # The verdict counts crashes, leaks, timeouts and OOMs; libFuzzer's
  # slow-unit-* files (an input over 10 s, such as a bundled ViT's whole
  # integer graph through the pipeline under ASan) are kept but are not
  # failures (timeouts, at 60 s, are).
  problems() { ls "$findings" | grep -cE '^(crash|leak|timeout|oom)-' || true; }
  before=$(problems)
  log="$FUZZ/fuzz-$target.log"
  # allow_user_poisoning=0: see test/lit.cfg.py (LLVM's BumpPtrAllocator is
  # inlined instrumented into Dyad and uninstrumented in libMLIR).
  if ! ASAN_OPTIONS=detect_leaks=1:allow_user_poisoning=0 UBSAN_OPTIONS=print_stacktrace=1 \
      "$FUZZ/bin/dyad-$target-fuzzer" "$corpus" "$seeds/$target" \
      "${budget[@]}" -timeout=60 -rss_limit_mb=4096 \
      -max_len=1048576 -artifact_prefix="$findings/" -print_final_stats=1 \
      > "$log" 2>&1; then
    echo "fuzz: dyad-$target-fuzzer FOUND A PROBLEM (see $log, $findings)"
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5 || true
    status=1
  fi
  # -fork keeps going past findings and exits 0: new files are the verdict.
  if [ "$(problems)" -gt "$before" ]; then
    echo "fuzz: dyad-$target-fuzzer FOUND $(( $(problems) - before )) PROBLEM INPUT(S) in $findings"
    status=1
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' ||
         grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || echo "?")
  echo "fuzz: dyad-$target-fuzzer: $runs executions"
done
exit $status
