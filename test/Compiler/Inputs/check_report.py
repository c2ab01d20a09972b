"""Checks dyadc's --report against the ONNX model it came from: every Conv
and Gemm row carries the multiply-accumulates that ONNX shape inference
implies (per output element, C/group x kernel products for Conv, K for
Gemm), its per-channel weight scales and a status; the counts add up."""
import json
import sys

import numpy as np
import onnx
from onnx import shape_inference

model_path, report_path, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
model = onnx.load(model_path)
for d in model.graph.input[0].type.tensor_type.shape.dim[:1]:
    d.ClearField("dim_param")
    d.dim_value = batch
model = shape_inference.infer_shapes(model)
shapes = {vi.name: [d.dim_value for d in vi.type.tensor_type.shape.dim]
          for vi in list(model.graph.value_info) + list(model.graph.output)}
inits = {t.name: list(t.dims) for t in model.graph.initializer}

expected = {}
for n in model.graph.node:
    if n.op_type == "Conv":
        w = inits[n.input[1]]
        expected[n.name] = int(np.prod(shapes[n.output[0]])) * int(np.prod(w[1:]))
    elif n.op_type == "Gemm":
        a = shapes.get(n.input[0])
        trans_a = any(at.name == "transA" and at.i for at in n.attribute)
        expected[n.name] = int(np.prod(shapes[n.output[0]])) * a[0 if trans_a else 1]

report = json.load(open(report_path))
rows = {r["node"]: r for r in report["nodes"]}
for name, macs in expected.items():
    row = rows[name]
    assert row.get("macs") == macs, (name, row.get("macs"), macs)
    assert row["weight_scales"]["channels"] > 0, name
    assert row["status"] in ("quantized", "fused"), (name, row["status"])
others = [r for r in report["nodes"] if "macs" in r and r["node"] not in expected]
assert not others, others
print("macs ok:", len(expected), "contractions,", sum(expected.values()), "MACs")
