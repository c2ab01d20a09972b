//===- DyadDialect.cpp - dyad dialect registration ------------------------===//
#include "Dyad/DyadDialect.h"
#include "Dyad/DyadOps.h"

using namespace mlir;
using namespace dyad;

#include "Dyad/DyadDialect.cpp.inc"

void DyadDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Dyad/DyadOps.cpp.inc"
      >();
}

Operation *DyadDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}
