//===- MergeKernelModules.cpp - one gpu.module per model ------------------===//
//
// gpu-kernel-outlining gives each kernel a gpu.module of its own; the
// runtime loads one PTX module per model. Every kernel moves into
// `dyad_kernels`, named after the module it came from (unique already).
//
//===----------------------------------------------------------------------===//

#include "dyad/Codegen/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace dyad {
#define GEN_PASS_DEF_DYADGPUMERGEKERNELMODULES
#include "dyad/Codegen/GPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

namespace {
struct DyadGpuMergeKernelModulesPass
    : dyad::impl::DyadGpuMergeKernelModulesBase<DyadGpuMergeKernelModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<gpu::GPUModuleOp> modules(module.getOps<gpu::GPUModuleOp>());
    if (modules.empty())
      return;
    StringRef mergedName = "dyad_kernels";
    if (module.lookupSymbol(mergedName) &&
        !(modules.size() == 1 && modules[0].getName() == mergedName)) {
      module.emitError() << "GPU lowering: the symbol '" << mergedName
                         << "' is taken";
      return signalPassFailure();
    }
    if (modules.size() == 1 && modules[0].getName() == mergedName)
      return;
    OpBuilder b(ctx);
    b.setInsertionPoint(modules.front());
    auto merged = gpu::GPUModuleOp::create(b, module.getLoc(), mergedName);
    // Kernel renames: old module name -> new function name.
    llvm::StringMap<std::string> kernelName;
    for (gpu::GPUModuleOp m : modules) {
      Block &body = m.getBodyRegion().front();
      unsigned kernels =
          llvm::count_if(m.getOps<gpu::GPUFuncOp>(),
                         [](gpu::GPUFuncOp f) { return f.isKernel(); });
      for (Operation &op : llvm::make_early_inc_range(body)) {
        if (auto f = dyn_cast<gpu::GPUFuncOp>(op); f && f.isKernel()) {
          // Shared memory 128-byte aligned (cp.async and ldmatrix need
          // 16 bytes; the NVVM lowering aligns an i8 array to 1 otherwise).
          for (unsigned i = 0; i < f.getNumWorkgroupAttributions(); ++i)
            if (!f.getWorkgroupAttributionAttr(i, "llvm.align"))
              f.setWorkgroupAttributionAttr(i, "llvm.align",
                                            b.getI64IntegerAttr(128));
          std::string name = m.getName().str();
          if (kernels > 1)
            name += "_" + f.getName().str();
          kernelName[(m.getName() + "::" + f.getName()).str()] = name;
          f.setName(name);
        }
        // The outliner copies each global a kernel uses into its module:
        // one shared by several kernels arrives several times.
        if (auto sym = dyn_cast<SymbolOpInterface>(op)) {
          Operation *seen =
              SymbolTable::lookupSymbolIn(merged, sym.getNameAttr());
          if (seen && seen->getName() == op.getName() &&
              seen->getAttrDictionary() == op.getAttrDictionary() &&
              op.getNumRegions() == 0) {
            op.erase();
            continue;
          }
          if (seen) {
            op.emitError("GPU lowering: kernels hold different symbols named '")
                << sym.getName() << "'";
            return signalPassFailure();
          }
        }
        op.moveBefore(merged.getBody(), merged.getBody()->end());
      }
    }
    bool ok = true;
    module.walk([&](gpu::LaunchFuncOp launch) {
      auto it = kernelName.find((launch.getKernelModuleName().getValue() +
                                 "::" + launch.getKernelName().getValue())
                                    .str());
      if (it == kernelName.end()) {
        launch.emitError("GPU lowering: launch of an unknown kernel");
        ok = false;
        return;
      }
      launch.setKernelAttr(SymbolRefAttr::get(
          ctx, mergedName, {FlatSymbolRefAttr::get(ctx, it->second)}));
    });
    for (gpu::GPUModuleOp m : modules)
      m.erase();
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
