// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-nhwc,canonicalize,cse))' | FileCheck %s

// An int8 convolution as dyad-to-linalg writes it (i8 input padded, then
// extended to i32; filter extended; bias broadcast into the accumulator)
// becomes an NHWC convolution of the i8 operands: the input transposed then
// padded in NHWC with the same value, the filter permuted at compile time,
// no i32 copy of input or filter, one transpose back at the end.

// CHECK-LABEL: func.func @conv_i8(
// CHECK-SAME:    %[[X:.*]]: tensor<?x4x8x8xi8>)
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<1> : tensor<3x3x4x16xi8>
// CHECK-DAG:     %[[ZP:.*]] = arith.constant -3 : i8
// CHECK:         %[[XT:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<?x4x8x8xi8>) outs(%{{.*}} : tensor<?x8x8x4xi8>)
// CHECK:         %[[P:.*]] = tensor.pad %[[XT]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:           tensor.yield %[[ZP]] : i8
// CHECK-NOT:     arith.extsi
// CHECK:         %[[Y:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[P]], %[[W]] : tensor<?x10x10x4xi8>, tensor<3x3x4x16xi8>) outs(%{{.*}} : tensor<?x8x8x16xi32>)
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} ins(%[[Y]] : tensor<?x8x8x16xi32>) outs(%{{.*}} : tensor<?x16x8x8xi32>)
// CHECK:         return %[[R]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @conv_i8(%x: tensor<?x4x8x8xi8>) -> tensor<?x16x8x8xi32> {
  %c0 = arith.constant 0 : index
  %zp = arith.constant -3 : i8
  %w = arith.constant dense<1> : tensor<16x4x3x3xi8>
  %bias = arith.constant dense<7> : tensor<16xi32>
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zp : i8
  } : tensor<?x4x8x8xi8> to tensor<?x4x10x10xi8>
  %n = tensor.dim %x, %c0 : tensor<?x4x8x8xi8>
  %e = tensor.empty(%n) : tensor<?x4x10x10xi32>
  %xe = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%p : tensor<?x4x10x10xi8>) outs(%e : tensor<?x4x10x10xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<?x4x10x10xi32>
  %we0 = tensor.empty() : tensor<16x4x3x3xi32>
  %we = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%w : tensor<16x4x3x3xi8>) outs(%we0 : tensor<16x4x3x3xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<16x4x3x3xi32>
  %i0 = tensor.empty(%n) : tensor<?x16x8x8xi32>
  %init = linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<16xi32>) outs(%i0 : tensor<?x16x8x8xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  } -> tensor<?x16x8x8xi32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xe, %we : tensor<?x4x10x10xi32>, tensor<16x4x3x3xi32>) outs(%init : tensor<?x16x8x8xi32>) -> tensor<?x16x8x8xi32>
  return %y : tensor<?x16x8x8xi32>
}

// Two convolutions with a ReLU between them: the layout propagates (the
// ReLU runs in NHWC), one transpose in, one out; a non-splat filter is
// permuted FCHW -> HWCF at compile time (w[0,0,c,f] = W[f,c,0,0]).

