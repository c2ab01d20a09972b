// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-pack-nibbles,canonicalize,cse))' | FileCheck %s

// dyad-cpu-pack-nibbles on reads it is given directly. A row index whose
// parity is known only at run time: each row reads its packed row (r / 2)
// and picks its nibble by r & 1. (3 + 8 = 0xB in both nibbles: 0xBB = -69.)
// CHECK-LABEL: func.func @parity(
// CHECK-SAME:    %[[R:.*]]: index
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<-69> : tensor<2x64xi8>
// CHECK:       %[[P:.*]] = arith.shrui %[[R]], %c1 : index
// CHECK:       %[[V:.*]] = vector.transfer_read %[[W]][%[[P]], %c0]
// CHECK:       %[[BIT:.*]] = arith.andi %[[R]], %c1 : index
// CHECK:       %[[ODD:.*]] = arith.cmpi ne, %[[BIT]], %c0 : index
// CHECK:       arith.select %[[ODD]]
// CHECK:       %[[R1:.*]] = arith.addi %[[R]], %c1 : index
// CHECK:       arith.shrui %[[R1]], %c1 : index
// CHECK:       arith.select
// CHECK:       vector.shuffle
// CHECK:       arith.extsi %{{.*}} : vector<2x64xi8> to vector<2x64xi32>
// CHECK-NOT:   xi4
func.func @parity(%r: index) -> vector<2x64xi32> {
  %w = arith.constant dense<3> : tensor<4x64xi4>
  %c0 = arith.constant 0 : index
  %p = arith.constant 0 : i4
  %v = vector.transfer_read %w[%r, %c0], %p {in_bounds = [true, true]} : tensor<4x64xi4>, vector<2x64xi4>
  %e = arith.extsi %v : vector<2x64xi4> to vector<2x64xi32>
  return %e : vector<2x64xi32>
}

// -----

// A read that may leave the tensor (in_bounds false) reads an i8 copy of
// the constant, as it read the i4 one: correct, not smaller.
// CHECK-LABEL: func.func @fallback(
// CHECK:       %[[W:.*]] = arith.constant dense<-5> : tensor<4x64xi8>
// CHECK:       %[[V:.*]] = vector.transfer_read %[[W]][%{{.*}}, %c0], %c0_i8 {in_bounds = [false, true]} : tensor<4x64xi8>, vector<2x64xi8>
// CHECK:       arith.extsi %[[V]] : vector<2x64xi8> to vector<2x64xi32>
// CHECK-NOT:   xi4
func.func @fallback(%r: index) -> vector<2x64xi32> {
  %w = arith.constant dense<-5> : tensor<4x64xi4>
  %c0 = arith.constant 0 : index
  %p = arith.constant 0 : i4
  %v = vector.transfer_read %w[%r, %c0], %p {in_bounds = [false, true]} : tensor<4x64xi4>, vector<2x64xi4>
  %e = arith.extsi %v : vector<2x64xi4> to vector<2x64xi32>
  return %e : vector<2x64xi32>
}
