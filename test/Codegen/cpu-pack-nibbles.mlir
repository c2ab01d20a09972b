// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-vnni{vnni-bits=512},canonicalize,cse))' | FileCheck %s --check-prefix=PACK
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-vnni{vnni-bits=512},dyad-cpu-select-kernels,dyad-cpu-tile-and-vectorize,dyad-cpu-pack-nibbles,canonicalize,cse))' | FileCheck %s

// Weights quantized to 4 bits (w[k][n] = (3k + n) mod 16 - 8, all in
// [-8, 7]): dyad-cpu-pack-vnni packs them [K/4][N*4] as an i4 constant
// (byte 4n+ki of row kb is w[4kb+ki][n]: -8, -5, -2, 1 for n = 0).
// PACK-LABEL: func.func @gemm24(
// PACK:       arith.constant dense<"0x080B0E01{{.*}}"> : tensor<6x64xi4>
// PACK:       linalg.generic
// PACK:         arith.extsi %{{.*}} : i4 to i32
//
// After tiling (K in one tile of 6 steps), dyad-cpu-pack-nibbles stores
// them two rows per byte: row 2i in the low nibble, 2i+1 in the high one,
// offset by 8 (byte 0: w'[0][0] + 8 = 0, w'[1][0] + 8 = 12: 0xC0). Each
// 64-byte read of a packed row gives two rows of the vpdpbusd operand:
// (v & 15) - 8 and (v >> 4) - 8. Nothing i4 is left.
// CHECK-LABEL: func.func @gemm24(
// CHECK-NOT:   xi4
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<"0xC0F32659{{.*}}"> : tensor<3x64xi8>
// CHECK-DAG:   %[[LOW:.*]] = arith.constant dense<15> : vector<64xi8>
// CHECK-DAG:   %[[FOUR:.*]] = arith.constant dense<4> : vector<64xi8>
// CHECK-DAG:   %[[EIGHT:.*]] = arith.constant dense<8> : vector<64xi8>
// CHECK:       scf.for
// CHECK:         %[[P0:.*]] = vector.transfer_read %[[W]][%c0, %c0], %{{.*}} {in_bounds = [true]} : tensor<3x64xi8>, vector<64xi8>
// CHECK:         %[[A:.*]] = arith.andi %[[P0]], %[[LOW]] : vector<64xi8>
// CHECK:         %[[R0:.*]] = arith.subi %[[A]], %[[EIGHT]] : vector<64xi8>
// CHECK:         %[[S:.*]] = arith.shrui %[[P0]], %[[FOUR]] : vector<64xi8>
// CHECK:         %[[R1:.*]] = arith.subi %[[S]], %[[EIGHT]] : vector<64xi8>
// CHECK:         vector.transfer_read %[[W]][%c1, %c0]
// CHECK:         vector.transfer_read %[[W]][%c2, %c0]
// CHECK:         vector.shuffle %[[R0]], %[[R1]]
// CHECK:         %[[ROWS:.*]] = vector.shape_cast %{{.*}} : vector<384xi8> to vector<6x16x4xi8>
// CHECK:         arith.extsi %[[ROWS]] : vector<6x16x4xi8> to vector<6x16x4xi32>
// CHECK:         vector.contract
func.func @gemm24(%x: tensor<?x24xi8>) -> tensor<?x16xi32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x24xi8>
  %w = arith.constant dense<[[-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7], [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6], [-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3], [1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0], [4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3], [7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6], [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7], [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4], [0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1], [3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2], [6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5], [-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8], [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5], [-1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2], [2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1], [5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4], [-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7], [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6], [-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3], [1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0], [4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3], [7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6], [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7], [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4]]> : tensor<24x16xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty(%n) : tensor<?x16xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<?x16xi32>) -> tensor<?x16xi32>
  %y = linalg.matmul ins(%x, %w : tensor<?x24xi8>, tensor<24x16xi8>) outs(%init : tensor<?x16xi32>) -> tensor<?x16xi32>
  return %y : tensor<?x16xi32>
}

// -----

// An odd number of rows (K = 12: 3 steps of 4): the last row pairs with
// zeros (high nibble 8), and its read unpacks the low half only.
// CHECK-LABEL: func.func @gemm12(
// CHECK-NOT:   xi4
// (Second packed row: w[8..11][0] + 8 = 1, 4, 7, 10 in the low nibbles,
// 8 in every high one.)
// CHECK:       %[[W:.*]] = arith.constant dense<"0x598CBFE2{{[0-9A-F]+}}487BAED18184878A8285888B{{(8[0-9A-F])+}}"> : tensor<2x64xi8>
// CHECK:       vector.transfer_read %[[W]][%c0, %c0]
// CHECK:       %[[P1:.*]] = vector.transfer_read %[[W]][%c1, %c0]
// CHECK:       %[[A:.*]] = arith.andi %[[P1]]
// CHECK:       %[[R2:.*]] = arith.subi %[[A]]
// CHECK-NOT:   arith.shrui %[[P1]]
// CHECK:       vector.shuffle %{{.*}}, %[[R2]]
func.func @gemm12(%x: tensor<?x12xi8>) -> tensor<?x16xi32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x12xi8>
  %w = arith.constant dense<[[1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0], [4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3], [7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6], [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7], [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4], [0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1], [3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2], [6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5], [-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8], [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5], [-1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2], [2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1]]> : tensor<12x16xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty(%n) : tensor<?x16xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<?x16xi32>) -> tensor<?x16xi32>
  %y = linalg.matmul ins(%x, %w : tensor<?x12xi8>, tensor<12x16xi8>) outs(%init : tensor<?x16xi32>) -> tensor<?x16xi32>
  return %y : tensor<?x16xi32>
}

// -----

// One weight (9) outside 4 bits: the layer is 8-bit, its weights stay
// bytes and nothing is unpacked.
// PACK-LABEL: func.func @gemm8bit(
// PACK:       arith.constant dense<"0x{{.*}}"> : tensor<3x64xi8>
// CHECK-LABEL: func.func @gemm8bit(
// CHECK-NOT:   xi4
// CHECK:       vector.transfer_read %{{.*}} : tensor<3x64xi8>, vector<3x64xi8>
// CHECK-NOT:   arith.shrui
// CHECK:       return
func.func @gemm8bit(%x: tensor<?x12xi8>) -> tensor<?x16xi32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x12xi8>
  %w = arith.constant dense<[[1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0], [4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3], [7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6], [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7], [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4], [0, 1, 2, 9, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1], [3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2], [6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5], [-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8], [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5], [-1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2], [2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1]]> : tensor<12x16xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty(%n) : tensor<?x16xi32>
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<?x16xi32>) -> tensor<?x16xi32>
  %y = linalg.matmul ins(%x, %w : tensor<?x12xi8>, tensor<12x16xi8>) outs(%init : tensor<?x16xi32>) -> tensor<?x16xi32>
  return %y : tensor<?x16xi32>
}
