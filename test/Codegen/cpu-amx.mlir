// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-vnni{vnni-bits=512},dyad-cpu-select-kernels{amx=true threads=true}))' | FileCheck %s --check-prefix=SELECT
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-vnni{vnni-bits=512},dyad-cpu-select-kernels{amx=true}))' | FileCheck %s --check-prefix=SERIAL
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-vnni{vnni-bits=512},dyad-cpu-select-kernels{threads=true}))' | FileCheck %s --check-prefix=NOAMX
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(dyad-lower-cpu{vnni-bits=512 amx=true threads=true})' | FileCheck %s --check-prefix=LLVM
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-amx))' | FileCheck %s --check-prefix=LOWER
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-amx,cse))' | FileCheck %s --check-prefix=CONV

// The AMX-INT8 kernel path (Sapphire Rapids): a packed int8 GEMM of 16 rows
// or more (here the batch) is tiled 16 rows x up to 4 tile registers of 16
// columns (here 4), with the whole of K; its full 16-row tiles stay
// linalg.generic ops until bufferization, then become one tdpbusd per 64
// of K (here 256 = 4 x 64) and accumulator: 16 here. The tiles are shared
// out among threads (the epilogue takes the GEMM's thread loops; the
// tiling is checked with @gemm_threads below). The last rows (fewer than
// 16) go to the VNNI vectors (8 rows at a time, masked).
//
// Only GEMMs shared out among threads use AMX: each becomes a function of
// its own (OpenMP outlines it). LLVM 22's AMX register allocation fails
// ("ran out of registers") on one function holding several AMX GEMMs of
// different tile shapes, as serial GEMMs would be. Without threads the
// same GEMM is a VNNI one.

// SELECT-LABEL: func.func @gemm
// SELECT: dyad.cpu.kernel = "matmul-amx", dyad.cpu.tiles = array<i64: 16, 64, 0, 0>
// SELECT: dyad.cpu.kernel = "matmul-amx-epilogue", dyad.cpu.threads = array<i64: 0>
// SERIAL-LABEL: func.func @gemm
// SERIAL: dyad.cpu.kernel = "matmul-vnni"
// NOAMX-LABEL: func.func @gemm
// NOAMX: dyad.cpu.kernel = "matmul-vnni"

// The accumulator's start (7 here, a bias per column in a model) goes to
// the epilogue, added to the sums: the tiles start from tilezero, not from
// a tile load of the start value just stored by vector stores.
// LLVM-LABEL: llvm.func @gemm(
// LLVM:          omp.parallel
// LLVM-COUNT-4:  llvm.call_intrinsic "llvm.x86.tilezero.internal"
// LLVM-NOT:      llvm.x86.tdpbusd
// LLVM-COUNT-16: llvm.call_intrinsic "llvm.x86.tdpbusd.internal"
// LLVM-NOT:      llvm.x86.tdpbusd
// LLVM-COUNT-4:  llvm.call_intrinsic "llvm.x86.tilestored64.internal"
// LLVM:          llvm.x86.avx512.vpdpbusd.512
func.func @gemm(%x: tensor<?x256xi8>) -> tensor<?x64xi8> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x256xi8>
  %w = arith.constant dense<100> : tensor<256x64xi8>
  %z = arith.constant 7 : i32
  %e = tensor.empty(%n) : tensor<?x64xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<?x64xi32>) -> tensor<?x64xi32>
  %y = linalg.matmul ins(%x, %w : tensor<?x256xi8>, tensor<256x64xi8>) outs(%init : tensor<?x64xi32>) -> tensor<?x64xi32>
  %o = tensor.empty(%n) : tensor<?x64xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<?x64xi32>) outs(%o : tensor<?x64xi8>) {
  ^bb0(%in: i32, %out: i8):
    %t = arith.trunci %in : i32 to i8
    linalg.yield %t : i8
  } -> tensor<?x64xi8>
  return %r : tensor<?x64xi8>
}

// -----

