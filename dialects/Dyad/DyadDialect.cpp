//===- DyadDialect.cpp - dyad dialect registration ------------------------===//
#include "dyad/Dialect/Dyad/DyadDialect.h"
#include "dyad/Dialect/Dyad/DyadOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace dyad;

#include "dyad/Dialect/Dyad/DyadDialect.cpp.inc"
#include "dyad/Dialect/Dyad/DyadEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dyad/Dialect/Dyad/DyadAttrs.cpp.inc"

void DyadDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dyad/Dialect/Dyad/DyadOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dyad/Dialect/Dyad/DyadAttrs.cpp.inc"
      >();
}

Operation *DyadDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

std::string dyad::tensorName(Value v) {
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (!func || arg.getOwner() != &func.getBody().front())
      return {};
    if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                       "dyad.name"))
      return name.str();
    return {};
  }
  Operation *def = v.getDefiningOp();
  if (def->getNumResults() != 1)
    return {};
  if (auto name = def->getAttrOfType<StringAttr>("dyad.tensor"))
    return name.str();
  return {};
}
