"""Per-kernel error of the integer-only nonlinear kernels against float64.

Each case is a one-op float model, x -> OP -> Concat(t, t) -> y, compiled with
`dyadc --quantize` (integer only: dyad-verify-integer-only runs) and
calibrated on its own test inputs (minmax), so no output is clamped. The
inputs lie on the quantization grid (scale 2^-5, every integer value of the
input type appears), so the only error is the kernel's: the compiled output,
dequantized, is compared with OP computed in float64 on the same inputs, in
units of the output's quantization step (LSB). A correctly rounded kernel is
within 0.5 LSB; each case has a bound and fails above it.

    integer_kernels.py --bin BIN --work DIR
"""
import argparse
import glob
import json
import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

S0 = 2.0 ** -5
ap = argparse.ArgumentParser()
ap.add_argument("--bin", required=True)
ap.add_argument("--work", required=True)
args = ap.parse_args()
os.makedirs(args.work, exist_ok=True)
rng = np.random.default_rng(7)
erf = np.vectorize(math.erf)


def grid(shape, positive=False):
    """Random grid values covering every quantized input value."""
    n = int(np.prod(shape))
    q = np.arange(n) % 256 - 128
    rng.shuffle(q)
    x = (q + (128 if positive else 0)) * S0
    if positive:
        x[x == 0] = S0
    # the extremes set the calibrated range exactly: [-128, 127] * S0, or
    # [0, 255] * S0 (the range always includes 0)
    return x.reshape(shape).astype(np.float32)


def run_case(name, nodes, inits, x, ref, bound, kernel="dyad.lookup",
             count=None, opset=17, dims=None):
    shape = list(x.shape)
    # A Concat of OP's result with itself (along the batch) keeps OP inside
    # the quantized region: a nonlinear op whose result only reaches the
    # output (or only through ops that move values) is float
    # postprocessing. The first half of y is OP's result.
    nodes = nodes + [helper.make_node("Concat", ["t", "t"], ["y"], axis=0)]
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       dims or ["N"] + shape[1:])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    d = os.path.join(args.work, name)
    os.makedirs(d, exist_ok=True)
    onnx.save(model, f"{d}/m.onnx")
    np.save(f"{d}/x.npy", x)
    subprocess.run([f"{args.bin}/dyadc", f"{d}/m.onnx", "-o", f"{d}/m.so",
                    "--quantize", "--calibrate", f"{d}/x.npy",
                    "--calib-table", f"{d}/t.json"], check=True)
    ir = subprocess.run([f"{args.bin}/dyadc", f"{d}/m.onnx", "--quantize",
                         "--calib-table", f"{d}/t.json", "--emit=dyad", "-o",
                         "-"], check=True, capture_output=True, text=True)
    found = ir.stdout.count(kernel + " ")
    if not found or (count is not None and found != count):
        print(f"{name}: FAIL, {found} {kernel} in the integer graph")
        return False
    subprocess.run(["rm", "-rf", f"{d}/out"], check=True)
    subprocess.run([f"{args.bin}/dyad-run", f"{d}/m.so", "--input",
                    f"{d}/x.npy", "--output-dir", f"{d}/out"], check=True,
                   capture_output=True)
    y = np.load(glob.glob(f"{d}/out/*.npy")[0]).astype(np.float64)
    y = y[:y.shape[0] // 2]
    table = json.load(open(f"{d}/t.json"))["tensors"]
    assert abs(table["x"]["scale"] - S0) < 1e-12, table["x"]
    step = table["t"]["scale"]
    err = np.abs(y - ref.reshape(y.shape)) / step
    ok = err.max() <= bound
    print(f"{name}: max {err.max():.4f} LSB, mean {err.mean():.4f} LSB "
          f"(bound {bound}) over {err.size} outputs: {'ok' if ok else 'FAIL'}")
    return ok


def unary(op, f, positive=False, bound=0.501, **attrs):
    x = grid([4, 64], positive)
    return run_case(op.lower(), [helper.make_node(op, ["x"], ["t"], **attrs)],
                    [], x, f(x.astype(np.float64)), bound)


def by_constant(op, c, f):
    # (A Reshape first: an affine op by a constant on the graph input itself
    # is float preprocessing, outside the quantized region.)
    x = grid([4, 64])
    return run_case(f"{op.lower()}_const",
                    [helper.make_node("Reshape", ["x", "flat"], ["xr"]),
                     helper.make_node(op, ["xr", "c"], ["t"])],
                    [numpy_helper.from_array(np.array(c, np.float32), "c"),
                     numpy_helper.from_array(np.array([-1], np.int64),
                                             "flat")],
                    x, f(x.astype(np.float64), np.float64(np.float32(c))),
                    0.501)


results = [
    unary("Sigmoid", lambda x: 1 / (1 + np.exp(-x))),
    unary("Tanh", np.tanh),
    unary("Erf", erf),
    unary("Exp", np.exp),
    unary("Log", np.log, positive=True),
    unary("Sqrt", np.sqrt, positive=True),
    unary("Softplus", lambda x: np.log1p(np.exp(x))),
    unary("HardSwish", lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
    unary("HardSigmoid", lambda x: np.clip(0.3 * x + 0.4, 0, 1), alpha=0.3,
          beta=0.4),
    unary("Elu", lambda x: np.where(x < 0, 0.7 * np.expm1(x), x), alpha=0.7),
    by_constant("Mul", 0.7071, lambda x, c: x * c),
    by_constant("Div", 1.4142135, lambda x, c: x / c),
    by_constant("Pow", 2.0, lambda x, c: x ** c),
]



def function_of_x(name, nodes, consts, f):
    """Elementwise functions written out op by op: one table from x."""
    x = grid([4, 64])
    inits = [numpy_helper.from_array(np.array(v, np.float32), k)
             for k, v in consts.items()]
    return run_case(name, [helper.make_node("Reshape", ["x", "flat"], ["xr"])]
                    + nodes,
                    inits + [numpy_helper.from_array(np.array([-1], np.int64),
                                                     "flat")],
                    x, f(x.astype(np.float64)), 0.501, count=1)


N = helper.make_node
results += [
    # torch's GELU export: x * (1 + erf(x / sqrt 2)) * 0.5
    function_of_x("gelu_erf", [
        N("Div", ["xr", "sqrt2"], ["d"]), N("Erf", ["d"], ["e"]),
        N("Add", ["e", "one"], ["a"]), N("Mul", ["xr", "a"], ["m"]),
        N("Mul", ["m", "half"], ["t"])],
        {"sqrt2": 1.4142135381698608, "one": 1.0, "half": 0.5},
        lambda x: x * (1 + erf(x / 1.4142135381698608)) * 0.5),
    # the tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    function_of_x("gelu_tanh", [
        N("Pow", ["xr", "three"], ["p"]), N("Mul", ["p", "k1"], ["p1"]),
        N("Add", ["xr", "p1"], ["s"]), N("Mul", ["s", "k2"], ["s2"]),
        N("Tanh", ["s2"], ["th"]), N("Add", ["th", "one"], ["a"]),
        N("Mul", ["half", "xr"], ["hx"]), N("Mul", ["hx", "a"], ["t"])],
        {"three": 3.0, "k1": 0.044715, "k2": 0.7978845834732056, "one": 1.0,
         "half": 0.5},
        lambda x: 0.5 * x * (1 + np.tanh(np.float32(0.7978845834732056) *
                                          (x + np.float32(0.044715) * x ** 3)))),
    # SiLU / swish: x * sigmoid(x)
    function_of_x("silu", [N("Sigmoid", ["xr"], ["sg"]),
                           N("Mul", ["xr", "sg"], ["t"])], {},
                  lambda x: x / (1 + np.exp(-x))),
    # HardSwish as tf2onnx writes it: x * clip(x + 3, 0, 6) / 6
    function_of_x("hardswish_written_out", [
        N("Add", ["xr", "three"], ["a"]), N("Clip", ["a", "zero", "six"], ["c"]),
        N("Mul", ["xr", "c"], ["m"]), N("Div", ["m", "six"], ["t"])],
        {"three": 3.0, "zero": 0.0, "six": 6.0},
        lambda x: x * np.clip(x + 3, 0, 6) / 6),
]

