// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-select-kernels{vector-bits=512}))' | FileCheck %s --check-prefix=AVX512
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-select-kernels{vector-bits=256}))' | FileCheck %s --check-prefix=AVX2
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-select-kernels{threads=true}))' | FileCheck %s --check-prefix=THREADS

// The strategy step: each op gets a kernel family and one tile size per
// loop. Register blocks: an int8 conv (i32 accumulators, 16 lanes at 512
// bits) keeps 8 pixels x 32 channels, reduces over (kh, kw) one at a time
// and input channels 64 at a time; a GEMM 8 rows x 2 vectors of columns
// (rows that are the batch too: full blocks of 8, the last row by row); pooling
// 8 pixels x a channel block; elementwise ops one vector row.

// AVX512: dyad.cpu.kernel = "conv2d-nhwc", dyad.cpu.tiles = array<i64: 1, 1, 8, 32, 1, 1, 64>
// AVX512: dyad.cpu.kernel = "matmul", dyad.cpu.tiles = array<i64: 8, 32, 1>
// AVX512: dyad.cpu.kernel = "pool2d-nhwc", dyad.cpu.tiles = array<i64: 1, 1, 8, 16, 1, 1>
// AVX512: dyad.cpu.kernel = "elementwise", dyad.cpu.tiles = array<i64: 1, 1, 1, 10>
// AVX512: linalg.generic {indexing_maps = {{.*}} outs(%{{.*}} : tensor<4xi1>)

// AVX2: dyad.cpu.kernel = "conv2d-nhwc", dyad.cpu.tiles = array<i64: 1, 1, 8, 16, 1, 1, 64>
// AVX2: dyad.cpu.kernel = "matmul", dyad.cpu.tiles = array<i64: 8, 16, 1>
// AVX2: dyad.cpu.kernel = "pool2d-nhwc", dyad.cpu.tiles = array<i64: 1, 1, 8, 16, 1, 1>
// AVX2: dyad.cpu.kernel = "elementwise", dyad.cpu.tiles = array<i64: 1, 1, 1, 10>

// With threads, the large ops' tiles are shared out over their first two
// parallel loops with more than one tile (the batch counts as 16: its size
// is only known at run time); the small pooling and elementwise ops run on
// the calling thread (a parallel region would cost more than they do).
// THREADS: dyad.cpu.kernel = "conv2d-nhwc", dyad.cpu.threads = array<i64: 0, 1>, dyad.cpu.tiles = array<i64: 1, 1, 8, 32, 1, 1, 64>
// THREADS: dyad.cpu.kernel = "matmul", dyad.cpu.threads = array<i64: 0, 1>, dyad.cpu.tiles = array<i64: 8, 32, 1>
// THREADS: dyad.cpu.kernel = "pool2d-nhwc", dyad.cpu.tiles
// THREADS: dyad.cpu.kernel = "elementwise", dyad.cpu.tiles

// Booleans (bytes in memory, bits in LLVM vectors) stay scalar: no kernel.
func.func @kernels(%x: tensor<?x10x10x64xi8>, %w: tensor<3x3x64x64xi8>, %acc: tensor<?x8x8x64xi32>,
                   %a: tensor<?x256xf32>, %b: tensor<256x96xf32>, %c: tensor<?x96xf32>,
                   %p: tensor<1x16x16x48xf32>, %win: tensor<2x2xf32>, %po: tensor<1x8x8x48xf32>,
                   %e: tensor<1x7x7x10xf32>, %f: tensor<4xf32>, %bo: tensor<4xi1>)
    -> (tensor<?x8x8x64xi32>, tensor<?x96xf32>, tensor<1x8x8x48xf32>, tensor<1x7x7x10xf32>, tensor<4xi1>) {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x10x10x64xi8>, tensor<3x3x64x64xi8>) outs(%acc : tensor<?x8x8x64xi32>) -> tensor<?x8x8x64xi32>
  %1 = linalg.matmul ins(%a, %b : tensor<?x256xf32>, tensor<256x96xf32>) outs(%c : tensor<?x96xf32>) -> tensor<?x96xf32>
  %2 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %win : tensor<1x16x16x48xf32>, tensor<2x2xf32>) outs(%po : tensor<1x8x8x48xf32>) -> tensor<1x8x8x48xf32>
  %3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%e : tensor<1x7x7x10xf32>) {
  ^bb0(%o: f32):
    %m = arith.negf %o : f32
    linalg.yield %m : f32
  } -> tensor<1x7x7x10xf32>
  %4 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%f : tensor<4xf32>) outs(%bo : tensor<4xi1>) {
  ^bb0(%in: f32, %o: i1):
    %z = arith.constant 0.0 : f32
    %m = arith.cmpf ogt, %in, %z : f32
    linalg.yield %m : i1
  } -> tensor<4xi1>
  return %0, %1, %2, %3, %4 : tensor<?x8x8x64xi32>, tensor<?x96xf32>, tensor<1x8x8x48xf32>, tensor<1x7x7x10xf32>, tensor<4xi1>
}

