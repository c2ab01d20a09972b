// RUN: dyad-opt %s --dyad-integerize --canonicalize -split-input-file | FileCheck %s --check-prefix=KEEP
// RUN: dyad-opt %s --dyad-integerize=float-roundtrips=false --canonicalize -split-input-file | FileCheck %s --check-prefix=DROP

// Two float fallbacks in a row (Resize, then Floor: no integer form). The
// quantize/dequantize between them rounds the resized value to its
// calibrated grid although only float code reads it. A QDQ model's pair is
// its semantics and stays (the default); a calibrated graph's pair
// (`dyadc --quantize --calibrate` runs float-roundtrips=false) is dropped:
// Floor reads the resized floats. (M-LSD: Resize -> Slice -> Sigmoid
// requantized the score logits at the scale of the 16-channel tensor they
// were sliced from, step 1.08, and the peak test found 2589 centres for
// onnxruntime's 317; Sigmoid has an integer form, a table, since.)
// KEEP-LABEL: func.func @chain(
// KEEP:         %[[R:.*]] = dyad.resize
// KEEP-NEXT:    %[[RQ:.*]] = dyad.quantize %[[R]] {{.*}} to tensor<1x2x8x8x!quant.uniform<i8:f32, 2.000000e+00:1>>
// KEEP-NEXT:    %[[RD:.*]] = dyad.dequantize %[[RQ]]
// KEEP-NEXT:    %[[S:.*]] = dyad.floor %[[RD]]
// KEEP-NEXT:    %[[SQ:.*]] = dyad.quantize %[[S]]
// KEEP-NEXT:    return %[[SQ]]
// DROP-LABEL: func.func @chain(
// DROP:         %[[R:.*]] = dyad.resize
// DROP-NEXT:    %[[S:.*]] = dyad.floor %[[R]]
// DROP-NEXT:    %[[SQ:.*]] = dyad.quantize %[[S]] {{.*}} to tensor<1x2x8x8x!quant.uniform<i8:f32, 3.906250e-03:-128>>
// DROP-NEXT:    return %[[SQ]]
// DROP-NOT:     dyad.dequantize
!q = !quant.uniform<i8:f32, 0.5:-3>
!qr = !quant.uniform<i8:f32, 2.0:1>
!qs = !quant.uniform<i8:f32, 0.00390625:-128>
func.func @chain(%x: tensor<1x2x4x4x!q>) -> tensor<1x2x8x8x!qs> {
  %xf = dyad.dequantize %x : tensor<1x2x4x4x!q> to tensor<1x2x4x4xf32>
  %r = dyad.resize %xf {mode = #dyad.resize_mode<linear>, nearest_mode = #dyad.nearest_mode<floor>, sizes = array<i64: 1, 2, 8, 8>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  %rq = dyad.quantize %r : tensor<1x2x8x8xf32> to tensor<1x2x8x8x!qr>
  %rd = dyad.dequantize %rq : tensor<1x2x8x8x!qr> to tensor<1x2x8x8xf32>
  %s = dyad.floor %rd : tensor<1x2x8x8xf32>
  %sq = dyad.quantize %s : tensor<1x2x8x8xf32> to tensor<1x2x8x8x!qs>
  return %sq : tensor<1x2x8x8x!qs>
}

// -----

// The same pair where an integer op also reads the integers (a max pool,
// pass-through): the quantize stays in both modes, and so does the
// dequantize that feeds the float Sigmoid.
// KEEP-LABEL: func.func @shared(
// KEEP:         dyad.resize
// KEEP-NEXT:    dyad.quantize
// KEEP:         dyad.dequantize
// KEEP:         dyad.sigmoid
// KEEP:         dyad.max_pool {{.*}}xi8>) -> tensor<1x2x8x8xi8>
// DROP-LABEL: func.func @shared(
// DROP:         %[[R:.*]] = dyad.resize
// DROP-NEXT:    %[[RQ:.*]] = dyad.quantize %[[R]]
// DROP-DAG:     %[[RD:.*]] = dyad.dequantize %[[RQ]]
// DROP-DAG:     dyad.sigmoid %[[RD]]
// DROP-DAG:     dyad.max_pool {{.*}}xi8>) -> tensor<1x2x8x8xi8>
!q = !quant.uniform<i8:f32, 0.5:-3>
!qr = !quant.uniform<i8:f32, 2.0:1>
func.func @shared(%x: tensor<1x2x4x4x!q>) -> (tensor<1x2x8x8xf32>, tensor<1x2x8x8x!qr>) {
  %xf = dyad.dequantize %x : tensor<1x2x4x4x!q> to tensor<1x2x4x4xf32>
  %r = dyad.resize %xf {mode = #dyad.resize_mode<linear>, nearest_mode = #dyad.nearest_mode<floor>, sizes = array<i64: 1, 2, 8, 8>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  %rq = dyad.quantize %r : tensor<1x2x8x8xf32> to tensor<1x2x8x8x!qr>
  %rd = dyad.dequantize %rq : tensor<1x2x8x8x!qr> to tensor<1x2x8x8xf32>
  %s = dyad.sigmoid %rd : tensor<1x2x8x8xf32>
  %m = dyad.max_pool %rd {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %mq = dyad.quantize %m : tensor<1x2x8x8xf32> to tensor<1x2x8x8x!qr>
  return %s, %mq : tensor<1x2x8x8xf32>, tensor<1x2x8x8x!qr>
}
