//===- Profile.cpp - time and operation counts per ONNX node --------------===//
//
// dyad-cpu-profile instruments the graph for `dyadc --profile` and
// `dyad-run --profile`. It runs on tensors after the kernel choice
// (dyad-cpu-select-kernels) and before tiling, so it sees each kernel as
// one op, with the ONNX node it came from in its location, and knows which
// ops the tiling will compute inside another's loops:
//
//  - The ops of the function body are cut into groups, one per kernel: a
//    group starts at each op that does work (a linalg op, a pad, a loop)
//    whose node differs from the group before. A convolution or GEMM fused
//    into its epilogue (dyad.cpu.fuse_producer), and its accumulator's
//    init, belong to the epilogue's group, which is named after the
//    contraction (the node whose kernel it is); the other nodes computed in
//    the same loops are listed as the group's fused nodes.
//  - Before each group: `call @dyad_profile_mark(id)`; before the return:
//    `call @dyad_profile_mark(-1)`. The model library's mark function
//    (ModelSupport/model_support.c, compiled with DYAD_PROFILE_GROUPS)
//    charges the time since the previous mark to the previous group.
//  - Contractions (a reduction whose body multiplies) also call
//    `dyad_profile_ops(id, n)` with their operation count computed at run
//    time from their loop ranges (2 per multiply-add, dynamic dims
//    included), so the profile reports the rate each kernel reaches.
//
// The table of groups (node, kernel, fused nodes) is left on the module as
// `dyad.profile`; dyadc writes it into the artifact's description.
//
// The calls are opaque to the passes that follow (they have side effects
// and take no tensor), so the kernels are the same code as without
// --profile, with a call between them.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/KernelStrategy.h"
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPUPROFILE
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

/// The ONNX node names in `loc` (the importer names each op's location
/// after its node; fused ops carry several), in order, without repeats.
static void nodeNames(Location loc, llvm::SetVector<StringRef> &names) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (!name.getName().getValue().empty())
      names.insert(name.getName().getValue());
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location l : fused.getLocations())
      nodeNames(l, names);
    return;
  }
  if (auto site = dyn_cast<CallSiteLoc>(loc))
    nodeNames(site.getCallee(), names);
}

/// A name for an op that no ONNX node has (the quantization of a graph
/// input, a dequantization at the output): the graph input or output it
/// touches, else the op's name.
static std::string unnamed(Operation *op, func::FuncOp func) {
  auto tensorName = [](Attribute a, unsigned i) {
    auto s = dyn_cast_or_null<StringAttr>(a);
    return s ? s.str() : "#" + std::to_string(i);
  };
  for (Value v : op->getOperands())
    if (auto arg = dyn_cast<BlockArgument>(v);
        arg && arg.getOwner() == &func.getBody().front())
      return "(input " +
             tensorName(func.getArgAttr(arg.getArgNumber(), "dyad.name"),
                        arg.getArgNumber()) +
             ")";
  for (OpOperand &use : op->getUses())
    if (isa<func::ReturnOp>(use.getOwner()))
      return "(output " +
             tensorName(func.getResultAttr(use.getOperandNumber(), "dyad.name"),
                        use.getOperandNumber()) +
             ")";
  return "(" + op->getName().getStringRef().str() + ")";
}

/// Ops that do no work of their own once bufferized: shape and scalar
/// arithmetic, views, empty tensors. They never start a group.
static bool isFree(Operation *op) {
  if (op->getNumRegions() > 0)
    return false;
  if (isa<tensor::EmptyOp, tensor::DimOp, tensor::CastOp,
          tensor::ExpandShapeOp, tensor::CollapseShapeOp,
          tensor::ExtractSliceOp, tensor::ExtractOp, tensor::FromElementsOp,
          tensor::BitcastOp>(op))
    return true;
  Dialect *dialect = op->getDialect();
  return isa_and_nonnull<arith::ArithDialect, math::MathDialect,
                         index::IndexDialect, affine::AffineDialect>(dialect);
}

