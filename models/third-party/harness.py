#!/usr/bin/python3
"""Compile one third-party model with dyadc and check it on real inputs.

    /usr/bin/python3 models/third-party/harness.py MODEL --bin build/bin [--quantize]

MODEL is one of: ocr_det, ocr_rec, ocr_cls, blazeface, mlsd, vad (see
README.md in this folder). The model file, inputs and onnxruntime references
come from models/.data/third-party (made by models/third-party/get.sh).

1. `dyadc FILE -o model.so` with the model's --input-shape/--bind-input
   flags; with --quantize also `--quantize --calibrate calib.npz` on the
   model's calib set (other strings/photos/phrases than the test set). A
   stateful model (vad) is calibrated on the states it meets: the calib set
   runs through Dyad's fp32 build carrying its state, and each step's
   (input, state) feed is a calibration sample (state_feeds).
2. The library runs the test set through libdyad_runtime.so (ctypes).
3. fp32: every output is within 1e-3 x (the reference output's range) of
   onnxruntime's; int8: the difference is reported, not checked.
4. The task metric is computed for Dyad and for the onnxruntime reference,
   and checked: fp32 must give onnxruntime's value, int8 must reach the
   model's INT8_THRESHOLDS below (fixed before measuring, stated in
   README.md).
Prints "OK" and exits 0 when every check passes, exits 1 otherwise.
"""
import argparse
import ctypes
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", ".data", "third-party"))

# file in DATA/models, extra dyadc flags, whether the samples run one per
# call (a static batch of 1; an input called "state" is carried from the
# previous call's second output, as in ort_ref.js --steps --carry).
MODELS = {
    "ocr_det": ("ch_PP-OCRv4_det_infer.onnx", ["--input-shape", "x=?x3x320x320"], False),
    "ocr_rec": ("ch_PP-OCRv4_rec_infer.onnx", ["--input-shape", "x=?x3x48x320"], False),
    "ocr_cls": ("ch_ppocr_mobile_v2.0_cls_infer.onnx", ["--input-shape", "x=?x3x48x192"], False),
    "blazeface": ("face_detection_front_128x128_barracuda.onnx", [], True),
    "mlsd": ("mlsd_320x320_tiny.onnx", [], True),
    "vad": ("silero_vad_op18_ifless.onnx", ["--bind-input", "sr=16000"], True),
}
# int8 pass thresholds of the task metric, fixed before measuring
# (README.md). fp32 must give onnxruntime's value of every metric (within
# FP32_SLACK: AUC ties may break differently).
INT8_THRESHOLDS = {
    "ocr_rec": {"exact": 0.9, "cer": 0.02},
    "ocr_cls": {"accuracy": 0.95},
    "ocr_det": {"recall": 0.9, "precision": 0.9},
    "blazeface": {"auc": 0.98, "acc": 0.85},
    "mlsd": {"jaccard": 0.7},
    "vad": {"f1": 0.85},
}
FP32_SLACK = 0.005


# --------------------------------------------------------------- runtime
class Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("shape", ctypes.c_int64 * 8),
                ("capacity_bytes", ctypes.c_size_t)]


class Info(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("dim_params", ctypes.POINTER(ctypes.c_char_p)),
                ("scale", ctypes.c_double), ("zero_point", ctypes.c_int64)]


NP = {1: np.float32, 2: np.uint8, 3: np.int8, 6: np.int32, 7: np.int64, 9: np.bool_}


