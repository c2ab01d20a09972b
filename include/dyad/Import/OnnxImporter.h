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
};

/// Parses `--input-shape` values of the form `name=1x3x224x224` (`?` for a
/// dynamic dim). Returns false and sets `error` on malformed text.
bool parseInputShape(llvm::StringRef text, ImportOptions &options,
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
/// and whether Dyad supports it). Returns false after emitting a diagnostic
/// if the file cannot be read.
bool printOpStats(llvm::StringRef path, mlir::MLIRContext *context,
                  llvm::raw_ostream &os);

/// The op types the importer supports, as "domain::OpType" (domain empty for
/// the default ONNX domain), sorted.
std::vector<std::string> supportedOps();

/// Registers the dialects the importer creates ops of.
void registerImportDialects(mlir::DialectRegistry &registry);

} // namespace dyad

#endif // DYAD_IMPORT_ONNXIMPORTER_H
