#!/usr/bin/env python3
"""A small float model whose weights have the edge cases of
docs/numerics.md §2, for test/Transforms/weight-edges-e2e.test.

    weight_edges_model.py OUTDIR

writes OUTDIR/model.onnx, OUTDIR/calib.npy (64 samples) and OUTDIR/x.npy
(8 test samples, another draw).

x [N, 4, 8, 8] -> Conv 'conv_edges' 3x3 pad 1, 8 output channels -> Relu
-> Conv 'conv_mix' 1x1, 6 channels -> GlobalAveragePool -> Flatten
-> Gemm 'gemm_edges' (transB) 5 outputs -> y.

conv_edges channels: 0-3 ordinary He-initialised weights, bias 0.1;
4 all zeros with bias 1.5; 5 weights ~1e-6 with bias 4 (PaddleOCR's
p2o.Conv.22: at S_in * max|W|/127 the bias is ~1e10, beyond i32);
6 weights ~1e-30 and no bias; 7 weights ~1e-3 with one outlier of 2.
gemm_edges column 4: weights ~1e-7 with bias 3 (the same for a Gemm).
Deterministic (fixed seed).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.RandomState(0)
    f32 = np.float32

    w1 = (rng.randn(8, 4, 3, 3) * np.sqrt(2.0 / 36)).astype(f32)
    b1 = np.full(8, 0.1, f32)
    w1[4] = 0.0
    b1[4] = 1.5
    w1[5] = (rng.randn(4, 3, 3) * 1e-6).astype(f32)
    b1[5] = 4.0
    w1[6] = (rng.randn(4, 3, 3) * 1e-30).astype(f32)
    b1[6] = 0.0
    w1[7] = (rng.randn(4, 3, 3) * 1e-3).astype(f32)
    w1[7, 1, 1, 1] = 2.0
    b1[7] = 0.0

    w2 = (rng.randn(6, 8, 1, 1) * np.sqrt(2.0 / 8)).astype(f32)
    b2 = (rng.randn(6) * 0.1).astype(f32)
    w3 = (rng.randn(5, 6) * np.sqrt(1.0 / 6)).astype(f32)
    b3 = (rng.randn(5) * 0.1).astype(f32)
    w3[4] = (rng.randn(6) * 1e-7).astype(f32)
    b3[4] = 3.0

    inits = [numpy_helper.from_array(a, n) for a, n in [
        (w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (w3, "w3"),
        (b3, "b3")]]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv_edges",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv_mix",
                         kernel_shape=[1, 1]),
        helper.make_node("GlobalAveragePool", ["c2"], ["p"], name="pool"),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "w3", "b3"], ["y"], name="gemm_edges",
                         transB=1),
    ]
    graph = helper.make_graph(
        nodes, "weight_edges",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["N", 4, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "model.onnx"))
    np.save(os.path.join(out, "calib.npy"),
            rng.uniform(-1, 1, (64, 4, 8, 8)).astype(f32))
    np.save(os.path.join(out, "x.npy"),
            rng.uniform(-1, 1, (8, 4, 8, 8)).astype(f32))
    print("wrote", os.path.join(out, "model.onnx"))


if __name__ == "__main__":
    main()
