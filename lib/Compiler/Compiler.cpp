//===- Compiler.cpp - dyadc stages: signature, runtime ABI, LLVM, linking -===//

#include "dyad/Compiler/Compiler.h"
#include "dyad/Runtime/dyad_gpu_abi.h"
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <sstream>

using namespace mlir;
using namespace dyad;

#ifndef DYAD_CLANG_PATH
#define DYAD_CLANG_PATH "/usr/lib/llvm-22/bin/clang"
#endif

//===----------------------------------------------------------------------===//
// Signature
//===----------------------------------------------------------------------===//

/// ONNX TensorProto.DataType of an element type (0 if none).
static int32_t onnxDType(Type t) {
  if (auto q = dyn_cast<quant::QuantizedType>(t))
    t = IntegerType::get(t.getContext(), q.getStorageTypeIntegralWidth(),
                         q.isSigned() ? IntegerType::Signless
                                      : IntegerType::Unsigned);
  if (t.isF32()) return 1;
  if (t.isF64()) return 11;
  if (t.isF16()) return 10;
  if (t.isBF16()) return 16;
  if (auto it = dyn_cast<IntegerType>(t)) {
    bool u = it.isUnsigned();
    switch (it.getWidth()) {
    case 1: return 9;
    case 8: return u ? 2 : 3;
    case 16: return u ? 4 : 5;
    case 32: return u ? 12 : 6;
    case 64: return u ? 13 : 7;
    }
  }
  return 0;
}

static FailureOr<TensorSignature> tensorSignature(Operation *func, Type type,
                                                  DictionaryAttr attrs,
                                                  std::string fallbackName) {
  TensorSignature sig;
  auto name = attrs ? attrs.getAs<StringAttr>("dyad.name") : StringAttr();
  sig.name = name ? name.str() : fallbackName;
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked)
    return func->emitError() << "'" << sig.name
                             << "' has no known rank: the compiled model "
                                "needs ranked inputs and outputs";
  sig.dtype = onnxDType(ranked.getElementType());
  if (!sig.dtype)
    return func->emitError() << "'" << sig.name << "' has element type "
                             << ranked.getElementType()
                             << ", which the runtime ABI does not carry";
  if (auto q = dyn_cast<quant::UniformQuantizedType>(ranked.getElementType())) {
    sig.scale = q.getScale();
    sig.zeroPoint = q.getZeroPoint();
  } else if (isa<quant::QuantizedType>(ranked.getElementType())) {
    return func->emitError() << "'" << sig.name
                             << "' is quantized per axis, which the runtime "
                                "ABI does not carry at the boundary";
  }
  for (int64_t d : ranked.getShape())
    sig.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  sig.dimParams.assign(sig.shape.size(), "");
  if (auto params = attrs ? attrs.getAs<ArrayAttr>("dyad.dim_params")
                          : ArrayAttr()) {
    if (params.size() == sig.shape.size())
      for (auto [i, p] : llvm::enumerate(params))
        if (auto s = dyn_cast<StringAttr>(p))
          sig.dimParams[i] = sig.shape[i] < 0 ? s.str() : "";
  }
  return sig;
}

FailureOr<ModelSignature> dyad::readSignature(ModuleOp module,
                                              StringRef funcName) {
  auto func = module.lookupSymbol<func::FuncOp>(funcName);
  if (!func)
    return module.emitError() << "no function '" << funcName << "'";
  ModelSignature sig;
  for (auto [i, t] : llvm::enumerate(func.getArgumentTypes())) {
    auto s = tensorSignature(func, t, func.getArgAttrDict(i),
                             "input" + std::to_string(i));
    if (failed(s))
      return failure();
    sig.inputs.push_back(*s);
  }
  for (auto [i, t] : llvm::enumerate(func.getResultTypes())) {
    auto s = tensorSignature(func, t, func.getResultAttrDict(i),
                             "output" + std::to_string(i));
    if (failed(s))
      return failure();
    sig.outputs.push_back(*s);
  }
  return sig;
}

