//===- Passes.h - graph and quantization passes -----------------*- C++ -*-===//
#ifndef DYAD_TRANSFORMS_PASSES_H
#define DYAD_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace dyad {

#define GEN_PASS_DECL
#include "dyad/Transforms/Passes.h.inc"

/// Patterns that fold batch_normalization into a preceding conv.
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "dyad/Transforms/Passes.h.inc"

} // namespace dyad

#endif // DYAD_TRANSFORMS_PASSES_H
