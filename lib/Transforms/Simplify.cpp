//===- Simplify.cpp - fold and simplify the dyad graph --------------------===//
#include "dyad/Dialect/Dyad/DyadOps.h"
#include "dyad/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dyad {
#define GEN_PASS_DEF_DYADSIMPLIFY
#include "dyad/Transforms/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

namespace {
struct DyadSimplifyPass : dyad::impl::DyadSimplifyBase<DyadSimplifyPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    // Op folders run as part of the greedy driver; add the canonicalization
    // patterns of the dialects that appear in an imported graph.
    for (Dialect *d : ctx->getLoadedDialects())
      d->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      if (op.getDialectNamespace() == "dyad" ||
          op.getDialectNamespace() == "arith")
        op.getCanonicalizationPatterns(patterns, ctx);
    populateFoldBatchNormPatterns(patterns);
    populateFuseLayerNormPatterns(patterns);
    populateSplitChannelSlicesPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