static std::string percentEncode(StringRef s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' ||
        c == ':') {
      out += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string dyad::describeSignature(const ModelSignature &signature) {
  std::ostringstream os;
  os << "dyad-model 1\n";
  auto list = [](const auto &items, auto fn) {
    if (items.empty())
      return std::string("_");
    std::string s;
    for (size_t i = 0; i < items.size(); ++i)
      s += (i ? "," : "") + fn(items[i]);
    return s;
  };
  auto line = [&](const char *kind, const TensorSignature &t) {
    os << kind << " " << percentEncode(t.name) << " " << t.dtype << " "
       << t.shape.size() << " "
       << list(t.shape, [](int64_t d) { return std::to_string(d); }) << " "
       << list(t.dimParams,
               [](const std::string &p) {
                 // "~" marks a dim without a name: fields are never empty.
                 return p.empty() ? std::string("~") : percentEncode(p);
               })
       << " " << t.scale << " " << t.zeroPoint << "\n";
  };
  for (const auto &t : signature.inputs)
    line("input", t);
  for (const auto &t : signature.outputs)
    line("output", t);
  if (!signature.cpu.empty())
    os << "cpu " << percentEncode(signature.cpu) << " "
       << list(signature.cpuFeatures,
               [](const std::string &f) { return percentEncode(f); })
       << "\n";
  if (signature.batchBytesPerSample > 0)
    os << "batch " << signature.batchBytesPerSample << " "
       << signature.batchSharedBytes << "\n";
  if (!signature.gpuChip.empty()) {
    os << "gpu " << percentEncode(signature.gpuChip) << " "
       << (signature.gpuFeatures.empty()
               ? std::string("_")
               : percentEncode(signature.gpuFeatures))
       << " " << DYAD_GPU_ABI_VERSION << "\n";
    for (size_t i = 0; i < signature.gpuKernels.size(); ++i)
      os << "kernel " << i << " " << percentEncode(signature.gpuKernels[i])
         << "\n";
  }
  for (size_t i = 0; i < signature.profile.size(); ++i) {
    const auto &g = signature.profile[i];
    os << "profile " << i << " " << percentEncode(g.node) << " "
       << percentEncode(g.kernel) << " "
       << list(g.fused,
               [](const std::string &n) { return percentEncode(n); })
       << "\n";
  }
  return os.str();
}

//===----------------------------------------------------------------------===//
// Runtime interface (LLVM dialect)
//===----------------------------------------------------------------------===//

LogicalResult dyad::addRuntimeInterface(ModuleOp module, StringRef funcName,
                                        const ModelSignature &signature) {
  MLIRContext *ctx = module.getContext();
  OpBuilder b(ctx);
  b.setInsertionPointToEnd(module.getBody());
  Location loc = module.getLoc();
  auto ptrTy = LLVM::LLVMPointerType::get(ctx);

  std::string ciface = ("_mlir_ciface_" + funcName).str();
  auto callee = module.lookupSymbol<LLVM::LLVMFuncOp>(ciface);
  if (!callee)
    return module.emitError() << "no C interface '" << ciface
                              << "' after lowering";

  // const char *NAME(void) returning `text` (NUL-terminated), kept in the
  // internal global __NAME.
  auto stringFunction = [&](StringRef name, std::string text) {
    text.push_back('\0');
    std::string global = ("__" + name).str();
    auto arrTy = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    LLVM::GlobalOp::create(b, loc, arrTy, /*isConstant=*/true,
                           LLVM::Linkage::Internal, global,
                           b.getStringAttr(text));
    auto fn = LLVM::LLVMFuncOp::create(b, loc, name,
                                       LLVM::LLVMFunctionType::get(ptrTy, {}));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(fn.addEntryBlock(b));
    LLVM::ReturnOp::create(b, loc,
                           LLVM::AddressOfOp::create(b, loc, ptrTy, global));
  };
  stringFunction("dyad_model_info", describeSignature(signature));
  // A GPU model's kernels.
  bool gpu = !signature.gpuChip.empty();
  if (gpu)
    stringFunction("dyad_model_ptx", signature.gpuPtx);

  // void dyad_model_entry(void **args): unpack and call the C interface,
  // whose parameters are all pointers (results first, then inputs). A GPU
  // model's run context follows the inputs: it goes into the thread-local
  // slot the host code reads (dyad-gpu-host-to-llvm).
  unsigned numParams = callee.getNumArguments();
  unsigned expected = signature.inputs.size() +
                      (signature.outputs.empty() ? 0 : 1);
  if (numParams != expected)
    return module.emitError() << "C interface of '" << funcName << "' takes "
                              << numParams << " arguments, expected "
                              << expected;
  auto entry = LLVM::LLVMFuncOp::create(
      b, loc, "dyad_model_entry",
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptrTy}));
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(entry.addEntryBlock(b));
  Value args = entry.getArgument(0);
  SmallVector<Value> params;
  for (unsigned i = 0; i < numParams; ++i) {
    Value slot = LLVM::GEPOp::create(b, loc, ptrTy, ptrTy, args,
                                     ArrayRef<LLVM::GEPArg>{(int32_t)i});
    params.push_back(LLVM::LoadOp::create(b, loc, ptrTy, slot));
  }
  Value ctxSlot, previous;
  if (gpu) {
    if (!module.lookupSymbol<LLVM::GlobalOp>("__dyad_gpu_ctx"))
      return module.emitError("GPU model without '__dyad_gpu_ctx' after "
                              "lowering");
    Value slot = LLVM::GEPOp::create(b, loc, ptrTy, ptrTy, args,
                                     ArrayRef<LLVM::GEPArg>{(int32_t)numParams});
    Value gctx = LLVM::LoadOp::create(b, loc, ptrTy, slot);
    ctxSlot = LLVM::AddressOfOp::create(b, loc, ptrTy, "__dyad_gpu_ctx");
    previous = LLVM::LoadOp::create(b, loc, ptrTy, ctxSlot);
    LLVM::StoreOp::create(b, loc, gctx, ctxSlot);
  }
  LLVM::CallOp::create(b, loc, callee, params);
  if (gpu)
    LLVM::StoreOp::create(b, loc, previous, ctxSlot);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  return success();
}

