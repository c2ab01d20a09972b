//===- Passes.h - Dyad passes -----------------------------------*- C++ -*-===//
#ifndef DYAD_PASSES_H
#define DYAD_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace dyad {

#define GEN_PASS_DECL
#include "dyad/Passes.h.inc"

/// Patterns that fold batch_normalization into a preceding conv.
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "dyad/Passes.h.inc"

} // namespace dyad

#endif // DYAD_PASSES_H
