//===- ParallelThreshold.cpp - fork threads only for enough work ----------===//
//
// A parallel region costs a fork and a join (a few microseconds with
// libomp's hot team). Whether an op has enough work to pay for it often
// depends on the batch size, known only at run time. Each omp.parallel gets
// an `if` clause: its worksharing loop's trip count times a static estimate
// of the work per iteration (vector lanes computed, through the inner loops
// of constant trip count) must reach kMinParallelWork; otherwise the region
// runs on the calling thread, serialized (no fork).
//
// The condition goes into the `num_threads` clause (omp_get_max_threads()
// or 1), not the `if` clause: LLVM 22 lowers `if` to __kmpc_fork_call_if,
// which Debian's libomp (14) does not have.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPUPARALLELTHRESHOLD
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

/// Lane-operations below which a region runs serialized: about a
/// microsecond of one core's vector work (2 vector ops of 16 lanes a
/// cycle), the order of a fork and join.
static constexpr int64_t kMinParallelWork = 1 << 17;
/// An inner loop whose trip count is not a constant counts this many times.
static constexpr int64_t kUnknownTrips = 16;

/// Estimated lane-operations of one execution of `region`.
static int64_t workOf(Region &region) {
  int64_t work = 0;
  for (Block &block : region)
    for (Operation &op : block) {
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        std::optional<int64_t> trips = loop.getStaticTripCount()
                                           ? std::optional<int64_t>(
                                                 loop.getStaticTripCount()
                                                     ->getSExtValue())
                                           : std::nullopt;
        work += trips.value_or(kUnknownTrips) * workOf(loop.getRegion());
        continue;
      }
      int64_t lanes = 1;
      for (Type t : op.getResultTypes())
        if (auto v = dyn_cast<VectorType>(t))
          lanes = std::max<int64_t>(lanes, v.getNumElements());
      work += lanes;
      for (Region &r : op.getRegions())
        work += workOf(r);
      work = std::min<int64_t>(work, 1LL << 40);
    }
  return work;
}

namespace {
struct DyadCpuParallelThresholdPass
    : dyad::impl::DyadCpuParallelThresholdBase<DyadCpuParallelThresholdPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp maxThreads;
    auto declare = [&]() {
      if (maxThreads)
        return;
      maxThreads = module.lookupSymbol<func::FuncOp>("omp_get_max_threads");
      if (maxThreads)
        return;
      OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
      maxThreads = func::FuncOp::create(
          b, module.getLoc(), "omp_get_max_threads",
          b.getFunctionType({}, {b.getI32Type()}));
      maxThreads.setPrivate();
    };
    module.walk([&](omp::ParallelOp parallel) {
      if (parallel.getIfExpr() || parallel.getNumThreads())
        return;
      omp::LoopNestOp nest;
      parallel.walk([&](omp::LoopNestOp n) {
        if (!nest)
          nest = n;
      });
      if (!nest)
        return;
      // The bounds must be computed before the region to be tested there.
      auto outside = [&](Value v) {
        return !parallel->isAncestor(v.getParentRegion()->getParentOp()) &&
               v.getParentRegion()->isAncestor(parallel->getParentRegion());
      };
      for (ValueRange vs : {ValueRange(nest.getLoopLowerBounds()),
                            ValueRange(nest.getLoopUpperBounds()),
                            ValueRange(nest.getLoopSteps())})
        for (Value v : vs)
          if (!outside(v))
            return;
      int64_t perIteration = std::max<int64_t>(1, workOf(nest.getRegion()));
      int64_t minTrips =
          (kMinParallelWork + perIteration - 1) / perIteration;
      declare();
      OpBuilder b(parallel);
      Location loc = parallel.getLoc();
      Type type = nest.getLoopLowerBounds().front().getType();
      auto constant = [&](int64_t v) -> Value {
        return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
      };
      Value trips = constant(1);
      for (auto [lb, ub, step] :
           llvm::zip(nest.getLoopLowerBounds(), nest.getLoopUpperBounds(),
                     nest.getLoopSteps())) {
        Value span = arith::SubIOp::create(b, loc, ub, lb);
        if (!nest.getLoopInclusive())
          span = arith::AddIOp::create(
              b, loc, span,
              arith::SubIOp::create(b, loc, step, constant(1)));
        else
          span = arith::AddIOp::create(b, loc, span, step);
        Value n = arith::DivSIOp::create(b, loc, span, step);
        trips = arith::MulIOp::create(b, loc, trips, n);
      }
      Value enough = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                           trips, constant(minTrips));
      Value all = func::CallOp::create(b, loc, maxThreads, ValueRange{})
                      .getResult(0);
      Value one = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(1));
      parallel.getNumThreadsMutable().assign(
          arith::SelectOp::create(b, loc, enough, all, one));
    });
  }
};
} // namespace
