//===- ModelPreparation.cpp - reading and preparing an ONNX model ---------===//
//
// Reads a model (binary protobuf, or ONNX's textual syntax) and prepares it
// for the node walk: model-level checks, validate() (Validation.cpp), the
// upgrade to kTargetOpset (OpsetUpgrade.cpp), --input-shape and ONNX shape
// inference.
//
// libonnx throws (parser, shape inference, version converter); every call
// into it is wrapped here and turned into a diagnostic.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include <onnx/common/constants.h>
#include <onnx/defs/parser.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <google/protobuf/io/coded_stream.h>

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <queue>

using namespace mlir;
using namespace dyad;
using namespace dyad::import;

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

bool dyad::import::parseModel(StringRef bytes, StringRef sourceName,
                              onnx::ModelProto &model, MLIRContext *ctx) {
  Location loc = FileLineColLoc::get(ctx, sourceName, 0, 0);
  if (bytes.empty()) {
    emitError(loc) << "the file is empty";
    return false;
  }
  StringRef text = bytes;
  while (true) {
    text = text.ltrim();
    if (!text.starts_with("#"))
      break;
    text = text.drop_until([](char c) { return c == '\n'; });
  }
  if (text.starts_with("<") || sourceName.ends_with(".onnxtxt")) {
    std::string buf = bytes.str();
    onnx::Common::Status status;
    try {
      status = onnx::OnnxParser::Parse(model, buf.c_str());
    } catch (const std::exception &e) {
      emitError(loc) << "cannot parse ONNX text: " << e.what();
      return false;
    }
    if (!status.IsOK()) {
      emitError(loc) << "cannot parse ONNX text: " << status.ErrorMessage();
      return false;
    }
    return true;
  }
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
  stream.SetTotalBytesLimit(INT_MAX);
  if (!model.ParseFromCodedStream(&stream) ||
      !stream.ConsumedEntireMessage()) {
    emitError(loc) << "not a valid ONNX model: the protobuf data is corrupt "
                      "or truncated ("
                   << bytes.size() << " bytes)";
    return false;
  }
  return true;
}

std::unique_ptr<llvm::MemoryBuffer>
dyad::import::readModelFile(StringRef path, MLIRContext *context) {
  auto buf =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot read the file: " << buf.getError().message();
    return nullptr;
  }
  return std::move(*buf);
}

//===----------------------------------------------------------------------===//
// Model preparation: opset upgrade and shape inference
//===----------------------------------------------------------------------===//

namespace {
/// libonnx's schemas, except that the inference functions that index an
/// input's dims by position without checking its rank first get that check
/// (and those that make one dim per value of a shape input, a bound on its
/// length):
/// Gemm before opset 11 reads A's dim 1 (transA) and B's dims whatever their
/// rank (a rank-1 A: out of bounds, SEGV; found by dyad-import-fuzzer). The
/// rank of an intermediate value is known only during inference, so Dyad's
/// own rank rules cannot catch it first. A wrong rank is an inference error
/// at the node.
class RankCheckedSchemas : public onnx::ISchemaRegistry {
public:
  const onnx::OpSchema *GetSchema(const std::string &key,
                                  const int maxInclusiveVersion,
                                  const std::string &domain) const override {
    const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Instance()->GetSchema(
        key, maxInclusiveVersion, domain);
    auto rule = llvm::find_if(kRules, [&](const Rule &r) {
      return key == r.op && (domain.empty() || domain == "ai.onnx");
    });
    if (!schema || rule == std::end(kRules))
      return schema;
    std::lock_guard<std::mutex> lock(mutex);
    std::unique_ptr<onnx::OpSchema> &checked = schemas[schema];
    if (!checked) {
      checked = std::make_unique<onnx::OpSchema>(*schema);
      onnx::InferenceFunction infer = schema->GetTypeAndShapeInferenceFunction();
      const Rule &r = *rule;
      checked->TypeAndShapeInferenceFunction([infer, &r](
                                                 onnx::InferenceContext &ctx) {
        for (size_t i = 0; i < ctx.getNumInputs() && i < r.ranks.size(); ++i) {
          const onnx::TypeProto *t = ctx.getInputType(i);
          if (r.ranks[i] >= 0 && t && t->has_tensor_type() &&
              t->tensor_type().has_shape() &&
              t->tensor_type().shape().dim_size() != r.ranks[i])
            fail_shape_inference(r.op, " input ", i, " has rank ",
                                 t->tensor_type().shape().dim_size(),
                                 "; it must be ", r.ranks[i]);
        }
        // A shape input's length is the output's rank: libonnx makes one
        // dim per value before it knows any (2^40: out of memory).
        if (r.shapeInput >= 0 && (size_t)r.shapeInput < ctx.getNumInputs())
          if (const onnx::TypeProto *t = ctx.getInputType(r.shapeInput);
              t && t->has_tensor_type() && t->tensor_type().has_shape() &&
              t->tensor_type().shape().dim_size() == 1 &&
              t->tensor_type().shape().dim(0).has_dim_value() &&
              t->tensor_type().shape().dim(0).dim_value() > kMaxShapeRank)
            fail_shape_inference(
                r.op, " input ", r.shapeInput, " (a shape) has ",
                t->tensor_type().shape().dim(0).dim_value(),
                " values: more dims than ", kMaxShapeRank);
        if (infer)
          infer(ctx);
      });
    }
    return checked.get();
  }

private:
  struct Rule {
    const char *op;
    std::vector<int> ranks; // per input; -1: any
    int shapeInput;         // an input read as the output's shape; -1: none
  };
  static constexpr int64_t kMaxShapeRank = 64;
  inline static const Rule kRules[] = {{"Gemm", {2, 2}, -1},
                                       {"ConstantOfShape", {1}, 0},
                                       {"Expand", {-1, 1}, 1},
                                       {"Reshape", {-1, 1}, 1}};
  mutable std::mutex mutex;
  mutable std::map<const onnx::OpSchema *, std::unique_ptr<onnx::OpSchema>>
      schemas;
};
} // namespace

