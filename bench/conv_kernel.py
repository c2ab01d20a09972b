#!/usr/bin/python3
"""Kernel microbenchmark: 3x3 convolutions (C -> C channels, HxW, pad 1,
ReLU, batch 1), or GEMMs (--op gemm: rows x K by K x K, bias, ReLU),
compiled by dyadc in fp32 and int8, timed with `dyad-run --bench`
(median; the models timed in turn, 5 times, the median of those), in
GOP/s (2 x MACs per second) against the measured peak of one core.

    /usr/bin/python3 bench/conv_kernel.py --bin build/bin [--channels 64] [--size 56] [--runs 50]
    /usr/bin/python3 bench/conv_kernel.py --bin build/bin --op gemm [--rows 256] [--k 512]

The kernel's time is isolated from the model's float NCHW boundary (the
input quantization and transpose, the output's): a stack of 1 + L
identical-shape conv+ReLU layers is timed against a single one, and one
layer costs (t[1+L] - t[1]) / L: the convolution with its fused epilogue
(int8: requantization, ReLU, the next layer's unsigned flip and pad).
Timed on 1 thread and on all cores (the speed-up is the scaling).

The peak: bench/peak.c, a tight loop of independent 512-bit vpdpbusd /
FMA instructions (and of AMX tdpbusd where the CPU has AMX-INT8: int8
GEMMs and convolutions run on it there, and the VNNI kernel is timed as
well, --mattr=-amx-int8), compiled and run here (one core); --ghz G instead
assumes one such instruction per cycle at G GHz.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np


def conv_model(path, c, size, layers):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(0)
    nodes, inits, x = [], [], "x"
    for i in range(layers):
        w = (rng.standard_normal((c, c, 3, 3)) * (2.0 / (9 * c)) ** 0.5).astype(np.float32)
        b = (rng.standard_normal(c) * 0.1).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        y = "y" if i == layers - 1 else f"r{i}"
        nodes += [helper.make_node("Conv", [x, f"w{i}", f"b{i}"], [f"c{i}"], pads=[1, 1, 1, 1]),
                  helper.make_node("Relu", [f"c{i}"], [y])]
        x = y
    g = helper.make_graph(
        nodes, "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, c, size, size])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(m, path)


def gemm_model(path, rows, k, layers):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(0)
    nodes, inits, x = [], [], "x"
    for i in range(layers):
        w = (rng.standard_normal((k, k)) * (2.0 / k) ** 0.5).astype(np.float32)
        b = (rng.standard_normal(k) * 0.1).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        y = "y" if i == layers - 1 else f"r{i}"
        nodes += [helper.make_node("MatMul", [x, f"w{i}"], [f"m{i}"]),
                  helper.make_node("Add", [f"m{i}", f"b{i}"], [f"c{i}"]),
                  helper.make_node("Relu", [f"c{i}"], [y])]
        x = y
    g = helper.make_graph(
        nodes, "gemm", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", k])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(m, path)


def measured_peak(kind, work):
    """GOP/s of bench/peak.c on one core, or None where it cannot run."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peak.c")
    exe = os.path.join(work, "peak")
    for cc in ("clang-22", "clang", "cc"):
        try:
            subprocess.run([cc, "-O2", "-mavx512f", "-mavx512vnni", src, "-o", exe],
                           check=True, capture_output=True)
            p = subprocess.run([exe, kind], check=True, capture_output=True, text=True)
            return float(p.stdout)
        except (OSError, subprocess.CalledProcessError, ValueError):
            continue
    return None


