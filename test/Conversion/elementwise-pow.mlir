// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @pow_f32(
// CHECK-SAME: %[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], {{.*}} ins(%[[X]], %[[Y]] : tensor<2x3xf32>, tensor<3xf32>)
// CHECK: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[R:.*]] = math.powf %[[A]], %[[B]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @pow_f32(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = dyad.pow %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
// Integer exponent: converted to the base's float type (signed).
// CHECK-LABEL: func.func @pow_f32_i64(
// CHECK: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[E:.*]] = arith.sitofp %[[B]] : i64 to f32
// CHECK: math.powf %[[A]], %[[E]] : f32
func.func @pow_f32_i64(%x: tensor<?xf32>, %y: tensor<?xi64>) -> tensor<?xf32> {
  %0 = dyad.pow %x, %y : (tensor<?xf32>, tensor<?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
// Integer pow: squaring loop on the i64 exponent; negative exponents are
// 1 for base 1, +-1 for base -1 and 0 otherwise.
// CHECK-LABEL: func.func @pow_i32(
// CHECK: ^bb0(%[[A:.*]]: i32, %[[B:.*]]: i32, %{{.*}}: i32):
// CHECK: %[[E:.*]] = arith.extsi %[[B]] : i32 to i64
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[E]], %{{.*}} : i64
// CHECK: %[[K:.*]] = arith.select %[[NEG]], %{{.*}}, %[[E]] : i64
// CHECK: %[[LOOP:.*]]:3 = scf.while ({{.*}} = %{{.*}}, {{.*}} = %[[A]], {{.*}} = %[[K]]) : (i32, i32, i64) -> (i32, i32, i64)
// CHECK: scf.condition
// CHECK: } do {
// CHECK: arith.muli {{.*}} : i32
// CHECK: arith.muli {{.*}} : i32
// CHECK: arith.shrui {{.*}} : i64
// CHECK: scf.yield
// CHECK: arith.cmpi eq, %[[A]], %{{.*}} : i32
// CHECK: arith.cmpi eq, %[[A]], %{{.*}} : i32
// CHECK: %[[R:.*]] = arith.select %[[NEG]], %{{.*}}, %[[LOOP]]#0 : i32
// CHECK: linalg.yield %[[R]] : i32
func.func @pow_i32(%x: tensor<?xi32>, %y: tensor<?xi32>) -> tensor<?xi32> {
  %0 = dyad.pow %x, %y : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32>
  return %0 : tensor<?xi32>
}
// Integer base, float exponent: in f64, truncated back.
// CHECK-LABEL: func.func @pow_i64_f32(
// CHECK: ^bb0(%[[A:.*]]: i64, %[[B:.*]]: f32, %{{.*}}: i64):
// CHECK: %[[X:.*]] = arith.sitofp %[[A]] : i64 to f64
// CHECK: %[[Y:.*]] = arith.extf %[[B]] : f32 to f64
// CHECK: %[[P:.*]] = math.powf %[[X]], %[[Y]] : f64
// CHECK: arith.fptosi %[[P]] : f64 to i64
func.func @pow_i64_f32(%x: tensor<4xi64>, %y: tensor<4xf32>) -> tensor<4xi64> {
  %0 = dyad.pow %x, %y : (tensor<4xi64>, tensor<4xf32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// Unsigned base (wraps mod 256), signed exponent.
// Unsigned base: no -1 case for negative exponents.
// CHECK-LABEL: func.func @pow_u8(
// CHECK: ^bb0(%[[A:.*]]: i8, %[[B:.*]]: i32, %{{.*}}: i8):
// CHECK: scf.while
// CHECK: arith.muli {{.*}} : i8
// CHECK: arith.cmpi eq, %[[A]], %{{.*}} : i8
// CHECK-NOT: arith.cmpi eq, %[[A]]
// CHECK: linalg.yield
func.func @pow_u8(%x: tensor<6xi32>, %y: tensor<6xi32>) -> tensor<6xi32> {
  %xu = dyad.cast %x : tensor<6xi32> to tensor<6xui8>
  %0 = dyad.pow %xu, %y : (tensor<6xui8>, tensor<6xi32>) -> tensor<6xui8>
  %1 = dyad.cast %0 : tensor<6xui8> to tensor<6xi32>
  return %1 : tensor<6xi32>
}

func.func @main() {
  %x = arith.constant dense<[[2.0, -2.0, 0.0], [-8.0, 4.0, 0.5]]> : tensor<2x3xf32>
  %y = arith.constant dense<[3.0, 0.5, -1.0]> : tensor<3xf32>
  %r = call @pow_f32(%x, %y) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %u = tensor.cast %r : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  %fx = arith.constant dense<[-2.0, 1.5, 10.0, -3.0]> : tensor<4xf32>
  %fy = arith.constant dense<[3, 2, -2, 0]> : tensor<4xi64>
  %fxd = tensor.cast %fx : tensor<4xf32> to tensor<?xf32>
  %fyd = tensor.cast %fy : tensor<4xi64> to tensor<?xi64>
  %r1 = call @pow_f32_i64(%fxd, %fyd) : (tensor<?xf32>, tensor<?xi64>) -> tensor<?xf32>
  %u1 = tensor.cast %r1 : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()

  %ix = arith.constant dense<[2, 3, -2, -1, -1, 1, 0, 5, 3, 7]> : tensor<10xi32>
  %iy = arith.constant dense<[10, 3, 3, -3, -4, -5, 0, 0, 21, -1]> : tensor<10xi32>
  %ixd = tensor.cast %ix : tensor<10xi32> to tensor<?xi32>
  %iyd = tensor.cast %iy : tensor<10xi32> to tensor<?xi32>
  %r2 = call @pow_i32(%ixd, %iyd) : (tensor<?xi32>, tensor<?xi32>) -> tensor<?xi32>
  %u2 = tensor.cast %r2 : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u2) : (tensor<*xi32>) -> ()

  %lx = arith.constant dense<[4, 9, 2, 10]> : tensor<4xi64>
  %ly = arith.constant dense<[0.5, 0.5, 3.0, -1.0]> : tensor<4xf32>
  %r3 = call @pow_i64_f32(%lx, %ly) : (tensor<4xi64>, tensor<4xf32>) -> tensor<4xi64>
  %u3 = tensor.cast %r3 : tensor<4xi64> to tensor<*xi64>
  call @printMemrefI64(%u3) : (tensor<*xi64>) -> ()

  %bx = arith.constant dense<[2, 3, 16, 255, 1, 2]> : tensor<6xi32>
  %by = arith.constant dense<[7, 5, 2, 1, -3, -1]> : tensor<6xi32>
  %r4 = call @pow_u8(%bx, %by) : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  %u4 = tensor.cast %r4 : tensor<6xi32> to tensor<*xi32>
  call @printMemrefI32(%u4) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefI64(tensor<*xi64>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}8, {{-?}}nan, inf],
// EXEC-NEXT: [-512, 2, 2]]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [-8, 2.25, 0.01, 1]
// EXEC: rank = 1 offset = 0 sizes = [10] strides = {{.*}} data =
// EXEC-NEXT: [1024, 27, -8, -1, 1, 1, 1, 1, 1870418611, 0]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [2, 3, 8, 0]
// EXEC: rank = 1 offset = 0 sizes = [6] strides = {{.*}} data =
// EXEC-NEXT: [128, 243, 0, 255, 1, 0]
