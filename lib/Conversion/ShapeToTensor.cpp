//===- ShapeToTensor.cpp - shape and data movement ops --------------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"

using namespace mlir;
using namespace dyad;

void dyad::populateShapeToTensorPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {}
