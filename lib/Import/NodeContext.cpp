//===- NodeContext.cpp - what an op builder sees of one ONNX node ---------===//
//
// NodeContext: a node's inputs (quantized values as ONNX's raw integers, or
// as the importer holds them), constant inputs, attributes, inferred result
// types, results and located diagnostics.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace dyad;
using namespace dyad::import;

OpBuilder &NodeContext::builder() { return graph.builder; }
MLIRContext *NodeContext::ctx() { return graph.ctx; }

Value NodeContext::quantizedInput(int i) {
  if (!hasInput(i))
    return {};
  auto v = graph.lookup(node.input(i), loc);
  return succeeded(v) ? *v : Value();
}

/// The ONNX (raw integer) element type standing for a quantized one.
static Type storageElementType(quant::QuantizedType qt) {
  if (qt.isSigned())
    return qt.getStorageType();
  return IntegerType::get(qt.getContext(), qt.getStorageTypeIntegralWidth(),
                          IntegerType::Unsigned);
}

Type NodeContext::inputElementType(int i) {
  Value v = quantizedInput(i);
  if (!v)
    return {};
  Type elt = getElementTypeOrSelf(v.getType());
  if (auto qt = dyn_cast<quant::QuantizedType>(elt))
    return storageElementType(qt);
  return elt;
}

Value dyad::import::asOnnxValue(OpBuilder &builder, Location loc, Value v) {
  if (!v)
    return v;
  auto qt = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(v.getType()));
  if (!qt)
    return v;
  auto shaped = cast<ShapedType>(v.getType());
  Value storage = quant::StorageCastOp::create(
      builder, loc, shaped.clone(qt.getStorageType()), v);
  Type onnxElt = storageElementType(qt);
  if (onnxElt == qt.getStorageType())
    return storage;
  return tensor::BitcastOp::create(builder, loc, shaped.clone(onnxElt),
                                   storage);
}

Value NodeContext::input(int i) {
  return asOnnxValue(builder(), loc, quantizedInput(i));
}

std::optional<DenseElementsAttr> NodeContext::constInput(int i) {
  if (!hasInput(i))
    return std::nullopt;
  return graph.constantOf(node.input(i), loc);
}

std::optional<SmallVector<int64_t>> NodeContext::constInts(int i) {
  auto attr = constInput(i);
  if (!attr || !isa<IntegerType>(attr->getElementType()))
    return std::nullopt;
  SmallVector<int64_t> out;
  bool isUnsigned = attr->getElementType().isUnsignedInteger();
  for (const APInt &v : attr->getValues<APInt>())
    out.push_back(isUnsigned ? (int64_t)v.getZExtValue() : v.getSExtValue());
  return out;
}