void dyad::import::inferShapes(onnx::ModelProto &model, bool checkType,
                               int errorMode, bool dataProp) {
  // libonnx's inference goes on after a node whose inference fails, and
  // leaves that node's outputs without a type; its Shape data propagation
  // then dereferences the missing type of its input (SEGV; found by
  // dyad-import-fuzzer). Every value a node reads gets at least an empty
  // type first (inference fills it in where it can: ONNX merges into an
  // empty type), and the ones still empty are removed again after it.
  onnx::GraphProto &graph = *model.mutable_graph();
  llvm::StringSet<> typed, added;
  for (const auto &vi : graph.input())
    if (vi.has_type())
      typed.insert(vi.name());
  for (const auto &t : graph.initializer())
    typed.insert(t.name());
  for (const auto &vi : graph.value_info())
    if (vi.has_type())
      typed.insert(vi.name());
  for (const auto &vi : graph.output())
    typed.insert(vi.name()); // given a type below where it has none
  for (const auto &node : graph.node())
    for (const auto &in : node.input())
      if (!in.empty() && !typed.contains(in) && added.insert(in).second) {
        auto *vi = graph.add_value_info();
        vi->set_name(in);
        vi->mutable_type();
      }
  SmallVector<int> untypedOutputs;
  for (auto [i, vi] : llvm::enumerate(*graph.mutable_output()))
    if (!vi.has_type()) {
      vi.mutable_type();
      untypedOutputs.push_back(i);
    }
  auto empty = [](const onnx::ValueInfoProto &vi) {
    return vi.type().value_case() == onnx::TypeProto::VALUE_NOT_SET;
  };
  llvm::scope_exit restore([&] {
    auto *infos = graph.mutable_value_info();
    infos->erase(std::remove_if(infos->begin(), infos->end(),
                                [&](const onnx::ValueInfoProto &vi) {
                                  return empty(vi) &&
                                         added.contains(vi.name());
                                }),
                 infos->end());
    for (int i : untypedOutputs)
      if (i < graph.output_size() && empty(graph.output(i)))
        graph.mutable_output(i)->clear_type();
  });
  // A convolution without kernel_shape takes it from its weight's spatial
  // dims, and libonnx's convPoolShapeInference then indexes the input's
  // dims and the dilations by the weight's rank without comparing it to the
  // input's (a rank-5 weight on a 4-D intermediate: SEGV; found by
  // dyad-import-fuzzer; the input's rank is only known during inference,
  // so the rank rules cannot catch it first). Given as kernel_shape, the
  // same dims are checked against the input's rank and the mismatch is an
  // inference error. The attribute is removed again after inference.
  GraphFacts facts(graph);
  SmallVector<onnx::NodeProto *> withKernel;
  for (auto &node : *graph.mutable_node()) {
    int w = node.op_type() == "QLinearConv" ? 3
            : node.op_type() == "Conv" || node.op_type() == "ConvInteger" ||
                    node.op_type() == "ConvTranspose"
                ? 1
                : -1;
    if (w < 0 || !isDefaultDomain(node) || node.input_size() <= w ||
        llvm::any_of(node.attribute(), [](const onnx::AttributeProto &a) {
          return a.name() == "kernel_shape";
        }))
      continue;
    auto it = facts.shapes.find(node.input(w));
    if (it == facts.shapes.end() || it->second.size() < 3 ||
        llvm::any_of(ArrayRef(it->second).drop_front(2),
                     [](int64_t d) { return d < 0; }))
      continue;
    auto *a = node.add_attribute();
    a->set_name("kernel_shape");
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t d : ArrayRef(it->second).drop_front(2))
      a->add_ints(d);
    withKernel.push_back(&node);
  }
  llvm::scope_exit dropKernels([&] {
    for (onnx::NodeProto *node : withKernel)
      node->mutable_attribute()->RemoveLast();
  });
  onnx::ShapeInferenceOptions options(checkType, errorMode, dataProp);
  static RankCheckedSchemas schemas;
  onnx::shape_inference::InferShapes(model, &schemas, options);
}

