//===- Integerize.cpp - dequantize -> op -> quantize to integer ops ------===//
//
// Each `dyad.quantize` is the root of a chain `quantize(act?(op(dequantize
// ...)))`. When `op` has an integer form, the chain becomes integer ops on
// the quantized values plus `dyad.requant` (docs/numerics.md), and the
// quantize's uses read the new integers (through quant.scast, folded away
// later). Chains without an integer form are left alone and marked with the
// reason (`dyad.float_reason`) for dyad-verify-integer-only.
//
//===----------------------------------------------------------------------===//
#include "dyad/Dialect/Dyad/DyadOps.h"
#include "dyad/Dialect/Dyad/Dyadic.h"
#include "QuantUtils.h"
#include "dyad/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <cmath>
#include <functional>
#include <numeric>

namespace dyad {
#define GEN_PASS_DEF_DYADINTEGERIZE
#include "dyad/Transforms/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

namespace {

/// Scale, zero point and storage range of a per-tensor quantized value.
struct QInfo {
  double scale = 1;
  int64_t zp = 0;
  int64_t qmin = 0, qmax = 0;
  IntegerType intType;
};

std::optional<QInfo> perTensor(Type type) {
  auto u = dyn_cast<quant::UniformQuantizedType>(getElementTypeOrSelf(type));
  if (!u)
    return std::nullopt;
  return QInfo{u.getScale(), u.getZeroPoint(), u.getStorageTypeMin(),
               u.getStorageTypeMax(), integerTypeOf(u)};
}

/// round half to even, as ONNX QuantizeLinear rounds; saturated to
/// +-2^62 (a clip bound far beyond the output's range), NaN to 0, so the
/// conversion is always defined.
int64_t roundEven(double v) {
  double r = std::nearbyint(v);
  if (std::isnan(r))
    return 0;
  return (int64_t)std::clamp(r, -0x1p62, 0x1p62);
}

/// An integer constant read through dequantize(scast(bitcast?(constant))).
struct IntConst {
  SmallVector<int64_t> values;
  SmallVector<int64_t> shape;
  quant::QuantizedType type;
  SmallVector<double> scales;     // one per channel, or one
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1;              // quantized dim, -1 per tensor
};

std::optional<IntConst> dequantizedConstant(Value v) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq)
    return std::nullopt;
  Value raw = dq.getInput();
  auto sc = raw.getDefiningOp<quant::StorageCastOp>();
  if (!sc)
    return std::nullopt;
  raw = sc.getInput();
  if (auto bc = raw.getDefiningOp<tensor::BitcastOp>())
    raw = bc.getSource();
  DenseIntElementsAttr attr;
  if (!matchPattern(raw, m_Constant(&attr)))
    return std::nullopt;
  IntConst c;
  c.type = cast<quant::QuantizedType>(
      getElementTypeOrSelf(dq.getInput().getType()));
  c.shape.assign(attr.getType().getShape().begin(),
                 attr.getType().getShape().end());
  for (const APInt &x : attr.getValues<APInt>())
    c.values.push_back(c.type.isSigned() ? x.getSExtValue()
                                         : (int64_t)x.getZExtValue());
  if (auto u = dyn_cast<quant::UniformQuantizedType>(c.type)) {
    c.scales = {u.getScale()};
    c.zeroPoints = {u.getZeroPoint()};
  } else if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(c.type)) {
    c.scales.assign(pa.getScales().begin(), pa.getScales().end());
    c.zeroPoints.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
    c.axis = pa.getQuantizedDimension();
  } else {
    return std::nullopt;
  }
  return c;
}

/// A float constant (or the dequantized values of an integer constant) as
/// doubles, with its shape.
std::optional<std::pair<SmallVector<double>, SmallVector<int64_t>>>
realConstant(Value v) {
  ShapedType type;
  if (auto values = floatConstant(v, &type))
    return std::make_pair(*values, SmallVector<int64_t>(type.getShape()));
  auto c = dequantizedConstant(v);
  if (!c)
    return std::nullopt;
  SmallVector<double> out(c->values.size());
  int64_t inner = 1, channels = (int64_t)c->scales.size();
  if (c->axis >= 0)
    for (size_t d = c->axis + 1; d < c->shape.size(); ++d)
      inner *= c->shape[d];
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t ch = c->axis >= 0 ? ((int64_t)i / inner) % channels : 0;
    out[i] = (double)(c->values[i] - c->zeroPoints[ch]) * c->scales[ch];
  }
  return std::make_pair(out, c->shape);
}

/// The float function that an elementwise op computes of its one
/// activation operand, in double precision as the ONNX operator defines it
/// (the table of dyad.lookup is this function at every input value).
/// `data` is set to that operand. A binary op (Mul, Div, Pow)
/// qualifies when its other operand is a one-value constant that does not
/// broadcast the result beyond the activation's shape. Null, with `why`,
/// otherwise.
std::function<double(double)> elementFunction(Operation *op, unsigned &data,
                                              std::string &why) {
  data = 0;
  auto attr = [](FloatAttr a) { return a.getValueAsDouble(); };
  auto sigmoid = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  if (op->getNumOperands() == 1) {
    if (isa<SqrtOp>(op))
      return [](double x) { return std::sqrt(x); };
    if (isa<ExpOp>(op))
      return [](double x) { return std::exp(x); };
    if (isa<ErfOp>(op))
      return [](double x) { return std::erf(x); };
    if (isa<SigmoidOp>(op))
      return sigmoid;
    if (isa<TanhOp>(op))
      return [](double x) { return std::tanh(x); };
    if (isa<HardSwishOp>(op))
      return [](double x) { return x * std::clamp(x / 6 + 0.5, 0.0, 1.0); };
    if (auto h = dyn_cast<HardSigmoidOp>(op)) {
      double a = attr(h.getAlphaAttr()), c = attr(h.getBetaAttr());
      return [=](double x) { return std::clamp(a * x + c, 0.0, 1.0); };
    }
    if (auto g = dyn_cast<GeluOp>(op)) {
      if (g.getApproximate() == GeluApproximation::Tanh)
        return [](double x) {
          double k = std::sqrt(2.0 / M_PI);
          return 0.5 * x * (1 + std::tanh(k * (x + 0.044715 * x * x * x)));
        };
      return [](double x) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); };
    }
    if (auto e = dyn_cast<EluOp>(op)) {
      double a = attr(e.getAlphaAttr());
      return [=](double x) { return x < 0 ? a * std::expm1(x) : x; };
    }
    if (auto e = dyn_cast<SeluOp>(op)) {
      double a = attr(e.getAlphaAttr()), g = attr(e.getGammaAttr());
      return [=](double x) { return g * (x <= 0 ? a * std::expm1(x) : x); };
    }
    if (auto t = dyn_cast<ThresholdedReluOp>(op)) {
      double a = attr(t.getAlphaAttr());
      return [=](double x) { return x > a ? x : 0.0; };
    }
    if (isa<LogOp>(op))
      return [](double x) { return std::log(x); };
    if (isa<ReciprocalOp>(op))
      return [](double x) { return 1.0 / x; };
    if (isa<SoftplusOp>(op))
      return [](double x) {
        return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
      };
    if (isa<SoftsignOp>(op))
      return [](double x) { return x / (1 + std::fabs(x)); };
    if (isa<SinOp>(op))
      return [](double x) { return std::sin(x); };
    if (isa<CosOp>(op))
      return [](double x) { return std::cos(x); };
    if (isa<NegOp>(op))
      return [](double x) { return -x; };
    if (isa<ReluOp>(op))
      return [](double x) { return std::max(x, 0.0); };
    if (auto l = dyn_cast<LeakyReluOp>(op)) {
      double a = attr(l.getAlphaAttr());
      return [=](double x) { return x < 0 ? a * x : x; };
    }
    if (isa<AbsOp>(op))
      return [](double x) { return std::fabs(x); };
    why = (Twine("no integer form for '") + op->getName().getStringRef() + "'")
              .str();
    return nullptr;
  }
  if (op->getNumOperands() != 2 || !isa<MulOp, DivOp, PowOp>(op)) {
    why = "not an elementwise function of one value";
    return nullptr;
  }
  std::optional<double> c;
  for (unsigned i = 0; i < 2 && !c; ++i) {
    auto v = realConstant(op->getOperand(i));
    if (v && v->first.size() == 1) {
      c = v->first[0];
      data = 1 - i;
    }
  }
  auto dataType = dyn_cast<ShapedType>(op->getOperand(data).getType());
  auto resultType = dyn_cast<ShapedType>(op->getResult(0).getType());
  if (!c || !dataType || !resultType || !dataType.hasRank() ||
      !resultType.hasRank() || dataType.getShape() != resultType.getShape()) {
    why = (Twine("'") + op->getName().getStringRef() +
           "' of two activations (or of a constant with more than one value)")
              .str();
    return nullptr;
  }
  double k = *c;
  bool first = data == 0; // the activation is the first operand
  if (isa<MulOp>(op))
    return [=](double x) { return x * k; };
  if (isa<DivOp>(op))
    return first ? std::function<double(double)>([=](double x) { return x / k; })
                 : [=](double x) { return k / x; };
  return first ? std::function<double(double)>(
                     [=](double x) { return std::pow(x, k); })
               : [=](double x) { return std::pow(k, x); };
}

Value intConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  IntegerType type, ArrayRef<int64_t> values) {
  SmallVector<APInt> bits;
  for (int64_t v : values)
    bits.push_back(APInt(type.getWidth(), (uint64_t)v, /*isSigned=*/true));
  // Constants are signless (arith.constant); unsigned integers take a
  // bitcast, as the importer does for ONNX uint8 tensors.
  auto signless = IntegerType::get(b.getContext(), type.getWidth());
  auto attrType = RankedTensorType::get(shape, signless);
  Value c = arith::ConstantOp::create(b, loc,
                                      DenseElementsAttr::get(attrType, bits));
  if (type.isUnsigned())
    c = tensor::BitcastOp::create(b, loc, RankedTensorType::get(shape, type),
                                  c);
  return c;
}

