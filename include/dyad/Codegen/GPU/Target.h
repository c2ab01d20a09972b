//===- Target.h - the GPU a model is compiled for ---------------*- C++ -*-===//
//
// `dyadc --target=nvptx [--gpu-arch=sm_XY]`: kernels for NVIDIA GPUs. Without
// --gpu-arch the compiler asks the CUDA driver for this machine's GPU (the
// driver is opened at run time; building and compiling need no CUDA
// toolkit), and says so when there is none.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_CODEGEN_GPU_TARGET_H
#define DYAD_CODEGEN_GPU_TARGET_H

#include "dyad/Codegen/CPU/Target.h"
#include "dyad/Codegen/GPU/Passes.h"

#include "llvm/Support/Error.h"

namespace dyad {

/// Whether `options` asks for GPU code (--target=nvptx).
bool isGpuTarget(const TargetOptions &options);

/// The lowering options for a GPU target: its chip (--gpu-arch, else this
/// machine's GPU), PTX features and opt level. Errors: an unknown chip, or
/// no --gpu-arch and no GPU here.
llvm::Expected<LowerGpuOptions> resolveGpuTarget(const TargetOptions &options);

/// The sm_XY name of this machine's first GPU, asked of the CUDA driver;
/// empty with the reason in `why` when there is no driver or no GPU.
std::string detectGpuChip(std::string &why);

} // namespace dyad

#endif // DYAD_CODEGEN_GPU_TARGET_H
