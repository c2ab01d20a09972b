//===- Passes.h - GPU code generation ---------------------------*- C++ -*-===//
//
// `dyad-lower-gpu`: a dyad graph on tensors down to the LLVM dialect for a
// host that drives an NVIDIA GPU. Kernels are outlined into one gpu.module
// and compiled to PTX by LLVM's NVPTX back end (no CUDA toolkit); the host
// code launches them through the Dyad runtime (dyad_gpu_abi.h).
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_CODEGEN_GPU_PASSES_H
#define DYAD_CODEGEN_GPU_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Error.h"

#include <string>

namespace dyad {

#define GEN_PASS_DECL
#include "dyad/Codegen/GPU/Passes.h.inc"

struct LowerGpuOptions {
  /// 0..3, as dyadc -O (the NVPTX back end's level).
  unsigned optLevel = 2;
  /// The GPU architecture the PTX is for: sm_80, sm_86, sm_89, sm_90, ...
  std::string chip = "sm_90";
  /// PTX ISA version and other NVPTX features.
  std::string features = "+ptx80";
  /// Threads per block of the general kernels (dyad-gpu-map-loops).
  int64_t blockSize = 256;
  /// Testing without a GPU: stop before the GPU dialect and lower the
  /// kernels' loop nests (blocks and threads as loops) for the host.
  bool kernelsOnHost = false;
  /// int8 matmuls and convolutions by constant weights on tensor cores
  /// (dyad-gpu-mma-matmul); checked bit-identical on an H100
  /// (scripts/gpu-check.py).
  bool tensorCores = true;
  /// dyad-gpu-mma-matmul's options ("tile-m=256 stages=4"), as checked by
  /// checkMmaOptions; empty: its defaults.
  std::string mmaOptions;
  /// dyad-gpu-contraction-loops' `unroll` (-1: its default).
  int64_t contractionUnroll = -1;
};

/// Whether `options` parse as dyad-gpu-mma-matmul's pass options (the
/// error says why not).
llvm::Error checkMmaOptions(llvm::StringRef options);

/// The NVPTX features a chip needs by default (its PTX ISA version);
/// empty when `chip` is not an sm_XY name Dyad knows.
std::string defaultGpuFeatures(llvm::StringRef chip);

void buildLowerGpuPipeline(mlir::OpPassManager &pm,
                           const LowerGpuOptions &options);
/// The pipeline as text (what dyad-opt --pass-pipeline accepts).
std::string lowerGpuPipeline(const LowerGpuOptions &options);

#define GEN_PASS_REGISTRATION
#include "dyad/Codegen/GPU/Passes.h.inc"

/// The passes above and the dyad-lower-gpu pipeline, for dyad-opt.
void registerCodegenGPUPasses();

} // namespace dyad

#endif // DYAD_CODEGEN_GPU_PASSES_H
