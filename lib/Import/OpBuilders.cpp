//===- OpBuilders.cpp - the ONNX op -> dyad op table ----------------------===//
//
// One entry per supported ONNX op type. A builder normalizes the node into the
// dyad op's form (explicit defaults, constant inputs as attributes, auto_pad
// resolved where shapes allow) and reports what it cannot represent as an
// "unsupported" diagnostic at the node.
//
// Opsets: every model reaches the builders in its opset-17 form (older ones
// upgraded, 18-21 rewritten, by OpsetUpgrade.cpp), so builders read only the
// opset-17 form of each op. Where opset 17 itself has two forms of axes
// (an attribute for ReduceMean and most reductions, an input for ReduceSum,
// Squeeze and Unsqueeze), readAxes() reads both.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "dyad/Dialect/Dyad/Window.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/STLExtras.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace dyad;
using namespace dyad::import;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

ArrayRef<int64_t> staticShapeOr(Value v) {
  if (auto t = dyn_cast<RankedTensorType>(v.getType()))
    return t.getShape();
  return {};
}

int64_t rankOf(Value v) {
  if (auto t = dyn_cast<RankedTensorType>(v.getType()))
    return t.getRank();
  return -1;
}

//===----------------------------------------------------------------------===//
// Generic builders
//===----------------------------------------------------------------------===//

template <typename OpTy>
LogicalResult buildUnary(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  Type t = n.resultType(0, x.getType());
  if (!t)
    return failure();
  n.setResult(0, OpTy::create(n.builder(), n.loc, t, x));
  return success();
}

template <typename OpTy>
LogicalResult buildBinary(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  if (!a || !b)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  n.setResult(0, OpTy::create(n.builder(), n.loc, t, a, b));
  return success();
}

/// Passes the input through (Identity; Dropout in inference).
LogicalResult buildForward(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  n.setResult(0, x);
  return success();
}

/// An attribute value that the dyad op's enum attribute cannot hold. The
/// error reads as the op's verifier put it when the attribute was a string,
/// so that the message a model gets does not depend on where it is caught.
template <typename OpTy>
InFlightDiagnostic unknownValue(NodeContext &n, StringRef name,
                                StringRef value) {
  return emitError(n.loc) << "'" << OpTy::getOperationName() << "' op unknown "
                          << name << " '" << value << "'";
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

/// Window attributes with ONNX defaults made explicit, VALID auto_pad turned
/// into zero pads and SAME_* into explicit pads where the spatial input dims
/// are static (for ConvTranspose, buildConvTranspose resolves SAME_*).
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads;
  AutoPad autoPad = AutoPad::NotSet;

  WindowAttrs attrs() const {
    return {kernel, strides, dilations, pads, autoPad};
  }

  /// A dyad.conv with this window (float, or integer with zero points).
  Value createConv(NodeContext &n, Type type, Value x, Value w, Value b,
                   Value xzp, Value wzp) const {
    auto &bld = n.builder();
    return ConvOp::create(bld, n.loc, type, x, w, b, xzp, wzp,
                          AutoPadAttr::get(n.ctx(), autoPad),
                          bld.getDenseI64ArrayAttr(kernel),
                          bld.getDenseI64ArrayAttr(strides),
                          bld.getDenseI64ArrayAttr(dilations),
                          bld.getDenseI64ArrayAttr(pads),
                          bld.getI64IntegerAttr(n.intAttr("group", 1)));
  }
};

FailureOr<Window> readWindow(NodeContext &n, Value x,
                             ArrayRef<int64_t> kernelFromWeights,
                             bool transposed = false) {
  Window w;
  if (auto k = n.intsAttr("kernel_shape"))
    w.kernel = *k;
  else if (!kernelFromWeights.empty() &&
           llvm::none_of(kernelFromWeights, ShapedType::isDynamic))
    w.kernel.assign(kernelFromWeights.begin(), kernelFromWeights.end());
  else
    return n.unsupported()
           << "kernel_shape is absent and the weight shape is not static";
  size_t s = w.kernel.size();
  w.strides = n.intsAttr("strides").value_or(SmallVector<int64_t>(s, 1));
  w.dilations = n.intsAttr("dilations").value_or(SmallVector<int64_t>(s, 1));
  w.pads = n.intsAttr("pads").value_or(SmallVector<int64_t>(2 * s, 0));
  std::string autoPad = n.strAttr("auto_pad", "NOTSET");
  std::optional<AutoPad> mode = symbolizeAutoPad(autoPad);
  if (!mode)
    return n.error() << "unknown auto_pad '" << autoPad << "'";
  w.autoPad = *mode;
  if (w.autoPad == AutoPad::Valid) {
    w.pads.assign(2 * s, 0);
    w.autoPad = AutoPad::NotSet;
  }
  if (failed(verifyWindowAttrs(w.attrs(), [&] { return n.error(); })))
    return failure();
  if (w.autoPad == AutoPad::NotSet || transposed)
    return w;
  // SAME_*: the pads are known where the spatial dims are static.
  ArrayRef<int64_t> shape = staticShapeOr(x);
  if (shape.size() != s + 2)
    return w;
  SmallVector<int64_t> pads(2 * s);
  for (size_t i = 0; i < s; ++i) {
    WindowDim<int64_t> d = windowDim(shape[i + 2], w.attrs(), i);
    if (ShapedType::isDynamic(d.padLow))
      return w;
    pads[i] = d.padLow;
    pads[i + s] = d.padHigh;
  }
  w.pads = pads;
  w.autoPad = AutoPad::NotSet;
  return w;
}

LogicalResult buildConv(NodeContext &n) {
  bool integer = n.node.op_type() == "ConvInteger";
  Value x = n.input(0);
  Value w = n.input(1);
  if (!x || !w)
    return failure();
  ArrayRef<int64_t> ws = staticShapeOr(w);
  auto win = readWindow(n, x, ws.size() > 2 ? ws.drop_front(2)
                                            : ArrayRef<int64_t>());
  if (failed(win))
    return failure();
  Value b, xzp, wzp;
  if (integer) {
    xzp = n.input(2);
    wzp = n.input(3);
  } else {
    b = n.input(2);
  }
  Type t = n.resultType(0);
  if (!t)
    return failure();
  n.setResult(0, win->createConv(n, t, x, w, b, xzp, wzp));
  return success();
}

LogicalResult buildConvTranspose(NodeContext &n) {
  Value x = n.input(0), w = n.input(1);
  if (!x || !w)
    return failure();
  ArrayRef<int64_t> ws = staticShapeOr(w);
  auto win = readWindow(n, x, ws.size() > 2 ? ws.drop_front(2)
                                            : ArrayRef<int64_t>(),
                        /*transposed=*/true);
  if (failed(win))
    return failure();
  size_t s = win->kernel.size();
  auto outPad =
      n.intsAttr("output_padding").value_or(SmallVector<int64_t>(s, 0));
  if (outPad.size() != s)
    return n.error() << "output_padding needs " << s << " values";
  auto outShape = n.intsAttr("output_shape");
  ArrayRef<int64_t> xs = staticShapeOr(x);
  bool staticSpatial = xs.size() == s + 2 &&
                       llvm::none_of(xs.drop_front(2), ShapedType::isDynamic);
  // Resolve output_shape / SAME_* into explicit pads when shapes are known:
  // the output is output_shape, or in * stride for SAME_*.
  if ((outShape || win->autoPad != AutoPad::NotSet) && staticSpatial) {
    SmallVector<int64_t> pads(2 * s);
    for (size_t i = 0; i < s; ++i) {
      int64_t in = xs[i + 2];
      int64_t target = outShape ? (*outShape)[outShape->size() - s + i]
                                : in * win->strides[i];
      ConvTransposePadding p =
          convTransposePadding(win->attrs(), i, in, target, outPad[i]);
      pads[i] = p.padLow;
      pads[i + s] = p.padHigh;
      outPad[i] = p.outputPadding;
    }
    win->pads = pads;
    win->autoPad = AutoPad::NotSet;
    outShape.reset();
  }
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  auto op = ConvTransposeOp::create(
      bld, n.loc, t, x, w, n.input(2), AutoPadAttr::get(n.ctx(), win->autoPad),
      bld.getDenseI64ArrayAttr(win->kernel),
      bld.getDenseI64ArrayAttr(win->strides),
      bld.getDenseI64ArrayAttr(win->dilations),
      bld.getDenseI64ArrayAttr(win->pads), bld.getDenseI64ArrayAttr(outPad),
      outShape ? bld.getDenseI64ArrayAttr(*outShape) : DenseI64ArrayAttr(),
      bld.getI64IntegerAttr(n.intAttr("group", 1)));
  n.setResult(0, op);
  return success();
}

