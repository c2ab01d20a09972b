//===- onnx-mutator.cpp - structure-aware mutations of ONNX models --------===//
//
// libFuzzer's own mutations flip bytes. On a protobuf model nearly every
// flipped byte breaks the wire format, so almost all inputs stop at
// "the protobuf data is corrupt" and the importer's real work (attribute
// values, dims, dtypes, node order, opsets) is barely exercised. This file
// mutates models as messages instead: the input is parsed as
// onnx::ModelProto (libonnx's generated classes), changed, and serialized
// back, so every mutant is a well-formed protobuf that reaches validation,
// shape inference and the op builders.
//
// The usual tool for this is libprotobuf-mutator, which Debian does not
// package; this is a small in-tree equivalent, with ONNX knowledge added:
//
//  - generic mutations through protobuf reflection, on any field of any
//    message in the model: integers to boundary values (0, -1, 1,
//    INT64_MAX/MIN, 2^31, 2^40, ...), floats to NaN/inf/denormals, strings to
//    op, attribute and value names, repeated fields grown, shrunk,
//    duplicated, swapped;
//  - ONNX-aware mutations: an attribute's value or type, attributes added
//    from the op's schema or dropped, tensor dims, dtypes and data (also
//    refilled consistently, so that the model gets past the size checks),
//    value_info shapes and element types, nodes swapped, duplicated, dropped
//    or retyped, node inputs rewired to other existing value names, opset
//    versions 1..22, ir_version.
//
// All choices come from a generator seeded with libFuzzer's seed, so a run
// with -seed=N is reproducible (scripts/fuzz.sh relies on that in CI).
//
//===----------------------------------------------------------------------===//

#include "onnx-mutator.h"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace pb = google::protobuf;
using onnx::AttributeProto;
using onnx::TensorProto;

namespace {

//===----------------------------------------------------------------------===//
// Random choices and interesting values
//===----------------------------------------------------------------------===//

class Rng {
public:
  explicit Rng(unsigned seed) : gen(seed) {}
  /// Uniform in [0, n); n > 0.
  size_t below(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(gen);
  }
  /// True with probability 1/n.
  bool oneIn(size_t n) { return below(n) == 0; }
  int64_t range(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(gen);
  }
  uint64_t bits() { return gen(); }
  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(gen);
  }
  template <typename T> const T &pick(const std::vector<T> &v) {
    return v[below(v.size())];
  }

private:
  std::mt19937_64 gen;
};

/// Boundary values that break arithmetic on dims, axes, counts and sizes.
int64_t interestingInt(Rng &rng) {
  static const std::vector<int64_t> values = {
      0, 1, -1, 2, 3, -2, 4, 7, 8, 16, 255, 256, 65535, 65536,
      std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
      int64_t(1) << 31, int64_t(1) << 32, int64_t(1) << 40, int64_t(1) << 62,
      std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
      std::numeric_limits<int64_t>::max() - 1,
      std::numeric_limits<int64_t>::min() + 1};
  switch (rng.below(4)) {
  case 0:
    return rng.range(-4, 8); // axes, ranks, small counts
  case 1:
    return static_cast<int64_t>(rng.bits());
  default:
    return rng.pick(values);
  }
}

/// An int near `old` or an interesting one.
int64_t mutateInt(Rng &rng, int64_t old) {
  if (rng.oneIn(3))
    return static_cast<int64_t>(static_cast<uint64_t>(old) +
                                static_cast<uint64_t>(rng.range(-3, 3)));
  return interestingInt(rng);
}

double interestingFloat(Rng &rng) {
  static const std::vector<double> values = {
      std::numeric_limits<double>::quiet_NaN(),
      -std::numeric_limits<double>::quiet_NaN(),
      std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(),
      0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 255.0, -128.0, 65504.0, 1e-3,
      FLT_MIN, FLT_TRUE_MIN, 1e-40, -1e-40, FLT_MAX, -FLT_MAX, 1e30, 1e300,
      DBL_TRUE_MIN, DBL_MAX};
  if (rng.oneIn(4))
    return rng.uniform(-10, 10);
  return rng.pick(values);
}

/// Bit patterns for 16-bit floats (float16 and bfloat16 alike): NaN, inf,
/// denormals, zeros, one, the largest finite values.
uint16_t interestingHalf(Rng &rng) {
  static const std::vector<uint16_t> values = {
      0x7E00, 0xFE00, 0x7C00, 0xFC00, 0x0001, 0x8001, 0x0000, 0x8000,
      0x3C00, 0xBC00, 0x7BFF, 0xFBFF, 0x7FC0, 0x7F80, 0x3F80, 0x0080};
  if (rng.oneIn(4))
    return static_cast<uint16_t>(rng.bits());
  return rng.pick(values);
}

//===----------------------------------------------------------------------===//
// Names: ops and attributes from libonnx's schema registry
//===----------------------------------------------------------------------===//

