"""A model whose hidden activation feeds a MatMul and a Mul of itself
(mixed-activation-bits.test): h = relu(x W1); y = h W2 + h * h. A Mul of two
activations has no integer form above 15 bits, so h cannot be 16-bit in an
integer-only graph."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
w1 = numpy_helper.from_array(rng.standard_normal((16, 16)).astype(np.float32) / 4, "W1")
w2 = numpy_helper.from_array(rng.standard_normal((16, 16)).astype(np.float32) / 4, "W2")
nodes = [
    helper.make_node("MatMul", ["x", "W1"], ["a"], name="first"),
    helper.make_node("Relu", ["a"], ["h"], name="relu"),
    helper.make_node("MatMul", ["h", "W2"], ["b"], name="second"),
    helper.make_node("Mul", ["h", "h"], ["s"], name="square"),
    helper.make_node("Add", ["b", "s"], ["y"], name="add"),
]
graph = helper.make_graph(
    nodes, "square_branch",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 16])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 16])], [w1, w2])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
          "square.onnx")
np.save("calib.npy", rng.standard_normal((64, 16)).astype(np.float32))
