//===- ExpandMath.cpp - math functions without a vector library call -----===//
//
// math.erf has no LLVM intrinsic: lowered as is, every lane of a vector is a
// scalar call to libm's erff (a third of a ViT's time in GELU). MLIR's
// polynomial approximation of erf is plain arithmetic that vectorizes like
// the ops around it. It runs at every optimization level, on scalars too, so
// the scalar (-O0) and vector code compute the same values.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPUEXPANDMATH
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

namespace {
struct DyadCpuExpandMathPass
    : dyad::impl::DyadCpuExpandMathBase<DyadCpuExpandMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populatePolynomialApproximateErfPattern(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
