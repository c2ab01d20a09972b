//===- dyadc.cpp - the Dyad compile driver --------------------------------===//
//
//   dyadc model.onnx -o model.so        # shared library + model.h
//   dyadc model.onnx --emit=llvm -o model.ll
//
// A thin caller of the library's compile API (dyad/Compiler/Compile.h):
// the options below fill a dyad::CompileOptions, dyad::compile runs the
// phases (import -> simplify -> [calibrate, quantize, report] -> lower ->
// LLVM IR -> object -> shared library). `--emit` stops after any of them;
// `-v` prints one progress line per phase with its time.
//
//===----------------------------------------------------------------------===//

#include "dyad/Compiler/Compile.h"
#include "dyad/Compiler/Pipelines.h"
#include "dyad/Support/ToolOptions.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::OptionCategory compileCat("Compilation");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<model.onnx | model.mlir>"),
                                      cl::Required, cl::cat(compileCat));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("file"),
                                       cl::cat(compileCat));
using dyad::EmitKind;
static cl::opt<EmitKind> emit(
    "emit", cl::desc("Stop after a stage"), cl::init(EmitKind::Lib),
    cl::values(clEnumValN(EmitKind::Dyad, "dyad", "the imported dyad graph"),
               clEnumValN(EmitKind::Mlir, "mlir", "MLIR in the LLVM dialect"),
               clEnumValN(EmitKind::Llvm, "llvm", "LLVM IR (optimized)"),
               clEnumValN(EmitKind::Obj, "obj", "an object file"),
               clEnumValN(EmitKind::Lib, "lib", "a shared library and header"),
               clEnumValN(EmitKind::OnnxQdq, "onnx-qdq",
                          "the ONNX model with Dyad's quantization as "
                          "QuantizeLinear/DequantizeLinear (with --quantize)")),
               cl::cat(compileCat));
static cl::opt<unsigned> optLevel("O", cl::desc("Optimization level 0..3"),
                                  cl::Prefix, cl::init(2), cl::cat(compileCat));
static cl::opt<bool> nibbleWeights(
    "nibble-weights",
    cl::desc("Store weights quantized to 4 bits two per byte, unpacked in "
             "registers (default on; =false: a byte each, for comparison)"),
    cl::init(true), cl::cat(compileCat));
static cl::opt<std::string>
    target("target",
           cl::desc("host, x86-64, x86-64-v2, x86-64-v3, x86-64-v4, or nvptx "
                    "(NVIDIA GPUs)"),
           cl::init("host"), cl::cat(compileCat));
static cl::opt<std::string>
    gpuArch("gpu-arch",
            cl::desc("With --target=nvptx: the GPU architecture (sm_80, "
                     "sm_90, ...; default: this machine's GPU)"),
            cl::cat(compileCat));
static cl::opt<bool> gpuKernelsOnHost(
    "gpu-kernels-on-host",
    cl::desc("With --target=nvptx, for testing without a GPU: compile the "
             "GPU pipeline's kernels as host loops (the model runs on the "
             "CPU, computing what the kernels compute)"),
    cl::Hidden, cl::cat(compileCat));
static cl::opt<bool> gpuTensorCores(
    "gpu-tensor-cores",
    cl::desc("With --target=nvptx: int8 convolutions and matmuls by "
             "constant weights as tensor-core kernels (mma.sync; default on; "
             "=false keeps them CUDA-core loops)"),
    cl::init(true), cl::cat(compileCat));
static cl::opt<std::string> gpuMma(
    "gpu-mma",
    cl::desc("With --target=nvptx: the tensor-core GEMM's shape, as "
             "dyad-gpu-mma-matmul's pass options (\"tile-n=256 stages=4\")"),
    cl::Hidden, cl::cat(compileCat));
static cl::opt<int64_t> gpuUnroll(
    "gpu-unroll",
    cl::desc("With --target=nvptx: output elements per thread of the "
             "CUDA-core reduction kernels (1 to 16; default 1)"),
    cl::init(-1), cl::Hidden, cl::cat(compileCat));
static cl::opt<std::string> mcpu("mcpu", cl::desc("CPU to tune and select for"),
    cl::cat(compileCat));
static cl::opt<std::string> mattr("mattr",
                                  cl::desc("Target features (+avx2,-avx512f)"),
                                  cl::cat(compileCat));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape of a graph input: NAME=1x3x224x224 "
                         "(? keeps a dim dynamic); repeatable"),
                cl::value_desc("name=dims"), cl::cat(compileCat));
