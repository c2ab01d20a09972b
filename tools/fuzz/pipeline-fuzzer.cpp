//===- pipeline-fuzzer.cpp - libFuzzer target: dyad IR -> passes ----------===//
//
// Parses arbitrary text as MLIR (the seed corpus holds the dyad IR of the
// bundled and test-data models, so mutations stay close to real graphs),
// verifies it, and runs the dyad passes and the CPU lowering up to the LLVM
// dialect. Invalid IR must be rejected by the parser or the verifiers, and
// valid IR must lower or fail with a diagnostic: never crash.
//
//===----------------------------------------------------------------------===//

#include "dyad/Dialect/Dyad/DyadDialect.h"
#include "dyad/Codegen/CPU/Passes.h"
#include "dyad/Compiler/Pipelines.h"
#include "dyad/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <algorithm>
#include "mlir/Transforms/Passes.h"

#include <cstdint>
#include <memory>
#include <string>

static mlir::MLIRContext &context() {
  static std::unique_ptr<mlir::MLIRContext> ctx = [] {
    mlir::DialectRegistry registry;
    dyad::registerAllDialects(registry);
    auto c = std::make_unique<mlir::MLIRContext>(
        registry, mlir::MLIRContext::Threading::DISABLED);
    c->loadAllAvailableDialects();
    c->getDiagEngine().registerHandler([](mlir::Diagnostic &) {
      return mlir::success();
    });
    return c;
  }();
  return *ctx;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = context();
  // MLIR's lexer reads the byte after the buffer (a null terminator): hand
  // it a std::string, whose storage has one.
  std::string text(reinterpret_cast<const char *>(data), size);
  // MLIR's parser recurses once per nesting level of brackets and runs out of
  // stack on thousands of them (an upstream limitation, documented in
  // docs/reliability.md); real IR nests a few levels deep.
  int depth = 0, maxDepth = 0;
  for (char c : text) {
    if (c == '(' || c == '[' || c == '{' || c == '<')
      maxDepth = std::max(maxDepth, ++depth);
    else if (c == ')' || c == ']' || c == '}' || c == '>')
      --depth;
  }
  if (maxDepth > 64)
    return 0;
  mlir::ParserConfig config(&ctx);
  auto module = mlir::parseSourceString<mlir::ModuleOp>(text, config);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;
  // Only graphs of dyad ops on tensors are the pipeline's input; other
  // dialects' ops are upstream's business.
  bool onlyDyad = true;
  module->walk([&](mlir::Operation *op) {
    llvm::StringRef ns = op->getDialect() ? op->getDialect()->getNamespace()
                                          : "";
    if (ns != "dyad" && ns != "func" && ns != "arith" && ns != "builtin" &&
        ns != "quant" && ns != "tensor")
      onlyDyad = false;
  });
  if (!onlyDyad)
    return 0;
  mlir::PassManager pm(&ctx);
  pm.addNestedPass<mlir::func::FuncOp>(dyad::createDyadSimplify());
  pm.addNestedPass<mlir::func::FuncOp>(dyad::createDyadFoldBatchNorm());
  // Quantized graphs (QDQ seeds): integerize and its verifier first.
  pm.addNestedPass<mlir::func::FuncOp>(dyad::createDyadIntegerize());
  pm.addNestedPass<mlir::func::FuncOp>(mlir::createCanonicalizerPass());
  dyad::DyadVerifyIntegerOnlyOptions verify;
  verify.allowFloatOps = true;
  pm.addNestedPass<mlir::func::FuncOp>(
      dyad::createDyadVerifyIntegerOnly(verify));
  dyad::LowerCpuOptions options;
  dyad::buildLowerCpuPipeline(pm, options);
  (void)pm.run(*module);
  return 0;
}
