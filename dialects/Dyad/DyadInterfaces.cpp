//===- DyadInterfaces.cpp - QuantizableOpInterface for the dyad ops -------===//
//
// The per-op answers of QuantizableOpInterface (dialects/Dyad/
// DyadInterfaces.td): the one place that says which ops have an integer form
// and how.
//
//===----------------------------------------------------------------------===//
#include "dyad/Dialect/Dyad/DyadOps.h"

using namespace mlir;
using namespace dyad;

#include "dyad/Dialect/Dyad/DyadInterfaces.cpp.inc"

/// The weight widths dyad-quantize and dyad-integerize support (i8
/// containers, symmetric per channel).
static SmallVector<unsigned> weightWidths() { return {8, 7, 6, 5, 4, 3, 2}; }

/// Elements of a static-shaped tensor value, or std::nullopt.
static std::optional<int64_t> numElements(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || !t.hasStaticShape())
    return std::nullopt;
  return t.getNumElements();
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

QuantRole ConvOp::getQuantRole() { return QuantRole::Contraction; }
std::optional<QuantizedWeight> ConvOp::getQuantizedWeight() {
  // W is M x C/group x k...: per output channel.
  return QuantizedWeight{1, 0};
}
SmallVector<unsigned> ConvOp::getWeightBitWidths() { return weightWidths(); }
std::optional<int64_t> ConvOp::getMacCount() {
  // Every output element takes C/group x k... products.
  auto out = numElements(getY());
  auto w = dyn_cast<RankedTensorType>(getW().getType());
  if (!out || !w || !w.hasStaticShape() || w.getRank() < 1)
    return std::nullopt;
  return *out * (w.getNumElements() / std::max<int64_t>(w.getDimSize(0), 1));
}

QuantRole GemmOp::getQuantRole() { return QuantRole::Contraction; }
std::optional<QuantizedWeight> GemmOp::getQuantizedWeight() {
  // B is K x N, or N x K when transposed: per output column.
  return QuantizedWeight{1, getTransB() ? 0 : 1};
}
SmallVector<unsigned> GemmOp::getWeightBitWidths() { return weightWidths(); }
std::optional<int64_t> GemmOp::getMacCount() {
  auto out = numElements(getY());
  auto a = dyn_cast<RankedTensorType>(getA().getType());
  if (!out || !a || a.getRank() != 2)
    return std::nullopt;
  int64_t k = a.getDimSize(getTransA() ? 0 : 1);
  if (ShapedType::isDynamic(k))
    return std::nullopt;
  return *out * k;
}

QuantRole MatMulOp::getQuantRole() { return QuantRole::Contraction; }
std::optional<QuantizedWeight> MatMulOp::getQuantizedWeight() {
  // Only a 2-D B is a weight matrix (K x N, per output column); a batched B
  // is an activation.
  auto b = dyn_cast<RankedTensorType>(getB().getType());
  if (!b || b.getRank() != 2)
    return std::nullopt;
  return QuantizedWeight{1, 1};
}
SmallVector<unsigned> MatMulOp::getWeightBitWidths() {
  return getQuantizedWeight() ? weightWidths() : SmallVector<unsigned>{};
}
std::optional<int64_t> MatMulOp::getMacCount() {
  auto out = numElements(getY());
  auto a = dyn_cast<RankedTensorType>(getA().getType());
  if (!out || !a || a.getRank() < 1)
    return std::nullopt;
  int64_t k = a.getDimSize(a.getRank() - 1);
  if (ShapedType::isDynamic(k))
    return std::nullopt;
  return *out * k;
}

//===----------------------------------------------------------------------===//
// The rest
//===----------------------------------------------------------------------===//

QuantRole AddOp::getQuantRole() { return QuantRole::Add; }
QuantRole ConcatOp::getQuantRole() { return QuantRole::Rescale; }
QuantRole AveragePoolOp::getQuantRole() { return QuantRole::Rescale; }
QuantRole GlobalAveragePoolOp::getQuantRole() { return QuantRole::Rescale; }
QuantRole MaxPoolOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole ReshapeOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole FlattenOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole TransposeOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole SqueezeOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole UnsqueezeOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole ReduceMaxOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole ReduceMinOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole TileOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole DepthToSpaceOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole SpaceToDepthOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole SliceOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole GatherOp::getQuantRole() { return QuantRole::PassThrough; }
QuantRole ReluOp::getQuantRole() { return QuantRole::Activation; }
QuantRole ClipOp::getQuantRole() { return QuantRole::Activation; }
// Max / Min / PRelu / LeakyRelu combine their inputs on the integers: Max /
// Min onto the output's parameters (a requant for an input that differs),
// PRelu and LeakyRelu with one requant per sign (integerize's
// ChainRewriter::maxMin / prelu).
QuantRole MaxOp::getQuantRole() { return QuantRole::Rescale; }
QuantRole MinOp::getQuantRole() { return QuantRole::Rescale; }
QuantRole PReluOp::getQuantRole() { return QuantRole::Rescale; }
QuantRole LeakyReluOp::getQuantRole() { return QuantRole::Rescale; }

// Elementwise functions of one activation: a lookup table (integerize's
// ChainRewriter::table); Div and Pow when the other operand is a scalar
// constant.
QuantRole SqrtOp::getQuantRole() { return QuantRole::Table; }
QuantRole ExpOp::getQuantRole() { return QuantRole::Table; }
QuantRole ErfOp::getQuantRole() { return QuantRole::Table; }
QuantRole SigmoidOp::getQuantRole() { return QuantRole::Table; }
QuantRole TanhOp::getQuantRole() { return QuantRole::Table; }
QuantRole HardSwishOp::getQuantRole() { return QuantRole::Table; }
QuantRole HardSigmoidOp::getQuantRole() { return QuantRole::Table; }
QuantRole GeluOp::getQuantRole() { return QuantRole::Table; }
QuantRole EluOp::getQuantRole() { return QuantRole::Table; }
QuantRole SeluOp::getQuantRole() { return QuantRole::Table; }
QuantRole ThresholdedReluOp::getQuantRole() { return QuantRole::Table; }
QuantRole LogOp::getQuantRole() { return QuantRole::Table; }
QuantRole ReciprocalOp::getQuantRole() { return QuantRole::Table; }
QuantRole SoftplusOp::getQuantRole() { return QuantRole::Table; }
QuantRole SoftsignOp::getQuantRole() { return QuantRole::Table; }
QuantRole SinOp::getQuantRole() { return QuantRole::Table; }
QuantRole CosOp::getQuantRole() { return QuantRole::Table; }
QuantRole NegOp::getQuantRole() { return QuantRole::Table; }
QuantRole AbsOp::getQuantRole() { return QuantRole::Table; }
QuantRole DivOp::getQuantRole() { return QuantRole::Table; }
QuantRole PowOp::getQuantRole() { return QuantRole::Table; }
QuantRole MulOp::getQuantRole() { return QuantRole::Product; }
QuantRole SubOp::getQuantRole() { return QuantRole::Add; }
QuantRole ReduceMeanOp::getQuantRole() { return QuantRole::Rescale; }
QuantRole ReduceSumOp::getQuantRole() { return QuantRole::Rescale; }
QuantRole SoftmaxOp::getQuantRole() { return QuantRole::Normalization; }
QuantRole LayerNormalizationOp::getQuantRole() {
  return QuantRole::Normalization;
}
