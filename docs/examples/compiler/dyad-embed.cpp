//===- dyad-embed.cpp - Dyad embedded in another tool ---------------------===//
//
// What a compiler that embeds Dyad does, built out of tree against an
// installed Dyad (find_package(Dyad)):
//
//   dyad-embed compile model.onnx model.so
//       compiles a model through the library's compile API (dyad::compile);
//   dyad-embed opt input.mlir 'builtin.module(dyad-lower-cpu)'
//       registers the dyad dialect and Dyad's passes, parses a pipeline
//       (reporting a bad one), runs it and prints the result.
//
//===----------------------------------------------------------------------===//
#include "dyad/Compiler/Compile.h"
#include "dyad/Compiler/Pipelines.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

static int compileModel(const char *input, const char *output) {
  dyad::CompileOptions options;
  options.input = input;
  options.output = output;
  auto result = dyad::compile(options);
  if (!result) {
    // One error type: every diagnostic, located at its ONNX node.
    llvm::errs() << "dyad-embed: " << llvm::toString(result.takeError())
                 << "\n";
    return 1;
  }
  llvm::outs() << "compiled " << input << " -> " << result->output << " ("
               << result->signature.inputs.size() << " input(s), "
               << result->signature.outputs.size() << " output(s))\n";
  return 0;
}

static int runPipeline(const char *input, const char *pipeline) {
  mlir::DialectRegistry registry;
  dyad::registerAllDialects(registry);
  dyad::registerAllPasses();
  mlir::MLIRContext context(registry);
  // The pipeline names its anchor: 'builtin.module(...)'.
  std::string error;
  llvm::raw_string_ostream errorStream(error);
  auto parsed = mlir::parsePassPipeline(pipeline, errorStream);
  if (mlir::failed(parsed)) {
    llvm::errs() << "dyad-embed: bad pipeline: " << error << "\n";
    return 1;
  }
  mlir::PassManager pm(&context, parsed->getOpAnchorName());
  static_cast<mlir::OpPassManager &>(pm) = *parsed;
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  auto module = mlir::parseSourceFile<mlir::ModuleOp>(input, sourceMgr,
                                                      &context);
  if (!module || mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !std::strcmp(argv[1], "compile"))
    return compileModel(argv[2], argv[3]);
  if (argc == 4 && !std::strcmp(argv[1], "opt"))
    return runPipeline(argv[2], argv[3]);
  llvm::errs() << "usage: dyad-embed compile MODEL.onnx OUT.so\n"
                  "       dyad-embed opt INPUT.mlir PIPELINE\n";
  return 2;
}
