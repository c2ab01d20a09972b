#!/usr/bin/python3
"""Kernel microbenchmark: one 3x3 convolution (C -> C channels, HxW, pad 1,
batch 1) compiled by dyadc in fp32 and int8, timed with `dyad-run --bench`
(median), reported in GOP/s (2 x MACs per second) and against a peak.

    /usr/bin/python3 bench/conv_kernel.py --bin build/bin [--channels 64] [--size 56] [--runs 50]

The peak is one 512-bit FMA (32 flops) or vpdpbusd (128 int8 ops) per cycle
per core at the clock given with --ghz (default 3.65, the Zen 4 parts these
machines have: ../shared/reference/cpu-codegen.md measured 117.5 GFLOP/s
and 464 GOP/s in tight loops there). Single thread.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np


def conv_model(path, c, size):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((c, c, 3, 3)) * (2.0 / (9 * c)) ** 0.5).astype(np.float32)
    b = (rng.standard_normal(c) * 0.1).astype(np.float32)
    g = helper.make_graph(
        [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["y"])],
        "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, c, size, size])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(m, path)


def median_ms(dyad_run, lib, x, runs):
    p = subprocess.run([dyad_run, lib, "--input", x, "--bench", str(runs)],
                       capture_output=True, text=True, check=True)
    return float(re.search(r"median ([0-9.e+-]+) ms", p.stdout + p.stderr).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/bin")
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--size", type=int, default=56)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--ghz", type=float, default=3.65)
    a = ap.parse_args()
    c, s = a.channels, a.size
    ops = 2.0 * c * c * 9 * s * s
    dyadc, dyad_run = os.path.join(a.bin, "dyadc"), os.path.join(a.bin, "dyad-run")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    print(f"conv 3x3 {c}->{c} {s}x{s} batch 1 ({ops / 1e9:.3f} GOP), 1 thread, {cpu}")
    with tempfile.TemporaryDirectory() as work:
        model, x, calib = (os.path.join(work, f) for f in ("conv.onnx", "x.npy", "calib.npy"))
        conv_model(model, c, s)
        rng = np.random.default_rng(1)
        np.save(x, rng.standard_normal((1, c, s, s)).astype(np.float32))
        np.save(calib, rng.standard_normal((4, c, s, s)).astype(np.float32))
        for name, flags, peak in (("fp32", [], 32 * a.ghz), ("int8", ["--quantize", "--calibrate", calib], 128 * a.ghz)):
            lib = os.path.join(work, f"{name}.so")
            subprocess.run([dyadc, model, "-o", lib] + flags, check=True)
            ms = median_ms(dyad_run, lib, x, a.runs)
            gops = ops / (ms * 1e-3) / 1e9
            print(f"  {name}: {ms:.3f} ms, {gops:.1f} GOP/s = {100 * gops / peak:.0f}% of "
                  f"{peak:.0f} GOP/s ({'FMA' if name == 'fp32' else 'vpdpbusd'} peak at {a.ghz} GHz)")


if __name__ == "__main__":
    sys.exit(main())
