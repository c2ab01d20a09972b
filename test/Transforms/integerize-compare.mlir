// dyad-integerize compares integers: two operands of one scale and zero
// point directly, a quantized operand against a constant through an exact
// integer threshold (r = c / S + Z: q > r iff q > floor(r), q >= r iff
// q >= ceil(r), q == r iff r is an integer); operands of different scales
// stay float with the reason.
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-integerize))' | FileCheck %s

!q = !quant.uniform<i8:f32, 0.5:3>
!r = !quant.uniform<i8:f32, 0.25:3>

// CHECK-LABEL: func.func @thresholds(
// 1.2 / 0.5 + 3 = 5.4: q > 5, q >= 6, 6 < q (constant first: q > 5.4),
// and never equal (the threshold is outside [-128, 127]).
// CHECK: %[[W:.*]] = dyad.cast %{{.*}} : tensor<4xi8> to tensor<4xi32>
// CHECK: %[[FIVE:.*]] = arith.constant dense<5> : tensor<i32>
// CHECK: dyad.greater %[[W]], %[[FIVE]] : (tensor<4xi32>, tensor<i32>) -> tensor<4xi1>
// CHECK: %[[SIX:.*]] = arith.constant dense<6> : tensor<i32>
// CHECK: dyad.greater_or_equal %{{.*}}, %[[SIX]] : (tensor<4xi32>, tensor<i32>) -> tensor<4xi1>
// CHECK: %[[FIVE2:.*]] = arith.constant dense<5> : tensor<i32>
// CHECK: dyad.less %[[FIVE2]], %{{.*}} : (tensor<i32>, tensor<4xi32>) -> tensor<4xi1>
// CHECK: %[[OUT:.*]] = arith.constant dense<128> : tensor<i32>
// CHECK: dyad.equal %{{.*}}, %[[OUT]] : (tensor<4xi32>, tensor<i32>) -> tensor<4xi1>
func.func @thresholds(%x: tensor<4x!q>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %c = arith.constant dense<1.2> : tensor<f32>
  %f = dyad.dequantize %x : tensor<4x!q> to tensor<4xf32>
  %0 = dyad.greater %f, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  %1 = dyad.greater_or_equal %f, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  %2 = dyad.less %c, %f : (tensor<f32>, tensor<4xf32>) -> tensor<4xi1>
  %3 = dyad.equal %f, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  return %0, %1, %2, %3 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// CHECK-LABEL: func.func @exact_equal(
// 1.5 / 0.5 + 3 = 6: q == 6.
// CHECK: %[[SIX:.*]] = arith.constant dense<6> : tensor<i32>
// CHECK: dyad.equal %{{.*}}, %[[SIX]] : (tensor<4xi32>, tensor<i32>) -> tensor<4xi1>
func.func @exact_equal(%x: tensor<4x!q>) -> tensor<4xi1> {
  %c = arith.constant dense<1.5> : tensor<f32>
  %f = dyad.dequantize %x : tensor<4x!q> to tensor<4xf32>
  %0 = dyad.equal %f, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// CHECK-LABEL: func.func @same_params(
// CHECK: dyad.less_or_equal %{{.*}}, %{{.*}} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi1>
func.func @same_params(%x: tensor<4x!q>, %y: tensor<4x!q>) -> tensor<4xi1> {
  %a = dyad.dequantize %x : tensor<4x!q> to tensor<4xf32>
  %b = dyad.dequantize %y : tensor<4x!q> to tensor<4xf32>
  %0 = dyad.less_or_equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// CHECK-LABEL: func.func @different_params(
// CHECK: dyad.greater %{{.*}}, %{{.*}} {dyad.float_reason = "a comparison of operands with different quantization parameters"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
func.func @different_params(%x: tensor<4x!q>, %y: tensor<4x!r>) -> tensor<4xi1> {
  %a = dyad.dequantize %x : tensor<4x!q> to tensor<4xf32>
  %b = dyad.dequantize %y : tensor<4x!r> to tensor<4xf32>
  %0 = dyad.greater %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}
