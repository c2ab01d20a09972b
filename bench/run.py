#!/usr/bin/python3
"""The speed benchmark: every bundled model, Dyad against onnxruntime, in one
run on this machine.

    /usr/bin/python3 bench/run.py [--bin build/bin] [--runs 30] [--json out.json]
                                  [--models mnist_cnn,fashion_vit]

For each model: Dyad fp32 and Dyad int8 (dyadc --quantize, calibrated on
1000 training images with minmax, as the demo does; integer-only, the
ViTs included), onnxruntime (npm onnxruntime-node) on the fp32 model and
on the same model in onnxruntime's QDQ int8 format quantized with Dyad's
calibration table (bench/qdq_model.py). Each at batch 1 and 64, with 1
thread and with all cores, each side limited to that thread count (Dyad:
dyad-run --threads; onnxruntime: intraOpNumThreads). Inputs are real test
images. Times are medians of --runs runs after warm-up; every configuration
is measured 3 times, interleaved, and the smallest median kept (other
processes on a shared machine only ever slow a run down).

Also measured: the wall time of each dyadc compile (int8: calibration on
1000 images included), and each timed process's peak resident set (VmHWM,
as each reports it; onnxruntime's includes node's own, printed apart).

Printed and written as JSON (--json): the CPU, each median in ms, and the
ratios the CPU-speed issue asks for: Dyad int8 / onnxruntime's best (the
faster of its fp32 and QDQ runs; < 1 is faster), Dyad fp32 / onnxruntime
fp32, and Dyad fp32 / Dyad int8. The QDQ model's predictions are checked
against Dyad int8's on the batch (a peer that computes something else is not
timed).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "models"))
import datasets  # noqa: E402


def cpu_name():
    name, flags = platform.processor(), set()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") and not name.strip():
                name = line.split(":", 1)[1].strip()
            elif line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    except OSError:
        pass
    paths = [f for f in ("avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "avx2")
             if f in flags]
    return name, paths


def run(cmd, stats=None):
    """Runs cmd, exits on failure, returns its stdout; with `stats` (a dict),
    records its wall time in seconds ("s")."""
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{p.stdout}{p.stderr}")
    if stats is not None:
        stats["s"] = time.perf_counter() - start
    return p.stdout


def figure(out, name):
    words = out.replace(",", " ").split()
    return float(words[words.index(name) + 1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", default="")
    ap.add_argument("--json", default="")
    args = ap.parse_args()

    cores = len(os.sched_getaffinity(0))
    name, paths = cpu_name()
    print(f"CPU: {name} ({', '.join(paths)}), {cores} cores available")
    info = json.load(open(os.path.join(ROOT, "models", "accuracy.json")))
    models = sorted(m for m in info if m.endswith(".onnx"))
    if args.models:
        wanted = {m if m.endswith(".onnx") else m + ".onnx"
                  for m in args.models.split(",")}
        models = [m for m in models if m in wanted]
    dyadc = os.path.join(args.bin, "dyadc")
    dyad_run = os.path.join(args.bin, "dyad-run")
    ort = os.path.join(HERE, "ort_bench.js")
    results = {"cpu": name, "kernel_paths": paths, "cores": cores,
               "runs": args.runs, "models": {}}
    threads = sorted({1, cores})
    # What a node process with onnxruntime loaded and no session holds: part
    # of every onnxruntime figure of peak RSS (reported, not subtracted).
    base = figure(run(["node", "-e", "require(%s); console.log('peak-rss', "
                       "/VmHWM:\\s*(\\d+)/.exec(require('fs').readFileSync("
                       "'/proc/self/status', 'latin1'))[1] / 1024)" % json.dumps(
                           os.path.join(HERE, "node_modules", "onnxruntime-node"))]),
                  "peak-rss")
    results["ort_process_baseline_rss_mib"] = base
    print(f"node + onnxruntime-node loaded, no model: {base:.0f} MiB peak RSS",
          flush=True)
    for m in models:
        path = os.path.join(ROOT, "models", m)
        with tempfile.TemporaryDirectory() as work:
            xtrain, _ = datasets.load_preprocessed(info[m]["dataset"], "train")
            calib = os.path.join(work, "calib.npy")
            np.save(calib, xtrain)
            del xtrain
            xtest, _ = datasets.load_preprocessed(info[m]["dataset"], "test")
            inputs = {}
            for b in (1, 64):
                inputs[b] = os.path.join(work, f"x{b}.npy")
                np.save(inputs[b], np.ascontiguousarray(xtest[:b]))
            fp32 = os.path.join(work, "fp32.so")
            int8 = os.path.join(work, "int8.so")
            table = os.path.join(work, "table.json")
            qdq = os.path.join(work, "qdq.onnx")
            compile_fp32, compile_int8 = {}, {}
            run([dyadc, path, "-o", fp32], compile_fp32)
            cmd = [dyadc, path, "-o", int8, "--quantize", "--calibrate", calib,
                   "--calib-method", "minmax", "--calib-count", "1000",
                   "--calib-table", table]
            run(cmd, compile_int8)
            print(f"{m:20s} compile: fp32 {compile_fp32['s']:.2f} s, int8 "
                  f"(calibration on 1000 images included) "
                  f"{compile_int8['s']:.2f} s", flush=True)
            run(["/usr/bin/python3", os.path.join(HERE, "qdq_model.py"), path,
                 table, qdq])
            # The peer's int8 model must compute what Dyad's does.
            ours = os.path.join(work, "ours")
            run([dyad_run, int8, "--input", inputs[64], "--output-dir", ours])
            got = np.load(os.path.join(ours, os.listdir(ours)[0]))
            peer_out = os.path.join(work, "peer.npy")
            run(["node", ort, qdq, inputs[64], "1", "1", peer_out])
            agree = float((np.load(peer_out).argmax(1) == got.argmax(1)).mean())
            if agree < 0.9:
                sys.exit(f"bench: {m}: onnxruntime's QDQ model agrees with "
                         f"Dyad int8 on only {agree:.0%} of the batch")

            configs = {
                "dyad_fp32": lambda x, t: [dyad_run, fp32, "--input", x,
                                           "--bench", str(args.runs),
                                           "--threads", str(t)],
                "dyad_int8": lambda x, t: [dyad_run, int8, "--input", x,
                                           "--bench", str(args.runs),
                                           "--threads", str(t)],
                "ort_fp32": lambda x, t: ["node", ort, path, x,
                                          str(args.runs), str(t)],
                "ort_qdq_int8": lambda x, t: ["node", ort, qdq, x,
                                              str(args.runs), str(t)],
            }
            entry = {"qdq_agreement": agree,
                     "compile_s": {"fp32": compile_fp32["s"],
                                   "int8_with_calibration": compile_int8["s"]},
                     "runs": []}
            for b in (1, 64):
                for t in threads:
                    best, rss = {}, {}
                    for _ in range(args.repeats):
                        for k, make in configs.items():
                            out = run(make(inputs[b], t))
                            ms, mib = figure(out, "median"), figure(out, "peak-rss")
                            best[k] = min(best.get(k, ms), ms)
                            rss[k] = min(rss.get(k, mib), mib)
                    ort_best = min(best["ort_fp32"], best["ort_qdq_int8"])
                    row = {"batch": b, "threads": t, **best,
                           "int8_vs_ort_best": best["dyad_int8"] / ort_best,
                           "fp32_vs_ort_fp32": best["dyad_fp32"] / best["ort_fp32"],
                           "int8_speedup_over_fp32": best["dyad_fp32"] / best["dyad_int8"],
                           "peak_rss_mib": rss,
                           "int8_rss_vs_ort_best": rss["dyad_int8"] / rss[
                               min(("ort_fp32", "ort_qdq_int8"), key=best.get)]}
                    entry["runs"].append(row)
                    print(f"{m:20s} batch {b:2d} threads {t}: "
                          f"Dyad fp32 {best['dyad_fp32']:8.3f} int8 {best['dyad_int8']:8.3f} ms | "
                          f"ORT fp32 {best['ort_fp32']:8.3f} QDQ {best['ort_qdq_int8']:8.3f} ms | "
                          f"int8/ORT-best {row['int8_vs_ort_best']:.2f} "
                          f"fp32/ORT-fp32 {row['fp32_vs_ort_fp32']:.2f} "
                          f"int8 speedup {row['int8_speedup_over_fp32']:.2f}x | "
                          f"peak RSS MiB Dyad {rss['dyad_fp32']:.0f}/{rss['dyad_int8']:.0f} "
                          f"ORT {rss['ort_fp32']:.0f}/{rss['ort_qdq_int8']:.0f}",
                          flush=True)
            results["models"][m] = entry
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
        print(f"bench: results in {args.json}")


if __name__ == "__main__":
    main()
