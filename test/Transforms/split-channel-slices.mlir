// RUN: dyad-opt %s --dyad-simplify -split-input-file | FileCheck %s

// A conv read only through channel Slices (after a spatial Resize, which
// works on each channel alone) becomes one conv per slice, with that
// slice's weights and bias, and the Resize repeated on the part: M-LSD's
// head (16 channels, the score logits sliced out of one, the offsets out of
// four). Each part is then calibrated and quantized on its own range; the
// channels nobody reads (0..2, 5) are not computed.
// CHECK-LABEL: func.func @head(
// CHECK-DAG:     %[[W3:.*]] = arith.constant dense<4.000000e+00> : tensor<1x4x1x1xf32>
// CHECK-DAG:     %[[B3:.*]] = arith.constant dense<3.000000e+00> : tensor<1xf32>
// CHECK-DAG:     %[[W4:.*]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[5.000000e+00]], {{.*}}[6.000000e+00]]]]> : tensor<2x4x1x1xf32>
// CHECK-DAG:     %[[B4:.*]] = arith.constant dense<[4.000000e+00, 5.000000e+00]> : tensor<2xf32>
// CHECK-DAG:     %[[C3:.*]] = dyad.conv %arg0, %[[W3]] bias(%[[B3]]) {{.*}} -> tensor<1x1x8x8xf32>
// CHECK-DAG:     %[[R3:.*]] = dyad.resize %[[C3]] {{.*}}dyad.tensor = "logits"{{.*}}sizes = array<i64: 1, 1, 16, 16>{{.*}} -> tensor<1x1x16x16xf32>
// CHECK-DAG:     %[[C4:.*]] = dyad.conv %arg0, %[[W4]] bias(%[[B4]]) {{.*}}dyad.tensor = "head[4:6]"{{.*}} -> tensor<1x2x8x8xf32>
// CHECK-DAG:     %[[R4:.*]] = dyad.resize %[[C4]] {{.*}}dyad.tensor = "offsets"{{.*}}sizes = array<i64: 1, 2, 16, 16>{{.*}} -> tensor<1x2x16x16xf32>
// CHECK-NOT:     dyad.slice
// CHECK-NOT:     tensor<6x4x1x1xf32>
// CHECK:         return %[[R3]], %[[R4]]
func.func @head(%x: tensor<1x4x8x8xf32>) -> (tensor<1x1x16x16xf32>, tensor<1x2x16x16xf32>) {
  %w = arith.constant dense<[[[[1.0]], [[1.0]], [[1.0]], [[1.0]]], [[[2.0]], [[2.0]], [[2.0]], [[2.0]]], [[[3.0]], [[3.0]], [[3.0]], [[3.0]]], [[[4.0]], [[4.0]], [[4.0]], [[4.0]]], [[[5.0]], [[5.0]], [[5.0]], [[5.0]]], [[[6.0]], [[6.0]], [[6.0]], [[6.0]]]]> : tensor<6x4x1x1xf32>
  %b = arith.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]> : tensor<6xf32>
  %c = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "head"} : (tensor<1x4x8x8xf32>, tensor<6x4x1x1xf32>, tensor<6xf32>) -> tensor<1x6x8x8xf32>
  %r = dyad.resize %c {mode = #dyad.resize_mode<linear>, sizes = array<i64: 1, 6, 16, 16>, dyad.tensor = "up"} : (tensor<1x6x8x8xf32>) -> tensor<?x?x?x?xf32>
  // Channel 3, in TF's export form: every axis named, "to the end" as
  // 2^31 - 1.
  %s0 = arith.constant dense<[0, 0, 0, 3]> : tensor<4xi64>
  %e0 = arith.constant dense<[2147483647, 2147483647, 2147483647, 4]> : tensor<4xi64>
  %a0 = arith.constant dense<[0, 2, 3, 1]> : tensor<4xi64>
  %st = arith.constant dense<1> : tensor<4xi64>
  %l = dyad.slice %r, %s0, %e0, %a0, %st {dyad.tensor = "logits"} : (tensor<?x?x?x?xf32>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>) -> tensor<1x1x16x16xf32>
  // Channels 4 and 5 (-2 from the end).
  %s1 = arith.constant dense<[-2]> : tensor<1xi64>
  %e1 = arith.constant dense<[6]> : tensor<1xi64>
  %a1 = arith.constant dense<[1]> : tensor<1xi64>
  %st1 = arith.constant dense<1> : tensor<1xi64>
  %o = dyad.slice %r, %s1, %e1, %a1, %st1 {dyad.tensor = "offsets"} : (tensor<?x?x?x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x2x16x16xf32>
  return %l, %o : tensor<1x1x16x16xf32>, tensor<1x2x16x16xf32>
}

// -----

// Not split: the conv's output is also read whole (a graph output), a
// slice takes every other channel, or a Resize mixes channels... here the
// first two (one whole use, one strided slice).
// CHECK-LABEL: func.func @whole_use(
// CHECK:         dyad.conv {{.*}} -> tensor<1x6x8x8xf32>
// CHECK:         dyad.slice
// CHECK-LABEL: func.func @strided(
// CHECK:         dyad.conv {{.*}} -> tensor<1x6x8x8xf32>
// CHECK:         dyad.slice
func.func @whole_use(%x: tensor<1x4x8x8xf32>) -> (tensor<1x6x8x8xf32>, tensor<1x1x8x8xf32>) {
  %w = arith.constant dense<1.0> : tensor<6x4x1x1xf32>
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<6x4x1x1xf32>) -> tensor<1x6x8x8xf32>
  %s = arith.constant dense<[3]> : tensor<1xi64>
  %e = arith.constant dense<[4]> : tensor<1xi64>
  %a = arith.constant dense<[1]> : tensor<1xi64>
  %st = arith.constant dense<1> : tensor<1xi64>
  %l = dyad.slice %c, %s, %e, %a, %st : (tensor<1x6x8x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x1x8x8xf32>
  return %c, %l : tensor<1x6x8x8xf32>, tensor<1x1x8x8xf32>
}
func.func @strided(%x: tensor<1x4x8x8xf32>) -> tensor<1x3x8x8xf32> {
  %w = arith.constant dense<1.0> : tensor<6x4x1x1xf32>
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<6x4x1x1xf32>) -> tensor<1x6x8x8xf32>
  %s = arith.constant dense<[0]> : tensor<1xi64>
  %e = arith.constant dense<[6]> : tensor<1xi64>
  %a = arith.constant dense<[1]> : tensor<1xi64>
  %st = arith.constant dense<2> : tensor<1xi64>
  %l = dyad.slice %c, %s, %e, %a, %st : (tensor<1x6x8x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x3x8x8xf32>
  return %l : tensor<1x3x8x8xf32>
}

// -----

// A Split is one Slice per piece, named after the Split's outputs (the
// importer keeps them in dyad.tensors): calibration observes each piece,
// and quantization treats it like any Slice (Silero VAD's LSTM gates).
// CHECK-LABEL: func.func @split(
// CHECK-DAG:     %[[Z:.*]] = arith.constant dense<0> : tensor<1xi64>
// CHECK-DAG:     %[[F:.*]] = arith.constant dense<4> : tensor<1xi64>
// CHECK-DAG:     %[[T:.*]] = arith.constant dense<12> : tensor<1xi64>
// CHECK-DAG:     %[[O:.*]] = arith.constant dense<1> : tensor<1xi64>
// CHECK-DAG:     %[[A:.*]] = dyad.slice %arg0, %[[Z]], %[[F]], %[[O]], %[[O]] {dyad.tensor = "gate_i"} : {{.*}} -> tensor<2x4xf32>
// CHECK-DAG:     %[[B:.*]] = dyad.slice %arg0, %[[F]], %[[T]], %[[O]], %[[O]] {dyad.tensor = "gate_fo"} : {{.*}} -> tensor<2x8xf32>
// CHECK-NOT:     dyad.split
// CHECK:         return %[[A]], %[[B]]
func.func @split(%x: tensor<2x12xf32>) -> (tensor<2x4xf32>, tensor<2x8xf32>) {
  %a:2 = dyad.split %x {axis = -1 : i64, split = array<i64: 4, 8>, dyad.tensors = ["gate_i", "gate_fo"]} : (tensor<2x12xf32>) -> (tensor<2x4xf32>, tensor<2x8xf32>)
  return %a#0, %a#1 : tensor<2x4xf32>, tensor<2x8xf32>
}
