//===- dyadc.cpp - the Dyad compile driver --------------------------------===//
//
//   dyadc model.onnx -o model.so        # shared library + model.h
//   dyadc model.onnx --emit=llvm -o model.ll
//
// Stages: import -> simplify -> lower to the LLVM dialect -> LLVM IR ->
// object -> shared library. `--emit` stops after any of them; `-v` prints one
// progress line per stage with its time.
//
//===----------------------------------------------------------------------===//

#include "Dyad/DyadOps.h"
#include "dyad/Compiler/Calibrate.h"
#include "dyad/Compiler/Compiler.h"
#include "dyad/Compiler/Report.h"
#include "dyad/Conversion/Conversion.h"
#include "dyad/Import/OnnxImporter.h"
#include "dyad/Passes.h"
#include "dyad/Support/Diagnostics.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>

using namespace llvm;

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<model.onnx | model.mlir>"),
                                      cl::Required);
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("file"));
enum class Emit { Dyad, Mlir, Llvm, Obj, Lib };
static cl::opt<Emit> emit(
    "emit", cl::desc("Stop after a stage"), cl::init(Emit::Lib),
    cl::values(clEnumValN(Emit::Dyad, "dyad", "the imported dyad graph"),
               clEnumValN(Emit::Mlir, "mlir", "MLIR in the LLVM dialect"),
               clEnumValN(Emit::Llvm, "llvm", "LLVM IR (optimized)"),
               clEnumValN(Emit::Obj, "obj", "an object file"),
               clEnumValN(Emit::Lib, "lib", "a shared library and header")));
static cl::opt<unsigned> optLevel("O", cl::desc("Optimization level 0..3"),
                                  cl::Prefix, cl::init(2));
static cl::opt<std::string>
    target("target", cl::desc("host, x86-64, x86-64-v2, x86-64-v3, x86-64-v4"),
           cl::init("host"));
static cl::opt<std::string> mcpu("mcpu", cl::desc("CPU to tune and select for"));
static cl::opt<std::string> mattr("mattr",
                                  cl::desc("Target features (+avx2,-avx512f)"));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape of a graph input: NAME=1x3x224x224 "
                         "(? keeps a dim dynamic); repeatable"),
                cl::value_desc("name=dims"));
static cl::opt<bool> verbose("v", cl::desc("Print a line per stage"));

static cl::OptionCategory quantCat("Quantization (docs/numerics.md)");
static cl::opt<bool> quantize(
    "quantize",
    cl::desc("Compile an integer-only model: calibrate (--calibrate) or read "
             "a table (--calib-table), fold it into quant types, integerize, "
             "verify. A QDQ / QOperator model uses its own scales."),
    cl::cat(quantCat));
static cl::opt<std::string> calibrateData(
    "calibrate",
    cl::desc("Calibration data: .npy (one input; first axis = samples), .npz "
             "keyed by input name, or a directory of them"),
    cl::value_desc("path"), cl::cat(quantCat));
static cl::opt<std::string> calibMethod(
    "calib-method",
    cl::desc("minmax, moving-average, percentile, entropy or mse"),
    cl::init("minmax"), cl::cat(quantCat));
static cl::opt<double> calibPercentile("calib-percentile",
                                       cl::desc("Percentile kept (percentile)"),
                                       cl::init(99.99), cl::cat(quantCat));
static cl::opt<double>
    calibMomentum("calib-momentum",
                  cl::desc("Moving-average momentum (moving-average)"),
                  cl::init(0.9), cl::cat(quantCat));
static cl::opt<unsigned> calibCount(
    "calib-count", cl::desc("Calibrate on N samples drawn with --calib-seed "
                            "(0: all)"),
    cl::init(0), cl::cat(quantCat));
static cl::opt<unsigned> calibSeed("calib-seed", cl::desc("Sampling seed"),
                                   cl::init(0), cl::cat(quantCat));
static cl::opt<unsigned> calibBatch("calib-batch",
                                    cl::desc("Samples per calibration run"),
                                    cl::init(32), cl::cat(quantCat));
static cl::opt<std::string> calibTable(
    "calib-table",
    cl::desc("Calibration table: written by --calibrate, read otherwise "
             "(Dyad JSON, onnxruntime JSON or a TensorRT cache)"),
    cl::value_desc("file"), cl::cat(quantCat));
static cl::opt<unsigned> weightBits("weight-bits", cl::desc("Weight bits"),
                                    cl::init(8), cl::cat(quantCat));