class Model:
    """A compiled model loaded through libdyad_runtime.so."""

    def __init__(self, runtime, path):
        rt = self.rt = ctypes.CDLL(runtime)
        rt.dyad_model_load.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                       ctypes.c_char_p, ctypes.c_size_t]
        for f in ("dyad_model_input", "dyad_model_output"):
            getattr(rt, f).restype = ctypes.POINTER(Info)
            getattr(rt, f).argtypes = [ctypes.c_void_p, ctypes.c_int]
        rt.dyad_model_num_inputs.argtypes = rt.dyad_model_num_outputs.argtypes = [ctypes.c_void_p]
        rt.dyad_model_run.argtypes = [ctypes.c_void_p, ctypes.POINTER(Tensor), ctypes.c_int,
                                      ctypes.POINTER(Tensor), ctypes.c_int]
        rt.dyad_model_last_error.restype = ctypes.c_char_p
        rt.dyad_model_last_error.argtypes = [ctypes.c_void_p]
        rt.dyad_model_free.argtypes = [ctypes.c_void_p]
        self.h = ctypes.c_void_p()
        err = ctypes.create_string_buffer(1024)
        if rt.dyad_model_load(path.encode(), ctypes.byref(self.h), err, 1024) != 0:
            sys.exit(f"harness: load {path}: {err.value.decode()}")
        self.inputs = [rt.dyad_model_input(self.h, i).contents
                       for i in range(rt.dyad_model_num_inputs(self.h))]
        self.outputs = [rt.dyad_model_output(self.h, i).contents
                        for i in range(rt.dyad_model_num_outputs(self.h))]

    def run(self, feeds):
        """feeds: input name -> float array. Returns the outputs (float32),
        in graph order; quantized boundaries are (de)quantized here."""
        keep = []
        ins = (Tensor * len(self.inputs))()
        for t, info in zip(ins, self.inputs):
            x = np.asarray(feeds[info.name.decode()])
            if info.scale:
                q = np.round(x / info.scale) + info.zero_point
                lim = np.iinfo(NP[info.dtype])
                x = np.clip(q, lim.min, lim.max)
            x = np.ascontiguousarray(x.astype(NP[info.dtype]))
            keep.append(x)
            t.data, t.dtype, t.rank = x.ctypes.data, info.dtype, x.ndim
            t.shape[:x.ndim] = x.shape
            t.capacity_bytes = x.nbytes
        cap = 1 << 16
        while True:
            bufs = [np.empty(cap // np.dtype(NP[o.dtype]).itemsize, NP[o.dtype])
                    for o in self.outputs]
            outs = (Tensor * len(self.outputs))()
            for t, b, o in zip(outs, bufs, self.outputs):
                t.data, t.dtype, t.capacity_bytes = b.ctypes.data, o.dtype, b.nbytes
            st = self.rt.dyad_model_run(self.h, ins, len(ins), outs, len(outs))
            if st == 5:   # DYAD_ERR_CAPACITY: shapes were written, grow
                need = max(int(np.prod(t.shape[:t.rank])) * 8 for t in outs)
                cap = max(cap * 2, need)
                continue
            if st != 0:
                sys.exit(f"harness: run: {self.rt.dyad_model_last_error(self.h).decode()}")
            res = []
            for t, b, o in zip(outs, bufs, self.outputs):
                shape = tuple(t.shape[:t.rank])
                y = b[:int(np.prod(shape))].reshape(shape).copy()
                if o.scale:
                    y = (y.astype(np.float32) - o.zero_point) * np.float32(o.scale)
                res.append(y.astype(np.float32))
            return res


# --------------------------------------------------------------- data
def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def load_set(name):
    d = os.path.join(DATA, "inputs", name)
    if not os.path.isfile(os.path.join(d, "meta.json")):
        sys.exit(f"harness: no {d}: run models/third-party/get.sh")
    meta = json.load(open(os.path.join(d, "meta.json")))
    arrays = {k: np.load(os.path.join(d, f)) for k, f in meta["inputs"].items()}
    return arrays, meta, [os.path.join(d, f) for f in sorted(meta["inputs"].values())]


def ref_dir(model_file, input_files):
    """References are keyed by the model's and the inputs' sha256."""
    h = hashlib.sha256(sha(model_file).encode())
    for f in input_files:
        h.update(sha(f).encode())
    return os.path.join(DATA, "refs", h.hexdigest()[:16])


def load_ref(model_file, input_files):
    d = ref_dir(model_file, input_files)
    if not os.path.isfile(os.path.join(d, "names.json")):
        sys.exit(f"harness: no onnxruntime reference {d} for these inputs: "
                 "run models/third-party/get.sh")
    n = len(json.load(open(os.path.join(d, "names.json"))))
    return [np.load(os.path.join(d, f"{i}.npy")) for i in range(n)]


def make_refs():
    """onnxruntime-node's outputs on each test set, where not yet cached."""
    node_script = os.path.join(HERE, "ort_ref.js")
    keep = set()
    for name, (fname, _, stateful) in sorted(MODELS.items()):
        mfile = os.path.join(DATA, "models", fname)
        _, meta, files = load_set(f"{name}_test")
        d = ref_dir(mfile, files)
        keep.add(os.path.basename(d))
        if os.path.isfile(os.path.join(d, "names.json")):
            continue
        print(f"third-party: onnxruntime reference for {name} in {d}", file=sys.stderr)
        indir = os.path.dirname(files[0])
        cmd = ["node", node_script, mfile, d + ".tmp"]
        cmd += [f"{k}={os.path.join(indir, f)}" for k, f in meta["inputs"].items()]
        if stateful:
            cmd.append("--steps")
        if "state" in meta["inputs"]:
            cmd += ["--carry", "stateN=state"]
        subprocess.run(cmd, check=True)
        os.rename(d + ".tmp", d)
    # References of older inputs or models are dropped.
    for old in os.listdir(os.path.join(DATA, "refs")):
        if old not in keep:
            shutil.rmtree(os.path.join(DATA, "refs", old))


def run_all(model, arrays, stateful, batch=8):
    """Batched for the batch-dynamic models; one step per sample (batch 1)
    for the fixed-batch and stateful ones, carrying stateN -> state."""
    if not stateful:
        key = next(iter(arrays))
        parts = [model.run({key: arrays[key][i:i + batch]})
                 for i in range(0, len(arrays[key]), batch)]
        return [np.concatenate(p) for p in zip(*parts)]
    names = [i.name.decode() for i in model.inputs]
    stepped = [n for n in names if n != "state"]
    state = arrays.get("state")
    per = []
    for s in range(len(arrays[stepped[0]])):
        feeds = {n: arrays[n][s:s + 1] for n in stepped}
        if state is not None:
            feeds["state"] = state
        out = model.run(feeds)
        if state is not None:
            state = out[1]
        per.append(out)
    return [np.concatenate(p) for p in zip(*per)]


def state_feeds(runtime, mfile, flags, calib, work, bindir):
    """Calibration samples of a stateful model: the calib set run step by
    step through Dyad's fp32 build of the model (the model being quantized;
    vad.test checks it against onnxruntime), carrying stateN -> state, and
    every step's feed kept: {input: [steps, ...], state: [steps, 2, 128]}
    (first axis = samples; dyadc stacks state's samples at its batch axis,
    axis 1 of [2, batch, 128], found from the dim_param `batch`)."""
    lib = os.path.join(work, "calib-fp32.so")
    p = subprocess.run([os.path.join(bindir, "dyadc"), mfile, "-o", lib] + flags,
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("harness: fp32 build for the calibration states failed:\n" + p.stderr)
    model = Model(runtime, lib)
    names = [i.name.decode() for i in model.inputs]
    stepped = [n for n in names if n != "state"]
    state = calib["state"]
    feeds = {n: [] for n in names}
    for s in range(len(calib[stepped[0]])):
        feed = {n: calib[n][s:s + 1] for n in stepped}
        feed["state"] = state
        for n in names:
            feeds[n].append(feed[n][0] if n != "state" else feed[n][:, 0])
        state = model.run(feed)[1]
    return {n: np.stack(v).astype(np.float32) for n, v in feeds.items()}


# --------------------------------------------------------------- metrics
def levenshtein(a, b):
    d = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, cb in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (ca != cb))
    return d[len(b)]


def ctc_decode(probs, keys):
    out = []
    for seq in probs.argmax(-1):
        s, last = [], 0
        for k in seq:
            if k != last and k != 0:
                s.append(keys[k - 1] if k - 1 < len(keys) else " ")
            last = k
        out.append("".join(s))
    return out


def metric_rec(outs, meta):
    keys = open(os.path.join(DATA, "models", "ppocr_keys_v1.txt"), encoding="utf-8").read().splitlines()
    # PaddleOCR's RecMetric compares with spaces removed (ignore_space).
    got = [g.replace(" ", "") for g in ctc_decode(outs[0], keys)]
    truth = [t.replace(" ", "") for t in meta["texts"]]
    bad = [(t, g) for t, g in zip(truth, got) if t != g]
    cer = sum(levenshtein(t, g) for t, g in zip(truth, got)) / sum(map(len, truth))
    return ({"exact": 1 - len(bad) / len(truth), "cer": cer},
            f"{len(truth) - len(bad)}/{len(truth)} lines exact, CER {cer:.4f} (spaces ignored)"
            + "".join(f"\n  '{t}' read as '{g}'" for t, g in bad))


def metric_cls(outs, meta):
    pred = outs[0].argmax(-1)
    ok = int((pred == np.array(meta["labels"])).sum())
    return {"accuracy": ok / len(pred)}, f"orientation accuracy {ok}/{len(pred)}"


def det_boxes(prob, thr=0.3, unclip=1.5):
    """DBNet post-processing on the axis-aligned bounding box of each
    connected region above thr, grown by area*unclip/perimeter."""
    from scipy import ndimage
    lab, n = ndimage.label(prob > thr)
    boxes = []
    for sl in ndimage.find_objects(lab):
        y0, y1, x0, x1 = sl[0].start, sl[0].stop, sl[1].start, sl[1].stop
        w, h = x1 - x0, y1 - y0
        if min(w, h) < 3:
            continue
        d = w * h * unclip / (2 * (w + h))
        boxes.append([x0 - d, y0 - d, x1 + d, y1 + d])
    return boxes


def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def metric_det(outs, meta):
    hit = gt = tp = npred = 0
    for prob, truth in zip(outs[0][:, 0], meta["boxes"]):
        pred = det_boxes(prob)
        gt += len(truth)
        npred += len(pred)
        hit += sum(any(iou(t, p) >= 0.5 for p in pred) for t in truth)
        tp += sum(any(iou(t, p) >= 0.5 for t in truth) for p in pred)
    return ({"recall": hit / gt, "precision": tp / max(npred, 1)},
            f"text boxes: recall {hit}/{gt}, precision {tp}/{npred} (IoU >= 0.5)")


def auc(score, label):
    pos, neg = score[label == 1], score[label == 0]
    return float(((pos[:, None] > neg[None]) + 0.5 * (pos[:, None] == neg[None])).mean())


def metric_blazeface(outs, meta):
    logits = np.concatenate([outs[0][:, :, 0], outs[1][:, :, 0]], 1)
    score = 1 / (1 + np.exp(-logits.max(1)))
    label = np.array(meta["labels"])
    a, acc = auc(score, label), float(((score > 0.5) == label).mean())
    return {"auc": a, "acc": acc}, f"faces vs non-faces: ROC-AUC {a:.4f}, acc@0.5 {acc:.3f}"


def mlsd_centres(scores, thr=0.1):
    return [set(map(tuple, np.argwhere(s[:, :, 0] > thr))) for s in scores]


def metric_mlsd(outs, meta, ref):
    a, b = mlsd_centres(outs[1]), mlsd_centres(ref[1])
    inter = sum(len(x & y) for x, y in zip(a, b))
    union = sum(len(x | y) for x, y in zip(a, b))
    j = inter / max(union, 1)
    return ({"jaccard": j},
            f"segment centres (score > 0.1): Jaccard {j:.4f} vs onnxruntime "
            f"({sum(map(len, a))} vs {sum(map(len, b))})")


def metric_vad(outs, meta):
    p = outs[0][:, 0]
    y = np.array(meta["labels"])
    pred = p > 0.5
    tp = int((pred & (y == 1)).sum())
    f1 = 2 * tp / max(int(pred.sum()) + int(y.sum()), 1)
    a = auc(p, y)
    return {"f1": f1, "auc": a}, f"speech frames: F1@0.5 {f1:.4f}, ROC-AUC {a:.4f} ({len(y)} frames)"


METRICS = {"ocr_det": metric_det, "ocr_rec": metric_rec, "ocr_cls": metric_cls,
           "blazeface": metric_blazeface, "mlsd": metric_mlsd, "vad": metric_vad}


def check(values, limits, slack=0.0):
    bad = []
    for k, lim in limits.items():
        v = values[k]
        if (k == "cer" and v > lim + slack) or (k != "cer" and v < lim - slack):
            bad.append(f"{k} {v:.4f} (limit {lim}{f' - {slack}' if slack else ''})")
    return bad


# --------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", nargs="?", choices=sorted(MODELS))
    ap.add_argument("--make-refs", action="store_true",
                    help="compute the missing onnxruntime references (get.sh)")
    ap.add_argument("--bin", default="build/bin")
    ap.add_argument("--quantize", action="store_true")
    ap.add_argument("--integer-only", action="store_true",
                    help="with --quantize: no float fallback (a float op "
                         "inside the quantized region is an error)")
    ap.add_argument("--keep", help="keep the compiled library here")
    ap.add_argument("--max-diff", type=float, metavar="F",
                    help="with --quantize: fail when an output differs from "
                         "onnxruntime's by more than F x its range")
    ap.add_argument("--log", action="store_true",
                    help="print dyadc's messages (with --dyadc=-v, its "
                         "progress)")
    ap.add_argument("--dyadc", action="append", default=[], metavar="ARG",
                    help="one more dyadc argument, e.g. --dyadc=--mixed-precision "
                         "(repeatable)")
    args = ap.parse_args()
    if args.make_refs:
        return make_refs()
    if not args.model:
        ap.error("a model name is needed")

    fname, flags, stateful = MODELS[args.model]
    mfile = os.path.join(DATA, "models", fname)
    if not os.path.isfile(mfile):
        sys.exit(f"harness: no {mfile}: run models/third-party/get.sh")
    test, meta, files = load_set(f"{args.model}_test")
    ref = load_ref(mfile, files)
    runtime = os.path.join(args.bin, "..", "lib", "libdyad_runtime.so")
    # The label names the widest integers asked for (--dyadc=--weight-bits=16
    # --dyadc=--activation-bits=16: "int16").
    bits = [int(a.split("=", 1)[1]) for a in args.dyadc
            if a.startswith(("--weight-bits=", "--activation-bits="))]
    mode = (f"int{16 if max(bits, default=8) > 8 else 8}" if args.quantize
            else "fp32")
    failures = []
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        lib = os.path.join(args.keep or work, f"{args.model}.{mode}.so")
        cmd = [os.path.join(args.bin, "dyadc"), mfile, "-o", lib] + flags
        if args.quantize:
            calib, _, _ = load_set(f"{args.model}_calib")
            calib.pop("sr", None)
            if "state" in calib:
                calib = state_feeds(runtime, mfile, flags, calib, work, args.bin)
            cpath = os.path.join(work, "calib.npz")
            np.savez(cpath, **calib)
            # Ops without an integer form (the shape arithmetic, a Div of
            # two activations, ...) stay float, reported, unless
            # --integer-only.
            cmd += ["--quantize", "--calibrate", cpath,
                    "--calib-batch", "1" if stateful else "8"]
            if not args.integer_only:
                cmd.append("--allow-float-ops")
        cmd += args.dyadc
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            # The first lines (the phase) and the last (the error).
            err = p.stderr.strip().splitlines()
            shown = err if len(err) <= 16 else (
                err[:4] + [f"({len(err) - 12} more lines)"] + err[-8:])
            print(f"{args.model}: dyadc failed:\n" + "\n".join(shown))
            sys.exit(1)
        print(f"{args.model}: compiled ({mode}) with dyadc in {time.time() - t0:.1f} s")
        if args.log:
            for line in p.stderr.splitlines():
                print(f"{args.model}: dyadc: {line}")
        model = Model(runtime, lib)
        t0 = time.time()
        outs = run_all(model, test, stateful)
        print(f"{args.model}: {len(outs[0])} samples run in {time.time() - t0:.1f} s")

    for i, (o, r) in enumerate(zip(outs, ref)):
        d = float(np.abs(o - r.reshape(o.shape)).max())
        rng = float(r.max() - r.min())
        limit = (args.max_diff if args.quantize else 1e-3)
        ok = limit is None or d <= limit * rng
        text = "1e-3" if not args.quantize else f"{limit:g}" if limit else ""
        bound = f" {'<=' if ok else '>'} {text} x range" if text else ""
        print(f"{args.model}: output {i}: max |diff| vs onnxruntime {d:.3g} "
              f"(range {rng:.3g}){bound}")
        if not ok:
            failures.append(f"output {i} differs from onnxruntime")
    fn = METRICS[args.model]
    extra = (ref,) if args.model == "mlsd" else ()
    vals, text = fn(outs, meta, *extra)
    if args.model == "mlsd":
        rvals = {"jaccard": 1.0}
    else:
        rvals, rtext = fn(ref, meta)
        print(f"{args.model}: onnxruntime: {rtext}")
    print(f"{args.model}: dyad {mode}: {text}")
    if args.quantize:
        failures += check(vals, INT8_THRESHOLDS[args.model])
    else:
        failures += check(vals, {k: rvals[k] for k in INT8_THRESHOLDS[args.model]}, FP32_SLACK)
    if failures:
        print(f"{args.model}: FAILED: " + "; ".join(failures))
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
