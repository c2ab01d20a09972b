//===- LowerVectors.cpp - vector tiles to FMAs, loads and stores ----------===//
//
// After bufferization, the vectorized tiles of dyad-cpu-tile-and-vectorize:
//   1. fold subviews into the transfers' indices (hoisting refuses views);
//   2. hoist the accumulator transfers out of the reduction loops, so the
//      register block stays in registers for the whole reduction;
//   3. lower int8 contractions to vpdpbusd where the target has VNNI
//      (VnniContraction.cpp), other vector.contract to outer products and those to vector.fma,
//      multi-reductions to vector reductions, transfers to 1-D loads and
//      stores (the rest goes through convert-vector-to-scf).
// Canonicalization runs in its own rounds: in the same round as the
// contraction and transfer lowerings it loops (cpu-codegen.md, pitfall 3).
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/Passes.h"
#include "dyad/Codegen/CPU/ByteLookup.h"
#include "dyad/Codegen/CPU/VnniContraction.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPULOWERVECTORS
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

namespace {

/// math.absi on an n-D vector has no LLVM conversion in MLIR 22: max(x, -x)
/// (the same wrap-around for the minimum value as llvm.abs).
struct VectorAbsIToMax : OpRewritePattern<math::AbsIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::AbsIOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<VectorType>(op.getType()))
      return failure();
    Location loc = op.getLoc();
    Value zero = arith::ConstantOp::create(
        rewriter, loc, rewriter.getZeroAttr(op.getType()));
    Value neg = arith::SubIOp::create(rewriter, loc, zero, op.getOperand());
    rewriter.replaceOpWithNewOp<arith::MaxSIOp>(op, op.getOperand(), neg);
    return success();
  }
};

/// arith.mulsi_extended / mului_extended on an n-D vector have no LLVM
/// conversion in MLIR 22 either (the requantization's high multiply,
/// QuantToArith.cpp): for i32 rows of a power-of-two length, highOfPairs;
/// otherwise the 2N-bit product of the extended operands, split.
template <typename MulOp, typename ExtOp>
struct VectorMulExtendedToWide : OpRewritePattern<MulOp> {
  using OpRewritePattern<MulOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<VectorType>(op.getType(0));
    if (!type)
      return failure();
    Location loc = op.getLoc();
    unsigned width = type.getElementTypeBitWidth();
    int64_t inner = type.getRank() ? type.getShape().back() : 0;
    if (width == 32 && inner >= 2 && llvm::isPowerOf2_64(inner)) {
      // (The low half is the wrapping product.)
      Value low =
          arith::MulIOp::create(rewriter, loc, op.getLhs(), op.getRhs());
      rewriter.replaceOp(op, {low, highOfPairs(rewriter, op)});
      return success();
    }
    auto wide =
        type.clone(IntegerType::get(rewriter.getContext(), 2 * width));
    Value p = arith::MulIOp::create(
        rewriter, loc, ExtOp::create(rewriter, loc, wide, op.getLhs()),
        ExtOp::create(rewriter, loc, wide, op.getRhs()));
    Value shift = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(
                           wide, rewriter.getIntegerAttr(
                                     wide.getElementType(), width)));
    Value high = arith::TruncIOp::create(
        rewriter, loc, type, arith::ShRUIOp::create(rewriter, loc, p, shift));
    Value low = arith::TruncIOp::create(rewriter, loc, type, p);
    rewriter.replaceOp(op, {low, high});
    return success();
  }

  /// The high halves of 32 x 32 -> 64 products, computed on the lanes as
  /// i64 pairs: the even lanes extended in place, the odd ones shifted
  /// down, one 64-bit product each (vpmuldq / vpmuludq read only the low
  /// halves), the even products' high halves shifted down and the odd
  /// ones' kept in place. The same as the extended product, but where the
  /// factors are loads, LLVM folded the extensions into the loads
  /// (vpmovsxdq) and multiplied in 8-lane halves.
  /// Row by row (the innermost dim, a power of two: one register or a few):
  /// a row of 7 x 8 lanes flattened would be 28 pairs, which LLVM splits
  /// element by element.
  static Value highOfPairs(PatternRewriter &rewriter, MulOp op) {
    Location loc = op.getLoc();
    auto type = cast<VectorType>(op.getType(0));
    int64_t inner = type.getShape().back();
    int64_t rows = type.getNumElements() / inner;
    auto grid = VectorType::get({rows, inner}, rewriter.getI32Type());
    Value a = vector::ShapeCastOp::create(rewriter, loc, grid, op.getLhs());
    Value b = vector::ShapeCastOp::create(rewriter, loc, grid, op.getRhs());
    Value r = ub::PoisonOp::create(rewriter, loc, grid);
    for (int64_t i = 0; i < rows; ++i)
      r = vector::InsertOp::create(
          rewriter, loc,
          highOfPairsRow(rewriter, loc,
                         vector::ExtractOp::create(rewriter, loc, a, i),
                         vector::ExtractOp::create(rewriter, loc, b, i)),
          r, i);
    return vector::ShapeCastOp::create(rewriter, loc, type, r);
  }

  static Value highOfPairsRow(PatternRewriter &rewriter, Location loc,
                              Value lhs, Value rhs) {
    constexpr bool isSigned = std::is_same_v<ExtOp, arith::ExtSIOp>;
    auto type = cast<VectorType>(lhs.getType());
    int64_t n = type.getNumElements();
    auto i64 = rewriter.getI64Type();
    auto flat = VectorType::get({n}, rewriter.getI32Type());
    auto pairs = VectorType::get({n / 2}, i64);
    auto splat = [&](uint64_t v) -> Value {
      return arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(pairs, APInt(64, v)));
    };
    Value c32 = splat(32);
    auto asPairs = [&](Value v) -> Value {
      return vector::BitCastOp::create(
          rewriter, loc, pairs,
          vector::ShapeCastOp::create(rewriter, loc, flat, v));
    };
    auto even = [&](Value p) -> Value {
      if (isSigned)
        return arith::ShRSIOp::create(
            rewriter, loc, arith::ShLIOp::create(rewriter, loc, p, c32), c32);
      return arith::AndIOp::create(rewriter, loc, p, splat(0xffffffffu));
    };
    auto odd = [&](Value p) -> Value {
      if (isSigned)
        return arith::ShRSIOp::create(rewriter, loc, p, c32);
      return arith::ShRUIOp::create(rewriter, loc, p, c32);
    };
    Value a = asPairs(lhs), b = asPairs(rhs);
    Value pe = arith::MulIOp::create(rewriter, loc, even(a), even(b));
    Value po = arith::MulIOp::create(rewriter, loc, odd(a), odd(b));
    Value r = arith::OrIOp::create(
        rewriter, loc, arith::ShRUIOp::create(rewriter, loc, pe, c32),
        arith::AndIOp::create(rewriter, loc, po, splat(0xffffffff00000000ull)));
    return vector::ShapeCastOp::create(
        rewriter, loc, type, vector::BitCastOp::create(rewriter, loc, flat, r));
  }
};

