"""A model whose two MatMuls read the same weight tensor, and calibration
data for it (mixed-precision-ties.test): y = relu(x W) W + x W2."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
w = numpy_helper.from_array(rng.standard_normal((32, 32)).astype(np.float32) / 6, "W")
w2 = numpy_helper.from_array(rng.standard_normal((32, 32)).astype(np.float32) / 6, "W2")
nodes = [
    helper.make_node("MatMul", ["x", "W"], ["h"], name="first"),
    helper.make_node("Relu", ["h"], ["r"], name="relu"),
    helper.make_node("MatMul", ["r", "W"], ["a"], name="second"),
    helper.make_node("MatMul", ["x", "W2"], ["b"], name="third"),
    helper.make_node("Add", ["a", "b"], ["y"], name="add"),
]
graph = helper.make_graph(
    nodes, "shared", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 32])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 32])], [w, w2])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.save(model, "shared.onnx")
np.save("calib.npy", rng.standard_normal((64, 32)).astype(np.float32))
