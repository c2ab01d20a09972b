//===- Validation.cpp - checks before any ONNX pass runs ------------------===//
//
// libonnx's version converter and shape inference assume a well-formed graph
// and can crash on others: the graph's SSA form, supported ops, every node
// against its ONNX schema, and every node against the attribute and rank
// rules of its op table entry (checkNodeRules, one generic validator for the
// rules that OpBuilders.cpp declares per op) are checked here first, each
// with a located diagnostic. checkNodeRules runs again after shape inference,
// when the ranks and dims of every value are known.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "dyad/Dialect/Dyad/Window.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"

#include <onnx/defs/schema.h>

#include <cmath>
#include <cstring>
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
  // Check every node against its ONNX schema first (input/output counts,
  // attribute names and types, required attributes): the version converter
  // and shape inference assume well-formed nodes and can crash on others.
  if (failed(checkSchemas(graph)))
    return failure();
  // Then every node against the ONNX constraints on its attributes and input
  // ranks (its op table entry's rules): libonnx's inference divides by
  // strides, indexes dims by axes and weight ranks, and multiplies sizes
  // without checking them.
  return checkNodeRules(graph);
}

LogicalResult GraphImporter::checkSchemas(
    const onnx::GraphProto &graph,
    llvm::function_ref<bool(const onnx::NodeProto &, onnx::NodeProto &)> form,
    std::optional<int64_t> schemaOpset) {
  onnx::NodeProto copy;
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    std::string domain =
        node.domain() == "ai.onnx" ? std::string() : node.domain();
    auto it = opsets.find(domain);
    if (it == opsets.end())
      continue; // reported as unsupported later
    int64_t version =
        domain.empty() && schemaOpset ? *schemaOpset : it->second;
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(node.op_type(), version, domain);
    if (!schema)
      continue; // unknown op: reported as unsupported later
    const onnx::NodeProto *checked = &node;
    if (form && form(node, copy))
      checked = &copy;
    try {
      schema->Verify(*checked);
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
  // A graph without outputs computes nothing: refuse it rather than compile
  // an empty library.
  if (graph.output_size() == 0)
    return emitError(fileLoc())
           << "the graph has no outputs: there is nothing to compute";
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
    // Sizes within Dyad's limit before libonnx computes with them.
    if (type.tensor_type().has_shape()) {
      SmallVector<int64_t> dims;
      for (const auto &d : type.tensor_type().shape().dim())
        dims.push_back(d.has_dim_value() && d.dim_value() >= 0
                           ? d.dim_value()
                           : ShapedType::kDynamic);
      if (failed(checkElementCount(dims, valueLoc(in.name()),
                                   "graph input '" + in.name() + "'")))
        return failure();
    }
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
    // Tensor attributes (Constant's and ConstantOfShape's value) like
    // initializers: libonnx's shape inference parses their data unchecked
    // (raw bytes that do not fill the shape overflowed a buffer in its
    // ParseData; found by dyad-import-fuzzer).
    for (const auto &attr : node.attribute()) {
      if (attr.has_t() && failed(tensorType(attr.t(), loc)))
        return failure();
      for (const auto &t : attr.tensors())
        if (failed(tensorType(t, loc)))
          return failure();
    }
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

//===----------------------------------------------------------------------===//
// Attribute rules
//===----------------------------------------------------------------------===//

namespace {

/// The number of elements of a small tensor held in the model file.
std::optional<int64_t> smallCount(const onnx::TensorProto &t) {
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || d > (1 << 16))
      return std::nullopt;
    count *= d;
    if (count > (1 << 16))
      return std::nullopt;
  }
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
    return std::nullopt;
  return count;
}

/// The values of a small float / double tensor held in the model file.
std::optional<SmallVector<double>>
decodeFloats(const onnx::TensorProto &t) {
  auto count = smallCount(t);
  bool isDouble = t.data_type() == onnx::TensorProto_DataType_DOUBLE;
  if (!count ||
      (t.data_type() != onnx::TensorProto_DataType_FLOAT && !isDouble))
    return std::nullopt;
  SmallVector<double> out;
  size_t width = isDouble ? 8 : 4;
  if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    if (raw.size() != *count * width)
      return std::nullopt;
    for (int64_t i = 0; i < *count; ++i) {
      if (isDouble) {
        double d;
        std::memcpy(&d, raw.data() + i * width, width);
        out.push_back(d);
      } else {
        float f;
        std::memcpy(&f, raw.data() + i * width, width);
        out.push_back(f);
      }
    }
    return out;
  }
  if (isDouble)
    out.assign(t.double_data().begin(), t.double_data().end());
  else
    out.assign(t.float_data().begin(), t.float_data().end());
  if ((int64_t)out.size() != *count)
    return std::nullopt;
  return out;
}

