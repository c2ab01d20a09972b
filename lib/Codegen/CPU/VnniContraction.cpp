//===- VnniContraction.cpp - i8 x i8 -> i32 contractions on vpdpbusd ------===//
//
// No upstream lowering of vector.contract emits VNNI: every one widens i8 to
// i32 and multiplies (vpmulld), a quarter of the int8 peak at best
// (../shared/reference/cpu-codegen.md). These patterns lower the
// contractions the tile vectorizer makes of int8 convolution and GEMM tiles
// to vpdpbusd: for each block of `lanes` columns and 4 values of k, one
// instruction adds L[m][4kb..4kb+3] . R[4kb..4kb+3][n] to each lane n.
//   - ContractToVnni: acc[m][n] += sum_k ext(L[m][k]) * ext(R[k][n]), any
//     row-major operands (a GEMM, a strided or unpacked convolution): each
//     4 x lanes block of R is reordered with one byte shuffle (vpermb).
//   - PackedContractToVnni: the packed convolution of dyad-cpu-pack-vnni,
//     whose weights are in vpdpbusd's order and activations unsigned in
//     memory: only loads, broadcasts and vpdpbusd.
//   - LanewiseContractToVnni: acc[c] += 4 bytes of L[c] . 4 bytes of R[c],
//     both operands lane by lane (a row-packed depthwise convolution's
//     column tap): one vpdpbusd per block of lanes, no broadcast.
// See emitVnni for the register block and the signed-activation shift.
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

/// The register block of a VNNI contraction: acc[r][n] (rows x cols i32,
/// cols a multiple of `lanes`) += sum over `steps` steps of 4 bytes of
/// word(r, step) . block(step, nb), where word is an i32 (4 bytes of row r,
/// signed when `lhsSigned`) and block a vector of 4 * lanes bytes in
/// vpdpbusd's order (byte 4j+i: the i-th byte of column nb*lanes+j).
///
/// Steps outermost, as a microkernel walks them: per step, the column
/// blocks, then each row's broadcast word into each block's accumulator.
/// Live: the accumulators, one step's blocks and one word.
///
/// vpdpbusd multiplies unsigned by signed bytes. Signed words are shifted:
/// (l + 128) as u8 is l xor 0x80, and the sum gains 128 * the block's
/// column sums, computed by the same instruction on a splat of 128 and
/// subtracted at the end. (dyad-cpu-pack-vnni makes activations unsigned in
/// memory, which needs neither.) The arithmetic wraps modulo 2^32 like the
/// i32 contraction it replaces: the results are bit-identical.
Value emitVnni(PatternRewriter &rewriter, Location loc, Value accIn,
               int64_t lanes, int64_t steps, bool lhsSigned,
               function_ref<Value(int64_t step, int64_t nb)> block,
               function_ref<Value(int64_t r, int64_t step)> word) {
  auto accType = cast<VectorType>(accIn.getType());
  int64_t rows = accType.getDimSize(0), cols = accType.getDimSize(1);
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
  Value zero =
      arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(accVec));
  Value bias128 = arith::ConstantOp::create(
      rewriter, loc, DenseElementsAttr::get(byteVec, APInt(8, 128)));
  Value flip = arith::ConstantOp::create(
      rewriter, loc, rewriter.getI32IntegerAttr(int32_t(0x80808080u)));

  int64_t colBlocks = cols / lanes;
  SmallVector<SmallVector<Value>> acc(rows);
  for (int64_t r = 0; r < rows; ++r) {
    Value accRow = vector::ExtractOp::create(rewriter, loc, accIn, r);
    for (int64_t nb = 0; nb < colBlocks; ++nb)
      acc[r].push_back(vector::ExtractStridedSliceOp::create(
          rewriter, loc, accRow, ArrayRef<int64_t>{nb * lanes},
          ArrayRef<int64_t>{lanes}, ArrayRef<int64_t>{1}));
  }
  SmallVector<Value> correction(colBlocks, zero);
  for (int64_t kb = 0; kb < steps; ++kb) {
    SmallVector<Value> blocks;
    for (int64_t nb = 0; nb < colBlocks; ++nb) {
      blocks.push_back(block(kb, nb));
      if (lhsSigned)
        correction[nb] = dot(correction[nb], bias128, blocks.back());
    }
    for (int64_t r = 0; r < rows; ++r) {
      Value w = word(r, kb);
      if (lhsSigned)
        w = arith::XOrIOp::create(rewriter, loc, w, flip);
      Value b = vector::BroadcastOp::create(rewriter, loc, accVec, w);
      b = vector::BitCastOp::create(rewriter, loc, byteVec, b);
      for (int64_t nb = 0; nb < colBlocks; ++nb)
        acc[r][nb] = dot(acc[r][nb], b, blocks[nb]);
    }
  }
  Value result = accIn;
  for (int64_t r = 0; r < rows; ++r) {
    Value accRow = vector::ExtractOp::create(rewriter, loc, result, r);
    for (int64_t nb = 0; nb < colBlocks; ++nb) {
      Value a = acc[r][nb];
      if (lhsSigned)
        a = arith::SubIOp::create(rewriter, loc, a, correction[nb]);
      accRow = vector::InsertStridedSliceOp::create(
          rewriter, loc, a, accRow, ArrayRef<int64_t>{nb * lanes},
          ArrayRef<int64_t>{1});
    }
    result = vector::InsertOp::create(rewriter, loc, accRow, result, r);
  }
  return result;
}

