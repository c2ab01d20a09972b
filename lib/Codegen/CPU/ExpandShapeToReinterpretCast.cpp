//===- ExpandShapeToReinterpretCast.cpp - around an upstream crash --------===//
//
// See the pass description (include/dyad/Codegen/CPU/Passes.td): MLIR 22's
// expand-strided-metadata crashes on memref.expand_shape ops that split a
// dim into several dynamic ones. Contiguous ones become reinterpret_casts.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace dyad {
#define GEN_PASS_DEF_DYADEXPANDSHAPETOREINTERPRETCAST
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

/// Whether some reassociation group of `op` has two or more dynamic result
/// dims (the form upstream cannot expand).
static bool splitsIntoDynamicDims(memref::ExpandShapeOp op) {
  MemRefType result = op.getResultType();
  for (const ReassociationIndices &group : op.getReassociationIndices()) {
    unsigned dynamic = 0;
    for (int64_t d : group)
      dynamic += result.isDynamicDim(d);
    if (dynamic >= 2)
      return true;
  }
  return false;
}

void dyad::expandShapesToReinterpretCasts(Operation *root,
                                          bool onlyDynamicSplits) {
  SmallVector<memref::ExpandShapeOp> ops;
  root->walk([&](memref::ExpandShapeOp op) {
    if (op.getSrcType().getLayout().isIdentity() &&
        op.getResultType().getLayout().isIdentity() &&
        (!onlyDynamicSplits || splitsIntoDynamicDims(op)))
      ops.push_back(op);
  });
  for (memref::ExpandShapeOp op : ops) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
    // Row-major strides: the suffix products of the sizes.
    SmallVector<OpFoldResult> strides(sizes.size());
    OpFoldResult stride = b.getIndexAttr(1);
    for (int64_t i = (int64_t)sizes.size() - 1; i >= 0; --i) {
      strides[i] = stride;
      if (i == 0)
        break;
      auto cs = getConstantIntValue(stride), cz = getConstantIntValue(sizes[i]);
      if (cs && cz)
        stride = b.getIndexAttr(*cs * *cz);
      else
        stride = arith::MulIOp::create(
                     b, loc, getValueOrCreateConstantIndexOp(b, loc, stride),
                     getValueOrCreateConstantIndexOp(b, loc, sizes[i]))
                     .getResult();
    }
    auto cast = memref::ReinterpretCastOp::create(
        b, loc, op.getResultType(), op.getSrc(), b.getIndexAttr(0), sizes,
        strides);
    op.replaceAllUsesWith(cast.getResult());
    op.erase();
  }
}

namespace {
struct DyadExpandShapeToReinterpretCastPass
    : dyad::impl::DyadExpandShapeToReinterpretCastBase<
          DyadExpandShapeToReinterpretCastPass> {
  void runOnOperation() override {
    dyad::expandShapesToReinterpretCasts(getOperation(),
                                         /*onlyDynamicSplits=*/true);
  }
};
} // namespace
