//===- ContractionLoops.cpp - reductions with register accumulators -------===//
//
// The plain loop lowering of a linalg op with reductions (a convolution, a
// matmul) loads and stores its output element in device memory at every
// step of the reduction: the pointers may alias, so LLVM cannot keep the
// sum in a register. This pass writes each such op's loops itself: the
// parallel dims as one scf.parallel (a thread per output element after
// dyad-gpu-map-loops), the reductions as scf.for loops carrying the
// accumulators. It fuses three neighbours into the same loop nest where the
// buffers make it safe:
//
//   init      the elementwise op (of constants) that fills the result
//             buffer first: a bias broadcast, the identity of a max pool;
//   consumer  the elementwise op right after that reads the result: the
//             requantization with its activation or residual add;
//   padding   an input that is a buffer filled with the pad value with the
//             source copied into its interior (tensor.pad, bufferized): the
//             source is read directly and a tap outside it is the pad value.
//
// The result buffer then never exists, nor do the padded copies.
//
//===----------------------------------------------------------------------===//

#include "Fusion.h"
#include "dyad/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"

namespace dyad {
#define GEN_PASS_DEF_DYADGPUCONTRACTIONLOOPS
#include "dyad/Codegen/GPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad::gpu;

namespace {

/// The buffer a view is a view of (through subviews, reshapes, casts).
Value rootBuffer(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      break;
    v = view.getViewSource();
  }
  return v;
}

/// Whether `op` may write memory that `root` (a root buffer) holds.
bool mayWrite(Operation *op, Value root) {
  if (isMemoryEffectFree(op))
    return false;
  std::optional<SmallVector<MemoryEffects::EffectInstance>> effects =
      getEffectsRecursively(op);
  if (!effects)
    return true;
  for (const MemoryEffects::EffectInstance &e : *effects) {
    if (!isa<MemoryEffects::Write>(e.getEffect()))
      continue;
    Value v = e.getValue();
    if (!v || rootBuffer(v) == root)
      return true;
  }
  return false;
}

/// Whether any op strictly between `from` and `to` (same block, in order)
/// may write `root`.
bool writtenBetween(Operation *from, Operation *to, Value root) {
  for (Operation *op = from->getNextNode(); op && op != to;
       op = op->getNextNode())
    if (mayWrite(op, root))
      return true;
  return false;
}

/// A generic whose loops are all parallel and whose outputs are written at
/// the identity map: one output element per iteration.
bool isElementwise(linalg::GenericOp g) {
  return g.getNumParallelLoops() == g.getNumLoops() &&
         llvm::all_of(g.getDpsInitsMutable(), [&](OpOperand &o) {
           return g.getMatchingIndexingMap(&o).isIdentity();
         });
}

/// The values of `map`'s results at `ivs`.
} // namespace

SmallVector<Value> dyad::gpu::applyMap(OpBuilder &b, Location loc,
                                       AffineMap map, ValueRange ivs) {
  SmallVector<Value> out;
  for (AffineExpr e : map.getResults()) {
    if (auto d = dyn_cast<AffineDimExpr>(e)) {
      out.push_back(ivs[d.getPosition()]);
      continue;
    }
    out.push_back(affine::AffineApplyOp::create(
        b, loc, AffineMap::get(map.getNumDims(), map.getNumSymbols(), e), ivs));
  }
  return out;
}

SmallVector<Value> dyad::gpu::emitInit(OpBuilder &b, Location loc,
                                       linalg::GenericOp init, ValueRange idx) {
  SmallVector<Value> args;
  for (OpOperand *in : init.getDpsInputOperands())
    args.push_back(
        init.getMatchingBlockArgument(in).use_empty()
            ? Value()
            : load(b, loc, in->get(),
                   applyMap(b, loc, init.getMatchingIndexingMap(in), idx)));
  args.append(init.getNumDpsInits(), Value()); // outputs never read
  return inlineBody(b, init, args, idx);
}

