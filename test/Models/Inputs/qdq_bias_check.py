"""Checks the biases of an exported QDQ model (dyadc --emit=onnx-qdq).

usage: qdq_bias_check.py MODEL.qdq.onnx MODEL.onnx

Every Conv's and Gemm's bias must be DequantizeLinear(int32 b_q, scale,
zero point 0, axis 0) with scale = S_in * S_w,c (the scales of the input's
DequantizeLinear and of the weights'), and b_q must be the bias of the
original model (BatchNormalization folded into the convolution, as Dyad
folds it) divided by that scale and rounded half to even. Prints the
counts, then OK or the first difference.
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    qdq = onnx.load(sys.argv[1])
    orig = onnx.load(sys.argv[2])
    inits = {t.name: numpy_helper.to_array(t) for t in qdq.graph.initializer}
    producer = {o: n for n in qdq.graph.node for o in n.output}
    oinits = {t.name: numpy_helper.to_array(t) for t in orig.graph.initializer}
    onodes = {n.name: n for n in orig.graph.node}
    oconsumers = {}
    for n in orig.graph.node:
        for i in n.input:
            oconsumers.setdefault(i, []).append(n)
    convs = [n for n in qdq.graph.node if n.op_type in ("Conv", "Gemm")]
    with_int32 = 0
    for c in convs:
        if len(c.input) < 3:
            continue
        dq = producer.get(c.input[2])
        if dq is None or dq.op_type != "DequantizeLinear":
            continue
        bq, bs, bz = (inits[i] for i in dq.input)
        if bq.dtype != np.int32 or np.any(bz != 0):
            print(f"{c.name}: bias not int32 with zero point 0")
            return 1
        xdq = producer[c.input[0]]
        wdq = producer[c.input[1]]
        s_in = inits[xdq.input[1]].astype(np.float32)
        s_w = inits[wdq.input[1]].astype(np.float32)
        if not np.array_equal(bs, s_in * s_w):
            print(f"{c.name}: bias scale is not S_in * S_w")
            return 1
        scale = bs.astype(np.float64)
        # The float bias Dyad folded: the model's, or its BatchNormalization's.
        o = onodes[c.name]
        w = oinits[o.input[1]].astype(np.float64)
        b = (oinits[o.input[2]].astype(np.float64).reshape(-1)
             if len(o.input) > 2 else np.zeros(w.shape[0]))
        users = oconsumers.get(o.output[0], [])
        if len(users) == 1 and users[0].op_type == "BatchNormalization":
            bn = users[0]
            g, beta, mean, var = (oinits[i].astype(np.float64) for i in bn.input[1:5])
            eps = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
            k = g / np.sqrt(var + eps)
            b = (b - mean) * k + beta
        expected = np.rint(b / scale)
        diff = np.abs(expected - bq.astype(np.float64))
        # Dyad folds in its own arithmetic: a value within a rounding of a
        # tie may land either side, nothing more.
        if np.any(diff > 1):
            print(f"{c.name}: int32 bias differs from the folded float bias "
                  f"by {diff.max()} steps")
            return 1
        with_int32 += 1
    print(f"{len(convs)} Conv and Gemm nodes, {with_int32} with an int32 bias")
    if with_int32 != len(convs):
        print("some keep a float bias")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
