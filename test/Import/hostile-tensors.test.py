# Builds the models of hostile-tensors.test (binary protobuf, with onnx.helper).
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(name, nodes, inputs, outputs, inits, opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.save(model, name)


def info(name, shape, t=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, t, shape)


def raw_tensor(name, dims, data=b""):
    t = TensorProto(name=name, data_type=TensorProto.FLOAT, raw_data=data)
    t.dims.extend(dims)
    return t


add = [helper.make_node("Add", ["X", "W"], ["Y"], name="add")]
# 2^20 x 2^20 floats: 4 TiB announced by the dims, no data behind them.
save("huge.onnx", add, [info("X", [3])], [info("Y", None)],
     [raw_tensor("W", [1 << 20, 1 << 20])])
# Dims whose product overflows 64 bits.
save("overflow.onnx", add, [info("X", [3])], [info("Y", None)],
     [raw_tensor("W", [1 << 40, 1 << 40, 1 << 40])])
save("negative-dim.onnx", add, [info("X", [3])], [info("Y", None)],
     [raw_tensor("W", [-3])])
save("negative-input-dim.onnx", [helper.make_node("Relu", ["X"], ["Y"])],
     [info("X", [-2, 3])], [info("Y", None)], [])

q = [helper.make_node("QuantizeLinear", ["X", "s", "z"], ["Y"], name="q")]
for name, scale in [("denormal-scale.onnx", 1e-40), ("nan-scale.onnx", float("nan"))]:
    save(name, q, [info("X", [3])], [info("Y", [3], TensorProto.UINT8)],
         [helper.make_tensor("s", TensorProto.FLOAT, [], [scale]),
          helper.make_tensor("z", TensorProto.UINT8, [], [0])])

save("empty.onnx", [helper.make_node("Relu", ["X"], ["Y"])],
     [info("X", [0, 3])], [info("Y", [0, 3])], [])
save("nan-weights.onnx", add, [info("X", [3])], [info("Y", [3])],
     [helper.make_tensor("W", TensorProto.FLOAT, [3],
                         np.array([np.nan, np.inf, 1.0], np.float32))])

# Found by dyad-import-fuzzer (structure-aware): a Constant whose raw data
# does not fill its shape (13 bytes for one int64) overflowed a buffer in
# libonnx's shape inference, which reads ReduceSum's constant axes.
axes = TensorProto(data_type=TensorProto.INT64, raw_data=b"\0" * 13)
axes.dims.extend([1])
save("constant-raw-size.onnx",
     [helper.make_node("Constant", [], ["axes"], name="c", value=axes),
      helper.make_node("ReduceSum", ["X", "axes"], ["Y"], name="sum")],
     [info("X", [2, 3])], [info("Y", None)], [])

# Found by dyad-import-fuzzer: LayerNormalization of a scalar made libonnx's
# shape inference index dims that do not exist (SEGV).
save("layernorm-scalar.onnx",
     [helper.make_node("LayerNormalization", ["X", "W", "B"], ["Y"], name="ln")],
     [info("X", []), info("W", [5]), info("B", [5])], [info("Y", None)], [])
# The same crash site through the opset 18-21 path: its rewrite to opset 17
# runs libonnx's inference, so the node rules must have run before it.
save("layernorm-axis-opset18.onnx",
     [helper.make_node("LayerNormalization", ["X", "W", "B"], ["Y"], name="ln",
                       axis=1 << 40)],
     [info("X", [2, 5]), info("W", [5]), info("B", [5])], [info("Y", None)], [],
     opset=18)

# Found by dyad-import-fuzzer: an IR 3 model (opset < 7) whose output is an
# initializer that is not a graph input made libonnx's importer, under its
# version converter, dereference a null value (SEGV).
m = helper.make_model(
    helper.make_graph([helper.make_node("Relu", ["X"], ["Y"], name="relu")], "g",
                      [info("X", [2, 2])], [info("Y", [2, 2]), info("W", [2, 2])],
                      [numpy_helper.from_array(np.ones((2, 2), np.float32), "W")]),
    opset_imports=[helper.make_opsetid("", 6)])
m.ir_version = 3
onnx.save(m, "ir3-initializer-output.onnx")
# Found by dyad-import-fuzzer: a float tensor with NaN cast to int64 as a
# shape: folding it at import converted NaN to an integer (undefined
# behaviour); such a Cast is not folded (its result is not exact).
save("nan-shape.onnx",
     [helper.make_node("Cast", ["s"], ["si"], to=TensorProto.INT64, name="cast"),
      helper.make_node("Reshape", ["X", "si"], ["Y"], name="r")],
     [info("X", [2, 2])], [info("Y", None)],
     [numpy_helper.from_array(np.array([np.nan, 2.0], np.float32), "s")])
# Found by dyad-import-fuzzer: the same at opset 17 and 18-21, a Shape of an
# initializer that is not a graph input: libonnx gives it no type at IR 3 and
# its Shape data propagation dereferenced the missing type (SEGV).
for opset in (17, 18):
    m = helper.make_model(
        helper.make_graph([helper.make_node("Shape", ["W"], ["Y"], name="shape")],
                          "g", [], [info("Y", None, TensorProto.INT64)],
                          [numpy_helper.from_array(np.ones((2, 3), np.float32), "W")]),
        opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 3
    onnx.save(m, f"ir3-shape-initializer-opset{opset}.onnx")

# Found by dyad-import-fuzzer: a scale initializer with no data behind its
# dims ([] needs one value) reached QuantizeLinear's builder as a null
# operand (SEGV). The same for a Conv weight and a DequantizeLinear scale.
def no_data(name, dims):
    t = TensorProto(name=name, data_type=TensorProto.FLOAT)
    t.dims.extend(dims)
    return t


save("scale-no-data.onnx", q, [info("X", [3])],
     [info("Y", [3], TensorProto.UINT8)],
     [no_data("s", []), helper.make_tensor("z", TensorProto.UINT8, [], [0])])
save("dq-scale-no-data.onnx",
     [helper.make_node("DequantizeLinear", ["X", "s"], ["Y"], name="dq")],
     [info("X", [3], TensorProto.INT8)], [info("Y", [3])], [no_data("s", [])])
save("conv-weight-no-data.onnx",
     [helper.make_node("Conv", ["X", "W"], ["Y"], name="conv")],
     [info("X", [1, 1, 4, 4])], [info("Y", None)], [no_data("W", [1, 1, 3, 3])])

