//===- Window.cpp - window geometry of conv and pool ops ------------------===//
#include "dyad/Dialect/Dyad/Window.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace dyad;

template <typename OpTy>
static WindowAttrs windowAttrsOf(OpTy op, bool ceilMode) {
  return {op.getKernelShape(), op.getStrides(), op.getDilations(),
          op.getPads(),        op.getAutoPad(), ceilMode};
}

WindowAttrs dyad::getWindowAttrs(ConvOp op) {
  return windowAttrsOf(op, /*ceilMode=*/false);
}

WindowAttrs dyad::getWindowAttrs(ConvTransposeOp op) {
  return windowAttrsOf(op, /*ceilMode=*/false);
}

WindowAttrs dyad::getWindowAttrs(MaxPoolOp op) {
  return windowAttrsOf(op, op.getCeilMode());
}

WindowAttrs dyad::getWindowAttrs(AveragePoolOp op) {
  return windowAttrsOf(op, op.getCeilMode());
}

LogicalResult
dyad::verifyWindowAttrs(const WindowAttrs &w,
                        function_ref<InFlightDiagnostic()> emitError) {
  int64_t spatial = w.rank();
  if (spatial < 1)
    return emitError() << "kernel_shape must not be empty";
  if ((int64_t)w.strides.size() != spatial ||
      (int64_t)w.dilations.size() != spatial)
    return emitError() << "strides and dilations need " << spatial
                       << " values each";
  if ((int64_t)w.pads.size() != 2 * spatial)
    return emitError() << "pads needs " << 2 * spatial << " values, got "
                       << w.pads.size();
  if (llvm::any_of(w.kernel, [](int64_t k) { return k <= 0; }))
    return emitError() << "kernel_shape values must be positive";
  if (llvm::any_of(w.strides, [](int64_t s) { return s <= 0; }))
    return emitError() << "strides must be positive";
  if (llvm::any_of(w.dilations, [](int64_t d) { return d <= 0; }))
    return emitError() << "dilations must be positive";
  if (llvm::any_of(w.pads, [](int64_t p) { return p < 0; }))
    return emitError() << "pads must not be negative";
  return success();
}

namespace {
/// windowDim's arithmetic on static sizes, where ShapedType::kDynamic stands
/// for an unknown size and makes every result computed from it unknown.
struct StaticSizeMath {
  using Int = int64_t;

  static bool isDynamic(int64_t x) { return ShapedType::isDynamic(x); }
  template <typename Fn> static int64_t apply(int64_t x, int64_t y, Fn fn) {
    return isDynamic(x) || isDynamic(y) ? ShapedType::kDynamic : fn(x, y);
  }

  int64_t c(int64_t v) { return v; }
  int64_t add(int64_t x, int64_t y) {
    return apply(x, y, [](int64_t a, int64_t b) { return a + b; });
  }
  int64_t sub(int64_t x, int64_t y) {
    return apply(x, y, [](int64_t a, int64_t b) { return a - b; });
  }
  int64_t mul(int64_t x, int64_t y) {
    return apply(x, y, [](int64_t a, int64_t b) { return a * b; });
  }
  int64_t max(int64_t x, int64_t y) {
    return apply(x, y, [](int64_t a, int64_t b) { return std::max(a, b); });
  }
  int64_t floorDiv(int64_t x, int64_t y) {
    return apply(x, y, [](int64_t a, int64_t b) {
      return llvm::divideFloorSigned(a, b);
    });
  }
  int64_t ceilDiv(int64_t x, int64_t y) {
    return apply(x, y, [](int64_t a, int64_t b) {
      return llvm::divideCeilSigned(a, b);
    });
  }
};
} // namespace

WindowDim<int64_t> dyad::windowDim(int64_t in, const WindowAttrs &w,
                                   int64_t i) {
  StaticSizeMath m;
  return windowDim(m, in, w, i);
}

FailureOr<SmallVector<WindowDim<int64_t>>>
dyad::computeWindow(const WindowAttrs &w, ArrayRef<int64_t> in,
                    function_ref<InFlightDiagnostic()> emitError) {
  if (failed(verifyWindowAttrs(w, emitError)))
    return failure();
  assert((int64_t)in.size() == w.rank() && "one input size per kernel dim");
  SmallVector<WindowDim<int64_t>> dims;
  for (int64_t i = 0; i < w.rank(); ++i) {
    WindowDim<int64_t> d = windowDim(in[i], w, i);
    // The padded input must hold one window (explicit pads), and there must
    // be one window at least (SAME_* with an empty dim).
    bool fits = ShapedType::isDynamic(in[i]) ||
                (in[i] + d.padLow + d.padHigh >= w.extent(i) && d.out > 0);
    if (!fits)
      return emitError() << "window does not fit spatial dim " << i
                         << " of size " << in[i];
    dims.push_back(d);
  }
  return dims;
}

int64_t dyad::convTransposeOutSize(const WindowAttrs &w, int64_t i, int64_t in,
                                   int64_t outputPadding) {
  if (ShapedType::isDynamic(in))
    return ShapedType::kDynamic;
  return w.strides[i] * (in - 1) + outputPadding + w.extent(i) - w.pads[i] -
         w.pads[i + w.rank()];
}

ConvTransposePadding dyad::convTransposePadding(const WindowAttrs &w, int64_t i,
                                                int64_t in, int64_t out,
                                                int64_t outputPadding) {
  int64_t total = w.strides[i] * (in - 1) + outputPadding + w.extent(i) - out;
  if (total < 0)
    return {0, 0, outputPadding - total};
  int64_t low = w.autoPad == AutoPad::SameUpper ? total / 2 : total - total / 2;
  return {low, total - low, outputPadding};
}