LogicalResult buildMaxPool(NodeContext &n) {
  if (n.outputUsed(1))
    return n.unsupported() << "the Indices output";
  Value x = n.input(0);
  if (!x)
    return failure();
  auto win = readWindow(n, x, {});
  if (failed(win))
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, MaxPoolOp::create(bld, n.loc, t, x,
                                   AutoPadAttr::get(n.ctx(), win->autoPad),
                                   bld.getDenseI64ArrayAttr(win->kernel),
                                   bld.getDenseI64ArrayAttr(win->strides),
                                   bld.getDenseI64ArrayAttr(win->dilations),
                                   bld.getDenseI64ArrayAttr(win->pads),
                                   bld.getBoolAttr(n.intAttr("ceil_mode", 0))));
  return success();
}

LogicalResult buildAveragePool(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto win = readWindow(n, x, {});
  if (failed(win))
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, AveragePoolOp::create(
                     bld, n.loc, t, x, AutoPadAttr::get(n.ctx(), win->autoPad),
                     bld.getDenseI64ArrayAttr(win->kernel),
                     bld.getDenseI64ArrayAttr(win->strides),
                     bld.getDenseI64ArrayAttr(win->dilations),
                     bld.getDenseI64ArrayAttr(win->pads),
                     bld.getBoolAttr(n.intAttr("ceil_mode", 0)),
                     bld.getBoolAttr(n.intAttr("count_include_pad", 0))));
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult buildGemm(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  if (!a || !b)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, GemmOp::create(bld, n.loc, t, a, b, n.input(2),
                                bld.getF32FloatAttr(n.floatAttr("alpha", 1.0f)),
                                bld.getF32FloatAttr(n.floatAttr("beta", 1.0f)),
                                bld.getBoolAttr(n.intAttr("transA", 0)),
                                bld.getBoolAttr(n.intAttr("transB", 0))));
  return success();
}

LogicalResult buildMatMul(NodeContext &n) {
  bool integer = n.node.op_type() == "MatMulInteger";
  Value a = n.input(0);
  Value b = n.input(1);
  if (!a || !b)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  Value azp = integer ? n.input(2) : Value();
  Value bzp = integer ? n.input(3) : Value();
  n.setResult(0, MatMulOp::create(n.builder(), n.loc, t, a, b, azp, bzp));
  return success();
}

//===----------------------------------------------------------------------===//
// Activations with attributes
//===----------------------------------------------------------------------===//

LogicalResult buildLeakyRelu(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, LeakyReluOp::create(bld, n.loc, n.resultType(0, x.getType()),
                                     x, bld.getF32FloatAttr(
                                            n.floatAttr("alpha", 0.01f))));
  return success();
}

LogicalResult buildHardSigmoid(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, HardSigmoidOp::create(
                     bld, n.loc, n.resultType(0, x.getType()), x,
                     bld.getF32FloatAttr(n.floatAttr("alpha", 0.2f)),
                     bld.getF32FloatAttr(n.floatAttr("beta", 0.5f))));
  return success();
}

LogicalResult buildGelu(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  std::string approx = n.strAttr("approximate", "none");
  std::optional<GeluApproximation> approximation =
      symbolizeGeluApproximation(approx);
  if (!approximation)
    return n.error() << "approximate must be 'none' or 'tanh', got '" << approx
                     << "'";
  n.setResult(
      0, GeluOp::create(n.builder(), n.loc, n.resultType(0, x.getType()), x,
                        GeluApproximationAttr::get(n.ctx(), *approximation)));
  return success();
}

LogicalResult buildClip(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto &bld = n.builder();
  // Clip < 11's min / max attributes are inputs after the upgrade.
  n.setResult(0, ClipOp::create(bld, n.loc, n.resultType(0, x.getType()), x,
                                n.input(1), n.input(2)));
  return success();
}

LogicalResult buildSoftmax(NodeContext &n) {
  // Softmax < 13 (coerce to 2-D) is rewritten by the upgrade.
  Value x = n.input(0);
  if (!x)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, SoftmaxOp::create(bld, n.loc, n.resultType(0, x.getType()),
                                   x, bld.getI64IntegerAttr(
                                          n.intAttr("axis", -1))));
  return success();
}

LogicalResult buildLayerNorm(NodeContext &n) {
  Value x = n.input(0), scale = n.input(1);
  if (!x || !scale)
    return failure();
  // Mean / InvStdDev become results only where the model reads them.
  Type meanTy, invStdTy;
  if (n.outputUsed(1) && !(meanTy = n.resultType(1)))
    return failure();
  if (n.outputUsed(2) && !(invStdTy = n.resultType(2)))
    return failure();
  auto &bld = n.builder();
  auto op = LayerNormalizationOp::create(
      bld, n.loc, n.resultType(0, x.getType()), meanTy, invStdTy, x, scale,
      n.input(2), bld.getI64IntegerAttr(n.intAttr("axis", -1)),
      bld.getF32FloatAttr(n.floatAttr("epsilon", 1e-5f)));
  n.setResult(0, op.getY());
  if (meanTy)
    n.setResult(1, op.getMean());
  if (invStdTy)
    n.setResult(2, op.getInvStdDev());
  return success();
}

LogicalResult buildBatchNorm(NodeContext &n) {
  if (n.intAttr("training_mode", 0) != 0)
    return n.unsupported() << "training_mode=1";
  for (int i = 1; i < (int)n.numOutputs(); ++i)
    if (n.outputUsed(i))
      return n.unsupported() << "the running mean / var outputs";
  SmallVector<Value> in;
  for (int i = 0; i < 5; ++i) {
    in.push_back(n.input(i));
    if (!in.back())
      return n.error() << "needs 5 inputs";
  }
  auto &bld = n.builder();
  n.setResult(0, BatchNormalizationOp::create(
                     bld, n.loc, n.resultType(0, in[0].getType()), in[0],
                     in[1], in[2], in[3], in[4],
                     bld.getF32FloatAttr(n.floatAttr("epsilon", 1e-5f))));
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

std::optional<SmallVector<int64_t>> readAxes(NodeContext &n, bool &ok);

template <typename OpTy>
LogicalResult buildReduce(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  bool ok;
  SmallVector<int64_t> axes =
      readAxes(n, ok).value_or(SmallVector<int64_t>());
  if (!ok)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, OpTy::create(bld, n.loc, t, x, bld.getDenseI64ArrayAttr(axes),
                              bld.getBoolAttr(n.intAttr("keepdims", 1)),
                              bld.getBoolAttr(
                                  n.intAttr("noop_with_empty_axes", 0))));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

LogicalResult buildShape(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  IntegerAttr end;
  if (n.attr("end"))
    end = bld.getI64IntegerAttr(n.intAttr("end", 0));
  n.setResult(0, ShapeOp::create(bld, n.loc, t, x,
                                 bld.getI64IntegerAttr(n.intAttr("start", 0)),
                                 end));
  return success();
}

LogicalResult buildFlatten(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, FlattenOp::create(bld, n.loc, t, x,
                                   bld.getI64IntegerAttr(n.intAttr("axis", 1))));
  return success();
}

