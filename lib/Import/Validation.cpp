//===- Validation.cpp - checks before any ONNX pass runs ------------------===//
//
// libonnx's version converter and shape inference assume a well-formed graph
// and can crash on others: the graph's SSA form, declared ranks where
// libonnx indexes dims unchecked, supported ops, and every node against its
// ONNX schema are checked here first, each with a located diagnostic.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <onnx/defs/schema.h>

#include <exception>

using namespace mlir;
using namespace dyad;
using namespace dyad::import;

LogicalResult GraphImporter::validate(const onnx::GraphProto &graph,
                                      int64_t opset) {
  if (failed(validateGraph(graph)))
    return failure();
  // Unsupported ops are reported before any ONNX pass runs: libonnx's shape
  // inference of ops Dyad never imports is not worth exposing to hostile
  // models (its RNN inference crashes on wrong ranks, for one), and nodes of
  // domains the model does not import stop it with an obscure message.
  if (failed(checkOps(graph, /*beforeUpgrade=*/true)))
    return failure();
  // Resize before opset 11 (and Upsample) interpolate with asymmetric
  // coordinates, which ONNX's upgrade to Resize-11 does not preserve for
  // linear modes: refuse rather than import another interpolation.
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    if ((node.op_type() != "Resize" && node.op_type() != "Upsample") ||
        !(node.domain().empty() || node.domain() == "ai.onnx") || opset >= 11)
      continue;
    for (const auto &a : node.attribute())
      if (a.name() == "mode" && a.s() != "nearest")
        return emitError(nodeLoc(node, index))
               << node.op_type() << " (opset " << opset
               << "): unsupported: mode '" << a.s()
               << "' before opset 11 (asymmetric coordinates that ONNX's "
                  "version converter does not keep); re-export at opset 11+";
  }

  // Check every node against its ONNX schema first (input/output counts,
  // attribute names and types, required attributes): the version converter
  // and shape inference assume well-formed nodes and can crash on others.
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    std::string domain =
        node.domain() == "ai.onnx" ? std::string() : node.domain();
    auto it = opsets.find(domain);
    if (it == opsets.end())
      continue; // reported as unsupported later
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(node.op_type(), it->second, domain);
    if (!schema)
      continue; // unknown op: reported as unsupported later
    try {
      schema->Verify(node);
    } catch (const std::exception &e) {
      std::string msg = e.what();
      // Drop ONNX's "[ValidationError] " style prefix and the node dump.
      if (size_t nl = msg.find("\n"); nl != std::string::npos)
        msg.resize(nl);
      return emitError(nodeLoc(node, index))
             << node.op_type() << " (opset " << it->second
             << "): invalid node: " << msg;
    }
  }
  return success();
}

