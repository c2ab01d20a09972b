//===- DyadToLinalg.cpp - the dyad-to-linalg pass and dyad-lower-cpu ------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"
#include "dyad/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/DialectConversion.h"

namespace dyad {
#define GEN_PASS_DEF_DYADTOLINALG
#include "dyad/Passes.h.inc"
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

std::string dyad::lowerCpuPipeline(const LowerCpuOptions &options) {
  // Tensor-level lowering and fusion, then bufferization (identity layouts at
  // function boundaries so the entry point takes plain strided buffers), then
  // loops and the LLVM dialect.
  std::string p = "builtin.module(func.func(dyad-to-linalg,canonicalize,cse";
  if (options.optLevel > 0)
    p += ",linalg-fuse-elementwise-ops";
  p += "),one-shot-bufferize{bufferize-function-boundaries "
       "function-boundary-type-conversion=identity-layout-map},"
       "func.func(buffer-hoisting,buffer-loop-hoisting),"
       "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
       "func.func(dyad-strided-copy-to-linalg,convert-linalg-to-loops),"
       "expand-strided-metadata,lower-affine,convert-scf-to-cf,"
       "convert-math-to-llvm,convert-math-to-libm,"
       "finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,"
       "convert-cf-to-llvm,convert-func-to-llvm,convert-ub-to-llvm,"
       "reconcile-unrealized-casts,canonicalize)";
  return p;
}

LogicalResult dyad::buildLowerCpuPipeline(OpPassManager &pm,
                                          const LowerCpuOptions &options) {
  std::string text = lowerCpuPipeline(options);
  // Strip the outer builtin.module(...) to nest into `pm`.
  StringRef inner = StringRef(text).drop_front(strlen("builtin.module("))
                        .drop_back(1);
  return parsePassPipeline(inner, pm);
}

namespace {
struct LowerCpuPipelineOptions
    : public PassPipelineOptions<LowerCpuPipelineOptions> {
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("Optimization level 0..3"),
                            llvm::cl::init(2)};
};
} // namespace

void dyad::registerDyadPipelines() {
  PassPipelineRegistration<LowerCpuPipelineOptions>(
      "dyad-lower-cpu",
      "Lower a dyad graph on tensors to the LLVM dialect for CPUs",
      [](OpPassManager &pm, const LowerCpuPipelineOptions &opts) {
        LowerCpuOptions options;
        options.optLevel = opts.optLevel;
        (void)buildLowerCpuPipeline(pm, options);
      });
}
