//===- Passes.h - CPU code generation ---------------------------*- C++ -*-===//
//
// `dyad-lower-cpu`: a dyad graph on tensors down to the LLVM dialect for
// CPUs. The pipeline is built in code (no text is parsed at run time); it is
// registered for dyad-opt and printable as text (`dyadc -v`, docs).
//
// This is where the CPU speed work lands (DESIGN.md: layout and packing,
// tiling and vectorization schedules, microkernels, threads): a strategy step
// that decides per op how it is lowered, then the passes that apply it.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_CODEGEN_CPU_PASSES_H
#define DYAD_CODEGEN_CPU_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace dyad {

#define GEN_PASS_DECL
#include "dyad/Codegen/CPU/Passes.h.inc"

struct LowerCpuOptions {
  /// 0..3, as dyadc -O.
  unsigned optLevel = 2;
  /// Vector register width of the target in bits (512 with AVX-512, 256
  /// with AVX2, 128 otherwise); 0 lowers every op to scalar loops.
  unsigned vectorBits = 512;
  /// Register width of the VNNI instructions (vpdpbusd) int8 contractions
  /// use: 512 (AVX512-VNNI), 256 (AVX-VNNI, or AVX512-VNNI without 512-bit
  /// registers), 0 (none: widened to i32).
  unsigned vnniBits = 0;
  /// Allocate through _mlir_memref_to_llvm_alloc/free, which model
  /// libraries define (lib/Compiler/ModelSupport/model_support.c: buffers
  /// reused across runs); plain malloc/free otherwise (mlir-runner, tests).
  bool modelAllocator = false;
  /// Share large ops' tiles out among threads through OpenMP (the code then
  /// calls libomp's __kmpc_* entry points: model libraries link libomp).
  bool threads = false;
  /// Time each kernel and count its operations (dyad-cpu-profile: the
  /// model library is then linked with DYAD_PROFILE_GROUPS).
  bool profile = false;
  /// Packed weights that fit in 4 bits stored two per byte and unpacked in
  /// registers (dyad-cpu-pack-nibbles); VNNI targets only.
  bool nibbleWeights = true;
  /// Packed int8 GEMMs on AMX-INT8 tile registers (tdpbusd): Sapphire
  /// Rapids and later. Models using it call arch_prctl for the tile state
  /// when loaded (the runtime does).
  bool amx = false;
  /// Lookups in 256-entry byte tables as vpermi2b (AVX512-VBMI).
  bool bytePermutes = false;
};

struct CPUTarget;
/// The lowering options for `target` at `optLevel`: its vector width and
/// kernel paths from its features.
LowerCpuOptions lowerCpuOptionsFor(const CPUTarget &target, unsigned optLevel);

/// Adds `dyad-lower-cpu` to `pm` (a pass manager on builtin.module).
void buildLowerCpuPipeline(mlir::OpPassManager &pm,
                           const LowerCpuOptions &options);

/// The pipeline as text (what `dyadc -v` prints and dyad-opt accepts).
std::string lowerCpuPipeline(const LowerCpuOptions &options);

#define GEN_PASS_REGISTRATION
#include "dyad/Codegen/CPU/Passes.h.inc"

/// Registers the CPU passes and the `dyad-lower-cpu` pipeline.
void registerCodegenCPUPasses();

/// Rewrites memref.expand_shape ops between identity layouts as
/// memref.reinterpret_cast (all of them, or only those that split a dim into
/// several dynamic ones: MLIR 22's expand-strided-metadata crashes on
/// those). dyad-cpu-lower-vectors rewrites all of them before folding views
/// into vector transfers: MLIR 22 folds an expand_shape into an n-D
/// transfer_read by dropping the split dims (the packed convolution's
/// [W][C/4][4] input tile was read as [H][W][C]).
void expandShapesToReinterpretCasts(mlir::Operation *root,
                                    bool onlyDynamicSplits);

} // namespace dyad

#endif // DYAD_CODEGEN_CPU_PASSES_H