LogicalResult GraphImporter::validateGraph(const onnx::GraphProto &graph) {
  // SSA form and order: every input is defined before its use, every name is
  // produced once, every graph output is produced. libonnx's converter and
  // shape inference assume all of this.
  llvm::StringSet<> defined, produced;
  // Graph inputs must say what they are: libonnx's inference functions read
  // input types unchecked (Shape of an untyped input crashes it).
  for (const auto &in : graph.input()) {
    defined.insert(in.name());
    const auto &type = in.type();
    if (!type.has_tensor_type() || type.tensor_type().elem_type() == 0 ||
        !onnx::TensorProto_DataType_IsValid(type.tensor_type().elem_type()))
      return emitError(valueLoc(in.name()))
             << "graph input '" << in.name()
             << "' is not a tensor with a valid element type (sequence, map "
                "and optional inputs are not supported)";
  }
  // Initializers: dims and inline data size before any pass reads them.
  for (const auto &init : graph.initializer()) {
    defined.insert(init.name());
    if (failed(tensorType(init, valueLoc(init.name()))))
      return failure();
  }
  for (const auto &node : graph.node())
    for (const auto &out : node.output())
      if (!out.empty())
        produced.insert(out);
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    Location loc = nodeLoc(node, index);
    for (const auto &in : node.input()) {
      if (in.empty() || defined.contains(in))
        continue;
      if (produced.contains(in))
        return emitError(loc) << node.op_type() << ": input '" << in
                              << "' is produced by a later node: the graph is "
                                 "cyclic or not topologically sorted";
      return emitError(loc) << node.op_type() << ": input '" << in
                            << "' is not produced by any node, initializer or "
                               "graph input";
    }
    for (const auto &out : node.output()) {
      if (out.empty())
        continue;
      if (!defined.insert(out).second)
        return emitError(loc) << node.op_type() << ": output '" << out
                              << "' is already defined (names must be unique)";
    }
  }
  // Some of libonnx's shape inference functions index dims without checking
  // ranks (conv/pool: the weight by the input's rank; Gemm: dim 0/1 of A and
  // B) and crash on a wrong rank. Check where ranks are declared (graph
  // inputs, initializers, value_info); inferred ranks are checked by the dyad
  // verifiers later.
  llvm::StringMap<int64_t> ranks;
  auto noteRank = [&](const onnx::ValueInfoProto &vi) {
    if (vi.type().tensor_type().has_shape())
      ranks[vi.name()] = vi.type().tensor_type().shape().dim_size();
  };
  for (const auto &vi : graph.input())
    noteRank(vi);
  for (const auto &vi : graph.value_info())
    noteRank(vi);
  for (const auto &init : graph.initializer())
    ranks[init.name()] = init.dims_size();
  // Constant nodes say their rank in their attribute.
  for (const auto &node : graph.node()) {
    if (node.op_type() != "Constant" || node.output_size() != 1 ||
        node.attribute_size() != 1)
      continue;
    const auto &a = node.attribute(0);
    if (a.name() == "value")
      ranks[node.output(0)] = a.t().dims_size();
    else if (a.name() == "value_float" || a.name() == "value_int")
      ranks[node.output(0)] = 0;
    else if (a.name() == "value_floats" || a.name() == "value_ints")
      ranks[node.output(0)] = 1;
  }
  struct RankRule {
    StringRef op;
    int x, w;       // input index of the data and of the weight (-1: none)
    int64_t minRank; // of the data input
    bool exact;      // data rank must equal minRank
  };
  static const RankRule rules[] = {
      {"Conv", 0, 1, 3, false},        {"ConvInteger", 0, 1, 3, false},
      {"ConvTranspose", 0, 1, 3, false}, {"QLinearConv", 0, 3, 3, false},
      {"MaxPool", 0, -1, 3, false},    {"AveragePool", 0, -1, 3, false},
      {"LpPool", 0, -1, 3, false},     {"Gemm", 0, -1, 2, true},
      {"Gemm", 1, -1, 2, true}};
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    for (const RankRule &rule : rules) {
      if (node.op_type() != rule.op || node.input_size() <= rule.x)
        continue;
      StringRef op = node.op_type();
      auto x = ranks.find(node.input(rule.x));
      if (x != ranks.end() &&
          (rule.exact ? x->second != rule.minRank : x->second < rule.minRank))
        return emitError(nodeLoc(node, index))
               << op << ": input '" << node.input(rule.x) << "' has rank "
               << x->second << "; it needs "
               << (rule.exact ? "rank " : "at least rank ") << rule.minRank;
      if (rule.w < 0 || node.input_size() <= rule.w)
        continue;
      auto w = ranks.find(node.input(rule.w));
      if (x != ranks.end() && w != ranks.end() && x->second != w->second)
        return emitError(nodeLoc(node, index))
               << op << ": input rank " << x->second
               << " and weight rank " << w->second << " differ";
    }
  }

  for (const auto &out : graph.output())
    if (!defined.contains(out.name()))
      return emitError(valueLoc(out.name()))
             << "graph output '" << out.name()
             << "' is not produced by any node, initializer or graph input";
  return success();
}

LogicalResult GraphImporter::checkOps(const onnx::GraphProto &graph,
                                      bool beforeUpgrade) {
  // Every unsupported op of the model is reported at once, grouped by type.
  llvm::StringMap<SmallVector<std::string>> unsupported;
  SmallVector<std::string> order;
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    std::string domain =
        node.domain() == "ai.onnx" ? std::string() : node.domain();
    if (opTable().count(opKey(domain, node.op_type())) && opsets.count(domain))
      continue;
    // The version converter turns Upsample (opset < 10) into Resize.
    if (beforeUpgrade && domain.empty() && node.op_type() == "Upsample")
      continue;
    std::string key = (domain.empty() ? "" : domain + ".") + node.op_type();
    auto opset = opsets.find(domain);
    if (opset != opsets.end())
      key += " (opset " + std::to_string(opset->second) + ")";
    else
      key += " (domain not imported by the model)";
    if (!unsupported.count(key))
      order.push_back(key);
    unsupported[key].push_back(node.name().empty()
                                   ? node.op_type() + "_" + std::to_string(i)
                                   : node.name());
  }
  if (order.empty())
    return success();
  for (const std::string &key : order) {
    auto &nodes = unsupported[key];
    size_t idx = 0;
    for (auto [i, node] : llvm::enumerate(graph.node()))
      if ((node.name().empty() ? node.op_type() + "_" + std::to_string(i)
                               : node.name()) == nodes.front()) {
        idx = i;
        break;
      }
    auto diag = emitError(nodeLoc(graph.node(idx), idx))
                << "unsupported op " << key << " used by " << nodes.size()
                << " node(s): ";
    llvm::interleaveComma(llvm::ArrayRef(nodes).take_front(8), diag);
    if (nodes.size() > 8)
      diag << ", ...";
  }
  emitError(fileLoc()) << "the model uses " << order.size()
                       << " unsupported op type(s)";
  return failure();
}