Value scalarIntConstant(OpBuilder &b, Location loc, IntegerType type,
                        int64_t v) {
  return intConstant(b, loc, {}, type, {v});
}

RankedTensorType withElement(Type like, Type elt) {
  return cast<RankedTensorType>(cast<ShapedType>(like).clone(elt));
}

/// What happened to one chain.
enum class Outcome { Rewritten, NoMatch, Error };

class ChainRewriter {
public:
  ChainRewriter(QuantizeOp q) : q(q), b(q), loc(q.getLoc()) {}

  Outcome run();
  /// Why the chain has no integer form (set on NoMatch).
  std::string reason;

private:
  QuantizeOp q;
  OpBuilder b;
  Location loc;
  QInfo out;
  int64_t lo = 0, hi = 0; // output clamp (activation folded in)

  Outcome noMatch(const Twine &why) {
    reason = why.str();
    return Outcome::NoMatch;
  }

  /// The integers behind an operand that is a per-tensor dequantize.
  std::optional<std::pair<Value, QInfo>> intOperand(Value v) {
    auto dq = v.getDefiningOp<DequantizeOp>();
    if (!dq)
      return std::nullopt;
    auto info = perTensor(dq.getInput().getType());
    if (!info)
      return std::nullopt;
    return std::make_pair(quantToInt(b, loc, dq.getInput()), *info);
  }

  /// Folds a Relu / Clip into [lo, hi]; false if `act` is not one (or has
  /// run-time bounds).
  bool foldActivation(Operation *act);

  FailureOr<Value> requant(Value acc, ArrayRef<double> multipliers,
                           int64_t axis, int64_t inZp, int64_t outZp,
                           IntegerType outType, int64_t clampLo,
                           int64_t clampHi);
  FailureOr<Value> requantToOutput(Value acc, ArrayRef<double> multipliers,
                                   int64_t axis, int64_t inZp) {
    return requant(acc, multipliers, axis, inZp, out.zp, out.intType, lo, hi);
  }

  /// The i32 accumulator bias `quantized - zpTerm` (quantized =
  /// round(real / (alpha * S_in * S_w))), or an error at `op` naming the
  /// channel and the values when it does not fit in i32 (a QDQ model whose
  /// weight scale is too small for its bias: dyad-quantize raises such
  /// scales for float models, docs/numerics.md §2).
  std::optional<int64_t> checkedBias(Operation *op, StringRef what,
                                     int64_t channel, double real,
                                     double inScale, double wScale,
                                     double alpha, double quantized,
                                     double zpTerm, IntegerType acc);

  /// The accumulator a contraction needs: i32 where it holds every true
  /// sum, max over channels of R * sum_k |w[c,k]| + |b_q[c]| below 2^31
  /// (R: the input's integer range), i64 below 2^62 (16-bit layers, as
  /// TFLite's 16x8 mode), none beyond (docs/numerics.md §2). Wrapping
  /// arithmetic makes the intermediate sums of the zero-point algebra
  /// harmless once the true sum fits.
  IntegerType accumulatorType(double range, ArrayRef<double> absWeightSums,
                              ArrayRef<double> absBias, bool wide) {
    double bound = 0;
    for (size_t c = 0; c < absWeightSums.size(); ++c)
      bound = std::max(bound, range * absWeightSums[c] +
                                  (absBias.empty() ? 0.0 : absBias[c]));
    // 8-bit layers stay in i32 (a bias beyond it is checkedBias's error).
    if (bound < 0x1p31 || !wide)
      return b.getI32Type();
    if (bound < 0x1p62)
      return b.getI64Type();
    return {};
  }
  Outcome overflows() {
    return noMatch("the accumulator could overflow 64 bits (the input's "
                   "range times the weights' sums)");
  }

  Outcome conv(ConvOp op);
  Outcome contraction(Operation *op, Value bias);
  Outcome add(Operation *op);
  Outcome table(Operation *op);
  Outcome functionTable(Value src);
  Outcome lookup(Value input, std::function<double(double)> f);
  Outcome product(MulOp op);
  Outcome reduce(Operation *op);
  Outcome softmax(SoftmaxOp op);
  Outcome layerNorm(LayerNormalizationOp op);
  /// `x - Z` widened to i32.
  Value centered(Value x, const QInfo &info);
  /// The output clamp as attributes of an integer kernel (none where it is
  /// the whole range of the storage type).
  std::pair<IntegerAttr, IntegerAttr> clampAttrs();
  Outcome concat(ConcatOp op);
  Outcome globalAveragePool(GlobalAveragePoolOp op);
  Outcome dynamicAveragePool(GlobalAveragePoolOp op, std::pair<Value, QInfo> x,
                             ArrayRef<int64_t> axes);
  Outcome averagePool(AveragePoolOp op);
  Outcome passThrough(Operation *op);
  Outcome pad(PadOp op);
  Outcome linearResize(ResizeOp op);
  Outcome maxMin(Operation *op);
  FailureOr<Value> atOutputParams(Value v, bool &quantized);
  Outcome prelu(Operation *op, Value xVal, ArrayRef<double> slopes,
                ArrayRef<int64_t> slopeShape);
  Outcome rescale(Value operand);

  Outcome finish(FailureOr<Value> result) {
    if (failed(result))
      return Outcome::Error;
    // The integers carry the name and parameters of the float tensor they
    // stand for: quantization reports compare them with the float model.
    if (Operation *def = result->getDefiningOp()) {
      std::string name = tensorName(q.getInput());
      if (!name.empty()) {
        def->setAttr("dyad.tensor", b.getStringAttr(name));
        def->setAttr("dyad.scale", b.getF64FloatAttr(out.scale));
        def->setAttr("dyad.zero_point", b.getI64IntegerAttr(out.zp));
      }
    }
    Value replacement = intToQuant(b, loc, *result, q.getType());
    q.getResult().replaceAllUsesWith(replacement);
    return Outcome::Rewritten;
  }
};

bool ChainRewriter::foldActivation(Operation *act) {
  if (isa<ReluOp>(act)) {
    lo = std::max(lo, out.zp);
    return true;
  }
  auto clip = dyn_cast<ClipOp>(act);
  if (!clip)
    return false;
  auto bound = [&](Value v) -> std::optional<double> {
    auto c = realConstant(v);
    if (!c || c->first.size() != 1)
      return std::nullopt;
    return c->first[0];
  };
  if (clip.getMin()) {
    auto v = bound(clip.getMin());
    if (!v)
      return false;
    lo = std::max(lo, out.zp + roundEven(*v / out.scale));
  }
  if (clip.getMax()) {
    auto v = bound(clip.getMax());
    if (!v)
      return false;
    hi = std::min(hi, out.zp + roundEven(*v / out.scale));
  }
  if (lo > hi)
    lo = hi; // a clip range below the representable values
  return true;
}

FailureOr<Value> ChainRewriter::requant(Value acc, ArrayRef<double> multipliers,
                                        int64_t axis, int64_t inZp,
                                        int64_t outZp, IntegerType outType,
                                        int64_t clampLo, int64_t clampHi) {
  SmallVector<int32_t> mult, shift;
  for (double m : multipliers) {
    auto d = toDyadic(m);
    if (!d) {
      q.emitError() << "requantization multiplier " << m
                    << " has no dyadic form b/2^c with c >= 0 (scales too far "
                       "apart)";
      return failure();
    }
    mult.push_back(d->multiplier);
    shift.push_back(d->shift);
  }
  auto resultType = withElement(acc.getType(), outType);
  auto i64 = b.getI64Type();
  auto op = RequantOp::create(
      b, loc, resultType, acc, b.getDenseI32ArrayAttr(mult),
      b.getDenseI32ArrayAttr(shift), b.getIntegerAttr(i64, inZp),
      b.getIntegerAttr(i64, outZp), b.getIntegerAttr(i64, axis),
      b.getIntegerAttr(i64, clampLo), b.getIntegerAttr(i64, clampHi));
  return op.getResult();
}

