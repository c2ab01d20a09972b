//===- BatchFootprint.cpp - is the graph separable along its batch? -------===//
//
// A batch of 64 images runs every op over the whole batch before the next
// op starts: at batch 64 the intermediate tensors of a small CNN (4.8 MB
// for one fp32 activation of fashion_dwsep) are far larger than the L2
// cache, and each op streams them from L3 or memory. Run in chunks of a few
// images, every intermediate stays in L2 (fashion_dwsep fp32: 4.6 ms at
// batch 64, 3.2 ms as 8 chunks of 8; docs/performance.md).
//
// Whether chunks may be run apart is a property of the graph: no value may
// mix samples. This pass proves it on the linalg-on-tensors IR of the entry
// function, or gives up: each value either carries the batch along one axis
// (batch-major: the axis is N * inner, `inner` static) or does not depend on
// the batch at all (weights, constants). Ops keep the batch axis as:
//   - linalg ops: every batched operand reads its batch axis through the
//     same parallel loop, which the results write along one axis each and
//     the body reads as an index only to gather from its own row of a
//     batched tensor (a Resize, a Gather);
//   - pads, slices, insertions, concatenations: the batch axis whole;
//   - reshapes: the batch outermost in its group;
//   - anything else that reads a batched value: not separable.
// Scalars derived from the batch size (tensor.dim) may size tensors and
// reshapes but may not become data.
//
// On success the function gets `dyad.batch_footprint = [F, W]`: F the bytes
// per sample of the largest op (its batched operands and results), W the
// bytes of the constants (the weights, which share the cache with every
// chunk). The artifact records both (the "batch"
// line of its description) and the runtime picks the chunk on the CPU it
// runs on: the largest power of two B with B * F + W within its L2 cache.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/SetVector.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPUBATCHFOOTPRINT
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

namespace {

/// Where a value carries the batch: tensor dim `dim`, of size N * inner.
struct BatchAxis {
  int64_t dim;
  int64_t inner;
  bool operator==(const BatchAxis &o) const {
    return dim == o.dim && inner == o.inner;
  }
};

class Analysis {
public:
  /// The footprint [F, W], or none when the function is not separable.
  std::optional<std::pair<int64_t, int64_t>> run(func::FuncOp func) {
    if (!func.getBody().hasOneBlock())
      return std::nullopt;
    for (BlockArgument arg : func.getArguments()) {
      auto t = dyn_cast<RankedTensorType>(arg.getType());
      if (!t || t.getRank() == 0 || !t.isDynamicDim(0))
        return std::nullopt;
      axes[arg] = {0, 1};
    }
    for (Operation &op : func.getBody().front())
      if (failed(visit(&op)))
        return std::nullopt;
    if (footprint <= 0)
      return std::nullopt;
    return std::pair(footprint, shared);
  }

private:
  llvm::DenseMap<Value, BatchAxis> axes;
  llvm::DenseSet<Value> batchScalars; // derived from the batch size
  int64_t footprint = 0, shared = 0;

  std::optional<BatchAxis> axisOf(Value v) const {
    auto it = axes.find(v);
    if (it == axes.end())
      return std::nullopt;
    return it->second;
  }

  /// Bytes of `t` per sample (batched along `axis`), or of all of it.
  static std::optional<int64_t> bytes(Type type,
                                      std::optional<BatchAxis> axis) {
    auto t = dyn_cast<RankedTensorType>(type);
    if (!t || !t.getElementType().isIntOrFloat())
      return std::nullopt;
    int64_t n = std::max<int64_t>(1, t.getElementTypeBitWidth() / 8);
    for (int64_t d = 0; d < t.getRank(); ++d) {
      if (axis && d == axis->dim) {
        n *= axis->inner;
        continue;
      }
      if (t.isDynamicDim(d))
        return std::nullopt;
      n *= t.getDimSize(d);
    }
    return n;
  }

  void noteFootprint(Operation *op, ArrayRef<Value> captured = {}) {
    int64_t perSample = 0;
    llvm::SetVector<Value> values;
    values.insert(op->operand_begin(), op->operand_end());
    values.insert(op->result_begin(), op->result_end());
    values.insert(captured.begin(), captured.end());
    for (Value v : values)
      if (auto axis = axisOf(v))
        if (auto b = bytes(v.getType(), axis))
          perSample += *b;
    footprint = std::max(footprint, perSample);
  }

