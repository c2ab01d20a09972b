//===- VnniContraction.cpp - i8 x i8 -> i32 contractions on vpdpbusd ------===//
//
// No upstream lowering of vector.contract emits VNNI: every one widens i8 to
// i32 and multiplies (vpmulld), a quarter of the int8 peak at best
// (../shared/reference/cpu-codegen.md). This pattern lowers the contraction
// the tile vectorizer makes of an int8 convolution or GEMM tile,
//
//   acc[m][n] += sum_k ext(L[m][k]) * ext(R[k][n])   (L, R i8; acc i32)
//
// with K a multiple of 4 and N of the lane count, to vpdpbusd: for each
// block of `lanes` columns and 4 values of k, one instruction adds
// L[m][4kb..4kb+3] . R[4kb..4kb+3][n] to each lane n. The 4 x lanes block
// of R is reordered to lanes x 4 with one byte shuffle (vpermb) and reused
// for every row m; L's 4 bytes are one broadcast dword.
//
// vpdpbusd multiplies unsigned by signed bytes. Signed activations (sext)
// are shifted: (l + 128) as u8 is l xor 0x80, and the sum gains
// 128 * sum_k R[k][n], computed once per block by the same instruction on a
// splat of 128 and subtracted. The arithmetic wraps modulo 2^32 like the
// i32 contraction it replaces: the results are bit-identical.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/VnniContraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {

/// The i8 vector `v` is an extension of (signed or not); null otherwise. An
/// i8 operand of an i32 contraction is itself the source: the contraction
/// sign-extends it (as its upstream lowering does, with arith.extsi; a
/// vectorized linalg.matmul of i8 operands is such a contraction).
Value narrowSource(Value v, bool &isSigned) {
  if (auto t = dyn_cast<VectorType>(v.getType()); t && t.getElementType().isInteger(8)) {
    isSigned = true;
    return v;
  }
  if (auto e = v.getDefiningOp<arith::ExtSIOp>()) {
    isSigned = true;
    v = e.getIn();
  } else if (auto e = v.getDefiningOp<arith::ExtUIOp>()) {
    isSigned = false;
    v = e.getIn();
  } else {
    return {};
  }
  auto t = dyn_cast<VectorType>(v.getType());
  return t && t.getElementType().isInteger(8) ? v : Value();
}

