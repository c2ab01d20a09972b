#!/usr/bin/env bash
# Dyad's main job on a bundled real model: import the ONNX model into the dyad
# dialect, verify it, and print its op summary and the imported IR's head.
# (Code generation lands with the CPU issue: this same command will then
# compile the model to native code, run the real test set and print accuracy
# and images/s.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
MODEL=${1:-models/mnist_cnn.onnx}
BIN=${DYAD_BUILD_DIR:-build}/bin
"$BIN/dyad-import" --op-stats "$MODEL"
out=$(mktemp --suffix=.mlir)
trap 'rm -f "$out"' EXIT
start=$(date +%s%N)
"$BIN/dyad-import" "$MODEL" -o "$out"
end=$(date +%s%N)
echo
echo "imported $MODEL in $(( (end - start) / 1000000 )) ms: $(grep -c 'dyad\.' "$out") dyad ops"
grep -o 'dyad\.[a-z_]*' "$out" | sort | uniq -c | sort -rn | awk '{printf "  %-28s %d\n", $2, $1}'
echo
echo "--- imported IR (weights elided) ---"
sed -E 's/dense<"0x[0-9A-F]+">/dense<"0x...">/; s/dense<\[[^]]{60,}\]>/dense<[...]>/' "$out" | cut -c1-200 | head -40