Outcome ChainRewriter::run() {
  auto info = perTensor(q.getType());
  if (!info)
    return noMatch("per-axis quantized activations have no integer form");
  out = *info;
  lo = out.qmin;
  hi = out.qmax;
  Operation *def = q.getInput().getDefiningOp();
  if (!def)
    return noMatch("the graph input is quantized at the boundary");
  if (isPreprocessing(q.getInput()))
    return noMatch("float preprocessing ahead of the quantized region");
  if (isa<DequantizeOp>(def))
    return rescale(q.getInput());

  // An elementwise function of one activation through several ops.
  if (isElementwiseFunctionOp(def)) {
    Value src = elementwiseSource(q.getInput());
    bool oneOp = llvm::all_of(def->getOperands(), [&](Value v) {
      return v == src || floatConstant(v);
    });
    if (src != q.getInput() && !oneOp && src.getDefiningOp<DequantizeOp>())
      return functionTable(src);
  }

  // An activation whose input is a contraction or add fuses into its clamp.
  if (isa<ReluOp, ClipOp>(def)) {
    Operation *inner = def->getOperand(0).getDefiningOp();
    if ((hasQuantRole(inner, QuantRole::Contraction) ||
         hasQuantRole(inner, QuantRole::Add)) &&
        inner->hasOneUse()) {
      if (!foldActivation(def))
        return noMatch("clip bounds are not constants");
      def = inner;
    } else {
      // A standalone activation: requantize with the clamp.
      auto x = intOperand(def->getOperand(0));
      if (!x)
        return noMatch("the activation's input is not quantized");
      if (!foldActivation(def))
        return noMatch("clip bounds are not constants");
      return finish(requantToOutput(x->first, x->second.scale / out.scale, 1,
                                    x->second.zp));
    }
  }

  // The integer ops are named after the chain's main op first (the
  // convolution, not the Clip after it): profiles and diagnostics name
  // the ONNX node whose work they do.
  loc = b.getFusedLoc({def->getLoc(), q.getLoc()});
  if (auto conv = dyn_cast<ConvOp>(def))
    return this->conv(conv);
  if (isa<GemmOp, MatMulOp>(def))
    return contraction(def, Value());
  if (auto a = dyn_cast<AddOp>(def)) {
    // MatMul + constant bias (how exporters write a linear layer on 3-D
    // input) is one contraction.
    for (int i = 0; i < 2; ++i) {
      Operation *mm = a->getOperand(i).getDefiningOp();
      Value other = a->getOperand(1 - i);
      if (mm && isa<MatMulOp>(mm) && mm->hasOneUse() && realConstant(other)) {
        loc = b.getFusedLoc({mm->getLoc(), loc});
        return contraction(mm, other);
      }
    }
    return add(a);
  }
  if (isa<SubOp>(def))
    return add(def);
  if (auto m = dyn_cast<MulOp>(def))
    return product(m);
  if (hasQuantRole(def, QuantRole::Table))
    return table(def);
  if (isa<ReduceMeanOp, ReduceSumOp>(def))
    return reduce(def);
  if (auto s = dyn_cast<SoftmaxOp>(def))
    return softmax(s);
  if (auto l = dyn_cast<LayerNormalizationOp>(def))
    return layerNorm(l);
  if (auto c = dyn_cast<ConcatOp>(def))
    return concat(c);
  if (auto p = dyn_cast<GlobalAveragePoolOp>(def))
    return globalAveragePool(p);
  if (auto p = dyn_cast<AveragePoolOp>(def))
    return averagePool(p);
  if (isa<MaxOp, MinOp>(def))
    return maxMin(def);
  if (auto p = dyn_cast<PReluOp>(def)) {
    auto slope = realConstant(p.getSlope());
    if (!slope)
      return noMatch("the slope is not a constant");
    return prelu(p, p.getX(), slope->first, slope->second);
  }
  if (auto l = dyn_cast<LeakyReluOp>(def))
    return prelu(l, l.getX(), {l.getAlphaAttr().getValueAsDouble()}, {});
  // Values of a float result (a fallback) are moved in float: quantized
  // after the move at its own range (QuantUtils: computedInFloat).
  if (movesValues(def) && computedInFloat(def->getOperand(0)))
    return noMatch("it moves the values of a float result: moved in float, "
                   "then quantized at its own range");
  if (hasQuantRole(def, QuantRole::PassThrough))
    return passThrough(def);
  // Nearest-neighbour resizing copies values (an FPN's upsampling in
  // PP-OCR's detector); linear weighs them with fixed-point weights; cubic
  // has no integer form yet.
  if (auto r = dyn_cast<ResizeOp>(def)) {
    if (r.getMode() == ResizeMode::Linear &&
        r.getCoordinateTransformationMode() !=
            CoordinateTransformationMode::TfCropAndResize)
      return linearResize(r);
    if (r.getMode() != ResizeMode::Nearest)
      return noMatch(Twine("no integer form for '") +
                     def->getName().getStringRef() + "' in " +
                     stringifyResizeMode(r.getMode()) + " mode");
    return passThrough(def);
  }
  if (auto p = dyn_cast<PadOp>(def))
    return pad(p);
  return noMatch(Twine("no integer form for '") +
                 def->getName().getStringRef() + "'");
}

/// quantize(dequantize(x)): a change of scale.
Outcome ChainRewriter::rescale(Value operand) {
  auto x = intOperand(operand);
  if (!x)
    return noMatch("per-axis dequantize");
  return finish(
      requantToOutput(x->first, x->second.scale / out.scale, 1, x->second.zp));
}

/// Pad moves values and adds some (TF's explicit padding before a strided
/// convolution in M-LSD). By border copies or by 0 it keeps its input's
/// parameters (0 is the zero point); a pad value that the input's range may
/// not hold (7 after a ReLU6) is added after the input is requantized to
/// the output's parameters, whose calibrated range includes it.
Outcome ChainRewriter::pad(PadOp op) {
  auto x = intOperand(op.getData());
  if (!x)
    return noMatch("the input is not quantized per tensor");
  QInfo p = x->second;
  Value data = x->first;
  bool same = p.scale == out.scale && p.zp == out.zp && p.intType == out.intType;
  if (!same) {
    auto r = requant(data, p.scale / out.scale, 1, p.zp, out.zp, out.intType,
                     out.qmin, out.qmax);
    if (failed(r))
      return Outcome::Error;
    data = *r;
    p = out;
  }
  auto clone = cast<PadOp>(b.clone(*op));
  clone.getDataMutable().assign(data);
  clone.getResult().setType(withElement(op.getType(), p.intType));
  if (op.getMode() == PadMode::Constant) {
    double value = op.getConstantValue().convertToDouble();
    int64_t qv = std::clamp(p.zp + roundEven(value / p.scale), p.qmin, p.qmax);
    clone.setConstantValueAttr(b.getF64FloatAttr(double(qv)));
  }
  clone->removeAttr("dyad.tensor");
  return finish(clone.getResult());
}

/// A linear Resize (M-LSD's and PP-OCR's FPN upsampling): the integers are
/// interpolated with weights of F fraction bits per axis, which sum to
/// 2^(F k) over an output's 2^k corners, so the i32 sum is
/// 2^(F k) * (the interpolated value) exactly up to the weights' rounding
/// (2^-(F+1) each), and one requantization by S_in / (2^(F k) S_out), with
/// the input zero point times 2^(F k), brings it to the output's
/// parameters. F is as large as keeps the sum of 8-bit values within
/// 2^30 (11 for the usual two axes, in i32), at most 12; wider integers
/// are summed in i64 (within 2^62), so 16-bit inputs keep 12 as well.
Outcome ChainRewriter::linearResize(ResizeOp op) {
  auto x = intOperand(op.getX());
  if (!x)
    return noMatch("the input is not quantized per tensor");
  const QInfo &in = x->second;
  int64_t k = op.getInterpolatedAxes();
  if (k == 0)
    return passThrough(op);
  bool wide = in.intType.getWidth() > 8;
  int64_t room = wide ? 62 : 30;
  int64_t fracBits =
      std::min<int64_t>(12, (room - in.intType.getWidth()) / k);
  if (fracBits < 4)
    return noMatch("a linear resize of " + Twine(k) + " axes of " +
                   Twine(in.intType.getWidth()) +
                   "-bit integers leaves its weights fewer than 4 fraction "
                   "bits");
  auto clone = cast<ResizeOp>(b.clone(*op));
  clone.getXMutable().assign(x->first);
  clone.getY().setType(withElement(
      op.getType(), wide ? b.getI64Type() : b.getI32Type()));
  clone.setWeightFractionBitsAttr(b.getI64IntegerAttr(fracBits));
  clone->removeAttr("dyad.tensor");
  double unit = std::ldexp(1.0, (int)(fracBits * k));
  return finish(requantToOutput(clone.getY(), in.scale / (unit * out.scale),
                                1, in.zp * (int64_t)unit));
}

/// Ops that move or select values work on the integers; a requant follows
/// when the output's parameters differ.
Outcome ChainRewriter::passThrough(Operation *op) {
  auto x = intOperand(op->getOperand(0));
  if (!x)
    return noMatch("the input is not quantized per tensor");
  for (Value v : op->getOperands().drop_front())
    if (isa<FloatType>(getElementTypeOrSelf(v.getType())))
      return noMatch("a float operand besides the data");
  Operation *clone = b.clone(*op);
  clone->setOperand(0, x->first);
  clone->getResult(0).setType(
      withElement(op->getResult(0).getType(), x->second.intType));
  clone->removeAttr("dyad.tensor");
  Value v = clone->getResult(0);
  const QInfo &in = x->second;
  if (in.scale == out.scale && in.zp == out.zp && in.intType == out.intType)
    return finish(v);
  return finish(requantToOutput(v, in.scale / out.scale, 1, in.zp));
}

std::optional<int64_t>
ChainRewriter::checkedBias(Operation *op, StringRef what, int64_t channel,
                           double real, double inScale, double wScale,
                           double alpha, double quantized, double zpTerm,
                           IntegerType acc) {
  double v = quantized - zpTerm;
  double limit = std::ldexp(1.0, (int)acc.getWidth() - 1);
  if (std::isfinite(v) && v >= -limit && v < limit)
    return (int64_t)v;
  auto diag = op->emitError();
  diag << "the quantized bias of " << what << " " << channel
       << " does not fit in i" << acc.getWidth() << ": bias "
       << formatNumber(real) << " at scale ";
  if (alpha != 1.0)
    diag << "alpha * ";
  diag << "S_in * S_w = ";
  if (alpha != 1.0)
    diag << formatNumber(alpha) << " * ";
  diag << formatNumber(inScale) << " * " << formatNumber(wScale) << " is "
       << formatNumber(quantized);
  if (zpTerm != 0)
    diag << " (" << formatNumber(v) << " with the input zero point's term)";
  diag << ", beyond "
       << (acc.getWidth() == 32 ? "+-2147483647" : "the i64 accumulator")
       << ": the model's weight scale for this "
          "channel is too small for its bias";
  return std::nullopt;
}

