//===- dyad-opt.cpp - the Dyad pass driver --------------------------------===//
//
// mlir-opt with the dyad dialect, the upstream dialects of Dyad's pipeline
// and every Dyad pass and pipeline registered.
//
//===----------------------------------------------------------------------===//

#include "Dyad/DyadDialect.h"
#include "dyad/Conversion/Conversion.h"
#include "dyad/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  // Upstream dialects, extensions and passes: the lowering pipeline uses
  // linalg, tensor, bufferization, vector, scf, llvm, gpu and nvvm.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  registry.insert<dyad::DyadDialect>();
  dyad::registerDyadPasses();
  dyad::registerDyadPipelines();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Dyad optimizer driver\n", registry));
}
