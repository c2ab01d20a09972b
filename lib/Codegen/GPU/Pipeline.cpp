//===- Pipeline.cpp - the dyad-lower-gpu pipeline -------------------------===//
//
// dyad on tensors -> linalg -> buffers -> one GPU kernel per op
// (dyad-gpu-map-loops) -> kernels outlined into one gpu.module -> NVVM ->
// PTX (LLVM's NVPTX back end, gpu-module-to-binary format=isa); the host
// function -> LLVM dialect with launches through the Dyad runtime
// (dyad-gpu-host-to-llvm).
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/Passes.h"
#include "dyad/Codegen/GPU/Passes.h"
#include "dyad/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

std::string dyad::defaultGpuFeatures(StringRef chip) {
  // The PTX ISA that first has the chip (PTX ISA release notes); LLVM 22's
  // NVPTX back end emits up to 8.x.
  unsigned sm = 0;
  if (!chip.consume_front("sm_") || chip.consumeInteger(10, sm) ||
      !(chip.empty() || chip == "a"))
    return "";
  if (sm < 50)
    return "";
  if (sm >= 100)
    return "+ptx86";
  if (sm >= 90)
    return "+ptx80";
  if (sm >= 89)
    return "+ptx78";
  if (sm >= 86)
    return "+ptx71";
  if (sm >= 80)
    return "+ptx70";
  return "+ptx60";
}

void dyad::buildLowerGpuPipeline(OpPassManager &pm,
                                 const LowerGpuOptions &options) {
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(createDyadToLinalg());
    // exp, erf, tanh, log as polynomials: NVPTX has no instruction for
    // them, and libdevice (their usual home) is part of the CUDA toolkit.
    fpm.addPass(createDyadCpuExpandMath());
    fpm.addPass(createCanonicalizerPass());
    fpm.addPass(createCSEPass());
    // Chains of elementwise ops as one kernel each (one pass over memory;
    // the CPU pipeline's fusion, which never recomputes a broadcast value).
    if (options.optLevel > 0) {
      fpm.addPass(createDyadCpuFuseElementwise());
      fpm.addPass(createCanonicalizerPass());
      fpm.addPass(createCSEPass());
      // Channels-last convolutions (the CPU's layout pass): i8 operands read
      // by the convolution itself (no i32 copy of each input and filter per
      // run), constant filters permuted at compile time, and between two
      // convolutions NHWC int8, where a thread's output channels are
      // neighbours in memory.
      fpm.addPass(createDyadCpuNhwc());
      fpm.addPass(createCanonicalizerPass());
      fpm.addPass(createCSEPass());
    }
  }
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addNestedPass<func::FuncOp>(bufferization::createBufferHoistingPass());
  // Each intermediate buffer is freed after its last use (ctx->free), so a
  // run holds no more device memory than the CPU code would.
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    // expand-strided-metadata fails on expand_shape with several dynamic
    // dims in a group (as in the CPU pipeline).
    fpm.addPass(createDyadExpandShapeToReinterpretCast());
  }
  // int8 GEMMs on tensor cores (kernels the host cannot run; a module pass,
  // as it adds globals: the transposed weights).
  if (options.tensorCores && !options.kernelsOnHost) {
    std::unique_ptr<Pass> mma = createDyadGpuMmaMatmul();
    // Checked by checkMmaOptions where they came in.
    if (failed(mma->initializeOptions(options.mmaOptions,
                                      [](const Twine &) { return failure(); })))
      llvm::report_fatal_error(llvm::Twine("dyad-gpu-mma-matmul: bad "
                                           "options '") +
                               options.mmaOptions + "'");
    pm.addPass(std::move(mma));
  }
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    // Reductions with register accumulators, their init, consumer and
    // padding fused (every level: it is how a reduction becomes loops).
    DyadGpuContractionLoopsOptions loops;
    if (options.contractionUnroll > 0)
      loops.unroll = options.contractionUnroll;
    fpm.addPass(createDyadGpuContractionLoops(loops));
    DyadGpuMapLoopsOptions map;
    map.blockSize = options.blockSize;
    fpm.addPass(createDyadGpuMapLoops(map));
    if (options.kernelsOnHost) {
      // The loops as they would be kernels, run by the host instead.
      fpm.addPass(createDyadStridedCopyToLinalg());
      fpm.addPass(createConvertLinalgToLoopsPass());
      fpm.addPass(createDyadExpandShapeToReinterpretCast());
    }
  }
  if (options.kernelsOnHost) {
    pm.addPass(memref::createExpandStridedMetadataPass());
    pm.addPass(createLowerAffinePass());
    pm.addPass(createSCFToControlFlowPass());
    pm.addPass(createConvertMathToLLVMPass());
    pm.addPass(createConvertMathToLibmPass());
    FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
    memrefToLLVM.useGenericFunctions = true; // the model's buffer cache
    pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
    pm.addPass(createArithToLLVMConversionPass());
    pm.addPass(createConvertIndexToLLVMPass());
    pm.addPass(createConvertControlFlowToLLVMPass());
    pm.addPass(createConvertFuncToLLVMPass());
    pm.addPass(createUBToLLVMConversionPass());
    pm.addPass(createReconcileUnrealizedCastsPass());
    pm.addPass(createCanonicalizerPass());
    return;
  }
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(createConvertParallelLoopToGpuPass());
    fpm.addPass(createCanonicalizerPass());
  }
  // Constants and index computations into the kernels (else each is a
  // kernel parameter: a division by a constant becomes a division by a
  // parameter, and launches carry dozens of arguments).
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createDyadGpuMergeKernelModules());
  GpuNVVMAttachTargetOptions attach;
  attach.chip = options.chip;
  attach.features = options.features;
  attach.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(attach));
  {
    OpPassManager &kpm = pm.nest<gpu::GPUModuleOp>();
    kpm.addPass(createLowerAffinePass());
    // floordivsi, ceildivsi, maxsi, ... in plain integer arithmetic.
    kpm.addPass(arith::createArithExpandOpsPass());
    kpm.addPass(createSCFToControlFlowPass());
    kpm.addPass(memref::createExpandStridedMetadataPass());
    kpm.addPass(createLowerAffinePass());
    // Float math ops become LLVM intrinsics NVPTX selects (roundeven,
    // fabs, sqrt, ...) before convert-gpu-to-nvvm would call libdevice.
    kpm.addPass(createDyadGpuMathToIntrinsics());
    // The tensor-core kernels' nvgpu ops (mma.sync, ldmatrix, cp.async).
    kpm.addPass(createConvertNVGPUToNVVMPass());
    kpm.addPass(createConvertGpuOpsToNVVMOps());
    kpm.addPass(createDyadGpuExternDynamicShared());
    kpm.addPass(createConvertNVVMToLLVMPass());
    kpm.addPass(createCanonicalizerPass());
    kpm.addPass(createCSEPass());
    kpm.addPass(createReconcileUnrealizedCastsPass());
  }
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(binary));
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(memref::createExpandStridedMetadataPass());
    fpm.addPass(createLowerAffinePass());
    fpm.addPass(arith::createArithExpandOpsPass());
    fpm.addPass(createSCFToControlFlowPass());
    fpm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createDyadGpuHostToLLVM());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