def median_ms(dyad_run, lib, x, runs, threads):
    p = subprocess.run([dyad_run, lib, "--input", x, "--bench", str(runs),
                        "--threads", str(threads)],
                       capture_output=True, text=True, check=True)
    return float(re.search(r"median ([0-9.e+-]+) ms", p.stdout + p.stderr).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/bin")
    ap.add_argument("--channels", type=int, default=64)
    ap.add_argument("--size", type=int, default=56)
    ap.add_argument("--layers", type=int, default=4, help="L: the stack has 1 + L layers")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=5,
                    help="timings of each model, interleaved; their median is used "
                         "(this VM's speed drifts by 10-20%% within minutes)")
    ap.add_argument("--op", choices=["conv", "gemm"], default="conv")
    ap.add_argument("--rows", type=int, default=256, help="gemm: rows (the batch)")
    ap.add_argument("--k", type=int, default=512, help="gemm: K = N")
    ap.add_argument("--ghz", type=float, default=None,
                    help="assume this clock instead of measuring the peak")
    a = ap.parse_args()
    c, s, L = a.channels, a.size, a.layers
    gemm = a.op == "gemm"
    ops = 2.0 * a.rows * a.k * a.k if gemm else 2.0 * c * c * 9 * s * s
    dyadc, dyad_run = os.path.join(a.bin, "dyadc"), os.path.join(a.bin, "dyad-run")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    cores = len(os.sched_getaffinity(0))
    if gemm:
        print(f"gemm {a.rows}x{a.k} by {a.k}x{a.k} + bias + ReLU "
              f"({ops / 1e9:.3f} GOP per layer), {cpu}")
    else:
        print(f"conv 3x3 {c}->{c} {s}x{s} + ReLU, batch 1 ({ops / 1e9:.3f} GOP per layer), {cpu}")
    with tempfile.TemporaryDirectory() as work:
        peaks = {}
        for kind, per_cycle in (("fma", 32), ("vnni", 128), ("amx", None)):
            if a.ghz:
                peaks[kind] = per_cycle * a.ghz if per_cycle else None
            else:
                peaks[kind] = measured_peak(kind, work)
            how = f"assumed at {a.ghz} GHz" if a.ghz else "measured, bench/peak.c"
            if peaks[kind]:
                print(f"  one-core peak, {kind}: {peaks[kind]:.0f} GOP/s ({how})")
        x, calib = os.path.join(work, "x.npy"), os.path.join(work, "calib.npy")
        rng = np.random.default_rng(1)
        shape = (a.rows, a.k) if gemm else (1, c, s, s)
        np.save(x, rng.standard_normal(shape).astype(np.float32))
        np.save(calib, rng.standard_normal((4,) + shape[1:] if not gemm else (64, a.k))
                .astype(np.float32))
        # int8 GEMMs and convolutions run on AMX where the CPU has it (the
        # compiler's choice); there, the VNNI kernel is timed too
        # (--mattr=-amx-int8).
        quant = ["--quantize", "--calibrate", calib]
        variants = [("fp32", [], "fma")]
        if peaks.get("amx"):
            variants += [("int8", quant, "amx"),
                         ("int8 vnni", quant + ["--mattr=-amx-int8"], "vnni")]
        else:
            variants += [("int8", quant, "vnni")]
        for name, flags, kind in variants:
            libs = {}
            for n in (1, 1 + L):
                model = os.path.join(work, f"{a.op}{n}.onnx")
                if gemm:
                    gemm_model(model, a.rows, a.k, n)
                else:
                    conv_model(model, c, s, n)
                libs[n] = os.path.join(work, f"{name.replace(' ', '_')}{n}.so")
                subprocess.run([dyadc, model, "-o", libs[n]] + flags, check=True)
            # The two models in turn, so that a drift of the machine's speed
            # falls on both; the median of the repeats.
            times = {}
            for _ in range(max(1, a.repeats)):
                for n in (1, 1 + L):
                    for threads in sorted({1, cores}):
                        times.setdefault((n, threads), []).append(
                            median_ms(dyad_run, libs[n], x, a.runs, threads))
            t = {k: float(np.median(v)) for k, v in times.items()}
            one = (t[1 + L, 1] - t[1, 1]) / L
            gops = ops / (one * 1e-3) / 1e9
            peak = peaks.get(kind)
            share = f" = {100 * gops / peak:.0f}% of the one-core peak" if peak else ""
            print(f"  {name}: one layer {one:.3f} ms on 1 thread, {gops:.1f} GOP/s{share}"
                  f" (model of 1 layer: {t[1, 1]:.3f} ms; of {1 + L}: {t[1 + L, 1]:.3f} ms)")
            if cores > 1:
                many = (t[1 + L, cores] - t[1, cores]) / L
                print(f"  {name}: one layer {many:.3f} ms on {cores} threads: "
                      f"{one / many:.2f}x the 1-thread time")


if __name__ == "__main__":
    sys.exit(main())