LogicalResult GraphImporter::prepare(onnx::ModelProto &model) {
  Location loc = fileLoc();
  if (model.ir_version() <= 0)
    return emitError(loc) << "not an ONNX model: ir_version is missing";
  // IR 9 and 10 (ONNX 1.14-1.16) add float8 / int4 element types, function
  // overloads and metadata fields; libonnx 1.12 parses them (skipping the
  // fields it does not know) and what Dyad cannot honour is refused below.
  if (model.ir_version() > kNewestIRVersion)
    return emitError(loc) << "IR version " << model.ir_version()
                          << " is newer than the newest Dyad reads ("
                          << kNewestIRVersion << ")";
  if (!model.has_graph())
    return emitError(loc) << "the model has no graph";
  // IR 3 required every initializer to be a graph input, and libonnx gives
  // one that is not no type at IR < 4: its importer (under its converter)
  // and its Shape data propagation (inference at opset 17, and at 17 in the
  // opset 18-21 conversion) dereference that missing type (SEGV; found by
  // dyad-import-fuzzer). IR 4 only lifted that rule: the same model, read as
  // IR 4 before any libonnx pass.
  if (model.ir_version() < 4)
    model.set_ir_version(4);
  if (model.functions_size() > 0)
    return emitError(loc) << "model-local functions are not supported ('"
                          << model.functions(0).name() << "')";
  if (failed(checkElementTypes(model.graph())))
    return failure();

  int64_t opset = -1;
  for (const auto &imp : model.opset_import()) {
    std::string domain = imp.domain() == "ai.onnx" ? "" : imp.domain();
    // One version per domain ('' and "ai.onnx" are the same one): libonnx's
    // passes read the first entry, Dyad would check the nodes against
    // another (a Split at "opset 4" went through the converter's opset 17 ->
    // 7 adapters: SEGV; found by dyad-import-fuzzer).
    auto [it, inserted] = opsets.try_emplace(domain, imp.version());
    if (!inserted && it->second != imp.version())
      return emitError(loc)
             << "opset_import imports "
             << (domain.empty() ? std::string("the default ONNX domain")
                                : "domain '" + domain + "'")
             << " at two versions (" << it->second << " and "
             << imp.version() << ")";
    if (domain.empty())
      opset = imp.version();
  }
  // IR version 3+ must import the default domain; older models imply opset 1.
  if (opset < 0)
    return emitError(loc) << "the model imports no version of the default "
                             "ONNX domain"
                          << (model.opset_import().empty()
                                  ? " (opset_import is empty)"
                                  : "");

  if (opset > kNewestOpset)
    return emitError(loc) << "opset " << opset
                          << " is newer than the newest Dyad imports ("
                          << kNewestOpset << ")";

  onnx::GraphProto *mutableGraph = model.mutable_graph();
  // --bind-input, then the order ONNX requires (ORT accepts unsorted
  // graphs, so exporters ship them), then If nodes with a constant
  // condition become the nodes of their branch.
  if (failed(bindInputs(*mutableGraph)) || failed(sortNodes(*mutableGraph)) ||
      failed(inlineConstantIfs(*mutableGraph)))
    return failure();
  foldConstantNodes(*mutableGraph);

  if (opset > kTargetOpset) {
    // Opset 18-21: the opset-17 forms of the nodes, before any libonnx pass
    // (its schemas stop at 17; OpsetUpgrade.cpp).
    if (failed(validateGraph(model.graph())) ||
        failed(checkOps(model.graph(), /*beforeUpgrade=*/true)) ||
        failed(downgradeOpset(model, opset)))
      return failure();
    opset = kTargetOpset;
    opsets[""] = kTargetOpset;
  }

  if (failed(validate(model.graph(), opset)))
    return failure();

  if (opset != kTargetOpset) {
    // Opset 7-16 node by node, older ones through ONNX's converter first
    // (OpsetUpgrade.cpp).
    if (failed(upgradeOpset(model, opset)))
      return failure();
    opsets[""] = kTargetOpset;
  }

  onnx::GraphProto *graph = model.mutable_graph();
  // --input-shape: pin the named graph inputs, then re-infer everything.
  if (!options.inputShapes.empty()) {
    llvm::StringSet<> inputNames;
    for (auto &in : *graph->mutable_input()) {
      inputNames.insert(in.name());
      auto it = options.inputShapes.find(in.name());
      if (it == options.inputShapes.end())
        continue;
      auto *shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
      if (shape->dim_size() != 0 &&
          shape->dim_size() != (int)it->second.size())
        return emitError(loc) << "--input-shape gives " << it->second.size()
                              << " dims for input '" << in.name()
                              << "' of rank " << shape->dim_size();
      shape->clear_dim();
      for (int64_t d : it->second) {
        auto *dim = shape->add_dim();
        if (d >= 0)
          dim->set_dim_value(d);
      }
    }
    for (const auto &kv : options.inputShapes)
      if (!inputNames.contains(kv.first) &&
          !options.inputValues.count(kv.first))
        return emitError(loc) << "--input-shape names '" << kv.first
                              << "', which is not a graph input";
    graph->clear_value_info();
  }

  try {
    inferShapes(model, /*checkType=*/true, /*errorMode=*/1, /*dataProp=*/true);
  } catch (const std::exception &e) {
    std::string msg = e.what();
    // ONNX prefixes its messages with "[ShapeInferenceError] " and friends.
    return emitError(loc) << "ONNX shape inference failed: " << msg;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Graph-level preparation: bound inputs, topological order, constant If
//===----------------------------------------------------------------------===//

/// Diagnostics name unnamed nodes "<OpType>_<index>", the index in the model
/// as read: the steps that move or insert nodes (sort, If inlining, the
/// opset rewrites) fix those names first.
void dyad::import::nameUnnamedNodes(onnx::GraphProto &graph) {
  for (auto [index, node] : llvm::enumerate(*graph.mutable_node()))
    if (node.name().empty())
      node.set_name(node.op_type() + "_" + std::to_string(index));
}

namespace {

/// Calls `fn` on every graph attribute of `node`.
template <typename Fn>
void forEachSubgraph(const onnx::NodeProto &node, Fn fn) {
  for (const auto &a : node.attribute()) {
    if (a.has_g())
      fn(a.g());
    for (const auto &g : a.graphs())
      fn(g);
  }
}
template <typename Fn> void forEachSubgraph(onnx::NodeProto &node, Fn fn) {
  for (auto &a : *node.mutable_attribute()) {
    if (a.has_g())
      fn(*a.mutable_g());
    for (auto &g : *a.mutable_graphs())
      fn(g);
  }
}

/// The names a subgraph (and the subgraphs in it) reads from enclosing
/// scopes.
void freeNames(const onnx::GraphProto &g, llvm::StringSet<> &out) {
  llvm::StringSet<> local;
  for (const auto &i : g.input())
    local.insert(i.name());
  for (const auto &i : g.initializer())
    local.insert(i.name());
  for (const auto &n : g.node())
    for (const auto &o : n.output())
      local.insert(o);
  auto use = [&](StringRef name) {
    if (!name.empty() && !local.contains(name))
      out.insert(name);
  };
  for (const auto &n : g.node()) {
    for (const auto &i : n.input())
      use(i);
    forEachSubgraph(n, [&](const onnx::GraphProto &sub) {
      llvm::StringSet<> inner;
      freeNames(sub, inner);
      for (const auto &k : inner)
        use(k.getKey());
    });
  }
  for (const auto &o : g.output())
    use(o.name());
}

/// Every value `node` reads: its inputs, and what its subgraphs read from
/// the enclosing scope.
SmallVector<std::string> nodeReads(const onnx::NodeProto &node) {
  SmallVector<std::string> reads;
  for (const auto &i : node.input())
    if (!i.empty())
      reads.push_back(i);
  forEachSubgraph(node, [&](const onnx::GraphProto &sub) {
    llvm::StringSet<> inner;
    freeNames(sub, inner);
    for (const auto &k : inner)
      reads.push_back(k.getKey().str());
  });
  return reads;
}

/// Every name defined or read in `g` and its subgraphs.
void allNames(const onnx::GraphProto &g, llvm::StringSet<> &out,
              const onnx::NodeProto *skipSubgraphsOf = nullptr) {
  for (const auto &i : g.input())
    out.insert(i.name());
  for (const auto &i : g.initializer())
    out.insert(i.name());
  for (const auto &o : g.output())
    out.insert(o.name());
  for (const auto &n : g.node()) {
    for (const auto &i : n.input())
      out.insert(i);
    for (const auto &o : n.output())
      out.insert(o);
    if (&n != skipSubgraphsOf)
      forEachSubgraph(n, [&](const onnx::GraphProto &sub) { allNames(sub, out); });
  }
}

/// Renames values in `g` and its subgraphs.
void renameValues(onnx::GraphProto &g, const llvm::StringMap<std::string> &map) {
  auto fix = [&](std::string *name) {
    auto it = map.find(*name);
    if (it != map.end())
      *name = it->second;
  };
  for (auto &i : *g.mutable_initializer())
    fix(i.mutable_name());
  for (auto &o : *g.mutable_output())
    fix(o.mutable_name());
  for (auto &n : *g.mutable_node()) {
    for (auto &i : *n.mutable_input())
      fix(&i);
    for (auto &o : *n.mutable_output())
      fix(&o);
    forEachSubgraph(n, [&](onnx::GraphProto &sub) { renameValues(sub, map); });
  }
}

/// A small constant tensor as the folder holds it.
struct Folded {
  int32_t type = 0;
  SmallVector<int64_t> dims;
  SmallVector<double> v;
};

constexpr int64_t kMaxFoldElements = 1 << 12;

bool isIntegerType(int32_t t) {
  using TP = onnx::TensorProto;
  return t == TP::INT8 || t == TP::INT16 || t == TP::INT32 || t == TP::INT64 ||
         t == TP::UINT8 || t == TP::UINT16 || t == TP::UINT32 ||
         t == TP::UINT64 || t == TP::BOOL;
}

/// Folds the chain that computes an If condition: small constants
/// (initializers, Constant nodes, bound inputs) through element-wise
/// comparisons, logic and arithmetic, casts, reshapes and gathers.
class ConstFolder {
public:
  ConstFolder(GraphImporter &gi, const onnx::GraphProto &g) : gi(gi) {
    for (const auto &i : g.initializer())
      inits[i.name()] = &i;
    for (const auto &n : g.node())
      for (const auto &o : n.output())
        if (!o.empty())
          producer.try_emplace(o, &n);
    for (const auto &i : g.input())
      if (!inits.count(i.name())) {
        graphInputs.insert(i.name());
        types[i.name()] = &i.type();
      }
    for (const auto &vi : g.value_info())
      types[vi.name()] = &vi.type();
  }

  std::optional<Folded> eval(const std::string &name, int depth = 0) {
    auto it = memo.find(name);
    if (it != memo.end())
      return it->second;
    std::optional<Folded> r = depth > 256 ? std::nullopt : compute(name, depth);
    if (r && r->v.size() > (size_t)kMaxFoldElements)
      r = std::nullopt;
    memo[name] = r;
    return r;
  }

  /// The graph inputs that `name` is computed from.
  void inputsBehind(const std::string &name, llvm::StringSet<> &out,
                    llvm::StringSet<> &seen) {
    if (!seen.insert(name).second)
      return;
    if (graphInputs.contains(name)) {
      out.insert(name);
      return;
    }
    auto p = producer.find(name);
    if (p == producer.end())
      return;
    for (const auto &r : nodeReads(*p->second))
      inputsBehind(r, out, seen);
  }

private:
  GraphImporter &gi;
  llvm::StringMap<const onnx::TensorProto *> inits;
  llvm::StringMap<const onnx::NodeProto *> producer;
  llvm::StringMap<const onnx::TypeProto *> types;
  llvm::StringSet<> graphInputs;
  std::map<std::string, std::optional<Folded>> memo;

  std::optional<Folded> fromTensor(const onnx::TensorProto &t) {
    int64_t count = 1;
    for (int64_t d : t.dims()) {
      if (d < 0 || d > kMaxFoldElements)
        return std::nullopt;
      count *= d;
      if (count > kMaxFoldElements)
        return std::nullopt;
    }
    auto attr = gi.tensorToAttr(t, gi.valueLoc(t.name()));
    if (failed(attr))
      return std::nullopt;
    Folded f;
    f.type = t.data_type();
    f.dims.assign(t.dims().begin(), t.dims().end());
    Type elt = attr->getElementType();
    if (isa<FloatType>(elt)) {
      for (const APFloat &x : attr->getValues<APFloat>())
        f.v.push_back(x.convertToDouble());
    } else if (auto it = dyn_cast<IntegerType>(elt)) {
      bool zext = it.isUnsigned() || it.getWidth() == 1;
      for (const APInt &x : attr->getValues<APInt>())
        f.v.push_back(zext ? (double)x.getZExtValue() : (double)x.getSExtValue());
    } else {
      return std::nullopt;
    }
    return f;
  }

  static std::optional<SmallVector<int64_t>> ints(const std::optional<Folded> &f) {
    if (!f)
      return std::nullopt;
    SmallVector<int64_t> out;
    // INT64_MAX / INT64_MIN (Slice ends as exporters write them) are not
    // exact in a double: saturate instead of overflowing.
    for (double d : f->v) {
      if (std::isnan(d)) // a mistyped float tensor: not a list of ints
        return std::nullopt;
      out.push_back(d >= 0x1p63 ? INT64_MAX : d < -0x1p63 ? INT64_MIN : (int64_t)d);
    }
    return out;
  }

  static const onnx::AttributeProto *attr(const onnx::NodeProto &n,
                                          StringRef name) {
    for (const auto &a : n.attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }

  /// Numpy broadcasting of two shapes.
  static std::optional<SmallVector<int64_t>>
  broadcast(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
    size_t r = std::max(a.size(), b.size());
    SmallVector<int64_t> out(r);
    for (size_t i = 0; i < r; ++i) {
      int64_t x = i < r - a.size() ? 1 : a[i - (r - a.size())];
      int64_t y = i < r - b.size() ? 1 : b[i - (r - b.size())];
      if (x != y && x != 1 && y != 1)
        return std::nullopt;
      out[i] = x == 1 ? y : x;
    }
    return out;
  }
  /// The element of `f` that broadcasts to the linear index `i` of `out`.
  static double at(const Folded &f, ArrayRef<int64_t> out, int64_t i) {
    int64_t idx = 0, stride = 1;
    size_t r = out.size(), fr = f.dims.size();
    for (size_t k = r; k-- > 0;) {
      int64_t c = i % out[k];
      i /= out[k];
      if (k >= r - fr) {
        int64_t d = f.dims[k - (r - fr)];
        idx += (d == 1 ? 0 : c) * stride;
        stride *= d;
      }
    }
    return f.v[idx];
  }

  /// The element count of `dims`; INT64_MAX where it overflows (dims
  /// read from a model's value_info can be anything: found by
  /// dyad-import-fuzzer, a Size of a shape of 6120 x 5.6e18).
  static int64_t count(ArrayRef<int64_t> dims) {
    int64_t c = 1;
    for (int64_t d : dims)
      if (__builtin_mul_overflow(c, d, &c))
        return INT64_MAX;
    return c;
  }

  std::optional<Folded> compute(const std::string &name, int depth) {
    if (auto it = inits.find(name); it != inits.end())
      return fromTensor(*it->second);
    auto p = producer.find(name);
    if (p == producer.end())
      return std::nullopt;
    const onnx::NodeProto &n = *p->second;
    if (!isDefaultDomain(n) || n.output_size() < 1)
      return std::nullopt;
    int outIndex = 0;
    while (outIndex < n.output_size() && n.output(outIndex) != name)
      ++outIndex;
    if (outIndex != 0 && n.op_type() != "Split")
      return std::nullopt;
    const std::string &op = n.op_type();
    auto in = [&](int i) -> std::optional<Folded> {
      if (i >= n.input_size() || n.input(i).empty())
        return std::nullopt;
      return eval(n.input(i), depth + 1);
    };
    using TP = onnx::TensorProto;

    if (op == "Constant") {
      if (n.attribute_size() != 1)
        return std::nullopt;
      const auto &a = n.attribute(0);
      Folded f;
      if (a.name() == "value")
        return fromTensor(a.t());
      if (a.name() == "value_int" || a.name() == "value_ints") {
        f.type = TP::INT64;
        if (a.name() == "value_int")
          f.v.push_back(a.i());
        else {
          for (int64_t x : a.ints())
            f.v.push_back(x);
          f.dims.push_back(a.ints_size());
        }
        return f;
      }
      if (a.name() == "value_float" || a.name() == "value_floats") {
        f.type = TP::FLOAT;
        if (a.name() == "value_float")
          f.v.push_back(a.f());
        else {
          for (float x : a.floats())
            f.v.push_back(x);
          f.dims.push_back(a.floats_size());
        }
        return f;
      }
      return std::nullopt;
    }
    if (op == "Identity")
      return in(0);
    if (op == "Cast") {
      auto x = in(0);
      const auto *to = attr(n, "to");
      if (!x || !to)
        return std::nullopt;
      x->type = to->i();
      for (double &d : x->v) {
        if (x->type == TP::BOOL)
          d = d != 0;
        else if (isIntegerType(x->type))
          d = std::trunc(d);
        else if (x->type == TP::FLOAT)
          d = (float)d;
      }
      return x;
    }
    if (op == "Shape" || op == "Size") {
      auto t = types.find(n.input_size() ? n.input(0) : "");
      if (t == types.end() || !t->second->has_tensor_type() ||
          !t->second->tensor_type().has_shape())
        return std::nullopt;
      SmallVector<int64_t> dims;
      for (const auto &d : t->second->tensor_type().shape().dim()) {
        if (!d.has_dim_value())
          return std::nullopt;
        dims.push_back(d.dim_value());
      }
      Folded f;
      f.type = TP::INT64;
      if (op == "Size") {
        if (count(dims) == INT64_MAX || count(dims) < 0)
          return std::nullopt;
        f.v.push_back(count(dims));
        return f;
      }
      int64_t r = dims.size();
      const auto *s = attr(n, "start");
      const auto *e = attr(n, "end");
      int64_t start = s ? s->i() : 0, end = e ? e->i() : r;
      start = std::clamp<int64_t>(start < 0 ? start + r : start, 0, r);
      end = std::clamp<int64_t>(end < 0 ? end + r : end, 0, r);
      for (int64_t i = start; i < end; ++i)
        f.v.push_back(dims[i]);
      f.dims.push_back(f.v.size());
      return f;
    }
    if (op == "Reshape") {
      auto x = in(0);
      auto shape = ints(in(1));
      if (!x || !shape)
        return std::nullopt;
      const auto *az = attr(n, "allowzero");
      bool allowZero = az && az->i();
      SmallVector<int64_t> dims;
      int64_t known = 1, infer = -1;
      for (auto [i, d] : llvm::enumerate(*shape)) {
        if (d == 0 && !allowZero) {
          if (i >= x->dims.size())
            return std::nullopt;
          d = x->dims[i];
        }
        if (d == -1) {
          if (infer >= 0)
            return std::nullopt;
          infer = i;
          dims.push_back(1);
          continue;
        }
        if (d < 0 || d > kMaxFoldElements)
          return std::nullopt;
        dims.push_back(d);
        if (__builtin_mul_overflow(known, d, &known))
          return std::nullopt;
      }
      int64_t total = x->v.size();
      if (infer >= 0) {
        if (known == 0 || total % known)
          return std::nullopt;
        dims[infer] = total / known;
      }
      if (count(dims) != total)
        return std::nullopt;
      x->dims = dims;
      return x;
    }
    if (op == "Squeeze" || op == "Unsqueeze") {
      auto x = in(0);
      if (!x)
        return std::nullopt;
      std::optional<SmallVector<int64_t>> axes;
      if (n.input_size() > 1 && !n.input(1).empty())
        axes = ints(in(1));
      else if (const auto *a = attr(n, "axes"))
        axes = SmallVector<int64_t>(a->ints().begin(), a->ints().end());
      else if (op == "Unsqueeze")
        return std::nullopt;
      if (n.input_size() > 1 && !n.input(1).empty() && !axes)
        return std::nullopt;
      int64_t r = x->dims.size();
      if (op == "Squeeze") {
        SmallVector<int64_t> dims;
        for (int64_t i = 0; i < r; ++i) {
          bool drop = axes ? llvm::any_of(*axes, [&](int64_t a) {
            return (a < 0 ? a + r : a) == i;
          })
                           : x->dims[i] == 1;
          if (drop && x->dims[i] != 1)
            return std::nullopt;
          if (!drop)
            dims.push_back(x->dims[i]);
        }
        x->dims = dims;
        return x;
      }
      int64_t outRank = r + axes->size();
      SmallVector<bool> isNew(outRank, false);
      for (int64_t a : *axes) {
        a = a < 0 ? a + outRank : a;
        if (a < 0 || a >= outRank || isNew[a])
          return std::nullopt;
        isNew[a] = true;
      }
      SmallVector<int64_t> dims;
      for (int64_t i = 0, k = 0; i < outRank; ++i)
        dims.push_back(isNew[i] ? 1 : x->dims[k++]);
      x->dims = dims;
      return x;
    }
    if (op == "Gather") {
      auto x = in(0);
      auto idx = in(1);
      if (!x || !idx)
        return std::nullopt;
      const auto *a = attr(n, "axis");
      int64_t r = x->dims.size(), axis = a ? a->i() : 0;
      axis = axis < 0 ? axis + r : axis;
      if (axis < 0 || axis >= r)
        return std::nullopt;
      int64_t outer = count(ArrayRef(x->dims).take_front(axis));
      int64_t dim = x->dims[axis];
      int64_t inner = count(ArrayRef(x->dims).drop_front(axis + 1));
      Folded f;
      f.type = x->type;
      f.dims.append(x->dims.begin(), x->dims.begin() + axis);
      f.dims.append(idx->dims.begin(), idx->dims.end());
      f.dims.append(x->dims.begin() + axis + 1, x->dims.end());
      if (count(f.dims) > kMaxFoldElements)
        return std::nullopt;
      for (int64_t o = 0; o < outer; ++o)
        for (double iv : idx->v) {
          if (!(std::abs(iv) < 0x1p62)) // NaN, or no index of any tensor
            return std::nullopt;
          int64_t i = (int64_t)iv;
          i = i < 0 ? i + dim : i;
          if (i < 0 || i >= dim)
            return std::nullopt;
          for (int64_t k = 0; k < inner; ++k)
            f.v.push_back(x->v[(o * dim + i) * inner + k]);
        }
      return f;
    }
    if (op == "Not") {
      auto x = in(0);
      if (!x)
        return std::nullopt;
      for (double &d : x->v)
        d = d == 0;
      return x;
    }
    if (op == "Concat") {
      const auto *a = attr(n, "axis");
      SmallVector<Folded> parts;
      for (int i = 0; i < n.input_size(); ++i) {
        auto x = in(i);
        if (!x || x->dims.empty() ||
            (!parts.empty() && x->dims.size() != parts[0].dims.size()))
          return std::nullopt;
        parts.push_back(*x);
      }
      if (!a || parts.empty())
        return std::nullopt;
      int64_t r = parts[0].dims.size(), axis = a->i() < 0 ? a->i() + r : a->i();
      if (axis < 0 || axis >= r)
        return std::nullopt;
      Folded f;
      f.type = parts[0].type;
      f.dims = parts[0].dims;
      f.dims[axis] = 0;
      for (const Folded &x : parts) {
        for (int64_t d = 0; d < r; ++d)
          if (d != axis && x.dims[d] != f.dims[d])
            return std::nullopt;
        f.dims[axis] += x.dims[axis];
      }
      int64_t outer = count(ArrayRef(f.dims).take_front(axis));
      for (int64_t o = 0; o < outer; ++o)
        for (const Folded &x : parts) {
          int64_t block = count(ArrayRef(x.dims).drop_front(axis));
          f.v.append(x.v.begin() + o * block, x.v.begin() + (o + 1) * block);
        }
      return f;
    }
    if (op == "Split" || op == "Slice") {
      // Both are a box of the input: [begin, begin + size) along one or more
      // axes with a step.
      auto x = in(0);
      if (!x || x->dims.empty())
        return std::nullopt;
      int64_t r = x->dims.size();
      SmallVector<int64_t> begin(r, 0), size(x->dims), step(r, 1);
      if (op == "Split") {
        const auto *a = attr(n, "axis");
        int64_t axis = a ? a->i() : 0;
        axis = axis < 0 ? axis + r : axis;
        if (axis < 0 || axis >= r)
          return std::nullopt;
        std::optional<SmallVector<int64_t>> split;
        if (n.input_size() > 1 && !n.input(1).empty())
          split = ints(in(1));
        else if (const auto *sa = attr(n, "split"))
          split = SmallVector<int64_t>(sa->ints().begin(), sa->ints().end());
        else if (x->dims[axis] % n.output_size() == 0)
          split = SmallVector<int64_t>(n.output_size(),
                                       x->dims[axis] / n.output_size());
        if (!split || (int)split->size() != n.output_size())
          return std::nullopt;
        int64_t total = 0;
        for (int64_t s : *split) {
          if (s < 0)
            return std::nullopt;
          total += s;
        }
        if (total != x->dims[axis])
          return std::nullopt;
        for (int i = 0; i < outIndex; ++i)
          begin[axis] += (*split)[i];
        size[axis] = (*split)[outIndex];
      } else {
        // Slice-10+ (inputs); Slice-1's attribute form is left to import.
        if (n.input_size() < 3)
          return std::nullopt;
        auto starts = ints(in(1)), ends = ints(in(2));
        std::optional<SmallVector<int64_t>> axes, steps;
        if (n.input_size() > 3 && !n.input(3).empty())
          axes = ints(in(3));
        else if (starts) {
          axes.emplace();
          for (size_t i = 0; i < starts->size(); ++i)
            axes->push_back(i);
        }
        if (n.input_size() > 4 && !n.input(4).empty())
          steps = ints(in(4));
        else if (starts)
          steps = SmallVector<int64_t>(starts->size(), 1);
        if (!starts || !ends || !axes || !steps ||
            ends->size() != starts->size() || axes->size() != starts->size() ||
            steps->size() != starts->size())
          return std::nullopt;
        for (size_t i = 0; i < starts->size(); ++i) {
          int64_t a = (*axes)[i] < 0 ? (*axes)[i] + r : (*axes)[i];
          int64_t st = (*steps)[i];
          if (a < 0 || a >= r || st == 0)
            return std::nullopt;
          int64_t dim = x->dims[a];
          auto clampIndex = [&](int64_t v) {
            if (v < 0)
              v += dim;
            return st > 0 ? std::clamp<int64_t>(v, 0, dim)
                          : std::clamp<int64_t>(v, -1, dim - 1);
          };
          int64_t b = clampIndex((*starts)[i]), e = clampIndex((*ends)[i]);
          int64_t len = st > 0 ? (e > b ? (e - b + st - 1) / st : 0)
                               : (b > e ? (b - e - st - 1) / -st : 0);
          begin[a] = b;
          size[a] = len;
          step[a] = st;
        }
      }
      Folded f;
      f.type = x->type;
      f.dims = size;
      int64_t total = count(size);
      SmallVector<int64_t> idx(r, 0);
      for (int64_t k = 0; k < total; ++k) {
        int64_t linear = 0;
        for (int64_t d = 0; d < r; ++d)
          linear = linear * x->dims[d] + begin[d] + idx[d] * step[d];
        f.v.push_back(x->v[linear]);
        for (int64_t d = r - 1; d >= 0 && ++idx[d] == size[d]; --d)
          idx[d] = 0;
      }
      return f;
    }
    static const llvm::StringSet<> compare = {
        "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual",
        "And", "Or", "Xor"};
    static const llvm::StringSet<> arith = {"Add", "Sub", "Mul"};
    if (compare.contains(op) || arith.contains(op)) {
      auto a = in(0), b = in(1);
      if (!a || !b)
        return std::nullopt;
      auto dims = broadcast(a->dims, b->dims);
      if (!dims || count(*dims) > kMaxFoldElements)
        return std::nullopt;
      Folded f;
      f.type = compare.contains(op) ? (int32_t)TP::BOOL : a->type;
      f.dims = *dims;
      for (int64_t i = 0, e = count(*dims); i < e; ++i) {
        double x = at(*a, *dims, i), y = at(*b, *dims, i), r = 0;
        if (op == "Equal") r = x == y;
        else if (op == "Greater") r = x > y;
        else if (op == "Less") r = x < y;
        else if (op == "GreaterOrEqual") r = x >= y;
        else if (op == "LessOrEqual") r = x <= y;
        else if (op == "And") r = (x != 0) && (y != 0);
        else if (op == "Or") r = (x != 0) || (y != 0);
        else if (op == "Xor") r = (x != 0) != (y != 0);
        else if (op == "Add") r = x + y;
        else if (op == "Sub") r = x - y;
        else r = x * y;
        f.v.push_back(r);
      }
      return f;
    }
    return std::nullopt;
  }
};

} // namespace

/// The name of an element type newer than libonnx 1.12 (IR 9+), or null.
static const char *newerElementType(int64_t t) {
  switch (t) {
  case 17: return "FLOAT8E4M3FN (IR 9)";
  case 18: return "FLOAT8E4M3FNUZ (IR 9)";
  case 19: return "FLOAT8E5M2 (IR 9)";
  case 20: return "FLOAT8E5M2FNUZ (IR 9)";
  case 21: return "UINT4 (IR 10)";
  case 22: return "INT4 (IR 10)";
  case 23: return "FLOAT4E2M1 (IR 11)";
  default: return nullptr;
  }
}

LogicalResult GraphImporter::checkElementTypes(const onnx::GraphProto &graph) {
  auto check = [&](int64_t t, Location loc,
                   const llvm::Twine &what) -> LogicalResult {
    if (const char *name = newerElementType(t))
      return emitError(loc) << what << " has element type " << name
                            << ", which Dyad does not support";
    return success();
  };
  auto checkValue = [&](const onnx::ValueInfoProto &vi) -> LogicalResult {
    if (!vi.type().has_tensor_type())
      return success();
    return check(vi.type().tensor_type().elem_type(), valueLoc(vi.name()),
                 "value '" + vi.name() + "'");
  };
  for (const auto &vi : graph.input())
    if (failed(checkValue(vi)))
      return failure();
  for (const auto &vi : graph.output())
    if (failed(checkValue(vi)))
      return failure();
  for (const auto &vi : graph.value_info())
    if (failed(checkValue(vi)))
      return failure();
  for (const auto &t : graph.initializer())
    if (failed(check(t.data_type(), valueLoc(t.name()),
                     "initializer '" + t.name() + "'")))
      return failure();
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    Location loc = nodeLoc(node, index);
    for (const auto &a : node.attribute()) {
      if (a.has_t() && failed(check(a.t().data_type(), loc,
                                    node.op_type() + ": attribute '" +
                                        a.name() + "'")))
        return failure();
      if ((a.name() == "to" || a.name() == "output_dtype") &&
          a.type() == onnx::AttributeProto::INT &&
          failed(check(a.i(), loc,
                       node.op_type() + ": attribute '" + a.name() + "'")))
        return failure();
      if (a.has_g() && failed(checkElementTypes(a.g())))
        return failure();
      for (const auto &g : a.graphs())
        if (failed(checkElementTypes(g)))
          return failure();
    }
  }
  return success();
}

LogicalResult GraphImporter::bindInputs(onnx::GraphProto &graph) {
  using TP = onnx::TensorProto;
  for (const auto &entry : options.inputValues) {
    const std::string &name = entry.first;
    const std::vector<double> &values = entry.second;
    int index = -1;
    for (auto [i, in] : llvm::enumerate(graph.input()))
      if (in.name() == name)
        index = i;
    bool isInit = llvm::any_of(graph.initializer(), [&](const auto &t) {
      return t.name() == name;
    });
    if (index < 0 || isInit)
      return emitError(fileLoc()) << "--bind-input names '" << name
                                  << "', which is not a graph input";
    Location loc = valueLoc(name);
    const onnx::TypeProto &type = graph.input(index).type();
    if (!type.has_tensor_type())
      return emitError(loc) << "--bind-input: graph input '" << name
                            << "' is not a tensor";
    const auto &tt = type.tensor_type();
    // The shape: --input-shape's, else the declared one.
    std::optional<SmallVector<int64_t>> dims;
    if (auto s = options.inputShapes.find(name);
        s != options.inputShapes.end())
      dims = SmallVector<int64_t>(s->second.begin(), s->second.end());
    else if (tt.has_shape()) {
      dims.emplace();
      for (const auto &d : tt.shape().dim())
        dims->push_back(d.has_dim_value() ? d.dim_value() : -1);
    }
    int64_t n = values.size();
    if (!dims) {
      dims = n == 1 ? SmallVector<int64_t>() : SmallVector<int64_t>{n};
    } else {
      int64_t known = 1, unknown = 0;
      for (int64_t d : *dims)
        d < 0 ? (void)++unknown
              : (void)(known = std::min<int64_t>(known * std::min<int64_t>(
                                                             d, 1 << 20),
                                                 1 << 20));
      if (unknown == 1 && known > 0 && n % known == 0) {
        for (int64_t &d : *dims)
          if (d < 0)
            d = n / known;
      } else if (unknown > 0) {
        return emitError(loc)
               << "--bind-input: graph input '" << name << "' has "
               << unknown
               << " unknown dims; give its shape with --input-shape";
      } else if (known != n) {
        return emitError(loc)
               << "--bind-input gives " << n << " value(s) for graph input '"
               << name << "', which holds " << known;
      }
    }
    TP t;
    t.set_name(name);
    int32_t elt = tt.elem_type();
    t.set_data_type(elt);
    for (int64_t d : *dims)
      t.add_dims(d);
    // Integer types: whole numbers within the type's range.
    std::optional<std::pair<double, double>> range;
    switch (elt) {
    case TP::BOOL: range = {0, 1}; break;
    case TP::INT8: range = {-128, 127}; break;
    case TP::UINT8: range = {0, 255}; break;
    case TP::INT16: range = {-32768, 32767}; break;
    case TP::UINT16: range = {0, 65535}; break;
    case TP::INT32: range = {-2147483648.0, 2147483647.0}; break;
    case TP::UINT32: range = {0, 4294967295.0}; break;
    case TP::INT64: range = {-9.2e18, 9.2e18}; break;
    case TP::UINT64: range = {0, 1.8e19}; break;
    case TP::FLOAT: case TP::DOUBLE: case TP::FLOAT16: case TP::BFLOAT16:
      break;
    default:
      return emitError(loc) << "--bind-input: graph input '" << name
                            << "' has element type " << elt
                            << ", which cannot be bound";
    }
    for (double v : values) {
      std::string shown;
      llvm::raw_string_ostream(shown) << llvm::format("%g", v);
      if (range && (v != std::trunc(v) || v < range->first ||
                    v > range->second))
        return emitError(loc)
               << "--bind-input: " << shown << " is not a value of graph input '"
               << name << "' (" << TP::DataType_Name((TP::DataType)elt)
               << ")";
      switch (elt) {
      case TP::FLOAT: t.add_float_data((float)v); break;
      case TP::DOUBLE: t.add_double_data(v); break;
      case TP::INT64: t.add_int64_data((int64_t)v); break;
      case TP::UINT32: case TP::UINT64: t.add_uint64_data((uint64_t)v); break;
      case TP::FLOAT16: case TP::BFLOAT16: {
        llvm::APFloat f(v);
        bool lost;
        f.convert(elt == TP::FLOAT16 ? llvm::APFloat::IEEEhalf()
                                     : llvm::APFloat::BFloat(),
                  llvm::APFloat::rmNearestTiesToEven, &lost);
        t.add_int32_data((int32_t)f.bitcastToAPInt().getZExtValue());
        break;
      }
      default: t.add_int32_data((int32_t)v); break;
      }
    }
    *graph.add_initializer() = std::move(t);
    graph.mutable_input()->DeleteSubrange(index, 1);
  }
  return success();
}

LogicalResult GraphImporter::sortNodes(onnx::GraphProto &graph) {
  int n = graph.node_size();
  llvm::StringMap<int> producer;
  for (int i = 0; i < n; ++i)
    for (const auto &o : graph.node(i).output())
      if (!o.empty())
        producer.try_emplace(o, i);
  std::vector<SmallVector<int, 2>> users(n);
  std::vector<int> pending(n, 0);
  bool sorted = true;
  for (int i = 0; i < n; ++i)
    for (const auto &r : nodeReads(graph.node(i))) {
      auto it = producer.find(r);
      if (it == producer.end())
        continue; // an input, initializer, or dangling: validateGraph's job
      users[it->second].push_back(i);
      ++pending[i];
      sorted &= it->second < i;
    }
  if (sorted)
    return success();
  nameUnnamedNodes(graph);
  // Kahn's algorithm, always taking the earliest ready node: the model's
  // order survives wherever it is legal.
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i)
    if (!pending[i])
      ready.push(i);
  std::vector<int> order;
  order.reserve(n);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int u : users[i])
      if (--pending[u] == 0)
        ready.push(u);
  }
  if ((int)order.size() < n) {
    // Walk back along unfinished inputs until a node repeats: it is on a
    // cycle.
    std::vector<bool> done(n, false);
    for (int i : order)
      done[i] = true;
    int cur = 0;
    while (done[cur])
      ++cur;
    std::vector<bool> seen(n, false);
    std::string via;
    while (!seen[cur]) {
      seen[cur] = true;
      for (const auto &r : nodeReads(graph.node(cur))) {
        auto it = producer.find(r);
        if (it != producer.end() && !done[it->second]) {
          cur = it->second;
          break;
        }
      }
    }
    for (const auto &r : nodeReads(graph.node(cur))) {
      auto it = producer.find(r);
      if (it != producer.end() && !done[it->second]) {
        via = r;
        break;
      }
    }
    return emitError(nodeLoc(graph.node(cur), cur))
           << graph.node(cur).op_type()
           << ": the graph has a cycle through this node: its input '" << via
           << "' depends on its own output";
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  nodes.Reserve(n);
  for (int i : order)
    *nodes.Add() = std::move(*graph.mutable_node(i));
  graph.mutable_node()->Swap(&nodes);
  return success();
}

