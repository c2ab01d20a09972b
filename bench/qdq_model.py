#!/usr/bin/python3
"""The bench's int8 peer: a model in onnxruntime's QDQ format, quantized with
Dyad's own calibration table, so both int8 runs use the same ranges.

    /usr/bin/python3 bench/qdq_model.py model.onnx table.json out.onnx

onnxruntime's quantizer (Python) is not packaged in Debian, so this writes
the format its quantizer would (QuantFormat.QDQ, its defaults): every
calibrated activation X becomes X -> QuantizeLinear -> DequantizeLinear ->
consumers with uint8 values (zero point + 128: onnxruntime's fast x86 int8
kernels are U8S8); Conv/Gemm/MatMul weights are int8, symmetric, per output
channel, behind a DequantizeLinear; their biases int32 at scale
S_x * S_w. onnxruntime then fuses the DQ -> op -> Q groups into its integer
kernels (QLinearConv, QGemm, ...). Only for timing: Dyad's own export to QDQ
is `dyadc --emit=onnx-qdq` (docs/quantization.md), which keeps Dyad's exact
choices (int8 activations, its weight integers and widths, float biases)
rather than onnxruntime's preferred form.
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize_weight(w, axis):
    """Per-channel symmetric int8 along `axis`: (q, scales)."""
    moved = np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1)
    amax = np.abs(moved).max(axis=1)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def main():
    src, table_path, out = sys.argv[1:4]
    model = onnx.load(src)
    table = json.load(open(table_path))["tensors"]
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    # Constant nodes' values as initializers (exporters write weights both ways).
    for node in list(g.node):
        if node.op_type == "Constant" and len(node.attribute) == 1 and \
                node.attribute[0].name == "value":
            t = onnx.TensorProto()
            t.CopyFrom(node.attribute[0].t)
            t.name = node.output[0]
            g.initializer.append(t)
            inits[t.name] = t
            g.node.remove(node)

    new_inits, qdq_nodes = [], []
    act_scale = {}
    renamed = {}  # activation -> its dequantized name
    for name, e in table.items():
        if name in inits or "scale" not in e:
            continue
        scale = float(e["scale"])
        zp = int(e["zero_point"]) + 128
        act_scale[name] = scale
        s_name, z_name = name + "_qdq_scale", name + "_qdq_zp"
        new_inits += [numpy_helper.from_array(np.array(scale, np.float32), s_name),
                      numpy_helper.from_array(np.array(zp, np.uint8), z_name)]
        q, dq = name + "_q", name + "_dq"
        qdq_nodes.append(helper.make_node("QuantizeLinear", [name, s_name, z_name], [q]))
        qdq_nodes.append(helper.make_node("DequantizeLinear", [q, s_name, z_name], [dq]))
        renamed[name] = dq

    weight_nodes = []
    for node in g.node:
        for i, x in enumerate(node.input):
            if x in renamed:
                node.input[i] = renamed[x]
        if node.op_type not in ("Conv", "Gemm", "MatMul") or len(node.input) < 2:
            continue
        w_name = node.input[1]
        if w_name not in inits:
            continue
        w = numpy_helper.to_array(inits[w_name]).astype(np.float32)
        if node.op_type == "Conv":
            axis = 0
        elif node.op_type == "Gemm":
            trans_b = any(a.name == "transB" and a.i for a in node.attribute)
            axis = 0 if trans_b else 1
        else:
            axis = w.ndim - 1
        if w.ndim < 2:
            continue
        q, scale = quantize_weight(w, axis)
        qn, sn, zn = w_name + "_q", w_name + "_wscale", w_name + "_wzp"
        new_inits += [numpy_helper.from_array(q, qn),
                      numpy_helper.from_array(scale, sn),
                      numpy_helper.from_array(np.zeros_like(scale, np.int8), zn)]
        dq = w_name + "_wdq"
        weight_nodes.append(helper.make_node("DequantizeLinear", [qn, sn, zn], [dq],
                                             axis=axis))
        node.input[1] = dq
        # Bias: int32 at S_x * S_w when the input's scale is known.
        x_src = node.input[0][:-3] if node.input[0].endswith("_dq") else None
        if len(node.input) > 2 and node.input[2] in inits and x_src in act_scale:
            b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float64)
            bscale = (act_scale[x_src] * scale).astype(np.float32)
            bq = np.round(b / bscale).astype(np.int32)
            bn = node.input[2]
            new_inits += [numpy_helper.from_array(bq, bn + "_q"),
                          numpy_helper.from_array(bscale, bn + "_bscale"),
                          numpy_helper.from_array(np.zeros(len(bscale), np.int32),
                                                  bn + "_bzp")]
            weight_nodes.append(helper.make_node(
                "DequantizeLinear", [bn + "_q", bn + "_bscale", bn + "_bzp"],
                [bn + "_bdq"], axis=0))
            node.input[2] = bn + "_bdq"
    for o in g.output:
        if o.name in renamed:
            # Graph outputs keep their names: the dequantized value feeds them.
            qdq_nodes.append(helper.make_node("Identity", [renamed[o.name]],
                                              [o.name + "_out"]))
            o.name = o.name + "_out"

    g.initializer.extend(new_inits)
    # The float weights and biases replaced above are no longer read.
    used = {x for n in list(g.node) + weight_nodes + qdq_nodes for x in n.input}
    for t in list(g.initializer):
        if t.name not in used and t.name not in {i.name for i in g.input}:
            g.initializer.remove(t)
    # Topological order: weight DQs first, then each Q/DQ pair right after
    # its producer (or at the start for graph inputs).
    producers = {}
    for i, node in enumerate(g.node):
        for o in node.output:
            producers[o] = i
    after = {}
    for k in range(0, len(qdq_nodes)):
        n = qdq_nodes[k]
        src_name = n.input[0]
        key = producers.get(src_name, -1)
        if n.op_type == "DequantizeLinear":
            key = producers.get(n.input[0][:-2], -1)
        elif n.op_type == "Identity":
            key = len(g.node)
        after.setdefault(key, []).append(n)
    nodes = list(weight_nodes) + after.get(-1, [])
    for i, node in enumerate(g.node):
        nodes.append(node)
        nodes += after.get(i, [])
    nodes += after.get(len(g.node), [])
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    main()
