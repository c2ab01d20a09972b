"""Writes GroupNormalization models (opset 18: per-group scale/bias; 21:
per-channel) with numpy's result for a random input (MODEL.x.npy,
MODEL.y.npy), and malformed ones, into the current directory."""
import numpy as np, onnx, sys
from onnx import helper, TensorProto, numpy_helper
def mk(opset, G, C, path, eps=1e-5, per=None, shape=None):
    shape = shape or [2, C, 3, 4]
    per = per or (C if opset >= 21 else G)
    rng = np.random.default_rng(0)
    sc = rng.standard_normal(per).astype(np.float32); bi = rng.standard_normal(per).astype(np.float32)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)
    n = helper.make_node("GroupNormalization", ["x", "scale", "bias"], ["y"], name="gn", num_groups=G, epsilon=eps)
    g = helper.make_graph([n], "g", [x], [y], [numpy_helper.from_array(sc, "scale"), numpy_helper.from_array(bi, "bias")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)]); m.ir_version = 8
    onnx.save(m, path)
    X = rng.standard_normal([2 if d is None or isinstance(d,str) else d for d in shape]).astype(np.float32)
    N = X.shape[0]
    xr = X.reshape(N, max(G,1), -1) if G>=1 and C%G==0 else X.reshape(N,1,-1)
    yn = ((xr - xr.mean(-1, keepdims=True)) / np.sqrt(xr.var(-1, keepdims=True) + eps)).reshape(X.shape)
    bshape = [1, C] + [1] * (X.ndim - 2)
    if G < 1 or C % G or len(sc) != (C if opset >= 21 else G) or not np.isfinite(eps):
        return
    if opset < 21:
        sc, bi = np.repeat(sc, C // G), np.repeat(bi, C // G)
    Y = yn * sc.reshape(bshape) + bi.reshape(bshape)
    np.save(path + ".x.npy", X); np.save(path + ".y.npy", Y.astype(np.float32))
mk(18, 2, 4, "g18.onnx"); mk(21, 2, 4, "g21.onnx"); mk(18, 3, 6, "g18r5.onnx", shape=[2, 6, 2, 2, 3])
mk(21, 4, 4, "g21r2.onnx", shape=["N", 4]); mk(18, 3, 4, "bad_div.onnx"); mk(18, 0, 4, "bad_zero.onnx")
mk(18, 2, 4, "bad_eps.onnx", eps=float("nan")); mk(18, 2, 4, "bad_scale.onnx", per=4); mk(21, 2, 4, "bad_scale21.onnx", per=2)
