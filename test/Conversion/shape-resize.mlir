// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// One generic over the output computes each source coordinate (f64, as the
// ONNX reference) from the output index; axes with scale 1 read through.
// CHECK-LABEL: func.func @resize_nearest(
// CHECK-SAME: %[[X:.*]]: tensor<1x1x2x2xf32>
// CHECK: linalg.generic
// CHECK: %[[H:.*]] = linalg.index 2 : index
// CHECK: %[[W:.*]] = linalg.index 3 : index
// CHECK: arith.sitofp %{{.*}} : i64 to f64
// CHECK: arith.divf
// CHECK: math.floor
// CHECK: tensor.extract %[[X]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x1x2x2xf32>
func.func @resize_nearest(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x6xf32> {
  %r = dyad.resize %x {mode = #dyad.resize_mode<nearest>, scales = array<f32: 1.0, 1.0, 2.0, 3.0>, coordinate_transformation_mode = #dyad.coordinate_transformation_mode<asymmetric>, nearest_mode = #dyad.nearest_mode<floor>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x6xf32>
  return %r : tensor<1x1x4x6xf32>
}

// round_prefer_ceil is floor(x + 0.5), round_prefer_floor ceil(x - 0.5).
// CHECK-LABEL: func.func @resize_nearest_ceil(
// CHECK: arith.addf
// CHECK: math.floor
// CHECK-LABEL: func.func @resize_nearest_floor(
// CHECK: arith.subf
// CHECK: math.ceil
func.func @resize_nearest_ceil(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32> {
  %r = dyad.resize %x {mode = #dyad.resize_mode<nearest>, sizes = array<i64: 1, 1, 8, 8>, coordinate_transformation_mode = #dyad.coordinate_transformation_mode<half_pixel>, nearest_mode = #dyad.nearest_mode<round_prefer_ceil>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return %r : tensor<1x1x8x8xf32>
}
func.func @resize_nearest_floor(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  %r = dyad.resize %x {mode = #dyad.resize_mode<nearest>, sizes = array<i64: 1, 1, 3, 3>, coordinate_transformation_mode = #dyad.coordinate_transformation_mode<align_corners>, nearest_mode = #dyad.nearest_mode<round_prefer_floor>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %r : tensor<1x1x3x3xf32>
}

// Bilinear: four corners, interpolated along the last axis first.
// CHECK-LABEL: func.func @resize_linear(
// CHECK-SAME: %[[X:.*]]: tensor<?x2x2x2xf32>
// CHECK: linalg.generic
// CHECK: math.floor
// CHECK: math.floor
// CHECK-COUNT-4: tensor.extract %[[X]]
// CHECK-NOT: tensor.extract
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @resize_linear(%x: tensor<?x2x2x2xf32>) -> tensor<?x2x3x4xf32> {
  %r = dyad.resize %x {mode = #dyad.resize_mode<linear>, scales = array<f32: 1.0, 1.0, 1.5, 2.0>, coordinate_transformation_mode = #dyad.coordinate_transformation_mode<half_pixel>} : (tensor<?x2x2x2xf32>) -> tensor<?x2x3x4xf32>
  return %r : tensor<?x2x3x4xf32>
}

// CHECK-LABEL: func.func @resize_align_corners(
func.func @resize_align_corners(%x: tensor<1x1x2x4xf32>) -> tensor<1x1x1x2xf32> {
  %r = dyad.resize %x {mode = #dyad.resize_mode<linear>, scales = array<f32: 1.0, 1.0, 0.6, 0.6>, coordinate_transformation_mode = #dyad.coordinate_transformation_mode<align_corners>} : (tensor<1x1x2x4xf32>) -> tensor<1x1x1x2xf32>
  return %r : tensor<1x1x1x2xf32>
}

// tf_crop_and_resize: coordinates from the roi; outside the input the
// extrapolation value.
// CHECK-LABEL: func.func @resize_crop(
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: arith.constant 1.000000e+01 : f32
// CHECK: arith.select
func.func @resize_crop(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  %r = dyad.resize %x {mode = #dyad.resize_mode<linear>, sizes = array<i64: 1, 1, 3, 3>, coordinate_transformation_mode = #dyad.coordinate_transformation_mode<tf_crop_and_resize>, roi = array<f32: 0.0, 0.0, 0.4, 0.6, 1.0, 1.0, 1.2, 1.7>, extrapolation_value = 10.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %r : tensor<1x1x3x3xf32>
}

// Nearest works on integers too (no arithmetic on the values).
// CHECK-LABEL: func.func @resize_int(
// CHECK: tensor.extract %{{.*}} : tensor<?x3xi32>
func.func @resize_int(%x: tensor<?x3xi32>) -> tensor<?x6xi32> {
  %r = dyad.resize %x {mode = #dyad.resize_mode<nearest>, scales = array<f32: 1.0, 2.0>, coordinate_transformation_mode = #dyad.coordinate_transformation_mode<pytorch_half_pixel>} : (tensor<?x3xi32>) -> tensor<?x6xi32>
  return %r : tensor<?x6xi32>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %r0_0 = call @resize_nearest(%a0_0) : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x6xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<1x1x4x6xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]]]> : tensor<1x1x4x4xf32>
  %r1_0 = call @resize_nearest_ceil(%a1_0) : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<1x1x8x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %a2_0 = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]]]> : tensor<1x1x4x4xf32>
  %r2_0 = call @resize_nearest_floor(%a2_0) : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  %u2_0 = tensor.cast %r2_0 : tensor<1x1x3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u2_0) : (tensor<*xf32>) -> ()
  %a3_0 = arith.constant dense<[[[[0.0, 1.0], [2.0, 3.0]], [[4.0, 5.0], [6.0, 7.0]]]]> : tensor<1x2x2x2xf32>
  %c3_0 = tensor.cast %a3_0 : tensor<1x2x2x2xf32> to tensor<?x2x2x2xf32>
  %r3_0 = call @resize_linear(%c3_0) : (tensor<?x2x2x2xf32>) -> tensor<?x2x3x4xf32>
  %u3_0 = tensor.cast %r3_0 : tensor<?x2x3x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u3_0) : (tensor<*xf32>) -> ()
  // the ONNX test resize_downsample_scales_linear_align_corners
  %a4_0 = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]]]> : tensor<1x1x2x4xf32>
  %r4_0 = call @resize_align_corners(%a4_0) : (tensor<1x1x2x4xf32>) -> tensor<1x1x1x2xf32>
  %u4_0 = tensor.cast %r4_0 : tensor<1x1x1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u4_0) : (tensor<*xf32>) -> ()
  %a5_0 = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]]]> : tensor<1x1x4x4xf32>
  %r5_0 = call @resize_crop(%a5_0) : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  %u5_0 = tensor.cast %r5_0 : tensor<1x1x3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u5_0) : (tensor<*xf32>) -> ()
  %a6_0 = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %c6_0 = tensor.cast %a6_0 : tensor<2x3xi32> to tensor<?x3xi32>
  %r6_0 = call @resize_int(%c6_0) : (tensor<?x3xi32>) -> tensor<?x6xi32>
  %u6_0 = tensor.cast %r6_0 : tensor<?x6xi32> to tensor<*xi32>
  call @printMemrefI32(%u6_0) : (tensor<*xi32>) -> ()
  %a7_0 = arith.constant dense<[[[[-8, 2], [3, 100]]]]> : tensor<1x1x2x2xi8>
  %r7_0 = call @resize_linear_i8(%a7_0) : (tensor<1x1x2x2xi8>) -> tensor<1x1x4x4xi32>
  %u7_0 = tensor.cast %r7_0 : tensor<1x1x4x4xi32> to tensor<*xi32>
  call @printMemrefI32(%u7_0) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// Linear on integers (the integer form of a quantized graph): fixed-point
