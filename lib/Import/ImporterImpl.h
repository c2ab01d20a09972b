//===- ImporterImpl.h - importer internals ----------------------*- C++ -*-===//
//
// Shared by the importer's files: the model-level driver (OnnxImporter.cpp),
// reading and preparing the model (ModelPreparation.cpp), the checks before
// ONNX passes (Validation.cpp), TensorProto decoding (TensorDecoding.cpp),
// NodeContext (NodeContext.cpp) and the op builder table (OpBuilders.cpp). A
// builder gets a NodeContext: typed access to the node's inputs, attributes
// and inferred result types, and helpers that emit located diagnostics.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_LIB_IMPORT_IMPORTERIMPL_H
#define DYAD_LIB_IMPORT_IMPORTERIMPL_H

#include "dyad/Dialect/Dyad/DyadOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "dyad/Import/OnnxImporter.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <map>

#include <onnx/onnx_pb.h>

#include <functional>
#include <optional>

namespace dyad::import {

// Internal header: the importer speaks MLIR throughout.
using namespace mlir;
using llvm::StringRef;

class GraphImporter;

/// What a builder sees of one ONNX node.
class NodeContext {
public:
  NodeContext(GraphImporter &graph, const onnx::NodeProto &node,
              mlir::Location loc, int64_t opset)
      : graph(graph), node(node), loc(loc), opset(opset) {}

  GraphImporter &graph;
  const onnx::NodeProto &node;
  mlir::Location loc;
  /// Opset version of the node's domain in the (upgraded) model.
  int64_t opset;

  mlir::OpBuilder &builder();
  mlir::MLIRContext *ctx();

  // --- inputs ---------------------------------------------------------
  size_t numInputs() const { return node.input_size(); }
  bool hasInput(int i) const {
    return i < node.input_size() && !node.input(i).empty();
  }
  /// Input `i` as ONNX sees it: a quantized tensor (one a QuantizeLinear
  /// produced) as its raw integers. Null if absent.
  mlir::Value input(int i);
  /// Input `i` as the importer holds it: a quantized element type where a
  /// QuantizeLinear produced it. Only the quantization builders want this.
  mlir::Value quantizedInput(int i);
  /// The ONNX element type of input `i` (raw integers for quantized values),
  /// without creating ops. Null if absent.
  mlir::Type inputElementType(int i);
  /// The constant value of input `i` (initializer or Constant node), if any.
  std::optional<mlir::DenseElementsAttr> constInput(int i);
  /// Constant integer vector input (axes, pads, shapes...).
  std::optional<llvm::SmallVector<int64_t>> constInts(int i);
  std::optional<llvm::SmallVector<double>> constFloats(int i);

  // --- attributes -----------------------------------------------------
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t dflt) const;
  float floatAttr(llvm::StringRef name, float dflt) const;
  std::string strAttr(llvm::StringRef name, llvm::StringRef dflt) const;
  std::optional<llvm::SmallVector<int64_t>> intsAttr(llvm::StringRef name) const;
  std::optional<llvm::SmallVector<float>> floatsAttr(llvm::StringRef name) const;

  // --- outputs --------------------------------------------------------
  size_t numOutputs() const { return node.output_size(); }
  /// True if output `i` exists and something reads it.
  bool outputUsed(int i) const;
  /// The inferred type of output `i`; `fallback` when inference gave none.
  mlir::Type resultType(int i, mlir::Type fallback = {});
  /// The element type inferred for output `i` (null if unknown).
  mlir::Type resultElementType(int i);
  void setResult(int i, mlir::Value v);
  void setResults(mlir::ValueRange vs) {
    for (auto [i, v] : llvm::enumerate(vs))
      setResult(i, v);
  }

  // --- diagnostics ----------------------------------------------------
  /// Emits "<OpType> (opset N): <msg>" at the node; returns failure().
  mlir::InFlightDiagnostic error();
  /// An unsupported attribute value or form: error with a uniform prefix.
  mlir::InFlightDiagnostic unsupported();
};

