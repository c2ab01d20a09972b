//===- Compiler.h - back-end stages of the compile API ----------*- C++ -*-===//
//
// The back-end stages that dyad::compile (Compile.h) runs: lowering to the
// LLVM dialect, the runtime interface of the artifact, LLVM IR, object code
// and the shared library with its header. Each is callable on its own.
// Stages on MLIR report through diagnostics (LogicalResult); the others
// return llvm::Error.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_COMPILER_COMPILER_H
#define DYAD_COMPILER_COMPILER_H

#include "dyad/Codegen/CPU/Passes.h"
#include "dyad/Codegen/CPU/Target.h"
#include "dyad/Codegen/GPU/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class PassManager;
} // namespace mlir

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace dyad {

/// One graph input or output at the artifact boundary.
struct TensorSignature {
  std::string name;
  int32_t dtype = 0; // ONNX TensorProto.DataType
  std::vector<int64_t> shape; // -1 for dynamic dims
  std::vector<std::string> dimParams; // ONNX symbolic dim names ("" if none)
  double scale = 0;                   // quantized boundary, 0 if float
  int64_t zeroPoint = 0;
};

struct ModelSignature {
  std::vector<TensorSignature> inputs, outputs;
  /// The CPU compiled for and the features its code may use that the
  /// runtime checks before running it (Codegen/CPU/Target.h); empty: none
  /// recorded.
  std::string cpu;
  std::vector<std::string> cpuFeatures;
  /// A graph separable along its batch (dyad-cpu-batch-footprint): bytes
  /// per sample of its largest op and bytes of its weights, from which the
  /// runtime picks how many rows one call runs; 0: not separable.
  int64_t batchBytesPerSample = 0, batchSharedBytes = 0;
  /// A profiled model (dyadc --profile): its kernel groups, in the order of
  /// their ids (dyad-cpu-profile's `dyad.profile`).
  struct ProfileGroup {
    std::string node, kernel;
    std::vector<std::string> fused;
  };
  std::vector<ProfileGroup> profile;
  /// A GPU model (dyadc --target=nvptx): the chip and PTX features its
  /// kernels were compiled for, the kernels in launch-index order and their
  /// PTX (include/dyad/Runtime/dyad_gpu_abi.h); gpuChip empty: a CPU model.
  std::string gpuChip, gpuFeatures;
  std::vector<std::string> gpuKernels;
  std::string gpuPtx;
};

/// Reads the signature of `func` (`dyad.name` / `dyad.dim_params` attributes
/// and the argument and result types, before lowering).
mlir::FailureOr<ModelSignature> readSignature(mlir::ModuleOp module,
                                              llvm::StringRef funcName);

/// The model description text that the runtime parses (see lib/Runtime).
std::string describeSignature(const ModelSignature &signature);

/// Adds `dyad_model_info` and the packed `dyad_model_entry` to a module in
/// the LLVM dialect whose `funcName` was lowered with a C interface.
mlir::LogicalResult addRuntimeInterface(mlir::ModuleOp module,
                                        llvm::StringRef funcName,
                                        const ModelSignature &signature);

/// A TargetMachine for `target` at `optLevel`.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CPUTarget &target, unsigned optLevel);
/// The same, resolving `options` first.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &options);

/// Translates the LLVM-dialect module to LLVM IR and optimizes it for `tm`.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp module, llvm::LLVMContext &ctx,
                     llvm::TargetMachine &tm, unsigned optLevel);

/// Writes an object file.
llvm::Error emitObject(llvm::Module &module, llvm::TargetMachine &tm,
                       llvm::StringRef path);

/// The kernel groups dyad-cpu-profile recorded on `module` (none when it
/// was not profiled).
std::vector<ModelSignature::ProfileGroup> profileGroups(mlir::ModuleOp module);

/// Links an object file into a shared library (with clang from the LLVM
/// install, against libm for the math functions the code calls).
/// `profileGroups` > 0: the code was instrumented by dyad-cpu-profile with
/// that many groups (the support code then keeps their counters).
llvm::Error linkSharedLibrary(llvm::StringRef object, llvm::StringRef output,
                              size_t profileGroups = 0);

/// Stage 3 of dyadc: lowers the dyad graph function `funcName` (with a C
/// interface, its boundary attributes dropped) and the rest of the module to
/// the LLVM dialect and adds the runtime interface for `signature`.
/// `configure` may set up the pass manager (MLIR's command-line options).
/// With `gpu`, the graph runs on the GPU (dyad-lower-gpu: PTX kernels and
/// host code for the CPU `lowerOptions` does not otherwise shape).
mlir::LogicalResult lowerToLLVMDialect(
    mlir::ModuleOp module, llvm::StringRef funcName,
    const ModelSignature &signature, const LowerCpuOptions &lowerOptions,
    llvm::function_ref<mlir::LogicalResult(mlir::PassManager &)> configure =
        nullptr,
    const LowerGpuOptions *gpu = nullptr);

/// Stages 3-6 in one call: a dyad module to a shared library at `output`
/// (no header). Used where a model is compiled as a step of something else
/// (calibration runs an instrumented copy of the model; mixed precision
/// times each layer of a copy compiled with `profile`).
llvm::Error buildSharedLibrary(mlir::ModuleOp module,
                               llvm::StringRef funcName,
                               const TargetOptions &options,
                               llvm::StringRef output, bool profile = false);

/// The C header describing a compiled model.
std::string modelHeader(const ModelSignature &signature,
                        llvm::StringRef modelName, llvm::StringRef source);

} // namespace dyad

#endif // DYAD_COMPILER_COMPILER_H
