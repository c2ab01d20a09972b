//===- OnnxImporter.cpp - ONNX model -> dyad dialect ----------------------===//
//
// The model-level driver: the entry points, the function signature, the
// values of the graph (constants materialized on first use) and the walk over
// nodes that calls the op builder table. Reading and preparing the model is
// in ModelPreparation.cpp, the checks before ONNX passes in Validation.cpp,
// tensors in TensorDecoding.cpp and what a builder sees in NodeContext.cpp.
//
//===----------------------------------------------------------------------===//

#include "dyad/Import/OnnxImporter.h"
#include "ImporterImpl.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Format.h"

#include <array>
#include <cmath>
#include <exception>

using namespace mlir;
using namespace dyad;
using namespace dyad::import;

std::string dyad::import::opKey(StringRef domain, StringRef opType) {
  if (domain == "ai.onnx")
    domain = "";
  return (domain + "::" + opType).str();
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

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
  if (!initializers.count(name) && !constants.count(name))
    return failure();
  // Errors in the tensor itself are reported by tensorToAttr (once: the
  // decoded tensor is cached in `constants`).
  std::optional<DenseElementsAttr> attr = constantOf(name, valueLoc(name));
  if (!attr)
    return failure();
  Value v = materializeConstant(*attr, valueLoc(name));
  values[name] = v;
  return v;
}

