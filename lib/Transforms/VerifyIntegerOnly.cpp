//===- VerifyIntegerOnly.cpp - no float arithmetic between Q and DQ -------===//
#include "dyad/Dialect/Dyad/DyadOps.h"
#include "dyad/Transforms/Passes.h"

#include "llvm/ADT/SetVector.h"

namespace dyad {
#define GEN_PASS_DEF_DYADVERIFYINTEGERONLY
#include "dyad/Transforms/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

namespace {

bool touchesFloat(Operation *op) {
  auto isFloat = [](Type t) {
    return isa<FloatType>(getElementTypeOrSelf(t));
  };
  return llvm::any_of(op->getOperandTypes(), isFloat) ||
         llvm::any_of(op->getResultTypes(), isFloat);
}

struct DyadVerifyIntegerOnlyPass
    : dyad::impl::DyadVerifyIntegerOnlyBase<DyadVerifyIntegerOnlyPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Downstream of a dequantize.
    llvm::SetVector<Operation *> down;
    SmallVector<Operation *> work;
    func.walk([&](DequantizeOp dq) { work.push_back(dq); });
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      if (!down.insert(op))
        continue;
      for (Operation *user : op->getUsers())
        work.push_back(user);
    }
    // Upstream of a quantize.
    llvm::DenseSet<Operation *> up;
    func.walk([&](QuantizeOp q) { work.push_back(q); });
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      if (!up.insert(op).second)
        continue;
      for (Value v : op->getOperands())
        if (Operation *def = v.getDefiningOp())
          work.push_back(def);
    }
    unsigned count = 0;
    func.walk([&](Operation *op) {
      // Shape reads only the dims of its (float) operand.
      if (isa<DequantizeOp, QuantizeOp, ShapeOp>(op) || !down.contains(op) ||
          !up.contains(op) || !touchesFloat(op))
        return;
      ++count;
      auto diag = allowFloatOps ? op->emitWarning() : op->emitError();
      diag << "'" << op->getName()
           << "' computes in float inside the quantized region";
      if (auto why = op->getAttrOfType<StringAttr>("dyad.float_reason"))
        diag << " (" << why.getValue() << ")";
      if (allowFloatOps)
        diag << "; kept as a float fallback (--allow-float-ops)";
      else
        diag << "; pass --allow-float-ops to keep it as a float fallback";
    });
    if (count && !allowFloatOps)
      signalPassFailure();
  }
};

} // namespace
