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

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include <onnx/common/constants.h>
#include <onnx/defs/parser.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <google/protobuf/io/coded_stream.h>

#include <climits>
#include <exception>

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

  if (failed(validate(model.graph(), opset)))
    return failure();

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
    if (opset > kTargetOpset)
      return emitError(loc) << "opset " << opset
                            << " is newer than the opset Dyad implements ("
                            << kTargetOpset << ")";
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
      if (!inputNames.contains(kv.first))
        return emitError(loc) << "--input-shape names '" << kv.first
                              << "', which is not a graph input";
    graph->clear_value_info();
  }

  onnx::ShapeInferenceOptions siOptions(/*check_type=*/true, /*error_mode=*/1,
                                        /*data_prop=*/true);
  try {
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), siOptions);
  } catch (const std::exception &e) {
    std::string msg = e.what();
    // ONNX prefixes its messages with "[ShapeInferenceError] " and friends.
    return emitError(loc) << "ONNX shape inference failed: " << msg;
  }
  return success();
}