static cl::opt<unsigned> activationBits("activation-bits",
                                        cl::desc("Activation bits"),
                                        cl::init(8), cl::cat(quantCat));
static cl::opt<bool> verifyIntegerOnly(
    "verify-integer-only",
    cl::desc("Fail if float arithmetic remains between the input quantize and "
             "the output dequantize (on by default with --quantize)"),
    cl::init(true), cl::cat(quantCat));
static cl::opt<std::string> reportPath(
    "report",
    cl::desc("Write a per-node quantization report (JSON): status, "
             "precision, scales, SQNR against the float model on the "
             "calibration data"),
    cl::value_desc("file"), cl::cat(quantCat));
static cl::opt<bool> allowFloatOps(
    "allow-float-ops",
    cl::desc("Keep ops without an integer form in float, reported as "
             "warnings"),
    cl::cat(quantCat));

namespace {
/// Prints "[i/n] stage... 0.4 s" lines under -v.
class Progress {
public:
  explicit Progress(unsigned total) : total(total) {}
  template <typename Fn> bool run(StringRef name, Fn &&fn) {
    ++step;
    auto start = std::chrono::steady_clock::now();
    if (verbose)
      errs() << "[" << step << "/" << total << "] " << name << "... ";
    bool ok = fn();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             start)
                   .count();
    if (verbose)
      errs() << (ok ? "" : "failed, ") << format("%.2f s\n", s);
    return ok;
  }

private:
  unsigned total, step = 0;
};
} // namespace

static std::string defaultOutput() {
  SmallString<128> path(sys::path::filename(inputFile));
  sys::path::replace_extension(path, "");
  switch (emit) {
  case Emit::Dyad: return (path + ".dyad.mlir").str();
  case Emit::Mlir: return (path + ".llvm.mlir").str();
  case Emit::Llvm: return (path + ".ll").str();
  case Emit::Obj: return (path + ".o").str();
  case Emit::Lib: return (path + ".so").str();
  }
  return "a.out";
}

static bool writeText(StringRef path, function_ref<void(raw_ostream &)> fn) {
  std::string error;
  auto out = mlir::openOutputFile(path, &error);
  if (!out) {
    errs() << "dyadc: " << error << "\n";
    return false;
  }
  fn(out->os());
  out->keep();
  return true;
}

static dyad::TargetOptions targetOptions() {
  dyad::TargetOptions t;
  t.target = target;
  t.cpu = mcpu;
  t.features = mattr;
  t.optLevel = optLevel;
  return t;
}

