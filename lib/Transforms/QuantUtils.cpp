//===- QuantUtils.cpp - helpers shared by the quantization passes ---------===//
#include "QuantUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"

#include <cstdio>

using namespace mlir;
using namespace dyad;

std::optional<QuantRole> dyad::quantRole(Operation *op) {
  if (auto q = dyn_cast_if_present<QuantizableOpInterface>(op))
    return q.getQuantRole();
  return std::nullopt;
}

/// Sub/Add/Mul/Div with one float constant operand: the other operand, or
/// null.
static Value affineByConstantInput(Operation *op) {
  if (!isa_and_present<SubOp, AddOp, MulOp, DivOp>(op))
    return {};
  bool c0 = floatConstant(op->getOperand(0)).has_value();
  bool c1 = floatConstant(op->getOperand(1)).has_value();
  if (c0 == c1)
    return {};
  return op->getOperand(c0 ? 1 : 0);
}

bool dyad::isPreprocessing(Value v) {
  // Chains are short (a Sub and a Div): walk up to the graph input.
  for (unsigned depth = 0; depth < 16; ++depth) {
    if (auto arg = dyn_cast<BlockArgument>(v))
      return isa<func::FuncOp>(arg.getOwner()->getParentOp());
    v = affineByConstantInput(v.getDefiningOp());
    if (!v)
      return false;
  }
  return false;
}

bool dyad::isInsidePreprocessing(Value v) {
  if (v.use_empty() || !isPreprocessing(v))
    return false;
  return llvm::all_of(v.getUsers(), [&](Operation *user) {
    return affineByConstantInput(user) == v;
  });
}

bool dyad::movesValues(Operation *op) {
  if (auto r = dyn_cast<ResizeOp>(op))
    return r.getMode() == ResizeMode::Nearest;
  if (auto p = dyn_cast<PadOp>(op))
    return p.getMode() != PadMode::Constant ||
           p.getConstantValue().convertToDouble() == 0.0;
  return hasQuantRole(op, QuantRole::PassThrough);
}

bool dyad::hasIntegerForm(Operation *op) {
  if (isa_and_present<PadOp>(op))
    return true;
  if (auto r = dyn_cast_if_present<ResizeOp>(op))
    return r.getMode() != ResizeMode::Cubic &&
           r.getCoordinateTransformationMode() !=
               CoordinateTransformationMode::TfCropAndResize;
  return quantRole(op).has_value();
}

bool dyad::computedInFloat(Value v) {
  for (unsigned depth = 0; depth < 64; ++depth) {
    Operation *def = v.getDefiningOp();
    // Through a quantize -> dequantize pair (the quantize pass inserts them
    // in program order; integerize may still see them).
    if (auto dq = dyn_cast_if_present<DequantizeOp>(def))
      if (auto q = dq.getInput().getDefiningOp<QuantizeOp>()) {
        v = q.getInput();
        continue;
      }
    if (!def || !isa<DyadDialect>(def->getDialect()) ||
        isa<QuantizeOp, DequantizeOp>(def) || def->getNumOperands() == 0)
      return false;
    if (!movesValues(def))
      return !hasIntegerForm(def);
    v = def->getOperand(0);
  }
  return false;
}

/// A nonlinear function at the end of a graph: a table or a row
/// normalization, or an op with no integer form.
static bool isNonlinearEnd(Operation *op) {
  if (movesValues(op))
    return false;
  if (!hasIntegerForm(op))
    return true;
  std::optional<QuantRole> role = quantRole(op);
  return role && (*role == QuantRole::Table ||
                  *role == QuantRole::Normalization);
}

/// Ops that may follow it in postprocessing: they move, compare, mask or
/// convert its values (M-LSD's peak test x * (x == maxpool(x)) after the
/// Sigmoid).
static bool isTailOp(Operation *op) {
  return movesValues(op) ||
         isa<ResizeOp, MulOp, CastOp, EqualOp, GreaterOp, GreaterOrEqualOp,
             LessOp, LessOrEqualOp>(op);
}

/// Whether `v` is computed from a nonlinear end through tail ops only.
static bool derivesFromNonlinearEnd(Value v, unsigned depth) {
  Operation *def = v.getDefiningOp();
  if (!def || depth > 32 || !isa<DyadDialect>(def->getDialect()) ||
      isa<QuantizeOp, DequantizeOp>(def))
    return false;
  if (isNonlinearEnd(def))
    return true;
  return isTailOp(def) && llvm::any_of(def->getOperands(), [&](Value o) {
           return derivesFromNonlinearEnd(o, depth + 1);
         });
}

/// Whether every use of `v` is a graph output or a tail op (or nonlinear
/// end) whose result only reaches outputs that way.
static bool onlyReachesOutputs(Value v, unsigned depth) {
  if (v.use_empty() || depth > 32)
    return false;
  return llvm::all_of(v.getUsers(), [&](Operation *user) {
    if (isa<func::ReturnOp>(user))
      return true;
    if (!isa<DyadDialect>(user->getDialect()) || user->getNumResults() != 1 ||
        isa<QuantizeOp, DequantizeOp>(user) ||
        !(isTailOp(user) || isNonlinearEnd(user)))
      return false;
    return onlyReachesOutputs(user->getResult(0), depth + 1);
  });
}

/// Whether some path from `v` to the outputs passes a nonlinear end.
static bool reachesNonlinearEnd(Value v, unsigned depth) {
  if (depth > 32)
    return false;
  return llvm::any_of(v.getUsers(), [&](Operation *user) {
    if (!isa<DyadDialect>(user->getDialect()) || user->getNumResults() != 1)
      return false;
    return isNonlinearEnd(user) ||
           (isTailOp(user) && reachesNonlinearEnd(user->getResult(0), depth + 1));
  });
}

