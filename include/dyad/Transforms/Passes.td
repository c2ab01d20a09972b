//===- Passes.td - graph and quantization passes ------------*- tablegen -*-===//
#ifndef DYAD_TRANSFORMS_PASSES_TD
#define DYAD_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DyadFoldBatchNorm : Pass<"dyad-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold inference BatchNormalization into the preceding conv";
  let description = [{
    Rewrites `batch_normalization(conv(X, W, B))` with constant `W`, `B` and
    batch-norm parameters into one `dyad.conv` with
    `W' = W * gamma / sqrt(var + eps)` (per output channel) and
    `B' = (B - mean) * gamma / sqrt(var + eps) + beta`, computed in double
    precision and rounded once to the weight type. The conv must have no other
    user. Quantization needs this: it calibrates and quantizes the folded
    weights, the ones the integer model will use.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def DyadSimplify : Pass<"dyad-simplify", "mlir::func::FuncOp"> {
  let summary = "Constant-fold and simplify the dyad graph";
  let description = [{
    Runs the dyad op folders (shape arithmetic on constants, no-op reshapes
    and transposes, casts to the same type, ...), the batch-norm folding
    patterns and the LayerNormalization fusion (the op written out as
    ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div and a Mul / Add by
    constants becomes one `dyad.layer_normalization`), Split as one Slice
    per piece (named after the Split's outputs, so each is calibrated and
    quantized like any Slice), and the channel-slice split (a conv whose output is read only through channel Slices, after
    channel-wise ops such as a spatial Resize, becomes one conv per slice:
    each part is quantized on its own range, unread channels are not
    computed) to a fixed point, then drops dead ops.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def DyadInstrument : Pass<"dyad-instrument", "mlir::ModuleOp"> {
  let summary = "Expose every calibrated activation as an extra graph output";
  let description = [{
    Calibration runs the float model natively: this pass appends every
    activation that quantization needs a range for (graph inputs and the
    named results of dyad ops, see `isCalibrated` in
    lib/Transforms/QuantUtils.h) to the results of the graph function, each
    named (`dyad.name`) by its ONNX tensor name. The compiled instrumented
    model then returns the tensors a calibration method observes, batch by
    batch, without storing them.
  }];
  let options = [
    Option<"funcName", "func", "std::string", "\"main_graph\"",
           "The graph function">,
    Option<"integer", "integer", "bool", "false",
           "Expose the integer tensors of an integerized graph instead (the "
           "ones integerize named, with `dyad.scale` / `dyad.zero_point`)">
  ];
}

def DyadQuantize : Pass<"dyad-quantize", "mlir::func::FuncOp"> {
  let summary = "Fold a calibration table into quantize/dequantize pairs";
  let description = [{
    Gives every calibrated activation a `!quant.uniform` type from the
    calibration table (asymmetric, per tensor; the range is widened to hold
    0) and inserts `dyad.quantize` / `dyad.dequantize` after it; ops that
    only move or select values (max pool, reshape, flatten, transpose,
    squeeze, unsqueeze) keep their input's type. Conv, Gemm and MatMul
    weights become per-output-channel symmetric integer constants,
    `S = max|W| / (2^(bits-1) - 1)`, Z = 0, raised where a channel's bias
    would not fit in i32 at `S_in * S` (that channel's weights re-quantized)
    and kept within the range requantization can express
    (docs/numerics.md, "Weights from the wild"; adjusted channels are
    recorded and warned about). Input normalization (Sub/Add/Mul/Div by
    constants on a graph input) stays float ahead of the first quantize, and
    nonlinear postprocessing (Softmax on logits, Sigmoid on scores) after the
    last dequantize. A Conv/Gemm/MatMul/Add result whose only user is a Relu
    or Clip is not quantized itself: the activation fuses into its
    requantization. Nor are the inner values of an elementwise function of
    one activation (GELU written out as Div, Erf, Add, Mul, Mul):
    `dyad-integerize` makes the whole function one table. The result is the QDQ form that
    `dyad-integerize` rewrites, the same form an ONNX QDQ model imports to.
  }];
  let options = [
    Option<"table", "table", "std::string", "",
           "Calibration table (JSON, onnxruntime JSON or TensorRT cache)">,
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "Bits of the weight integers (2..16)">,
    Option<"activationBits", "activation-bits", "unsigned", "8",
           "Bits of the activation integers (2..16)">,
    Option<"biasCorrection", "bias-correction", "bool", "false",
           "Subtract the mean error of the rounded weights from each "
           "Conv/Gemm bias (needs the table's channel means)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::quant::QuantDialect"];
}

def DyadIntegerize : Pass<"dyad-integerize", "mlir::func::FuncOp"> {
  let summary = "Rewrite dequantize -> op -> quantize chains into integer ops";
  let description = [{
    Every `dyad.quantize` whose input is a supported float op on
    `dyad.dequantize`d operands becomes integer arithmetic (HAWQ-V3): conv,
    gemm and matmul on 8-bit integers with i32 accumulation, an i32 bias at
    `S_in * S_w` with the input zero point folded into it at compile time,
    and `dyad.requant` with dyadic multipliers `b / 2^c` (per output channel
    for per-channel weights). Add requantizes each branch onto the output
    scale with its own multiplier; concat requantizes inputs whose scale
    differs; average pools sum in i32 and fold the 1/K into the multiplier;
    max pool, reshape, flatten, transpose, squeeze and unsqueeze work on the
    integers as they are; Relu and Clip become the requantization's clamp.
    Nonlinear ops: an elementwise function of one 8-bit activation (Sigmoid,
    Tanh, Erf, Exp, GELU, a Mul or Div by a constant, ...; also a whole
    function written out op by op, such as GELU as Div, Erf, Add, Mul, Mul)
    becomes `dyad.lookup`, a table computed at compile time; a Mul of two
    activations multiplies the centered integers in i32; ReduceMean sums in
    i32; Softmax and LayerNormalization become `dyad.int_softmax` and
    `dyad.int_layer_norm`. Chains that have no integer form stay as they are (and
    `dyad-verify-integer-only` reports them). See docs/numerics.md.

    With `float-roundtrips=false` (what `dyadc --quantize` uses on a
    calibrated graph), a `dyad.quantize` whose integers nothing reads (its
    only users are `dyad.dequantize`, e.g. between two float fallbacks) is
    removed with them: the float value flows on unrounded. A QDQ model's own
    pairs are part of its semantics and stay (the default).
  }];
  let options = [
    Option<"floatRoundtrips", "float-roundtrips", "bool", "true",
           "Keep quantize -> dequantize pairs whose integers only float ops "
           "read (false: drop them; for pairs dyad-quantize inserted)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::quant::QuantDialect",
                           "mlir::tensor::TensorDialect"];
}

def DyadVerifyIntegerOnly
    : Pass<"dyad-verify-integer-only", "mlir::func::FuncOp"> {
  let summary = "Fail if float arithmetic remains inside the quantized region";
  let description = [{
    The quantized region runs from the graph's input `dyad.quantize` ops to
    its output `dyad.dequantize` ops. A float-typed op both downstream of a
    `dyad.dequantize` and upstream of a `dyad.quantize` is float arithmetic
    between integer ops: an error at its location (the ONNX node), unless
    `allow-float-ops` is set, which turns each into a warning (an explicit,
    reported float fallback).
  }];
  let options = [
    Option<"allowFloatOps", "allow-float-ops", "bool", "false",
           "Report remaining float ops as warnings instead of errors">
  ];
}

#endif // DYAD_TRANSFORMS_PASSES_TD
