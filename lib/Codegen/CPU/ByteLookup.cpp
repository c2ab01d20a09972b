//===- ByteLookup.cpp - 256-entry byte tables as vpermi2b -----------------===//
//
// The integer-only transformer ops (GELU, the exponentials of softmax, ...)
// are table lookups indexed by an int8 value: dyad-to-linalg writes
//   t[extsi(x) + 128]                    (x: i8, t: a constant 256 x i32)
// and its users truncate the entry to i8 when the table holds bytes. The
// vectorizer makes that a vector.gather, which LLVM scalarizes on these
// CPUs (an extract, a load and an insert per lane). With AVX512-VBMI, a
// 256-byte table is four 64-byte registers and the lookup of 64 lanes is
//   lo = vpermi2b(t[0:64],   x, t[64:128])     (index bits 0-6)
//   hi = vpermi2b(t[128:192], x, t[192:256])
//   r  = x < 0 ? lo : hi                        (bit 7 of x + 128)
// (x + 128 and x differ only in bit 7.) The values are the table's, so
// the results are bit-identical.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/ByteLookup.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace {

constexpr int64_t kTableSize = 256;
constexpr int64_t kLanes = 64;

/// The 256 entries of the constant global `base` reads, or null.
DenseElementsAttr constantTable(Value base, Operation *from) {
  auto get = base.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return {};
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      from, get.getNameAttr());
  if (!global || !global.getConstant())
    return {};
  auto value = dyn_cast_or_null<DenseElementsAttr>(global.getConstantInitValue());
  if (!value || value.getNumElements() != kTableSize ||
      !value.getElementType().isInteger())
    return {};
  return value;
}

/// x when `idx` is index_cast(extsi(x) + 128) (or - (-128)), x a vector of
/// i8; null otherwise.
Value byteIndex(Value idx) {
  auto cast = idx.getDefiningOp<arith::IndexCastOp>();
  if (!cast)
    return {};
  Value sum = cast.getIn();
  Value lhs, rhs;
  int64_t offset = 0;
  if (auto add = sum.getDefiningOp<arith::AddIOp>()) {
    lhs = add.getLhs();
    rhs = add.getRhs();
    offset = 1;
  } else if (auto sub = sum.getDefiningOp<arith::SubIOp>()) {
    lhs = sub.getLhs();
    rhs = sub.getRhs();
    offset = -1;
  } else {
    return {};
  }
  APInt c;
  if (!matchPattern(rhs, m_ConstantInt(&c)) || c.getSExtValue() * offset != 128)
    return {};
  auto ext = lhs.getDefiningOp<arith::ExtSIOp>();
  if (!ext || !getElementTypeOrSelf(ext.getIn().getType()).isInteger(8))
    return {};
  return ext.getIn();
}

/// trunci(vector.gather(table[0][x + 128], all true)) to i8 -> vpermi2b.
struct GatherBytesToPermute : OpRewritePattern<arith::TruncIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncIOp trunc,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<VectorType>(trunc.getType());
    if (!resultType || !resultType.getElementType().isInteger(8) ||
        resultType.isScalable())
      return failure();
    auto gather = trunc.getIn().getDefiningOp<vector::GatherOp>();
    if (!gather)
      return failure();
    DenseElementsAttr table = constantTable(gather.getBase(), gather);
    if (!table || !llvm::all_of(gather.getOffsets(), [](Value v) {
          return isZeroInteger(v);
        }))
      return failure();
    if (!matchPattern(gather.getMask(), m_One()))
      return failure();
    Value x = byteIndex(gather.getIndices());
    if (!x || cast<VectorType>(x.getType()).getShape() != resultType.getShape())
      return failure();

    Location loc = trunc.getLoc();
    Type i8 = rewriter.getI8Type();
    auto reg = VectorType::get({kLanes}, i8);
    // The table truncated to bytes, in four registers.
    SmallVector<Value> t;
    {
      SmallVector<APInt> bytes;
      for (const APInt &v : table.getValues<APInt>())
        bytes.push_back(v.trunc(8));
      for (int64_t q = 0; q < kTableSize / kLanes; ++q)
        t.push_back(arith::ConstantOp::create(
            rewriter, loc,
            DenseElementsAttr::get(
                reg, ArrayRef<APInt>(bytes).slice(q * kLanes, kLanes))));
    }
    int64_t n = resultType.getNumElements();
    auto flatType = VectorType::get({n}, i8);
    Value flat = vector::ShapeCastOp::create(rewriter, loc, flatType, x);
    Value zeros = arith::ConstantOp::create(rewriter, loc,
                                            rewriter.getZeroAttr(reg));
    Value result =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(flatType));
    StringAttr permute = rewriter.getStringAttr("llvm.x86.avx512.vpermi2var.qi.512");
    for (int64_t off = 0; off < n; off += kLanes) {
      int64_t len = std::min(kLanes, n - off);
      Value chunk = flat;
      if (len != n)
        chunk = vector::ExtractStridedSliceOp::create(
            rewriter, loc, flat, ArrayRef<int64_t>{off}, ArrayRef<int64_t>{len},
            ArrayRef<int64_t>{1});
      if (len < kLanes)
        chunk = vector::InsertStridedSliceOp::create(
            rewriter, loc, chunk, zeros, ArrayRef<int64_t>{0},
            ArrayRef<int64_t>{1});
      Value lo = LLVM::CallIntrinsicOp::create(rewriter, loc, reg, permute,
                                               ValueRange{t[0], chunk, t[1]})
                     .getResult(0);
      Value hi = LLVM::CallIntrinsicOp::create(rewriter, loc, reg, permute,
                                               ValueRange{t[2], chunk, t[3]})
                     .getResult(0);
      Value negative = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, chunk, zeros);
      Value r = arith::SelectOp::create(rewriter, loc, negative, lo, hi);
      if (len < kLanes)
        r = vector::ExtractStridedSliceOp::create(
            rewriter, loc, r, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{len},
            ArrayRef<int64_t>{1});
      result = len == n ? r
                        : Value(vector::InsertStridedSliceOp::create(
                              rewriter, loc, r, result,
                              ArrayRef<int64_t>{off}, ArrayRef<int64_t>{1}));
    }
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(trunc, resultType,
                                                     result);
    return success();
  }
};

} // namespace

void dyad::populateByteLookupPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherBytesToPermute>(patterns.getContext());
}