void GraphImporter::foldConstantNodes(onnx::GraphProto &graph) {
  // Data movement and integer arithmetic only: ONNX's data propagation
  // misses Split, and a folded value is exact (checked below).
  static const llvm::StringSet<> foldable = {
      "Split", "Concat", "Slice", "Squeeze", "Unsqueeze", "Reshape", "Gather",
      "Cast", "Add", "Sub", "Mul"};
  llvm::StringSet<> known, graphOutputs;
  for (const auto &i : graph.initializer())
    known.insert(i.name());
  for (const auto &i : graph.input())
    known.erase(i.name()); // an initializer that is also an input can change
  for (const auto &o : graph.output())
    graphOutputs.insert(o.name());
  ConstFolder folder(*this, graph);
  using TP = onnx::TensorProto;
  SmallVector<int> folded;
  SmallVector<onnx::TensorProto> tensors;
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    if (!isDefaultDomain(node) || !foldable.contains(node.op_type()) ||
        node.output_size() == 0)
      continue;
    if (!llvm::all_of(node.input(), [&](const std::string &in) {
          return in.empty() || known.contains(in);
        }))
      continue;
    SmallVector<onnx::TensorProto> outs;
    for (const std::string &out : node.output()) {
      std::optional<Folded> f =
          out.empty() || graphOutputs.contains(out) ? std::nullopt
                                                    : folder.eval(out);
      if (!f) {
        outs.clear();
        break;
      }
      TP t;
      t.set_name(out);
      t.set_data_type(f->type);
      for (int64_t d : f->dims)
        t.add_dims(d);
      bool exact = true;
      for (double v : f->v) {
        switch (f->type) {
        case TP::FLOAT:
          t.add_float_data((float)v);
          break;
        case TP::INT64:
          // (NaN fails the test: checked before the conversion.)
          exact &= std::abs(v) <= 0x1p53;
          if (exact)
            t.add_int64_data((int64_t)v);
          break;
        case TP::INT32:
        case TP::INT16:
        case TP::INT8:
        case TP::UINT16:
        case TP::UINT8:
        case TP::BOOL:
          exact &= std::abs(v) < 0x1p31;
          if (exact)
            t.add_int32_data((int32_t)v);
          break;
        default:
          exact = false;
        }
        if (!exact)
          break;
      }
      if (!exact) {
        outs.clear();
        break;
      }
      outs.push_back(std::move(t));
    }
    if (outs.empty())
      continue;
    for (auto &t : outs) {
      known.insert(t.name());
      tensors.push_back(std::move(t));
    }
    folded.push_back(index);
  }
  if (folded.empty())
    return;
  for (int index : llvm::reverse(folded))
    graph.mutable_node()->DeleteSubrange(index, 1);
  for (auto &t : tensors)
    *graph.add_initializer() = std::move(t);
}