struct Names {
  std::vector<std::string> ops;
  std::vector<std::string> attributes;
  /// Per op type: its attributes and their declared types (newest schema).
  std::map<std::string, std::vector<std::pair<std::string, int>>> opAttributes;
  std::vector<std::string> domains = {"",        "ai.onnx", "ai.onnx.ml",
                                      "com.microsoft", "ai.onnx.preview.training",
                                      "x"};
  /// Values of string attributes (auto_pad, modes, directions, ...).
  std::vector<std::string> stringValues = {
      "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "constant", "reflect",
      "edge", "wrap", "linear", "nearest", "cubic", "half_pixel",
      "asymmetric", "align_corners", "pytorch_half_pixel",
      "tf_crop_and_resize", "round_prefer_floor", "round_prefer_ceil",
      "floor", "ceil", "DCR", "CRD", "forward", "reverse", "bidirectional",
      "Tanh", "Sigmoid", "Relu", "none", "mean", "sum", "max", "min", "tanh",
      "", "\xff\xfe", "../../etc/passwd", std::string("a\0b", 3)};
};

const Names &names() {
  static const Names n = [] {
    Names n;
    std::map<std::string, int> attrs;
    for (const auto &schema : onnx::OpSchemaRegistry::get_all_schemas()) {
      n.ops.push_back(schema.Name());
      auto &list = n.opAttributes[schema.Name()];
      for (const auto &kv : schema.attributes()) {
        list.emplace_back(kv.first, static_cast<int>(kv.second.type));
        attrs[kv.first] = 0;
      }
    }
    for (const auto &kv : attrs)
      n.attributes.push_back(kv.first);
    return n;
  }();
  return n;
}

//===----------------------------------------------------------------------===//
// The ONNX-aware mutator
//===----------------------------------------------------------------------===//

size_t elementSize(int dtype) {
  switch (dtype) {
  case TensorProto::BOOL:
  case TensorProto::INT8:
  case TensorProto::UINT8:
    return 1;
  case TensorProto::INT16:
  case TensorProto::UINT16:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    return 2;
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 4;
  default:
    return 8;
  }
}

class ModelMutator {
public:
  ModelMutator(onnx::ModelProto &model, Rng &rng) : model(model), rng(rng) {}

  /// One mutation; false when the chosen kind found nothing to change.
  bool mutateOnce() {
    // The previous mutation may have moved or freed what was collected.
    graphs.clear();
    nodes.clear();
    tensors.clear();
    valueTypes.clear();
    valueNames.clear();
    collect(model.mutable_graph(), 0);
    switch (rng.below(9)) {
    case 0:
    case 1:
      return mutateAttribute();
    case 2:
      return mutateTensor();
    case 3:
      return mutateValueType();
    case 4:
      return mutateNodes();
    case 5:
      return rewire();
    case 6:
      return mutateOpsets();
    default:
      return mutateGeneric(&model);
    }
  }

private:
  onnx::ModelProto &model;
  Rng &rng;
  std::vector<onnx::GraphProto *> graphs; // the main graph and subgraphs
  std::vector<onnx::NodeProto *> nodes;
  std::vector<TensorProto *> tensors;
  std::vector<onnx::TypeProto_Tensor *> valueTypes;
  std::vector<std::string> valueNames;

  void collectType(onnx::TypeProto *type, int depth) {
    if (depth > 4)
      return;
    if (type->has_tensor_type())
      valueTypes.push_back(type->mutable_tensor_type());
    if (type->has_sequence_type() && type->sequence_type().has_elem_type())
      collectType(type->mutable_sequence_type()->mutable_elem_type(),
                  depth + 1);
    if (type->has_optional_type() && type->optional_type().has_elem_type())
      collectType(type->mutable_optional_type()->mutable_elem_type(),
                  depth + 1);
  }

  void collect(onnx::GraphProto *g, int depth) {
    graphs.push_back(g);
    for (auto &t : *g->mutable_initializer()) {
      tensors.push_back(&t);
      valueNames.push_back(t.name());
    }
    for (auto *list : {g->mutable_input(), g->mutable_output(),
                       g->mutable_value_info()})
      for (auto &vi : *list) {
        valueNames.push_back(vi.name());
        if (vi.has_type())
          collectType(vi.mutable_type(), 0);
      }
    for (auto &n : *g->mutable_node()) {
      nodes.push_back(&n);
      for (const auto &out : n.output())
        valueNames.push_back(out);
      for (auto &a : *n.mutable_attribute()) {
        if (a.has_t())
          tensors.push_back(a.mutable_t());
        for (auto &t : *a.mutable_tensors())
          tensors.push_back(&t);
        if (depth < 6) {
          if (a.has_g())
            collect(a.mutable_g(), depth + 1);
          for (auto &sg : *a.mutable_graphs())
            collect(&sg, depth + 1);
        }
      }
    }
  }