/// The values of a small integer tensor held in the model file.
std::optional<SmallVector<int64_t>>
decodeInts(const onnx::TensorProto &t) {
  using DT = onnx::TensorProto_DataType;
  auto small = smallCount(t);
  if (!small)
    return std::nullopt;
  int64_t count = *small;
  int width;
  bool isSigned = true;
  switch (t.data_type()) {
  case DT::TensorProto_DataType_INT64: width = 8; break;
  case DT::TensorProto_DataType_INT32: width = 4; break;
  case DT::TensorProto_DataType_INT16: width = 2; break;
  case DT::TensorProto_DataType_INT8: width = 1; break;
  case DT::TensorProto_DataType_UINT8: width = 1; isSigned = false; break;
  case DT::TensorProto_DataType_UINT16: width = 2; isSigned = false; break;
  case DT::TensorProto_DataType_UINT32: width = 4; isSigned = false; break;
  default: return std::nullopt;
  }
  SmallVector<int64_t> out;
  if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    if ((int64_t)raw.size() != count * width)
      return std::nullopt;
    for (int64_t i = 0; i < count; ++i) {
      uint64_t v = 0;
      for (int b = 0; b < width; ++b)
        v |= (uint64_t)(unsigned char)raw[i * width + b] << (8 * b);
      if (isSigned && width < 8 && (v >> (8 * width - 1)) & 1)
        v |= ~uint64_t(0) << (8 * width); // sign-extend
      out.push_back((int64_t)v);
    }
    return out;
  }
  if (t.data_type() == DT::TensorProto_DataType_INT64)
    out.assign(t.int64_data().begin(), t.int64_data().end());
  else if (t.data_type() == DT::TensorProto_DataType_UINT32)
    out.assign(t.uint64_data().begin(), t.uint64_data().end());
  else
    out.assign(t.int32_data().begin(), t.int32_data().end());
  if ((int64_t)out.size() != count)
    return std::nullopt;
  return out;
}

} // namespace

GraphFacts::GraphFacts(const onnx::GraphProto &graph) {
  auto noteType = [&](const onnx::ValueInfoProto &vi) {
    const auto &tt = vi.type().tensor_type();
    if (!vi.type().has_tensor_type() || !tt.has_shape())
      return;
    SmallVector<int64_t> dims;
    for (const auto &d : tt.shape().dim())
      dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value()
                                                             : -1);
    shapes[vi.name()] = dims;
  };
  for (const auto &vi : graph.input())
    noteType(vi);
  for (const auto &vi : graph.value_info())
    noteType(vi);
  for (const auto &vi : graph.output())
    noteType(vi);
  for (const auto &init : graph.initializer())
    noteTensor(init.name(), init);
  // Constant nodes say their shape (and small values) in their attribute.
  for (const auto &node : graph.node()) {
    if (node.op_type() != "Constant" || node.output_size() != 1 ||
        node.attribute_size() != 1 ||
        !isDefaultDomain(node))
      continue;
    const auto &a = node.attribute(0);
    const std::string &out = node.output(0);
    if (a.name() == "value") {
      noteTensor(out, a.t());
    } else if (a.name() == "value_float") {
      shapes[out] = {};
      floats[out] = {a.f()};
    } else if (a.name() == "value_int") {
      shapes[out] = {};
      ints[out] = {a.i()};
    } else if (a.name() == "value_floats") {
      shapes[out] = {(int64_t)a.floats_size()};
      floats[out] = SmallVector<double>(a.floats().begin(), a.floats().end());
    } else if (a.name() == "value_ints") {
      shapes[out] = {(int64_t)a.ints_size()};
      ints[out] = SmallVector<int64_t>(a.ints().begin(), a.ints().end());
    }
  }
}

