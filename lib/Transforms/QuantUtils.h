//===- QuantUtils.h - helpers shared by the graph passes --------*- C++ -*-===//
#ifndef DYAD_LIB_TRANSFORMS_QUANTUTILS_H
#define DYAD_LIB_TRANSFORMS_QUANTUTILS_H

#include "dyad/Dialect/Dyad/DyadOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <optional>
#include <string>

namespace dyad {

/// The QuantizableOpInterface role of `op`, std::nullopt when it has no
/// integer form (or is null).
std::optional<QuantRole> quantRole(mlir::Operation *op);

/// Whether `op` has the role `role` (false for ops without an integer form).
inline bool hasQuantRole(mlir::Operation *op, QuantRole role) {
  return quantRole(op) == role;
}

// tensorName(v), the ONNX name of a value: dyad/Dialect/Dyad/DyadDialect.h.

/// Whether calibration observes `v`: a named, ranked float tensor that is a
/// graph input or the result of a dyad op (constants are not activations).
/// The instrument and quantize passes agree through this one predicate.
bool isCalibrated(mlir::Value v);

/// Float work at the graph boundary (docs/quantization.md): the quantized
/// region starts after input preprocessing and ends before output
/// postprocessing, which stay float.
///
/// Preprocessing: a graph input, or Sub/Add/Mul/Div of a preprocessing
/// value by a float constant (scalar or per channel): the normalization
/// exporters bake into graphs, `(x - mean) / std`.
bool isPreprocessing(mlir::Value v);
/// A preprocessing value whose every user continues the preprocessing: it
/// gets no quantize; the chain's last value is quantized instead.
bool isInsidePreprocessing(mlir::Value v);
/// Postprocessing: the result of a nonlinear op (no integer form, or the
/// Table / Normalization roles: Softmax on logits, Sigmoid on scores, ...),
/// or of ops that move, resize, compare, mask or cast values before or
/// after one (a Resize of logits; an in-graph peak test
/// `x * (x == maxpool(x))`), whose users lead to graph outputs only through
/// such ops. It gets no quantize: the ops run in float after
/// the last dequantize.
bool isPostprocessing(mlir::Value v);
/// Whether every use of `v` is postprocessing (or a graph output), some of
/// it nonlinear: the quantized region ends at `v`, whose integers nobody
/// reads. A contraction's result there is dequantized from 32 bits (its
/// accumulator), not rounded to 8: M-LSD's score logits, resized and
/// passed through a Sigmoid and an in-graph peak test.
bool feedsOnlyPostprocessing(mlir::Value v);

/// Ops that only move or select values, whose integer form keeps their
/// input's quantization: the PassThrough role, nearest-neighbour Resize,
/// and Pad by border copies or by 0 (every calibrated range includes 0:
/// it is the zero point).
bool movesValues(mlir::Operation *op);

/// Whether integerize has an integer form for `op`: a QuantizableOpInterface
/// role, a Pad, or a nearest or linear Resize.
bool hasIntegerForm(mlir::Operation *op);

/// Whether `v` is computed in float inside the quantized region: the result
/// of a dyad op without an integer form (a float fallback: a linear Resize),
/// or of an op that moves such a result. An op that moves values of a float
/// result moves them in float and is quantized after, at its own calibrated
/// range: a Slice of one channel out of a 16-channel Resize would otherwise
/// keep the step of the whole tensor.
bool computedInFloat(mlir::Value v);

/// Elementwise functions of one activation (docs/quantization.md): a chain
/// or DAG of elementwise ops -- the Table-role ops, Add, Sub, Mul, Div,
/// Pow, Relu, LeakyRelu, Clip -- whose operands are one-value constants or
/// functions of the same
/// activation, with that activation's shape (GELU as Div, Erf, Add, Mul,
/// Mul; SiLU as x * Sigmoid(x); HardSwish written out). Quantize gives the
/// inner values no quantize and integerize computes the whole function as
/// one lookup table.
///
/// Whether `op` may be part of such a function.
bool isElementwiseFunctionOp(mlir::Operation *op);
/// The activation `v` is an elementwise function of: `v` itself when it is
/// not the result of such an op (or its operands are functions of
/// different activations).
mlir::Value elementwiseSource(mlir::Value v);
/// A value of an elementwise function that is not its result: every user
/// continues the function of the same activation.
bool isInsideElementwiseFunction(mlir::Value v);

/// The values of a constant float tensor as doubles (empty when `v` is not
/// one); `type` receives its tensor type when given.
std::optional<llvm::SmallVector<double>>
floatConstant(mlir::Value v, mlir::ShapedType *type = nullptr);

/// A float constant attribute of `type` from doubles (rounded to nearest
/// even in the element type).
mlir::DenseElementsAttr floatElements(mlir::RankedTensorType type,
                                      llvm::ArrayRef<double> values);

/// `v` for diagnostics: up to 10 significant digits (`%.10g`), so scales and
/// integers up to 2^31 print exactly enough to be checked by hand.
std::string formatNumber(double v);

/// The integer type that stores `qt` in the integerized graph: `iN`
/// (signless) for signed storage, `uiN` for unsigned.
mlir::IntegerType integerTypeOf(mlir::quant::QuantizedType qt);

/// A quantized tensor reinterpreted as its integers (quant.scast, then
/// tensor.bitcast for unsigned storage) and back.
mlir::Value quantToInt(mlir::OpBuilder &b, mlir::Location loc, mlir::Value q);
mlir::Value intToQuant(mlir::OpBuilder &b, mlir::Location loc, mlir::Value i,
                       mlir::Type quantTensorType);

} // namespace dyad

#endif // DYAD_LIB_TRANSFORMS_QUANTUTILS_H
