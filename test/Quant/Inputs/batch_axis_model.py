"""Writes a stateful model like Silero VAD's signature, and its data.

usage: batch_axis_model.py DIR

model.onnx: x [batch, seq] (two dynamic dims), state [2, batch, 3];
  y = Relu(x), s = state * C with C [2, 1, 3] = 1 on row 0, 1000 on row 1.
data.npz: x [6, 5], state [6, 2, 3] (first axis = samples; a state sample is
  [2, 3]): row 0 in [0, 1], row 1 in [-1, 0]. Assembled at axis 1 the
  calibrated range of s is [-1000, 1]; stacked on axis 0 it would not be.
bad.npz: state [6, 3, 2] (transposed sample).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "seq"])
st = helper.make_tensor_value_info("state", TensorProto.FLOAT, [2, "batch", 3])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "seq"])
s = helper.make_tensor_value_info("s", TensorProto.FLOAT, [2, "batch", 3])
c = np.array([1.0, 1000.0], np.float32).reshape(2, 1, 1) * np.ones((2, 1, 3), np.float32)
g = helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"], name="relu"),
     helper.make_node("Mul", ["state", "C"], ["s"], name="mul")],
    "stateful", [x, st], [y, s], [numpy_helper.from_array(c, "C")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
m.ir_version = 8
onnx.save(m, os.path.join(d, "model.onnx"))

rng = np.random.default_rng(1)
xs = rng.standard_normal((6, 5)).astype(np.float32)
state = np.empty((6, 2, 3), np.float32)
state[:, 0] = rng.uniform(0, 1, (6, 3))
state[:, 1] = rng.uniform(-1, 0, (6, 3))
state[0, 0, 0], state[1, 1, 2] = 1.0, -1.0  # the exact extremes
np.savez(os.path.join(d, "data.npz"), x=xs, state=state)
np.savez(os.path.join(d, "bad.npz"), x=xs, state=state.transpose(0, 2, 1).copy())