void dyad::gpu::emitConsumer(OpBuilder &b, Location loc, const Plan &plan,
                             ValueRange results, ValueRange idx) {
  linalg::GenericOp c = plan.consumer;
  SmallVector<Value> args;
  for (OpOperand *in : c.getDpsInputOperands()) {
    if (in->get() == plan.result) {
      args.push_back(results[0]);
      continue;
    }
    args.push_back(
        c.getMatchingBlockArgument(in).use_empty()
            ? Value()
            : load(b, loc, in->get(),
                   applyMap(b, loc, c.getMatchingIndexingMap(in), idx)));
  }
  for (OpOperand &o : c.getDpsInitsMutable())
    args.push_back(c.getMatchingBlockArgument(&o).use_empty()
                       ? Value()
                       : load(b, loc, o.get(), idx));
  SmallVector<Value> ys = inlineBody(b, c, args, idx);
  for (auto [y, o] : llvm::zip(ys, c.getDpsInits()))
    memref::StoreOp::create(b, loc, y, o, idx);
}

SmallVector<Value> dyad::gpu::inlineBody(OpBuilder &b, linalg::GenericOp g,
                                         ArrayRef<Value> args, ValueRange ivs) {
  Block &body = g.getRegion().front();
  IRMapping m;
  for (auto [arg, v] : llvm::zip(body.getArguments(), args))
    if (v)
      m.map(arg, v);
  for (Operation &op : body.without_terminator()) {
    if (auto idx = dyn_cast<linalg::IndexOp>(op)) {
      m.map(idx.getResult(), ivs[idx.getDim()]);
      continue;
    }
    b.clone(op, m);
  }
  SmallVector<Value> out;
  for (Value v : body.getTerminator()->getOperands())
    out.push_back(m.lookupOrDefault(v));
  return out;
}

namespace {

/// The value an op that only fills its one output yields; null otherwise.
Value fillValue(linalg::LinalgOp op) {
  if (auto fill = dyn_cast<linalg::FillOp>(op.getOperation()))
    return fill.value();
  auto g = dyn_cast<linalg::GenericOp>(op.getOperation());
  auto map = dyn_cast<linalg::MapOp>(op.getOperation());
  Region *region = g ? &g.getRegion() : map ? &map.getMapper() : nullptr;
  if (!region || op.getNumDpsInits() != 1)
    return {};
  Value v = region->front().getTerminator()->getOperand(0);
  // A generalized fill yields its scalar input.
  if (auto arg = dyn_cast<BlockArgument>(v);
      arg && arg.getOwner() == &region->front() &&
      arg.getArgNumber() < op.getNumDpsInputs()) {
    Value in = op->getOperand(arg.getArgNumber());
    return isa<MemRefType, TensorType>(in.getType()) ? Value() : in;
  }
  if (v.getParentRegion() == region || op.getNumDpsInputs() != 0)
    return {};
  return v;
}

/// The padding of input `in` of `c`, if the buffer is one.
std::optional<Padding> matchPadding(linalg::GenericOp c, Value in) {
  auto alloc = in.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != c->getBlock())
    return std::nullopt;
  Padding p;
  p.padded = in;
  for (Operation *user : in.getUsers()) {
    if (user == c.getOperation() || isa<memref::DeallocOp>(user))
      continue;
    if (auto sv = dyn_cast<memref::SubViewOp>(user)) {
      if (p.interior || !sv->hasOneUse())
        return std::nullopt;
      p.interior = sv;
      continue;
    }
    auto fill = dyn_cast<linalg::LinalgOp>(user);
    if (!fill || p.fill ||
        !fill.isDpsInit(
            &*llvm::find_if(user->getOpOperands(),
                            [&](OpOperand &o) { return o.get() == in; })))
      return std::nullopt;
    Value v = fillValue(fill);
    if (!v)
      return std::nullopt;
    p.fill = user;
    p.value = v;
  }
  if (!p.fill || !p.interior)
    return std::nullopt;
  // The copy of the source into the interior.
  Operation *copy = *p.interior->getUsers().begin();
  if (auto mc = dyn_cast<memref::CopyOp>(copy)) {
    if (mc.getTarget() != p.interior.getResult())
      return std::nullopt;
    p.source = mc.getSource();
  } else if (auto lc = dyn_cast<linalg::CopyOp>(copy)) {
    if (lc.getOutputs()[0] != p.interior.getResult())
      return std::nullopt;
    p.source = lc.getInputs()[0];
  } else {
    return std::nullopt;
  }
  p.copy = copy;
  // Unit strides and static offsets; a dynamic dim takes no padding.
  auto paddedType = cast<MemRefType>(in.getType());
  auto sourceType = cast<MemRefType>(p.source.getType());
  for (auto [i, off, stride] : llvm::enumerate(p.interior.getStaticOffsets(),
                                               p.interior.getStaticStrides())) {
    if (ShapedType::isDynamic(off) || stride != 1)
      return std::nullopt;
    if (paddedType.isDynamicDim(i) || sourceType.isDynamicDim(i)) {
      if (off != 0)
        return std::nullopt;
    } else if (off + sourceType.getDimSize(i) > paddedType.getDimSize(i)) {
      return std::nullopt;
    }
    p.low.push_back(off);
  }
  // Fill, copy, use in that order, the source unchanged until the use.
  Block *b = c->getBlock();
  if (p.fill->getBlock() != b || copy->getBlock() != b ||
      !p.fill->isBeforeInBlock(copy) || !copy->isBeforeInBlock(c))
    return std::nullopt;
  return p;
}

