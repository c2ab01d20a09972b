//===- Passes.td - CPU code generation ----------------------*- tablegen -*-===//
#ifndef DYAD_CODEGEN_CPU_PASSES_TD
#define DYAD_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def DyadCpuExpandMath : Pass<"dyad-cpu-expand-math", "mlir::func::FuncOp"> {
  let summary = "Math functions without a vector lowering (erf, exp) as "
                "polynomial approximations";
  let description = [{
    Otherwise each vector lane would be a scalar libm call (erf has no LLVM
    intrinsic; llvm.exp on a vector is scalarized on x86 without a vector
    math library). Runs at every optimization level so scalar and vector
    code compute the same values.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def DyadCpuFuseElementwise
    : Pass<"dyad-cpu-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse elementwise producers into their consumers, never "
                "where the fused value would be recomputed";
  let description = [{
    linalg-fuse-elementwise-ops (producers with one use, reshapes folded by
    expansion, constant folding), except that a producer is not fused into
    a consumer that reads it broadcast over a parallel loop (a LayerNorm
    into the MatMul after it would be recomputed for every output column).
    The epilogue of an integer matmul whose result is expanded back to more
    dims (a 3-D MatMul's batch and rows) moves onto the matmul's 2-D space,
    so that it fuses into the GEMM's tiles.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::affine::AffineDialect"];
}

def DyadStridedCopyToLinalg
    : Pass<"dyad-strided-copy-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Turn memref.copy between strided buffers into linalg.copy";
  let description = [{
    The LLVM lowering of `memref.copy` calls the C function `memrefCopy` (of
    MLIR's runner utilities) unless both sides are contiguous. A compiled model
    must not depend on that library: a strided copy becomes a loop nest over
    its outer dims around a copy of the innermost dims that are contiguous
    and static in both buffers (that one lowers to `llvm.memcpy`); one with
    no such rows becomes `linalg.copy` (loops in the model itself).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}

def DyadExpandShapeToReinterpretCast
    : Pass<"dyad-expand-shape-to-reinterpret-cast", "mlir::func::FuncOp"> {
  let summary = "Rewrite contiguous memref.expand_shape with several dynamic "
                "dims in a group as memref.reinterpret_cast";
  let description = [{
    MLIR 22's `expand-strided-metadata` crashes (SIGSEGV building a
    `memref.reinterpret_cast`) on a `memref.expand_shape` that splits one dim
    into several dynamic ones, e.g. `memref<?x120xf32>` into
    `memref<?x?x120xf32>`: the reshapes real models do (PaddleOCR's text
    recognizer). Where source and result have identity layouts, the expansion
    is a `memref.reinterpret_cast` with the output sizes and their suffix
    products as strides, which this pass builds instead.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def DyadCpuBatchFootprint
    : Pass<"dyad-cpu-batch-footprint", "mlir::func::FuncOp"> {
  let summary = "Prove the graph separable along its batch and record the "
                "bytes per sample its runs in chunks need";
  let description = [{
    On linalg on tensors: follows the batch axis (dim 0 of every argument)
    through each op; where no value mixes samples and every result is
    batched along dim 0, sets `dyad.batch_footprint = [F, W]` (bytes per
    sample of the largest op, bytes of the constants: the weights). The
    runtime then runs a large batch in chunks that fit its L2 cache
    (BatchFootprint.cpp).
  }];
}

def DyadCpuNhwc : Pass<"dyad-cpu-nhwc", "mlir::func::FuncOp"> {
  let summary = "Channels-last convolutions and pooling, layout propagated "
                "through elementwise ops";
  let description = [{
    Rewrites `linalg.conv_2d_nchw_fchw`, `linalg.depthwise_conv_2d_nchw_chw`
    and `linalg.pooling_nchw_{max,sum}` to their NHWC forms: constant filters
    permuted at compile time (FCHW to HWCF, CHW to HWC), spatial padding
    redone after the input transpose, explicit sign extensions of i8
    operands folded into the op (the named ops extend their operands), and
    the transposes as `linalg.generic`. The transposes are then fused into
    their elementwise neighbours (into every consumer: a transpose there is
    only a permuted indexing map), so the layout propagates and the NCHW
    tensors between two convolutions disappear.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def DyadCpuPackVnni : Pass<"dyad-cpu-pack-vnni", "mlir::func::FuncOp"> {
  let summary = "int8 convolutions with constant filters in vpdpbusd's "
                "operand layout (u8 activations, packed weights)";
  let description = [{
    Rewrites an i8 x i8 -> i32 `linalg.conv_2d_nhwc_hwcf` whose filter is a
    constant (input channels a multiple of 4, output channels of the
    vector's lanes) into the packed generic of KernelStrategy.h
    (`matchVnniConv`): activations flipped to unsigned (`x xor 0x80`, fused
    into their producer; a pad pads with the flipped value), the filter
    packed at compile time as [KH][KW][C/4][F][4], and 128 times each
    output channel's weight sum subtracted from the accumulator init (folded
    into a constant bias). Bit-identical to the convolution it replaces.
    Output channels not in 8s (28, 42) are padded with zero filters to the
    next multiple of 8 where the bias is a constant and the epilogue can
    run on the padded channels too (per-channel constants, padded; a
    residual of the output's shape, padded by a tensor.pad): the epilogue
    runs on them and its result is sliced back.
    Matmuls with a constant right operand are packed the same way
    ([K/4][N][4]); so is a pointwise convolution (1 x 1, stride 1) with
    `pointwise-gemm` (set where the target has AMX), as a GEMM over its
    pixels on collapsed views, its epilogue moved onto the GEMM's 2-D
    space. A value read by several packed kernels is flipped
    once. Weights whose values all fit in 4 bits (a layer
    quantized to 4 bits) become an i4 constant, which
    `dyad-cpu-pack-nibbles` stores two per byte. A depthwise convolution
    reads its i8 filter itself instead of an i32 copy made before it (its
    taps are then i16 values, for vpdpwssd in `dyad-cpu-lower-vectors`);
    with `depthwise-rows` (AVX512-VBMI targets), one with a constant i8
    filter of up to 4 rows and channels in blocks of 8 is packed instead
    (`matchVnniDepthwise`): filter [KW][C*4], byte r of each channel's
    dword the tap of row r, so that one vpdpbusd takes a column's taps of
    all rows, on the rows of the unsigned input interleaved (vpermb).
  }];
  let options = [
    Option<"vnniBits", "vnni-bits", "unsigned", /*default=*/"512",
           "Width of the vpdpbusd registers (512 or 256; 0: do nothing)">,
    Option<"nibbles", "nibbles", "bool", /*default=*/"true",
           "Weights that fit in 4 bits as an i4 constant, stored two per "
           "byte (dyad-cpu-pack-nibbles)">,
    Option<"pointwiseGemm", "pointwise-gemm", "bool", /*default=*/"false",
           "Pointwise convolutions (1x1, stride 1) as packed GEMMs over "
           "their pixels (for the AMX tiles)">,
    Option<"depthwiseRows", "depthwise-rows", "bool", /*default=*/"false",
           "Depthwise convolutions of up to 4 filter rows in the row-packed "
           "form (vpdpbusd on interleaved rows; set with AVX512-VBMI)">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def DyadCpuSelectKernels
    : Pass<"dyad-cpu-select-kernels", "mlir::func::FuncOp"> {
  let summary = "Choose each linalg op's CPU kernel and tile sizes";
  let description = [{
    The strategy step: sets `dyad.cpu.kernel` (the kernel family) and
    `dyad.cpu.tiles` (one tile size per loop) on each linalg op it has a
    vector kernel for (see KernelStrategy.cpp for the register blocks).
    Ops without the attributes go to the scalar loop lowering. A
    `linalg.transpose` that keeps its innermost dim is first rewritten as a
    generic, so it is vectorized as a copy of contiguous rows.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"512",
           "Width of the target's vector registers in bits (512, 256, 128)">,
    Option<"threads", "threads", "bool", /*default=*/"false",
           "Share the tiles of large ops out among threads "
           "(dyad.cpu.threads)">,
    Option<"amx", "amx", "bool", /*default=*/"false",
           "Packed int8 GEMMs of 16 rows or more and convolutions "
           "of 16s of output channels (window rows of 16 bytes or more), shared out among "
           "threads, on AMX-INT8 tile registers (kernels matmul-amx, "
           "conv2d-nhwc-amx, dyad-cpu-lower-amx)">,
    Option<"fuseEpilogues", "fuse-epilogues", "bool", /*default=*/"true",
           "Compute convolutions and GEMMs tile by tile inside the loops of "
           "the elementwise op that consumes them (dyad.cpu.fuse_producer)">,
  ];
}

def DyadCpuProfile : Pass<"dyad-cpu-profile", "mlir::ModuleOp"> {
  let summary = "Time each kernel and count its operations, per ONNX node "
                "(dyadc --profile)";
  let description = [{
    After dyad-cpu-select-kernels, on tensors: cuts each function body into
    groups, one per kernel (a convolution or GEMM computed in its
    epilogue's loops is one group, named after the contraction's ONNX
    node), and calls `dyad_profile_mark(id)` before each group and
    `dyad_profile_mark(-1)` before the return; contractions also call
    `dyad_profile_ops(id, n)` with their operation count (2 per
    multiply-add) computed from their loop ranges at run time. The groups
    (node, kernel, fused nodes) are recorded on the module as
    `dyad.profile`. The model library's support code (compiled with
    DYAD_PROFILE_GROUPS) accumulates time, runs and operations per group;
    `dyad-run --profile` prints them.
  }];
  let dependentDialects = ["mlir::func::FuncDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def DyadCpuTileAndVectorize
    : Pass<"dyad-cpu-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile the ops dyad-cpu-select-kernels chose and vectorize "
                "the tiles";
  let description = [{
    On tensors: tiles each op carrying `dyad.cpu.tiles` with scf.for loops,
    decomposes the one-row 2-D convolution and pooling tiles into 1-D ones,
    and vectorizes the tiles (matmuls as `vector.contract`). A tile loop
    with a dynamic bound (a convolution's width known at run time, a packed
    GEMM's batch rows under its epilogue) is peeled: full tiles of static
    size, then the rest. An op whose tile does not vectorize stays a
    (tiled) linalg op for the loop lowering.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

def DyadCpuPackNibbles
    : Pass<"dyad-cpu-pack-nibbles", "mlir::func::FuncOp"> {
  let summary = "Store i4 weight constants two values per byte and unpack "
                "their vector reads in registers";
  let description = [{
    Runs after `dyad-cpu-tile-and-vectorize`, on tensors. Each i4 constant
    (the packed weights of a layer quantized to 4 bits, from
    `dyad-cpu-pack-vnni`) becomes an i8 constant of half the rows, two rows
    per byte in offset binary (`(w[2i] + 8) | (w[2i+1] + 8) << 4`), and each
    vector read of rows of it a read of the packed rows, unpacked with an
    and, a shift and a subtraction: the sign extensions that consumed the i4
    vectors read the unpacked i8 ones. A read of another shape (out of
    bounds, masked, rows not contiguous) reads an i8 copy of the constant.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::vector::VectorDialect"];
}

def DyadCpuLowerAmx : Pass<"dyad-cpu-lower-amx", "mlir::func::FuncOp"> {
  let summary = "Packed int8 GEMM and convolution tiles (kernels matmul-amx, "
                "conv2d-nhwc-amx) to AMX tile operations (after "
                "bufferization)";
  let description = [{
    Each `linalg.generic` on buffers that dyad-cpu-select-kernels chose as
    `matmul-amx` and dyad-cpu-tile-and-vectorize left as a 16-row tile of
    the packed form (KernelStrategy.h, matchVnniMatmul)
      acc[16][16] += zext(a[16][K]) * sext(w[K/4][16 * 4])
    becomes: the accumulator loaded into a tile register, one `tdpbusd`
    (`amx.tile_muli` with unsigned activations) per 64 of K (a last,
    shorter step for the rest), and the accumulator stored back, where the
    epilogue reads it. The packed weights are already tdpbusd's B layout
    (a row per 4 of K, 16 columns x 4 bytes). K is unrolled: an AMX tile
    carried through a loop does not lower to LLVM in MLIR 22.

    A `conv2d-nhwc-amx` tile (matchVnniConv: one row of up to 16 output
    pixels x up to 4 x 16 channels, the window whole) needs no im2col. In
    NHWC, the KW x C bytes one pixel reads from one input row are
    contiguous, and the next pixel's start sw x C bytes further: per kernel
    row, the activation tile is loaded with that row stride (overlapping
    rows), K = KW x C, and the packed weights of that kernel row
    ([KW][C/4][F*4]) are the B tile as they are. One `tdpbusd` per kernel
    row, 64 of K and 16 channels. A tile whose window is not contiguous
    (a dilation along the width, a strided view) stays a loop nest.
  }];
  let dependentDialects = ["mlir::amx::AMXDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def DyadCpuThreadBuffers
    : Pass<"dyad-cpu-thread-buffers", "mlir::func::FuncOp"> {
  let summary = "Small buffers of a worksharing loop's iterations as one "
                "stack buffer per thread (after convert-scf-to-openmp)";
  let description = [{
    A tile's scratch buffer (an AMX GEMM's accumulators) allocated in an
    `scf.forall` body becomes, after the OpenMP conversion, an allocator
    call and a free per iteration of an `omp.wsloop` (and LLVM reloads the
    AMX tile configuration after every call). Such a buffer, static or
    with dynamic sizes of constant upper bounds (a thread's partial tile),
    at most 16 KiB at that bounding shape and freed in the iteration that
    allocated it, moves to the entry of its `omp.parallel` region as a
    `memref.alloca` of the bounding shape: one per thread, reused by the
    thread's iterations; a partial tile takes a view of it.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def DyadCpuLowerVectors
    : Pass<"dyad-cpu-lower-vectors", "mlir::func::FuncOp"> {
  let summary = "Hoist accumulators and lower vector tiles to FMAs, loads "
                "and stores (after bufferization)";
  let description = [{
    Folds subviews into transfer indices, hoists the loop-invariant
    accumulator transfers out of the reduction loops, then lowers
    `vector.contract` through outer products to `vector.fma`,
    multi-reductions to reductions, and transfers to 1-D loads and stores.
    With `vnni-bits`, i8 x i8 -> i32 contractions go to vpdpbusd instead
    (VnniContraction.cpp), and `acc + a * b` of i32 lanes whose factors are
    extensions of at most 16 bits (a depthwise tap) to vpdpwssd, b's high
    halves cleared. An n-D `arith.mulsi_extended` / `mului_extended`, which
    MLIR 22 converts to LLVM only in 1-D, is computed row by row on the
    lanes as i64 pairs (vpmuldq / vpmuludq). With `byte-permutes`, a lookup in a constant
    256-entry table indexed by an int8 value whose entries are truncated to
    bytes (the integer GELU, ...) is two `vpermi2b` and a select per 64
    lanes instead of a gather (ByteLookup.cpp).
  }];
  let options = [
    Option<"vnniBits", "vnni-bits", "unsigned", /*default=*/"0",
           "Lower int8 contractions to vpdpbusd on registers this wide "
           "(512 or 256; 0: no VNNI)">,
    Option<"bytePermutes", "byte-permutes", "bool", /*default=*/"false",
           "Lookups in 256-entry byte tables as AVX512-VBMI vpermi2b "
           "(ByteLookup.cpp) instead of gathers">,
  ];
  let dependentDialects = ["mlir::vector::VectorDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

#endif // DYAD_CODEGEN_CPU_PASSES_TD
