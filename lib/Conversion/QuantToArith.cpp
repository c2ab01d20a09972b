//===- QuantToArith.cpp - quantize / dequantize ---------------------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"

using namespace mlir;
using namespace dyad;

void dyad::populateQuantToArithPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns) {}