/// Loads `v` (a memref or a scalar) at `idx`.
} // namespace

Value dyad::gpu::load(OpBuilder &b, Location loc, Value v, ValueRange idx) {
  if (!isa<MemRefType>(v.getType()))
    return v;
  return memref::LoadOp::create(b, loc, v, idx);
}

namespace {

/// Loads input `p` at indices `idx` of the padded buffer.
Value loadPadded(OpBuilder &b, Location loc, const Padding &p, ValueRange idx) {
  auto sourceType = cast<MemRefType>(p.source.getType());
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value inside;
  SmallVector<Value> at;
  for (auto [d, i] : llvm::enumerate(idx)) {
    if (p.low[d] == 0 &&
        (sourceType.isDynamicDim(d) ||
         sourceType.getDimSize(d) ==
             cast<MemRefType>(p.padded.getType()).getDimSize(d))) {
      at.push_back(i);
      continue;
    }
    Value s = arith::SubIOp::create(
        b, loc, i, arith::ConstantIndexOp::create(b, loc, p.low[d]));
    Value last =
        arith::ConstantIndexOp::create(b, loc, sourceType.getDimSize(d) - 1);
    Value ge =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, s, zero);
    Value le =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, s, last);
    Value in = arith::AndIOp::create(b, loc, ge, le);
    inside = inside ? arith::AndIOp::create(b, loc, inside, in) : in;
    // A tap outside reads the nearest element (in bounds) and drops it.
    Value clamped = arith::MaxSIOp::create(
        b, loc, arith::MinSIOp::create(b, loc, s, last), zero);
    at.push_back(clamped);
  }
  Value v = memref::LoadOp::create(b, loc, p.source, at);
  if (!inside)
    return v;
  return arith::SelectOp::create(b, loc, inside, v, p.value);
}

/// The size of loop `d` of `op`, from the first operand dim it indexes
/// (outputs first; a padded input by its padded size).
Value loopSize(OpBuilder &b, Location loc, const Plan &plan, unsigned d) {
  linalg::GenericOp op = plan.op;
  SmallVector<OpOperand *> operands;
  for (OpOperand &o : op.getDpsInitsMutable())
    operands.push_back(&o);
  for (OpOperand *o : op.getDpsInputOperands())
    operands.push_back(o);
  for (OpOperand *o : operands) {
    auto type = dyn_cast<MemRefType>(o->get().getType());
    if (!type)
      continue;
    AffineMap map = op.getMatchingIndexingMap(o);
    for (auto [i, e] : llvm::enumerate(map.getResults())) {
      auto dim = dyn_cast<AffineDimExpr>(e);
      if (!dim || dim.getPosition() != d)
        continue;
      if (!type.isDynamicDim(i))
        return arith::ConstantIndexOp::create(b, loc, type.getDimSize(i));
      Value buffer = o->get();
      if (!op.isDpsInit(o)) {
        auto it = plan.paddings.find(o->getOperandNumber());
        if (it != plan.paddings.end())
          buffer = it->second.source; // dynamic dims take no padding
      }
      return memref::DimOp::create(b, loc, buffer, i);
    }
  }
  return {};
}

