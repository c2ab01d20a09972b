// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-vnni{vnni-bits=512 nibbles=false pointwise-gemm=true},canonicalize,cse))' | FileCheck %s
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-vnni{vnni-bits=256 nibbles=false},canonicalize,cse))' | FileCheck %s --check-prefix=YMM
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-vnni{vnni-bits=512 nibbles=false pointwise-gemm=true},dyad-cpu-select-kernels,dyad-cpu-tile-and-vectorize,canonicalize,cse))' | FileCheck %s --check-prefix=TILE
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-vnni{vnni-bits=512 nibbles=false depthwise-rows=true},canonicalize,cse))' | FileCheck %s --check-prefix=ROWS
// (nibbles=false: these weights fit in 4 bits, which cpu-pack-nibbles.mlir
// tests; here they stay bytes.)

// An int8 3x3 convolution (4 -> 16 channels, pad value -3 = the zero
// point) with a constant bias init, as dyad-cpu-nhwc leaves it. Packed:
//   - the activations flipped to unsigned in their producer (xor 0x80
//     fused into the requantization), the pad value flipped (-3 -> 125);
//   - the filter [3][3][4][16] packed [3][3][1][64] at compile time:
//     byte 4f+c of a row is w[.][.][c][f] (here w[c][f] = c, so the row
//     is 0,1,2,3 repeated);
//   - 128 * each output channel's weight sum (128 * 9 * (0+1+2+3) = 6912)
//     subtracted from the bias at compile time (10 - 6912 = -6902).
// CHECK-LABEL: func.func @conv(
// CHECK-DAG:   %[[BIAS:.*]] = arith.constant -6902 : i32
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<"0x00010203{{(00010203)+}}"> : tensor<3x3x1x64xi8>
// CHECK-DAG:   %[[FLIP:.*]] = arith.constant -128 : i8
// CHECK-DAG:   %[[PADV:.*]] = arith.constant 125 : i8
// CHECK:       %[[XU:.*]] = linalg.generic
// CHECK:         arith.trunci
// CHECK:         arith.xori %{{.*}}, %[[FLIP]] : i8
// CHECK:       tensor.pad %[[XU]]
// CHECK:         tensor.yield %[[PADV]]
// CHECK:       linalg.generic
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:    linalg.yield %[[BIAS]]
// CHECK:       linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
// CHECK-SAME:    %[[W]], %{{.*}} : tensor<1x10x10x4xi8>, tensor<3x3x1x64xi8>, tensor<4xi8>)
// CHECK:         arith.extui
// CHECK:         arith.extsi
// CHECK:         arith.muli
// CHECK:         arith.addi
// CHECK-NOT:   linalg.conv_2d_nhwc_hwcf

// Tiled: 8 pixels x 16 channels (one vector), all 4 input channels per step;
// each tile one contraction over [ow][cb][ci] x [cb][f][ci].
// TILE-LABEL: func.func @conv(
// TILE:        vector.transfer_read {{.*}} : tensor<8x4xi8>, vector<8x4xi8>
// TILE:        vector.shape_cast {{.*}} : vector<8x4xi8> to vector<8x1x4xi8>
// TILE:        vector.transfer_read {{.*}} : tensor<1x64xi8>, vector<1x64xi8>
// TILE:        vector.contract {{.*}} : vector<8x1x4xi32>, vector<1x16x4xi32> into vector<8x16xi32>
func.func @conv(%x: tensor<1x8x8x4xi64>) -> tensor<1x8x8x16xi32> {
  %e = tensor.empty() : tensor<1x8x8x4xi8>
  %q = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x8x8x4xi64>) outs(%e : tensor<1x8x8x4xi8>) {
  ^bb0(%in: i64, %out: i8):
    %t = arith.trunci %in : i64 to i8
    linalg.yield %t : i8
  } -> tensor<1x8x8x4xi8>
  %zp = arith.constant -3 : i8
  %p = tensor.pad %q low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zp : i8
  } : tensor<1x8x8x4xi8> to tensor<1x10x10x4xi8>
  %w = arith.constant dense<[[[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]], [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]], [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]]], [[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]], [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]], [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]]], [[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]], [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]], [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]]]]> : tensor<3x3x4x16xi8>
  %b = arith.constant dense<10> : tensor<16xi32>
  %e2 = tensor.empty() : tensor<1x8x8x16xi32>
  %init = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<16xi32>) outs(%e2 : tensor<1x8x8x16xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  } -> tensor<1x8x8x16xi32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x10x10x4xi8>, tensor<3x3x4x16xi8>) outs(%init : tensor<1x8x8x16xi32>) -> tensor<1x8x8x16xi32>
  return %y : tensor<1x8x8x16xi32>
}

