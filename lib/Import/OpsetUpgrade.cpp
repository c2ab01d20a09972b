//===- OpsetUpgrade.cpp - old opsets to opset 17, node by node ------------===//
//
// Models of opset 7-16 are rewritten to kTargetOpset here, one node at a
// time, instead of by ONNX's version converter: libonnx 1.12's converter
// asserts where an adapter needs a shape it does not have (Softmax-12 -> 13
// on an input of unknown rank), builds invalid graphs where it has one
// (a Reshape to a target with several unknown dims), drops the coordinate
// semantics of Upsample / Resize-10, fails on Pad-10 without 'value' and
// throws on nodes of other domains (com.microsoft.Gelu). Dyad imports a
// fixed op table and unsupported ops are reported before this step, so every
// node here is of a known type, and each ONNX change of a known type since
// opset 7 is either listed as compatible (new types, new optional
// attributes, negative axes) or rewritten below:
//
//   Softmax < 13         flatten-at-axis semantics: Softmax(axis=-1) when the
//                        dims after the axis are 1 (or it is the last),
//                        else Flatten(axis) -> Softmax(-1) -> Reshape(Shape)
//   Upsample, Resize-10  Resize-13, coordinate_transformation_mode asymmetric
//                        (nearest_mode floor when enlarging, ceil when
//                        shrinking: the opset-10 rounding)
//   Pad < 11             pads / value attributes -> inputs
//   Clip < 11            min / max attributes -> inputs
//   Slice < 10           starts / ends / axes attributes -> inputs
//   Split, Squeeze, Unsqueeze, ReduceSum < 13: split / axes -> inputs
//   Dropout < 12         ratio attribute -> input
//   BatchNormalization < 14: 'spatial' (1) dropped, unused training outputs
//                        dropped
//
// Models below opset 7 (broadcast and consumed_inputs attributes) first go
// through ONNX's converter to opset 7, then through the same rewrites. Every
// failure is a diagnostic, at the node where one is known.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <onnx/defs/schema.h>
#include <onnx/version_converter/convert.h>

#include <cstring>
#include <exception>

using namespace mlir;
using namespace dyad;
using namespace dyad::import;

namespace {

/// Changes of an op's schema (the since-versions after 7) that leave a node
/// of the older version valid and equivalent at the newer one: new element
/// types, new optional attributes/inputs/outputs, negative axes.
const llvm::StringMap<SmallVector<int, 4>> &compatibleVersions() {
  static const llvm::StringMap<SmallVector<int, 4>> table = {
      {"Add", {13, 14}},
      {"Sub", {13, 14}},
      {"Mul", {13, 14}},
      {"Div", {13, 14}},
      {"AveragePool", {10, 11}},
      {"BatchNormalization", {15}},
      {"Cast", {9, 13}},
      {"Clip", {12, 13}},
      {"Concat", {11, 13}},
      {"Constant", {9, 11, 12, 13}},
      {"Conv", {11}},
      {"ConvTranspose", {11}},
      {"DequantizeLinear", {13}},
      {"QuantizeLinear", {13}},
      {"Dropout", {10, 13}},
      {"Erf", {13}},
      {"Exp", {13}},
      {"Sigmoid", {13}},
      {"Sqrt", {13}},
      {"Tanh", {13}},
      {"Relu", {13, 14}},
      {"Expand", {13}},
      {"Flatten", {9, 11, 13}},
      {"Gather", {11, 13}},
      {"Gemm", {9, 11, 13}},
      {"LeakyRelu", {16}},
      {"Identity", {13, 14, 16}},
      {"MatMul", {9, 13}},
      {"MaxPool", {8, 10, 11, 12}},
      {"Pad", {13}},
      {"Pow", {12, 13, 15}},
      {"ReduceMean", {11, 13}},
      {"ReduceSum", {11}},
      {"Reshape", {13, 14}},
      {"Resize", {13}},
      {"Shape", {13, 15}},
      {"Slice", {11, 13}},
      {"Softmax", {11}},
      {"Split", {11}},
      {"Squeeze", {11}},
      {"Unsqueeze", {11}},
      {"Transpose", {13}},
      {"Where", {16}},
      // Elementwise ops of exported models: numpy broadcasting (Max, Min,
      // Sum, Mean at 8) and more element types.
      {"Max", {8, 12, 13}},
      {"Min", {8, 12, 13}},
      {"Sum", {8, 13}},
      {"Mean", {8, 13}},
      {"Equal", {11, 13}},
      {"Greater", {9, 13}},
      {"Less", {9, 13}},
      {"GreaterOrEqual", {16}},
      {"LessOrEqual", {16}},
      {"Log", {13}},
      {"Neg", {13}},
      {"Abs", {13}},
      {"Reciprocal", {13}},
      {"Floor", {13}},
      {"Ceil", {13}},
      {"Sign", {13}},
      {"PRelu", {9, 16}},
      // Reductions, arg reductions, TopK, block rearrangements and
      // normalizations of exported models: negative axes (11), more element
      // types (12, 13), select_last_index defaulting to the old behaviour
      // (12), DepthToSpace's mode defaulting to DCR (11), InstanceNorm's
      // consumed_inputs dropped (6), TopK's largest / sorted defaulting to
      // the old behaviour (11).
      {"ReduceMax", {11, 12, 13}},
      {"ReduceMin", {11, 12, 13}},
      {"ReduceProd", {11, 13}},
      {"ReduceL1", {11, 13}},
      {"ReduceL2", {11, 13}},
      {"ReduceSumSquare", {11, 13}},
      {"ReduceLogSum", {11, 13}},
      {"ReduceLogSumExp", {11, 13}},
      {"ArgMax", {11, 12, 13}},
      {"ArgMin", {11, 12, 13}},
      {"TopK", {11}},
      {"Tile", {13}},
      {"DepthToSpace", {11, 13}},
      {"SpaceToDepth", {13}},
      {"InstanceNormalization", {6}},
  };
  return table;
}

/// The opset where the op of `schema` first appeared.
int firstVersion(const onnx::OpSchema *schema) {
  while (const onnx::OpSchema *older = onnx::OpSchemaRegistry::Schema(
             schema->Name(), schema->since_version() - 1, ""))
    schema = older;
  return schema->since_version();
}

class Upgrader;
using RewriteFn = LogicalResult (Upgrader::*)(onnx::NodeProto &, size_t);

/// A rewrite for nodes of models older than `before`.
struct Rule {
  int64_t before;
  RewriteFn fn;
};

class Upgrader {
public:
  /// `opset`: of the graph's nodes (7 or later); `modelOpset`: what the
  /// model declared, for messages.
  Upgrader(onnx::GraphProto &graph, int64_t opset, int64_t modelOpset,
           std::function<Location(const onnx::NodeProto &, size_t)> nodeLoc)
      : graph(graph), opset(opset), modelOpset(modelOpset),
        nodeLoc(std::move(nodeLoc)) {}

  /// Records what ONNX shape inference found at the old opset (types for
  /// new constants, ranks for Softmax).
  void noteTypes(const onnx::GraphProto &inferred);
  LogicalResult run();