/// Emits `plan`'s loop nest before `at`; each thread computes up to
/// `unroll` neighbouring elements along the innermost parallel dim.
LogicalResult emit(RewriterBase &rw, const Plan &plan, Operation *at,
                   int64_t unroll) {
  linalg::GenericOp op = plan.op;
  Location loc = op.getLoc();
  rw.setInsertionPoint(at);
  unsigned numLoops = op.getNumLoops();
  unsigned numParallel = op.getNumParallelLoops();
  SmallVector<Value> sizes;
  for (unsigned d = 0; d < numLoops; ++d) {
    Value s = loopSize(rw, loc, plan, d);
    if (!s)
      return op->emitError("GPU lowering: a loop of this op has no size");
    sizes.push_back(s);
  }
  // U elements per thread: the largest of unroll, unroll / 2, ... that
  // divides the innermost parallel dim (static), with another parallel dim
  // left to spread over the threads.
  int64_t u = 1;
  if (unroll > 1 && numParallel >= 2)
    if (std::optional<int64_t> n = getConstantIntValue(sizes[numParallel - 1]))
      for (int64_t c = unroll; c > 1; c /= 2)
        if (*n % c == 0) {
          u = c;
          break;
        }
  Value zero = arith::ConstantIndexOp::create(rw, loc, 0);
  Value one = arith::ConstantIndexOp::create(rw, loc, 1);
  SmallVector<Value> lbs, ubs, steps;
  for (unsigned d = 0; d < numParallel; ++d) {
    lbs.push_back(zero);
    ubs.push_back(sizes[d]);
    steps.push_back(d + 1 == numParallel && u > 1
                        ? arith::ConstantIndexOp::create(rw, loc, u)
                        : one);
  }
  if (numParallel == 0) { // one thread
    lbs.push_back(zero);
    ubs.push_back(one);
    steps.push_back(one);
  }
  auto par = scf::ParallelOp::create(rw, loc, lbs, ubs, steps);
  rw.setInsertionPoint(par.getBody()->getTerminator());
  SmallVector<Value> base(par.getInductionVars());
  base.resize(numParallel);
  // The parallel indices of the thread's k-th element.
  SmallVector<SmallVector<Value>> pivs(u, base);
  for (int64_t k = 1; k < u; ++k)
    pivs[k].back() = arith::AddIOp::create(
        rw, loc, base.back(), arith::ConstantIndexOp::create(rw, loc, k));

  // Each element's output indices and initial values.
  unsigned numOutputs = op.getNumDpsInits();
  SmallVector<SmallVector<SmallVector<Value>>> outIdx(u);
  SmallVector<Value> inits;
  for (int64_t k = 0; k < u; ++k) {
    for (OpOperand &o : op.getDpsInitsMutable()) {
      // The output map uses only parallel dims (they come first).
      SmallVector<Value> padded(pivs[k]);
      padded.resize(numLoops, zero);
      outIdx[k].push_back(
          applyMap(rw, loc, op.getMatchingIndexingMap(&o), padded));
    }
    if (plan.init) {
      llvm::append_range(inits, emitInit(rw, loc, plan.init, outIdx[k][0]));
    } else {
      for (auto [i, o] : llvm::enumerate(op.getDpsInits()))
        inits.push_back(memref::LoadOp::create(rw, loc, o, outIdx[k][i]));
    }
  }

  // The reductions, innermost last, carrying the accumulators (element k's
  // at [k * numOutputs, (k + 1) * numOutputs)). The elements' loads of
  // what does not depend on the unrolled dim are the same ops on the same
  // indices: CSE keeps one.
  std::function<SmallVector<Value>(unsigned, SmallVector<Value> &, ValueRange)>
      nest = [&](unsigned d, SmallVector<Value> &ivs,
                 ValueRange accs) -> SmallVector<Value> {
    if (d == numLoops) {
      SmallVector<Value> all;
      for (int64_t k = 0; k < u; ++k) {
        SmallVector<Value> at(ivs);
        if (numParallel > 0)
          at[numParallel - 1] = pivs[k].back();
        SmallVector<Value> args;
        for (OpOperand *in : op.getDpsInputOperands()) {
          BlockArgument arg = op.getMatchingBlockArgument(in);
          if (arg.use_empty()) {
            args.push_back(Value());
            continue;
          }
          SmallVector<Value> idx =
              applyMap(rw, loc, op.getMatchingIndexingMap(in), at);
          auto pad = plan.paddings.find(in->getOperandNumber());
          args.push_back(pad != plan.paddings.end()
                             ? loadPadded(rw, loc, pad->second, idx)
                             : load(rw, loc, in->get(), idx));
        }
        ValueRange mine = accs.slice(k * numOutputs, numOutputs);
        args.append(mine.begin(), mine.end());
        llvm::append_range(all, inlineBody(rw, op, args, at));
      }
      return all;
    }
    auto loop = scf::ForOp::create(rw, loc, zero, sizes[d], one, accs);
    OpBuilder::InsertionGuard guard(rw);
    rw.setInsertionPointToStart(loop.getBody());
    ivs.push_back(loop.getInductionVar());
    SmallVector<Value> next = nest(d + 1, ivs, loop.getRegionIterArgs());
    ivs.pop_back();
    scf::YieldOp::create(rw, loc, next);
    return SmallVector<Value>(loop.getResults());
  };
  SmallVector<Value> ivs(base);
  SmallVector<Value> results = nest(numParallel, ivs, inits);

  for (int64_t k = 0; k < u; ++k) {
    ArrayRef<Value> mine = ArrayRef<Value>(results).slice(k * numOutputs,
                                                          numOutputs);
    if (!plan.consumer) {
      for (auto [i, o] : llvm::enumerate(op.getDpsInits()))
        memref::StoreOp::create(rw, loc, mine[i], o, outIdx[k][i]);
      continue;
    }
    // The consumer at the same element: its domain is the result's shape.
    emitConsumer(rw, loc, plan, mine, outIdx[k][0]);
  }
  return success();
}
} // namespace