// Not AMX: fewer than 16 rows (static), and weights that fit in 4 bits
// (stored two per byte, unpacked in vector registers).
// SELECT-LABEL: func.func @small_and_nibbles
// SELECT: dyad.cpu.kernel = "matmul-vnni"
// SELECT: dyad.cpu.kernel = "matmul-vnni"
func.func @small_and_nibbles(%x: tensor<8x64xi8>, %x2: tensor<?x64xi8>) -> (tensor<8x16xi32>, tensor<?x16xi32>) {
  %c0 = arith.constant 0 : index
  %w = arith.constant dense<100> : tensor<64x16xi8>
  %w4 = arith.constant dense<5> : tensor<64x16xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<8x16xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<8x16xi32>) -> tensor<8x16xi32>
  %y = linalg.matmul ins(%x, %w : tensor<8x64xi8>, tensor<64x16xi8>) outs(%init : tensor<8x16xi32>) -> tensor<8x16xi32>
  %n = tensor.dim %x2, %c0 : tensor<?x64xi8>
  %e2 = tensor.empty(%n) : tensor<?x16xi32>
  %init2 = linalg.fill ins(%z : i32) outs(%e2 : tensor<?x16xi32>) -> tensor<?x16xi32>
  %y2 = linalg.matmul ins(%x2, %w4 : tensor<?x64xi8>, tensor<64x16xi8>) outs(%init2 : tensor<?x16xi32>) -> tensor<?x16xi32>
  return %y, %y2 : tensor<8x16xi32>, tensor<?x16xi32>
}

// -----

