// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Per-channel parameters read through (d0, d1, d2) -> (d1).
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[CH3:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[CH2:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @bn(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x3x2xf32>, %[[S:[^:]*]]: tensor<3xf32>, %[[B:[^:]*]]: tensor<3xf32>, %[[M:[^:]*]]: tensor<3xf32>, %[[V:[^:]*]]: tensor<3xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x2xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x3x2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID3]], #[[CH3]], #[[CH3]], #[[CH3]], #[[CH3]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[X]], %[[S]], %[[B]], %[[M]], %[[V]] : {{.*}}) outs(%[[E]] : tensor<?x3x2xf32>)
// CHECK: ^bb0(%[[IX:.*]]: f32, %[[IS:.*]]: f32, %[[IB:.*]]: f32, %[[IM:.*]]: f32, %[[IV:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: %[[VE:.*]] = arith.addf %[[IV]], %[[EPS]] : f32
// CHECK: %[[C:.*]] = arith.subf %[[IX]], %[[IM]] : f32
// CHECK: %[[SD:.*]] = math.sqrt %[[VE]] : f32
// CHECK: %[[N:.*]] = arith.divf %[[C]], %[[SD]] : f32
// CHECK: %[[SC:.*]] = arith.mulf %[[N]], %[[IS]] : f32
// CHECK: %[[R:.*]] = arith.addf %[[SC]], %[[IB]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @bn(%x: tensor<?x3x2xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<?x3x2xf32> {
  %0 = dyad.batch_normalization %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<?x3x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x2xf32>
  return %0 : tensor<?x3x2xf32>
}

// f16 data with f32 statistics (ONNX T / T1 / T2), N x C input.
// CHECK-LABEL: func.func @bn_f16(
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH2]], #[[CH2]], #[[CH2]], #[[CH2]], #{{.*}}]
// CHECK: ^bb0(%[[IX:.*]]: f16, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f16):
// CHECK: arith.extf %[[IX]] : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @bn_f16(%x: tensor<2x3xf16>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3xf16> {
  %0 = dyad.batch_normalization %x, %s, %b, %m, %v : (tensor<2x3xf16>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

func.func @main() {
  %x = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [[-1.0, 0.5], [0.0, 10.0], [2.5, -6.0]]]> : tensor<2x3x2xf32>
  %s = arith.constant dense<[1.0, 2.0, 0.5]> : tensor<3xf32>
  %b = arith.constant dense<[0.0, -0.5, 0.25]> : tensor<3xf32>
  %m = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %v = arith.constant dense<[1.0, 4.0, 0.25]> : tensor<3xf32>
  %xd = tensor.cast %x : tensor<2x3x2xf32> to tensor<?x3x2xf32>
  %r = call @bn(%xd, %s, %b, %m, %v) : (tensor<?x3x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x2xf32>
  %u = tensor.cast %r : tensor<?x3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  %h = arith.constant dense<[[1.0, 3.0, 5.0], [-2.0, 0.125, 100.0]]> : tensor<2x3xf32>
  %hh = dyad.cast %h : tensor<2x3xf32> to tensor<2x3xf16>
  %r1 = call @bn_f16(%hh, %s, %b, %m, %v) : (tensor<2x3xf16>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf16>
  %rf = dyad.cast %r1 : tensor<2x3xf16> to tensor<2x3xf32>
  %u1 = tensor.cast %rf : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 3 offset = 0 sizes = [2, 3, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}{{-?(0|[0-9.]+e-[0-9]+)}}, {{(0\.9995|0\.999501)}}],
// EXEC-NEXT: [0.499875, 1.49975],
// EXEC-NEXT: [2.24601, 3.24402]],
// EXEC-NEXT: {{\[\[}}-1.999, -0.49975],
// EXEC-NEXT: [-2.49975, 7.499],
// EXEC-NEXT: [-0.249003, {{(-8\.73205|-8\.73206)}}]]]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{-?(0|[0-9.]+e-[0-9]+)}}, {{(0\.499756|0\.5|0\.500488)}}, {{(2\.24805|2\.25|2\.25195)}}],
// EXEC-NEXT: [{{(-2\.99805|-3|-3\.00195)}}, {{(-2\.37305|-2\.375|-2\.37695)}}, {{(97\.1875|97\.25|97\.3125)}}]]
