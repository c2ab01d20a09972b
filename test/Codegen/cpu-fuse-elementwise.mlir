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

// A global sum (N x C x H x W -> N x C) kept as N x C x 1 x 1 (keepdims) and
// requantized: the unit-dim reshape does not move into the reduction (its
// loops stay n, c, h, w; expanded they would carry the unit dims inside, and
// a unit innermost dim once the input goes channels-last). A reshape that
// splits a real dim (attention heads: 64 = 4 x 16) moves through an
// elementwise op, so the ops around it fuse.
// CHECK-LABEL: func.func @keepdims_reduction(
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}} : tensor<?x8x5x5xf32>) outs(%{{.*}} : tensor<?x8xf32>)
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2, 3]]
// CHECK-LABEL: func.func @head_split(
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] {{.*}} : tensor<?x64xf32> into tensor<?x4x16xf32>
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<?x4x16xf32>) outs(%{{.*}} : tensor<?x4x16xf32>)
#kd_in = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#kd_out = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
#kd_id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @keepdims_reduction(%x: tensor<?x8x5x5xf32>, %acc: tensor<?x8xf32>) -> tensor<?x8x1x1xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8x5x5xf32>
  %s = linalg.generic {indexing_maps = [#kd_in, #kd_out], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%x : tensor<?x8x5x5xf32>) outs(%acc : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %out : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %e = tensor.expand_shape %s [[0], [1, 2, 3]] output_shape [%n, 8, 1, 1] : tensor<?x8xf32> into tensor<?x8x1x1xf32>
  %o = tensor.empty(%n) : tensor<?x8x1x1xf32>
  %r = linalg.generic {indexing_maps = [#kd_id, #kd_id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%e : tensor<?x8x1x1xf32>) outs(%o : tensor<?x8x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.mulf %in, %in : f32
    linalg.yield %v : f32
  } -> tensor<?x8x1x1xf32>
  return %r : tensor<?x8x1x1xf32>
}
#hs2 = affine_map<(d0, d1) -> (d0, d1)>
#hs3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @head_split(%x: tensor<?x64xf32>) -> tensor<?x4x16xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x64xf32>
  %e0 = tensor.empty(%n) : tensor<?x64xf32>
  %g = linalg.generic {indexing_maps = [#hs2, #hs2], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x64xf32>) outs(%e0 : tensor<?x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.mulf %in, %in : f32
    linalg.yield %v : f32
  } -> tensor<?x64xf32>
  %e = tensor.expand_shape %g [[0], [1, 2]] output_shape [%n, 4, 16] : tensor<?x64xf32> into tensor<?x4x16xf32>
  %o = tensor.empty(%n) : tensor<?x4x16xf32>
  %r = linalg.generic {indexing_maps = [#hs3, #hs3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%e : tensor<?x4x16xf32>) outs(%o : tensor<?x4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %in, %in : f32
    linalg.yield %v : f32
  } -> tensor<?x4x16xf32>
  return %r : tensor<?x4x16xf32>
}

// An integer matmul (a 3-D MatMul's rows folded into 2-D) keeps its 2-D
// form: the reshapes around it stay, so vpdpbusd's GEMM can take it. A
// float one takes its batch dims back as loops (fp32_matmul_3d below).
// CHECK-LABEL: func.func @int_matmul_3d(
// CHECK:         tensor.collapse_shape
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x8xi32>, tensor<8x16xi32>)
// CHECK:         tensor.expand_shape
func.func @int_matmul_3d(%x: tensor<?x4x8xi32>, %w: tensor<8x16xi32>) -> tensor<?x4x16xi32> {
  %c0 = arith.constant 0 : index
  %c0_i32 = arith.constant 0 : i32
  %n = tensor.dim %x, %c0 : tensor<?x4x8xi32>
  %xc = tensor.collapse_shape %x [[0, 1], [2]] : tensor<?x4x8xi32> into tensor<?x8xi32>
  %rows = tensor.dim %xc, %c0 : tensor<?x8xi32>
  %e = tensor.empty(%rows) : tensor<?x16xi32>
  %z = linalg.fill ins(%c0_i32 : i32) outs(%e : tensor<?x16xi32>) -> tensor<?x16xi32>
  %y = linalg.matmul ins(%xc, %w : tensor<?x8xi32>, tensor<8x16xi32>) outs(%z : tensor<?x16xi32>) -> tensor<?x16xi32>
  %ye = tensor.expand_shape %y [[0, 1], [2]] output_shape [%n, 4, 16] : tensor<?x16xi32> into tensor<?x4x16xi32>
  return %ye : tensor<?x4x16xi32>
}

// CHECK-LABEL: func.func @fp32_matmul_3d(
// CHECK-NOT:     linalg.matmul
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}}tensor<?x4x8xf32>
func.func @fp32_matmul_3d(%x: tensor<?x4x8xf32>, %w: tensor<8x16xf32>) -> tensor<?x4x16xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4x8xf32>
  %xc = tensor.collapse_shape %x [[0, 1], [2]] : tensor<?x4x8xf32> into tensor<?x8xf32>
  %rows = tensor.dim %xc, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%rows) : tensor<?x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?x16xf32>) -> tensor<?x16xf32>
  %y = linalg.matmul ins(%xc, %w : tensor<?x8xf32>, tensor<8x16xf32>) outs(%z : tensor<?x16xf32>) -> tensor<?x16xf32>
  %ye = tensor.expand_shape %y [[0, 1], [2]] output_shape [%n, 4, 16] : tensor<?x16xf32> into tensor<?x4x16xf32>
  return %ye : tensor<?x4x16xf32>
}

