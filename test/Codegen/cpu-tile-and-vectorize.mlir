// RUN: dyad-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(dyad-cpu-tile-and-vectorize,canonicalize,cse))' | FileCheck %s

// A GEMM, tiles 8 x 32 x 1: a loop over row blocks and one over K, each
// step an 8x32 contraction (the accumulators for the whole K loop).

// CHECK-LABEL: func.func @matmul(
// CHECK:         scf.for %{{.*}} = %c0 to %c16 step %c8
// CHECK:           scf.for %{{.*}} = %c0 to %c64 step %c1
// CHECK:             vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK-NOT:     linalg.matmul
func.func @matmul(%a: tensor<16x64xf32>, %b: tensor<64x32xf32>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %0 = linalg.matmul {dyad.cpu.kernel = "matmul", dyad.cpu.tiles = array<i64: 8, 32, 1>} ins(%a, %b : tensor<16x64xf32>, tensor<64x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %0 : tensor<16x32xf32>
}

// The batch rows of a GEMM (dynamic) tiled by 1: one row per step.
// CHECK-LABEL: func.func @matmul_batch(
// CHECK:         scf.for %{{.*}} = %c0 to %{{.*}} step %c1
// CHECK:           vector.contract {{.*}} : vector<1x1xf32>, vector<1x32xf32> into vector<1x32xf32>
func.func @matmul_batch(%a: tensor<?x64xf32>, %b: tensor<64x32xf32>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %0 = linalg.matmul {dyad.cpu.kernel = "matmul", dyad.cpu.tiles = array<i64: 1, 32, 1>} ins(%a, %b : tensor<?x64xf32>, tensor<64x32xf32>) outs(%c : tensor<?x32xf32>) -> tensor<?x32xf32>
  return %0 : tensor<?x32xf32>
}

// An int8 NHWC conv, tiles (n, oh, ow, f, kh, kw, c) = 1, 1, 8, 16, 1, 1, 8:
// loops over output rows and the filter window; each tile is decomposed to
// a 1-D conv and vectorized into one contraction of 8 pixels x 16 output
// channels over 8 input channels, the i8 operands sign-extended in
// registers.

// CHECK-LABEL: func.func @conv(
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               %[[X:.*]] = vector.transfer_read {{.*}} : tensor<1x8x8xi8>, vector<1x8x8xi8>
// CHECK:               %[[W:.*]] = vector.transfer_read {{.*}} : tensor<1x8x16xi8>, vector<1x8x16xi8>
// CHECK:               arith.extsi %[[X]] : vector<1x8x8xi8> to vector<1x8x8xi32>
// CHECK:               vector.contract {{.*}} into vector<1x8x16xi32>
// CHECK-NOT:         linalg.conv

func.func @conv(%x: tensor<1x10x10x8xi8>, %w: tensor<3x3x8x16xi8>, %acc: tensor<1x8x8x16xi32>) -> tensor<1x8x8x16xi32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>, dyad.cpu.kernel = "conv2d-nhwc", dyad.cpu.tiles = array<i64: 1, 1, 8, 16, 1, 1, 8>} ins(%x, %w : tensor<1x10x10x8xi8>, tensor<3x3x8x16xi8>) outs(%acc : tensor<1x8x8x16xi32>) -> tensor<1x8x8x16xi32>
  return %0 : tensor<1x8x8x16xi32>
}

// With dyad.cpu.threads = [0, 1]: the batch and the output rows are one
// scf.forall (shared out among threads after bufferization), the tile loops
// inside it as before.
// CHECK-LABEL: func.func @conv_threads(
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) in (%{{.*}}, 8) shared_outs(
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               vector.contract {{.*}} into vector<1x8x16xi32>
// CHECK:           scf.forall.in_parallel
// CHECK:             tensor.parallel_insert_slice {{.*}} into {{.*}}[%{{.*}}, %{{.*}}, 0, 0] [1, 1, 8, 16] [1, 1, 1, 1] : tensor<1x1x8x16xi32> into tensor<?x8x8x16xi32>
func.func @conv_threads(%x: tensor<?x10x10x8xi8>, %w: tensor<3x3x8x16xi8>, %acc: tensor<?x8x8x16xi32>) -> tensor<?x8x8x16xi32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>, dyad.cpu.kernel = "conv2d-nhwc", dyad.cpu.threads = array<i64: 0, 1>, dyad.cpu.tiles = array<i64: 1, 1, 8, 16, 1, 1, 8>} ins(%x, %w : tensor<?x10x10x8xi8>, tensor<3x3x8x16xi8>) outs(%acc : tensor<?x8x8x16xi32>) -> tensor<?x8x8x16xi32>
  return %0 : tensor<?x8x8x16xi32>
}