//===----------------------------------------------------------------------===//
// LLVM
//===----------------------------------------------------------------------===//

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
dyad::createTargetMachine(const TargetOptions &options) {
  auto target = resolveCPUTarget(options);
  if (!target)
    return target.takeError();
  return createTargetMachine(*target, options.optLevel);
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
dyad::createTargetMachine(const CPUTarget &cpuTarget, unsigned optLevel) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(cpuTarget.triple);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError(error);
  const std::string &cpu = cpuTarget.cpu;
  const std::string &features = cpuTarget.featureString;
  llvm::CodeGenOptLevel level = optLevel == 0   ? llvm::CodeGenOptLevel::None
                                : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : optLevel == 2
                                    ? llvm::CodeGenOptLevel::Default
                                    : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, level));
  if (!tm)
    return llvm::createStringError("cannot create a target machine for cpu '" +
                                   cpu + "'");
  return std::move(tm);
}

llvm::Expected<std::unique_ptr<llvm::Module>>
dyad::translateAndOptimize(ModuleOp module, llvm::LLVMContext &ctx,
                           llvm::TargetMachine &tm, unsigned optLevel) {
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  registerOpenMPDialectTranslation(*module.getContext());
  auto llvmModule = translateModuleToLLVMIR(module, ctx, "dyad_model");
  if (!llvmModule)
    return llvm::createStringError("translation to LLVM IR failed");
  llvmModule->setDataLayout(tm.createDataLayout());
  llvmModule->setTargetTriple(tm.getTargetTriple());
  auto optimize = makeOptimizingTransformer(optLevel, /*sizeLevel=*/0, &tm);
  if (llvm::Error err = optimize(llvmModule.get()))
    return std::move(err);
  return std::move(llvmModule);
}

llvm::Error dyad::emitObject(llvm::Module &module, llvm::TargetMachine &tm,
                             StringRef path) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return llvm::createStringError("cannot write '" + path.str() +
                                   "': " + ec.message());
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, out.os(), nullptr,
                             llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError("the target cannot emit object files");
  pm.run(module);
  out.keep();
  return llvm::Error::success();
}

/// model_support.c: the allocation functions of the generated code.
static const char kModelSupportSource[] =
#include "ModelSupport.inc"
    ;

