#!/usr/bin/env python3
"""Checks dyadc --quantize on pre-quantized (QDQ / QOperator) models written
by qdq_models.py (test/Quant/qdq-models.test).

For every model in MODELS/manifest.json:

 1. compile it twice: `dyadc m.onnx -o float.so` (ONNX float simulation:
    dequantize, f32 op, QuantizeLinear's round half to even) and
    `dyadc m.onnx --quantize -o int.so` (integer-only: integer ops and
    dyad.requant, dyadic multipliers rounding half away from zero);
 2. `dyadc --quantize --emit=dyad`: the integer graph must contain
    dyad.requant (unless the manifest says how many: pure MaxPool models
    have none) and no op on f32 other than the boundary dyad.quantize /
    dyad.dequantize (the `:f32` expressed type of quant types does not
    count); dyadc's own verify-integer-only already exits non-zero
    otherwise;
 3. end to end: run both .so on the same inputs (dyad-run) and compare the
    quantized integers of every output -- round(y / S) + Z of a
    DequantizeLinear output, the values of a u8/i8 output -- counting the
    elements off by 1 and the largest difference;
 4. node by node: the model again with every quantized tensor (outputs of
    QuantizeLinear / QLinearConv / QLinearMatMul) a graph output, compiled
    both ways; each such tensor is checked against its ONNX definition
    evaluated here in float64 numpy (dequantize, op, round half to even)
    *on the compiled model's own values of the node's inputs*, so that
    nothing propagates: a node may be off by 1 only where the exact value is
    within eps LSB of a rounding tie (x.5), and never by more. eps: 1e-3 for
    the f32 simulation; 1e-4 for the integer model (b/2^c is within 2^-31
    of M; the i32 bias is exact at S_x*S_w where ONNX uses an f32-rounded
    bias scale); 2^-8 + 1e-4 after an Add of two dequantized tensors, whose
    branches are requantized onto S_out/2^8 first (docs/numerics.md).
    This is also the independent reference for the float simulation itself.

Bound on the end-to-end differences (3). Both models compute the same real
values from the same integers and differ only in rounding:
  * exact ties (t = n + 1/2): ONNX rounds half to even, dyad.requant half
    away from zero. With unrelated calibrated scales t is never an exact
    tie; where scales are tied (a pool whose output keeps the input's
    parameters, a Relu whose scale is hi/255 after a conv at (hi-lo)/255)
    ties are common -- those models carry their own bound (manifest
    "pm1_bound", justified in qdq_models.py);
  * near ties: b/2^c approximates M to 2^-31 relative and the float
    simulation computes in f32 (2^-24 per op), so |t| <= 2^9 moves by
    < 1e-4 LSB: a fraction ~2e-4 of the elements;
  * Add requantizes each branch onto S_out/2^8 first, so the sum carries an
    extra error of at most 2^-8 LSB: about E|e1 + e2| = 2^-8/3 ~ 0.13% flips
    per Add;
  * a 1 LSB flip in an intermediate tensor moves the later layers' reals by
    S_in/S_out LSB per unit of weight and flips a few more outputs (by 2
    where S_in/S_out > 1: manifest "max_diff").
These add up to well under 1%: the default bound is 1% of the elements
off by one, and no element may differ by more than 1.

Edge models (manifest "edge": true) must fail `--quantize` (their error
line is printed) and compile with `--allow-float-ops`; those float-fallback
models are checked the same way (eps 1e-3 for both).

--perturb moves the first element of every integer-model output by 2 LSB:
the check must then fail (a self-test of this script).

Prints one line per model and a summary; exit status 0 when everything
holds, 1 otherwise.
"""

import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

DEFAULT_PM1_BOUND = 0.01


# ---------------------------------------------------------------------------
# Independent float64 evaluation of the ONNX graph
# ---------------------------------------------------------------------------

