#!/usr/bin/python3
"""The vectorized integer kernels compute exactly what the scalar lowering
computes: same model, same calibration table, outputs compared bit for bit.

    /usr/bin/python3 models/check_identical.py models/mnist_cnn.onnx --bin build/bin
        [--count N] [--mattr "" --mattr=-avx512vnni ...] [--allow-float-ops]
        [--gpu-kernels-on-host]

1. A calibration table from 1000 training images (dyadc --calibrate).
2. The reference: `dyadc -O0 --quantize --calib-table T` (scalar loops, the
   integer lowering before the CPU kernels).
3. For each --mattr (default: the host, then without AMX on a CPU that
   has it, without AVX512-VNNI, without AVX-512):
   `dyadc --quantize --calib-table T --mattr M`.
4. The first --count test images (0: the full test set) through each; every
   output must equal the reference's exactly.
   With --gpu-kernels-on-host, also the GPU pipeline's kernels run as
   host loops (`--target=nvptx --gpu-kernels-on-host`): what each kernel
   computes, checked without a GPU.
Prints one line per variant and "OK"; exits 1 on any difference.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import datasets  # noqa: E402
from evaluate import run  # noqa: E402


def outputs(dyad_run, lib, x, work, tag):
    np.save(os.path.join(work, "x.npy"), x)
    out = os.path.join(work, f"out_{tag}")
    run([dyad_run, lib, "--input", os.path.join(work, "x.npy"), "--output-dir", out])
    return {f: np.load(os.path.join(out, f)) for f in sorted(os.listdir(out))}


def host_has_amx():
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((l for l in f if l.startswith("flags")), "")
    except OSError:
        return False
    return "amx_int8" in flags.split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--bin", default="build/bin")
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--mattr", action="append")
    ap.add_argument("--allow-float-ops", action="store_true")
    ap.add_argument("--gpu-kernels-on-host", action="store_true")
    args = ap.parse_args()
    variants = args.mattr if args.mattr is not None else ["", "-avx512vnni", "-avx512f"]
    if args.mattr is None and host_has_amx():
        # AMX hosts: the host's path uses AMX; the AVX512-VNNI one too.
        variants.insert(1, "-amx-int8")
    variants = [(m or "host", ["--mattr", m] if m else []) for m in variants]
    if args.gpu_kernels_on_host:
        variants.append(("gpu kernels on the host",
                         ["--target=nvptx", "--gpu-kernels-on-host"]))
    name = os.path.basename(args.model)
    info = json.load(open(os.path.join(HERE, "accuracy.json")))[name]
    dyadc = os.path.join(args.bin, "dyadc")
    dyad_run = os.path.join(args.bin, "dyad-run")
    extra = ["--allow-float-ops"] if args.allow_float_ops else []
    with tempfile.TemporaryDirectory() as work:
        xtrain, _ = datasets.load_preprocessed(info["dataset"], "train")
        calib = os.path.join(work, "calib.npy")
        np.save(calib, xtrain[:1000])
        del xtrain
        table = os.path.join(work, "table.json")
        ref_lib = os.path.join(work, "ref.so")
        run([dyadc, args.model, "-o", ref_lib, "-O0", "--quantize", "--calibrate",
             calib, "--calib-table", table] + extra)
        x, _ = datasets.load_preprocessed(info["dataset"], "test")
        if args.count:
            x = x[:args.count]
        x = np.ascontiguousarray(x)
        ref = outputs(dyad_run, ref_lib, x, work, "ref")
        ok = True
        for label, flags in variants:
            lib = os.path.join(work, "v.so")
            run([dyadc, args.model, "-o", lib, "--quantize", "--calib-table", table]
                + flags + extra)
            got = outputs(dyad_run, lib, x, work, "v")
            diffs = [k for k in ref if not np.array_equal(ref[k], got[k])]
            if diffs:
                ok = False
                k = diffs[0]
                n = int((ref[k] != got[k]).sum())
                print(f"{name}: {label}: {k} differs from -O0 in {n} values")
            else:
                print(f"{name}: {label}: outputs identical to -O0 on {len(x)} images")
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