  // Rewrites.
  LogicalResult softmax(onnx::NodeProto &node, size_t index);
  LogicalResult resize(onnx::NodeProto &node, size_t index);
  LogicalResult pad(onnx::NodeProto &node, size_t index);
  LogicalResult clip(onnx::NodeProto &node, size_t index);
  LogicalResult slice(onnx::NodeProto &node, size_t index);
  LogicalResult splitAttr(onnx::NodeProto &node, size_t index);
  LogicalResult axesAttr(onnx::NodeProto &node, size_t index);
  LogicalResult dropout(onnx::NodeProto &node, size_t index);
  LogicalResult batchNorm(onnx::NodeProto &node, size_t index);
  LogicalResult groupNorm(onnx::NodeProto &node, size_t index);

  /// Opset 18-21 -> 17 (`modelOpset` > 17). The first pass rewrites what
  /// needs no shapes and records in `numOutputSplits` the Split nodes that
  /// had `num_outputs`; the second, after shape inference at opset 17,
  /// expands `axes` inputs / attributes (Pad, Resize) to every dim and sizes
  /// uneven splits.
  LogicalResult downgrade(bool withShapes, llvm::StringSet<> &numOutputSplits);

private:
  onnx::GraphProto &graph;
  int64_t opset, modelOpset;
  std::function<Location(const onnx::NodeProto &, size_t)> nodeLoc;

  llvm::StringMap<onnx::TypeProto> types;
  /// Small float constants (initializers and Constant nodes): scales.
  llvm::StringMap<SmallVector<float>> floatConstants;
  llvm::StringSet<> names;
  llvm::StringSet<> used;
  /// The rewritten node list, built in order.
  std::vector<onnx::NodeProto> out;

  InFlightDiagnostic error(const onnx::NodeProto &node, size_t index) {
    return emitError(nodeLoc(node, index))
           << node.op_type() << " (opset " << modelOpset << "): cannot "
           << (modelOpset > kTargetOpset ? "convert" : "upgrade")
           << " to opset " << kTargetOpset << ": ";
  }
  /// Collects names, types and small constants of the graph.
  void collect();
  /// Small integer constants (initializers and Constant nodes): axes, pads,
  /// sizes.
  llvm::StringMap<SmallVector<int64_t>> intConstants;
  std::optional<SmallVector<int64_t>> constIntValues(StringRef name) const {
    auto it = intConstants.find(name);
    if (it == intConstants.end())
      return std::nullopt;
    return it->second;
  }
  static bool hasInput(const onnx::NodeProto &node, int i) {
    return i < node.input_size() && !node.input(i).empty();
  }
  /// Drops input `i` and any absent inputs after the last present one.
  static void dropInput(onnx::NodeProto &node, int i) {
    if (i < node.input_size())
      node.set_input(i, "");
    while (node.input_size() > 0 && node.input(node.input_size() - 1).empty())
      node.mutable_input()->RemoveLast();
  }

  // --- names and constants ------------------------------------------------
  std::string fresh(const std::string &base) {
    std::string name = base;
    for (int i = 1; names.contains(name); ++i)
      name = base + "_" + std::to_string(i);
    names.insert(name);
    return name;
  }
  /// Appends a Constant node holding `t` (name and dims set by the caller's
  /// helpers); returns its output name.
  std::string constant(const onnx::NodeProto &user, StringRef what,
                       onnx::TensorProto t) {
    onnx::NodeProto c;
    std::string name = fresh(user.name() + "/" + what.str());
    c.set_op_type("Constant");
    c.set_name(name);
    c.add_output(name);
    onnx::AttributeProto *a = c.add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    t.set_name(name);
    *a->mutable_t() = std::move(t);
    out.push_back(std::move(c));
    return name;
  }
  std::string constInts(const onnx::NodeProto &user, StringRef what,
                        ArrayRef<int64_t> values) {
    onnx::TensorProto t;
    t.set_data_type(onnx::TensorProto::INT64);
    t.add_dims(values.size());
    for (int64_t v : values)
      t.add_int64_data(v);
    return constant(user, what, std::move(t));
  }
  /// A scalar of float element type `elt` (FLOAT, DOUBLE, FLOAT16, BFLOAT16).
  std::string constScalar(const onnx::NodeProto &user, StringRef what,
                          int32_t elt, double value) {
    onnx::TensorProto t;
    t.set_data_type(elt);
    switch (elt) {
    case onnx::TensorProto::DOUBLE:
      t.add_double_data(value);
      break;
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16: {
      llvm::APFloat f(value);
      bool lost;
      f.convert(elt == onnx::TensorProto::FLOAT16 ? llvm::APFloat::IEEEhalf()
                                                  : llvm::APFloat::BFloat(),
                llvm::APFloat::rmNearestTiesToEven, &lost);
      t.add_int32_data((int32_t)f.bitcastToAPInt().getZExtValue());
      break;
    }
    default:
      t.set_data_type(onnx::TensorProto::FLOAT);
      t.add_float_data((float)value);
      break;
    }
    return constant(user, what, std::move(t));
  }
  std::string constFloats(const onnx::NodeProto &user, StringRef what,
                          ArrayRef<float> values) {
    onnx::TensorProto t;
    t.set_data_type(onnx::TensorProto::FLOAT);
    t.add_dims(values.size());
    for (float v : values)
      t.add_float_data(v);
    return constant(user, what, std::move(t));
  }

  // --- what is known of values ----------------------------------------------
  /// The element type of `name` (0 if unknown).
  int32_t elemType(StringRef name) const {
    auto it = types.find(name);
    if (it == types.end() || !it->second.has_tensor_type())
      return 0;
    return it->second.tensor_type().elem_type();
  }
  /// The shape of `name`: dims (-1 where unknown), or nullopt for an unknown
  /// rank.
  std::optional<SmallVector<int64_t>> shapeOf(StringRef name) const {
    auto it = types.find(name);
    if (it == types.end() || !it->second.has_tensor_type() ||
        !it->second.tensor_type().has_shape())
      return std::nullopt;
    SmallVector<int64_t> dims;
    for (const auto &d : it->second.tensor_type().shape().dim())
      dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
    return dims;
  }
  /// Records the values of a small float tensor constant.
  void noteConstant(const std::string &name, const onnx::TensorProto &t) {
    if ((t.data_type() == onnx::TensorProto::INT64 ||
         t.data_type() == onnx::TensorProto::INT32) &&
        t.data_location() != onnx::TensorProto::EXTERNAL) {
      bool i64 = t.data_type() == onnx::TensorProto::INT64;
      SmallVector<int64_t> v;
      if (t.has_raw_data()) {
        const std::string &raw = t.raw_data();
        size_t w = i64 ? 8 : 4;
        if (raw.size() > 64 * w || raw.size() % w)
          return;
        for (size_t i = 0; i < raw.size(); i += w) {
          if (i64) {
            int64_t x;
            std::memcpy(&x, raw.data() + i, 8);
            v.push_back(x);
          } else {
            int32_t x;
            std::memcpy(&x, raw.data() + i, 4);
            v.push_back(x);
          }
        }
      } else if (i64) {
        v.assign(t.int64_data().begin(), t.int64_data().end());
      } else {
        v.assign(t.int32_data().begin(), t.int32_data().end());
      }
      if (v.size() <= 64)
        intConstants[name] = std::move(v);
      return;
    }
    if (t.data_type() != onnx::TensorProto::FLOAT ||
        t.data_location() == onnx::TensorProto::EXTERNAL)
      return;
    SmallVector<float> v(t.float_data().begin(), t.float_data().end());
    if (t.has_raw_data()) {
      const std::string &raw = t.raw_data();
      if (raw.size() > 64 * sizeof(float) || raw.size() % sizeof(float))
        return;
      v.resize(raw.size() / sizeof(float));
      if (!v.empty())
        std::memcpy(v.data(), raw.data(), v.size() * sizeof(float));
    }
    if (v.size() <= 64)
      floatConstants[name] = std::move(v);
  }
  /// The float values of a constant `name` (initializer or Constant node).
  std::optional<SmallVector<float>> constFloatValues(StringRef name) const {
    auto it = floatConstants.find(name);
    if (it == floatConstants.end())
      return std::nullopt;
    return it->second;
  }
  bool isUsed(StringRef name) const { return !name.empty() && used.contains(name); }