//===----------------------------------------------------------------------===//
// Node walk
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::importNodes(const onnx::GraphProto &graph) {
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    Location loc = nodeLoc(node, index);
    std::string domain =
        node.domain() == "ai.onnx" ? std::string() : node.domain();
    auto opsetIt = opsets.find(domain);
    int64_t opset = opsetIt == opsets.end() ? 1 : opsetIt->second;

    // Every node is in its opset-17 form here (OpsetUpgrade.cpp rewrote
    // older and newer ones after checking them against their own schemas).
    NodeContext nc(*this, node, loc, opset);
    const OpSpec &spec = opTable().find(opKey(domain, node.op_type()))->second;
    // A builder that went on after resultType's error made an op without
    // a result type (a Clip of a shape over the size limit: a null value
    // reached the graph's outputs, SEGV; found by dyad-import-fuzzer).
    // Decode every initializer the node reads before its builder runs: a
    // builder takes a null input for an absent optional one, so one whose
    // tensor failed to decode must not reach it (a QuantizeLinear whose
    // y_scale held no data: null operand, SEGV; found by
    // dyad-import-fuzzer).
    for (const std::string &in : node.input())
      if (!in.empty() && !values.count(in) && initializers.count(in) &&
          !constantOf(in, valueLoc(in)))
        return failure();
    if (failed(spec.build(nc)) || nc.failedResultType())
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
  // The attribute rules again, now that inference knows every rank and dim
  // (and the upgrade may have turned attributes into constant inputs).
  if (failed(checkNodeRules(graph)))
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
    if (auto rt = dyn_cast<RankedTensorType>(t))
      if (failed(checkElementCount(rt.getShape(), valueLoc(in.name()),
                                   "graph input '" + in.name() + "'")))
        return nullptr;
    argTypes.push_back(t);
    args.push_back(&in);
  }
  SmallVector<Type> resultTypes;
  for (const auto &out : graph.output()) {
    Type t = convertType(out.type(), valueLoc(out.name()), out.name());
    if (!t)
      return nullptr;
    // (Sizes are checked at the node that computes the output.)
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
    // Quantized values leave the graph as the raw integers ONNX declares.
    Value result = asOnnxValue(builder, outLoc, *v);
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
  // Every tensor the builders made (most were checked at their node already)
  // within Dyad's size limit.
  WalkResult sizes = func.walk([&](Operation *op) {
    for (Value r : op->getResults())
      if (auto rt = dyn_cast<RankedTensorType>(r.getType()))
        if (failed(checkElementCount(rt.getShape(), op->getLoc(),
                                     "the result of " +
                                         op->getName().getStringRef())))
          return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (sizes.wasInterrupted())
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

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

OwningOpRef<ModuleOp> dyad::importOnnxFile(StringRef path, MLIRContext *context,
                                           const ImportOptions &options) {
  auto buf = readModelFile(path, context);
  if (!buf)
    return nullptr;
  return importOnnxBuffer(buf->getBuffer(), path, context, options);
}

LogicalResult GraphImporter::admit(onnx::ModelProto &model) {
  if (failed(prepare(model)) || failed(checkOps(model.graph())))
    return failure();
  return checkNodeRules(model.graph());
}

namespace {
/// Counts the nodes of `graph` by (domain, op type): [0] all, [1] those in
/// subgraphs (If branches, Loop / Scan bodies).
void countOps(const onnx::GraphProto &graph, bool inSubgraph,
              std::map<std::pair<std::string, std::string>,
                       std::array<int64_t, 2>> &counts,
              int64_t &total, int64_t &nested) {
  for (const auto &node : graph.node()) {
    auto &c = counts[{node.domain() == "ai.onnx" ? "" : node.domain(),
                      node.op_type()}];
    ++c[0];
    ++total;
    if (inSubgraph) {
      ++c[1];
      ++nested;
    }
    for (const auto &a : node.attribute()) {
      if (a.has_g())
        countOps(a.g(), true, counts, total, nested);
      for (const auto &g : a.graphs())
        countOps(g, true, counts, total, nested);
    }
  }
}
} // namespace

bool dyad::printOpStats(StringRef path, MLIRContext *context,
                        llvm::raw_ostream &os, const ImportOptions &options) {
  auto buf = readModelFile(path, context);
  if (!buf)
    return false;
  onnx::ModelProto model;
  if (!parseModel(buf->getBuffer(), path, model, context))
    return false;
  std::map<std::string, int64_t> opsetOf;
  for (const auto &imp : model.opset_import())
    opsetOf[imp.domain() == "ai.onnx" ? "" : imp.domain()] = imp.version();
  std::map<std::pair<std::string, std::string>, std::array<int64_t, 2>>
      counts;
  int64_t total = 0, nested = 0;
  countOps(model.graph(), /*inSubgraph=*/false, counts, total, nested);
  std::vector<std::pair<std::pair<std::string, std::string>,
                        std::array<int64_t, 2>>>
      rows(counts.begin(), counts.end());
  llvm::sort(rows, [](const auto &a, const auto &b) {
    if (a.second[0] != b.second[0])
      return a.second[0] > b.second[0];
    return a.first < b.first;
  });
  os << "op histogram of " << path << " (" << total << " nodes";
  if (nested)
    os << ", " << nested << " of them in subgraphs";
  os << ", opset " << opsetOf[""] << ")\n";
  size_t unsupported = 0;
  for (const auto &[key, count] : rows) {
    // If is imported when its condition is a compile-time constant (it is
    // inlined); the checks below tell.
    bool ok = opTable().count(opKey(key.first, key.second)) ||
              (key.first.empty() && key.second == "If");
    unsupported += !ok;
    std::string name = (key.first.empty() ? "" : key.first + ".") + key.second;
    std::string where;
    if (count[1] == count[0])
      where = "  (in subgraphs)";
    else if (count[1])
      where = "  (" + std::to_string(count[1]) + " in subgraphs)";
    os << llvm::format("  %-28s %6lld  %s%s\n", name.c_str(),
                       (long long)count[0], ok ? "" : "unsupported",
                       where.c_str());
  }
  os << rows.size() << " op types, " << unsupported << " unsupported\n";
  os.flush(); // before any diagnostic on stderr
  // Then the checks the import runs (IR version, bindings, sort, If
  // inlining, opset conversion, unsupported ops, shape inference), whose
  // failure is reported as the import reports it.
  context->loadDialect<DyadDialect, func::FuncDialect, arith::ArithDialect,
                       quant::QuantDialect, tensor::TensorDialect>();
  GraphImporter importer(context, path, options);
  bool admitted = false;
  try {
    admitted = succeeded(importer.admit(model));
  } catch (const std::exception &e) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "ONNX library error: " << e.what();
  }
  os << (admitted ? "the model passes the import checks\n"
                  : "the model fails the import checks (see the error)\n");
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

bool dyad::parseInputValue(StringRef text, ImportOptions &options,
                           std::string &error) {
  auto [name, list] = text.split('=');
  if (name.empty() || list.empty() || !text.contains('=')) {
    error = "expected NAME=VALUE[,VALUE...] in --bind-input '" + text.str() +
            "'";
    return false;
  }
  std::vector<double> values;
  SmallVector<StringRef> parts;
  list.split(parts, ',');
  for (StringRef p : parts) {
    p = p.trim();
    double v;
    if (p == "true")
      v = 1;
    else if (p == "false")
      v = 0;
    else if (p.getAsDouble(v) || !std::isfinite(v)) {
      error = "bad value '" + p.str() + "' in --bind-input '" + text.str() +
              "' (use numbers, or true / false)";
      return false;
    }
    values.push_back(v);
  }
  options.inputValues[name.str()] = std::move(values);
  return true;
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
