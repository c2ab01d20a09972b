//===- Pipeline.cpp - the dyad-lower-cpu pipeline -------------------------===//
#include "dyad/Codegen/CPU/Passes.h"
#include "dyad/Codegen/CPU/Target.h"
#include "dyad/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void dyad::buildLowerCpuPipeline(OpPassManager &pm,
                                 const LowerCpuOptions &options) {
  // The vector kernels (dyad-cpu-*) run at -O1 and above.
  bool kernels = options.optLevel > 0 && options.vectorBits > 0;
  // Tensor-level lowering and fusion.
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(createDyadToLinalg());
    fpm.addPass(createDyadCpuExpandMath());
    fpm.addPass(createCanonicalizerPass());
    fpm.addPass(createCSEPass());
    if (options.optLevel > 0) {
      fpm.addPass(createDyadCpuFuseElementwise());
      fpm.addPass(createDyadCpuBatchFootprint());
    }
    // The CPU kernels: channels-last layout, the per-op kernel choice, and
    // tiling and vectorization on tensors.
    if (kernels) {
      fpm.addPass(createDyadCpuNhwc());
      fpm.addPass(createCanonicalizerPass());
      fpm.addPass(createCSEPass());
      if (options.vnniBits) {
        DyadCpuPackVnniOptions pack;
        pack.vnniBits = options.vnniBits;
        pack.nibbles = options.nibbleWeights;
        pack.pointwiseGemm = options.amx && options.vnniBits == 512;
        // The rows' interleave is one vpermb with VBMI.
        pack.depthwiseRows = options.bytePermutes && options.vnniBits == 512;
        fpm.addPass(createDyadCpuPackVnni(pack));
      }
      DyadCpuSelectKernelsOptions select;
      select.vectorBits = options.vectorBits;
      select.threads = options.threads;
      select.amx = options.amx && options.vnniBits == 512;
      fpm.addPass(createDyadCpuSelectKernels(select));
    }
  }
  // Profiling instruments the kernels as chosen, before tiling (the calls
  // are all the difference with the code compiled without it).
  if (options.profile)
    pm.addPass(createDyadCpuProfile());
  if (kernels) {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(createDyadCpuTileAndVectorize());
    if (options.vnniBits && options.nibbleWeights)
      fpm.addPass(createDyadCpuPackNibbles());
    fpm.addPass(createCanonicalizerPass());
    fpm.addPass(createCSEPass());
  }
  // Bufferization, with identity layouts at function boundaries so the entry
  // point takes plain strided buffers.
  if (kernels)
    pm.addPass(bufferization::createEmptyTensorEliminationPass());
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
  if (kernels && options.amx && options.vnniBits == 512)
    pm.addNestedPass<func::FuncOp>(createDyadCpuLowerAmx());
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Threads: the scf.forall loops of dyad.cpu.threads become OpenMP
  // worksharing loops (static schedule, libomp's team per calling thread).
  // Canonicalize folds the memref.alloca_scope the conversion wraps the
  // loop body in (the verifier rejects it otherwise).
  if (kernels && options.threads) {
    pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
    pm.addPass(createConvertSCFToOpenMPPass());
    if (options.amx && options.vnniBits == 512)
      pm.addNestedPass<func::FuncOp>(createDyadCpuThreadBuffers());
    pm.addPass(createCanonicalizerPass());
  }
  // Loops, then the LLVM dialect.
  {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    if (kernels) {
      DyadCpuLowerVectorsOptions lower;
      lower.vnniBits = options.vnniBits;
      lower.bytePermutes = options.bytePermutes && options.vectorBits == 512;
      fpm.addPass(createDyadCpuLowerVectors(lower));
    }
    fpm.addPass(createDyadStridedCopyToLinalg());
    fpm.addPass(createConvertLinalgToLoopsPass());
    // Before expand-strided-metadata, which crashes on these (MLIR 22).
    fpm.addPass(createDyadExpandShapeToReinterpretCast());
    VectorTransferToSCFOptions toScf;
    toScf.unroll = true;
    fpm.addPass(createConvertVectorToSCFPass(toScf));
  }
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  // Math on vectors without an LLVM intrinsic (erf) is unrolled to libm
  // calls through vector.extract/insert: before the vector conversion.
  pm.addPass(createConvertMathToLibmPass());
  {
    ConvertVectorToLLVMPassOptions vectorToLLVM;
    vectorToLLVM.amx = kernels && options.amx && options.vnniBits == 512;
    pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  }
  // With modelAllocator, allocations call _mlir_memref_to_llvm_alloc/free,
  // which every model library defines (ModelSupport/model_support.c in
  // lib/Compiler: buffers reused across runs, not fresh pages each run).
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = options.modelAllocator;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  if (kernels && options.threads)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  // Without region simplification: on the LLVM dialect, with the OpenMP
  // regions' control flow, its block merging took 3 of the 5 s of the int8
  // ViT's lowering; LLVM simplifies the CFG itself.
  GreedyRewriteConfig config;
  config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  pm.addPass(createCanonicalizerPass(config));
}

