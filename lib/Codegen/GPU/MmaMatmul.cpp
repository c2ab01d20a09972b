//===- MmaMatmul.cpp - int8 GEMMs on tensor cores -------------------------===//
//
// An i8 x i8 -> i32 matmul by a constant weight becomes one gpu.launch of a
// tiled tensor-core kernel (Ampere-style, as sm_80 and sm_90 both run it):
//
//   - CTA tile 128x128x64 on 4 warps (2x2), each warp 64x64: 4 x 8
//     `mma.sync.m16n8k32` s8 accumulators of 2x2 i32 per thread;
//   - A (activations, M x K, K contiguous) and B (the weight, transposed at
//     compile time to N x K: ldmatrix cannot transpose 8-bit data) stream
//     through a 3-stage `cp.async` pipeline in shared memory, 16-byte
//     chunks XOR-swizzled so each `ldmatrix.x4` is free of bank conflicts;
//     rows past M or N and chunks past K are zero-filled (no bound checks
//     in the main loop);
//   - the epilogue adds the init (the bias the output buffer was filled
//     with) and applies the fused elementwise consumer (requantization) to
//     each element in registers, storing only in-bounds elements.
//
// See ../shared/reference/gpu-codegen.md for the fragment layouts and the
// MLIR 22 pieces (nvgpu ops) this relies on.
//
//===----------------------------------------------------------------------===//

#include "Fusion.h"
#include "dyad/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"

namespace dyad {
#define GEN_PASS_DEF_DYADGPUMMAMATMUL
#include "dyad/Codegen/GPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad::gpu;

namespace {

constexpr int64_t kBM = 128, kBN = 128, kBK = 64, kStages = 3;
constexpr int64_t kWM = 64, kWN = 64, kThreads = 128;
constexpr int64_t kMI = kWM / 16, kNJ = kWN / 8, kKS = kBK / 32;
constexpr int64_t kChunks = kBK / 16; // 16-byte chunks per tile row

/// The weight's values, K x N row-major, if it is a constant global.
std::optional<SmallVector<int8_t>> constantWeight(memref::GetGlobalOp get) {
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      get, get.getNameAttr());
  if (!global || !global.getConstant())
    return std::nullopt;
  Attribute init = global.getConstantInitValue();
  SmallVector<int8_t> values;
  if (auto dense = dyn_cast_or_null<DenseIntElementsAttr>(init)) {
    if (!dense.getElementType().isInteger(8))
      return std::nullopt;
    for (APInt v : dense.getValues<APInt>())
      values.push_back(static_cast<int8_t>(v.getSExtValue()));
    return values;
  }
  if (auto blob = dyn_cast_or_null<DenseI8ResourceElementsAttr>(init))
    if (std::optional<ArrayRef<int8_t>> data = blob.tryGetAsArrayRef()) {
      values.assign(data->begin(), data->end());
      return values;
    }
  return std::nullopt;
}

/// A matmul this kernel takes: i8 activations [M, K] (K contiguous) times
/// a constant i8 weight [K, N] into i32 [M, N], K a multiple of 16 (one
/// cp.async chunk), N even (pairs of outputs per thread).
struct Match {
  Value a, out;
  memref::GetGlobalOp weight;
  SmallVector<int8_t> values;
  int64_t k, n;
};

std::optional<Match> match(linalg::MatmulOp mm) {
  if (!mm.hasPureBufferSemantics() || mm.hasUserDefinedMaps())
    return std::nullopt;
  Value a = mm.getInputs()[0], b = mm.getInputs()[1];
  Value out = mm.getOutputs()[0];
  auto at = dyn_cast<MemRefType>(a.getType());
  auto bt = dyn_cast<MemRefType>(b.getType());
  auto ot = dyn_cast<MemRefType>(out.getType());
  if (!at || !bt || !ot || !at.getElementType().isInteger(8) ||
      !bt.getElementType().isInteger(8) || !ot.getElementType().isInteger(32) ||
      !at.getLayout().isIdentity() || !ot.getLayout().isIdentity() ||
      !bt.hasStaticShape() || at.isDynamicDim(1))
    return std::nullopt;
  auto get = b.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return std::nullopt;
  int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
  if (k % 16 != 0 || n % 2 != 0 || k == 0 || n == 0)
    return std::nullopt;
  auto values = constantWeight(get);
  if (!values || (int64_t)values->size() != k * n)
    return std::nullopt;
  return Match{a, out, get, std::move(*values), k, n};
}

/// The weight transposed to [N, K] as a new constant global beside the
/// old one.
memref::GlobalOp transposedWeight(RewriterBase &rw, Match &m) {
  auto module = m.weight->getParentOfType<ModuleOp>();
  auto old = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      m.weight, m.weight.getNameAttr());
  SmallVector<int8_t> t(m.k * m.n);
  for (int64_t r = 0; r < m.k; ++r)
    for (int64_t c = 0; c < m.n; ++c)
      t[c * m.k + r] = m.values[r * m.n + c];
  auto type = MemRefType::get({m.n, m.k}, rw.getI8Type());
  auto tensorType = RankedTensorType::get({m.n, m.k}, rw.getI8Type());
  std::string name = (old.getSymName() + "_nk").str();
  for (int i = 0; module.lookupSymbol(name); ++i)
    name = (old.getSymName() + "_nk" + llvm::Twine(i)).str();
  OpBuilder::InsertionGuard guard(rw);
  rw.setInsertionPoint(old);
  return memref::GlobalOp::create(
      rw, old.getLoc(), name, rw.getStringAttr("private"), type,
      DenseElementsAttr::get(tensorType, ArrayRef<int8_t>(t)),
      /*constant=*/true, rw.getI64IntegerAttr(16));
}

