//===- DyadOps.td - dyad ops -------------------------------*- tablegen -*-===//
//
// Graph ops mirror the ONNX operator of the same name (opset 17 semantics; the
// importer upgrades older models first). Attributes are normalized by the
// importer: defaults are made explicit and ONNX inputs that must be constant
// (Clip bounds, Pad pads, reduction axes, ...) become attributes.
//
//===----------------------------------------------------------------------===//

#ifndef DYAD_OPS_TD
#define DYAD_OPS_TD

include "DyadBase.td"
include "DyadEnums.td"
include "DyadInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

class Dyad_Op<string mnemonic, list<Trait> traits = []>
    : Op<Dyad_Dialect, mnemonic, !listconcat(traits, [Pure])>;

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Dyad_UnaryOp<string mnemonic, string onnx, Type type = Dyad_FloatTensor,
                   list<Trait> traits = []>
    : Dyad_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType])> {
  let summary = "ONNX " # onnx;
  let description = "Elementwise `" # onnx # "`, as the ONNX operator.";
  let arguments = (ins type:$X);
  let results = (outs type:$Y);
  let assemblyFormat = "$X attr-dict `:` type($Y)";
}

def Dyad_SqrtOp : Dyad_UnaryOp<"sqrt", "Sqrt", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_ExpOp : Dyad_UnaryOp<"exp", "Exp", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_ErfOp : Dyad_UnaryOp<"erf", "Erf", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_SigmoidOp : Dyad_UnaryOp<"sigmoid", "Sigmoid", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_TanhOp : Dyad_UnaryOp<"tanh", "Tanh", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_HardSwishOp : Dyad_UnaryOp<"hard_swish", "HardSwish", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_ReluOp : Dyad_UnaryOp<"relu", "Relu", Dyad_NumericTensor,
                                [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;

def Dyad_LeakyReluOp : Dyad_UnaryOp<"leaky_relu", "LeakyRelu", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let arguments = (ins Dyad_FloatTensor:$X,
                       DefaultValuedAttr<F32Attr, "0.01f">:$alpha);
}

def Dyad_HardSigmoidOp : Dyad_UnaryOp<"hard_sigmoid", "HardSigmoid", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let arguments = (ins Dyad_FloatTensor:$X,
                       DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.5f">:$beta);
}

def Dyad_GeluOp : Dyad_UnaryOp<"gelu", "Gelu", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let arguments = (ins Dyad_FloatTensor:$X,
                       DefaultValuedAttr<Dyad_GeluApproximationAttr,
                                         "::dyad::GeluApproximation::None">:$approximate);
}

