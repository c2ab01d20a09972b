"""Checks batches assembled at a batch axis other than 0 against numpy.

usage: check_batch_axis.py DYAD_CALIB_TEST WORKDIR

The files keep the convention (first axis = samples; a sample is the model
input's shape without its batch dim); each batch the tool prints must be
np.stack(samples, axis=batch_axis): same shape, same FNV-1a-64 checksum.
"""
import os
import subprocess
import sys

import numpy as np

TOOL, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
MASK = (1 << 64) - 1
failures = 0


def fnv(b):
    h = 0xCBF29CE484222325
    for c in b:
        h = ((h ^ c) * 0x100000001B3) & MASK
    return f"{h:016x}"


def check(name, path, arrays, inputs, axes, *extra):
    """arrays: {input: array [samples, ...]}; inputs: [(name, dims)];
    axes: {input: the batch axis the batches must have}."""
    global failures
    args = [TOOL, "data", path, "--axes"]
    for n, dims in inputs:
        args += ["--input", n + "=" + dims]
    out = subprocess.run(args + list(extra), capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL {name}: {out.stderr.strip()}")
        failures += 1
        return
    got_axes = {}
    batches = 0
    for line in out.stdout.splitlines():
        if line.startswith("batch axes:"):
            got_axes = dict((kv.split("=")[0], int(kv.split("=")[1]))
                            for kv in line.split(":")[1].split())
            continue
        if not line.startswith("batch "):
            continue
        head, *parts = line.split(" | ")
        idx = [int(v) for v in head.split(": samples")[1].split()]
        for part in parts:
            n, shape, f = part.split()
            want = np.stack([arrays[n][g] for g in idx], axis=axes[n])
            want = np.ascontiguousarray(want, dtype="<f4")
            want_shape = "x".join(str(v) for v in want.shape)
            if shape != want_shape or f[len("fnv="):] != fnv(want.tobytes()):
                print(f"FAIL {name}: batch {idx} input {n}: got {shape} {f}, "
                      f"want {want_shape} fnv={fnv(want.tobytes())}")
                failures += 1
                return
        batches += 1
    if got_axes != axes:
        print(f"FAIL {name}: axes {got_axes}, want {axes}")
        failures += 1
        return
    print(f"PASS {name}: {batches} batches, axes "
          + " ".join(f"{k}={v}" for k, v in sorted(axes.items())))


rng = np.random.default_rng(7)
# Silero VAD's signature: input [batch, 576], state [2, batch, 128] (small
# sizes here): state's samples are [2, 8].
inp = rng.standard_normal((11, 5)).astype(np.float32)
state = rng.standard_normal((11, 2, 8)).astype(np.float32)
vad = os.path.join(WORK, "vad.npz")
np.savez(vad, input=inp, state=state)
check("vad-like", vad, {"input": inp, "state": state},
      [("input", "?x5"), ("state", "2x?x8")], {"input": 0, "state": 1},
      "--batch", "4")
# Compressed, sampled: only the selected samples are read, still transposed.
vadz = os.path.join(WORK, "vadz.npz")
np.savez_compressed(vadz, input=inp, state=state)
check("vad-like compressed sampled", vadz, {"input": inp, "state": state},
      [("input", "?x5"), ("state", "2x?x8")], {"input": 0, "state": 1},
      "--batch", "3", "--count", "7", "--seed", "5")
# The last axis, and a rank-4 middle axis.
last = rng.standard_normal((6, 3, 4)).astype(np.float32)
np.save(os.path.join(WORK, "last.npy"), last)
check("last axis", os.path.join(WORK, "last.npy"), {"x": last},
      [("x", "3x4x?")], {"x": 2}, "--batch", "4")
mid = rng.standard_normal((5, 2, 3, 4)).astype(np.float32)
np.save(os.path.join(WORK, "mid.npy"), mid)
check("rank-4 axis 2", os.path.join(WORK, "mid.npy"), {"x": mid},
      [("x", "2x3x?x4")], {"x": 2}, "--batch", "5")
# The batch name: the dim_param of the inputs' dynamic axis 0 ('batch' here)
# picks the batch dim of the others, whatever their dynamic dims.
seq = rng.standard_normal((6, 7, 3)).astype(np.float32)
st = rng.standard_normal((6, 2, 3)).astype(np.float32)
named = os.path.join(WORK, "named.npz")
np.savez(named, x=seq, s=st)
check("batch name", named, {"x": seq, "s": st},
      [("x", "?x?x3"), ("s", "2x?x?")], {"x": 0, "s": 1},
      "--dim-params", "x=batch,seq,", "--dim-params", "s=,batch,len",
      "--batch", "4")
# Without dim_params: several dynamic dims or none -> axis 0; one dynamic dim
# behind a static axis 0 larger than 1 -> that dim; [1, ?] -> axis 0.
check("unnamed, several dynamic dims", named, {"x": seq, "s": st},
      [("x", "?x?x3"), ("s", "2x?x?")], {"x": 0, "s": 0}, "--batch", "4")
check("unnamed, one dynamic dim", named, {"x": seq, "s": st},
      [("x", "?x?x3"), ("s", "2x?x3")], {"x": 0, "s": 1}, "--batch", "4")
one = rng.standard_normal((5, 4)).astype(np.float32)
np.save(os.path.join(WORK, "one.npy"), one)
check("pinned batch of 1", os.path.join(WORK, "one.npy"), {"x": one},
      [("x", "1x?")], {"x": 0}, "--batch", "1")
# An explicit axis wins over the rule; no dynamic dims: axis 0.
check("override", named, {"x": seq, "s": st},
      [("x", "?x?x3"), ("s", "2x?x3")], {"x": 1, "s": 1},
      "--batch-axis", "x=1", "--batch", "4")
check("static", named, {"x": seq, "s": st},
      [("x", "4x7x3"), ("s", "2x2x3")], {"x": 0, "s": 0},
      "--batch", "4")
print(f"{failures} failures")
