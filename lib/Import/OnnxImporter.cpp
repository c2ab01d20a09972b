//===- OnnxImporter.cpp - ONNX model -> dyad dialect ----------------------===//
//
// Graph-level import: reading and validating the file, upgrading the opset,
// ONNX shape inference, tensors (inline and external data), the function
// signature, and the walk over nodes that calls the op builder table.
//
// libonnx throws (shape inference, version converter); every call into it is
// wrapped here and turned into a diagnostic.
//
//===----------------------------------------------------------------------===//

#include "dyad/Import/OnnxImporter.h"
#include "ImporterImpl.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

#include <onnx/common/constants.h>
#include <onnx/defs/parser.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <google/protobuf/io/coded_stream.h>

#include <cmath>
#include <exception>

using namespace mlir;
using namespace dyad;
using namespace dyad::import;

namespace {
/// Refuse single tensors larger than this many bytes (4 GiB): a corrupt or
/// hostile dims field must not make the importer allocate without bound.
constexpr uint64_t kMaxTensorBytes = 4ull << 30;
} // namespace

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Type dyad::import::convertElementType(MLIRContext *ctx, int32_t t) {
  using TP = onnx::TensorProto;
  Builder b(ctx);
  auto u = [&](unsigned w) {
    return IntegerType::get(ctx, w, IntegerType::Unsigned);
  };
  switch (t) {
  case TP::FLOAT: return b.getF32Type();
  case TP::DOUBLE: return b.getF64Type();
  case TP::FLOAT16: return b.getF16Type();
  case TP::BFLOAT16: return b.getBF16Type();
  case TP::INT8: return b.getIntegerType(8);
  case TP::INT16: return b.getIntegerType(16);
  case TP::INT32: return b.getIntegerType(32);
  case TP::INT64: return b.getIntegerType(64);
  case TP::UINT8: return u(8);
  case TP::UINT16: return u(16);
  case TP::UINT32: return u(32);
  case TP::UINT64: return u(64);
  case TP::BOOL: return b.getI1Type();
  default: return {};
  }
}

static std::string elementTypeName(int32_t t) {
  if (onnx::TensorProto_DataType_IsValid(t))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(t));
  return "<invalid " + std::to_string(t) + ">";
}

std::string dyad::import::opKey(StringRef domain, StringRef opType) {
  if (domain == "ai.onnx")
    domain = "";
  return (domain + "::" + opType).str();
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//


Type GraphImporter::convertType(const onnx::TypeProto &type, Location loc,
                                StringRef valueName) {
  if (!type.has_tensor_type()) {
    emitError(loc) << "value '" << valueName
                   << "' is not a tensor (sequences, maps and optionals are "
                      "not supported)";
    return {};
  }
  const auto &tt = type.tensor_type();
  Type elt = convertElementType(ctx, tt.elem_type());
  if (!elt) {
    emitError(loc) << "value '" << valueName << "' has unsupported element type "
                   << elementTypeName(tt.elem_type());
    return {};
  }
  if (!tt.has_shape())
    return UnrankedTensorType::get(elt);
  SmallVector<int64_t> dims;
  for (const auto &d : tt.shape().dim()) {
    if (d.has_dim_value()) {
      if (d.dim_value() < 0) {
        emitError(loc) << "value '" << valueName << "' has negative dim "
                       << d.dim_value();
        return {};
      }
      dims.push_back(d.dim_value());
    } else {
      dims.push_back(ShapedType::kDynamic);
    }
  }
  return RankedTensorType::get(dims, elt);
}

FailureOr<std::string>
GraphImporter::readExternal(const onnx::TensorProto &tensor, Location loc) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &kv : tensor.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset" || kv.key() == "length") {
      int64_t v;
      if (StringRef(kv.value()).getAsInteger(10, v) || v < 0)
        return emitError(loc) << "tensor '" << tensor.name()
                              << "': bad external data " << kv.key() << " '"
                              << kv.value() << "'";
      (kv.key() == "offset" ? offset : length) = v;
    }
  }
  if (location.empty())
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has external data without a location";
  // The data file must stay inside the model's folder: refuse absolute paths
  // and any '..' component, as ONNX's own checker does.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         ".."))
    return emitError(loc) << "tensor '" << tensor.name()
                          << "': external data path '" << location
                          << "' escapes the model's folder";
  SmallString<256> full(modelDir);
  llvm::sys::path::append(full, location);
  auto buf = llvm::MemoryBuffer::getFile(full, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return emitError(loc) << "tensor '" << tensor.name()
                          << "': cannot read external data file '" << full
                          << "': " << buf.getError().message();
  uint64_t size = (*buf)->getBufferSize();
  if ((uint64_t)offset > size ||
      (length >= 0 && (uint64_t)(offset + length) > size))
    return emitError(loc) << "tensor '" << tensor.name()
                          << "': external data range [" << offset << ", "
                          << (length >= 0 ? offset + length : (int64_t)size)
                          << ") exceeds file '" << full << "' of " << size
                          << " bytes";
  return (*buf)->getBuffer().substr(offset, length < 0 ? StringRef::npos
                                                       : length)
      .str();
}

