//===- Pipelines.cpp - pipelines built in code, and their registration ----===//
#include "dyad/Compiler/Pipelines.h"
#include "dyad/Codegen/CPU/Passes.h"
#include "dyad/Codegen/GPU/Passes.h"
#include "dyad/Conversion/Passes.h"
#include "dyad/Dialect/Dyad/DyadDialect.h"
#include "dyad/Import/OnnxImporter.h"
#include "dyad/Transforms/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void dyad::buildFoldCalibrationPipeline(
    OpPassManager &pm, const QuantizePipelineOptions &options) {
  if (options.table.empty())
    return;
  DyadQuantizeOptions q;
  q.table = options.table;
  q.weightBits = options.weightBits;
  q.activationBits = options.activationBits;
  q.biasCorrection = options.biasCorrection;
  pm.addNestedPass<func::FuncOp>(createDyadQuantize(q));
}

void dyad::buildIntegerizePipeline(OpPassManager &pm,
                                   const QuantizePipelineOptions &options) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  // A calibrated graph's quantize/dequantize pairs are Dyad's own: one
  // whose integers only float ops read is dropped (a QDQ model's stay).
  DyadIntegerizeOptions integerize;
  integerize.floatRoundtrips = options.table.empty();
  fpm.addPass(createDyadIntegerize(integerize));
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
  if (options.verify) {
    DyadVerifyIntegerOnlyOptions v;
    v.allowFloatOps = options.allowFloatOps;
    fpm.addPass(createDyadVerifyIntegerOnly(v));
  }
}

void dyad::buildQuantizePipeline(OpPassManager &pm,
                                 const QuantizePipelineOptions &options) {
  buildFoldCalibrationPipeline(pm, options);
  buildIntegerizePipeline(pm, options);
}

std::string dyad::pipelineText(const OpPassManager &pm) {
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  return text;
}

void dyad::registerAllDialects(DialectRegistry &registry) {
  // The lowering creates ops of many upstream dialects (linalg, tensor,
  // bufferization, memref, scf, cf, llvm, ...) and needs their external
  // interface models (bufferization, LLVM translation).
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // GPU models: #nvvm.target serializes kernels to PTX, which translates
  // them to LLVM IR first (gpu-module-to-binary).
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerAllToLLVMIRTranslations(registry);
  registerImportDialects(registry);
  registry.insert<DyadDialect>();
}

namespace {
struct QuantizePipelineCLOptions
    : public PassPipelineOptions<QuantizePipelineCLOptions> {
  Option<std::string> table{*this, "table",
                            llvm::cl::desc("Calibration table to fold (none: "
                                           "the graph carries QDQ ops)")};
  Option<unsigned> weightBits{*this, "weight-bits",
                              llvm::cl::desc("Weight bits (2..16)"),
                              llvm::cl::init(8)};
  Option<unsigned> activationBits{*this, "activation-bits",
                                  llvm::cl::desc("Activation bits (2..16)"),
                                  llvm::cl::init(8)};
  Option<bool> biasCorrection{
      *this, "bias-correction",
      llvm::cl::desc("Correct Conv/Gemm biases for the weights' rounding "
                     "(needs the table's channel means)")};
  Option<bool> verify{*this, "verify",
                      llvm::cl::desc("Run dyad-verify-integer-only"),
                      llvm::cl::init(true)};
  Option<bool> allowFloatOps{
      *this, "allow-float-ops",
      llvm::cl::desc("Remaining float ops are warnings, not errors")};
};
} // namespace

void dyad::registerAllPasses() {
  registerDyadTransformsPasses();
  registerDyadConversionPasses();
  registerCodegenCPUPasses();
  registerCodegenGPUPasses();
  PassPipelineRegistration<QuantizePipelineCLOptions>(
      "dyad-quantize-pipeline",
      "Fold a calibration table, integerize and verify integer-only",
      [](OpPassManager &pm, const QuantizePipelineCLOptions &o) {
        QuantizePipelineOptions options;
        options.table = o.table;
        options.weightBits = o.weightBits;
        options.activationBits = o.activationBits;
        options.biasCorrection = o.biasCorrection;
        options.verify = o.verify;
        options.allowFloatOps = o.allowFloatOps;
        buildQuantizePipeline(pm, options);
      });
}