// dyad-cpu-lower-amx on buffers: the accumulator tile loaded, a tdpbusd
// (u8 x s8: zext on the activations) per 64 of K, the tile stored back.
// LOWER-LABEL: func.func @tile(
// LOWER-SAME:    %[[A:.*]]: memref<16x96xi8, strided<[96, 1], offset: ?>>, %[[W:.*]]: memref<24x64xi8, strided<[128, 1], offset: ?>>, %{{.*}}: memref<4xi8>, %[[C:.*]]: memref<16x16xi32>
// LOWER:         %[[T0:.*]] = amx.tile_load %[[C]][%{{.*}}, %{{.*}}] : memref<16x16xi32> into !amx.tile<16x16xi32>
// LOWER:         %[[A0:.*]] = amx.tile_load %[[A]][%{{.*}}, %{{.*}}] {{.*}} into !amx.tile<16x64xi8>
// LOWER:         %[[W0:.*]] = amx.tile_load %[[W]][%{{.*}}, %{{.*}}] {{.*}} into !amx.tile<16x64xi8>
// LOWER:         %[[T1:.*]] = amx.tile_muli %[[A0]] zext, %[[W0]], %[[T0]]
// LOWER:         %[[C64:.*]] = arith.constant 64 : index
// LOWER:         %[[A1:.*]] = amx.tile_load %[[A]][%{{.*}}, %[[C64]]] {{.*}} into !amx.tile<16x32xi8>
// LOWER:         %[[C16:.*]] = arith.constant 16 : index
// LOWER:         %[[W1:.*]] = amx.tile_load %[[W]][%[[C16]], %{{.*}}] {{.*}} into !amx.tile<8x64xi8>
// LOWER:         %[[T2:.*]] = amx.tile_muli %[[A1]] zext, %[[W1]], %[[T1]]
// LOWER:         amx.tile_store %[[C]][%{{.*}}, %{{.*}}], %[[T2]]
// LOWER-NOT:     linalg.generic
// LOWER-LABEL: func.func @not_a_tile(
// LOWER:         linalg.generic
// LOWER-NOT:     amx.
#a = affine_map<(m, n, kb, ki) -> (m, kb * 4 + ki)>
#w = affine_map<(m, n, kb, ki) -> (kb, n * 4 + ki)>
#s = affine_map<(m, n, kb, ki) -> (ki)>
#c = affine_map<(m, n, kb, ki) -> (m, n)>
func.func @tile(%a: memref<16x96xi8, strided<[96, 1], offset: ?>>, %w: memref<24x64xi8, strided<[128, 1], offset: ?>>, %s: memref<4xi8>, %c: memref<16x16xi32>) {
  linalg.generic {indexing_maps = [#a, #w, #s, #c], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%a, %w, %s : memref<16x96xi8, strided<[96, 1], offset: ?>>, memref<24x64xi8, strided<[128, 1], offset: ?>>, memref<4xi8>) outs(%c : memref<16x16xi32>) attrs = {dyad.cpu.kernel = "matmul-amx"} {
  ^bb0(%in: i8, %in_0: i8, %in_1: i8, %out: i32):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.extsi %in_0 : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %out, %2 : i32
    linalg.yield %3 : i32
  }
  return
}
// Eight rows: not a tile register's shape, left to the loop lowering.
func.func @not_a_tile(%a: memref<8x96xi8>, %w: memref<24x64xi8>, %s: memref<4xi8>, %c: memref<8x16xi32>) {
  linalg.generic {indexing_maps = [#a, #w, #s, #c], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%a, %w, %s : memref<8x96xi8>, memref<24x64xi8>, memref<4xi8>) outs(%c : memref<8x16xi32>) attrs = {dyad.cpu.kernel = "matmul-amx"} {
  ^bb0(%in: i8, %in_0: i8, %in_1: i8, %out: i32):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.extsi %in_0 : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %out, %2 : i32
    linalg.yield %3 : i32
  }
  return
}
// An accumulator of zeros made for the tile alone (the fill marked
// dyad.cpu.amx_zero_init right before it): tilezero, the fill gone. An
// unmarked fill is an init like any other: loaded.
// LOWER-LABEL: func.func @zero_init(
// LOWER-NOT:     linalg.fill
// LOWER:         amx.tile_zero : !amx.tile<16x16xi32>
// LOWER-NOT:     amx.tile_load %{{.*}} : memref<16x16xi32>
// LOWER:         amx.tile_store
// LOWER:         linalg.fill
// LOWER:         amx.tile_load %{{.*}} : memref<16x16xi32>
func.func @zero_init(%a: memref<16x96xi8, strided<[96, 1], offset: ?>>, %w: memref<24x64xi8, strided<[128, 1], offset: ?>>, %s: memref<4xi8>, %c: memref<16x16xi32>) {
  %z = arith.constant 0 : i32
  linalg.fill {dyad.cpu.amx_zero_init} ins(%z : i32) outs(%c : memref<16x16xi32>)
  linalg.generic {indexing_maps = [#a, #w, #s, #c], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%a, %w, %s : memref<16x96xi8, strided<[96, 1], offset: ?>>, memref<24x64xi8, strided<[128, 1], offset: ?>>, memref<4xi8>) outs(%c : memref<16x16xi32>) attrs = {dyad.cpu.kernel = "matmul-amx"} {
  ^bb0(%in: i8, %in_0: i8, %in_1: i8, %out: i32):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.extsi %in_0 : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %out, %2 : i32
    linalg.yield %3 : i32
  }
  linalg.fill ins(%z : i32) outs(%c : memref<16x16xi32>)
  linalg.generic {indexing_maps = [#a, #w, #s, #c], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%a, %w, %s : memref<16x96xi8, strided<[96, 1], offset: ?>>, memref<24x64xi8, strided<[128, 1], offset: ?>>, memref<4xi8>) outs(%c : memref<16x16xi32>) attrs = {dyad.cpu.kernel = "matmul-amx"} {
  ^bb0(%in: i8, %in_0: i8, %in_1: i8, %out: i32):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.extsi %in_0 : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %out, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// With threads: the tiles are shared out by an scf.forall (not peeled: a
// second parallel region per GEMM costs more at batch 1 than it saves), so
// a tile's rows are known at run time: 16 go to AMX (static operands), fewer
// to the VNNI vectors (8 rows, 2 vectors of columns, masked).
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-vnni{vnni-bits=512},dyad-cpu-select-kernels{amx=true threads=true},dyad-cpu-tile-and-vectorize,canonicalize,cse))' | FileCheck %s --check-prefix=THREADS
// THREADS-LABEL: func.func @gemm_threads(
// THREADS:         scf.forall (%{{.*}}) = (0) to (%{{.*}}) step (16)
// THREADS:           %[[ROWS:.*]] = affine.min
// THREADS:           %[[FULL:.*]] = arith.cmpi eq, %[[ROWS]], %c16
// The accumulators start at zero (the 7 is added in the epilogue): a fill
// of the AMX tile's own (tilezero after bufferization, below), and zeros
// written for the VNNI rows in the else branch only.
// THREADS:           scf.if %[[FULL]]
// THREADS:             %[[ZEROS:.*]] = linalg.fill {dyad.cpu.amx_zero_init} ins(%c0_i32 : i32) outs(%{{.*}} : tensor<16x64xi32>)
// THREADS:             linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<16x256xi8>, tensor<64x256xi8>, tensor<4xi8>) outs(%[[ZEROS]] : tensor<16x64xi32>) attrs =  {dyad.cpu.amx_zero_init, dyad.cpu.kernel = "matmul-amx"}
// THREADS:           } else {
// THREADS:             vector.transfer_write %{{.*}} : vector<1x64xi32>
// THREADS:             vector.contract {{.*}} into vector<8x32xi32>
// THREADS:           %[[START:.*]] = vector.transfer_read %{{.*}}[]{{.*}} : tensor<i32>, vector<1x64xi32>
// THREADS:           arith.addi %{{.*}}, %[[START]] : vector<1x64xi32>
// THREADS-NOT:       scf.if
// THREADS:           scf.forall.in_parallel
func.func @gemm_threads(%x: tensor<?x256xi8>) -> tensor<?x64xi8> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x256xi8>
  %w = arith.constant dense<100> : tensor<256x64xi8>
  %z = arith.constant 7 : i32
  %e = tensor.empty(%n) : tensor<?x64xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<?x64xi32>) -> tensor<?x64xi32>
  %y = linalg.matmul ins(%x, %w : tensor<?x256xi8>, tensor<256x64xi8>) outs(%init : tensor<?x64xi32>) -> tensor<?x64xi32>
  %o = tensor.empty(%n) : tensor<?x64xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<?x64xi32>) outs(%o : tensor<?x64xi8>) {
  ^bb0(%in: i32, %out: i8):
    %t = arith.trunci %in : i32 to i8
    linalg.yield %t : i8
  } -> tensor<?x64xi8>
  return %r : tensor<?x64xi8>
}

// -----

// 48 columns (not a multiple of 32): tiles of one column block and two row
// tiles (32 x 16), two tdpbusd chains in flight; lowered, two activation
// tiles share each weight tile.
// SELECT-LABEL: func.func @gemm_48
// SELECT: dyad.cpu.kernel = "matmul-amx", dyad.cpu.tiles = array<i64: 32, 16, 0, 0>
// LLVM-LABEL: llvm.func @gemm_48(
// LLVM-COUNT-2:  llvm.call_intrinsic "llvm.x86.tilezero.internal"
// LLVM-COUNT-3:  llvm.call_intrinsic "llvm.x86.tileloadd64.internal"
// LLVM-COUNT-2:  llvm.call_intrinsic "llvm.x86.tdpbusd.internal"
// LLVM-COUNT-3:  llvm.call_intrinsic "llvm.x86.tileloadd64.internal"
// LLVM-COUNT-2:  llvm.call_intrinsic "llvm.x86.tdpbusd.internal"
// LLVM-COUNT-3:  llvm.call_intrinsic "llvm.x86.tileloadd64.internal"
// LLVM-COUNT-2:  llvm.call_intrinsic "llvm.x86.tdpbusd.internal"
// LLVM-COUNT-2:  llvm.call_intrinsic "llvm.x86.tilestored64.internal"
func.func @gemm_48(%x: tensor<?x192xi8>) -> tensor<?x48xi8> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x192xi8>
  %w = arith.constant dense<100> : tensor<192x48xi8>
  %z = arith.constant 7 : i32
  %e = tensor.empty(%n) : tensor<?x48xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<?x48xi32>) -> tensor<?x48xi32>
  %y = linalg.matmul ins(%x, %w : tensor<?x192xi8>, tensor<192x48xi8>) outs(%init : tensor<?x48xi32>) -> tensor<?x48xi32>
  %o = tensor.empty(%n) : tensor<?x48xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<?x48xi32>) outs(%o : tensor<?x48xi8>) {
  ^bb0(%in: i32, %out: i8):
    %t = arith.trunci %in : i32 to i8
    linalg.yield %t : i8
  } -> tensor<?x48xi8>
  return %r : tensor<?x48xi8>
}