FailureOr<RankedTensorType>
GraphImporter::tensorType(const onnx::TensorProto &t, Location loc) {
  Type elt = convertElementType(ctx, t.data_type());
  if (!elt)
    return emitError(loc) << "tensor '" << t.name()
                          << "' has unsupported element type "
                          << elementTypeName(t.data_type());
  SmallVector<int64_t> dims;
  uint64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0)
      return emitError(loc) << "tensor '" << t.name() << "' has negative dim "
                            << d;
    if (d != 0 && count > kMaxTensorBytes / (uint64_t)d)
      return emitError(loc) << "tensor '" << t.name()
                            << "' is too large (over 4 GiB)";
    count *= d;
    dims.push_back(d);
  }
  unsigned bytes = elt.isInteger(1) ? 1 : (elt.getIntOrFloatBitWidth() / 8);
  if (count * bytes > kMaxTensorBytes)
    return emitError(loc) << "tensor '" << t.name()
                          << "' is too large (over 4 GiB)";
  // Inline raw bytes must match (typed fields are counted on conversion).
  if (t.data_location() != onnx::TensorProto::EXTERNAL && t.has_raw_data() &&
      t.raw_data().size() != count * bytes)
    return emitError(loc) << "tensor '" << t.name() << "' has "
                          << t.raw_data().size()
                          << " bytes of data but its shape and type need "
                          << count * bytes;
  return RankedTensorType::get(dims, elt);
}