namespace {
/// The init and the consumer `planFusion` may fuse; returns where the loop
/// nest goes.
Operation *planNeighbours(Plan &plan) {
  linalg::GenericOp c = plan.op;
  Operation *at = c;
  if (c.getNumDpsInits() != 1)
    return at;
  Value t = c.getDpsInits()[0];
  unsigned numParallel = c.getNumParallelLoops();
  AffineMap outMap = c.getMatchingIndexingMap(c.getDpsInitOperand(0));
  bool projection = outMap.getNumResults() == numParallel;
  for (auto [i, r] : llvm::enumerate(outMap.getResults())) {
    auto d = dyn_cast<AffineDimExpr>(r);
    projection = projection && d && d.getPosition() == i;
  }
  auto alloc = t.getDefiningOp<memref::AllocOp>();
  if (!projection || !alloc || alloc->getBlock() != c->getBlock())
    return at;
  // The buffer's uses in order (it may hold several values in turn: the
  // bufferization reuses a dead buffer). The init is the use just before
  // the contraction: an elementwise op of constants writing all of it. The
  // consumer is the use just after: an elementwise op reading it at the
  // identity, after which the value is dead (the next use overwrites all of
  // it or frees it), with nothing between that writes memory.
  // Users of views of the buffer count as uses too (opaque ones).
  SmallVector<Operation *> uses;
  SmallVector<Value> worklist{t};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (user->getBlock() != c->getBlock())
        return at;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user);
          view && view.getViewSource() == v) {
        for (Value r : user->getResults())
          worklist.push_back(r);
        continue;
      }
      if (!llvm::is_contained(uses, user))
        uses.push_back(user);
    }
  }
  llvm::sort(uses,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  auto overwrites = [&](Operation *op) {
    auto g = dyn_cast<linalg::GenericOp>(op);
    if (!g || !isElementwise(g) || llvm::is_contained(g.getDpsInputs(), t))
      return false;
    for (OpOperand &o : g.getDpsInitsMutable())
      if (o.get() == t)
        return g.getMatchingBlockArgument(&o).use_empty();
    return false;
  };
  size_t pos = llvm::find(uses, c.getOperation()) - uses.begin();
  if (pos > 0 && overwrites(uses[pos - 1])) {
    auto g = cast<linalg::GenericOp>(uses[pos - 1]);
    if (g.getNumDpsInits() == 1 && llvm::all_of(g.getDpsInputs(), [](Value v) {
          return !isa<MemRefType>(v.getType()) ||
                 v.getDefiningOp<memref::GetGlobalOp>();
        }))
      plan.init = g;
  }
  if (pos + 1 < uses.size()) {
    auto g = dyn_cast<linalg::GenericOp>(uses[pos + 1]);
    bool dead = pos + 2 == uses.size() ||
                isa<memref::DeallocOp>(uses[pos + 2]) ||
                overwrites(uses[pos + 2]);
    if (g && dead && isElementwise(g) &&
        llvm::count(g.getDpsInputs(), t) == 1 &&
        !llvm::is_contained(g.getDpsInits(), t) &&
        llvm::all_of(g.getDpsInputOperands(), [&](OpOperand *o) {
          return o->get() != t || g.getMatchingIndexingMap(o).isIdentity();
        })) {
      bool clear = true;
      for (Operation *op = c->getNextNode(); op != g.getOperation();
           op = op->getNextNode())
        if (!isMemoryEffectFree(op) &&
            !hasSingleEffect<MemoryEffects::Allocate>(op))
          clear = false;
      if (clear) {
        plan.consumer = g;
        at = g;
      }
    }
  }
  plan.result = t;
  return at;
}
} // namespace