  // --- attributes ---------------------------------------------------------
  static const onnx::AttributeProto *attr(const onnx::NodeProto &node,
                                          StringRef name) {
    for (const auto &a : node.attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }
  static void removeAttr(onnx::NodeProto &node, StringRef name) {
    auto *attrs = node.mutable_attribute();
    for (int i = 0; i < attrs->size(); ++i)
      if (attrs->Get(i).name() == name) {
        attrs->DeleteSubrange(i, 1);
        return;
      }
  }
  static void setIntAttr(onnx::NodeProto &node, StringRef name, int64_t v) {
    removeAttr(node, name);
    auto *a = node.add_attribute();
    a->set_name(name.str());
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void setStrAttr(onnx::NodeProto &node, StringRef name,
                         StringRef v) {
    removeAttr(node, name);
    auto *a = node.add_attribute();
    a->set_name(name.str());
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v.str());
  }
  /// Sets input `i`, padding with empty (absent) inputs.
  static void setInput(onnx::NodeProto &node, int i, const std::string &name) {
    while (node.input_size() <= i)
      node.add_input("");
    node.set_input(i, name);
  }
  /// Moves the ints attribute `name` to input `i` (nothing if absent).
  void intsAttrToInput(onnx::NodeProto &node, StringRef name, int i) {
    if (const auto *a = attr(node, name)) {
      SmallVector<int64_t> v(a->ints().begin(), a->ints().end());
      setInput(node, i, constInts(node, name, v));
      removeAttr(node, name);
    }
  }
};

} // namespace

void Upgrader::noteTypes(const onnx::GraphProto &inferred) {
  for (const auto &vi : inferred.input())
    types[vi.name()] = vi.type();
  for (const auto &vi : inferred.value_info())
    types[vi.name()] = vi.type();
  for (const auto &vi : inferred.output())
    if (vi.has_type())
      types[vi.name()] = vi.type();
}

void Upgrader::collect() {
  for (const auto &in : graph.input()) {
    names.insert(in.name());
    if (!types.count(in.name()))
      types[in.name()] = in.type();
  }
  for (const auto &init : graph.initializer()) {
    names.insert(init.name());
    noteConstant(init.name(), init);
    onnx::TypeProto t;
    t.mutable_tensor_type()->set_elem_type(init.data_type());
    auto *shape = t.mutable_tensor_type()->mutable_shape();
    for (int64_t d : init.dims())
      shape->add_dim()->set_dim_value(d);
    types[init.name()] = t;
  }
  for (const auto &node : graph.node()) {
    for (const auto &o : node.output())
      names.insert(o);
    for (const auto &i : node.input())
      used.insert(i);
    if (node.op_type() == "Constant" && node.output_size() == 1 &&
        isDefaultDomain(node)) {
      if (const auto *a = attr(node, "value")) {
        noteConstant(node.output(0), a->t());
      } else if (const auto *a = attr(node, "value_ints")) {
        intConstants[node.output(0)] =
            SmallVector<int64_t>(a->ints().begin(), a->ints().end());
      } else if (const auto *a = attr(node, "value_int")) {
        intConstants[node.output(0)] = {a->i()};
      } else if (const auto *a = attr(node, "value_floats")) {
        floatConstants[node.output(0)] =
            SmallVector<float>(a->floats().begin(), a->floats().end());
      } else if (const auto *a = attr(node, "value_float")) {
        floatConstants[node.output(0)] = {a->f()};
      }
    }
  }
  for (const auto &o : graph.output())
    used.insert(o.name());
}

LogicalResult Upgrader::run() {
  collect();
  static const llvm::StringMap<Rule> rules = {
      {"Softmax", {13, &Upgrader::softmax}},
      {"Upsample", {kTargetOpset + 1, &Upgrader::resize}},
      {"Resize", {11, &Upgrader::resize}},
      {"Pad", {11, &Upgrader::pad}},
      {"Clip", {11, &Upgrader::clip}},
      {"Slice", {10, &Upgrader::slice}},
      {"Split", {13, &Upgrader::splitAttr}},
      {"Squeeze", {13, &Upgrader::axesAttr}},
      {"Unsqueeze", {13, &Upgrader::axesAttr}},
      {"ReduceSum", {13, &Upgrader::axesAttr}},
      {"Dropout", {12, &Upgrader::dropout}},
      {"BatchNormalization", {14, &Upgrader::batchNorm}},
  };
  const auto &compatible = compatibleVersions();

  // Rewrite into a new list (moving the nodes), then put it in place.
  auto *nodes = graph.mutable_node();
  out.reserve(nodes->size());
  for (int index = 0; index < nodes->size(); ++index) {
    onnx::NodeProto &node = *nodes->Mutable(index);
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      out.push_back(std::move(node));
      continue;
    }
    const std::string &op = node.op_type();
    auto rule = rules.find(op);
    bool rewrite = rule != rules.end() && opset < rule->second.before;

    // Every change ONNX made to the op between the model's opset and the
    // target must be compatible or handled by the rewrite.
    const onnx::OpSchema *from =
        onnx::OpSchemaRegistry::Schema(op, opset, "");
    const onnx::OpSchema *to =
        onnx::OpSchemaRegistry::Schema(op, kTargetOpset, "");
    if (!from && to && op != "Upsample")
      return error(node, index)
             << "the op does not exist at opset " << modelOpset
             << " (ONNX added it at opset " << firstVersion(to) << ")";
    if (from && to && op != "Upsample") {
      auto compat = compatible.find(op);
      for (const onnx::OpSchema *s = to;
           s && s->since_version() > from->since_version();
           s = onnx::OpSchemaRegistry::Schema(op, s->since_version() - 1,
                                              "")) {
        int since = s->since_version();
        if (compat != compatible.end() && llvm::is_contained(compat->second, since))
          continue;
        if (rewrite && since <= rule->second.before)
          continue;
        return error(node, index)
               << "ONNX changed " << op << " at opset " << since
               << " and Dyad has no upgrade for it";
      }
    }

    if (rewrite) {
      if (failed((this->*rule->second.fn)(node, index)))
        return failure();
      continue;
    }
    out.push_back(std::move(node));
  }
  nodes->Clear();
  for (auto &n : out)
    *nodes->Add() = std::move(n);
  return success();
}

