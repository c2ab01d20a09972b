//===- Conversion.h - dyad -> linalg patterns -------------------*- C++ -*-===//
//
// One lowering per op family, each in its own file of lib/Conversion and
// each contributing patterns to the `dyad-to-linalg` pass (Passes.h). The
// target pipelines that run it are in dyad/Codegen.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_CONVERSION_CONVERSION_H
#define DYAD_CONVERSION_CONVERSION_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace dyad {

/// Converts the types of the dyad graph to what linalg/arith compute on:
/// unsigned integers become signless of the same width (the ops that care
/// about signedness choose signed/unsigned arith ops), quantized element types
/// become their storage type, tensors convert elementwise.
class DyadTypeConverter : public mlir::TypeConverter {
public:
  DyadTypeConverter();
};

/// Elementwise, activation, normalization and reduction ops
/// (lib/Conversion/ElementwiseToLinalg.cpp).
void populateElementwiseToLinalgPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
/// Conv, conv_transpose, gemm, matmul and pools
/// (lib/Conversion/ContractionToLinalg.cpp).
void populateContractionToLinalgPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
/// Shape and data movement ops (lib/Conversion/ShapeToTensor.cpp).
void populateShapeToTensorPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
/// Quantize / dequantize and the run-time quantization ops
/// (lib/Conversion/QuantToArith.cpp).
void populateQuantToArithPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
/// The integer-only nonlinear kernels: lookup, int_softmax, int_layer_norm
/// (lib/Conversion/IntegerKernels.cpp).
void populateIntegerKernelPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);

} // namespace dyad

#endif // DYAD_CONVERSION_CONVERSION_H
