#!/usr/bin/python3
"""Ops of real exported models (ConstantOfShape, Range, Tile, DepthToSpace,
SpaceToDepth, Pad modes, Resize cubic, the Reduce* family, ArgMax/ArgMin,
TopK, InstanceNormalization): small models built with onnx.helper, compiled
with dyadc, run with dyad-run and compared with numpy / PyTorch.

The cases here are the forms ONNX's own conformance data (test/Conformance)
does not cover: run-time shapes (a ConstantOfShape / Range fed by a Shape
chain, dynamic batch), integer and unsigned element types, ties, wrap padding,
PyTorch's bicubic, LogSumExp of large values.

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
NP = {TP.FLOAT: np.float32, TP.INT64: np.int64, TP.INT32: np.int32,
      TP.INT8: np.int8, TP.UINT8: np.uint8}


def model(nodes, inputs, outputs, inits=(), opset=17):
    g = h.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def vi(name, t, shape):
    return h.make_tensor_value_info(name, t, shape)


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# --- shape generators -------------------------------------------------------

@case
def constantofshape_from_shape_chain():
    # zeros_like(x[:, :2]) + x[:, :2] style: the shape comes from Shape of a
    # dynamic input, so the op stays and fills a run-time shape.
    x = RNG.randn(3, 5).astype(np.float32)
    nodes = [h.make_node("Shape", ["x"], ["s"]),
             h.make_node("ConstantOfShape", ["s"], ["c"],
                         value=h.make_tensor("v", F, [1], [2.5])),
             h.make_node("Add", ["x", "c"], ["y"])]
    m = model(nodes, [vi("x", F, ["N", 5])], [vi("y", F, ["N", 5])])
    return m, {"x": x}, {"y": x + 2.5}


@case
def constantofshape_int64_runtime():
    x = RNG.randn(4, 2).astype(np.float32)
    nodes = [h.make_node("Shape", ["x"], ["s"]),
             h.make_node("ConstantOfShape", ["s"], ["y"],
                         value=h.make_tensor("v", TP.INT64, [1], [7]))]
    m = model(nodes, [vi("x", F, ["N", 2])], [vi("y", TP.INT64, ["N", 2])])
    return m, {"x": x}, {"y": np.full((4, 2), 7, np.int64)}


@case
def range_runtime_int():
    # arange(n) with n = x.shape[1], as exporters write position ids.
    x = RNG.randn(2, 6).astype(np.float32)
    nodes = [h.make_node("Shape", ["x"], ["s"]),
             h.make_node("Gather", ["s", "one"], ["n"], axis=0),
             h.make_node("Range", ["zero", "n", "one"], ["y"])]
    m = model(nodes, [vi("x", F, [2, "T"])], [vi("y", TP.INT64, ["T"])],
              [init("zero", np.int64(0)), init("one", np.int64(1))])
    return m, {"x": x}, {"y": np.arange(6, dtype=np.int64)}


@case
def range_runtime_float_negative_delta():
    nodes = [h.make_node("Range", ["a", "b", "d"], ["y"])]
    m = model(nodes, [vi("a", F, []), vi("b", F, []), vi("d", F, [])],
              [vi("y", F, ["K"])])
    a, b, d = np.float32(3.0), np.float32(-2.2), np.float32(-0.7)
    return (m, {"a": np.array(a), "b": np.array(b), "d": np.array(d)},
            {"y": np.arange(a, b, d, dtype=np.float32)})


@case
def range_constant_folds():
    nodes = [h.make_node("Range", ["a", "b", "d"], ["r"]),
             h.make_node("Add", ["x", "r"], ["y"])]
    m = model(nodes, [vi("x", TP.INT32, [5])], [vi("y", TP.INT32, [5])],
              [init("a", np.int32(10)), init("b", np.int32(0)),
               init("d", np.int32(-2))])
    x = RNG.randint(-5, 5, 5).astype(np.int32)
    return m, {"x": x}, {"y": x + np.arange(10, 0, -2, dtype=np.int32)}


# --- data movement ------------------------------------------------------------

@case
def tile_dynamic_batch():
    x = RNG.randn(2, 3, 1).astype(np.float32)
    nodes = [h.make_node("Tile", ["x", "r"], ["y"])]
    m = model(nodes, [vi("x", F, ["N", 3, 1])], [vi("y", F, ["M", 6, 4])],
              [init("r", np.array([2, 2, 4], np.int64))])
    return m, {"x": x}, {"y": np.tile(x, (2, 2, 4))}


@case
def depthtospace_crd_dynamic_batch():
    import torch
    x = RNG.randn(2, 8, 3, 2).astype(np.float32)
    nodes = [h.make_node("DepthToSpace", ["x"], ["y"], blocksize=2, mode="CRD")]
    m = model(nodes, [vi("x", F, ["N", 8, 3, 2])], [vi("y", F, ["N", 2, 6, 4])])
    ref = torch.nn.functional.pixel_shuffle(torch.from_numpy(x), 2).numpy()
    return m, {"x": x}, {"y": ref}


@case
def depthtospace_dcr_int8():
    x = RNG.randint(-128, 127, (1, 12, 2, 3)).astype(np.int8)
    b = 2
    n, c, hh, ww = x.shape
    ref = x.reshape(n, b, b, c // 4, hh, ww).transpose(0, 3, 4, 1, 5, 2)
    ref = ref.reshape(n, c // 4, hh * b, ww * b)
    nodes = [h.make_node("DepthToSpace", ["x"], ["y"], blocksize=b)]
    m = model(nodes, [vi("x", TP.INT8, [1, 12, 2, 3])],
              [vi("y", TP.INT8, [1, 3, 4, 6])])
    return m, {"x": x}, {"y": ref}


@case
def spacetodepth_roundtrip_torch():
    import torch
    x = RNG.randn(2, 3, 6, 9).astype(np.float32)
    # SpaceToDepth is DCR: pixel_unshuffle is CRD; compare with numpy.
    b = 3
    n, c, hh, ww = x.shape
    ref = x.reshape(n, c, hh // b, b, ww // b, b).transpose(0, 3, 5, 1, 2, 4)
    ref = ref.reshape(n, c * b * b, hh // b, ww // b)
    nodes = [h.make_node("SpaceToDepth", ["x"], ["y"], blocksize=b)]
    m = model(nodes, [vi("x", F, ["N", 3, 6, 9])], [vi("y", F, ["N", 27, 2, 3])])
    del torch
    return m, {"x": x}, {"y": ref}


@case
def pad_wrap():
    x = RNG.randn(1, 2, 3, 4).astype(np.float32)
    pads = np.array([0, 0, 2, 5, 0, 0, 4, 1], np.int64)
    nodes = [h.make_node("Pad", ["x", "p"], ["y"], mode="wrap")]
    m = model(nodes, [vi("x", F, [1, 2, 3, 4])], [vi("y", F, [1, 2, 9, 10])],
              [init("p", pads)], opset=17)
    # Periodic indices: numpy 1.24's np.pad(mode="wrap") is not periodic for
    # pads wider than the dim (fixed in numpy 1.25); onnxruntime is.
    rows = np.arange(-2, 3 + 4) % 3
    cols = np.arange(-5, 4 + 1) % 4
    ref = np.ascontiguousarray(x[:, :, rows][:, :, :, cols])
    return m, {"x": x}, {"y": ref}


@case
def pad_reflect_edge_dynamic():
    x = RNG.randn(2, 5, 4).astype(np.float32)
    nodes = [h.make_node("Pad", ["x", "p"], ["r"], mode="reflect"),
             h.make_node("Pad", ["r", "p"], ["y"], mode="edge")]
    p = np.array([0, 2, 3, 0, 1, 2], np.int64)
    m = model(nodes, [vi("x", F, ["N", 5, 4])], [vi("y", F, ["N", 11, 14])],
              [init("p", p)])
    w = [(0, 0), (2, 1), (3, 2)]
    ref = np.pad(np.pad(x, w, mode="reflect"), w, mode="edge")
    return m, {"x": x}, {"y": ref}


@case
def resize_cubic_pytorch_bicubic():
    import torch
    x = RNG.randn(1, 2, 5, 7).astype(np.float32)
    nodes = [h.make_node("Resize", ["x", "", "s"], ["y"], mode="cubic",
                         coordinate_transformation_mode="pytorch_half_pixel",
                         cubic_coeff_a=-0.75)]
    m = model(nodes, [vi("x", F, [1, 2, 5, 7])], [vi("y", F, [1, 2, 10, 14])],
              [init("s", np.array([1, 1, 2, 2], np.float32))])
    ref = torch.nn.functional.interpolate(torch.from_numpy(x), scale_factor=2,
                                          mode="bicubic", align_corners=False)
    return m, {"x": x}, {"y": ref.numpy()}


@case
def resize_cubic_align_corners_torch():
    import torch
    x = RNG.randn(1, 1, 4, 6).astype(np.float32)
    nodes = [h.make_node("Resize", ["x", "", "", "sz"], ["y"], mode="cubic",
                         coordinate_transformation_mode="align_corners")]
    m = model(nodes, [vi("x", F, [1, 1, 4, 6])], [vi("y", F, [1, 1, 7, 5])],
              [init("sz", np.array([1, 1, 7, 5], np.int64))])
    ref = torch.nn.functional.interpolate(torch.from_numpy(x), size=(7, 5),
                                          mode="bicubic", align_corners=True)
    return m, {"x": x}, {"y": ref.numpy()}


# --- reductions -----------------------------------------------------------------

@case
def reduce_max_min_int8_uint8():
    a = RNG.randint(-128, 127, (3, 4, 5)).astype(np.int8)
    b = RNG.randint(0, 255, (3, 4, 5)).astype(np.uint8)
    nodes = [h.make_node("ReduceMax", ["a"], ["ma"], axes=[1], keepdims=0),
             h.make_node("ReduceMin", ["b"], ["mb"], axes=[0, 2])]
    m = model(nodes, [vi("a", TP.INT8, [3, 4, 5]), vi("b", TP.UINT8, [3, 4, 5])],
              [vi("ma", TP.INT8, [3, 5]), vi("mb", TP.UINT8, [1, 4, 1])])
    return m, {"a": a, "b": b}, {"ma": a.max(axis=1),
                                 "mb": b.min(axis=(0, 2), keepdims=True)}


@case
def reduce_max_dynamic_all_axes():
    x = RNG.randn(3, 7).astype(np.float32)
    nodes = [h.make_node("ReduceMax", ["x"], ["y"], keepdims=0)]
    m = model(nodes, [vi("x", F, ["N", 7])], [vi("y", F, [])])
    return m, {"x": x}, {"y": np.array(x.max(), np.float32)}


@case
def reduce_family_float():
    x = (RNG.rand(2, 3, 4).astype(np.float32) + 0.5)
    ops = {"ReduceProd": lambda v: np.prod(v, axis=2, keepdims=True),
           "ReduceL1": lambda v: np.abs(v).sum(axis=2, keepdims=True),
           "ReduceL2": lambda v: np.sqrt((v * v).sum(axis=2, keepdims=True)),
           "ReduceSumSquare": lambda v: (v * v).sum(axis=2, keepdims=True),
           "ReduceLogSum": lambda v: np.log(v.sum(axis=2, keepdims=True))}
    nodes, outs, ref = [], [], {}
    for op, fn in ops.items():
        nodes.append(h.make_node(op, ["x"], [op], axes=[-1]))
        outs.append(vi(op, F, [2, 3, 1]))
        ref[op] = fn(x)
    return model(nodes, [vi("x", F, [2, 3, 4])], outs), {"x": x}, ref


@case
def reduce_logsumexp_large():
    # exp(100) overflows f32: the maximum is subtracted first.
    x = (RNG.randn(2, 6) * 3 + 100).astype(np.float32)
    nodes = [h.make_node("ReduceLogSumExp", ["x"], ["y"], axes=[1], keepdims=0)]
    m = model(nodes, [vi("x", F, [2, 6])], [vi("y", F, [2])])
    xd = x.astype(np.float64)
    mx = xd.max(axis=1, keepdims=True)
    ref = (np.log(np.exp(xd - mx).sum(axis=1)) + mx[:, 0]).astype(np.float32)
    return m, {"x": x}, {"y": ref}


@case
def reduce_prod_sumsquare_int32():
    x = RNG.randint(-4, 5, (3, 5)).astype(np.int32)
    nodes = [h.make_node("ReduceProd", ["x"], ["p"], axes=[1], keepdims=0),
             h.make_node("ReduceSumSquare", ["x"], ["s"], axes=[0], keepdims=0),
             h.make_node("ReduceL1", ["x"], ["l"], keepdims=0)]
    m = model(nodes, [vi("x", TP.INT32, [3, 5])],
              [vi("p", TP.INT32, [3]), vi("s", TP.INT32, [5]),
               vi("l", TP.INT32, [])])
    return m, {"x": x}, {"p": x.prod(axis=1).astype(np.int32),
                         "s": (x * x).sum(axis=0).astype(np.int32),
                         "l": np.array(np.abs(x).sum(), np.int32)}


@case
def argmax_argmin_ties():
    # Ties: first index, or the last one with select_last_index.
    x = RNG.randint(0, 3, (4, 6)).astype(np.float32)
    nodes = [h.make_node("ArgMax", ["x"], ["a"], axis=1, keepdims=0),
             h.make_node("ArgMax", ["x"], ["b"], axis=1, select_last_index=1),
             h.make_node("ArgMin", ["x"], ["c"], axis=0)]
    m = model(nodes, [vi("x", F, ["N", 6])],
              [vi("a", TP.INT64, ["N"]), vi("b", TP.INT64, ["N", 1]),
               vi("c", TP.INT64, [1, 6])])
    last = x.shape[1] - 1 - np.argmax(x[:, ::-1], axis=1)
    return m, {"x": x}, {"a": np.argmax(x, axis=1), "b": last[:, None],
                         "c": np.argmin(x, axis=0)[None, :]}


@case
def argmax_uint8():
    x = RNG.randint(0, 255, (3, 10)).astype(np.uint8)
    nodes = [h.make_node("ArgMax", ["x"], ["y"], axis=-1, keepdims=0)]
    m = model(nodes, [vi("x", TP.UINT8, [3, 10])], [vi("y", TP.INT64, [3])])
    return m, {"x": x}, {"y": np.argmax(x, axis=-1)}


@case
def topk_ties_and_smallest():
    import torch
    x = RNG.randint(0, 4, (3, 9)).astype(np.float32)
    nodes = [h.make_node("TopK", ["x", "k"], ["v", "i"], axis=1),
             h.make_node("TopK", ["x", "k"], ["vs", "is"], axis=-1, largest=0)]
    m = model(nodes, [vi("x", F, ["N", 9])],
              [vi("v", F, ["N", 4]), vi("i", TP.INT64, ["N", 4]),
               vi("vs", F, ["N", 4]), vi("is", TP.INT64, ["N", 4])],
              [init("k", np.array([4], np.int64))])
    # ONNX: equal values keep the lower index first (a stable sort).
    order = np.argsort(-x, axis=1, kind="stable")[:, :4]
    small = np.argsort(x, axis=1, kind="stable")[:, :4]
    del torch
    return m, {"x": x}, {"v": np.take_along_axis(x, order, 1), "i": order,
                         "vs": np.take_along_axis(x, small, 1), "is": small}


@case
def topk_int32_axis0():
    x = RNG.permutation(40).reshape(8, 5).astype(np.int32)
    nodes = [h.make_node("TopK", ["x", "k"], ["v", "i"], axis=0)]
    m = model(nodes, [vi("x", TP.INT32, [8, 5])],
              [vi("v", TP.INT32, [3, 5]), vi("i", TP.INT64, [3, 5])],
              [init("k", np.array([3], np.int64))])
    order = np.argsort(-x, axis=0, kind="stable")[:3]
    return m, {"x": x}, {"v": np.take_along_axis(x, order, 0), "i": order}


# --- normalization ------------------------------------------------------------------

@case
def instancenorm_torch_dynamic():
    import torch
    x = RNG.randn(2, 3, 5, 4).astype(np.float32) * 2 + 1
    s = RNG.randn(3).astype(np.float32)
    b = RNG.randn(3).astype(np.float32)
    nodes = [h.make_node("InstanceNormalization", ["x", "s", "b"], ["y"],
                         epsilon=1e-3)]
    m = model(nodes, [vi("x", F, ["N", 3, "H", "W"])],
              [vi("y", F, ["N", 3, "H", "W"])], [init("s", s), init("b", b)])
    ref = torch.nn.functional.instance_norm(
        torch.from_numpy(x), weight=torch.from_numpy(s),
        bias=torch.from_numpy(b), eps=1e-3).numpy()
    return m, {"x": x}, {"y": ref}


# --- ONNX's conformance data with constant parameters ------------------------------
# libonnx-testdata feeds Resize's scales / sizes, Pad's pads, Tile's repeats
# and TopK's K as graph inputs; exported models hold them as constants, which
# is what Dyad supports. These cases take ONNX's own model and data with those
# inputs turned into initializers (test/Conformance lists the unchanged
# models as failing for that reason).

TESTDATA = "/usr/share/libonnx-testdata/data/node"
CONSTANT_PARAM_TESTS = [
    "test_resize_downsample_scales_cubic",
    "test_resize_downsample_scales_cubic_A_n0p5_exclude_outside",
    "test_resize_downsample_scales_cubic_align_corners",
    "test_resize_downsample_sizes_cubic",
    "test_resize_upsample_scales_cubic",
    "test_resize_upsample_scales_cubic_A_n0p5_exclude_outside",
    "test_resize_upsample_scales_cubic_align_corners",
    "test_resize_upsample_scales_cubic_asymmetric",
    "test_resize_upsample_sizes_cubic",
    "test_edge_pad", "test_reflect_pad", "test_constant_pad",
    "test_tile", "test_tile_precomputed",
    "test_top_k", "test_top_k_negative_axis", "test_top_k_smallest",
]


def constant_params_case(test):
    def build():
        d = os.path.join(TESTDATA, test)
        m = onnx.load(os.path.join(d, "model.onnx"))
        ds = os.path.join(d, "test_data_set_0")

        def load(kind, i):
            t = onnx.TensorProto()
            with open(os.path.join(ds, f"{kind}_{i}.pb"), "rb") as f:
                t.ParseFromString(f.read())
            return numpy_helper.to_array(t)
        graph_inputs = list(m.graph.input)
        feeds = {graph_inputs[0].name: load("input", 0)}
        del m.graph.input[1:]
        for i, gi in enumerate(graph_inputs[1:], start=1):
            m.graph.initializer.append(numpy_helper.from_array(load("input", i),
                                                               gi.name))
        outs = {o.name: load("output", i)
                for i, o in enumerate(m.graph.output)}
        return m, feeds, outs
    build.__name__ = "onnx_" + test[len("test_"):]
    return build


for _t in CONSTANT_PARAM_TESTS:
    case(constant_params_case(_t))


# --- driver -----------------------------------------------------------------------------

def run_case(args, name, built, tmp):
    m, inputs, expected = built
    d = os.path.join(tmp, name)
    os.makedirs(d)
    path = os.path.join(args.keep or d, name + ".onnx")
    onnx.save(m, path)
    lib = os.path.join(d, "model.so")
    p = subprocess.run([args.dyadc, path, "-o", lib], capture_output=True,
                       text=True)
    if p.returncode != 0:
        return f"dyadc: {p.stderr.strip()}"
    cmd = [args.dyad_run, lib, "--rtol", "1e-4", "--atol", "1e-5"]
    for n, v in inputs.items():
        np.save(os.path.join(d, n + ".in.npy"), v)
        cmd += ["--input", f"{n}={os.path.join(d, n + '.in.npy')}"]
    for n, v in expected.items():
        np.save(os.path.join(d, n + ".ref.npy"), np.array(v, order="C"))
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
    built = [CASES[n]() for n in names]
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
    print(f"exported ops: {len(names) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
