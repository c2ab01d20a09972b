//===- HostToLLVM.cpp - the host side of a GPU model ----------------------===//
//
// After the kernels are compiled (gpu.binary), what is left of the model's
// function runs on the CPU: it computes launch bounds and buffer sizes,
// allocates device buffers and launches the kernels in order. It is lowered
// here to the LLVM dialect with the usual conversions, plus patterns that
// turn every GPU action into a call through the run's dyad_gpu_ctx
// (include/dyad/Runtime/dyad_gpu_abi.h): the model library has no CUDA
// symbol, and the runtime owns the driver, the streams and the module.
//
//===----------------------------------------------------------------------===//

#include "dyad/Codegen/GPU/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/Pattern.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Transforms/DialectConversion.h"

namespace dyad {
#define GEN_PASS_DEF_DYADGPUHOSTTOLLVM
#include "dyad/Codegen/GPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;

namespace {

/// The thread-local global that holds the current run's dyad_gpu_ctx.
constexpr StringLiteral kCtxGlobal = "__dyad_gpu_ctx";

/// Marks a host buffer and its users (the upstream lowering takes them).
constexpr StringLiteral kHostBuffer = "dyad.host_buffer";

/// Fields of dyad_gpu_ctx, in the header's order.
enum CtxField : int32_t { Alloc = 0, Free, Constant, Launch, Copy };

/// Loads the run's context and calls its field `field` with `args`.
static Value callCtx(OpBuilder &b, Location loc, CtxField field,
                     Type resultType, ValueRange args) {
  MLIRContext *ctx = b.getContext();
  auto ptrTy = LLVM::LLVMPointerType::get(ctx);
  Value slot = LLVM::AddressOfOp::create(b, loc, ptrTy, kCtxGlobal);
  Value gctx = LLVM::LoadOp::create(b, loc, ptrTy, slot);
  Value fieldPtr = LLVM::GEPOp::create(b, loc, ptrTy, ptrTy, gctx,
                                       ArrayRef<LLVM::GEPArg>{(int32_t)field});
  Value fn = LLVM::LoadOp::create(b, loc, ptrTy, fieldPtr);
  SmallVector<Type> argTypes{ptrTy};
  SmallVector<Value> operands{fn, gctx};
  for (Value a : args) {
    argTypes.push_back(a.getType());
    operands.push_back(a);
  }
  auto fnTy = LLVM::LLVMFunctionType::get(
      resultType ? resultType : LLVM::LLVMVoidType::get(ctx), argTypes);
  auto call = LLVM::CallOp::create(b, loc, fnTy, operands);
  return resultType ? call.getResult() : Value();
}

static Value i64Const(OpBuilder &b, Location loc, int64_t v) {
  return LLVM::ConstantOp::create(b, loc, b.getI64Type(), v);
}

/// memref.alloc -> ctx->alloc(bytes).
struct AllocLowering : ConvertOpToLLVMPattern<memref::AllocOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;
  LogicalResult
  matchAndRewrite(memref::AllocOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = op.getType();
    if (op->hasAttr(kHostBuffer))
      return rewriter.notifyMatchFailure(op, "a host buffer");
    if (!isConvertibleAndHasIdentityMaps(type))
      return rewriter.notifyMatchFailure(op, "not an identity layout");
    Location loc = op.getLoc();
    SmallVector<Value> sizes, strides;
    Value bytes;
    getMemRefDescriptorSizes(loc, type, adaptor.getDynamicSizes(), rewriter,
                             sizes, strides, bytes);
    auto ptrTy = LLVM::LLVMPointerType::get(getContext());
    Value ptr = callCtx(rewriter, loc, Alloc, ptrTy, {bytes});
    Value desc =
        createMemRefDescriptor(loc, type, ptr, ptr, sizes, strides, rewriter);
    rewriter.replaceOp(op, desc);
    return success();
  }
};

/// memref.dealloc -> ctx->free(allocated pointer).
struct DeallocLowering : ConvertOpToLLVMPattern<memref::DeallocOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;
  LogicalResult
  matchAndRewrite(memref::DeallocOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op->hasAttr(kHostBuffer))
      return rewriter.notifyMatchFailure(op, "a host buffer");
    MemRefDescriptor desc(adaptor.getMemref());
    callCtx(rewriter, op.getLoc(), Free, Type(),
            {desc.allocatedPtr(rewriter, op.getLoc())});
    rewriter.eraseOp(op);
    return success();
  }
};

