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

bool dyad::isPostprocessing(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !isa<DyadDialect>(def->getDialect()) ||
      isa<QuantizeOp, DequantizeOp>(def) || v.use_empty())
    return false;
  // Ops that compute the model's values (contractions, adds, pools, data
  // movement) belong to the quantized region; nonlinear functions of them
  // (a table or a row normalization, or no integer form at all) at the end
  // run in float on the dequantized result, where an integer form would
  // only round the model's output to 8 bits.
  std::optional<QuantRole> role = quantRole(def);
  if ((role && *role != QuantRole::Table &&
       *role != QuantRole::Normalization) ||
      movesValues(def))
    return false;
  return llvm::all_of(v.getUsers(), [](Operation *user) {
    return isa<func::ReturnOp>(user) ||
           (user->getNumResults() == 1 && isPostprocessing(user->getResult(0)));
  });
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
