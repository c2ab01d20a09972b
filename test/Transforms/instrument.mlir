// RUN: dyad-opt %s --dyad-instrument | FileCheck %s
// RUN: dyad-opt %s --dyad-instrument=func=other | FileCheck %s --check-prefix=OTHER
// RUN: not dyad-opt %s --dyad-instrument=func=missing 2>&1 | FileCheck %s --check-prefix=MISSING

// dyad-instrument appends every calibrated activation to the graph
// function's results, each named (dyad.name) by its ONNX tensor name: named
// f32 graph inputs and named f32 results of dyad ops, in program order, once
// per name. Constants (not dyad ops), unnamed values and non-f32 tensors are
// not activations.

// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4xf32> {dyad.name = "input"}, %[[Y:[^:]*]]: tensor<1x4xf32>, %[[Z:[^:]*]]: tensor<1x4xf64> {dyad.name = "wide"})
// CHECK-SAME:    -> (tensor<1x4xf32> {dyad.name = "out"}, tensor<1x4xf32> {dyad.name = "input"}, tensor<1x4xf32> {dyad.name = "a"}, tensor<1x4xf32> {dyad.name = "b"}, tensor<1x4xf32> {dyad.name = "r"}, tensor<1x4xf32> {dyad.name = "out"})
// CHECK:         %[[A:.*]] = dyad.add %[[X]], %{{.*}} {dyad.tensor = "a"}
// CHECK-NEXT:    %[[B:.*]] = dyad.relu %[[A]] {dyad.tensor = "b"}
// CHECK:         %[[R:.*]] = dyad.reshape
// CHECK:         %[[O:.*]] = dyad.add
// CHECK-NEXT:    return %[[O]], %[[X]], %[[A]], %[[B]], %[[R]], %[[O]] : tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>
// CHECK-LABEL: func.func @other(
// CHECK-SAME:    -> tensor<2xf32> {
// OTHER-LABEL: func.func @main_graph(
// OTHER-SAME:    -> (tensor<1x4xf32> {dyad.name = "out"}) {
// OTHER-LABEL: func.func @other(
// OTHER-SAME:    %[[V:[^:]*]]: tensor<2xf32> {dyad.name = "v"}) -> (tensor<2xf32>, tensor<2xf32> {dyad.name = "v"}, tensor<2xf32> {dyad.name = "e"})
// OTHER:         %[[E:.*]] = dyad.exp %[[V]]
// OTHER-NEXT:    return %[[E]], %[[V]], %[[E]]
module {
  func.func @main_graph(%x: tensor<1x4xf32> {dyad.name = "input"}, %y: tensor<1x4xf32>, %z: tensor<1x4xf64> {dyad.name = "wide"}) -> (tensor<1x4xf32> {dyad.name = "out"}) {
    // A constant is not an activation, even when named.
    %c = arith.constant {dyad.tensor = "const"} dense<1.0> : tensor<1x4xf32>
    %a = dyad.add %x, %c {dyad.tensor = "a"} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
    %b = dyad.relu %a {dyad.tensor = "b"} : tensor<1x4xf32>
    // Unnamed: skipped.
    %u = dyad.mul %b, %y : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
    // A name seen before: exposed once (the first).
    %d = dyad.relu %u {dyad.tensor = "a"} : tensor<1x4xf32>
    // Not f32: skipped.
    %s = dyad.shape %d {dyad.tensor = "shape"} : (tensor<1x4xf32>) -> tensor<2xi64>
    %r = dyad.reshape %d, %s {dyad.tensor = "r"} : (tensor<1x4xf32>, tensor<2xi64>) -> tensor<1x4xf32>
    %zz = dyad.exp %z {dyad.tensor = "wide_exp"} : tensor<1x4xf64>
    %o = dyad.add %r, %x {dyad.tensor = "out"} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
    return %o : tensor<1x4xf32>
  }
  func.func @other(%v: tensor<2xf32> {dyad.name = "v"}) -> tensor<2xf32> {
    %e = dyad.exp %v {dyad.tensor = "e"} : tensor<2xf32>
    return %e : tensor<2xf32>
  }
}

// MISSING: error: no function 'missing'
