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
#include <vector>

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
  /// Null after an error at the node (an unsupported element type, a shape
  /// over the size limit): the node's import then fails even where its
  /// builder went on (see failedResultType).
  mlir::Type resultType(int i, mlir::Type fallback = {});
  /// Whether resultType reported an error at this node.
  bool failedResultType() const { return resultTypeError; }
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

private:
  bool resultTypeError = false;
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
  /// What --op-stats checks of a model whose ops are all supported: the
  /// preparation (model checks, bindings, sort, If inlining, opset
  /// conversion, shape inference) and the checks after it.
  LogicalResult admit(onnx::ModelProto &model);

  // State shared with NodeContext.
  MLIRContext *ctx;
  OpBuilder builder;
  std::string sourceName;
  std::string modelDir;
  const ImportOptions &options;

  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringMap<DenseElementsAttr> constants;
  /// Values of computed nodes that fold to small constants (NodeContext's
  /// setResult), so that chains of them fold too.
  llvm::DenseMap<Value, DenseElementsAttr> foldedValues;
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
  /// The element count of `dims` (dynamic dims left out) against
  /// kMaxElements: an error at `loc` naming `what` when it is larger or
  /// overflows int64.
  LogicalResult checkElementCount(llvm::ArrayRef<int64_t> dims, Location loc,
                                  const llvm::Twine &what);
  std::optional<DenseElementsAttr> constantOf(StringRef name, Location loc);
  Value materializeConstant(DenseElementsAttr attr, Location loc);

private:
  LogicalResult prepare(onnx::ModelProto &model);
  /// The element types of IR 9+ (float8, int4) anywhere in the graph are
  /// an error at the node or value that holds them.
  LogicalResult checkElementTypes(const onnx::GraphProto &graph);
  /// --bind-input: the pinned graph inputs become initializers.
  LogicalResult bindInputs(onnx::GraphProto &graph);
  /// Sorts the nodes topologically (stable: keeps the model's order where
  /// it is legal; values a subgraph reads from outside count as inputs). A
  /// cycle is an error naming a node on it.
  LogicalResult sortNodes(onnx::GraphProto &graph);
  /// Replaces every `If` whose condition is a compile-time constant
  /// (initializers, Constant nodes, bound inputs and foldable chains over
  /// them) by the nodes of the branch it takes; any other `If` is an error.
  LogicalResult inlineConstantIfs(onnx::GraphProto &graph);
  /// Nodes computing small constants from initializers only (Split ->
  /// Concat of pads, Slice of a constant) become initializers, so that
  /// ONNX's shape inference sees them.
  void foldConstantNodes(onnx::GraphProto &graph);
  /// Rewrites the default domain of `model` from opset 18-21 to the
  /// opset-17 forms (OpsetUpgrade.cpp).
  LogicalResult downgradeOpset(onnx::ModelProto &model, int64_t opset);
  /// Rewrites the default domain of `model` from `opset` to kTargetOpset
  /// (OpsetUpgrade.cpp).
  LogicalResult upgradeOpset(onnx::ModelProto &model, int64_t opset);
  /// The checks before any ONNX pass runs (`opset`: of the default domain).
  LogicalResult validate(const onnx::GraphProto &graph, int64_t opset);
  LogicalResult validateGraph(const onnx::GraphProto &graph);
  /// Checks every node against its ONNX schema (input/output counts, absent
  /// required inputs, attribute names and types, required attributes), with
  /// a located diagnostic: libonnx's shape inference and version converter
  /// read nodes unchecked. `form`, where given, may fill its second argument
  /// with the form of a node to check instead (the opset-18 conversion's
  /// nodes that its second pass still changes); `schemaOpset`, where given,
  /// is the opset of the default domain's schemas (the form of the nodes;
  /// messages name the model's opset).
  LogicalResult checkSchemas(
      const onnx::GraphProto &graph,
      llvm::function_ref<bool(const onnx::NodeProto &, onnx::NodeProto &)>
          form = nullptr,
      std::optional<int64_t> schemaOpset = std::nullopt);
  LogicalResult checkOps(const onnx::GraphProto &graph,
                         bool beforeUpgrade = false);
  /// Checks every node of a supported op against the attribute rules of its
  /// op table entry (Validation.cpp), with what `graph` tells of ranks, dims
  /// and constants: before any ONNX pass (declared shapes only), and again
  /// after shape inference, where every inferred rank is known.
  /// `pending` skips nodes a later rewrite still changes (the opset-18
  /// conversion's second pass).
  LogicalResult checkNodeRules(
      const onnx::GraphProto &graph,
      llvm::function_ref<bool(const onnx::NodeProto &)> pending = nullptr);
  LogicalResult importNodes(const onnx::GraphProto &graph);
  FailureOr<std::string> readExternal(const onnx::TensorProto &tensor,
                                      Location loc);
};


