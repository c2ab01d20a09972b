//===- OnnxImporter.h - ONNX model -> dyad dialect ---------------*- C++ -*-===//
//
// The importer reads an ONNX model (binary protobuf, or ONNX's textual syntax
// for `.onnxtxt` files), upgrades it to the opset Dyad implements, runs ONNX
// shape inference and builds a `func.func` of dyad ops. Every problem is an
// MLIR diagnostic located at the ONNX node (a NameLoc of the node's name
// wrapping the model file's location); nothing aborts the process.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_IMPORT_ONNXIMPORTER_H
#define DYAD_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>
#include <vector>

namespace dyad {

/// The opset of the default ONNX domain that the dyad ops implement; older
/// models are upgraded to it with ONNX's version converter.
constexpr int64_t kTargetOpset = 17;
/// The newest opset of the default domain Dyad imports: opsets 18 to 21 are
/// rewritten to their opset-17 forms (lib/Import/OpsetUpgrade.cpp), since
/// libonnx 1.12's schemas and shape inference stop at 17.
constexpr int64_t kNewestOpset = 21;
/// The newest ONNX IR version Dyad reads (ONNX 1.16). libonnx 1.12 parses
/// IR 9 and 10 models (unknown fields are skipped); what Dyad cannot honour
/// of them (float8 / int4 element types, function overloads) is an error.
constexpr int64_t kNewestIRVersion = 10;

struct ImportOptions {
  /// Static shapes for graph inputs (`--input-shape name=1x3x224x224`); a dim
  /// of -1 stays dynamic.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Name of the generated function.
  std::string funcName = "main_graph";
  /// Records the ONNX tensor name of each node output on the op that
  /// produces it (`dyad.tensor = "name"`, single-result ops only), the key of
  /// calibration tables. Off by default: the graph's IR stays uncluttered.
  bool tensorNames = false;
  /// Graph inputs pinned to values (`--bind-input name=16000`): each becomes
  /// a constant of the input's element type and leaves the signature, so
  /// `If` nodes whose condition depends on it are inlined at import. The
  /// shape is the input's declared one (or --input-shape's); a single value
  /// of an input of unknown shape is a scalar, several a 1-D tensor.
  std::map<std::string, std::vector<double>> inputValues;
};

/// Parses `--input-shape` values of the form `name=1x3x224x224` (`?` for a
/// dynamic dim). Returns false and sets `error` on malformed text.
bool parseInputShape(llvm::StringRef text, ImportOptions &options,
                     std::string &error);

/// Parses `--bind-input` values of the form `name=16000` or `name=1,2,3`
/// (numbers; `true` / `false` for bool inputs). Returns false and sets
/// `error` on malformed text.
bool parseInputValue(llvm::StringRef text, ImportOptions &options,
                     std::string &error);

/// Imports the model file at `path`. Returns null after emitting diagnostics
/// when the model cannot be imported.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(llvm::StringRef path,
                                                 mlir::MLIRContext *context,
                                                 const ImportOptions &options);

/// Imports a model held in memory; `sourceName` names it in diagnostics and
/// locations, and its folder is where external data files are looked up.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxBuffer(llvm::StringRef bytes, llvm::StringRef sourceName,
                 mlir::MLIRContext *context, const ImportOptions &options);

/// Prints the op-type histogram of the model at `path` (op, domain, count,
/// how many of them sit in subgraphs of If / Loop / Scan, and whether Dyad
/// supports it). Then it runs the checks that importing runs (IR version,
/// `options`' bindings, `If` inlining, opset conversion, unsupported ops,
/// shape inference) and reports their
/// failure as the import would (a diagnostic, and a last line saying whether
/// the model passes). Returns false after emitting a diagnostic if the file
/// cannot be read.
bool printOpStats(llvm::StringRef path, mlir::MLIRContext *context,
                  llvm::raw_ostream &os,
                  const ImportOptions &options = ImportOptions());

/// The op types the importer supports, as "domain::OpType" (domain empty for
/// the default ONNX domain), sorted.
std::vector<std::string> supportedOps();

/// Registers the dialects the importer creates ops of.
void registerImportDialects(mlir::DialectRegistry &registry);

} // namespace dyad

#endif // DYAD_IMPORT_ONNXIMPORTER_H
