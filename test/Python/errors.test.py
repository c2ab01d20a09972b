"""Bad input through the Python package: each is an exception carrying the
same file- and node-named message dyadc prints, never a crash."""
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper

import dyad

src = sys.argv[1]
work = tempfile.mkdtemp()


def expect(exc, f):
    try:
        f()
    except exc as e:
        text = str(e).replace(work + "/", "").replace(src + "/", "")
        print(f"{exc.__name__}: {text}")
        return e
    print(f"no {exc.__name__}")
    sys.exit(1)


# A missing file: phase "import".
e = expect(dyad.CompileError, lambda: dyad.compile(os.path.join(work, "missing.onnx")))
print("phase", e.phase)

# A Conv with a zero stride (named node): the importer's diagnostic.
x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 1, 8, 8])
w = helper.make_tensor_value_info("W", TensorProto.FLOAT, [1, 1, 3, 3])
graph = helper.make_graph(
    [helper.make_node("Conv", ["X", "W"], ["Y"], name="conv1", strides=[0, 1])],
    "g", [x, w], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)])
bad = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
bad.ir_version = 8
onnx.save(bad, os.path.join(work, "conv1.onnx"))
e = expect(dyad.CompileError, lambda: dyad.compile(os.path.join(work, "conv1.onnx")))
print("phase", e.phase, "diagnostics", len(e.diagnostics))

# Options: an unknown one, quantization options without quantize, a bad
# calibration method, no calibration data for mixed precision.
model = os.path.join(src, "models", "mnist_mlp.onnx")
expect(TypeError, lambda: dyad.compile(model, quantise=True))
expect(ValueError, lambda: dyad.compile(model, bits=4))
expect(ValueError, lambda: dyad.compile(model, quantize=True, calibration=np.zeros((4, 1, 28, 28), np.float32), calib_method="kl"))
expect(dyad.CompileError, lambda: dyad.compile(model, quantize=True, budget="size=0.5"))
expect(ValueError, lambda: dyad.compile(model, quantize=True, calibration=[]))

# Running: wrong rank, unknown input name, wrong count.
m = dyad.compile(model)
expect(ValueError, lambda: m(np.zeros((2, 28, 28), np.float32)))
expect(ValueError, lambda: m.run({"image": np.zeros((2, 1, 28, 28), np.float32)}))
expect(ValueError, lambda: m.run([np.zeros((2, 1, 28, 28), np.float32)] * 2))
expect(RuntimeError, lambda: dyad.Model(os.path.join(work, "conv1.onnx")))

# A GPU model compiles here and fails to load without a driver, saying so.
os.environ["DYAD_CUDA_LIBRARY"] = "/nonexistent/libcuda.so.1"
expect(RuntimeError, lambda: dyad.compile(model, target="nvptx", gpu_arch="sm_90"))
expect(dyad.CompileError, lambda: dyad.compile(model, target="nvptx"))

# Fewer calibration samples than asked for: one warning in `messages`.
msgs = []
dyad.compile(model, quantize=True, calibration=np.zeros((8, 1, 28, 28), np.float32),
             calib_count=100, report=True, messages=msgs)
print("warnings", [t.split("'")[0] + t.split("'")[-1] for k, t in msgs if k == "warning"])

# dyad.ir: a parse error, a verifier error, an unknown pass.
expect(ValueError, lambda: dyad.ir.verify("func.func @f( {"))
expect(ValueError, lambda: dyad.ir.run_pipeline("module {}", "builtin.module(no-such-pass)"))
print("OK")