/// Whether `op`'s indexing maps (lhs, rhs, acc) are exactly `dims`: each
/// map's results as positions of the contraction's `numDims` dims.
bool hasMaps(vector::ContractionOp op, unsigned numDims,
             std::initializer_list<std::initializer_list<unsigned>> dims) {
  SmallVector<AffineMap> want;
  for (auto results : dims) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d : results)
      exprs.push_back(getAffineDimExpr(d, op.getContext()));
    want.push_back(AffineMap::get(numDims, 0, exprs, op.getContext()));
  }
  return op.getIndexingMapsArray() == want;
}

/// The i32 accumulator type, of rank `rank`, of an unmasked
/// add-contraction, or null.
VectorType i32Accumulator(vector::ContractionOp op, int64_t rank) {
  if (op.getKind() != vector::CombiningKind::ADD || op.isMasked())
    return {};
  auto accType = dyn_cast<VectorType>(op.getAccType());
  if (!accType || !accType.getElementType().isInteger(32) ||
      accType.getRank() != rank)
    return {};
  return accType;
}
VectorType i32AccumulatorBlock(vector::ContractionOp op) {
  return i32Accumulator(op, 2);
}

/// acc[m][n] += sum_k ext(L[m][k]) * ext(R[k][n]) (L, R i8; acc i32), the
/// contraction the tile vectorizer makes of a GEMM or a convolution tile,
/// with K a multiple of 4 and N of the lane count. R's 4 x lanes blocks are
/// reordered to lanes x 4 with one byte shuffle (vpermb) each; L's 4 bytes
/// are one dword.
struct ContractToVnni : OpRewritePattern<vector::ContractionOp> {
  ContractToVnni(MLIRContext *ctx, unsigned vectorBits)
      : OpRewritePattern(ctx, /*benefit=*/2), vectorBits(vectorBits) {}
  unsigned vectorBits;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    VectorType accType = i32AccumulatorBlock(op);
    if (!accType)
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
    auto byteVec = VectorType::get({4 * lanes}, i8);
    // byte 4j+i of the shuffled block = R[4kb+i][j]
    SmallVector<int64_t> toLanes(4 * lanes);
    for (int64_t j = 0; j < lanes; ++j)
      for (int64_t i = 0; i < 4; ++i)
        toLanes[4 * j + i] = i * lanes + j;
    SmallVector<Value> lhsRows;
    for (int64_t r = 0; r < rows; ++r) {
      Value row = vector::ExtractOp::create(rewriter, loc, lhs, r);
      lhsRows.push_back(vector::BitCastOp::create(
          rewriter, loc, VectorType::get({depth / 4}, i32), row));
    }
    Value result = emitVnni(
        rewriter, loc, op.getAcc(), lanes, depth / 4, lhsSigned,
        [&](int64_t kb, int64_t nb) -> Value {
          Value block = vector::ExtractStridedSliceOp::create(
              rewriter, loc, rhs, ArrayRef<int64_t>{4 * kb, nb * lanes},
              ArrayRef<int64_t>{4, lanes}, ArrayRef<int64_t>{1, 1});
          Value flat =
              vector::ShapeCastOp::create(rewriter, loc, byteVec, block);
          return vector::ShuffleOp::create(rewriter, loc, flat, flat, toLanes);
        },
        [&](int64_t r, int64_t kb) -> Value {
          return vector::ExtractOp::create(rewriter, loc, lhsRows[r], kb);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The contraction of a packed int8 convolution tile (dyad-cpu-pack-vnni):
///   acc[m][n] += sum_{kb,i} ext(L[m][kb][i]) * ext(R[kb][n][i]), i < 4,
/// whose operands are already in vpdpbusd's order: R[kb][nb*lanes..][0..4]
/// is one block as it lies in memory, L[m][kb] one dword.
struct PackedContractToVnni : OpRewritePattern<vector::ContractionOp> {
  PackedContractToVnni(MLIRContext *ctx, unsigned vectorBits)
      : OpRewritePattern(ctx, /*benefit=*/2), vectorBits(vectorBits) {}
  unsigned vectorBits;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    VectorType accType = i32AccumulatorBlock(op);
    if (!accType)
      return failure();
    // (m, n, kb, ki): acc[m][n] += L[m][kb][ki] * R[kb][n][ki].
    if (!hasMaps(op, 4, {{0, 2, 3}, {2, 1, 3}, {0, 1}}))
      return failure();
    bool lhsSigned = false, rhsSigned = false;
    Value lhs = narrowSource(op.getLhs(), lhsSigned);
    Value rhs = narrowSource(op.getRhs(), rhsSigned);
    if (!lhs || !rhs || !rhsSigned)
      return failure();
    auto lhsType = cast<VectorType>(lhs.getType());
    // Full vectors of columns, else 8 lanes (256-bit vpdpbusd: AVX512-VL
    // or AVX-VNNI) where the columns are blocks of 8 only.
    int64_t lanes = vectorBits / 32;
    if (accType.getDimSize(1) % lanes && accType.getDimSize(1) % 8 == 0)
      lanes = 8;
    int64_t cols = accType.getDimSize(1), steps = lhsType.getDimSize(1);
    if (lanes < 4 || cols % lanes || lhsType.getDimSize(2) != 4)
      return failure();
    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    auto byteVec = VectorType::get({4 * lanes}, i8);
    // Operands that are rows of bytes viewed as [.][.][4] (what the tile
    // vectorizer reads): the 2-D rows are used directly, a block is a
    // slice of a row and a word a dword of a row (no shape_cast lowering,
    // which goes 4 bytes at a time).
    auto rowsOf = [](Value v) -> Value {
      auto cast = v.getDefiningOp<vector::ShapeCastOp>();
      if (!cast || cast.getSourceVectorType().getRank() != 2)
        return {};
      return cast.getSource();
    };
    Value lhsRows = rowsOf(lhs), rhsRows = rowsOf(rhs);
    // Weights unpacked from nibbles (dyad-cpu-pack-nibbles) are one flat
    // vector of their rows: a block is a slice of it.
    Value rhsFlat;
    if (auto cast = rhs.getDefiningOp<vector::ShapeCastOp>();
        cast && cast.getSourceVectorType().getRank() == 1)
      rhsFlat = cast.getSource();
    int64_t rowBytes = cast<VectorType>(rhs.getType()).getDimSize(1) * 4;
    SmallVector<Value> lhsWords; // row r as dwords
    if (lhsRows)
      for (int64_t r = 0; r < lhsType.getDimSize(0); ++r) {
        Value row = vector::ExtractOp::create(rewriter, loc, lhsRows, r);
        lhsWords.push_back(vector::BitCastOp::create(
            rewriter, loc, VectorType::get({steps}, i32), row));
      }
    auto oneWord = VectorType::get({1}, i32);
    Value result = emitVnni(
        rewriter, loc, op.getAcc(), lanes, steps, lhsSigned,
        [&](int64_t s, int64_t nb) -> Value {
          if (rhsFlat)
            return vector::ExtractStridedSliceOp::create(
                rewriter, loc, rhsFlat,
                ArrayRef<int64_t>{s * rowBytes + nb * 4 * lanes},
                ArrayRef<int64_t>{4 * lanes}, ArrayRef<int64_t>{1});
          if (rhsRows) {
            Value row = vector::ExtractOp::create(rewriter, loc, rhsRows, s);
            return vector::ExtractStridedSliceOp::create(
                rewriter, loc, row, ArrayRef<int64_t>{nb * 4 * lanes},
                ArrayRef<int64_t>{4 * lanes}, ArrayRef<int64_t>{1});
          }
          Value row = vector::ExtractOp::create(rewriter, loc, rhs, s);
          Value block = vector::ExtractStridedSliceOp::create(
              rewriter, loc, row, ArrayRef<int64_t>{nb * lanes, 0},
              ArrayRef<int64_t>{lanes, 4}, ArrayRef<int64_t>{1, 1});
          return vector::ShapeCastOp::create(rewriter, loc, byteVec, block);
        },
        [&](int64_t r, int64_t s) -> Value {
          if (lhsRows)
            return vector::ExtractOp::create(rewriter, loc, lhsWords[r], s);
          Value bytes = vector::ExtractOp::create(rewriter, loc, lhs,
                                                  ArrayRef<int64_t>{r, s});
          Value w = vector::BitCastOp::create(rewriter, loc, oneWord, bytes);
          return vector::ExtractOp::create(rewriter, loc, w, 0);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// acc[c] += sum_{i<4} ext(L[c][i]) * sext(R[c][i]) (L, R i8; acc i32):
/// a dot product of 4 bytes in each lane, both operands lane by lane (the
/// row-packed depthwise convolution's column tap, TileAndVectorize.cpp).
/// One vpdpbusd per block of lanes, on the operands' bytes as they are
/// (the [c][4] views are shape_casts of byte vectors, looked through).
/// Signed L is shifted as in emitVnni.
struct LanewiseContractToVnni : OpRewritePattern<vector::ContractionOp> {
  LanewiseContractToVnni(MLIRContext *ctx, unsigned vectorBits)
      : OpRewritePattern(ctx, /*benefit=*/2), vectorBits(vectorBits) {}
  unsigned vectorBits;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    VectorType accType = i32Accumulator(op, 1);
    if (!accType)
      return failure();
    // (c, i): acc[c] += L[c][i] * R[c][i].
    if (!hasMaps(op, 2, {{0, 1}, {0, 1}, {0}}))
      return failure();
    bool lhsSigned = false, rhsSigned = false;
    Value lhs = narrowSource(op.getLhs(), lhsSigned);
    Value rhs = narrowSource(op.getRhs(), rhsSigned);
    int64_t n = accType.getDimSize(0);
    int64_t lanes = vectorBits / 32;
    if (n % lanes && n % 8 == 0)
      lanes = 8;
    if (!lhs || !rhs || !rhsSigned || lanes < 8 || n % lanes ||
        cast<VectorType>(lhs.getType()).getShape() != ArrayRef<int64_t>{n, 4})
      return failure();
    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    auto bytes = [&](Value v) -> Value {
      if (auto cast = v.getDefiningOp<vector::ShapeCastOp>();
          cast && cast.getSourceVectorType().getRank() == 1)
        return cast.getSource();
      return vector::ShapeCastOp::create(
          rewriter, loc, VectorType::get({4 * n}, i8), v);
    };
    Value lb = bytes(lhs), rb = bytes(rhs);
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
    auto slice = [&](Value v, int64_t offset, int64_t size) -> Value {
      return vector::ExtractStridedSliceOp::create(
          rewriter, loc, v, ArrayRef<int64_t>{offset}, ArrayRef<int64_t>{size},
          ArrayRef<int64_t>{1});
    };
    Value result = op.getAcc();
    for (int64_t b = 0; b < n / lanes; ++b) {
      Value a = slice(lb, 4 * lanes * b, 4 * lanes);
      Value w = slice(rb, 4 * lanes * b, 4 * lanes);
      Value sum = slice(op.getAcc(), lanes * b, lanes);
      if (lhsSigned) {
        // (l + 128) as u8 is l xor 0x80; minus 128 * the weights' sum.
        a = arith::XOrIOp::create(
            rewriter, loc, a,
            arith::ConstantOp::create(
                rewriter, loc, DenseElementsAttr::get(byteVec, APInt(8, 0x80))));
        Value zero = arith::ConstantOp::create(rewriter, loc,
                                               rewriter.getZeroAttr(accVec));
        Value splat = arith::ConstantOp::create(
            rewriter, loc, DenseElementsAttr::get(byteVec, APInt(8, 128)));
        sum = arith::SubIOp::create(rewriter, loc, dot(sum, a, w),
                                    dot(zero, splat, w));
      } else {
        sum = dot(sum, a, w);
      }
      result = vector::InsertStridedSliceOp::create(
          rewriter, loc, sum, result, ArrayRef<int64_t>{lanes * b},
          ArrayRef<int64_t>{1});
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
    VectorType accType = i32Accumulator(op, 1);
    if (!accType)
      return failure();
    MLIRContext *ctx = op.getContext();
    // (n, k): acc[n] += L[k] * R[k][n].
    if (!hasMaps(op, 2, {{1}, {1, 0}, {0}}))
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

/// Whether every lane of the i32 vector `v` is in the i16 range: an
/// extension of at most 16 bits, moved around by broadcasts, extracts and
/// shape casts.
bool lanesFitI16(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<vector::BroadcastOp, vector::ExtractOp,
            vector::ExtractStridedSliceOp, vector::ShapeCastOp,
            vector::TransposeOp>(def)) {
      v = def->getOperand(0);
      if (!isa<VectorType>(v.getType()) && !isa<IntegerType>(v.getType()))
        return false;
      continue;
    }
    if (auto ext = dyn_cast<arith::ExtSIOp>(def))
      return getElementTypeOrSelf(ext.getIn().getType()).getIntOrFloatBitWidth() <= 16;
    return false;
  }
  return false;
}

/// acc + a * b on i32 vectors whose a and b lanes are in the i16 range (a
/// depthwise convolution's tap: i8 activations times an i8 filter, both
/// sign-extended; the kernel's only multiply) to vpdpwssd: each i32 lane is
/// a pair of i16, and with b's high half cleared (b & 0xffff) the pair sum
/// is a_lo * b_lo + a_hi * 0 = a * b. One instruction for vpmulld (two uops)
/// and vpaddd; bit-identical, the sum wrapping like the i32 one.
struct MulAddToVpdpwssd : OpRewritePattern<arith::AddIOp> {
  MulAddToVpdpwssd(MLIRContext *ctx, unsigned vectorBits)
      : OpRewritePattern(ctx), maxLanes(vectorBits / 32) {}
  int64_t maxLanes;

  LogicalResult matchAndRewrite(arith::AddIOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<VectorType>(op.getType());
    if (!type || !type.getElementType().isInteger(32) || type.isScalable())
      return failure();
    // 512-bit registers, or 256-bit ones for a tile of 8 lanes (24 channels).
    int64_t lanes = maxLanes;
    if (type.getNumElements() % lanes != 0)
      lanes = 8;
    if (type.getNumElements() % lanes != 0)
      return failure();
    arith::MulIOp mul;
    Value acc;
    for (int i = 0; i < 2 && !mul; ++i) {
      mul = op->getOperand(i).getDefiningOp<arith::MulIOp>();
      acc = op->getOperand(1 - i);
    }
    if (!mul || !mul->hasOneUse() || !lanesFitI16(mul.getLhs()) ||
        !lanesFitI16(mul.getRhs()))
      return failure();
    Location loc = op.getLoc();
    int64_t n = type.getNumElements();
    auto flat = VectorType::get({n}, type.getElementType());
    auto flatten = [&](Value v) -> Value {
      return vector::ShapeCastOp::create(rewriter, loc, flat, v);
    };
    Value a = flatten(mul.getLhs());
    Value b = arith::AndIOp::create(
        rewriter, loc, flatten(mul.getRhs()),
        arith::ConstantOp::create(
            rewriter, loc, DenseElementsAttr::get(flat, APInt(32, 0xffff))));
    Value c = flatten(acc);
    auto accVec = VectorType::get({lanes}, rewriter.getI32Type());
    auto wordVec = VectorType::get({2 * lanes}, rewriter.getI16Type());
    StringAttr intrinsic = rewriter.getStringAttr(
        lanes == 16 ? "llvm.x86.avx512.vpdpwssd.512"
                    : "llvm.x86.avx512.vpdpwssd.256");
    Value result = c;
    for (int64_t i = 0; i < n; i += lanes) {
      auto slice = [&](Value v, Type t) -> Value {
        Value s = vector::ExtractStridedSliceOp::create(
            rewriter, loc, v, ArrayRef<int64_t>{i}, ArrayRef<int64_t>{lanes},
            ArrayRef<int64_t>{1});
        return t == accVec ? s : vector::BitCastOp::create(rewriter, loc, t, s);
      };
      Value d = LLVM::CallIntrinsicOp::create(
                    rewriter, loc, accVec, intrinsic,
                    ValueRange{slice(c, accVec), slice(a, wordVec),
                               slice(b, wordVec)})
                    .getResult(0);
      result = vector::InsertStridedSliceOp::create(
          rewriter, loc, d, result, ArrayRef<int64_t>{i}, ArrayRef<int64_t>{1});
    }
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(op, type, result);
    return success();
  }
};

} // namespace

void dyad::populateVnniContractionPatterns(RewritePatternSet &patterns,
                                           unsigned vectorBits) {
  patterns.add<ContractToVnni, PackedContractToVnni>(patterns.getContext(),
                                                     vectorBits);
  patterns.add<VecMatToMatmul>(patterns.getContext());
  patterns.add<MulAddToVpdpwssd>(patterns.getContext(), vectorBits);
}

void dyad::populatePackedVnniContractionPatterns(RewritePatternSet &patterns,
                                                 unsigned vectorBits) {
  patterns.add<PackedContractToVnni, LanewiseContractToVnni>(
      patterns.getContext(), vectorBits);
}