/// memref.get_global of a constant -> ctx->constant(id, host data, bytes):
/// the kernels read the device copy.
struct GetGlobalLowering : ConvertOpToLLVMPattern<memref::GetGlobalOp> {
  GetGlobalLowering(const LLVMTypeConverter &converter,
                    llvm::StringMap<int64_t> &ids, PatternBenefit benefit)
      : ConvertOpToLLVMPattern(converter, benefit), ids(ids) {}
  LogicalResult
  matchAndRewrite(memref::GetGlobalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = op.getType();
    if (!type.hasStaticShape() || !isConvertibleAndHasIdentityMaps(type))
      return rewriter.notifyMatchFailure(op, "not a static identity buffer");
    Location loc = op.getLoc();
    auto ptrTy = LLVM::LLVMPointerType::get(getContext());
    auto [it, inserted] = ids.try_emplace(op.getName(), (int64_t)ids.size());
    (void)inserted;
    Value host = LLVM::AddressOfOp::create(rewriter, loc, ptrTy, op.getName());
    SmallVector<Value> sizes, strides;
    Value bytes;
    getMemRefDescriptorSizes(loc, type, {}, rewriter, sizes, strides, bytes);
    Value device = callCtx(rewriter, loc, Constant, ptrTy,
                           {i64Const(rewriter, loc, it->second), host, bytes});
    Value desc = createMemRefDescriptor(loc, type, device, device, sizes,
                                        strides, rewriter);
    rewriter.replaceOp(op, desc);
    return success();
  }
  llvm::StringMap<int64_t> &ids;
};

/// memref.copy between contiguous buffers -> ctx->copy.
struct CopyLowering : ConvertOpToLLVMPattern<memref::CopyOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;
  LogicalResult
  matchAndRewrite(memref::CopyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto srcTy = dyn_cast<MemRefType>(op.getSource().getType());
    auto dstTy = dyn_cast<MemRefType>(op.getTarget().getType());
    if (!srcTy || !dstTy || !srcTy.getLayout().isIdentity() ||
        !dstTy.getLayout().isIdentity())
      return rewriter.notifyMatchFailure(op, "not contiguous");
    Location loc = op.getLoc();
    MemRefDescriptor src(adaptor.getSource()), dst(adaptor.getTarget());
    Value count = i64Const(rewriter, loc, 1);
    for (int64_t i = 0; i < srcTy.getRank(); ++i)
      count =
          LLVM::MulOp::create(rewriter, loc, count, src.size(rewriter, loc, i));
    Value elt = getSizeInBytes(loc, srcTy.getElementType(), rewriter);
    Value bytes = LLVM::MulOp::create(rewriter, loc, count, elt);
    auto at = [&](MemRefDescriptor &d) -> Value {
      auto ptrTy = LLVM::LLVMPointerType::get(getContext());
      Type eltTy = typeConverter->convertType(srcTy.getElementType());
      return LLVM::GEPOp::create(rewriter, loc, ptrTy, eltTy,
                                 d.alignedPtr(rewriter, loc),
                                 ValueRange{d.offset(rewriter, loc)});
    };
    callCtx(rewriter, loc, Copy, Type(), {at(dst), at(src), bytes});
    rewriter.eraseOp(op);
    return success();
  }
};