//===----------------------------------------------------------------------===//
// Rewrites: each appends the node's replacement (constants first) to `out`.
//===----------------------------------------------------------------------===//

LogicalResult Upgrader::softmax(onnx::NodeProto &node, size_t index) {
  // Before opset 13 Softmax coerces its input to 2-D at 'axis' (default 1):
  // [d0*...*d(axis-1), d(axis)*...*d(n-1)] and normalizes each row.
  if (node.input_size() < 1 || node.output_size() < 1)
    return error(node, index) << "it needs an input and an output";
  const auto *axisAttr = attr(node, "axis");
  int64_t axis = axisAttr ? axisAttr->i() : 1;
  std::string x = node.input(0);
  auto shape = shapeOf(x);
  if (shape) {
    int64_t rank = shape->size();
    if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
      return error(node, index)
             << "axis " << axis << " is out of range for rank " << rank;
    if (axis < 0)
      axis += rank;
    // Only ones after the axis: the rows are exactly dim 'axis'.
    if (llvm::all_of(ArrayRef(*shape).drop_front(axis + 1),
                     [](int64_t d) { return d == 1; })) {
      setIntAttr(node, "axis", axis == rank - 1 ? -1 : axis);
      out.push_back(std::move(node));
      return success();
    }
  } else if (axis == -1) {
    // The last axis, whatever the rank: the 2-D rows are the last dim.
    out.push_back(std::move(node));
    return success();
  }
  // General case: Flatten(axis) -> Softmax(axis=-1) -> Reshape(Shape(x)).
  std::string base = node.name();
  std::string y = node.output(0);
  onnx::NodeProto flatten, shapeOp, reshape;
  std::string flat = fresh(base + "/flatten");
  flatten.set_op_type("Flatten");
  flatten.set_name(flat);
  flatten.add_input(x);
  flatten.add_output(flat);
  auto *fa = flatten.add_attribute();
  fa->set_name("axis");
  fa->set_type(onnx::AttributeProto::INT);
  fa->set_i(axis);
  std::string shp = fresh(base + "/shape");
  shapeOp.set_op_type("Shape");
  shapeOp.set_name(shp);
  shapeOp.add_input(x);
  shapeOp.add_output(shp);
  std::string rows = fresh(base + "/rows");
  node.set_input(0, flat);
  node.set_output(0, rows);
  setIntAttr(node, "axis", -1);
  reshape.set_op_type("Reshape");
  reshape.set_name(fresh(base + "/reshape"));
  reshape.add_input(rows);
  reshape.add_input(shp);
  reshape.add_output(y);
  out.push_back(std::move(flatten));
  out.push_back(std::move(shapeOp));
  out.push_back(std::move(node));
  out.push_back(std::move(reshape));
  return success();
}

LogicalResult Upgrader::resize(onnx::NodeProto &node, size_t index) {
  // Upsample-7 (scales attribute), Upsample-9/10 and Resize-10 (scales
  // input) -> Resize-13 (X, roi, scales). All of them map an output
  // coordinate to x_out / scale (asymmetric); nearest takes the floor when
  // enlarging (Upsample's scales are >= 1) and the ceiling when shrinking.
  if (node.input_size() < 1 || node.output_size() != 1)
    return error(node, index) << "it needs an input and one output";
  const auto *scalesAttr = attr(node, "scales");
  std::optional<SmallVector<float>> values;
  if (scalesAttr)
    values = SmallVector<float>(scalesAttr->floats().begin(),
                                scalesAttr->floats().end());
  else if (node.input_size() >= 2 && !node.input(1).empty())
    values = constFloatValues(node.input(1));
  else
    return error(node, index) << "no scales";
  const auto *modeAttr = attr(node, "mode");
  std::string mode = modeAttr ? modeAttr->s() : "nearest";
  if (mode == "bilinear")
    mode = "linear";
  bool up = false, down = false;
  if (values)
    for (float s : *values) {
      up |= s > 1;
      down |= s < 1;
    }
  if (mode == "nearest" && up && down)
    return error(node, index)
           << "nearest with scales both above and below 1 (the opset-"
           << modelOpset << " rounding differs per axis)";

  std::string scales = scalesAttr ? constFloats(node, "scales", *values)
                                  : node.input(1);
  removeAttr(node, "scales");
  std::string x = node.input(0);
  node.clear_input();
  node.add_input(x);
  node.add_input("");
  node.add_input(scales);
  node.set_op_type("Resize");
  setStrAttr(node, "mode", mode);
  setStrAttr(node, "coordinate_transformation_mode", "asymmetric");
  if (mode == "nearest")
    setStrAttr(node, "nearest_mode", down ? "ceil" : "floor");
  out.push_back(std::move(node));
  return success();
}

LogicalResult Upgrader::pad(onnx::NodeProto &node, size_t index) {
  // Pad-2: pads and value attributes -> Pad-11 inputs (data, pads, value).
  const auto *pads = attr(node, "pads");
  if (!pads || node.input_size() < 1)
    return error(node, index) << "no 'pads' attribute";
  SmallVector<int64_t> p(pads->ints().begin(), pads->ints().end());
  const auto *modeAttr = attr(node, "mode");
  bool constantMode = !modeAttr || modeAttr->s() == "constant";
  const auto *valueAttr = attr(node, "value");
  double value = valueAttr ? valueAttr->f() : 0.0;
  setInput(node, 1, constInts(node, "pads", p));
  if (constantMode && value != 0.0) {
    int32_t elt = elemType(node.input(0));
    if (elt != onnx::TensorProto::FLOAT && elt != onnx::TensorProto::DOUBLE &&
        elt != onnx::TensorProto::FLOAT16 && elt != onnx::TensorProto::BFLOAT16)
      return error(node, index)
             << "the element type of the input is unknown or not a float type";
    setInput(node, 2, constScalar(node, "value", elt, value));
  }
  removeAttr(node, "pads");
  removeAttr(node, "value");
  out.push_back(std::move(node));
  return success();
}

LogicalResult Upgrader::clip(onnx::NodeProto &node, size_t index) {
  // Clip-6: min / max attributes -> Clip-11 inputs of the input's type.
  const auto *lo = attr(node, "min");
  const auto *hi = attr(node, "max");
  if ((lo || hi) && node.input_size() >= 1) {
    int32_t elt = elemType(node.input(0));
    if (elt != onnx::TensorProto::FLOAT && elt != onnx::TensorProto::DOUBLE &&
        elt != onnx::TensorProto::FLOAT16 && elt != onnx::TensorProto::BFLOAT16)
      return error(node, index)
             << "the element type of the input is unknown or not a float type";
    if (lo)
      setInput(node, 1, constScalar(node, "min", elt, lo->f()));
    if (hi)
      setInput(node, 2, constScalar(node, "max", elt, hi->f()));
  }
  removeAttr(node, "min");
  removeAttr(node, "max");
  out.push_back(std::move(node));
  return success();
}

