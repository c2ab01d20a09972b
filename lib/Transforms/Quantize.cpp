//===- Quantize.cpp - fold a calibration table into quant types -----------===//
//
// Float graph + calibration table -> QDQ graph: every calibrated activation
// gets `quantize -> dequantize` with its table range, Conv/Gemm/MatMul
// weights become per-channel symmetric integer constants. dyad-integerize
// then turns the chains into integer ops.
//
//===----------------------------------------------------------------------===//
#include "dyad/Dialect/Dyad/DyadOps.h"
#include "QuantUtils.h"
#include "dyad/Calibration/Calibration.h"
#include "dyad/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

namespace dyad {
#define GEN_PASS_DEF_DYADQUANTIZE
#include "dyad/Transforms/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

namespace {

/// A contraction or add result whose only user is an activation (Relu,
/// Clip), or a MatMul result whose only user adds a constant bias, is fused
/// into that user by integerize: it gets no quantize of its own.
bool fusesIntoUser(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !v.hasOneUse())
    return false;
  Operation *user = *v.getUsers().begin();
  if ((hasQuantRole(def, QuantRole::Contraction) ||
       hasQuantRole(def, QuantRole::Add)) &&
      hasQuantRole(user, QuantRole::Activation))
    return true;
  if (isa<MatMulOp>(def) && isa<AddOp>(user)) {
    Value other = user->getOperand(0) == v ? user->getOperand(1)
                                           : user->getOperand(0);
    return matchPattern(other, m_Constant());
  }
  return false;
}

/// Ops whose output takes the input's quantization unchanged; where the
/// input is computed in float the op runs in float and gets its own range.
bool keepsInputType(Operation *op) {
  return movesValues(op) && !computedInFloat(op->getOperand(0));
}

struct DyadQuantizePass : dyad::impl::DyadQuantizeBase<DyadQuantizePass> {
  using Base::Base;

  /// Integers of `bits` are stored in a byte up to 8 bits, in i16 above.
  IntegerType storageType(unsigned bits) {
    return IntegerType::get(&getContext(), bits <= 8 ? 8 : 16);
  }

  Type activationType(const calib::TableEntry &e, Type expressed,
                      unsigned bits) {
    int64_t qmin = -(int64_t(1) << (bits - 1)), qmax = (int64_t(1) << (bits - 1)) - 1;
    double scale;
    int64_t zp;
    // The range decides (the table's scale is for its own bit width); a
    // scale alone (an imported table without a range) is taken as it is.
    if (!(e.max > e.min) && e.scale) {
      scale = *e.scale;
      zp = e.zeroPoint.value_or(0);
    } else {
      auto p = calib::asymmetricParams(calib::Range{e.min, e.max}, bits);
      scale = p.first;
      zp = p.second;
    }
    if (!(scale > 0) || !std::isfinite(scale))
      return {};
    zp = std::clamp(zp, qmin, qmax);
    return quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                            storageType(bits), expressed,
                                            scale, zp, qmin, qmax);
  }

  /// A per-node width (mixed precision, lib/Compiler/MixedPrecision.cpp)
  /// overrides the pass option.
  unsigned weightBitsOf(Operation *op) {
    if (auto a = op->getAttrOfType<IntegerAttr>(kWeightBitsAttr))
      return a.getInt(); // checked in runOnOperation
    return weightBits;
  }

  /// The width activation `v` is quantized to: the widest
  /// `dyad.input_bits` of the weighted ops reading it, directly or through
  /// ops that move values (and keep its type), else the pass option.
  unsigned activationBitsOf(Value v) {
    unsigned bits = 0;
    SmallVector<Value> work{v};
    llvm::SmallPtrSet<Operation *, 8> seen;
    while (!work.empty()) {
      Value x = work.pop_back_val();
      for (OpOperand &use : x.getUses()) {
        Operation *user = use.getOwner();
        if (!seen.insert(user).second)
          continue;
        auto q = dyn_cast<QuantizableOpInterface>(user);
        auto w = q ? q.getQuantizedWeight() : std::nullopt;
        auto a = user->getAttrOfType<IntegerAttr>(kInputBitsAttr);
        if (a && w && use.getOperandNumber() == w->dataOperand())
          bits = std::max<unsigned>(bits, a.getInt());
        else if (movesValues(user) && use.getOperandNumber() == 0)
          llvm::append_range(work, user->getResults());
      }
    }
    return bits ? bits : activationBits;
  }