/// Builds the MLIR module of one ONNX graph.
class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, StringRef sourceName,
                const ImportOptions &options)
      : ctx(ctx), builder(ctx), sourceName(sourceName.str()),
        options(options) {
    modelDir = llvm::sys::path::parent_path(sourceName).str();
    if (modelDir.empty())
      modelDir = ".";
  }

  OwningOpRef<ModuleOp> run(onnx::ModelProto &model);

  // State shared with NodeContext.
  MLIRContext *ctx;
  OpBuilder builder;
  std::string sourceName;
  std::string modelDir;
  const ImportOptions &options;

  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringMap<DenseElementsAttr> constants;
  llvm::StringMap<const onnx::TypeProto *> inferredTypes;
  llvm::StringSet<> usedNames;
  std::map<std::string, int64_t> opsets;
  Block *entry = nullptr;

  Location fileLoc() { return FileLineColLoc::get(ctx, sourceName, 0, 0); }
  Location nodeLoc(const onnx::NodeProto &node, int index) {
    std::string name = node.name().empty()
                           ? node.op_type() + "_" + std::to_string(index)
                           : node.name();
    return NameLoc::get(StringAttr::get(ctx, name), fileLoc());
  }
  Location valueLoc(StringRef name) {
    return NameLoc::get(StringAttr::get(ctx, name), fileLoc());
  }

  Type convertType(const onnx::TypeProto &type, Location loc,
                   StringRef valueName);
  /// The type of an ONNX tensor, after checking its dims, its size (4 GiB at
  /// most) and the size of inline raw data.
  FailureOr<RankedTensorType> tensorType(const onnx::TensorProto &tensor,
                                         Location loc);
  FailureOr<DenseElementsAttr> tensorToAttr(const onnx::TensorProto &tensor,
                                            Location loc);
  FailureOr<Value> lookup(StringRef name, Location loc);
  std::optional<DenseElementsAttr> constantOf(StringRef name, Location loc);
  Value materializeConstant(DenseElementsAttr attr, Location loc);

private:
  LogicalResult prepare(onnx::ModelProto &model);
  /// The checks before any ONNX pass runs (`opset`: of the default domain).
  LogicalResult validate(const onnx::GraphProto &graph, int64_t opset);
  LogicalResult validateGraph(const onnx::GraphProto &graph);
  LogicalResult checkOps(const onnx::GraphProto &graph,
                         bool beforeUpgrade = false);
  LogicalResult importNodes(const onnx::GraphProto &graph);
  FailureOr<std::string> readExternal(const onnx::TensorProto &tensor,
                                      Location loc);
};


using OpBuilderFn = std::function<mlir::LogicalResult(NodeContext &)>;

struct OpSpec {
  OpBuilderFn build;
};

/// The one importer table: "domain::OpType" (domain "" for ONNX) -> builder.
const llvm::StringMap<OpSpec> &opTable();

/// Table key for a node.
std::string opKey(llvm::StringRef domain, llvm::StringRef opType);

/// ONNX element type -> MLIR element type (null if unsupported).
mlir::Type convertElementType(mlir::MLIRContext *ctx, int32_t onnxType);

/// `v` as ONNX sees it: a quantized tensor as its raw integers (a storage
/// cast, then a bitcast where ONNX's integers are unsigned); other values
/// (and null) unchanged.
mlir::Value asOnnxValue(mlir::OpBuilder &builder, mlir::Location loc,
                        mlir::Value v);

/// Parses binary protobuf, or ONNX's textual syntax when the buffer starts
/// with '<' (after blanks and '#' comments) as `.onnxtxt` files do. False
/// after an error located at `sourceName`.
bool parseModel(llvm::StringRef bytes, llvm::StringRef sourceName,
                onnx::ModelProto &model, mlir::MLIRContext *ctx);

/// The bytes of the file `path` ("-": stdin); null after an error.
std::unique_ptr<llvm::MemoryBuffer> readModelFile(llvm::StringRef path,
                                                  mlir::MLIRContext *context);

} // namespace dyad::import

#endif // DYAD_LIB_IMPORT_IMPORTERIMPL_H
