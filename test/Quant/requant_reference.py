#!/usr/bin/env python3
"""Bit-exact check of the compiled dyad.requant against an independent numpy
reference (docs/numerics.md, DESIGN.md section 4).

Reference semantics (single rounding, HAWQ-V3 / TVM "TONEAREST"; NOT TFLite's
double rounding), per element, k = channel along `axis`:

    v = x - input_zp                      (|v| <= 2^31)
    p = v * b[k]                          (0 <= b < 2^31, so |p| < 2^62)
    r = p                                 if c == 0
        0                                 if c >= 63
        (p + 2^(c-1) - (p < 0)) >> c      otherwise (arithmetic shift)
    y = clamp(r + output_zp, clamp_min, clamp_max)

The shift formula is computed twice: as written above (numpy int64, no
overflow because |p| < 2^62 and 2^(c-1) <= 2^61), and as the correctly rounded
quotient p / 2^c (half away from zero) in sign-magnitude with Python integers.
The two must agree everywhere: the dyadic result *is* the correctly rounded
x*b/2^c, with no double rounding. A float64 "ideal" check adds that
|y - (round(M*v) + output_zp)| <= 1 wherever y is not clamped.

The script also converts real multipliers M (1e-9 .. 1e3) to (b, c) with the
rule of dyad::toDyadic (frexp, b = round_half_up(mant * 2^31), b == 2^31
renormalized to 2^30 with e + 1, c = 31 - e capped at 63), checks
|b/2^c - M| / M <= 2^-31 exactly, and runs compiled requants with these (b, c)
against round(M * v) of the real M.

Each case is a module `func.func @main_graph` with one dyad.requant, compiled
with dyadc and run with dyad-run (.npy in and out).

--tflite-double-rounding compares the tie and near-tie cases against TFLite's
default MultiplyByQuantizedMultiplier instead (SaturatingRoundingDoublingHighMul
then RoundingDivideByPOT, two roundings). The compiled code must NOT match it:
the lit test runs this mode under `not`.

Exit status: 0 when everything matches, 1 on any mismatch (the first ones are
printed as input, expected, got), 2 on a tool failure.
"""

import argparse
import math
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np

INT32_MIN, INT32_MAX = -(2 ** 31), 2 ** 31 - 1

TYPES = {  # MLIR element type -> (numpy dtype, min, max)
    "i8": (np.int8, -128, 127),
    "ui8": (np.uint8, 0, 255),
    "i16": (np.int16, -(2 ** 15), 2 ** 15 - 1),
    "ui16": (np.uint16, 0, 2 ** 16 - 1),
    "i32": (np.int32, INT32_MIN, INT32_MAX),
}


# ---------------------------------------------------------------------------
# Dyadic conversion M -> (b, c)
# ---------------------------------------------------------------------------

def to_dyadic(m):
    """(b, c) with b / 2^c nearest to m, b in [2^30, 2^31) (0 for m == 0)."""
    if not (m >= 0) or not math.isfinite(m):
        return None
    if m == 0:
        return 0, 0
    mant, e = math.frexp(m)  # m = mant * 2^e, mant in [0.5, 1)
    b = math.floor(math.ldexp(mant, 31) + 0.5)  # exact: mant has 53 bits
    if b == 2 ** 31:
        b //= 2
        e += 1
    c = 31 - e
    if c < 0:
        return None
    return b, min(c, 63)