LogicalResult Upgrader::slice(onnx::NodeProto &node, size_t index) {
  // Slice-1: starts / ends / axes attributes -> Slice-10 inputs.
  if (!attr(node, "starts") || !attr(node, "ends"))
    return error(node, index) << "no 'starts' or 'ends' attribute";
  intsAttrToInput(node, "starts", 1);
  intsAttrToInput(node, "ends", 2);
  intsAttrToInput(node, "axes", 3);
  out.push_back(std::move(node));
  return success();
}

LogicalResult Upgrader::splitAttr(onnx::NodeProto &node, size_t) {
  // Split-2/11: 'split' attribute -> Split-13 input.
  intsAttrToInput(node, "split", 1);
  out.push_back(std::move(node));
  return success();
}

LogicalResult Upgrader::axesAttr(onnx::NodeProto &node, size_t) {
  // Squeeze / Unsqueeze / ReduceSum before 13: 'axes' attribute -> input.
  intsAttrToInput(node, "axes", 1);
  out.push_back(std::move(node));
  return success();
}

LogicalResult Upgrader::dropout(onnx::NodeProto &node, size_t) {
  // Dropout-7/10: 'ratio' attribute -> Dropout-12 input (inference mode:
  // no training_mode input).
  if (const auto *r = attr(node, "ratio")) {
    setInput(node, 1,
             constScalar(node, "ratio", onnx::TensorProto::FLOAT, r->f()));
    removeAttr(node, "ratio");
  }
  out.push_back(std::move(node));
  return success();
}

LogicalResult Upgrader::batchNorm(onnx::NodeProto &node, size_t index) {
  // BatchNormalization-7/9: 'spatial' (7, 8) must be 1, the default;
  // outputs 1-4 (mean, var, saved_mean, saved_var) are training-mode
  // outputs: dropped when nothing reads them.
  if (const auto *s = attr(node, "spatial")) {
    if (s->i() != 1)
      return error(node, index)
             << "spatial=0 (statistics per activation, not per channel)";
    removeAttr(node, "spatial");
  }
  for (int i = 1; i < node.output_size(); ++i)
    if (isUsed(node.output(i)))
      return error(node, index)
             << "output " << i << " ('" << node.output(i)
             << "') is a training-mode output";
  while (node.output_size() > 1)
    node.mutable_output()->RemoveLast();
  out.push_back(std::move(node));
  return success();
}

//===----------------------------------------------------------------------===//
// Opset 18-21 -> 17
//===----------------------------------------------------------------------===//

namespace {
/// The opsets after 17 at which ONNX changed an op (ONNX's Changelog, as its
/// version converter lists them for 17 -> 21). Ops not listed did not
/// change; ops new since 18 have no older form to check.
const llvm::StringMap<SmallVector<int, 3>> &changesAfter17() {
  static const llvm::StringMap<SmallVector<int, 3>> table = {
      // Rewritten to the opset-17 form (Upgrader::downgrade).
      {"ReduceL1", {18}}, {"ReduceL2", {18}}, {"ReduceLogSum", {18}},
      {"ReduceLogSumExp", {18}}, {"ReduceMax", {18, 20}},
      {"ReduceMean", {18}}, {"ReduceMin", {18, 20}}, {"ReduceProd", {18}},
      {"ReduceSumSquare", {18}}, {"Split", {18}}, {"Pad", {18, 19, 21}},
      {"Resize", {18, 19}}, {"AveragePool", {19}}, {"Cast", {19, 21}},
      {"QuantizeLinear", {19, 21}}, {"DequantizeLinear", {19, 21}},
      // New element types only (float8, int4, string, bool): the types
      // Dyad reads are unchanged.
      {"CastLike", {19, 21}}, {"Constant", {19, 21}},
      {"ConstantOfShape", {20, 21}}, {"Equal", {19}}, {"Identity", {19, 21}},
      {"If", {19, 21}}, {"Loop", {19, 21}}, {"Scan", {19, 21}},
      {"Reshape", {19, 21}}, {"Shape", {19, 21}}, {"Size", {19, 21}},
      {"Flatten", {21}}, {"Squeeze", {21}}, {"Unsqueeze", {21}},
      {"Transpose", {21}}, {"QLinearMatMul", {21}}, {"IsInf", {20}},
      {"IsNaN", {20}},
      // Changes without an opset-17 form here.
      {"LpPool", {18}}, {"ScatterElements", {18}}, {"ScatterND", {18}},
      {"OptionalGetElement", {18}}, {"OptionalHasElement", {18}},
      {"DFT", {20}}, {"GridSample", {20}}, {"GroupNormalization", {21}},
  };
  return table;
}

bool isReduceWithAxesInput18(StringRef op) {
  return op == "ReduceL1" || op == "ReduceL2" || op == "ReduceLogSum" ||
         op == "ReduceLogSumExp" || op == "ReduceMax" || op == "ReduceMean" ||
         op == "ReduceMin" || op == "ReduceProd" || op == "ReduceSumSquare";
}

/// The type of `name` where it is an attribute that ONNX added to `op` after
/// opset 17 and that the conversion reads (or removes). libonnx 1.12's
/// schemas stop at opset 17 and do not know these: their types are checked
/// before the conversion reads them.
std::optional<onnx::AttributeProto::AttributeType>
attrTypeAfter17(StringRef op, StringRef name) {
  using A = onnx::AttributeProto;
  using Attrs = SmallVector<std::pair<StringRef, A::AttributeType>, 3>;
  static const llvm::StringMap<Attrs> table = {
      {"Resize",
       {{"axes", A::INTS},
        {"antialias", A::INT},
        {"keep_aspect_ratio_policy", A::STRING}}},
      {"Split", {{"num_outputs", A::INT}}},
      {"AveragePool", {{"dilations", A::INTS}}},
      {"Cast", {{"saturate", A::INT}}},
      {"CastLike", {{"saturate", A::INT}}},
      {"QuantizeLinear",
       {{"saturate", A::INT}, {"block_size", A::INT}, {"output_dtype", A::INT}}},
      {"DequantizeLinear",
       {{"saturate", A::INT}, {"block_size", A::INT}, {"output_dtype", A::INT}}},
      {"GroupNormalization",
       {{"num_groups", A::INT}, {"epsilon", A::FLOAT}, {"stash_type", A::INT}}},
  };
  if (isReduceWithAxesInput18(op) && name == "noop_with_empty_axes")
    return A::INT;
  auto it = table.find(op);
  if (it == table.end())
    return std::nullopt;
  for (const auto &[attrName, type] : it->second)
    if (attrName == name)
      return type;
  return std::nullopt;
}
} // namespace

