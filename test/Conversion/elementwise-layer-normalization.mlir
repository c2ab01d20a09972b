// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Two-pass statistics over dims 1..2, then one generic for Y; Mean and
// InvStdDev are the statistics with the normalized dims kept as 1.
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[STAT:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[ID1:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[SCALE:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[ALL:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[BCAST:.*]] = affine_map<(d0, d1) -> (0)>
// CHECK-LABEL: func.func @ln_axis1(
// CHECK-SAME: %[[X:.*]]: tensor<?x3x4xf32>, %[[S:.*]]: tensor<3x4xf32>, %[[B:.*]]: tensor<4xf32>
// CHECK: %[[NI:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: %[[N:.*]] = arith.sitofp %[[NI]] : i64 to f32
// CHECK: %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[STAT]]], iterator_types = ["parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<?x3x4xf32>) outs(%{{.*}} : tensor<?xf32>)
// CHECK: arith.addf
// CHECK: %[[MEAN:.*]] = linalg.generic {indexing_maps = [#[[ID1]], #[[ID1]]], iterator_types = ["parallel"]} ins(%[[SUM]] : tensor<?xf32>)
// CHECK: arith.divf %{{.*}}, %[[N]] : f32
// CHECK: %[[SQ:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[STAT]], #[[STAT]]], iterator_types = ["parallel", "reduction", "reduction"]} ins(%[[X]], %[[MEAN]] : tensor<?x3x4xf32>, tensor<?xf32>)
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[INV:.*]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<?xf32>)
// CHECK: %[[VAR:.*]] = arith.divf %{{.*}}, %[[N]] : f32
// CHECK: %[[VE:.*]] = arith.addf %[[VAR]], %[[EPS]] : f32
// CHECK: %[[SD:.*]] = math.sqrt %[[VE]] : f32
// CHECK: arith.divf %{{.*}}, %[[SD]] : f32
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[STAT]], #[[STAT]], #[[SCALE]], #[[BIAS]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[X]], %[[MEAN]], %[[INV]], %[[S]], %[[B]] : tensor<?x3x4xf32>, tensor<?xf32>, tensor<?xf32>, tensor<3x4xf32>, tensor<4xf32>) outs(%{{.*}} : tensor<?x3x4xf32>)
// CHECK: ^bb0(%[[IX:.*]]: f32, %[[IM:.*]]: f32, %[[II:.*]]: f32, %[[IS:.*]]: f32, %[[IB:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[D:.*]] = arith.subf %[[IX]], %[[IM]] : f32
// CHECK: %[[NRM:.*]] = arith.mulf %[[D]], %[[II]] : f32
// CHECK: %[[SC:.*]] = arith.mulf %[[NRM]], %[[IS]] : f32
// CHECK: %[[R:.*]] = arith.addf %[[SC]], %[[IB]] : f32
// CHECK: linalg.yield %[[R]] : f32
// CHECK: %[[M:.*]] = linalg.generic {indexing_maps = [#[[STAT]], #[[ID3]]], {{.*}} ins(%[[MEAN]] : tensor<?xf32>) outs(%{{.*}} : tensor<?x1x1xf32>)
// CHECK: %[[I:.*]] = linalg.generic {indexing_maps = [#[[STAT]], #[[ID3]]], {{.*}} ins(%[[INV]] : tensor<?xf32>) outs(%{{.*}} : tensor<?x1x1xf32>)
// CHECK: return %[[Y]], %[[M]], %[[I]]
func.func @ln_axis1(%x: tensor<?x3x4xf32>, %s: tensor<3x4xf32>, %b: tensor<4xf32>) -> (tensor<?x3x4xf32>, tensor<?x1x1xf32>, tensor<?x1x1xf32>) {
  %y, %mean, %inv = dyad.layer_normalization %x, %s, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32, resultSegmentSizes = array<i32: 1, 1, 1>} : (tensor<?x3x4xf32>, tensor<3x4xf32>, tensor<4xf32>) -> (tensor<?x3x4xf32>, tensor<?x1x1xf32>, tensor<?x1x1xf32>)
  return %y, %mean, %inv : tensor<?x3x4xf32>, tensor<?x1x1xf32>, tensor<?x1x1xf32>
}
// No bias: four inputs to the final generic.
// CHECK-LABEL: func.func @ln_last(
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} {{.*}} outs(%{{.*}} : tensor<2xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x?xf32>, tensor<2xf32>, tensor<2xf32>, tensor<?xf32>) outs(%{{.*}} : tensor<2x?xf32>)
func.func @ln_last(%x: tensor<2x?xf32>, %s: tensor<?xf32>) -> tensor<2x?xf32> {
  %y = dyad.layer_normalization %x, %s {axis = -1 : i64, epsilon = 0.5 : f32, resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<2x?xf32>, tensor<?xf32>) -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// Axis 0: one statistic for the whole tensor; only InvStdDev is read.
// Axis 0: rank-0 statistics; the size-1 bias broadcasts.
// CHECK-LABEL: func.func @ln_axis0(
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} {{.*}} outs(%{{.*}} : tensor<f32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ALL]], #[[ALL]], #{{.*}}, #[[BCAST]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK: linalg.generic {indexing_maps = [#[[ALL]], #{{.*}}], {{.*}} outs(%{{.*}} : tensor<1x1xf32>)
func.func @ln_axis0(%x: tensor<2x3xf32>, %s: tensor<2x3xf32>, %b: tensor<1xf32>) -> (tensor<2x3xf32>, tensor<1x1xf32>) {
  %y, %inv = dyad.layer_normalization %x, %s, %b {axis = 0 : i64, epsilon = 1.0e-5 : f32, resultSegmentSizes = array<i32: 1, 0, 1>} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1xf32>) -> (tensor<2x3xf32>, tensor<1x1xf32>)
  return %y, %inv : tensor<2x3xf32>, tensor<1x1xf32>
}
// f16: statistics in f32, one rounding of Y.
// CHECK-LABEL: func.func @ln_f16(
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: outs(%{{.*}} : tensor<2xf32>)
// CHECK: outs(%{{.*}} : tensor<2x4xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @ln_f16(%x: tensor<2x4xf16>, %s: tensor<4xf16>, %b: tensor<4xf16>) -> tensor<2x4xf16> {
  %y = dyad.layer_normalization %x, %s, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32, resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<2x4xf16>, tensor<4xf16>, tensor<4xf16>) -> tensor<2x4xf16>
  return %y : tensor<2x4xf16>
}