void addCanonicalization(RewritePatternSet &patterns, MLIRContext *ctx) {
  for (Dialect *d : ctx->getLoadedDialects())
    d->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
}

struct DyadCpuLowerVectorsPass
    : dyad::impl::DyadCpuLowerVectorsBase<DyadCpuLowerVectorsPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    auto greedy = [&](auto populate) -> LogicalResult {
      RewritePatternSet patterns(ctx);
      populate(patterns);
      // Like the canonicalizer, a round that stops before a fixed point is
      // not an error: the IR is valid after every rewrite.
      (void)applyPatternsGreedily(func, std::move(patterns));
      return success();
    };
    // 1. (expand_shapes first: see expandShapesToReinterpretCasts)
    dyad::expandShapesToReinterpretCasts(func, /*onlyDynamicSplits=*/false);
    if (failed(greedy([&](RewritePatternSet &p) {
          memref::populateFoldMemRefAliasOpPatterns(p);
          addCanonicalization(p, ctx);
        })))
      return signalPassFailure();
    {
      IRRewriter rewriter(ctx);
      DominanceInfo dom(func);
      eliminateCommonSubExpressions(rewriter, dom, func);
    }
    // Again after CSE: bufferization's self-copies go, which block hoisting.
    if (failed(greedy([&](RewritePatternSet &p) { addCanonicalization(p, ctx); })))
      return signalPassFailure();
    // 2.
    linalg::hoistRedundantVectorTransfers(func);
    // Byte-table lookups before the gathers are unrolled.
    if (bytePermutes && failed(greedy([&](RewritePatternSet &p) {
          dyad::populateByteLookupPatterns(p);
        })))
      return signalPassFailure();
    // Packed int8 tiles to VNNI before their unit dims go (see
    // populatePackedVnniContractionPatterns).
    if (vnniBits && failed(greedy([&](RewritePatternSet &p) {
          dyad::populatePackedVnniContractionPatterns(p, vnniBits);
        })))
      return signalPassFailure();
    if (failed(greedy([&](RewritePatternSet &p) {
          vector::populateCastAwayVectorLeadingOneDimPatterns(p);
          addCanonicalization(p, ctx);
        })))
      return signalPassFailure();
    // 3. int8 contractions on VNNI first, the rest through outer products.
    if (vnniBits && failed(greedy([&](RewritePatternSet &p) {
          dyad::populateVnniContractionPatterns(p, vnniBits);
        })))
      return signalPassFailure();
    if (failed(greedy([&](RewritePatternSet &p) {
          vector::populateVectorContractLoweringPatterns(
              p, vector::VectorContractLowering::OuterProduct);
          vector::populateVectorOuterProductLoweringPatterns(p);
          vector::populateVectorMultiReductionLoweringPatterns(
              p, vector::VectorMultiReductionLowering::InnerReduction);
        })))
      return signalPassFailure();
    if (failed(greedy([&](RewritePatternSet &p) {
          vector::populateVectorTransferPermutationMapLoweringPatterns(p);
          vector::populateVectorTransferLoweringPatterns(p, /*maxRank=*/1);
          vector::populateVectorShapeCastLoweringPatterns(p);
          vector::populateVectorBroadcastLoweringPatterns(p);
          vector::populateVectorTransposeLoweringPatterns(
              p, vector::VectorTransposeLowering::EltWise);
          p.add<VectorAbsIToMax,
                VectorMulExtendedToWide<arith::MulSIExtendedOp, arith::ExtSIOp>,
                VectorMulExtendedToWide<arith::MulUIExtendedOp, arith::ExtUIOp>>(
              ctx);
        })))
      return signalPassFailure();
  }
};
} // namespace