/// gpu.launch_func -> ctx->launch(kernel index, grid, block, smem, params):
/// params points at each kernel parameter, memrefs expanded the way
/// convert-gpu-to-nvvm declares them (allocated and aligned pointers,
/// offset, sizes, strides).
struct LaunchLowering : ConvertOpToLLVMPattern<gpu::LaunchFuncOp> {
  LaunchLowering(const LLVMTypeConverter &converter,
                 const llvm::StringMap<int64_t> &kernels,
                 PatternBenefit benefit)
      : ConvertOpToLLVMPattern(converter, benefit), kernels(kernels) {}
  LogicalResult
  matchAndRewrite(gpu::LaunchFuncOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto it = kernels.find(op.getKernelName().getValue());
    if (it == kernels.end())
      return op.emitError("GPU lowering: no compiled kernel '")
             << op.getKernelName().getValue() << "'";
    if (op.getClusterSizeX() || op.getAsyncObject() ||
        !op.getAsyncDependencies().empty())
      return op.emitError("GPU lowering: clusters and async launches are "
                          "not supported");
    // The scalar parameters in order.
    SmallVector<Value> params;
    for (auto [orig, conv] :
         llvm::zip(op.getKernelOperands(), adaptor.getKernelOperands())) {
      auto memref = dyn_cast<MemRefType>(orig.getType());
      if (!memref) {
        params.push_back(conv);
        continue;
      }
      MemRefDescriptor d(conv);
      params.push_back(d.allocatedPtr(rewriter, loc));
      params.push_back(d.alignedPtr(rewriter, loc));
      params.push_back(d.offset(rewriter, loc));
      for (int64_t i = 0; i < memref.getRank(); ++i)
        params.push_back(d.size(rewriter, loc, i));
      for (int64_t i = 0; i < memref.getRank(); ++i)
        params.push_back(d.stride(rewriter, loc, i));
    }
    // A struct of them on the stack, and the array of their addresses.
    auto ptrTy = LLVM::LLVMPointerType::get(ctx);
    SmallVector<Type> types;
    for (Value p : params)
      types.push_back(p.getType());
    auto structTy = LLVM::LLVMStructType::getLiteral(ctx, types);
    Value storage, array;
    {
      // Allocas at the entry, so a launch in a loop does not grow the stack;
      // the address array is filled there once (the slots do not move).
      OpBuilder::InsertionGuard g(rewriter);
      Block &entry =
          op->getParentOfType<FunctionOpInterface>().getFunctionBody().front();
      rewriter.setInsertionPointToStart(&entry);
      storage = LLVM::AllocaOp::create(rewriter, loc, ptrTy, structTy,
                                       i64Const(rewriter, loc, 1));
      array = LLVM::AllocaOp::create(
          rewriter, loc, ptrTy, ptrTy,
          i64Const(rewriter, loc, std::max<size_t>(params.size(), 1)));
      for (size_t i = 0; i < params.size(); ++i) {
        Value field =
            LLVM::GEPOp::create(rewriter, loc, ptrTy, structTy, storage,
                                ArrayRef<LLVM::GEPArg>{0, (int32_t)i});
        Value slot = LLVM::GEPOp::create(rewriter, loc, ptrTy, ptrTy, array,
                                         ArrayRef<LLVM::GEPArg>{(int32_t)i});
        LLVM::StoreOp::create(rewriter, loc, field, slot);
      }
    }
    for (size_t i = 0; i < params.size(); ++i) {
      Value field = LLVM::GEPOp::create(rewriter, loc, ptrTy, structTy, storage,
                                        ArrayRef<LLVM::GEPArg>{0, (int32_t)i});
      LLVM::StoreOp::create(rewriter, loc, params[i], field);
    }
    Value smem =
        adaptor.getDynamicSharedMemorySize()
            ? LLVM::SExtOp::create(rewriter, loc, rewriter.getI64Type(),
                                   adaptor.getDynamicSharedMemorySize())
                  .getResult()
            : i64Const(rewriter, loc, 0);
    callCtx(rewriter, loc, Launch, Type(),
            {i64Const(rewriter, loc, it->second), adaptor.getGridSizeX(),
             adaptor.getGridSizeY(), adaptor.getGridSizeZ(),
             adaptor.getBlockSizeX(), adaptor.getBlockSizeY(),
             adaptor.getBlockSizeZ(), smem, array});
    rewriter.eraseOp(op);
    return success();
  }
  const llvm::StringMap<int64_t> &kernels;
};

