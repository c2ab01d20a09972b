//===- Diagnostics.cpp - model-oriented diagnostic printing ---------------===//
#include "dyad/Support/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

using namespace mlir;
using namespace dyad;

/// Prints "<file>: node '<name>'" or "<file>:<line>:<col>" for a location.
static void printLocation(Location loc, llvm::raw_ostream &os) {
  std::string node, file;
  unsigned line = 0, col = 0;
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l)) {
      if (node.empty())
        node = name.getName().str();
    } else if (auto flc = dyn_cast<FileLineColLoc>(l)) {
      if (file.empty()) {
        file = flc.getFilename().str();
        line = flc.getLine();
        col = flc.getColumn();
      }
    }
    return WalkResult::advance();
  });
  if (!file.empty()) {
    os << file;
    if (line)
      os << ":" << line << ":" << col;
    os << ": ";
  }
  if (!node.empty())
    os << "node '" << node << "': ";
}

static StringRef severityName(DiagnosticSeverity s) {
  switch (s) {
  case DiagnosticSeverity::Error: return "error";
  case DiagnosticSeverity::Warning: return "warning";
  case DiagnosticSeverity::Note: return "note";
  case DiagnosticSeverity::Remark: return "remark";
  }
  return "error";
}

std::string dyad::formatDiagnostic(Diagnostic &diag) {
  std::string text;
  llvm::raw_string_ostream os(text);
  printLocation(diag.getLocation(), os);
  os << severityName(diag.getSeverity()) << ": " << diag;
  for (Diagnostic &note : diag.getNotes()) {
    os << "\n";
    printLocation(note.getLocation(), os);
    os << "note: " << note;
  }
  return text;
}

ModelDiagnosticHandler::ModelDiagnosticHandler(MLIRContext *ctx,
                                               llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(ctx), os(os) {
  setHandler([this](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      ++errors;
    this->os << formatDiagnostic(diag) << "\n";
    this->os.flush();
    return success();
  });
}