// -----

// 8 output channels: half an AVX-512 vector, packed for 256-bit vpdpbusd
// (AVX512-VL) on either target.
// CHECK-LABEL: func.func @narrow(
// CHECK-NOT:   linalg.conv_2d_nhwc_hwcf
// CHECK:       arith.xori
// CHECK:       arith.extui
// YMM-LABEL:   func.func @narrow(
// YMM-NOT:     linalg.conv_2d_nhwc_hwcf
// YMM:         arith.xori
// YMM:         arith.extui
func.func @narrow(%x: tensor<1x4x4x4xi8>) -> tensor<1x2x2x8xi32> {
  %w = arith.constant dense<1> : tensor<3x3x4x8xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x2x2x8xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<1x2x2x8xi32>) -> tensor<1x2x2x8xi32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x4xi8>, tensor<3x3x4x8xi8>) outs(%init : tensor<1x2x2x8xi32>) -> tensor<1x2x2x8xi32>
  return %y : tensor<1x2x2x8xi32>
}

// -----

// A filter computed at run time, and 3 input channels: left as they are.
// CHECK-LABEL: func.func @not_packed(
// CHECK-COUNT-2: linalg.conv_2d_nhwc_hwcf
func.func @not_packed(%x: tensor<1x4x4x4xi8>, %w: tensor<3x3x4x16xi8>, %x3: tensor<1x4x4x3xi8>) -> (tensor<1x2x2x16xi32>, tensor<1x2x2x16xi32>) {
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x2x2x16xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<1x2x2x16xi32>) -> tensor<1x2x2x16xi32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x4xi8>, tensor<3x3x4x16xi8>) outs(%init : tensor<1x2x2x16xi32>) -> tensor<1x2x2x16xi32>
  %w3 = arith.constant dense<1> : tensor<3x3x3x16xi8>
  %y3 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x3, %w3 : tensor<1x4x4x3xi8>, tensor<3x3x3x16xi8>) outs(%init : tensor<1x2x2x16xi32>) -> tensor<1x2x2x16xi32>
  return %y, %y3 : tensor<1x2x2x16xi32>, tensor<1x2x2x16xi32>
}

// -----

