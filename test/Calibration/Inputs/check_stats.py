"""Checks dyad-calib-test's statistics against an independent numpy version.

usage: check_stats.py DYAD_CALIB_TEST WORKDIR

The numpy side re-implements TensorRT's pytorch_quantization
HistogramCalibrator (calib/histogram.py): the |x| histogram, and
_compute_amax_percentile / _compute_amax_entropy / _compute_amax_mse, written
as TensorRT writes them (np.linspace + np.digitize for the entropy's merge,
np.searchsorted on the cumulative sum, the mean of count-weighted squared
fake-quantization errors), in float64.

Tolerance: the C++ amax must be the same bin edge (entropy, percentile) or
bin centre (mse) as numpy's, so the printed ranges must be equal to the last
bit. The one exception allowed is a tie in the objective: where the chosen
bins differ, the test passes only if numpy's KL divergence (or MSE) at the
two bins agrees to 1e-9 relative (summation order differs between the two
implementations), and says so. MinMax and moving average (single and multi
batch) must match exactly.
"""
import os
import subprocess
import sys

import numpy as np

TOOL, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
failures = []
cases = 0


def run_stats(arr, method, extra=()):
    path = os.path.join(WORK, "data.npy")
    np.save(path, arr)
    out = subprocess.run([TOOL, "stats", "--method", method, *extra, path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("dyad-calib-test failed: " + out.stderr)
    f = out.stdout.split()
    # "<method> range: MIN MAX amax: A count: N batches: B bins: K width: W"
    return dict(min=float(f[2]), max=float(f[3]), amax=float(f[5]),
                count=int(f[7]), batches=int(f[9]), bins=int(f[11]),
                width=float(f[13]))


# --- histogram (TensorRT collect(), with Dyad's bounded growth) -----------
class Hist:
    def __init__(self, num_bins):
        self.num_bins = num_bins
        self.hist = None
        self.width = 0.0

    def collect(self, x):
        a = np.abs(x.astype(np.float64)).ravel()
        m = a.max()
        if self.hist is None:
            self.width = m / self.num_bins
            self.hist = np.zeros(self.num_bins, np.int64)
        elif m > len(self.hist) * self.width:
            limit = 8 * self.num_bins
            while np.floor(m / self.width) + 1 > limit:
                h = self.hist
                if len(h) % 2:
                    h = np.append(h, 0)
                self.hist = h[0::2] + h[1::2]
                self.width *= 2
            need = int(np.floor(m / self.width)) + 1
            if need > len(self.hist):
                self.hist = np.append(self.hist, np.zeros(need - len(self.hist), np.int64))
        idx = np.floor(a / self.width)
        idx = np.minimum(idx, len(self.hist) - 1).astype(np.int64)
        self.hist += np.bincount(idx, minlength=len(self.hist))

    def edges(self):
        return np.arange(len(self.hist) + 1) * self.width


def amax_percentile(hist, edges, percentile):
    total = hist.sum()
    cdf = np.cumsum(hist / total)
    idx = np.searchsorted(cdf, percentile / 100)
    return edges[idx]


def kl_divergences(calib_hist, num_bits, start_bin):
    """TensorRT's loop; returns {i: KL}."""
    bins = calib_hist.astype(np.float64).copy()
    bins[0] = bins[1]
    nbins = 1 << (num_bits - 1)
    out = {}
    for i in range(start_bin, len(bins) + 1):
        space = np.linspace(0, i, num=nbins + 1)
        digitized = np.digitize(np.arange(i), space) - 1
        digitized[bins[:i] == 0] = -1
        valid = digitized != -1
        counts = np.bincount(digitized[valid], weights=bins[:i][valid], minlength=nbins)
        members = np.bincount(digitized[valid], minlength=nbins)
        q = np.zeros(i)
        q[valid] = counts[digitized[valid]] / members[digitized[valid]]
        p = bins[:i].copy()
        p[-1] += bins[i:].sum()
        p = p / p.sum()
        q = q / q.sum()
        pos = p > 0
        if np.any(q[pos] == 0):
            out[i] = np.inf
        else:
            out[i] = float(np.sum(p[pos] * np.log(p[pos] / q[pos])))
    return out


def amax_entropy(hist, edges, num_bits):
    start = 1 << (num_bits - 1)
    kl = kl_divergences(hist, num_bits, start)
    ks = np.array(list(kl.keys()))
    vals = np.array(list(kl.values()))
    last = len(vals) - 1 - np.argmin(vals[::-1])
    # Dyad's guard: where KL's clipping costs more than none (the fake
    # quantization error of the bin centres, as amax_mse's), MSE's amax.
    amax = edges[ks[last]]
    if fake_quant_error(hist, edges, num_bits, amax) > \
            fake_quant_error(hist, edges, num_bits, edges[-1]):
        return amax_mse(hist, edges, num_bits)[0], kl
    return amax, kl


def ks_last(kl):
    ks = np.array(list(kl.keys()))
    vals = np.array(list(kl.values()))
    return ks[len(vals) - 1 - np.argmin(vals[::-1])]


def fake_quant_error(hist, edges, num_bits, amax):
    centers = (edges[1:] + edges[:-1]) / 2
    maxb = (1 << (num_bits - 1)) - 1
    scale = maxb / amax
    q = np.clip(np.round(centers * scale), -maxb, maxb) / scale
    return float(((q - centers) ** 2 * hist.astype(np.float64)).sum())


def mse_values(hist, edges, num_bits):
    counts = hist.astype(np.float64)
    centers = (edges[1:] + edges[:-1]) / 2
    maxb = (1 << (num_bits - 1)) - 1
    out = {}
    for i in range(1 << (num_bits - 1), len(centers)):
        amax = centers[i]
        scale = maxb / amax
        q = np.clip(np.round(centers * scale), -maxb, maxb) / scale
        out[i] = float(((q - centers) ** 2 * counts).mean())
    return centers, out


def amax_mse(hist, edges, num_bits):
    centers, mse = mse_values(hist, edges, num_bits)
    ks = np.array(list(mse.keys()))
    vals = np.array(list(mse.values()))
    return centers[ks[np.argmin(vals)]], mse


def expect_range(x, amax):
    lo, hi = float(x.min()), float(x.max())
    lo, hi = max(lo, -amax), min(hi, amax)
    return min(lo, 0.0), max(hi, 0.0)


def check(name, got, lo, hi, note=""):
    global cases
    cases += 1
    if got["min"] == lo and got["max"] == hi:
        print(f"PASS {name}: [{lo!r}, {hi!r}]{note}")
    else:
        failures.append(name)
        print(f"FAIL {name}: C++ [{got['min']!r}, {got['max']!r}], numpy [{lo!r}, {hi!r}]")


def tie_note(name, got_amax, want_amax, objective, width, is_centre):
    """Where C++ and numpy chose different bins, accept only an exact tie."""
    if got_amax == want_amax:
        return True, ""
    off = 0.5 if is_centre else 0.0
    i_got = int(round(got_amax / width - off))
    i_want = int(round(want_amax / width - off))
    a, b = objective.get(i_got), objective.get(i_want)
    if a is not None and b is not None and np.isfinite(a) and abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300):
        return True, f" (tie: bins {i_got} / {i_want}, objective {a!r} / {b!r})"
    print(f"FAIL {name}: C++ amax {got_amax!r} (bin {i_got}), numpy {want_amax!r} (bin {i_want}), objective {a} / {b}")
    return False, ""


rng = np.random.default_rng(20240611)
N = 200_000
outliers = rng.standard_normal(N).astype(np.float32)
outliers[rng.choice(N, 20, replace=False)] = rng.uniform(-60, 60, 20).astype(np.float32)
dists = {
    "normal": rng.standard_normal(N).astype(np.float32),
    "laplace": rng.laplace(0.5, 1.0, N).astype(np.float32),
    "relu": np.maximum(rng.standard_normal(N), 0).astype(np.float32),
    "outliers": outliers,
    # MNIST-like: a spike of background zeros and a plateau of ink, where
    # KL clips the ink and Dyad's guard takes MSE's amax (the entropy check
    # below prints which rule decided).
    "spike-plateau": np.where(rng.random(N) < 0.8, 0.0,
                              rng.uniform(2.0, 5.0, N)).astype(np.float32),
}
configs = [
    ("default", [], dict(bits=8, bins=2048, pct=99.99)),
    ("bits6-bins512-p99.9", ["--bits", "6", "--bins", "512", "--percentile", "99.9"],
     dict(bits=6, bins=512, pct=99.9)),
]

for dname, x in dists.items():
    arr = x.reshape(1, -1)
    for cname, extra, c in configs:
        h = Hist(c["bins"])
        h.collect(x)
        edges = h.edges()
        # percentile
        got = run_stats(arr, "percentile", extra)
        want = amax_percentile(h.hist, edges, c["pct"])
        check(f"percentile {dname} {cname}", got, *expect_range(x, want))
        # entropy
        got = run_stats(arr, "entropy", extra)
        want, kl = amax_entropy(h.hist, edges, c["bits"])
        if want != edges[ks_last(kl)]:
            print(f"entropy {dname} {cname}: guard takes MSE's amax")
        ok, note = tie_note(f"entropy {dname} {cname}", got["amax"], want, kl, h.width, False)
        if ok:
            check(f"entropy {dname} {cname}", got, *expect_range(x, got["amax"] if note else want), note)
        else:
            failures.append(f"entropy {dname} {cname}")
        # mse
        got = run_stats(arr, "mse", extra)
        want, mse = amax_mse(h.hist, edges, c["bits"])
        ok, note = tie_note(f"mse {dname} {cname}", got["amax"], want, mse, h.width, True)
        if ok:
            check(f"mse {dname} {cname}", got, *expect_range(x, got["amax"] if note else want), note)
        else:
            failures.append(f"mse {dname} {cname}")
        if got["bins"] != c["bins"] or got["count"] != N or got["batches"] != 1:
            failures.append(f"shape {dname} {cname}")
            print(f"FAIL {dname} {cname}: bins/count/batches {got}")

# --- streaming: minmax and moving average over 50 batches -------------------
x = dists["laplace"].reshape(50, -1)
one = run_stats(x.reshape(1, -1), "minmax")
many = run_stats(x, "minmax", ["--rows-per-batch", "1"])
check("minmax 50 batches == 1 batch", many, one["min"], one["max"])
check("minmax == numpy", one, min(float(x.min()), 0.0), max(float(x.max()), 0.0))
if many["batches"] != 50 or many["count"] != x.size:
    failures.append("minmax batches")
    print(f"FAIL minmax batches: {many}")
for m in (0.9, 0.5):
    got = run_stats(x, "moving-average", ["--rows-per-batch", "1", "--momentum", str(m)])
    lo, hi = float(x[0].min()), float(x[0].max())
    for row in x[1:]:
        lo = m * lo + (1 - m) * float(row.min())
        hi = m * hi + (1 - m) * float(row.max())
    check(f"moving-average momentum {m}", got, min(lo, 0.0), max(hi, 0.0))

# --- streaming histogram: growth and pair merging ---------------------------
# Batch 0 spans [0, 1]; later batches reach 5 (growth), then 400 (more than
# 8 * numBins bins at the first width: pairs are merged).
b = [rng.uniform(-1, 1, 5000), rng.standard_normal(5000) * 1.5, rng.uniform(-5, 5, 5000),
     np.concatenate([rng.standard_normal(4990), [400.0, -350.0], rng.uniform(-20, 20, 8)])]
x = np.stack([np.asarray(v, np.float32) for v in b])
h = Hist(2048)
for row in x:
    h.collect(row)
got = run_stats(x, "percentile", ["--rows-per-batch", "1", "--percentile", "99.9"])
want = amax_percentile(h.hist, h.edges(), 99.9)
check("percentile 4 growing batches", got, *expect_range(x, want))
if got["bins"] != len(h.hist) or got["width"] != h.width or got["bins"] > 8 * 2048:
    failures.append("histogram growth")
    print(f"FAIL histogram growth: C++ bins {got['bins']} width {got['width']!r}, numpy {len(h.hist)} {h.width!r}")
else:
    print(f"PASS histogram growth: {got['bins']} bins of width {got['width']!r} (<= 8*2048)")
# Entropy / MSE on a grown histogram (more than numBins bins) first re-bin it
# to numBins bins over [0, max|x|], splitting counts by overlap.
def rebin(hist, w, max_abs, nb):
    W = max_abs / nb
    out = np.zeros(nb)
    for j in np.nonzero(hist)[0]:
        c = float(hist[j])
        lo, hi = j * w, min((j + 1) * w, max_abs)
        if not lo < hi:
            out[nb - 1] += c
            continue
        for k in range(min(nb - 1, int(lo / W)), min(nb - 1, int(hi / W)) + 1):
            a = max(lo, k * W)
            b2 = hi if k == nb - 1 else min(hi, (k + 1) * W)
            if b2 > a:
                out[k] += c * (b2 - a) / (hi - lo)
    return out, W


max_abs = float(np.abs(x.astype(np.float64)).max())
rh, W = rebin(h.hist, h.width, max_abs, 2048)
redges = np.arange(2049) * W
for method in ("entropy", "mse"):
    got = run_stats(x, method, ["--rows-per-batch", "1"])
    if method == "entropy":
        want, obj = amax_entropy(rh, redges, 8)
    else:
        want, obj = amax_mse(rh, redges, 8)
    ok, note = tie_note(f"{method} 4 growing batches", got["amax"], want, obj, W, method == "mse")
    if ok:
        check(f"{method} 4 growing batches (re-binned to 2048)", got,
              *expect_range(x, got["amax"] if note else want), note)
    else:
        failures.append(f"{method} growing")

print(f"{cases} cases, {len(failures)} failures")
sys.exit(1 if failures else 0)
