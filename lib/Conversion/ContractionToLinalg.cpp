//===- ContractionToLinalg.cpp - conv, gemm, matmul, pools ----------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"

using namespace mlir;
using namespace dyad;

void dyad::populateContractionToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {}
