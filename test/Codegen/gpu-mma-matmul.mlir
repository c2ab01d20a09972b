// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-gpu-mma-matmul{min-k=0 tile-k=64 group-m=0},func.func(canonicalize,cse))' | FileCheck %s
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-gpu-mma-matmul{min-k=0 tile-k=64 group-m=0},gpu-launch-sink-index-computations,gpu-kernel-outlining,dyad-gpu-merge-kernel-modules,nvvm-attach-target{chip=sm_80 features=+ptx70},gpu.module(lower-affine,arith-expand,convert-scf-to-cf,expand-strided-metadata,convert-nvgpu-to-nvvm,convert-gpu-to-nvvm,convert-nvvm-to-llvm,canonicalize,cse,reconcile-unrealized-casts),gpu-module-to-binary{format=isa})' | FileCheck %s --check-prefix=PTX
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-gpu-mma-matmul{tile-n=256 tile-k=64 stages=4 group-m=8 fit-n=false min-k=0},func.func(canonicalize,cse))' | FileCheck %s --check-prefix=DYN
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-gpu-mma-matmul{tile-n=256 tile-k=64 stages=4 group-m=8 fit-n=false min-k=0},gpu-launch-sink-index-computations,gpu-kernel-outlining,dyad-gpu-merge-kernel-modules,nvvm-attach-target{chip=sm_80 features=+ptx70},gpu.module(lower-affine,arith-expand,convert-scf-to-cf,expand-strided-metadata,convert-nvgpu-to-nvvm,convert-gpu-to-nvvm,dyad-gpu-extern-dynamic-shared,convert-nvvm-to-llvm,canonicalize,cse,reconcile-unrealized-casts),gpu-module-to-binary{format=isa})' | FileCheck %s --check-prefix=PTX-DYN
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-gpu-mma-matmul)' | FileCheck %s --check-prefix=MINK

