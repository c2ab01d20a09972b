// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-vectors{byte-permutes=true}))' | FileCheck %s
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-vectors))' | FileCheck %s --check-prefix=GATHER

// A lookup in a constant 256-entry table indexed by an int8 value + 128,
// its entries truncated to bytes (how dyad-to-linalg writes the integer
// GELU): the table in four 64-byte registers (here t[i] = i, but t[255] =
// 1000, whose low byte is 0xE8 = -24), two vpermi2b and a select on the
// index's sign; 16 lanes padded to 64 and sliced back.
// CHECK-LABEL: func.func @lookup(
// CHECK-SAME:    %[[X:.*]]: vector<1x16xi8>
// CHECK-DAG:     %[[T3:.*]] = arith.constant dense<[-64, -63, {{.*}}, -2, -24]> : vector<64xi8>
// CHECK-DAG:     %[[T0:.*]] = arith.constant dense<[0, 1, 2, {{.*}}, 63]> : vector<64xi8>
// CHECK:         %[[FLAT:.*]] = vector.extract %[[X]][0] : vector<16xi8> from vector<1x16xi8>
// CHECK:         %[[PAD:.*]] = vector.insert_strided_slice %[[FLAT]], %{{.*}} {{.*}} : vector<16xi8> into vector<64xi8>
// CHECK:         %[[LO:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%[[T0]], %[[PAD]], %{{.*}})
// CHECK:         %[[HI:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%{{.*}}, %[[PAD]], %[[T3]])
// CHECK:         %[[NEG:.*]] = arith.cmpi slt, %[[PAD]], %{{.*}} : vector<64xi8>
// CHECK:         %[[SEL:.*]] = arith.select %[[NEG]], %[[LO]], %[[HI]]
// CHECK:         vector.extract_strided_slice %[[SEL]] {{.*}}sizes = [16]
// CHECK-NOT:     vector.gather
// GATHER-LABEL: func.func @lookup(
// GATHER-NOT:    llvm.call_intrinsic
memref.global "private" constant @tab : memref<256xi32> = dense<[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111,112,113,114,115,116,117,118,119,120,121,122,123,124,125,126,127,128,129,130,131,132,133,134,135,136,137,138,139,140,141,142,143,144,145,146,147,148,149,150,151,152,153,154,155,156,157,158,159,160,161,162,163,164,165,166,167,168,169,170,171,172,173,174,175,176,177,178,179,180,181,182,183,184,185,186,187,188,189,190,191,192,193,194,195,196,197,198,199,200,201,202,203,204,205,206,207,208,209,210,211,212,213,214,215,216,217,218,219,220,221,222,223,224,225,226,227,228,229,230,231,232,233,234,235,236,237,238,239,240,241,242,243,244,245,246,247,248,249,250,251,252,253,254,1000]>
func.func @lookup(%x: vector<1x16xi8>) -> vector<1x16xi8> {
  %c0 = arith.constant 0 : index
  %m = arith.constant dense<true> : vector<1x16xi1>
  %p = arith.constant dense<0> : vector<1x16xi32>
  %k = arith.constant dense<-128> : vector<1x16xi64>
  %t = memref.get_global @tab : memref<256xi32>
  %e = arith.extsi %x : vector<1x16xi8> to vector<1x16xi64>
  %s = arith.subi %e, %k : vector<1x16xi64>
  %i = arith.index_cast %s : vector<1x16xi64> to vector<1x16xindex>
  %g = vector.gather %t[%c0] [%i], %m, %p : memref<256xi32>, vector<1x16xindex>, vector<1x16xi1>, vector<1x16xi32> into vector<1x16xi32>
  %r = arith.trunci %g : vector<1x16xi32> to vector<1x16xi8>
  return %r : vector<1x16xi8>
}

// -----

// Not a byte index (a clamped i64 difference: the exponential's table in
// softmax), or entries kept wider than a byte: gathers stay.
// CHECK-LABEL: func.func @not_bytes(
// CHECK-NOT:     llvm.call_intrinsic
// CHECK:         vector.gather
memref.global "private" constant @tab : memref<256xi32> = dense<7>
func.func @not_bytes(%d: vector<16xi64>, %x: vector<16xi8>) -> (vector<16xi8>, vector<16xi32>) {
  %c0 = arith.constant 0 : index
  %m = arith.constant dense<true> : vector<16xi1>
  %p = arith.constant dense<0> : vector<16xi32>
  %k = arith.constant dense<-128> : vector<16xi64>
  %t = memref.get_global @tab : memref<256xi32>
  %i = arith.index_cast %d : vector<16xi64> to vector<16xindex>
  %g = vector.gather %t[%c0] [%i], %m, %p : memref<256xi32>, vector<16xindex>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %r = arith.trunci %g : vector<16xi32> to vector<16xi8>
  %e = arith.extsi %x : vector<16xi8> to vector<16xi64>
  %s = arith.subi %e, %k : vector<16xi64>
  %j = arith.index_cast %s : vector<16xi64> to vector<16xindex>
  %h = vector.gather %t[%c0] [%j], %m, %p : memref<256xi32>, vector<16xindex>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  return %r, %h : vector<16xi8>, vector<16xi32>
}
