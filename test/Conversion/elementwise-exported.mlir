// The elementwise ops of exported models lower to one linalg.generic each:
// the scalar body picks float / signed / unsigned arithmetic from the dyad
// element types, comparisons are ordered for floats.
// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s

// PRelu (below) broadcasts the slope through the indexing maps.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>

// CHECK-LABEL: func.func @variadic(
// CHECK: linalg.generic
// CHECK: %[[M:.*]] = arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK: arith.maximumf %[[M]], %{{.*}} : f32
// CHECK: linalg.generic
// CHECK: arith.minsi %{{.*}}, %{{.*}} : i8
// CHECK: linalg.generic
// CHECK: arith.minui %{{.*}}, %{{.*}} : i8
// CHECK: linalg.generic
// CHECK: %[[S:.*]] = arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: arith.divf %[[S]], %{{.*}} : f32
func.func @variadic(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>,
                    %i: tensor<4xi8>, %u: tensor<4xui8>)
    -> (tensor<2x3xf32>, tensor<4xi8>, tensor<4xui8>, tensor<2x3xf32>) {
  %0 = dyad.max %a, %b, %c : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %1 = dyad.min %i, %i : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %2 = dyad.min %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %3 = dyad.mean %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<4xi8>, tensor<4xui8>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @compare(
// CHECK: arith.cmpf oeq, %{{.*}}, %{{.*}} : f32
// CHECK: arith.cmpf ogt, %{{.*}}, %{{.*}} : f32
// CHECK: arith.cmpi slt, %{{.*}}, %{{.*}} : i8
// CHECK: arith.cmpi uge, %{{.*}}, %{{.*}} : i8
// CHECK: arith.cmpi eq, %{{.*}}, %{{.*}} : i1
// CHECK: arith.xori %{{.*}}, %{{.*}} : i1
func.func @compare(%a: tensor<3xf32>, %i: tensor<3xi8>, %u: tensor<3xui8>, %c: tensor<3xi1>)
    -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>) {
  %0 = dyad.equal %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %1 = dyad.greater %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %2 = dyad.less %i, %i : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi1>
  %3 = dyad.greater_or_equal %u, %u : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xi1>
  %4 = dyad.equal %c, %c : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  %5 = dyad.not %c : tensor<3xi1>
  return %0, %1, %2, %3, %4, %5 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>
}

// CHECK-LABEL: func.func @unary(
// CHECK: math.log %{{.*}} : f32
// CHECK: math.roundeven %{{.*}} : f32
// CHECK: math.log1p %{{.*}} : f32
// CHECK: math.expm1 %{{.*}} : f32
// CHECK: math.absi %{{.*}} : i8
// CHECK: linalg.generic
// CHECK-NOT: math.absi
// CHECK: linalg.yield %{{.*}} : i8
func.func @unary(%x: tensor<3xf32>, %i: tensor<3xi8>, %u: tensor<3xui8>)
    -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xi8>, tensor<3xui8>) {
  %0 = dyad.log %x : tensor<3xf32>
  %1 = dyad.round %x : tensor<3xf32>
  %2 = dyad.softplus %x : tensor<3xf32>
  %3 = dyad.elu %x {alpha = 5.000000e-01 : f32} : tensor<3xf32>
  %4 = dyad.abs %i : tensor<3xi8>
  %5 = dyad.abs %u : tensor<3xui8>
  return %0, %1, %2, %3, %4, %5 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xi8>, tensor<3xui8>
}

// CHECK-LABEL: func.func @prelu(
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[ID]]]
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %{{.*}}, %{{.*}} : f32
// CHECK: %[[P:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: arith.select %[[NEG]], %[[P]], %{{.*}} : f32
func.func @prelu(%x: tensor<1x3x4x4xf32>, %s: tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32> {
  %0 = dyad.prelu %x, %s : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}