// (tile-k=64 group-m=0: static shared memory, a two-dimensional grid.)
// An int8 matmul by a constant weight, its bias fill before and its
// requantization after: one tensor-core kernel. The weight is transposed to
// [N, K] at compile time (the old global goes); the tiles stream through
// shared memory with cp.async (16-byte chunks, zero-filled past M and K),
// ldmatrix feeds mma.sync m16n8k32; the epilogue adds the bias and
// requantizes each in-bounds element.
// CHECK-LABEL: func @gemm
// CHECK-NOT: memref.alloc
// CHECK: memref.get_global @w_nk : memref<8x128xi8>
// CHECK: gpu.launch blocks
// CHECK-SAME: threads({{.*}}) in ({{.*}} = %c128{{.*}}) workgroup(%{{.*}} : memref<3x128x64xi8, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy %arg0[{{.*}}], %{{.*}}[{{.*}}], 16, %{{.*}} {bypassL1} : memref<?x128xi8> to memref<3x128x64xi8, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_create_group
// CHECK: scf.for {{.*}} -> (vector<2x2xi32>
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
// CHECK: gpu.barrier
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 32]} : (vector<4x4xi8>, vector<2x4xi8>, vector<2x2xi32>) -> vector<2x2xi32>
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// CHECK: scf.if
// CHECK: memref.load %{{.*}} : memref<8xi32>
// CHECK: arith.shrsi
// CHECK: memref.store %{{.*}}, %arg1[{{.*}}] : memref<?x8xi8>
// CHECK-NOT: memref.global "private" constant @w :
// PTX: .target sm_80
// PTX: .shared .align 128 .b8
// PTX: cp.async.cg.shared.global
// PTX: cp.async.commit_group
// PTX: cp.async.wait_group{{[^;]*}}1;
// PTX: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
// PTX-NOT: div.
// Another shape (the pass options): 128x256 tiles on 8 warps, 4 stages
// (fit-n=false keeps the tile wide for these 8 columns).
// The 96 KiB of tiles are dynamic shared memory (static ends at 48 KiB),
// viewed as the two staged tiles; the grid is one dimension walked in
// bands of 8 row tiles. The loop carries the next k-step's fragments
// (prefetch): the first ones load before it.
// DYN-LABEL: func @gemm
// DYN: gpu.launch blocks({{.*}}) in (%{{.*}} = %{{.*}}, %{{.*}} = %c1, %{{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c256, {{.*}}) dynamic_shared_memory_size %c98304_i32
// DYN: %[[RAW:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// DYN: memref.view %[[RAW]][%c0][] : {{.*}} to memref<4x128x64xi8, #gpu.address_space<workgroup>>
// DYN: memref.view %[[RAW]][%c32768][] : {{.*}} to memref<4x256x64xi8, #gpu.address_space<workgroup>>
// DYN: arith.divui %{{.*}}, %c8 : index
// DYN: nvgpu.device_async_wait %{{.*}} {numGroups = 2 : i32}
// DYN: gpu.barrier
// DYN: nvgpu.ldmatrix
// DYN: scf.for {{.*}} -> (vector<2x2xi32>, {{.*}}vector<4x4xi8>, {{.*}}vector<2x4xi8>
// DYN: nvgpu.device_async_copy
// DYN: nvgpu.device_async_wait %{{.*}} {numGroups = 2 : i32}
// DYN: gpu.barrier
// DYN: scf.yield
// The dynamic shared memory is the extern array PTX expects (NVPTX
// would demote an internal one to a one-byte variable).
// PTX-DYN: .extern .shared .align 128 .b8 __dynamic_shmem__0[];
// PTX-DYN: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
// By default a matmul of K < 256 (here 128) stays a linalg op for the
// CUDA-core loops: a few k-steps do not pay for the tensor-core pipeline.
// MINK-LABEL: func @gemm
// MINK-NOT: gpu.launch
// MINK: linalg.matmul
#bias = affine_map<(d0, d1) -> (d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
module {
  memref.global "private" constant @w : memref<128x8xi8> = dense<"0x4F95ADBCAE4D5E158A98D5EE1FFAC3A8313C889DF3E46304EBEE2A16AC3C417449C8D12626325ECA7080937971CCA3D08B642915BEF8B045F987C13405DFC0971B29056E6DB51B21BFCCFC3DCA3827B7E3545728812EB95169ED7442D360E29A175928E466FAE2A5B6324CCA205FA5C6060FE5E6A11C6EB24CAE8B3FAE40D411706BF9B4C05916AB6276781F791B00781A49D64A798D09DE8D95C4B137B6205BFEA091CBE9FECE5911776F3587B63F0B7134518DCB2E22DEA816962B4D2B9005CD0E2EB289FE1EA06CFB77093A46FFE42A851E07A6B4883D2FE374E1CE6895E486D939D9FEFB8F97CC0B926B5A103B3E82728C57553EA250755131C00DFB5ED7E8C3FD12F5D10C1EAA15349A1EF16EE3D0345E969BABD70311E7612AAAD5B2B2586EEEBE55A5A3C7DDD6C7B92009286F6FA04AEA512B8E626D7F8FA421099861BC8D5C1686AC61445D70CC09DE82BC909EEA6A5824BCA02B3CE7A2C37C3410CE5CDFF243EAFE8748C8040CA8BDF1995FD810A576F880D8D7BC447B2FAF0FF62956604E2EF40CAD0F032AF7D2022BB11DD94917FA8986BD09F95BA023E42497E4A3DBB1382D93CC5D66609D76EAA2369D89649DE660C5C7E14328CDA9EEFCEB289A380A832B4FDCEF14EF040F18C79B63F4B67F0AD3AB821D1E6679618FA2171FB56470B324EA0E36003CC4F3A623E42B79DA47263D13C332DB020BD6FAEFC46C6DB0D7A5AE83DF5AB37D58BC81C4ECB229193DFC0F5218B55F600FF6234E464DC66987FFEC1C250F8FB00600B46DA6682185E129AAD35CA270A3EE4B8C751D0533E246029B545A3F369094B6D75E94FE75283C47E2229F3BBD0B32BA5AAF2E7E35822E30A86171BB4B8C3AE6A4D45AF628EDAC719E9EEA71038B6C7002D5AD3A8D8079F2DF2D8920CB4EDFA7F6E6211D8687F25530EA2FBED8B8DB26AA8C31BEE0CDC2C2BB3BEB17F067173378CBF3D3BB9FFDBE8B1A093BC6CB25D8AD4DB1754F954692F342DDFE91EC03221742089159763C754CEA3EF876C5F6163CB4CA085E67F701AD53C3AD2A621A9F4FB6353848CDDA9E48968E4BAC85D38E71727E4824DE24B1915D7149AB2B6B0781067C7A4905A995F29378187C3BF420C13EE3CB15DFF8C307DFABC4B255BCA5DFB53D36E0E5DCD7897925646AB8BBA7C3FE5512EDD85217EF2D7D50EDBDCF25528E5C90158E9D9D8248EEDE35FEE1F3EFB5398B83AE3C5B45D615EB9DC3AA3D51337EE2A80114E526122417521345665E73FB8D34E1D88A8EDF9A4D822D04110396894F6E1C9ECD1649958941B0F64A798B5DA186009335DC16428953C69F340AD9A1B1F78031C3C26ED08C250D7D688A33A9C7EE26E29EB0FFF0C33960E05D47439BE05D4CCC7ACDDE36060BA9AD9B5838E98F5519889DC72B33409170AEE3ECE3CEE60A345549FC9DC5D3168E1FBCE23B6B6F">
  memref.global "private" constant @b : memref<8xi32> = dense<[1, -2, 3, -4, 5, -6, 7, -8]>
  func.func @gemm(%a: memref<?x128xi8>, %y: memref<?x8xi8>) {
    %c0 = arith.constant 0 : index
    %c9 = arith.constant 9 : i32
    %lo = arith.constant -128 : i32
    %hi = arith.constant 127 : i32
    %w = memref.get_global @w : memref<128x8xi8>
    %b = memref.get_global @b : memref<8xi32>
    %m = memref.dim %a, %c0 : memref<?x128xi8>
    %acc = memref.alloc(%m) : memref<?x8xi32>
    linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel"]} ins(%b : memref<8xi32>) outs(%acc : memref<?x8xi32>) {
    ^bb0(%in: i32, %o: i32):
      linalg.yield %in : i32
    }
    linalg.matmul ins(%a, %w : memref<?x128xi8>, memref<128x8xi8>) outs(%acc : memref<?x8xi32>)
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%acc : memref<?x8xi32>) outs(%y : memref<?x8xi8>) {
    ^bb0(%x: i32, %o: i8):
      %s = arith.shrsi %x, %c9 : i32
      %p = arith.maxsi %s, %lo : i32
      %q = arith.minsi %p, %hi : i32
      %t = arith.trunci %q : i32 to i8
      linalg.yield %t : i8
    }
    memref.dealloc %acc : memref<?x8xi32>
    return
  }
}
