#!/usr/bin/python3
"""Opset 18-21 / IR 10 models, unsorted graphs and constant If nodes: built
with onnx.helper, compiled with dyadc, run with dyad-run and compared with a
numpy reference of the ONNX semantics.

The python onnx package here (1.12) knows schemas up to opset 17 only, so the
opset-18+ forms (Split num_outputs, Reduce* axes inputs, Pad axes, Resize
axes / antialias / keep_aspect_ratio_policy, AveragePool dilations,
QuantizeLinear output_dtype / saturate) are written into the protos by hand,
as are ir_version 10 and the opset imports. The importer rewrites them to
their opset-17 forms (lib/Import/OpsetUpgrade.cpp); the compiled model must
compute what the model's own opset specifies.

Prints `PASS <case>` or `FAIL <case>: <why>` per case, then a summary line;
exits 1 on any failure. --keep DIR keeps the models (DIR/<case>.onnx).
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h
from onnx import numpy_helper

RNG = np.random.RandomState(4321)
F = TP.FLOAT


def vi(name, shape, elt=F):
    return h.make_tensor_value_info(name, elt, shape)


def model(opset, nodes, inputs, outputs, inits=(), ir=10):
    g = h.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)],
                     producer_name="new_opsets.py")
    m.ir_version = ir
    return m


def rand(*shape):
    return RNG.randn(*shape).astype(np.float32)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# --- opset 18-21 forms -------------------------------------------------------

def split_case(dim, n):
    x = rand(2, dim)
    outs = [f"y{i}" for i in range(n)]
    m = model(18, [h.make_node("Split", ["x"], outs, axis=1, num_outputs=n)],
              [vi("x", [2, dim])], [vi(o, None) for o in outs])
    part = -(-dim // n)  # ceil: the last part is smaller (Split-18)
    bounds = [min(part * i, dim) for i in range(1, n)]
    return m, {"x": x}, dict(zip(outs, np.split(x, bounds, axis=1))), []


@case
def split_num_outputs_opset18():
    return split_case(8, 4)


@case
def split_num_outputs_uneven_opset18():
    return split_case(7, 3)


@case
def reduce_axes_input_opset18():
    x = rand(2, 3, 4)
    nodes = [
        h.make_node("ReduceMean", ["x", "a1"], ["mean"], keepdims=0),
        h.make_node("ReduceSum", ["x", "a02"], ["sum"], keepdims=1),
        # No axes and noop_with_empty_axes=1: the identity.
        h.make_node("ReduceMean", ["x"], ["same"], noop_with_empty_axes=1),
        # An empty axes input without noop: every axis.
        h.make_node("ReduceMean", ["x", "none"], ["all"], keepdims=0),
    ]
    m = model(18, nodes, [vi("x", [2, 3, 4])],
              [vi("mean", None), vi("sum", None), vi("same", None),
               vi("all", None)],
              [init("a1", np.array([1], np.int64)),
               init("a02", np.array([0, -1], np.int64)),
               init("none", np.array([], np.int64))])
    return m, {"x": x}, {
        "mean": x.mean(axis=1), "sum": x.sum(axis=(0, 2), keepdims=True),
        "same": x, "all": np.array(x.mean(), np.float32)}, []


@case
def pad_axes_input_opset18():
    x = rand(2, 3, 4)
    nodes = [
        h.make_node("Pad", ["x", "p", "v", "ax"], ["c"], mode="constant"),
        h.make_node("Pad", ["x", "p2", "", "ax2"], ["r"], mode="reflect"),
    ]
    m = model(18, nodes, [vi("x", [2, 3, 4])], [vi("c", None), vi("r", None)],
              [init("p", np.array([1, 2], np.int64)),
               init("v", np.array(0.5, np.float32)),
               init("ax", np.array([-1], np.int64)),
               init("p2", np.array([1, 0, 2, 1], np.int64)),
               init("ax2", np.array([0, 2], np.int64))])
    c = np.pad(x, [(0, 0), (0, 0), (1, 2)], constant_values=0.5)
    r = np.pad(x, [(1, 2), (0, 0), (0, 1)], mode="reflect")
    return m, {"x": x}, {"c": c, "r": r}, []


@case
def resize_axes_opset19():
    x = rand(1, 2, 3, 4)
    nodes = [h.make_node("Resize", ["x", "", "s"], ["y"], mode="nearest",
                         coordinate_transformation_mode="asymmetric",
                         nearest_mode="floor", axes=[2, 3], antialias=1,
                         keep_aspect_ratio_policy="not_larger")]
    m = model(19, nodes, [vi("x", [1, 2, 3, 4])], [vi("y", None)],
              [init("s", np.array([2.0, 3.0], np.float32))])
    y = np.repeat(np.repeat(x, 2, axis=2), 3, axis=3)
    return m, {"x": x}, {"y": y}, []


@case
def resize_sizes_axes_linear_opset18():
    x = rand(1, 1, 2, 3)
    nodes = [h.make_node("Resize", ["x", "", "", "sz"], ["y"], mode="linear",
                         coordinate_transformation_mode="align_corners",
                         axes=[3])]
    m = model(18, nodes, [vi("x", [1, 1, 2, 3])], [vi("y", None)],
              [init("sz", np.array([5], np.int64))])
    # align_corners along the last axis: x_in = x_out * (3-1)/(5-1).
    pos = np.arange(5) * 2 / 4
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, 2)
    w = (pos - lo).astype(np.float32)
    y = x[..., lo] * (1 - w) + x[..., hi] * w
    return m, {"x": x}, {"y": y}, []


@case
def avgpool_dilations_one_opset19():
    x = rand(1, 2, 4, 4)
    nodes = [h.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2],
                         strides=[2, 2], dilations=[1, 1])]
    m = model(19, nodes, [vi("x", [1, 2, 4, 4])], [vi("y", None)])
    y = x.reshape(1, 2, 2, 2, 2, 2).mean(axis=(3, 5))
    return m, {"x": x}, {"y": y}, []


@case
def qdq_ir10_opset21():
    x = rand(2, 8)
    nodes = [
        h.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"], saturate=1,
                    block_size=0, output_dtype=TP.UINT8),
        h.make_node("DequantizeLinear", ["q", "s", "zp"], ["d"], block_size=0),
        h.make_node("Flatten", ["d"], ["f"], axis=1),
        h.make_node("Transpose", ["f"], ["y"], perm=[1, 0]),
        h.make_node("Cast", ["y"], ["z"], to=TP.FLOAT, saturate=1),
    ]
    m = model(21, nodes, [vi("x", [2, 8])], [vi("z", None)],
              [init("s", np.array(0.05, np.float32)),
               init("zp", np.array(128, np.uint8))])
    q = np.clip(np.round(x / np.float32(0.05)) + 128, 0, 255)
    d = ((q - 128) * np.float32(0.05)).astype(np.float32)
    return m, {"x": x}, {"z": d.T}, []


# --- graph order and If ------------------------------------------------------

@case
def unsorted_graph_opset17():
    # A Cast after its consumer (imgly IS-Net medium), a chain given
    # backwards: ORT accepts both, and so does the import.
    x = rand(2, 3)
    nodes = [
        h.make_node("Add", ["c", "b"], ["y"]),
        h.make_node("Relu", ["a"], ["b"]),
        h.make_node("Cast", ["x16"], ["c"], to=TP.FLOAT),
        h.make_node("Cast", ["x"], ["x16"], to=TP.FLOAT16),
        h.make_node("Sigmoid", ["x"], ["a"]),
    ]
    m = model(17, nodes, [vi("x", [2, 3])], [vi("y", None)], ir=8)
    c = x.astype(np.float16).astype(np.float32)
    y = c + np.maximum(1 / (1 + np.exp(-x)), 0)
    return m, {"x": x}, {"y": y}, []


def if_model(cond_nodes, inputs, inits, opset=18):
    # then: (Relu(x) + w_then, x) ; else: (Sigmoid(x) * k_else, x * 2).
    # Branch-local names collide with outer ones ('t' is also an outer
    # value), the branches read outer values (x, w) and own initializers,
    # and one output is an outer value returned as is.
    then_g = h.make_graph(
        [h.make_node("Relu", ["x"], ["t"]),
         h.make_node("Add", ["t", "w"], ["out0"])],
        "then", [], [vi("out0", None), vi("x", None)])
    else_g = h.make_graph(
        [h.make_node("Sigmoid", ["x"], ["t"]),
         h.make_node("Mul", ["t", "k"], ["e0"]),
         h.make_node("Add", ["x", "x"], ["e1"])],
        "else", [], [vi("e0", None), vi("e1", None)],
        [init("k", np.array(3.0, np.float32))])
    nodes = cond_nodes + [
        h.make_node("If", ["cond"], ["y0", "y1"], name="the_if",
                    then_branch=then_g, else_branch=else_g),
        h.make_node("Relu", ["y1"], ["t"]),
        h.make_node("Add", ["y0", "t"], ["y"]),
    ]
    return model(opset, nodes, inputs, [vi("y", None)],
                 [init("w", np.array(0.25, np.float32))] + list(inits))


def if_reference(x, taken):
    if taken:
        return (np.maximum(x, 0) + 0.25) + np.maximum(x, 0)
    return (1 / (1 + np.exp(-x)) * 3) + np.maximum(2 * x, 0)


@case
def if_constant_then_opset18():
    x = rand(2, 3)
    m = if_model([h.make_node("Identity", ["c0"], ["cond"])],
                 [vi("x", [2, 3])], [init("c0", np.array(True))])
    return m, {"x": x}, {"y": if_reference(x, True)}, []


@case
def if_constant_else_opset18():
    x = rand(2, 3)
    # Greater(Constant 1, initializer 2) folds to false.
    m = if_model([h.make_node("Constant", [], ["one"], value_int=1),
                  h.make_node("Greater", ["one", "two"], ["cond"])],
                 [vi("x", [2, 3])], [init("two", np.array(2, np.int64))])
    return m, {"x": x}, {"y": if_reference(x, False)}, []


def if_bound_case(rate):
    # Silero VAD's form: If(Equal(Gather(Reshape(sr, [-1]), 0), 16000)) on
    # an int64 scalar input, pinned with --bind-input.
    x = rand(2, 3)
    cond = [h.make_node("Reshape", ["sr", "shape"], ["sr1"]),
            h.make_node("Gather", ["sr1", "zero"], ["sr0"], axis=0),
            h.make_node("Equal", ["sr0", "rate"], ["cond"])]
    m = if_model(cond, [vi("x", [2, 3]), vi("sr", [], TP.INT64)],
                 [init("shape", np.array([-1], np.int64)),
                  init("zero", np.array(0, np.int64)),
                  init("rate", np.array(16000, np.int64))])
    return m, {"x": x}, {"y": if_reference(x, rate == 16000)}, \
        ["--bind-input", f"sr={rate}"]


@case
def if_bound_input_16k_opset18():
    return if_bound_case(16000)


@case
def if_bound_input_8k_opset18():
    return if_bound_case(8000)


def build_case(name):
    return CASES[name]()


def run_case(args, name, built, tmp):
    m, inputs, expected, extra = built
    d = os.path.join(tmp, name)
    os.makedirs(d)
    path = os.path.join(args.keep or d, name + ".onnx")
    onnx.save(m, path)
    lib = os.path.join(d, "model.so")
    p = subprocess.run([args.dyadc, path, "-o", lib] + extra,
                       capture_output=True, text=True)
    if p.returncode != 0:
        return f"dyadc: {p.stderr.strip()}"
    cmd = [args.dyad_run, lib, "--rtol", "1e-4", "--atol", "1e-5"]
    for n, v in inputs.items():
        np.save(os.path.join(d, n + ".in.npy"), np.array(v, order="C"))
        cmd += ["--input", f"{n}={os.path.join(d, n + '.in.npy')}"]
    for n, v in expected.items():
        np.save(os.path.join(d, n + ".ref.npy"),
                np.array(v, dtype=np.float32, order="C"))
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
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    names = args.cases or list(CASES)
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
    print(f"new opsets: {len(names) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