// 12 output channels (not in 8s) with a constant bias and an epilogue that
// can run on 16: the filters and the bias padded with zeros to 16 (64 bytes
// a row; the bias 5 - 128 * 36 = -4603 with the unsigned input's
// correction), the epilogue on 16 channels too (its per-channel constant
// padded with its last value, its residual operand with zeros by a
// tensor.pad), the epilogue's result sliced back to 12. An epilogue that
// reads another layout (a transposed residual) cannot: that convolution
// stays as it is.
// CHECK-LABEL: func.func @odd_channels(
// CHECK-DAG:   arith.constant dense<[3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 9, 9, 9, 9, 9]> : tensor<16xi32>
// CHECK-DAG:   arith.constant dense<[-4603, -4603, -4603, -4603, -4603, -4603, -4603, -4603, -4603, -4603, -4603, -4603, 0, 0, 0, 0]> : tensor<16xi32>
// CHECK:       %[[Y:.*]] = linalg.generic {{.*}} tensor<3x3x1x64xi8>, tensor<4xi8>) outs(%{{.*}} : tensor<1x2x2x16xi32>)
// CHECK:       %[[RES:.*]] = tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 0, 4]
// CHECK:       %[[E:.*]] = linalg.generic {{.*}} ins(%[[Y]], %{{.*}}, %[[RES]] : tensor<1x2x2x16xi32>, tensor<16xi32>, tensor<1x2x2x16xi8>) outs(%{{.*}} : tensor<1x2x2x16xi8>)
// CHECK:       tensor.extract_slice %[[E]][0, 0, 0, 0] [1, 2, 2, 12] [1, 1, 1, 1] : tensor<1x2x2x16xi8> to tensor<1x2x2x12xi8>
// CHECK:       linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x2x2x12xi32>
// CHECK-NOT:   linalg.conv_2d_nhwc_hwcf
#id4 = affine_map<(a, b, c, d) -> (a, b, c, d)>
#ch4 = affine_map<(a, b, c, d) -> (d)>
#tr4 = affine_map<(a, b, c, d) -> (a, d, b, c)>
func.func @odd_channels(%x: tensor<1x4x4x4xi8>, %r: tensor<1x2x2x12xi8>, %rt: tensor<1x12x2x2xi8>) -> (tensor<1x2x2x12xi8>, tensor<1x2x2x12xi8>) {
  %w = arith.constant dense<1> : tensor<3x3x4x12xi8>
  %b = arith.constant dense<5> : tensor<12xi32>
  %m = arith.constant dense<[3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 9]> : tensor<12xi32>
  %e = tensor.empty() : tensor<1x2x2x12xi32>
  %init = linalg.generic {indexing_maps = [#ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<12xi32>) outs(%e : tensor<1x2x2x12xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  } -> tensor<1x2x2x12xi32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x4xi8>, tensor<3x3x4x12xi8>) outs(%init : tensor<1x2x2x12xi32>) -> tensor<1x2x2x12xi32>
  %o = tensor.empty() : tensor<1x2x2x12xi8>
  %z = linalg.generic {indexing_maps = [#id4, #ch4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y, %m, %r : tensor<1x2x2x12xi32>, tensor<12xi32>, tensor<1x2x2x12xi8>) outs(%o : tensor<1x2x2x12xi8>) {
  ^bb0(%a: i32, %k: i32, %s: i8, %out: i8):
    %0 = arith.divsi %a, %k : i32
    %1 = arith.trunci %0 : i32 to i8
    %2 = arith.addi %1, %s : i8
    linalg.yield %2 : i8
  } -> tensor<1x2x2x12xi8>
  %y2 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x4xi8>, tensor<3x3x4x12xi8>) outs(%init : tensor<1x2x2x12xi32>) -> tensor<1x2x2x12xi32>
  %z2 = linalg.generic {indexing_maps = [#id4, #tr4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y2, %rt : tensor<1x2x2x12xi32>, tensor<1x12x2x2xi8>) outs(%o : tensor<1x2x2x12xi8>) {
  ^bb0(%a: i32, %s: i8, %out: i8):
    %1 = arith.trunci %a : i32 to i8
    %2 = arith.addi %1, %s : i8
    linalg.yield %2 : i8
  } -> tensor<1x2x2x12xi8>
  return %z, %z2 : tensor<1x2x2x12xi8>, tensor<1x2x2x12xi8>
}

// -----

// Stride 2: the tile's input window is read every second pixel.
// TILE-LABEL: func.func @strided(
// TILE:        tensor.extract_slice {{.*}} [1, 1, 2, 1] : tensor<1x1x{{[0-9]+}}x4xi8> to tensor<{{[0-9]+}}x4xi8>
// TILE:        vector.contract
func.func @strided(%x: tensor<1x9x9x4xi8>) -> tensor<1x4x4x16xi32> {
  %w = arith.constant dense<1> : tensor<3x3x4x16xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x4x4x16xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<1x4x4x16xi32>) -> tensor<1x4x4x16xi32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x9x9x4xi8>, tensor<3x3x4x16xi8>) outs(%init : tensor<1x4x4x16xi32>) -> tensor<1x4x4x16xi32>
  return %y : tensor<1x4x4x16xi32>
}

// -----

// A one-channel stem as dyad-cpu-nhwc leaves it: the quantized input (batch
// dynamic, so its sizes are read with tensor.dim) reshaped from NCHW to NHWC,
// then padded to 4 channels. The flip goes back through the pad and both
// reshapes into the quantization itself: no separate pass over the input.
// CHECK-LABEL: func.func @stem(
// CHECK:       %[[Q:.*]] = linalg.generic
// CHECK:         arith.trunci
// CHECK:         arith.xori
// CHECK:       } -> tensor<?x1x8x8xi8>
// CHECK:       %[[C:.*]] = tensor.collapse_shape %[[Q]]
// CHECK:       %[[E:.*]] = tensor.expand_shape %[[C]]
// CHECK:       tensor.pad %[[E]]
// CHECK-NOT:   arith.xori
func.func @stem(%x: tensor<?x1x8x8xi64>) -> tensor<?x8x8x16xi32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x1x8x8xi64>
  %e = tensor.empty(%n) : tensor<?x1x8x8xi8>
  %q = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x1x8x8xi64>) outs(%e : tensor<?x1x8x8xi8>) {
  ^bb0(%in: i64, %out: i8):
    %t = arith.trunci %in : i64 to i8
    linalg.yield %t : i8
  } -> tensor<?x1x8x8xi8>
  %m = tensor.dim %q, %c0 : tensor<?x1x8x8xi8>
  %cl = tensor.collapse_shape %q [[0], [1, 2], [3]] : tensor<?x1x8x8xi8> into tensor<?x8x8xi8>
  %ex = tensor.expand_shape %cl [[0], [1], [2, 3]] output_shape [%m, 8, 8, 1] : tensor<?x8x8xi8> into tensor<?x8x8x1xi8>
  %zp = arith.constant -3 : i8
  %p = tensor.pad %ex low[0, 1, 1, 0] high[0, 1, 1, 3] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zp : i8
  } : tensor<?x8x8x1xi8> to tensor<?x10x10x4xi8>
  %w = arith.constant dense<1> : tensor<3x3x4x16xi8>
  %b = arith.constant dense<10> : tensor<16xi32>
  %e2 = tensor.empty(%n) : tensor<?x8x8x16xi32>
  %init = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<16xi32>) outs(%e2 : tensor<?x8x8x16xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  } -> tensor<?x8x8x16xi32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<?x10x10x4xi8>, tensor<3x3x4x16xi8>) outs(%init : tensor<?x8x8x16xi32>) -> tensor<?x8x8x16xi32>
  return %y : tensor<?x8x8x16xi32>
}

