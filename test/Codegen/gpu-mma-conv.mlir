// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-gpu-mma-matmul,func.func(canonicalize,cse))' | FileCheck %s
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-gpu-mma-matmul,gpu-launch-sink-index-computations,gpu-kernel-outlining,dyad-gpu-merge-kernel-modules,nvvm-attach-target{chip=sm_80 features=+ptx70},gpu.module(lower-affine,arith-expand,convert-scf-to-cf,expand-strided-metadata,convert-nvgpu-to-nvvm,convert-gpu-to-nvvm,dyad-gpu-extern-dynamic-shared,convert-nvvm-to-llvm,canonicalize,cse,reconcile-unrealized-casts),gpu-module-to-binary{format=isa})' | FileCheck %s --check-prefix=PTX

// An int8 NHWC convolution (3x3, 16 -> 16 channels, on an input already
// padded) as an implicit GEMM on tensor cores: M = N*14*14 output pixels,
// K = 3*3*16 taps, N = 16 filters. The HWCF weight is [K, N]; transposed
// at compile time to [16, 144] (OHWI). Each 16-byte chunk of an A row is
// one tap's 16 channels: row m = (n, p, q) and column k = (r, s, c) read
// input[n, p + r, q + s, c]. The tile narrows to the 16 filters (4 warps of
// 32x16); its B tile (16 rows x 4 chunks) is fewer chunks than threads, so
// those copies are guarded. The epilogue adds the bias and requantizes into
// the NHWC output.
// The pad value chunk of @padded_conv below, one per module and value.
// CHECK: memref.global "private" constant @__dyad_pad_chunk_0 : memref<16xi8> = dense<-128> {alignment = 16 : i64}
// CHECK-LABEL: func @conv
// CHECK-NOT: memref.alloc
// CHECK: memref.get_global @cw_nk : memref<16x144xi8>
// CHECK: gpu.launch {{.*}} threads({{.*}}) in ({{.*}} = %c128, {{.*}}) workgroup(%{{.*}} : memref<3x128x64xi8, #gpu.address_space<workgroup>>, %{{.*}} : memref<3x16x64xi8, #gpu.address_space<workgroup>>)
// CHECK-DAG: arith.divui %{{.*}}, %c196 : index
// CHECK-DAG: arith.divui %{{.*}}, %c48 : index
// CHECK: nvgpu.device_async_copy %arg0[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}], %{{.*}}[{{.*}}], 16, %{{.*}} {bypassL1} : memref<?x16x16x16xi8> to memref<3x128x64xi8
// CHECK: scf.if
// CHECK: nvgpu.device_async_copy %{{.*}}[{{.*}}], %{{.*}}[{{.*}}], 16, %{{.*}} {bypassL1} : memref<16x144xi8> to memref<3x16x64xi8
// CHECK: nvgpu.device_async_create_group
// CHECK: scf.for
// CHECK: nvgpu.mma.sync
// CHECK: memref.load %{{.*}} : memref<16xi32>
// CHECK: arith.shrsi
// CHECK: memref.store %{{.*}}, %arg1[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<?x14x14x16xi8>
// CHECK-NOT: memref.global "private" constant @cw :
// The same convolution on a padded input (a -128 fill, the source copied
// into its interior): the padding folds into the kernel. It reads the
// source; a tap outside it (signed: the top and left borders are
// negative) copies a 16-byte chunk of the pad value instead, so the padded
// buffer, its fill and its copy are gone.
// CHECK-LABEL: func @padded_conv
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.copy
// CHECK: gpu.launch
// CHECK: arith.maxsi
// CHECK: %[[IN:.*]] = arith.andi
// CHECK: scf.if %{{.*}} {
// CHECK-NEXT: %[[CHUNK:.*]] = memref.get_global @__dyad_pad_chunk_0 : memref<16xi8>
// CHECK-NEXT: nvgpu.device_async_copy %[[CHUNK]][%c0], %{{.*}}[{{.*}}], 16 {bypassL1} : memref<16xi8> to memref<3x128x64xi8
// CHECK-NEXT: } else {
// CHECK-NEXT: nvgpu.device_async_copy %arg0[{{.*}}], %{{.*}}[{{.*}}], 16, %{{.*}} {bypassL1} : memref<?x14x14x16xi8> to memref<3x128x64xi8
// CHECK: nvgpu.mma.sync
// CHECK: memref.store %{{.*}}, %arg1[{{.*}}] : memref<?x14x14x16xi8>
// CHECK-NOT: memref.copy
// CHECK: return
// PTX: .target sm_80
// PTX: cp.async.cg.shared.global
// PTX: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
module {
  memref.global "private" constant @cw : memref<3x3x16x16xi8> = dense<"0x7F64A2F9733D8603E628D2413B16D1734D986C88762467A452EF2C522E305A7229F24DBF20AF54CFC8F0F85EC59FDFECA4ED6EC5B3D164534ABA4AC1CCC641E8AA7A512482AC320CE2827395B29D8E87B5B2175DAEBC6640241CFF561A424309C819CA51BACCE9D48A5562F328F65649C599399FA4AD1ECDAE8C5A9F8CF098F48B02967A010ED0A2DD35A0E225E9B2E7D5A5E467042495B46C7D13001277A6C373969385B1669740C517608FCD5E48C7F67C0CFF47F9B5FCCD266F9D5717917B80B5453FF4AAAF765EA31497E4550B398A218BCB5C570D0A39C7486C09D762C699725239F3FDA0A982D014D2A988CD78AED94EEBA1929D04587C7FCAE8DE299DC40F32ECCD861D1F219D22F4DF345446565063DC4A486D1C330C55453A85546A47E2E4EDBE42A28A55ED7137BE20D1076325C15FD28917F583F2BADEDBA4768FA1BC89F5B895AE24FAE7A345CCA5C65AAA8380B7097B4A17A77D6F4D8F3F15C2DFA1BAD831F98257DC856214F4D2EE02C0EAF62CAA1D4902F6789E7BF216464072FF5B8D72B75EA5BC64090B018E535133822B9183646B2EBEB6EE42E6AFFF490019135FDD438DB11E60A60E573CE74DAD3925DB551A7AB0E4483FFA60216094D961D1B82DA7705AB71A692AC093FD5C0E8D8B57B23CE4600B33FFCFCB934FF80EA98F1E8289A8C6AEB2E06BA345508110E016567076CD25DC995CC0BA7BCB380C433BE9BA5D67559C520C7FB1A5A9C89197D4F82D0998B743E0CA3128B82B231B2EB4585392984E5B3F977AE2A23376D5E49865174B08A6F0904E8AE5C5F2FB30F1D2D8C7998C654A05834C5AACB7ECBAA0D713ED1B6916DC1E9064E285C5865A04DEFD7E5DE72CB1AD7BF3CBE4C96B6109D673A5532A53DEA964F649F43162063142925B8C8D299EB622C4ED035CBEDEF6722D30073D445DA5F36360D0B0B62A23A55FF4ED4E54203A03D0A2C88E90C4FE1945D9ABD35340DB6BF571A59DAAA757CCA5B12289E0A1EA5541224095D1A6B0908845F67B3042F6053E786236ADFCB4F80FB98BF1E54177CF00FD38FD816BA9F522FE5AB2C375806C0D368753EB6E8F9E1CF7279D9B4AD5B8DDAD4596229A82F044A5FCE3E122D3C586905D2C39F25EB501CD43E327F3D34CA8CF60E4EEAAE8A862F637885E51D77BD0E81B5321EAEE0A9553A3EE4F12EC24C4695BFFD7C0F4AF779A69AD0B0009615FBD03C0B204738D42699B837F2C523E93E1DEC3BE407111A57B9042C1CBE722CF27153C925A6E54651CE27FC128FF526BB9E4DC43F560A8ACAEA72932C8168446C63A70A0EA70B4A11BAAD1E037B91791A80141EBF68856FAD6E8BC2A0941F412314237F4AFE4E5B82890A6164AFE03F4771175562F295C322DAC7A396F6FDB12339DF1DDBA549AC83C994AF2705AE4129A0FA1DEC621F4A5A912979C3D3BBD8BC92387B44FDCDAE8440A27C80F2DCDADB894EBD0B43766360B67A3D08C1BBD6B3417221394DECCA31B2C407843752D6104E3D046A234D5A8A241074A5F7FD03322EBDF42BF3DF9369AB05418AC83ECD7B8616D6A2AB1897B931A0B30583C2FDB6ADB97002853190F34433B93CF473B96B0828BFD45D8560F1497FCB6A4B904C3F2E278A1C2B51B6A03F80D01281AC7C608D97B48CA9301754F0A05CBFE2B72655EB94E444536C04B8B280F06F622A0696182A8A60BE5FE96C6A0887780CEF8FD2E2151E60EAD6D3A60F814CBE6239C231D62545882B0234D61215C9F649698781E154C3B24AF4432C6C895B07329C96CCDD7FAE432E07670D94ADDBB0B0571973D37DA57E1AAE415836D5BE36FAB46795AF7057999E764827BA291200FC04E4E9EC41131E8C564191F2B0205E2DB1F08B60A98CFED541AA404AFC3E5E154B9329B906170BFE204760E8D02B34FD4258776697B7C7B38662BBDD5A042937DE9507A7E9ADCAE893B5D8EBCBA24FD353F24138108E147DA75D7D50529E1B2873D366ABA7900DDBCD285E472C7842019CDB12C34DAFEBDA21119F22C3A78404DFA474DBF94C9CD7D0F03D0B60B3FCB520962591CDAF1387CD637C1F113B5435434F51CBF2E67CE0A4AE17D4ACE844FFB7949514232CD7664D8F084A9407F87E49EE3EC8D9CC3C22A48BBD67BDA59E4AB6DB6838D8E1B1DC13ABCABDBD84E42864637A101DC211B856AEC033359DC388E9C73448D43424E5BD1E47F3047864BD072A0E7D5E2F2B29E53F5F05CB1DF7DD7707B2305A1FA3CA4AF4B523F2BA045996CDF40B576B854601EA46E1C620F10D6A3A4B656C4E310EA1B2FA87B294AD8B5D60FC4BB6A1A4392E3CBB479FB5C5D96C5AF757FFB3BDE4B48967A99911AD4B2CBC095AD21C96AFBB4D8F27DE2485BB3B84AEE92D3C0488D66099189C1936EAC776382CBFE76797165DC21ACBE0A02210E094A6F9D464C1A5791DBA5FB0797396D57BCFD101CA6D7E50E1BA92D88C685136C673551AF831732D938F1382C45C19CF6000590120EBB4F168D9017A8833D05832EB03873EF49D54FBB3803A79408102B58BB23023593593CD6DF5DA4B6060B33E62C253700CFF47F9EF33CC62E29B7EE2C1AD6A226A75E835D50458BE02368F2158542AC5E17933EFF3899B11F5EBE201080F7092F1714D451C8F7F3C5193B7FDFBE91758CFA63C693C3C374BE9249B7A6F26A4BBD89DBD84CAA6D2B6E591E266EEED358A0C21DE1B28AD270F18AA56105C64A85FA33FE9968A4BC9EA56EEA2582C1BADCACD9CDA759CE7597EE05DB6A14EFFA19C87419884CBA27C203F7A6283B442BC392C41843715C4FC94323502131648399380EFC4FA2092E3D77F9930A65F712262649C990BE9DC41B571251F496B637889F5DD18738DC71ED939E3C382100E92FE59551AC04D586A8956D81C076F83AE202C2B2A33E599385C62D61DCCC257494AB5033B2F700E9B7F83B7EE1D103A6EAD335D98DA66616F6B5A2DA684A80F062A18043A3950790D1E25F6A279628FE85EE7F65120DDF0353D65E0D49E4B3558F5EB9AEC63FD24E97F517160035931376F6D4F54CD80E5C40369748406F1CFDD68818C47A79F856A18DE570A2DC4680E3D75088F67BF955D6AAB7EAF86AE05B5F04DF92F752E5B3EBAE59A023496680959E660D64919BC36D675DD285396DCF1F7D1C487EF932609D9B4D52A6D47B789CB443F76B20E6C7F7CAE68C75F7A4139798D7692F7C023A213339010980D44B1D63C6E5A037FBB6882DFAA31EE6C2334EFF01B76626E1EB49A5538CF60724D16A">
  memref.global "private" constant @cb : memref<16xi32> = dense<[1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16]>
  func.func @conv(%x: memref<?x16x16x16xi8>, %y: memref<?x14x14x16xi8>) {
    %c0 = arith.constant 0 : index
    %c9 = arith.constant 9 : i32
    %lo = arith.constant -128 : i32
    %hi = arith.constant 127 : i32
    %w = memref.get_global @cw : memref<3x3x16x16xi8>
    %b = memref.get_global @cb : memref<16xi32>
    %n = memref.dim %x, %c0 : memref<?x16x16x16xi8>
    %acc = memref.alloc(%n) : memref<?x14x14x16xi32>
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<16xi32>) outs(%acc : memref<?x14x14x16xi32>) {
    ^bb0(%in: i32, %o: i32):
      linalg.yield %in : i32
    }
    linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<?x16x16x16xi8>, memref<3x3x16x16xi8>) outs(%acc : memref<?x14x14x16xi32>)
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc : memref<?x14x14x16xi32>) outs(%y : memref<?x14x14x16xi8>) {
    ^bb0(%v: i32, %o: i8):
      %s = arith.shrsi %v, %c9 : i32
      %p = arith.maxsi %s, %lo : i32
      %q = arith.minsi %p, %hi : i32
      %t = arith.trunci %q : i32 to i8
      linalg.yield %t : i8
    }
    memref.dealloc %acc : memref<?x14x14x16xi32>
    return
  }
  func.func @padded_conv(%x: memref<?x14x14x16xi8>, %y: memref<?x14x14x16xi8>) {
    %c0 = arith.constant 0 : index
    %c9 = arith.constant 9 : i32
    %lo = arith.constant -128 : i32
    %hi = arith.constant 127 : i32
    %pad = arith.constant -128 : i8
    %w = memref.get_global @cw : memref<3x3x16x16xi8>
    %b = memref.get_global @cb : memref<16xi32>
    %n = memref.dim %x, %c0 : memref<?x14x14x16xi8>
    %padded = memref.alloc(%n) : memref<?x16x16x16xi8>
    linalg.map outs(%padded : memref<?x16x16x16xi8>)
      (%init: i8) {
        linalg.yield %pad : i8
      }
    %interior = memref.subview %padded[0, 1, 1, 0] [%n, 14, 14, 16] [1, 1, 1, 1] : memref<?x16x16x16xi8> to memref<?x14x14x16xi8, strided<[4096, 256, 16, 1], offset: 272>>
    memref.copy %x, %interior : memref<?x14x14x16xi8> to memref<?x14x14x16xi8, strided<[4096, 256, 16, 1], offset: 272>>
    %acc = memref.alloc(%n) : memref<?x14x14x16xi32>
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<16xi32>) outs(%acc : memref<?x14x14x16xi32>) {
    ^bb0(%in: i32, %o: i32):
      linalg.yield %in : i32
    }
    linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : memref<?x16x16x16xi8>, memref<3x3x16x16xi8>) outs(%acc : memref<?x14x14x16xi32>)
    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc : memref<?x14x14x16xi32>) outs(%y : memref<?x14x14x16xi8>) {
    ^bb0(%v: i32, %o: i8):
      %s = arith.shrsi %v, %c9 : i32
      %p = arith.maxsi %s, %lo : i32
      %q = arith.minsi %p, %hi : i32
      %t = arith.trunci %q : i32 to i8
      linalg.yield %t : i8
    }
    memref.dealloc %acc : memref<?x14x14x16xi32>
    memref.dealloc %padded : memref<?x16x16x16xi8>
    return
  }
}