// CHECK-LABEL: func.func @chain(
// CHECK-DAG:     arith.constant dense<{{\[\[\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<1x5x5x2xf32>)
// CHECK:         linalg.conv_2d_nhwc_hwcf
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<1x5x5x2xf32>) outs(%{{.*}} : tensor<1x5x5x2xf32>)
// CHECK:           arith.maximumf
// CHECK:         linalg.conv_2d_nhwc_hwcf
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<1x5x5x2xf32>) outs(%{{.*}} : tensor<1x2x5x5xf32>)
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @chain(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32> {
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x5x5xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>) outs(%init : tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : tensor<1x2x5x5xf32>) outs(%e : tensor<1x2x5x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x2x5x5xf32>
  %z = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r, %w : tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>) outs(%init : tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  return %z : tensor<1x2x5x5xf32>
}

// An int8 stem of one input channel, 3 columns wide: each output pixel's
// 3 columns (and a fourth, from one more pad column, times a zero filter
// column) become the 4 channels of a one-column window, read from [N][H][W]
// rows (one 4-byte load per pixel once vectorized), so vpdpbusd takes a
// kernel row at a time. One channel moves from NCHW to NHWC without a copy:
// a transpose of a unit dim is a reshape.
// CHECK-LABEL: func.func @conv_i8_stem(
// CHECK-SAME:    %[[X:.*]]: tensor<?x1x8x8xi8>)
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1, 2], [3]] : tensor<?x1x8x8xi8> into tensor<?x8x8xi8>
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[C]] {{\[\[}}0], [1], [2, 3]] {{.*}} into tensor<?x8x8x1xi8>
// CHECK:         %[[P:.*]] = tensor.pad %[[E]] low[0, 1, 1, 0] high[0, 1, 2, 0]
// CHECK:         %[[ROWS:.*]] = tensor.collapse_shape %[[P]] {{\[\[}}0], [1], [2, 3]] : tensor<?x10x11x1xi8> into tensor<?x10x11xi8>
// CHECK:         %[[WIN:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x10x8x4xi8>)
// CHECK:           %[[OW:.*]] = linalg.index 2
// CHECK:           %[[K:.*]] = linalg.index 3
// CHECK:           %[[COL:.*]] = arith.addi %[[OW]], %[[K]]
// CHECK:           tensor.extract %[[ROWS]][%{{.*}}, %{{.*}}, %[[COL]]] : tensor<?x10x11xi8>
// CHECK:         linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[WIN]], %{{.*}} : tensor<?x10x8x4xi8>, tensor<3x1x4x16xi8>)
#id1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch1 = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @conv_i8_stem(%x: tensor<?x1x8x8xi8>) -> tensor<?x16x8x8xi32> {
  %c0 = arith.constant 0 : index
  %zp = arith.constant -3 : i8
  %w = arith.constant dense<2> : tensor<16x1x3x3xi8>
  %bias = arith.constant dense<7> : tensor<16xi32>
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zp : i8
  } : tensor<?x1x8x8xi8> to tensor<?x1x10x10xi8>
  %n = tensor.dim %x, %c0 : tensor<?x1x8x8xi8>
  %e = tensor.empty(%n) : tensor<?x1x10x10xi32>
  %xe = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%p : tensor<?x1x10x10xi8>) outs(%e : tensor<?x1x10x10xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<?x1x10x10xi32>
  %we0 = tensor.empty() : tensor<16x1x3x3xi32>
  %we = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%w : tensor<16x1x3x3xi8>) outs(%we0 : tensor<16x1x3x3xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<16x1x3x3xi32>
  %i0 = tensor.empty(%n) : tensor<?x16x8x8xi32>
  %init = linalg.generic {indexing_maps = [#ch1, #id1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<16xi32>) outs(%i0 : tensor<?x16x8x8xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  } -> tensor<?x16x8x8xi32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xe, %we : tensor<?x1x10x10xi32>, tensor<16x1x3x3xi32>) outs(%init : tensor<?x16x8x8xi32>) -> tensor<?x16x8x8xi32>
  return %y : tensor<?x16x8x8xi32>
}

// A 7 x 7 patch embedding (stride 7, a ViT's): the 7 columns of each patch
// row are 8 channels (two dwords, the eighth times a zero filter column),
// so vpdpbusd takes 4 columns at a time: 14 per output vector, not 49. The
// last patch's eighth column is one past the image: a pad column (times
// zero).
// CHECK-LABEL: func.func @conv_i8_patch(
// CHECK:         tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 0]
// CHECK:         %[[WIN:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x28x4x8xi8>)
// CHECK:           %[[OW:.*]] = linalg.index 2
// CHECK:           %[[S:.*]] = arith.muli %[[OW]], %c7
// CHECK:           %[[K:.*]] = linalg.index 3
// CHECK:           arith.addi %[[S]], %[[K]]
// CHECK:         linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<[7, 1]> : tensor<2xi64>} ins(%[[WIN]], %{{.*}} : tensor<?x28x4x8xi8>, tensor<7x1x8x64xi8>)
func.func @conv_i8_patch(%x: tensor<?x1x28x28xi8>) -> tensor<?x64x4x4xi32> {
  %c0 = arith.constant 0 : index
  %w = arith.constant dense<2> : tensor<64x1x7x7xi8>
  %n = tensor.dim %x, %c0 : tensor<?x1x28x28xi8>
  %e = tensor.empty(%n) : tensor<?x1x28x28xi32>
  %xe = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x1x28x28xi8>) outs(%e : tensor<?x1x28x28xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<?x1x28x28xi32>
  %we0 = tensor.empty() : tensor<64x1x7x7xi32>
  %we = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%w : tensor<64x1x7x7xi8>) outs(%we0 : tensor<64x1x7x7xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<64x1x7x7xi32>
  %i0 = tensor.empty(%n) : tensor<?x64x4x4xi32>
  %c7 = arith.constant 7 : i32
  %init = linalg.fill ins(%c7 : i32) outs(%i0 : tensor<?x64x4x4xi32>) -> tensor<?x64x4x4xi32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<7> : tensor<2xi64>} ins(%xe, %we : tensor<?x1x28x28xi32>, tensor<64x1x7x7xi32>) outs(%init : tensor<?x64x4x4xi32>) -> tensor<?x64x4x4xi32>
  return %y : tensor<?x64x4x4xi32>
}


// A stem of 3 input channels (RGB): channels rounded up to 4 for
// vpdpbusd, in the same pad as the spatial padding (the extra channel holds
// the zero point), and zero filter channels added at compile time.
// CHECK-LABEL: func.func @conv_i8_stem_rgb(
// CHECK:         %[[P:.*]] = tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 1]
// CHECK:         linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[P]], %{{.*}} : tensor<?x10x10x4xi8>, tensor<3x3x4x16xi8>)
func.func @conv_i8_stem_rgb(%x: tensor<?x3x8x8xi8>) -> tensor<?x16x8x8xi32> {
  %c0 = arith.constant 0 : index
  %zp = arith.constant -3 : i8
  %w = arith.constant dense<2> : tensor<16x3x3x3xi8>
  %bias = arith.constant dense<7> : tensor<16xi32>
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zp : i8
  } : tensor<?x3x8x8xi8> to tensor<?x3x10x10xi8>
  %n = tensor.dim %x, %c0 : tensor<?x3x8x8xi8>
  %e = tensor.empty(%n) : tensor<?x3x10x10xi32>
  %xe = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%p : tensor<?x3x10x10xi8>) outs(%e : tensor<?x3x10x10xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<?x3x10x10xi32>
  %we0 = tensor.empty() : tensor<16x3x3x3xi32>
  %we = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%w : tensor<16x3x3x3xi8>) outs(%we0 : tensor<16x3x3x3xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<16x3x3x3xi32>
  %i0 = tensor.empty(%n) : tensor<?x16x8x8xi32>
  %init = linalg.generic {indexing_maps = [#ch1, #id1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<16xi32>) outs(%i0 : tensor<?x16x8x8xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  } -> tensor<?x16x8x8xi32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xe, %we : tensor<?x3x10x10xi32>, tensor<16x3x3x3xi32>) outs(%init : tensor<?x16x8x8xi32>) -> tensor<?x16x8x8xi32>
  return %y : tensor<?x16x8x8xi32>
}

// An integer matmul of sign-extended i8 operands (a quantized Gemm as
// dyad-to-linalg writes it) takes the i8 operands: no i32 copy of the
// activations or of the constant weights at run time.
// CHECK-LABEL: func.func @matmul_i8(
// CHECK-NOT:     arith.extsi
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x64xi8>, tensor<64x32xi8>) outs(%{{.*}} : tensor<?x32xi32>)
#mm_id = affine_map<(d0, d1) -> (d0, d1)>
func.func @matmul_i8(%x: tensor<?x64xi8>, %acc: tensor<?x32xi32>) -> tensor<?x32xi32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x64xi8>
  %w = arith.constant dense<3> : tensor<64x32xi8>
  %e = tensor.empty(%n) : tensor<?x64xi32>
  %xe = linalg.generic {indexing_maps = [#mm_id, #mm_id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x64xi8>) outs(%e : tensor<?x64xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<?x64xi32>
  %we0 = tensor.empty() : tensor<64x32xi32>
  %we = linalg.generic {indexing_maps = [#mm_id, #mm_id], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<64x32xi8>) outs(%we0 : tensor<64x32xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<64x32xi32>
  %y = linalg.matmul ins(%xe, %we : tensor<?x64xi32>, tensor<64x32xi32>) outs(%acc : tensor<?x32xi32>) -> tensor<?x32xi32>
  return %y : tensor<?x32xi32>
}

// A 3-D MatMul folded into a 2-D one (its rows through a collapse_shape),
// whose activations come from a computation that ends in the extension (a
// requantization fused with it): the computation writes i8, the collapse
// moves onto the i8 value, and the matmul takes i8 operands (vpdpbusd).
// CHECK-LABEL: func.func @matmul_i8_fused_producer(
// CHECK:         %[[G:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x4x64xi8>)
// CHECK:           arith.trunci %{{.*}} : i32 to i8
// CHECK-NOT:       arith.extsi
// CHECK:           linalg.yield %{{.*}} : i8
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0, 1], [2]] : tensor<?x4x64xi8> into tensor<?x64xi8>
// CHECK:         linalg.matmul ins(%[[C]], %{{.*}} : tensor<?x64xi8>, tensor<64x32xi8>) outs(%{{.*}} : tensor<?x32xi32>)
#mm3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @matmul_i8_fused_producer(%x: tensor<?x4x64xi32>, %acc: tensor<?x32xi32>) -> tensor<?x32xi32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4x64xi32>
  %w = arith.constant dense<3> : tensor<64x32xi8>
  %e = tensor.empty(%n) : tensor<?x4x64xi32>
  %xe = linalg.generic {indexing_maps = [#mm3, #mm3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<?x4x64xi32>) outs(%e : tensor<?x4x64xi32>) {
  ^bb0(%in: i32, %out: i32):
    %c3 = arith.constant 3 : i32
    %s = arith.shrsi %in, %c3 : i32
    %t = arith.trunci %s : i32 to i8
    %v = arith.extsi %t : i8 to i32
    linalg.yield %v : i32
  } -> tensor<?x4x64xi32>
  %xc = tensor.collapse_shape %xe [[0, 1], [2]] : tensor<?x4x64xi32> into tensor<?x64xi32>
  %we0 = tensor.empty() : tensor<64x32xi32>
  %we = linalg.generic {indexing_maps = [#mm_id, #mm_id], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<64x32xi8>) outs(%we0 : tensor<64x32xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<64x32xi32>
  %y = linalg.matmul ins(%xc, %we : tensor<?x64xi32>, tensor<64x32xi32>) outs(%acc : tensor<?x32xi32>) -> tensor<?x32xi32>
  return %y : tensor<?x32xi32>
}

// A residual block's tail: a ReLU (NCHW, as the model writes it) read by the
// next convolution and by a global sum over H and W. The ReLU writes NHWC
// (its transpose sunk into it), the convolution reads it directly, and the
// sum iterates in the tensor's NHWC order (channels innermost, identity
// read): no NCHW copy of the activation is left, only the convolution's own
// result goes back to NCHW for the function's return.
// CHECK-LABEL: func.func @residual_tail(
// CHECK:         %[[Y1:.*]] = linalg.conv_2d_nhwc_hwcf
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID:map[0-9]*]], #[[ID]]], {{.*}} ins(%[[Y1]] : tensor<?x6x6x8xf32>) outs(%{{.*}} : tensor<?x6x6x8xf32>)
// CHECK:           arith.maximumf
// CHECK:         %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID]], #{{map[0-9]*}}], iterator_types = ["parallel", "reduction", "reduction", "parallel"]} ins(%[[R]] : tensor<?x6x6x8xf32>) outs(%{{.*}} : tensor<?x8xf32>)
// CHECK:         %[[Y2:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x6x6x8xf32>, tensor<1x1x8x8xf32>)
// CHECK:         %[[T:.*]] = linalg.generic {{.*}} ins(%[[Y2]] : tensor<?x6x6x8xf32>) outs(%{{.*}} : tensor<?x8x6x6xf32>)
// CHECK:         return %[[S]], %[[T]]
#rt_id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#rt_nc = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
func.func @residual_tail(%x: tensor<?x8x6x6xf32>) -> (tensor<?x8xf32>, tensor<?x8x6x6xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<8x8x1x1xf32>
  %n = tensor.dim %x, %c0 : tensor<?x8x6x6xf32>
  %e = tensor.empty(%n) : tensor<?x8x6x6xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?x8x6x6xf32>) -> tensor<?x8x6x6xf32>
  %y1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x8x6x6xf32>, tensor<8x8x1x1xf32>) outs(%z : tensor<?x8x6x6xf32>) -> tensor<?x8x6x6xf32>
  %e2 = tensor.empty(%n) : tensor<?x8x6x6xf32>
  %r = linalg.generic {indexing_maps = [#rt_id, #rt_id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y1 : tensor<?x8x6x6xf32>) outs(%e2 : tensor<?x8x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<?x8x6x6xf32>
  %e3 = tensor.empty(%n) : tensor<?x8xf32>
  %z3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<?x8xf32>) -> tensor<?x8xf32>
  %s = linalg.generic {indexing_maps = [#rt_id, #rt_nc], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%r : tensor<?x8x6x6xf32>) outs(%z3 : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %y2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r, %w : tensor<?x8x6x6xf32>, tensor<8x8x1x1xf32>) outs(%z : tensor<?x8x6x6xf32>) -> tensor<?x8x6x6xf32>
  return %s, %y2 : tensor<?x8xf32>, tensor<?x8x6x6xf32>
}

// A producer whose body reads its own position (linalg.index: a resize, a
// gather) keeps its iteration order: the transpose after it stays.
// CHECK-LABEL: func.func @index_producer(
// CHECK:         %[[G:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x3x4x5xf32>)
// CHECK:           linalg.index 1
// CHECK:         linalg.generic {{.*}} ins(%[[G]] : tensor<2x3x4x5xf32>) outs(%{{.*}} : tensor<2x4x5x3xf32>)
#ip_id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ip_t = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
#ip_back = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
func.func @index_producer(%x: tensor<2x4x5x3xf32>) -> (tensor<2x4x5x3xf32>, tensor<2x3x4x5xf32>) {
  %e = tensor.empty() : tensor<2x3x4x5xf32>
  %g = linalg.generic {indexing_maps = [#ip_t, #ip_id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<2x4x5x3xf32>) outs(%e : tensor<2x3x4x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = linalg.index 1 : index
    %i = arith.index_cast %c : index to i32
    %f = arith.sitofp %i : i32 to f32
    %v = arith.addf %in, %f : f32
    linalg.yield %v : f32
  } -> tensor<2x3x4x5xf32>
  %e2 = tensor.empty() : tensor<2x4x5x3xf32>
  %t = linalg.generic {indexing_maps = [#ip_back, #ip_id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%g : tensor<2x3x4x5xf32>) outs(%e2 : tensor<2x4x5x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x4x5x3xf32>
  return %t, %g : tensor<2x4x5x3xf32>, tensor<2x3x4x5xf32>
}

// A ViT's patch embedding: the NCHW result reshaped to [N, C, HW] and
// transposed to [N, HW, C] is the NHWC result collapsed. The transpose
// moves whole groups of the collapse, so it moves before it, meets the
// transpose back from NHWC in the ReLU, and both cancel: no transpose
// left, the ReLU reads the convolution's result with the identity map.
// CHECK-LABEL: func.func @patch_tokens(
// CHECK:         %[[C:.*]] = linalg.conv_2d_nhwc_hwcf
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], {{.*}} ins(%[[C]] : tensor<?x4x4x64xf32>) outs(%{{.*}} : tensor<?x4x4x64xf32>)
// CHECK:         %[[T:.*]] = tensor.collapse_shape %[[R]] {{\[\[}}0], [1, 2], [3]] : tensor<?x4x4x64xf32> into tensor<?x16x64xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         return %[[T]]
func.func @patch_tokens(%x: tensor<?x1x28x28xf32>) -> tensor<?x16x64xf32> {
  %c0 = arith.constant 0 : index
  %w = arith.constant dense<0.5> : tensor<64x1x7x7xf32>
  %n = tensor.dim %x, %c0 : tensor<?x1x28x28xf32>
  %i0 = tensor.empty(%n) : tensor<?x64x4x4xf32>
  %zero = arith.constant 0.0 : f32
  %init = linalg.fill ins(%zero : f32) outs(%i0 : tensor<?x64x4x4xf32>) -> tensor<?x64x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<7> : tensor<2xi64>} ins(%x, %w : tensor<?x1x28x28xf32>, tensor<64x1x7x7xf32>) outs(%init : tensor<?x64x4x4xf32>) -> tensor<?x64x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : tensor<?x64x4x4xf32>) outs(%i0 : tensor<?x64x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x64x4x4xf32>
  %c = tensor.collapse_shape %r [[0], [1], [2, 3]] : tensor<?x64x4x4xf32> into tensor<?x64x16xf32>
  %e = tensor.empty(%n) : tensor<?x16x64xf32>
  %t = linalg.transpose ins(%c : tensor<?x64x16xf32>) outs(%e : tensor<?x16x64xf32>) permutation = [0, 2, 1]
  return %t : tensor<?x16x64xf32>
}

// BlazeFace's channel padding: the NHWC max pool's result, transposed back
// to NCHW, is concatenated with zeros along the channels (dim 1), and a
// convolution's epilogue adds it. The transpose moves behind the concat
// (now along dim 3, the zeros' splat made NHWC) and fuses into the Add,
// which reads both operands in the same (NHWC) layout; only the graph's
// NCHW output remains, its write.
// CHECK-LABEL: func.func @channel_padding(
// CHECK:         %[[P:.*]] = linalg.pooling_nhwc_max
// CHECK:         %[[CAT:.*]] = tensor.concat dim(3) %[[P]], %{{.*}} : (tensor<1x2x2x3xf32>, tensor<1x2x2x1xf32>) -> tensor<1x2x2x4xf32>
// CHECK:         %[[C:.*]] = linalg.conv_2d_nhwc_hwcf
// CHECK:         linalg.generic {indexing_maps = [#[[M:.*]], #[[M]], #{{.*}}], {{.*}} ins(%[[C]], %[[CAT]] : tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>)
func.func @channel_padding(%x: tensor<1x3x4x4xf32>) -> tensor<1x4x2x2xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %win = tensor.empty() : tensor<2x2xf32>
  %pe = tensor.empty() : tensor<1x3x2x2xf32>
  %pi = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %win : tensor<1x3x4x4xf32>, tensor<2x2xf32>) outs(%pi : tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  %z = arith.constant dense<0.0> : tensor<1x1x2x2xf32>
  %cat = tensor.concat dim(1) %p, %z : (tensor<1x3x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x2x2xf32>
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %ce = tensor.empty() : tensor<1x4x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %ci = linalg.fill ins(%zero : f32) outs(%ce : tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x3x4x4xf32>, tensor<4x3x3x3xf32>) outs(%ci : tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %cat : tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>) outs(%ce : tensor<1x4x2x2xf32>) {
  ^bb0(%u: f32, %v: f32, %out: f32):
    %s = arith.addf %u, %v : f32
    linalg.yield %s : f32
  } -> tensor<1x4x2x2xf32>
  return %a : tensor<1x4x2x2xf32>
}