struct ContractToVnni : OpRewritePattern<vector::ContractionOp> {
  ContractToVnni(MLIRContext *ctx, unsigned vectorBits)
      : OpRewritePattern(ctx, /*benefit=*/2), vectorBits(vectorBits) {}
  unsigned vectorBits;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != vector::CombiningKind::ADD || op.isMasked())
      return failure();
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (!accType || !accType.getElementType().isInteger(32) ||
        accType.getRank() != 2)
      return failure();
    // acc[m][n] += L[m][k] * R[k][n] exactly.
    if (!isRowMajorMatmul(op.getIndexingMaps()))
      return failure();
    bool lhsSigned = false, rhsSigned = false;
    Value lhs = narrowSource(op.getLhs(), lhsSigned);
    Value rhs = narrowSource(op.getRhs(), rhsSigned);
    if (!lhs || !rhs || !rhsSigned)
      return failure();
    int64_t lanes = vectorBits / 32;
    int64_t rows = accType.getDimSize(0), cols = accType.getDimSize(1);
    int64_t depth = cast<VectorType>(lhs.getType()).getDimSize(1);
    if (lanes < 4 || cols % lanes || depth % 4)
      return failure();

    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    auto accVec = VectorType::get({lanes}, i32);
    auto byteVec = VectorType::get({4 * lanes}, i8);
    StringAttr intrinsic = rewriter.getStringAttr(
        lanes == 16 ? "llvm.x86.avx512.vpdpbusd.512"
                    : "llvm.x86.avx512.vpdpbusd.256");
    auto dot = [&](Value acc, Value a, Value b) -> Value {
      return LLVM::CallIntrinsicOp::create(rewriter, loc, accVec, intrinsic,
                                           ValueRange{acc, a, b})
          .getResult(0);
    };
    // byte 4j+i of the shuffled block = R[4kb+i][j]
    SmallVector<int64_t> toLanes(4 * lanes);
    for (int64_t j = 0; j < lanes; ++j)
      for (int64_t i = 0; i < 4; ++i)
        toLanes[4 * j + i] = i * lanes + j;

    Value zero = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getZeroAttr(accVec));
    Value bias128 = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(byteVec, APInt(8, 128)));
    Value flip = arith::ConstantOp::create(
        rewriter, loc, rewriter.getI32IntegerAttr(int32_t(0x80808080u)));

    // Each row of L as 4-byte dwords.
    SmallVector<SmallVector<Value>> lhsWords(rows);
    for (int64_t r = 0; r < rows; ++r) {
      Value row = vector::ExtractOp::create(rewriter, loc, lhs, r);
      auto words = vector::BitCastOp::create(
          rewriter, loc, VectorType::get({depth / 4}, i32), row);
      for (int64_t kb = 0; kb < depth / 4; ++kb) {
        Value w = vector::ExtractOp::create(rewriter, loc, words, kb);
        if (lhsSigned)
          w = arith::XOrIOp::create(rewriter, loc, w, flip);
        Value b = vector::BroadcastOp::create(rewriter, loc, accVec, w);
        lhsWords[r].push_back(
            vector::BitCastOp::create(rewriter, loc, byteVec, b));
      }
    }

    Value result = op.getAcc();
    for (int64_t nb = 0; nb < cols / lanes; ++nb) {
      SmallVector<Value> blocks;
      Value correction = zero;
      for (int64_t kb = 0; kb < depth / 4; ++kb) {
        Value block = vector::ExtractStridedSliceOp::create(
            rewriter, loc, rhs, ArrayRef<int64_t>{4 * kb, nb * lanes},
            ArrayRef<int64_t>{4, lanes}, ArrayRef<int64_t>{1, 1});
        Value flat = vector::ShapeCastOp::create(rewriter, loc, byteVec, block);
        blocks.push_back(
            vector::ShuffleOp::create(rewriter, loc, flat, flat, toLanes));
        if (lhsSigned)
          correction = dot(correction, bias128, blocks.back());
      }
      for (int64_t r = 0; r < rows; ++r) {
        Value accRow = vector::ExtractOp::create(rewriter, loc, result, r);
        Value acc = vector::ExtractStridedSliceOp::create(
            rewriter, loc, accRow, ArrayRef<int64_t>{nb * lanes},
            ArrayRef<int64_t>{lanes}, ArrayRef<int64_t>{1});
        for (int64_t kb = 0; kb < depth / 4; ++kb)
          acc = dot(acc, lhsWords[r][kb], blocks[kb]);
        if (lhsSigned)
          acc = arith::SubIOp::create(rewriter, loc, acc, correction);
        accRow = vector::InsertStridedSliceOp::create(
            rewriter, loc, acc, accRow, ArrayRef<int64_t>{nb * lanes},
            ArrayRef<int64_t>{1});
        result = vector::InsertOp::create(rewriter, loc, accRow, result, r);
      }
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// acc[n] += sum_k ext(L[k]) * ext(R[k][n]) (one output pixel: what a
/// strided convolution's tile becomes, one contraction per pixel) as the
/// one-row matmul ContractToVnni takes.
struct VecMatToMatmul : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (op.getKind() != vector::CombiningKind::ADD || op.isMasked() ||
        !accType || accType.getRank() != 1 ||
        !accType.getElementType().isInteger(32))
      return failure();
    MLIRContext *ctx = op.getContext();
    AffineExpr n, k;
    bindDims(ctx, n, k);
    auto map = [&](ArrayRef<AffineExpr> r) {
      return AffineMap::get(2, 0, r, ctx);
    };
    if (op.getIndexingMapsArray() !=
        SmallVector<AffineMap>{map({k}), map({k, n}), map({n})})
      return failure();
    bool lhsSigned = false, rhsSigned = false;
    Value lhs = narrowSource(op.getLhs(), lhsSigned);
    if (!lhs || !narrowSource(op.getRhs(), rhsSigned))
      return failure();
    Location loc = op.getLoc();
    int64_t depth = cast<VectorType>(lhs.getType()).getDimSize(0);
    Value lhs2 = vector::ShapeCastOp::create(
        rewriter, loc, VectorType::get({1, depth}, rewriter.getI8Type()), lhs);
    auto wideLhs = VectorType::get({1, depth}, rewriter.getI32Type());
    lhs2 = lhsSigned
               ? Value(arith::ExtSIOp::create(rewriter, loc, wideLhs, lhs2))
               : Value(arith::ExtUIOp::create(rewriter, loc, wideLhs, lhs2));
    auto acc2Type = VectorType::get({1, accType.getDimSize(0)},
                                    accType.getElementType());
    Value acc2 = vector::ShapeCastOp::create(rewriter, loc, acc2Type,
                                             op.getAcc());
    AffineExpr m, n3, k3;
    bindDims(ctx, m, n3, k3);
    auto map3 = [&](ArrayRef<AffineExpr> r) {
      return AffineMap::get(3, 0, r, ctx);
    };
    auto mm = vector::ContractionOp::create(
        rewriter, loc, lhs2, op.getRhs(), acc2,
        rewriter.getAffineMapArrayAttr(
            {map3({m, k3}), map3({k3, n3}), map3({m, n3})}),
        rewriter.getArrayAttr(
            {vector::IteratorTypeAttr::get(ctx, vector::IteratorType::parallel),
             vector::IteratorTypeAttr::get(ctx, vector::IteratorType::parallel),
             vector::IteratorTypeAttr::get(ctx,
                                           vector::IteratorType::reduction)}));
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(op, accType, mm);
    return success();
  }
};

} // namespace

void dyad::populateVnniContractionPatterns(RewritePatternSet &patterns,
                                           unsigned vectorBits) {
  patterns.add<ContractToVnni>(patterns.getContext(), vectorBits);
  patterns.add<VecMatToMatmul>(patterns.getContext());
}