static cl::list<std::string> bindInputs(
    "bind-input",
    cl::desc("Specialize the model on a graph input's value: NAME=V or "
             "NAME=V1,V2,... (the input leaves the signature; an If on it "
             "is inlined); repeatable"),
    cl::value_desc("name=values"), cl::cat(compileCat));
static cl::opt<bool> verbose("v", cl::desc("Print a line per stage"),
    cl::cat(compileCat));
static cl::opt<bool> profile(
    "profile",
    cl::desc("Instrument the library for dyad-run --profile: time, runs and "
             "operation rate per ONNX node (a call between kernels)"),
             cl::cat(compileCat));

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
             "keyed by input name, or a directory of them. A sample is the "
             "input's shape without its batch dim: the one dynamic dim; of "
             "several, the one named like the other inputs' batch dim_param, "
             "else the first; none: axis 0 (see --calib-batch-axis)"),
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
static cl::list<std::string> calibBatchAxes(
    "calib-batch-axis",
    cl::desc("The batch axis of a model input, where the calibration "
             "samples are stacked: NAME=K (e.g. state=1 for [2, batch, "
             "128]); repeatable"),
    cl::value_desc("name=axis"), cl::cat(quantCat));
static cl::opt<std::string> calibTable(
    "calib-table",
    cl::desc("Calibration table: written by --calibrate, read otherwise "
             "(Dyad JSON, onnxruntime JSON or a TensorRT cache)"),
    cl::value_desc("file"), cl::cat(quantCat));
static cl::opt<unsigned> weightBits("weight-bits", cl::desc("Weight bits (2..16; above 8, stored in 16 bits)"),
                                    cl::init(8), cl::cat(quantCat));
static cl::opt<unsigned> activationBits("activation-bits",
                                        cl::desc("Activation bits (2..16; above 8, stored in 16 bits)"),
                                        cl::init(8), cl::cat(quantCat));
static cl::opt<bool> biasCorrection(
    "bias-correction",
    cl::desc("Subtract the mean error of the rounded weights from each "
             "Conv/Gemm bias, from the channel means --calibrate measures"),
    cl::init(false), cl::cat(quantCat));
static cl::opt<bool> verifyIntegerOnly(
    "verify-integer-only",
    cl::desc("Fail if float arithmetic remains between the input quantize and "
             "the output dequantize (on by default with --quantize)"),
    cl::init(true), cl::cat(quantCat));
static cl::opt<bool> mixedPrecision(
    "mixed-precision",
    cl::desc("Choose a weight width per layer (HAWQ-V3's ILP over ZeroQ "
             "sensitivities measured on the calibration data, solved by "
             "CBC) under --budget; needs --calibrate"),
    cl::init(false), cl::cat(quantCat));
static cl::list<unsigned> mixedBits(
    "mixed-bits", cl::desc("Weight widths mixed precision chooses from "
                           "(default 4,8)"),
    cl::CommaSeparated, cl::value_desc("bits,..."), cl::cat(quantCat));
static cl::list<unsigned> mixedActivationBits(
    "mixed-activation-bits",
    cl::desc("Also choose the width of the activation each weighted layer "
             "reads, from these (e.g. 8,16); needs a bops= budget"),
    cl::CommaSeparated, cl::value_desc("bits,..."), cl::cat(quantCat));
static cl::opt<std::string> budget(
    "budget",
    cl::desc("Mixed-precision budgets: size=F (weight bytes), bops=F (BOPs "
             "per sample), latency=F (measured on this CPU); F <= 1 or N% "
             "is a fraction of the all-8-bit figure, larger is absolute "
             "(latency in ms or us) (e.g. size=0.6,bops=50%,latency=0.8)"),
    cl::value_desc("kind=value,..."), cl::cat(quantCat));
static cl::list<std::string> keep8bit(
    "keep-8bit",
    cl::desc("Layers mixed precision keeps at 8 bits: first, last or ONNX "
             "node names"),
    cl::CommaSeparated, cl::value_desc("first,last,node,..."),
    cl::cat(quantCat));
static cl::list<std::string> layerBits(
    "layer-bits",
    cl::desc("Widths of single weighted layers: NODE=w16a16 (its weights "
             "and the activation it reads), NODE=a16, NODE=w4 (ONNX node "
             "names); mixed precision keeps a weight width given here"),
    cl::CommaSeparated, cl::value_desc("node=wKaK,..."), cl::cat(quantCat));
