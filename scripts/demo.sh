#!/usr/bin/env bash
# Dyad's main job on a bundled real model: compile the ONNX model to a native
# shared library with dyadc, run the full real test set through it, and print
# accuracy (against the model's fp32 reference) and speed; then the same
# model quantized to integer-only int8 (calibrated on 1000 training images).
#
#   bash scripts/demo.sh [models/<name>.onnx]     (default: models/mnist_cnn.onnx)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
MODEL=${1:-models/mnist_cnn.onnx}
BIN=${DYAD_BUILD_DIR:-build}/bin
"$BIN/dyad-import" --op-stats "$MODEL"
echo
/usr/bin/python3 models/evaluate.py "$MODEL" --bin "$BIN"
echo
# Every bundled model, the ViTs included (Softmax, LayerNorm, GELU as
# integer kernels), compiles integer-only.
/usr/bin/python3 models/evaluate.py "$MODEL" --bin "$BIN" --quantize minmax