  /// Whether `op`'s regions read a batch-size scalar or a batched tensor
  /// from above (linalg ops: see visitLinalg).
  bool regionUsesBatchScalar(Operation *op) {
    bool found = false;
    for (Region &region : op->getRegions())
      region.walk([&](Operation *inner) {
        for (Value v : inner->getOperands())
          if (batchScalars.contains(v) || axes.contains(v))
            found = true;
      });
    return found;
  }

  LogicalResult visit(Operation *op) {
    bool anyBatched = llvm::any_of(op->getOperands(), [&](Value v) {
      return axes.contains(v);
    });
    bool anyScalar = llvm::any_of(op->getOperands(), [&](Value v) {
      return batchScalars.contains(v);
    });
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      // Weights: they share the cache with every chunk.
      if (auto b = bytes(c.getType(), std::nullopt))
        shared += *b;
      return success();
    }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands())
        if (auto a = axisOf(v); !a || !(*a == BatchAxis{0, 1}))
          return failure();
      return success();
    }
    if (auto dim = dyn_cast<tensor::DimOp>(op)) {
      // The batch size (or a size that does not depend on it).
      if (axisOf(dim.getSource()))
        batchScalars.insert(dim.getResult());
      return success();
    }
    if (isa<arith::ArithDialect, affine::AffineDialect, math::MathDialect>(
            op->getDialect()) &&
        op->getNumRegions() == 0) {
      if (anyBatched)
        return failure();
      if (anyScalar)
        for (Value r : op->getResults())
          batchScalars.insert(r);
      return success();
    }
    if (isa<tensor::EmptyOp, bufferization::AllocTensorOp>(op))
      return success(); // no data; its sizes may be the batch size
    if (auto l = dyn_cast<linalg::LinalgOp>(op))
      return visitLinalg(l, anyBatched);
    if (!anyBatched) {
      // Batch-free data (a fill sized by the batch, reshaped); a batch-size
      // scalar may size it but must not become data.
      bool sizesOnly = isa<tensor::ExpandShapeOp, tensor::ExtractSliceOp,
                           tensor::InsertSliceOp, tensor::PadOp>(op);
      return failure((anyScalar && !sizesOnly) || regionUsesBatchScalar(op));
    }
    if (auto pad = dyn_cast<tensor::PadOp>(op)) {
      BatchAxis a = *axisOf(pad.getSource());
      if (!isConstantIntValue(pad.getMixedLowPad()[a.dim], 0) ||
          !isConstantIntValue(pad.getMixedHighPad()[a.dim], 0) ||
          regionUsesBatchScalar(pad))
        return failure();
      axes[pad.getResult()] = a;
      return success();
    }
    if (auto c = dyn_cast<tensor::CollapseShapeOp>(op)) {
      BatchAxis a = *axisOf(c.getSrc());
      ArrayRef<int64_t> src = c.getSrcType().getShape();
      for (auto [g, group] : llvm::enumerate(c.getReassociationIndices())) {
        if (!llvm::is_contained(group, a.dim))
          continue;
        int64_t inner = a.inner;
        for (int64_t d : group) {
          if (d == a.dim)
            continue;
          // Only unit dims may precede the batch in its group.
          if (ShapedType::isDynamic(src[d]) || (d < a.dim && src[d] != 1))
            return failure();
          inner *= src[d];
        }
        axes[c.getResult()] = {int64_t(g), inner};
        return success();
      }
      return failure();
    }
    if (auto e = dyn_cast<tensor::ExpandShapeOp>(op)) {
      BatchAxis a = *axisOf(e.getSrc());
      ArrayRef<int64_t> out = e.getResultType().getShape();
      ReassociationIndices group = e.getReassociationIndices()[a.dim];
      // The batch stays in the group's first non-unit dim (dynamic); the
      // dims after it split `inner`.
      size_t first = 0;
      while (first < group.size() && out[group[first]] == 1)
        ++first;
      if (first == group.size() || !ShapedType::isDynamic(out[group[first]]))
        return failure();
      int64_t rest = 1;
      for (size_t i = first + 1; i < group.size(); ++i) {
        if (ShapedType::isDynamic(out[group[i]]))
          return failure();
        rest *= out[group[i]];
      }
      if (a.inner % rest)
        return failure();
      axes[e.getResult()] = {group[first], a.inner / rest};
      return success();
    }
    if (auto s = dyn_cast<tensor::ExtractSliceOp>(op)) {
      BatchAxis a = *axisOf(s.getSource());
      if (!wholeAxis(s.getMixedOffsets()[a.dim], s.getMixedSizes()[a.dim],
                     s.getMixedStrides()[a.dim], a))
        return failure();
      // Rank-reducing slices drop unit dims before the batch axis.
      llvm::SmallBitVector dropped = s.getDroppedDims();
      int64_t dim = a.dim;
      for (int64_t d = 0; d < a.dim; ++d)
        dim -= dropped.test(d);
      if (dropped.test(a.dim))
        return failure();
      axes[s.getResult()] = {dim, a.inner};
      return success();
    }
    if (auto ins = dyn_cast<tensor::InsertSliceOp>(op)) {
      auto a = axisOf(ins.getDest());
      auto b = axisOf(ins.getSource());
      // Into a batch-free tensor of the batch's size (a ConvTranspose's
      // zero-filled strided destination): the result is batched.
      if (!a && b && batchSized(ins.getDest(), b->dim, b->inner))
        a = b;
      if (!a || !b || ins.getSourceType().getRank() != ins.getDestType().getRank() ||
          a->dim != b->dim || a->inner != b->inner ||
          !wholeAxis(ins.getMixedOffsets()[a->dim], ins.getMixedSizes()[a->dim],
                     ins.getMixedStrides()[a->dim], *a))
        return failure();
      axes[ins.getResult()] = *a;
      return success();
    }
    if (auto cat = dyn_cast<tensor::ConcatOp>(op)) {
      std::optional<BatchAxis> a;
      for (Value v : cat.getInputs()) {
        auto b = axisOf(v);
        if (!b || (a && !(*a == *b)))
          return failure();
        a = b;
      }
      if (int64_t(cat.getDim()) == a->dim)
        return failure();
      axes[cat.getResult()] = *a;
      return success();
    }
    return failure();
  }

  /// Whether `v`, batch-free, is a tensor.empty (or a fill of one) whose
  /// dim `dim` is the batch size read back by tensor.dim.
  bool batchSized(Value v, int64_t dim, int64_t inner) {
    if (auto fill = v.getDefiningOp<linalg::FillOp>())
      v = fill.getOutputs()[0];
    auto empty = v.getDefiningOp<tensor::EmptyOp>();
    if (!empty || !empty.getType().isDynamicDim(dim))
      return false;
    auto size = empty.getDynamicSize(dim).getDefiningOp<tensor::DimOp>();
    auto src = size ? axisOf(size.getSource()) : std::nullopt;
    std::optional<int64_t> index = size ? size.getConstantIndex() : std::nullopt;
    return src && index && *index == src->dim && src->inner == inner;
  }

  /// The whole batch axis: offset 0, stride 1, and a static size equal to
  /// `inner` times nothing (impossible: the axis is dynamic) or the batch
  /// size read back by tensor.dim.
  bool wholeAxis(OpFoldResult offset, OpFoldResult size, OpFoldResult stride,
                 BatchAxis a) {
    if (!isConstantIntValue(offset, 0) || !isConstantIntValue(stride, 1))
      return false;
    auto v = dyn_cast<Value>(size);
    auto dim = v ? v.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
    if (!dim)
      return false;
    auto src = axisOf(dim.getSource());
    std::optional<int64_t> index = dim.getConstantIndex();
    return src && index && *index == src->dim && src->inner == a.inner;
  }

  LogicalResult visitLinalg(linalg::LinalgOp l, bool anyBatched) {
    // A batch-size scalar as an operand (a fill of N) is data that differs
    // per chunk.
    if (llvm::any_of(l->getOperands(),
                     [&](Value v) { return batchScalars.contains(v); }))
      return failure();
    SmallVector<utils::IteratorType> iters = l.getIteratorTypesArray();
    std::optional<unsigned> loop;
    std::optional<int64_t> inner;
    auto useLoop = [&](unsigned d, int64_t in) {
      if (iters[d] != utils::IteratorType::parallel || (loop && *loop != d) ||
          (inner && *inner != in))
        return false;
      loop = d;
      inner = in;
      return true;
    };
    for (OpOperand &operand : l->getOpOperands()) {
      auto a = axisOf(operand.get());
      if (!a)
        continue;
      AffineMap map = l.getMatchingIndexingMap(&operand);
      auto d = dyn_cast<AffineDimExpr>(map.getResult(a->dim));
      if (!d || !useLoop(d.getPosition(), a->inner))
        return failure();
      // The batch loop reads no other dim of a batched operand.
      for (auto [i, e] : llvm::enumerate(map.getResults()))
        if (int64_t(i) != a->dim && e.isFunctionOfDim(d.getPosition()))
          return failure();
    }
    // The body may read a batched tensor from above only at its own row: a
    // gather or a resize, tensor.extract %x[linalg.index(batch loop), ...].
    // Another row (x[0, i]), a batch-size scalar, or any other use is data
    // that differs per chunk.
    SmallVector<Value> captured;
    bool bad = false;
    l->getRegion(0).walk([&](Operation *op) {
      for (OpOperand &use : op->getOpOperands()) {
        Value v = use.get();
        if (batchScalars.contains(v)) {
          bad = true;
          continue;
        }
        auto a = axisOf(v);
        if (!a)
          continue;
        auto extract = dyn_cast<tensor::ExtractOp>(op);
        auto index =
            extract && use.getOperandNumber() == 0 && a->inner == 1
                ? extract.getIndices()[a->dim].getDefiningOp<linalg::IndexOp>()
                : linalg::IndexOp();
        if (!index || !useLoop(index.getDim(), 1)) {
          bad = true;
          continue;
        }
        captured.push_back(v);
      }
    });
    if (bad)
      return failure();
    // Positions along the batch are read only as those rows.
    bool readsIndex = false, readsBatchIndex = false;
    l->walk([&](linalg::IndexOp index) {
      readsIndex = true;
      if (!loop || index.getDim() != *loop)
        return;
      for (OpOperand &use : index->getUses()) {
        auto extract = dyn_cast<tensor::ExtractOp>(use.getOwner());
        auto a = extract ? axisOf(extract.getTensor()) : std::nullopt;
        if (!a || use.getOperandNumber() != 1 + a->dim)
          readsBatchIndex = true;
      }
    });
    if (readsBatchIndex)
      return failure();
    if (!loop) {
      // Batch-free, the same for every sample; but positions along a
      // dynamic dim (a range over the batch) are not.
      bool dynamic = llvm::any_of(l->getOperands(), [](Value v) {
        auto t = dyn_cast<ShapedType>(v.getType());
        return t && !t.hasStaticShape();
      });
      return failure(readsIndex && dynamic);
    }
    for (OpResult r : l->getResults()) {
      AffineMap map = l.getIndexingMapMatchingResult(r);
      std::optional<int64_t> dim;
      for (auto [i, e] : llvm::enumerate(map.getResults())) {
        auto d = dyn_cast<AffineDimExpr>(e);
        if (d && d.getPosition() == *loop)
          dim = i;
        else if (e.isFunctionOfDim(*loop))
          return failure();
      }
      if (!dim)
        return failure(); // the batch reduced away
      axes[r] = {*dim, *inner};
    }
    noteFootprint(l, captured);
    return success();
  }
};

struct DyadCpuBatchFootprintPass
    : dyad::impl::DyadCpuBatchFootprintBase<DyadCpuBatchFootprintPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    func->removeAttr("dyad.batch_footprint");
    if (func.isExternal())
      return;
    if (auto f = Analysis().run(func))
      func->setAttr("dyad.batch_footprint",
                    DenseI64ArrayAttr::get(&getContext(),
                                           {f->first, f->second}));
  }
};

} // namespace