// -----

// A packed int8 3x3 convolution (32 -> 32 channels, 16 x 16 -> 14 x 14)
// on AMX without an im2col: tiles of one row of 14 output pixels x 32
// channels (two accumulator tiles), the whole window reduced in them. Per
// kernel row, K = 3 x 32 = 96 contiguous bytes of each pixel's window, in
// two tile loads of 64 + 32 bytes whose rows overlap (stride 32 bytes, one
// pixel): 3 x 2 x 2 = 12 tdpbusd per tile. Serial (no threads) or without
// AMX: the VNNI kernel.
// SELECT-LABEL: func.func @conv
// SELECT: dyad.cpu.kernel = "conv2d-nhwc-amx", dyad.cpu.tiles = array<i64: 1, 1, 14, 32, 0, 0, 0, 0>
// SELECT: dyad.cpu.kernel = "conv2d-nhwc-amx-epilogue", dyad.cpu.threads = array<i64: 0, 1>, dyad.cpu.tiles = array<i64: 1, 1, 14, 32>
// SERIAL-LABEL: func.func @conv
// SERIAL: dyad.cpu.kernel = "conv2d-nhwc-vnni"
// NOAMX-LABEL: func.func @conv
// NOAMX: dyad.cpu.kernel = "conv2d-nhwc-vnni"
// LLVM-LABEL: llvm.func @conv(
// LLVM:           omp.parallel
// LLVM-COUNT-2:   llvm.call_intrinsic "llvm.x86.tilezero.internal"
// LLVM-NOT:       llvm.x86.tdpbusd
// LLVM-COUNT-12:  llvm.call_intrinsic "llvm.x86.tdpbusd.internal"
// LLVM-NOT:       llvm.x86.tdpbusd
// LLVM-COUNT-2:   llvm.call_intrinsic "llvm.x86.tilestored64.internal"
// LLVM-NOT:       llvm.x86.avx512.vpdpbusd
#cx = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (n, oh + kh, ow + kw, cb * 4 + ci)>
#cw = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (kh, kw, cb, f * 4 + ci)>
#cs = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (ci)>
#co = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (n, oh, ow, f)>
#conv_iters = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]
func.func @conv(%x: tensor<?x16x16x32xi8>) -> tensor<?x14x14x32xi8> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x16x16x32xi8>
  %w = arith.constant dense<3> : tensor<3x3x8x128xi8>
  %s = tensor.empty() : tensor<4xi8>
  %z = arith.constant 7 : i32
  %e = tensor.empty(%n) : tensor<?x14x14x32xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<?x14x14x32xi32>) -> tensor<?x14x14x32xi32>
  %y = linalg.generic {indexing_maps = [#cx, #cw, #cs, #co], iterator_types = #conv_iters} ins(%x, %w, %s : tensor<?x16x16x32xi8>, tensor<3x3x8x128xi8>, tensor<4xi8>) outs(%init : tensor<?x14x14x32xi32>) {
  ^bb0(%in: i8, %in_0: i8, %in_1: i8, %out: i32):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.extsi %in_0 : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %out, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<?x14x14x32xi32>
  %o = tensor.empty(%n) : tensor<?x14x14x32xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : tensor<?x14x14x32xi32>) outs(%o : tensor<?x14x14x32xi8>) {
  ^bb0(%in: i32, %out: i8):
    %t = arith.trunci %in : i32 to i8
    linalg.yield %t : i8
  } -> tensor<?x14x14x32xi8>
  return %r : tensor<?x14x14x32xi8>
}