LogicalResult buildReshape(NodeContext &n) {
  Value x = n.input(0), shape = n.input(1);
  if (!x || !shape)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, ReshapeOp::create(bld, n.loc, t, x, shape,
                                   bld.getBoolAttr(n.intAttr("allowzero", 0))));
  return success();
}

LogicalResult buildTranspose(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  SmallVector<int64_t> perm;
  if (auto p = n.intsAttr("perm")) {
    perm = *p;
  } else {
    int64_t r = rankOf(x);
    if (r < 0)
      return n.unsupported() << "a default perm on an input of unknown rank";
    for (int64_t i = r - 1; i >= 0; --i)
      perm.push_back(i);
  }
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, TransposeOp::create(bld, n.loc, t, x,
                                     bld.getDenseI64ArrayAttr(perm)));
  return success();
}

LogicalResult buildConcat(NodeContext &n) {
  SmallVector<Value> ins;
  for (int i = 0; i < (int)n.numInputs(); ++i) {
    if (!n.hasInput(i))
      continue;
    Value v = n.input(i);
    if (!v)
      return failure();
    ins.push_back(v);
  }
  if (!n.attr("axis"))
    return n.error() << "the required attribute 'axis' is missing";
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, ConcatOp::create(bld, n.loc, t, ins,
                                  bld.getI64IntegerAttr(n.intAttr("axis", 0))));
  return success();
}

LogicalResult buildSplit(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  int64_t axis = n.intAttr("axis", 0);
  int64_t outs = n.numOutputs();
  SmallVector<int64_t> split;
  if (n.hasInput(1)) {
    auto s = n.constInts(1);
    if (!s)
      return n.unsupported() << "split sizes that are not a constant";
    split = *s;
  }
  if (split.empty()) {
    // (The rank first: an axis near INT64_MIN plus an unknown rank (-1)
    // overflowed; found by dyad-import-fuzzer.)
    int64_t r = rankOf(x);
    if (r < 0)
      return n.unsupported() << "an even split of an input of unknown rank";
    if (axis < -r || axis >= r)
      return n.error() << "axis " << axis << " is out of range for input '"
                       << n.node.input(0) << "' of rank " << r;
    int64_t a = axis < 0 ? axis + r : axis;
    if (staticShapeOr(x)[a] == kDyn)
      return n.unsupported() << "an even split of a dynamic or unknown axis";
    int64_t dim = staticShapeOr(x)[a];
    if (dim % outs != 0)
      return n.error() << "axis of size " << dim << " does not split evenly "
                       << "into " << outs << " outputs";
    split.assign(outs, dim / outs);
  }
  SmallVector<Type> types;
  for (int i = 0; i < outs; ++i) {
    Type t = n.resultType(i);
    if (!t)
      return failure();
    types.push_back(t);
  }
  auto &bld = n.builder();
  auto op = SplitOp::create(bld, n.loc, types, x, bld.getI64IntegerAttr(axis),
                            bld.getDenseI64ArrayAttr(split));
  n.setResults(op.getResults());
  return success();
}

LogicalResult buildSlice(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  Value starts = n.input(1), ends = n.input(2);
  if (!starts || !ends)
    return n.error() << "starts and ends are required";
  Type idxTy = getElementTypeOrSelf(starts.getType());
  auto &bld = n.builder();
  auto vec = [&](ArrayRef<int64_t> vals) -> Value {
    auto type = RankedTensorType::get({(int64_t)vals.size()}, idxTy);
    SmallVector<APInt> v;
    for (int64_t x : vals)
      v.push_back(APInt(idxTy.getIntOrFloatBitWidth(), x, /*isSigned=*/true));
    return arith::ConstantOp::create(bld, n.loc,
                                     DenseElementsAttr::get(type, v));
  };
  int64_t count = staticShapeOr(starts).empty() ? kDyn
                                                : staticShapeOr(starts)[0];
  // One start per sliced axis, and the axes are distinct: at most the rank
  // of the data. The default axes and steps below hold `count` values: a
  // length the model declares without a bound (2^40 ran SmallVector out of
  // capacity; found by dyad-import-fuzzer).
  int64_t r = rankOf(x);
  if (count != kDyn && r >= 0 && count > r)
    return n.error() << "starts '" << n.node.input(1) << "' has " << count
                     << " values for input '" << n.node.input(0)
                     << "' of rank " << r << " (at most one per axis)";
  Value axes = n.input(3), steps = n.input(4);
  if ((!axes || !steps) && count == kDyn)
    return n.unsupported() << "default axes/steps with starts of unknown length";
  if ((!axes || !steps) && r < 0)
    return n.unsupported() << "default axes/steps on an input of unknown rank";
  if (!axes) {
    SmallVector<int64_t> a;
    for (int64_t i = 0; i < count; ++i)
      a.push_back(i);
    axes = vec(a);
  }
  if (!steps)
    steps = vec(SmallVector<int64_t>(count, 1));
  Type t = n.resultType(0);
  if (!t)
    return failure();
  n.setResult(0, SliceOp::create(bld, n.loc, t, x, starts, ends, axes, steps));
  return success();
}

LogicalResult buildGather(NodeContext &n) {
  Value x = n.input(0), idx = n.input(1);
  if (!x || !idx)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, GatherOp::create(bld, n.loc, t, x, idx,
                                  bld.getI64IntegerAttr(n.intAttr("axis", 0))));
  return success();
}

/// The axes of a reduction, Squeeze or Unsqueeze: a constant input (ReduceSum,
/// Squeeze, Unsqueeze) or the `axes` attribute (the other reductions; their
/// opset-18 axes input becomes it in OpsetUpgrade.cpp). The one place that
/// reads either form; null when neither is given. `ok` is false after an
/// error.
std::optional<SmallVector<int64_t>> readAxes(NodeContext &n, bool &ok) {
  ok = true;
  if (n.hasInput(1)) {
    auto a = n.constInts(1);
    if (!a) {
      ok = false;
      n.unsupported() << "axes that are not a constant";
    }
    return a;
  }
  return n.intsAttr("axes");
}

template <typename OpTy>
LogicalResult buildSqueezeLike(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  bool ok;
  auto axes = readAxes(n, ok);
  if (!ok)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, OpTy::create(bld, n.loc, t, x,
                              bld.getDenseI64ArrayAttr(
                                  axes.value_or(SmallVector<int64_t>()))));
  return success();
}

LogicalResult buildExpand(NodeContext &n) {
  Value x = n.input(0), shape = n.input(1);
  if (!x || !shape)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  n.setResult(0, ExpandOp::create(n.builder(), n.loc, t, x, shape));
  return success();
}

LogicalResult buildPad(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  // Pad < 11's attributes are inputs after the upgrade; Pad-18's axes input
  // is folded into full pads by the opset-18 rewrite.
  auto pads = n.constInts(1);
  if (!pads)
    return n.unsupported() << "pads that are not a constant";
  double value = 0.0;
  if (n.hasInput(2)) {
    auto v = n.constFloats(2);
    if (!v || v->size() > 1)
      return n.unsupported() << "a constant_value that is not a constant scalar";
    value = v->empty() ? 0.0 : (*v)[0];
  }
  std::string mode = n.strAttr("mode", "constant");
  std::optional<PadMode> padMode = symbolizePadMode(mode);
  if (!padMode)
    return unknownValue<PadOp>(n, "mode", mode);
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, PadOp::create(bld, n.loc, t, x, bld.getDenseI64ArrayAttr(*pads),
                               bld.getF64FloatAttr(value),
                               PadModeAttr::get(n.ctx(), *padMode)));
  return success();
}

