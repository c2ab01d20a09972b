//===- Conversion.h - dyad -> linalg and the CPU pipeline -------*- C++ -*-===//
//
// One lowering per op family, each in its own file of lib/Conversion and
// each contributing patterns to the `dyad-to-linalg` pass. `dyad-lower-cpu`
// chains that pass with bufferization and the upstream conversions down to
// the LLVM dialect.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_CONVERSION_CONVERSION_H
#define DYAD_CONVERSION_CONVERSION_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/DialectConversion.h"

#include <string>

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

struct LowerCpuOptions {
  /// 0..3, as dyadc -O.
  unsigned optLevel = 2;
};

/// The textual pass pipeline of `dyad-lower-cpu` (dyad on tensors -> LLVM
/// dialect), so `dyadc -v` and the docs can show it.
std::string lowerCpuPipeline(const LowerCpuOptions &options);

/// Adds `dyad-lower-cpu` to `pm` (a module pass manager).
mlir::LogicalResult buildLowerCpuPipeline(mlir::OpPassManager &pm,
                                          const LowerCpuOptions &options);

/// Registers the `dyad-lower-cpu` pipeline with the pass registry.
void registerDyadPipelines();

} // namespace dyad

#endif // DYAD_CONVERSION_CONVERSION_H