// An elementwise op that takes a convolution's whole result (its epilogue:
// here a ReLU) takes over the convolution's output tiles and threads; the
// convolution keeps its reduction tiles and is computed inside the
// epilogue's loops (dyad.cpu.fuse_producer).
// THREADS-LABEL: func.func @epilogue(
// THREADS:         linalg.conv_2d_nhwc_hwcf {{.*}}dyad.cpu.kernel = "conv2d-nhwc", dyad.cpu.tiles = array<i64: 1, 1, 8, 32, 1, 1, 64>
// THREADS:         linalg.generic {{.*}}dyad.cpu.fuse_producer, dyad.cpu.kernel = "conv2d-nhwc-epilogue", dyad.cpu.threads = array<i64: 0, 1>, dyad.cpu.tiles = array<i64: 1, 1, 8, 32>
func.func @epilogue(%x: tensor<?x10x10x64xi8>, %w: tensor<3x3x64x64xi8>, %acc: tensor<?x8x8x64xi32>) -> tensor<?x8x8x64xi32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x10x10x64xi8>, tensor<3x3x64x64xi8>) outs(%acc : tensor<?x8x8x64xi32>) -> tensor<?x8x8x64xi32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0 : tensor<?x8x8x64xi32>) outs(%acc : tensor<?x8x8x64xi32>) {
  ^bb0(%in: i32, %o: i32):
    %z = arith.constant 0 : i32
    %m = arith.maxsi %in, %z : i32
    linalg.yield %m : i32
  } -> tensor<?x8x8x64xi32>
  return %1 : tensor<?x8x8x64xi32>
}

// A MatMul written as a generic (batched activations by a broadcast weight,
// as exporters write x[b, s, k] * W[k, n]): a register block of 8 rows x 2
// vectors of columns, the reduction one step at a time, like linalg.matmul.
// AVX512-LABEL: func.func @matmul_generic(
// AVX512: dyad.cpu.kernel = "matmul-generic", dyad.cpu.tiles = array<i64: 1, 8, 32, 1>
func.func @matmul_generic(%x: tensor<?x16x64xf32>, %w: tensor<64x96xf32>, %acc: tensor<?x16x96xf32>) -> tensor<?x16x96xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(b, s, n, k) -> (b, s, k)>, affine_map<(b, s, n, k) -> (k, n)>, affine_map<(b, s, n, k) -> (b, s, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<?x16x64xf32>, tensor<64x96xf32>) outs(%acc : tensor<?x16x96xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x16x96xf32>
  return %0 : tensor<?x16x96xf32>
}

