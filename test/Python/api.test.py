"""The Python package end to end on the bundled mnist_cnn: compile from a
path and from an onnx.ModelProto, run on numpy, calibrate from an
onnxruntime-style CalibrationDataReader, from an iterable and from an .npy
file, and check each against dyadc + dyad-run on the same data (outputs
bit-identical: the same library call makes both)."""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx

import dyad

src, bindir = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "models"))
import datasets  # noqa: E402

model_path = os.path.join(src, "models", "mnist_cnn.onnx")
x, y = datasets.load_preprocessed("mnist", "test")
x = x.astype(np.float32)
calib = datasets.load_preprocessed("mnist", "train")[0][:256].astype(np.float32)
work = tempfile.mkdtemp()


def dyadc_outputs(args, name):
    """The same model through the command line: dyadc, then dyad-run."""
    lib = os.path.join(work, name + ".so")
    subprocess.run([os.path.join(bindir, "dyadc"), model_path, "-o", lib] + args,
                   check=True, capture_output=True)
    inp = os.path.join(work, name + ".in.npy")
    np.save(inp, x)
    out = os.path.join(work, name + ".out")
    subprocess.run([os.path.join(bindir, "dyad-run"), lib, "--input", inp,
                    "--output-dir", out], check=True, capture_output=True)
    return np.load(os.path.join(out, os.listdir(out)[0]))


def accuracy(logits):
    return 100.0 * float((logits.argmax(1) == y).mean())


# fp32, from a path; positional call, dict call and run() agree.
m = dyad.compile(model_path)
print("inputs", [(i["name"], str(i["dtype"]), i["shape"]) for i in m.inputs])
print("outputs", [(o["name"], str(o["dtype"]), o["shape"]) for o in m.outputs])
out, = m(x)
assert np.array_equal(out, m.run({"input": x})[0])
assert np.array_equal(out, m.run([x])[0])
print(f"fp32 accuracy {accuracy(out):.2f} identical to dyadc:",
      np.array_equal(out, dyadc_outputs([], "fp32")))
# float64 input: converted to the model's float32.
assert np.array_equal(m(x.astype(np.float64))[0], out)
m.threads = 2
print("threads", m.threads, "same:", np.array_equal(m(x)[0], out))

# An onnx.ModelProto in memory.
proto = dyad.compile(onnx.load(model_path))
print("ModelProto identical:", np.array_equal(proto(x)[0], out))


class Reader:
    """onnxruntime.quantization.CalibrationDataReader's protocol."""

    def __init__(self, data, batch):
        self.batches = iter([{"input": data[i:i + batch]}
                             for i in range(0, len(data), batch)])

    def get_next(self):
        return next(self.batches, None)


npy = os.path.join(work, "calib.npy")
np.save(npy, calib)
reference = dyadc_outputs(["--quantize", "--calibrate", npy], "int8")
q = dyad.compile(model_path, quantize=True, calibration=Reader(calib, 32), report=True)
qout, = q(x)
print(f"int8 (reader) accuracy {accuracy(qout):.2f} identical to dyadc:",
      np.array_equal(qout, reference))
print("report nodes:", len(q.report["nodes"]) > 0, "table:", os.path.isfile(q.calibration_table))
# The report as objects: the same rows as the JSON dyadc writes.
r = q.report
stem = r.node("/stem/stem.0/Conv")
print("report:", type(r).__name__, r.model, r.calibration_method,
      r.calibration_samples, len(r) == len(r["nodes"]),
      sum(r.summary.values()) == len(r.by_status("quantized")) +
      len(r.by_status("fused")) + len(r.by_status("fallback")))
print("stem:", stem.op, stem.status, stem.precision, stem.integer,
      stem.weight_scales.channels, 0 < stem.weight_scales.min <= stem.weight_scales.max)
pool = r.node("/pool/MaxPool")
print("pool:", pool.status, pool.precision, pool.zero_point, pool.scale > 0,
      pool.sqnr_db is not None and pool.sqnr_db > 20)
try:
    r.node("nope")
except KeyError as e:
    print("missing node:", e.args[0])
ref_report = os.path.join(work, "ref_report.json")
subprocess.run([os.path.join(bindir, "dyadc"), model_path, "--quantize",
                "--calib-table", q.calibration_table, "--report", ref_report,
                "-o", os.path.join(work, "ref.so")], check=True)
key = lambda rep: [(n.node, n.status, n.precision, n.scale, n.zero_point,
                    n.weight_scales) for n in rep.nodes]
print("report as dyadc's:", key(dyad.Report.load(ref_report)) == key(r))
q2 = dyad.compile(model_path, quantize=True, calibration=[s[None] for s in calib])
print("int8 (iterable of arrays) identical:", np.array_equal(q2(x)[0], reference))
q3 = dyad.compile(model_path, quantize=True, calibration=npy)
print("int8 (.npy path) identical:", np.array_equal(q3(x)[0], reference))

# calibrate() writes a table that compile() reads.
table = dyad.calibrate(model_path, Reader(calib, 64), os.path.join(work, "t.json"))
q4 = dyad.compile(model_path, quantize=True, calibration_table=table)
print("int8 (table from calibrate) identical:", np.array_equal(q4(x)[0], reference))

# Mixed precision: the table of widths comes back as remarks.
messages = []
events = []
mp = dyad.compile(model_path, quantize=True, calibration=calib, budget={"size": 0.6},
                  keep_8bit=["first", "last"], messages=messages,
                  progress=lambda *e: events.append(e))
print("progress:", sorted({e[0] for e in events}),
      "ends", [e[1:4] for e in events if e[1] == e[2]])
table_lines = [t for k, t in messages if k == "remark" and t.startswith("mixed precision:")]
print("mixed precision remark:", table_lines[0].splitlines()[0] if table_lines else None)
print(f"mixed accuracy {accuracy(mp(x)[0]):.2f}")

# export_qdq: the same quantization as a standard ONNX QDQ model (run in
# onnxruntime by test/Models/qdq-export.test).
qdq = dyad.export_qdq(model_path, os.path.join(work, "cnn.qdq.onnx"), calibration_table=table)
exported = onnx.load(qdq)
onnx.checker.check_model(exported)
print("export_qdq:", sorted({n.op_type for n in exported.graph.node} & {"QuantizeLinear", "DequantizeLinear"}))

# An exception in the progress callback cancels the step at once (the
# first batch of 8: calibration reads no further) and comes out of
# compile().
events = []


def stop(*event):
    events.append(event)
    raise KeyboardInterrupt("stopped by the progress callback")


try:
    dyad.compile(model_path, quantize=True, calibration=calib, progress=stop,
                 calib_batch=8)
    print("no exception")
except KeyboardInterrupt as e:
    print("callback exception:", e, "after", [ev[:4] for ev in events])
    print("where:", getattr(e, "__notes__", None))
print("OK")
