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

/// Ops whose output takes the input's quantization unchanged.
bool keepsInputType(Operation *op) {
  return hasQuantRole(op, QuantRole::PassThrough);
}

struct DyadQuantizePass : dyad::impl::DyadQuantizeBase<DyadQuantizePass> {
  using Base::Base;

  Type activationType(const calib::TableEntry &e, Type expressed) {
    MLIRContext *ctx = &getContext();
    unsigned bits = activationBits;
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
    return quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, IntegerType::get(ctx, 8), expressed,
        scale, zp, qmin, qmax);
  }

  /// Per-channel symmetric weights along `axis` of the constant `w`: the
  /// operand becomes dequantize(scast(integer constant)).
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
    int64_t qmax = (int64_t(1) << (weightBits - 1)) - 1;
    SmallVector<double> amax(channels, 0.0);
    for (size_t i = 0; i < vals.size(); ++i) {
      int64_t c = ((int64_t)i / inner) % channels;
      amax[c] = std::max(amax[c], std::fabs(vals[i]));
    }
    SmallVector<double> scales;
    for (double a : amax)
      // An all-zero channel: any scale represents it; 1 keeps M finite.
      scales.push_back(a > 0 ? a / (double)qmax : 1.0);
    auto i8 = IntegerType::get(&getContext(), 8);
    SmallVector<APInt> q;
    for (size_t i = 0; i < vals.size(); ++i) {
      int64_t c = ((int64_t)i / inner) % channels;
      int64_t v = (int64_t)std::nearbyint(vals[i] / scales[c]);
      v = std::clamp(v, -qmax, qmax);
      q.push_back(APInt(8, (uint64_t)v, true));
    }
    OpBuilder b(op);
    Location loc = w.getLoc();
    auto intType = RankedTensorType::get(type.getShape(), i8);
    Value raw = arith::ConstantOp::create(b, loc,
                                          DenseElementsAttr::get(intType, q));
    auto qt = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i8, type.getElementType(), scales,
        SmallVector<int64_t>(channels, 0), axis, -qmax, qmax);
    Value qv = quant::StorageCastOp::create(
        b, loc, RankedTensorType::get(type.getShape(), qt), raw);
    Value dq = DequantizeOp::create(b, loc, type, qv);
    op->setOperand(operand, dq);
    return success();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (weightBits < 2 || weightBits > 8 || activationBits < 2 ||
        activationBits > 8) {
      func.emitError() << "weight and activation bits must be in 2..8";
      return signalPassFailure();
    }
    auto table = calib::readTable(table_path());
    if (!table) {
      func.emitError() << llvm::toString(table.takeError());
      return signalPassFailure();
    }

    // Weights first, so the activations' walk sees the final operands.
    func.walk([&](QuantizableOpInterface op) {
      if (auto w = op.getQuantizedWeight())
        (void)quantizeWeights(op, w->operand, w->axis);
    });

    // Activations, in program order (a pass-through op reads its input's
    // type, assigned earlier).
    SmallVector<Value> values(func.getArguments().begin(),
                              func.getArguments().end());
    func.walk([&](Operation *op) {
      if (op != func)
        llvm::append_range(values, op->getResults());
    });
    SmallVector<std::string> missing;
    for (Value v : values) {
      // Float work at the boundary stays outside the quantized region.
      if (!isCalibrated(v) || fusesIntoUser(v) || isInsidePreprocessing(v) ||
          isPostprocessing(v))
        continue;
      Type qt;
      Operation *def = v.getDefiningOp();
      if (def && keepsInputType(def)) {
        // The input was quantized before this op was visited: its uses now
        // read the dequantize.
        if (auto dq = def->getOperand(0).getDefiningOp<DequantizeOp>())
          if (isa<quant::UniformQuantizedType>(
                  getElementTypeOrSelf(dq.getInput().getType())))
            qt = getElementTypeOrSelf(dq.getInput().getType());
      }
      if (!qt) {
        auto entry = table->tensors.find(tensorName(v));
        if (entry == table->tensors.end()) {
          missing.push_back(tensorName(v));
          continue;
        }
        auto expressed = cast<ShapedType>(v.getType()).getElementType();
        qt = activationType(entry->second, expressed);
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
};

} // namespace
