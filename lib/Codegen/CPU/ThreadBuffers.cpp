//===- ThreadBuffers.cpp - a tile's scratch buffer per thread -------------===//
//
// After convert-scf-to-openmp: a small buffer allocated and freed in each
// iteration of a worksharing loop (a tile's scratch, such as an AMX GEMM's
// accumulators, from an scf.forall body) becomes one stack buffer per
// thread at the parallel region's entry. The allocator call per tile goes,
// and with it LLVM's reload of the AMX tile configuration after each call.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPUTHREADBUFFERS
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

namespace {

/// The largest per-tile buffer made a per-thread stack buffer.
constexpr int64_t kMaxThreadBufferBytes = 16384;

/// The static shape of `alloc`: its dynamic sizes at their constant upper
/// bounds (a thread's tile: min(16, rows left)); none where unbounded.
std::optional<SmallVector<int64_t>> boundingShape(memref::AllocOp alloc) {
  SmallVector<int64_t> shape(alloc.getType().getShape());
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (!ShapedType::isDynamic(d))
      continue;
    FailureOr<int64_t> ub = ValueBoundsConstraintSet::computeConstantBound(
        presburger::BoundType::UB,
        ValueBoundsConstraintSet::Variable(alloc.getResult(), i),
        /*stopCondition=*/nullptr, /*closedUB=*/true);
    if (failed(ub) || *ub <= 0)
      return std::nullopt;
    d = *ub;
  }
  return shape;
}

/// A buffer of a tile that a thread computes (an AMX GEMM's accumulators,
/// allocated in the forall body, now an OpenMP worksharing loop's) was a
/// call to the allocator and its free per tile, and LLVM reloads the tile
/// configuration after each call. Small, and static or bounded (a partial
/// tile's rows), it moves to the parallel region's entry as a stack
/// allocation of the bounding shape: one per thread, reused by its
/// iterations (each writes its tile before reading it: a fresh
/// allocation's contents are undefined); a partial tile takes a view of it.
struct DyadCpuThreadBuffersPass
    : dyad::impl::DyadCpuThreadBuffersBase<DyadCpuThreadBuffersPass> {
  void runOnOperation() override {
    SmallVector<std::pair<memref::AllocOp, SmallVector<int64_t>>> moves;
    getOperation().walk([&](memref::AllocOp alloc) {
      auto parallel = alloc->getParentOfType<omp::ParallelOp>();
      MemRefType type = alloc.getType();
      if (!parallel || !alloc->getParentOfType<omp::WsloopOp>() ||
          !type.getLayout().isIdentity() || !type.getElementType().isIntOrFloat())
        return;
      std::optional<SmallVector<int64_t>> shape = boundingShape(alloc);
      if (!shape)
        return;
      int64_t bytes = type.getElementTypeBitWidth() / 8;
      for (int64_t d : *shape)
        bytes *= d;
      if (bytes > kMaxThreadBufferBytes)
        return;
      // Freed where it was allocated (not handed out of the iteration).
      for (Operation *user : alloc->getUsers())
        if (isa<memref::DeallocOp>(user) &&
            user->getBlock() != alloc->getBlock())
          return;
      moves.emplace_back(alloc, *shape);
    });
    for (auto &[alloc, shape] : moves) {
      MemRefType type = alloc.getType();
      auto parallel = alloc->getParentOfType<omp::ParallelOp>();
      OpBuilder b(&parallel.getRegion().front(),
                  parallel.getRegion().front().begin());
      Location loc = alloc.getLoc();
      Value stack = memref::AllocaOp::create(
          b, loc, MemRefType::get(shape, type.getElementType()),
          alloc.getAlignmentAttr());
      Value replacement = stack;
      if (!type.hasStaticShape()) {
        // The partial tile: a view of the buffer's first rows, cast back to
        // the identity layout (its strides are the full tile's).
        b.setInsertionPoint(alloc);
        SmallVector<OpFoldResult> sizes =
            memref::getMixedSizes(b, loc, alloc.getResult());
        SmallVector<OpFoldResult> zeros(shape.size(), b.getIndexAttr(0));
        SmallVector<OpFoldResult> ones(shape.size(), b.getIndexAttr(1));
        auto view = memref::SubViewOp::create(b, loc, stack, zeros, sizes, ones);
        MemRefType identity = MemRefType::get(
            type.getShape(), type.getElementType(),
            MemRefLayoutAttrInterface{}, type.getMemorySpace());
        SmallVector<int64_t> strides;
        int64_t offset;
        if (failed(view.getType().getStridesAndOffset(strides, offset)) ||
            !memref::CastOp::areCastCompatible(view.getType(), identity)) {
          view->erase();
          stack.getDefiningOp()->erase();
          continue;
        }
        replacement = memref::CastOp::create(b, loc, identity, view);
      }
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      alloc.getResult().replaceAllUsesWith(replacement);
      alloc->erase();
    }
  }
};

} // namespace
