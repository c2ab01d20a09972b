//===- Report.h - the per-node quantization report --------------*- C++ -*-===//
#ifndef DYAD_COMPILER_REPORT_H
#define DYAD_COMPILER_REPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <map>
#include <string>

namespace dyad {

struct ReportInputs {
  mlir::ModuleOp floatModule; // simplified float graph, tensor names on ops
  mlir::ModuleOp qdqModule;   // after dyad-quantize (weight scales)
  mlir::ModuleOp intModule;   // after integerize (ops tagged by it)
  const std::map<std::string, double> *sqnr = nullptr; // tensor -> dB
  std::string model, method;
  uint64_t samples = 0;
};

/// Writes `--report`: one row per ONNX node of the float graph with its
/// status (quantized, fused into its user, float fallback and why, skipped),
/// precision, output scale / zero point, weight scales and the SQNR of its
/// output against the float model on the calibration data.
llvm::Error writeQuantizationReport(llvm::StringRef path,
                                    const ReportInputs &inputs);

} // namespace dyad

#endif // DYAD_COMPILER_REPORT_H