LogicalResult buildResize(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  std::string mode = n.strAttr("mode", "nearest");
  std::optional<ResizeMode> resizeMode = symbolizeResizeMode(mode);
  if (!resizeMode)
    return unknownValue<ResizeOp>(n, "mode", mode);
  if (*resizeMode != ResizeMode::Nearest &&
      !isa<FloatType>(getElementTypeOrSelf(x.getType())))
    return n.unsupported() << "mode '" << mode << "' on integer data";
  auto &bld = n.builder();
  DenseF32ArrayAttr scales, roi;
  DenseI64ArrayAttr sizes;
  // Resize-10 and Upsample are Resize-13 (X, roi, scales, sizes) after the
  // upgrade.
  if (n.hasInput(1)) {
    auto r = n.constFloats(1);
    if (!r)
      return n.unsupported() << "a roi that is not a constant";
    if (!r->empty())
      roi = bld.getDenseF32ArrayAttr(
          llvm::map_to_vector(*r, [](double d) { return (float)d; }));
  }
  if (n.hasInput(2)) {
    auto s = n.constFloats(2);
    if (!s)
      return n.unsupported() << "scales that are not a constant";
    if (!s->empty())
      scales = bld.getDenseF32ArrayAttr(
          llvm::map_to_vector(*s, [](double d) { return (float)d; }));
  }
  if (n.hasInput(3)) {
    auto s = n.constInts(3);
    if (!s)
      return n.unsupported() << "sizes that are not a constant";
    if (!s->empty())
      sizes = bld.getDenseI64ArrayAttr(*s);
  }
  if (!scales == !sizes)
    return n.error() << "exactly one of scales and sizes must be given";
  std::string ctm = n.strAttr("coordinate_transformation_mode", "half_pixel");
  std::optional<CoordinateTransformationMode> coordinateMode =
      symbolizeCoordinateTransformationMode(ctm);
  if (!coordinateMode)
    return unknownValue<ResizeOp>(n, "coordinate_transformation_mode", ctm);
  std::string nearest = n.strAttr("nearest_mode", "round_prefer_floor");
  std::optional<NearestMode> nearestMode = symbolizeNearestMode(nearest);
  if (!nearestMode)
    return unknownValue<ResizeOp>(n, "nearest_mode", nearest);
  Type t = n.resultType(0);
  if (!t)
    return failure();
  MLIRContext *ctx = n.ctx();
  n.setResult(
      0, ResizeOp::create(
             bld, n.loc, t, x, scales, sizes,
             ResizeModeAttr::get(ctx, *resizeMode),
             CoordinateTransformationModeAttr::get(ctx, *coordinateMode),
             NearestModeAttr::get(ctx, *nearestMode), roi,
             bld.getF32FloatAttr(n.floatAttr("extrapolation_value", 0.0f)),
             bld.getF32FloatAttr(n.floatAttr("cubic_coeff_a", -0.75f)),
             bld.getBoolAttr(n.intAttr("exclude_outside", 0)),
             /*weight_fraction_bits=*/IntegerAttr()));
  return success();
}

LogicalResult buildCast(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  n.setResult(0, CastOp::create(n.builder(), n.loc, t, x));
  return success();
}

LogicalResult buildWhere(NodeContext &n) {
  Value c = n.input(0), x = n.input(1), y = n.input(2);
  if (!c || !x || !y)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  n.setResult(0, WhereOp::create(n.builder(), n.loc, t, c, x, y));
  return success();
}

LogicalResult buildDropout(NodeContext &n) {
  if (n.hasInput(2)) {
    auto mode = n.constInts(2);
    if (!mode || mode->size() != 1)
      return n.unsupported() << "a training_mode that is not a constant";
    if ((*mode)[0] != 0)
      return n.unsupported() << "training_mode=true";
  }
  if (n.outputUsed(1))
    return n.unsupported() << "the mask output";
  return buildForward(n);
}

/// GroupNormalization is rewritten at import from opsets 18-21; one that
/// reaches here is in a model of an older opset, which has no such op.
LogicalResult buildGroupNormNotRewritten(NodeContext &n) {
  return n.error() << "GroupNormalization is an op of opset 18 and later";
}

LogicalResult buildConstant(NodeContext &n) {
  if (n.node.attribute_size() != 1)
    return n.error() << "needs exactly one value attribute";
  const onnx::AttributeProto &a = n.node.attribute(0);
  auto &bld = n.builder();
  DenseElementsAttr attr;
  if (a.name() == "value") {
    auto conv = n.graph.tensorToAttr(a.t(), n.loc);
    if (failed(conv))
      return failure();
    attr = *conv;
  } else if (a.name() == "value_float") {
    attr = DenseElementsAttr::get(RankedTensorType::get({}, bld.getF32Type()),
                                  a.f());
  } else if (a.name() == "value_floats") {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    attr = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, bld.getF32Type()),
        ArrayRef<float>(v));
  } else if (a.name() == "value_int") {
    attr = DenseElementsAttr::get(RankedTensorType::get({}, bld.getI64Type()),
                                  (int64_t)a.i());
  } else if (a.name() == "value_ints") {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    attr = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, bld.getI64Type()),
        ArrayRef<int64_t>(v));
  } else {
    return n.unsupported() << "attribute '" << a.name() << "'";
  }
  // Constants are materialized at their uses; keep the attribute only.
  n.graph.constants[n.node.output(0)] = attr;
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

/// Quantization parameters read from constant scale / zero-point inputs.
struct QParams {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  Type storage; // ONNX storage element type (i8, ui8, i32, ...)
  bool perAxis = false;
};

/// Reads constant scale (input si) and zero point (input zi; absent means 0
/// of `dfltStorage`). Returns nullopt when either is not a constant.
std::optional<QParams> readQParams(NodeContext &n, int si, int zi,
                                   Type dfltStorage) {
  auto s = n.constFloats(si);
  if (!s)
    return std::nullopt;
  QParams q;
  q.scales = *s;
  auto sAttr = n.constInput(si);
  // A 1-D scale of one element is per tensor.
  q.perAxis = sAttr && sAttr->getType().getRank() == 1 && q.scales.size() > 1;
  q.storage = dfltStorage;
  if (zi >= 0 && n.hasInput(zi)) {
    auto z = n.constInts(zi);
    if (!z)
      return std::nullopt;
    q.zeroPoints = *z;
    q.storage = n.constInput(zi)->getElementType();
  }
  if (q.zeroPoints.empty())
    q.zeroPoints.assign(q.scales.size(), 0);
  return q;
}

/// Builds the upstream quant type for `q` along `axis` of `shape`, or emits
/// an error for scales no arithmetic can use.
Type makeQuantType(NodeContext &n, const QParams &q, Type expressed,
                   int64_t axis, int64_t rank) {
  for (double s : q.scales)
    if (!(s > 0) || !std::isfinite(s) || s < FLT_MIN) {
      n.error() << "scale " << s
                << " is zero, negative, denormal or not finite";
      return {};
    }
  if (q.zeroPoints.size() != q.scales.size()) {
    n.error() << "scale and zero point have different sizes";
    return {};
  }
  auto it = dyn_cast<IntegerType>(q.storage);
  if (!it || it.getWidth() > 32) {
    n.unsupported() << "storage type " << q.storage;
    return {};
  }
  bool isSigned = !it.isUnsigned();
  unsigned w = it.getWidth();
  Type storage = IntegerType::get(n.ctx(), w);
  int64_t qmin = isSigned ? -(1ll << (w - 1)) : 0;
  int64_t qmax = isSigned ? (1ll << (w - 1)) - 1 : (1ll << w) - 1;
  for (int64_t z : q.zeroPoints)
    if (z < qmin || z > qmax) {
      n.error() << "zero point " << z << " is outside the storage range";
      return {};
    }
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  if (!q.perAxis)
    return quant::UniformQuantizedType::getChecked(
        n.loc, flags, storage, expressed, q.scales[0], q.zeroPoints[0], qmin,
        qmax);
  if (rank < 0) {
    n.unsupported() << "per-axis quantization of a tensor of unknown rank";
    return {};
  }
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    n.error() << "axis " << axis << " is out of range for rank " << rank;
    return {};
  }
  return quant::UniformQuantizedPerAxisType::getChecked(
      n.loc, flags, storage, expressed, q.scales, q.zeroPoints, a, qmin, qmax);
}

