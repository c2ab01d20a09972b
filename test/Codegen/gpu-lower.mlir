// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-lower-gpu{chip=sm_90 opt-level=0})' | FileCheck %s
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-lower-gpu{chip=sm_90})' | FileCheck %s --check-prefix=FUSED
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-lower-gpu{chip=sm_80 block-size=64})' | FileCheck %s --check-prefix=SM80

// A graph on tensors becomes PTX kernels and host code that runs them
// through the run's dyad_gpu_ctx (include/dyad/Runtime/dyad_gpu_abi.h):
// field 0 alloc, 2 constant, 3 launch. No gpu op and no CUDA symbol is left.
// CHECK: module attributes {dyad.gpu_kernels = ["add_bias_kernel", "add_bias_kernel_0"], dyad.gpu_ptx = "{{.*}}.target sm_90{{.*}}.entry add_bias_kernel({{.*}}sqrt.rn.f32{{.*}}.entry add_bias_kernel_0({{.*}}cvt.rni.f32.f32
// CHECK: llvm.mlir.global internal thread_local @__dyad_gpu_ctx() {{.*}} : !llvm.ptr
// CHECK-LABEL: llvm.func @add_bias
// CHECK-DAG: %[[SLOT:.*]] = llvm.mlir.addressof @__dyad_gpu_ctx
// CHECK-DAG: %[[BIAS:.*]] = llvm.mlir.addressof @__constant_16xf32
// CHECK: %[[CTX:.*]] = llvm.load %[[SLOT]]
// CHECK: %[[FIELD:.*]] = llvm.getelementptr %[[CTX]][2]
// CHECK: %[[FN:.*]] = llvm.load %[[FIELD]]
// CHECK: llvm.call %[[FN]](%[[CTX]], %{{.*}}, %[[BIAS]], %{{.*}}) : !llvm.ptr, (!llvm.ptr, i64, !llvm.ptr, i64) -> !llvm.ptr
// CHECK: %[[CTX0:.*]] = llvm.load %[[SLOT]]
// CHECK: %[[ALLOC:.*]] = llvm.load %[[CTX0]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call %[[ALLOC]](%[[CTX0]], %{{.*}}) : !llvm.ptr, (!llvm.ptr, i64) -> !llvm.ptr
// CHECK: llvm.getelementptr %{{.*}}[3] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: llvm.call %{{.*}} : !llvm.ptr, (!llvm.ptr, i64, i64, i64, i64, i64, i64, i64, i64, !llvm.ptr) -> ()
// CHECK-NOT: gpu.
// With optimization, the two elementwise ops are one kernel.
// FUSED: module attributes {dyad.gpu_kernels = ["add_bias_kernel"], dyad.gpu_ptx = "{{.*}}sqrt.rn.f32{{.*}}cvt.rni.f32.f32
// SM80: .target sm_80
// SM80: .maxntid 64, 1, 1
func.func @add_bias(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %c0 = arith.constant 0 : index
  %bias = arith.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]> : tensor<16xf32>
  %n = tensor.dim %x, %c0 : tensor<?x16xf32>
  %e = tensor.empty(%n) : tensor<?x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x, %bias : tensor<?x16xf32>, tensor<16xf32>) outs(%e : tensor<?x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = math.sqrt %s : f32
    linalg.yield %r : f32
  } -> tensor<?x16xf32>
  %z = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<?x16xf32>) outs(%e : tensor<?x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.roundeven %a : f32
    linalg.yield %r : f32
  } -> tensor<?x16xf32>
  return %z : tensor<?x16xf32>
}