std::vector<ModelSignature::ProfileGroup> dyad::profileGroups(ModuleOp module) {
  std::vector<ModelSignature::ProfileGroup> groups;
  auto table = module->getAttrOfType<ArrayAttr>("dyad.profile");
  if (!table)
    return groups;
  for (auto entry : table.getAsRange<DictionaryAttr>()) {
    ModelSignature::ProfileGroup g;
    if (auto s = entry.getAs<StringAttr>("node"))
      g.node = s.str();
    if (auto s = entry.getAs<StringAttr>("kernel"))
      g.kernel = s.str();
    if (auto fused = entry.getAs<ArrayAttr>("fused"))
      for (auto n : fused.getAsRange<StringAttr>())
        g.fused.push_back(n.str());
    groups.push_back(std::move(g));
  }
  return groups;
}

llvm::Error dyad::linkSharedLibrary(StringRef object, StringRef output,
                                    size_t profileGroups) {
  std::string clang = DYAD_CLANG_PATH;
  std::string out = output.str(), obj = object.str();
  SmallString<128> support;
  if (auto ec = llvm::sys::fs::createTemporaryFile("dyad-support", "c", support))
    return llvm::createStringError("cannot create a temporary file: " +
                                   ec.message());
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(support, ec);
    if (ec)
      return llvm::createStringError("cannot write " + support.str().str() +
                                     ": " + ec.message());
    os << kModelSupportSource;
  }
  llvm::FileRemover removeSupport(support);
  // libomp only where the code calls it (a model with no parallel loop).
  std::string groups =
      "-DDYAD_PROFILE_GROUPS=" + std::to_string(profileGroups);
  SmallVector<StringRef> args{clang,   "-shared", "-fuse-ld=lld", "-O2",
                              "-fPIC",   "-o",      out,           obj,
                              support,   "-lm",     "-lpthread",
                              "-Wl,--as-needed", DYAD_OMP_LIBRARY,
                              // A symbol the libraries lack (a libomp entry
                              // point newer than Debian's) fails here, not
                              // when the model is loaded.
                              "-Wl,--no-undefined"};
  if (profileGroups > 0)
    args.insert(args.begin() + 1, groups);
  std::string msg;
  int rc = llvm::sys::ExecuteAndWait(clang, args, std::nullopt, {}, 0, 0, &msg);
  if (rc != 0)
    return llvm::createStringError("linking with '" + clang + "' failed" +
                                   (msg.empty() ? "" : ": " + msg) +
                                   " (exit code " + std::to_string(rc) + ")");
  return llvm::Error::success();
}

std::string dyad::modelHeader(const ModelSignature &signature,
                              StringRef modelName, StringRef source) {
  std::string guard = "DYAD_MODEL_";
  for (char c : modelName)
    guard += std::isalnum((unsigned char)c) ? std::toupper((unsigned char)c)
                                            : '_';
  guard += "_H";
  std::ostringstream os;
  os << "/* Generated by dyadc from " << source.str()
     << ". Load the library with the Dyad runtime:\n"
        " *   dyad_model *m; dyad_model_load(\"" << modelName.str()
     << ".so\", &m, err, sizeof err);\n"
        " * and run it with dyad_model_run (see dyad_runtime.h). */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include \"dyad_runtime.h\"\n\n";
  auto describe = [&](const char *kind, const std::vector<TensorSignature> &ts) {
    os << "/* " << kind << " */\n";
    for (size_t i = 0; i < ts.size(); ++i) {
      const auto &t = ts[i];
      os << "/*   " << i << ": \"" << t.name << "\" dtype " << t.dtype << " [";
      for (size_t d = 0; d < t.shape.size(); ++d) {
        if (d)
          os << ", ";
        if (t.shape[d] >= 0)
          os << t.shape[d];
        else
          os << (t.dimParams[d].empty() ? "?" : t.dimParams[d]);
      }
      os << "]";
      if (t.scale != 0)
        os << " quantized: scale " << t.scale << ", zero point "
           << t.zeroPoint;
      os << " */\n";
    }
  };
  describe("inputs", signature.inputs);
  describe("outputs", signature.outputs);
  os << "\n#define " << guard.substr(0, guard.size() - 2) << "_NUM_INPUTS "
     << signature.inputs.size() << "\n#define "
     << guard.substr(0, guard.size() - 2) << "_NUM_OUTPUTS "
     << signature.outputs.size() << "\n\n"
     << "/* Exported by the library (the runtime calls them). */\n"
        "#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
        "const char *dyad_model_info(void);\n"
        "void dyad_model_entry(void **args);\n"
        "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return os.str();
}