Outcome ChainRewriter::conv(ConvOp op) {
  auto x = intOperand(op.getX());
  auto w = dequantizedConstant(op.getW());
  if (!x || !w)
    return noMatch("conv needs a quantized input and quantized constant "
                   "weights");
  if (op.getXZeroPoint() || op.getWZeroPoint())
    return noMatch("conv already has zero points");
  const QInfo &in = x->second;
  int64_t outCh = w->shape[0];
  int64_t perCh = (int64_t)w->values.size() / outCh;
  if (w->axis > 0)
    return noMatch("weights quantized along a dim other than the output "
                   "channel");
  bool wZero = llvm::all_of(w->zeroPoints, [](int64_t z) { return z == 0; });
  auto scaleW = [&](int64_t c) { return w->scales[w->axis == 0 ? c : 0]; };

  // Bias at S_in * S_w[c] (as doubles until checked against i32).
  SmallVector<double> realBias(outCh, 0.0), bias(outCh, 0.0);
  if (Value bv = op.getB()) {
    auto real = realConstant(bv);
    if (!real || (int64_t)real->first.size() != outCh)
      return noMatch("the bias is not a constant");
    realBias = real->first;
    for (int64_t c = 0; c < outCh; ++c)
      bias[c] = std::nearbyint(realBias[c] / (in.scale * scaleW(c)));
  }
  SmallVector<double> zpTerm(outCh, 0.0);

  Value xi = x->first;
  bool staticPads = op.getAutoPad() == AutoPad::NotSet;
  ArrayRef<int64_t> pads = op.getPads();
  bool padded = llvm::any_of(pads, [](int64_t p) { return p != 0; });
  Value xzp, wzp;
  SmallVector<int64_t> convPads(pads.begin(), pads.end());
  if (wZero && staticPads) {
    // Zero-point algebra at compile time: pad with Z_x (the real 0), so
    // sum((x - Z_x) w) = sum(x w) - Z_x sum(w) at every output position.
    if (padded && in.zp != 0) {
      auto xt = cast<RankedTensorType>(xi.getType());
      SmallVector<int64_t> allPads(2 * xt.getRank(), 0);
      int64_t spatial = xt.getRank() - 2;
      SmallVector<int64_t> padShape(xt.getShape());
      for (int64_t d = 0; d < spatial; ++d) {
        allPads[2 + d] = pads[d];
        allPads[xt.getRank() + 2 + d] = pads[spatial + d];
        if (!ShapedType::isDynamic(padShape[2 + d]))
          padShape[2 + d] += pads[d] + pads[spatial + d];
      }
      xi = PadOp::create(b, loc, RankedTensorType::get(padShape, in.intType),
                         xi, b.getDenseI64ArrayAttr(allPads),
                         b.getF64FloatAttr((double)in.zp),
                         PadModeAttr::get(b.getContext(), PadMode::Constant));
      std::fill(convPads.begin(), convPads.end(), 0);
    }
    for (int64_t c = 0; c < outCh; ++c) {
      int64_t sum = 0;
      for (int64_t k = 0; k < perCh; ++k)
        sum += w->values[c * perCh + k];
      zpTerm[c] = (double)(in.zp * sum);
    }
  } else {
    // Zero points at run time: the conv subtracts them (and pads with the
    // real 0) itself.
    xzp = scalarIntConstant(b, loc, in.intType, in.zp);
    if (!wZero) {
      SmallVector<int64_t> zps(w->zeroPoints);
      if (zps.size() == 1)
        wzp = scalarIntConstant(b, loc, integerTypeOf(w->type), zps[0]);
      else
        wzp = intConstant(b, loc, {(int64_t)zps.size()},
                          integerTypeOf(w->type), zps);
    }
  }
  SmallVector<double> absSums(outCh, 0.0), absBias(outCh);
  for (int64_t c = 0; c < outCh; ++c) {
    for (int64_t k = 0; k < perCh; ++k)
      absSums[c] += std::fabs((double)w->values[c * perCh + k]);
    absBias[c] = std::fabs(bias[c]);
  }
  IntegerType accElt = accumulatorType(
      (double)(in.qmax - in.qmin), absSums, absBias,
      in.intType.getWidth() > 8 || integerTypeOf(w->type).getWidth() > 8);
  if (!accElt)
    return overflows();
  SmallVector<int64_t> biasInt(outCh);
  for (int64_t c = 0; c < outCh; ++c) {
    auto v = checkedBias(op, "output channel", c, realBias[c], in.scale,
                         scaleW(c), 1.0, bias[c], zpTerm[c], accElt);
    if (!v)
      return Outcome::Error;
    biasInt[c] = *v;
  }
  Value wi = intConstant(b, loc, w->shape, integerTypeOf(w->type), w->values);
  Value bi = intConstant(b, loc, {outCh}, accElt, biasInt);
  auto accType = withElement(op.getType(), accElt);
  Value acc = ConvOp::create(b, loc, accType, xi, wi, bi, xzp, wzp,
                             op.getAutoPadAttr(), op.getKernelShapeAttr(),
                             op.getStridesAttr(), op.getDilationsAttr(),
                             b.getDenseI64ArrayAttr(convPads),
                             op.getGroupAttr());
  SmallVector<double> mult;
  for (int64_t c = 0; c < (w->axis == 0 ? outCh : 1); ++c)
    mult.push_back(in.scale * scaleW(c) / out.scale);
  return finish(requantToOutput(acc, mult, 1, 0));
}

/// Gemm, or MatMul (with an optional constant bias added after it). With
/// constant weights: i32 accumulation of the integers, the input zero point
/// folded into the bias, per-column requantization. MatMul of two
/// quantized activations: the zero points are subtracted at run time.
Outcome ChainRewriter::contraction(Operation *op, Value extraBias) {
  Value aVal = op->getOperand(0), bVal = op->getOperand(1);
  auto gemm = dyn_cast<GemmOp>(op);
  auto mm = dyn_cast<MatMulOp>(op);
  if (mm && (mm.getAZeroPoint() || mm.getBZeroPoint()))
    return noMatch("matmul already has zero points");
  auto a = intOperand(aVal);
  if (!a)
    return noMatch("the left operand is not quantized per tensor");
  const QInfo &in = a->second;
  auto i32 = b.getI32Type();
  Type resultType = op->getResult(0).getType();
  auto accType = withElement(resultType, i32);
  double alpha = gemm ? gemm.getAlpha().convertToDouble() : 1.0;
  double beta = gemm ? gemm.getBeta().convertToDouble() : 1.0;
  if (!(alpha > 0))
    return noMatch("gemm alpha is not positive");

  auto w = dequantizedConstant(bVal);
  if (!w) {
    if (gemm)
      return noMatch("gemm needs constant quantized weights");
    // Activation x activation.
    auto bq = intOperand(bVal);
    if (!bq)
      return noMatch("the right operand is not quantized per tensor");
    if (extraBias)
      return noMatch("a bias on an activation x activation matmul");
    auto bt = cast<ShapedType>(bVal.getType());
    double K = bt.getRank() >= 2 && !bt.isDynamicDim(bt.getRank() - 2)
                   ? (double)bt.getDimSize(bt.getRank() - 2)
                   : 0x1p31;
    double rangeB = (double)(bq->second.qmax - bq->second.qmin);
    IntegerType accElt = accumulatorType(
        (double)(in.qmax - in.qmin), {rangeB * K}, {},
        in.intType.getWidth() > 8 || bq->second.intType.getWidth() > 8);
    if (!accElt)
      return overflows();
    accType = withElement(resultType, accElt);
    Value azp = scalarIntConstant(b, loc, in.intType, in.zp);
    Value bzp = scalarIntConstant(b, loc, bq->second.intType, bq->second.zp);
    Value acc = MatMulOp::create(b, loc, accType, a->first, bq->first, azp, bzp);
    return finish(requantToOutput(
        acc, in.scale * bq->second.scale / out.scale, 1, 0));
  }
  if (w->shape.size() != 2)
    return noMatch("weights of rank other than 2");
  if (!llvm::all_of(w->zeroPoints, [](int64_t z) { return z == 0; }))
    return noMatch("weights with a zero point");
  bool transB = gemm && gemm.getTransB();
  int64_t K = transB ? w->shape[1] : w->shape[0];
  int64_t N = transB ? w->shape[0] : w->shape[1];
  int64_t nAxis = transB ? 0 : 1;
  if (w->axis >= 0 && w->axis != nAxis)
    return noMatch("weights quantized along the reduction dim");
  // B as [K, N] integers.
  SmallVector<int64_t> wkn(K * N);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      wkn[k * N + n] = transB ? w->values[n * K + k] : w->values[k * N + n];
  auto scaleW = [&](int64_t n) { return w->scales[w->axis >= 0 ? n : 0]; };
  auto accScale = [&](int64_t n) { return alpha * in.scale * scaleW(n); };

  // Bias: beta * C (Gemm) or the added constant (MatMul), at the
  // accumulator's scale, minus Z_a * colsum(B).
  Value biasVal = gemm ? gemm.getC() : extraBias;
  SmallVector<int64_t> biasShape{N};
  SmallVector<double> biasReal(N, 0.0);
  if (biasVal) {
    auto real = realConstant(biasVal);
    if (!real)
      return noMatch("the bias is not a constant");
    auto [vals, shape] = *real;
    int64_t rank = shape.size();
    if (rank > 2 || (rank >= 1 && shape.back() != N && shape.back() != 1) ||
        (rank == 2 && !mm && shape[0] != 1 &&
         cast<ShapedType>(resultType).getDimSize(0) != shape[0]) ||
        (rank == 2 && mm && shape[0] != 1))
      return noMatch("a bias that is not per column");
    if (rank == 2 && shape[0] != 1) {
      biasShape = {shape[0], N};
      biasReal.assign(shape[0] * N, 0.0);
    }
    for (size_t i = 0; i < biasReal.size(); ++i) {
      int64_t n = (int64_t)i % N;
      double v = vals.size() == 1 ? vals[0]
                 : shape.back() == 1
                     ? vals[i / N]
                     : vals[(vals.size() == (size_t)N) ? n : i];
      biasReal[i] = beta * v;
    }
  }
  SmallVector<int64_t> colSum(N, 0);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      colSum[n] += wkn[k * N + n];
  SmallVector<double> absSums(N, 0.0), absBias(N, 0.0);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      absSums[n] += std::fabs((double)wkn[k * N + n]);
  for (size_t i = 0; i < biasReal.size(); ++i) {
    int64_t n = (int64_t)i % N;
    absBias[n] = std::max(absBias[n], std::fabs(biasReal[i] / accScale(n)));
  }
  IntegerType accElt = accumulatorType(
      (double)(in.qmax - in.qmin), absSums, absBias,
      in.intType.getWidth() > 8 || integerTypeOf(w->type).getWidth() > 8);
  if (!accElt)
    return overflows();
  accType = withElement(resultType, accElt);
  SmallVector<int64_t> bias(biasReal.size());
  for (size_t i = 0; i < bias.size(); ++i) {
    int64_t n = (int64_t)i % N;
    auto v = checkedBias(op, "output column", n, biasReal[i], in.scale,
                         scaleW(n), alpha,
                         std::nearbyint(biasReal[i] / accScale(n)),
                         (double)(in.zp * colSum[n]), accElt);
    if (!v)
      return Outcome::Error;
    bias[i] = *v;
  }

  Value ai = a->first;
  if (gemm && gemm.getTransA()) {
    auto at = cast<RankedTensorType>(ai.getType());
    ai = TransposeOp::create(
        b, loc,
        RankedTensorType::get({at.getDimSize(1), at.getDimSize(0)},
                              at.getElementType()),
        ai, b.getDenseI64ArrayAttr({1, 0}));
  }
  Value wi = intConstant(b, loc, {K, N}, integerTypeOf(w->type), wkn);
  Value acc = MatMulOp::create(b, loc, accType, ai, wi, Value(), Value());
  if (biasVal || in.zp != 0) {
    Value bi = intConstant(b, loc, biasShape, accElt, bias);
    acc = AddOp::create(b, loc, accType, acc, bi);
  }
  SmallVector<double> mult;
  for (int64_t n = 0; n < (w->axis >= 0 ? N : 1); ++n)
    mult.push_back(accScale(n) / out.scale);
  return finish(requantToOutput(acc, mult, accType.getRank() - 1, 0));
}

