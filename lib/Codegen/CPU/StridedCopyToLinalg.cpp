//===- StridedCopyToLinalg.cpp - keep models free of memrefCopy -----------===//
//
// memref.copy between strided buffers (a tile written into a padded buffer,
// a view copied out of one) lowers to a call of MLIR's runner-utilities
// `memrefCopy` unless both sides are contiguous. Here such a copy becomes a
// loop nest over its outer dims around a copy of the innermost dims that
// are contiguous in both buffers and of static size: that one lowers to
// llvm.memcpy (inlined as vector moves for small rows). Copies with no such
// rows (innermost stride not 1) become linalg.copy: scalar loops.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace dyad {
#define GEN_PASS_DEF_DYADSTRIDEDCOPYTOLINALG
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

/// The first dim d such that dims [d, rank) are static and row-major
/// contiguous in `type` (rank when none is).
static int64_t contiguousSuffix(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return type.getRank();
  int64_t expected = 1, d = type.getRank();
  while (d > 0) {
    int64_t size = type.getDimSize(d - 1);
    if (ShapedType::isDynamic(size) ||
        (size != 1 && strides[d - 1] != expected))
      break;
    expected *= size;
    --d;
  }
  return d;
}

namespace {
struct DyadStridedCopyToLinalgPass
    : dyad::impl::DyadStridedCopyToLinalgBase<DyadStridedCopyToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp op) {
      auto src = dyn_cast<MemRefType>(op.getSource().getType());
      auto dst = dyn_cast<MemRefType>(op.getTarget().getType());
      // Contiguous copies become llvm.memcpy; leave them.
      if (src && dst && src.getLayout().isIdentity() &&
          dst.getLayout().isIdentity())
        return;
      copies.push_back(op);
    });
    for (memref::CopyOp op : copies) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      auto src = dyn_cast<MemRefType>(op.getSource().getType());
      auto dst = dyn_cast<MemRefType>(op.getTarget().getType());
      int64_t rank = src ? src.getRank() : 0;
      int64_t d = src && dst ? std::max(contiguousSuffix(src),
                                        contiguousSuffix(dst))
                             : rank;
      if (d >= rank || rank == 0) {
        linalg::CopyOp::create(b, loc, op.getSource(), op.getTarget());
        op.erase();
        continue;
      }
      // Loops over dims [0, d), a static contiguous block [d, rank) each.
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      SmallVector<Value> ivs;
      for (int64_t i = 0; i < d; ++i) {
        Value ub = memref::DimOp::create(b, loc, op.getSource(), i);
        auto loop = scf::ForOp::create(b, loc, zero, ub, one);
        b.setInsertionPointToStart(loop.getBody());
        ivs.push_back(loop.getInductionVar());
      }
      SmallVector<OpFoldResult> offsets(ivs.begin(), ivs.end());
      offsets.append(rank - d, b.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes(d, b.getIndexAttr(1));
      SmallVector<int64_t> blockShape;
      // The block without its unit dims (all of them dropped: no
      // ambiguity in which ones the rank-reduced view drops).
      for (int64_t i = d; i < rank; ++i) {
        sizes.push_back(b.getIndexAttr(src.getDimSize(i)));
        if (src.getDimSize(i) != 1)
          blockShape.push_back(src.getDimSize(i));
      }
      SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
      auto block = [&](Value v) -> Value {
        auto t = cast<MemRefType>(v.getType());
        MemRefType reduced = memref::SubViewOp::inferRankReducedResultType(
            blockShape, t, offsets, sizes, strides);
        return memref::SubViewOp::create(b, loc, reduced, v, offsets, sizes,
                                         strides);
      };
      memref::CopyOp::create(b, loc, block(op.getSource()),
                             block(op.getTarget()));
      op.erase();
    }
  }
};
} // namespace
