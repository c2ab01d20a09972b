#!/usr/bin/python3
"""Imports every model of Debian's libonnx-testdata whose ops Dyad supports.

For each model.onnx under node/, pytorch-converted/, pytorch-operator/ and
simple/, reads its op types (with the onnx Python package); when all are in
`dyad-import --list-supported-ops` the model must import and verify. Models
with other ops are counted as unsupported, never run.

Known failures live in the expectations file (one `test-name  reason` a line);
a listed test that passes is reported too, so the list only shrinks. Exit 1 on
any unexpected failure or unexpected pass.
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys

import onnx

SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"]


def op_keys(model):
    keys = set()
    for node in model.graph.node:
        domain = "" if node.domain in ("", "ai.onnx") else node.domain
        keys.add(f"{domain}::{node.op_type}")
    return keys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dyad-import", required=True)
    ap.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    ap.add_argument("--expected-failures", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()

    supported = set(subprocess.run([args.dyad_import, "--list-supported-ops"],
                                   check=True, capture_output=True,
                                   text=True).stdout.split())
    expected = {}
    with open(args.expected_failures) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                expected[name] = reason.strip()

    candidates, unsupported = [], 0
    for suite in SUITES:
        root = os.path.join(args.data, suite)
        for test in sorted(os.listdir(root)):
            path = os.path.join(root, test, "model.onnx")
            if not os.path.exists(path):
                continue
            model = onnx.load(path, load_external_data=False)
            if op_keys(model) <= supported:
                candidates.append((f"{suite}/{test}", path))
            else:
                unsupported += 1

    def run(item):
        name, path = item
        p = subprocess.run([args.dyad_import, path, "-o", os.devnull],
                           capture_output=True, text=True)
        return name, p.returncode, p.stderr

    passed, failed, xfail, xpass = [], [], [], []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for name, rc, err in pool.map(run, candidates):
            if rc == 0:
                (xpass if name in expected else passed).append(name)
            elif name in expected and rc == 1:
                # An expected failure must still be a clean error, not a crash.
                xfail.append(name)
            else:
                failed.append((name, err.strip().splitlines()[-1:] or ["crash"]))
                if rc < 0 or rc > 1:
                    failed[-1] = (name, [f"exit code {rc} (crash)"] + failed[-1][1])

    for name, err in failed:
        print(f"FAIL: {name}: {' '.join(err)}")
    for name in xpass:
        print(f"XPASS: {name} (remove it from {args.expected_failures})")
    if args.v:
        for name in xfail:
            print(f"XFAIL: {name}: {expected[name]}")
    print(f"libonnx-testdata import: {len(candidates)} models with supported "
          f"ops, {unsupported} with other ops (not run)")
    print(f"{len(passed)} passed, {len(failed) + len(xpass)} failed, "
          f"{len(xfail)} expected failures")
    return 1 if failed or xpass else 0


if __name__ == "__main__":
    sys.exit(main())
