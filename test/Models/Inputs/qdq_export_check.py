"""Checks a `dyadc --emit=onnx-qdq` model against Dyad's own int8 artifact
on a full test set: the ONNX checker passes, every weighted node reads int8
weights through a DequantizeLinear (at the widths Dyad chose), onnxruntime
(npm onnxruntime-node, bench/ort_bench.js) runs it, and its accuracy is
within 0.3 pt of the artifact's.

    qdq_export_check.py MODEL.qdq.onnx DYAD_OUTPUT.npy X.npy LABELS.npy
"""
import collections
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

qdq_path, dyad_out, x_path, y_path = sys.argv[1:5]
here = os.path.dirname(os.path.abspath(__file__))
ort_bench = os.path.join(here, "..", "..", "..", "bench", "ort_bench.js")

model = onnx.load(qdq_path)
onnx.checker.check_model(model)
ops = collections.Counter(n.op_type for n in model.graph.node)
print(f"QuantizeLinear {ops['QuantizeLinear']} DequantizeLinear {ops['DequantizeLinear']}")
inits = {t.name: t for t in model.graph.initializer}
producers = {o: n for n in model.graph.node for o in n.output}
widths = []
for n in model.graph.node:
    if n.op_type in ("Conv", "Gemm", "MatMul", "ConvTranspose") and len(n.input) > 1:
        dq = producers.get(n.input[1])
        assert dq is not None and dq.op_type == "DequantizeLinear", n.name
        if dq.input[0] not in inits:
            continue  # a MatMul of two activations (attention)
        w = numpy_helper.to_array(inits[dq.input[0]])
        assert w.dtype == np.int8, (n.name, w.dtype)
        widths.append(4 if np.abs(w.astype(int)).max() <= 7 else 8)
print("weight widths", " ".join(map(str, widths)))

with tempfile.TemporaryDirectory() as work:
    out = os.path.join(work, "ort.npy")
    subprocess.run(["node", ort_bench, qdq_path, x_path, "1", "1", out],
                   check=True, capture_output=True)
    ort = np.load(out)
labels = np.load(y_path)
dyad = np.load(dyad_out)
a_ort = 100.0 * float((ort.argmax(1) == labels).mean())
a_dyad = 100.0 * float((dyad.argmax(1) == labels).mean())
agree = 100.0 * float((ort.argmax(1) == dyad.argmax(1)).mean())
print(f"onnxruntime QDQ accuracy {a_ort:.2f}, Dyad int8 {a_dyad:.2f}, "
      f"same class on {agree:.2f}% of {len(labels)}")
print("OK" if abs(a_ort - a_dyad) <= 0.3 else "FAILED: more than 0.3 pt apart")