// -----

func.func @bad_threads(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'dyad.cpu.threads' names a loop that is not tiled}}
  %0 = linalg.generic {dyad.cpu.threads = array<i64: 1>, dyad.cpu.tiles = array<i64: 1, 0>, indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%a : tensor<4x4xf32>) {
  ^bb0(%o: f32):
    linalg.yield %o : f32
  } -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @bad(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'dyad.cpu.tiles' needs one size per loop (2)}}
  %0 = linalg.generic {dyad.cpu.tiles = array<i64: 1>, indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%a : tensor<4x4xf32>) {
  ^bb0(%o: f32):
    linalg.yield %o : f32
  } -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// An epilogue (dyad.cpu.fuse_producer) tiled with its convolution's output
// tiles: the forall over (n, oh) (one tile of 8 pixels x 16 channels per
// row), and inside it the convolution of that tile (its filter loops, one
// contraction each), then the ReLU on the accumulators: the i32 result of
// the convolution is never written whole.
// CHECK-LABEL: func.func @epilogue(
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) in (%{{.*}}, 8)
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               vector.contract {{.*}} into vector<1x8x16xi32>
// CHECK:           arith.maxsi {{.*}} : vector<1x1x8x16xi32>
// CHECK:           scf.forall.in_parallel
// CHECK-NOT:     linalg.
func.func @epilogue(%x: tensor<?x10x10x8xi8>, %w: tensor<3x3x8x16xi8>, %acc: tensor<?x8x8x16xi32>) -> tensor<?x8x8x16xi32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>, dyad.cpu.kernel = "conv2d-nhwc", dyad.cpu.tiles = array<i64: 1, 1, 8, 16, 1, 1, 8>} ins(%x, %w : tensor<?x10x10x8xi8>, tensor<3x3x8x16xi8>) outs(%acc : tensor<?x8x8x16xi32>) -> tensor<?x8x8x16xi32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"], dyad.cpu.fuse_producer, dyad.cpu.kernel = "conv2d-nhwc-epilogue", dyad.cpu.threads = array<i64: 0, 1>, dyad.cpu.tiles = array<i64: 1, 1, 8, 16>} ins(%0 : tensor<?x8x8x16xi32>) outs(%acc : tensor<?x8x8x16xi32>) {
  ^bb0(%in: i32, %o: i32):
    %z = arith.constant 0 : i32
    %m = arith.maxsi %in, %z : i32
    linalg.yield %m : i32
  } -> tensor<?x8x8x16xi32>
  return %1 : tensor<?x8x8x16xi32>
}

// -----

