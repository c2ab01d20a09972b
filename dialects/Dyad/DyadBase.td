//===- DyadBase.td - dyad dialect definition ---------------*- tablegen -*-===//
//
// The dialect record and the type constraints shared by all dyad ops.
//
//===----------------------------------------------------------------------===//

#ifndef DYAD_BASE_TD
#define DYAD_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def Dyad_Dialect : Dialect {
  let name = "dyad";
  let cppNamespace = "::dyad";
  let summary = "Graph and integer-only quantization ops of the Dyad compiler";
  let description = [{
    The `dyad` dialect holds a model at two levels. Graph ops mirror ONNX
    semantics (`dyad.conv`, `dyad.matmul`, `dyad.softmax`, ...) on float tensors
    or, for the ONNX `*Integer` forms, on integer tensors with zero points.
    Quantization parameters travel on element types of the upstream `quant`
    dialect (`!quant.uniform<i8:f32, 0.02:-3>`); `dyad.quantize` and
    `dyad.dequantize` move between float and quantized tensors. Where a model
    computes its scales at run time, `dyad.quantize_linear` and
    `dyad.dequantize_linear` carry them as operands instead.

    Unsigned ONNX integer types are kept as MLIR unsigned integers (`ui8`);
    signed ones are signless (`i8`, `i32`, `i64`); ONNX `bool` is `i1`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect"
  ];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Dyad_Int : AnyTypeOf<[AnySignlessInteger, AnyUnsignedInteger]>;
def Dyad_Numeric : AnyTypeOf<[AnyFloat, Dyad_Int]>;

def Dyad_FloatTensor : TensorOf<[AnyFloat]>;
def Dyad_IntTensor : TensorOf<[Dyad_Int]>;
def Dyad_NumericTensor : TensorOf<[Dyad_Numeric]>;
def Dyad_IndexTensor : TensorOf<[I32, I64]>;
def Dyad_I64Tensor : TensorOf<[I64]>;
def Dyad_BoolTensor : TensorOf<[I1]>;
def Dyad_QuantTensor : TensorOf<[quant_QuantizedType]>;
// Any value a graph edge can carry.
def Dyad_Tensor : TensorOf<[Dyad_Numeric, I1, quant_QuantizedType]>;
// Conv/MatMul operands: float, or integer for the ONNX *Integer forms.
def Dyad_FloatOrIntTensor : TensorOf<[AnyFloat, Dyad_Int]>;

#endif // DYAD_BASE_TD
