//===- Passes.td - GPU code generation passes --------------*- tablegen -*-===//
#ifndef DYAD_CODEGEN_GPU_PASSES
#define DYAD_CODEGEN_GPU_PASSES

include "mlir/Pass/PassBase.td"

def DyadGpuMmaMatmul : Pass<"dyad-gpu-mma-matmul", "mlir::ModuleOp"> {
  let summary = "int8 matmuls by constant weights as tensor-core kernels "
                "(mma.sync m16n8k32, ldmatrix, a cp.async pipeline)";
  let description = [{
    On buffers, before `dyad-gpu-contraction-loops`. Each `linalg.matmul`
    of i8 activations `[M, K]` (K contiguous, a multiple of 16) by a
    constant i8 weight `[K, N]` (N even) into i32 becomes one `gpu.launch`:
    CTA tiles (by default 128x128 on 4 warps of 64x64, 128 of K per step)
    through a multi-stage `cp.async` pipeline in shared memory (XOR-swizzled,
    zero-filled past the edges), `ldmatrix.x4` fragments and
    `mma.sync.m16n8k32` s8 accumulators.
    The weight is transposed to `[N, K]` at compile time. The epilogue adds
    the init the output buffer was filled with (the bias) and applies the
    elementwise consumer (the requantization) in registers, as
    `dyad-gpu-contraction-loops` fuses them.
  }];
  let options = [
    Option<"tileM", "tile-m", "int64_t", /*default=*/"128",
           "Rows of the output one CTA computes">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"128",
           "Columns of the output one CTA computes">,
    Option<"tileK", "tile-k", "int64_t", /*default=*/"128",
           "K per pipeline stage (a multiple of 32)">,
    Option<"warpM", "warp-m", "int64_t", /*default=*/"64",
           "Rows one warp computes (a multiple of 16)">,
    Option<"warpN", "warp-n", "int64_t", /*default=*/"64",
           "Columns one warp computes (a multiple of 16)">,
    Option<"stages", "stages", "int64_t", /*default=*/"3",
           "cp.async pipeline depth (beyond 48 KiB of tiles the kernel "
           "uses dynamic shared memory)">,
    Option<"groupM", "group-m", "int64_t", /*default=*/"16",
           "CTAs walk the grid in bands of this many row tiles, so those "
           "running together share A and B in L2 (0: row by row)">,
    Option<"prefetch", "prefetch", "bool", /*default=*/"true",
           "Load the next k-step's fragments before this step's mma.sync "
           "(across the barrier for the next stage)">,
    Option<"minK", "min-k", "int64_t", /*default=*/"256",
           "Matmuls of a smaller K stay CUDA-core loops (a few k-steps do "
           "not fill the pipeline, and their 128-row tiles leave SMs idle "
           "where one thread per output does not); convolutions, whose M "
           "is every output pixel, always take tensor cores">,
    Option<"fitN", "fit-n", "bool", /*default=*/"true",
           "Narrow the tile for a GEMM of few columns (down to 16), keeping "
           "the warp count by giving each warp fewer rows">
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect",
                           "mlir::nvgpu::NVGPUDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::scf::SCFDialect", "mlir::ub::UBDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def DyadGpuContractionLoops
    : Pass<"dyad-gpu-contraction-loops", "mlir::func::FuncOp"> {
  let summary = "Each linalg op with a reduction as one thread's loop nest "
                "with its accumulator in registers, its init, its "
                "elementwise consumer and its inputs' padding fused in";
  let description = [{
    On buffers, before `dyad-gpu-map-loops`. Each linalg op with reduction
    dims (a convolution, a matmul, pooling, a reduction) becomes an
    `scf.parallel` over its parallel dims whose body runs the reductions as
    `scf.for` loops carrying the accumulators (not a load and a store of
    device memory per step, which the plain loop lowering gives). Fused into
    the same loop nest, where the buffers allow it (the op's result buffer
    is a local allocation nothing else touches):
      - the elementwise op that writes the result buffer's initial value
        (a bias broadcast, a fill of the identity), from constants;
      - the elementwise consumer that reads the result right after it (the
        requantization, an activation, a residual add): the result never
        goes to memory;
      - the padding of an input (a buffer filled with the pad value and a
        copy of the source into its interior): the source is read directly,
        a tap outside it gives the pad value.
    `dyad-gpu-map-loops` then maps the loop to blocks of threads.

    With `unroll` = U > 1, a thread computes U neighbouring elements along
    the innermost parallel dim (where its size is a multiple of U and
    another parallel dim is left): the U accumulators share one reduction
    loop, so what does not depend on that dim (a stem convolution's input
    taps, a matmul's row of A, a depthwise convolution's padding checks and
    addresses) is loaded or computed once for the U outputs. Off by default:
    on an H100 (batch 256, `gpu-check.py bench`, `dyadc --gpu-unroll`)
    U = 4 made the ViTs' CUDA-core matmuls about 1.8x slower (the warp's
    loads of B no longer consecutive, a quarter of the threads) and
    mnist_cnn 13% slower, fashion_dwsep 11% faster.
  }];
  let options = [
    Option<"unroll", "unroll", "int64_t", /*default=*/"1",
           "Output elements per thread along the innermost parallel dim "
           "(1: one per thread)">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

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

def DyadGpuExternDynamicShared
    : Pass<"dyad-gpu-extern-dynamic-shared", "mlir::gpu::GPUModuleOp"> {
  let summary = "Dynamic shared memory as the extern array PTX expects";
  let description = [{
    After `convert-gpu-to-nvvm`. It lowers `gpu.dynamic_shared_memory` to
    an internal zero-length global in address space 3, which NVPTX demotes
    to a one-byte static `.shared` variable: the kernel would then address
    its dynamic shared memory from the wrong base. Such globals become
    external (`.extern .shared .b8 name[]`, as CUDA's `extern __shared__`),
    aligned to 128 bytes (the swizzled tiles assume their rows start on a
    128-byte line).
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
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