/// Each branch is requantized onto S_out / 2^k in i32 with its own dyadic
/// multiplier, the branches are added, and one last requant by 2^-k adds
/// Z_out and clamps: the sum is rounded once more, not once per branch.
/// Add and Sub: each branch (or constant) requantized to i32 at a common
/// fine scale (k extra fraction bits), added or subtracted, requantized to
/// the output.
Outcome ChainRewriter::add(Operation *op) {
  auto i32 = b.getI32Type();
  auto accType = withElement(op->getResult(0).getType(), i32);
  struct Branch {
    std::optional<std::pair<Value, QInfo>> q;
    std::optional<std::pair<SmallVector<double>, SmallVector<int64_t>>> c;
  };
  Branch br[2];
  double bound = 0; // max |branch| in units of S_out
  for (int i = 0; i < 2; ++i) {
    Value v = op->getOperand(i);
    br[i].q = intOperand(v);
    if (br[i].q) {
      const QInfo &qi = br[i].q->second;
      bound += (double)(qi.qmax - qi.qmin) * qi.scale / out.scale;
      continue;
    }
    br[i].c = realConstant(v);
    if (!br[i].c)
      return noMatch("an add operand is neither quantized nor a constant");
    for (double d : br[i].c->first)
      bound = std::max(bound, std::fabs(d) / out.scale);
  }
  if (!br[0].q && !br[1].q)
    return noMatch("adding two constants");
  // Extra fraction bits: as many as fit (up to 16) below 2^30, so the
  // branches' own rounding is far below the output's LSB.
  int k = 16;
  while (k > 0 && bound * std::ldexp(1.0, k) >= std::ldexp(1.0, 30))
    --k;
  if (bound >= std::ldexp(1.0, 30)) {
    op->emitError() << "add operands are too large for the output scale";
    return Outcome::Error;
  }
  double unit = std::ldexp(1.0, k) / out.scale; // branch units per real 1
  Value terms[2];
  for (int i = 0; i < 2; ++i) {
    if (br[i].q) {
      auto [v, qi] = *br[i].q;
      auto r = requant(v, qi.scale * unit, 1, qi.zp, 0, i32, INT32_MIN,
                       INT32_MAX);
      if (failed(r))
        return Outcome::Error;
      terms[i] = *r;
    } else {
      SmallVector<int64_t> vals;
      for (double d : br[i].c->first)
        vals.push_back(roundEven(d * unit));
      terms[i] = intConstant(b, loc, br[i].c->second, i32, vals);
    }
  }
  Value sum = isa<SubOp>(op)
                  ? (Value)SubOp::create(b, loc, accType, terms[0], terms[1])
                  : (Value)AddOp::create(b, loc, accType, terms[0], terms[1]);
  return finish(requantToOutput(sum, std::ldexp(1.0, -k), 1, 0));
}

/// `v` on the output's parameters, for the ops that combine their inputs
/// there (Concat, Max, Min): a quantized input as it is, or requantized
/// where its parameters differ; a constant quantized with them. Null
/// (with `quantized` false) for anything else; nothing on an error.
FailureOr<Value> ChainRewriter::atOutputParams(Value v, bool &quantized) {
  quantized = false;
  if (auto x = intOperand(v)) {
    quantized = true;
    const QInfo &qi = x->second;
    if (qi.scale == out.scale && qi.zp == out.zp && qi.intType == out.intType)
      return x->first;
    return requant(x->first, qi.scale / out.scale, 1, qi.zp, out.zp,
                   out.intType, out.qmin, out.qmax);
  }
  auto c = realConstant(v);
  if (!c)
    return Value();
  SmallVector<int64_t> vals;
  for (double d : c->first)
    vals.push_back(
        std::clamp(out.zp + roundEven(d / out.scale), out.qmin, out.qmax));
  return intConstant(b, loc, c->second, out.intType, vals);
}

/// Concat: each input on the output's parameters (atOutputParams). A
/// constant input is MediaPipe's and tf2onnx's channel padding (a
/// ConstantOfShape of zeros concatenated to the activations).
Outcome ChainRewriter::concat(ConcatOp op) {
  SmallVector<Value> ins;
  bool anyQuantized = false;
  for (Value v : op.getInputs()) {
    bool quantized;
    FailureOr<Value> x = atOutputParams(v, quantized);
    if (failed(x))
      return Outcome::Error;
    if (!*x)
      return noMatch("a concat input is neither quantized per tensor nor "
                     "a constant");
    anyQuantized |= quantized;
    ins.push_back(*x);
  }
  if (!anyQuantized)
    return noMatch("no concat input is quantized");
  Value c = ConcatOp::create(b, loc, withElement(op.getType(), out.intType),
                             ins, op.getAxisAttr());
  // The concat result is in the output's parameters already; the clamp of
  // a fused activation does not apply (concat takes none).
  return finish(c);
}

/// Max / Min select one of their inputs: each is brought onto the output's
/// parameters (atOutputParams) and the integers are compared. Rounding is
/// monotonic, so this is the quantized max / min of the real values.
Outcome ChainRewriter::maxMin(Operation *op) {
  SmallVector<Value> ins;
  bool anyQuantized = false;
  for (Value v : op->getOperands()) {
    bool quantized;
    FailureOr<Value> x = atOutputParams(v, quantized);
    if (failed(x))
      return Outcome::Error;
    if (!*x)
      return noMatch("an input is neither quantized per tensor nor a "
                     "constant");
    anyQuantized |= quantized;
    ins.push_back(*x);
  }
  if (!anyQuantized)
    return noMatch("no input is quantized");
  auto type = withElement(op->getResult(0).getType(), out.intType);
  Value r = isa<MaxOp>(op) ? (Value)MaxOp::create(b, loc, type, ins)
                           : (Value)MinOp::create(b, loc, type, ins);
  return finish(r);
}

/// PRelu with a constant, non-negative slope (one value, or one per channel
/// of dim 1), and LeakyRelu (its alpha): the two signs are requantized
/// separately, x - Z_in by S_in / S_out and by slope_c * S_in / S_out, and
/// `x >= Z_in` selects on the integers.
Outcome ChainRewriter::prelu(Operation *op, Value xVal,
                             ArrayRef<double> vals, ArrayRef<int64_t> shape) {
  auto x = intOperand(xVal);
  if (!x)
    return noMatch("the input is not quantized per tensor");
  auto xt = cast<RankedTensorType>(x->first.getType());
  int64_t rank = xt.getRank(), offset = rank - (int64_t)shape.size();
  bool perChannel = vals.size() > 1;
  for (size_t i = 0; i < shape.size() && perChannel; ++i)
    if (shape[i] != 1 && offset + (int64_t)i != 1)
      return noMatch("a slope that is neither one value nor per channel");
  if (llvm::any_of(vals, [](double v) { return !(v >= 0); }))
    return noMatch("a negative slope");
  const QInfo &in = x->second;
  SmallVector<double> negMult;
  for (double v : vals)
    negMult.push_back(v * in.scale / out.scale);
  auto pos = requantToOutput(x->first, in.scale / out.scale, 1, in.zp);
  auto neg = requantToOutput(x->first, negMult, 1, in.zp);
  if (failed(pos) || failed(neg))
    return Outcome::Error;
  Value zp = scalarIntConstant(b, loc, in.intType, in.zp);
  Value cond = GreaterOrEqualOp::create(
      b, loc, withElement(xt, b.getI1Type()), x->first, zp);
  Value y = WhereOp::create(
      b, loc, withElement(op->getResult(0).getType(), out.intType), cond,
      *pos, *neg);
  return finish(y);
}