bool dyad::feedsOnlyPostprocessing(Value v) {
  return onlyReachesOutputs(v, 0) && reachesNonlinearEnd(v, 0);
}

bool dyad::isPostprocessing(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !isa<DyadDialect>(def->getDialect()) ||
      isa<QuantizeOp, DequantizeOp>(def) || v.use_empty())
    return false;
  // Ops that compute the model's values (contractions, adds, pools, data
  // movement) belong to the quantized region; nonlinear functions of them
  // (a table or a row normalization, or no integer form at all) at the end
  // run in float on the dequantized result, where an integer form would
  // only round the model's output to 8 bits. So do the ops after such a
  // function that only move, compare or mask its values on the way to the
  // outputs: an in-graph peak test on 8-bit scores finds plateaus of ties.
  // Tail ops before it (a Resize of the logits that a Sigmoid reads) are
  // part of it too.
  if (!isTailOp(def) && !isNonlinearEnd(def))
    return false;
  return onlyReachesOutputs(v, 0) &&
         (derivesFromNonlinearEnd(v, 0) || reachesNonlinearEnd(v, 0));
}

bool dyad::isElementwiseFunctionOp(Operation *op) {
  if (!op || op->getNumResults() != 1)
    return false;
  if (!isa<AddOp, SubOp, MulOp, DivOp, PowOp, ReluOp, LeakyReluOp, ClipOp>(
          op) &&
      !(hasQuantRole(op, QuantRole::Table) && op->getNumOperands() == 1))
    return false;
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.getElementType().isF32())
    return false;
  // Operands: one-value constants, or values of the result's shape (no
  // broadcasting: the function maps each element to one element).
  for (Value v : op->getOperands()) {
    if (auto c = floatConstant(v)) {
      if (c->size() != 1 ||
          cast<ShapedType>(v.getType()).getRank() > type.getRank())
        return false;
      continue;
    }
    if (v.getType() != type)
      return false;
  }
  return true;
}

/// elementwiseSource with a memo (a DAG such as x * f(x) reaches its
/// values more than once).
static Value sourceOf(Value v, llvm::DenseMap<Value, Value> &memo,
                      unsigned depth) {
  auto it = memo.find(v);
  if (it != memo.end())
    return it->second;
  Value src = v;
  Operation *op = v.getDefiningOp();
  if (depth < 32 && isElementwiseFunctionOp(op)) {
    Value common;
    bool one = true;
    for (Value operand : op->getOperands()) {
      if (floatConstant(operand))
        continue;
      Value s = sourceOf(operand, memo, depth + 1);
      if (common && s != common)
        one = false;
      common = s;
    }
    if (one && common)
      src = common;
  }
  memo[v] = src;
  return src;
}

Value dyad::elementwiseSource(Value v) {
  llvm::DenseMap<Value, Value> memo;
  return sourceOf(v, memo, 0);
}

bool dyad::isInsideElementwiseFunction(Value v) {
  Value src = elementwiseSource(v);
  if (src == v || v.use_empty())
    return false;
  return llvm::all_of(v.getUsers(), [&](Operation *user) {
    return isElementwiseFunctionOp(user) &&
           elementwiseSource(user->getResult(0)) == src;
  });
}

bool dyad::isCalibrated(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  // f32 graphs are what calibration runs (f16/f64 models: not yet).
  if (!type || !type.getElementType().isF32())
    return false;
  Operation *def = v.getDefiningOp();
  if (def && !isa<DyadDialect>(def->getDialect()))
    return false;
  return !tensorName(v).empty();
}

std::optional<SmallVector<double>> dyad::floatConstant(Value v,
                                                      ShapedType *type) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<double> out;
  for (const APFloat &f : attr.getValues<APFloat>())
    out.push_back(f.convertToDouble());
  if (type)
    *type = attr.getType();
  return out;
}

DenseElementsAttr dyad::floatElements(RankedTensorType type,
                                      ArrayRef<double> values) {
  auto ft = cast<FloatType>(type.getElementType());
  SmallVector<APFloat> v;
  for (double d : values) {
    APFloat f(d);
    bool lost;
    f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    v.push_back(f);
  }
  return DenseElementsAttr::get(type, v);
}

std::string dyad::formatNumber(double v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.10g", v);
  return buf;
}

IntegerType dyad::integerTypeOf(quant::QuantizedType qt) {
  return IntegerType::get(qt.getContext(), qt.getStorageTypeIntegralWidth(),
                          qt.isSigned() ? IntegerType::Signless
                                        : IntegerType::Unsigned);
}

Value dyad::quantToInt(OpBuilder &b, Location loc, Value q) {
  auto type = cast<ShapedType>(q.getType());
  auto qt = cast<quant::QuantizedType>(type.getElementType());
  Value s = quant::StorageCastOp::create(
      b, loc, type.clone(qt.getStorageType()), q);
  if (!qt.isSigned())
    s = tensor::BitcastOp::create(b, loc, type.clone(integerTypeOf(qt)), s);
  return s;
}

Value dyad::intToQuant(OpBuilder &b, Location loc, Value i,
                       Type quantTensorType) {
  auto type = cast<ShapedType>(quantTensorType);
  auto qt = cast<quant::QuantizedType>(type.getElementType());
  auto iType = cast<ShapedType>(i.getType());
  // The result has exactly `quantTensorType` (the bitcast also refines or
  // relaxes static dims), so it can replace a value of that type.
  if (iType != type.clone(qt.getStorageType()))
    i = tensor::BitcastOp::create(b, loc, type.clone(qt.getStorageType()), i);
  return quant::StorageCastOp::create(b, loc, type, i);
}