// -----

// A classifier's GEMM with 10 output columns (not blocks of 8): the weights
// are padded with zero columns to 16 and packed [K/4][16*4], the bias
// (folded with 128 * each column's weight sum, 5 - 128 * 32 = -4091) padded
// with zeros, and the result sliced back to 10 columns.
// CHECK-LABEL: func.func @classifier(
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<"0x{{.*}}"> : tensor<8x64xi8>
// CHECK-DAG:   %[[B:.*]] = arith.constant dense<[-4091, -4091, -4091, -4091, -4091, -4091, -4091, -4091, -4091, -4091, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
// CHECK:       %[[Y:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[W]], %{{.*}} : tensor<?x32xi8>, tensor<8x64xi8>, tensor<4xi8>) outs(%{{.*}} : tensor<?x16xi32>)
// CHECK:       tensor.extract_slice %[[Y]][0, 0] [%{{.*}}, 10] [1, 1] : tensor<?x16xi32> to tensor<?x10xi32>
func.func @classifier(%x: tensor<?x32xi8>) -> tensor<?x10xi32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x32xi8>
  %w = arith.constant dense<1> : tensor<32x10xi8>
  %b = arith.constant dense<5> : tensor<10xi32>
  %e = tensor.empty(%n) : tensor<?x10xi32>
  %init = linalg.generic {indexing_maps = [affine_map<(a, b) -> (b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<10xi32>) outs(%e : tensor<?x10xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  } -> tensor<?x10xi32>
  %y = linalg.matmul ins(%x, %w : tensor<?x32xi8>, tensor<32x10xi8>) outs(%init : tensor<?x10xi32>) -> tensor<?x10xi32>
  return %y : tensor<?x10xi32>
}

// -----

// A GEMM over the batch's rows with its epilogue fused (tiles of 8 rows, the
// last tile shorter): the row loop is peeled, so the full tiles are static
// 8-row blocks, the contraction and the epilogue vectorized whole and
// unmasked; only the last partial tile keeps its dynamic rows.
// TILE-LABEL: func.func @gemm_epilogue(
// TILE:         %[[FULL:.*]] = affine.apply #{{.*}}()[%[[N:.*]]]
// TILE:         scf.for %{{.*}} = %{{.*}} to %[[FULL]] step %{{.*}} iter_args{{.*}}
// TILE-NOT:       in_bounds = [false
// TILE:           vector.contract {{.*}} into vector<8x16xi32>
// TILE:           arith.trunci {{.*}} : vector<8x16xi32> to vector<8x16xi8>
// TILE:         scf.for %{{.*}} = %[[FULL]] to %[[N]] step
// TILE:           tensor.extract_slice {{.*}} : tensor<?x32xi8> to tensor<?x32xi8>
func.func @gemm_epilogue(%x: tensor<?x32xi8>) -> tensor<?x16xi8> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x32xi8>
  %w = arith.constant dense<1> : tensor<32x16xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty(%n) : tensor<?x16xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<?x16xi32>) -> tensor<?x16xi32>
  %y = linalg.matmul ins(%x, %w : tensor<?x32xi8>, tensor<32x16xi8>) outs(%init : tensor<?x16xi32>) -> tensor<?x16xi32>
  %o = tensor.empty(%n) : tensor<?x16xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<?x16xi32>) outs(%o : tensor<?x16xi8>) {
  ^bb0(%in: i32, %out: i8):
    %t = arith.trunci %in : i32 to i8
    linalg.yield %t : i8
  } -> tensor<?x16xi8>
  return %r : tensor<?x16xi8>
}

