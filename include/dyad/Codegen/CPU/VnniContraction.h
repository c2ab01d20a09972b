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

/// Only the packed contraction's pattern (dyad-cpu-pack-vnni's tiles). It
/// runs before the leading unit dims are cast away: a tile with one step of
/// 4 (a stem's 4 padded channels) would lose its [.][1][4] form.
void populatePackedVnniContractionPatterns(mlir::RewritePatternSet &patterns,
                                           unsigned vectorBits);

} // namespace dyad

#endif // DYAD_CODEGEN_CPU_VNNICONTRACTION_H