LogicalResult Upgrader::downgrade(bool withShapes,
                                  llvm::StringSet<> &numOutputSplits) {
  collect();
  static const llvm::StringSet<> handled = {
      "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
      "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSumSquare", "Split",
      "Pad", "Resize", "AveragePool", "Cast", "QuantizeLinear",
      "DequantizeLinear", "CastLike", "Constant", "ConstantOfShape", "Equal",
      "Identity", "If", "Loop", "Scan", "Reshape", "Shape", "Size", "Flatten",
      "Squeeze", "Unsqueeze", "Transpose", "QLinearMatMul", "IsInf", "IsNaN",
      "GroupNormalization"};
  auto *nodes = graph.mutable_node();
  out.reserve(nodes->size());
  for (int index = 0; index < nodes->size(); ++index) {
    onnx::NodeProto &node = *nodes->Mutable(index);
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      out.push_back(std::move(node));
      continue;
    }
    const std::string &op = node.op_type();
    auto strAttr = [&](StringRef name, StringRef dflt) -> std::string {
      const auto *a = attr(node, name);
      return a ? a->s() : dflt.str();
    };
    auto intAttr = [&](StringRef name, int64_t dflt) {
      const auto *a = attr(node, name);
      return a ? a->i() : dflt;
    };

    if (!withShapes) {
      auto changes = changesAfter17().find(op);
      if (changes != changesAfter17().end() && !handled.contains(op))
        for (int since : changes->second)
          if (since <= modelOpset)
            return error(node, index)
                   << "ONNX changed " << op << " at opset " << since
                   << " and Dyad has no conversion for it";
      // What the rewrites read, before they read it: attributes named once
      // (the rules and rewrites read the first, libonnx's inference the
      // last: a LayerNormalization with a valid axis and then an out-of-range
      // one made it index dims out of range; found by the import fuzzer),
      // and their types where libonnx's schemas do not know them.
      llvm::StringSet<> attrNames;
      for (const auto &a : node.attribute()) {
        auto invalid = [&]() {
          return emitError(nodeLoc(node, index))
                 << op << " (opset " << modelOpset
                 << "): invalid node: attribute '" << a.name() << "' ";
        };
        if (!attrNames.insert(a.name()).second)
          return invalid() << "appears more than once";
        auto type = attrTypeAfter17(op, a.name());
        if (type && a.type() != *type)
          return invalid()
                 << "has type "
                 << onnx::AttributeProto::AttributeType_Name(a.type())
                 << "; it must be "
                 << onnx::AttributeProto::AttributeType_Name(*type);
      }

      if (op == "GroupNormalization") {
        if (failed(groupNorm(node, index)))
          return failure();
        continue;
      }
      if (isReduceWithAxesInput18(op)) {
        // Reduce*-18: axes input -> attribute; noop_with_empty_axes=1 with
        // no axes is the identity.
        bool noop = intAttr("noop_with_empty_axes", 0) != 0;
        removeAttr(node, "noop_with_empty_axes");
        if (hasInput(node, 1)) {
          auto axes = constIntValues(node.input(1));
          if (!axes)
            return error(node, index) << "axes that are not a constant";
          if (!axes->empty()) {
            auto *a = node.add_attribute();
            a->set_name("axes");
            a->set_type(onnx::AttributeProto::INTS);
            for (int64_t x : *axes)
              a->add_ints(x);
            noop = false;
          }
          dropInput(node, 1);
        }
        if (noop && !attr(node, "axes")) {
          node.set_op_type("Identity");
          node.clear_attribute();
        }
      } else if (op == "Split") {
        if (const auto *n = attr(node, "num_outputs")) {
          if (n->i() != node.output_size())
            return error(node, index)
                   << "num_outputs " << n->i() << " but "
                   << node.output_size() << " outputs";
          if (hasInput(node, 1))
            return error(node, index)
                   << "both num_outputs and the split input";
          removeAttr(node, "num_outputs");
          numOutputSplits.insert(node.name());
        }
      } else if (op == "Pad") {
        // Pad-18's axes input given as absent ('') is no axes input.
        if (node.input_size() > 3 && node.input(3).empty())
          dropInput(node, 3);
      } else if (op == "Resize") {
        std::string mode = strAttr("mode", "nearest");
        if (intAttr("antialias", 0) != 0) {
          // Only linear / cubic downscaling filters.
          auto scales = hasInput(node, 2) ? constFloatValues(node.input(2))
                                          : std::nullopt;
          bool upOnly = scales && !scales->empty() &&
                        llvm::all_of(*scales, [](float s) { return s >= 1; });
          if (mode != "nearest" && !upOnly)
            return error(node, index)
                   << "antialias=1 (an antialiasing filter when downscaling)";
        }
        removeAttr(node, "antialias");
        std::string policy = strAttr("keep_aspect_ratio_policy", "stretch");
        if (policy != "stretch" && hasInput(node, 3))
          return error(node, index) << "keep_aspect_ratio_policy '" << policy
                                    << "' (only 'stretch' is supported)";
        removeAttr(node, "keep_aspect_ratio_policy");
      } else if (op == "AveragePool") {
        if (const auto *d = attr(node, "dilations")) {
          if (llvm::any_of(d->ints(), [](int64_t x) { return x != 1; }))
            return error(node, index) << "dilations other than 1";
          removeAttr(node, "dilations");
        }
      } else if (op == "Cast" || op == "CastLike") {
        // Saturation applies to float8 targets, which Dyad refuses.
        removeAttr(node, "saturate");
      } else if (op == "QuantizeLinear" || op == "DequantizeLinear") {
        removeAttr(node, "saturate");
        if (intAttr("block_size", 0) != 0)
          return error(node, index) << "blocked quantization (block_size "
                                    << intAttr("block_size", 0) << ")";
        removeAttr(node, "block_size");
        if (const auto *d = attr(node, "output_dtype")) {
          // The type of the zero point when there is one; uint8 without.
          if (d->i() != 0 && !hasInput(node, 2) &&
              d->i() != onnx::TensorProto::UINT8)
            return error(node, index)
                   << "output_dtype " << d->i() << " without a zero point";
          removeAttr(node, "output_dtype");
        }
      }
      out.push_back(std::move(node));
      continue;
    }

    // Second pass: what needs ranks and dims.
    if (op == "Pad" && hasInput(node, 3)) {
      auto axes = constIntValues(node.input(3));
      auto pads = hasInput(node, 1) ? constIntValues(node.input(1))
                                    : std::nullopt;
      auto shape = shapeOf(node.input(0));
      if (!axes || !pads)
        return error(node, index)
               << "pads and axes inputs that are not constants";
      if (!shape)
        return error(node, index)
               << "an axes input on an input of unknown rank";
      int64_t r = shape->size(), k = axes->size();
      if ((int64_t)pads->size() != 2 * k)
        return error(node, index) << pads->size() << " pads for " << k
                                  << " axes (2 per axis are required)";
      SmallVector<int64_t> full(2 * r, 0);
      SmallVector<bool> seen(r, false);
      for (int64_t j = 0; j < k; ++j) {
        int64_t a = (*axes)[j] < 0 ? (*axes)[j] + r : (*axes)[j];
        if (a < 0 || a >= r || seen[a])
          return error(node, index) << "axis " << (*axes)[j]
                                    << " is out of range or repeated for rank "
                                    << r;
        seen[a] = true;
        full[a] = (*pads)[j];
        full[a + r] = (*pads)[j + k];
      }
      node.set_input(1, constInts(node, "pads", full));
      dropInput(node, 3);
    } else if (op == "Resize" && attr(node, "axes")) {
      const auto *axesAttr = attr(node, "axes");
      SmallVector<int64_t> axes(axesAttr->ints().begin(),
                                axesAttr->ints().end());
      auto shape = shapeOf(node.input(0));
      if (!shape)
        return error(node, index)
               << "the axes attribute on an input of unknown rank";
      int64_t r = shape->size(), k = axes.size();
      for (int64_t &a : axes) {
        a = a < 0 ? a + r : a;
        if (a < 0 || a >= r)
          return error(node, index) << "an axis out of range for rank " << r;
      }
      if (hasInput(node, 1)) {
        auto roi = constFloatValues(node.input(1));
        if (!roi)
          return error(node, index) << "a roi that is not a constant";
        if (!roi->empty()) {
          if ((int64_t)roi->size() != 2 * k)
            return error(node, index) << "roi of " << roi->size()
                                      << " values for " << k << " axes";
          SmallVector<float> full(2 * r, 0);
          for (int64_t i = 0; i < r; ++i)
            full[r + i] = 1;
          for (int64_t j = 0; j < k; ++j) {
            full[axes[j]] = (*roi)[j];
            full[axes[j] + r] = (*roi)[j + k];
          }
          node.set_input(1, constFloats(node, "roi", full));
        }
      }
      if (hasInput(node, 2)) {
        auto scales = constFloatValues(node.input(2));
        if (!scales)
          return error(node, index) << "scales that are not a constant";
        if (!scales->empty()) {
          if ((int64_t)scales->size() != k)
            return error(node, index) << scales->size() << " scales for "
                                      << k << " axes";
          SmallVector<float> full(r, 1);
          for (int64_t j = 0; j < k; ++j)
            full[axes[j]] = (*scales)[j];
          node.set_input(2, constFloats(node, "scales", full));
        }
      }
      if (hasInput(node, 3)) {
        auto sizes = constIntValues(node.input(3));
        if (!sizes)
          return error(node, index) << "sizes that are not a constant";
        if ((int64_t)sizes->size() != k)
          return error(node, index) << sizes->size() << " sizes for " << k
                                    << " axes";
        SmallVector<int64_t> full(*shape);
        for (int64_t j = 0; j < k; ++j)
          full[axes[j]] = (*sizes)[j];
        if (llvm::is_contained(full, -1))
          return error(node, index) << "sizes for some axes of an input "
                                       "whose other dims are unknown";
        node.set_input(3, constInts(node, "sizes", full));
      }
      removeAttr(node, "axes");
    } else if (op == "Split" && numOutputSplits.contains(node.name()) &&
               !hasInput(node, 1)) {
      // Split-18 with num_outputs: equal parts of ceil(dim / n), the last
      // one smaller; an even split needs no sizes.
      auto shape = shapeOf(node.input(0));
      int64_t n = node.output_size();
      int64_t axis = intAttr("axis", 0);
      if (shape) {
        int64_t r = shape->size();
        int64_t a = axis < 0 ? axis + r : axis;
        int64_t dim = a >= 0 && a < r ? (*shape)[a] : -1;
        if (dim >= 0 && n > 0 && dim % n != 0) {
          int64_t part = (dim + n - 1) / n;
          SmallVector<int64_t> sizes;
          for (int64_t i = 0, left = dim; i < n; ++i) {
            sizes.push_back(std::min(part, left));
            left -= sizes.back();
          }
          if (sizes.back() <= 0)
            return error(node, index) << "an axis of size " << dim
                                      << " cannot give " << n << " parts";
          setInput(node, 1, constInts(node, "split", sizes));
        }
      }
    }
    out.push_back(std::move(node));
  }
  nodes->Clear();
  for (auto &n : out)
    *nodes->Add() = std::move(n);
  return success();
}

