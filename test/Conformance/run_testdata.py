#!/usr/bin/python3
"""ONNX conformance: compile and run libonnx-testdata models with Dyad.

For every model under node/, pytorch-converted/, pytorch-operator/ and simple/
whose ops are all in `dyad-import --list-supported-ops`: compile it with dyadc,
run every test_data_set_* with dyad-run and compare each output with the
expected one (rtol 1e-3 / atol 1e-7 for floats as ONNX's backend tests,
exact for integers).

The committed list (--expected) names every such test with its status:

    PASS  node/test_relu
    FAIL  node/test_resize_...   reason: why it does not pass yet

A listed PASS that fails is a regression (exit 1); a listed FAIL that passes,
or a test missing from the list, is reported so the list is kept exact
(also exit 1). `--update` rewrites the list from this run.

`--every N` runs every N-th candidate only (the sanitizer suite: the plain
suite runs them all; the sampled ones are still checked against the list).
"""
import argparse
import concurrent.futures
import glob
import os
import subprocess
import sys
import tempfile

import onnx

# Same suites and op keys as the import sweep.
from import_testdata import SUITES, op_keys


def run_test(args, name, path):
    """Returns (status, detail)."""
    test_dir = os.path.dirname(path)
    with tempfile.TemporaryDirectory() as tmp:
        lib = os.path.join(tmp, "model.so")
        p = subprocess.run([args.dyadc, path, "-o", lib], capture_output=True,
                           text=True, errors="replace", timeout=600)
        if p.returncode == 1:
            lines = [l for l in p.stderr.splitlines() if "error" in l]
            msg = (lines[0] if lines else p.stderr.strip()[-200:])
            # Keep the message, drop the model path.
            return "FAIL", "compile: " + msg.replace(path + ": ", "").strip()
        if p.returncode != 0:
            return "FAIL", f"compiler crash (exit code {p.returncode})"
        model = onnx.load(path, load_external_data=False)
        inits = {i.name for i in model.graph.initializer}
        inputs = [i.name for i in model.graph.input if i.name not in inits]
        outputs = [o.name for o in model.graph.output]
        sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
        if not sets:
            return "FAIL", "no test data"
        for ds in sets:
            cmd = [args.dyad_run, lib]
            for i, n in enumerate(inputs):
                cmd += ["--input", f"{n}={os.path.join(ds, f'input_{i}.pb')}"]
            for i, n in enumerate(outputs):
                cmd += ["--check", f"{n}={os.path.join(ds, f'output_{i}.pb')}"]
            cmd += ["--rtol", "1e-3", "--atol", "1e-7"]
            p = subprocess.run(cmd, capture_output=True, text=True,
                               errors="replace", timeout=600)
            if p.returncode != 0:
                kind = "mismatch" if p.returncode == 2 else (
                    "run error" if p.returncode == 1 else "crash")
                msg = (p.stderr.strip().splitlines() or ["?"])[0]
                return "FAIL", f"{kind} in {os.path.basename(ds)}: {msg}"
    return "PASS", ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyadc", required=True)
    ap.add_argument("--dyad-run", required=True)
    ap.add_argument("--dyad-import", required=True)
    ap.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    ap.add_argument("--expected", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--filter", default="")
    ap.add_argument("--every", type=int, default=1)
    args = ap.parse_args()
    if args.every < 1 or (args.every > 1 and args.update):
        ap.error("--every takes N >= 1, and --update needs every model")

    supported = set(subprocess.run([args.dyad_import, "--list-supported-ops"],
                                   check=True, capture_output=True,
                                   text=True).stdout.split())
    expected = {}
    if os.path.exists(args.expected):
        for line in open(args.expected):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            status, _, rest = line.partition(" ")
            name, _, reason = rest.strip().partition(" ")
            expected[name] = (status, reason.strip())

    candidates, unsupported = [], 0
    for suite in SUITES:
        for test in sorted(os.listdir(os.path.join(args.data, suite))):
            path = os.path.join(args.data, suite, test, "model.onnx")
            name = f"{suite}/{test}"
            if not os.path.exists(path) or args.filter not in name:
                continue
            if op_keys(onnx.load(path, load_external_data=False)) <= supported:
                candidates.append((name, path))
            else:
                unsupported += 1

    sampled = len(candidates)
    candidates = candidates[::args.every]

    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_test, args, n, p): n for n, p in candidates}
        for f in concurrent.futures.as_completed(futures):
            results[futures[f]] = f.result()

    regressions, fixed, unlisted = [], [], []
    for name, (status, detail) in sorted(results.items()):
        want = expected.get(name)
        if want is None:
            unlisted.append(name)
        elif want[0] == "PASS" and status != "PASS":
            regressions.append((name, detail))
        elif want[0] == "FAIL" and status == "PASS":
            fixed.append(name)

    npass = sum(1 for s, _ in results.values() if s == "PASS")
    nfail = len(results) - npass
    for name, detail in regressions:
        print(f"REGRESSION: {name}: {detail}")
    for name in fixed:
        print(f"NOW PASSES: {name} (mark it PASS in {args.expected})")
    for name in unlisted:
        print(f"UNLISTED: {name}: {results[name][0]} {results[name][1]}")

    if args.update:
        with open(args.expected, "w") as f:
            f.write("# libonnx-testdata conformance: every model whose ops Dyad supports,\n"
                    "# with its status. Written by run_testdata.py --update; a FAIL says\n"
                    "# why (the first error). CI fails on any change of status.\n")
            for name, (status, detail) in sorted(results.items()):
                f.write(f"{status} {name}" + (f" {detail}" if detail else "") + "\n")

    print(f"conformance: {len(results)} models with supported ops "
          f"({unsupported} others not run"
          + (f"; every {args.every} of {sampled}" if args.every > 1 else "")
          + ")")
    print(f"{npass} passed, {nfail} failed")
    bad = regressions or (not args.update and (fixed or unlisted))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