Operation *dyad::gpu::planFusion(Plan &plan) {
  linalg::GenericOp c = plan.op;
  // Padded inputs.
  for (OpOperand *in : c.getDpsInputOperands())
    if (auto p = matchPadding(c, in->get()))
      plan.paddings[in->getOperandNumber()] = *p;
  Operation *at = planNeighbours(plan);
  // The loop nest's threads read the inputs at other threads' positions:
  // no buffer it writes may be one it reads (the bufferization writes a
  // consumer in place of an input that is dead after it, and an output in
  // place of a padding's source; with the padded copy gone, the source is
  // read by the same loop).
  auto written = [&]() {
    SmallVector<Value> roots;
    for (Value v :
         plan.consumer ? plan.consumer.getDpsInits() : c.getDpsInits())
      roots.push_back(rootBuffer(v));
    return roots;
  };
  if (plan.consumer) {
    SmallVector<Value> roots = written();
    bool clash = llvm::any_of(c.getDpsInputs(), [&](Value in) {
      return llvm::is_contained(roots, rootBuffer(in));
    });
    for (OpOperand *in : plan.consumer.getDpsInputOperands())
      clash |= llvm::is_contained(roots, rootBuffer(in->get())) &&
               !plan.consumer.getMatchingIndexingMap(in).isIdentity();
    if (clash) {
      plan.consumer = nullptr;
      at = c;
    }
  }
  // Padding sources: unchanged from the copy until the loop nest runs, and
  // not written by it.
  SmallVector<Value> roots = written();
  for (auto it = plan.paddings.begin(); it != plan.paddings.end();) {
    Value src = rootBuffer(it->second.source);
    if (writtenBetween(it->second.copy, at, src) ||
        llvm::is_contained(roots, src))
      plan.paddings.erase(it++);
    else
      ++it;
  }
  return at;
}

