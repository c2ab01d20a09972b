//===- Passes.h - graph and quantization passes -----------------*- C++ -*-===//
#ifndef DYAD_TRANSFORMS_PASSES_H
#define DYAD_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace dyad {

#define GEN_PASS_DECL
#include "dyad/Transforms/Passes.h.inc"

/// The weight bits of one op (IntegerAttr, 2..16): set by mixed-precision
/// assignment (lib/Compiler/MixedPrecision.cpp), read by dyad-quantize in
/// place of its weight-bits option.
inline constexpr llvm::StringLiteral kWeightBitsAttr = "dyad.weight_bits";
/// The bits of a weighted op's activation input (IntegerAttr, 2..16): set
/// per layer (dyadc --layer-bits), read by dyad-quantize in place of its
/// activation-bits option for the tensor the op reads (the widest asked for
/// when several ops read it).
inline constexpr llvm::StringLiteral kInputBitsAttr = "dyad.input_bits";

/// Patterns that fold batch_normalization into a preceding conv.
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);
/// A Split becomes one Slice per piece; a conv whose output is read only
/// through channel Slices (after channel-wise ops: a spatial Resize, Relu,
/// Sigmoid) becomes a conv per slice (lib/Transforms/SplitChannelSlices.cpp).
void populateSplitChannelSlicesPatterns(mlir::RewritePatternSet &patterns);
/// LayerNormalization written out op by op (ReduceMean, Sub, Pow,
/// ReduceMean, Add, Sqrt, Div, and a Mul / Add by constants) as one
/// dyad.layer_normalization (lib/Transforms/FuseLayerNorm.cpp).
void populateFuseLayerNormPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "dyad/Transforms/Passes.h.inc"

} // namespace dyad

#endif // DYAD_TRANSFORMS_PASSES_H
