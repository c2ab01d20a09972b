//===- DyadToLinalg.cpp - the dyad-to-linalg pass -------------------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"
#include "dyad/Conversion/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"

namespace dyad {
#define GEN_PASS_DEF_DYADTOLINALG
#include "dyad/Conversion/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

DyadTypeConverter::DyadTypeConverter() {
  addConversion([](Type t) { return t; });
  addConversion([](IntegerType t) -> Type {
    if (t.isSignless())
      return t;
    return IntegerType::get(t.getContext(), t.getWidth());
  });
  addConversion([](quant::QuantizedType t) -> Type {
    return IntegerType::get(t.getContext(), t.getStorageTypeIntegralWidth());
  });
  addConversion([this](RankedTensorType t) -> Type {
    Type elt = convertType(t.getElementType());
    return elt ? t.clone(elt) : Type();
  });
  // Values whose types do not convert in place (function boundaries before
  // their conversion) are bridged by casts that cancel out by the end.
  auto materialize = [](OpBuilder &b, Type type, ValueRange inputs,
                        Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs)
        .getResult(0);
  };
  addSourceMaterialization(materialize);
  addTargetMaterialization(materialize);
}

namespace {
struct DyadToLinalgPass : dyad::impl::DyadToLinalgBase<DyadToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    DyadTypeConverter converter;
    RewritePatternSet patterns(ctx);
    populateElementwiseToLinalgPatterns(converter, patterns);
    populateContractionToLinalgPatterns(converter, patterns);
    populateShapeToTensorPatterns(converter, patterns);
    populateQuantToArithPatterns(converter, patterns);
    populateIntegerKernelPatterns(converter, patterns);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<DyadDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect,
                           scf::SCFDialect,
                           bufferization::BufferizationDialect>();
    target.addLegalOp<UnrealizedConversionCastOp>();
    // Constants of unsigned / quantized types are rewritten too.
    target.addDynamicallyLegalOp<arith::ConstantOp>(
        [&](arith::ConstantOp op) { return converter.isLegal(op.getType()); });
    target.addDynamicallyLegalDialect<quant::QuantDialect>(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<tensor::BitcastOp>(
        [&](tensor::BitcastOp op) {
          return converter.isLegal(op.getOperation());
        });
    // The function signature and return follow the converted types.
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                  converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    target.addDynamicallyLegalOp<func::CallOp>(
        [&](func::CallOp op) { return converter.isLegal(op.getOperation()); });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return converter.isLegal(op.getOperation()); });

    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