// A pad becomes a fill of the padded tensor and an insertion of its source
// (empty-tensor elimination then lets the source's producer write into the
// padded buffer directly: no copy). The padded tensor is made before the
// source's producer (the elimination needs it to dominate the producer's
// destination), as an alloc_tensor: two pads of the same shape and value
// stay two buffers (CSE merged two tensor.empty + fill into one, written
// by both producers, and bufferization copied it whole). Only the border
// is filled, the interior being the source's: the rows above and below
// (all columns), then the columns left and right of the interior rows.
// CHECK-LABEL: func.func @pad(
// CHECK:         %[[A1:.*]] = bufferization.alloc_tensor(%{{.*}}) : tensor<?x10x10x8xf32>
// CHECK:         %[[T:.*]] = tensor.extract_slice %[[A1]][0, 0, 0, 0] [%{{.*}}, 1, 10, 8] [1, 1, 1, 1]
// CHECK:         %[[FT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[T]] : tensor<?x1x10x8xf32>)
// CHECK:         %[[I1:.*]] = tensor.insert_slice %[[FT]] into %[[A1]][0, 0, 0, 0] [%{{.*}}, 1, 10, 8]
// CHECK:         tensor.extract_slice %[[I1]][0, 9, 0, 0] [%{{.*}}, 1, 10, 8]
// CHECK:         linalg.fill
// CHECK:         tensor.insert_slice
// CHECK:         tensor.extract_slice %{{.*}}[0, 1, 0, 0] [%{{.*}}, 8, 1, 8]
// CHECK:         linalg.fill
// CHECK:         tensor.insert_slice
// CHECK:         tensor.extract_slice %{{.*}}[0, 1, 9, 0] [%{{.*}}, 8, 1, 8]
// CHECK:         linalg.fill
// CHECK:         %[[F1:.*]] = tensor.insert_slice
// CHECK-NOT:     linalg.fill
// CHECK:         %[[P1:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x8x8x8xf32>)
// CHECK:         tensor.insert_slice %[[P1]] into %[[F1]][0, 1, 1, 0] [%{{.*}}, 8, 8, 8] [1, 1, 1, 1]
// CHECK:         %[[A2:.*]] = bufferization.alloc_tensor(%{{.*}}) : tensor<?x10x10x8xf32>
// CHECK-COUNT-3: linalg.fill
// CHECK:         linalg.fill
// CHECK:         %[[F2:.*]] = tensor.insert_slice
// CHECK:         %[[P2:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x8x8x8xf32>)
// CHECK:         tensor.insert_slice %[[P2]] into %[[F2]][0, 1, 1, 0] [%{{.*}}, 8, 8, 8] [1, 1, 1, 1]
// CHECK-NOT:     tensor.pad
#pad_id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @pad(%x: tensor<?x8x8x8xf32>) -> (tensor<?x10x10x8xf32>, tensor<?x10x10x8xf32>) {
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8x8x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x8x8x8xf32>
  %g1 = linalg.generic {indexing_maps = [#pad_id, #pad_id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x8x8x8xf32>) outs(%e1 : tensor<?x8x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %in : f32
    linalg.yield %v : f32
  } -> tensor<?x8x8x8xf32>
  %p1 = tensor.pad %g1 low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %z : f32
  } : tensor<?x8x8x8xf32> to tensor<?x10x10x8xf32>
  %e2 = tensor.empty(%n) : tensor<?x8x8x8xf32>
  %g2 = linalg.generic {indexing_maps = [#pad_id, #pad_id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x8x8x8xf32>) outs(%e2 : tensor<?x8x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.mulf %in, %in : f32
    linalg.yield %v : f32
  } -> tensor<?x8x8x8xf32>
  %p2 = tensor.pad %g2 low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %z : f32
  } : tensor<?x8x8x8xf32> to tensor<?x10x10x8xf32>
  return %p1, %p2 : tensor<?x10x10x8xf32>, tensor<?x10x10x8xf32>
}

// -----

// A GEMM whose rows are the batch: blocks of 8 rows; a full block is a
// static 8-row tile (8 x 32 accumulators), the last partial block goes one
// row at a time (each row's FMAs are the same in both).
// CHECK-LABEL: func.func @batch_rows(
// CHECK:         scf.for {{.*}} step %c8
// CHECK:           %[[FULL:.*]] = arith.cmpi eq, %{{.*}}, %c8
// CHECK:           scf.if %[[FULL]]
// CHECK:             vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK:           } else {
// CHECK:             vector.contract {{.*}} : vector<1x1xf32>, vector<1x32xf32> into vector<1x32xf32>
func.func @batch_rows(%a: tensor<?x16xf32>, %b: tensor<16x32xf32>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %0 = linalg.matmul {dyad.cpu.kernel = "matmul", dyad.cpu.tiles = array<i64: 8, 32, 1>} ins(%a, %b : tensor<?x16xf32>, tensor<16x32xf32>) outs(%c : tensor<?x32xf32>) -> tensor<?x32xf32>
  return %0 : tensor<?x32xf32>
}

// -----