// -----

// With pointwise-gemm (set where the target has AMX), a pointwise
// convolution (1x1, stride 1; 8 -> 16 channels) over a dynamic batch is a
// GEMM over the pixels: the packed GEMM form on the input
// collapsed to (n*h*w) x c (the flip fused into its producer), the filter
// packed [C/4][F*4] (the same bytes as the convolution's [1][1][C/4][F*4]),
// the bias folded on the 2-D shape. Its epilogue moves onto the GEMM's 2-D
// space; only the epilogue's result is expanded back to n x h x w x f.
// CHECK-LABEL: func.func @pointwise(
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<"0x{{.*}}"> : tensor<2x64xi8>
// CHECK:       %[[XU:.*]] = linalg.generic
// CHECK:         arith.xori
// CHECK:       %[[A:.*]] = tensor.collapse_shape %[[XU]] {{\[\[}}0, 1, 2], [3]] : tensor<?x7x7x8xi8> into tensor<?x8xi8>
// CHECK:       %[[G:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[A]], %[[W]], %{{.*}} : tensor<?x8xi8>, tensor<2x64xi8>, tensor<4xi8>) outs(%{{.*}} : tensor<?x16xi32>)
// CHECK:       %[[E:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[G]] : tensor<?x16xi32>) outs(%{{.*}} : tensor<?x16xi8>)
// CHECK:         arith.trunci
// CHECK:       tensor.expand_shape %[[E]] {{\[\[}}0, 1, 2], [3]] {{.*}} : tensor<?x16xi8> into tensor<?x7x7x16xi8>
// CHECK-NOT:   linalg.conv_2d_nhwc_hwcf
// Without it (here the 256-bit run), the packed convolution form.
// YMM-LABEL: func.func @pointwise(
// YMM:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x7x7x8xi8>, tensor<1x1x2x64xi8>, tensor<4xi8>)
// YMM-NOT:     tensor.collapse_shape
// TILE-LABEL: func.func @pointwise(
// TILE:         vector.contract {{.*}} into vector<8x16xi32>
// TILE:         arith.trunci {{.*}} : vector<8x16xi32> to vector<8x16xi8>
func.func @pointwise(%x: tensor<?x7x7x8xi64>) -> tensor<?x7x7x16xi8> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x7x7x8xi64>
  %e = tensor.empty(%n) : tensor<?x7x7x8xi8>
  %q = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x7x7x8xi64>) outs(%e : tensor<?x7x7x8xi8>) {
  ^bb0(%in: i64, %out: i8):
    %t = arith.trunci %in : i64 to i8
    linalg.yield %t : i8
  } -> tensor<?x7x7x8xi8>
  %w = arith.constant dense<[[[[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], [6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6], [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]]]]> : tensor<1x1x8x16xi8>
  %b = arith.constant dense<10> : tensor<16xi32>
  %e2 = tensor.empty(%n) : tensor<?x7x7x16xi32>
  %init = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<16xi32>) outs(%e2 : tensor<?x7x7x16xi32>) {
  ^bb0(%in: i32, %out: i32):
    linalg.yield %in : i32
  } -> tensor<?x7x7x16xi32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%q, %w : tensor<?x7x7x8xi8>, tensor<1x1x8x16xi8>) outs(%init : tensor<?x7x7x16xi32>) -> tensor<?x7x7x16xi32>
  %o = tensor.empty(%n) : tensor<?x7x7x16xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : tensor<?x7x7x16xi32>) outs(%o : tensor<?x7x7x16xi8>) {
  ^bb0(%in: i32, %out: i8):
    %t = arith.trunci %in : i32 to i8
    linalg.yield %t : i8
  } -> tensor<?x7x7x16xi8>
  return %r : tensor<?x7x7x16xi8>
}

