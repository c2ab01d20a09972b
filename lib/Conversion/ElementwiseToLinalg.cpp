//===- ElementwiseToLinalg.cpp - elementwise / normalization / reductions -===//
//
// Elementwise ops become one linalg.generic each (numpy broadcasting through
// the indexing maps, see buildElementwise); linalg-fuse-elementwise-ops merges
// chains of them later.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"

using namespace mlir;
using namespace dyad;

namespace {

/// Lowers an elementwise op whose scalar semantics `Body` computes from the
/// (converted) operand scalars. `Body` also sees the op, for attributes and
/// the original (signedness-carrying) element type.
template <typename OpTy, typename Body>
struct ElementwisePattern : OpConversionPattern<OpTy> {
  ElementwisePattern(const TypeConverter &tc, MLIRContext *ctx, Body body)
      : OpConversionPattern<OpTy>(tc, ctx), body(body) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<RankedTensorType>(
        this->getTypeConverter()->convertType(op->getResult(0).getType()));
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "unranked result");
    for (Value v : adaptor.getOperands())
      if (!isa<RankedTensorType>(v.getType()))
        return rewriter.notifyMatchFailure(op, "unranked operand");
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return body(op, b, loc, args);
        });
    if (!result)
      return rewriter.notifyMatchFailure(op, "dynamic dim without a source");
    rewriter.replaceOp(op, result);
    return success();
  }

  Body body;
};

template <typename OpTy, typename Body>
void addElementwise(RewritePatternSet &patterns, const TypeConverter &tc,
                    Body body) {
  patterns.add<ElementwisePattern<OpTy, Body>>(tc, patterns.getContext(),
                                               body);
}

/// Whether the op's original element type is an unsigned integer.
bool isUnsignedElt(Operation *op) {
  return getElementTypeOrSelf(op->getResult(0).getType()).isUnsignedInteger();
}

} // namespace

void dyad::populateElementwiseToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  auto &tc = converter;
  // Binary arithmetic: float or integer (signedness from the dyad type).
  addElementwise<AddOp>(patterns, tc, [](Operation *, OpBuilder &b,
                                         Location loc, ValueRange a) -> Value {
    if (isa<FloatType>(a[0].getType()))
      return arith::AddFOp::create(b, loc, a[0], a[1]);
    return arith::AddIOp::create(b, loc, a[0], a[1]);
  });
  addElementwise<SubOp>(patterns, tc, [](Operation *, OpBuilder &b,
                                         Location loc, ValueRange a) -> Value {
    if (isa<FloatType>(a[0].getType()))
      return arith::SubFOp::create(b, loc, a[0], a[1]);
    return arith::SubIOp::create(b, loc, a[0], a[1]);
  });
  addElementwise<MulOp>(patterns, tc, [](Operation *, OpBuilder &b,
                                         Location loc, ValueRange a) -> Value {
    if (isa<FloatType>(a[0].getType()))
      return arith::MulFOp::create(b, loc, a[0], a[1]);
    return arith::MulIOp::create(b, loc, a[0], a[1]);
  });
  addElementwise<DivOp>(patterns, tc, [](Operation *op, OpBuilder &b,
                                         Location loc, ValueRange a) -> Value {
    if (isa<FloatType>(a[0].getType()))
      return arith::DivFOp::create(b, loc, a[0], a[1]);
    // ONNX integer Div truncates toward zero.
    if (isUnsignedElt(op))
      return arith::DivUIOp::create(b, loc, a[0], a[1]);
    return arith::DivSIOp::create(b, loc, a[0], a[1]);
  });
  // Unary float math.
  addElementwise<SqrtOp>(patterns, tc, [](Operation *, OpBuilder &b,
                                          Location loc, ValueRange a) -> Value {
    return math::SqrtOp::create(b, loc, a[0]);
  });
  addElementwise<ExpOp>(patterns, tc, [](Operation *, OpBuilder &b,
                                         Location loc, ValueRange a) -> Value {
    return math::ExpOp::create(b, loc, a[0]);
  });
  addElementwise<ErfOp>(patterns, tc, [](Operation *, OpBuilder &b,
                                         Location loc, ValueRange a) -> Value {
    return math::ErfOp::create(b, loc, a[0]);
  });
  addElementwise<TanhOp>(patterns, tc, [](Operation *, OpBuilder &b,
                                          Location loc, ValueRange a) -> Value {
    return math::TanhOp::create(b, loc, a[0]);
  });
  addElementwise<ReluOp>(patterns, tc, [](Operation *op, OpBuilder &b,
                                          Location loc, ValueRange a) -> Value {
    Type t = a[0].getType();
    Value zero = scalarConstant(b, loc, t, 0.0);
    if (isa<FloatType>(t))
      return arith::MaximumFOp::create(b, loc, a[0], zero);
    if (isUnsignedElt(op))
      return a[0];
    return arith::MaxSIOp::create(b, loc, a[0], zero);
  });
}