/// mean = sum / K: sum in i32 (minus K * Z_in), and 1/K joins the dyadic
/// multiplier, so no division is executed.
Outcome ChainRewriter::globalAveragePool(GlobalAveragePoolOp op) {
  auto x = intOperand(op.getX());
  if (!x)
    return noMatch("the input is not quantized per tensor");
  auto xt = cast<RankedTensorType>(x->first.getType());
  int64_t K = 1;
  SmallVector<int64_t> axes;
  bool dynamic = false;
  for (int64_t d = 2; d < xt.getRank(); ++d) {
    dynamic |= xt.isDynamicDim(d);
    K *= xt.isDynamicDim(d) ? 1 : xt.getDimSize(d);
    axes.push_back(d);
  }
  if (dynamic)
    return dynamicAveragePool(op, *x, axes);
  auto i32 = b.getI32Type();
  Value wide = CastOp::create(b, loc, withElement(xt, i32), x->first);
  Value sum = ReduceSumOp::create(
      b, loc, withElement(op.getType(), i32), wide,
      b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true), b.getBoolAttr(false));
  const QInfo &in = x->second;
  return finish(requantToOutput(sum, in.scale / (out.scale * K), 1, K * in.zp));
}

/// GlobalAveragePool over spatial dims known only at run time (a text
/// line's width): 1/K has no compile-time multiplier, so the mean is one
/// integer division per output element. With s = sum(x - Z_in) (i32) and
/// K the product of the spatial dims (from dyad.shape),
/// m = round_half_away(s 2^16 / K) in i64 is the mean in units of
/// S_in / 2^16 (|m| < 2^24), and a requant by S_in / (2^16 S_out) gives
/// the output: two roundings, the first 2^-16 of an input step.
Outcome ChainRewriter::dynamicAveragePool(GlobalAveragePoolOp op,
                                          std::pair<Value, QInfo> x,
                                          ArrayRef<int64_t> axes) {
  auto xt = cast<RankedTensorType>(x.first.getType());
  auto i32 = b.getI32Type(), i64 = b.getI64Type();
  auto scalar = RankedTensorType::get({}, i64);
  auto rowsType = withElement(op.getType(), i64);
  Value sum = ReduceSumOp::create(
      b, loc, withElement(op.getType(), i32), centered(x.first, x.second),
      b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true), b.getBoolAttr(false));
  Value a = MulOp::create(b, loc, rowsType,
                          CastOp::create(b, loc, rowsType, sum),
                          scalarIntConstant(b, loc, i64, int64_t(1) << 16));
  // K: the product of the spatial dims.
  Value dims = ShapeOp::create(
      b, loc, RankedTensorType::get({xt.getRank() - 2}, i64), x.first,
      b.getI64IntegerAttr(2), IntegerAttr());
  Value k = ReduceProdOp::create(b, loc, scalar, dims,
                                 b.getDenseI64ArrayAttr({0}),
                                 b.getBoolAttr(false), b.getBoolAttr(false));
  // An empty width (K = 0) divides by 1: its sum is 0, so is the mean.
  k = MaxOp::create(b, loc, scalar,
                    ValueRange{k, scalarIntConstant(b, loc, i64, 1)});
  // round half away from zero: (a + sign(a) floor(K / 2)) / K, truncating.
  Value half = DivOp::create(b, loc, scalar, k, scalarIntConstant(b, loc, i64, 2));
  Value nonNegative = GreaterOrEqualOp::create(
      b, loc, withElement(rowsType, b.getI1Type()), a,
      scalarIntConstant(b, loc, i64, 0));
  Value adjust = WhereOp::create(b, loc, rowsType, nonNegative, half,
                                 NegOp::create(b, loc, scalar, half));
  Value mean = DivOp::create(b, loc, rowsType,
                             AddOp::create(b, loc, rowsType, a, adjust), k);
  Value narrow = CastOp::create(b, loc, withElement(op.getType(), i32), mean);
  return finish(requantToOutput(narrow,
                                x.second.scale / (out.scale * 65536.0), 1, 0));
}

/// A windowed sum as a depthwise conv with a kernel of ones, the padding
/// filled with Z_in (the real 0); 1/K joins the multiplier. Windows that
/// count only the valid elements (count_include_pad = 0 with padding) or
/// reach past the input (ceil_mode) have varying K: no integer form yet.
Outcome ChainRewriter::averagePool(AveragePoolOp op) {
  auto x = intOperand(op.getX());
  if (!x)
    return noMatch("the input is not quantized per tensor");
  auto xt = cast<RankedTensorType>(x->first.getType());
  bool padded = llvm::any_of(op.getPads(), [](int64_t p) { return p != 0; });
  if (op.getAutoPad() != AutoPad::NotSet || op.getCeilMode() ||
      (padded && !op.getCountIncludePad()))
    return noMatch("average pool whose window size varies at the borders");
  if (xt.isDynamicDim(1))
    return noMatch("average pool over a dynamic channel count");
  int64_t C = xt.getDimSize(1);
  int64_t K = 1;
  for (int64_t k : op.getKernelShape())
    K *= k;
  auto i8 = b.getI8Type();
  SmallVector<int64_t> wShape{C, 1};
  llvm::append_range(wShape, op.getKernelShape());
  Value ones = intConstant(b, loc, wShape, i8, SmallVector<int64_t>(C * K, 1));
  const QInfo &in = x->second;
  Value xzp = scalarIntConstant(b, loc, in.intType, in.zp);
  // With the zero point subtracted by the conv, its zero padding is the
  // real 0 and the sum is already sum(x - Z_in).
  auto i32 = b.getI32Type();
  Value acc = ConvOp::create(
      b, loc, withElement(op.getType(), i32), x->first, ones, Value(), xzp,
      Value(), AutoPadAttr::get(b.getContext(), AutoPad::NotSet),
      op.getKernelShapeAttr(), op.getStridesAttr(), op.getDilationsAttr(),
      op.getPadsAttr(), b.getI64IntegerAttr(C));
  return finish(requantToOutput(acc, in.scale / (out.scale * K), 1, 0));
}

Value ChainRewriter::centered(Value x, const QInfo &info) {
  auto i32 = b.getI32Type();
  auto type = withElement(x.getType(), i32);
  Value wide = CastOp::create(b, loc, type, x);
  if (!info.zp)
    return wide;
  return SubOp::create(b, loc, type, wide,
                       scalarIntConstant(b, loc, i32, info.zp));
}

std::pair<IntegerAttr, IntegerAttr> ChainRewriter::clampAttrs() {
  auto storage = IntegerType::get(b.getContext(), out.intType.getWidth(),
                                  out.intType.getSignedness());
  int64_t w = storage.getWidth();
  int64_t tlo = storage.isUnsigned() ? 0 : -(int64_t(1) << (w - 1));
  int64_t thi = storage.isUnsigned() ? (int64_t(1) << w) - 1
                                     : (int64_t(1) << (w - 1)) - 1;
  auto i64 = b.getI64Type();
  return {lo == tlo ? IntegerAttr() : b.getIntegerAttr(i64, lo),
          hi == thi ? IntegerAttr() : b.getIntegerAttr(i64, hi)};
}

/// An elementwise function of one activation: dyad.lookup with one entry
/// per input value, the quantized result of the float function at the
/// dequantized input (exact, docs/numerics.md).
Outcome ChainRewriter::table(Operation *op) {
  unsigned data = 0;
  std::string why;
  std::function<double(double)> f = elementFunction(op, data, why);
  if (!f)
    return noMatch(why);
  return lookup(op->getOperand(data), f);
}

/// The value of the elementwise function `v` of `src` at src = x, in double
/// precision, op by op (memo: the function is a DAG).
static double evaluateFunction(Value v, Value src, double x,
                               llvm::DenseMap<Value, double> &memo) {
  if (v == src)
    return x;
  if (auto c = floatConstant(v))
    return (*c)[0];
  auto it = memo.find(v);
  if (it != memo.end())
    return it->second;
  Operation *op = v.getDefiningOp();
  double r;
  if (auto clip = dyn_cast<ClipOp>(op)) {
    r = evaluateFunction(clip.getX(), src, x, memo);
    if (clip.getMin())
      r = std::max(r, (*floatConstant(clip.getMin()))[0]);
    if (clip.getMax())
      r = std::min(r, (*floatConstant(clip.getMax()))[0]);
  } else if (op->getNumOperands() == 1) {
    unsigned data;
    std::string why;
    std::function<double(double)> f = elementFunction(op, data, why);
    double a = evaluateFunction(op->getOperand(0), src, x, memo);
    r = f ? f(a) : std::nan("");
  } else {
    double a = evaluateFunction(op->getOperand(0), src, x, memo);
    double c = evaluateFunction(op->getOperand(1), src, x, memo);
    r = isa<AddOp>(op)   ? a + c
        : isa<SubOp>(op) ? a - c
        : isa<MulOp>(op) ? a * c
        : isa<DivOp>(op) ? a / c
                         : std::pow(a, c);
  }
  memo[v] = r;
  return r;
}

/// An elementwise function of one activation through several ops (GELU
/// written out as Div, Erf, Add, Mul, Mul): one table, the function
/// evaluated in double at each input value; the inner values were never
/// quantized (dyad-quantize, isInsideElementwiseFunction).
Outcome ChainRewriter::functionTable(Value src) {
  Value result = q.getInput();
  return lookup(src, [&](double x) {
    llvm::DenseMap<Value, double> memo;
    return evaluateFunction(result, src, x, memo);
  });
}