// -----

// A depthwise convolution's i8 filter, widened to i32 before the kernel by
// dyad-cpu-nhwc, is read narrow by the kernel itself (the named op extends
// it): its taps are provably i16 values, which dyad-cpu-lower-vectors
// computes with vpdpwssd (cpu-vnni.mlir @dw_tap). The widening goes.
// CHECK-LABEL: func.func @depthwise(
// CHECK:         %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<3x3x16xi8>
// CHECK-NOT:     linalg.generic
// CHECK:         linalg.depthwise_conv_2d_nhwc_hwc {{.*}} ins(%{{.*}}, %[[W]] : tensor<?x9x9x16xi8>, tensor<3x3x16xi8>) outs(%{{.*}} : tensor<?x7x7x16xi32>)
// YMM-LABEL: func.func @depthwise(
// YMM:         linalg.depthwise_conv_2d_nhwc_hwc {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x9x9x16xi8>, tensor<3x3x16xi8>)
// TILE-LABEL: func.func @depthwise(
// TILE:         arith.extsi %{{.*}} : vector<{{.*}}xi8> to vector<{{.*}}xi32>
// TILE:         arith.muli
// With depthwise-rows (AVX512-VBMI targets), the row-packed form: the
// filter [KW][C*4], byte r of channel c's dword its row-r tap (0 for r = 3:
// channel 0's first dword is -100, 3, 6, 0); the input flipped to u8; the
// init less 128 times each channel's filter sum (channel 0: 55 * 128).
// ROWS-DAG:     #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d5, d2 + d4, d3)>
// ROWS-DAG:     #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d3 * 4 + d5)>
// ROWS-DAG:     #[[R:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d5)>
// ROWS-LABEL: func.func @depthwise(
// ROWS:         %[[SUM:.*]] = arith.constant dense<[7040, 19968, {{.*}}]> : tensor<16xi32>
// ROWS:         %[[PACKED:.*]] = arith.constant dense<"0x9C030600010306000203{{.*}}"> : tensor<3x64xi8>
// ROWS:         %[[U:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<?x9x9x16xi8>)
// ROWS:           arith.xori %{{.*}}, %c-128_i8 : i8
// ROWS:         %[[INIT:.*]] = linalg.generic {{.*}} ins(%arg1, %[[SUM]] :
// ROWS:           arith.subi
// ROWS:         %[[ROWS:.*]] = tensor.empty() : tensor<3xi8>
// ROWS:         linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[R]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[U]], %[[PACKED]], %[[ROWS]] : tensor<?x9x9x16xi8>, tensor<3x64xi8>, tensor<3xi8>) outs(%[[INIT]] : tensor<?x7x7x16xi32>)
// ROWS:           arith.extui
// ROWS:           arith.extsi
func.func @depthwise(%x: tensor<?x9x9x16xi8>, %init: tensor<?x7x7x16xi32>) -> tensor<?x7x7x16xi32> {
  %w = arith.constant dense<[[[-100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]], [[3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]], [[6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6], [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7], [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127]]]> : tensor<3x3x16xi8>
  %e = tensor.empty() : tensor<3x3x16xi32>
  %w32 = linalg.generic {indexing_maps = [affine_map<(a, b, c) -> (a, b, c)>, affine_map<(a, b, c) -> (a, b, c)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<3x3x16xi8>) outs(%e : tensor<3x3x16xi32>) {
  ^bb0(%in: i8, %out: i32):
    %t = arith.extsi %in : i8 to i32
    linalg.yield %t : i32
  } -> tensor<3x3x16xi32>
  %y = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w32 : tensor<?x9x9x16xi8>, tensor<3x3x16xi32>) outs(%init : tensor<?x7x7x16xi32>) -> tensor<?x7x7x16xi32>
  return %y : tensor<?x7x7x16xi32>
}