// A generic contraction of byte operands (attention's scores, tiles
// 1 x 1 x 8 x 16 x 16) vectorizes as a product and a multi-reduction; it
// becomes a vector.contract of the extended bytes, the reads' broadcasts
// and transposes folded into its maps: 8 x 16 (K) by 16 (K) x 16 (with the
// unit batch and head dims, which dyad-cpu-lower-vectors drops), the form
// that dyad-cpu-lower-vectors lowers to vpdpbusd (cpu-vnni.mlir).
// CHECK-LABEL: func.func @byte_contraction(
// CHECK-NOT:     vector.multi_reduction
// CHECK:         %[[A:.*]] = arith.extsi %{{.*}} : vector<1x1x8x16xi8> to vector<1x1x8x16xi32>
// CHECK:         %[[B:.*]] = arith.extsi %{{.*}} : vector<1x1x16x16xi8> to vector<1x1x16x16xi32>
// CHECK:         vector.contract {{.*}} %[[A]], %[[B]], %{{.*}} : vector<1x1x8x16xi32>, vector<1x1x16x16xi32> into vector<1x1x8x16xi32>
// CHECK-NOT:     vector.multi_reduction
func.func @byte_contraction(%q: tensor<?x3x16x16xi8>, %k: tensor<?x3x16x16xi8>, %init: tensor<?x3x16x16xi32>) -> tensor<?x3x16x16xi32> {
  %s = linalg.generic {indexing_maps = [affine_map<(b, h, m, n, k) -> (b, h, m, k)>, affine_map<(b, h, m, n, k) -> (b, h, k, n)>, affine_map<(b, h, m, n, k) -> (b, h, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<?x3x16x16xi8>, tensor<?x3x16x16xi8>) outs(%init : tensor<?x3x16x16xi32>) attrs = {dyad.cpu.kernel = "matmul-generic", dyad.cpu.tiles = array<i64: 1, 1, 8, 16, 16>} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extsi %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  } -> tensor<?x3x16x16xi32>
  return %s : tensor<?x3x16x16xi32>
}

// -----

// dyad.cpu.split: 24 channels as [0, 16) with the tiles and [16, 24) with
// the split tiles, the epilogue and its depthwise convolution split
// together, the bias broadcast of the accumulator init made per tile in
// each part. The second part writes into its place in the first part's
// result (in place after bufferization, no copy).
// CHECK-LABEL: func.func @split(
// CHECK:         %[[FIRST:.*]] = scf.forall {{.*}} -> (tensor<?x14x14x16xi32>)
// CHECK:           vector.transfer_read {{.*}} : tensor<16xi32>, vector<1x1x7x16xi32>
// CHECK:           arith.muli {{.*}} : vector<1x7x16xi32>
// CHECK:           arith.maxsi {{.*}} : vector<1x1x7x16xi32>
// CHECK:         %[[INS:.*]] = tensor.insert_slice %[[FIRST]] into %{{.*}}[0, 0, 0, 0] [%{{.*}}, 14, 14, 16]
// CHECK:         %[[DEST:.*]] = tensor.extract_slice %[[INS]][0, 0, 0, 16] [%{{.*}}, 14, 14, 8]
// CHECK:         %[[SECOND:.*]] = scf.forall {{.*}} shared_outs(%{{.*}} = %[[DEST]]) -> (tensor<?x14x14x8xi32>)
// CHECK:           vector.transfer_read {{.*}} : tensor<8xi32>, vector<1x1x7x8xi32>
// CHECK:           arith.muli {{.*}} : vector<1x7x8xi32>
// CHECK:           arith.maxsi {{.*}} : vector<1x1x7x8xi32>
// CHECK:         tensor.insert_slice %[[SECOND]] into %[[INS]][0, 0, 0, 16] [%{{.*}}, 14, 14, 8]
// CHECK-NOT:     linalg.
func.func @split(%x: tensor<?x16x16x24xi32>, %w: tensor<3x3x24xi32>, %bias: tensor<24xi32>, %out: tensor<?x14x14x24xi32>) -> tensor<?x14x14x24xi32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x16x16x24xi32>
  %e = tensor.empty(%n) : tensor<?x14x14x24xi32>
  %init = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<24xi32>) outs(%e : tensor<?x14x14x24xi32>) {
  ^bb0(%b: i32, %o: i32):
    linalg.yield %b : i32
  } -> tensor<?x14x14x24xi32>
  %1 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>, dyad.cpu.kernel = "dwconv2d-nhwc", dyad.cpu.split = array<i64: 3, 16>, dyad.cpu.split_tiles = array<i64: 1, 1, 7, 8, 1, 1>, dyad.cpu.tiles = array<i64: 1, 1, 7, 16, 1, 1>} ins(%x, %w : tensor<?x16x16x24xi32>, tensor<3x3x24xi32>) outs(%init : tensor<?x14x14x24xi32>) -> tensor<?x14x14x24xi32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"], dyad.cpu.fuse_producer, dyad.cpu.kernel = "dwconv2d-nhwc-epilogue", dyad.cpu.split = array<i64: 3, 16>, dyad.cpu.split_tiles = array<i64: 1, 1, 7, 8>, dyad.cpu.threads = array<i64: 0, 1>, dyad.cpu.tiles = array<i64: 1, 1, 7, 16>} ins(%1 : tensor<?x14x14x24xi32>) outs(%out : tensor<?x14x14x24xi32>) {
  ^bb0(%in: i32, %o: i32):
    %z = arith.constant 0 : i32
    %m = arith.maxsi %in, %z : i32
    linalg.yield %m : i32
  } -> tensor<?x14x14x24xi32>
  return %2 : tensor<?x14x14x24xi32>
}

