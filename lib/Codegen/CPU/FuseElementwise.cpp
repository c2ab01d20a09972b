//===- FuseElementwise.cpp - elementwise fusion that never recomputes ----===//
//
// Upstream's linalg-fuse-elementwise-ops with one more condition: a producer
// is not fused into a consumer that reads its value broadcast over one of
// the consumer's parallel loops. A LayerNorm or GELU fused into the MatMul
// after it is read as x[b, s, k] inside a loop nest over (b, s, n, k): it
// would be recomputed for every output column n (a 32-fold GELU in a ViT's
// feed-forward block). Fusing into reductions that read the value once per
// iteration (exp into softmax's sum) stays. Nor is anything fused into a
// plain sign extension (i8 -> i32 before a matmul or convolution, which
// take the i8 source instead).
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/KernelStrategy.h"
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPUFUSEELEMENTWISE
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

bool dyad::readsWithoutBroadcast(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  if (!consumer)
    return false;
  AffineMap map = consumer.getMatchingIndexingMap(operand);
  for (auto [i, it] : llvm::enumerate(consumer.getIteratorTypesArray()))
    if (it == utils::IteratorType::parallel &&
        !map.isFunctionOfDim(unsigned(i)))
      return false;
  return true;
}

/// An integer linalg.matmul.
static bool isIntegerMatmul(Operation *op) {
  return isa_and_present<linalg::MatmulOp>(op) &&
         isa<IntegerType>(getElementTypeOrSelf(op->getResult(0)));
}

/// An integer GEMM (a linalg.matmul, or dyad-cpu-pack-vnni's packed form)
/// whose result is expanded back to more dims (a 3-D MatMul's batch and
/// rows, a pointwise convolution's pixels) before its epilogue.
static bool isExpandedGemm(tensor::ExpandShapeOp expand) {
  Operation *src = expand.getSrc().getDefiningOp();
  auto l = dyn_cast_or_null<linalg::LinalgOp>(src);
  return isIntegerMatmul(src) || (l && dyad::matchVnniMatmul(l));
}

void dyad::populateCollapseGemmEpiloguePatterns(RewritePatternSet &patterns) {
  linalg::ControlFusionFn control = [](OpOperand *operand) {
    auto expand = operand->get().getDefiningOp<tensor::ExpandShapeOp>();
    auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
    // (Besides the consumer, only the sizes of the expanded result.)
    return expand && consumer &&
           llvm::all_of(expand->getUsers(),
                        [&](Operation *u) {
                          return u == consumer || isa<tensor::DimOp>(u);
                        }) &&
           isExpandedGemm(expand) &&
           consumer.getNumParallelLoops() == consumer.getNumLoops();
  };
  linalg::populateFoldReshapeOpsByCollapsingPatterns(patterns, control);
}

namespace {
struct DyadCpuFuseElementwisePass
    : dyad::impl::DyadCpuFuseElementwiseBase<DyadCpuFuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    linalg::ControlFusionFn control = [](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      // A sign extension stays apart (the kernels take its narrow source:
      // fused into the producer, a requantization would write i32).
      if (dyad::extensionSource(operand->getOwner()->getResult(0)))
        return false;
      return producer && producer->hasOneUse() &&
             dyad::readsWithoutBroadcast(operand);
    };
    // A reshape that only adds or drops unit dims (keepdims: N x C into
    // N x C x 1 x 1) does not move through a reduction: expanded by it, the
    // reduction would carry unit dims inside its loops (the input split the
    // same way), and with them a unit innermost dim once its input goes
    // channels-last. Reshapes that split real dims (attention heads) still
    // move, so the ops around them fuse.
    auto hasReduction = [](Operation *op) {
      auto l = dyn_cast_or_null<linalg::LinalgOp>(op);
      return l && l.getNumReductionLoops() > 0;
    };
    auto unitDimsOnly = [](Operation *op) {
      ArrayRef<int64_t> expanded;
      SmallVector<ReassociationIndices> groups;
      if (auto e = dyn_cast_or_null<tensor::ExpandShapeOp>(op)) {
        expanded = e.getResultType().getShape();
        groups = e.getReassociationIndices();
      } else if (auto c = dyn_cast_or_null<tensor::CollapseShapeOp>(op)) {
        expanded = c.getSrcType().getShape();
        groups = c.getReassociationIndices();
      } else {
        return false;
      }
      return llvm::all_of(groups, [&](const ReassociationIndices &g) {
        return llvm::count_if(g, [&](int64_t d) { return expanded[d] != 1; }) <=
               1;
      });
    };
    // An integer matmul stays 2-D: the batch dims a 3-D MatMul's lowering
    // folded into its rows do not come back as loops of its own (the
    // vpdpbusd GEMM takes a 2-D matmul; 1.4x on mnist_vit int8). Float
    // matmuls do take them back: the ops around them fuse, and the fp32
    // ViTs were 20-60% slower kept 2-D.
    linalg::ControlFusionFn reshapeControl = [=](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      Operation *owner = operand->getOwner();
      if (!producer || !producer->hasOneUse())
        return false;
      if (isIntegerMatmul(producer) || isIntegerMatmul(owner))
        return false;
      bool keepdims = unitDimsOnly(owner) || unitDimsOnly(producer);
      return !(keepdims && (hasReduction(producer) || hasReduction(owner)));
    };
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns,
                                                      reshapeControl);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, reshapeControl);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns),
                                GreedyRewriteConfig().setUseTopDownTraversal());

    // A separate step: with the expansion patterns above, the collapsing
    // ones would undo them and back.
    RewritePatternSet collapse(ctx);
    dyad::populateCollapseGemmEpiloguePatterns(collapse);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(collapse, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(collapse, ctx);
    (void)applyPatternsGreedily(getOperation(), std::move(collapse));
  }
};
} // namespace