dyad::LowerCpuOptions dyad::lowerCpuOptionsFor(const CPUTarget &target,
                                        unsigned optLevel) {
  LowerCpuOptions o;
  o.optLevel = optLevel;
  o.modelAllocator = true;
  o.threads = true;
  // Kernel paths, best first: AMX-INT8 (packed GEMMs; the rest on
  // AVX512-VNNI), AVX512-VNNI, AVX-VNNI, AVX2, generic.
  if (target.has("avx512f") && target.has("avx512bw"))
    o.vectorBits = 512;
  else if (target.has("avx2") && target.has("fma"))
    o.vectorBits = 256;
  else
    o.vectorBits = 128;
  if (o.vectorBits == 512 && target.has("avx512vnni"))
    o.vnniBits = 512;
  else if (target.has("avxvnni") ||
           (target.has("avx512vnni") && target.has("avx512vl")))
    o.vnniBits = 256;
  o.amx = o.vnniBits == 512 && target.has("amx-int8") && target.has("amx-tile");
  o.bytePermutes = o.vectorBits == 512 && target.has("avx512vbmi");
  return o;
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
  Option<unsigned> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector register width in bits (0: scalar loops)"),
      llvm::cl::init(512)};
  Option<unsigned> vnniBits{
      *this, "vnni-bits",
      llvm::cl::desc("VNNI register width for int8 contractions (0: none)"),
      llvm::cl::init(0)};
  Option<bool> modelAllocator{
      *this, "model-allocator",
      llvm::cl::desc("Allocate through _mlir_memref_to_llvm_alloc/free (the "
                     "model libraries' buffer cache)"),
      llvm::cl::init(false)};
  Option<bool> threads{
      *this, "threads",
      llvm::cl::desc("Share large ops' tiles out among threads (OpenMP)"),
      llvm::cl::init(false)};
  Option<bool> profile{
      *this, "profile",
      llvm::cl::desc("Time each kernel and count its operations "
                     "(dyad-cpu-profile)"),
      llvm::cl::init(false)};
  Option<bool> bytePermutes{
      *this, "byte-permutes",
      llvm::cl::desc("Byte-table lookups as vpermi2b (AVX512-VBMI, with "
                     "vector-bits=512)"),
      llvm::cl::init(false)};
  Option<bool> amx{
      *this, "amx",
      llvm::cl::desc("Packed int8 GEMMs on AMX-INT8 tile registers (with "
                     "vnni-bits=512)"),
      llvm::cl::init(false)};
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
        options.vectorBits = opts.vectorBits;
        options.vnniBits = opts.vnniBits;
        options.modelAllocator = opts.modelAllocator;
        options.threads = opts.threads;
        options.profile = opts.profile;
        options.amx = opts.amx;
        options.bytePermutes = opts.bytePermutes;
        buildLowerCpuPipeline(pm, options);
      });
}
