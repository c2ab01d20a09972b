//===- Pipeline.cpp - the dyad-lower-cpu pipeline -------------------------===//
#include "dyad/Codegen/CPU/Passes.h"
#include "dyad/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void dyad::buildLowerCpuPipeline(OpPassManager &pm,
                                 const LowerCpuOptions &options) {
  // Tensor-level lowering and fusion.
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(createDyadToLinalg());
    fpm.addPass(createCanonicalizerPass());
    fpm.addPass(createCSEPass());
    if (options.optLevel > 0)
      fpm.addPass(createLinalgElementwiseOpFusionPass());
  }
  // Bufferization, with identity layouts at function boundaries so the entry
  // point takes plain strided buffers.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(bufferization::createBufferHoistingPass());
    fpm.addPass(bufferization::createBufferLoopHoistingPass());
  }
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Loops, then the LLVM dialect.
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(createDyadStridedCopyToLinalg());
    fpm.addPass(createConvertLinalgToLoopsPass());
    // Before expand-strided-metadata, which crashes on these (MLIR 22).
    fpm.addPass(createDyadExpandShapeToReinterpretCast());
  }
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

std::string dyad::lowerCpuPipeline(const LowerCpuOptions &options) {
  OpPassManager pm("builtin.module");
  buildLowerCpuPipeline(pm, options);
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  return text;
}

namespace {
struct LowerCpuPipelineOptions
    : public PassPipelineOptions<LowerCpuPipelineOptions> {
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("Optimization level 0..3"),
                            llvm::cl::init(2)};
};
} // namespace

void dyad::registerCodegenCPUPasses() {
  registerDyadCodegenCPUPasses();
  PassPipelineRegistration<LowerCpuPipelineOptions>(
      "dyad-lower-cpu",
      "Lower a dyad graph on tensors to the LLVM dialect for CPUs",
      [](OpPassManager &pm, const LowerCpuPipelineOptions &opts) {
        LowerCpuOptions options;
        options.optLevel = opts.optLevel;
        buildLowerCpuPipeline(pm, options);
      });
}
