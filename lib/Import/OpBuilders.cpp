//===- OpBuilders.cpp - the ONNX op -> dyad op table ----------------------===//
//
// One entry per supported ONNX op type. A builder normalizes the node into the
// dyad op's form (explicit defaults, constant inputs as attributes, auto_pad
// resolved where shapes allow) and reports what it cannot represent as an
// "unsupported" diagnostic at the node.
//
// Opset differences: models are upgraded to opset 17 before import; where the
// upgrade is not possible the builders also read the older forms (axes and
// split as attributes) so opsets 11-16 still import.
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
  Type elt = getElementTypeOrSelf(x.getType());
  Value bounds[2];
  if (n.opset < 11) {
    // Opset 6-10: float attributes.
    const char *names[2] = {"min", "max"};
    for (int i = 0; i < 2; ++i)
      if (n.attr(names[i]))
        bounds[i] = arith::ConstantOp::create(
            bld, n.loc,
            DenseElementsAttr::get(RankedTensorType::get({}, elt),
                                   bld.getFloatAttr(elt,
                                                    n.floatAttr(names[i], 0))));
  } else {
    bounds[0] = n.input(1);
    bounds[1] = n.input(2);
  }
  n.setResult(0, ClipOp::create(bld, n.loc, n.resultType(0, x.getType()), x,
                                bounds[0], bounds[1]));
  return success();
}

LogicalResult buildSoftmax(NodeContext &n) {
  if (n.opset < 13)
    return n.unsupported() << "opset < 13 Softmax semantics (coerce to 2-D); "
                              "the version converter could not upgrade it";
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

template <typename OpTy>
LogicalResult buildReduce(NodeContext &n) {
  Value x = n.input(0);
  if (!x)
    return failure();
  SmallVector<int64_t> axes;
  if (auto a = n.intsAttr("axes"))
    axes = *a;
  if (n.hasInput(1)) {
    auto a = n.constInts(1);
    if (!a)
      return n.unsupported() << "axes that are not a constant";
    axes = *a;
  }
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
  if (auto s = n.intsAttr("split"))
    split = *s;
  if (n.hasInput(1)) {
    auto s = n.constInts(1);
    if (!s)
      return n.unsupported() << "split sizes that are not a constant";
    split = *s;
  }
  if (split.empty()) {
    int64_t r = rankOf(x);
    int64_t a = axis < 0 ? axis + r : axis;
    if (r < 0 || a < 0 || a >= r || staticShapeOr(x)[a] == kDyn)
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
  Value axes = n.input(3), steps = n.input(4);
  if ((!axes || !steps) && count == kDyn)
    return n.unsupported() << "default axes/steps with starts of unknown length";
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

/// Axes from the opset-13+ input or the older attribute.
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
  SmallVector<int64_t> pads;
  if (n.opset < 11) {
    pads = n.intsAttr("pads").value_or(SmallVector<int64_t>());
  } else {
    auto p = n.constInts(1);
    if (!p)
      return n.unsupported() << "pads that are not a constant";
    pads = *p;
  }
  double value = n.floatAttr("value", 0.0f);
  if (n.hasInput(2)) {
    auto v = n.constFloats(2);
    if (!v || v->size() > 1)
      return n.unsupported() << "a constant_value that is not a constant scalar";
    value = v->empty() ? 0.0 : (*v)[0];
  }
  if (n.hasInput(3))
    return n.unsupported() << "the axes input";
  std::string mode = n.strAttr("mode", "constant");
  std::optional<PadMode> padMode = symbolizePadMode(mode);
  if (!padMode)
    return unknownValue<PadOp>(n, "mode", mode);
  Type t = n.resultType(0);
  if (!t)
    return failure();
  auto &bld = n.builder();
  n.setResult(0, PadOp::create(bld, n.loc, t, x, bld.getDenseI64ArrayAttr(pads),
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
    return n.unsupported() << "mode '" << mode << "' (nearest and linear are)";
  if (n.intAttr("exclude_outside", 0) != 0)
    return n.unsupported() << "exclude_outside=1";
  auto &bld = n.builder();
  DenseF32ArrayAttr scales, roi;
  DenseI64ArrayAttr sizes;
  // Resize-10 (a model that could not be upgraded): inputs X, scales.
  int scalesInput = n.opset < 11 ? 1 : 2;
  if (n.opset >= 11 && n.hasInput(1)) {
    auto r = n.constFloats(1);
    if (!r)
      return n.unsupported() << "a roi that is not a constant";
    if (!r->empty())
      roi = bld.getDenseF32ArrayAttr(
          llvm::map_to_vector(*r, [](double d) { return (float)d; }));
  }
  if (n.hasInput(scalesInput)) {
    auto s = n.constFloats(scalesInput);
    if (!s)
      return n.unsupported() << "scales that are not a constant";
    if (!s->empty())
      scales = bld.getDenseF32ArrayAttr(
          llvm::map_to_vector(*s, [](double d) { return (float)d; }));
  }
  if (n.opset >= 11 && n.hasInput(3)) {
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
             bld.getF32FloatAttr(n.floatAttr("extrapolation_value", 0.0f))));
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
  // Normalization.
  add("Softmax", buildSoftmax, {axis()});
  add("LayerNormalization", buildLayerNorm, {axis()});
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
       oneOf("mode", "constant|reflect|edge")});
  add("Resize", buildResize,
      {oneOf("mode", "nearest|linear|cubic"),
       oneOf("coordinate_transformation_mode",
             "half_pixel|pytorch_half_pixel|align_corners|asymmetric|"
             "tf_crop_and_resize"),
       oneOf("nearest_mode", "round_prefer_floor|round_prefer_ceil|floor|ceil"),
       {Kind::Scales, "scales", 2}, range("sizes", 0, kMaxElements, 3)});
  // Quantization.
  add("QuantizeLinear", buildQuantizeLinear);
  add("DequantizeLinear", buildDequantizeLinear);
  add("DynamicQuantizeLinear", buildDynamicQuantizeLinear);
  add("QLinearConv", buildQLinear, convRules(0, 3));
  add("QLinearMatMul", buildQLinear);
  return t;
}

} // namespace

const llvm::StringMap<OpSpec> &dyad::import::opTable() {
  static const llvm::StringMap<OpSpec> table = makeTable();
  return table;
}