  std::string someName() {
    if (!valueNames.empty() && !rng.oneIn(4))
      return rng.pick(valueNames);
    const Names &n = names();
    switch (rng.below(4)) {
    case 0:
      return rng.pick(n.ops);
    case 1:
      return rng.pick(n.attributes);
    case 2:
      return rng.pick(n.stringValues);
    default:
      return "v" + std::to_string(rng.below(8));
    }
  }

  /// Fills t with a consistent random tensor: a small shape, a dtype and as
  /// many elements of boundary values as the shape needs, in raw_data or in
  /// the typed field.
  void refillTensor(TensorProto &t) {
    static const std::vector<int> dtypes = {
        TensorProto::FLOAT,  TensorProto::FLOAT,  TensorProto::INT64,
        TensorProto::INT64,  TensorProto::INT32,  TensorProto::INT8,
        TensorProto::UINT8,  TensorProto::BOOL,   TensorProto::FLOAT16,
        TensorProto::DOUBLE, TensorProto::INT16,  TensorProto::UINT16,
        TensorProto::UINT32, TensorProto::UINT64, TensorProto::BFLOAT16};
    int dtype = rng.pick(dtypes);
    std::vector<int64_t> dims;
    int64_t count = 1;
    if (rng.oneIn(3)) {
      // Keep the shape when it is small enough.
      for (int64_t d : t.dims())
        dims.push_back(d);
      // (-1 once any dim is out of range: a negative count multiplied on
      // would overflow.)
      for (int64_t d : dims)
        count = (count < 0 || d < 0 || d > 4096 || count * d > 4096)
                    ? -1
                    : count * d;
    }
    if (!rng.oneIn(3) || count < 0) {
      dims.clear();
      count = 1;
      size_t rank = rng.below(5);
      for (size_t i = 0; i < rank; ++i) {
        int64_t d = rng.range(0, 4);
        dims.push_back(d);
        count *= d;
      }
    }
    t.clear_dims();
    for (int64_t d : dims)
      t.add_dims(d);
    t.set_data_type(dtype);
    t.clear_raw_data();
    t.clear_float_data();
    t.clear_int32_data();
    t.clear_int64_data();
    t.clear_double_data();
    t.clear_uint64_data();
    t.clear_string_data();
    t.clear_external_data();
    t.clear_data_location();
    bool raw = !rng.oneIn(3);
    std::string bytes;
    auto append = [&](const void *p, size_t n) {
      bytes.append(static_cast<const char *>(p), n);
    };
    for (int64_t i = 0; i < count; ++i) {
      double f = interestingFloat(rng);
      int64_t v = interestingInt(rng); // little-endian: low bytes first
      switch (dtype) {
      case TensorProto::FLOAT: {
        float x = static_cast<float>(f);
        raw ? append(&x, 4) : t.add_float_data(x);
        break;
      }
      case TensorProto::DOUBLE:
        raw ? append(&f, 8) : t.add_double_data(f);
        break;
      case TensorProto::INT64:
        raw ? append(&v, 8) : t.add_int64_data(v);
        break;
      case TensorProto::UINT32:
      case TensorProto::UINT64:
        raw ? append(&v, elementSize(dtype))
            : t.add_uint64_data(static_cast<uint64_t>(v));
        break;
      case TensorProto::FLOAT16:
      case TensorProto::BFLOAT16: {
        uint16_t h = interestingHalf(rng);
        raw ? append(&h, 2) : t.add_int32_data(h);
        break;
      }
      default: // int32 and narrower: int32_data holds them
        raw ? append(&v, elementSize(dtype))
            : t.add_int32_data(static_cast<int32_t>(v));
        break;
      }
    }
    if (raw)
      t.set_raw_data(bytes);
  }

