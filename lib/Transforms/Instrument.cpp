//===- Instrument.cpp - expose calibrated activations as graph outputs ---===//
#include "QuantUtils.h"
#include "dyad/Transforms/Passes.h"

#include "llvm/ADT/StringSet.h"

namespace dyad {
#define GEN_PASS_DEF_DYADINSTRUMENT
#include "dyad/Transforms/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

namespace {
struct DyadInstrumentPass
    : dyad::impl::DyadInstrumentBase<DyadInstrumentPass> {
  using Base::Base;
  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>(funcName);
    if (!func) {
      getOperation().emitError() << "no function '" << funcName << "'";
      return signalPassFailure();
    }
    SmallVector<Value> values;
    llvm::StringSet<> seen;
    auto consider = [&](Value v) {
      bool wanted = integer ? v.getDefiningOp() &&
                                  v.getDefiningOp()->hasAttr("dyad.scale") &&
                                  !tensorName(v).empty()
                            : isCalibrated(v);
      if (wanted && seen.insert(tensorName(v)).second)
        values.push_back(v);
    };
    for (BlockArgument arg : func.getArguments())
      consider(arg);
    func.walk([&](Operation *op) {
      for (Value r : op->getResults())
        consider(r);
    });
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    unsigned first = func.getNumResults();
    SmallVector<Type> results(func.getResultTypes());
    for (Value v : values) {
      results.push_back(v.getType());
      ret->insertOperands(ret->getNumOperands(), v);
    }
    func.setType(FunctionType::get(&getContext(), func.getArgumentTypes(),
                                   results));
    for (auto [i, v] : llvm::enumerate(values))
      func.setResultAttr(first + i, "dyad.name",
                         StringAttr::get(&getContext(), tensorName(v)));
  }
};
} // namespace