FailureOr<DenseElementsAttr>
GraphImporter::tensorToAttr(const onnx::TensorProto &t, Location loc) {
  using TP = onnx::TensorProto;
  auto typeOr = tensorType(t, loc);
  if (failed(typeOr))
    return failure();
  RankedTensorType type = *typeOr;
  Type elt = type.getElementType();
  uint64_t count = type.getNumElements();
  unsigned bytes = elt.isInteger(1) ? 1 : (elt.getIntOrFloatBitWidth() / 8);

  auto mismatch = [&](uint64_t have) {
    return emitError(loc) << "tensor '" << t.name() << "' holds " << have
                          << " values but its shape needs " << count;
  };

  std::string external;
  const std::string *raw = nullptr;
  if (t.data_location() == TP::EXTERNAL) {
    auto data = readExternal(t, loc);
    if (failed(data))
      return failure();
    external = std::move(*data);
    raw = &external;
  } else if (t.has_raw_data()) {
    raw = &t.raw_data();
  }

  if (raw) {
    if (raw->size() != count * bytes) {
      return emitError(loc) << "tensor '" << t.name() << "' has "
                            << raw->size() << " bytes of data but its shape "
                            << "and type need " << count * bytes;
    }
    if (elt.isInteger(1)) {
      SmallVector<bool> v(raw->begin(), raw->end());
      return DenseElementsAttr::get(type, ArrayRef<bool>(v));
    }
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(raw->data(), raw->size()));
  }

  // Typed fields.
  switch (t.data_type()) {
  case TP::FLOAT:
    if ((uint64_t)t.float_data_size() != count)
      return mismatch(t.float_data_size());
    return DenseElementsAttr::get(
        type, ArrayRef<float>(t.float_data().data(), t.float_data_size()));
  case TP::DOUBLE:
    if ((uint64_t)t.double_data_size() != count)
      return mismatch(t.double_data_size());
    return DenseElementsAttr::get(
        type, ArrayRef<double>(t.double_data().data(), t.double_data_size()));
  case TP::INT64:
    if ((uint64_t)t.int64_data_size() != count)
      return mismatch(t.int64_data_size());
    return DenseElementsAttr::get(
        type, ArrayRef<int64_t>(t.int64_data().data(), t.int64_data_size()));
  case TP::UINT32:
  case TP::UINT64: {
    if ((uint64_t)t.uint64_data_size() != count)
      return mismatch(t.uint64_data_size());
    SmallVector<APInt> v;
    for (uint64_t x : t.uint64_data())
      v.push_back(APInt(elt.getIntOrFloatBitWidth(), x));
    return DenseElementsAttr::get(type, v);
  }
  case TP::FLOAT16:
  case TP::BFLOAT16: {
    if ((uint64_t)t.int32_data_size() != count)
      return mismatch(t.int32_data_size());
    SmallVector<APFloat> v;
    for (int32_t x : t.int32_data())
      v.push_back(APFloat(cast<FloatType>(elt).getFloatSemantics(),
                          APInt(16, (uint16_t)x)));
    return DenseElementsAttr::get(type, v);
  }
  case TP::BOOL: {
    if ((uint64_t)t.int32_data_size() != count)
      return mismatch(t.int32_data_size());
    SmallVector<bool> v;
    for (int32_t x : t.int32_data())
      v.push_back(x != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(v));
  }
  default: {
    // INT8/16/32, UINT8/16 live in int32_data.
    if ((uint64_t)t.int32_data_size() != count)
      return mismatch(t.int32_data_size());
    SmallVector<APInt> v;
    for (int32_t x : t.int32_data())
      v.push_back(APInt(elt.getIntOrFloatBitWidth(), (uint64_t)(int64_t)x,
                        /*isSigned=*/true, /*implicitTrunc=*/true));
    return DenseElementsAttr::get(type, v);
  }
  }
}

Value GraphImporter::materializeConstant(DenseElementsAttr attr, Location loc) {
  OpBuilder::InsertionGuard guard(builder);
  // Constants go to the top of the function, in first-use order.
  builder.setInsertionPointToStart(entry);
  while (builder.getInsertionPoint() != entry->end() &&
         isa<arith::ConstantOp>(*builder.getInsertionPoint()))
    builder.setInsertionPointAfter(&*builder.getInsertionPoint());
  return arith::ConstantOp::create(builder, loc, attr);
}

std::optional<DenseElementsAttr> GraphImporter::constantOf(StringRef name,
                                                           Location loc) {
  auto it = constants.find(name);
  if (it != constants.end())
    return it->second;
  if (values.count(name))
    return std::nullopt; // a computed value shadows an initializer
  auto init = initializers.find(name);
  if (init == initializers.end())
    return std::nullopt;
  auto attr = tensorToAttr(*init->second, loc);
  if (failed(attr))
    return std::nullopt;
  constants[name] = *attr;
  return *attr;
}

