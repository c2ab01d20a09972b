#!/usr/bin/python3
"""Every bundled model on an NVIDIA GPU against the CPU artifact, on the full
test sets.

Dyad compiles anywhere (no CUDA toolkit); the GPU machine needs only its
driver, Python with numpy, and what `prepare` packs. Two steps:

    /usr/bin/python3 scripts/gpu-check.py prepare DIR [--gpu-arch sm_90]
        (here, after a build) compiles each bundled model fp32 and integer-
        only int8 (calibrated on 1000 training images) for --target=nvptx
        and for this CPU, runs the CPU artifacts on the full test sets and
        packs into DIR: the GPU artifacts, dyad-run and libdyad_runtime.so,
        the test sets (compressed) and the CPU outputs.

    python3 DIR/gpu-check.py check DIR
        (on the GPU machine) runs every GPU artifact on its full test set
        through dyad-run and compares it with the CPU artifact: int8 outputs
        must be bit-identical (the integer graph is exact, and its float
        edges are IEEE operations both sides round the same way); fp32
        outputs are compared by max |diff| and accuracy. Exit 1 on any int8
        difference or failed run.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

MODELS = ["mnist_mlp", "mnist_cnn", "fashion_dwsep", "mnist_vit", "fashion_vit"]


def run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n"
                           f"{p.stderr}{p.stdout}")
    return p.stdout


def prepare(args):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, os.path.join(root, "models"))
    import datasets  # noqa: E402
    info = json.load(open(os.path.join(root, "models", "accuracy.json")))
    bin_dir = os.path.abspath(args.bin)
    out = os.path.abspath(args.dir)
    for d in ("bin", "lib", "models", "data", "expected"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    shutil.copy2(os.path.join(bin_dir, "dyad-run"), os.path.join(out, "bin"))
    shutil.copy2(os.path.join(bin_dir, "..", "lib", "libdyad_runtime.so"),
                 os.path.join(out, "lib"))
    shutil.copy2(os.path.abspath(__file__), out)
    work = os.path.join(out, "cpu")
    os.makedirs(work, exist_ok=True)
    dyadc = os.path.join(bin_dir, "dyadc")
    manifest = []
    for name in args.models:
        onnx = os.path.join(root, "models", name + ".onnx")
        dataset = info[name + ".onnx"]["dataset"]
        data = os.path.join(out, "data", dataset + ".npz")
        calib = os.path.join(work, dataset + "-calib.npy")
        if not os.path.exists(data):
            x, y = datasets.load_preprocessed(dataset, "test")
            np.savez_compressed(data, x=x.astype(np.float32), y=y)
            xt, _ = datasets.load_preprocessed(dataset, "train")
            rng = np.random.default_rng(0)
            pick = rng.choice(len(xt), 1000, replace=False)
            np.save(calib, xt[pick].astype(np.float32))
        x = np.load(data)["x"]
        np.save(os.path.join(work, "x.npy"), x)
        for kind in ("fp32", "int8"):
            tag = f"{name}.{kind}"
            quant = []
            if kind == "int8":
                table = os.path.join(work, tag + ".calib.json")
                quant = ["--quantize", "--calibrate", calib,
                         "--calib-table", table]
            t0 = time.time()
            run([dyadc, onnx, *quant, "--target=nvptx",
                 "--gpu-arch=" + args.gpu_arch,
                 "-o", os.path.join(out, "models", tag + ".so")])
            gpu_s = time.time() - t0
            if kind == "int8":
                quant = ["--quantize", "--calib-table", table]
            cpu_lib = os.path.join(work, tag + ".so")
            run([dyadc, onnx, *quant, "-o", cpu_lib])
            res = os.path.join(work, "out-" + tag)
            run([os.path.join(bin_dir, "dyad-run"), cpu_lib, "--input",
                 os.path.join(work, "x.npy"), "--output-dir", res])
            outs = sorted(f for f in os.listdir(res) if f.endswith(".npy"))
            np.save(os.path.join(out, "expected", tag + ".npy"),
                    np.load(os.path.join(res, outs[0])))
            manifest.append({"model": name, "kind": kind, "dataset": dataset,
                             "compile_s": round(gpu_s, 2)})
            print(f"{tag}: GPU artifact compiled in {gpu_s:.1f} s, CPU "
                  f"outputs saved", flush=True)
    shutil.rmtree(work)
    json.dump({"gpu_arch": args.gpu_arch, "models": manifest},
              open(os.path.join(out, "manifest.json"), "w"), indent=1)
    print(f"packed {out}; on the GPU machine: python3 "
          f"{os.path.basename(out)}/gpu-check.py check "
          f"{os.path.basename(out)}")


def check(args):
    out = os.path.abspath(args.dir)
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.join(out, "lib") + (
        ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    dyad_run = os.path.join(out, "bin", "dyad-run")
    work = os.path.join(out, "run")
    os.makedirs(work, exist_ok=True)
    failed = 0
    loaded = {}
    print(f"{'model':<22} {'outputs':<22} {'GPU vs CPU':<26} accuracy (GPU / CPU)")
    for m in manifest["models"]:
        tag = f"{m['model']}.{m['kind']}"
        if m["dataset"] not in loaded:
            d = np.load(os.path.join(out, "data", m["dataset"] + ".npz"))
            loaded[m["dataset"]] = (d["x"], d["y"])
            np.save(os.path.join(work, m["dataset"] + ".npy"), d["x"])
        x, y = loaded[m["dataset"]]
        res = os.path.join(work, "out-" + tag)
        try:
            run([dyad_run, os.path.join(out, "models", tag + ".so"),
                 "--input", os.path.join(work, m["dataset"] + ".npy"),
                 "--output-dir", res], env=env)
        except RuntimeError as e:
            failed += 1
            print(f"{tag:<22} FAILED: {e}")
            continue
        outs = sorted(f for f in os.listdir(res) if f.endswith(".npy"))
        got = np.load(os.path.join(res, outs[0]))
        want = np.load(os.path.join(out, "expected", tag + ".npy"))
        same = got.shape == want.shape and np.array_equal(
            got.view(np.uint8), want.view(np.uint8))
        diff = (float(np.max(np.abs(got.astype(np.float64) -
                                    want.astype(np.float64))))
                if got.shape == want.shape else float("inf"))
        acc = lambda o: 100.0 * float(np.mean(o.argmax(1) == y))  # noqa
        verdict = "bit-identical" if same else f"max |diff| {diff:.3g}"
        if m["kind"] == "int8" and not same:
            failed += 1
            verdict += " (MUST be identical)"
        print(f"{tag:<22} {str(got.shape):<22} {verdict:<26} "
              f"{acc(got):.2f}% / {acc(want):.2f}% on {len(y)}", flush=True)
    print("gpu-check:", "FAILED" if failed else "ok")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("dir")
    p.add_argument("--gpu-arch", default="sm_90")
    p.add_argument("--bin", default="build/bin")
    p.add_argument("--models", nargs="+", default=MODELS)
    c = sub.add_parser("check")
    c.add_argument("dir")
    args = ap.parse_args()
    if args.cmd == "prepare":
        prepare(args)
        return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
