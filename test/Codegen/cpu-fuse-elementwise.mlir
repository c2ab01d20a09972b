// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-fuse-elementwise))' | FileCheck %s

// A GELU-like producer (erf) read by a MatMul-like generic over (m, n, k):
// the consumer reads x[m, k] for every column n, so fusing would compute
// the erf n times per value: not fused. The same producer read by an
// elementwise consumer (each value once) is fused.

// CHECK-LABEL: func.func @no_broadcast_fusion(
// CHECK:         %[[G:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<8x16xf32>)
// CHECK:           math.erf
// CHECK:         linalg.generic {{.*}} ins(%[[G]], %{{.*}} : tensor<8x16xf32>, tensor<16x32xf32>)
// CHECK-NOT:       math.erf
// CHECK:           linalg.yield
#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(i, j) -> (i, j)>
func.func @no_broadcast_fusion(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %acc: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %e = tensor.empty() : tensor<8x16xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %v = math.erf %in : f32
    linalg.yield %v : f32
  } -> tensor<8x16xf32>
  %r = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]} ins(%g, %w : tensor<8x16xf32>, tensor<16x32xf32>) outs(%acc : tensor<8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}

// CHECK-LABEL: func.func @elementwise_fusion(
// CHECK:         linalg.generic
// CHECK:           math.erf
// CHECK:           arith.mulf
// CHECK-NOT:     linalg.generic
func.func @elementwise_fusion(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %e = tensor.empty() : tensor<8x16xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %v = math.erf %in : f32
    linalg.yield %v : f32
  } -> tensor<8x16xf32>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%g : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %v = arith.mulf %in, %in : f32
    linalg.yield %v : f32
  } -> tensor<8x16xf32>
  return %h : tensor<8x16xf32>
}