/// Emits the kernel for `plan` (its op the generalized matmul) before `at`.
void emitKernel(RewriterBase &rw, Plan &plan, Match &m,
                memref::GlobalOp weightNK, Operation *at) {
  Location loc = plan.op.getLoc();
  MLIRContext *ctx = rw.getContext();
  rw.setInsertionPoint(at);
  auto cidx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rw, loc, v);
  };
  Value bNK = memref::GetGlobalOp::create(rw, loc, weightNK.getType(),
                                          weightNK.getSymName());
  Value mSize = memref::DimOp::create(rw, loc, m.a, 0);
  Value gridY = arith::CeilDivUIOp::create(rw, loc, mSize, cidx(kBM));
  Value gridX = cidx((m.n + kBN - 1) / kBN);
  auto ws = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto smA = MemRefType::get({kStages, kBM, kBK}, rw.getI8Type(),
                             MemRefLayoutAttrInterface(), ws);
  auto smB = MemRefType::get({kStages, kBN, kBK}, rw.getI8Type(),
                             MemRefLayoutAttrInterface(), ws);
  Value one = cidx(1);
  auto launch =
      gpu::LaunchOp::create(rw, loc, gridX, gridY, one, cidx(kThreads), one,
                            one, nullptr, nullptr, {}, TypeRange{smA, smB});
  Block &body = launch.getBody().front();
  rw.setInsertionPointToStart(&body);
  gpu::TerminatorOp::create(rw, loc);
  rw.setInsertionPointToStart(&body);
  Value sa = launch.getWorkgroupAttributions()[0];
  Value sb = launch.getWorkgroupAttributions()[1];

  auto add = [&](Value x, Value y) -> Value {
    return arith::AddIOp::create(rw, loc, x, y);
  };
  auto mul = [&](Value x, int64_t c) -> Value {
    return arith::MulIOp::create(rw, loc, x, cidx(c));
  };
  auto div = [&](Value x, int64_t c) -> Value {
    return arith::DivUIOp::create(rw, loc, x, cidx(c));
  };
  auto rem = [&](Value x, int64_t c) -> Value {
    return arith::RemUIOp::create(rw, loc, x, cidx(c));
  };
  auto lt = [&](Value x, Value y) -> Value {
    return arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::ult, x, y);
  };
  // The byte offset of logical 16-byte chunk `chunk` of tile row `row`:
  // chunk ^ ((row >> 1) & 3), so the 8 rows one ldmatrix reads fall in 8
  // different bank groups.
  auto swizzle = [&](Value row, Value chunk) -> Value {
    Value x = arith::AndIOp::create(rw, loc, div(row, 2), cidx(3));
    return mul(arith::XOrIOp::create(rw, loc, chunk, x), 16);
  };

  Value tid = launch.getThreadIds().x;
  Value m0 = mul(launch.getBlockIds().y, kBM);
  Value n0 = mul(launch.getBlockIds().x, kBN);
  Value warp = div(tid, 32), lane = rem(tid, 32);
  Value wm0 = mul(div(warp, 2), kWM), wn0 = mul(rem(warp, 2), kWN);
  Value kSize = cidx(m.k), nSize = cidx(m.n);
  Value mLast = arith::SubIOp::create(rw, loc, mSize, one);
  int64_t kTiles = (m.k + kBK - 1) / kBK;
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(ctx);
  auto i32Attr = [&](int64_t v) { return rw.getI32IntegerAttr(v); };

  // All 128 threads copy k-tile `kt` of A and B into stage `stage`.
  auto loadStage = [&](Value kt, Value stage) -> Value {
    SmallVector<Value> tokens;
    Value k0 = mul(kt, kBK);
    for (auto [src, dst, base, last, rows] :
         {std::tuple{m.a, sa, m0, mLast, kBM},
          std::tuple{bNK, sb, n0, cidx(m.n - 1), kBN}}) {
      Value size = src == m.a ? mSize : nSize;
      for (int64_t i = 0; i < rows * kChunks / kThreads; ++i) {
        Value lin = add(tid, cidx(i * kThreads));
        Value row = div(lin, kChunks), chunk = rem(lin, kChunks);
        Value grow = add(base, row);
        Value gk = add(k0, mul(chunk, 16));
        Value valid =
            arith::AndIOp::create(rw, loc, lt(grow, size), lt(gk, kSize));
        // Out of bounds: zero bytes read (zero fill) from a valid address.
        Value srcRow = arith::MinUIOp::create(rw, loc, grow, last);
        Value srcK = arith::MinUIOp::create(rw, loc, gk, cidx(m.k - 16));
        Value bytes =
            arith::SelectOp::create(rw, loc, valid, cidx(16), cidx(0));
        tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
            rw, loc, tokenType, dst,
            ValueRange{stage, row, swizzle(row, chunk)}, src,
            ValueRange{srcRow, srcK}, rw.getIndexAttr(16), bytes,
            rw.getUnitAttr()));
      }
    }
    return nvgpu::DeviceAsyncCreateGroupOp::create(rw, loc, tokenType, tokens);
  };
  Value ktLast = cidx(kTiles - 1);
  Value firstGroup;
  for (int64_t s = 0; s < kStages - 1; ++s) {
    Value g = loadStage(cidx(std::min(s, kTiles - 1)), cidx(s));
    if (!firstGroup)
      firstGroup = g;
  }

  auto accType = VectorType::get({2, 2}, rw.getI32Type());
  auto aType = VectorType::get({4, 4}, rw.getI8Type());
  auto bType = VectorType::get({2, 4}, rw.getI8Type());
  auto rowType = VectorType::get({4}, rw.getI8Type());
  Value zero = arith::ConstantOp::create(
      rw, loc, accType,
      DenseElementsAttr::get(accType, rw.getI32IntegerAttr(0)));
  SmallVector<Value> inits(kMI * kNJ, zero);
  auto loop = scf::ForOp::create(rw, loc, cidx(0), cidx(kTiles), one, inits);
  {
    OpBuilder::InsertionGuard guard(rw);
    rw.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    // Stage kt has landed (at most the newest group in flight), and every
    // thread is done with the stage the next load overwrites.
    nvgpu::DeviceAsyncWaitOp::create(rw, loc, firstGroup, i32Attr(kStages - 2));
    gpu::BarrierOp::create(rw, loc);
    Value st = rem(kt, kStages);
    Value ahead = add(kt, cidx(kStages - 1));
    // Past the last tile the load repeats it into a stage no iteration
    // reads: every iteration commits one group.
    loadStage(arith::MinUIOp::create(rw, loc, ahead, ktLast),
              rem(ahead, kStages));
    SmallVector<Value> acc(loop.getRegionIterArgs().begin(),
                           loop.getRegionIterArgs().end());
    Value poison = ub::PoisonOp::create(rw, loc, bType);
    for (int64_t ks = 0; ks < kKS; ++ks) {
      // A: lanes 0-15 address rows 0-15 at chunk 2ks, lanes 16-31 the same
      // rows at chunk 2ks+1 (the four 8x16-byte matrices of an m16k32
      // fragment).
      SmallVector<Value> af;
      Value aRow = rem(lane, 16), aChunk = add(div(lane, 16), cidx(2 * ks));
      for (int64_t i = 0; i < kMI; ++i) {
        Value r = add(add(wm0, cidx(16 * i)), aRow);
        af.push_back(nvgpu::LdMatrixOp::create(
            rw, loc, aType, sa, ValueRange{st, r, swizzle(r, aChunk)},
            rw.getBoolAttr(false), i32Attr(4)));
      }
      // B: one ldmatrix.x4 covers two n8 tiles: lanes 0-7 rows 0-7 at chunk
      // 2ks, 8-15 the same rows at 2ks+1, 16-31 rows 8-15 likewise.
      SmallVector<Value> bf;
      Value bRow = add(rem(lane, 8), mul(div(lane, 16), 8));
      Value bChunk = add(rem(div(lane, 8), 2), cidx(2 * ks));
      for (int64_t j2 = 0; j2 < kNJ / 2; ++j2) {
        Value r = add(add(wn0, cidx(16 * j2)), bRow);
        Value x4 = nvgpu::LdMatrixOp::create(
            rw, loc, aType, sb, ValueRange{st, r, swizzle(r, bChunk)},
            rw.getBoolAttr(false), i32Attr(4));
        for (int64_t half = 0; half < 2; ++half) {
          Value lo = vector::ExtractOp::create(rw, loc, x4, 2 * half);
          Value hi = vector::ExtractOp::create(rw, loc, x4, 2 * half + 1);
          Value v = vector::InsertOp::create(rw, loc, lo, poison, 0);
          bf.push_back(vector::InsertOp::create(rw, loc, hi, v, 1));
        }
      }
      (void)rowType;
      for (int64_t i = 0; i < kMI; ++i)
        for (int64_t j = 0; j < kNJ; ++j)
          acc[i * kNJ + j] =
              nvgpu::MmaSyncOp::create(rw, loc, af[i], bf[j], acc[i * kNJ + j],
                                       ArrayRef<int64_t>{16, 8, 32});
    }
    scf::YieldOp::create(rw, loc, acc);
  }
  nvgpu::DeviceAsyncWaitOp::create(rw, loc, firstGroup, i32Attr(0));

  // The epilogue: thread (group g, index t in group) holds rows g and g+8,
  // columns 2t and 2t+1 of each 16x8 tile.
  Value grp = div(lane, 4), col = mul(rem(lane, 4), 2);
  linalg::GenericOp op = plan.op;
  Value result = op.getDpsInits()[0];
  for (int64_t i = 0; i < kMI; ++i)
    for (int64_t j = 0; j < kNJ; ++j)
      for (int64_t h = 0; h < 2; ++h)
        for (int64_t e = 0; e < 2; ++e) {
          Value row = add(add(m0, wm0), add(grp, cidx(16 * i + 8 * h)));
          Value cn = add(add(n0, wn0), add(col, cidx(8 * j + e)));
          Value inside =
              arith::AndIOp::create(rw, loc, lt(row, mSize), lt(cn, nSize));
          auto ifOp = scf::IfOp::create(rw, loc, inside, false);
          OpBuilder::InsertionGuard guard(rw);
          rw.setInsertionPointToStart(ifOp.thenBlock());
          Value v = vector::ExtractOp::create(
              rw, loc, loop.getResult(i * kNJ + j), ArrayRef<int64_t>{h, e});
          SmallVector<Value> idx{row, cn};
          Value init;
          if (plan.init) {
            linalg::GenericOp f = plan.init;
            SmallVector<Value> args;
            for (OpOperand *in : f.getDpsInputOperands())
              args.push_back(
                  f.getMatchingBlockArgument(in).use_empty()
                      ? Value()
                      : load(rw, loc, in->get(),
                             applyMap(rw, loc, f.getMatchingIndexingMap(in),
                                      idx)));
            args.push_back(Value());
            init = inlineBody(rw, f, args, idx)[0];
          } else {
            init = memref::LoadOp::create(rw, loc, result, idx);
          }
          Value total = arith::AddIOp::create(rw, loc, init, v);
          if (!plan.consumer) {
            memref::StoreOp::create(rw, loc, total, result, idx);
            continue;
          }
          linalg::GenericOp c = plan.consumer;
          SmallVector<Value> args;
          for (OpOperand *in : c.getDpsInputOperands()) {
            if (in->get() == result) {
              args.push_back(total);
              continue;
            }
            args.push_back(
                c.getMatchingBlockArgument(in).use_empty()
                    ? Value()
                    : load(rw, loc, in->get(),
                           applyMap(rw, loc, c.getMatchingIndexingMap(in),
                                    idx)));
          }
          for (OpOperand &o : c.getDpsInitsMutable())
            args.push_back(c.getMatchingBlockArgument(&o).use_empty()
                               ? Value()
                               : load(rw, loc, o.get(), idx));
          SmallVector<Value> ys = inlineBody(rw, c, args, idx);
          for (auto [y, o] : llvm::zip(ys, c.getDpsInits()))
            memref::StoreOp::create(rw, loc, y, o, idx);
        }
}