/// --quantize: calibrate (or read a table), fold the table into quant types,
/// integerize, verify.
static bool quantizeModule(mlir::ModuleOp module, StringRef funcName,
                           StringRef output, Progress &progress) {
  mlir::MLIRContext *ctx = module.getContext();
  std::string tablePath = calibTable;
  if (!calibrateData.empty()) {
    if (tablePath.empty()) {
      // Next to the output; next to the model when writing to stdout.
      SmallString<128> p(output == "-" ? StringRef(inputFile) : output);
      sys::path::replace_extension(p, "calib.json");
      tablePath = std::string(p);
    }
    if (calibBatch == 0) {
      errs() << "dyadc: --calib-batch must be at least 1\n";
      return false;
    }
    if (!progress.run("calibrate on " + calibrateData, [&] {
          dyad::CalibrateOptions o;
          o.dataPath = calibrateData;
          auto method = dyad::calib::parseMethod(calibMethod);
          if (!method) {
            errs() << "dyadc: unknown --calib-method '" << calibMethod
                   << "' (minmax, moving-average, percentile, entropy, mse)\n";
            return false;
          }
          o.method.method = *method;
          o.method.percentile = calibPercentile;
          o.method.momentum = calibMomentum;
          o.method.bits = activationBits;
          o.count = calibCount;
          o.seed = calibSeed;
          o.batch = calibBatch;
          o.verbose = verbose;
          o.modelName = std::string(sys::path::filename(inputFile));
          o.target = targetOptions();
          auto table = dyad::calibrate(module, funcName, o);
          if (!table) {
            // The calibration errors name the data file themselves.
            errs() << "dyadc: " << toString(table.takeError()) << "\n";
            return false;
          }
          if (auto err = dyad::calib::writeTable(*table, tablePath)) {
            errs() << "dyadc: " << toString(std::move(err)) << "\n";
            return false;
          }
          return true;
        }))
      return false;
  }
  mlir::OwningOpRef<mlir::ModuleOp> floatCopy, qdqCopy;
  bool ok = progress.run("quantize", [&] {
    bool hasQdq = false;
    module.walk([&](dyad::QuantizeOp) { hasQdq = true; });
    if (tablePath.empty() && !hasQdq) {
      errs() << "dyadc: --quantize needs --calibrate DATA or --calib-table "
                "FILE (the model carries no quantization parameters)\n";
      return false;
    }
    if (!reportPath.empty())
      floatCopy = module.clone();
    if (!tablePath.empty()) {
      mlir::PassManager pm(ctx);
      if (failed(mlir::applyPassManagerCLOptions(pm)))
        return false;
      dyad::DyadQuantizeOptions q;
      q.table = tablePath;
      q.weightBits = weightBits;
      q.activationBits = activationBits;
      pm.addNestedPass<mlir::func::FuncOp>(dyad::createDyadQuantize(q));
      if (failed(pm.run(module)))
        return false;
    }
    if (!reportPath.empty())
      qdqCopy = module.clone();
    mlir::PassManager pm(ctx);
    if (failed(mlir::applyPassManagerCLOptions(pm)))
      return false;
    auto &fpm = pm.nest<mlir::func::FuncOp>();
    fpm.addPass(dyad::createDyadIntegerize());
    fpm.addPass(mlir::createCanonicalizerPass());
    fpm.addPass(mlir::createCSEPass());
    if (verifyIntegerOnly) {
      dyad::DyadVerifyIntegerOnlyOptions v;
      v.allowFloatOps = allowFloatOps;
      fpm.addPass(dyad::createDyadVerifyIntegerOnly(v));
    }
    return succeeded(pm.run(module));
  });
  if (!ok || reportPath.empty())
    return ok;
  return progress.run("report " + reportPath, [&] {
    dyad::ReportInputs r;
    r.floatModule = *floatCopy;
    r.qdqModule = *qdqCopy;
    r.intModule = module;
    r.model = std::string(sys::path::filename(inputFile));
    std::map<std::string, double> sqnr;
    if (!calibrateData.empty()) {
      dyad::CalibrateOptions o;
      o.dataPath = calibrateData;
      o.count = calibCount;
      o.seed = calibSeed;
      o.batch = calibBatch;
      o.target = targetOptions();
      auto m = dyad::measureSqnr(*floatCopy, module, funcName, o);
      if (!m) {
        errs() << "dyadc: report: " << toString(m.takeError()) << "\n";
        return false;
      }
      sqnr = std::move(*m);
      r.sqnr = &sqnr;
    }
    if (!tablePath.empty()) {
      auto table = dyad::calib::readTable(tablePath);
      if (!table) {
        errs() << "dyadc: " << toString(table.takeError()) << "\n";
        return false;
      }
      r.method = table->method;
      r.samples = table->samples;
    }
    if (auto err = dyad::writeQuantizationReport(reportPath, r)) {
      errs() << "dyadc: " << toString(std::move(err)) << "\n";
      return false;
    }
    return true;
  });
}

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  // Pipelines are built from their textual form: every pass is registered.
  mlir::registerAllPasses();
  dyad::registerDyadPasses();
  cl::ParseCommandLineOptions(argc, argv, "Dyad compiler: ONNX -> native\n");
  if (optLevel > 3) {
    errs() << "dyadc: -O" << optLevel << " is not a level (0..3)\n";
    return 1;
  }
  std::string output = outputFile.empty() ? defaultOutput() : outputFile;

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  dyad::registerImportDialects(registry);
  mlir::MLIRContext context(registry);
  dyad::ModelDiagnosticHandler diagnostics(&context);
  // Diagnostics point at ONNX nodes; the op dump MLIR appends is noise here.
  context.printOpOnDiagnostic(false);

  dyad::ImportOptions importOptions;
  // Calibration tables are keyed by ONNX tensor names.
  importOptions.tensorNames = quantize || !calibrateData.empty();
  for (const std::string &s : inputShapes) {
    std::string error;
    if (!dyad::parseInputShape(s, importOptions, error)) {
      errs() << "dyadc: " << error << "\n";
      return 1;
    }
  }

  if (!calibrateData.empty() && !quantize) {
    errs() << "dyadc: --calibrate needs --quantize\n";
    return 1;
  }
  unsigned stages = (emit == Emit::Dyad   ? 2
                     : emit == Emit::Mlir ? 3
                     : emit == Emit::Llvm ? 4
                     : emit == Emit::Obj  ? 5
                                          : 6) +
                    (quantize ? 1 : 0) + (calibrateData.empty() ? 0 : 1) +
                    (reportPath.empty() ? 0 : 1);
  Progress progress(stages);
  mlir::OwningOpRef<mlir::ModuleOp> module;

  // 1. Import (or parse dyad IR given as .mlir).
  if (!progress.run("import", [&] {
        if (StringRef(inputFile).ends_with(".mlir")) {
          llvm::SourceMgr sourceMgr;
          auto buf = MemoryBuffer::getFileOrSTDIN(inputFile);
          if (!buf) {
            errs() << "dyadc: cannot read '" << inputFile << "'\n";
            return false;
          }
          sourceMgr.AddNewSourceBuffer(std::move(*buf), SMLoc());
          module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
        } else {
          module = dyad::importOnnxFile(inputFile, &context, importOptions);
        }
        return module && succeeded(mlir::verify(*module));
      }))
    return 1;

  // 2. Graph simplification.
  if (!progress.run("simplify", [&] {
        mlir::PassManager pm(&context);
        if (failed(mlir::applyPassManagerCLOptions(pm)))
          return false;
        pm.addNestedPass<mlir::func::FuncOp>(dyad::createDyadSimplify());
        return succeeded(pm.run(*module));
      }))
    return 1;
  if (quantize && !quantizeModule(*module, importOptions.funcName, output,
                                  progress))
    return 1;
  if (emit == Emit::Dyad)
    return writeText(output, [&](raw_ostream &os) { module->print(os); }) ? 0
                                                                         : 1;

  // The artifact's signature is read before lowering erases the attributes.
  const std::string funcName = importOptions.funcName;
  auto signature = dyad::readSignature(*module, funcName);
  if (failed(signature))
    return 1;

  // 3. Lowering to the LLVM dialect.
  if (!progress.run("lower to LLVM dialect", [&] {
        return succeeded(dyad::lowerToLLVMDialect(
            *module, funcName, *signature, optLevel,
            [](mlir::PassManager &pm) {
              return mlir::applyPassManagerCLOptions(pm);
            }));
      }))
    return 1;
  if (emit == Emit::Mlir)
    return writeText(output, [&](raw_ostream &os) { module->print(os); }) ? 0
                                                                         : 1;

  // 4. LLVM IR.
  std::string error;
  auto tm = dyad::createTargetMachine(targetOptions(), error);
  if (!tm) {
    errs() << "dyadc: " << error << "\n";
    return 1;
  }
  LLVMContext llvmContext;
  std::unique_ptr<Module> llvmModule;
  if (!progress.run("LLVM IR -O" + std::to_string(optLevel), [&] {
        llvmModule = dyad::translateAndOptimize(*module, llvmContext, *tm,
                                                optLevel, error);
        return llvmModule != nullptr;
      })) {
    errs() << "dyadc: " << error << "\n";
    return 1;
  }
  if (emit == Emit::Llvm)
    return writeText(output,
                     [&](raw_ostream &os) { llvmModule->print(os, nullptr); })
               ? 0
               : 1;

  // 5. Object code.
  SmallString<128> object;
  if (emit == Emit::Obj) {
    object = output;
  } else if (auto ec = sys::fs::createTemporaryFile("dyad", "o", object)) {
    errs() << "dyadc: cannot create a temporary file: " << ec.message()
           << "\n";
    return 1;
  }
  if (!progress.run("object code (" + tm->getTargetCPU().str() + ")", [&] {
        return dyad::emitObject(*llvmModule, *tm, object, error);
      })) {
    errs() << "dyadc: " << error << "\n";
    return 1;
  }
  if (emit == Emit::Obj)
    return 0;

  // 6. Shared library and header.
  bool linked = progress.run("link " + output, [&] {
    return dyad::linkSharedLibrary(object, output, error);
  });
  sys::fs::remove(object);
  if (!linked) {
    errs() << "dyadc: " << error << "\n";
    return 1;
  }
  SmallString<128> header(output);
  sys::path::replace_extension(header, "h");
  SmallString<128> stem(sys::path::stem(output));
  return writeText(header,
                   [&](raw_ostream &os) {
                     os << dyad::modelHeader(*signature, stem, inputFile);
                   })
             ? 0
             : 1;
}