Outcome ChainRewriter::lookup(Value input, std::function<double(double)> f) {
  auto x = intOperand(input);
  if (!x)
    return noMatch("the input is not quantized per tensor");
  const QInfo &in = x->second;
  if (in.qmax - in.qmin >= (int64_t(1) << 16))
    return noMatch("a lookup table for inputs wider than 16 bits");
  SmallVector<int32_t> values;
  for (int64_t v = in.qmin; v <= in.qmax; ++v) {
    double y = f((double)(v - in.zp) * in.scale);
    int64_t q = std::isnan(y) ? out.zp : out.zp + roundEven(y / out.scale);
    values.push_back((int32_t)std::clamp(q, lo, hi));
  }
  auto type = withElement(q.getInput().getType(), out.intType);
  return finish(LookupOp::create(b, loc, type, x->first,
                                 b.getDenseI32ArrayAttr(values),
                                 b.getI64IntegerAttr(in.qmin))
                    .getResult());
}

/// Mul: by a one-value constant, a table; of two activations, the centered
/// integers multiply in i32 (|product| <= 2^16 for 8-bit inputs), then one
/// requant by S_a * S_b / S_out.
Outcome ChainRewriter::product(MulOp op) {
  unsigned data = 0;
  std::string why;
  if (elementFunction(op, data, why))
    return table(op);
  auto x = intOperand(op.getA()), y = intOperand(op.getB());
  if (!x || !y)
    return noMatch("a Mul operand is neither quantized per tensor nor a "
                   "one-value constant");
  for (const QInfo *q : {&x->second, &y->second})
    if (q->qmax - q->qmin >= (int64_t(1) << 15))
      return noMatch("a product of inputs wider than 15 bits");
  auto i32 = b.getI32Type();
  Value p = MulOp::create(b, loc, withElement(op.getType(), i32),
                          centered(x->first, x->second),
                          centered(y->first, y->second));
  return finish(
      requantToOutput(p, x->second.scale * y->second.scale / out.scale, 1, 0));
}

/// ReduceMean / ReduceSum: an i32 sum of the integers, the zero points
/// (K * Z_in) and 1/K folded into the requant.
Outcome ChainRewriter::reduce(Operation *op) {
  auto x = intOperand(op->getOperand(0));
  if (!x)
    return noMatch("the input is not quantized per tensor");
  const QInfo &in = x->second;
  auto xt = cast<RankedTensorType>(x->first.getType());
  auto axesAttr = op->getAttrOfType<DenseI64ArrayAttr>("axes");
  auto keep = op->getAttrOfType<BoolAttr>("keepdims");
  auto noop = op->getAttrOfType<BoolAttr>("noop_with_empty_axes");
  if (!axesAttr || !keep || !noop)
    return noMatch("reduction attributes missing");
  SmallVector<int64_t> axes(axesAttr.asArrayRef());
  if (axes.empty()) {
    if (noop.getValue())
      return rescale(op->getOperand(0));
    for (int64_t d = 0; d < xt.getRank(); ++d)
      axes.push_back(d);
  }
  int64_t K = 1;
  for (int64_t a : axes) {
    int64_t d = a < 0 ? a + xt.getRank() : a;
    if (d < 0 || d >= xt.getRank() || xt.isDynamicDim(d))
      return noMatch("a reduction over a dynamic dim");
    K *= xt.getDimSize(d);
  }
  if ((double)K * (double)(in.qmax - in.qmin) >= 0x1p31)
    return noMatch("a sum that may not fit in i32");
  auto i32 = b.getI32Type();
  Value wide = CastOp::create(b, loc, withElement(xt, i32), x->first);
  Value sum = ReduceSumOp::create(
      b, loc, withElement(op->getResult(0).getType(), i32), wide,
      b.getDenseI64ArrayAttr(axes), keep, b.getBoolAttr(false));
  double mult = in.scale / out.scale / (isa<ReduceMeanOp>(op) ? K : 1);
  return finish(requantToOutput(sum, mult, 1, K * in.zp));
}

/// Softmax (dyad.int_softmax): exp(-(m - x) S_in) from a table of 2^30-scaled
/// values, one per input difference; y = e * floor(2^shift / (S_out * sum))
/// / 2^shift. The error is below 2^-29 of an output step for rows of up to
/// 2^20 elements: the table's rounding (half a unit of 2^-30 per element)
/// is what the row sum accumulates.
Outcome ChainRewriter::softmax(SoftmaxOp op) {
  auto x = intOperand(op.getInput());
  if (!x)
    return noMatch("the input is not quantized per tensor");
  const QInfo &in = x->second;
  int64_t range = in.qmax - in.qmin;
  if (range >= (int64_t(1) << 17))
    return noMatch("an exp table for inputs wider than 17 bits");
  SmallVector<int32_t> exps;
  for (int64_t d = 0; d <= range; ++d)
    exps.push_back((int32_t)std::llround(
        std::ldexp(std::exp(-(double)d * in.scale), 30)));
  // Differences past the last nonzero entry read the table's end (0).
  while (exps.size() > 1 && exps.back() == 0 && exps[exps.size() - 2] == 0)
    exps.pop_back();
  // numerator = round(2^shift / S_out) < 2^62, shift as large as that allows.
  double inv = 1.0 / out.scale;
  int shift = 62;
  while (shift > 1 && std::ldexp(inv, shift) >= 0x1p62)
    --shift;
  if (!(std::ldexp(inv, shift) < 0x1p62) || std::ldexp(inv, shift) < 1) {
    op.emitError() << "softmax output scale " << formatNumber(out.scale)
                   << " is outside what the integer softmax represents";
    return Outcome::Error;
  }
  // Precision: each exp is within 2^-31 of the row max, the sum within
  // N 2^-31; in output steps that is (N + 1) 2^-31 / S_out.
  auto xt = cast<RankedTensorType>(x->first.getType());
  int64_t axis = (int64_t)op.getAxis();
  if (axis < 0)
    axis += xt.getRank();
  if (axis >= 0 && axis < xt.getRank() && !xt.isDynamicDim(axis)) {
    double bound = (double)(xt.getDimSize(axis) + 1) * 0x1p-31 * inv;
    if (bound > 0.25)
      op.emitWarning() << "the integer softmax over " << xt.getDimSize(axis)
                       << " elements may be off by " << formatNumber(bound)
                       << " of an output step";
  }
  auto [cmin, cmax] = clampAttrs();
  auto type = withElement(op.getType(), out.intType);
  auto i64 = b.getI64Type();
  return finish(IntSoftmaxOp::create(
                    b, loc, type, x->first, op.getAxisAttr(),
                    b.getDenseI32ArrayAttr(exps),
                    b.getIntegerAttr(i64, std::llround(std::ldexp(inv, shift))),
                    b.getIntegerAttr(i64, shift),
                    b.getIntegerAttr(i64, out.zp), cmin, cmax)
                    .getResult());
}

