// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Constants of unsigned types keep their bits as signless integers.
// CHECK-LABEL: func.func @const_u8(
// CHECK-SAME: %[[X:.*]]: tensor<2xi8>
// CHECK: %[[C:.*]] = arith.constant dense<[0, -56, -1]> : tensor<3xi8>
// CHECK: tensor.concat dim(0) %[[X]], %[[C]] : (tensor<2xi8>, tensor<3xi8>) -> tensor<5xi8>
func.func @const_u8(%x: tensor<2xi8>) -> tensor<5xi8> {
  %c = arith.constant dense<[0, 200, 255]> : tensor<3xui8>
  %u = tensor.bitcast %x : tensor<2xi8> to tensor<2xui8>
  %r = dyad.concat %u, %c {axis = 0 : i64} : (tensor<2xui8>, tensor<3xui8>) -> tensor<5xui8>
  %s = tensor.bitcast %r : tensor<5xui8> to tensor<5xi8>
  return %s : tensor<5xi8>
}

// Resource blobs too (the bytes are the same).
// CHECK-LABEL: func.func @const_resource(
// CHECK: arith.constant dense_resource<blob1> : tensor<2xi16>
func.func @const_resource(%x: tensor<1xi16>) -> tensor<3xi16> {
  %c = arith.constant dense_resource<blob1> : tensor<2xui16>
  %u = tensor.bitcast %x : tensor<1xi16> to tensor<1xui16>
  %r = dyad.concat %u, %c {axis = 0 : i64} : (tensor<1xui16>, tensor<2xui16>) -> tensor<3xui16>
  %s = tensor.bitcast %r : tensor<3xui16> to tensor<3xi16>
  return %s : tensor<3xi16>
}

// Quantized weights can only be blobs: they become their storage type.
// CHECK-LABEL: func.func @const_quant(
// CHECK: arith.constant dense_resource<blob2> : tensor<2xi8>
func.func @const_quant(%x: tensor<2xi8>) -> tensor<4xi8> {
  %c = arith.constant dense_resource<blob2> : tensor<2x!quant.uniform<i8:f32, 0.5>>
  %q = quant.scast %x : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.5>>
  %r = dyad.concat %q, %c {axis = 0 : i64} : (tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  %s = quant.scast %r : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xi8>
  return %s : tensor<4xi8>
}

// quant.scast and the ui8 <-> i8 bitcasts around a quantized value vanish:
// the generic's i8 result is returned as is.
// CHECK-LABEL: func.func @scast(
// CHECK: %[[Q:.*]] = linalg.generic
// CHECK-NOT: quant.scast
// CHECK-NOT: tensor.bitcast
// CHECK: return %[[Q]] : tensor<4xi8>
func.func @scast(%x: tensor<4xf32>) -> tensor<4xi8> {
  %q = dyad.quantize %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  %s = quant.scast %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>> to tensor<4xi8>
  %u = tensor.bitcast %s : tensor<4xi8> to tensor<4xui8>
  %b = tensor.bitcast %u : tensor<4xui8> to tensor<4xi8>
  return %b : tensor<4xi8>
}

{-#
  dialect_resources: {
    builtin: {
      blob1: "0x020000000100FFFF",
      blob2: "0x01000000FF02"
    }
  }
#-}

func.func @main() {
  %a0_0 = arith.constant dense<[7, -7]> : tensor<2xi8>
  %r0_0 = call @const_u8(%a0_0) : (tensor<2xi8>) -> tensor<5xi8>
  %e0_0 = tensor.empty() : tensor<5xi32>
  %w0_0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r0_0 : tensor<5xi8>) outs(%e0_0 : tensor<5xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<5xi32>
  %u0_0 = tensor.cast %w0_0 : tensor<5xi32> to tensor<*xi32>
  call @printMemrefI32(%u0_0) : (tensor<*xi32>) -> ()
  %a1_0 = arith.constant dense<[3]> : tensor<1xi16>
  %r1_0 = call @const_resource(%a1_0) : (tensor<1xi16>) -> tensor<3xi16>
  %e1_0 = tensor.empty() : tensor<3xi32>
  %w1_0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r1_0 : tensor<3xi16>) outs(%e1_0 : tensor<3xi32>) {
  ^bb0(%in: i16, %out: i32):
    %x = arith.extsi %in : i16 to i32
    linalg.yield %x : i32
  } -> tensor<3xi32>
  %u1_0 = tensor.cast %w1_0 : tensor<3xi32> to tensor<*xi32>
  call @printMemrefI32(%u1_0) : (tensor<*xi32>) -> ()
  %a2_0 = arith.constant dense<[5, 6]> : tensor<2xi8>
  %r2_0 = call @const_quant(%a2_0) : (tensor<2xi8>) -> tensor<4xi8>
  %e2_0 = tensor.empty() : tensor<4xi32>
  %w2_0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r2_0 : tensor<4xi8>) outs(%e2_0 : tensor<4xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<4xi32>
  %u2_0 = tensor.cast %w2_0 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u2_0) : (tensor<*xi32>) -> ()
  %a3_0 = arith.constant dense<[-10.0, 0.25, 3.0, 200.0]> : tensor<4xf32>
  %r3_0 = call @scast(%a3_0) : (tensor<4xf32>) -> tensor<4xi8>
  %e3_0 = tensor.empty() : tensor<4xi32>
  %w3_0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r3_0 : tensor<4xi8>) outs(%e3_0 : tensor<4xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<4xi32>
  %u3_0 = tensor.cast %w3_0 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u3_0) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefI32(tensor<*xi32>)

// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [7, -7, 0, -56, -1]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [3, 1, -1]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [5, 6, -1, 2]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [0, 10, 16, -1]