# Mul of two activations: x * x^T (Transpose keeps x's quantization).
x = grid([4, 16, 16])
results.append(run_case(
    "mul_activations",
    [helper.make_node("Transpose", ["x"], ["xt"], perm=[0, 2, 1]),
     helper.make_node("Mul", ["x", "xt"], ["t"])], [], x,
    x.astype(np.float64) * np.transpose(x, (0, 2, 1)).astype(np.float64),
    0.501, kernel="dyad.mul"))

# ReduceMean over the last axis.
x = grid([8, 64])
results.append(run_case(
    "reduce_mean",
    [helper.make_node("ReduceMean", ["x"], ["t"], axes=[-1], keepdims=1)],
    [], x, x.astype(np.float64).mean(-1, keepdims=True), 0.501,
    kernel="dyad.reduce_sum"))

# GlobalAveragePool over a width known only at run time (a text line's):
# the mean is an integer division by the run-time size.
x = grid([4, 8, 4, 24])
results.append(run_case(
    "global_average_pool_dynamic_width",
    [helper.make_node("GlobalAveragePool", ["x"], ["t"])], [], x,
    x.astype(np.float64).mean((2, 3), keepdims=True), 0.51,
    kernel="dyad.reduce_prod", dims=["N", 8, 4, "W"]))

# Softmax over rows of 16, 197 (a ViT's tokens) and along a middle axis.
for shape, axis in [([64, 16], -1), ([8, 197], -1), ([4, 24, 8], 1)]:
    x = grid(shape)
    xd = x.astype(np.float64)
    e = np.exp(xd - xd.max(axis, keepdims=True))
    results.append(run_case(
        f"softmax_{'x'.join(map(str, shape))}_axis{axis}",
        [helper.make_node("Softmax", ["x"], ["t"], axis=axis)], [], x,
        e / e.sum(axis, keepdims=True), 0.51, kernel="dyad.int_softmax"))

# LayerNormalization over the last axis (64, 197) and the last two.
for shape, axis in [([32, 64], -1), ([4, 197], -1), ([4, 6, 32], 1)]:
    x = grid(shape)
    norm = shape[axis:]
    gamma = rng.uniform(-2, 2, norm).astype(np.float32)
    beta = rng.uniform(-1, 1, norm).astype(np.float32)
    xd = x.astype(np.float64)
    red = tuple(range(axis % len(shape), len(shape)))
    mean = xd.mean(red, keepdims=True)
    var = ((xd - mean) ** 2).mean(red, keepdims=True)
    ref = (xd - mean) / np.sqrt(var + 1e-5) * gamma.astype(np.float64) + beta
    results.append(run_case(
        f"layernorm_{'x'.join(map(str, shape))}_axis{axis}",
        [helper.make_node("LayerNormalization", ["x", "g", "b"], ["t"],
                          axis=axis, epsilon=1e-5)],
        [numpy_helper.from_array(gamma, "g"),
         numpy_helper.from_array(beta, "b")], x, ref, 0.51,
        kernel="dyad.int_layer_norm"))

print("OK" if all(results) else "FAIL")
sys.exit(0 if all(results) else 1)