def check_dyadic_conversion(rng):
    """Converts real multipliers and bounds the error exactly. Returns the
    multipliers (reused by the compiled checks), their count, how many were
    renormalized from b == 2^31, and the failures."""
    ms = list(10.0 ** rng.uniform(-9, 3, 20000))
    ms += [2.0 ** e for e in range(-29, 10)]  # exact powers of two
    for e in range(-29, 10):
        # mant * 2^31 = 2^31 - 1/2: rounds half up to 2^31 -> (2^30, e + 1)
        ms.append(math.ldexp(2 ** 32 - 1, e - 32))
        # mant * 2^31 = 2^31 - 1/4: rounds up to 2^31 as well
        ms.append(math.ldexp(2 ** 33 - 1, e - 33))
        # just below the tie: stays at 2^31 - 1
        ms.append(math.ldexp(2 ** 33 - 3, e - 33))
        # b = 2^30 + 1 from a tie below (mant*2^31 = 2^30 + 1/2)
        ms.append(math.ldexp(2 ** 31 + 1, e - 32))
    ms += [1e-9, 1e3, 0.5, 1.0, 1.0 - 2.0 ** -53, 0.1, 1.0 / 3.0]
    bad = []
    renorm = 0
    for m in ms:
        bc = to_dyadic(m)
        assert bc is not None, m
        b, c = bc
        if not (2 ** 30 <= b < 2 ** 31 and 0 <= c <= 63):
            bad.append((m, b, c, "range"))
            continue
        if math.frexp(m)[0] * 2 ** 31 >= 2 ** 31 - 0.5:
            renorm += 1
            if b != 2 ** 30:
                bad.append((m, b, c, "renormalization"))
        err = abs(Fraction(b, 2 ** c) - Fraction(m)) / Fraction(m)
        if err > Fraction(1, 2 ** 31):
            bad.append((m, b, c, "relative error %.3g" % float(err)))
    # Shifts above 63 are capped: b / 2^63 is then not M, but every |v| <=
    # 2^31 gives |v * M| < 1/2 and |v * b / 2^63| < 1/2, both rounding to 0.
    for m in (2.0 ** -33, 1e-12, 5e-324, 2.0 ** -33 * (1 - 2.0 ** -53)):
        b, c = to_dyadic(m)
        if c != 63 or abs(Fraction(2 ** 31) * Fraction(m)) >= Fraction(1, 2):
            bad.append((m, b, c, "cap"))
    # Out of range: negative, NaN, inf, M >= 2^31.
    for m in (-1.0, float("nan"), float("inf"), 2.0 ** 31,
              math.ldexp(2 ** 32 - 1, -1)):
        if to_dyadic(m) is not None:
            bad.append((m, None, None, "should be rejected"))
    if to_dyadic(math.ldexp(2 ** 31 - 1, 0)) != (2 ** 31 - 1, 0):
        bad.append((2 ** 31 - 1, None, None, "largest"))
    for row in bad[:10]:
        print("dyadic conversion mismatch: M=%r b=%r c=%r (%s)" % row)
    return ms, len(ms), renorm, bad


# ---------------------------------------------------------------------------
# Integer references
# ---------------------------------------------------------------------------

def requant_int64(v, b, c):
    """The formula as written, numpy int64 (no float)."""
    v = v.astype(np.int64)
    b = np.asarray(b, np.int64)
    c = np.asarray(c, np.int64)
    assert np.all(np.abs(v) <= 2 ** 31), "precondition |x - input_zp| <= 2^31"
    assert np.all((b >= 0) & (b < 2 ** 31)) and np.all((c >= 0) & (c <= 63))
    p = v * b  # |p| < 2^62
    cc = np.clip(c, 1, 62)
    half = np.left_shift(np.int64(1), cc - 1)
    shifted = np.right_shift(p + half - (p < 0).astype(np.int64), cc)
    return np.where(c == 0, p, np.where(c >= 63, np.int64(0), shifted))


def requant_exact(v, b, c):
    """round_half_away_from_zero(v * b / 2^c) in Python integers."""
    vb = np.broadcast_arrays(v.astype(np.int64), np.asarray(b, np.int64),
                             np.asarray(c, np.int64))
    out = np.empty(vb[0].shape, np.int64)
    flat = out.reshape(-1)
    for i, (vi, bi, ci) in enumerate(zip(*(a.reshape(-1).tolist()
                                           for a in vb))):
        p = vi * bi
        q, rem = divmod(abs(p), 2 ** ci)
        if 2 * rem >= 2 ** ci:  # ties go away from zero
            q += 1
        flat[i] = -q if p < 0 else q
    return out


