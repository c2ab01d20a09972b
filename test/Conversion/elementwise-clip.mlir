// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Bounds are read once, outside the generic. Floats compare and select: a NaN
// in X stays NaN, a NaN bound is no bound.
// CHECK-LABEL: func.func @clip(
// CHECK-SAME: %[[X:.*]]: tensor<2x?xf32>, %[[LO:.*]]: tensor<f32>, %[[HI:.*]]: tensor<f32>
// CHECK-DAG: %[[L:.*]] = tensor.extract %[[LO]][] : tensor<f32>
// CHECK-DAG: %[[H:.*]] = tensor.extract %[[HI]][] : tensor<f32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<2x?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<2x?xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<2x?xf32>) outs(%[[E]] : tensor<2x?xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[LT:.*]] = arith.cmpf olt, %[[IN]], %[[L]] : f32
// CHECK: %[[V:.*]] = arith.select %[[LT]], %[[L]], %[[IN]] : f32
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[H]] : f32
// CHECK: %[[R:.*]] = arith.select %[[GT]], %[[H]], %[[V]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @clip(%x: tensor<2x?xf32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<2x?xf32> {
  %0 = dyad.clip %x min(%lo) max(%hi) : (tensor<2x?xf32>, tensor<f32>, tensor<f32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}
// CHECK-LABEL: func.func @clip_max(
// CHECK: tensor.extract
// CHECK-NOT: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK-NEXT: linalg.yield
func.func @clip_max(%x: tensor<5xf32>, %hi: tensor<f32>) -> tensor<5xf32> {
  %0 = dyad.clip %x max(%hi) : (tensor<5xf32>, tensor<f32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// No bounds: the input itself (here feeding a relu).
// CHECK-LABEL: func.func @clip_none(
// CHECK-SAME: %[[X:.*]]: tensor<5xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<5xf32>)
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @clip_none(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = dyad.clip %x : (tensor<5xf32>) -> tensor<5xf32>
  %1 = dyad.relu %0 : tensor<5xf32>
  return %1 : tensor<5xf32>
}
// CHECK-LABEL: func.func @clip_i32(
// CHECK: ^bb0(%[[IN:.*]]: i32, %{{.*}}: i32):
// CHECK: %[[V:.*]] = arith.maxsi %[[IN]], %{{.*}} : i32
// CHECK: arith.minsi %[[V]], %{{.*}} : i32
func.func @clip_i32(%x: tensor<?xi32>, %lo: tensor<i32>, %hi: tensor<i32>) -> tensor<?xi32> {
  %0 = dyad.clip %x min(%lo) max(%hi) : (tensor<?xi32>, tensor<i32>, tensor<i32>) -> tensor<?xi32>
  return %0 : tensor<?xi32>
}

// Unsigned inside; signless at the function boundary.
// CHECK-LABEL: func.func @clip_u8(
// CHECK: ^bb0(%[[IN:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[V:.*]] = arith.maxui %[[IN]], %{{.*}} : i8
// CHECK: arith.minui %[[V]], %{{.*}} : i8
func.func @clip_u8(%x: tensor<5xi32>, %lo: tensor<i32>, %hi: tensor<i32>) -> tensor<5xi32> {
  %xu = dyad.cast %x : tensor<5xi32> to tensor<5xui8>
  %lu = dyad.cast %lo : tensor<i32> to tensor<ui8>
  %hu = dyad.cast %hi : tensor<i32> to tensor<ui8>
  %0 = dyad.clip %xu min(%lu) max(%hu) : (tensor<5xui8>, tensor<ui8>, tensor<ui8>) -> tensor<5xui8>
  %1 = dyad.cast %0 : tensor<5xui8> to tensor<5xi32>
  return %1 : tensor<5xi32>
}

func.func @main() {
  %x = arith.constant dense<[[-3.5, -1.0, 0.0, 0.25], [2.0, 7.5, 0x7FC00000, 0xFF800000]]> : tensor<2x4xf32>
  %xd = tensor.cast %x : tensor<2x4xf32> to tensor<2x?xf32>
  %lo = arith.constant dense<-1.5> : tensor<f32>
  %hi = arith.constant dense<2.5> : tensor<f32>
  %r = call @clip(%xd, %lo, %hi) : (tensor<2x?xf32>, tensor<f32>, tensor<f32>) -> tensor<2x?xf32>
  %u = tensor.cast %r : tensor<2x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  %y = arith.constant dense<[-2.0, 0.5, 1.0, 3.0, 0x7F800000]> : tensor<5xf32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %r1 = call @clip_max(%y, %one) : (tensor<5xf32>, tensor<f32>) -> tensor<5xf32>
  %u1 = tensor.cast %r1 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  %r0 = call @clip_none(%y) : (tensor<5xf32>) -> tensor<5xf32>
  %u0 = tensor.cast %r0 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  // A NaN bound is no bound, as np.clip.
  %nan = arith.constant dense<0x7FC00000> : tensor<f32>
  %r2 = call @clip_max(%y, %nan) : (tensor<5xf32>, tensor<f32>) -> tensor<5xf32>
  %u2 = tensor.cast %r2 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()

  %i = arith.constant dense<[-100, -5, 0, 5, 100]> : tensor<5xi32>
  %id = tensor.cast %i : tensor<5xi32> to tensor<?xi32>
  %ilo = arith.constant dense<-10> : tensor<i32>
  %ihi = arith.constant dense<10> : tensor<i32>
  %r3 = call @clip_i32(%id, %ilo, %ihi) : (tensor<?xi32>, tensor<i32>, tensor<i32>) -> tensor<?xi32>
  %u3 = tensor.cast %r3 : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u3) : (tensor<*xi32>) -> ()

  %b = arith.constant dense<[0, 50, 100, 200, 255]> : tensor<5xi32>
  %blo = arith.constant dense<20> : tensor<i32>
  %bhi = arith.constant dense<150> : tensor<i32>
  %r4 = call @clip_u8(%b, %blo, %bhi) : (tensor<5xi32>, tensor<i32>, tensor<i32>) -> tensor<5xi32>
  %u4 = tensor.cast %r4 : tensor<5xi32> to tensor<*xi32>
  call @printMemrefI32(%u4) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-1.5, -1, {{-?(0|[0-9.]+e-[0-9]+)}}, 0.25],
// EXEC-NEXT: [2, 2.5, {{-?}}nan, -1.5]]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [-2, 0.5, 1, 1, 1]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [{{-?(0|[0-9.]+e-[0-9]+)}}, 0.5, 1, 3, inf]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [-2, 0.5, 1, 3, inf]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [-10, -5, 0, 5, 10]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [20, 50, 100, 150, 150]
