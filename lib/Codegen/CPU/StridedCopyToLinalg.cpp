//===- StridedCopyToLinalg.cpp - keep models free of memrefCopy -----------===//
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace dyad {
#define GEN_PASS_DEF_DYADSTRIDEDCOPYTOLINALG
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

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
      linalg::CopyOp::create(b, op.getLoc(), op.getSource(), op.getTarget());
      op.erase();
    }
  }
};
} // namespace