def tflite_double_rounding(v, b, c):
    """TFLite MultiplyByQuantizedMultiplier (default, double rounding) with
    the TFLite (multiplier, shift) = (b, 31 - c): left shift by 31 - c when
    c < 31 (done exactly, without int32 wrap-around), then
    SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT(c - 31)."""
    vb = np.broadcast_arrays(v.astype(np.int64), np.asarray(b, np.int64),
                             np.asarray(c, np.int64))
    out = np.empty(vb[0].shape, np.int64)
    flat = out.reshape(-1)

    def srdhm(a, m):  # (a*m + nudge) / 2^31 with C truncating division
        ab = a * m
        nudge = 2 ** 30 if ab >= 0 else 1 - 2 ** 30
        n = ab + nudge
        return n // 2 ** 31 if n >= 0 else -((-n) // 2 ** 31)

    def rdbpot(x, e):
        mask = (1 << e) - 1
        rem = x & mask
        thr = (mask >> 1) + (1 if x < 0 else 0)
        return (x >> e) + (1 if rem > thr else 0)

    for i, (vi, bi, ci) in enumerate(zip(*(a.reshape(-1).tolist()
                                           for a in vb))):
        if ci >= 63:
            flat[i] = 0
        elif ci <= 31:
            flat[i] = srdhm(vi << (31 - ci), bi)
        else:
            flat[i] = rdbpot(srdhm(vi, bi), ci - 31)
    return out


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

class Case:
    def __init__(self, name, in_t, out_t, x, mult, shift, axis=None,
                 input_zp=0, output_zp=0, clamp=None, dims=None, tie=False,
                 real_m=None):
        self.name, self.in_t, self.out_t = name, in_t, out_t
        self.x = np.ascontiguousarray(x, TYPES[in_t][0])
        self.mult, self.shift = [int(m) for m in mult], [int(s) for s in shift]
        assert len(self.mult) == len(self.shift)
        self.axis, self.input_zp, self.output_zp = axis, input_zp, output_zp
        self.clamp = clamp
        # MLIR dims: '?' where dynamic (default: the first dim is dynamic
        # unless it is the channel axis).
        if dims is None:
            dims = [str(d) for d in self.x.shape]
            ax = self.norm_axis()
            if dims and ax != 0:
                dims[0] = "?"
        self.dims = dims
        self.tie = tie
        self.real_m = real_m  # real multipliers (per channel) when converted

    def norm_axis(self):
        if len(self.mult) == 1:
            return None
        a = 1 if self.axis is None else self.axis
        return a + self.x.ndim if a < 0 else a

    def channel_params(self):
        """b and c broadcastable against x."""
        b = np.array(self.mult, np.int64)
        c = np.array(self.shift, np.int64)
        ax = self.norm_axis()
        if ax is None:
            return b[0], c[0]
        shape = [1] * self.x.ndim
        shape[ax] = len(self.mult)
        assert self.x.shape[ax] == len(self.mult)
        return b.reshape(shape), c.reshape(shape)

    def v(self):
        return self.x.astype(np.int64) - self.input_zp

    def clamp_range(self):
        _, lo, hi = TYPES[self.out_t]
        if self.clamp:
            lo, hi = self.clamp
        return lo, hi

    def reference(self):
        b, c = self.channel_params()
        r = requant_int64(self.v(), b, c)
        lo, hi = self.clamp_range()
        return r, np.clip(r + self.output_zp, lo, hi)

    def mlir(self):
        ttype = lambda t: "tensor<%s>" % "x".join(self.dims + [t])
        attrs = ["multiplier = array<i32: %s>" % ", ".join(map(str, self.mult)),
                 "shift = array<i32: %s>" % ", ".join(map(str, self.shift))]
        if self.input_zp:
            attrs.append("input_zp = %d" % self.input_zp)
        if self.output_zp:
            attrs.append("output_zp = %d" % self.output_zp)
        if self.axis is not None:
            attrs.append("axis = %d" % self.axis)
        if self.clamp:
            attrs.append("clamp_min = %d, clamp_max = %d" % self.clamp)
        tin, tout = ttype(self.in_t), ttype(self.out_t)
        return (
            "func.func @main_graph(%%x: %s {dyad.name = \"X\"}) -> "
            "(%s {dyad.name = \"Y\"}) {\n"
            "  %%y = dyad.requant %%x {%s} : %s to %s\n"
            "  return %%y : %s\n}\n" % (tin, tout, ", ".join(attrs), tin, tout,
                                        tout))