// 24 output channels: not one vector of 24 (which LLVM splits into 16 + 8
// with shuffles), nor blocks of 8 (every block on half registers): split
// into channels [0, 16) in one full vector and [16, 24) in a half one
// (dyad.cpu.split, the second part's tiles in dyad.cpu.split_tiles). With
// 256-bit vectors 24 is 3 full ones: no split. A depthwise convolution's
// channels split alike; an epilogue takes over its contraction's split.
// AVX512-LABEL: func.func @channels_24(
// AVX512: dyad.cpu.kernel = "conv2d-nhwc", dyad.cpu.split = array<i64: 3, 16>, dyad.cpu.split_tiles = array<i64: 1, 1, 7, 8, 1, 1, 8>, dyad.cpu.tiles = array<i64: 1, 1, 7, 16, 1, 1, 8>
// AVX512: dyad.cpu.kernel = "dwconv2d-nhwc", dyad.cpu.split = array<i64: 3, 16>, dyad.cpu.split_tiles = array<i64: 1, 1, 7, 8, 1, 1>, dyad.cpu.tiles = array<i64: 1, 1, 7, 16, 1, 1>
// AVX512: dyad.cpu.fuse_producer, dyad.cpu.kernel = "dwconv2d-nhwc-epilogue", dyad.cpu.split = array<i64: 3, 16>, dyad.cpu.split_tiles = array<i64: 1, 1, 7, 8>, dyad.cpu.tiles = array<i64: 1, 1, 7, 16>
// AVX2-LABEL: func.func @channels_24(
// AVX2-NOT: dyad.cpu.split
// AVX2: return
func.func @channels_24(%x: tensor<?x16x16x8xf32>, %w: tensor<3x3x8x24xf32>, %acc: tensor<?x14x14x24xf32>,
                       %dx: tensor<?x16x16x24xi32>, %dw: tensor<3x3x24xi32>, %dacc: tensor<?x14x14x24xi32>) -> (tensor<?x14x14x24xf32>, tensor<?x14x14x24xi32>) {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x16x16x8xf32>, tensor<3x3x8x24xf32>) outs(%acc : tensor<?x14x14x24xf32>) -> tensor<?x14x14x24xf32>
  %1 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%dx, %dw : tensor<?x16x16x24xi32>, tensor<3x3x24xi32>) outs(%dacc : tensor<?x14x14x24xi32>) -> tensor<?x14x14x24xi32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%1 : tensor<?x14x14x24xi32>) outs(%dacc : tensor<?x14x14x24xi32>) {
  ^bb0(%in: i32, %o: i32):
    %z = arith.constant 0 : i32
    %m = arith.maxsi %in, %z : i32
    linalg.yield %m : i32
  } -> tensor<?x14x14x24xi32>
  return %0, %2 : tensor<?x14x14x24xf32>, tensor<?x14x14x24xi32>
}

// An i8 GEMM: K in steps of a multiple of 4 (here 56 of 784), for vpdpbusd.
// AVX512-LABEL: func.func @matmul_i8(
// AVX512: dyad.cpu.kernel = "matmul", dyad.cpu.tiles = array<i64: 8, 32, 56>
func.func @matmul_i8(%a: tensor<?x784xi8>, %b: tensor<784x256xi8>, %c: tensor<?x256xi32>) -> tensor<?x256xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<?x784xi8>, tensor<784x256xi8>) outs(%c : tensor<?x256xi32>) -> tensor<?x256xi32>
  return %0 : tensor<?x256xi32>
}

