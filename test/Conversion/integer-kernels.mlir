// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// The integer-only nonlinear kernels (lib/Conversion/IntegerKernels.cpp):
// 64-bit integer arithmetic in linalg.generic bodies, tables read with
// tensor.extract, one division per row.

// dyad.lookup: table[clamp(x - offset, 0, size - 1)].
// CHECK-LABEL: func.func @lookup(
// CHECK:         %[[T:.*]] = arith.constant dense<[10, 20, 30, 40]> : tensor<4xi32>
// CHECK:         linalg.generic
// CHECK:           arith.extsi %{{.*}} : i8 to i64
// CHECK:           arith.subi
// CHECK:           arith.maxsi
// CHECK:           arith.minsi
// CHECK:           %[[I:.*]] = arith.index_cast
// CHECK:           tensor.extract %[[T]][%[[I]]] : tensor<4xi32>
// CHECK:           arith.trunci %{{.*}} : i64 to i8
func.func @lookup(%x: tensor<?xi8>) -> tensor<?xi8> {
  %y = dyad.lookup %x {table = array<i32: 10, 20, 30, 40>, offset = -2} : tensor<?xi8> to tensor<?xi8>
  return %y : tensor<?xi8>
}

// dyad.int_softmax: row max, table exp, row sum, one division per row (a
// generic over the rows alone), the scaling and rounding per element.
// CHECK-LABEL: func.func @softmax(
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:           arith.maxsi
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK:           tensor.extract
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:           arith.addi
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:           arith.divsi
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK:           arith.muli
// CHECK:           arith.shrsi
func.func @softmax(%x: tensor<?x3xi8>) -> tensor<?x3xi8> {
  %y = dyad.int_softmax %x {exp_table = array<i32: 1073741824, 536870912, 268435456, 0>, numerator = 140737488355328, shift = 40} : tensor<?x3xi8> to tensor<?x3xi8>
  return %y : tensor<?x3xi8>
}

// dyad.int_layer_norm: two row sums, the integer square root (31 selects)
// and one division per row, then scale and bias per element.
// CHECK-LABEL: func.func @layer_norm(
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:           arith.muli
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK-COUNT-62:  arith.select
// CHECK:           arith.divsi
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
func.func @layer_norm(%x: tensor<?x4xi8>) -> tensor<?x4xi8> {
  %y = dyad.int_layer_norm %x {input_zp = 2, epsilon = 0, sqrt_shift = 4, frac_bits = 16, scale = array<i64: 10485760, 10485760, 10485760, 10485760>, bias = array<i64: 137438953472, 137438953472, 137438953472, 137438953472>, out_shift = 36, output_zp = 1} : tensor<?x4xi8> to tensor<?x4xi8>
  return %y : tensor<?x4xi8>
}

func.func private @printMemrefI32(tensor<*xi32>)

func.func @print(%v: tensor<?x?xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %v, %c0 : tensor<?x?xi8>
  %d1 = tensor.dim %v, %c1 : tensor<?x?xi8>
  %e = tensor.empty(%d0, %d1) : tensor<?x?xi32>
  %w = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%v : tensor<?x?xi8>) outs(%e : tensor<?x?xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<?x?xi32>
  %u = tensor.cast %w : tensor<?x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  // Indices -2.. read 10, 20, 30, 40; 5 and -9 read the table's ends.
  %a0 = arith.constant dense<[[-2, -1, 0, 1, 5, -9]]> : tensor<1x6xi8>
  %f0 = tensor.collapse_shape %a0 [[0, 1]] : tensor<1x6xi8> into tensor<6xi8>
  %c0 = tensor.cast %f0 : tensor<6xi8> to tensor<?xi8>
  %r0 = call @lookup(%c0) : (tensor<?xi8>) -> tensor<?xi8>
  %s0 = tensor.cast %r0 : tensor<?xi8> to tensor<6xi8>
  %x0 = tensor.expand_shape %s0 [[0, 1]] output_shape [1, 6] : tensor<6xi8> into tensor<1x6xi8>
  %p0 = tensor.cast %x0 : tensor<1x6xi8> to tensor<?x?xi8>
  call @print(%p0) : (tensor<?x?xi8>) -> ()

  // exp(-d ln 2) * 2^30 for d = 0, 1, 2 (0 beyond), S_out = 1/128:
  // [0 0 0] -> 128/3 each = 42.67 -> 43; [2 0 1] -> 128 * (1, 1/4, 1/2) /
  // 1.75 = 73.14, 18.29, 36.57 -> 73, 18, 37 (R = floor(2^47 / S) = 74898:
  // 74898 / 2^10 = 73.14); [9 0 6] -> 128 (clamped to 127), 0, 0.
  %a1 = arith.constant dense<[[0, 0, 0], [2, 0, 1], [9, 0, 6]]> : tensor<3x3xi8>
  %c1 = tensor.cast %a1 : tensor<3x3xi8> to tensor<?x3xi8>
  %r1 = call @softmax(%c1) : (tensor<?x3xi8>) -> tensor<?x3xi8>
  %p1 = tensor.cast %r1 : tensor<?x3xi8> to tensor<?x?xi8>
  call @print(%p1) : (tensor<?x?xi8>) -> ()

  // v = x - 2 = [1 3 5 7]: mean 4, var 5, z = (v - 4) / sqrt 5; y = 10 z + 2
  // + zp 1 = -10.42, -1.47, 7.47, 16.42 (sqrt(80 * 2^8) = 143.1 -> 143:
  // z = (4v - 16) 16 / 143) -> -10, -1, 7, 16. A constant row: var 0, z 0,
  // y = 3.
  %a2 = arith.constant dense<[[3, 5, 7, 9], [7, 7, 7, 7]]> : tensor<2x4xi8>
  %c2 = tensor.cast %a2 : tensor<2x4xi8> to tensor<?x4xi8>
  %r2 = call @layer_norm(%c2) : (tensor<?x4xi8>) -> tensor<?x4xi8>
  %p2 = tensor.cast %r2 : tensor<?x4xi8> to tensor<?x?xi8>
  call @print(%p2) : (tensor<?x?xi8>) -> ()
  return
}

// EXEC: data =
// EXEC-NEXT: {{\[\[}}10, 20, 30, 40, 40, 10]]
// EXEC: data =
// EXEC-NEXT: {{\[\[}}43, 43, 43],
// EXEC-NEXT: [73, 18, 37],
// EXEC-NEXT: [127, 0, 0]]
// EXEC: data =
// EXEC-NEXT: {{\[\[}}-10, -1, 7, 16],
// EXEC-NEXT: [3, 3, 3, 3]]
