//===- Diagnostics.h - model-oriented diagnostic printing --------*- C++ -*-===//
//
// Dyad locates ops at ONNX nodes: NameLoc("<node name>", "<model file>":0:0).
// MLIR's default printer would show only "<model file>:0:0". This handler
// prints what a user can find in Netron instead:
//
//   model.onnx: node 'conv1': error: Conv (opset 17): group must be positive
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_SUPPORT_DIAGNOSTICS_H
#define DYAD_SUPPORT_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace dyad {

/// `diag` and its notes, one a line (no final newline), each located at its
/// ONNX node: "model.onnx: node 'conv1': error: ...".
std::string formatDiagnostic(mlir::Diagnostic &diag);

class ModelDiagnosticHandler : public mlir::ScopedDiagnosticHandler {
public:
  ModelDiagnosticHandler(mlir::MLIRContext *ctx,
                         llvm::raw_ostream &os = llvm::errs());
  /// Number of errors seen so far.
  unsigned errorCount() const { return errors; }

private:
  llvm::raw_ostream &os;
  unsigned errors = 0;
};

} // namespace dyad

#endif // DYAD_SUPPORT_DIAGNOSTICS_H