/// Reinterprets raw ONNX integers `raw` as the quantized type `qt` (bits
/// unchanged): ui8 -> i8 bitcast, then quant.scast.
Value rawToQuant(NodeContext &n, Value raw, Type qt) {
  auto shaped = cast<ShapedType>(raw.getType());
  auto q = cast<quant::QuantizedType>(qt);
  if (shaped.getElementType() != q.getStorageType())
    raw = tensor::BitcastOp::create(n.builder(), n.loc,
                                    shaped.clone(q.getStorageType()), raw);
  return quant::StorageCastOp::create(n.builder(), n.loc, shaped.clone(qt),
                                      raw);
}

/// The value of input `i` as a tensor of quantized type `qt`: reused as is
/// when it already has exactly that type.
Value asQuant(NodeContext &n, int i, Type qt) {
  Value v = n.quantizedInput(i);
  if (!v)
    return v;
  if (getElementTypeOrSelf(v.getType()) == qt)
    return v;
  return rawToQuant(n, n.input(i), qt);
}

Type f32(NodeContext &n) { return n.builder().getF32Type(); }

Type withElement(Value like, Type elt) {
  return cast<ShapedType>(like.getType()).clone(elt);
}

LogicalResult buildQuantizeLinear(NodeContext &n) {
  Value x = n.input(0);
  if (!x || !n.hasInput(1))
    return n.error() << "needs x and y_scale";
  int64_t axis = n.intAttr("axis", 1);
  Type dflt = IntegerType::get(n.ctx(), 8, IntegerType::Unsigned);
  auto q = readQParams(n, 1, 2, dflt);
  if (q) {
    Type qt = makeQuantType(n, *q, getElementTypeOrSelf(x.getType()), axis,
                            rankOf(x));
    if (!qt)
      return failure();
    n.setResult(0, QuantizeOp::create(n.builder(), n.loc, withElement(x, qt),
                                      x));
    return success();
  }
  Type t = n.resultType(0);
  if (!t)
    return failure();
  n.setResult(0, QuantizeLinearOp::create(n.builder(), n.loc, t, x, n.input(1),
                                          n.input(2),
                                          n.builder().getI64IntegerAttr(axis)));
  return success();
}

LogicalResult buildDequantizeLinear(NodeContext &n) {
  Value x = n.quantizedInput(0);
  if (!x || !n.hasInput(1))
    return n.error() << "needs x and x_scale";
  int64_t axis = n.intAttr("axis", 1);
  Type rawElt = n.inputElementType(0);
  auto q = readQParams(n, 1, 2, rawElt);
  Type floatTy = n.resultElementType(0);
  if (!floatTy)
    floatTy = f32(n);
  if (q) {
    Type qt = makeQuantType(n, *q, floatTy, axis, rankOf(x));
    if (!qt)
      return failure();
    Value qv = asQuant(n, 0, qt);
    n.setResult(0, DequantizeOp::create(n.builder(), n.loc,
                                        withElement(qv, floatTy), qv));
    return success();
  }
  Type t = n.resultType(0);
  if (!t)
    return failure();
  n.setResult(0, DequantizeLinearOp::create(
                     n.builder(), n.loc, t, n.input(0), n.input(1),
                     n.input(2), n.builder().getI64IntegerAttr(axis)));
  return success();
}

LogicalResult buildDynamicQuantizeLinear(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  Type t0 = n.resultType(0), t1 = n.resultType(1), t2 = n.resultType(2);
  if (!t0 || !t1 || !t2)
    return failure();
  auto op = DynamicQuantizeLinearOp::create(n.builder(), n.loc, t0, t1, t2, x);
  n.setResults(op.getResults());
  return success();
}