/// GroupNormalization-18/21 (new since 17) -> its decomposition, rank-
/// agnostic and without shapes: x [N, C, ...] -> Reshape [N, C, S] ->
/// Reshape [N, G, C/G * S] -> InstanceNormalization (scale 1, bias 0, the
/// node's epsilon: mean and variance per (n, g)) -> the affine part ->
/// Reshape back [N, C, S] -> Reshape to Shape(x). Opset 18-20's scale and
/// bias are per group ([G]): applied as [G, 1] in the grouped layout, which
/// is each channel taking its group's value. Opset 21's are per channel
/// ([C]): applied as [C, 1] on [N, C, S]. stash_type (21) is the float32
/// computation Dyad does anyway. The attribute and size rules (num_groups >=
/// 1 dividing C, epsilon, scale / bias sizes) were checked by the op table's
/// rules (Validation.cpp).
LogicalResult Upgrader::groupNorm(onnx::NodeProto &node, size_t index) {
  // No libonnx schema knows the op (new at opset 18): its inputs and
  // outputs are checked here, before the rewrite reads them.
  auto absent = [](const std::string &name) { return name.empty(); };
  if (node.input_size() != 3 || llvm::any_of(node.input(), absent) ||
      node.output_size() != 1 || absent(node.output(0)))
    return emitError(nodeLoc(node, index))
           << node.op_type() << " (opset " << modelOpset
           << "): invalid node: it takes inputs X, scale and bias and gives "
              "one output Y (got "
           << node.input_size() << " input(s), " << node.output_size()
           << " output(s), absent ones included)";
  const auto *g = attr(node, "num_groups");
  if (!g || g->i() < 1)
    return error(node, index) << "num_groups must be >= 1";
  int64_t groups = g->i();
  float eps = 1e-5f;
  if (const auto *e = attr(node, "epsilon"))
    eps = e->f();
  std::string base = node.name();
  auto make = [&](StringRef opType, StringRef what,
                  std::initializer_list<std::string> ins,
                  std::string outName = "") {
    onnx::NodeProto n;
    std::string name = fresh(base + "/" + what.str());
    n.set_op_type(opType.str());
    n.set_name(name);
    for (const std::string &i : ins)
      n.add_input(i);
    n.add_output(outName.empty() ? name : outName);
    out.push_back(std::move(n));
    return outName.empty() ? name : outName;
  };
  std::string x = node.input(0), y = node.output(0);
  std::string x3 =
      make("Reshape", "x3", {x, constInts(node, "x3_shape", {0, 0, -1})});
  std::string xg = make("Reshape", "grouped",
                        {x3, constInts(node, "grouped_shape", {0, groups, -1})});
  std::string ones = constFloats(node, "ones", SmallVector<float>(groups, 1));
  std::string zeros = constFloats(node, "zeros", SmallVector<float>(groups, 0));
  std::string norm = make("InstanceNormalization", "norm", {xg, ones, zeros});
  auto *ea = out.back().add_attribute();
  ea->set_name("epsilon");
  ea->set_type(onnx::AttributeProto::FLOAT);
  ea->set_f(eps);
  std::string axis1 = constInts(node, "axis1", {1});
  auto affine = [&](const std::string &v) {
    std::string s = make("Unsqueeze", "scale", {node.input(1), axis1});
    std::string b = make("Unsqueeze", "bias", {node.input(2), axis1});
    return make("Add", "add", {make("Mul", "mul", {v, s}), b});
  };
  std::string shape3 = make("Shape", "shape3", {x3});
  std::string y3;
  if (modelOpset < 21)
    y3 = make("Reshape", "y3", {affine(norm), shape3});
  else
    y3 = affine(make("Reshape", "y3", {norm, shape3}));
  make("Reshape", "reshape", {y3, make("Shape", "shape", {x})}, y);
  return success();
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::downgradeOpset(onnx::ModelProto &model,
                                            int64_t opset) {
  Location loc = fileLoc();
  onnx::GraphProto *graph = model.mutable_graph();
  nameUnnamedNodes(*graph);
  auto locOf = [&](const onnx::NodeProto &node, size_t index) {
    return nodeLoc(node, index);
  };
  auto setOpset = [&](int64_t version) {
    for (auto &imp : *model.mutable_opset_import())
      if (imp.domain().empty() || imp.domain() == "ai.onnx")
        imp.set_version(version);
  };
  llvm::StringSet<> numOutputSplits;
  // GroupNormalization's rules (op table) before its rewrite removes it.
  if (failed(checkNodeRules(*graph, [](const onnx::NodeProto &node) {
        return node.op_type() != "GroupNormalization";
      })))
    return failure();
  try {
    {
      Upgrader first(*graph, kTargetOpset, opset, locOf);
      if (failed(first.downgrade(/*withShapes=*/false, numOutputSplits)))
        return failure();
    }
    setOpset(kTargetOpset);
    // Every node against its opset-17 schema before libonnx's inference and
    // the second pass read it, as validate() does for older opsets: both
    // read required inputs and attributes unchecked (found by the import
    // fuzzer: a Shape whose required input is absent ('') made libonnx's
    // inference dereference null; a Resize without inputs made the second
    // pass read input 0 out of range). The nodes the second pass still
    // changes are checked without what it removes: a Pad's axes input, a
    // Resize's axes attribute.
    auto secondPassForm = [](const onnx::NodeProto &node,
                             onnx::NodeProto &form) {
      bool padAxes = node.op_type() == "Pad" && node.input_size() > 3;
      bool resizeAxes =
          node.op_type() == "Resize" &&
          llvm::any_of(node.attribute(), [](const onnx::AttributeProto &a) {
            return a.name() == "axes";
          });
      if (!padAxes && !resizeAxes)
        return false;
      form = node;
      if (padAxes) {
        form.set_input(3, "");
        while (form.input_size() > 0 &&
               form.input(form.input_size() - 1).empty())
          form.mutable_input()->RemoveLast();
      }
      auto *attrs = form.mutable_attribute();
      for (int i = 0; resizeAxes && i < attrs->size(); ++i)
        if (attrs->Get(i).name() == "axes") {
          attrs->DeleteSubrange(i, 1);
          break;
        }
      return true;
    };
    if (failed(checkSchemas(*graph, secondPassForm, kTargetOpset)))
      return failure();
    // The attribute and rank rules before libonnx's inference below: it
    // indexes dims by unchecked attributes (found by the import fuzzer).
    // Pads with an axes input and num_outputs Splits are rewritten by the
    // second pass, with shapes, and checked after it.
    auto pending = [&](const onnx::NodeProto &node) {
      if (node.op_type() == "Pad")
        return node.input_size() > 3 && !node.input(3).empty();
      return node.op_type() == "Split" &&
             numOutputSplits.contains(node.name());
    };
    if (failed(checkNodeRules(*graph, pending)))
      return failure();
    // Shapes at opset 17 (best effort, the model is not changed): ranks for
    // axes inputs, dims for uneven splits.
    onnx::GraphProto inferred;
    {
      google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> valueInfo =
          graph->value_info();
      google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> outputs =
          graph->output();
      try {
        inferShapes(model, /*checkType=*/false, /*errorMode=*/0,
                    /*dataProp=*/true);
      } catch (...) {
      }
      *inferred.mutable_input() = graph->input();
      *inferred.mutable_value_info() = graph->value_info();
      *inferred.mutable_output() = graph->output();
      *graph->mutable_value_info() = std::move(valueInfo);
      *graph->mutable_output() = std::move(outputs);
    }
    Upgrader second(*graph, kTargetOpset, opset, locOf);
    second.noteTypes(inferred);
    if (failed(second.downgrade(/*withShapes=*/true, numOutputSplits)))
      return failure();
  } catch (const std::exception &e) {
    return emitError(loc) << "cannot convert the model from opset " << opset
                          << " to " << kTargetOpset << ": " << e.what();
  }
  return success();
}

LogicalResult GraphImporter::upgradeOpset(onnx::ModelProto &model,
                                          int64_t opset) {
  Location loc = fileLoc();
  onnx::GraphProto *graph = model.mutable_graph();
  // The rewrites insert nodes: fix the diagnostic names of unnamed ones.
  nameUnnamedNodes(*graph);
  auto locOf = [&](const onnx::NodeProto &node, size_t index) {
    return nodeLoc(node, index);
  };

  // Shape inference at the old opset, without changing the model: what it
  // finds only informs the rewrites (element types of new constants, ranks).
  auto inferAtOldOpset = [&](onnx::GraphProto &inferred) {
    google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> valueInfo =
        graph->value_info();
    google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> outputs =
        graph->output();
    try {
      inferShapes(model, /*checkType=*/false, /*errorMode=*/0,
                  /*dataProp=*/true);
    } catch (...) {
      // Best effort: the rewrites work without shapes; the strict inference
      // after the upgrade reports real problems.
    }
    *inferred.mutable_input() = graph->input();
    *inferred.mutable_value_info() = graph->value_info();
    *inferred.mutable_output() = graph->output();
    *graph->mutable_value_info() = std::move(valueInfo);
    *graph->mutable_output() = std::move(outputs);
  };

  int64_t modelOpset = opset;
  try {
    if (opset < 7) {
      // Opset 1-6 (broadcast / consumed_inputs attributes, Upsample-1):
      // ONNX's converter to opset 7; its adapters need shapes.
      onnx::ModelProto upgraded;
      try {
        inferShapes(model, /*checkType=*/false, /*errorMode=*/0,
                    /*dataProp=*/false);
        upgraded = onnx::version_conversion::ConvertVersion(model, 7);
      } catch (const std::exception &e) {
        std::string msg = e.what();
        if (size_t nl = msg.find('\n'); nl != std::string::npos)
          msg.resize(nl);
        return emitError(loc) << "cannot upgrade the model from opset "
                              << opset << " to 7 (ONNX's version converter): "
                              << msg;
      } catch (...) {
        return emitError(loc) << "cannot upgrade the model from opset "
                              << opset
                              << " to 7: ONNX's version converter failed";
      }
      model = std::move(upgraded);
      graph = model.mutable_graph();
      opset = 7;
    }

    onnx::GraphProto inferred;
    inferAtOldOpset(inferred);
    Upgrader upgrader(*graph, opset, modelOpset, locOf);
    upgrader.noteTypes(inferred);
    if (failed(upgrader.run()))
      return failure();
  } catch (const std::exception &e) {
    return emitError(loc) << "cannot upgrade the model from opset "
                          << modelOpset << " to " << kTargetOpset << ": "
                          << e.what();
  } catch (...) {
    return emitError(loc) << "cannot upgrade the model from opset "
                          << modelOpset << " to " << kTargetOpset;
  }

  bool found = false;
  for (auto &imp : *model.mutable_opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx") {
      imp.set_version(kTargetOpset);
      found = true;
    }
  if (!found) {
    auto *imp = model.add_opset_import();
    imp->set_domain("");
    imp->set_version(kTargetOpset);
  }
  return success();
}
