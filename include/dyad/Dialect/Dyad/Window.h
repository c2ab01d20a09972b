//===- Window.h - window geometry of conv and pool ops ----------*- C++ -*-===//
//
// ONNX's sliding-window arithmetic for dyad.conv, dyad.conv_transpose,
// dyad.max_pool and dyad.average_pool: the padding that `auto_pad` stands
// for and the output size of every spatial dim. It is written once, here,
// for its three users: the importer (which resolves auto_pad where the
// spatial dims are static), the op verifiers (which check result shapes) and
// the lowering (which computes the same sizes at run time where they are
// dynamic). windowDim is therefore a template over the integer arithmetic:
// plain int64_t sizes, or the lowering's index arithmetic that builds ops.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_DIALECT_DYAD_WINDOW_H
#define DYAD_DIALECT_DYAD_WINDOW_H

#include "dyad/Dialect/Dyad/DyadOps.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace dyad {

/// The window attributes of a sliding-window op, one entry per spatial dim;
/// `pads` holds the begin values of every dim, then the end values.
struct WindowAttrs {
  llvm::ArrayRef<int64_t> kernel, strides, dilations, pads;
  AutoPad autoPad = AutoPad::NotSet;
  bool ceilMode = false;

  int64_t rank() const { return kernel.size(); }
  /// The extent of the dilated kernel along spatial dim `i`.
  int64_t extent(int64_t i) const { return (kernel[i] - 1) * dilations[i] + 1; }
};

/// The window attributes of an op.
WindowAttrs getWindowAttrs(ConvOp op);
WindowAttrs getWindowAttrs(ConvTransposeOp op);
WindowAttrs getWindowAttrs(MaxPoolOp op);
WindowAttrs getWindowAttrs(AveragePoolOp op);

/// Checks what every window op needs: a kernel dim or more, as many strides
/// and dilations and twice as many pads, positive kernel sizes, strides and
/// dilations, and pads that are not negative. Reports the first problem
/// through `emitError`.
mlir::LogicalResult
verifyWindowAttrs(const WindowAttrs &w,
                  llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// The padding and the output size of one spatial dim.
template <typename Int> struct WindowDim { Int padLow, padHigh, out; };

/// ONNX's window arithmetic for spatial dim `i` of input size `in`, in the
/// integer arithmetic `m`: a class with `using Int = ...` and the members
/// c(int64_t), add, sub, max (of two Ints, or an Int and an int64_t),
/// mul, floorDiv and ceilDiv (of an Int by an int64_t).
///  - SAME_UPPER / SAME_LOWER: out = ceil(in / stride), and the total
///    padding makes the last window end at the last padded element, the odd
///    element going to the end (UPPER) or to the beginning (LOWER).
///  - VALID: no padding; NOTSET: the explicit pads. The output counts the
///    windows that start every `stride` elements of the padded input, the
///    last one partial with ceil_mode: (in + pads - extent) / stride + 1,
///    rounded down, or up with ceil_mode (as ONNX shape inference, with no
///    correction for a last window that starts in the end padding).
template <typename Math>
WindowDim<typename Math::Int> windowDim(Math &m, typename Math::Int in,
                                        const WindowAttrs &w, int64_t i) {
  using Int = typename Math::Int;
  int64_t stride = w.strides[i], extent = w.extent(i);
  if (w.autoPad == AutoPad::SameUpper || w.autoPad == AutoPad::SameLower) {
    Int out = m.ceilDiv(in, stride);
    Int total =
        m.max(m.sub(m.add(m.mul(m.sub(out, 1), stride), extent), in), 0);
    Int half = m.floorDiv(total, 2);
    Int lo = w.autoPad == AutoPad::SameUpper ? half : m.sub(total, half);
    return {lo, m.sub(total, lo), out};
  }
  bool valid = w.autoPad == AutoPad::Valid;
  Int lo = m.c(valid ? 0 : w.pads[i]);
  Int hi = m.c(valid ? 0 : w.pads[i + w.rank()]);
  Int span = m.sub(m.add(m.add(in, lo), hi), extent);
  Int windows = w.ceilMode ? m.ceilDiv(span, stride) : m.floorDiv(span, stride);
  return {lo, hi, m.add(windows, 1)};
}

/// The end padding that `d.out` windows need beyond `d.padHigh`: with
/// ceil_mode (or an output size given by a result type) the last window may
/// reach past the padded input.
template <typename Math>
typename Math::Int windowExtraPad(Math &m, typename Math::Int in,
                                  const WindowDim<typename Math::Int> &d,
                                  const WindowAttrs &w, int64_t i) {
  using Int = typename Math::Int;
  Int needed = m.add(m.mul(m.sub(d.out, 1), w.strides[i]), w.extent(i));
  Int have = m.add(m.add(in, d.padLow), d.padHigh);
  return m.max(m.sub(needed, have), 0);
}

/// windowDim on static sizes: what depends on a dynamic `in`
/// (ShapedType::kDynamic) is dynamic too.
WindowDim<int64_t> windowDim(int64_t in, const WindowAttrs &w, int64_t i);

/// windowDim of every spatial dim for the input spatial sizes `in` (dynamic
/// where unknown), after verifyWindowAttrs. Fails, through `emitError`, on
/// bad attributes and where a window does not fit the padded input.
mlir::FailureOr<llvm::SmallVector<WindowDim<int64_t>>>
computeWindow(const WindowAttrs &w, llvm::ArrayRef<int64_t> in,
              llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

/// The output size of spatial dim `i` of a ConvTranspose with explicit pads:
/// stride * (in - 1) + outputPadding + extent - pads (dynamic for a dynamic
/// `in`).
int64_t convTransposeOutSize(const WindowAttrs &w, int64_t i, int64_t in,
                             int64_t outputPadding);

/// Explicit padding of one spatial dim of a ConvTranspose.
struct ConvTransposePadding {
  int64_t padLow, padHigh, outputPadding;
};

/// The padding that gives spatial dim `i` of a ConvTranspose the output size
/// `out` (its output_shape, or in * stride for SAME_*): the total is split
/// with the smaller half first for SAME_UPPER, the larger otherwise (as
/// ONNX). An `out` larger than the unpadded result adds output padding
/// (zeros at the end) instead.
ConvTransposePadding convTransposePadding(const WindowAttrs &w, int64_t i,
                                          int64_t in, int64_t out,
                                          int64_t outputPadding);

} // namespace dyad

#endif // DYAD_DIALECT_DYAD_WINDOW_H