/// QLinearConv / QLinearMatMul: the QDQ form (dequantize -> float op ->
/// quantize) with static quant types when all parameters are constants, the
/// run-time form (dequantize_linear / quantize_linear) otherwise. Integerize
/// turns either back into integer arithmetic.
LogicalResult buildQLinear(NodeContext &n) {
  bool conv = n.node.op_type() == "QLinearConv";
  // Inputs: a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp [, bias].
  Value a = n.input(0), b = n.input(3);
  if (!a || !b)
    return failure();
  auto &bld = n.builder();
  Type f = f32(n);
  auto qa = readQParams(n, 1, 2, getElementTypeOrSelf(a.getType()));
  auto qb = readQParams(n, 4, 5, getElementTypeOrSelf(b.getType()));
  auto qy = readQParams(n, 6, 7, n.resultElementType(0));
  Type yType = n.resultType(0);
  if (!yType)
    return failure();

  Value fa, fb, fbias;
  Type qyType;
  if (qa && qb && qy) {
    Type ta = makeQuantType(n, *qa, f, 1, rankOf(a));
    Type tb = makeQuantType(n, *qb, f, conv ? 0 : 1, rankOf(b));
    qyType = makeQuantType(n, *qy, f, 1, rankOf(a));
    if (!ta || !tb || !qyType)
      return failure();
    if (qa->perAxis || qy->perAxis)
      return n.unsupported() << "per-axis activation or output parameters";
    Value va = asQuant(n, 0, ta), vb = asQuant(n, 3, tb);
    fa = DequantizeOp::create(bld, n.loc, withElement(va, f), va);
    fb = DequantizeOp::create(bld, n.loc, withElement(vb, f), vb);
    if (conv && n.hasInput(8)) {
      // Bias: i32 at scale a_scale * b_scale (per output channel).
      QParams qbias;
      qbias.storage = bld.getI32Type();
      qbias.perAxis = qb->perAxis;
      for (double sb : qb->scales)
        qbias.scales.push_back(qa->scales[0] * sb);
      qbias.zeroPoints.assign(qbias.scales.size(), 0);
      Value bias = n.input(8);
      Type tbias = makeQuantType(n, qbias, f, 0, rankOf(bias));
      if (!tbias)
        return failure();
      Value vbias = rawToQuant(n, bias, tbias);
      fbias = DequantizeOp::create(bld, n.loc, withElement(vbias, f), vbias);
    }
  } else {
    // Run-time parameters.
    auto axisAttr = bld.getI64IntegerAttr(1);
    fa = DequantizeLinearOp::create(bld, n.loc, withElement(a, f), a,
                                    n.input(1), n.input(2), axisAttr);
    fb = DequantizeLinearOp::create(bld, n.loc, withElement(b, f), b,
                                    n.input(4), n.input(5),
                                    bld.getI64IntegerAttr(conv ? 0 : 1));
    if (conv && n.hasInput(8)) {
      Value bias = n.input(8);
      Value sa = n.input(1), sb = n.input(4);
      Type st = rankOf(sb) == 1 ? sb.getType() : sa.getType();
      Value scale = MulOp::create(bld, n.loc, st, sa, sb);
      fbias = DequantizeLinearOp::create(bld, n.loc, withElement(bias, f),
                                         bias, scale, Value(),
                                         bld.getI64IntegerAttr(0));
    }
  }

  Type floatOut = cast<ShapedType>(yType).clone(f);
  Value y;
  if (conv) {
    ArrayRef<int64_t> ws = staticShapeOr(b);
    auto win = readWindow(n, a, ws.size() > 2 ? ws.drop_front(2)
                                              : ArrayRef<int64_t>());
    if (failed(win))
      return failure();
    y = win->createConv(n, floatOut, fa, fb, fbias, Value(), Value());
  } else {
    y = MatMulOp::create(bld, n.loc, floatOut, fa, fb, Value(), Value());
  }
  if (qyType) {
    n.setResult(0, QuantizeOp::create(bld, n.loc, withElement(y, qyType), y));
  } else {
    n.setResult(0, QuantizeLinearOp::create(bld, n.loc, yType, y, n.input(6),
                                            n.input(7),
                                            bld.getI64IntegerAttr(1)));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Ops of exported models: arg reductions, TopK, shape generators, block
// rearrangements, instance normalization
//===----------------------------------------------------------------------===//

/// Folds `op` when its operands are the constants `operands`: the result
/// becomes an importer constant (as a Constant node's) and `op` is erased
/// (the importer keeps its operand values for other uses). Returns whether
/// it folded.
bool foldToImporterConstant(NodeContext &n, Operation *op,
                            ArrayRef<Attribute> operands) {
  SmallVector<OpFoldResult> folded;
  if (failed(op->fold(operands, folded)) || folded.size() != 1)
    return false;
  auto attr = dyn_cast_or_null<DenseElementsAttr>(
      dyn_cast_if_present<Attribute>(folded[0]));
  if (!attr)
    return false;
  op->erase();
  n.graph.constants[n.node.output(0)] = attr;
  return true;
}

template <typename OpTy>
LogicalResult buildArgReduce(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, OpTy::create(bld, n.loc, t, x,
                              bld.getI64IntegerAttr(n.intAttr("axis", 0)),
                              bld.getBoolAttr(n.intAttr("keepdims", 1)),
                              bld.getBoolAttr(
                                  n.intAttr("select_last_index", 0))));
  return success();
}

LogicalResult buildTopK(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  int64_t k;
  if (n.opset < 10) {
    k = n.intAttr("k", -1);
  } else {
    auto kv = n.constInts(1);
    if (!kv)
      return n.unsupported() << "a K that is not a constant";
    if (kv->size() != 1)
      return n.error() << "K must hold one value, got " << kv->size();
    k = (*kv)[0];
  }
  if (k < 0)
    return n.error() << "K must be >= 0, got " << k;
  int64_t axis = n.intAttr("axis", -1), r = rankOf(x);
  if (r >= 0 && axis >= -r && axis < r) {
    int64_t d = staticShapeOr(x)[axis < 0 ? axis + r : axis];
    if (d != kDyn && k > d)
      return n.error() << "K " << k << " is larger than the " << d
                       << " elements along axis " << axis;
  }
  Type vt = n.resultType(0), it = n.resultType(1);
  if (!vt || !it)
    return failure();
  auto &bld = n.builder();
  auto op = TopKOp::create(bld, n.loc, vt, it, x, bld.getI64IntegerAttr(k),
                           bld.getI64IntegerAttr(axis),
                           bld.getBoolAttr(n.intAttr("largest", 1)),
                           bld.getBoolAttr(n.intAttr("sorted", 1)));
  n.setResult(0, op.getValues());
  n.setResult(1, op.getIndices());
  return success();
}

LogicalResult buildConstantOfShape(NodeContext &n) {
  Value shape = n.input(0);
  if (!shape)
    return failure();
  auto &bld = n.builder();
  TypedAttr value = bld.getF32FloatAttr(0.0f);
  if (const auto *a = n.attr("value")) {
    if (a->type() != onnx::AttributeProto::TENSOR)
      return n.error() << "value must be a tensor";
    auto conv = n.graph.tensorToAttr(a->t(), n.loc);
    if (failed(conv))
      return failure();
    if (conv->getNumElements() != 1)
      return n.error() << "value must hold one element, got "
                       << conv->getNumElements();
    value = cast<TypedAttr>(*conv->getValues<Attribute>().begin());
  }
  Type t = n.resultType(0);
  if (!t)
    return failure();
  if (getElementTypeOrSelf(t) != value.getType())
    return n.error() << "the inferred element type " << getElementTypeOrSelf(t)
                     << " is not value's " << value.getType();
  auto op = ConstantOfShapeOp::create(bld, n.loc, t, shape, value);
  if (auto c = n.constInput(0))
    if (foldToImporterConstant(n, op, {*c}))
      return success();
  n.setResult(0, op);
  return success();
}

LogicalResult buildRange(NodeContext &n) {
  Value start = n.input(0), limit = n.input(1), delta = n.input(2);
  if (!start || !limit || !delta)
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto s = n.constInput(0), l = n.constInput(1), d = n.constInput(2);
  auto fs = n.constFloats(0), fl = n.constFloats(1), fd = n.constFloats(2);
  if (fd && fd->size() == 1 && (*fd)[0] == 0)
    return n.error() << "delta must not be 0";
  // Constant operands: the count is known, and the op folds.
  if (fs && fl && fd && fs->size() == 1 && fl->size() == 1 && fd->size() == 1) {
    double c = std::ceil(((*fl)[0] - (*fs)[0]) / (*fd)[0]);
    if (!(c <= (double)kMaxElements))
      return n.error() << "the range has more than 2^40 elements";
    t = RankedTensorType::get({std::max<int64_t>((int64_t)c, 0)},
                              getElementTypeOrSelf(t));
  }
  auto &bld = n.builder();
  auto op = RangeOp::create(bld, n.loc, t, start, limit, delta);
  if (s && l && d && foldToImporterConstant(n, op, {*s, *l, *d}))
    return success();
  n.setResult(0, op);
  return success();
}

LogicalResult buildTile(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto repeats = n.constInts(1);
  if (!repeats)
    return n.unsupported() << "repeats that are not a constant";
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, TileOp::create(bld, n.loc, t, x,
                                bld.getDenseI64ArrayAttr(*repeats)));
  return success();
}

/// DepthToSpace (`toSpace`) / SpaceToDepth: the block size divides the
/// channels by its square, or the height and width.
LogicalResult checkBlocks(NodeContext &n, Value x, bool toSpace) {
  int64_t b = n.intAttr("blocksize", 0);
  ArrayRef<int64_t> s = staticShapeOr(x);
  if (b < 1 || s.size() != 4)
    return success(); // the rules report these
  auto check = [&](int64_t d, int64_t by, StringRef what) -> LogicalResult {
    if (d == kDyn || d % by == 0)
      return success();
    return n.error() << what << " " << d << " is not a multiple of "
                     << (toSpace ? "blocksize^2 = " : "blocksize ") << by;
  };
  if (toSpace)
    return check(s[1], b * b, "the channel count");
  if (failed(check(s[2], b, "the height")))
    return failure();
  return check(s[3], b, "the width");
}

LogicalResult buildDepthToSpace(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  std::string mode = n.strAttr("mode", "DCR");
  std::optional<DepthToSpaceMode> m = symbolizeDepthToSpaceMode(mode);
  if (!m)
    return unknownValue<DepthToSpaceOp>(n, "mode", mode);
  if (failed(checkBlocks(n, x, /*toSpace=*/true)))
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, DepthToSpaceOp::create(
                     bld, n.loc, t, x,
                     bld.getI64IntegerAttr(n.intAttr("blocksize", 0)),
                     DepthToSpaceModeAttr::get(n.ctx(), *m)));
  return success();
}

LogicalResult buildSpaceToDepth(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  if (failed(checkBlocks(n, x, /*toSpace=*/false)))
    return failure();
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, SpaceToDepthOp::create(
                     bld, n.loc, t, x,
                     bld.getI64IntegerAttr(n.intAttr("blocksize", 0))));
  return success();
}