std::string dyad::lowerGpuPipeline(const LowerGpuOptions &options) {
  OpPassManager pm("builtin.module");
  buildLowerGpuPipeline(pm, options);
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  return text;
}

namespace {
struct LowerGpuPipelineOptions
    : public PassPipelineOptions<LowerGpuPipelineOptions> {
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("Optimization level 0..3"),
                            llvm::cl::init(2)};
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("GPU architecture (sm_80, sm_90)"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("NVPTX features (default: the chip's PTX version)"),
      llvm::cl::init("")};
  Option<int64_t> blockSize{*this, "block-size",
                            llvm::cl::desc("Threads per block"),
                            llvm::cl::init(256)};
  Option<bool> tensorCores{
      *this, "tensor-cores",
      llvm::cl::desc("int8 matmuls and convolutions by constant weights on "
                     "tensor cores"),
      llvm::cl::init(true)};
};
} // namespace

void dyad::registerCodegenGPUPasses() {
  registerDyadCodegenGPUPasses();
  PassPipelineRegistration<LowerGpuPipelineOptions>(
      "dyad-lower-gpu",
      "Lower a dyad graph on tensors to PTX kernels and LLVM host code that "
      "launches them through the Dyad runtime",
      [](OpPassManager &pm, const LowerGpuPipelineOptions &opts) {
        LowerGpuOptions options;
        options.optLevel = opts.optLevel;
        options.chip = opts.chip;
        options.features = opts.features.empty() ? defaultGpuFeatures(opts.chip)
                                                 : std::string(opts.features);
        options.blockSize = opts.blockSize;
        options.tensorCores = opts.tensorCores;
        buildLowerGpuPipeline(pm, options);
      });
}