  /// The storage bits of the activation a weighted op reads (quantized
  /// before its weights are).
  unsigned inputStorageBits(Operation *op) {
    auto w = cast<QuantizableOpInterface>(op).getQuantizedWeight();
    if (auto dq = op->getOperand(w->dataOperand()).getDefiningOp<DequantizeOp>())
      if (auto t = dyn_cast<quant::QuantizedType>(
              getElementTypeOrSelf(dq.getInput().getType())))
        return t.getStorageTypeIntegralWidth();
    return activationBits;
  }

  /// Per-channel symmetric weights along `axis` of the constant `w`: the
  /// operand becomes dequantize(scast(integer constant)). The scale of a
  /// channel is max|W_c| / qmax, adjusted where the integer graph needs it
  /// (docs/numerics.md §2, `channelScale`); the adjustments are recorded on
  /// the op (`dyad.weight_adjustments`, read by the quantization report) and
  /// those that change what the weights compute are warnings at its node.
  LogicalResult quantizeWeights(Operation *op, unsigned operand,
                                int64_t axis) {
    Value w = op->getOperand(operand);
    ShapedType type;
    auto values = floatConstant(w, &type);
    if (!values || axis < 0 || axis >= type.getRank())
      return failure();
    const SmallVector<double> &vals = *values;
    int64_t channels = type.getDimSize(axis);
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
    unsigned bits = weightBitsOf(op);
    int64_t qmax = (int64_t(1) << (bits - 1)) - 1;
    SmallVector<double> amax(channels, 0.0);
    for (size_t i = 0; i < vals.size(); ++i) {
      int64_t c = ((int64_t)i / inner) % channels;
      amax[c] = std::max(amax[c], std::fabs(vals[i]));
    }
    ChannelContext ctx = channelContext(op, channels);
    if (bits > 8 || inputStorageBits(op) > 8)
      ctx.biasLimit = 0x1p46;
    SmallVector<double> scales;
    SmallVector<ChannelNote> notes;
    for (int64_t c = 0; c < channels; ++c) {
      ChannelNote note;
      note.channel = c;
      note.maxAbs = amax[c];
      note.bias = ctx.biasAbs.empty() ? 0.0 : ctx.biasAbs[c];
      scales.push_back(channelScale(ctx, amax[c], note.bias, qmax, note));
      notes.push_back(note);
    }
    IntegerType storage = storageType(bits);
    SmallVector<APInt> q;
    for (size_t i = 0; i < vals.size(); ++i) {
      int64_t c = ((int64_t)i / inner) % channels;
      // Clamped as a double: a clipped weight may be far beyond int64.
      double r = std::clamp(std::nearbyint(vals[i] / scales[c]),
                            -(double)qmax, (double)qmax);
      int64_t v = (int64_t)r;
      q.push_back(APInt(storage.getWidth(), (uint64_t)v, true));
      if (vals[i] != 0) {
        ++notes[c].nonZero;
        if (v == 0)
          ++notes[c].zeroed;
        if (std::fabs(vals[i]) < amax[c] * 0x1p-8)
          ++notes[c].small;
      }
    }
    recordNotes(op, notes, ctx.biasLimit);
    if (biasCorrection) {
      SmallVector<double> dequantized(vals.size());
      for (size_t i = 0; i < vals.size(); ++i)
        dequantized[i] = (double)q[i].getSExtValue() *
                         scales[((int64_t)i / inner) % channels];
      correctBias(op, vals, dequantized, type);
    }
    OpBuilder b(op);
    Location loc = w.getLoc();
    auto intType = RankedTensorType::get(type.getShape(), storage);
    Value raw = arith::ConstantOp::create(b, loc,
                                          DenseElementsAttr::get(intType, q));
    auto qt = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, storage, type.getElementType(), scales,
        SmallVector<int64_t>(channels, 0), axis, -qmax, qmax);
    Value qv = quant::StorageCastOp::create(
        b, loc, RankedTensorType::get(type.getShape(), qt), raw);
    Value dq = DequantizeOp::create(b, loc, type, qv);
    op->setOperand(operand, dq);
    return success();
  }

  /// Bias correction (Nagel et al., "Data-Free Quantization", §4.2;
  /// Banner et al.'s empirical form): the rounded weights shift each output
  /// channel's mean by E[(W_q - W) x] = sum_k (W_q - W)[c,k] * E[x_k], with
  /// E[x_k] the calibration mean of the input channel tap k reads, times
  /// the share of positions where k reads the image rather than the zero
  /// padding. That shift is subtracted from the float bias, which
  /// integerize then quantizes as usual. Conv (any group) and Gemm without
  /// transA; the input's channel means come from the table
  /// (`channel_mean`, measured by --calibrate).
  void correctBias(Operation *op, ArrayRef<double> w, ArrayRef<double> wq,
                   ShapedType wType) {
    auto conv = dyn_cast<ConvOp>(op);
    auto gemm = dyn_cast<GemmOp>(op);
    if ((!conv && !gemm) || (gemm && gemm.getTransA()) ||
        !wType.hasStaticShape())
      return;
    auto name = dataNames.find(op);
    auto entry = name == dataNames.end()
                     ? calibTable->tensors.end()
                     : calibTable->tensors.find(name->second);
    if (entry == calibTable->tensors.end() ||
        entry->second.channelMean.empty()) {
      ++withoutMeans;
      return;
    }
    ArrayRef<double> mean = entry->second.channelMean;
    SmallVector<double> shift;
    if (conv) {
      // W [O, C/g, k...]: output channel o reads input channels
      // (o / (O/g)) * C/g + j.
      int64_t outCh = wType.getDimSize(0), perGroupIn = wType.getDimSize(1);
      if (outCh <= 0 || perGroupIn <= 0)
        return;
      int64_t group = conv.getGroup(), taps = wType.getNumElements() /
                                              (outCh * perGroupIn);
      if (group <= 0 || outCh % group ||
          (int64_t)mean.size() != perGroupIn * group)
        return;
      // The share of output positions at which tap t reads inside the
      // image (the zero padding reads 0, not the mean): on a 7x7 map with
      // pads of 1, a 3x3 conv's corner taps see the image at 36 of 49.
      SmallVector<double> inside(taps, 1.0);
      auto xt = cast<ShapedType>(op->getOperand(0).getType());
      ArrayRef<int64_t> kernel = conv.getKernelShape();
      int64_t spatial = (int64_t)kernel.size();
      if (conv.getAutoPad() == AutoPad::NotSet && xt.hasRank() &&
          xt.getRank() == spatial + 2 &&
          (int64_t)conv.getPads().size() == 2 * spatial) {
        for (int64_t t = 0; t < taps; ++t) {
          int64_t rest = t;
          for (int64_t d = spatial - 1; d >= 0; --d) {
            int64_t k = rest % kernel[d];
            rest /= kernel[d];
            int64_t in = xt.getDimSize(2 + d);
            if (ShapedType::isDynamic(in))
              continue;
            int64_t s = conv.getStrides()[d], dil = conv.getDilations()[d];
            int64_t lo = conv.getPads()[d], hi = conv.getPads()[spatial + d];
            int64_t out = (in + lo + hi - dil * (kernel[d] - 1) - 1) / s + 1;
            if (out <= 0)
              continue;
            int64_t hits = 0;
            for (int64_t o = 0; o < out; ++o) {
              int64_t i = o * s - lo + k * dil;
              hits += i >= 0 && i < in;
            }
            inside[t] *= (double)hits / (double)out;
          }
        }
      }
      shift.assign(outCh, 0.0);
      for (int64_t o = 0; o < outCh; ++o)
        for (int64_t j = 0; j < perGroupIn; ++j) {
          double m = mean[(o / (outCh / group)) * perGroupIn + j];
          for (int64_t t = 0; t < taps; ++t) {
            int64_t i = (o * perGroupIn + j) * taps + t;
            shift[o] += (wq[i] - w[i]) * m * inside[t];
          }
        }
    } else {
      // B [K, N], or [N, K] with transB; y = alpha * A B + beta * C.
      bool transB = gemm.getTransB();
      int64_t K = wType.getDimSize(transB ? 1 : 0);
      int64_t N = wType.getDimSize(transB ? 0 : 1);
      double alpha = gemm.getAlpha().convertToDouble();
      if ((int64_t)mean.size() != K || !(alpha > 0))
        return;
      shift.assign(N, 0.0);
      for (int64_t k = 0; k < K; ++k)
        for (int64_t n = 0; n < N; ++n) {
          int64_t i = transB ? n * K + k : k * N + n;
          shift[n] += alpha * (wq[i] - w[i]) * mean[k];
        }
    }
    // The new bias: the old one (per channel, broadcast; zeros where there
    // is none) minus the shift, as one [N] f32 constant. A Gemm's C is
    // scaled by beta: its correction is divided by it.
    Value bias = conv ? conv.getB() : gemm.getC();
    double beta = gemm ? gemm.getBeta().convertToDouble() : 1.0;
    if (gemm && bias && beta == 0)
      return;
    if (!bias)
      beta = 1.0;
    SmallVector<double> newBias(shift.size(), 0.0);
    if (bias) {
      ShapedType bt;
      auto vals = floatConstant(bias, &bt);
      if (!vals || !bt.hasStaticShape() ||
          (vals->size() != 1 && vals->size() != shift.size()))
        return; // a bias that is not per channel (a Gemm's [M, N] C)
      for (size_t c = 0; c < shift.size(); ++c)
        newBias[c] = (*vals)[vals->size() == 1 ? 0 : c];
      if (gemm && beta != 1.0)
        for (double &v : newBias)
          v *= beta;
    }
    // C now holds beta * C (or the correction alone): beta becomes 1.
    if (gemm)
      gemm.setBetaAttr(FloatAttr::get(gemm.getBetaAttr().getType(), 1.0));
    double largest = 0;
    for (size_t c = 0; c < shift.size(); ++c) {
      newBias[c] -= shift[c];
      largest = std::max(largest, std::fabs(shift[c]));
    }
    Type elt = cast<ShapedType>(op->getOperand(0).getType()).getElementType();
    SmallVector<Attribute> attrs;
    for (double v : newBias)
      attrs.push_back(FloatAttr::get(elt, v));
    OpBuilder b(op);
    Value c = arith::ConstantOp::create(
        b, op->getLoc(),
        DenseElementsAttr::get(
            RankedTensorType::get({(int64_t)newBias.size()}, elt), attrs));
    if (conv)
      conv.getBMutable().assign(c);
    else
      gemm.getCMutable().assign(c);
    op->setAttr("dyad.bias_correction",
                b.getF64FloatAttr(largest));
  }

  /// What the weight scales of a contraction must respect, read from the
  /// QDQ graph once the activations are quantized: the accumulator's scale
  /// is alpha * S_in * S_w[c], its requant multiplier alpha * S_in * S_w[c]
  /// / S_out.
  struct ChannelContext {
    std::optional<double> inScale, outScale;
    double alpha = 1;
    /// The largest |b_q|: 2^30, half of an i32 accumulator; 2^46 where the
    /// input or the weights are wider than 8 bits (integerize accumulates
    /// such a layer in i64 when i32 cannot hold it: docs/numerics.md §2).
    double biasLimit = 0x1p30;
    SmallVector<double> biasAbs; // max |real bias| per channel; empty: none
  };

  /// One channel's scale choice, for the report and the warnings.
  struct ChannelNote {
    int64_t channel = 0;
    double maxAbs = 0, bias = 0;
    double natural = 0, scale = 0; // max|W| / qmax, and the one chosen
    StringRef reason;              // empty: the natural scale
    int64_t nonZero = 0, zeroed = 0; // non-zero weights; those rounded to 0
    int64_t small = 0; // non-zero weights below max|W| / 256
  };

  static std::optional<double> perTensorScale(Type t) {
    if (auto u = dyn_cast<quant::UniformQuantizedType>(getElementTypeOrSelf(t)))
      return u.getScale();
    return std::nullopt;
  }

  ChannelContext channelContext(Operation *op, int64_t channels) {
    ChannelContext ctx;
    // S_in: the data operand reads a per-tensor dequantize.
    if (auto dq = op->getOperand(0).getDefiningOp<DequantizeOp>())
      ctx.inScale = perTensorScale(dq.getInput().getType());
    // S_out: the quantize on the result, or on the user it fuses into.
    Value out = op->getResult(0);
    while (fusesIntoUser(out))
      out = (*out.getUsers().begin())->getResult(0);
    for (Operation *user : out.getUsers())
      if (auto q = dyn_cast<QuantizeOp>(user))
        if ((ctx.outScale = perTensorScale(q.getType())))
          break;
    // The real bias per output channel: Conv B, Gemm beta * C, the constant
    // added to a MatMul. A bias that is not per channel bounds every one.
    Value bias;
    double beta = 1;
    if (auto conv = dyn_cast<ConvOp>(op)) {
      bias = conv.getB();
    } else if (auto gemm = dyn_cast<GemmOp>(op)) {
      bias = gemm.getC();
      ctx.alpha = gemm.getAlpha().convertToDouble();
      beta = gemm.getBeta().convertToDouble();
    } else if (isa<MatMulOp>(op) && fusesIntoUser(op->getResult(0))) {
      Operation *user = *op->getResult(0).getUsers().begin();
      if (isa<AddOp>(user))
        bias = user->getOperand(0) == op->getResult(0) ? user->getOperand(1)
                                                       : user->getOperand(0);
    }
    if (!(ctx.alpha > 0) || !std::isfinite(ctx.alpha))
      ctx.inScale.reset(); // integerize leaves such a gemm in float
    ShapedType biasType;
    auto biasVals = bias ? floatConstant(bias, &biasType) : std::nullopt;
    if (!biasVals || biasVals->empty())
      return ctx;
    ctx.biasAbs.assign(channels, 0.0);
    int64_t last = biasType.getRank() ? biasType.getShape().back() : 1;
    for (size_t i = 0; i < biasVals->size(); ++i) {
      double v = std::fabs(beta * (*biasVals)[i]);
      if (last == channels) {
        double &m = ctx.biasAbs[(int64_t)i % channels];
        m = std::max(m, v);
      } else {
        for (double &m : ctx.biasAbs)
          m = std::max(m, v);
      }
    }
    return ctx;
  }

  /// The scale of one weight channel (docs/numerics.md §2):
  ///   natural  max|W_c| / qmax (an all-zero channel: the bias's scale
  ///            below, or 1 without a bias);
  ///   bias     at least |B_c| / (alpha * S_in * 2^30): the quantized bias
  ///            keeps |b_q| <= 2^30, half the i32 range, the other half
  ///            left to the products (onnxruntime raises the weight scale
  ///            the same way; it keeps |b_q| <= (2^31 - 1) / 1.0001);
  ///   range    the multiplier M = alpha * S_in * S_w / S_out within
  ///            [2^-32, 2^30]: below, the channel's weights cannot move the
  ///            output by half an LSB and quantize to ~0; above, one unit of
  ///            the accumulator saturates the output and the weights beyond
  ///            qmax * S_w are clipped;
  ///   normal   at least the smallest normal f32 (2^-126).
  double channelScale(const ChannelContext &ctx, double amax, double bias,
                      int64_t qmax, ChannelNote &note) {
    const double biasLimit = ctx.biasLimit, minM = 0x1p-32, maxM = 0x1p30;
    double natural = amax / (double)qmax;
    double s = natural;
    note.natural = natural;
    if (amax == 0)
      note.reason = "all_zero";
    if (ctx.inScale && bias > 0) {
      double floor = bias / (ctx.alpha * *ctx.inScale * biasLimit);
      if (floor > s) {
        s = floor;
        if (amax > 0)
          note.reason = "bias";
      }
    }
    if (s == 0)
      s = 1.0; // an all-zero channel without a bias: any scale will do
    if (ctx.inScale && ctx.outScale) {
      double unit = *ctx.outScale / (ctx.alpha * *ctx.inScale);
      if (s < minM * unit) {
        s = minM * unit;
        if (amax > 0)
          note.reason = "below_resolution";
      } else if (s > maxM * unit) {
        s = maxM * unit;
        if (amax > s * (double)qmax)
          note.reason = "clipped";
      }
    }
    if (s < 0x1p-126) {
      s = 0x1p-126;
      if (amax > 0)
        note.reason = "below_resolution";
    }
    note.scale = s;
    return s;
  }

  /// `dyad.weight_adjustments` on the op (one entry per channel whose scale
  /// is not max|W| / qmax, or whose non-zero weights mostly quantize to 0),
  /// and a warning at its node where the weights compute something else
  /// than the float model's beyond rounding: a scale raised for the bias,
  /// clipped weights, weights lost to an outlier.
  void recordNotes(Operation *op, MutableArrayRef<ChannelNote> notes,
                   double biasLimit) {
    Builder b(&getContext());
    SmallVector<Attribute> entries;
    SmallVector<const ChannelNote *> warned;
    for (ChannelNote &n : notes) {
      // Outliers: most of a channel's non-zero weights are below 1/256 of
      // its largest (whatever the bit width), so they round to 0 at the
      // scale the largest sets.
      if (n.reason.empty() && n.nonZero >= 2 && 2 * n.small > n.nonZero)
        n.reason = "outlier";
      if (n.reason.empty())
        continue;
      SmallVector<NamedAttribute> fields{
          b.getNamedAttr("channel", b.getI64IntegerAttr(n.channel)),
          b.getNamedAttr("reason", b.getStringAttr(n.reason)),
          b.getNamedAttr("max_abs_weight", b.getF64FloatAttr(n.maxAbs)),
          b.getNamedAttr("abs_bias", b.getF64FloatAttr(n.bias)),
          b.getNamedAttr("natural_scale", b.getF64FloatAttr(n.natural)),
          b.getNamedAttr("scale", b.getF64FloatAttr(n.scale)),
          b.getNamedAttr("nonzero_weights", b.getI64IntegerAttr(n.nonZero)),
          b.getNamedAttr("zeroed_weights", b.getI64IntegerAttr(n.zeroed))};
      entries.push_back(b.getDictionaryAttr(fields));
      if (n.reason == "bias" || n.reason == "clipped" ||
          n.reason == "outlier")
        warned.push_back(&n);
    }
    if (entries.empty())
      return;
    op->setAttr("dyad.weight_adjustments", b.getArrayAttr(entries));
    if (warned.empty())
      return;
    auto diag = op->emitWarning();
    diag << "quantized weights lose precision on " << warned.size() << " of "
         << notes.size() << " output channel"
         << (notes.size() == 1 ? "" : "s") << ": ";
    bool first = true;
    for (StringRef r : {"bias", "clipped", "outlier"}) {
      int64_t count = llvm::count_if(
          warned, [&](const ChannelNote *n) { return n->reason == r; });
      if (!count)
        continue;
      diag << (first ? "" : "; ") << count << " ";
      first = false;
      if (r == "bias")
        diag << "weight scale raised so the quantized bias fits in "
             << (biasLimit > 0x1p30 ? "the accumulator (|b_q| <= 2^46)"
                                    : "i32 (|b_q| <= 2^30)");
      else if (r == "clipped")
        diag << "weight scale capped at a requant multiplier of 2^30 "
                "(larger weights clipped)";
      else
        diag << "weight scale set by an outlier (most weights quantize "
                "to 0)";
    }
    for (size_t i = 0; i < warned.size() && i < 3; ++i) {
      const ChannelNote &n = *warned[i];
      diag.attachNote(op->getLoc())
          << "channel " << n.channel << " (" << n.reason << "): max|W| "
          << formatNumber(n.maxAbs) << ", |bias| " << formatNumber(n.bias)
          << ", scale " << formatNumber(n.natural) << " -> "
          << formatNumber(n.scale) << ", " << n.zeroed << " of " << n.nonZero
          << " non-zero weights quantize to 0";
    }
    if (warned.size() > 3)
      diag.attachNote(op->getLoc())
          << (warned.size() - 3) << " more channels (see --report)";
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (weightBits < 2 || weightBits > 16 || activationBits < 2 ||
        activationBits > 16) {
      func.emitError() << "weight and activation bits must be in 2..16";
      return signalPassFailure();
    }
    WalkResult badBits = func.walk([&](Operation *op) {
      for (StringRef name : {kWeightBitsAttr, kInputBitsAttr}) {
        auto a = op->getAttr(name);
        if (!a)
          continue;
        auto i = dyn_cast<IntegerAttr>(a);
        if (i && i.getInt() >= 2 && i.getInt() <= 16)
          continue;
        op->emitError() << name << " must be an integer in 2..16, not " << a;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (badBits.wasInterrupted())
      return signalPassFailure();
    dataNames.clear();
    withoutMeans = 0;
    auto table = calib::readTable(table_path());
    if (!table) {
      func.emitError() << llvm::toString(table.takeError());
      return signalPassFailure();
    }

    // The contractions with constant weights; their weights are quantized
    // after the activations, whose scales bound theirs (channelScale).
    SmallVector<std::pair<Operation *, QuantizedWeight>> weighted;
    func.walk([&](QuantizableOpInterface op) {
      if (auto w = op.getQuantizedWeight()) {
        weighted.push_back({op, *w});
        dataNames[op] = tensorName(op->getOperand(w->dataOperand()));
      }
    });
    calibTable = &*table;

    // Activations, in program order (a pass-through op reads its input's
    // type, assigned earlier).
    SmallVector<Value> values(func.getArguments().begin(),
                              func.getArguments().end());
    func.walk([&](Operation *op) {
      if (op != func)
        llvm::append_range(values, op->getResults());
    });
    // Inside an elementwise function of one activation (GELU written out):
    // integerize makes the whole function one table from that activation.
    // Decided on the float graph, before any quantize is inserted.
    llvm::DenseSet<Value> inner;
    for (Value v : values) {
      if (!isInsideElementwiseFunction(v))
        continue;
      Value src = elementwiseSource(v);
      if (isCalibrated(src) && !fusesIntoUser(src) && !isPreprocessing(src))
        inner.insert(v);
    }
    SmallVector<std::string> missing;
    for (Value v : values) {
      // Float work at the boundary stays outside the quantized region
      // (postprocessing is marked for the quantization report).
      if (isCalibrated(v) && isPostprocessing(v)) {
        v.getDefiningOp()->setAttr("dyad.postprocessing",
                                   UnitAttr::get(&getContext()));
        continue;
      }
      if (!isCalibrated(v) || fusesIntoUser(v) || isInsidePreprocessing(v))
        continue;
      if (inner.contains(v))
        continue;
      Type qt;
      Operation *def = v.getDefiningOp();
      auto entry = table->tensors.find(tensorName(v));
      if (def && keepsInputType(def)) {
        // The input was quantized before this op was visited: its uses now
        // read the dequantize.
        if (auto dq = def->getOperand(0).getDefiningOp<DequantizeOp>())
          if (isa<quant::UniformQuantizedType>(
                  getElementTypeOrSelf(dq.getInput().getType())))
            qt = getElementTypeOrSelf(dq.getInput().getType());
      }
      if (!qt && def && feedsOnlyPostprocessing(v) &&
          (hasQuantRole(def, QuantRole::Contraction) ||
           (hasQuantRole(def, QuantRole::Activation) &&
            hasQuantRole(def->getOperand(0).getDefiningOp(),
                         QuantRole::Contraction)))) {
        // The end of the quantized region, read only by float
        // postprocessing: 32 bits (the requantized accumulator), 2^24
        // steps over the calibrated range, room for 64 times beyond it.
        if (entry != table->tensors.end()) {
          double m = std::max(std::fabs(entry->second.min),
                              std::fabs(entry->second.max));
          if (m > 0 && std::isfinite(m)) {
            auto i32 = IntegerType::get(&getContext(), 32);
            qt = quant::UniformQuantizedType::get(
                quant::QuantizationFlags::Signed, i32,
                cast<ShapedType>(v.getType()).getElementType(),
                m * 0x1p-24, 0, INT32_MIN, INT32_MAX);
          }
        }
      }
      if (!qt) {
        if (entry == table->tensors.end()) {
          missing.push_back(tensorName(v));
          continue;
        }
        auto expressed = cast<ShapedType>(v.getType()).getElementType();
        qt = activationType(entry->second, expressed, activationBitsOf(v));
        if (!qt) {
          emitError(v.getLoc()) << "calibration table entry '"
                                << tensorName(v) << "' has no usable scale";
          return signalPassFailure();
        }
      }
      OpBuilder b(&getContext());
      if (def)
        b.setInsertionPointAfter(def);
      else
        b.setInsertionPointToStart(&func.getBody().front());
      Location loc = v.getLoc();
      auto tensorType = cast<ShapedType>(v.getType());
      Value q = QuantizeOp::create(b, loc, tensorType.clone(qt), v);
      Value dq = DequantizeOp::create(b, loc, tensorType, q);
      v.replaceAllUsesExcept(dq, q.getDefiningOp());
    }
    for (auto [op, w] : weighted)
      (void)quantizeWeights(op, w.operand, w.axis);
    if (biasCorrection && withoutMeans)
      func.emitWarning() << "bias correction skipped on " << withoutMeans
                         << " layer" << (withoutMeans == 1 ? "" : "s")
                         << ": the calibration table has no channel means "
                            "for their inputs (recalibrate with this Dyad)";
    if (!missing.empty()) {
      auto diag = func.emitWarning();
      diag << "the calibration table has no entry for " << missing.size()
           << (missing.size() == 1 ? " tensor (it stays float): "
                                   : " tensors (they stay float): ");
      for (size_t i = 0; i < missing.size() && i < 5; ++i)
        diag << (i ? ", " : "") << "'" << missing[i] << "'";
      if (missing.size() > 5)
        diag << ", ...";
    }
  }

  StringRef table_path() { return table; }

  /// The run's table, and the ONNX names of the weighted ops' data inputs
  /// (taken before the activations are quantized).
  const calib::Table *calibTable = nullptr;
  llvm::DenseMap<Operation *, std::string> dataNames;
  unsigned withoutMeans = 0;
};

} // namespace
