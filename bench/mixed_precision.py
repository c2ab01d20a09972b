#!/usr/bin/python3
"""Mixed precision and INT4 weights, measured: accuracy, stored size and
latency of fp32, int8, uniform int4 weights and mixed INT4/INT8 under
several budgets, for the bundled models and a large GEMM stack.

    /usr/bin/python3 bench/mixed_precision.py [--bin build/bin] [--runs 200]
        [--models mnist_cnn,fashion_dwsep] [--budgets size=0.6 size=0.75 ...]
        [--json out.json]

Each model is compiled by dyadc (calibrated with minmax on 1000 training
images; mixed precision: ZeroQ sensitivities, the first and last layers
kept at 8 bits) and run on its whole test set for accuracy. "constants" is
the library's .rodata (weights, biases, requantization constants). Latency
is the median of --runs runs of dyad-run --bench, one thread, at batch 1
and 64 (real test images), each configuration measured 3 times interleaved
and the smallest median kept; it is reported as a ratio to int8 in the same
run (< 1: faster).

"gemm3" is a stack of three Gemms (1024 -> 4096 -> 4096 -> 1024, ReLU
between, random weights, calibrated on random inputs): 25 MB of int8
weights, far beyond the L2 cache, where batch 1 is bound by reading them.
It has no accuracy; it measures what 4-bit storage does to speed there.

A latency budget (latency=F) is the fraction of the int8 model's time the
compiler measured per layer on this CPU (batch 1, one thread); the
"latency / int8" column is what the built library then measured.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
from libsize import section_size  # noqa: E402


def gemm_stack(path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(0)
    dims = [1024, 4096, 4096, 1024]
    nodes, inits, prev = [], [], "x"
    for i in range(3):
        w = (rng.standard_normal((dims[i], dims[i + 1])) /
             np.sqrt(dims[i])).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"W{i}"),
                  numpy_helper.from_array(np.zeros(dims[i + 1], np.float32),
                                          f"b{i}")]
        nodes.append(helper.make_node("Gemm", [prev, f"W{i}", f"b{i}"],
                                      [f"g{i}"]))
        prev = f"g{i}"
        if i < 2:
            nodes.append(helper.make_node("Relu", [prev], [f"r{i}"]))
            prev = f"r{i}"
    g = helper.make_graph(
        nodes, "gemm3",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1024])],
        [helper.make_tensor_value_info(prev, TensorProto.FLOAT, ["N", 1024])],
        inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
              path)
    return (rng.standard_normal((1000, 1024)).astype(np.float32),
            rng.standard_normal((64, 1024)).astype(np.float32))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "build", "bin"))
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--models", default="mnist_cnn,fashion_dwsep,gemm3")
    ap.add_argument("--budgets", nargs="*",
                    default=["size=0.5", "size=0.6", "size=0.75",
                             "size=0.6,latency=105%", "latency=0.7"])
    ap.add_argument("--json")
    args = ap.parse_args()
    import datasets
    info = json.load(open(os.path.join(HERE, "..", "models",
                                       "accuracy.json")))
    dyadc = os.path.join(args.bin, "dyadc")
    dyad_run = os.path.join(args.bin, "dyad-run")
    results = []
    with tempfile.TemporaryDirectory() as work:
        def path(name):
            return os.path.join(work, name)
        for model in args.models.split(","):
            if model == "gemm3":
                onnx_path = path("gemm3.onnx")
                calib, x = gemm_stack(onnx_path)
                y = None
            else:
                onnx_path = os.path.join(HERE, "..", "models", model + ".onnx")
                ds = info[model + ".onnx"]["dataset"]
                calib, _ = datasets.load_preprocessed(ds, "train")
                calib = calib[:1000]
                x, y = datasets.load_preprocessed(ds, "test")
            np.save(path("calib.npy"), calib)
            np.save(path("x.npy"), x)
            np.save(path("b1.npy"), np.ascontiguousarray(x[:1]))
            np.save(path("b64.npy"), np.ascontiguousarray(x[:64]))
            quant = ["--quantize", "--calibrate", path("calib.npy"),
                     "--calib-table", path(model + ".calib.json")]
            variants = [("fp32", []), ("int8", quant),
                        ("int4", quant + ["--weight-bits", "4"])]
            for b in args.budgets:
                variants.append(("mixed " + b, quant + [
                    "--mixed-precision", "--budget", b,
                    "--keep-8bit", "first,last"]))
            rows = {}
            for name, extra in variants:
                lib = path(model + "_" + re.sub(r"[^a-z0-9]", "_", name) +
                           ".so")
                p = subprocess.run([dyadc, onnx_path, "-o", lib] + extra,
                                   capture_output=True, text=True)
                row = {"model": model, "variant": name}
                if p.returncode != 0:
                    row["error"] = p.stderr.strip().splitlines()[-1]
                    print(f"{model:14s} {name:24s} {row['error']}")
                    results.append(row)
                    continue
                m = re.search(r"weights (\d+) of (\d+) bytes", p.stderr)
                if m:
                    row["weight_fraction"] = int(m.group(1)) / int(m.group(2))
                row["widths"] = re.findall(r"^\s+(\d) bits", p.stderr, re.M)
                row["constants"] = section_size(lib)
                if y is not None:
                    out = path("out")
                    subprocess.run([dyad_run, lib, "--input", path("x.npy"),
                                    "--output-dir", out], check=True,
                                   capture_output=True)
                    logits = np.load(os.path.join(out, os.listdir(out)[0]))
                    row["accuracy"] = 100.0 * float(
                        (logits.argmax(1) == y).mean())
                rows[name] = (lib, row)
            # Latency: interleaved rounds, smallest median per configuration.
            for batch in ("b1", "b64"):
                best = {}
                for _ in range(3):
                    for name, (lib, row) in rows.items():
                        o = subprocess.run(
                            [dyad_run, lib, "--input", path(batch + ".npy"),
                             "--bench", str(args.runs), "--threads", "1"],
                            capture_output=True, text=True, check=True).stdout
                        ms = float(re.search(r"median ([0-9.e+-]+) ms",
                                             o).group(1))
                        best[name] = min(best.get(name, ms), ms)
                for name, (lib, row) in rows.items():
                    row[batch + "_ms"] = best[name]
                    if "int8" in best:
                        row[batch + "_vs_int8"] = best[name] / best["int8"]
            for name, (lib, row) in rows.items():
                acc = f"{row['accuracy']:6.2f}%" if "accuracy" in row else "     -"
                frac = (f"{100 * row['weight_fraction']:5.1f}%"
                        if "weight_fraction" in row else "    -")
                print(f"{model:14s} {name:24s} acc {acc}  weights {frac}  "
                      f"constants {row['constants']:9d} B  "
                      f"b1 {row['b1_ms']:.4f} ms ({row['b1_vs_int8']:.2f}x int8)  "
                      f"b64 {row['b64_ms']:.3f} ms ({row['b64_vs_int8']:.2f}x int8)"
                      + (f"  widths {' '.join(row['widths'])}"
                         if row["widths"] else ""))
                results.append(row)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu": open("/proc/cpuinfo").read().split(
                "model name")[1].split("\n")[0].strip(" \t:"),
                "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
