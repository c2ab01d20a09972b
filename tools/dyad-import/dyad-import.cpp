//===- dyad-import.cpp - ONNX -> dyad dialect -----------------------------===//
//
//   dyad-import model.onnx [-o out.mlir] [--input-shape name=1x3x224x224]
//   dyad-import model.onnx --op-stats
//   dyad-import model.onnx --bind-input sr=16000
//
// Writes the imported module (verified) as MLIR text. Exit code 1 on any
// error, with diagnostics that name the file and the ONNX node.
//
//===----------------------------------------------------------------------===//

#include "dyad/Import/OnnxImporter.h"
#include "dyad/Transforms/Passes.h"
#include "dyad/Support/Diagnostics.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "dyad/Support/ToolOptions.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

static cl::OptionCategory importCat("Import");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<model.onnx | model.onnxtxt>"),
                                      cl::cat(importCat));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(importCat));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape of a graph input: NAME=1x3x224x224 "
                         "(? keeps a dim dynamic); repeatable"),
                cl::value_desc("name=dims"), cl::cat(importCat));
static cl::list<std::string> bindInputs(
    "bind-input",
    cl::desc("Specialize the model on a graph input's value: NAME=V or "
             "NAME=V1,V2,... (the input leaves the signature; an If on it "
             "is inlined); repeatable"),
    cl::value_desc("name=values"), cl::cat(importCat));
static cl::opt<bool> opStats("op-stats",
                             cl::desc("Print the model's op histogram and "
                                      "which ops Dyad supports, then exit"),
                                      cl::cat(importCat));
static cl::opt<bool> listOps("list-supported-ops",
                             cl::desc("Print the ONNX op types Dyad imports "
                                      "(domain::OpType, one a line) and exit"),
                                      cl::cat(importCat));
static cl::opt<bool> simplify("simplify",
                              cl::desc("Run dyad-simplify after import"),
                              cl::cat(importCat));
static cl::opt<bool>
    tensorNames("tensor-names",
                cl::desc("Record each node output's ONNX tensor name as "
                         "`dyad.tensor` (the key of calibration tables)"),
                         cl::cat(importCat));

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  dyad::setupToolOptions("dyad-import", {&importCat});
  cl::ParseCommandLineOptions(argc, argv, "Dyad ONNX importer\n");

  mlir::DialectRegistry registry;
  dyad::registerImportDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  dyad::ModelDiagnosticHandler diagnostics(&context);

  if (listOps) {
    for (const std::string &op : dyad::supportedOps())
      outs() << op << "\n";
    return 0;
  }
  if (inputFile.empty()) {
    errs() << "dyad-import: no input file (see --help)\n";
    return 1;
  }
  dyad::ImportOptions options;
  options.tensorNames = tensorNames;
  for (const std::string &s : inputShapes) {
    std::string error;
    if (!dyad::parseInputShape(s, options, error)) {
      errs() << "dyad-import: " << error << "\n";
      return 1;
    }
  }
  for (const std::string &s : bindInputs) {
    std::string error;
    if (!dyad::parseInputValue(s, options, error)) {
      errs() << "dyad-import: " << error << "\n";
      return 1;
    }
  }
  if (opStats)
    return dyad::printOpStats(inputFile, &context, outs(), options) ? 0 : 1;

  auto module = dyad::importOnnxFile(inputFile, &context, options);
  if (!module)
    return 1;
  if (mlir::failed(mlir::verify(*module)))
    return 1;
  if (simplify) {
    mlir::PassManager pm(&context);
    pm.addNestedPass<mlir::func::FuncOp>(dyad::createDyadSimplify());
    if (mlir::failed(pm.run(*module)))
      return 1;
  }

  std::string error;
  auto out = mlir::openOutputFile(outputFile, &error);
  if (!out) {
    errs() << "dyad-import: " << error << "\n";
    return 1;
  }
  // Printing flags (--mlir-print-debuginfo for node locations, ...) come
  // from MLIR's own command-line options.
  module->print(out->os(), mlir::OpPrintingFlags());
  out->os() << "\n";
  out->keep();
  return 0;
}
