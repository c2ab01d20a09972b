//===- ExternDynamicShared.cpp - dynamic shared memory for PTX ------------===//
//
// convert-gpu-to-nvvm gives gpu.dynamic_shared_memory an internal
// `[0 x i8]` global in address space 3. NVPTX demotes an internal shared
// global into the one kernel that uses it, as a static variable, and a
// zero-length one is printed as a single byte (`.shared .b8 x;`): the
// kernel's dynamic shared memory would start past it, its accesses running
// off the end. CUDA declares dynamic shared memory `extern`
// (`.extern .shared .b8 x[]`), which is what this pass makes of it.
//
//===----------------------------------------------------------------------===//

#include "dyad/Codegen/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"

namespace dyad {
#define GEN_PASS_DEF_DYADGPUEXTERNDYNAMICSHARED
#include "dyad/Codegen/GPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

namespace {
struct DyadGpuExternDynamicSharedPass
    : dyad::impl::DyadGpuExternDynamicSharedBase<
          DyadGpuExternDynamicSharedPass> {
  void runOnOperation() override {
    constexpr unsigned kShared = 3; // NVVM's shared address space
    for (auto global : getOperation().getOps<LLVM::GlobalOp>()) {
      auto array = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
      if (global.getAddrSpace() != kShared || !array ||
          array.getNumElements() != 0 || global.getValueAttr() ||
          !global.getInitializerRegion().empty())
        continue;
      global.setLinkage(LLVM::Linkage::External);
      global.setVisibility_(LLVM::Visibility::Default);
      global.setDsoLocal(false);
      global.setAlignment(
          std::max<uint64_t>(global.getAlignment().value_or(1), 128));
    }
  }
};
} // namespace