func.func @main() {
  %x = arith.constant dense<[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]],
                             [[0.5, -1.5, 2.0, 0.0], [3.25, -2.0, 1.0, 1.0], [-0.75, 4.0, 0.0, 2.5]]]> : tensor<2x3x4xf32>
  %s = arith.constant dense<[[1.0, 0.5, 2.0, -1.0], [1.5, 1.0, 0.25, 1.0], [1.0, 2.0, 1.0, 0.5]]> : tensor<3x4xf32>
  %b = arith.constant dense<[0.0, 0.1, -0.2, 1.0]> : tensor<4xf32>
  %xd = tensor.cast %x : tensor<2x3x4xf32> to tensor<?x3x4xf32>
  %y, %mean, %inv = call @ln_axis1(%xd, %s, %b) : (tensor<?x3x4xf32>, tensor<3x4xf32>, tensor<4xf32>) -> (tensor<?x3x4xf32>, tensor<?x1x1xf32>, tensor<?x1x1xf32>)
  %u0 = tensor.cast %y : tensor<?x3x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  %u1 = tensor.cast %mean : tensor<?x1x1xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  %u2 = tensor.cast %inv : tensor<?x1x1xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()

  %x1 = arith.constant dense<[[1.0, 2.0, 4.0], [-3.0, 0.0, 3.0]]> : tensor<2x3xf32>
  %s1 = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %x1d = tensor.cast %x1 : tensor<2x3xf32> to tensor<2x?xf32>
  %s1d = tensor.cast %s1 : tensor<3xf32> to tensor<?xf32>
  %y1 = call @ln_last(%x1d, %s1d) : (tensor<2x?xf32>, tensor<?xf32>) -> tensor<2x?xf32>
  %u3 = tensor.cast %y1 : tensor<2x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u3) : (tensor<*xf32>) -> ()

  %s2 = arith.constant dense<[[1.0, -1.0, 2.0], [0.5, 1.0, 1.0]]> : tensor<2x3xf32>
  %b2 = arith.constant dense<[0.25]> : tensor<1xf32>
  %y2, %inv2 = call @ln_axis0(%x1, %s2, %b2) : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1xf32>) -> (tensor<2x3xf32>, tensor<1x1xf32>)
  %u4 = tensor.cast %y2 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u4) : (tensor<*xf32>) -> ()
  %u5 = tensor.cast %inv2 : tensor<1x1xf32> to tensor<*xf32>
  call @printMemrefF32(%u5) : (tensor<*xf32>) -> ()

  %x3 = arith.constant dense<[[1000.0, 1001.0, 1002.0, 1003.0], [0.1, 0.2, -0.3, 0.4]]> : tensor<2x4xf32>
  %s3 = arith.constant dense<[1.0, 1.0, 0.5, 2.0]> : tensor<4xf32>
  %b3 = arith.constant dense<[0.0, 0.0, 0.0, 0.5]> : tensor<4xf32>
  %x3h = dyad.cast %x3 : tensor<2x4xf32> to tensor<2x4xf16>
  %s3h = dyad.cast %s3 : tensor<4xf32> to tensor<4xf16>
  %b3h = dyad.cast %b3 : tensor<4xf32> to tensor<4xf16>
  %y3 = call @ln_f16(%x3h, %s3h, %b3h) : (tensor<2x4xf16>, tensor<4xf16>, tensor<4xf16>) -> tensor<2x4xf16>
  %y3f = dyad.cast %y3 : tensor<2x4xf16> to tensor<2x4xf32>
  %u6 = tensor.cast %y3f : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u6) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 3 offset = 0 sizes = [2, 3, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}-1.59325, -0.551786, -2.22778, 1.72421],