using OpBuilderFn = std::function<mlir::LogicalResult(NodeContext &)>;

/// Dyad's limit on the size of one tensor, 2^40 elements (4 TiB of f32): a
/// shape with more elements (or whose element count overflows int64) is an
/// error at the node that produces it, and so is any size-like attribute
/// value (kernel size, stride, dilation, pad) above it.
constexpr int64_t kMaxElements = int64_t(1) << 40;

/// One constraint that the ONNX spec puts on a node's attributes (or on a
/// constant input that stands for an attribute, such as the axes of opset
/// 13+), declared in the op's table entry and checked by one generic
/// validator (GraphImporter::checkNodeRules) before any libonnx pass runs,
/// where declared shapes tell ranks and dims, and again after shape
/// inference. A rule whose value or rank is unknown is skipped.
struct AttrRule {
  enum class Kind : uint8_t {
    Range,    ///< every value in [lo, hi] (hi = kMaxElements: a size)
    Axis,     ///< an axis of input `ref`, in [-r, r-1]; lo = 1: [-r, r]
    Axes,     ///< distinct axes of input `ref`; lo = 1: axes of the result,
              ///< of rank r + the number of axes (Unsqueeze)
    Perm,     ///< a permutation of the dims of input `ref`
    PerDim,   ///< lo values per dim of input `ref` (Pad's pads)
    NonZero,  ///< no value is 0
    OneOf,    ///< a string among `values` ('|'-separated)
    DataType, ///< an ONNX tensor element type
    Rank,     ///< input `ref` has rank >= lo (exactly lo when hi = 1)
    SameRank, ///< inputs `ref` and `other` have the same rank
    Window,   ///< kernel_shape, strides, dilations, pads agree with each
              ///< other, with the spatial rank of input `ref` and with the
              ///< spatial dims of weight input `other` (-1: none)
    Group,    ///< group (or the attribute `name`) divides the channels of
              ///< input `ref` and weight `other` (-1: none; hi = 1:
              ///< ConvTranspose's weight layout)
    Indices,  ///< constant indices (input `input`) within the dim `name`
              ///< (the axis attribute) of input `ref`; negative ones wrap
    Scales,   ///< float scales: finite, > 0 and at most 2^40
    AtMostDim, ///< every value at most the size of the dim of input `ref`
               ///< that attribute `values` names (default lo), as TopK's K
    Finite,    ///< a float attribute: finite and >= lo (epsilon)
    GroupAffine, ///< GroupNormalization's scale and bias (inputs ref + 1,
                 ///< ref + 2): num_groups values before opset 21, one per
                 ///< channel of input `ref` from 21
  };
  Kind kind;
  /// The attribute; it names the value in messages.
  const char *name = nullptr;
  /// A constant input that stands for the attribute (-1: none).
  int input = -1;
  int ref = 0, other = -1;
  int64_t lo = 0, hi = 0;
  const char *values = nullptr;
};

struct OpSpec {
  OpBuilderFn build;
  /// The ONNX constraints on the node's attributes and input ranks.
  std::vector<AttrRule> rules;
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

/// Whether `node` is in ONNX's default domain ("" or "ai.onnx").
inline bool isDefaultDomain(const onnx::NodeProto &node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

/// What a graph tells of its values without running anything: declared or
/// inferred shapes (-1 for an unknown dim) and the values of small integer
/// and float constants (initializers and Constant nodes). Validation.cpp.
struct GraphFacts {
  llvm::StringMap<llvm::SmallVector<int64_t>> shapes;
  llvm::StringMap<llvm::SmallVector<int64_t>> ints;
  llvm::StringMap<llvm::SmallVector<double>> floats;

  explicit GraphFacts(const onnx::GraphProto &graph);

private:
  void noteTensor(const std::string &name, const onnx::TensorProto &t);
};

/// libonnx's shape inference over `model` (its options), safe against
/// values without a type (ModelPreparation.cpp). Throws what libonnx throws.
void inferShapes(onnx::ModelProto &model, bool checkType, int errorMode,
                 bool dataProp);

/// Names each unnamed node "<OpType>_<index>" (its diagnostic name) before a
/// step moves or inserts nodes.
void nameUnnamedNodes(onnx::GraphProto &graph);

/// The bytes of the file `path` ("-": stdin); null after an error.
std::unique_ptr<llvm::MemoryBuffer> readModelFile(llvm::StringRef path,
                                                  mlir::MLIRContext *context);

} // namespace dyad::import

#endif // DYAD_LIB_IMPORT_IMPORTERIMPL_H
