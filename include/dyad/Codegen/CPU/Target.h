//===- Target.h - the CPU a model is compiled for ---------------*- C++ -*-===//
//
// `--target` / `--mcpu` / `--mattr` resolved once into the CPU name, the
// feature string LLVM's TargetMachine gets, and the full set of features the
// generated code may use. The artifact records the features of that set that
// the runtime can check (include/dyad/Runtime/dyad_cpu_features.def): a
// model compiled for a CPU this machine does not match is refused at load
// time with the missing features named, never run into SIGILL.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_CODEGEN_CPU_TARGET_H
#define DYAD_CODEGEN_CPU_TARGET_H

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace dyad {

struct TargetOptions {
  std::string target = "host"; // host, x86-64, x86-64-v2/v3/v4
  std::string cpu;             // overrides the target's CPU
  std::string features;        // extra features, "+avx2,-avx512f"
  unsigned optLevel = 2;
  /// Weights quantized to 4 bits stored two per byte (dyad-cpu-pack-nibbles);
  /// off: a byte each, as 8-bit ones (for comparison).
  bool nibbleWeights = true;
  /// --target=nvptx: the GPU architecture (sm_80, sm_90, ...); empty: the
  /// GPU of this machine (Codegen/GPU/Target.h).
  std::string gpuArch;
  /// --target=nvptx, for tests without a GPU: the GPU pipeline's loop
  /// nests (what each kernel computes, with its thread indexing) compiled
  /// for the host instead of PTX, so the model runs on the CPU.
  bool gpuKernelsOnHost = false;
  /// --target=nvptx: int8 matmuls and convolutions by constant weights on
  /// tensor cores (off: CUDA-core loops only, for comparison).
  bool gpuTensorCores = true;
  /// --target=nvptx: the tensor-core GEMM's shape, as dyad-gpu-mma-matmul's
  /// pass options ("tile-n=256 stages=4"); empty: its defaults.
  std::string gpuMmaOptions;
  /// --target=nvptx: output elements per thread of the CUDA-core reduction
  /// kernels, along the innermost parallel dim (dyad-gpu-contraction-loops'
  /// `unroll`); -1: its default.
  int64_t gpuUnroll = -1;
};

struct CPUTarget {
  std::string triple;
  std::string cpu;
  /// For the TargetMachine: explicit "+f,-g" on top of the CPU's defaults.
  std::string featureString;
  /// Every feature the code may use (the CPU's, implied ones, --mattr).
  llvm::StringMap<bool> features;

  bool has(llvm::StringRef feature) const {
    auto it = features.find(feature);
    return it != features.end() && it->second;
  }
  /// The enabled features the runtime checks before running the model,
  /// sorted.
  std::vector<std::string> requiredFeatures() const;
};

/// Resolves `options` (errors: unknown --target or --mcpu, malformed
/// --mattr).
llvm::Expected<CPUTarget> resolveCPUTarget(const TargetOptions &options);

} // namespace dyad

#endif // DYAD_CODEGEN_CPU_TARGET_H
