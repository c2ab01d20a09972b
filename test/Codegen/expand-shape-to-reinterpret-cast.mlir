// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-expand-shape-to-reinterpret-cast))' | FileCheck %s
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-expand-shape-to-reinterpret-cast),expand-strided-metadata)' | FileCheck %s --check-prefix=EXPANDED

// MLIR 22's expand-strided-metadata crashes on an expand_shape that splits a
// dim into several dynamic ones (PaddleOCR's recognizer has them): the
// contiguous ones become reinterpret_casts with row-major strides.

// CHECK-LABEL: func.func @split_dynamic(
// CHECK-SAME:    %[[SRC:.*]]: memref<?x120xf32>, %[[X:.*]]: index, %[[Y:.*]]: index)
// CHECK:         %[[S0:.*]] = arith.muli %{{.*}}, %[[Y]] : index
// CHECK:         %[[R:.*]] = memref.reinterpret_cast %[[SRC]] to offset: [0], sizes: [%[[X]], %[[Y]], 120], strides: [%[[S0]], 120, 1] : memref<?x120xf32> to memref<?x?x120xf32>
// CHECK-NOT:     memref.expand_shape
// CHECK:         return %[[R]]
// EXPANDED-LABEL: func.func @split_dynamic(
// EXPANDED-NOT:   memref.expand_shape
func.func @split_dynamic(%c: memref<?x120xf32>, %x: index, %y: index) -> memref<?x?x120xf32> {
  %e = memref.expand_shape %c [[0, 1], [2]] output_shape [%x, %y, 120] : memref<?x120xf32> into memref<?x?x120xf32>
  return %e : memref<?x?x120xf32>
}

// One dynamic dim per group is left to upstream, which handles it.
// CHECK-LABEL: func.func @one_dynamic(
// CHECK:         memref.expand_shape
func.func @one_dynamic(%c: memref<?x120xf32>, %x: index) -> memref<?x4x120xf32> {
  %e = memref.expand_shape %c [[0, 1], [2]] output_shape [%x, 4, 120] : memref<?x120xf32> into memref<?x4x120xf32>
  return %e : memref<?x4x120xf32>
}
