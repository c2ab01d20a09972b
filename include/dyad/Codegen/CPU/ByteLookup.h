//===- ByteLookup.h - 256-entry byte tables as vpermi2b ---------*- C++ -*-===//
#ifndef DYAD_CODEGEN_CPU_BYTELOOKUP_H
#define DYAD_CODEGEN_CPU_BYTELOOKUP_H

#include "mlir/IR/PatternMatch.h"

namespace dyad {

/// A lookup in a constant 256-entry table indexed by int8 + 128 whose
/// entries are truncated to bytes (trunci of a vector.gather, on buffers)
/// as two AVX512-VBMI vpermi2b per 64 lanes and a select.
void populateByteLookupPatterns(mlir::RewritePatternSet &patterns);

} // namespace dyad

#endif // DYAD_CODEGEN_CPU_BYTELOOKUP_H