void GraphFacts::noteTensor(const std::string &name, const onnx::TensorProto &t) {
  SmallVector<int64_t> dims(t.dims().begin(), t.dims().end());
  shapes[name] = dims;
  if (auto v = decodeInts(t))
    ints[name] = std::move(*v);
  else if (auto f = decodeFloats(t))
    floats[name] = std::move(*f);
}

namespace {

/// Checks one node against the rules of its op table entry.
struct RuleChecker {
  const GraphFacts &facts;
  const onnx::NodeProto &node;
  Location loc;
  int64_t opset;

  InFlightDiagnostic error() {
    auto d = emitError(loc);
    d << node.op_type() << " (opset " << opset << "): ";
    return d;
  }

  const onnx::AttributeProto *attr(StringRef name) const {
    for (const auto &a : node.attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }
  bool hasInput(int i) const {
    return i >= 0 && i < node.input_size() && !node.input(i).empty();
  }
  /// The shape of input `i`, if known.
  const SmallVector<int64_t> *shape(int i) const {
    if (!hasInput(i))
      return nullptr;
    auto it = facts.shapes.find(node.input(i));
    return it == facts.shapes.end() ? nullptr : &it->second;
  }
  int64_t rank(int i) const {
    const SmallVector<int64_t> *s = shape(i);
    return s ? (int64_t)s->size() : -1;
  }
  /// The integer values of the rule: its attribute, or its constant input.
  std::optional<SmallVector<int64_t>> values(const AttrRule &r) const {
    if (r.name)
      if (const auto *a = attr(r.name)) {
        if (a->type() == onnx::AttributeProto::INT)
          return SmallVector<int64_t>{a->i()};
        if (a->type() == onnx::AttributeProto::INTS)
          return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
        return std::nullopt;
      }
    if (hasInput(r.input)) {
      auto it = facts.ints.find(node.input(r.input));
      if (it != facts.ints.end())
        return it->second;
    }
    return std::nullopt;
  }
  std::optional<SmallVector<int64_t>> ints(const char *name) const {
    AttrRule r{AttrRule::Kind::Range, name};
    return values(r);
  }

  LogicalResult check(const AttrRule &r);
  LogicalResult checkWindow(const AttrRule &r);
  LogicalResult checkGroup(const AttrRule &r);
};

std::string joined(ArrayRef<int64_t> v) {
  std::string s = "[";
  for (auto [i, x] : llvm::enumerate(v))
    s += (i ? ", " : "") + std::to_string(x);
  return s + "]";
}

/// `name` with the bound, as the messages say it.
std::string bound(int64_t v) {
  if (v == kMaxElements)
    return "2^40 (Dyad's limit on sizes)";
  return std::to_string(v);
}

LogicalResult RuleChecker::check(const AttrRule &r) {
  using Kind = AttrRule::Kind;
  const char *name = r.name ? r.name : "value";
  switch (r.kind) {
  case Kind::Range: {
    auto vals = values(r);
    if (!vals)
      return success();
    for (int64_t v : *vals) {
      if (r.lo == 0 && r.hi == 1 && (v < 0 || v > 1))
        return error() << name << " must be 0 or 1";
      if (v < r.lo)
        return error() << name << " must be >= " << bound(r.lo);
      if (v > r.hi)
        return error() << name << " must be <= " << bound(r.hi);
    }
    return success();
  }
  case Kind::Axis: {
    auto vals = values(r);
    int64_t rk = rank(r.ref);
    if (!vals || vals->size() != 1 || rk < 0)
      return success();
    int64_t v = (*vals)[0], hi = r.lo == 1 ? rk : rk - 1;
    if (v < -rk || v > hi)
      return error() << name << " " << v << " is out of range for input '"
                     << node.input(r.ref) << "' of rank " << rk
                     << " (valid: " << -rk << " to " << hi << ")";
    return success();
  }
  case Kind::Axes: {
    auto vals = values(r);
    int64_t rk = rank(r.ref);
    if (!vals || rk < 0)
      return success();
    if (r.lo == 1)
      rk += vals->size();
    llvm::SmallSet<int64_t, 8> seen;
    for (int64_t v : *vals) {
      if (v < -rk || v >= rk)
        return error() << name << " value " << v << " is out of range for "
                       << (r.lo == 1 ? "the result's rank " : "rank ") << rk
                       << " (valid: " << -rk << " to " << rk - 1 << ")";
      if (!seen.insert(v < 0 ? v + rk : v).second)
        return error() << name << " " << joined(*vals)
                       << " names an axis twice";
    }
    return success();
  }
  case Kind::Perm: {
    auto vals = values(r);
    int64_t rk = rank(r.ref);
    if (!vals || rk < 0)
      return success();
    SmallVector<bool> seen(rk, false);
    bool ok = (int64_t)vals->size() == rk;
    for (int64_t v : *vals) {
      if (!ok || v < 0 || v >= rk || seen[v]) {
        ok = false;
        break;
      }
      seen[v] = true;
    }
    if (!ok)
      return error() << name << " " << joined(*vals)
                     << " is not a permutation of the " << rk
                     << " dims of input '" << node.input(r.ref) << "'";
    return success();
  }
  case Kind::PerDim: {
    auto vals = values(r);
    int64_t rk = rank(r.ref);
    if (!vals || rk < 0 || (int64_t)vals->size() == r.lo * rk)
      return success();
    return error() << name << " needs " << r.lo * rk << " values (" << r.lo
                   << " per dim of input '" << node.input(r.ref)
                   << "' of rank " << rk << "), got " << vals->size();
  }
  case Kind::NonZero: {
    auto vals = values(r);
    if (vals && llvm::is_contained(*vals, 0))
      return error() << name << " must not be 0";
    return success();
  }
  case Kind::OneOf: {
    const auto *a = attr(name);
    if (!a || a->type() != onnx::AttributeProto::STRING)
      return success();
    SmallVector<StringRef> allowed;
    StringRef(r.values).split(allowed, '|');
    if (llvm::is_contained(allowed, StringRef(a->s())))
      return success();
    auto diag = error() << name << " '" << a->s() << "' is not one of ";
    llvm::interleaveComma(allowed, diag);
    return diag;
  }
  case Kind::DataType: {
    const auto *a = attr(name);
    if (!a || a->type() != onnx::AttributeProto::INT)
      return success();
    if (a->i() <= 0 || a->i() > INT32_MAX ||
        !onnx::TensorProto_DataType_IsValid((int)a->i()))
      return error() << name << " " << a->i() << " is not an ONNX data type";
    return success();
  }
  case Kind::Rank: {
    int64_t rk = rank(r.ref);
    bool exact = r.hi == 1;
    if (rk < 0 || (exact ? rk == r.lo : rk >= r.lo))
      return success();
    return error() << "input '" << node.input(r.ref) << "' has rank " << rk
                   << "; it needs " << (exact ? "rank " : "at least rank ")
                   << r.lo;
  }
  case Kind::SameRank: {
    int64_t x = rank(r.ref), w = rank(r.other);
    if (x < 0 || w < 0 || x == w)
      return success();
    return error() << "input rank " << x << " and weight rank " << w
                   << " differ";
  }
  case Kind::Scales: {
    SmallVector<double> vals;
    if (const auto *a = attr(name); a && a->type() == onnx::AttributeProto::FLOATS)
      vals.assign(a->floats().begin(), a->floats().end());
    else if (hasInput(r.input))
      if (auto it = facts.floats.find(node.input(r.input));
          it != facts.floats.end())
        vals = it->second;
    for (double v : vals) {
      if (!std::isfinite(v) || v <= 0)
        return error() << name << " must be finite and > 0";
      if (v > (double)kMaxElements)
        return error() << name << " must be <= " << bound(kMaxElements);
    }
    return success();
  }
  case Kind::AtMostDim: {
    auto vals = values(r);
    const SmallVector<int64_t> *xs = shape(r.ref);
    if (!vals || !xs)
      return success();
    int64_t rk = xs->size(), axis = r.lo;
    if (const auto *a = attr(r.values);
        a && a->type() == onnx::AttributeProto::INT)
      axis = a->i();
    if (axis < -rk || axis >= rk)
      return success(); // the axis rule reports it
    if (axis < 0)
      axis += rk;
    int64_t n = (*xs)[axis];
    for (int64_t v : *vals)
      if (n >= 0 && v > n)
        return error() << name << " " << v << " is larger than dim " << axis
                       << " of input '" << node.input(r.ref) << "' (" << n
                       << ")";
    return success();
  }
  case Kind::Window:
    return checkWindow(r);
  case Kind::Group:
    return checkGroup(r);
  case Kind::Finite: {
    const auto *a = attr(name);
    if (!a || a->type() != onnx::AttributeProto::FLOAT)
      return success();
    if (!std::isfinite(a->f()) || a->f() < (double)r.lo)
      return error() << name << " must be finite and >= " << r.lo << " (got "
                     << a->f() << ")";
    return success();
  }
  case Kind::GroupAffine: {
    const auto *a = attr("num_groups");
    const SmallVector<int64_t> *xs = shape(r.ref);
    int64_t g = a ? a->i() : -1;
    int64_t c = xs && xs->size() >= 2 ? (*xs)[1] : -1;
    bool perChannel = opset >= 21;
    int64_t want = perChannel ? c : g;
    if (want < 1)
      return success();
    for (int i : {r.ref + 1, r.ref + 2}) {
      const SmallVector<int64_t> *ss = shape(i);
      if (!ss || llvm::is_contained(*ss, -1))
        continue;
      if (ss->size() != 1 || (*ss)[0] != want) {
        std::string dims;
        for (auto [k, d] : llvm::enumerate(*ss))
          dims += (k ? "x" : "") + std::to_string(d);
        return error() << (i == r.ref + 1 ? "scale" : "bias") << " '"
                       << node.input(i) << "' has shape "
                       << (dims.empty() ? std::string("scalar") : dims)
                       << "; it needs " << want << " values ("
                       << (perChannel ? "one per channel of input '" +
                                            node.input(r.ref) +
                                            "' from opset 21"
                                      : std::string("one per group before "
                                                    "opset 21"))
                       << ")";
      }
    }
    return success();
  }
  case Kind::Indices: {
    if (!hasInput(r.input))
      return success();
    auto idx = facts.ints.find(node.input(r.input));
    const SmallVector<int64_t> *xs = shape(r.ref);
    if (idx == facts.ints.end() || !xs)
      return success();
    int64_t rk = xs->size(), axis = 0;
    if (const auto *a = attr(name))
      axis = a->i();
    if (axis < -rk || axis >= rk)
      return success(); // the axis rule reports it
    if (axis < 0)
      axis += rk;
    int64_t n = (*xs)[axis];
    if (n < 0)
      return success();
    for (int64_t v : idx->second)
      if (v < -n || v >= n)
        return error() << "index " << v << " (input '" << node.input(r.input)
                       << "') is out of range for dim " << axis
                       << " of input '" << node.input(r.ref) << "', of size "
                       << n
                       << (n ? " (valid: " + std::to_string(-n) + " to " +
                                   std::to_string(n - 1) + ")"
                             : std::string(": it has no elements"));
    return success();
  }
  }
  return success();
}

LogicalResult RuleChecker::checkWindow(const AttrRule &r) {
  bool transposed = r.lo == 1;
  auto kernelAttr = ints("kernel_shape");
  const SmallVector<int64_t> *xs = shape(r.ref);
  const SmallVector<int64_t> *ws = shape(r.other);
  int64_t xr = xs ? (int64_t)xs->size() : -1;
  if (xr >= 0 && xr < 3)
    return success(); // the rank rule reports it
  if (kernelAttr && xr >= 0 && (int64_t)kernelAttr->size() != xr - 2)
    return error() << "kernel_shape " << joined(*kernelAttr) << " has "
                   << kernelAttr->size() << " values for input '"
                   << node.input(r.ref) << "' of rank " << xr << " ("
                   << xr - 2 << " spatial dims)";
  if (kernelAttr && ws && ws->size() >= 2) {
    ArrayRef<int64_t> wsp = ArrayRef(*ws).drop_front(2);
    bool agree = wsp.size() == kernelAttr->size();
    for (size_t i = 0; agree && i < wsp.size(); ++i)
      agree = wsp[i] < 0 || wsp[i] == (*kernelAttr)[i];
    if (!agree)
      return error() << "kernel_shape " << joined(*kernelAttr)
                     << " does not match the spatial dims of weight '"
                     << node.input(r.other) << "' " << joined(wsp);
  }
  // The number of spatial dims: the kernel's, or the input's.
  int64_t s = kernelAttr        ? (int64_t)kernelAttr->size()
              : ws && ws->size() >= 3 ? (int64_t)ws->size() - 2
              : xr >= 3               ? xr - 2
                                      : -1;
  if (s < 0)
    return success();
  SmallVector<int64_t> kernel =
      kernelAttr ? *kernelAttr : SmallVector<int64_t>(s, 1);
  if (!kernelAttr && ws && (int64_t)ws->size() == s + 2)
    for (int64_t i = 0; i < s; ++i)
      if ((*ws)[i + 2] >= 0)
        kernel[i] = (*ws)[i + 2];
  SmallVector<int64_t> strides =
      ints("strides").value_or(SmallVector<int64_t>(s, 1));
  SmallVector<int64_t> dilations =
      ints("dilations").value_or(SmallVector<int64_t>(s, 1));
  SmallVector<int64_t> pads =
      ints("pads").value_or(SmallVector<int64_t>(2 * s, 0));
  AutoPad autoPad = AutoPad::NotSet;
  if (const auto *a = attr("auto_pad"))
    autoPad = symbolizeAutoPad(a->s()).value_or(AutoPad::NotSet);
  const auto *ceil = attr("ceil_mode");
  WindowAttrs w{kernel, strides, dilations, pads, autoPad,
                ceil && ceil->i() != 0};
  // Lengths and signs, as the dyad verifiers check them later.
  if (failed(verifyWindowAttrs(w, [&] { return error(); })))
    return failure();
  for (int64_t i = 0; i < s; ++i) {
    // (k - 1) * d + 1, in arithmetic that cannot overflow: each value is at
    // most 2^40 (the range rules), their product may be 2^80.
    int64_t extent;
    if (llvm::MulOverflow(kernel[i] - 1, dilations[i], extent) ||
        extent >= kMaxElements)
      return error() << "the dilated kernel of spatial dim " << i << " ("
                     << "(" << kernel[i] << " - 1) * " << dilations[i]
                     << " + 1) is larger than 2^40 (Dyad's limit on sizes)";
  }
  if (transposed) {
    // output_shape gives the spatial dims (ONNX's own form), or the whole
    // output shape (which some exporters write); output_padding one per dim.
    if (auto os = ints("output_shape"); os && (int64_t)os->size() != s &&
                                        (int64_t)os->size() != s + 2)
      return error() << "output_shape " << joined(*os) << " has "
                     << os->size() << " values; it needs " << s
                     << " (one per spatial dim) or " << s + 2;
    if (auto op = ints("output_padding"); op && (int64_t)op->size() != s)
      return error() << "output_padding " << joined(*op) << " has "
                     << op->size() << " values; it needs " << s
                     << " (one per spatial dim)";
  }
  if (transposed || !xs || autoPad != AutoPad::NotSet ||
      llvm::any_of(*xs, [](int64_t d) { return d > kMaxElements; }))
    return success();
  // A window that does not fit the padded input gives libonnx a negative
  // output size.
  SmallVector<int64_t> in;
  for (int64_t i = 0; i < s; ++i)
    in.push_back((*xs)[i + 2] < 0 ? ShapedType::kDynamic : (*xs)[i + 2]);
  if (failed(computeWindow(w, in, [&] { return error(); })))
    return failure();
  return success();
}

LogicalResult RuleChecker::checkGroup(const AttrRule &r) {
  bool transposed = r.hi == 1;
  const char *what = r.name ? r.name : "group";
  int64_t g = 1;
  if (const auto *a = attr(what))
    g = a->i();
  if (g < 1)
    return success(); // the range rule reports it
  const SmallVector<int64_t> *xs = shape(r.ref);
  const SmallVector<int64_t> *ws = shape(r.other);
  int64_t c = xs && xs->size() >= 2 ? (*xs)[1] : -1;
  int64_t w0 = ws && ws->size() >= 2 ? (*ws)[0] : -1;
  int64_t w1 = ws && ws->size() >= 2 ? (*ws)[1] : -1;
  auto channels = [&]() {
    return error() << "input '" << node.input(r.ref) << "' has " << c
                   << " channels but weight '" << node.input(r.other) << "' ";
  };
  if (transposed) {
    // Weight (C, M / group, k...).
    if (c >= 0 && w0 >= 0 && w0 != c)
      return channels() << "takes " << w0;
  } else if (int64_t perGroup;
             c >= 0 && w1 >= 0 &&
             (llvm::MulOverflow(w1, g, perGroup) || perGroup != c)) {
    // Weight (M, C / group, k...).
    return channels() << "takes " << w1 << " per group x " << g << " group"
                      << (g == 1 ? "" : "s");
  }
  if (c >= 0 && c % g != 0)
    return error() << what << " " << g << " does not divide the " << c
                   << " channels of input '" << node.input(r.ref) << "'";
  if (!transposed && w0 >= 0 && w0 % g != 0)
    return error() << "group " << g << " does not divide the " << w0
                   << " output channels of weight '" << node.input(r.other)
                   << "'";
  return success();
}

} // namespace

LogicalResult GraphImporter::checkNodeRules(
    const onnx::GraphProto &graph,
    llvm::function_ref<bool(const onnx::NodeProto &)> pending) {
  GraphFacts facts(graph);
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    if (pending && pending(node))
      continue;
    std::string domain =
        node.domain() == "ai.onnx" ? std::string() : node.domain();
    auto opset = opsets.find(domain);
    auto spec = opTable().find(opKey(domain, node.op_type()));
    if (opset == opsets.end() || spec == opTable().end())
      continue; // reported as unsupported (or an Upsample to upgrade)
    RuleChecker checker{facts, node, nodeLoc(node, index), opset->second};
    for (const AttrRule &rule : spec->second.rules)
      if (failed(checker.check(rule)))
        return failure();
  }
  return success();
}

LogicalResult GraphImporter::checkElementCount(ArrayRef<int64_t> dims,
                                               Location loc,
                                               const llvm::Twine &what) {
  int64_t count = 1;
  bool over = false;
  for (int64_t d : dims) {
    if (ShapedType::isDynamic(d) || d < 0) {
      continue;
    }
    if (d == 0)
      return success();
    if (llvm::MulOverflow(count, d, count))
      over = true;
  }
  if (!over && count <= kMaxElements)
    return success();
  std::string shape;
  for (auto [i, d] : llvm::enumerate(dims))
    shape += (i ? "x" : "") +
             (ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d));
  return emitError(loc) << what << " has shape " << shape << ": more than "
                        << (over ? "2^63" : "2^40")
                        << " elements (Dyad's limit on tensor sizes is 2^40)";
}