def Dyad_ClipOp : Dyad_Op<"clip", [AttrSizedOperandSegments,
                                   DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Clip";
  let description = [{
    `min(max(X, min), max)` with optional scalar bounds of X's element type
    (constants in practice; a run-time bound is allowed as in ONNX). An
    absent bound is no bound.
  }];
  let arguments = (ins Dyad_NumericTensor:$X,
                       Optional<Dyad_NumericTensor>:$min,
                       Optional<Dyad_NumericTensor>:$max);
  let results = (outs Dyad_NumericTensor:$Y);
  let assemblyFormat = [{
    $X (`min` `(` $min^ `)`)? (`max` `(` $max^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Dyad_BinaryOp<string mnemonic, string onnx, list<Trait> traits = []>
    : Dyad_Op<mnemonic, !listconcat(traits, [ResultsBroadcastableShape,
                                              SameOperandsAndResultElementType])> {
  let summary = "ONNX " # onnx # " (numpy broadcasting)";
  let description = "Elementwise `" # onnx # "` with multidirectional "
                    "(numpy) broadcasting, as the ONNX operator.";
  let arguments = (ins Dyad_NumericTensor:$A, Dyad_NumericTensor:$B);
  let results = (outs Dyad_NumericTensor:$C);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Dyad_AddOp : Dyad_BinaryOp<"add", "Add", [Commutative,
                                DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_SubOp : Dyad_BinaryOp<"sub", "Sub", [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_MulOp : Dyad_BinaryOp<"mul", "Mul", [Commutative,
                                DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_DivOp : Dyad_BinaryOp<"div", "Div", [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;

def Dyad_PowOp : Dyad_Op<"pow", [ResultsBroadcastableShape,
    DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Pow (numpy broadcasting)";
  let description = "`X ^ Y`; the exponent may have another element type.";
  let arguments = (ins Dyad_NumericTensor:$X, Dyad_NumericTensor:$Y);
  let results = (outs Dyad_NumericTensor:$Z);
  let assemblyFormat = "$X `,` $Y attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_WhereOp : Dyad_Op<"where", [ResultsBroadcastableShape]> {
  let summary = "ONNX Where";
  let arguments = (ins Dyad_BoolTensor:$condition, Dyad_Tensor:$X,
                       Dyad_Tensor:$Y);
  let results = (outs Dyad_Tensor:$output);
  let assemblyFormat = "$condition `,` $X `,` $Y attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_CastOp : Dyad_Op<"cast", [SameOperandsAndResultShape]> {
  let summary = "ONNX Cast";
  let description = [{
    Converts element types with ONNX's rules: float to integer truncates toward
    zero (saturation is undefined in ONNX and implementation-defined here, see
    docs/numerics.md), to `i1` is `x != 0`.
  }];
  let arguments = (ins Dyad_Tensor:$input);
  let results = (outs Dyad_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise ops of exported models: variadic Max / Min / Sum / Mean,
// comparisons and logic (bool results), more unary math, PRelu
//===----------------------------------------------------------------------===//

// Equal also compares booleans.
def Dyad_NumericOrBoolTensor : TensorOf<[Dyad_Numeric, I1]>;

class Dyad_VariadicOp<string mnemonic, string onnx,
                      Type type = Dyad_NumericTensor, list<Trait> traits = []>
    : Dyad_Op<mnemonic, !listconcat(traits, [ResultsBroadcastableShape,
        SameOperandsAndResultElementType,
        PredOpTrait<"has at least one input",
                    CPred<"$_op.getNumOperands() > 0">>])> {
  let summary = "ONNX " # onnx # " (variadic, numpy broadcasting)";
  let description = "Elementwise `" # onnx # "` of one or more inputs with "
                    "multidirectional (numpy) broadcasting, as the ONNX "
                    "operator.";
  let arguments = (ins Variadic<type>:$inputs);
  let results = (outs type:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

// Max / Min select one of their inputs: on quantized values they compare
// the integers once every input shares the output's scale and zero point.
def Dyad_MaxOp : Dyad_VariadicOp<"max", "Max", Dyad_NumericTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_MinOp : Dyad_VariadicOp<"min", "Min", Dyad_NumericTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_SumOp : Dyad_VariadicOp<"sum", "Sum">;
def Dyad_MeanOp : Dyad_VariadicOp<"mean", "Mean", Dyad_FloatTensor>;

class Dyad_CompareOp<string mnemonic, string onnx,
                     Type type = Dyad_NumericTensor>
    : Dyad_Op<mnemonic, [ResultsBroadcastableShape,
                         AllElementTypesMatch<["A", "B"]>]> {
  let summary = "ONNX " # onnx # " (numpy broadcasting, bool result)";
  let description = "Elementwise `" # onnx # "` of two tensors of one element "
                    "type with multidirectional (numpy) broadcasting; the "
                    "result is `i1`. Float comparisons with NaN are false "
                    "(ordered), integers compare with their signedness.";
  let arguments = (ins type:$A, type:$B);
  let results = (outs Dyad_BoolTensor:$C);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
}

def Dyad_EqualOp : Dyad_CompareOp<"equal", "Equal", Dyad_NumericOrBoolTensor>;
def Dyad_GreaterOp : Dyad_CompareOp<"greater", "Greater">;
def Dyad_LessOp : Dyad_CompareOp<"less", "Less">;
def Dyad_GreaterOrEqualOp : Dyad_CompareOp<"greater_or_equal", "GreaterOrEqual">;
def Dyad_LessOrEqualOp : Dyad_CompareOp<"less_or_equal", "LessOrEqual">;

class Dyad_LogicalOp<string mnemonic, string onnx, list<Trait> traits = []>
    : Dyad_Op<mnemonic, !listconcat(traits, [ResultsBroadcastableShape,
                                              SameOperandsAndResultElementType])> {
  let summary = "ONNX " # onnx # " (numpy broadcasting)";
  let description = "Elementwise logical `" # onnx # "` of `i1` tensors with "
                    "multidirectional (numpy) broadcasting.";
  let arguments = (ins Dyad_BoolTensor:$A, Dyad_BoolTensor:$B);
  let results = (outs Dyad_BoolTensor:$C);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
}

def Dyad_AndOp : Dyad_LogicalOp<"and", "And", [Commutative]>;
def Dyad_OrOp : Dyad_LogicalOp<"or", "Or", [Commutative]>;
def Dyad_XorOp : Dyad_LogicalOp<"xor", "Xor", [Commutative]>;
def Dyad_NotOp : Dyad_UnaryOp<"not", "Not", Dyad_BoolTensor>;

def Dyad_LogOp : Dyad_UnaryOp<"log", "Log", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_ReciprocalOp : Dyad_UnaryOp<"reciprocal", "Reciprocal", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_FloorOp : Dyad_UnaryOp<"floor", "Floor">;
def Dyad_CeilOp : Dyad_UnaryOp<"ceil", "Ceil">;
def Dyad_RoundOp : Dyad_UnaryOp<"round", "Round"> {
  let description = "Elementwise `Round`: to the nearest integer, halves to even.";
}
def Dyad_SoftplusOp : Dyad_UnaryOp<"softplus", "Softplus", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_SoftsignOp : Dyad_UnaryOp<"softsign", "Softsign", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_SinOp : Dyad_UnaryOp<"sin", "Sin", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_CosOp : Dyad_UnaryOp<"cos", "Cos", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
// Integers too: Neg and Sign of unsigned values are as numpy's (wrapping
// negation; 0 or 1), Abs of unsigned values is the identity.
def Dyad_NegOp : Dyad_UnaryOp<"neg", "Neg", Dyad_NumericTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_AbsOp : Dyad_UnaryOp<"abs", "Abs", Dyad_NumericTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_SignOp : Dyad_UnaryOp<"sign", "Sign", Dyad_NumericTensor>;

def Dyad_EluOp : Dyad_UnaryOp<"elu", "Elu", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let arguments = (ins Dyad_FloatTensor:$X,
                       DefaultValuedAttr<F32Attr, "1.0f">:$alpha);
}

def Dyad_SeluOp : Dyad_UnaryOp<"selu", "Selu", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let arguments = (ins Dyad_FloatTensor:$X,
                       DefaultValuedAttr<F32Attr, "1.67326319217681884765625f">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.05070102214813232421875f">:$gamma);
}

def Dyad_ThresholdedReluOp : Dyad_UnaryOp<"thresholded_relu", "ThresholdedRelu", Dyad_FloatTensor,
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let arguments = (ins Dyad_FloatTensor:$X,
                       DefaultValuedAttr<F32Attr, "1.0f">:$alpha);
}

def Dyad_PReluOp : Dyad_Op<"prelu", [ResultsBroadcastableShape,
    SameOperandsAndResultElementType,
    DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX PRelu";
  let description = [{
    `X < 0 ? slope * X : X`, the slope broadcast to X (numpy rules; exporters
    give it as `C x 1 x 1` for NCHW input). On quantized X with a constant
    positive slope it is two requantizations and a select on the integers.
  }];
  let arguments = (ins Dyad_NumericTensor:$X, Dyad_NumericTensor:$slope);
  let results = (outs Dyad_NumericTensor:$Y);
  let assemblyFormat = "$X `,` $slope attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

def Dyad_ConvOp : Dyad_Op<"conv", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface,
        ["getQuantizedWeight", "getWeightBitWidths", "getMacCount"]>]> {
  let summary = "ONNX Conv / ConvInteger";
  let description = [{
    N-d convolution in NCHW layout with ONNX semantics. Float form: `X`, `W`
    and optional bias `B`, all of one float type. Integer form (ONNX
    ConvInteger and the integerized graph): 8-bit `X`/`W` with optional zero
    points, accumulated into an `i32` result.

    The importer makes every attribute explicit: `kernel_shape`, `strides`,
    `dilations` (one entry per spatial dim) and `pads` (begin values, then
    end values). `auto_pad` stays non-`NOTSET` only when the padding depends on
    a dynamic spatial size.
  }];
  let arguments = (ins Dyad_FloatOrIntTensor:$X, Dyad_FloatOrIntTensor:$W,
                       Optional<Dyad_FloatOrIntTensor>:$B,
                       Optional<Dyad_IntTensor>:$x_zero_point,
                       Optional<Dyad_IntTensor>:$w_zero_point,
                       DefaultValuedAttr<Dyad_AutoPadAttr, "::dyad::AutoPad::NotSet">:$auto_pad,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Dyad_FloatOrIntTensor:$Y);
  let assemblyFormat = [{
    $X `,` $W (`bias` `(` $B^ `)`)? (`x_zero_point` `(` $x_zero_point^ `)`)?
    (`w_zero_point` `(` $w_zero_point^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dyad_ConvTransposeOp : Dyad_Op<"conv_transpose"> {
  let summary = "ONNX ConvTranspose";
  let description = [{
    Transposed convolution (NCHW, weights `C x M/group x k...`). The importer
    turns `output_shape` into explicit `pads` when the input shape is static.
  }];
  let arguments = (ins Dyad_FloatTensor:$X, Dyad_FloatTensor:$W,
                       Optional<Dyad_FloatTensor>:$B,
                       DefaultValuedAttr<Dyad_AutoPadAttr, "::dyad::AutoPad::NotSet">:$auto_pad,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$output_padding,
                       OptionalAttr<DenseI64ArrayAttr>:$output_shape,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Dyad_FloatTensor:$Y);
  let assemblyFormat = [{
    $X `,` $W (`bias` `(` $B^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dyad_GemmOp : Dyad_Op<"gemm", [
    DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface,
        ["getQuantizedWeight", "getWeightBitWidths", "getMacCount"]>]> {
  let summary = "ONNX Gemm";
  let description = "`alpha * A' * B' + beta * C` with optional transposes.";
  let arguments = (ins Dyad_FloatOrIntTensor:$A, Dyad_FloatOrIntTensor:$B,
                       Optional<Dyad_FloatOrIntTensor>:$C,
                       DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$transA,
                       DefaultValuedAttr<BoolAttr, "false">:$transB);
  let results = (outs Dyad_FloatOrIntTensor:$Y);
  let assemblyFormat = [{
    $A `,` $B (`,` $C^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dyad_MatMulOp : Dyad_Op<"matmul", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface,
        ["getQuantizedWeight", "getWeightBitWidths", "getMacCount"]>]> {
  let summary = "ONNX MatMul / MatMulInteger";
  let description = [{
    numpy `matmul` with batch broadcasting. Float form: `A`, `B` of one float
    type. Integer form (ONNX MatMulInteger and the integerized graph): 8-bit
    operands with optional zero points, `i32` result.
  }];
  let arguments = (ins Dyad_FloatOrIntTensor:$A, Dyad_FloatOrIntTensor:$B,
                       Optional<Dyad_IntTensor>:$a_zero_point,
                       Optional<Dyad_IntTensor>:$b_zero_point);
  let results = (outs Dyad_FloatOrIntTensor:$Y);
  let assemblyFormat = [{
    $A `,` $B (`a_zero_point` `(` $a_zero_point^ `)`)?
    (`b_zero_point` `(` $b_zero_point^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalization and activation over axes
//===----------------------------------------------------------------------===//

def Dyad_SoftmaxOp : Dyad_Op<"softmax", [SameOperandsAndResultType,
    DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Softmax (opset 13+: along one axis)";
  let arguments = (ins Dyad_FloatTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Dyad_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def Dyad_LayerNormalizationOp : Dyad_Op<"layer_normalization",
    [AttrSizedResultSegments, DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX LayerNormalization";
  let description = [{
    Normalizes over the dims from `axis` to the last, then scales and shifts.
    The optional `Mean` and `InvStdDev` results (the normalized dims kept as
    size 1) exist only where the model reads them.
  }];
  let arguments = (ins Dyad_FloatTensor:$X, Dyad_FloatTensor:$Scale,
                       Optional<Dyad_FloatTensor>:$B,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Dyad_FloatTensor:$Y, Optional<Dyad_FloatTensor>:$Mean,
                      Optional<Dyad_FloatTensor>:$InvStdDev);
  let assemblyFormat = [{
    $X `,` $Scale (`,` $B^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dyad_BatchNormalizationOp : Dyad_Op<"batch_normalization"> {
  let summary = "ONNX BatchNormalization (inference)";
  let description = [{
    `(X - mean) / sqrt(var + epsilon) * scale + B` per channel (dim 1).
    Inference mode only; `dyad-fold-batchnorm` folds it into a preceding
    conv (the lowering handles the others).
  }];
  let arguments = (ins Dyad_FloatTensor:$X, Dyad_FloatTensor:$scale,
                       Dyad_FloatTensor:$B, Dyad_FloatTensor:$mean,
                       Dyad_FloatTensor:$var,
                       DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Dyad_FloatTensor:$Y);
  let assemblyFormat = [{
    $X `,` $scale `,` $B `,` $mean `,` $var attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def Dyad_MaxPoolOp : Dyad_Op<"max_pool", [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX MaxPool (output Y)";
  let arguments = (ins Dyad_NumericTensor:$X,
                       DefaultValuedAttr<Dyad_AutoPadAttr, "::dyad::AutoPad::NotSet">:$auto_pad,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs Dyad_NumericTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_AveragePoolOp : Dyad_Op<"average_pool",
                                 [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX AveragePool";
  let arguments = (ins Dyad_FloatTensor:$X,
                       DefaultValuedAttr<Dyad_AutoPadAttr, "::dyad::AutoPad::NotSet">:$auto_pad,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs Dyad_FloatTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_GlobalAveragePoolOp : Dyad_Op<"global_average_pool",
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX GlobalAveragePool";
  let arguments = (ins Dyad_FloatTensor:$X);
  let results = (outs Dyad_FloatTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Dyad_ReduceOp<string mnemonic, string onnx, list<Trait> traits = []>
    : Dyad_Op<mnemonic, traits> {
  let summary = "ONNX " # onnx;
  let description = [{
    Reduces over `axes` (all axes when empty, unless
    `noop_with_empty_axes`). The ONNX `axes` input must be constant.
  }];
  let arguments = (ins Dyad_NumericTensor:$data,
                       DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$noop_with_empty_axes);
  let results = (outs Dyad_NumericTensor:$reduced);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_ReduceMeanOp : Dyad_ReduceOp<"reduce_mean", "ReduceMean",
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_ReduceSumOp : Dyad_ReduceOp<"reduce_sum", "ReduceSum",
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

def Dyad_ShapeOp : Dyad_Op<"shape"> {
  let summary = "ONNX Shape";
  let arguments = (ins Dyad_Tensor:$data,
                       DefaultValuedAttr<I64Attr, "0">:$start,
                       OptionalAttr<I64Attr>:$end);
  let results = (outs Dyad_I64Tensor:$shape);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_FlattenOp : Dyad_Op<"flatten", [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Flatten";
  let arguments = (ins Dyad_Tensor:$input,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Dyad_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_ReshapeOp : Dyad_Op<"reshape", [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Reshape";
  let description = [{
    Reshape to a shape given as a 1-D `i64` tensor (possibly computed at run
    time); `0` copies the input dim unless `allowzero`, `-1` is inferred.
  }];
  let arguments = (ins Dyad_Tensor:$data, Dyad_I64Tensor:$shape,
                       DefaultValuedAttr<BoolAttr, "false">:$allowzero);
  let results = (outs Dyad_Tensor:$reshaped);
  let assemblyFormat = "$data `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_TransposeOp : Dyad_Op<"transpose",
                               [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Transpose";
  let arguments = (ins Dyad_Tensor:$data, DenseI64ArrayAttr:$perm);
  let results = (outs Dyad_Tensor:$transposed);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_ConcatOp : Dyad_Op<"concat", [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Concat";
  let arguments = (ins Variadic<Dyad_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Dyad_Tensor:$concat_result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_SplitOp : Dyad_Op<"split"> {
  let summary = "ONNX Split";
  let description = "Splits along `axis` into pieces of the sizes in `split`.";
  let arguments = (ins Dyad_Tensor:$input, I64Attr:$axis,
                       DenseI64ArrayAttr:$split);
  let results = (outs Variadic<Dyad_Tensor>:$outputs);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_SliceOp : Dyad_Op<"slice", [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Slice";
  let description = [{
    As the ONNX operator: `starts`, `ends`, `axes` and `steps` are 1-D integer
    tensors, possibly computed at run time. The importer fills in absent
    `axes` (0..n-1) and `steps` (1).
  }];
  let arguments = (ins Dyad_Tensor:$data, Dyad_IndexTensor:$starts,
                       Dyad_IndexTensor:$ends, Dyad_IndexTensor:$axes,
                       Dyad_IndexTensor:$steps);
  let results = (outs Dyad_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $starts `,` $ends `,` $axes `,` $steps attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_GatherOp : Dyad_Op<"gather", [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Gather";
  let arguments = (ins Dyad_Tensor:$data, Dyad_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Dyad_Tensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_UnsqueezeOp : Dyad_Op<"unsqueeze",
                               [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Unsqueeze (constant axes)";
  let arguments = (ins Dyad_Tensor:$data, DenseI64ArrayAttr:$axes);
  let results = (outs Dyad_Tensor:$expanded);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_SqueezeOp : Dyad_Op<"squeeze", [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Squeeze (constant axes)";
  let description = "Removes the listed size-1 axes (all size-1 axes if none listed).";
  let arguments = (ins Dyad_Tensor:$data, DenseI64ArrayAttr:$axes);
  let results = (outs Dyad_Tensor:$squeezed);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_ExpandOp : Dyad_Op<"expand"> {
  let summary = "ONNX Expand";
  let arguments = (ins Dyad_Tensor:$input, Dyad_I64Tensor:$shape);
  let results = (outs Dyad_Tensor:$output);
  let assemblyFormat = "$input `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_PadOp : Dyad_Op<"pad"> {
  let summary = "ONNX Pad (constant pads)";
  let description = [{
    `pads` holds the begin values of every axis, then the end values; negative
    values crop. `mode` is `constant`, `reflect`, `edge` or `wrap`.
  }];
  let arguments = (ins Dyad_NumericTensor:$data, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<F64Attr, "0.0">:$constant_value,
                       DefaultValuedAttr<Dyad_PadModeAttr, "::dyad::PadMode::Constant">:$mode);
  let results = (outs Dyad_NumericTensor:$output);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_ResizeOp : Dyad_Op<"resize"> {
  let summary = "ONNX Resize (nearest / linear / cubic)";
  let description = [{
    Resizes with `scales` (one per axis) or output `sizes`; exactly one of
    them is given as an attribute (the importer requires constants).

    On integers (the integer form of a quantized graph), nearest mode copies
    values. Linear mode takes `weight_fraction_bits` = F (without it, a
    linear resize of integers, whose rounding ONNX leaves open, does not
    lower): on each
    interpolated axis the two weights are fixed point, `w1 = round(t * 2^F)`
    and `w0 = 2^F - w1` (t the source coordinate's fraction), so the weights
    of an output sum to exactly `2^(F * k)` over its `2^k` corners (k: the
    axes that are not an identity, `getInterpolatedAxes`). The result is
    that weighted sum, not divided by `2^(F * k)`, in the result's (wider)
    integer type, which must hold it; a requantization follows. Cubic mode
    and `tf_crop_and_resize` have no integer form.
  }];
  let arguments = (ins Dyad_NumericTensor:$X,
                       OptionalAttr<DenseF32ArrayAttr>:$scales,
                       OptionalAttr<DenseI64ArrayAttr>:$sizes,
                       DefaultValuedAttr<Dyad_ResizeModeAttr, "::dyad::ResizeMode::Nearest">:$mode,
                       DefaultValuedAttr<Dyad_CoordinateTransformationModeAttr,
                         "::dyad::CoordinateTransformationMode::HalfPixel">:$coordinate_transformation_mode,
                       DefaultValuedAttr<Dyad_NearestModeAttr,
                         "::dyad::NearestMode::RoundPreferFloor">:$nearest_mode,
                       OptionalAttr<DenseF32ArrayAttr>:$roi,
                       DefaultValuedAttr<F32Attr, "0.0f">:$extrapolation_value,
                       DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       OptionalAttr<I64Attr>:$weight_fraction_bits);
  let results = (outs Dyad_NumericTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether axis `a` is resized (interpolated), as the lowering decides:
    /// a scale other than 1, or a size other than the input's static dim.
    bool isInterpolatedAxis(int64_t a);
    /// The number of interpolated axes (k in the description).
    int64_t getInterpolatedAxes();
  }];
}

//===----------------------------------------------------------------------===//
// Ops of exported models: more reductions, arg reductions, TopK, shape
// generators, block rearrangements, instance normalization
//===----------------------------------------------------------------------===//

// Max / Min select values: on quantized data they keep its scale.
def Dyad_ReduceMaxOp : Dyad_ReduceOp<"reduce_max", "ReduceMax",
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_ReduceMinOp : Dyad_ReduceOp<"reduce_min", "ReduceMin",
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]>;
def Dyad_ReduceProdOp : Dyad_ReduceOp<"reduce_prod", "ReduceProd">;
def Dyad_ReduceL1Op : Dyad_ReduceOp<"reduce_l1", "ReduceL1">;
def Dyad_ReduceL2Op : Dyad_ReduceOp<"reduce_l2", "ReduceL2">;
def Dyad_ReduceSumSquareOp : Dyad_ReduceOp<"reduce_sum_square", "ReduceSumSquare">;
def Dyad_ReduceLogSumOp : Dyad_ReduceOp<"reduce_log_sum", "ReduceLogSum">;
def Dyad_ReduceLogSumExpOp : Dyad_ReduceOp<"reduce_log_sum_exp", "ReduceLogSumExp">;

class Dyad_ArgReduceOp<string mnemonic, string onnx> : Dyad_Op<mnemonic> {
  let summary = "ONNX " # onnx;
  let description = [{
    The index (i64) of the extreme value along `axis`: the first one, or the
    last one with `select_last_index`.
  }];
  let arguments = (ins Dyad_NumericTensor:$data,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs Dyad_I64Tensor:$reduced);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_ArgMaxOp : Dyad_ArgReduceOp<"arg_max", "ArgMax">;
def Dyad_ArgMinOp : Dyad_ArgReduceOp<"arg_min", "ArgMin">;

def Dyad_TopKOp : Dyad_Op<"top_k"> {
  let summary = "ONNX TopK (constant K)";
  let description = [{
    The `k` largest (or smallest) values along `axis` and their indices,
    sorted; equal values keep the lower index first, as ONNX requires.
  }];
  let arguments = (ins Dyad_NumericTensor:$X, I64Attr:$k,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest,
                       DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs Dyad_NumericTensor:$Values, Dyad_I64Tensor:$Indices);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_ConstantOfShapeOp : Dyad_Op<"constant_of_shape"> {
  let summary = "ONNX ConstantOfShape";
  let description = [{
    A tensor of the shape given by the 1-D `i64` input, every element
    `value` (a scalar attribute of the result's element type). Folds to a
    constant when the shape is one.
  }];
  let arguments = (ins Dyad_I64Tensor:$input, AnyAttr:$value);
  let results = (outs Dyad_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_RangeOp : Dyad_Op<"range"> {
  let summary = "ONNX Range";
  let description = [{
    `start + i * delta` for i in [0, max(ceil((limit - start) / delta), 0));
    scalar operands of the result's element type. Folds when they are
    constants.
  }];
  let arguments = (ins Dyad_NumericTensor:$start, Dyad_NumericTensor:$limit,
                       Dyad_NumericTensor:$delta);
  let results = (outs Dyad_NumericTensor:$output);
  let assemblyFormat = [{
    $start `,` $limit `,` $delta attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dyad_TileOp : Dyad_Op<"tile", [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX Tile (constant repeats)";
  let arguments = (ins Dyad_Tensor:$input, DenseI64ArrayAttr:$repeats);
  let results = (outs Dyad_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_DepthToSpaceOp : Dyad_Op<"depth_to_space",
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX DepthToSpace";
  let description = [{
    NCHW: `[N, C*b*b, H, W]` to `[N, C, H*b, W*b]`; the channel is read as
    (bh, bw, c) in `DCR` mode and (c, bh, bw) in `CRD` mode.
  }];
  let arguments = (ins Dyad_Tensor:$input, I64Attr:$blocksize,
                       DefaultValuedAttr<Dyad_DepthToSpaceModeAttr,
                         "::dyad::DepthToSpaceMode::DCR">:$mode);
  let results = (outs Dyad_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_SpaceToDepthOp : Dyad_Op<"space_to_depth",
    [DeclareOpInterfaceMethods<Dyad_QuantizableOpInterface>]> {
  let summary = "ONNX SpaceToDepth";
  let description = "NCHW: `[N, C, H*b, W*b]` to `[N, C*b*b, H, W]` (DCR order).";
  let arguments = (ins Dyad_Tensor:$input, I64Attr:$blocksize);
  let results = (outs Dyad_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dyad_InstanceNormalizationOp : Dyad_Op<"instance_normalization"> {
  let summary = "ONNX InstanceNormalization";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale[c] + B[c]` with mean and
    variance per (n, c) over the spatial dims (dims 2...).
  }];
  let arguments = (ins Dyad_FloatTensor:$input, Dyad_FloatTensor:$scale,
                       Dyad_FloatTensor:$B,
                       DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Dyad_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $B attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def Dyad_QuantizeOp : Dyad_Op<"quantize", [SameOperandsAndResultShape]> {
  let summary = "Quantize to a static !quant.uniform type";
  let description = [{
    `q = clamp(round_half_even(x / S) + Z, qmin, qmax)` with the scale(s) and
    zero point(s) of the result's quantized element type (per tensor or per
    axis). ONNX QuantizeLinear with constant scale and zero point.
  }];
  let arguments = (ins Dyad_FloatTensor:$input);
  let results = (outs Dyad_QuantTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
}

def Dyad_DequantizeOp : Dyad_Op<"dequantize", [SameOperandsAndResultShape]> {
  let summary = "Dequantize a !quant.uniform tensor";
  let description = "`x = (q - Z) * S`. ONNX DequantizeLinear with constant parameters.";
  let arguments = (ins Dyad_QuantTensor:$input);
  let results = (outs Dyad_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
}

def Dyad_QuantizeLinearOp : Dyad_Op<"quantize_linear"> {
  let summary = "ONNX QuantizeLinear with run-time scale / zero point";
  let description = [{
    The ONNX operator when its scale or zero point is not a constant. Scale and
    zero point are scalars (per tensor) or 1-D along `axis` (per axis).
  }];
  let arguments = (ins Dyad_FloatOrIntTensor:$x, Dyad_FloatTensor:$y_scale,
                       Optional<Dyad_IntTensor>:$y_zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Dyad_IntTensor:$y);
  let assemblyFormat = [{
    $x `,` $y_scale (`,` $y_zero_point^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dyad_DequantizeLinearOp : Dyad_Op<"dequantize_linear"> {
  let summary = "ONNX DequantizeLinear with run-time scale / zero point";
  let arguments = (ins Dyad_IntTensor:$x, Dyad_FloatTensor:$x_scale,
                       Optional<Dyad_IntTensor>:$x_zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Dyad_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $x_scale (`,` $x_zero_point^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dyad_DynamicQuantizeLinearOp : Dyad_Op<"dynamic_quantize_linear"> {
  let summary = "ONNX DynamicQuantizeLinear";
  let description = [{
    Computes a `ui8` scale and zero point from the tensor's own min/max
    (range always including 0) and quantizes with them.
  }];
  let arguments = (ins TensorOf<[F32]>:$x);
  let results = (outs TensorOf<[UI8]>:$y, TensorOf<[F32]>:$y_scale,
                      TensorOf<[UI8]>:$y_zero_point);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Integer-only vocabulary (the integerized graph)
//===----------------------------------------------------------------------===//

def Dyad_RequantOp : Dyad_Op<"requant"> {
  let summary = "Dyadic integer requantization (HAWQ-V3): y = x * b / 2^c";
  let description = [{
    Rescales integers by a dyadic number, with integer arithmetic only. In
    64-bit arithmetic (128-bit for an i64 input, the accumulator of a layer
    wider than 8 bits), per element (channel `k` along `axis` when the
    multiplier has more than one entry):

    ```
    v = x - input_zp                       // an i32 or i64 accumulator
    p = v * multiplier[k]                  // 0 <= multiplier < 2^31
    r = p                                  if shift[k] == 0
        0                                  if shift[k] >= 63
        (p + 2^(c-1) - (p < 0)) >> c       otherwise (c = shift[k]; round
                                           half away from zero, one rounding)
    y = clamp(r + output_zp, clamp_min, clamp_max)
    ```

    `clamp_min`/`clamp_max` default to the range of the result type (`ui8`:
    [0, 255], `i8`: [-128, 127], `i32`: its full range); a fused ReLU or Clip
    narrows them. A real multiplier `M` is encoded as `b / 2^c` with `b` in
    [2^30, 2^31) (see docs/numerics.md). Integerize creates this op; its
    result type is a plain integer tensor.
  }];
  let arguments = (ins Dyad_IntTensor:$input,
                       DenseI32ArrayAttr:$multiplier,
                       DenseI32ArrayAttr:$shift,
                       DefaultValuedAttr<I64Attr, "0">:$input_zp,
                       DefaultValuedAttr<I64Attr, "0">:$output_zp,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       OptionalAttr<I64Attr>:$clamp_min,
                       OptionalAttr<I64Attr>:$clamp_max);
  let results = (outs Dyad_IntTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The clamp bounds, defaulted to the result type's range.
    std::pair<int64_t, int64_t> getClampRange();
  }];
}

def Dyad_LookupOp : Dyad_Op<"lookup"> {
  let summary = "An integer function of a narrow integer, by table lookup";
  let description = [{
    `y = table[x - offset]`: the integer form of an elementwise function of
    one quantized activation (Sigmoid, GELU, Exp, a Mul by a constant, ...).
    dyad-integerize computes the table at compile time, one entry per input
    value (256 for 8-bit activations): each entry is the quantized result of
    the float function at the dequantized input, so the lookup is exact.
    An index outside the table reads its nearest end.
  }];
  let arguments = (ins Dyad_IntTensor:$input, DenseI32ArrayAttr:$table,
                       I64Attr:$offset);
  let results = (outs Dyad_IntTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
}

def Dyad_IntSoftmaxOp : Dyad_Op<"int_softmax"> {
  let summary = "Integer-only softmax (table exp, one division per row)";
  let description = [{
    Softmax of quantized integers along `axis`, in 64-bit integer arithmetic
    (docs/numerics.md, "Softmax"):

    ```
    m = max(x)                          // over the row
    e = exp_table[m - x]                // round(2^30 * exp(-(m - x) * S_in))
    S = sum(e)                          // >= 2^30: the max reads exp_table[0]
    R = numerator / S                   // floor; numerator = round(2^shift / S_out)
    y = clamp(((e * R + 2^(shift-1)) >> shift) + output_zp)
    ```

    The table has one entry per input difference, so the exponentials are
    exact to 2^-30 of the row's maximum. `clamp_min` / `clamp_max` default
    to the result type's range.
  }];
  let arguments = (ins Dyad_IntTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DenseI32ArrayAttr:$exp_table, I64Attr:$numerator,
                       I64Attr:$shift,
                       DefaultValuedAttr<I64Attr, "0">:$output_zp,
                       OptionalAttr<I64Attr>:$clamp_min,
                       OptionalAttr<I64Attr>:$clamp_max);
  let results = (outs Dyad_IntTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
}

def Dyad_IntLayerNormOp : Dyad_Op<"int_layer_norm"> {
  let summary = "Integer-only LayerNormalization (integer square root)";
  let description = [{
    LayerNormalization of quantized integers over the dims from `axis` to
    the last (C elements per row), in 64-bit integer arithmetic
    (docs/numerics.md, "LayerNorm"):

    ```
    v  = x - input_zp
    s1 = sum(v);  s2 = sum(v * v)
    D  = ((C * s2 - s1 * s1) << 2k) + epsilon      // C^2 var / S_in^2, * 4^k
    sd = isqrt(D)                                   // exact floor, bitwise
    R  = 2^62 / max(sd, 1)                          // one division per row
    z  = ((C * v - s1) * R) >> (62 - k - F)         // (x - mean) / std, * 2^F
    y  = clamp(round_half_away((z * scale[j] + bias[j]) / 2^out_shift)
               + output_zp)
    ```

    with k = `sqrt_shift`, F = `frac_bits`; `scale` and `bias` hold one
    integer per normalized element j (row-major over dims axis...).
    `clamp_min` / `clamp_max` default to the result type's range.
  }];
  let arguments = (ins Dyad_IntTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<I64Attr, "0">:$input_zp,
                       I64Attr:$epsilon, I64Attr:$sqrt_shift,
                       I64Attr:$frac_bits, DenseI64ArrayAttr:$scale,
                       DenseI64ArrayAttr:$bias, I64Attr:$out_shift,
                       DefaultValuedAttr<I64Attr, "0">:$output_zp,
                       OptionalAttr<I64Attr>:$clamp_min,
                       OptionalAttr<I64Attr>:$clamp_max);
  let results = (outs Dyad_IntTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
}

#endif // DYAD_OPS_TD
