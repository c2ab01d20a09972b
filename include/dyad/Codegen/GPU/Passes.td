//===- Passes.td - GPU code generation passes --------------*- tablegen -*-===//
#ifndef DYAD_CODEGEN_GPU_PASSES
#define DYAD_CODEGEN_GPU_PASSES

include "mlir/Pass/PassBase.td"

def DyadGpuMapLoops : Pass<"dyad-gpu-map-loops", "mlir::func::FuncOp"> {
  let summary = "Map each outermost scf.parallel to GPU blocks of threads";
  let description = [{
    Every outermost `scf.parallel` of a host function (one per linalg op
    after `convert-linalg-to-parallel-loops`) has its dims collapsed into
    one, which is tiled by `block-size`: the tile loop maps to
    `block_id.x`, the loop in the tile to `thread_id.x` (with a bound check
    for the last block). `convert-parallel-loops-to-gpu` then turns them
    into `gpu.launch`. Each thread computes one element of the op's
    iteration space; its reductions stay sequential loops in the thread.
    This is the general path every op takes; contractions get kernels of
    their own on top of it.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::gpu::GPUDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::affine::AffineDialect"];
}

def DyadGpuMergeKernelModules
    : Pass<"dyad-gpu-merge-kernel-modules", "mlir::ModuleOp"> {
  let summary = "Move every outlined kernel into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` puts each kernel in a `gpu.module` of its own.
    The runtime loads one PTX module per model, so all kernels move into
    the first module (named `dyad_kernels`), each with a unique name, and
    the launches are updated.
  }];
}

def DyadGpuMathToIntrinsics
    : Pass<"dyad-gpu-math-to-intrinsics", "mlir::gpu::GPUModuleOp"> {
  let summary = "Float math ops NVPTX has instructions for as LLVM "
                "intrinsic calls";
  let description = [{
    `convert-gpu-to-nvvm` lowers float math ops to libdevice's `__nv_*`
    functions, part of the CUDA toolkit, which Dyad does not need. Ops with
    an exact NVPTX instruction become `llvm.call_intrinsic` of the LLVM
    intrinsic (`math.sqrt` → `llvm.sqrt.f32` → `sqrt.rn.f32`,
    `math.roundeven` → `cvt.rni`, floor, ceil, trunc, round, fabs, fma,
    copysign). `pow` and the hyperbolic functions are expanded into `exp`
    and `log`, and those, `sin`, `cos`, `atan` and `erf` become MLIR's
    polynomial approximations; any other float math op is an error naming
    it.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::vector::VectorDialect"];
}

def DyadGpuHostToLLVM : Pass<"dyad-gpu-host-to-llvm", "mlir::ModuleOp"> {
  let summary = "Lower the host side of a GPU model to the LLVM dialect, "
                "launching kernels through the Dyad runtime";
  let description = [{
    The host function of a GPU model allocates device buffers and launches
    kernels through the callbacks of `dyad_gpu_ctx`
    (`include/dyad/Runtime/dyad_gpu_abi.h`), which the runtime implements
    on the CUDA driver API; the generated code has no CUDA symbol. The
    context of the current run is read from the thread-local
    `__dyad_gpu_ctx`, which the model's entry point sets.

    - `gpu.launch_func` → `ctx->launch`, with the kernel's parameters in
      the order `convert-gpu-to-nvvm` gives them (a memref expands to its
      allocated and aligned pointers, offset, sizes and strides);
    - `memref.alloc` → `ctx->alloc`, `memref.dealloc` → `ctx->free`;
    - `memref.get_global` of a constant → `ctx->constant` (uploaded once
      per model instance);
    - `memref.copy` of contiguous buffers → `ctx->copy`.

    The kernels' PTX (from `gpu.binary`) and their names move into the
    module attributes `dyad.gpu_ptx` and `dyad.gpu_kernels`; the binary is
    erased. Any host op that would read or write device memory from the
    CPU is an error naming the op.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // DYAD_CODEGEN_GPU_PASSES
