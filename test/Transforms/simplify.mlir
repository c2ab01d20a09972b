// RUN: dyad-opt %s --dyad-simplify -split-input-file | FileCheck %s

// dyad-simplify: the op folders (shape arithmetic on constants, no-op
// reshapes / transposes / casts, elementwise arithmetic on constants) and dead
// code removal.

// CHECK-LABEL: func.func @shape_static
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[2, 3, 4]> : tensor<3xi64>
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-NOT: dyad.shape
// CHECK: return %[[S]], %[[T]]
func.func @shape_static(%x: tensor<2x3x4xf32>) -> (tensor<3xi64>, tensor<2xi64>) {
  %0 = dyad.shape %x : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %1 = dyad.shape %x {start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  return %0, %1 : tensor<3xi64>, tensor<2xi64>
}

// -----

// A dynamic dim does not fold; a range of static dims of the same tensor does.
// CHECK-LABEL: func.func @shape_dynamic
// CHECK-DAG: %[[LAST:.*]] = arith.constant dense<3> : tensor<1xi64>
// CHECK-DAG: %[[ALL:.*]] = dyad.shape %arg0 : (tensor<?x3xf32>) -> tensor<2xi64>
// CHECK: return %[[ALL]], %[[LAST]]
func.func @shape_dynamic(%x: tensor<?x3xf32>) -> (tensor<2xi64>, tensor<1xi64>) {
  %0 = dyad.shape %x : (tensor<?x3xf32>) -> tensor<2xi64>
  %1 = dyad.shape %x {start = -1 : i64} : (tensor<?x3xf32>) -> tensor<1xi64>
  return %0, %1 : tensor<2xi64>, tensor<1xi64>
}

// -----

// The x.view(x.size(0), -1) chain on a static input folds to one constant.
// CHECK-LABEL: func.func @view
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[2, -1]> : tensor<2xi64>
// CHECK-NEXT: %[[Y:.*]] = dyad.reshape %arg0, %[[C]] : (tensor<2x3x4x4xf32>, tensor<2xi64>) -> tensor<2x48xf32>
// CHECK-NEXT: return %[[Y]]
func.func @view(%x: tensor<2x3x4x4xf32>) -> tensor<2x48xf32> {
  %zero = arith.constant dense<0> : tensor<i64>
  %m1 = arith.constant dense<-1> : tensor<1xi64>
  %s = dyad.shape %x : (tensor<2x3x4x4xf32>) -> tensor<4xi64>
  %n = dyad.gather %s, %zero : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %n1 = dyad.unsqueeze %n {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %shp = dyad.concat %n1, %m1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %y = dyad.reshape %x, %shp : (tensor<2x3x4x4xf32>, tensor<2xi64>) -> tensor<2x48xf32>
  return %y : tensor<2x48xf32>
}

// -----

// CHECK-LABEL: func.func @concat_const
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi64>
// CHECK-NEXT: return %[[C]]
func.func @concat_const() -> tensor<5xi64> {
  %a = arith.constant dense<[1, 2]> : tensor<2xi64>
  %b = arith.constant dense<[3, 4, 5]> : tensor<3xi64>
  %0 = dyad.concat %a, %b {axis = 0 : i64} : (tensor<2xi64>, tensor<3xi64>) -> tensor<5xi64>
  return %0 : tensor<5xi64>
}

// -----

// A concat of one input of the result type is that input.
// CHECK-LABEL: func.func @concat_single
// CHECK-NEXT: return %arg0
func.func @concat_single(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = dyad.concat %a {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Negative indices count from the end; a scalar index gives a scalar.
// CHECK-LABEL: func.func @gather_const
// CHECK-DAG: %[[A:.*]] = arith.constant dense<[40, 10]> : tensor<2xi64>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<40> : tensor<i64>
// CHECK-NOT: dyad.gather
// CHECK: return %[[A]], %[[B]]
func.func @gather_const() -> (tensor<2xi64>, tensor<i64>) {
  %a = arith.constant dense<[10, 20, 30, 40]> : tensor<4xi64>
  %i = arith.constant dense<[3, -4]> : tensor<2xi64>
  %j = arith.constant dense<-1> : tensor<i32>
  %0 = dyad.gather %a, %i : (tensor<4xi64>, tensor<2xi64>) -> tensor<2xi64>
  %1 = dyad.gather %a, %j : (tensor<4xi64>, tensor<i32>) -> tensor<i64>
  return %0, %1 : tensor<2xi64>, tensor<i64>
}

// -----

// An out-of-range index is left for run time.
// CHECK-LABEL: func.func @gather_out_of_range
// CHECK: dyad.gather
func.func @gather_out_of_range() -> tensor<i64> {
  %a = arith.constant dense<[10, 20, 30, 40]> : tensor<4xi64>
  %j = arith.constant dense<4> : tensor<i64>
  %0 = dyad.gather %a, %j : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// Reshape, Flatten, Squeeze and Unsqueeze of a constant are constants.
// CHECK-LABEL: func.func @reshape_const
// CHECK-DAG: %[[R:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-DAG: %[[F:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]> : tensor<6xf32>
// CHECK-DAG: %[[U:.*]] = arith.constant dense<{{\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]]> : tensor<1x2x3xf32>
// CHECK-NOT: dyad.
// CHECK: return %[[R]], %[[F]], %[[U]]
func.func @reshape_const(%s: tensor<2xi64>) -> (tensor<3x2xf32>, tensor<6xf32>, tensor<1x2x3xf32>) {
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = dyad.reshape %c, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  %1 = dyad.flatten %c {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<1x6xf32>
  %2 = dyad.squeeze %1 {axes = array<i64: 0>} : (tensor<1x6xf32>) -> tensor<6xf32>
  %3 = dyad.unsqueeze %c {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<1x2x3xf32>
  return %0, %2, %3 : tensor<3x2xf32>, tensor<6xf32>, tensor<1x2x3xf32>
}

// -----

// A reshape to the input's own static type is the input; to a dynamic type it
// stays.
// CHECK-LABEL: func.func @reshape_noop
// CHECK-NEXT: %[[D:.*]] = dyad.reshape %arg0, %arg1 : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x3xf32>
// CHECK-NEXT: return %arg0, %[[D]]
func.func @reshape_noop(%x: tensor<2x3xf32>, %s: tensor<2xi64>) -> (tensor<2x3xf32>, tensor<?x3xf32>) {
  %0 = dyad.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %1 = dyad.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<?x3xf32>
}

// -----

// Identity perm folds away; a real transpose of a value stays; a transposed
// splat is a splat.
// CHECK-LABEL: func.func @transpose
// CHECK-DAG: %[[SPLAT:.*]] = arith.constant dense<7.000000e+00> : tensor<3x2xf32>
// CHECK-DAG: %[[T:.*]] = dyad.transpose %arg0 {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK: return %arg0, %[[T]], %[[SPLAT]]
func.func @transpose(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %0 = dyad.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = dyad.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %c = arith.constant dense<7.0> : tensor<2x3xf32>
  %2 = dyad.transpose %c {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @cast
// CHECK-NEXT: %[[C:.*]] = dyad.cast %arg0 : tensor<2x3xf32> to tensor<2x3xi32>
// CHECK-NEXT: return %arg0, %[[C]]
func.func @cast(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi32>) {
  %0 = dyad.cast %x : tensor<2x3xf32> to tensor<2x3xf32>
  %1 = dyad.cast %x : tensor<2x3xf32> to tensor<2x3xi32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi32>
}

// -----

// Elementwise arithmetic on constants of one static type. Integer division
// truncates toward zero (signed) or divides unsigned (ui8); a zero divisor
// is left alone.
// CHECK-LABEL: func.func @arith
// CHECK-DAG: %[[MUL:.*]] = arith.constant dense<[12, 0, -14]> : tensor<3xi64>
// CHECK-DAG: %[[ADD:.*]] = arith.constant dense<[3.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[SUB:.*]] = arith.constant dense<[4, 8, -9]> : tensor<3xi64>
// CHECK-DAG: %[[DIV:.*]] = arith.constant dense<[-3, 1]> : tensor<2xi64>
// CHECK-DAG: %[[UDIV:.*]] = arith.constant dense<66> : tensor<1xui8>
// CHECK-DAG: %[[BYZERO:.*]] = dyad.div
// CHECK: return %[[MUL]], %[[ADD]], %[[SUB]], %[[DIV]], %[[UDIV]], %[[BYZERO]]
func.func @arith() -> (tensor<3xi64>, tensor<2xf32>, tensor<3xi64>, tensor<2xi64>, tensor<1xui8>, tensor<3xi64>) {
  %a = arith.constant dense<[6, 8, -7]> : tensor<3xi64>
  %b = arith.constant dense<[2, 0, 2]> : tensor<3xi64>
  %c = arith.constant dense<[1.5, 2.0]> : tensor<2xf32>
  %d = arith.constant dense<[-7, 7]> : tensor<2xi64>
  %e = arith.constant dense<[2, 4]> : tensor<2xi64>
  %u = arith.constant dense<200> : tensor<1xui8>
  %u3 = arith.constant dense<3> : tensor<1xui8>
  %0 = dyad.mul %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %1 = dyad.add %c, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = dyad.sub %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %3 = dyad.div %d, %e : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %4 = dyad.div %u, %u3 : (tensor<1xui8>, tensor<1xui8>) -> tensor<1xui8>
  %5 = dyad.div %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %0, %1, %2, %3, %4, %5 : tensor<3xi64>, tensor<2xf32>, tensor<3xi64>, tensor<2xi64>, tensor<1xui8>, tensor<3xi64>
}

// -----

// Broadcasting arithmetic does not fold.
// CHECK-LABEL: func.func @broadcast_no_fold
// CHECK: dyad.add
func.func @broadcast_no_fold() -> tensor<2xi64> {
  %a = arith.constant dense<[1, 2]> : tensor<2xi64>
  %b = arith.constant dense<3> : tensor<i64>
  %0 = dyad.add %a, %b : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Unused pure ops are removed.
// CHECK-LABEL: func.func @dead
// CHECK-NEXT: return %arg0
func.func @dead(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = dyad.relu %x : tensor<2x3xf32>
  %1 = dyad.shape %0 : (tensor<2x3xf32>) -> tensor<2xi64>
  return %x : tensor<2x3xf32>
}