def odd(rng, lo, hi):
    """A random odd integer in [lo, hi)."""
    return int(rng.integers(lo, hi)) | 1


def magnitudes(rng, n, zp=0, maxbits=31):
    """Random i32 accumulators of mixed magnitudes (2^4 .. 2^31), both signs,
    with x - zp kept within (-2^31, 2^31)."""
    bits = rng.integers(4, maxbits + 1, n)
    x = np.array([int(rng.integers(-(2 ** int(k)) + 1, 2 ** int(k)))
                  for k in bits], np.int64)
    return np.clip(x + zp, INT32_MIN, INT32_MAX)


def tie_values(rng, b, c, count):
    """v with v*b an odd multiple of 2^(c-1) (exact ties), both signs, plus
    their neighbours v - 1 and v + 1."""
    t = (b & -b).bit_length() - 1  # trailing zeros of b
    s = c - 1 - t
    assert 0 <= s <= 30, (b, c)
    out = []
    for _ in range(count):
        v = odd(rng, 1, 2 ** (31 - s)) << s  # < 2^31
        sign = 1 if rng.random() < 0.5 else -1
        out += [sign * v, -sign * v]
    return out


def tie_multiplier(rng, c):
    """b in [2^30, 2^31) with t trailing zeros, c - 31 <= t <= min(30, c-1)."""
    t = int(rng.integers(max(0, c - 31), min(30, c - 1) + 1))
    if t == 30:
        return 2 ** 30
    return odd(rng, 2 ** (30 - t), 2 ** (31 - t)) << t