  /// Gives `a` a value of the given type (INTS of rank-like lengths, small
  /// ints most often: axes, pads, strides).
  void setAttributeValue(AttributeProto &a, int type) {
    a.set_type(static_cast<AttributeProto::AttributeType>(type));
    const Names &n = names();
    switch (type) {
    case AttributeProto::FLOAT:
      a.set_f(static_cast<float>(interestingFloat(rng)));
      break;
    case AttributeProto::INT:
      a.set_i(interestingInt(rng));
      break;
    case AttributeProto::STRING:
      a.set_s(rng.oneIn(3) ? someName() : rng.pick(n.stringValues));
      break;
    case AttributeProto::TENSOR:
      refillTensor(*a.mutable_t());
      break;
    case AttributeProto::FLOATS: {
      a.clear_floats();
      for (size_t i = 0, e = rng.below(7); i < e; ++i)
        a.add_floats(static_cast<float>(interestingFloat(rng)));
      break;
    }
    case AttributeProto::INTS: {
      a.clear_ints();
      for (size_t i = 0, e = rng.below(9); i < e; ++i)
        a.add_ints(rng.oneIn(3) ? interestingInt(rng) : rng.range(-2, 4));
      break;
    }
    case AttributeProto::STRINGS: {
      a.clear_strings();
      for (size_t i = 0, e = rng.below(4); i < e; ++i)
        a.add_strings(rng.pick(n.stringValues));
      break;
    }
    case AttributeProto::TENSORS: {
      a.clear_tensors();
      for (size_t i = 0, e = 1 + rng.below(2); i < e; ++i)
        refillTensor(*a.add_tensors());
      break;
    }
    case AttributeProto::GRAPH:
    case AttributeProto::GRAPHS: {
      // A one-node body: Identity of an outer value (If, Loop, Scan).
      onnx::GraphProto *g =
          type == AttributeProto::GRAPH ? a.mutable_g() : a.add_graphs();
      g->Clear();
      g->set_name("body");
      auto *node = g->add_node();
      node->set_op_type("Identity");
      node->add_input(someName());
      node->add_output("body_out");
      g->add_output()->set_name("body_out");
      break;
    }
    default: // sparse tensors and type protos: the type alone
      break;
    }
  }

  bool mutateAttribute() {
    if (nodes.empty())
      return false;
    onnx::NodeProto &node = *rng.pick(nodes);
    const Names &n = names();
    auto known = n.opAttributes.find(node.op_type());
    int choice = node.attribute_size() == 0 ? 0 : rng.below(7);
    switch (choice) {
    case 0: { // add one: from the op's schema, or any name
      AttributeProto *a = node.add_attribute();
      if (known != n.opAttributes.end() && !known->second.empty() &&
          !rng.oneIn(4)) {
        const auto &[name, type] = rng.pick(known->second);
        a->set_name(name);
        setAttributeValue(*a, rng.oneIn(4) ? 1 + rng.below(10) : type);
      } else {
        a->set_name(rng.pick(n.attributes));
        setAttributeValue(*a, 1 + rng.below(10));
      }
      return true;
    }
    case 1:
    case 2: { // a new value of the same type
      AttributeProto &a =
          *node.mutable_attribute(rng.below(node.attribute_size()));
      switch (a.type()) {
      case AttributeProto::INT:
        a.set_i(mutateInt(rng, a.i()));
        return true;
      case AttributeProto::INTS:
        if (a.ints_size() > 0 && !rng.oneIn(3)) {
          int i = rng.below(a.ints_size());
          a.set_ints(i, mutateInt(rng, a.ints(i)));
          return true;
        }
        break;
      case AttributeProto::FLOATS:
        if (a.floats_size() > 0 && !rng.oneIn(3)) {
          a.set_floats(rng.below(a.floats_size()),
                       static_cast<float>(interestingFloat(rng)));
          return true;
        }
        break;
      case AttributeProto::TENSOR:
        if (!rng.oneIn(3))
          return mutateOneTensor(*a.mutable_t());
        break;
      default:
        break;
      }
      setAttributeValue(a, a.type());
      return true;
    }
    case 3: { // another type, with or without clearing the old value
      AttributeProto &a =
          *node.mutable_attribute(rng.below(node.attribute_size()));
      if (rng.oneIn(2)) {
        std::string name = a.name();
        a.Clear();
        a.set_name(name);
      }
      if (rng.oneIn(4))
        a.set_type(static_cast<AttributeProto::AttributeType>(
            rng.range(0, 14)));
      else
        setAttributeValue(a, 1 + rng.below(14));
      return true;
    }
    case 4: // drop one
      node.mutable_attribute()->DeleteSubrange(
          rng.below(node.attribute_size()), 1);
      return true;
    case 5: { // rename one (to another attribute of the op, or any)
      AttributeProto &a =
          *node.mutable_attribute(rng.below(node.attribute_size()));
      if (known != n.opAttributes.end() && !known->second.empty() &&
          rng.oneIn(2))
        a.set_name(rng.pick(known->second).first);
      else
        a.set_name(rng.oneIn(8) ? std::string() : rng.pick(n.attributes));
      return true;
    }
    default: // the same attribute twice
      *node.add_attribute() = node.attribute(rng.below(node.attribute_size()));
      return true;
    }
  }

