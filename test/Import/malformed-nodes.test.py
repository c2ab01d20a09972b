# Builds the models of malformed-nodes.test (binary protobuf, with
# onnx.helper): nodes that dyad-import-fuzzer found crashing the importer or
# libonnx, each reduced to the one malformation.
import onnx
from onnx import AttributeProto, TensorProto, helper


def save(name, nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.save(model, name)


def info(name, shape, t=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, t, shape)


def ints(name, values):
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)


# Opset 18-21 nodes are converted to opset 17 and shape inference runs at 17
# before the conversion's second pass: every node is checked against its
# schema first, as at opset 17. A required input given as absent ('') made
# libonnx's inference dereference null (SEGV).
save("shape-absent-input.onnx",
     [helper.make_node("Shape", [""], ["Y"], name="shape")],
     [], [info("Y", None, TensorProto.INT64)], opset=21)
# An attribute given twice: the rules checked the first axis, libonnx's
# inference used the last (out of range: SEGV).
ln = helper.make_node("LayerNormalization", ["X", "W", "B"], ["Y", "Mean"],
                      name="ln", axis=1)
ln.attribute.append(helper.make_attribute("axis", -4))
save("layernorm-axis-twice.onnx", [ln],
     [info("X", [3, 4]), info("W", [4]), info("B", [4])],
     [info("Y", None), info("Mean", None)], opset=19)
# A Resize-18 without inputs: the second pass (which folds the axes
# attribute into full scales) read its input 0 out of range.
save("resize-no-inputs.onnx",
     [helper.make_node("Resize", [], ["Y"], name="resize", axes=[1]),
      helper.make_node("Relu", ["X"], ["Z"], name="relu")],
     [info("X", [1, 1, 2, 2])], [info("Z", None)], opset=20)
# Attributes new since opset 18 are unknown to libonnx's schemas: their types
# are checked before the conversion reads them (an INT axes read as INTS).
save("resize-axes-int.onnx",
     [helper.make_node("Resize", ["X", "", "scales"], ["Y"], name="resize",
                       axes=1)],
     [info("X", [1, 1, 2, 2])], [info("Y", None)],
     [helper.make_tensor("scales", TensorProto.FLOAT, [1], [2.0])], opset=20)
split = helper.make_node("Split", ["X"], ["A", "B"], name="split")
split.attribute.append(helper.make_attribute("num_outputs", [2]))
save("split-num-outputs-ints.onnx", [split],
     [info("X", [4])], [info("A", None), info("B", None)], opset=18)
# GroupNormalization (new at 18) has no libonnx schema: its rewrite checks
# its inputs itself.
save("groupnorm-two-inputs.onnx",
     [helper.make_node("GroupNormalization", ["X", "S"], ["Y"], name="gn",
                       num_groups=2)],
     [info("X", [1, 4, 3]), info("S", [2])], [info("Y", None)], opset=18)

# Slice: starts declared with 2^40 values (a graph input): the default axes
# and steps were sized by it (SmallVector out of capacity). One start per
# axis: at most the rank of the data.
save("slice-starts-length.onnx",
     [helper.make_node("Slice", ["X", "starts", "ends"], ["Y"], name="slice")],
     [info("X", [2, 3]), info("starts", [1 << 40], TensorProto.INT64),
      info("ends", [1 << 40], TensorProto.INT64)], [info("Y", None)])
# Default axes on data of unknown rank: their length cannot be checked.
save("slice-unranked.onnx",
     [helper.make_node("Slice", ["X", "starts", "ends"], ["Y"], name="slice")],
     [info("X", None)], [info("Y", None)],
     [ints("starts", [0]), ints("ends", [1])])

# Split of an input of unknown rank with axis INT64_MIN: the axis plus the
# unknown rank (-1) overflowed (UBSan).
save("split-unranked-axis.onnx",
     [helper.make_node("Split", ["X"], ["A", "B"], name="split",
                       axis=-(1 << 63))],
     [info("X", None)], [info("A", None), info("B", None)])

# A node whose inference fails (Add of dims 2 and 3) leaves its output
# without a type, and libonnx goes on: its Shape data propagation
# dereferenced the missing type of its input (SEGV). Inference gets an empty
# type for every value a node reads; the error is reported.
save("shape-of-failed-inference.onnx",
     [helper.make_node("Add", ["X", "W"], ["Z"], name="add"),
      helper.make_node("Shape", ["Z"], ["S"], name="shape")],
     [info("X", [2]), info("W", [3])], [info("S", None, TensorProto.INT64)])

