"""Peak RSS of calibrating over 10,000 samples vs 100 samples of 1x28x28.

usage: check_memory.py DYAD_CALIB_TEST WORKDIR

Each sample is 3136 bytes, so 10,000 samples are 31 MB: reading them whole
(or mapping them) would raise the peak RSS by about that much. Streaming keeps
only a batch (32 samples, 100 KB) and a bounded histogram in memory, so the
two peaks must differ by less than LIMIT_KB. Checked for a .npy, a stored
.npz, a compressed .npz and a directory of .npy files, with a histogram
method (entropy) so the statistics run too.

The peak compared is the tool's peak_anon_kb: VmHWM (/proc/self/status)
less the file-backed and shared pages at exit. getrusage's ru_maxrss is no
use here: it survives execve, so a tool started from this (large) Python
process reports this process's peak. Plain VmHWM includes the pages of
libLLVM/libMLIR the run maps, which vary by several MB with the page cache. A control run reads all 10,000 samples as one
batch and must show the 31 MB, proving the measurement sees a non-streaming
reader.
"""
import os
import subprocess
import sys

import numpy as np

TOOL, WORK = sys.argv[1], sys.argv[2]
LIMIT_KB = 3 * 1024
os.makedirs(WORK, exist_ok=True)
rng = np.random.default_rng(3)
big = rng.standard_normal((10_000, 1, 28, 28), dtype=np.float32)
small = big[:100]
p = lambda n: os.path.join(WORK, n)

np.save(p("big.npy"), big)
np.save(p("small.npy"), small)
np.savez(p("big-stored.npz"), x=big)
np.savez(p("small-stored.npz"), x=small)
# Compressible data keeps the test fast; it is still 31 MB when inflated.
q = np.round(big * 4) / 4
np.savez_compressed(p("big-compressed.npz"), x=q)
np.savez_compressed(p("small-compressed.npz"), x=q[:100])
for name, arr in (("big-dir", big), ("small-dir", small)):
    os.makedirs(p(name), exist_ok=True)
    for k in range(0, len(arr), 1000):
        np.save(os.path.join(p(name), f"part{k // 1000:03d}.npy"), arr[k:k + 1000])


del big, small, q


def peak(path, batch=32):
    out = subprocess.run([TOOL, "data", path, "--input", "x=?x1x28x28", "--batch", str(batch),
                          "--quiet", "--rss", "--stats", "entropy"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("dyad-calib-test failed: " + out.stderr)
    lines = dict(l.split(": ", 1) for l in out.stdout.splitlines()
                 if l.startswith(("peak_anon_kb", "batches")))
    return int(lines["peak_anon_kb"]), lines["batches"]


failed = False
for kind, big_path, small_path in (("npy", "big.npy", "small.npy"),
                                   ("stored npz", "big-stored.npz", "small-stored.npz"),
                                   ("compressed npz", "big-compressed.npz", "small-compressed.npz"),
                                   ("directory", "big-dir", "small-dir")):
    rb, nb = peak(p(big_path))
    rs, ns = peak(p(small_path))
    ok = rb - rs < LIMIT_KB and nb.startswith("313 samples read: 10000") and ns.startswith("4 samples read: 100")
    failed |= not ok
    print(f"{'PASS' if ok else 'FAIL'} {kind}: peak anonymous RSS 10000 samples {rb} KB, 100 samples {rs} KB, "
          f"difference {rb - rs} KB (limit {LIMIT_KB} KB)")

# Control: one batch of all 10,000 samples holds the 30625 KB in memory.
rb, nb = peak(p("big.npy"), batch=10_000)
rs, _ = peak(p("small.npy"), batch=10_000)
ok = rb - rs > 25 * 1024 and nb.startswith("1 samples read: 10000")
failed |= not ok
print(f"{'PASS' if ok else 'FAIL'} control (one 10000-sample batch): difference {rb - rs} KB (must be > 25600 KB)")
sys.exit(1 if failed else 0)
