#!/usr/bin/python3
"""Convolutions whose output channels are not in blocks of 8 (28, 42, 6,
as BlazeFace's and detector heads'): the first two, whose epilogues (a
requantization and ReLU) can run on more channels, are padded with zero
filters to 32 and 48 (dyad-cpu-pack-vnni) and run on vpdpbusd / AMX, their
epilogues' results sliced back; the last, whose epilogue writes the NCHW
float output, stays on the widening kernel (conv2d-nhwc). The integer
model compiled with the CPU kernels must compute exactly what the scalar
lowering (-O0) computes.

    odd_channels.py DYADC DYAD_RUN WORKDIR [extra dyadc args]

Writes the model (random weights, batch dynamic), calibrates it on random
images, compiles it at -O0 and with the CPU kernels, runs both on 16 other
random images and prints "identical" or the largest difference.
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def conv(name, x, cin, cout, k, rng, nodes, inits, relu=True):
    w = (rng.standard_normal((cout, cin, k, k)) * (2.0 / (k * k * cin)) ** 0.5)
    inits.append(numpy_helper.from_array(w.astype(np.float32), name + "_w"))
    inits.append(numpy_helper.from_array(
        (rng.standard_normal(cout) * 0.1).astype(np.float32), name + "_b"))
    nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [name],
                                  name=name, pads=[k // 2] * 4))
    if not relu:
        return name
    nodes.append(helper.make_node("Relu", [name], [name + "_r"], name=name + "_relu"))
    return name + "_r"


def main():
    dyadc, dyad_run, work = sys.argv[1:4]
    extra = sys.argv[4:]
    rng = np.random.default_rng(0)
    nodes, inits = [], []
    y = conv("c28", "x", 3, 28, 3, rng, nodes, inits)
    y = conv("c42", y, 28, 42, 1, rng, nodes, inits)
    y = conv("c6", y, 42, 6, 3, rng, nodes, inits, relu=False)
    graph = helper.make_graph(
        nodes, "odd_channels",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3, 16, 16])],
        [helper.make_tensor_value_info(y, TensorProto.FLOAT, ["n", 6, 16, 16])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = os.path.join(work, "odd.onnx")
    onnx.save(model, path)
    np.save(os.path.join(work, "calib.npy"),
            rng.standard_normal((32, 3, 16, 16)).astype(np.float32))
    np.save(os.path.join(work, "x.npy"),
            rng.standard_normal((16, 3, 16, 16)).astype(np.float32))
    table = os.path.join(work, "t.json")
    outs = {}
    for tag, flags in (("ref", ["-O0"]), ("kernels", extra)):
        lib = os.path.join(work, tag + ".so")
        calib = (["--calibrate", os.path.join(work, "calib.npy")] if tag == "ref"
                 else [])
        subprocess.run([dyadc, path, "--quantize", "--calib-table", table, "-o", lib]
                       + calib + flags, check=True)
        out = os.path.join(work, "out_" + tag)
        subprocess.run([dyad_run, lib, "--input", os.path.join(work, "x.npy"),
                        "--output-dir", out], check=True, stdout=subprocess.DEVNULL)
        outs[tag] = {f: np.load(os.path.join(out, f)) for f in sorted(os.listdir(out))}
    for f, ref in outs["ref"].items():
        got = outs["kernels"][f]
        if not np.array_equal(ref, got):
            print(f"{f}: differs, max |diff| {np.abs(ref - got).max()}")
            return 1
    print("identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
