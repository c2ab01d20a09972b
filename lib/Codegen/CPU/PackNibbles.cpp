//===- PackNibbles.cpp - 4-bit weights stored two per byte ----------------===//
//
// dyad-cpu-pack-vnni makes the packed weights of a layer quantized to 4 bits
// an i4 constant (tensor<..x R x C x i4>, R the rows of 4 reduction values,
// C = 4 * output channels). In LLVM an i4 takes a byte of memory, as an i1
// does, so left alone the artifact would store them at 8 bits. After tiling
// and vectorization every use of such a constant is a vector read of a few
// rows of it; this pass stores the constant two values per byte, rows in
// pairs:
//
//   packed[.., i, c] = (w[.., 2i, c] + 8) | (w[.., 2i+1, c] + 8) << 4
//
// (offset binary; an odd last row pairs with zeros), and rewrites each read
// into reads of packed rows unpacked in registers:
//
//   row 2i   = (packed[i] & 0xF) - 8        (vpandd, vpsubb)
//   row 2i+1 = (packed[i] >> 4) - 8         (vpsrlw, vpandd, vpsubb)
//
// so a 4-bit layer moves half the weight bytes of an 8-bit one, and its
// vpdpbusd kernel is the same. The readers' sign extensions of the i4
// vectors become extensions of the unpacked i8 ones. A read this does not
// understand (rows not contiguous, out of bounds, a mask) reads an i8 copy
// of the constant instead: correct, just not smaller.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPUPACKNIBBLES
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

namespace {

bool isI4(Type t) { return getElementTypeOrSelf(t).isInteger(4); }

/// `v` is even for every execution (constants, loop counters of even start
/// and step, sums and products of those); false when unknown.
bool knownEven(Value v, int depth = 0) {
  if (depth > 8)
    return false;
  APInt c;
  if (matchPattern(v, m_ConstantInt(&c)))
    return !c[0];
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    auto loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp());
    if (!loop || loop.getInductionVar() != arg)
      return false;
    return knownEven(loop.getLowerBound(), depth + 1) &&
           knownEven(loop.getStep(), depth + 1);
  }
  Operation *def = v.getDefiningOp();
  if (auto add = dyn_cast_or_null<arith::AddIOp>(def))
    return knownEven(add.getLhs(), depth + 1) &&
           knownEven(add.getRhs(), depth + 1);
  if (auto mul = dyn_cast_or_null<arith::MulIOp>(def))
    return knownEven(mul.getLhs(), depth + 1) ||
           knownEven(mul.getRhs(), depth + 1);
  if (auto apply = dyn_cast_or_null<affine::AffineApplyOp>(def)) {
    std::function<bool(AffineExpr)> even = [&](AffineExpr e) -> bool {
      if (auto k = dyn_cast<AffineConstantExpr>(e))
        return k.getValue() % 2 == 0;
      if (auto d = dyn_cast<AffineDimExpr>(e))
        return knownEven(apply.getMapOperands()[d.getPosition()], depth + 1);
      if (auto s = dyn_cast<AffineSymbolExpr>(e))
        return knownEven(
            apply.getMapOperands()[apply.getAffineMap().getNumDims() +
                                   s.getPosition()],
            depth + 1);
      auto bin = cast<AffineBinaryOpExpr>(e);
      if (e.getKind() == AffineExprKind::Add)
        return even(bin.getLHS()) && even(bin.getRHS());
      if (e.getKind() == AffineExprKind::Mul)
        return even(bin.getLHS()) || even(bin.getRHS());
      return false;
    };
    return even(apply.getAffineMap().getResult(0));
  }
  return false;
}

Value addIndex(OpBuilder &b, Location loc, OpFoldResult a, Value c) {
  if (auto attr = dyn_cast<Attribute>(a)) {
    if (cast<IntegerAttr>(attr).getInt() == 0)
      return c;
  }
  Value av = getValueOrCreateConstantIndexOp(b, loc, a);
  APInt ci;
  if (matchPattern(c, m_ConstantInt(&ci)) && ci.isZero())
    return av;
  return arith::AddIOp::create(b, loc, av, c);
}