// Reductions: a global sum over H and W in channels-last order (the channels
// are the innermost, parallel loop) takes a vector across the channels and
// steps through H and W, accumulating in that vector (96 channels: a power
// of two, 2 registers of i32, not 48: the requantization before the sum
// works in i64); one whose innermost loop is reduced (a row sum) keeps the
// reduced loops whole. Elementwise ops likewise take 48 channels 16 at a
// time.
// AVX512-LABEL: func.func @reductions(
// AVX512: dyad.cpu.kernel = "reduction-inner-parallel", dyad.cpu.tiles = array<i64: 1, 1, 1, 32>
// AVX512: dyad.cpu.kernel = "reduction", dyad.cpu.tiles = array<i64: 1, 0>
// AVX512: dyad.cpu.kernel = "elementwise", dyad.cpu.tiles = array<i64: 1, 16>
// AVX2-LABEL: func.func @reductions(
// AVX2: dyad.cpu.kernel = "reduction-inner-parallel", dyad.cpu.tiles = array<i64: 1, 1, 1, 16>
#red_id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#red_nc = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
#row_in = affine_map<(d0, d1) -> (d0, d1)>
#row_out = affine_map<(d0, d1) -> (d0)>
func.func @reductions(%x: tensor<?x7x7x96xi32>, %acc: tensor<?x96xi32>, %r: tensor<?x64xf32>, %racc: tensor<?xf32>, %e: tensor<?x48xi32>) -> (tensor<?x96xi32>, tensor<?xf32>, tensor<?x48xi32>) {
  %0 = linalg.generic {indexing_maps = [#red_id, #red_nc], iterator_types = ["parallel", "reduction", "reduction", "parallel"]} ins(%x : tensor<?x7x7x96xi32>) outs(%acc : tensor<?x96xi32>) {
  ^bb0(%in: i32, %out: i32):
    %s = arith.addi %in, %out : i32
    linalg.yield %s : i32
  } -> tensor<?x96xi32>
  %1 = linalg.generic {indexing_maps = [#row_in, #row_out], iterator_types = ["parallel", "reduction"]} ins(%r : tensor<?x64xf32>) outs(%racc : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  %2 = linalg.generic {indexing_maps = [#row_in, #row_in], iterator_types = ["parallel", "parallel"]} ins(%e : tensor<?x48xi32>) outs(%e : tensor<?x48xi32>) {
  ^bb0(%in: i32, %out: i32):
    %s = arith.addi %in, %in : i32
    linalg.yield %s : i32
  } -> tensor<?x48xi32>
  return %0, %1, %2 : tensor<?x96xi32>, tensor<?xf32>, tensor<?x48xi32>
}

// A transpose that keeps its innermost dim (attention's split into heads) is
// a copy of contiguous rows: it becomes a generic and gets a vector along
// that dim like any elementwise op. One that moves the innermost dim (a key
// matrix transposed for Q x K^T) stays a named op (scalar loops).
// AVX512-LABEL: func.func @transposes(
// AVX512:         linalg.generic {{.*}}dyad.cpu.kernel = "elementwise", dyad.cpu.tiles = array<i64: 1, 1, 1, 16>
// AVX512:         linalg.transpose
// AVX512-NOT:       dyad.cpu.kernel
// AVX512:         return
func.func @transposes(%x: tensor<?x16x3x16xi8>, %y: tensor<?x3x16x16xi8>, %z: tensor<?x3x16x16xi8>) -> (tensor<?x3x16x16xi8>, tensor<?x3x16x16xi8>) {
  %0 = linalg.transpose ins(%x : tensor<?x16x3x16xi8>) outs(%y : tensor<?x3x16x16xi8>) permutation = [0, 2, 1, 3]
  %1 = linalg.transpose ins(%y : tensor<?x3x16x16xi8>) outs(%z : tensor<?x3x16x16xi8>) permutation = [0, 1, 3, 2]
  return %0, %1 : tensor<?x3x16x16xi8>, tensor<?x3x16x16xi8>
}

// The batch folded with static dims into one loop by a collapse_shape (a
// pointwise convolution's pixels, n*14*14) counts as 16 times their
// product: this GEMM (rows x 8 by 8 x 32) is shared out among threads; the
// same GEMM over the batch alone is too small for a parallel region.
// THREADS-LABEL: func.func @pixels(
// THREADS: dyad.cpu.kernel = "matmul", dyad.cpu.threads = array<i64: 0>, dyad.cpu.tiles = array<i64: 8, 32, 1>
// THREADS: dyad.cpu.kernel = "matmul", dyad.cpu.tiles = array<i64: 8, 32, 1>
// THREADS-NOT: dyad.cpu.threads
func.func @pixels(%x: tensor<?x14x14x8xf32>, %y: tensor<?x8xf32>, %w: tensor<8x32xf32>) -> (tensor<?x32xf32>, tensor<?x32xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %a = tensor.collapse_shape %x [[0, 1, 2], [3]] : tensor<?x14x14x8xf32> into tensor<?x8xf32>
  %n = tensor.dim %a, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x32xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<?x32xf32>) -> tensor<?x32xf32>
  %r = linalg.matmul ins(%a, %w : tensor<?x8xf32>, tensor<8x32xf32>) outs(%i : tensor<?x32xf32>) -> tensor<?x32xf32>
  %m = tensor.dim %y, %c0 : tensor<?x8xf32>
  %e2 = tensor.empty(%m) : tensor<?x32xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x32xf32>) -> tensor<?x32xf32>
  %r2 = linalg.matmul ins(%y, %w : tensor<?x8xf32>, tensor<8x32xf32>) outs(%i2 : tensor<?x32xf32>) -> tensor<?x32xf32>
  return %r, %r2 : tensor<?x32xf32>, tensor<?x32xf32>
}

