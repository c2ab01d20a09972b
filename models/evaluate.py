#!/usr/bin/python3
"""Compile a bundled model with dyadc and evaluate the native library.

    /usr/bin/python3 models/evaluate.py models/mnist_cnn.onnx --bin build/bin

1. `dyadc model.onnx -o <work>/model.so` (one build, dynamic batch).
2. Reference check: the 64 images of <model>.ref.npz at batch 64 and at
   batch 1, logits compared with the PyTorch logits saved at export.
3. Accuracy: the FULL test set (10,000 images) through the library.
4. Speed: images/s at batch 64 (`dyad-run --bench`, median of N runs).

With --quantize METHOD the model is compiled integer-only instead
(`dyadc --quantize --calibrate <train split> --calib-count N --calib-method
METHOD`): calibration samples come from the TRAINING split (seeded draw),
accuracy is measured on the full test split, and the drop against fp32 may be
at most --max-drop (0.5 pt by default in this mode). The reference logits
are then compared loosely (reported, predictions must mostly agree).

With --normalize-in-graph the model evaluated is a variant that takes raw
pixels in [0, 1] and normalizes them itself, `(x - mean) / std` as Sub and
Div nodes in front of the graph (how many exporters bake preprocessing in);
every input (calibration, reference, test) is then given unnormalized.

With --normalize-in-graph the model evaluated is a variant that takes raw
pixels in [0, 1] and normalizes them itself, `(x - mean) / std` as Sub and
Div nodes in front of the graph (how many exporters bake preprocessing in);
every input (calibration, reference, test) is then given unnormalized.

Exit code 1 when the reference logits differ by more than --atol or the
accuracy is more than --max-drop points below the fp32 accuracy recorded in
models/accuracy.json.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import datasets  # noqa: E402


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"evaluate: {' '.join(cmd)} failed:\n{p.stderr}{p.stdout}")
    return p.stdout


def logits_of(dyad_run, lib, x, work, tag):
    np.save(os.path.join(work, f"{tag}.npy"), np.ascontiguousarray(x))
    out = os.path.join(work, f"out_{tag}")
    run([dyad_run, lib, "--input", os.path.join(work, f"{tag}.npy"),
         "--output-dir", out])
    return np.load(os.path.join(out, "logits.npy"))


def normalize_in_graph(model, work):
    """The model with `(x - MEAN) / STD` (Sub, Div by constants) in front."""
    import onnx
    from onnx import helper, numpy_helper
    m = onnx.load(model)
    g = m.graph
    x = g.input[0].name
    consts = [numpy_helper.from_array(np.full((1, 1, 1, 1), v, np.float32),
                                      name=n)
              for n, v in (("norm_mean", datasets.MEAN),
                           ("norm_std", datasets.STD))]
    nodes = [helper.make_node("Sub", [x, "norm_mean"], ["norm_centered"],
                              name="/norm/Sub"),
             helper.make_node("Div", ["norm_centered", "norm_std"],
                              ["norm_out"], name="/norm/Div")]
    for n in g.node:
        for i, name in enumerate(n.input):
            if name == x:
                n.input[i] = "norm_out"
    g.initializer.extend(consts)
    new_nodes = nodes + list(g.node)
    del g.node[:]
    g.node.extend(new_nodes)
    path = os.path.join(work, "normalized_" + os.path.basename(model))
    onnx.save(m, path)
    return path


def raw(x):
    """Undo datasets.preprocess's normalization: pixels in [0, 1]."""
    return (x * np.float32(datasets.STD) + np.float32(datasets.MEAN)).astype(
        np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--bin", default="build/bin")
    ap.add_argument("--atol", type=float, default=1e-3)
    ap.add_argument("--max-drop", type=float, default=0.1)
    ap.add_argument("--bench", type=int, default=20)
    ap.add_argument("--skip-accuracy", action="store_true")
    ap.add_argument("--quantize", metavar="METHOD",
                    help="int8: calibrate with METHOD (minmax, "
                         "moving-average, percentile, entropy, mse)")
    ap.add_argument("--bits", type=int, default=8, metavar="K",
                    help="with --quantize: weight and activation bits "
                         "(2..16; above 8 stored in 16 bits)")
    ap.add_argument("--dyadc", action="append", default=[], metavar="ARG",
                    help="one more dyadc argument with --quantize, e.g. "
                         "--dyadc=--bias-correction (repeatable)")
    ap.add_argument("--calib-count", type=int, default=1000)
    ap.add_argument("--calib-seed", type=int, default=0)
    ap.add_argument("--allow-float-ops", action="store_true")
    ap.add_argument("--normalize-in-graph", action="store_true",
                    help="evaluate a variant that normalizes its raw input "
                         "with Sub/Div nodes")
    args = ap.parse_args()
    if args.quantize and args.max_drop == 0.1:
        args.max_drop = 0.5

    name = os.path.basename(args.model)
    info = json.load(open(os.path.join(HERE, "accuracy.json")))[name]
    dyadc = os.path.join(args.bin, "dyadc")
    dyad_run = os.path.join(args.bin, "dyad-run")
    ok = True
    with tempfile.TemporaryDirectory() as work:
        lib = os.path.join(work, "model.so")
        model = args.model
        prep = raw if args.normalize_in_graph else (lambda x: x)
        if args.normalize_in_graph:
            model = normalize_in_graph(args.model, work)
            print(f"{name}: normalization (Sub, Div) moved into the graph")
        t0 = time.time()
        cmd = [dyadc, model, "-o", lib]
        tag = "fp32"
        if args.quantize:
            xtrain, _ = datasets.load_preprocessed(info["dataset"], "train")
            calib = os.path.join(work, "calib.npy")
            np.save(calib, prep(xtrain))
            del xtrain
            cmd += ["--quantize", "--calibrate", calib,
                    "--calib-method", args.quantize,
                    "--calib-count", str(args.calib_count),
                    "--calib-seed", str(args.calib_seed)]
            if args.bits != 8:
                cmd += ["--weight-bits", str(args.bits),
                        "--activation-bits", str(args.bits)]
            if args.allow_float_ops:
                cmd.append("--allow-float-ops")
            cmd += args.dyadc
            kind = f"int{args.bits}" if args.bits in (4, 8, 16) else \
                f"{args.bits}-bit"
            tag = f"{kind} {args.quantize}, {args.calib_count} calibration images"
        run(cmd)
        print(f"{name}: compiled ({tag}) with dyadc in {time.time() - t0:.1f} s")

        ref = np.load(args.model.replace(".onnx", ".ref.npz"))
        ref_input = prep(ref["input"])
        got64 = logits_of(dyad_run, lib, ref_input, work, "ref64")
        got1 = np.concatenate([logits_of(dyad_run, lib, ref_input[i:i + 1],
                                         work, f"ref1_{i}") for i in range(4)])
        err64 = float(np.abs(got64 - ref["logits"]).max())
        err1 = float(np.abs(got1 - ref["logits"][:4]).max())
        same = int((got64.argmax(1) == ref["logits"].argmax(1)).sum())
        print(f"  reference logits: max |diff| {err64:.2e} at batch 64, "
              f"{err1:.2e} at batch 1; {same}/64 same predictions")
        if args.quantize:
            # Integer logits differ from fp32 by quantization error; the
            # batch-1 and batch-64 runs of one library must agree exactly.
            ok &= bool(np.array_equal(got1, got64[:4])) and same >= 60
        else:
            ok &= err64 <= args.atol and err1 <= args.atol

        if not args.skip_accuracy:
            x, y = datasets.load_preprocessed(info["dataset"], "test")
            t0 = time.time()
            logits = logits_of(dyad_run, lib, prep(x), work, "test")
            elapsed = time.time() - t0
            acc = 100.0 * float((logits.argmax(1) == y).mean())
            drop = info["test_accuracy"] - acc
            print(f"  test accuracy: {acc:.2f}% on {len(y)} {info['dataset']} "
                  f"test images (fp32 reference {info['test_accuracy']:.2f}%, "
                  f"{'+' if drop <= 0 else '-'}{abs(drop):.2f} pt); "
                  f"one batch of {len(y)} in {elapsed:.1f} s incl. I/O; "
                  f"{tag.split(',')[0]}")
            ok &= drop <= args.max_drop

        if args.bench:
            np.save(os.path.join(work, "b64.npy"), np.ascontiguousarray(ref_input))
            out = run([dyad_run, lib, "--input", os.path.join(work, "b64.npy"),
                       "--bench", str(args.bench)])
            median = float(re.search(r"median ([0-9.e+-]+) ms", out).group(1))
            line = (f"  speed: {64 / median * 1000:.0f} images/s at batch 64, "
                    f"1 thread (median of {args.bench} runs: {median:.2f} ms)")
            # The peer, same input, same run, same thread count.
            ort = os.path.join(HERE, "..", "bench", "ort_bench.js")
            if os.path.isdir(os.path.join(HERE, "..", "bench", "node_modules")):
                p = subprocess.run(["node", ort, model,
                                    os.path.join(work, "b64.npy"),
                                    str(args.bench), "1"],
                                   capture_output=True, text=True)
                m = re.search(r"median ([0-9.e+-]+)", p.stdout)
                if p.returncode == 0 and m:
                    peer = float(m.group(1))
                    line += (f"; onnxruntime 1.30: {peer:.2f} ms -> Dyad is "
                             f"{peer / median:.2f}x onnxruntime's speed")
                else:
                    line += f"; onnxruntime failed: {p.stderr.strip()[:200]}"
            print(line)
    print(f"  {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