/// A vector read of an i4 constant, seen through the extract_slices between
/// them: the constant, the read's indices into it, and for each vector dim
/// the constant's dim it walks.
struct ConstantRead {
  arith::ConstantOp constant;
  SmallVector<Value> indices;
  SmallVector<int64_t> vectorDims;
};

FailureOr<ConstantRead> traceToConstant(OpBuilder &b,
                                        vector::TransferReadOp read) {
  if (read.getMask() || !read.getPermutationMap().isProjectedPermutation())
    return failure();
  ConstantRead r;
  r.indices = llvm::to_vector(read.getIndices());
  for (AffineExpr e : read.getPermutationMap().getResults())
    r.vectorDims.push_back(cast<AffineDimExpr>(e).getPosition());
  Value base = read.getBase();
  Location loc = read.getLoc();
  while (auto slice = base.getDefiningOp<tensor::ExtractSliceOp>()) {
    if (!llvm::all_of(slice.getMixedStrides(), [](OpFoldResult s) {
          return isConstantIntValue(s, 1);
        }))
      return failure();
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
    SmallVector<Value> indices;
    SmallVector<int64_t> sourceDimOf; // result dim -> source dim
    unsigned j = 0;
    for (unsigned d = 0; d < offsets.size(); ++d) {
      if (dropped.test(d)) {
        indices.push_back(getValueOrCreateConstantIndexOp(b, loc, offsets[d]));
        continue;
      }
      indices.push_back(addIndex(b, loc, offsets[d], r.indices[j++]));
      sourceDimOf.push_back(d);
    }
    for (int64_t &d : r.vectorDims)
      d = sourceDimOf[d];
    r.indices = std::move(indices);
    base = slice.getSource();
  }
  r.constant = base.getDefiningOp<arith::ConstantOp>();
  if (!r.constant || !isa<DenseIntElementsAttr>(r.constant.getValue()))
    return failure();
  return r;
}

/// The packed and the plain i8 forms of the i4 constants, made once each.
struct Forms {
  Value packed, wide;
};

/// `v` with its i4 type's element type replaced by i8.
Type widened(Type t) {
  auto vt = cast<VectorType>(t);
  return vt.clone(IntegerType::get(t.getContext(), 8));
}

/// Replaces the i4 vector `old` by `repl`, its values sign-extended to i8:
/// through shape casts, into the sign extensions that read it; any other
/// user gets a truncation back to i4.
void replaceNarrow(OpBuilder &b, Value old, Value repl) {
  for (OpOperand &use : llvm::make_early_inc_range(old.getUses())) {
    Operation *user = use.getOwner();
    b.setInsertionPoint(user);
    if (auto cast = dyn_cast<vector::ShapeCastOp>(user)) {
      Value wide = vector::ShapeCastOp::create(
          b, cast.getLoc(), widened(cast.getType()), repl);
      replaceNarrow(b, cast.getResult(), wide);
      if (cast->use_empty())
        cast->erase();
      continue;
    }
    if (auto ext = dyn_cast<arith::ExtSIOp>(user)) {
      Value r = repl;
      if (getElementTypeOrSelf(ext.getType()).getIntOrFloatBitWidth() > 8)
        r = arith::ExtSIOp::create(b, ext.getLoc(), ext.getType(), repl);
      ext.replaceAllUsesWith(r);
      ext->erase();
      continue;
    }
    use.set(arith::TruncIOp::create(b, user->getLoc(), old.getType(), repl));
  }
}

