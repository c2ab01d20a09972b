//===- QdqExport.h - Dyad's quantization written back as ONNX QDQ -*- C++ -*-===//
//
// `dyadc --quantize --emit=onnx-qdq`: the ONNX model as the importer prepared
// it (opset 17, constant Ifs inlined), with Dyad's quantization decisions in
// ONNX's QDQ format, for onnxruntime, TensorRT and other QDQ consumers:
//
//  - every activation Dyad quantizes (each dyad.quantize of the calibrated
//    graph, named by its ONNX tensor) gets QuantizeLinear -> DequantizeLinear
//    with Dyad's scale and zero point (int8);
//  - every weight Dyad quantizes becomes an int8 initializer (Dyad's integers:
//    per output channel, symmetric, at the layer's width, so a 4-bit layer
//    holds values in [-7, 7]) behind a per-axis DequantizeLinear;
//  - a BatchNormalization Dyad folded into its convolution is folded in the
//    export too (the folded weights and bias replace the pair).
//
// Anything the export cannot express faithfully (weights Dyad transformed in
// another way, activations narrower than 8 bits) is an error naming the
// node, never a silently different model.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_IMPORT_QDQEXPORT_H
#define DYAD_IMPORT_QDQEXPORT_H

#include "dyad/Import/OnnxImporter.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace dyad {

/// Writes `modelPath`'s model (imported with `options`) with the
/// quantization of `qdq` (the graph after dyad-quantize, function
/// `funcName`) to `outputPath` as ONNX QDQ.
llvm::Error exportOnnxQdq(llvm::StringRef modelPath,
                          const ImportOptions &options, mlir::ModuleOp qdq,
                          llvm::StringRef funcName,
                          llvm::StringRef outputPath);

} // namespace dyad

#endif // DYAD_IMPORT_QDQEXPORT_H