// EXEC-NEXT: [-0.651786, -0.0448413, -0.16379, 1.43452],
// EXEC-NEXT: [{{(0\.724206|0\.724207)}}, 2.12778, 1.10357, 1.79663]],
// EXEC-NEXT: {{\[\[}}-0.188457, -0.559599, 1.1192, 1.47114],
// EXEC-NEXT: [2.04947, -1.50188, -0.176443, 1.09423],
// EXEC-NEXT: [-0.89517, 3.68068, -0.671142, 1.47114]]]
// EXEC: rank = 3 offset = 0 sizes = [2, 1, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}6.5]],
// EXEC-NEXT: {{\[\[}}{{(0\.833333|0\.833334)}}]]]
// EXEC: rank = 3 offset = 0 sizes = [2, 1, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}{{(0\.289682|0\.289683)}}]],
// EXEC-NEXT: {{\[\[}}{{(0\.56537|0\.565371)}}]]]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-0.929981, {{(-0\.46499|-0\.464991)}}, 3.48743],
// EXEC-NEXT: [-1.1767, {{-?(0|[0-9.]+e-[0-9]+)}}, 3.53009]]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0.176479, -0.117607, 2.74973],
// EXEC-NEXT: [{{(-0\.669017|-0\.669018)}}, -0.26465, {{(1\.05873|1\.05874)}}]]
// EXEC: rank = 2 offset = 0 sizes = [1, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0.441128]]
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{(-1\.34082|-1\.3418|-1\.34277)}}, {{(-0\.447021|-0\.447266|-0\.44751)}}, {{(0\.223511|0\.223633|0\.223755)}}, {{(3\.18164|3\.18359|3\.18555)}}],
// EXEC-NEXT: [{{(0\.000119627|0\.000119686|0\.000119746)}}, {{(0\.39209|0\.392334|0\.392578)}}, {{(-0\.78418|-0\.784668|-0\.785156)}}, {{(2\.85156|2\.85352|2\.85547)}}]]