struct DyadCpuPackNibblesPass
    : dyad::impl::DyadCpuPackNibblesBase<DyadCpuPackNibblesPass> {
  using Base::Base;

  llvm::DenseMap<Operation *, Forms> forms;

  Forms &formsOf(OpBuilder &b, arith::ConstantOp c) {
    Forms &f = forms[c];
    if (f.packed)
      return f;
    auto type = cast<RankedTensorType>(c.getType());
    auto attr = cast<DenseIntElementsAttr>(c.getValue());
    SmallVector<int8_t> values;
    values.reserve(attr.getNumElements());
    for (const APInt &v : attr.getValues<APInt>())
      values.push_back(int8_t(v.getSExtValue()));
    ArrayRef<int64_t> shape = type.getShape();
    int64_t rank = shape.size();
    int64_t cols = shape[rank - 1], rows = rank > 1 ? shape[rank - 2] : 1;
    int64_t outer = type.getNumElements() / (rows * cols);
    int64_t pairs = (rows + 1) / 2;
    std::vector<char> packed(outer * pairs * cols, 0);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t r = 0; r < rows; r += 2)
        for (int64_t col = 0; col < cols; ++col) {
          auto at = [&](int64_t row) -> int64_t {
            return row < rows ? values[(o * rows + row) * cols + col] : 0;
          };
          packed[(o * pairs + r / 2) * cols + col] =
              char(((at(r) + 8) & 0xF) | ((at(r + 1) + 8) << 4));
        }
    SmallVector<int64_t> packedShape(shape);
    if (rank > 1)
      packedShape[rank - 2] = pairs;
    Type i8 = b.getI8Type();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(c);
    f.packed = arith::ConstantOp::create(
        b, c.getLoc(),
        DenseElementsAttr::getFromRawBuffer(
            RankedTensorType::get(packedShape, i8), packed));
    return f;
  }

  Value wideOf(OpBuilder &b, arith::ConstantOp c) {
    Forms &f = forms[c];
    if (f.wide)
      return f.wide;
    auto type = cast<RankedTensorType>(c.getType());
    SmallVector<APInt> values;
    for (const APInt &v : cast<DenseIntElementsAttr>(c.getValue()).getValues<APInt>())
      values.push_back(v.sext(8));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(c);
    f.wide = arith::ConstantOp::create(
        b, c.getLoc(),
        DenseElementsAttr::get(type.clone(b.getI8Type()), values));
    return f.wide;
  }

  /// The read as reads of packed rows, or null where it is not a read of
  /// whole rows in bounds.
  Value packedRead(OpBuilder &b, vector::TransferReadOp read,
                   const ConstantRead &r, Value packed) {
    auto vType = read.getVectorType();
    int64_t rank = r.indices.size();
    if (rank < 2 || llvm::any_of(read.getInBoundsValues(),
                                 [](bool inBounds) { return !inBounds; }))
      return {};
    // The vector walks the columns (the last dim) and at most the rows
    // (the one before); any other dim it has is of size 1.
    int64_t steps = 1, width = 0;
    for (auto [i, d] : llvm::enumerate(r.vectorDims)) {
      int64_t size = vType.getDimSize(i);
      if (d == rank - 1)
        width = size;
      else if (d == rank - 2)
        steps = size;
      else if (size != 1)
        return {};
    }
    // Rows then columns, in that order in the vector.
    auto pos = [&](int64_t d) {
      return llvm::find(r.vectorDims, d) - r.vectorDims.begin();
    };
    if (!width || (steps > 1 && pos(rank - 2) > pos(rank - 1)))
      return {};
    Location loc = read.getLoc();
    Type i8 = b.getI8Type();
    auto rowType = VectorType::get({width}, i8);
    Value r0 = r.indices[rank - 2];
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value four = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(rowType, APInt(8, 4)));
    Value low = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(rowType, APInt(8, 0xF)));
    Value eight = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(rowType, APInt(8, 8)));
    Value zero8 = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
    auto readPair = [&](Value pair) {
      SmallVector<Value> idx(r.indices);
      idx[rank - 2] = pair;
      return vector::TransferReadOp::create(b, loc, rowType, packed, idx,
                                            zero8, ArrayRef<bool>{true})
          .getResult();
    };
    auto lo = [&](Value v) -> Value {
      return arith::SubIOp::create(b, loc, arith::AndIOp::create(b, loc, v, low),
                                   eight);
    };
    auto hi = [&](Value v) -> Value {
      return arith::SubIOp::create(
          b, loc, arith::ShRUIOp::create(b, loc, v, four), eight);
    };
    SmallVector<Value> rows;
    if (knownEven(r0)) {
      Value p0 = arith::ShRUIOp::create(b, loc, r0, one);
      for (int64_t j = 0; j < steps; j += 2) {
        Value p = j ? Value(arith::AddIOp::create(
                          b, loc, p0, arith::ConstantIndexOp::create(b, loc, j / 2)))
                    : p0;
        Value v = readPair(p);
        rows.push_back(lo(v));
        if (j + 1 < steps)
          rows.push_back(hi(v));
      }
    } else {
      // Parity known only at run time: each row picks its nibble.
      for (int64_t j = 0; j < steps; ++j) {
        Value row = j ? Value(arith::AddIOp::create(
                            b, loc, r0, arith::ConstantIndexOp::create(b, loc, j)))
                      : r0;
        Value v = readPair(arith::ShRUIOp::create(b, loc, row, one));
        Value odd = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ne,
            arith::AndIOp::create(b, loc, row, one),
            arith::ConstantIndexOp::create(b, loc, 0));
        rows.push_back(arith::SelectOp::create(b, loc, odd, hi(v), lo(v)));
      }
    }
    // The rows concatenated by shuffles (an insert chain would canonicalize
    // to a from_elements of every byte): the VNNI lowering slices its
    // blocks back out of the flat vector (PackedContractToVnni), which LLVM
    // folds to the rows themselves.
    while (rows.size() > 1) {
      SmallVector<Value> next;
      for (size_t j = 0; j + 1 < rows.size(); j += 2) {
        int64_t a = cast<VectorType>(rows[j].getType()).getNumElements();
        int64_t c = cast<VectorType>(rows[j + 1].getType()).getNumElements();
        SmallVector<int64_t> mask(a + c);
        for (int64_t e = 0; e < a + c; ++e)
          mask[e] = e;
        next.push_back(
            vector::ShuffleOp::create(b, loc, rows[j], rows[j + 1], mask));
      }
      if (rows.size() % 2) // the last, odd row: carried up (vector.shuffle
        next.push_back(rows.back()); // takes operands of unequal lengths)
      rows = std::move(next);
    }
    return vector::ShapeCastOp::create(b, loc, widened(vType), rows.front());
  }

  void runOnOperation() override {
    SmallVector<vector::TransferReadOp> reads;
    getOperation().walk([&](vector::TransferReadOp read) {
      if (isI4(read.getVectorType()))
        reads.push_back(read);
    });
    OpBuilder b(&getContext());
    for (vector::TransferReadOp read : reads) {
      b.setInsertionPoint(read);
      FailureOr<ConstantRead> r = traceToConstant(b, read);
      if (failed(r))
        continue; // an i4 tensor computed at run time: left as it is
      Forms &f = formsOf(b, r->constant);
      Value repl = packedRead(b, read, *r, f.packed);
      if (!repl) {
        // The plain i8 copy, read as the i4 one was.
        SmallVector<AffineExpr> dims;
        for (int64_t d : r->vectorDims)
          dims.push_back(b.getAffineDimExpr(d));
        AffineMap map = AffineMap::get(r->indices.size(), 0, dims,
                                       b.getContext());
        Value pad = arith::ExtSIOp::create(b, read.getLoc(), b.getI8Type(),
                                           read.getPadding());
        repl = vector::TransferReadOp::create(
            b, read.getLoc(), cast<VectorType>(widened(read.getVectorType())),
            wideOf(b, r->constant), r->indices, AffineMapAttr::get(map), pad, Value(),
            read.getInBoundsAttr());
      }
      replaceNarrow(b, read.getResult(), repl);
      if (read->use_empty())
        read->erase();
    }
    // The i4 constants and slices of them left unused go with the next
    // canonicalization, as do the unused i8 copies.
    forms.clear();
  }
};

} // namespace