//===----------------------------------------------------------------------===//
// Whole stages
//===----------------------------------------------------------------------===//

LogicalResult dyad::lowerToLLVMDialect(
    ModuleOp module, StringRef funcName, const ModelSignature &signature,
    const LowerCpuOptions &lowerOptions,
    function_ref<LogicalResult(PassManager &)> configure,
    const LowerGpuOptions *gpu) {
  MLIRContext *ctx = module.getContext();
  auto func = module.lookupSymbol<func::FuncOp>(funcName);
  if (!func)
    return module.emitError() << "no function '" << funcName << "'";
  func->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  // The boundary attributes live on in the signature; LLVM has no use for
  // them. The inputs are the caller's (host buffers, or the caller's own
  // device tensors on a GPU with DYAD_MEMORY_DEVICE): never written, so the
  // bufferization puts no result in place of one (it drops the attribute).
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    func.setArgAttrs(
        i, DictionaryAttr::get(
               ctx, {NamedAttribute(
                        StringAttr::get(ctx, "bufferization.writable"),
                        BoolAttr::get(ctx, false))}));
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    func.setResultAttrs(i, DictionaryAttr::get(ctx));
  PassManager pm(ctx);
  if (configure && failed(configure(pm)))
    return failure();
  if (gpu)
    buildLowerGpuPipeline(pm, *gpu);
  else
    buildLowerCpuPipeline(pm, lowerOptions);
  if (failed(pm.run(module)))
    return failure();
  ModelSignature sig = signature;
  if (gpu && !gpu->kernelsOnHost) {
    // dyad-gpu-host-to-llvm left the kernels' PTX and names on the module.
    auto ptx = module->getAttrOfType<StringAttr>("dyad.gpu_ptx");
    auto kernels = module->getAttrOfType<ArrayAttr>("dyad.gpu_kernels");
    if (!kernels)
      return module.emitError("GPU lowering left no kernel list");
    sig.gpuChip = gpu->chip;
    sig.gpuFeatures = gpu->features;
    sig.gpuPtx = ptx ? ptx.getValue().str() : std::string();
    for (auto k : kernels.getAsRange<StringAttr>())
      sig.gpuKernels.push_back(k.getValue().str());
    module->removeAttr("dyad.gpu_ptx");
    module->removeAttr("dyad.gpu_kernels");
  }
  // dyad-cpu-batch-footprint's finding, carried to the llvm.func.
  if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(funcName))
    if (auto fp = f->getAttrOfType<DenseI64ArrayAttr>("dyad.batch_footprint");
        fp && fp.size() == 2) {
      sig.batchBytesPerSample = fp[0];
      sig.batchSharedBytes = fp[1];
    }
  sig.profile = profileGroups(module);
  return addRuntimeInterface(module, funcName, sig);
}

llvm::Error dyad::buildSharedLibrary(ModuleOp module, StringRef funcName,
                                     const TargetOptions &options,
                                     StringRef output, bool profile) {
  auto target = resolveCPUTarget(options);
  if (!target)
    return target.takeError();
  auto signature = readSignature(module, funcName);
  if (failed(signature))
    return llvm::createStringError("lowering failed");
  signature->cpu = target->cpu;
  signature->cpuFeatures = target->requiredFeatures();
  LowerCpuOptions lower = lowerCpuOptionsFor(*target, options.optLevel);
  lower.profile = profile;
  lower.nibbleWeights = options.nibbleWeights;
  if (failed(lowerToLLVMDialect(module, funcName, *signature, lower)))
    return llvm::createStringError("lowering failed");
  auto tm = createTargetMachine(*target, options.optLevel);
  if (!tm)
    return tm.takeError();
  llvm::LLVMContext llvmContext;
  auto llvmModule =
      translateAndOptimize(module, llvmContext, **tm, options.optLevel);
  if (!llvmModule)
    return llvmModule.takeError();
  SmallString<128> object;
  if (auto ec = llvm::sys::fs::createTemporaryFile("dyad", "o", object))
    return llvm::createStringError("cannot create a temporary file: " +
                                   ec.message());
  llvm::Error err = emitObject(**llvmModule, **tm, object);
  if (!err)
    err = linkSharedLibrary(object, output,
                            profile ? profileGroups(module).size() : 0);
  llvm::sys::fs::remove(object);
  return err;
}