LogicalResult buildInstanceNorm(NodeContext &n) {
  Value x = n.input(0), scale = n.input(1), b = n.input(2);
  if (!x || !scale || !b)
    return n.error() << "needs 3 inputs";
  auto &bld = n.builder();
  n.setResult(0, InstanceNormalizationOp::create(
                     bld, n.loc, n.resultType(0, x.getType()), x, scale, b,
                     bld.getF32FloatAttr(n.floatAttr("epsilon", 1e-5f))));
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise ops of exported models: variadic, attributed activations, PRelu
//===----------------------------------------------------------------------===//

/// Max / Min / Sum / Mean: one op over all (1..N) inputs.
template <typename OpTy>
LogicalResult buildVariadic(NodeContext &n) {
  SmallVector<Value> ins;
  for (size_t i = 0; i < n.numInputs(); ++i) {
    if (!n.hasInput(i))
      return n.error() << "input " << i << " is absent";
    Value v = n.input(i);
    if (!v)
      return failure();
    ins.push_back(v);
  }
  if (ins.empty())
    return n.error() << "needs at least one input";
  Type t = n.resultType(0);
  if (!t)
    return failure();
  n.setResult(0, OpTy::create(n.builder(), n.loc, t, ins));
  return success();
}

/// Elu / ThresholdedRelu: one `alpha` (default 1).
template <typename OpTy>
LogicalResult buildAlphaUnary(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, OpTy::create(bld, n.loc, n.resultType(0, x.getType()), x,
                              bld.getF32FloatAttr(n.floatAttr("alpha", 1.0f))));
  return success();
}

/// PRelu broadcasts its slope numpy style; a 1-D slope of X's channel count
/// that cannot broadcast that way (X's last dim differs) is per channel, as
/// opset 6 and paddle2onnx give it: it becomes C x 1 x ... x 1.
LogicalResult buildPRelu(NodeContext &n) {
  Value x = n.input(0), slope = n.input(1);
  if (!x || !slope)
    return failure();
  ArrayRef<int64_t> xs = staticShapeOr(x), ss = staticShapeOr(slope);
  if (xs.size() >= 3 && ss.size() == 1 && ss[0] != 1 && xs[1] == ss[0] &&
      !ShapedType::isDynamic(xs.back()) && xs.back() != ss[0]) {
    SmallVector<int64_t> shape(xs.size() - 1, 1);
    shape[0] = ss[0];
    SmallVector<int64_t> axes;
    for (size_t d = 1; d + 1 < xs.size(); ++d)
      axes.push_back(d);
    auto &bld = n.builder();
    slope = UnsqueezeOp::create(
        bld, n.loc,
        RankedTensorType::get(shape, getElementTypeOrSelf(slope.getType())),
        slope, bld.getDenseI64ArrayAttr(axes));
  }
  n.setResult(0, PReluOp::create(n.builder(), n.loc,
                                 n.resultType(0, x.getType()), x, slope));
  return success();
}

LogicalResult buildSelu(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, SeluOp::create(
                     bld, n.loc, n.resultType(0, x.getType()), x,
                     bld.getF32FloatAttr(
                         n.floatAttr("alpha", 1.67326319217681884765625f)),
                     bld.getF32FloatAttr(
                         n.floatAttr("gamma", 1.05070102214813232421875f))));
  return success();
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

// Rules: what the ONNX spec requires of an op's attributes and input ranks,
// checked by GraphImporter::checkNodeRules before any libonnx pass (see
// AttrRule in ImporterImpl.h). The builders can rely on them.

using Kind = AttrRule::Kind;
using Rules = std::vector<AttrRule>;

/// Every value of `name` (or of constant input `input`) in [lo, hi]; sizes
/// are at most 2^40.
AttrRule range(const char *name, int64_t lo, int64_t hi = kMaxElements,
               int input = -1) {
  return {Kind::Range, name, input, 0, -1, lo, hi};
}
AttrRule flag(const char *name) { return range(name, 0, 1); }
/// One axis of input `ref` ([-r, r] with `inclusive`).
AttrRule axis(int ref = 0, bool inclusive = false) {
  return {Kind::Axis, "axis", -1, ref, -1, inclusive ? 1 : 0};
}
/// Distinct axes of input `ref` (attribute `axes`, or constant input
/// `input`); `ofResult`: axes of the result, r + the number of axes.
AttrRule axes(int input, bool ofResult = false) {
  return {Kind::Axes, "axes", input, 0, -1, ofResult ? 1 : 0};
}
AttrRule rankAtLeast(int input, int64_t r) {
  return {Kind::Rank, nullptr, -1, input, -1, r, 0};
}
AttrRule rankExactly(int input, int64_t r) {
  return {Kind::Rank, nullptr, -1, input, -1, r, 1};
}
AttrRule oneOf(const char *name, const char *values) {
  return {Kind::OneOf, name, -1, 0, -1, 0, 0, values};
}

/// Conv / pool windows: data input `x` of rank >= 3 (and of the weight `w`'s
/// rank), window values in range and of consistent lengths.
Rules windowRules(int x, int w, bool transposed = false) {
  Rules r{rankAtLeast(x, 3)};
  if (w >= 0)
    r.push_back({Kind::SameRank, nullptr, -1, x, w});
  r.push_back(range("kernel_shape", 1));
  r.push_back(range("strides", 1));
  r.push_back(range("dilations", 1));
  r.push_back(range("pads", 0));
  r.push_back(oneOf("auto_pad", "NOTSET|SAME_UPPER|SAME_LOWER|VALID"));
  r.push_back({Kind::Window, nullptr, -1, x, w, transposed ? 1 : 0});
  return r;
}

/// Convolutions: the window, and `group` against the channels.
Rules convRules(int x, int w, bool transposed = false) {
  Rules r = windowRules(x, w, transposed);
  r.push_back(range("group", 1));
  r.push_back({Kind::Group, "group", -1, x, w, 0, transposed ? 1 : 0});
  if (transposed) {
    r.push_back(range("output_padding", 0));
    r.push_back(range("output_shape", 0));
  }
  return r;
}

Rules poolRules(std::initializer_list<const char *> flags) {
  Rules r = windowRules(0, -1);
  for (const char *f : flags)
    r.push_back(flag(f));
  return r;
}

