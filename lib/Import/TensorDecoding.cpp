//===- TensorDecoding.cpp - ONNX types and tensors -> MLIR ----------------===//
//
// ONNX element and value types -> MLIR types, and TensorProto -> dense
// attributes: dims and size checks, inline raw data, typed fields and
// external data files (kept inside the model's folder).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

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
    emitError(loc) << "value '" << valueName
                   << "' has unsupported element type "
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

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

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