LogicalResult GraphImporter::inlineConstantIfs(onnx::GraphProto &graph) {
  int64_t opset = opsets.count("") ? opsets[""] : 1;
  if (llvm::any_of(graph.node(), [](const onnx::NodeProto &n) {
        return n.op_type() == "If" && isDefaultDomain(n);
      }))
    nameUnnamedNodes(graph);
  while (true) {
    int index = -1;
    for (auto [i, node] : llvm::enumerate(graph.node()))
      if (node.op_type() == "If" && isDefaultDomain(node)) {
        index = i;
        break;
      }
    if (index < 0)
      return success();
    const onnx::NodeProto &ifNode = graph.node(index);
    Location loc = nodeLoc(ifNode, index);
    auto error = [&]() {
      return emitError(loc) << "If (opset " << opset << "): ";
    };
    if (ifNode.input_size() != 1 || ifNode.input(0).empty())
      return error() << "it needs one condition input";
    ConstFolder folder(*this, graph);
    const std::string &condName = ifNode.input(0);
    std::optional<Folded> cond = folder.eval(condName);
    if (!cond) {
      llvm::StringSet<> behind, seen;
      folder.inputsBehind(condName, behind, seen);
      auto diag = error() << "the condition '" << condName
                          << "' is not a compile-time constant";
      if (!behind.empty()) {
        SmallVector<std::string> names;
        for (const auto &b : behind)
          names.push_back("'" + b.getKey().str() + "'");
        llvm::sort(names);
        diag << " (it depends on graph input";
        if (names.size() > 1)
          diag << "s";
        diag << " ";
        llvm::interleaveComma(names, diag);
        diag << ": pin it with --bind-input NAME=VALUE)";
      }
      diag << "; data-dependent control flow is not supported";
      // The ops that would stand in the way too, in the graph and in the
      // branches of its If nodes (an LSTM in a branch, for one).
      std::map<std::string, SmallVector<std::string>> missing;
      std::function<void(const onnx::GraphProto &)> scan =
          [&](const onnx::GraphProto &g) {
            for (auto [i, n] : llvm::enumerate(g.node())) {
              std::string domain =
                  n.domain() == "ai.onnx" ? std::string() : n.domain();
              if (!(domain.empty() && n.op_type() == "If") &&
                  (!opTable().count(opKey(domain, n.op_type())) ||
                   !opsets.count(domain))) {
                std::string key =
                    (domain.empty() ? "" : domain + ".") + n.op_type();
                if (opsets.count(domain))
                  key += " (opset " + std::to_string(opsets[domain]) + ")";
                missing[key].push_back(n.name().empty()
                                           ? n.op_type() + "_" +
                                                 std::to_string(i)
                                           : n.name());
              }
              forEachSubgraph(n, scan);
            }
          };
      scan(graph);
      for (auto &[key, nodes] : missing) {
        auto d = emitError(valueLoc(nodes.front()))
                 << "unsupported op " << key << " used by " << nodes.size()
                 << " node(s) of the graph or its If branches: ";
        llvm::interleaveComma(ArrayRef(nodes).take_front(8), d);
        if (nodes.size() > 8)
          d << ", ...";
      }
      return failure();
    }
    if (cond->v.size() != 1)
      return error() << "the condition '" << condName << "' has "
                     << cond->v.size() << " elements (one is required)";
    bool taken = cond->v[0] != 0;
    const char *branchName = taken ? "then_branch" : "else_branch";
    const onnx::AttributeProto *branchAttr = nullptr;
    for (const auto &a : ifNode.attribute())
      if (a.name() == branchName && a.has_g())
        branchAttr = &a;
    if (!branchAttr)
      return error() << "no '" << branchName << "' graph";
    onnx::GraphProto branch = branchAttr->g();
    if (branch.input_size() != 0)
      return error() << "the " << branchName << " has inputs";
    if (branch.output_size() != ifNode.output_size())
      return error() << "the " << branchName << " has "
                     << branch.output_size() << " outputs, the node "
                     << ifNode.output_size();

    // Names the branch defines that are taken outside it get fresh ones.
    llvm::StringSet<> outer;
    allNames(graph, outer, &ifNode);
    llvm::StringMap<std::string> rename;
    auto define = [&](const std::string &name) {
      if (name.empty() || rename.count(name))
        return;
      std::string fresh = name;
      for (int i = 1; outer.contains(fresh); ++i)
        fresh = name + "_" + std::to_string(i);
      outer.insert(fresh);
      rename[name] = fresh;
    };
    for (const auto &init : branch.initializer())
      define(init.name());
    for (const auto &node : branch.node())
      for (const auto &o : node.output())
        define(o);
    renameValues(branch, rename);

    // Branch outputs become the If's outputs: renamed where a branch node
    // computes them, through Identity otherwise (an outer value, an
    // initializer, or one value returned twice).
    llvm::StringSet<> computed;
    for (const auto &node : branch.node())
      for (const auto &o : node.output())
        computed.insert(o);
    llvm::StringMap<std::string> toOutput;
    std::vector<onnx::NodeProto> identities;
    std::string ifName = ifNode.name();
    for (int k = 0; k < ifNode.output_size(); ++k) {
      const std::string &src = branch.output(k).name();
      const std::string &dst = ifNode.output(k);
      if (dst.empty())
        continue;
      if (computed.contains(src) && !toOutput.count(src)) {
        toOutput[src] = dst;
        continue;
      }
      onnx::NodeProto id;
      id.set_op_type("Identity");
      id.set_name(ifName + "/" + branchName + "/output_" + std::to_string(k));
      id.add_input(src);
      id.add_output(dst);
      identities.push_back(std::move(id));
    }
    renameValues(branch, toOutput);
    for (auto &id : identities) {
      auto it = toOutput.find(id.input(0));
      if (it != toOutput.end())
        id.set_input(0, it->second);
    }
    // Unnamed branch nodes are named after the If for diagnostics.
    for (auto [i, node] : llvm::enumerate(*branch.mutable_node()))
      if (node.name().empty())
        node.set_name(ifName + "/" + branchName + "/" + node.op_type() + "_" +
                      std::to_string(i));
    for (auto &init : *branch.mutable_initializer())
      *graph.add_initializer() = std::move(init);

    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    auto *old = graph.mutable_node();
    for (int i = 0; i < index; ++i)
      *nodes.Add() = std::move(*old->Mutable(i));
    for (auto &node : *branch.mutable_node())
      *nodes.Add() = std::move(node);
    for (auto &id : identities)
      *nodes.Add() = std::move(id);
    for (int i = index + 1; i < old->size(); ++i)
      *nodes.Add() = std::move(*old->Mutable(i));
    graph.mutable_node()->Swap(&nodes);

    // The condition's chain, now read by nothing, goes (its ops need not be
    // ones Dyad compiles).
    SmallVector<std::string> dead{condName};
    while (!dead.empty()) {
      std::string name = dead.pop_back_val();
      if (llvm::any_of(graph.output(),
                       [&](const auto &o) { return o.name() == name; }))
        continue;
      int producerIndex = -1;
      bool read = false;
      for (auto [i, node] : llvm::enumerate(graph.node())) {
        if (llvm::is_contained(node.output(), name))
          producerIndex = i;
        for (const auto &r : nodeReads(node))
          read |= r == name;
      }
      if (read || producerIndex < 0)
        continue;
      const onnx::NodeProto &p = graph.node(producerIndex);
      bool allDead = llvm::all_of(p.output(), [&](const std::string &o) {
        if (o.empty() || o == name)
          return true;
        if (llvm::any_of(graph.output(),
                         [&](const auto &go) { return go.name() == o; }))
          return false;
        return llvm::none_of(graph.node(), [&](const onnx::NodeProto &n) {
          return llvm::is_contained(nodeReads(n), o);
        });
      });
      if (!allDead)
        continue;
      SmallVector<std::string> reads = nodeReads(p);
      graph.mutable_node()->DeleteSubrange(producerIndex, 1);
      dead.append(reads.begin(), reads.end());
    }
  }
}