class Evaluator:
    def __init__(self, model):
        self.graph = model.graph
        self.tie_distance = None

    # -- quantization ---------------------------------------------------------
    @staticmethod
    def _bcast(p, axis, rank):
        p = np.asarray(p, np.float64)
        if p.ndim == 0 or p.size == 1:
            return p.reshape(())
        shape = [1] * rank
        shape[axis % rank] = -1
        return p.reshape(shape)

    def quantize(self, x, scale, zp, axis=1, dtype=None):
        """q = clamp(round_half_even(x / S) + Z); self.tie_distance holds,
        per element, |frac(x / S) - 1/2| in LSB (inf where clamped)."""
        if dtype is None:
            dtype = zp.dtype if zp is not None else np.uint8
        info = np.iinfo(dtype)
        s = self._bcast(scale, axis, x.ndim)
        z = self._bcast(zp if zp is not None else 0, axis, x.ndim)
        v = x / s
        r = np.round(v) + z  # numpy rounds half to even
        dist = np.abs(np.abs(v - np.floor(v)) - 0.5)
        # a tie matters only if both neighbours survive the clamp
        inside = (np.floor(v) + z >= info.min) & (np.ceil(v) + z <= info.max)
        self.tie_distance = np.where(inside, dist, np.inf)
        return np.clip(r, info.min, info.max).astype(dtype)

    def dequantize(self, q, scale, zp, axis=1):
        s = self._bcast(scale, axis, q.ndim)
        z = self._bcast(zp if zp is not None else 0, axis, q.ndim)
        return (q.astype(np.float64) - z) * s

    # -- float ops -------------------------------------------------------------
    @staticmethod
    def conv(x, w, b, a):
        n, c, h, wd = x.shape
        m, cg, kh, kw = w.shape
        group = a.get("group", 1)
        sh, sw = a.get("strides", [1, 1])
        dh, dw = a.get("dilations", [1, 1])
        pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
        auto_pad = a.get("auto_pad", b"NOTSET")
        if auto_pad in (b"SAME_UPPER", b"SAME_LOWER"):
            tot = [max((-(-size // st) - 1) * st + (k - 1) * dl + 1 - size, 0)
                   for size, st, k, dl in ((h, sh, kh, dh), (wd, sw, kw, dw))]
            small = [t // 2 for t in tot]
            big = [t - t // 2 for t in tot]
            if auto_pad == b"SAME_UPPER":
                (pt, pl), (pb, pr) = small, big
            else:
                (pt, pl), (pb, pr) = big, small
        elif auto_pad != b"NOTSET":
            raise NotImplementedError(auto_pad)
        ho = (h + pt + pb - ((kh - 1) * dh + 1)) // sh + 1
        wo = (wd + pl + pr - ((kw - 1) * dw + 1)) // sw + 1
        xp = np.zeros((n, c, h + pt + pb, wd + pl + pr))
        xp[:, :, pt:pt + h, pl:pl + wd] = x
        out = np.zeros((n, m, ho, wo))
        mg = m // group
        for g in range(group):
            xs = xp[:, g * cg:(g + 1) * cg]
            for i in range(kh):
                for j in range(kw):
                    patch = xs[:, :, i * dh:i * dh + sh * (ho - 1) + 1:sh,
                               j * dw:j * dw + sw * (wo - 1) + 1:sw]
                    out[:, g * mg:(g + 1) * mg] += np.einsum(
                        "nchw,mc->nmhw", patch, w[g * mg:(g + 1) * mg, :, i, j])
        if b is not None:
            out += b.reshape(1, -1, 1, 1)
        return out

    @staticmethod
    def pool(x, a, mode):
        n, c, h, w = x.shape
        kh, kw = a["kernel_shape"]
        sh, sw = a.get("strides", [1, 1])
        pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
        ceil = a.get("ceil_mode", 0)
        incl = a.get("count_include_pad", 0)
        rnd = (lambda v: -(-v // 1)) if ceil else (lambda v: v // 1)
        ho = int(rnd((h + pt + pb - kh) / sh)) + 1
        wo = int(rnd((w + pl + pr - kw) / sw)) + 1
        out = np.zeros((n, c, ho, wo))
        for i in range(ho):
            for j in range(wo):
                h0, w0 = i * sh - pt, j * sw - pl
                h1, w1 = h0 + kh, w0 + kw
                win = x[:, :, max(h0, 0):min(h1, h), max(w0, 0):min(w1, w)]
                if mode == "max":
                    out[:, :, i, j] = win.max(axis=(2, 3))
                    continue
                if incl:  # pads count, positions past the pads do not
                    cnt = ((min(h1, h + pb) - h0) * (min(w1, w + pr) - w0))
                else:
                    cnt = win.shape[2] * win.shape[3]
                out[:, :, i, j] = win.sum(axis=(2, 3)) / cnt
        return out

    # -- the graph --------------------------------------------------------------
    def run(self, feeds, taps=None, eps=None):
        """Evaluates the graph on `feeds`. With `taps` (quantized tensor ->
        the integers a compiled model computed for it), each tapped tensor
        is compared with its ONNX definition applied to the tapped values of
        its inputs -- one node at a time, so a difference never propagates
        -- and the tapped values flow on. A tapped value may differ by 1
        only where the exact value is within eps(node) LSB of a rounding
        tie. Returns (env, per-node results)."""
        env = {t.name: numpy_helper.to_array(t) for t in self.graph.initializer}
        for k, v in feeds.items():
            env[k] = v.astype(np.float64) if v.dtype.kind == "f" else v
        results = []
        producers = {o: n for n in self.graph.node for o in n.output}
        for node in self.graph.node:
            ins = [env[i] if i else None for i in node.input]
            ins += [None] * 9
            a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
            self.tie_distance = None
            out = node.output[0]
            ref = self.op(node.op_type, ins, a)
            env[out] = ref
            if taps is None or out not in taps:
                continue
            got = taps[out].astype(np.int64)
            if got.shape != ref.shape:
                raise ToolError(f"{out}: shape {got.shape}, ONNX says "
                                f"{ref.shape}")
            d = np.abs(got - ref.astype(np.int64))
            e = eps(node, producers)
            tie = self.tie_distance
            allowed = (d == 1) & (tie < e)
            bad = (d > 1) | ((d == 1) & ~allowed)
            worst = float(tie[allowed].max()) if allowed.any() else 0.0
            examples = []
            for idx in np.argwhere(bad)[:3]:
                t = tuple(int(v) for v in idx)
                examples.append(f"{out}{list(t)}: expected {ref[t]} "
                                f"({tie[t]:.3g} LSB from a tie), got {got[t]}")
            results.append({"tensor": out, "op": node.op_type,
                            "values": d.size, "ties": int(allowed.sum()),
                            "bad": int(bad.sum()), "worst": worst,
                            "eps": e, "examples": examples})
            env[out] = taps[out]
        return env, results

    def op(self, t, i, a):
        if t == "QuantizeLinear":
            return self.quantize(i[0], i[1], i[2], a.get("axis", 1))
        if t == "DequantizeLinear":
            return self.dequantize(i[0], i[1], i[2], a.get("axis", 1))
        if t == "Conv":
            return self.conv(i[0], i[1], i[2], a)
        if t == "Relu":
            return np.maximum(i[0], 0)
        if t == "Clip":
            lo = -np.inf if i[1] is None else float(i[1])
            hi = np.inf if i[2] is None else float(i[2])
            return np.clip(i[0], lo, hi)
        if t == "Squeeze":
            return np.squeeze(i[0], axis=tuple(int(v) for v in i[1]))
        if t == "Unsqueeze":
            y = i[0]
            for ax in sorted(int(v) % (y.ndim + len(i[1])) for v in i[1]):
                y = np.expand_dims(y, ax)
            return y
        if t == "Mul":
            return i[0] * i[1]
        if t == "Div":
            return i[0] / i[1]
        if t == "Softmax":
            e = np.exp(i[0] - i[0].max(axis=a.get("axis", -1), keepdims=True))
            return e / e.sum(axis=a.get("axis", -1), keepdims=True)
        if t == "Sigmoid":
            return 1 / (1 + np.exp(-i[0]))
        if t == "Add":
            return i[0] + i[1]
        if t == "Concat":
            return np.concatenate([x for x in i if x is not None], a["axis"])
        if t == "MaxPool":
            return self.pool(i[0], a, "max")
        if t == "AveragePool":
            return self.pool(i[0], a, "avg")
        if t == "GlobalAveragePool":
            return i[0].mean(axis=tuple(range(2, i[0].ndim)), keepdims=True)
        if t == "Reshape":
            shape = [int(d) if d != 0 else i[0].shape[k]
                     for k, d in enumerate(i[1])]
            return i[0].reshape(shape)
        if t == "Flatten":
            ax = a.get("axis", 1)
            return i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        if t == "Transpose":
            return i[0].transpose(a["perm"])
        if t == "MatMul":
            return np.matmul(i[0], i[1])
        if t == "Gemm":
            x = i[0].T if a.get("transA", 0) else i[0]
            w = i[1].T if a.get("transB", 0) else i[1]
            y = a.get("alpha", 1.0) * (x @ w)
            if i[2] is not None:
                y = y + a.get("beta", 1.0) * i[2]
            return y
        if t == "QLinearConv":
            x = self.dequantize(i[0], i[1], i[2])
            w = self.dequantize(i[3], i[4], i[5], 0)
            b = None
            if i[8] is not None:
                b = i[8].astype(np.float64) * (np.float64(i[1]) *
                                               np.asarray(i[4], np.float64))
            return self.quantize(self.conv(x, w, b, a), i[6], i[7])
        if t == "QLinearMatMul":
            x = self.dequantize(i[0], i[1], i[2], -1)
            w = self.dequantize(i[3], i[4], i[5], -1)
            return self.quantize(np.matmul(x, w), i[6], i[7], -1)
        raise NotImplementedError(t)


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def sh(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return p.returncode, p.stdout


class ToolError(Exception):
    pass


def compile_model(args, model, out, flags):
    rc, log = sh([args.dyadc, model, "-o", out] + flags)
    if rc != 0:
        raise ToolError(f"dyadc {' '.join(flags)} failed:\n{log}")
    return log


def run_model(args, so, inputs, outdir):
    os.makedirs(outdir, exist_ok=True)
    cmd = [args.dyad_run, so, "--output-dir", outdir]
    for name, path in inputs.items():
        cmd += ["--input", f"{name}={path}"]
    rc, log = sh(cmd)
    if rc != 0:
        raise ToolError(f"dyad-run {so} failed:\n{log}")


QUANT_TYPE = re.compile(r"!quant\.uniform<[^>]*>")


def integer_only_report(args, model, flags):
    """(requant count, lines of ops on f32 between the boundary ops)."""
    rc, text = sh([args.dyadc, model, "--quantize", "--emit=dyad", "-o", "-"]
                  + flags)
    if rc != 0:
        raise ToolError(f"dyadc --emit=dyad failed:\n{text}")
    requants = text.count("dyad.requant")
    float_ops = []
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith(("func.func", "return", "module", "}")):
            continue
        if "dyad.quantize " in s or "dyad.dequantize " in s:
            continue
        if "f32" in QUANT_TYPE.sub("", s):
            float_ops.append(s)
    return requants, float_ops


def output_integers(graph, inits, name, y):
    """The quantized integers behind graph output `name` with value y, and
    the tensor that holds them in the graph."""
    if y.dtype.kind in "iu":
        return y.astype(np.int64), name
    prod = next(n for n in graph.node if name in n.output)
    if prod.op_type != "DequantizeLinear":
        raise ToolError(f"output {name} is neither integer nor a "
                        f"DequantizeLinear")
    s = inits[prod.input[1]].astype(np.float64)
    z = inits[prod.input[2]].astype(np.int64) if len(prod.input) > 2 and \
        prod.input[2] else 0
    if s.size != 1:
        raise ToolError("per-axis output dequantize")
    return np.round(y.astype(np.float64) / s).astype(np.int64) + z, prod.input[0]


QUANTIZING_OPS = ("QuantizeLinear", "QLinearConv", "QLinearMatMul")

# Per-node tolerance: how close (in LSB) to a rounding tie the exact value
# must be for a 1 LSB difference to count as a rounding difference.
EPS_FLOAT = 1e-3  # f32 simulation: ~2^-24 relative per op, K-term sums
# integer model: b/2^c is within 2^-31 of M and the i32 bias carries S_x*S_w
# exactly where ONNX multiplies by an f32-rounded bias scale (2^-24 relative
# of a bias of at most a few hundred LSB)
EPS_INT = 1e-4
# an Add requantizes each branch onto S_out/2^8 (half away from zero), so
# the sum may be 2 * 2^-9 LSB off before the last rounding
# (docs/numerics.md section 4)
EPS_INT_ADD = 2.0 ** -8 + EPS_INT


def eps_float(node, producers):
    return EPS_FLOAT


def eps_int(node, producers):
    if node.op_type != "QuantizeLinear":
        return EPS_INT
    src = producers.get(node.input[0])
    if src is not None and src.op_type in ("Relu", "Clip"):
        src = producers.get(src.input[0])
    if src is not None and src.op_type == "Add" and all(
            producers.get(i) is not None and
            producers[i].op_type == "DequantizeLinear" for i in src.input):
        return EPS_INT_ADD
    return EPS_INT


def check_model(args, entry):
    """Returns (ok, text, stats)."""
    name = entry["name"]
    model_path = os.path.join(args.models, entry["model"])
    work = os.path.join(args.work, name)
    os.makedirs(work, exist_ok=True)
    inputs = {k: os.path.join(args.models, v)
              for k, v in entry["inputs"].items()}
    feeds = {k: np.load(p) for k, p in inputs.items()}
    flags = []
    prefix = "qdq"
    edge_msg = ""
    if entry["edge"]:
        prefix = "edge"
        rc, log = sh([args.dyadc, model_path, "--quantize",
                      "-o", os.path.join(work, "int.so")])
        err = [ln for ln in log.splitlines() if "error:" in ln]
        if rc == 0 or not err:
            return False, f"edge {name}: --quantize unexpectedly succeeded", None
        edge_msg = " --quantize fails: " + err[0].split("error: ", 1)[1] + ";"
        flags = ["--allow-float-ops"]

    # The model itself, compiled twice and run on the same inputs.
    compile_model(args, model_path, os.path.join(work, "float.so"), [])
    compile_model(args, model_path, os.path.join(work, "int.so"),
                  ["--quantize"] + flags)
    requants, float_ops = integer_only_report(args, model_path, flags)
    run_model(args, os.path.join(work, "float.so"), inputs,
              os.path.join(work, "out_float"))
    run_model(args, os.path.join(work, "int.so"), inputs,
              os.path.join(work, "out_int"))

    # The same model with every quantized tensor also a graph output, for
    # the node-by-node check against the ONNX definitions.
    m = onnx.load(model_path)
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    env, _ = Evaluator(m).run(feeds)
    taps = [n.output[0] for n in m.graph.node if n.op_type in QUANTIZING_OPS]
    tm = onnx.ModelProto()
    tm.CopyFrom(m)
    outs = {o.name for o in tm.graph.output}
    for t in taps:
        if t not in outs:
            elt = {np.dtype(np.uint8): onnx.TensorProto.UINT8,
                   np.dtype(np.int8): onnx.TensorProto.INT8}[env[t].dtype]
            tm.graph.output.append(helper.make_tensor_value_info(
                t, elt, list(env[t].shape)))
    taps_path = os.path.join(work, "taps.onnx")
    onnx.save(tm, taps_path)
    compile_model(args, taps_path, os.path.join(work, "float_taps.so"), [])
    compile_model(args, taps_path, os.path.join(work, "int_taps.so"),
                  ["--quantize"] + flags)
    run_model(args, os.path.join(work, "float_taps.so"), inputs,
              os.path.join(work, "taps_float"))
    run_model(args, os.path.join(work, "int_taps.so"), inputs,
              os.path.join(work, "taps_int"))
    tap_vals = {}
    for kind in ("float", "int"):
        tap_vals[kind] = {t: np.load(os.path.join(work, "taps_" + kind,
                                                  t + ".npy")) for t in taps}
    problems = []

    # 1. End to end: integer model vs float simulation.
    elements = pm1 = maxdiff = 0
    for out in m.graph.output:
        yf = np.load(os.path.join(work, "out_float", out.name + ".npy"))
        yi = np.load(os.path.join(work, "out_int", out.name + ".npy"))
        qf, qname = output_integers(m.graph, inits, out.name, yf)
        qi, _ = output_integers(m.graph, inits, out.name, yi)
        if qf.shape != qi.shape:
            raise ToolError(f"{out.name}: shapes {qf.shape} vs {qi.shape}")
        for kind, q in (("float", qf), ("int", qi)):
            if not np.array_equal(q, tap_vals[kind][qname].astype(np.int64)):
                problems.append(f"  {out.name}: the {kind} model with taps "
                                f"computes another output")
        if args.perturb:  # self-test: the integer model 2 LSB off once
            qi = qi.copy()
            qi.flat[0] += 2
            tap = tap_vals["int"][qname].astype(np.int64)
            tap.flat[0] += 2
            tap_vals["int"][qname] = tap
        d = np.abs(qi - qf)
        elements += d.size
        pm1 += int(np.sum(d == 1))
        maxdiff = max(maxdiff, int(d.max()))
        for idx in np.argwhere(d > entry.get("max_diff", 1))[:5]:
            t = tuple(int(v) for v in idx)
            problems.append(f"  {out.name}{list(t)}: float simulation "
                            f"{qf[t]}, integer {qi[t]}")

    # 2. Node by node: each compiled model against the ONNX definitions.
    node_stats = {}
    for kind, eps in (("float", eps_float), ("int", eps_int)):
        if entry["edge"] and kind == "int":
            eps = eps_float  # the float fallback computes in f32
        _, res = Evaluator(m).run(feeds, tap_vals[kind], eps)
        node_stats[kind] = (sum(r["ties"] for r in res),
                            sum(r["bad"] for r in res),
                            max([r["worst"] for r in res] + [0.0]))
        for r in res:
            for ex in r["examples"]:
                problems.append(f"  {kind} model, {r['op']}: {ex}")
    values = sum(tap_vals["int"][t].size for t in taps)

    bound = entry.get("pm1_bound") or DEFAULT_PM1_BOUND
    max_bound = entry.get("max_diff", 1)
    frac = pm1 / elements
    # every model rescales somewhere, except pure pass-through ones
    requants_ok = (requants == entry["requants"] if "requants" in entry
                   else requants > 0)
    ok = (maxdiff <= max_bound and frac <= bound and not problems and
          node_stats["float"][1] == 0 and node_stats["int"][1] == 0 and
          (entry["edge"] or (requants_ok and not float_ops)))
    if entry["edge"]:
        fl = f"{len(float_ops)} float fallback ops"
    else:
        fl = f"{requants} requant, {len(float_ops)} float ops"
    line = (f"{prefix} {name}:{edge_msg} {elements} elements, {pm1} off by 1 "
            f"({100 * frac:.2f}% <= {100 * bound:g}%), max diff {maxdiff} "
            f"(<= {max_bound}); per node ({len(taps)} quantized tensors, "
            f"{values} values): float simulation {node_stats['float'][0]} "
            f"and integer {node_stats['int'][0]} off by 1 at ties, "
            f"{node_stats['float'][1] + node_stats['int'][1]} wrong; "
            f"{fl}: {'ok' if ok else 'FAIL'}")
    if args.verbose:
        line += (f"\n  worst tie distance of an allowed difference: float "
                 f"{node_stats['float'][2]:.3g}, int {node_stats['int'][2]:.3g}"
                 f" LSB")
    if not ok:
        if frac > bound:
            problems.append(f"  off-by-one fraction {frac:.4f} > {bound}")
        if not entry["edge"] and not requants_ok:
            problems.append(f"  {requants} dyad.requant in the integer graph")
        for s in ([] if entry["edge"] else float_ops[:5]):
            problems.append(f"  float op: {s}")
    if problems:
        line += "\n" + "\n".join(problems)
    return ok, line, (elements, pm1, maxdiff)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--dyadc", default="dyadc")
    ap.add_argument("--dyad-run", default="dyad-run")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--perturb", action="store_true",
                    help="self-test: add 2 to the first element of every "
                    "output of the integer model (must then fail)")
    args = ap.parse_args()
    with open(os.path.join(args.models, "manifest.json")) as f:
        manifest = json.load(f)
    failures = 0
    tot = [0, 0, 0]
    models = edges = 0
    for entry in manifest:
        if args.only and entry["name"] not in args.only:
            continue
        try:
            ok, line, stats = check_model(args, entry)
        except ToolError as e:
            ok, line, stats = False, f"{entry['name']}: {e}", None
        print(line, flush=True)
        failures += not ok
        edges += entry["edge"]
        models += not entry["edge"]
        if stats and not entry["edge"]:
            tot[0] += stats[0]
            tot[1] += stats[1]
            tot[2] = max(tot[2], stats[2])
    print(f"summary: {models} models integerized, {tot[0]} elements, "
          f"{tot[1]} off by 1, max diff {tot[2]}; {edges} edges; "
          f"{failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