  bool mutateOneTensor(TensorProto &t) {
    switch (rng.below(7)) {
    case 0:
    case 1:
      refillTensor(t);
      return true;
    case 2: // one dim
      if (t.dims_size() > 0) {
        int i = rng.below(t.dims_size());
        t.set_dims(i, mutateInt(rng, t.dims(i)));
        return true;
      }
      t.add_dims(interestingInt(rng));
      return true;
    case 3: // rank
      if (t.dims_size() > 0 && rng.oneIn(2))
        t.mutable_dims()->RemoveLast();
      else
        t.add_dims(rng.oneIn(2) ? 1 : interestingInt(rng));
      return true;
    case 4: // dtype, data untouched (including undefined and unknown ones)
      t.set_data_type(rng.oneIn(6) ? static_cast<int>(interestingInt(rng))
                                   : static_cast<int>(rng.range(0, 17)));
      return true;
    case 5: { // the data's length
      std::string raw = t.raw_data();
      if (!raw.empty() && rng.oneIn(2))
        raw.resize(rng.below(raw.size()));
      else
        raw.append(1 + rng.below(16), static_cast<char>(rng.bits()));
      t.set_raw_data(raw);
      return true;
    }
    default: { // external data, resolved against a folder that is not there
      t.set_data_location(TensorProto::EXTERNAL);
      t.clear_external_data();
      static const std::vector<std::string> keys = {"location", "offset",
                                                    "length", "checksum"};
      static const std::vector<std::string> values = {
          "w.bin", "../w.bin", "/etc/passwd", "", "0", "-1", "4",
          "18446744073709551615", "9223372036854775807", "x"};
      for (size_t i = 0, e = rng.below(4); i < e; ++i) {
        auto *entry = t.add_external_data();
        entry->set_key(rng.pick(keys));
        entry->set_value(rng.pick(values));
      }
      return true;
    }
    }
  }

  bool mutateTensor() {
    if (tensors.empty())
      return false;
    return mutateOneTensor(*rng.pick(tensors));
  }

  bool mutateValueType() {
    if (valueTypes.empty())
      return false;
    onnx::TypeProto_Tensor &type = *rng.pick(valueTypes);
    switch (rng.below(6)) {
    case 0:
      type.set_elem_type(rng.oneIn(6) ? static_cast<int>(interestingInt(rng))
                                      : static_cast<int>(rng.range(0, 17)));
      return true;
    case 1:
    case 2: { // one dim: a value, a symbol or nothing
      auto *shape = type.mutable_shape();
      if (shape->dim_size() == 0) {
        shape->add_dim()->set_dim_value(rng.range(0, 4));
        return true;
      }
      auto *dim = shape->mutable_dim(rng.below(shape->dim_size()));
      switch (rng.below(4)) {
      case 0:
        dim->set_dim_param(rng.oneIn(2) ? "N" : someName());
        break;
      case 1:
        dim->Clear();
        break;
      default:
        dim->set_dim_value(dim->has_dim_value()
                               ? mutateInt(rng, dim->dim_value())
                               : interestingInt(rng));
      }
      return true;
    }
    case 3: { // rank
      auto *shape = type.mutable_shape();
      if (shape->dim_size() > 0 && rng.oneIn(2))
        shape->mutable_dim()->RemoveLast();
      else
        shape->add_dim()->set_dim_value(rng.range(1, 4));
      return true;
    }
    case 4: // unranked, or rank 0
      if (rng.oneIn(2))
        type.clear_shape();
      else
        type.mutable_shape()->clear_dim();
      return true;
    default: { // a whole new shape of rank 0..6
      auto *shape = type.mutable_shape();
      shape->clear_dim();
      for (size_t i = 0, e = rng.below(7); i < e; ++i)
        shape->add_dim()->set_dim_value(rng.oneIn(5) ? interestingInt(rng)
                                                     : rng.range(1, 8));
      return true;
    }
    }
  }

  bool mutateNodes() {
    std::vector<onnx::GraphProto *> withNodes;
    for (auto *g : graphs)
      if (g->node_size() > 0)
        withNodes.push_back(g);
    if (withNodes.empty())
      return false;
    onnx::GraphProto &g = *rng.pick(withNodes);
    auto &list = *g.mutable_node();
    int i = rng.below(list.size()), j = rng.below(list.size());
    const Names &n = names();
    switch (rng.below(7)) {
    case 0: // swap two (order: uses before definitions)
      list.SwapElements(i, j);
      return true;
    case 1: { // duplicate one, anywhere (a value defined twice)
      *list.Add() = list.Get(i);
      for (int k = list.size() - 1; k > j; --k)
        list.SwapElements(k, k - 1);
      return true;
    }
    case 2: // drop one (dangling uses)
      list.DeleteSubrange(i, 1);
      return true;
    case 3: // another op type: of another node, or any schema
      list.Mutable(i)->set_op_type(rng.oneIn(2) ? list.Get(j).op_type()
                                                : rng.pick(n.ops));
      return true;
    case 4:
      list.Mutable(i)->set_domain(rng.pick(n.domains));
      return true;
    case 5: // names: empty, or another node's
      list.Mutable(i)->set_name(rng.oneIn(2) ? std::string()
                                             : list.Get(j).name());
      return true;
    default: { // a new node of a random op on existing values
      auto *node = list.Add();
      node->Clear();
      node->set_op_type(rng.pick(n.ops));
      for (size_t k = 0, e = 1 + rng.below(3); k < e; ++k)
        node->add_input(someName());
      node->add_output("new" + std::to_string(rng.below(4)));
      for (int k = list.size() - 1; k > j; --k)
        list.SwapElements(k, k - 1);
      return true;
    }
    }
  }