// An elementwise op's vector is as long as the widest value its body
// computes allows, not its result: i8 in and out but i64 inside (an integer
// LayerNorm's normalization) takes 16 lanes of its 48 (two registers of
// i64), not all 48 (six registers, split 4 + 2 with shuffles).
// AVX512-LABEL: func.func @wide_body(
// AVX512: dyad.cpu.kernel = "elementwise", dyad.cpu.tiles = array<i64: 1, 16>
func.func @wide_body(%x: tensor<?x48xi8>) -> tensor<?x48xi8> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x48xi8>
  %e = tensor.empty(%n) : tensor<?x48xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x48xi8>) outs(%e : tensor<?x48xi8>) {
  ^bb0(%in: i8, %out: i8):
    %w = arith.extsi %in : i8 to i64
    %k = arith.constant 1234567 : i64
    %p = arith.muli %w, %k : i64
    %t = arith.trunci %p : i64 to i8
    linalg.yield %t : i8
  } -> tensor<?x48xi8>
  return %r : tensor<?x48xi8>
}

// A MatMul written as a generic (attention's scores: per batch and head,
// 16 x 16 by 16 x 16) takes its epilogue in too: the requantization runs
// on each 8 x 16 block of accumulators, not on an i32 tensor afterwards.
// THREADS-LABEL: func.func @attention_epilogue(
// THREADS: dyad.cpu.kernel = "matmul-generic", dyad.cpu.tiles = array<i64: 1, 1, 8, 16, 1>
// THREADS: dyad.cpu.fuse_producer, dyad.cpu.kernel = "matmul-generic-epilogue", dyad.cpu.threads = array<i64: 0, 1>, dyad.cpu.tiles = array<i64: 1, 1, 8, 16>
func.func @attention_epilogue(%q: tensor<?x3x16x16xi32>, %k: tensor<?x3x16x16xi32>) -> tensor<?x3x16x16xi8> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i32
  %n = tensor.dim %q, %c0 : tensor<?x3x16x16xi32>
  %e = tensor.empty(%n) : tensor<?x3x16x16xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<?x3x16x16xi32>) -> tensor<?x3x16x16xi32>
  %s = linalg.generic {indexing_maps = [affine_map<(b, h, m, n, k) -> (b, h, m, k)>, affine_map<(b, h, m, n, k) -> (b, h, k, n)>, affine_map<(b, h, m, n, k) -> (b, h, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<?x3x16x16xi32>, tensor<?x3x16x16xi32>) outs(%f : tensor<?x3x16x16xi32>) {
  ^bb0(%a: i32, %b: i32, %acc: i32):
    %p = arith.muli %a, %b : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  } -> tensor<?x3x16x16xi32>
  %o = tensor.empty(%n) : tensor<?x3x16x16xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(b, h, m, n) -> (b, h, m, n)>, affine_map<(b, h, m, n) -> (b, h, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<?x3x16x16xi32>) outs(%o : tensor<?x3x16x16xi8>) {
  ^bb0(%in: i32, %out: i8):
    %t = arith.trunci %in : i32 to i8
    linalg.yield %t : i8
  } -> tensor<?x3x16x16xi8>
  return %y : tensor<?x3x16x16xi8>
}

// The same on bytes (attention's operands as dyad-to-linalg now gives
// them, the zero points in the accumulator's start): the reduction loop in
// steps of 16 (a multiple of 4, all of K here), so the tile's contraction
// is one dyad-cpu-lower-vectors takes to VNNI.
// AVX512-LABEL: func.func @attention_bytes(
// AVX512: dyad.cpu.kernel = "matmul-generic", dyad.cpu.tiles = array<i64: 1, 1, 8, 16, 16>
func.func @attention_bytes(%q: tensor<?x3x16x16xi8>, %k: tensor<?x3x16x16xi8>, %init: tensor<?x3x16x16xi32>) -> tensor<?x3x16x16xi32> {
  %s = linalg.generic {indexing_maps = [affine_map<(b, h, m, n, k) -> (b, h, m, k)>, affine_map<(b, h, m, n, k) -> (b, h, k, n)>, affine_map<(b, h, m, n, k) -> (b, h, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<?x3x16x16xi8>, tensor<?x3x16x16xi8>) outs(%init : tensor<?x3x16x16xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extsi %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  } -> tensor<?x3x16x16xi32>
  return %s : tensor<?x3x16x16xi32>
}

// A row-packed int8 depthwise convolution (dyad-cpu-pack-vnni, loops n, oh,
// ow, c, kw, r): 14 pixels x one vector of 16 channels (48 = 3 vectors), the
// filter taps whole (kw and r untiled: the tile vectorizer walks them);
// 24 channels split 16 + 8 like the other kernels.
// AVX512-LABEL: func.func @dw_rows(
// AVX512: dyad.cpu.kernel = "dwconv2d-nhwc-vnni", dyad.cpu.tiles = array<i64: 1, 1, 14, 16, 0, 0>
// AVX512: dyad.cpu.kernel = "dwconv2d-nhwc-vnni", dyad.cpu.split = array<i64: 3, 16>, dyad.cpu.split_tiles = array<i64: 1, 1, 14, 8, 0, 0>, dyad.cpu.tiles = array<i64: 1, 1, 14, 16, 0, 0>
#dwx = affine_map<(n, oh, ow, c, kw, r) -> (n, oh + r, ow + kw, c)>
#dwx2 = affine_map<(n, oh, ow, c, kw, r) -> (n, oh * 2 + r, ow * 2 + kw, c)>
#dww = affine_map<(n, oh, ow, c, kw, r) -> (kw, c * 4 + r)>
#dwr = affine_map<(n, oh, ow, c, kw, r) -> (r)>
#dwo = affine_map<(n, oh, ow, c, kw, r) -> (n, oh, ow, c)>
func.func @dw_rows(%x: tensor<?x16x16x48xi8>, %w: tensor<3x192xi8>, %acc: tensor<?x14x14x48xi32>,
                   %x2: tensor<?x30x30x24xi8>, %w2: tensor<3x96xi8>, %acc2: tensor<?x14x14x24xi32>) -> (tensor<?x14x14x48xi32>, tensor<?x14x14x24xi32>) {
  %rows = tensor.empty() : tensor<3xi8>
  %0 = linalg.generic {indexing_maps = [#dwx, #dww, #dwr, #dwo], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %w, %rows : tensor<?x16x16x48xi8>, tensor<3x192xi8>, tensor<3xi8>) outs(%acc : tensor<?x14x14x48xi32>) {
  ^bb0(%a: i8, %b: i8, %r: i8, %o: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %m = arith.muli %ae, %be : i32
    %s = arith.addi %o, %m : i32
    linalg.yield %s : i32
  } -> tensor<?x14x14x48xi32>
  %1 = linalg.generic {indexing_maps = [#dwx2, #dww, #dwr, #dwo], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x2, %w2, %rows : tensor<?x30x30x24xi8>, tensor<3x96xi8>, tensor<3xi8>) outs(%acc2 : tensor<?x14x14x24xi32>) {
  ^bb0(%a: i8, %b: i8, %r: i8, %o: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %m = arith.muli %ae, %be : i32
    %s = arith.addi %o, %m : i32
    linalg.yield %s : i32
  } -> tensor<?x14x14x24xi32>
  return %0, %1 : tensor<?x14x14x48xi32>, tensor<?x14x14x24xi32>
}