// -----

// Not AMX: a window row of 4 bytes (a one-channel stem whose 3 columns
// were folded into 4 channels: a tdpbusd would use 4 of its 64 bytes), a
// column dilation (the window's columns not adjacent), and 8 output
// channels (not a tile register's 16 columns).
// SELECT-LABEL: func.func @conv_not_amx
// SELECT-COUNT-3: dyad.cpu.kernel = "conv2d-nhwc-vnni"
// LLVM-LABEL: llvm.func @conv_not_amx(
// LLVM-NOT:     llvm.x86.tdpbusd
// LLVM:         llvm.x86.avx512.vpdpbusd.512
#cx = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (n, oh + kh, ow + kw, cb * 4 + ci)>
#cw = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (kh, kw, cb, f * 4 + ci)>
#cs = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (ci)>
#co = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (n, oh, ow, f)>
#conv_iters = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]
#dx = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (n, oh + kh, ow + kw * 2, cb * 4 + ci)>
func.func @conv_not_amx(%x: tensor<?x30x28x4xi8>, %x2: tensor<?x16x16x32xi8>) -> (tensor<?x28x28x16xi32>, tensor<?x14x12x32xi32>, tensor<?x14x14x8xi32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x30x28x4xi8>
  %s = tensor.empty() : tensor<4xi8>
  %z = arith.constant 0 : i32
  %w = arith.constant dense<3> : tensor<3x1x1x64xi8>
  %e = tensor.empty(%n) : tensor<?x28x28x16xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<?x28x28x16xi32>) -> tensor<?x28x28x16xi32>
  %y = linalg.generic {indexing_maps = [#cx, #cw, #cs, #co], iterator_types = #conv_iters} ins(%x, %w, %s : tensor<?x30x28x4xi8>, tensor<3x1x1x64xi8>, tensor<4xi8>) outs(%init : tensor<?x28x28x16xi32>) {
  ^bb0(%in: i8, %in_0: i8, %in_1: i8, %out: i32):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.extsi %in_0 : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %out, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<?x28x28x16xi32>
  %w2 = arith.constant dense<3> : tensor<3x3x8x128xi8>
  %e2 = tensor.empty(%n) : tensor<?x14x12x32xi32>
  %init2 = linalg.fill ins(%z : i32) outs(%e2 : tensor<?x14x12x32xi32>) -> tensor<?x14x12x32xi32>
  %y2 = linalg.generic {indexing_maps = [#dx, #cw, #cs, #co], iterator_types = #conv_iters} ins(%x2, %w2, %s : tensor<?x16x16x32xi8>, tensor<3x3x8x128xi8>, tensor<4xi8>) outs(%init2 : tensor<?x14x12x32xi32>) {
  ^bb0(%in: i8, %in_0: i8, %in_1: i8, %out: i32):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.extsi %in_0 : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %out, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<?x14x12x32xi32>
  %w3 = arith.constant dense<3> : tensor<3x3x8x32xi8>
  %e3 = tensor.empty(%n) : tensor<?x14x14x8xi32>
  %init3 = linalg.fill ins(%z : i32) outs(%e3 : tensor<?x14x14x8xi32>) -> tensor<?x14x14x8xi32>
  %y3 = linalg.generic {indexing_maps = [#cx, #cw, #cs, #co], iterator_types = #conv_iters} ins(%x2, %w3, %s : tensor<?x16x16x32xi8>, tensor<3x3x8x32xi8>, tensor<4xi8>) outs(%init3 : tensor<?x14x14x8xi32>) {
  ^bb0(%in: i8, %in_0: i8, %in_1: i8, %out: i32):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.extsi %in_0 : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %out, %2 : i32
    linalg.yield %3 : i32
  } -> tensor<?x14x14x8xi32>
  return %y, %y2, %y3 : tensor<?x28x28x16xi32>, tensor<?x14x12x32xi32>, tensor<?x14x14x8xi32>
}

// -----

// dyad-cpu-lower-amx on a convolution tile (buffers): per kernel row, the
// activation tile is loaded at input row kh (times the row dilation, 2
// here) with an explicit row stride of sw x C = 2 x 32 elements (stride
// 2: each pixel starts two pixels on), K split 64 + 32; the weight tile at
// [kh, k / C, (k mod C) / 4, 64 j] with the packed weights' row stride.
// CONV-LABEL: func.func @conv_tile(
// CONV-SAME:    %[[X:[^:]*]]: memref<1x5x29x32xi8, {{.*}}>, %[[W:[^:]*]]: memref<3x3x8x64xi8>,
// CONV-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CONV:         amx.tile_zero : !amx.tile<14x16xi32>
// CONV:         %[[S:.*]] = arith.constant 64 : index
// CONV:         amx.tile_load %[[X]][%[[C0]], %[[C0]], %[[C0]], %[[C0]]], %[[S]] : {{.*}} into !amx.tile<14x64xi8>
// CONV:         amx.tile_load %[[W]][%[[C0]], %[[C0]], %[[C0]], %[[C0]]], %[[S]] : {{.*}} into !amx.tile<16x64xi8>
// CONV:         amx.tile_muli
// CONV:         %[[C2:.*]] = arith.constant 2 : index
// CONV:         amx.tile_load %[[X]][%[[C0]], %[[C0]], %[[C2]], %[[C0]]], %[[S]] : {{.*}} into !amx.tile<14x32xi8>
// CONV:         amx.tile_load %[[W]][%[[C0]], %[[C2]], %[[C0]], %[[C0]]], %[[S]] : {{.*}} into !amx.tile<8x64xi8>
// CONV:         amx.tile_muli
// CONV:         amx.tile_load %[[X]][%[[C0]], %[[C2]], %[[C0]], %[[C0]]], %[[S]]
// CONV:         %[[C1:.*]] = arith.constant 1 : index
// CONV:         amx.tile_load %[[W]][%[[C1]], %[[C0]], %[[C0]], %[[C0]]], %[[S]]
// CONV-COUNT-4: amx.tile_muli
// CONV:         amx.tile_store %{{.*}}[%[[C0]], %[[C0]], %[[C0]], %[[C0]]]
// CONV-NOT:     linalg.generic
#cx = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (n, oh + kh, ow + kw, cb * 4 + ci)>
#cw = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (kh, kw, cb, f * 4 + ci)>
#cs = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (ci)>
#co = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (n, oh, ow, f)>
#conv_iters = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]
#tx = affine_map<(n, oh, ow, f, kh, kw, cb, ci) -> (n, oh * 2 + kh * 2, ow * 2 + kw, cb * 4 + ci)>
func.func @conv_tile(%x: memref<1x5x29x32xi8, strided<[?, 928, 32, 1], offset: ?>>, %w: memref<3x3x8x64xi8>, %s: memref<4xi8>, %c: memref<1x1x14x16xi32>) {
  %z = arith.constant 0 : i32
  linalg.fill {dyad.cpu.amx_zero_init} ins(%z : i32) outs(%c : memref<1x1x14x16xi32>)
  linalg.generic {indexing_maps = [#tx, #cw, #cs, #co], iterator_types = #conv_iters} ins(%x, %w, %s : memref<1x5x29x32xi8, strided<[?, 928, 32, 1], offset: ?>>, memref<3x3x8x64xi8>, memref<4xi8>) outs(%c : memref<1x1x14x16xi32>) attrs = {dyad.cpu.kernel = "conv2d-nhwc-amx"} {
  ^bb0(%in: i8, %in_0: i8, %in_1: i8, %out: i32):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.extsi %in_0 : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %out, %2 : i32
    linalg.yield %3 : i32
  }
  return
}