/// Whether `op` is a contraction: a reduction whose body multiplies two of
/// its inputs that both vary along a reduction loop (convolutions, GEMMs, matmuls, in any packed form; not
/// pooling, sums, or a variance's square).
static bool isContraction(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0)
    return false;
  Block *body = op.getBlock();
  auto input = [&](Value v) -> int64_t {
    while (Operation *def = v.getDefiningOp()) {
      if (!isa<arith::ExtSIOp, arith::ExtUIOp, arith::ExtFOp, arith::SIToFPOp,
               arith::UIToFPOp>(def))
        return -1;
      v = def->getOperand(0);
    }
    auto arg = dyn_cast<BlockArgument>(v);
    if (!arg || arg.getOwner() != body ||
        arg.getArgNumber() >= op.getNumDpsInputs())
      return -1;
    return arg.getArgNumber();
  };
  // Both factors vary along a reduction loop (a per-channel scale of a
  // sum, as in a requantization fused into a pooling, does not).
  auto reduces = [&](int64_t input) {
    AffineMap map = op.getMatchingIndexingMap(op.getDpsInputOperand(input));
    for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray()))
      if (it == utils::IteratorType::reduction &&
          map.isFunctionOfDim(i))
        return true;
    return false;
  };
  for (Operation &inner : body->without_terminator())
    if (isa<arith::MulFOp, arith::MulIOp>(inner)) {
      int64_t a = input(inner.getOperand(0)), b = input(inner.getOperand(1));
      if (a >= 0 && b >= 0 && a != b && reduces(a) && reduces(b))
        return true;
    }
  return false;
}

namespace {
/// Records the tensor.dim ops a builder creates.
struct DimCollector : OpBuilder::Listener {
  explicit DimCollector(SmallVectorImpl<Operation *> &dims) : dims(dims) {}
  void notifyOperationInserted(Operation *op,
                               OpBuilder::InsertPoint) override {
    if (isa<tensor::DimOp>(op))
      dims.push_back(op);
  }
  SmallVectorImpl<Operation *> &dims;
};

struct Group {
  std::string node, kernel;
  llvm::SetVector<StringRef> fused;
  bool contraction = false; // kernel names a contraction's kernel
};

struct DyadCpuProfilePass
    : dyad::impl::DyadCpuProfileBase<DyadCpuProfilePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    OpBuilder b(ctx);
    Type i32 = b.getI32Type(), i64 = b.getI64Type();
    auto declare = [&](StringRef name, TypeRange args) {
      if (module.lookupSymbol<func::FuncOp>(name))
        return;
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToEnd(module.getBody());
      auto f = func::FuncOp::create(b, module.getLoc(), name,
                                    b.getFunctionType(args, {}));
      f.setPrivate();
    };
    declare("dyad_profile_mark", {i32});
    declare("dyad_profile_ops", {i32, i64});

    std::vector<Group> groups;
    module.walk([&](func::FuncOp func) {
      if (func.isExternal() || !func.getBody().hasOneBlock())
        return;
      instrument(func, b, groups);
    });

