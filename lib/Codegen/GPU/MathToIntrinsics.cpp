//===- MathToIntrinsics.cpp - math ops NVPTX has instructions for ---------===//
//
// convert-gpu-to-nvvm sends math ops (and the LLVM intrinsics
// convert-math-to-llvm would make of them) to libdevice's __nv_* functions,
// which come with the CUDA toolkit that Dyad does without. The ops NVPTX
// has exact instructions for become calls of the LLVM intrinsic instead
// (llvm.sqrt -> sqrt.rn, llvm.roundeven -> cvt.rni, ...), which the
// conversion leaves alone. pow and the hyperbolic functions are expanded
// into exp and log, and those, sin, cos, atan and erf become MLIR's
// polynomials; any other float math op is an error here rather than an
// unresolved symbol when the driver loads the PTX.
//
//===----------------------------------------------------------------------===//

#include "dyad/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

namespace dyad {
#define GEN_PASS_DEF_DYADGPUMATHTOINTRINSICS
#include "dyad/Codegen/GPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

namespace {
/// The LLVM intrinsic of a math op NVPTX selects exactly, or "".
static StringRef intrinsicOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, StringRef>(op)
      .Case<math::SqrtOp>([](auto) { return "llvm.sqrt"; })
      .Case<math::RoundEvenOp>([](auto) { return "llvm.roundeven"; })
      .Case<math::RoundOp>([](auto) { return "llvm.round"; })
      .Case<math::FloorOp>([](auto) { return "llvm.floor"; })
      .Case<math::CeilOp>([](auto) { return "llvm.ceil"; })
      .Case<math::TruncOp>([](auto) { return "llvm.trunc"; })
      .Case<math::AbsFOp>([](auto) { return "llvm.fabs"; })
      .Case<math::FmaOp>([](auto) { return "llvm.fma"; })
      .Case<math::CopySignOp>([](auto) { return "llvm.copysign"; })
      .Default([](Operation *) { return ""; });
}

struct DyadGpuMathToIntrinsicsPass
    : dyad::impl::DyadGpuMathToIntrinsicsBase<DyadGpuMathToIntrinsicsPass> {
  void runOnOperation() override {
    // pow, the hyperbolic functions and the like in terms of exp and log,
    // and those, sin, cos, atan, erf as polynomials (MLIR's approximations,
    // as the CPU pipeline does for exp, log, tanh, erf).
    {
      RewritePatternSet patterns(&getContext());
      math::populateExpansionPatterns(patterns,
                                      {"powf", "fpowi", "tan", "sinh", "cosh",
                                       "asinh", "acosh", "atanh", "exp2"});
      populatePolynomialApproximateErfPattern(patterns);
      populatePolynomialApproximateErfcPattern(patterns);
      populateMathPolynomialApproximationPatterns(patterns, [](StringRef n) {
        return llvm::is_contained(
            {math::ExpOp::getOperationName(), math::ExpM1Op::getOperationName(),
             math::LogOp::getOperationName(), math::Log1pOp::getOperationName(),
             math::Log2Op::getOperationName(), math::TanhOp::getOperationName(),
             math::SinOp::getOperationName(), math::CosOp::getOperationName(),
             math::AtanOp::getOperationName(),
             math::Atan2Op::getOperationName()},
            n);
      });
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    WalkResult r = getOperation()->walk([&](Operation *op) -> WalkResult {
      if (!isa<math::MathDialect>(op->getDialect()))
        return WalkResult::advance();
      // Integer math (absi, ctlz, ...) lowers to plain LLVM intrinsics.
      if (op->getNumResults() != 1 ||
          !isa<FloatType>(op->getResult(0).getType()))
        return WalkResult::advance();
      StringRef name = intrinsicOf(op);
      auto ft = cast<FloatType>(op->getResult(0).getType());
      if (name.empty() || !(ft.isF16() || ft.isF32() || ft.isF64())) {
        op->emitError() << "GPU lowering: '" << op->getName() << "' on " << ft
                        << " has no NVPTX instruction (its libdevice "
                           "function needs the CUDA toolkit)";
        return WalkResult::interrupt();
      }
      std::string full = (name + "." +
                          (ft.isF16()   ? "f16"
                           : ft.isF32() ? "f32"
                                        : "f64"))
                             .str();
      rewriter.setInsertionPoint(op);
      auto call = LLVM::CallIntrinsicOp::create(rewriter, op->getLoc(), ft,
                                                rewriter.getStringAttr(full),
                                                op->getOperands());
      rewriter.replaceOp(op, call.getResults());
      return WalkResult::advance();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
