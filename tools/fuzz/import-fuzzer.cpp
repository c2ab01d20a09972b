//===- import-fuzzer.cpp - libFuzzer target: bytes -> import -> verify ----===//
//
// Feeds arbitrary bytes to the ONNX importer as a model file (binary protobuf
// or ONNX text), then verifies the module and runs dyad-simplify on it. Any
// crash, sanitizer report or leak is a bug: bad models must end in
// diagnostics. Built with -DDYAD_FUZZ=ON (scripts/fuzz.sh).
//
// Mutations are structure-aware (onnx-mutator.cpp): most inputs are parsed
// as a ModelProto, changed as messages and serialized back; one in
// kByteMutationOneIn, and every input that is not a binary model, gets
// libFuzzer's byte mutations instead, so the parser keeps being fuzzed too.
//
//===----------------------------------------------------------------------===//

#include "onnx-mutator.h"

#include "dyad/Import/OnnxImporter.h"
#include "dyad/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <memory>

static mlir::MLIRContext &context() {
  // One context for all inputs: loading dialects per input would dominate.
  static std::unique_ptr<mlir::MLIRContext> ctx = [] {
    mlir::DialectRegistry registry;
    dyad::registerImportDialects(registry);
    auto c = std::make_unique<mlir::MLIRContext>(
        registry, mlir::MLIRContext::Threading::DISABLED);
    c->loadAllAvailableDialects();
    // Diagnostics are expected; keep the output quiet.
    c->getDiagEngine().registerHandler([](mlir::Diagnostic &) {
      return mlir::success();
    });
    return c;
  }();
  return *ctx;
}

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size,
                                   size_t maxSize);

static constexpr unsigned kByteMutationOneIn = 8;

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  if (seed % kByteMutationOneIn != 0)
    if (size_t n = dyad::fuzz::mutateOnnxModel(data, size, maxSize, seed))
      return n;
  return LLVMFuzzerMutate(data, size, maxSize);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1,
                                            size_t size1, const uint8_t *data2,
                                            size_t size2, uint8_t *out,
                                            size_t maxOutSize, unsigned seed) {
  return dyad::fuzz::crossOverOnnxModels(data1, size1, data2, size2, out,
                                         maxOutSize, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = context();
  dyad::ImportOptions options;
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  // A fixed, nonexistent folder: external data lookups fail cleanly.
  auto module =
      dyad::importOnnxBuffer(bytes, "/nonexistent/fuzz.onnx", &ctx, options);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;
  mlir::PassManager pm(&ctx);
  pm.addNestedPass<mlir::func::FuncOp>(dyad::createDyadSimplify());
  (void)pm.run(*module);
  return 0;
}
