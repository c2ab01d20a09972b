// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-to-linalg,dyad-cpu-fuse-elementwise,dyad-cpu-select-kernels),dyad-cpu-profile)' | FileCheck %s

// dyad-cpu-profile cuts the kernels into groups named after their ONNX
// nodes (the locations the importer gives), marks each group's start and
// the return, and counts a contraction's operations from its loop ranges
// at run time (2 x N x 32 x 64 here, N the dynamic batch read from the
// input, not from the matmul's init: that would be one more use of it).
// The quantization of the graph input has no node: it is named after the
// input. Ops of no work (tensor.empty, tensor.dim) start no group.

// CHECK: module attributes {dyad.profile = [
// CHECK-SAME: {fused = [], kernel = "elementwise", node = "(input x)"},
// CHECK-SAME: {fused = [], kernel = "matmul", node = "fc1"},
// CHECK-SAME: {fused = [], kernel = "elementwise", node = "relu1"},
// CHECK-SAME: {fused = [], kernel = "elementwise", node = "max1"}]}

// CHECK-LABEL: func.func @main
// CHECK: %[[C0:.*]] = arith.constant 0 : i32
// CHECK: call @dyad_profile_mark(%[[C0]])
// CHECK: linalg.generic
// CHECK: %[[C1:.*]] = arith.constant 1 : i32
// CHECK: call @dyad_profile_mark(%[[C1]])
// CHECK: linalg.generic
// CHECK: %[[N:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x64xf32>
// CHECK-NOT: tensor.dim
// CHECK: %[[M1:.*]] = arith.muli %{{.*}}, %[[N]]
// CHECK: %[[M2:.*]] = arith.muli %[[M1]], %{{.*}}
// CHECK: %[[M3:.*]] = arith.muli %[[M2]], %{{.*}}
// CHECK: %[[OPS:.*]] = arith.index_cast %[[M3]] : index to i64
// CHECK: call @dyad_profile_ops(%{{.*}}, %[[OPS]])
// CHECK-NEXT: linalg.matmul
// CHECK: call @dyad_profile_mark
// CHECK: arith.maximumf
// CHECK: call @dyad_profile_mark
// CHECK: arith.maximumf
// CHECK: %[[END:.*]] = arith.constant -1 : i32
// CHECK: call @dyad_profile_mark(%[[END]])
// CHECK-NEXT: return
// CHECK: func.func private @dyad_profile_mark(i32)
// CHECK: func.func private @dyad_profile_ops(i32, i64)

func.func @main(%x: tensor<?x64xf32> {dyad.name = "x"}) -> tensor<?x32xf32> {
  %w = arith.constant dense<0.5> : tensor<64x32xf32>
  %b = arith.constant dense<0.25> : tensor<32xf32>
  %xq = dyad.relu %x : tensor<?x64xf32>
  %0 = dyad.gemm %xq, %w, %b : (tensor<?x64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<?x32xf32> loc("fc1")
  %1 = dyad.relu %0 : tensor<?x32xf32> loc("relu1")
  %2 = dyad.max %1, %0 : (tensor<?x32xf32>, tensor<?x32xf32>) -> tensor<?x32xf32> loc("max1")
  return %2 : tensor<?x32xf32>
}