// -----

// Strided, dilated, 2 rows: the input map keeps the strides and dilations
// (row oh*2 + r*2, column ow*2 + kw); the rows' operand has 2 elements.
// ROWS:       #[[XS:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d5 * 2, d2 * 2 + d4, d3)>
// ROWS-LABEL: func.func @depthwise_strided(
// ROWS:         linalg.generic {indexing_maps = [#[[XS]], {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x9x9x8xi8>, tensor<3x32xi8>, tensor<2xi8>)
// A filter of 5 rows (more than a dword's 4 bytes) keeps the named op.
// ROWS-LABEL: func.func @depthwise_5x5(
// ROWS:         linalg.depthwise_conv_2d_nhwc_hwc
func.func @depthwise_strided(%x: tensor<?x9x9x8xi8>, %init: tensor<?x3x4x8xi32>) -> tensor<?x3x4x8xi32> {
  %w = arith.constant dense<3> : tensor<2x3x8xi8>
  %y = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<?x9x9x8xi8>, tensor<2x3x8xi8>) outs(%init : tensor<?x3x4x8xi32>) -> tensor<?x3x4x8xi32>
  return %y : tensor<?x3x4x8xi32>
}
func.func @depthwise_5x5(%x: tensor<?x9x9x16xi8>, %init: tensor<?x5x5x16xi32>) -> tensor<?x5x5x16xi32> {
  %w = arith.constant dense<3> : tensor<5x5x16xi8>
  %y = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x9x9x16xi8>, tensor<5x5x16xi8>) outs(%init : tensor<?x5x5x16xi32>) -> tensor<?x5x5x16xi32>
  return %y : tensor<?x5x5x16xi32>
}