static cl::list<std::string> tie(
    "tie",
    cl::desc("Layers mixed precision gives one width: shared-input (layers "
             "reading the same activation, as a residual block's first conv "
             "and its downsample, or attention's Q/K/V; HAWQ-V3's ties) or "
             "ONNX node names joined by + (layers reading the same weights "
             "always share one)"),
    cl::CommaSeparated, cl::value_desc("shared-input,A+B,..."),
    cl::cat(quantCat));
static cl::opt<unsigned> sensitivitySamples(
    "sensitivity-samples",
    cl::desc("Calibration samples the mixed-precision sensitivities are "
             "measured on (default 256)"),
    cl::init(256), cl::cat(quantCat));
static cl::opt<std::string> sensitivityMethod(
    "sensitivity",
    cl::desc("Mixed-precision sensitivity: kl (ZeroQ: KL of the outputs "
             "with one layer quantized, default) or hessian (HAWQ-V2/V3: "
             "Hessian trace by Hutchinson's estimator times the "
             "quantization error)"),
    cl::init("kl"), cl::cat(quantCat));
static cl::opt<unsigned> hessianProbes(
    "hessian-probes",
    cl::desc("Rademacher vectors per layer for --sensitivity hessian "
             "(default 16)"),
    cl::init(16), cl::cat(quantCat));
static cl::opt<unsigned> latencyBatch(
    "latency-batch",
    cl::desc("Samples per run when a latency budget times the layers "
             "(default 1)"),
    cl::init(1), cl::cat(quantCat));
static cl::opt<unsigned> latencyThreads(
    "latency-threads",
    cl::desc("Threads the model runs on when a latency budget times the "
             "layers (default 1; the table caches each count apart)"),
    cl::init(1), cl::cat(quantCat));
static cl::opt<std::string> paretoPath(
    "pareto",
    cl::desc("Write the mixed-precision frontier (summed sensitivity against "
             "the first --budget kind at 21 limits from the cheapest to the "
             "all-8-bit assignment) as JSON, and an SVG plot beside it"),
    cl::value_desc("file.json"), cl::cat(quantCat));
static cl::opt<std::string> reportPath(
    "report",
    cl::desc("Write a per-node quantization report (JSON): status, "
             "precision, scales, SQNR against the float model on the "
             "calibration data"),
    cl::value_desc("file"), cl::cat(quantCat));
static cl::opt<bool> allowFloatOps(
    "allow-float-ops",
    cl::desc("Keep ops without an integer form in float, reported as "
             "warnings"), cl::cat(quantCat));