struct DyadGpuMmaMatmulPass
    : dyad::impl::DyadGpuMmaMatmulBase<DyadGpuMmaMatmulPass> {
  void runOnOperation() override {
    func::FuncOp f = getOperation();
    IRRewriter rw(&getContext());
    if (failed(generalizeFills(rw, f)))
      return signalPassFailure();
    SmallVector<linalg::MatmulOp> matmuls;
    f.walk([&](linalg::MatmulOp mm) { matmuls.push_back(mm); });
    for (linalg::MatmulOp mm : matmuls) {
      std::optional<Match> m = match(mm);
      if (!m)
        continue;
      rw.setInsertionPoint(mm);
      FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rw, mm);
      if (failed(g)) {
        mm->emitError("GPU lowering: cannot generalize this matmul");
        return signalPassFailure();
      }
      Plan plan;
      plan.op = *g;
      Operation *at = planFusion(plan);
      // The A operand is read straight from its buffer.
      plan.paddings.clear();
      // A consumer that reads the result at another element, or a result
      // that is not the matmul's [M, N] (checked by planFusion's identity
      // maps), is all the epilogue needs.
      memref::GlobalOp weight = transposedWeight(rw, *m);
      emitKernel(rw, plan, *m, weight, at);
      eraseFused(rw, plan);
      // The [K, N] weight, unless another op still reads it.
      auto old = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          m->weight, m->weight.getNameAttr());
      if (m->weight->use_empty())
        rw.eraseOp(m->weight);
      if (old && SymbolTable::symbolKnownUseEmpty(
                     old, old->getParentOfType<ModuleOp>()))
        rw.eraseOp(old);
    }
  }
};

} // namespace
