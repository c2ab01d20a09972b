// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// dyad.global_average_pool -> linalg.

// Dynamic batch and spatial dims: a reduction generic into N x C, a division
// by the run-time element count, expanded to N x C x 1 x 1.
// CHECK-LABEL: func.func @global_average_pool_dynamic
// CHECK-SAME: %[[X:.*]]: tensor<?x2x?x?xf32>
// CHECK-DAG: %[[H:.*]] = tensor.dim %[[X]], %c2
// CHECK-DAG: %[[W:.*]] = tensor.dim %[[X]], %c3
// CHECK: %[[HW:.*]] = arith.muli %[[H]], %[[W]] : index
// CHECK: %[[S:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction"]{{.*}} ins(%[[X]] : tensor<?x2x?x?xf32>) outs(%{{.*}} : tensor<?x2xf32>)
// CHECK: arith.addf
// CHECK: %[[I:.*]] = arith.index_cast %[[HW]] : index to i64
// CHECK: %[[F:.*]] = arith.sitofp %[[I]] : i64 to f32
// CHECK: %[[M:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<?x2xf32>)
// CHECK: arith.divf %{{.*}}, %[[F]]
// CHECK: tensor.expand_shape %[[M]] {{\[}}[0], [1, 2, 3]] output_shape [%{{.*}}, 2, 1, 1] : tensor<?x2xf32> into tensor<?x2x1x1xf32>
func.func @global_average_pool_dynamic(%x: tensor<?x2x?x?xf32>) -> tensor<?x2x1x1xf32> {
  %0 = dyad.global_average_pool %x : (tensor<?x2x?x?xf32>) -> tensor<?x2x1x1xf32>
  return %0 : tensor<?x2x1x1xf32>
}

// Static 1-D: the count folds to a constant.
// CHECK-LABEL: func.func @global_average_pool_1d
// CHECK: arith.constant 4.000000e+00 : f32
// CHECK: tensor.expand_shape {{.*}} into tensor<1x3x1xf32>
func.func @global_average_pool_1d(%x: tensor<1x3x4xf32>) -> tensor<1x3x1xf32> {
  %0 = dyad.global_average_pool %x : (tensor<1x3x4xf32>) -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// ONNX's test_globalaveragepool (1 x 3 x 5 x 5, random data).
// CHECK-LABEL: func.func @global_average_pool_onnx
func.func @global_average_pool_onnx(%x: tensor<1x3x5x5xf32>) -> tensor<1x3x1x1xf32> {
  %0 = dyad.global_average_pool %x : (tensor<1x3x5x5xf32>) -> tensor<1x3x1x1xf32>
  return %0 : tensor<1x3x1x1xf32>
}

// CHECK-LABEL: func.func @main
func.func @main() {
  %c0_0 = arith.constant dense<[[[[3.0, 3.0, -1.0, -3.0], [6.0, -2.0, 4.0, 8.0], [-5.0, -1.0, -6.0, 3.0]], [[-9.0, 9.0, 5.0, -3.0], [8.0, 7.0, -6.0, 8.0], [9.0, 6.0, 6.0, -6.0]]], [[[-7.0, 3.0, 3.0, -7.0], [6.0, 0.0, 5.0, -4.0], [0.0, 6.0, -1.0, 3.0]], [[2.0, -7.0, 9.0, -8.0], [7.0, 3.0, -1.0, -4.0], [5.0, 1.0, 4.0, 0.0]]]]> : tensor<2x2x3x4xf32>
  %d0_0 = tensor.cast %c0_0 : tensor<2x2x3x4xf32> to tensor<?x2x?x?xf32>
  %r0 = call @global_average_pool_dynamic(%d0_0) : (tensor<?x2x?x?xf32>) -> tensor<?x2x1x1xf32>
  %p0 = tensor.cast %r0 : tensor<?x2x1x1xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  %c1_0 = arith.constant dense<[[[8.0, -4.0, -5.0, 6.0], [-4.0, 8.0, 7.0, -4.0], [-7.0, -9.0, -4.0, -1.0]]]> : tensor<1x3x4xf32>
  %r1 = call @global_average_pool_1d(%c1_0) : (tensor<1x3x4xf32>) -> tensor<1x3x1xf32>
  %p1 = tensor.cast %r1 : tensor<1x3x1xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  %c2_0 = arith.constant dense<[[[[1.764052391052246, 0.40015721321105957, 0.978738009929657, 2.2408931255340576, 1.8675580024719238], [-0.9772778749465942, 0.9500884413719177, -0.15135720372200012, -0.10321885347366333, 0.4105985164642334], [0.14404356479644775, 1.4542734622955322, 0.7610377073287964, 0.12167501449584961, 0.44386324286460876], [0.3336743414402008, 1.4940791130065918, -0.2051582634449005, 0.3130677044391632, -0.8540957570075989], [-2.5529897212982178, 0.653618574142456, 0.8644362092018127, -0.7421650290489197, 2.269754648208618]], [[-1.4543657302856445, 0.04575851559638977, -0.18718385696411133, 1.5327792167663574, 1.4693588018417358], [0.154947429895401, 0.37816253304481506, -0.8877857327461243, -1.980796456336975, -0.34791216254234314], [0.15634897351264954, 1.2302906513214111, 1.202379822731018, -0.38732680678367615, -0.302302747964859], [-1.0485529899597168, -1.420017957687378, -1.7062702178955078, 1.950775384902954, -0.5096521973609924], [-0.4380742907524109, -1.2527953386306763, 0.7774903774261475, -1.6138978004455566, -0.21274028718471527]], [[-0.8954665660858154, 0.38690251111984253, -0.5108051300048828, -1.18063223361969, -0.02818222902715206], [0.4283318817615509, 0.06651721894741058, 0.30247190594673157, -0.6343221068382263, -0.3627411723136902], [-0.6724604368209839, -0.35955315828323364, -0.8131462931632996, -1.7262825965881348, 0.17742614448070526], [-0.4017809331417084, -1.630198359489441, 0.46278226375579834, -0.9072983860969543, 0.05194539576768875], [0.7290905714035034, 0.12898291647434235, 1.1394007205963135, -1.234825849533081, 0.4023416340351105]]]]> : tensor<1x3x5x5xf32>
  %r2 = call @global_average_pool_onnx(%c2_0) : (tensor<1x3x5x5xf32>) -> tensor<1x3x1x1xf32>
  %p2 = tensor.cast %r2 : tensor<1x3x1x1xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// The expected values below were computed independently (numpy / torch).
// global_average_pool_dynamic
// EXEC: rank = 4 offset = 0 sizes = [2, 2, 1, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}0.75]],
// EXEC-NEXT: {{\[\[}}2.83333]]],
// EXEC-NEXT: {{\[\[\[}}0.583333]],
// EXEC-NEXT: {{\[\[}}0.916667]]]]
// global_average_pool_1d
// EXEC: rank = 3 offset = 0 sizes = [1, 3, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}1.25],
// EXEC-NEXT: [1.75],
// EXEC-NEXT: [-5.25]]]
// global_average_pool_onnx
// EXEC: rank = 4 offset = 0 sizes = [1, 3, 1, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}0.475174]],
// EXEC-NEXT: {{\[\[}}-0.194055]],
// EXEC-NEXT: {{\[\[}}-0.28326]]]]