/// LayerNormalization (dyad.int_layer_norm): z = (x - mean) / std from the
/// integer sums (an exact integer square root of C^2 var / S_in^2, scaled by
/// 4^k), in fixed point with F fraction bits, then per element
/// round((z G_j + B_j) / 2^(F + H)) with G_j = gamma_j / S_out * 2^H and
/// B_j = beta_j / S_out * 2^(F + H). The bit budget (docs/numerics.md):
/// C^2 Q^2 4^k < 2^61 for the variance, sqrt(C) 2^(62 - k) for the
/// normalized product, |G| < 2^31, |B| < 2^61.
Outcome ChainRewriter::layerNorm(LayerNormalizationOp op) {
  if (op.getMean() || op.getInvStdDev())
    return noMatch("the Mean / InvStdDev outputs are read");
  auto x = intOperand(op.getX());
  if (!x)
    return noMatch("the input is not quantized per tensor");
  const QInfo &in = x->second;
  auto xt = cast<RankedTensorType>(x->first.getType());
  int64_t rank = xt.getRank();
  int64_t axis = (int64_t)op.getAxis();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return noMatch("axis out of range");
  SmallVector<int64_t> normShape(xt.getShape().drop_front(axis));
  if (ShapedType::isDynamicShape(normShape))
    return noMatch("dynamic normalized dims");
  int64_t C = ShapedType::getNumElements(normShape);
  auto gamma = realConstant(op.getScale());
  std::optional<std::pair<SmallVector<double>, SmallVector<int64_t>>> beta;
  if (op.getB()) {
    beta = realConstant(op.getB());
    if (!beta)
      return noMatch("the bias is not a constant");
  }
  if (!gamma)
    return noMatch("the scale is not a constant");
  // Scale and bias broadcast (right-aligned) over the normalized dims.
  auto expand = [&](const std::pair<SmallVector<double>, SmallVector<int64_t>>
                        &c) -> std::optional<SmallVector<double>> {
    const SmallVector<int64_t> &shape = c.second;
    if (shape.size() > normShape.size())
      return std::nullopt;
    size_t off = normShape.size() - shape.size();
    SmallVector<double> outv(C);
    for (int64_t j = 0; j < C; ++j) {
      int64_t rem = j, src = 0, stride = 1;
      for (int64_t d = normShape.size() - 1; d >= 0; --d) {
        int64_t i = rem % normShape[d];
        rem /= normShape[d];
        if (d >= (int64_t)off) {
          int64_t n = shape[d - off];
          if (n != 1 && n != normShape[d])
            return std::nullopt;
          src += (n == 1 ? 0 : i) * stride;
          stride *= n;
        }
      }
      outv[j] = c.first[src];
    }
    return outv;
  };
  auto g = expand(*gamma);
  auto bt = beta ? expand(*beta) : std::optional<SmallVector<double>>(
                                       SmallVector<double>(C, 0.0));
  if (!g || !bt)
    return noMatch("scale / bias that do not broadcast over the normalized "
                   "dims");
  double Q = (double)(in.qmax - in.qmin);
  double dmax = (double)C * C * Q * Q;
  int k = 0;
  while (k < 30 && dmax * std::ldexp(1.0, 2 * (k + 1)) < 0x1p61)
    ++k;
  int kmin = (int)std::ceil(std::log2((double)C) / 2) + 1;
  if (k < kmin || dmax * std::ldexp(1.0, 2 * k) >= 0x1p61)
    return noMatch("a LayerNormalization over too many elements for the "
                   "64-bit integer kernel");
  double epsInt = (double)op.getEpsilonAttr().getValueAsDouble() * C * C /
                  (in.scale * in.scale) * std::ldexp(1.0, 2 * k);
  if (!(epsInt < 0x1p61))
    return noMatch("epsilon too large for the input scale");
  int F = std::min(16, (int)std::floor(30 - std::log2((double)C) / 2));
  double maxG = 0, maxB = 0;
  for (int64_t j = 0; j < C; ++j) {
    maxG = std::max(maxG, std::fabs((*g)[j]) / out.scale);
    maxB = std::max(maxB, std::fabs((*bt)[j]) / out.scale);
  }
  int H = 62 - F;
  if (maxG > 0)
    H = std::min(H, (int)std::floor(30 - std::log2(maxG)));
  if (maxB > 0)
    H = std::min(H, (int)std::floor(60 - F - std::log2(maxB)));
  if (F + H < 1 || F + H > 62 || !std::isfinite(maxG) || !std::isfinite(maxB)) {
    op.emitError() << "LayerNormalization scale / bias (up to "
                   << formatNumber(maxG) << " / " << formatNumber(maxB)
                   << " output steps) do not fit the integer kernel";
    return Outcome::Error;
  }
  // Precision: z carries F fraction bits; its rounding moves the output by
  // at most max|G| 2^-F output steps.
  if (maxG * std::ldexp(1.0, -F) > 0.25)
    op.emitWarning() << "the integer LayerNormalization keeps " << F
                     << " fraction bits of the normalized value: up to "
                     << formatNumber(maxG * std::ldexp(1.0, -F))
                     << " of an output step";
  SmallVector<int64_t> G, B;
  for (int64_t j = 0; j < C; ++j) {
    G.push_back(std::llround(std::ldexp((*g)[j] / out.scale, H)));
    B.push_back(std::llround(std::ldexp((*bt)[j] / out.scale, F + H)));
  }
  auto [cmin, cmax] = clampAttrs();
  auto i64 = b.getI64Type();
  auto type = withElement(op.getY().getType(), out.intType);
  return finish(IntLayerNormOp::create(
                    b, loc, type, x->first, b.getIntegerAttr(i64, axis),
                    b.getIntegerAttr(i64, in.zp),
                    b.getIntegerAttr(i64, (int64_t)std::llround(epsInt)),
                    b.getIntegerAttr(i64, k), b.getIntegerAttr(i64, F),
                    b.getDenseI64ArrayAttr(G), b.getDenseI64ArrayAttr(B),
                    b.getIntegerAttr(i64, F + H),
                    b.getIntegerAttr(i64, out.zp), cmin, cmax)
                    .getResult());
}

/// A comparison in the quantized region compares integers: two operands of
/// the same parameters directly, a quantized operand against a constant
/// through an exact integer threshold (with r = c / S + Z, q > r iff
/// q > floor(r), q >= r iff q >= ceil(r), q == r iff r is an integer equal
/// to q). Returns the reason when it has no integer form (null: rewritten,
/// or not a comparison of quantized values).
std::optional<std::string> integerizeCompare(Operation *op) {
  enum Pred { GT, GE, LT, LE, EQ };
  Pred pred;
  if (isa<GreaterOp>(op))
    pred = GT;
  else if (isa<GreaterOrEqualOp>(op))
    pred = GE;
  else if (isa<LessOp>(op))
    pred = LT;
  else if (isa<LessOrEqualOp>(op))
    pred = LE;
  else if (isa<EqualOp>(op))
    pred = EQ;
  else
    return std::nullopt;
  OpBuilder b(op);
  Location loc = op->getLoc();
  auto qOperand = [&](Value v) -> std::optional<std::pair<Value, QInfo>> {
    auto dq = v.getDefiningOp<DequantizeOp>();
    if (!dq)
      return std::nullopt;
    auto info = perTensor(dq.getInput().getType());
    if (!info)
      return std::nullopt;
    return std::make_pair(quantToInt(b, loc, dq.getInput()), *info);
  };
  auto qa = qOperand(op->getOperand(0)), qb = qOperand(op->getOperand(1));
  if (!qa && !qb)
    return std::nullopt; // a float comparison outside the quantized region
  if (qa && qb) {
    const QInfo &x = qa->second, &y = qb->second;
    if (x.scale != y.scale || x.zp != y.zp || x.intType != y.intType)
      return std::string("a comparison of operands with different "
                         "quantization parameters");
    Operation *clone = b.clone(*op);
    clone->setOperands({qa->first, qb->first});
    op->getResult(0).replaceAllUsesWith(clone->getResult(0));
    op->erase();
    return std::nullopt;
  }
  bool constFirst = !qa;
  auto &q = constFirst ? *qb : *qa;
  auto c = realConstant(op->getOperand(constFirst ? 0 : 1));
  if (!c)
    return std::string("a comparison of a quantized value with a value that "
                       "is neither quantized nor a constant");
  // The predicate with the quantized operand on the left.
  Pred xPred = pred;
  if (constFirst)
    xPred = pred == GT ? LT : pred == LT ? GT : pred == GE ? LE
            : pred == LE ? GE : EQ;
  const QInfo &in = q.second;
  SmallVector<int64_t> thresholds;
  for (double d : c->first) {
    double r = d / in.scale + (double)in.zp;
    double t;
    if (std::isnan(r))
      t = (xPred == LT || xPred == LE) ? in.qmin - 1 : in.qmax + 1; // false
    else if (xPred == GT || xPred == LE)
      t = std::floor(r);
    else if (xPred == GE || xPred == LT)
      t = std::ceil(r);
    else
      t = std::floor(r) == r ? r : in.qmax + 1; // never equal
    t = std::clamp(t, (double)in.qmin - 1, (double)in.qmax + 1);
    thresholds.push_back((int64_t)t);
  }
  auto i32 = b.getI32Type();
  auto qt = cast<RankedTensorType>(q.first.getType());
  Value wide = CastOp::create(b, loc, withElement(qt, i32), q.first);
  Value th = intConstant(b, loc, c->second, i32, thresholds);
  Operation *clone = b.clone(*op);
  clone->setOperands(constFirst ? ValueRange{th, wide} : ValueRange{wide, th});
  op->getResult(0).replaceAllUsesWith(clone->getResult(0));
  op->erase();
  return std::nullopt;
}

/// Removes `dequantize(quantize(x))` where nothing reads the integers:
/// every user of the quantize is a dequantize (an integer op would read
/// them through quant.scast). Between two float fallbacks (or a fallback
/// and a float consumer) the pair only rounds `x` to the calibrated grid,
/// and a chain of them rounds once per op: Resize -> Slice -> Sigmoid
/// requantized a logit channel at the scale of the tensor it was sliced
/// from. Returns the number of pairs removed.
unsigned dropFloatRoundtrips(func::FuncOp func) {
  SmallVector<QuantizeOp> pairs;
  func.walk([&](QuantizeOp q) {
    if (q->use_empty())
      return;
    for (Operation *user : q->getUsers()) {
      auto dq = dyn_cast<DequantizeOp>(user);
      if (!dq || dq.getResult().getType() != q.getInput().getType())
        return;
    }
    pairs.push_back(q);
  });
  for (QuantizeOp q : pairs) {
    for (Operation *user : llvm::make_early_inc_range(q->getUsers())) {
      user->getResult(0).replaceAllUsesWith(q.getInput());
      user->erase();
    }
    q.erase();
  }
  return pairs.size();
}

struct DyadIntegerizePass
    : dyad::impl::DyadIntegerizeBase<DyadIntegerizePass> {
  using DyadIntegerizeBase::DyadIntegerizeBase;
  void runOnOperation() override {
    SmallVector<QuantizeOp> roots;
    getOperation().walk([&](QuantizeOp q) { roots.push_back(q); });
    bool failedAny = false;
    for (QuantizeOp q : roots) {
      ChainRewriter rw(q);
      switch (rw.run()) {
      case Outcome::Rewritten:
        break;
      case Outcome::Error:
        failedAny = true;
        break;
      case Outcome::NoMatch:
        if (Operation *def = q.getInput().getDefiningOp())
          if (!isa<DequantizeOp>(def))
            def->setAttr("dyad.float_reason",
                         StringAttr::get(&getContext(), rw.reason));
        break;
      }
    }
    if (failedAny)
      return signalPassFailure();
    SmallVector<Operation *> compares;
    getOperation().walk([&](Operation *op) {
      if (isa<GreaterOp, GreaterOrEqualOp, LessOp, LessOrEqualOp, EqualOp>(op))
        compares.push_back(op);
    });
    for (Operation *op : compares)
      if (auto why = integerizeCompare(op))
        op->setAttr("dyad.float_reason",
                    StringAttr::get(&getContext(), *why));
    if (!floatRoundtrips)
      dropFloatRoundtrips(getOperation());
    // The float chains that were replaced are dead now: erase them so the
    // verifier (and a reader) sees only what runs.
    for (Block &block : getOperation().getBody())
      for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
        if (isOpTriviallyDead(&op))
          op.erase();
  }
};

} // namespace