    SmallVector<Attribute> table;
    for (const Group &g : groups) {
      SmallVector<Attribute> fused;
      for (StringRef n : g.fused)
        fused.push_back(b.getStringAttr(n));
      table.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("node", b.getStringAttr(g.node)),
           b.getNamedAttr("kernel", b.getStringAttr(g.kernel)),
           b.getNamedAttr("fused", b.getArrayAttr(fused))}));
    }
    module->setAttr("dyad.profile", b.getArrayAttr(table));
  }

  void instrument(func::FuncOp func, OpBuilder &b,
                  std::vector<Group> &groups) {
    Block &body = func.getBody().front();
    // The contractions (and their accumulators' inits) that the tiling
    // computes inside an epilogue's loops: they run in the epilogue's
    // group, which they name.
    DenseMap<Operation *, Operation *> epilogueOf;
    DenseMap<Operation *, linalg::LinalgOp> contractionOf;
    for (Operation &op : body) {
      if (!op.hasAttr(kFuseProducerAttr))
        continue;
      for (Value v : op.getOperands()) {
        auto producer = v.getDefiningOp<linalg::LinalgOp>();
        if (!producer || producer->getBlock() != &body ||
            !producer->hasAttr(kKernelAttr) || !isContraction(producer))
          continue;
        epilogueOf[producer] = &op;
        contractionOf[&op] = producer;
        for (Value init : producer.getDpsInits())
          if (Operation *def = init.getDefiningOp();
              def && def->getBlock() == &body && def->hasOneUse() &&
              !isFree(def))
            epilogueOf[def] = &op;
      }
    }

    Location loc = func.getLoc();
    SmallVector<Operation *> dims;
    auto mark = [&](Operation *before, int32_t id) {
      b.setInsertionPoint(before);
      Value c = arith::ConstantIntOp::create(b, loc, id, 32);
      func::CallOp::create(b, loc, "dyad_profile_mark", TypeRange{},
                           ValueRange{c});
    };
    auto countOps = [&](Operation *before, linalg::LinalgOp op, int32_t id) {
      b.setInsertionPoint(before);
      Value n = arith::ConstantIndexOp::create(b, loc, 2);
      // createLoopRanges reads every dynamic dim of every operand; the
      // tensor.dim ops it creates are collected (the unused ones erased
      // below).
      DimCollector collector(dims);
      OpBuilder::Listener *previous = b.getListener();
      b.setListener(&collector);
      SmallVector<Range> ranges = op.createLoopRanges(b, loc);
      b.setListener(previous);
      for (Range r : ranges) {
        Value size = getValueOrCreateConstantIndexOp(b, loc, r.size);
        n = arith::MulIOp::create(b, loc, n, size);
      }
      Value n64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), n);
      Value c = arith::ConstantIntOp::create(b, loc, id, 32);
      func::CallOp::create(b, loc, "dyad_profile_ops", TypeRange{},
                           ValueRange{c, n64});
    };

    SmallVector<Operation *> ops;
    for (Operation &op : body)
      ops.push_back(&op);
    int32_t current = -1;
    for (Operation *op : ops) {
      if (op->hasTrait<OpTrait::IsTerminator>()) {
        if (current >= 0)
          mark(op, -1);
        continue;
      }
      if (isFree(op) || epilogueOf.count(op) || isa<func::CallOp>(op))
        continue;
      // The op whose kernel this group is, and the nodes it computes.
      Operation *main = op;
      if (auto c = contractionOf.lookup(op))
        main = c;
      llvm::SetVector<StringRef> names;
      nodeNames(main->getLoc(), names);
      nodeNames(op->getLoc(), names);
      for (auto [inner, epilogue] : epilogueOf)
        if (epilogue == op)
          nodeNames(inner->getLoc(), names);
      std::string node =
          names.empty() ? unnamed(op, func) : names.front().str();
      if (current < 0 || groups[current].node != node) {
        current = groups.size();
        groups.emplace_back();
        groups.back().node = node;
        mark(op, current);
      }
      // The group's kernel: its contraction's (a convolution after the pad
      // that feeds it), else its first op's.
      Group &g = groups[current];
      auto linalgOp = dyn_cast<linalg::LinalgOp>(main);
      bool contraction = linalgOp && isContraction(linalgOp);
      if (g.kernel.empty() || (contraction && !g.contraction)) {
        if (auto k = main->getAttrOfType<StringAttr>(kKernelAttr))
          g.kernel = k.getValue().str();
        else if (linalgOp)
          g.kernel = "loops";
        else
          g.kernel = main->getName().getStringRef().str();
        g.contraction = contraction;
      }
      for (StringRef n : names)
        if (n != g.node)
          g.fused.insert(n);
      if (contraction)
        countOps(op, linalgOp, current);
    }
    // The dynamic sizes the counts read, tensor.dim of a kernel's operands,
    // are resolved back to where they come from (the inputs' dims, the
    // tensor.empty operands): a tensor.dim of a kernel's result would be
    // one more use of it, which the fusions after this pass look at.
    SmallVector<Operation *> used;
    for (Operation *dim : dims) {
      if (dim->use_empty())
        dim->erase();
      else
        used.push_back(dim);
    }
    RewritePatternSet patterns(func.getContext());
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    tensor::DimOp::getCanonicalizationPatterns(patterns, func.getContext());
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    (void)applyOpPatternsGreedily(used, std::move(patterns), config);
  }
};
} // namespace