// weights of weight_fraction_bits = 2 per axis (half_pixel 2x: t = 0.75 and
// 0.25, w1 = 3 and 1 of 4), summed in the i32 result without the division
// by 2^(2*2): the corners come out as 16 x, -8 -> -128 and 100 -> 1600.
// CHECK-LABEL: func.func @resize_linear_i8(
// CHECK: linalg.generic
// CHECK-COUNT-4: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.fptosi %{{.*}} : f64 to i32
// CHECK: arith.muli
func.func @resize_linear_i8(%x: tensor<1x1x2x2xi8>) -> tensor<1x1x4x4xi32> {
  %r = dyad.resize %x {mode = #dyad.resize_mode<linear>, sizes = array<i64: 1, 1, 4, 4>, weight_fraction_bits = 2 : i64} : (tensor<1x1x2x2xi8>) -> tensor<1x1x4x4xi32>
  return %r : tensor<1x1x4x4xi32>
}

// EXEC: rank = 4 offset = 0 sizes = [1, 1, 4, 6] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}1, 1, 1, 2, 2, 2],
// EXEC-NEXT: [1, 1, 1, 2, 2, 2],
// EXEC-NEXT: [3, 3, 3, 4, 4, 4],
// EXEC-NEXT: [3, 3, 3, 4, 4, 4]]]]
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 8, 8] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}1, 1, 2, 2, 3, 3, 4, 4],
// EXEC-NEXT: [1, 1, 2, 2, 3, 3, 4, 4],
// EXEC-NEXT: [5, 5, 6, 6, 7, 7, 8, 8],
// EXEC-NEXT: [5, 5, 6, 6, 7, 7, 8, 8],
// EXEC-NEXT: [9, 9, 10, 10, 11, 11, 12, 12],
// EXEC-NEXT: [9, 9, 10, 10, 11, 11, 12, 12],
// EXEC-NEXT: [13, 13, 14, 14, 15, 15, 16, 16],
// EXEC-NEXT: [13, 13, 14, 14, 15, 15, 16, 16]]]]
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 3, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}1, 2, 4],
// EXEC-NEXT: [5, 6, 8],
// EXEC-NEXT: [13, 14, 16]]]]
// EXEC: rank = 4 offset = 0 sizes = [1, 2, 3, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}0, 0.25, 0.75, 1],
// EXEC-NEXT: [1, 1.25, 1.75, 2],
// EXEC-NEXT: [2, 2.25, 2.75, 3]],
// EXEC-NEXT: {{\[\[}}4, 4.25, 4.75, 5],
// EXEC-NEXT: [5, 5.25, 5.75, 6],
// EXEC-NEXT: [6, 6.25, 6.75, 7]]]]
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 1, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}1, 3.14286]]]]
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 3, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}7.6, 10, 10],
// EXEC-NEXT: [12.4, 10, 10],
// EXEC-NEXT: [10, 10, 10]]]]
// EXEC: rank = 2 offset = 0 sizes = [2, 6] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}1, 1, 2, 2, 3, 3],
// EXEC-NEXT: [4, 4, 5, 5, 6, 6]]
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 4, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}-128, -88, -8, 32],
// EXEC-NEXT: [-84, 43, 297, 424],
// EXEC-NEXT: [4, 305, 907, 1208],
// EXEC-NEXT: [48, 436, 1212, 1600]]]]