struct DyadGpuHostToLLVMPass
    : dyad::impl::DyadGpuHostToLLVMBase<DyadGpuHostToLLVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();

    // The PTX and the kernel names, in the order the launches index them.
    SmallVector<gpu::BinaryOp> binaries(module.getOps<gpu::BinaryOp>());
    if (binaries.size() > 1) {
      module.emitError("GPU lowering: more than one kernel module (run "
                       "dyad-gpu-merge-kernel-modules first)");
      return signalPassFailure();
    }
    llvm::StringMap<int64_t> kernels;
    SmallVector<Attribute> kernelNames;
    if (!binaries.empty()) {
      gpu::BinaryOp binary = binaries.front();
      auto objects = binary.getObjects();
      if (objects.size() != 1) {
        binary.emitError("GPU lowering: expected one compiled object");
        return signalPassFailure();
      }
      auto object = cast<gpu::ObjectAttr>(objects[0]);
      if (object.getFormat() != gpu::CompilationTarget::Assembly) {
        binary.emitError("GPU lowering: expected PTX (format=isa)");
        return signalPassFailure();
      }
      module->setAttr("dyad.gpu_ptx", object.getObject());
      // Kernel names from the PTX's .entry lines would tie us to its text;
      // the launches name them, in program order.
      module.walk([&](gpu::LaunchFuncOp launch) {
        StringRef name = launch.getKernelName().getValue();
        if (kernels.try_emplace(name, (int64_t)kernels.size()).second)
          kernelNames.push_back(StringAttr::get(ctx, name));
      });
    }
    module->setAttr("dyad.gpu_kernels", ArrayAttr::get(ctx, kernelNames));

    // Buffers only the host reads and writes (the shape a dynamic Reshape
    // computes from dims) stay in host memory: malloc, not ctx->alloc.
    module.walk([&](memref::AllocOp alloc) {
      if (alloc->getParentOfType<gpu::BinaryOp>() || alloc->use_empty())
        return;
      bool hostOnly = llvm::all_of(alloc->getUses(), [](OpOperand &use) {
        Operation *user = use.getOwner();
        if (isa<memref::StoreOp, memref::LoadOp, memref::DeallocOp>(user))
          return true;
        auto reshape = dyn_cast<memref::ReshapeOp>(user);
        return reshape && use.get() == reshape.getShape();
      });
      if (!hostOnly)
        return;
      alloc->setAttr(kHostBuffer, UnitAttr::get(ctx));
      for (Operation *user : alloc->getUsers())
        user->setAttr(kHostBuffer, UnitAttr::get(ctx));
    });

    // Nothing else on the host may touch device memory.
    WalkResult bad = module.walk<WalkOrder::PreOrder>([&](Operation *op)
                                                          -> WalkResult {
      if (op->getParentOfType<gpu::BinaryOp>())
        return WalkResult::skip();
      if (op->hasAttr(kHostBuffer))
        return WalkResult::advance();
      if (isa<memref::LoadOp, memref::StoreOp, memref::AllocaOp>(op) ||
          op->getDialect()->getNamespace() == "vector" ||
          op->getDialect()->getNamespace() == "linalg" ||
          op->getDialect()->getNamespace() == "scf") {
        auto diag = op->emitError()
                    << "GPU lowering: '" << op->getName()
                    << "' was left on the host, whose code only sizes, "
                       "allocates and launches (it cannot touch device "
                       "memory)";
        if (auto store = dyn_cast<memref::StoreOp>(op);
            store && store.getValueToStore().getType().isIntOrIndex())
          diag << "; a shape computed at run time that kernels read too is "
                  "not supported yet: pin the input's shape (--input-shape)";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (bad.wasInterrupted())
      return signalPassFailure();

    // The thread-local slot of the run's context.
    OpBuilder b(ctx);
    b.setInsertionPointToStart(module.getBody());
    auto ptrTy = LLVM::LLVMPointerType::get(ctx);
    if (!module.lookupSymbol(kCtxGlobal)) {
      auto g =
          LLVM::GlobalOp::create(b, module.getLoc(), ptrTy,
                                 /*isConstant=*/false, LLVM::Linkage::Internal,
                                 kCtxGlobal, Attribute());
      g.setThreadLocal_(true);
      Block *init = b.createBlock(&g.getInitializerRegion());
      b.setInsertionPointToStart(init);
      LLVM::ReturnOp::create(
          b, module.getLoc(),
          LLVM::ZeroOp::create(b, module.getLoc(), ptrTy).getResult());
    }

    LowerToLLVMOptions options(ctx);
    LLVMTypeConverter converter(ctx, options);
    RewritePatternSet patterns(ctx);
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
    populateFuncToLLVMConversionPatterns(converter, patterns);
    index::populateIndexToLLVMConversionPatterns(converter, patterns);
    // Scalar math on the host (a Resize's scale): the CPU's instructions.
    populateMathToLLVMConversionPatterns(converter, patterns);
    ub::populateUBToLLVMConversionPatterns(converter, patterns);
    populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
    llvm::StringMap<int64_t> constantIds;
    PatternBenefit first(10);
    patterns.add<AllocLowering, DeallocLowering, CopyLowering>(converter,
                                                               first);
    patterns.add<GetGlobalLowering>(converter, constantIds, first);
    patterns.add<LaunchLowering>(converter, kernels, first);
    LLVMConversionTarget target(*ctx);
    target.addLegalOp<ModuleOp, gpu::BinaryOp>();
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    for (gpu::BinaryOp binary : binaries)
      binary.erase();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  }
};
} // namespace