std::optional<SmallVector<double>> NodeContext::constFloats(int i) {
  auto attr = constInput(i);
  if (!attr)
    return std::nullopt;
  SmallVector<double> out;
  if (isa<FloatType>(attr->getElementType())) {
    for (const APFloat &v : attr->getValues<APFloat>())
      out.push_back(v.convertToDouble());
    return out;
  }
  if (auto it = dyn_cast<IntegerType>(attr->getElementType())) {
    for (const APInt &v : attr->getValues<APInt>())
      out.push_back(it.isUnsigned() ? (double)v.getZExtValue()
                                    : (double)v.getSExtValue());
    return out;
  }
  return std::nullopt;
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::intAttr(StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeContext::floatAttr(StringRef name, float dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::strAttr(StringRef name, StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<SmallVector<int64_t>>
NodeContext::intsAttr(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<SmallVector<float>>
NodeContext::floatsAttr(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

bool NodeContext::outputUsed(int i) const {
  return i < node.output_size() && !node.output(i).empty() &&
         graph.usedNames.contains(node.output(i));
}

Type NodeContext::resultType(int i, Type fallback) {
  if (i < node.output_size()) {
    auto it = graph.inferredTypes.find(node.output(i));
    if (it != graph.inferredTypes.end() &&
        it->second->tensor_type().elem_type() != 0) {
      // Type errors were reported by shape inference already; conversion
      // failures here are unsupported element types.
      Type t = graph.convertType(*it->second, loc, node.output(i));
      if (!t) {
        resultTypeError = true;
        return {};
      }
      // A shape too large to hold: refused here, at the node that makes it.
      if (auto rt = dyn_cast<RankedTensorType>(t))
        if (failed(graph.checkElementCount(
                rt.getShape(), loc,
                node.op_type() + " (opset " + std::to_string(opset) +
                    "): output '" + node.output(i) + "'"))) {
          resultTypeError = true;
          return {};
        }
      return t;
    }
  }
  if (fallback)
    return fallback;
  emitError(loc) << node.op_type() << ": cannot infer the type of output " << i;
  resultTypeError = true;
  return {};
}

Type NodeContext::resultElementType(int i) {
  if (i < node.output_size()) {
    auto it = graph.inferredTypes.find(node.output(i));
    if (it != graph.inferredTypes.end())
      return convertElementType(ctx(), it->second->tensor_type().elem_type());
  }
  return {};
}

/// The constant `v` folds to, if its op folds given the constants among its
/// operands: computed pads, sizes, repeats and shapes (Split -> Concat of an
/// initializer, Shape -> Slice -> Concat of a static shape) then reach the
/// builders that need them as constants. The op stays; canonicalization
/// folds it later as well.
static std::optional<DenseElementsAttr>
foldedConstant(Value v, const llvm::DenseMap<Value, DenseElementsAttr> &known) {
  DenseElementsAttr attr;
  if (!v || matchPattern(v, m_Constant(&attr)))
    return attr ? std::optional(attr) : std::nullopt;
  auto result = dyn_cast<OpResult>(v);
  Operation *def = result ? result.getOwner() : nullptr;
  if (!def || !isa<DyadDialect>(def->getDialect()))
    return std::nullopt;
  // Small constants only: shape-like values, not weights (a Transpose of a
  // weight is left to canonicalization).
  constexpr int64_t kMaxElements = 1 << 16;
  SmallVector<Attribute> operands;
  for (Value operand : def->getOperands()) {
    Attribute a;
    if (auto it = known.find(operand); it != known.end())
      a = it->second;
    else
      matchPattern(operand, m_Constant(&a));
    if (auto e = dyn_cast_or_null<ElementsAttr>(a);
        e && e.getNumElements() > kMaxElements)
      return std::nullopt;
    operands.push_back(a);
  }
  SmallVector<OpFoldResult> folded;
  if (failed(def->fold(operands, folded)) ||
      folded.size() != def->getNumResults())
    return std::nullopt;
  OpFoldResult r = folded[result.getResultNumber()];
  if (auto a = dyn_cast_or_null<DenseElementsAttr>(dyn_cast<Attribute>(r)))
    return a.getType() == v.getType() ? std::optional(a) : std::nullopt;
  if (auto forwarded = dyn_cast<Value>(r); forwarded && forwarded != v) {
    if (auto it = known.find(forwarded); it != known.end())
      attr = it->second;
    else
      matchPattern(forwarded, m_Constant(&attr));
    if (attr && attr.getType() == v.getType())
      return attr;
  }
  return std::nullopt;
}

void NodeContext::setResult(int i, Value v) {
  if (i >= node.output_size() || node.output(i).empty())
    return;
  graph.values[node.output(i)] = v;
  if (std::optional<DenseElementsAttr> c =
          foldedConstant(v, graph.foldedValues)) {
    graph.constants[node.output(i)] = *c;
    graph.foldedValues[v] = *c;
  }
  // Name the op this node created for the output (not a value it forwards).
  Operation *def = v ? v.getDefiningOp() : nullptr;
  if (graph.options.tensorNames && def && def->getNumResults() == 1 &&
      def->getLoc() == loc && !def->hasAttr("dyad.tensor"))
    def->setAttr("dyad.tensor", builder().getStringAttr(node.output(i)));
  // An op with several results (Split) keeps their names as a list: an op
  // that later takes over one result (dyad-simplify's Split -> Slice) is
  // named from it.
  if (graph.options.tensorNames && def && def->getNumResults() > 1 &&
      def->getLoc() == loc) {
    auto r = cast<OpResult>(v);
    SmallVector<Attribute> names(def->getNumResults(),
                                 builder().getStringAttr(""));
    if (auto old = def->getAttrOfType<ArrayAttr>("dyad.tensors"))
      if (old.size() == names.size())
        names.assign(old.begin(), old.end());
    names[r.getResultNumber()] = builder().getStringAttr(node.output(i));
    def->setAttr("dyad.tensors", builder().getArrayAttr(names));
  }
}

InFlightDiagnostic NodeContext::error() {
  auto d = emitError(loc);
  d << node.op_type() << " (opset " << opset << "): ";
  return d;
}

InFlightDiagnostic NodeContext::unsupported() {
  auto d = emitError(loc);
  d << node.op_type() << " (opset " << opset << "): unsupported: ";
  return d;
}