# ConvTranspose whose output_shape has fewer values than spatial dims (found
# by the fuzzer in ONNX's test_convtranspose_pad, output_shape [1]): the
# importer indexed it from the end (out of bounds). One value per spatial dim,
# or the whole output shape; output_padding one per spatial dim.
for name, attr, vals in [("convtranspose-output-shape-short", "output_shape", [1]),
                         ("convtranspose-output-padding-long", "output_padding", [0, 0, 0])]:
    node = helper.make_node("ConvTranspose", ["X", "W"], ["Y"], name="ct",
                            strides=[3, 2])
    node.attribute.append(helper.make_attribute(attr, vals))
    save(name + ".onnx", [node],
         [info("X", [1, 1, 3, 3])], [info("Y", None)],
         [helper.make_tensor("W", TensorProto.FLOAT, [1, 2, 3, 3], [0.5] * 18)])

# A Conv without kernel_shape whose weight has more spatial dims than its
# input, the input an intermediate value (its rank known only during
# inference): libonnx's inference indexed the input's dims by the weight's
# rank (SEGV; found by the fuzzer). Given the weight's dims as kernel_shape
# for inference, libonnx compares them with the input's rank.
save("conv-weight-rank.onnx",
     [helper.make_node("Relu", ["X"], ["R"], name="relu"),
      helper.make_node("Conv", ["R", "W"], ["Y"], name="conv")],
     [info("X", [1, 1, 8, 8])], [info("Y", None)],
     [helper.make_tensor("W", TensorProto.FLOAT, [2, 1, 3, 3, 1], [0.5] * 18)])
save("convinteger-weight-rank.onnx",
     [helper.make_node("Identity", ["X"], ["R"], name="id"),
      helper.make_node("ConvInteger", ["R", "W"], ["Y"], name="conv")],
     [info("X", [1, 1, 8, 8], TensorProto.UINT8)], [info("Y", None, TensorProto.INT32)],
     [helper.make_tensor("W", TensorProto.UINT8, [2, 1, 3, 3, 1], [1] * 18)])
# The same with the weight in a Constant node (its shape is in the node's
# attribute, not in an initializer).
save("conv-constant-weight-rank.onnx",
     [helper.make_node("Constant", [], ["W"], name="w",
                       value=helper.make_tensor("w", TensorProto.FLOAT, [2, 1, 3, 3, 1], [0.5] * 18)),
      helper.make_node("Relu", ["X"], ["R"], name="relu"),
      helper.make_node("Conv", ["R", "W"], ["Y"], name="conv")],
     [info("X", [1, 1, 8, 8])], [info("Y", None)])

# Gemm before opset 11 on an intermediate of rank 1 (a Reshape's output):
# libonnx's inference read A's dim 1 (transA) out of bounds (SEGV; found by
# the fuzzer). Its schemas are wrapped with a rank check first.
save("gemm-intermediate-rank.onnx",
     [helper.make_node("Reshape", ["X", "S"], ["A"], name="reshape"),
      helper.make_node("Gemm", ["A", "W", "C"], ["Y"], name="gemm", transA=1)],
     [info("X", [2, 6])], [info("Y", None)],
     [ints("S", [12]),
      helper.make_tensor("W", TensorProto.FLOAT, [12, 3], [0.5] * 36),
      helper.make_tensor("C", TensorProto.FLOAT, [3], [0.0] * 3)],
     opset=6)

# A Clip whose declared output shape is over the size limit: resultType
# reported it, but the builder went on and made an op without a result type
# (a null value reached the graph outputs: SEGV; found by the fuzzer).
save("clip-output-too-large.onnx",
     [helper.make_node("Clip", ["x", "min"], ["y"], name="clip")],
     [helper.make_tensor_value_info("x", TensorProto.INT8, None),
      helper.make_tensor_value_info("min", TensorProto.INT8, None)],
     [helper.make_tensor_value_info("y", TensorProto.INT8, [9223372036854775806, 4, 5])],
     opset=13)

# ConstantOfShape of a shape input with 2^40 values: libonnx made one output
# dim per value before knowing any (out of memory; found by CI's fuzz run).
save("constantofshape-long-shape.onnx",
     [helper.make_node("ConstantOfShape", ["x"], ["y"], name="cos")],
     [info("x", [1 << 40], TensorProto.INT64)], [info("y", None)], opset=9)
