# Builds the named-node models of bad-attributes.test (ONNX's text syntax
# cannot name nodes): a Conv and a MaxPool with a zero stride, which crashed
# libonnx's shape inference with SIGFPE before the op table's rules ran
# ahead of it.
import sys

import onnx
from onnx import TensorProto, helper


def save(name, node, inputs):
    graph = helper.make_graph(
        [node], "g", inputs,
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, name)


x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 1, 8, 8])
w = helper.make_tensor_value_info("W", TensorProto.FLOAT, [1, 1, 3, 3])
save("conv1.onnx",
     helper.make_node("Conv", ["X", "W"], ["Y"], name="conv1", strides=[0, 1]),
     [x, w])
save("pool1.onnx",
     helper.make_node("MaxPool", ["X"], ["Y"], name="pool1",
                      kernel_shape=[2, 2], strides=[2, 0]),
     [x])
