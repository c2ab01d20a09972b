//===- dyad-opt.cpp - the Dyad pass driver --------------------------------===//
//
// mlir-opt with the dyad dialect, every upstream dialect and pass, and every
// Dyad pass and pipeline registered.
//
//===----------------------------------------------------------------------===//

#include "dyad/Compiler/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  dyad::registerAllDialects(registry);
  // Upstream passes too: dyad-opt is where pipelines are tried by hand.
  mlir::registerAllPasses();
  dyad::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Dyad optimizer driver\n", registry));
}
