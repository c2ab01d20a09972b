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

// Nothing is fused into a plain sign extension (the i8 -> i32 operand of a
// matmul: the kernels take its i8 source, so the producer must keep
// writing i8).
// CHECK-LABEL: func.func @extension_stays(
// CHECK:         %[[Q:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<8x16xi8>)
// CHECK:         linalg.generic {{.*}} ins(%[[Q]] : tensor<8x16xi8>) outs(%{{.*}} : tensor<8x16xi32>)
// CHECK-NEXT:    ^bb0(%{{.*}}: i8, %{{.*}}: i32):
// CHECK-NEXT:      arith.extsi
func.func @extension_stays(%x: tensor<8x16xi32>) -> tensor<8x16xi32> {
  %e8 = tensor.empty() : tensor<8x16xi8>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x16xi32>) outs(%e8 : tensor<8x16xi8>) {
  ^bb0(%in: i32, %o: i8):
    %v = arith.trunci %in : i32 to i8
    linalg.yield %v : i8
  } -> tensor<8x16xi8>
  %e32 = tensor.empty() : tensor<8x16xi32>
  %w = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%q : tensor<8x16xi8>) outs(%e32 : tensor<8x16xi32>) {
  ^bb0(%in: i8, %o: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<8x16xi32>
  return %w : tensor<8x16xi32>
}
