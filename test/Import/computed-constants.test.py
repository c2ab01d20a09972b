# Builds the models of computed-constants.test: inputs that must be constants
# (Pad pads, Resize sizes) computed by nodes from initializers and static
# shapes, as tf2onnx writes them.
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(name, nodes, inputs, outputs, inits, opset=11):
    graph = helper.make_graph(nodes, "g", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 6
    onnx.save(model, name)


x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 3, 3])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)

# M-LSD's pads: an initializer split into 8 scalars, concatenated again.
parts = [f"p{i}" for i in range(8)]
save("split-concat-pads.onnx",
     [helper.make_node("Split", ["pads_init"], parts, axis=0, split=[1] * 8, name="split"),
      helper.make_node("Concat", parts, ["pads"], axis=0, name="cat"),
      helper.make_node("Pad", ["x", "pads"], ["y"], name="pad")],
     [x], [y],
     [numpy_helper.from_array(np.array([0, 0, 1, 2, 0, 0, 1, 2], np.int64), "pads_init")])

# Resize sizes from Shape -> Slice -> Concat with the new spatial size; Slice
# ends of INT64_MAX as exporters write them.
save("shape-slice-sizes.onnx",
     [helper.make_node("Shape", ["x"], ["s"], name="shape"),
      helper.make_node("Slice", ["s", "zero", "two"], ["nc"], name="slice"),
      helper.make_node("Slice", ["s", "three", "big"], ["w"], name="slice_w"),
      helper.make_node("Concat", ["nc", "hw", "w"], ["sizes"], axis=0, name="cat"),
      helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="nearest", name="resize")],
     [x], [y],
     [numpy_helper.from_array(np.array([0], np.int64), "zero"),
      numpy_helper.from_array(np.array([2], np.int64), "two"),
      numpy_helper.from_array(np.array([3], np.int64), "three"),
      numpy_helper.from_array(np.array([2**63 - 1], np.int64), "big"),
      numpy_helper.from_array(np.array([6], np.int64), "hw")],
     opset=13)

# A computed value that is not constant stays an error at the node.
save("runtime-pads.onnx",
     [helper.make_node("Cast", ["n"], ["pads"], to=TensorProto.INT64, name="cast"),
      helper.make_node("Pad", ["x", "pads"], ["y"], name="pad")],
     [x, helper.make_tensor_value_info("n", TensorProto.FLOAT, [8])], [y], [])
