#!/usr/bin/python3
"""Old-opset models: built with onnx.helper, compiled with dyadc, run with
dyad-run and compared with a numpy reference of the model's OWN opset.

Each case is one small model at opset 7, 9, 10, 11 or 13 using an op in its
old form (attributes that became inputs, Softmax's coerce-to-2-D axis,
Upsample / Resize-10 coordinates, ...). The importer upgrades it to opset 17;
the compiled model must compute what the old opset specifies. The python
onnx package here (1.12) has no onnx.reference, so the reference is written
out below from the operator specs of each opset.

Prints `PASS <case>` or `FAIL <case>: <why>` per case, then a summary line;
exits 1 on any failure. --keep DIR keeps the models (DIR/<case>.onnx).
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper

RNG = np.random.RandomState(1234)
F = TP.FLOAT


# --- numpy reference (old-opset semantics) --------------------------------

def softmax_2d(x, axis):
    """Softmax before opset 13: coerce to 2-D at axis, normalize rows."""
    axis = axis + x.ndim if axis < 0 else axis
    rows = x.reshape(int(np.prod(x.shape[:axis], dtype=np.int64)), -1)
    e = np.exp(rows - rows.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).reshape(x.shape)


def softmax_13(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def resize_nearest_asymmetric(x, scales):
    """Upsample / Resize-10 nearest: x_in = x_out / scale, floor when
    enlarging, ceil when shrinking (opset-10 rounding)."""
    out = x
    for axis, s in enumerate(scales):
        n_in = x.shape[axis]
        n_out = int(np.floor(n_in * s))
        pos = np.arange(n_out) / s
        idx = np.floor(pos) if s >= 1 else np.ceil(pos)
        idx = np.clip(idx.astype(np.int64), 0, n_in - 1)
        out = np.take(out, idx, axis=axis)
    return out


def resize_linear_asymmetric(x, scales):
    out = x
    for axis, s in enumerate(scales):
        n_in = x.shape[axis]
        n_out = int(np.floor(n_in * s))
        pos = np.clip(np.arange(n_out) / s, 0, n_in - 1)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, n_in - 1)
        w = (pos - lo).astype(np.float32)
        shape = [1] * x.ndim
        shape[axis] = n_out
        w = w.reshape(shape)
        out = np.take(out, lo, axis=axis) * (1 - w) + np.take(out, hi, axis=axis) * w
    return out


def onnx_pad(x, pads, mode="constant", value=0.0):
    r = x.ndim
    width = [(pads[i], pads[i + r]) for i in range(r)]
    if mode == "constant":
        return np.pad(x, width, mode="constant", constant_values=value)
    return np.pad(x, width, mode=mode)


def batchnorm(x, scale, bias, mean, var, eps=1e-5):
    shape = [1, -1] + [1] * (x.ndim - 2)
    return ((x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
            * scale.reshape(shape) + bias.reshape(shape))


# --- cases ----------------------------------------------------------------

def vi(name, shape, elt=F):
    return h.make_tensor_value_info(name, elt, shape)


def model(opset, nodes, inputs, outputs, inits=()):
    g = h.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)],
                     producer_name="old_opsets.py")
    # The IR version of the ONNX release that introduced the opset.
    m.ir_version = {7: 3, 8: 3, 9: 4, 10: 5, 11: 6, 12: 7, 13: 7}[opset]
    return m


def rand(*shape):
    return RNG.randn(*shape).astype(np.float32)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def softmax_case(opset, axis, in_shape, run_shape=None, pin=None):
    x = rand(*(run_shape or in_shape))
    ref = softmax_2d if opset < 13 else softmax_13
    attrs = {} if axis is None else {"axis": axis}
    default = 1 if opset < 13 else -1
    m = model(opset, [h.make_node("Softmax", ["x"], ["y"], **attrs)],
              [vi("x", in_shape)], [vi("y", None)])
    return m, {"x": x}, {"y": ref(x, default if axis is None else axis)}, pin


@case
def softmax_axis1_opset7():
    return softmax_case(7, 1, [2, 3, 4, 5])


@case
def softmax_default_axis_opset9_dynamic():
    # N, H, W unknown: the upgrade cannot bake the dims into a Reshape.
    return softmax_case(9, None, ["N", 3, "H", "W"], run_shape=[2, 3, 4, 5])


@case
def softmax_axis2_opset9_unknown_rank():
    # No shape at all at the old opset (paddle2onnx exports); pinned at
    # compile time.
    return softmax_case(9, 2, None, run_shape=[2, 3, 4, 5],
                        pin="x=2x3x4x5")


@case
def softmax_negative_axis_opset11():
    return softmax_case(11, -2, [2, 3, 4, 5])


@case
def softmax_last_axis_opset11():
    return softmax_case(11, 3, [2, 3, 4, 5])


@case
def softmax_trailing_ones_opset9():
    return softmax_case(9, 1, [2, 5, 1, 1])


@case
def softmax_axis1_opset13():
    return softmax_case(13, 1, [2, 3, 4, 5])


@case
def upsample_attr_opset7():
    x = rand(1, 2, 3, 4)
    scales = [1.0, 1.0, 2.0, 3.0]
    m = model(7, [h.make_node("Upsample", ["x"], ["y"], mode="nearest",
                              scales=scales)],
              [vi("x", [1, 2, 3, 4])], [vi("y", None)])
    return m, {"x": x}, {"y": resize_nearest_asymmetric(x, scales)}, None


@case
def upsample_input_opset9():
    x = rand(1, 2, 3, 4)
    scales = np.array([1.0, 1.0, 2.5, 2.0], np.float32)
    m = model(9, [h.make_node("Upsample", ["x", "s"], ["y"])],
              [vi("x", [1, 2, 3, 4])], [vi("y", None)], [init("s", scales)])
    return m, {"x": x}, {"y": resize_nearest_asymmetric(x, scales)}, None


@case
def upsample_linear_opset9():
    x = rand(1, 2, 3, 4)
    scales = np.array([1.0, 1.0, 2.0, 1.5], np.float32)
    m = model(9, [h.make_node("Upsample", ["x", "s"], ["y"], mode="linear")],
              [vi("x", [1, 2, 3, 4])], [vi("y", None)], [init("s", scales)])
    return m, {"x": x}, {"y": resize_linear_asymmetric(x, scales)}, None


@case
def resize_downsample_opset10():
    x = rand(1, 2, 5, 7)
    scales = np.array([1.0, 1.0, 0.6, 0.5], np.float32)
    m = model(10, [h.make_node("Resize", ["x", "s"], ["y"])],
              [vi("x", [1, 2, 5, 7])], [vi("y", None)], [init("s", scales)])
    return m, {"x": x}, {"y": resize_nearest_asymmetric(x, scales)}, None


def pad_case(opset, mode, value):
    x = rand(1, 2, 4, 5)
    pads = [0, 0, 1, 2, 0, 0, 2, 1]
    if opset < 11:
        attrs = {"pads": pads, "mode": mode}
        if value is not None:
            attrs["value"] = value
        node = h.make_node("Pad", ["x"], ["y"], **attrs)
        inits = []
    else:
        ins = ["x", "p"] + (["v"] if value is not None else [])
        node = h.make_node("Pad", ins, ["y"], mode=mode)
        inits = [init("p", np.array(pads, np.int64))]
        if value is not None:
            inits.append(init("v", np.array(value, np.float32)))
    m = model(opset, [node], [vi("x", [1, 2, 4, 5])], [vi("y", None)], inits)
    return m, {"x": x}, {"y": onnx_pad(x, pads, mode, value or 0.0)}, None


@case
def pad_constant_value_opset7():
    return pad_case(7, "constant", 1.5)


@case
def pad_reflect_opset9():
    return pad_case(9, "reflect", None)


@case
def pad_edge_opset10():
    return pad_case(10, "edge", None)


@case
def pad_constant_opset11():
    return pad_case(11, "constant", -2.0)


def clip_case(opset, lo, hi):
    x = rand(3, 8) * 3
    if opset < 11:
        attrs = {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
        node = h.make_node("Clip", ["x"], ["y"], **attrs)
        inits = []
    else:
        node = h.make_node("Clip", ["x", "" if lo is None else "lo",
                                    "" if hi is None else "hi"], ["y"])
        inits = [init(n, np.array(v, np.float32))
                 for n, v in (("lo", lo), ("hi", hi)) if v is not None]
    m = model(opset, [node], [vi("x", [3, 8])], [vi("y", None)], inits)
    ref = np.clip(x, -np.inf if lo is None else lo, np.inf if hi is None else hi)
    return m, {"x": x}, {"y": ref}, None


@case
def clip_min_max_opset7():
    return clip_case(7, -1.0, 2.0)


@case
def clip_max_only_opset9():
    return clip_case(9, None, 0.5)


@case
def clip_inputs_opset13():
    return clip_case(13, -0.5, 0.5)


def split_case(opset):
    x = rand(2, 5, 3)
    if opset < 13:
        node = h.make_node("Split", ["x"], ["a", "b"], axis=1, split=[2, 3])
        inits = []
    else:
        node = h.make_node("Split", ["x", "s"], ["a", "b"], axis=1)
        inits = [init("s", np.array([2, 3], np.int64))]
    m = model(opset, [node], [vi("x", [2, 5, 3])],
              [vi("a", None), vi("b", None)], inits)
    return m, {"x": x}, {"a": x[:, :2], "b": x[:, 2:]}, None


@case
def split_attr_opset7():
    return split_case(7)


@case
def split_attr_opset11():
    return split_case(11)


@case
def split_input_opset13():
    return split_case(13)


def squeeze_case(opset):
    x = rand(2, 1, 3, 1)
    if opset < 13:
        nodes = [h.make_node("Squeeze", ["x"], ["s"], axes=[1, 3]),
                 h.make_node("Unsqueeze", ["s"], ["y"], axes=[0, 3])]
        inits = []
    else:
        nodes = [h.make_node("Squeeze", ["x", "a1"], ["s"]),
                 h.make_node("Unsqueeze", ["s", "a2"], ["y"])]
        inits = [init("a1", np.array([1, 3], np.int64)),
                 init("a2", np.array([0, 3], np.int64))]
    m = model(opset, nodes, [vi("x", [2, 1, 3, 1])], [vi("y", None)], inits)
    return m, {"x": x}, {"y": x.reshape(1, 2, 3, 1)}, None


@case
def squeeze_unsqueeze_opset9():
    return squeeze_case(9)


@case
def squeeze_unsqueeze_opset11():
    return squeeze_case(11)


@case
def squeeze_unsqueeze_opset13():
    return squeeze_case(13)


def reduce_case(opset):
    x = rand(2, 3, 4)
    nodes = [h.make_node("ReduceMean", ["x"], ["m"], axes=[1, 2], keepdims=0)]
    inits = []
    if opset < 13:
        nodes.append(h.make_node("ReduceSum", ["x"], ["s"], axes=[0, 2]))
    else:
        nodes.append(h.make_node("ReduceSum", ["x", "a"], ["s"]))
        inits.append(init("a", np.array([0, 2], np.int64)))
    m = model(opset, nodes, [vi("x", [2, 3, 4])], [vi("m", None), vi("s", None)],
              inits)
    return m, {"x": x}, {"m": x.mean(axis=(1, 2)),
                         "s": x.sum(axis=(0, 2), keepdims=True)}, None


@case
def reduce_axes_opset7():
    return reduce_case(7)


@case
def reduce_axes_opset11():
    return reduce_case(11)


@case
def reduce_axes_opset13():
    return reduce_case(13)


@case
def slice_attr_opset9():
    x = rand(4, 6, 5)
    m = model(9, [h.make_node("Slice", ["x"], ["y"], starts=[1, -4], ends=[3, 100],
                              axes=[0, 1])],
              [vi("x", [4, 6, 5])], [vi("y", None)])
    return m, {"x": x}, {"y": x[1:3, -4:]}, None


@case
def dropout_bn_opset7():
    # Dropout-7 with a ratio attribute, BatchNormalization-7 with spatial=1.
    x = rand(2, 3, 4, 4)
    scale, bias = rand(3) + 2, rand(3)
    mean, var = rand(3), np.abs(rand(3)) + 0.5
    nodes = [h.make_node("Dropout", ["x"], ["d"], ratio=0.3),
             h.make_node("BatchNormalization", ["d", "sc", "b", "mu", "var"],
                         ["y"], spatial=1, epsilon=1e-5)]
    m = model(7, nodes, [vi("x", [2, 3, 4, 4])], [vi("y", None)],
              [init("sc", scale), init("b", bias), init("mu", mean),
               init("var", var)])
    return m, {"x": x}, {"y": batchnorm(x, scale, bias, mean, var)}, None


@case
def paddle_like_opset9():
    # The shape of a paddle2onnx opset-9 head: Conv -> BN (unused training
    # outputs) -> Relu -> Upsample -> Pad -> Clip -> Softmax over channels of
    # a batch-dynamic tensor.
    x = rand(1, 3, 6, 6)
    w = rand(4, 3, 3, 3) * 0.3
    scale, bias = rand(4) + 2, rand(4)
    mean, var = rand(4), np.abs(rand(4)) + 0.5
    scales = np.array([1, 1, 2, 2], np.float32)
    nodes = [
        h.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
        h.make_node("BatchNormalization", ["c", "sc", "b", "mu", "var"],
                    ["n", "", "", "", ""], epsilon=1e-5),
        h.make_node("Relu", ["n"], ["r"]),
        h.make_node("Upsample", ["r", "s"], ["u"], mode="nearest"),
        h.make_node("Pad", ["u"], ["p"], pads=[0, 0, 1, 1, 0, 0, 1, 1]),
        h.make_node("Clip", ["p"], ["q"], min=0.0, max=6.0),
        h.make_node("Softmax", ["q"], ["y"], axis=1),
    ]
    m = model(9, nodes, [vi("x", ["N", 3, 6, 6])], [vi("y", None)],
              [init("w", w), init("sc", scale), init("b", bias),
               init("mu", mean), init("var", var), init("s", scales)])
    import torch
    c = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w),
                                   padding=1).numpy()
    r = np.maximum(batchnorm(c, scale, bias, mean, var), 0)
    q = np.clip(onnx_pad(resize_nearest_asymmetric(r, scales),
                         [0, 0, 1, 1, 0, 0, 1, 1]), 0, 6)
    return m, {"x": x}, {"y": softmax_2d(q, 1)}, None


def torch_export_case(opset):
    """The same PyTorch module exported by torch.onnx at `opset`: Conv, BN,
    ReLU6 (Clip), Upsample (opset 9+), Pad (below 11: later versions export
    it through ConstantOfShape), Slice, Sigmoid, mean (ReduceMean), Linear,
    Softmax over channels of a 4-D tensor and of logits, Unsqueeze/Squeeze;
    dynamic batch from opset 9."""
    import io
    import warnings
    import torch
    import torch.nn as nn
    import torch.nn.functional as fn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)
            self.bn = nn.BatchNorm2d(8)
            self.fc = nn.Linear(4, 5)

        def forward(self, x):
            y = fn.relu6(self.bn(self.conv(x)))
            if opset >= 9:
                y = fn.interpolate(y, scale_factor=2.0, mode="nearest")
            if opset < 11:
                y = fn.pad(y, (1, 1, 0, 2))
            z = y[:, :4] * torch.sigmoid(y[:, 4:])
            logits = self.fc(z.mean(dim=(2, 3)))
            return (fn.softmax(logits, dim=1).unsqueeze(2).squeeze(2),
                    fn.softmax(z, dim=1))

    torch.manual_seed(zlib.crc32(b"torch_export"))
    net = Net().eval()
    with torch.no_grad():
        net.bn.running_mean.uniform_(-1, 1)
        net.bn.running_var.uniform_(0.5, 2)
    x = torch.from_numpy(rand(2, 3, 6, 6))
    with torch.no_grad():
        p, q = net(x)
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, x, buf, opset_version=opset,
                          input_names=["x"], output_names=["p", "q"],
                          dynamic_axes={"x": {0: "N"}} if opset >= 9 else None)
    m = onnx.load_from_string(buf.getvalue())
    return m, {"x": x.numpy()}, {"p": p.numpy(), "q": q.numpy()}, None


for _opset in range(7, 18):
    CASES[f"torch_export_opset{_opset}"] = (
        lambda o=_opset: torch_export_case(o))


# --- driver ---------------------------------------------------------------

def build_case(name):
    RNG.seed(zlib.crc32(name.encode()))  # the same data whatever runs
    return CASES[name]()


def run_case(args, name, built, tmp):
    m, inputs, expected, pin = built
    d = os.path.join(tmp, name)
    os.makedirs(d)
    path = os.path.join(args.keep or d, name + ".onnx")
    onnx.save(m, path)
    lib = os.path.join(d, "model.so")
    cmd = [args.dyadc, path, "-o", lib] + (["--input-shape", pin] if pin else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return f"dyadc: {p.stderr.strip()}"
    cmd = [args.dyad_run, lib, "--rtol", "1e-4", "--atol", "1e-5"]
    for n, v in inputs.items():
        np.save(os.path.join(d, n + ".in.npy"), v)
        cmd += ["--input", f"{n}={os.path.join(d, n + '.in.npy')}"]
    for n, v in expected.items():
        np.save(os.path.join(d, n + ".ref.npy"), v.astype(np.float32))
        cmd += ["--check", f"{n}={os.path.join(d, n + '.ref.npy')}"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return f"dyad-run: {(p.stdout + p.stderr).strip()}"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyadc", required=True)
    ap.add_argument("--dyad-run", required=True)
    ap.add_argument("--keep", help="write the models here")
    ap.add_argument("--skip", action="append", default=[],
                    help="leave out a case")
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    names = [n for n in (args.cases or CASES) if n not in args.skip]
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    built = [build_case(n) for n in names]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        results = pool.map(lambda nb: run_case(args, nb[0], nb[1], tmp),
                           zip(names, built))
        for name, err in zip(names, results):
            if err:
                failed += 1
                print(f"FAIL {name}: {err}")
            else:
                print(f"PASS {name}")
    print(f"old opsets: {len(names) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
