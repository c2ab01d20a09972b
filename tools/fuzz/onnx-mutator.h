//===- onnx-mutator.h - structure-aware mutations of ONNX models -*- C++ -*-===//
//
// The import fuzzer's custom mutator (onnx-mutator.cpp): models are parsed as
// onnx::ModelProto, mutated as messages and serialized back, so mutations
// reach the importer's checks instead of dying in protobuf parsing.
//
//===----------------------------------------------------------------------===//

#ifndef DYAD_TOOLS_FUZZ_ONNX_MUTATOR_H
#define DYAD_TOOLS_FUZZ_ONNX_MUTATOR_H

#include <cstddef>
#include <cstdint>

namespace dyad::fuzz {

/// Parses data[0, size) as a binary ModelProto, applies one to three
/// structure-aware mutations chosen by `seed` and writes the serialized model
/// back into data. Returns the new size, or 0 when the input is not a binary
/// model or the mutated model does not fit in maxSize (the caller then
/// mutates bytes).
size_t mutateOnnxModel(uint8_t *data, size_t size, size_t maxSize,
                       unsigned seed);

/// Parses both inputs as ModelProtos and writes into out a copy of the first
/// with parts of the second spliced in (nodes, initializers, graph inputs or
/// outputs, attributes, opset imports). Returns the size, or 0 when either
/// input is not a binary model or the result does not fit in maxOutSize.
size_t crossOverOnnxModels(const uint8_t *data1, size_t size1,
                           const uint8_t *data2, size_t size2, uint8_t *out,
                           size_t maxOutSize, unsigned seed);

} // namespace dyad::fuzz

#endif // DYAD_TOOLS_FUZZ_ONNX_MUTATOR_H
