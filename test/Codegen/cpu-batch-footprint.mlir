// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-batch-footprint))' | FileCheck %s

// dyad-cpu-batch-footprint: the batch (dim 0 of every argument) followed
// through the graph. Separable: elementwise ops, a convolution with a
// constant filter, pads and reshapes that keep the batch outermost, and
// batch-free tensors sized by the batch (a fill). F = the largest op's
// batched bytes per sample (the convolution: its 1x6x6 padded input and
// 2x4x4 output, 36 + 32 floats = 272 bytes; its init, a fill, is the same
// for every sample and not counted); W = the constants (the 2x1x3x3 filter:
// 72 bytes).
// CHECK-LABEL: func.func @separable(
// CHECK-SAME:    dyad.batch_footprint = array<i64: 272, 72>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @separable(%x: tensor<?x1x4x4xf32>) -> tensor<?x32xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
  %n = tensor.dim %x, %c0 : tensor<?x1x4x4xf32>
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<?x1x4x4xf32> to tensor<?x1x6x6xf32>
  %e = tensor.empty(%n) : tensor<?x2x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2x4x4xf32>) -> tensor<?x2x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<?x1x6x6xf32>, tensor<2x1x3x3xf32>) outs(%f : tensor<?x2x4x4xf32>) -> tensor<?x2x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : tensor<?x2x4x4xf32>) outs(%e : tensor<?x2x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x2x4x4xf32>
  // [N, 2, 4, 4] -> [N * 2, 16] -> [N, 2, 16] -> [N, 32]: the batch stays
  // outermost in every group.
  %c1 = tensor.collapse_shape %r [[0, 1], [2, 3]] : tensor<?x2x4x4xf32> into tensor<?x16xf32>
  %e1 = tensor.expand_shape %c1 [[0, 1], [2]] output_shape [%n, 2, 16] : tensor<?x16xf32> into tensor<?x2x16xf32>
  %c2 = tensor.collapse_shape %e1 [[0], [1, 2]] : tensor<?x2x16xf32> into tensor<?x32xf32>
  return %c2 : tensor<?x32xf32>
}

