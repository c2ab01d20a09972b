# Builds one-convolution models (stems) and compares dyadc -O0 with -O2 (and
# -O2 without VNNI) on the same calibration table, bit for bit.
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BIN = sys.argv[1]
rng = np.random.default_rng(1)
bad = 0
# (kernel h, kernel w, stride, dilation, pad, input channels)
for kh, kw, s, d, pad, c in [(3, 3, 1, 1, 1, 1), (3, 3, 2, 1, 1, 1),
                             (3, 3, 1, 2, 2, 1), (5, 2, 2, 1, 0, 1),
                             (3, 4, 1, 1, 1, 1), (7, 3, 3, 2, 3, 1),
                             (1, 3, 1, 1, 0, 1), (3, 3, 2, 1, 1, 3)]:
    w = rng.standard_normal((8, c, kh, kw)).astype(np.float32)
    b = rng.standard_normal(8).astype(np.float32)
    conv = helper.make_node("Conv", ["x", "w", "b"], ["y"], strides=[s, s],
                            dilations=[d, d], pads=[pad] * 4)
    relu = helper.make_node("Relu", ["y"], ["z"])
    graph = helper.make_graph(
        [conv, relu], "stem",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", c, 23, 21])],
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, "m.onnx")
    np.save("cal.npy", rng.standard_normal((32, c, 23, 21)).astype(np.float32))
    np.save("x.npy", rng.standard_normal((5, c, 23, 21)).astype(np.float32))
    subprocess.run([os.path.join(BIN, "dyadc"), "m.onnx", "-o", "ref.so", "-O0",
                    "--quantize", "--calibrate", "cal.npy", "--calib-table",
                    "t.json"], check=True)

    def outputs(lib):
        out = lib + ".out"
        subprocess.run(["rm", "-rf", out], check=True)
        subprocess.run([os.path.join(BIN, "dyad-run"), lib, "--input", "x.npy",
                        "--output-dir", out], check=True, capture_output=True)
        return np.load(glob.glob(out + "/*.npy")[0])

    ref = outputs("ref.so")
    for mattr in ["", "-avx512vnni"]:
        subprocess.run([os.path.join(BIN, "dyadc"), "m.onnx", "-o", "k.so",
                        "--quantize", "--calib-table", "t.json",
                        "--mattr=" + mattr], check=True)
        same = np.array_equal(ref, outputs("k.so"))
        bad += not same
        print(f"{kh}x{kw} stride {s} dilation {d} pad {pad} channels {c} "
              f"mattr '{mattr}': {'identical' if same else 'DIFFER'}")
print("OK" if bad == 0 else "FAIL")
sys.exit(1 if bad else 0)