def make_cases(rng, conv_ms):
    cases = []
    add = cases.append

    # -- per tensor, random accumulators of several magnitudes ----------------
    rand_ms = [float(m) for m in 10.0 ** rng.uniform(-6, 1, 6)] + \
              [2.0 ** -8, 0.75, 1.0 / 3.0]
    outs = ["i8", "ui8", "i16", "i32", "i8", "i8", "ui16", "i16", "i8"]
    for i, (m, ot) in enumerate(zip(rand_ms, outs)):
        b, c = to_dyadic(m)
        izp = int(rng.integers(-300, 300))
        _, lo, hi = TYPES[ot]
        ozp = int(rng.integers(lo, hi + 1)) if ot != "i32" else -12345
        add(Case("random_%d_%s" % (i, ot), "i32", ot, magnitudes(rng, 4096, izp),
                 [b], [c], input_zp=izp, output_zp=ozp, real_m=[m]))
    # Small accumulators that stay mostly unclamped in i8.
    b, c = to_dyadic(0.0123)
    add(Case("small_acc_i8", "i32", "i8", rng.integers(-10000, 10000, (64, 33)),
             [b], [c], input_zp=17, output_zp=-3, real_m=[0.0123]))

    # -- exact ties (and neighbours), per tensor: i32 out, no clamp ---------
    for c in (1, 2, 16, 30, 31, 32, 33, 45, 61):
        b = tie_multiplier(rng, c)
        vals = tie_values(rng, b, c, 200)
        vals += [v + d for v in vals[:40] for d in (-1, 1)]
        izp = int(rng.integers(-50, 50)) if c % 2 else 0
        x = np.clip(np.array(vals, np.int64) + izp, INT32_MIN, INT32_MAX)
        add(Case("tie_c%d" % c, "i32", "i32", x, [b], [c], input_zp=izp,
                 tie=True))
    # Ties per channel: one channel per shift 1..61, axis 1.
    shifts = list(range(1, 62))
    mults = [tie_multiplier(rng, c) for c in shifts]
    cols = [tie_values(rng, b, c, 24) for b, c in zip(mults, shifts)]
    x = np.array(cols, np.int64).T  # (48, 61)
    add(Case("tie_per_channel", "i32", "i32", x, mults, shifts, axis=1,
             tie=True))
    # Ties into i8 with zero points (small values so they stay unclamped).
    b, c = 2 ** 30, 33  # M = 1/8: v = 4 * odd is a tie
    vals = [4 * k for k in range(-127, 128, 2)]
    add(Case("tie_i8_zp", "i32", "i8", np.array(vals) + 9, [b], [c],
             input_zp=9, output_zp=-2, tie=True))
    # Near ties where TFLite's first rounding (to 2^-31) lands exactly on a
    # half: single and double rounding differ by 1 LSB here.
    traps_v, traps_b, traps_c = [], [], []
    while len(traps_v) < 256:
        c = int(rng.integers(32, 45))
        b = int(rng.integers(2 ** 30, 2 ** 31))
        v = int(rng.integers(-(2 ** 24), 2 ** 24))
        one = np.array([v])
        if tflite_double_rounding(one, b, c)[0] != requant_exact(one, b, c)[0]:
            traps_v.append(v)
            traps_b.append(b)
            traps_c.append(c)
    x = np.array(traps_v, np.int64).reshape(1, -1)
    add(Case("near_tie_per_channel", "i32", "i32", x, traps_b, traps_c, axis=1,
             dims=["1", str(len(traps_v))], tie=True))

    # -- saturation at both ends --------------------------------------------
    big = np.concatenate([magnitudes(rng, 2000),
                          [INT32_MIN + 1, INT32_MAX, -(2 ** 20), 2 ** 20, 0]])
    for ot, m, ozp in (("i8", 0.01, 5), ("ui8", 0.02, 128), ("i16", 1.0, -7),
                       ("ui16", 0.5, 1000)):
        b, c = to_dyadic(m)
        add(Case("saturate_%s" % ot, "i32", ot, big, [b], [c], output_zp=ozp,
                 real_m=[m]))
    b, c = to_dyadic(0.05)
    add(Case("fused_relu_clamp", "i32", "i8", magnitudes(rng, 2000, 0, 14),
             [b], [c], output_zp=-20, clamp=(-20, 100), real_m=[0.05]))

    # -- special shifts and multipliers, per tensor ---------------------------
    x = np.concatenate([magnitudes(rng, 1000, 0, 20), [0, 1, -1, 5, -5]])
    add(Case("shift0_i32", "i32", "i32", x, [3], [0], input_zp=-4,
             output_zp=11))
    add(Case("shift0_identity_i16", "i32", "i16", x, [1], [0]))
    add(Case("shift31", "i32", "i32", magnitudes(rng, 2000), [1234567891], [31],
             input_zp=1))
    for c in (32, 40, 47, 55, 62):
        b = int(rng.integers(2 ** 30, 2 ** 31))
        add(Case("shift%d" % c, "i32", "i32",
                 np.concatenate([magnitudes(rng, 1000), [INT32_MAX, INT32_MIN]]),
                 [b], [c]))
    add(Case("shift63", "i32", "i8", magnitudes(rng, 1000), [2 ** 31 - 1], [63],
             output_zp=-5))
    add(Case("mult0", "i32", "ui8", magnitudes(rng, 1000), [0], [35],
             output_zp=7))

    # -- huge multiplier, |v| near 2^31 -------------------------------------
    near = [INT32_MAX, INT32_MAX - 1, INT32_MIN, INT32_MIN + 1, 2 ** 30,
            -(2 ** 30)]
    near += [int(v) for v in rng.integers(2 ** 31 - 2 ** 20, 2 ** 31, 200)]
    near += [int(v) for v in rng.integers(-(2 ** 31), -(2 ** 31) + 2 ** 20, 200)]
    near = np.array(near, np.int64)
    for c in (0, 1, 31, 32, 62):
        add(Case("huge_mult_c%d" % c, "i32", "i32", near, [2 ** 31 - 1], [c]))
    # v = x - input_zp reaching -(2^31 - 1) and 2^31 - 1 through the zero point
    add(Case("huge_mult_zp", "i32", "i32",
             np.array([INT32_MIN, INT32_MIN + 1, INT32_MAX - 1, 0], np.int64),
             [2 ** 31 - 1], [62], input_zp=-1))
    add(Case("huge_mult_zp_pos", "i32", "i32",
             np.array([INT32_MAX, INT32_MAX - 7, 1, 0], np.int64),
             [2 ** 31 - 1], [40], input_zp=1))
    # All shifts 0..63 per channel with the largest multiplier.
    shifts = list(range(64))
    x = np.tile(near[:, None], (1, 64))
    add(Case("huge_mult_all_shifts", "i32", "i32", x, [2 ** 31 - 1] * 64,
             shifts, axis=-1))

    # -- per channel ----------------------------------------------------------
    # 4-D, axis 1: converted multipliers plus 0, 2^31-1, shifts 0, 31..63.
    ch_m = [float(m) for m in 10.0 ** rng.uniform(-7, 0, 48)]
    mults = [to_dyadic(m)[0] for m in ch_m] + [0, 2 ** 31 - 1, 1, 2 ** 30] + \
        [int(rng.integers(2 ** 30, 2 ** 31)) for _ in range(12)]
    shifts = [to_dyadic(m)[1] for m in ch_m] + [40, 62, 0, 31] + \
        [int(s) for s in rng.integers(32, 64, 11)] + [63]
    x = magnitudes(rng, 4 * 64 * 3 * 5, 0, 24).reshape(4, 64, 3, 5)
    add(Case("per_channel_4d_axis1", "i32", "i8", x, mults, shifts,
             input_zp=0, output_zp=3, dims=["?", "64", "?", "?"]))
    # Axis 0, ui8 out.
    ch_m = [float(m) for m in 10.0 ** rng.uniform(-8, -1, 16)]
    x = magnitudes(rng, 16 * 257, -100, 26).reshape(16, 257)
    add(Case("per_channel_axis0_ui8", "i32", "ui8", x,
             [to_dyadic(m)[0] for m in ch_m], [to_dyadic(m)[1] for m in ch_m],
             axis=0, input_zp=-100, output_zp=128, dims=["16", "?"],
             real_m=ch_m))
    # Negative axis on 3-D, i16 out.
    ch_m = [float(m) for m in 10.0 ** rng.uniform(-5, 1, 11)]
    x = magnitudes(rng, 5 * 7 * 11, 0, 22).reshape(5, 7, 11)
    add(Case("per_channel_axis_neg1_i16", "i32", "i16", x,
             [to_dyadic(m)[0] for m in ch_m], [to_dyadic(m)[1] for m in ch_m],
             axis=-1, output_zp=-100, real_m=ch_m))

    # -- narrow inputs: every value ------------------------------------------
    u8 = np.arange(256).reshape(16, 16)
    for i, (m, izp, ozp) in enumerate(((0.5, 128, 128), (2.75, 3, 0),
                                       (0.0078125, 0, 0), (1.0, 255, 255))):
        b, c = to_dyadic(m)
        add(Case("ui8_in_%d" % i, "ui8", "ui8", u8, [b], [c], input_zp=izp,
                 output_zp=ozp, real_m=[m]))
    i8 = np.arange(-128, 128).reshape(16, 16)
    for i, (m, izp, ozp, ot) in enumerate(((0.5, 0, 0, "i8"),
                                           (0.3, -128, -128, "i8"),
                                           (3.0, 5, 0, "i16"),
                                           (0.123, -1, 128, "ui8"))):
        b, c = to_dyadic(m)
        add(Case("i8_in_%d" % i, "i8", ot, i8, [b], [c], input_zp=izp,
                 output_zp=ozp, real_m=[m]))
    # Per channel on ui8 (the op's documentation example, axis 1 default).
    add(Case("ui8_in_per_channel", "ui8", "ui8", u8[:, :2],
             [1500000000, 1200000000], [31, 40], axis=1))
    b, c = to_dyadic(0.7)
    add(Case("i16_in", "i16", "i8", rng.integers(-(2 ** 15), 2 ** 15, 3000),
             [b], [c], input_zp=-3, output_zp=1, real_m=[0.7]))

    # -- converted multipliers 1e-9 .. 1e3 applied (toDyadic, indirectly) --
    pick = [conv_ms[int(i)] for i in rng.choice(len(conv_ms), 192, False)]
    pick += [m for m in conv_ms[20000:] if 1e-9 <= m <= 1e3][:64]
    for i in range(0, len(pick), 64):
        ms = pick[i:i + 64]
        x = magnitudes(rng, 64 * len(ms), 0, 31).reshape(64, len(ms))
        add(Case("converted_%d" % (i // 64), "i32", "i32", x,
                 [to_dyadic(m)[0] for m in ms], [to_dyadic(m)[1] for m in ms],
                 axis=1, real_m=ms))
    return cases


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

def run_case(case, work, dyadc, dyad_run):
    d = os.path.join(work, case.name)
    os.makedirs(d, exist_ok=True)
    src, so = os.path.join(d, "m.mlir"), os.path.join(d, "m.so")
    with open(src, "w") as f:
        f.write(case.mlir())
    np.save(os.path.join(d, "x.npy"), case.x)
    for cmd in ([dyadc, src, "-o", so],
                [dyad_run, so, "--input", "X=" + os.path.join(d, "x.npy"),
                 "--output-dir", os.path.join(d, "out")]):
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            print("%s: %s failed (%d):\n%s%s" % (case.name, " ".join(cmd),
                                                 res.returncode, res.stdout,
                                                 res.stderr))
            sys.exit(2)
    return np.load(os.path.join(d, "out", "Y.npy"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", required=True, help="scratch directory")
    ap.add_argument("--dyadc", default="dyadc")
    ap.add_argument("--dyad-run", default="dyad-run")
    ap.add_argument("--seed", type=int, default=20240531)
    ap.add_argument("--tflite-double-rounding", action="store_true",
                    help="compare the tie cases against TFLite's double "
                    "rounding instead (must mismatch)")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.work, exist_ok=True)

    conv_ms, n_conv, n_renorm, conv_bad = check_dyadic_conversion(rng)
    cases = make_cases(rng, conv_ms)

    if args.tflite_double_rounding:
        total = diff = 0
        for case in cases:
            if not case.tie:
                continue
            got = run_case(case, args.work, args.dyadc, args.dyad_run)
            b, c = case.channel_params()
            lo, hi = case.clamp_range()
            want = np.clip(tflite_double_rounding(case.v(), b, c) +
                           case.output_zp, lo, hi)
            bad = np.flatnonzero(want.reshape(-1) != got.astype(np.int64).reshape(-1))
            total += want.size
            diff += bad.size
            for i in bad[:2]:
                print("  %s: x=%d tflite=%d got=%d" % (
                    case.name, case.x.reshape(-1)[i], want.reshape(-1)[i],
                    got.reshape(-1)[i]))
        print("tflite-double-rounding: %d of %d tie elements differ from the "
              "compiled single rounding" % (diff, total))
        return 1 if diff else 0

    total = mismatches = ties = clamped = 0
    ideal_checked = real_checked = 0
    failed = []
    for case in cases:
        b, c = case.channel_params()
        v = case.v()
        r, want = case.reference()
        # Self-checks of the reference: the shift formula equals the correctly
        # rounded quotient (one rounding), and the float64 ideal is within 1.
        exact = requant_exact(v, b, c)
        if not np.array_equal(r, exact):
            i = int(np.flatnonzero(r.reshape(-1) != exact.reshape(-1))[0])
            print("reference self-check failed in %s at v=%d: %d vs %d" % (
                case.name, v.reshape(-1)[i], r.reshape(-1)[i],
                exact.reshape(-1)[i]))
            return 1
        lo, hi = case.clamp_range()
        unclamped = (r + case.output_zp >= lo) & (r + case.output_zp <= hi)
        ideal = np.round(v * (np.asarray(b, np.float64) /
                              2.0 ** np.asarray(c, np.float64)))
        dev = np.abs(want - (ideal + case.output_zp))[unclamped]
        if dev.size and dev.max() > 1:
            print("float64 ideal check failed in %s (deviation %d)" % (
                case.name, dev.max()))
            return 1
        ideal_checked += int(dev.size)
        if case.real_m is not None:
            rm = np.array(case.real_m, np.float64)
            if case.norm_axis() is not None:
                rm = rm.reshape(np.shape(b))
            dev = np.abs(want - (np.round(v * rm) + case.output_zp))[unclamped]
            if dev.size and dev.max() > 1:
                print("real multiplier check failed in %s (deviation %d)" % (
                    case.name, dev.max()))
                return 1
            real_checked += int(dev.size)
        half = np.left_shift(np.int64(1), np.clip(c, 1, 62) - 1)
        ties += int(np.sum((c >= 1) & (c <= 62) &
                           (np.abs(v * np.asarray(b, np.int64)) %
                            (2 * half) == half)))
        clamped += int(np.sum(~unclamped))

        got = run_case(case, args.work, args.dyadc, args.dyad_run)
        ok = got.dtype == TYPES[case.out_t][0] and got.shape == case.x.shape
        if not ok:
            print("%s: got %s %s, expected %s %s" % (
                case.name, got.dtype, got.shape,
                np.dtype(TYPES[case.out_t][0]), case.x.shape))
            mismatches += 1
            failed.append(case.name)
            continue
        bad = np.flatnonzero(want.reshape(-1) != got.astype(np.int64).reshape(-1))
        total += want.size
        if bad.size:
            mismatches += bad.size
            failed.append(case.name)
            print("%s: %d of %d elements differ" % (case.name, bad.size,
                                                    want.size))
            idx = np.unravel_index(bad[:5], case.x.shape)
            bb = np.broadcast_to(b, case.x.shape)
            cb = np.broadcast_to(c, case.x.shape)
            for j in range(min(5, bad.size)):
                at = tuple(a[j] for a in idx)
                print("  at %s: x=%d (v=x-zp=%d b=%d c=%d out_zp=%d) "
                      "expected=%d got=%d" % (
                          list(map(int, at)), case.x[at], v[at], bb[at],
                          cb[at], case.output_zp, want[at], got[at]))

    print("dyadic conversion: %d multipliers in [1e-9, 1e3] (%d renormalized "
          "from 2^31), |b/2^c - M|/M <= 2^-31: %s" % (
              n_conv, n_renorm, "ok" if not conv_bad else
              "%d FAILED" % len(conv_bad)))
    print("requant bit-exact (single rounding, half away from zero): %d cases, "
          "%d elements compared, %d exact ties, %d clamped, %d mismatches; "
          "float64 ideal within 1 LSB on %d unclamped, real-M on %d" % (
              len(cases), total, ties, clamped, mismatches, ideal_checked,
              real_checked))
    if failed:
        print("FAILED cases: " + " ".join(failed))
    return 1 if (mismatches or conv_bad) else 0


if __name__ == "__main__":
    sys.exit(main())
