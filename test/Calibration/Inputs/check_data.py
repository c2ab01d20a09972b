"""Checks DataSource (through `dyad-calib-test data`) against numpy.

usage: check_data.py DYAD_CALIB_TEST WORKDIR

For every scenario, each batch the tool prints (its global sample indices, each
input's shape and the FNV-1a-64 checksum of its float32 bytes) is compared with
what numpy reads for those indices. Also checks seeded sampling: distinct,
sorted, the requested count, the same for the same seed, different for
another seed.
"""
import os
import subprocess
import sys

import numpy as np

TOOL, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
failures = []
cases = 0
MASK = (1 << 64) - 1


def fnv(b):
    h = 0xCBF29CE484222325
    for c in b:
        h = ((h ^ c) * 0x100000001B3) & MASK
    return f"{h:016x}"


def run(path, inputs, *extra):
    args = [TOOL, "data", path]
    for name, shape in inputs:
        args += ["--input", name + "=" + shape]
    out = subprocess.run(args + list(extra), capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("dyad-calib-test failed: " + out.stderr)
    batches = []
    for line in out.stdout.splitlines():
        if not line.startswith("batch "):
            continue
        head, *parts = line.split(" | ")
        idx = [int(v) for v in head.split(": samples")[1].split()]
        bufs = {}
        for part in parts:
            name, shape, f = part.split()
            bufs[name] = (shape, f[len("fnv="):])
        batches.append((idx, bufs))
    return batches, out.stdout


def expect(name, batches, samples, max_batch, shape_break=None):
    """samples: list over global index of {input: per-sample float32 array}."""
    global cases
    cases += 1
    seen = []
    for idx, bufs in batches:
        seen += idx
        if len(idx) > max_batch:
            failures.append(name)
            print(f"FAIL {name}: batch of {len(idx)} > {max_batch}")
            return
        for inp, (shape, f) in bufs.items():
            arr = np.stack([samples[g][inp] for g in idx]).astype("<f4")
            want_shape = "x".join(str(v) for v in arr.shape)
            if shape != want_shape or f != fnv(arr.tobytes()):
                failures.append(name)
                print(f"FAIL {name}: batch {idx} input {inp}: got {shape} {f}, want {want_shape} {fnv(arr.tobytes())}")
                return
    print(f"PASS {name}: {len(batches)} batches, {len(seen)} samples")
    return seen


rng = np.random.default_rng(7)
p = lambda n: os.path.join(WORK, n)

# 1. .npy float32, 23 samples, batches of 4.
a = rng.standard_normal((23, 3, 2)).astype(np.float32)
np.save(p("a.npy"), a)
b, _ = run(p("a.npy"), [("x", "?x3x2")], "--batch", "4")
seen = expect("npy float32", b, [{"x": s} for s in a], 4)
if seen != list(range(23)) or len(b) != 6:
    failures.append("npy order")

# 2. .npy float64 (converted), npy format versions 2.0 and 3.0.
np.save(p("a64.npy"), a.astype(np.float64) * 1.5)
b, _ = run(p("a64.npy"), [("x", "1x3x2")], "--batch", "5")
expect("npy float64 converted", b, [{"x": (s.astype(np.float64) * 1.5).astype(np.float32)} for s in a], 5)
for ver in [(1, 0), (2, 0), (3, 0)]:
    fn = p(f"v{ver[0]}.npy")
    with open(fn, "wb") as f:
        np.lib.format.write_array(f, a, version=ver)
    b, _ = run(fn, [("x", "?x3x2")], "--batch", "7")
    expect(f"npy format {ver[0]}.{ver[1]}", b, [{"x": s} for s in a], 7)

# 3. .npz stored and compressed, two inputs (one of them float64).
x = rng.standard_normal((40, 5)).astype(np.float32)
y = rng.standard_normal((40, 2, 2))
both = [{"x": x[i], "y": y[i].astype(np.float32)} for i in range(40)]
np.savez(p("stored.npz"), x=x, y=y)
np.savez_compressed(p("compressed.npz"), y=y, x=x)
for kind in ("stored", "compressed"):
    b, _ = run(p(kind + ".npz"), [("x", "?x5"), ("y", "?x2x2")], "--batch", "6")
    seen = expect(f"npz {kind}", b, both, 6)
    if seen != list(range(40)):
        failures.append(f"npz {kind} order")

# 4. Seeded sampling on the compressed archive (skips forward inside the
#    deflate stream) and on the stored one.
for kind in ("compressed", "stored"):
    b1, out1 = run(p(kind + ".npz"), [("x", "?x5"), ("y", "?x2x2")], "--batch", "3", "--count", "10", "--seed", "42")
    b2, out2 = run(p(kind + ".npz"), [("x", "?x5"), ("y", "?x2x2")], "--batch", "3", "--count", "10", "--seed", "42")
    b3, _ = run(p(kind + ".npz"), [("x", "?x5"), ("y", "?x2x2")], "--batch", "3", "--count", "10", "--seed", "43")
    s1 = expect(f"npz {kind} --count 10 --seed 42", b1, both, 3)
    s3 = expect(f"npz {kind} --count 10 --seed 43", b3, both, 3)
    cases += 1
    if (out1 == out2 and s1 is not None and s3 is not None and len(s1) == 10 and s1 == sorted(set(s1))
            and s1 != s3 and len(s3) == 10):
        print(f"PASS sampling {kind}: seed 42 -> {s1}, seed 43 -> {s3}, same seed same output")
    else:
        failures.append(f"sampling {kind}")
        print(f"FAIL sampling {kind}: {s1} / {s3} / identical reruns: {out1 == out2}")
b, _ = run(p("stored.npz"), [("x", "?x5"), ("y", "?x2x2")], "--count", "40", "--seed", "1", "--batch", "64")
if expect("--count >= samples selects all", b, both, 64) != list(range(40)):
    failures.append("count all")

# 5. A directory: sorted file order, .npy and .npz mixed, other files and
#    sub-directories ignored, batches crossing files of the same shape.
d = p("dir")
os.makedirs(os.path.join(d, "sub"), exist_ok=True)
parts = {"b.npz": rng.standard_normal((7, 4)).astype(np.float32),
         "a.npy": rng.standard_normal((5, 4)).astype(np.float32),
         "c.npy": rng.standard_normal((1, 4)),
         "d.npz": rng.standard_normal((6, 4)).astype(np.float32)}
for name, arr in parts.items():
    if name.endswith(".npz"):
        (np.savez_compressed if name == "d.npz" else np.savez)(os.path.join(d, name), x=arr)
    else:
        np.save(os.path.join(d, name), arr)
np.save(os.path.join(d, "sub", "ignored.npy"), np.zeros((3, 9), np.float32))
with open(os.path.join(d, "notes.txt"), "w") as f:
    f.write("ignored\n")
ordered = [s.astype(np.float32) for n in sorted(parts) for s in parts[n]]
b, _ = run(d, [("x", "?x4")], "--batch", "4")
seen = expect("directory", b, [{"x": s} for s in ordered], 4)
if seen != list(range(19)):
    failures.append("directory order")
b, _ = run(d, [("x", "?x4")], "--batch", "4", "--count", "9", "--seed", "5")
expect("directory --count 9", b, [{"x": s} for s in ordered], 4)

# 6. Dynamic dims: files with different per-sample shapes never share a batch.
d2 = p("dyn")
os.makedirs(d2, exist_ok=True)
u = rng.standard_normal((3, 2, 3)).astype(np.float32)
v = rng.standard_normal((4, 2, 5)).astype(np.float32)
np.save(os.path.join(d2, "u.npy"), u)
np.save(os.path.join(d2, "v.npy"), v)
b, _ = run(d2, [("x", "?x2x?")], "--batch", "5")
expect("dynamic dims", b, [{"x": s} for s in list(u) + list(v)], 5)
cases += 1
if [len(i) for i, _ in b] == [3, 4]:
    print("PASS dynamic dims split batches at the shape change: 3 + 4")
else:
    failures.append("dynamic split")
    print(f"FAIL dynamic dims batches: {[len(i) for i, _ in b]}")

# 7. The sample choice, re-derived: std::mt19937_64 (written out below) and
#    Floyd's algorithm with Data.cpp's unbiased bounded draw.
class MT19937_64:
    def __init__(self, seed):
        self.mt = [seed & MASK]
        for i in range(1, 312):
            prev = self.mt[-1]
            self.mt.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & MASK)
        self.i = 312

    def __call__(self):
        if self.i >= 312:
            mt = self.mt
            for k in range(312):
                y = (mt[k] & 0xFFFFFFFF80000000) | (mt[(k + 1) % 312] & 0x7FFFFFFF)
                mt[k] = mt[(k + 156) % 312] ^ (y >> 1) ^ (0xB5026F5AA96619E9 if y & 1 else 0)
            self.i = 0
        y = self.mt[self.i]
        self.i += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y


