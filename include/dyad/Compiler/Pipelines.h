//===- Pipelines.h - Dyad's pass pipelines and registration -----*- C++ -*-===//
//
// Every pipeline the compile API runs is built here in code, registered for
// dyad-opt under the same name and printable as text:
//
//   dyad-quantize-pipeline   dyad-quantize (when a table is given) ->
//                            dyad-integerize -> canonicalize -> cse ->
//                            dyad-verify-integer-only
//   dyad-lower-cpu           dyad on tensors -> LLVM dialect (Codegen/CPU)
//
// An embedder that builds its own tool calls registerAllDialects and
// registerAllPasses (nothing else of Dyad needs registering).
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_COMPILER_PIPELINES_H
#define DYAD_COMPILER_PIPELINES_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace dyad {

struct QuantizePipelineOptions {
  /// Calibration table to fold (dyad-quantize); empty for a graph that
  /// carries its own quantize/dequantize ops (an ONNX QDQ model).
  std::string table;
  unsigned weightBits = 8, activationBits = 8;
  /// dyad-quantize's bias correction (docs/quantization.md).
  bool biasCorrection = false;
  /// Run dyad-verify-integer-only at the end.
  bool verify = true;
  /// dyad-verify-integer-only reports remaining float ops as warnings.
  bool allowFloatOps = false;
};

/// Adds the quantization pipeline to `pm` (on builtin.module).
void buildQuantizePipeline(mlir::OpPassManager &pm,
                           const QuantizePipelineOptions &options);

/// Adds dyad-quantize alone (the first step of the pipeline above; the
/// compile API keeps a copy of the graph after it for the report).
void buildFoldCalibrationPipeline(mlir::OpPassManager &pm,
                                  const QuantizePipelineOptions &options);
/// Adds the rest: integerize, cleanup, verify.
void buildIntegerizePipeline(mlir::OpPassManager &pm,
                             const QuantizePipelineOptions &options);

/// Text form of a pass manager's pipeline (`builtin.module(...)`).
std::string pipelineText(const mlir::OpPassManager &pm);

/// The dyad dialect, the upstream dialects Dyad's pipelines create and the
/// interface implementations (bufferization, LLVM translation) they need.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Every Dyad pass (Transforms, Conversion, Codegen) and pipeline.
void registerAllPasses();

} // namespace dyad

#endif // DYAD_COMPILER_PIPELINES_H
