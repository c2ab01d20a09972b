//===- VnniContraction.h - int8 contractions on vpdpbusd --------*- C++ -*-===//
#ifndef DYAD_CODEGEN_CPU_VNNICONTRACTION_H
#define DYAD_CODEGEN_CPU_VNNICONTRACTION_H

#include "mlir/IR/PatternMatch.h"

namespace dyad {

/// i8 x i8 -> i32 vector.contract (matmul form, K % 4 == 0, N a multiple of
/// the lanes) to the vpdpbusd intrinsic on `vectorBits`-wide registers (512:
/// AVX512-VNNI; 256: AVX512-VNNI with VL, or AVX-VNNI).
void populateVnniContractionPatterns(mlir::RewritePatternSet &patterns,
                                     unsigned vectorBits);

} // namespace dyad

#endif // DYAD_CODEGEN_CPU_VNNICONTRACTION_H