g = MT19937_64(5489)
for _ in range(9999):
    g()
assert g() == 9981545732273789042  # the C++ standard's check value


def floyd(total, count, seed):
    rng = MT19937_64(seed)
    chosen = set()
    for j in range(total - count, total):
        bound = j + 1
        threshold = ((1 << 64) - bound) % bound
        while True:
            r = rng()
            if r >= threshold:
                break
        t = r % bound
        chosen.add(j if t in chosen else t)
    return sorted(chosen)


for total, path, inputs, count, seed in ((23, p("a.npy"), [("x", "?x3x2")], 5, 2024),
                                         (40, p("stored.npz"), [("x", "?x5"), ("y", "?x2x2")], 10, 42),
                                         (40, p("compressed.npz"), [("x", "?x5"), ("y", "?x2x2")], 39, 7),
                                         (19, p("dir"), [("x", "?x4")], 9, 5)):
    b, _ = run(path, inputs, "--count", str(count), "--seed", str(seed), "--batch", "3")
    got = [i for idx, _ in b for i in idx]
    want = floyd(total, count, seed)
    cases += 1
    if got == want:
        print(f"PASS sample choice {os.path.basename(path)} count {count} seed {seed}: {got}")
    else:
        failures.append("sample choice")
        print(f"FAIL sample choice {os.path.basename(path)} count {count} seed {seed}: C++ {got}, python {want}")

print(f"{cases} cases, {len(failures)} failures")
sys.exit(1 if failures else 0)
