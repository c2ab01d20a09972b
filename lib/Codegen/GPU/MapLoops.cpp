//===- MapLoops.cpp - every linalg op as blocks of GPU threads ------------===//
//
// The general GPU path: each linalg op (and memref.copy) becomes loops
// whose parallel dims are collapsed into one and cut into blocks of
// `block-size` threads, one thread per element of the iteration space.
// Reductions stay sequential in the thread. An op without parallel dims
// (a full reduction) runs in one thread of one block: slow, but on the GPU
// (the host never touches device memory).
//
//===----------------------------------------------------------------------===//

#include "Fusion.h"
#include "dyad/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"

namespace dyad {
#define GEN_PASS_DEF_DYADGPUMAPLOOPS
#include "dyad/Codegen/GPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

namespace {

/// The scf.parallel loops of `f` not nested in another loop.
static SmallVector<scf::ParallelOp> outermostParallelLoops(func::FuncOp f) {
  SmallVector<scf::ParallelOp> loops;
  f.walk([&](scf::ParallelOp p) {
    if (!p->getParentOfType<scf::ParallelOp>() &&
        !p->getParentOfType<scf::ForOp>())
      loops.push_back(p);
  });
  return loops;
}

struct DyadGpuMapLoopsPass
    : dyad::impl::DyadGpuMapLoopsBase<DyadGpuMapLoopsPass> {
  using DyadGpuMapLoopsBase::DyadGpuMapLoopsBase;

  void runOnOperation() override {
    func::FuncOp f = getOperation();
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);
    if (blockSize <= 0 || blockSize > 1024) {
      f.emitError() << "block-size " << static_cast<int64_t>(blockSize)
                    << " is not a thread count of a block (1..1024)";
      return signalPassFailure();
    }

    // Copies are loops like any other op.
    SmallVector<memref::CopyOp> copies;
    f.walk([&](memref::CopyOp c) { copies.push_back(c); });
    for (memref::CopyOp c : copies) {
      rewriter.setInsertionPoint(c);
      linalg::CopyOp::create(rewriter, c.getLoc(), c.getSource(),
                             c.getTarget());
      rewriter.eraseOp(c);
    }

    SmallVector<linalg::LinalgOp> ops;
    f.walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    for (linalg::LinalgOp op : ops) {
      if (!op.hasPureBufferSemantics()) {
        op->emitError("GPU lowering: not bufferized");
        return signalPassFailure();
      }
      // Parallel dims after a reduction dim would become sequential loops
      // inside it: move them outward (a mean over tokens, [n, t, c]).
      SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
      auto firstRed = llvm::find(iters, utils::IteratorType::reduction);
      if (std::find(firstRed, iters.end(), utils::IteratorType::parallel) !=
          iters.end()) {
        FailureOr<linalg::GenericOp> moved =
            dyad::gpu::parallelDimsFirst(rewriter, op);
        if (failed(moved))
          return signalPassFailure();
        op = cast<linalg::LinalgOp>(moved->getOperation());
      }
      // No parallel dim: wrap the op in a loop of one iteration, so that
      // its loops run in a kernel too.
      if (op.getNumParallelLoops() == 0) {
        rewriter.setInsertionPoint(op);
        Location loc = op.getLoc();
        Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
        Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
        auto wrap = scf::ParallelOp::create(rewriter, loc, ValueRange{zero},
                                            ValueRange{one}, ValueRange{one});
        op->moveBefore(wrap.getBody()->getTerminator());
      }
      rewriter.setInsertionPoint(op);
      if (failed(linalg::linalgOpToParallelLoops(rewriter, op))) {
        op->emitError("GPU lowering: cannot lower this op to loops");
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
    }

    // One dim per loop nest, cut into blocks of threads.
    for (scf::ParallelOp p : outermostParallelLoops(f))
      if (p.getNumLoops() > 1) {
        std::vector<unsigned> all;
        for (unsigned i = 0; i < p.getNumLoops(); ++i)
          all.push_back(i);
        rewriter.setInsertionPoint(p);
        collapseParallelLoops(rewriter, p, {all});
      }
    auto dim = [&](gpu::Processor proc) {
      AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
      return gpu::ParallelLoopDimMappingAttr::get(ctx, proc, id, id);
    };
    for (scf::ParallelOp p : outermostParallelLoops(f)) {
      std::pair<scf::ParallelOp, scf::ParallelOp> tiled =
          scf::tileParallelLoop(p, {blockSize}, /*noMinMaxBounds=*/true);
      scf::ParallelOp blocks = tiled.first, threads = tiled.second;
      // Inner parallel loops (none today) run sequentially in the thread.
      threads.walk([&](scf::ParallelOp inner) {
        if (inner == threads)
          return;
        SmallVector<gpu::ParallelLoopDimMappingAttr> seq(
            inner.getNumLoops(), dim(gpu::Processor::Sequential));
        (void)gpu::setMappingAttr(inner, seq);
      });
      if (failed(gpu::setMappingAttr(blocks, {dim(gpu::Processor::BlockX)})) ||
          failed(
              gpu::setMappingAttr(threads, {dim(gpu::Processor::ThreadX)}))) {
        p->emitError("GPU lowering: cannot map the loop");
        return signalPassFailure();
      }
    }
  }
};
} // namespace