  bool rewire() {
    std::vector<onnx::GraphProto *> withNodes;
    for (auto *g : graphs)
      if (g->node_size() > 0 || g->output_size() > 0)
        withNodes.push_back(g);
    if (withNodes.empty())
      return false;
    onnx::GraphProto &g = *rng.pick(withNodes);
    if (g.node_size() == 0 || rng.oneIn(6)) {
      // The graph's interface: an output renamed, or inputs/outputs
      // added or removed.
      switch (rng.below(4)) {
      case 0:
        if (g.output_size() > 0) {
          g.mutable_output(rng.below(g.output_size()))->set_name(someName());
          return true;
        }
        return false;
      case 1:
        if (g.output_size() > 0) {
          g.mutable_output()->DeleteSubrange(rng.below(g.output_size()), 1);
          return true;
        }
        return false;
      case 2:
        if (g.input_size() > 0) {
          g.mutable_input()->DeleteSubrange(rng.below(g.input_size()), 1);
          return true;
        }
        return false;
      default: {
        auto *vi = rng.oneIn(2) ? g.add_input() : g.add_output();
        vi->set_name(someName());
        if (!rng.oneIn(4)) {
          auto *t = vi->mutable_type()->mutable_tensor_type();
          t->set_elem_type(rng.oneIn(2) ? TensorProto::FLOAT
                                        : static_cast<int>(rng.range(0, 16)));
          for (size_t k = 0, e = rng.below(5); k < e; ++k)
            t->mutable_shape()->add_dim()->set_dim_value(rng.range(1, 4));
        }
        return true;
      }
      }
    }
    onnx::NodeProto &node = *g.mutable_node(rng.below(g.node_size()));
    switch (rng.below(6)) {
    case 0:
    case 1:
    case 2: // an input to another existing value (or none: optional)
      if (node.input_size() > 0) {
        node.set_input(rng.below(node.input_size()),
                       rng.oneIn(8) ? std::string() : someName());
        return true;
      }
      [[fallthrough]];
    case 3: // one more input
      node.add_input(rng.oneIn(8) ? std::string() : someName());
      return true;
    case 4: // one input fewer
      if (node.input_size() > 0) {
        node.mutable_input()->RemoveLast();
        return true;
      }
      return false;
    default: // an output renamed (to an existing name: defined twice) or added
      if (node.output_size() > 0 && !rng.oneIn(3))
        node.set_output(rng.below(node.output_size()),
                        rng.oneIn(8) ? std::string() : someName());
      else
        node.add_output(someName());
      return true;
    }
  }

  bool mutateOpsets() {
    if (rng.oneIn(4)) {
      model.set_ir_version(rng.oneIn(3) ? interestingInt(rng)
                                        : rng.range(1, 10));
      return true;
    }
    auto &imports = *model.mutable_opset_import();
    if (imports.empty() || rng.oneIn(5)) {
      auto *imp = imports.Add();
      imp->set_domain(rng.pick(names().domains));
      imp->set_version(rng.range(1, 22));
      return true;
    }
    auto &imp = *imports.Mutable(rng.below(imports.size()));
    switch (rng.below(5)) {
    case 0:
      imports.DeleteSubrange(rng.below(imports.size()), 1);
      return true;
    case 1:
      imp.set_domain(rng.pick(names().domains));
      return true;
    case 2:
      imp.set_version(interestingInt(rng));
      return true;
    default:
      imp.set_version(rng.range(1, 22));
      return true;
    }
  }

  //===--------------------------------------------------------------------===//
  // Generic mutations through reflection
  //===--------------------------------------------------------------------===//

  struct Slot {
    pb::Message *message;
    const pb::FieldDescriptor *field;
  };