FailureOr<Value> GraphImporter::lookup(StringRef name, Location loc) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  if (initializers.count(name) || constants.count(name)) {
    // Errors in the tensor itself are reported by tensorToAttr.
    auto init = initializers.find(name);
    std::optional<DenseElementsAttr> attr;
    if (init != initializers.end()) {
      auto converted = tensorToAttr(*init->second, valueLoc(name));
      if (failed(converted))
        return failure();
      attr = *converted;
      constants[name] = *attr;
    } else {
      attr = constants[name];
    }
    Value v = materializeConstant(*attr, valueLoc(name));
    values[name] = v;
    return v;
  }
  return failure();
}

//===----------------------------------------------------------------------===//
// Model preparation: opset upgrade and shape inference
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::prepare(onnx::ModelProto &model) {
  Location loc = fileLoc();
  if (model.ir_version() <= 0)
    return emitError(loc) << "not an ONNX model: ir_version is missing";
  if (model.ir_version() > onnx::Version::IR_VERSION)
    return emitError(loc) << "IR version " << model.ir_version()
                          << " is newer than the newest this build of ONNX "
                             "reads ("
                          << (int)onnx::Version::IR_VERSION << ")";
  if (!model.has_graph())
    return emitError(loc) << "the model has no graph";
  if (model.functions_size() > 0)
    return emitError(loc) << "model-local functions are not supported ('"
                          << model.functions(0).name() << "')";

  int64_t opset = -1;
  for (const auto &imp : model.opset_import()) {
    std::string domain = imp.domain() == "ai.onnx" ? "" : imp.domain();
    opsets[domain] = imp.version();
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

  if (failed(validateGraph(model.graph())))
    return failure();
  // Unsupported ops are reported before any ONNX pass runs: libonnx's shape
  // inference of ops Dyad never imports is not worth exposing to hostile
  // models (its RNN inference crashes on wrong ranks, for one), and nodes of
  // domains the model does not import stop it with an obscure message.
  if (failed(checkOps(model.graph(), /*beforeUpgrade=*/true)))
    return failure();
  // Resize before opset 11 (and Upsample) interpolate with asymmetric
  // coordinates, which ONNX's upgrade to Resize-11 does not preserve for
  // linear modes: refuse rather than import another interpolation.
  for (auto [index, node] : llvm::enumerate(model.graph().node())) {
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
  for (auto [index, node] : llvm::enumerate(model.graph().node())) {
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

  if (opset != kTargetOpset) {
    int64_t newest = onnx::OpSchemaRegistry::DomainToVersionRange::Instance()
                         .Map()
                         .at(onnx::ONNX_DOMAIN)
                         .second;
    if (opset > newest)
      return emitError(loc) << "opset " << opset
                            << " is newer than the newest this build of ONNX "
                               "knows ("
                            << newest << ")";
    try {
      // The converter's adapters need shapes (broadcast rules of opset < 7).
      onnx::shape_inference::InferShapes(model,
                                         onnx::OpSchemaRegistry::Instance());
      onnx::ModelProto upgraded =
          onnx::version_conversion::ConvertVersion(model, kTargetOpset);
      model = std::move(upgraded);
      opsets[""] = kTargetOpset;
    } catch (const std::exception &e) {
      // Keep going at the model's own opset: builders read the older forms
      // (axes, pads and bounds as attributes, ...) too, and report what they
      // cannot handle. (libonnx 1.12 cannot upgrade e.g. a Pad-10 without
      // its 'value' attribute.)
      if (opset < 10)
        return emitError(loc) << "cannot upgrade the model from opset "
                              << opset << " to " << kTargetOpset << ": "
                              << e.what();
    }
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
      if (!inputNames.contains(kv.first))
        return emitError(loc) << "--input-shape names '" << kv.first
                              << "', which is not a graph input";
    graph->clear_value_info();
  }

  onnx::ShapeInferenceOptions siOptions(/*check_type=*/true, /*error_mode=*/1,
                                        /*data_prop=*/true);
  try {
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       siOptions);
  } catch (const std::exception &e) {
    std::string msg = e.what();
    // ONNX prefixes its messages with "[ShapeInferenceError] " and friends.
    return emitError(loc) << "ONNX shape inference failed: " << msg;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Node walk
//===----------------------------------------------------------------------===//

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

LogicalResult GraphImporter::importNodes(const onnx::GraphProto &graph) {
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    Location loc = nodeLoc(node, index);
    std::string domain =
        node.domain() == "ai.onnx" ? std::string() : node.domain();
    auto opsetIt = opsets.find(domain);
    int64_t opset = opsetIt == opsets.end() ? 1 : opsetIt->second;

    // Attributes were checked against the schemas of the model's own opset
    // before the upgrade; the version converter can leave stale ones behind
    // (Pad-10's 'value'), which the builders ignore.

    NodeContext nc(*this, node, loc, opset);
    const OpSpec &spec = opTable().find(opKey(domain, node.op_type()))->second;
    if (failed(spec.build(nc)))
      return failure();
    for (auto [i, out] : llvm::enumerate(node.output()))
      if (!out.empty() && !values.count(out) && !constants.count(out) &&
          usedNames.contains(out))
        return emitError(loc) << node.op_type() << ": output " << i << " ('"
                              << out << "') is used but not supported";
  }
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run(onnx::ModelProto &model) {
  if (failed(prepare(model)))
    return nullptr;
  const onnx::GraphProto &graph = model.graph();

  if (failed(checkOps(graph)))
    return nullptr;

  for (const auto &init : graph.initializer())
    initializers[init.name()] = &init;
  for (const auto &vi : graph.value_info())
    inferredTypes[vi.name()] = &vi.type();
  for (const auto &vi : graph.output())
    inferredTypes[vi.name()] = &vi.type();
  for (const auto &node : graph.node())
    for (const auto &in : node.input())
      usedNames.insert(in);
  for (const auto &out : graph.output())
    usedNames.insert(out.name());

  Location loc = fileLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  if (!model.producer_name().empty())
    (*module)->setAttr("dyad.producer",
                    builder.getStringAttr(model.producer_name() + " " +
                                          model.producer_version()));
  (*module)->setAttr("dyad.opset", builder.getI64IntegerAttr(opsets[""]));

  // Signature: graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> args;
  for (const auto &in : graph.input()) {
    if (initializers.count(in.name()))
      continue;
    Type t = convertType(in.type(), valueLoc(in.name()), in.name());
    if (!t)
      return nullptr;
    argTypes.push_back(t);
    args.push_back(&in);
  }
  SmallVector<Type> resultTypes;
  for (const auto &out : graph.output()) {
    Type t = convertType(out.type(), valueLoc(out.name()), out.name());
    if (!t)
      return nullptr;
    resultTypes.push_back(t);
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, loc, options.funcName,
                                   builder.getFunctionType(argTypes,
                                                           resultTypes));
  func->setAttr("dyad.graph_name", builder.getStringAttr(graph.name()));
  entry = func.addEntryBlock();
  for (auto [i, in] : llvm::enumerate(args)) {
    func.setArgAttr(i, "dyad.name", builder.getStringAttr(in->name()));
    // Keep symbolic dim names (dim_param) so tools can show "N x 1 x 28 x 28".
    SmallVector<Attribute> dimNames;
    bool anySymbolic = false;
    for (const auto &d : in->type().tensor_type().shape().dim()) {
      dimNames.push_back(builder.getStringAttr(d.dim_param()));
      anySymbolic |= !d.dim_param().empty() && !d.has_dim_value();
    }
    if (anySymbolic && !options.inputShapes.count(in->name()))
      func.setArgAttr(i, "dyad.dim_params", builder.getArrayAttr(dimNames));
    values[in->name()] = entry->getArgument(i);
  }
  for (auto [i, out] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, "dyad.name", builder.getStringAttr(out.name()));
    // Symbolic output dims let the runtime size output buffers from inputs.
    SmallVector<Attribute> dimNames;
    bool anySymbolic = false;
    for (const auto &d : out.type().tensor_type().shape().dim()) {
      dimNames.push_back(builder.getStringAttr(d.dim_param()));
      anySymbolic |= !d.dim_param().empty() && !d.has_dim_value();
    }
    if (anySymbolic && options.inputShapes.empty())
      func.setResultAttr(i, "dyad.dim_params", builder.getArrayAttr(dimNames));
  }

  builder.setInsertionPointToEnd(entry);
  if (failed(importNodes(graph)))
    return nullptr;

  SmallVector<Value> results;
  for (auto [i, out] : llvm::enumerate(graph.output())) {
    Location outLoc = valueLoc(out.name());
    auto v = lookup(out.name(), outLoc);
    if (failed(v)) {
      emitError(outLoc) << "graph output '" << out.name()
                        << "' is not produced by any node";
      return nullptr;
    }
    Value result = *v;
    // Quantized values leave the graph as the raw integers ONNX declares.
    if (auto qt = dyn_cast<quant::QuantizedType>(
            getElementTypeOrSelf(result.getType()))) {
      auto shaped = cast<ShapedType>(result.getType());
      Value storage = quant::StorageCastOp::create(
          builder, outLoc, shaped.clone(qt.getStorageType()), result);
      Type onnxElt = qt.isSigned() ? qt.getStorageType()
                                   : IntegerType::get(ctx,
                                                      qt.getStorageTypeIntegralWidth(),
                                                      IntegerType::Unsigned);
      result = storage;
      if (onnxElt != qt.getStorageType())
        result = tensor::BitcastOp::create(builder, outLoc,
                                           shaped.clone(onnxElt), storage);
    }
    if (result.getType() != resultTypes[i]) {
      // Inference may know more (or less) than the declared output type; the
      // signature follows the value and keeps the declared element type.
      if (getElementTypeOrSelf(result.getType()) !=
          getElementTypeOrSelf(resultTypes[i])) {
        emitError(outLoc) << "graph output '" << out.name() << "' is declared "
                          << resultTypes[i] << " but computed as "
                          << result.getType();
        return nullptr;
      }
      resultTypes[i] = result.getType();
    }
    results.push_back(result);
  }
  func::ReturnOp::create(builder, loc, results);
  func.setType(builder.getFunctionType(argTypes, resultTypes));
  return module;
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

OpBuilder &NodeContext::builder() { return graph.builder; }
MLIRContext *NodeContext::ctx() { return graph.ctx; }

Value NodeContext::quantizedInput(int i) {
  if (!hasInput(i))
    return {};
  auto v = graph.lookup(node.input(i), loc);
  return succeeded(v) ? *v : Value();
}

/// The ONNX (raw integer) element type standing for a quantized one.
static Type storageElementType(quant::QuantizedType qt) {
  if (qt.isSigned())
    return qt.getStorageType();
  return IntegerType::get(qt.getContext(), qt.getStorageTypeIntegralWidth(),
                          IntegerType::Unsigned);
}

Type NodeContext::inputElementType(int i) {
  Value v = quantizedInput(i);
  if (!v)
    return {};
  Type elt = getElementTypeOrSelf(v.getType());
  if (auto qt = dyn_cast<quant::QuantizedType>(elt))
    return storageElementType(qt);
  return elt;
}

Value NodeContext::input(int i) {
  Value v = quantizedInput(i);
  if (!v)
    return v;
  auto qt = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(v.getType()));
  if (!qt)
    return v;
  auto shaped = cast<ShapedType>(v.getType());
  Value storage = quant::StorageCastOp::create(
      builder(), loc, shaped.clone(qt.getStorageType()), v);
  Type onnxElt = storageElementType(qt);
  if (onnxElt == qt.getStorageType())
    return storage;
  return tensor::BitcastOp::create(builder(), loc, shaped.clone(onnxElt),
                                   storage);
}

std::optional<DenseElementsAttr> NodeContext::constInput(int i) {
  if (!hasInput(i))
    return std::nullopt;
  return graph.constantOf(node.input(i), loc);
}

std::optional<SmallVector<int64_t>> NodeContext::constInts(int i) {
  auto attr = constInput(i);
  if (!attr || !isa<IntegerType>(attr->getElementType()))
    return std::nullopt;
  SmallVector<int64_t> out;
  bool isUnsigned = attr->getElementType().isUnsignedInteger();
  for (const APInt &v : attr->getValues<APInt>())
    out.push_back(isUnsigned ? (int64_t)v.getZExtValue() : v.getSExtValue());
  return out;
}

std::optional<SmallVector<double>> NodeContext::constFloats(int i) {
  auto attr = constInput(i);
  if (!attr)
    return std::nullopt;
  SmallVector<double> out;
  if (isa<FloatType>(attr->getElementType())) {
    for (const APFloat &v : attr->getValues<APFloat>())
      out.push_back(v.convertToDouble());
    return out;
  }
  if (auto it = dyn_cast<IntegerType>(attr->getElementType())) {
    for (const APInt &v : attr->getValues<APInt>())
      out.push_back(it.isUnsigned() ? (double)v.getZExtValue()
                                    : (double)v.getSExtValue());
    return out;
  }
  return std::nullopt;
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::intAttr(StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeContext::floatAttr(StringRef name, float dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::strAttr(StringRef name, StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<SmallVector<int64_t>>
NodeContext::intsAttr(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<SmallVector<float>>
NodeContext::floatsAttr(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

bool NodeContext::outputUsed(int i) const {
  return i < node.output_size() && !node.output(i).empty() &&
         graph.usedNames.contains(node.output(i));
}

Type NodeContext::resultType(int i, Type fallback) {
  if (i < node.output_size()) {
    auto it = graph.inferredTypes.find(node.output(i));
    if (it != graph.inferredTypes.end() &&
        it->second->tensor_type().elem_type() != 0) {
      // Type errors were reported by shape inference already; conversion
      // failures here are unsupported element types.
      if (Type t = graph.convertType(*it->second, loc, node.output(i)))
        return t;
      return {};
    }
  }
  if (fallback)
    return fallback;
  emitError(loc) << node.op_type() << ": cannot infer the type of output " << i;
  return {};
}

Type NodeContext::resultElementType(int i) {
  if (i < node.output_size()) {
    auto it = graph.inferredTypes.find(node.output(i));
    if (it != graph.inferredTypes.end())
      return convertElementType(ctx(), it->second->tensor_type().elem_type());
  }
  return {};
}

void NodeContext::setResult(int i, Value v) {
  if (i >= node.output_size() || node.output(i).empty())
    return;
  graph.values[node.output(i)] = v;
  // Name the op this node created for the output (not a value it forwards).
  Operation *def = v ? v.getDefiningOp() : nullptr;
  if (graph.options.tensorNames && def && def->getNumResults() == 1 &&
      def->getLoc() == loc && !def->hasAttr("dyad.tensor"))
    def->setAttr("dyad.tensor", builder().getStringAttr(node.output(i)));
}

InFlightDiagnostic NodeContext::error() {
  auto d = emitError(loc);
  d << node.op_type() << " (opset " << opset << "): ";
  return d;
}

InFlightDiagnostic NodeContext::unsupported() {
  auto d = emitError(loc);
  d << node.op_type() << " (opset " << opset << "): unsupported: ";
  return d;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

/// Parses binary protobuf, or ONNX's textual syntax when the buffer starts
/// with '<' (after blanks and '#' comments) as `.onnxtxt` files do.
static bool parseModel(StringRef bytes, StringRef sourceName,
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

OwningOpRef<ModuleOp> dyad::importOnnxBuffer(StringRef bytes,
                                             StringRef sourceName,
                                             MLIRContext *context,
                                             const ImportOptions &options) {
  context->loadDialect<DyadDialect, func::FuncDialect, arith::ArithDialect,
                       quant::QuantDialect, tensor::TensorDialect>();
  onnx::ModelProto model;
  if (!parseModel(bytes, sourceName, model, context))
    return nullptr;
  GraphImporter importer(context, sourceName, options);
  OwningOpRef<ModuleOp> module;
  try {
    module = importer.run(model);
  } catch (const std::exception &e) {
    // Defensive: libonnx calls outside prepare() should not throw, but a
    // hostile model must never take the process down.
    emitError(FileLineColLoc::get(context, sourceName, 0, 0))
        << "ONNX library error: " << e.what();
    return nullptr;
  }
  return module;
}

static std::unique_ptr<llvm::MemoryBuffer> readFile(StringRef path,
                                                    MLIRContext *context) {
  auto buf = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false);
  if (!buf) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot read the file: " << buf.getError().message();
    return nullptr;
  }
  return std::move(*buf);
}

OwningOpRef<ModuleOp> dyad::importOnnxFile(StringRef path, MLIRContext *context,
                                           const ImportOptions &options) {
  auto buf = readFile(path, context);
  if (!buf)
    return nullptr;
  return importOnnxBuffer(buf->getBuffer(), path, context, options);
}

bool dyad::printOpStats(StringRef path, MLIRContext *context,
                        llvm::raw_ostream &os) {
  auto buf = readFile(path, context);
  if (!buf)
    return false;
  onnx::ModelProto model;
  if (!parseModel(buf->getBuffer(), path, model, context))
    return false;
  std::map<std::string, int64_t> opsetOf;
  for (const auto &imp : model.opset_import())
    opsetOf[imp.domain() == "ai.onnx" ? "" : imp.domain()] = imp.version();
  std::map<std::pair<std::string, std::string>, int64_t> counts;
  for (const auto &node : model.graph().node())
    ++counts[{node.domain() == "ai.onnx" ? "" : node.domain(), node.op_type()}];
  std::vector<std::pair<std::pair<std::string, std::string>, int64_t>> rows(
      counts.begin(), counts.end());
  llvm::sort(rows, [](const auto &a, const auto &b) {
    if (a.second != b.second)
      return a.second > b.second;
    return a.first < b.first;
  });
  os << "op histogram of " << path << " (" << model.graph().node_size()
     << " nodes, opset " << opsetOf[""] << ")\n";
  size_t unsupported = 0;
  for (const auto &[key, count] : rows) {
    bool ok = opTable().count(opKey(key.first, key.second));
    unsupported += !ok;
    std::string name = (key.first.empty() ? "" : key.first + ".") + key.second;
    os << llvm::format("  %-28s %6lld  %s\n", name.c_str(), (long long)count,
                       ok ? "" : "unsupported");
  }
  os << rows.size() << " op types, " << unsupported << " unsupported\n";
  return true;
}

std::vector<std::string> dyad::supportedOps() {
  std::vector<std::string> ops;
  for (const auto &entry : opTable())
    ops.push_back(entry.getKey().str());
  llvm::sort(ops);
  return ops;
}

void dyad::registerImportDialects(DialectRegistry &registry) {
  registry.insert<DyadDialect, func::FuncDialect, arith::ArithDialect,
                  quant::QuantDialect, tensor::TensorDialect>();
}

bool dyad::parseInputShape(StringRef text, ImportOptions &options,
                           std::string &error) {
  auto [name, dims] = text.rsplit('=');
  if (name.empty() || dims.empty() || !text.contains('=')) {
    error = "expected NAME=D0xD1x... in --input-shape '" + text.str() + "'";
    return false;
  }
  std::vector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    if (p == "?" || p == "-1") {
      shape.push_back(-1);
    } else if (p.getAsInteger(10, d) || d < 0) {
      error = "bad dim '" + p.str() + "' in --input-shape '" + text.str() +
              "' (use a non-negative integer or ?)";
      return false;
    } else {
      shape.push_back(d);
    }
  }
  options.inputShapes[name.str()] = shape;
  return true;
}