// -----

// A row-packed int8 depthwise tile (dyad-cpu-pack-vnni; 7 pixels x 16
// channels, 3 x 3 filter, stride 1): per input column, its 3 rows of 16
// bytes (a zero row as the 4th) interleaved by one shuffle into 16 dwords
// (byte r of dword c: row r's channel c), made once and used by each pixel
// whose window holds it; per pixel and column tap, a lane-wise contraction
// of 4 bytes (dyad-cpu-lower-vectors: one vpdpbusd), 7 x 3 of them. The
// filter rows are read from the tile's slice of it, 63 bytes (row 2 of the
// last channel), masked to 64.
// CHECK-LABEL: func.func @dw_rows(
// CHECK:         %[[ZERO:.*]] = arith.constant dense<0> : vector<16xi8>
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             %[[MASK:.*]] = vector.constant_mask [63] : vector<64xi1>
// CHECK:             vector.transfer_read %{{.*}}, %{{.*}}, %[[MASK]] {in_bounds = [true]} : tensor<3x63xi8>, vector<64xi8>
// CHECK:             %[[R0:.*]] = vector.transfer_read %{{.*}} : tensor<1x3x9x16xi8>, vector<16xi8>
// CHECK:             %[[R1:.*]] = vector.transfer_read %{{.*}} : tensor<1x3x9x16xi8>, vector<16xi8>
// CHECK:             %[[R2:.*]] = vector.transfer_read %{{.*}} : tensor<1x3x9x16xi8>, vector<16xi8>
// CHECK:             %[[LO:.*]] = vector.shuffle %[[R0]], %[[R1]] [0, 1, {{.*}}, 31]
// CHECK:             %[[HI:.*]] = vector.shuffle %[[R2]], %[[ZERO]] [0, 1, {{.*}}, 31]
// CHECK:             vector.shuffle %[[LO]], %[[HI]] [0, 16, 32, 48, 1, 17, 33, 49, {{.*}}, 15, 31, 47, 63] : vector<32xi8>, vector<32xi8>
// CHECK-COUNT-21:    vector.contract {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "reduction"], kind = #vector.kind<add>} {{.*}} : vector<16x4xi32>, vector<16x4xi32> into vector<16xi32>
// CHECK:             vector.transfer_write {{.*}} : vector<7x16xi32>, tensor<1x1x7x16xi32>
// CHECK-NOT:     linalg.generic
#dwx = affine_map<(n, oh, ow, c, kw, r) -> (n, oh + r, ow + kw, c)>
#dww = affine_map<(n, oh, ow, c, kw, r) -> (kw, c * 4 + r)>
#dwr = affine_map<(n, oh, ow, c, kw, r) -> (r)>
#dwo = affine_map<(n, oh, ow, c, kw, r) -> (n, oh, ow, c)>
func.func @dw_rows(%x: tensor<1x9x9x32xi8>, %acc: tensor<1x7x7x32xi32>) -> tensor<1x7x7x32xi32> {
  %w = arith.constant dense<1> : tensor<3x128xi8>
  %rows = tensor.empty() : tensor<3xi8>
  %0 = linalg.generic {indexing_maps = [#dwx, #dww, #dwr, #dwo], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"], dyad.cpu.kernel = "dwconv2d-nhwc-vnni", dyad.cpu.tiles = array<i64: 1, 1, 7, 16, 0, 0>} ins(%x, %w, %rows : tensor<1x9x9x32xi8>, tensor<3x128xi8>, tensor<3xi8>) outs(%acc : tensor<1x7x7x32xi32>) {
  ^bb0(%a: i8, %b: i8, %r: i8, %o: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %m = arith.muli %ae, %be : i32
    %s = arith.addi %o, %m : i32
    linalg.yield %s : i32
  } -> tensor<1x7x7x32xi32>
  return %0 : tensor<1x7x7x32xi32>
}