// A reduction over the batch (a batch mean) mixes samples.
// CHECK-LABEL: func.func @batch_reduction(
// CHECK-NOT:     dyad.batch_footprint
#nc = affine_map<(d0, d1) -> (d0, d1)>
#c = affine_map<(d0, d1) -> (d1)>
func.func @batch_reduction(%x: tensor<?x8xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %s = linalg.generic {indexing_maps = [#nc, #c], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<?x8xf32>) outs(%f : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<8xf32>
  return %s : tensor<8xf32>
}

// The body reads the batch position (a per-sample value that depends on
// where the sample is in the batch).
// CHECK-LABEL: func.func @batch_index(
// CHECK-NOT:     dyad.batch_footprint
func.func @batch_index(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %y = linalg.generic {indexing_maps = [#nc, #nc], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %fi = arith.sitofp %ii : i32 to f32
    %a = arith.addf %in, %fi : f32
    linalg.yield %a : f32
  } -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// The batch size as data (x / N).
// CHECK-LABEL: func.func @batch_size_as_data(
// CHECK-NOT:     dyad.batch_footprint
func.func @batch_size_as_data(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %ni = arith.index_cast %n : index to i32
  %nf = arith.sitofp %ni : i32 to f32
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %y = linalg.generic {indexing_maps = [#nc, #nc], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.divf %in, %nf : f32
    linalg.yield %a : f32
  } -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// One sample read by every other (x[0] broadcast): a slice of the batch.
// CHECK-LABEL: func.func @first_sample(
// CHECK-NOT:     dyad.batch_footprint
func.func @first_sample(%x: tensor<?x8xf32>) -> tensor<1x8xf32> {
  %s = tensor.extract_slice %x[0, 0] [1, 8] [1, 1] : tensor<?x8xf32> to tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}

// A reshape that moves the batch inward ([N, 4] -> [4, N] by a transpose is
// a linalg op, fine; [N * 4] -> [4, N] splits it the wrong way round).
// CHECK-LABEL: func.func @batch_inner(
// CHECK-NOT:     dyad.batch_footprint
func.func @batch_inner(%x: tensor<?x4xf32>, %m: index) -> tensor<4x?xf32> {
  %c = tensor.collapse_shape %x [[0, 1]] : tensor<?x4xf32> into tensor<?xf32>
  %e = tensor.expand_shape %c [[0, 1]] output_shape [4, %m] : tensor<?xf32> into tensor<4x?xf32>
  return %e : tensor<4x?xf32>
}

// A resize (nearest, 2x) reads its batched input from above at its own
// row: x[n, h / 2, w / 2]. Separable; F counts the input it reads (16
// floats) and its output (64 floats): 320 bytes.
// CHECK-LABEL: func.func @resize_own_row(
// CHECK-SAME:    dyad.batch_footprint = array<i64: 320, 0>
#r3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @resize_own_row(%x: tensor<?x4x4xf32>) -> tensor<?x8x8xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %n = tensor.dim %x, %c0 : tensor<?x4x4xf32>
  %e = tensor.empty(%n) : tensor<?x8x8xf32>
  %y = linalg.generic {indexing_maps = [#r3], iterator_types = ["parallel", "parallel", "parallel"]} outs(%e : tensor<?x8x8xf32>) {
  ^bb0(%out: f32):
    %b = linalg.index 0 : index
    %h = linalg.index 1 : index
    %w = linalg.index 2 : index
    %hs = arith.divui %h, %c2 : index
    %ws = arith.divui %w, %c2 : index
    %v = tensor.extract %x[%b, %hs, %ws] : tensor<?x4x4xf32>
    linalg.yield %v : f32
  } -> tensor<?x8x8xf32>
  return %y : tensor<?x8x8xf32>
}

// ... but not where the batch index also becomes data or another index.
// CHECK-LABEL: func.func @resize_batch_index_as_row(
// CHECK-NOT:     dyad.batch_footprint
func.func @resize_batch_index_as_row(%x: tensor<?x4x4xf32>) -> tensor<?x8x8xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %n = tensor.dim %x, %c0 : tensor<?x4x4xf32>
  %e = tensor.empty(%n) : tensor<?x8x8xf32>
  %y = linalg.generic {indexing_maps = [#r3], iterator_types = ["parallel", "parallel", "parallel"]} outs(%e : tensor<?x8x8xf32>) {
  ^bb0(%out: f32):
    %b = linalg.index 0 : index
    %w = linalg.index 2 : index
    %ws = arith.divui %w, %c2 : index
    %v = tensor.extract %x[%b, %b, %ws] : tensor<?x4x4xf32>
    linalg.yield %v : f32
  } -> tensor<?x8x8xf32>
  return %y : tensor<?x8x8xf32>
}

// A ConvTranspose's input spread into a zero-filled tensor of the batch's
// size (strided insertion): batched.
// CHECK-LABEL: func.func @strided_insert(
// CHECK-SAME:    dyad.batch_footprint
func.func @strided_insert(%x: tensor<?x2x4x4xf32>) -> tensor<?x2x7x7xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x2x4x4xf32>
  %e = tensor.empty(%n) : tensor<?x2x7x7xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2x7x7xf32>) -> tensor<?x2x7x7xf32>
  %i = tensor.insert_slice %x into %z[0, 0, 0, 0] [%n, 2, 4, 4] [1, 1, 2, 2] : tensor<?x2x4x4xf32> into tensor<?x2x7x7xf32>
  %e2 = tensor.empty(%n) : tensor<?x2x7x7xf32>
  %y = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%i : tensor<?x2x7x7xf32>) outs(%e2 : tensor<?x2x7x7xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x2x7x7xf32>
  return %y : tensor<?x2x7x7xf32>
}

// A gather whose body reads the batched input from above (x[0, i]): the
// first sample's value in every row, whatever the chunk.
// CHECK-LABEL: func.func @gather_first_row(
// CHECK-NOT:     dyad.batch_footprint
#g = affine_map<(d0, d1) -> (d0, d1)>
func.func @gather_first_row(%x: tensor<?x8xf32>, %idx: tensor<?x4xindex>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %idx, %c0 : tensor<?x4xindex>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %y = linalg.generic {indexing_maps = [#g, #g], iterator_types = ["parallel", "parallel"]} ins(%idx : tensor<?x4xindex>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%i: index, %out: f32):
    %v = tensor.extract %x[%c0, %i] : tensor<?x8xf32>
    linalg.yield %v : f32
  } -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// Positions along the batch computed without reading it (a range over N,
// added to the input): a chunk would count from 0 again.
// CHECK-LABEL: func.func @batch_range(
// CHECK-NOT:     dyad.batch_footprint
func.func @batch_range(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %r = linalg.generic {indexing_maps = [#nc], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x8xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %fi = arith.sitofp %ii : i32 to f32
    linalg.yield %fi : f32
  } -> tensor<?x8xf32>
  %y = linalg.generic {indexing_maps = [#nc, #nc, #nc], iterator_types = ["parallel", "parallel"]} ins(%x, %r : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// The batch size filled into a tensor: data.
// CHECK-LABEL: func.func @batch_size_fill(
// CHECK-NOT:     dyad.batch_footprint
func.func @batch_size_fill(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %ni = arith.index_cast %n : index to i32
  %nf = arith.sitofp %ni : i32 to f32
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %f = linalg.fill ins(%nf : f32) outs(%e : tensor<?x8xf32>) -> tensor<?x8xf32>
  %y = linalg.generic {indexing_maps = [#nc, #nc, #nc], iterator_types = ["parallel", "parallel"]} ins(%x, %f : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.divf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// A static batch: nothing to chunk.
// CHECK-LABEL: func.func @static_batch(
// CHECK-NOT:     dyad.batch_footprint
func.func @static_batch(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}