llvm::StringMap<OpSpec> makeTable() {
  llvm::StringMap<OpSpec> t;
  auto add = [&](StringRef op, OpBuilderFn fn, Rules rules = {},
                 StringRef domain = "") {
    t[opKey(domain, op)] = OpSpec{std::move(fn), std::move(rules)};
  };
  // Convolution, linear algebra.
  add("Conv", buildConv, convRules(0, 1));
  add("ConvInteger", buildConv, convRules(0, 1));
  add("ConvTranspose", buildConvTranspose, convRules(0, 1, true));
  // libonnx reads dims 0 and 1 of A and B unchecked.
  add("Gemm", buildGemm, {rankExactly(0, 2), rankExactly(1, 2)});
  add("MatMul", buildMatMul);
  add("MatMulInteger", buildMatMul);
  // Elementwise.
  add("Add", buildBinary<AddOp>);
  add("Sub", buildBinary<SubOp>);
  add("Mul", buildBinary<MulOp>);
  add("Div", buildBinary<DivOp>);
  add("Pow", buildBinary<PowOp>);
  add("Sqrt", buildUnary<SqrtOp>);
  add("Exp", buildUnary<ExpOp>);
  add("Erf", buildUnary<ErfOp>);
  add("Relu", buildUnary<ReluOp>);
  add("Sigmoid", buildUnary<SigmoidOp>);
  add("Tanh", buildUnary<TanhOp>);
  add("HardSwish", buildUnary<HardSwishOp>);
  add("LeakyRelu", buildLeakyRelu);
  add("HardSigmoid", buildHardSigmoid);
  add("Clip", buildClip);
  add("Gelu", buildGelu);
  add("Gelu", buildGelu, {}, "com.microsoft");
  add("Where", buildWhere);
  add("Cast", buildCast, {{Kind::DataType, "to"}});
  add("Identity", buildForward);
  add("Dropout", buildDropout);
  add("Constant", buildConstant);
  // Elementwise ops of exported models.
  add("Max", buildVariadic<MaxOp>);
  add("Min", buildVariadic<MinOp>);
  add("Sum", buildVariadic<SumOp>);
  add("Mean", buildVariadic<MeanOp>);
  add("Equal", buildBinary<EqualOp>);
  add("Greater", buildBinary<GreaterOp>);
  add("Less", buildBinary<LessOp>);
  add("GreaterOrEqual", buildBinary<GreaterOrEqualOp>);
  add("LessOrEqual", buildBinary<LessOrEqualOp>);
  add("Not", buildUnary<NotOp>);
  add("And", buildBinary<AndOp>);
  add("Or", buildBinary<OrOp>);
  add("Xor", buildBinary<XorOp>);
  add("Log", buildUnary<LogOp>);
  add("Neg", buildUnary<NegOp>);
  add("Abs", buildUnary<AbsOp>);
  add("Reciprocal", buildUnary<ReciprocalOp>);
  add("Floor", buildUnary<FloorOp>);
  add("Ceil", buildUnary<CeilOp>);
  add("Round", buildUnary<RoundOp>);
  add("Sign", buildUnary<SignOp>);
  add("Softplus", buildUnary<SoftplusOp>);
  add("Softsign", buildUnary<SoftsignOp>);
  add("Sin", buildUnary<SinOp>);
  add("Cos", buildUnary<CosOp>);
  add("Elu", buildAlphaUnary<EluOp>);
  add("ThresholdedRelu", buildAlphaUnary<ThresholdedReluOp>);
  add("Selu", buildSelu);
  add("PRelu", buildPRelu);
  // Normalization.
  add("Softmax", buildSoftmax, {axis()});
  // Rank >= 1: libonnx's inference indexes the dims of a scalar input
  // (a SEGV found by dyad-import-fuzzer).
  add("LayerNormalization", buildLayerNorm, {rankAtLeast(0, 1), axis()});
  add("BatchNormalization", buildBatchNorm, {rankAtLeast(0, 2)});
  // Pooling and reductions.
  add("MaxPool", buildMaxPool, poolRules({"ceil_mode", "storage_order"}));
  add("AveragePool", buildAveragePool,
      poolRules({"ceil_mode", "count_include_pad"}));
  add("GlobalAveragePool", buildUnary<GlobalAveragePoolOp>,
      {rankAtLeast(0, 3)});
  add("ReduceMean", buildReduce<ReduceMeanOp>,
      {axes(1), flag("keepdims"), flag("noop_with_empty_axes")});
  add("ReduceSum", buildReduce<ReduceSumOp>,
      {axes(1), flag("keepdims"), flag("noop_with_empty_axes")});
  // Shape and data movement.
  add("Shape", buildShape);
  add("Flatten", buildFlatten, {axis(0, /*inclusive=*/true)});
  add("Reshape", buildReshape, {flag("allowzero")});
  add("Transpose", buildTranspose, {{Kind::Perm, "perm"}});
  add("Concat", buildConcat, {axis()});
  add("Split", buildSplit, {axis(), range("split", 0, kMaxElements, 1)});
  add("Slice", buildSlice,
      {axes(3), {Kind::NonZero, "steps", 4}});
  add("Gather", buildGather,
      {rankAtLeast(0, 1), axis(), {Kind::Indices, "axis", 1, 0}});
  add("Unsqueeze", buildSqueezeLike<UnsqueezeOp>,
      {axes(1, /*ofResult=*/true)});
  add("Squeeze", buildSqueezeLike<SqueezeOp>, {axes(1)});
  add("Expand", buildExpand, {range("shape", 0, kMaxElements, 1)});
  // Pads may be negative (cropping); at most 2^40 either way.
  add("Pad", buildPad,
      {{Kind::PerDim, "pads", 1, 0, -1, 2},
       range("pads", -kMaxElements, kMaxElements, 1),
       oneOf("mode", "constant|reflect|edge|wrap")});
  add("Resize", buildResize,
      {oneOf("mode", "nearest|linear|cubic"),
       oneOf("coordinate_transformation_mode",
             "half_pixel|pytorch_half_pixel|align_corners|asymmetric|"
             "tf_crop_and_resize"),
       oneOf("nearest_mode", "round_prefer_floor|round_prefer_ceil|floor|ceil"),
       flag("exclude_outside"),
       {Kind::Scales, "scales", 2}, range("sizes", 0, kMaxElements, 3)});
  // Quantization.
  add("QuantizeLinear", buildQuantizeLinear);
  add("DequantizeLinear", buildDequantizeLinear);
  add("DynamicQuantizeLinear", buildDynamicQuantizeLinear);
  add("QLinearConv", buildQLinear, convRules(0, 3));
  add("QLinearMatMul", buildQLinear);
  // Ops of exported models: more reductions, arg reductions, TopK, shape
  // generators, block rearrangements, instance normalization.
  Rules reduceRules{axes(1), flag("keepdims"), flag("noop_with_empty_axes")};
  add("ReduceMax", buildReduce<ReduceMaxOp>, reduceRules);
  add("ReduceMin", buildReduce<ReduceMinOp>, reduceRules);
  add("ReduceProd", buildReduce<ReduceProdOp>, reduceRules);
  add("ReduceL1", buildReduce<ReduceL1Op>, reduceRules);
  add("ReduceL2", buildReduce<ReduceL2Op>, reduceRules);
  add("ReduceSumSquare", buildReduce<ReduceSumSquareOp>, reduceRules);
  add("ReduceLogSum", buildReduce<ReduceLogSumOp>, reduceRules);
  add("ReduceLogSumExp", buildReduce<ReduceLogSumExpOp>, reduceRules);
  Rules argRules{rankAtLeast(0, 1), axis(), flag("keepdims"),
                 flag("select_last_index")};
  add("ArgMax", buildArgReduce<ArgMaxOp>, argRules);
  add("ArgMin", buildArgReduce<ArgMinOp>, argRules);
  add("TopK", buildTopK,
      {rankAtLeast(0, 1), axis(), range("k", 0, kMaxElements, 1),
       {Kind::AtMostDim, "k", 1, 0, -1, -1, 0, "axis"}, flag("largest"),
       flag("sorted")});
  add("ConstantOfShape", buildConstantOfShape,
      {range("input", 0, kMaxElements, 0)});
  add("Range", buildRange);
  add("Tile", buildTile,
      {range("repeats", 0, kMaxElements, 1),
       {Kind::PerDim, "repeats", 1, 0, -1, 1}});
  add("DepthToSpace", buildDepthToSpace,
      {rankExactly(0, 4), range("blocksize", 1), oneOf("mode", "DCR|CRD")});
  add("SpaceToDepth", buildSpaceToDepth,
      {rankExactly(0, 4), range("blocksize", 1)});
  add("InstanceNormalization", buildInstanceNorm, {rankAtLeast(0, 3)});
  // Opset 18+; rewritten to InstanceNormalization and friends before import
  // (OpsetUpgrade.cpp, Upgrader::groupNorm). At most 2^20 groups: the
  // rewrite holds a constant per group.
  add("GroupNormalization", buildGroupNormNotRewritten,
      {rankAtLeast(0, 2), range("num_groups", 1, 1 << 20),
       {Kind::Group, "num_groups", -1, 0, -1},
       {Kind::Finite, "epsilon", -1, 0, -1, 0},
       {Kind::GroupAffine, nullptr, -1, 0, -1}});
  return t;
}

} // namespace

const llvm::StringMap<OpSpec> &dyad::import::opTable() {
  static const llvm::StringMap<OpSpec> table = makeTable();
  return table;
}