  /// Every field of every message present (set or not: setting an unset one
  /// is a mutation too), to a bounded depth.
  void collectSlots(pb::Message *m, int depth, std::vector<Slot> &slots) {
    const pb::Descriptor *d = m->GetDescriptor();
    const pb::Reflection *r = m->GetReflection();
    for (int i = 0; i < d->field_count(); ++i) {
      const pb::FieldDescriptor *f = d->field(i);
      slots.push_back({m, f});
      if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE || depth > 12)
        continue;
      if (f->is_repeated()) {
        // Large repeated fields (thousands of nodes): a sample.
        int size = r->FieldSize(*m, f);
        int step = std::max(1, size / 64);
        for (int k = 0; k < size; k += step)
          collectSlots(r->MutableRepeatedMessage(m, f, k), depth + 1, slots);
      } else if (r->HasField(*m, f)) {
        collectSlots(r->MutableMessage(m, f), depth + 1, slots);
      }
    }
  }

  std::string mutateString(const std::string &old, bool isBytes) {
    if (!isBytes && !rng.oneIn(4))
      return someName();
    std::string s = old;
    switch (rng.below(4)) {
    case 0:
      if (!s.empty()) {
        s.resize(rng.below(s.size()));
        return s;
      }
      [[fallthrough]];
    case 1:
      s.append(1 + rng.below(8), static_cast<char>(rng.bits()));
      return s;
    case 2:
      if (!s.empty()) {
        s[rng.below(s.size())] = static_cast<char>(rng.bits());
        return s;
      }
      [[fallthrough]];
    default:
      return std::string();
    }
  }

  void setScalar(pb::Message *m, const pb::FieldDescriptor *f, int index) {
    const pb::Reflection *r = m->GetReflection();
    bool rep = index >= 0;
    using FD = pb::FieldDescriptor;
    switch (f->cpp_type()) {
    case FD::CPPTYPE_INT32: {
      int32_t v = static_cast<int32_t>(interestingInt(rng));
      rep ? r->SetRepeatedInt32(m, f, index, v) : r->SetInt32(m, f, v);
      break;
    }
    case FD::CPPTYPE_INT64: {
      int64_t old = rep ? r->GetRepeatedInt64(*m, f, index) : r->GetInt64(*m, f);
      int64_t v = mutateInt(rng, old);
      rep ? r->SetRepeatedInt64(m, f, index, v) : r->SetInt64(m, f, v);
      break;
    }
    case FD::CPPTYPE_UINT32: {
      uint32_t v = static_cast<uint32_t>(interestingInt(rng));
      rep ? r->SetRepeatedUInt32(m, f, index, v) : r->SetUInt32(m, f, v);
      break;
    }
    case FD::CPPTYPE_UINT64: {
      uint64_t v = static_cast<uint64_t>(interestingInt(rng));
      rep ? r->SetRepeatedUInt64(m, f, index, v) : r->SetUInt64(m, f, v);
      break;
    }
    case FD::CPPTYPE_FLOAT: {
      float v = static_cast<float>(interestingFloat(rng));
      rep ? r->SetRepeatedFloat(m, f, index, v) : r->SetFloat(m, f, v);
      break;
    }
    case FD::CPPTYPE_DOUBLE: {
      double v = interestingFloat(rng);
      rep ? r->SetRepeatedDouble(m, f, index, v) : r->SetDouble(m, f, v);
      break;
    }
    case FD::CPPTYPE_BOOL: {
      bool v = rng.oneIn(2);
      rep ? r->SetRepeatedBool(m, f, index, v) : r->SetBool(m, f, v);
      break;
    }
    case FD::CPPTYPE_ENUM: {
      const pb::EnumDescriptor *e = f->enum_type();
      int v = e->value(rng.below(e->value_count()))->number();
      rep ? r->SetRepeatedEnumValue(m, f, index, v) : r->SetEnumValue(m, f, v);
      break;
    }
    case FD::CPPTYPE_STRING: {
      bool isBytes = f->type() == FD::TYPE_BYTES;
      std::string old =
          rep ? r->GetRepeatedString(*m, f, index) : r->GetString(*m, f);
      std::string v = mutateString(old, isBytes);
      rep ? r->SetRepeatedString(m, f, index, v) : r->SetString(m, f, v);
      break;
    }
    case FD::CPPTYPE_MESSAGE:
      break;
    }
  }

  /// Appends one element to a repeated field: a copy of an existing one or
  /// a fresh value.
  void addElement(pb::Message *m, const pb::FieldDescriptor *f) {
    const pb::Reflection *r = m->GetReflection();
    int size = r->FieldSize(*m, f);
    using FD = pb::FieldDescriptor;
    if (f->cpp_type() == FD::CPPTYPE_MESSAGE) {
      pb::Message *added = r->AddMessage(m, f);
      if (size > 0)
        added->CopyFrom(r->GetRepeatedMessage(*m, f, rng.below(size)));
      return;
    }
    switch (f->cpp_type()) {
    case FD::CPPTYPE_INT32:
      r->AddInt32(m, f, 0);
      break;
    case FD::CPPTYPE_INT64:
      r->AddInt64(m, f, 0);
      break;
    case FD::CPPTYPE_UINT32:
      r->AddUInt32(m, f, 0);
      break;
    case FD::CPPTYPE_UINT64:
      r->AddUInt64(m, f, 0);
      break;
    case FD::CPPTYPE_FLOAT:
      r->AddFloat(m, f, 0);
      break;
    case FD::CPPTYPE_DOUBLE:
      r->AddDouble(m, f, 0);
      break;
    case FD::CPPTYPE_BOOL:
      r->AddBool(m, f, false);
      break;
    case FD::CPPTYPE_ENUM:
      r->AddEnumValue(m, f, f->enum_type()->value(0)->number());
      break;
    case FD::CPPTYPE_STRING:
      r->AddString(m, f, std::string());
      break;
    default:
      return;
    }
    setScalar(m, f, size);
  }

  bool mutateGeneric(pb::Message *root) {
    std::vector<Slot> slots;
    collectSlots(root, 0, slots);
    if (slots.empty())
      return false;
    auto [m, f] = rng.pick(slots);
    const pb::Reflection *r = m->GetReflection();
    bool isMessage = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
    if (!f->is_repeated()) {
      if (rng.oneIn(6) || (isMessage && r->HasField(*m, f))) {
        r->ClearField(m, f);
        return true;
      }
      if (isMessage)
        r->MutableMessage(m, f); // present, empty
      else
        setScalar(m, f, -1);
      return true;
    }
    int size = r->FieldSize(*m, f);
    switch (size == 0 ? 0 : rng.below(6)) {
    case 0:
      addElement(m, f);
      return true;
    case 1: { // remove one, keeping the order of the rest
      for (int k = rng.below(size); k + 1 < size; ++k)
        r->SwapElements(m, f, k, k + 1);
      r->RemoveLast(m, f);
      return true;
    }
    case 2: // swap two
      r->SwapElements(m, f, rng.below(size), rng.below(size));
      return true;
    case 3:
      if (rng.oneIn(4)) {
        r->ClearField(m, f);
        return true;
      }
      [[fallthrough]];
    default: // change one element
      if (isMessage)
        return mutateGeneric(
            r->MutableRepeatedMessage(m, f, rng.below(size)));
      setScalar(m, f, rng.below(size));
      return true;
    }
  }
};