int main(int argc, char **argv) {
  InitLLVM y(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  // For --mlir-print-ir-* and friends to know Dyad's passes by name.
  dyad::registerAllPasses();
  // LLVM's and MLIR's own options (IR printing, timing, ...) stay available
  // under --help-hidden.
  dyad::setupToolOptions("dyadc", {&compileCat, &quantCat});
  cl::ParseCommandLineOptions(argc, argv, "Dyad compiler: ONNX -> native\n");
  if (optLevel > 3) {
    errs() << "dyadc: -O" << optLevel << " is not a level (0..3)\n";
    return 1;
  }

  dyad::CompileOptions options;
  options.input = inputFile;
  options.output = outputFile;
  options.emit = emit;
  for (const std::string &s : inputShapes) {
    std::string error;
    if (!dyad::parseInputShape(s, options.import, error)) {
      errs() << "dyadc: " << error << "\n";
      return 1;
    }
  }
  for (const std::string &s : bindInputs) {
    std::string error;
    if (!dyad::parseInputValue(s, options.import, error)) {
      errs() << "dyadc: " << error << "\n";
      return 1;
    }
  }
  options.target.target = target;
  options.target.cpu = mcpu;
  options.target.features = mattr;
  options.target.optLevel = optLevel;
  options.target.nibbleWeights = nibbleWeights;
  options.target.gpuArch = gpuArch;
  options.target.gpuKernelsOnHost = gpuKernelsOnHost;
  options.target.gpuTensorCores = gpuTensorCores;
  options.target.gpuMmaOptions = gpuMma;
  options.target.gpuUnroll = gpuUnroll;
  options.verbose = verbose;
  options.profile = profile;

  options.quantize = quantize;
  dyad::QuantizeOptions &q = options.quant;
  q.calibrationData = calibrateData;
  if (!calibrateData.empty()) {
    if (!quantize) {
      errs() << "dyadc: --calibrate needs --quantize\n";
      return 1;
    }
    auto method = dyad::calib::parseMethod(calibMethod);
    if (!method) {
      errs() << "dyadc: unknown --calib-method '" << calibMethod
             << "' (minmax, moving-average, percentile, entropy, mse)\n";
      return 1;
    }
    q.method.method = *method;
  }
  q.method.percentile = calibPercentile;
  q.method.momentum = calibMomentum;
  q.count = calibCount;
  q.seed = calibSeed;
  q.batch = calibBatch;
  for (const std::string &s : calibBatchAxes) {
    auto [name, axis] = StringRef(s).rsplit('=');
    unsigned k;
    if (name.empty() || axis.empty() || axis.getAsInteger(10, k)) {
      errs() << "dyadc: --calib-batch-axis '" << s
             << "': expected NAME=K with K a non-negative axis\n";
      return 1;
    }
    q.batchAxes[name.str()] = k;
  }
  q.table = calibTable;
  q.weightBits = weightBits;
  q.activationBits = activationBits;
  q.biasCorrection = biasCorrection;
  q.verifyIntegerOnly = verifyIntegerOnly;
  q.allowFloatOps = allowFloatOps;
  q.reportPath = reportPath;
  q.mixedPrecision = mixedPrecision;
  if (!mixedBits.empty())
    q.mixedBits.assign(mixedBits.begin(), mixedBits.end());
  q.mixedActivationBits.assign(mixedActivationBits.begin(),
                               mixedActivationBits.end());
  q.budget = budget;
  q.keep8bit.assign(keep8bit.begin(), keep8bit.end());
  q.sensitivitySamples = sensitivitySamples;
  q.sensitivity = sensitivityMethod;
  q.paretoPath = paretoPath;
  q.hessianProbes = hessianProbes;
  q.latencyBatch = latencyBatch;
  q.latencyThreads = latencyThreads;
  q.tie.assign(tie.begin(), tie.end());
  q.layerBits.assign(layerBits.begin(), layerBits.end());
  if (mixedPrecision && !quantize) {
    errs() << "dyadc: --mixed-precision needs --quantize\n";
    return 1;
  }

  // Diagnostics as they come, at their ONNX nodes.
  // Set while a progress line (below) is on the terminal.
  static bool progressShown = false;
  options.onDiagnostic = [](mlir::DiagnosticSeverity, StringRef text) {
    if (progressShown)
      errs() << "\r\033[K";
    progressShown = false;
    errs() << text << "\n";
  };
  // On a terminal (and without -v): one line redrawn as the long steps
  // advance ("calibrate: 512/1000 samples (51%), 1.2 s"), erased when its
  // phase ends. Quiet when stderr is a file or a pipe.
  bool drawProgress = !verbose && sys::Process::StandardErrIsDisplayed();
  if (drawProgress) {
    options.onProgress = [](const dyad::ProgressEvent &e) {
      errs() << "\r\033[K" << e.task << ": " << e.done << "/" << e.total
             << " " << e.unit;
      if (e.total)
        errs() << format(" (%.0f%%)", 100.0 * e.done / e.total);
      errs() << format(", %.1f s", e.seconds);
      errs().flush();
      progressShown = true;
      return true;
    };
    options.onPhase = [](const dyad::PhaseEvent &e) {
      if (e.finished && progressShown) {
        errs() << "\r\033[K";
        errs().flush();
        progressShown = false;
      }
    };
  }
  // "[i/n] phase... 0.40 s" under -v.
  if (verbose)
    options.onPhase = [](const dyad::PhaseEvent &e) {
      if (!e.finished)
        errs() << "[" << e.index << "/" << e.total << "] " << e.title
               << "... ";
      else
        errs() << (e.ok ? "" : "failed, ") << format("%.2f s\n", e.seconds);
    };
  options.configurePassManager = [](mlir::PassManager &pm) {
    return mlir::applyPassManagerCLOptions(pm);
  };

  auto result = dyad::compile(options);
  if (!result) {
    // Diagnostics were printed as they came; what is left is the message.
    handleAllErrors(result.takeError(), [](const dyad::CompileError &e) {
      if (!e.message.empty())
        errs() << "dyadc: " << e.message << "\n";
    });
    return 1;
  }
  return 0;
}