// A 3-D integer MatMul (x[b, s, k] * W[k, n]) is a 2-D matmul over b*s rows
// expanded back to b x s x n; its epilogue (here a requantization-like
// narrowing plus a residual add) moves onto the matmul's 2-D space, the
// residual collapsed, so that it fuses into the GEMM's tiles. The result is
// expanded after the epilogue, not before it.
// CHECK-LABEL: func.func @epilogue_collapsed(
// CHECK-SAME:      %[[X:.*]]: tensor<?x16x48xi32>, %{{.*}}: tensor<48x32xi32>, %[[R:.*]]: tensor<?x16x32xi8>)
// CHECK:         %[[MM:.*]] = linalg.matmul
// CHECK:         %[[RC:.*]] = tensor.collapse_shape %[[R]] {{\[\[}}0, 1], [2]] : tensor<?x16x32xi8> into tensor<?x32xi8>
// CHECK:         %[[E:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[MM]], %[[RC]] : tensor<?x32xi32>, tensor<?x32xi8>)
// CHECK:         tensor.expand_shape %[[E]] {{\[\[}}0, 1], [2]] {{.*}} : tensor<?x32xi8> into tensor<?x16x32xi8>
#id3 = affine_map<(b, s, n) -> (b, s, n)>
func.func @epilogue_collapsed(%x: tensor<?x16x48xi32>, %w: tensor<48x32xi32>, %res: tensor<?x16x32xi8>) -> tensor<?x16x32xi8> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i32
  %b = tensor.dim %x, %c0 : tensor<?x16x48xi32>
  %x2 = tensor.collapse_shape %x [[0, 1], [2]] : tensor<?x16x48xi32> into tensor<?x48xi32>
  %rows = tensor.dim %x2, %c0 : tensor<?x48xi32>
  %e = tensor.empty(%rows) : tensor<?x32xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<?x32xi32>) -> tensor<?x32xi32>
  %mm = linalg.matmul ins(%x2, %w : tensor<?x48xi32>, tensor<48x32xi32>) outs(%f : tensor<?x32xi32>) -> tensor<?x32xi32>
  %y = tensor.expand_shape %mm [[0, 1], [2]] output_shape [%b, 16, 32] : tensor<?x32xi32> into tensor<?x16x32xi32>
  %b2 = tensor.dim %y, %c0 : tensor<?x16x32xi32>
  %o = tensor.empty(%b2) : tensor<?x16x32xi8>
  %q = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%y, %res : tensor<?x16x32xi32>, tensor<?x16x32xi8>) outs(%o : tensor<?x16x32xi8>) {
  ^bb0(%in: i32, %r: i8, %out: i8):
    %t = arith.trunci %in : i32 to i8
    %s = arith.addi %t, %r : i8
    linalg.yield %s : i8
  } -> tensor<?x16x32xi8>
  return %q : tensor<?x16x32xi8>
}
