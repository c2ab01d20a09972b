//===- ExpandMath.cpp - math functions without a vector library call -----===//
//
// math.erf has no LLVM intrinsic, and math.exp's (llvm.exp) has no vector
// form on x86 without a vector math library: lowered as they are, every
// lane of a vector is a scalar call to libm's erff / expf (a third of a
// ViT's time in GELU; 5% more in Softmax's exp; tanhf and its expm1f 53%
// of a ViT with GELU's tanh form). MLIR's polynomial
// approximations are plain arithmetic that vectorizes like the ops around
// it. It runs at every optimization level, on scalars too, so the scalar
// (-O0) and vector code compute the same values.
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
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) {
          return name == math::ExpOp::getOperationName() ||
                 name == math::TanhOp::getOperationName() ||
                 name == math::ExpM1Op::getOperationName() ||
                 name == math::LogOp::getOperationName() ||
                 name == math::Log1pOp::getOperationName();
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