void dyad::gpu::eraseIfDead(RewriterBase &rw, Value buffer) {
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!alloc || !llvm::all_of(buffer.getUsers(), [](Operation *u) {
        return isa<memref::DeallocOp>(u);
      }))
    return;
  for (Operation *u : llvm::make_early_inc_range(buffer.getUsers()))
    rw.eraseOp(u);
  rw.eraseOp(alloc);
}

LogicalResult dyad::gpu::generalizeFills(RewriterBase &rw, func::FuncOp f) {
  SmallVector<linalg::LinalgOp> named;
  f.walk([&](linalg::LinalgOp op) {
    if (isa<linalg::FillOp, linalg::MapOp>(op.getOperation()))
      named.push_back(op);
  });
  for (linalg::LinalgOp op : named) {
    rw.setInsertionPoint(op);
    if (failed(linalg::generalizeNamedOp(rw, op)))
      return op->emitError("GPU lowering: cannot generalize this op");
  }
  return success();
}

FailureOr<linalg::GenericOp> dyad::gpu::parallelDimsFirst(RewriterBase &rw,
                                                          linalg::LinalgOp op) {
  rw.setInsertionPoint(op);
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic) {
    FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rw, op);
    if (failed(g))
      return op->emitError("GPU lowering: cannot generalize this op");
    generic = *g;
  }
  SmallVector<unsigned> perm;
  SmallVector<utils::IteratorType> iters = generic.getIteratorTypesArray();
  for (unsigned i = 0; i < iters.size(); ++i)
    if (iters[i] == utils::IteratorType::parallel)
      perm.push_back(i);
  for (unsigned i = 0; i < iters.size(); ++i)
    if (iters[i] != utils::IteratorType::parallel)
      perm.push_back(i);
  if (llvm::equal(perm, llvm::seq<unsigned>(0, iters.size())))
    return generic;
  FailureOr<linalg::GenericOp> moved =
      linalg::interchangeGenericOp(rw, generic, perm);
  if (failed(moved))
    return generic->emitError("GPU lowering: cannot interchange its loops");
  return *moved;
}

void dyad::gpu::eraseFused(RewriterBase &rw, Plan &plan) {
  llvm::SetVector<Value> buffers;
  for (auto &[idx, p] : plan.paddings) {
    rw.eraseOp(p.copy);
    rw.eraseOp(p.interior);
    rw.eraseOp(p.fill);
    buffers.insert(p.padded);
  }
  if (plan.consumer)
    rw.eraseOp(plan.consumer);
  if (plan.init)
    rw.eraseOp(plan.init);
  for (Value v : plan.op.getDpsInits())
    buffers.insert(v);
  rw.eraseOp(plan.op);
  for (Value b : buffers)
    eraseIfDead(rw, b);
}

namespace {

struct DyadGpuContractionLoopsPass
    : dyad::impl::DyadGpuContractionLoopsBase<DyadGpuContractionLoopsPass> {
  using DyadGpuContractionLoopsBase::DyadGpuContractionLoopsBase;
  void runOnOperation() override {
    func::FuncOp f = getOperation();
    IRRewriter rw(&getContext());
    if (failed(generalizeFills(rw, f)))
      return signalPassFailure();
    SmallVector<linalg::LinalgOp> ops;
    f.walk([&](linalg::LinalgOp op) {
      if (op.getNumReductionLoops() > 0)
        ops.push_back(op);
    });
    for (linalg::LinalgOp named : ops) {
      if (!named.hasPureBufferSemantics()) {
        named->emitError("GPU lowering: not bufferized");
        return signalPassFailure();
      }
      // Parallel dims first: they are the threads.
      FailureOr<linalg::GenericOp> op = parallelDimsFirst(rw, named);
      if (failed(op))
        return signalPassFailure();
      Plan plan;
      plan.op = *op;
      Operation *at = planFusion(plan);
      if (failed(emit(rw, plan, at, unroll)))
        return signalPassFailure();
      eraseFused(rw, plan);
    }
  }
};

} // namespace