bool parse(const uint8_t *data, size_t size, onnx::ModelProto &model) {
  // ONNX text starts with '<' (or a comment); those inputs mutate as bytes.
  if (size == 0 || data[0] == '<' || data[0] == '#')
    return false;
  return model.ParseFromArray(data, static_cast<int>(size));
}

size_t serialize(const onnx::ModelProto &model, uint8_t *out,
                 size_t maxSize) {
  size_t size = model.ByteSizeLong();
  if (size == 0 || size > maxSize)
    return 0;
  model.SerializeWithCachedSizesToArray(out);
  return size;
}

} // namespace

size_t dyad::fuzz::mutateOnnxModel(uint8_t *data, size_t size, size_t maxSize,
                                   unsigned seed) {
  onnx::ModelProto model;
  if (!parse(data, size, model))
    return 0;
  Rng rng(seed);
  ModelMutator mutator(model, rng);
  size_t count = rng.oneIn(4) ? 2 + rng.below(2) : 1;
  bool changed = false;
  for (size_t i = 0, tries = 0; i < count && tries < 16; ++tries)
    if (mutator.mutateOnce()) {
      changed = true;
      ++i;
    }
  if (!changed)
    return 0;
  return serialize(model, data, maxSize);
}

size_t dyad::fuzz::crossOverOnnxModels(const uint8_t *data1, size_t size1,
                                       const uint8_t *data2, size_t size2,
                                       uint8_t *out, size_t maxOutSize,
                                       unsigned seed) {
  onnx::ModelProto a, b;
  if (!parse(data1, size1, a) || !parse(data2, size2, b))
    return 0;
  Rng rng(seed);
  onnx::GraphProto &ga = *a.mutable_graph();
  const onnx::GraphProto &gb = b.graph();
  switch (rng.below(5)) {
  case 0: { // a run of B's nodes, inserted into A's node list
    if (gb.node_size() == 0)
      return 0;
    int from = rng.below(gb.node_size());
    int count = 1 + rng.below(std::min(4, gb.node_size() - from));
    int at = rng.below(ga.node_size() + 1);
    for (int k = 0; k < count; ++k) {
      *ga.add_node() = gb.node(from + k);
      for (int m = ga.node_size() - 1; m > at + k; --m)
        ga.mutable_node()->SwapElements(m, m - 1);
    }
    break;
  }
  case 1: // B's initializers too
    for (const auto &t : gb.initializer())
      *ga.add_initializer() = t;
    break;
  case 2: // B's graph interface
    if (rng.oneIn(2))
      *ga.mutable_input() = gb.input();
    else
      *ga.mutable_output() = gb.output();
    break;
  case 3: { // a node of B's attributes on a node of A
    if (ga.node_size() == 0 || gb.node_size() == 0)
      return 0;
    *ga.mutable_node(rng.below(ga.node_size()))->mutable_attribute() =
        gb.node(rng.below(gb.node_size())).attribute();
    break;
  }
  default: // B's opsets and IR version
    *a.mutable_opset_import() = b.opset_import();
    a.set_ir_version(b.ir_version());
    break;
  }
  return serialize(a, out, maxOutSize);
}
