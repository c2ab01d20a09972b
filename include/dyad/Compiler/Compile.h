//===- Compile.h - Dyad's compile API ---------------------------*- C++ -*-===//
//
// One call compiles a model the way dyadc does, in named phases:
//
//   import -> simplify -> [calibrate] -> [quantize: fold, integerize, verify]
//   -> [report] -> lower -> translate (LLVM IR) -> object -> link
//
// `CompileOptions::emit` stops after the graph (dyad IR), the LLVM dialect,
// LLVM IR, the object file or the shared library (+ its C header). dyadc is a
// thin caller of dyad::compile; so is the Python package, and so can any
// other tool be.
//
// Errors: dyad::compile returns a dyad::CompileError (an llvm::ErrorInfo):
// the phase that failed, the message of a failure outside the IR (a file, a
// target, a linker), and every error diagnostic, each formatted against the
// ONNX model ("model.onnx: node 'conv1': error: ..."). The same diagnostics,
// warnings included, reach `onDiagnostic` as they happen.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_COMPILER_COMPILE_H
#define DYAD_COMPILER_COMPILE_H

#include "dyad/Calibration/Calibration.h"
#include "dyad/Compiler/Calibrate.h"
#include "dyad/Compiler/Compiler.h"
#include "dyad/Import/OnnxImporter.h"

#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace mlir {
class PassManager;
} // namespace mlir

namespace dyad {

enum class Phase {
  Import,
  Simplify,
  Calibrate,
  MixedPrecision,
  Quantize,
  Report,
  Lower,
  Translate,
  Object,
  Link,
};

/// "import", "simplify", ... (the names the errors and docs use).
llvm::StringRef phaseName(Phase phase);

/// Where compilation stops.
enum class EmitKind {
  Dyad, // the dyad graph after simplification (and quantization)
  Mlir, // MLIR in the LLVM dialect
  Llvm, // optimized LLVM IR
  Obj,  // an object file
  Lib,  // a shared library and its C header (<output stem>.h)
  OnnxQdq, // the ONNX model with Dyad's quantization as QDQ (--quantize;
           // dyad/Import/QdqExport.h)
};

struct QuantizeOptions {
  /// Calibration data (.npy, .npz, a directory of them); empty: use a table
  /// or the model's own QDQ parameters.
  std::string calibrationData;
  calib::Options method;   // statistic and its parameters
  size_t count = 0;        // calibration samples (0: all)
  uint64_t seed = 0;       // sampling seed
  size_t batch = 32;       // samples per calibration run
  /// --calib-batch-axis: the batch axis of named inputs (the others: the
  /// rule of calib::resolveBatchAxes).
  std::map<std::string, int64_t> batchAxes;
  /// Calibration table: written when calibrating (default: next to the
  /// output, `<output stem>.calib.json`), read otherwise.
  std::string table;
  unsigned weightBits = 8, activationBits = 8;
  /// Subtract the mean error of the rounded weights from each Conv/Gemm
  /// bias (from the calibration table's channel means).
  bool biasCorrection = false;
  bool verifyIntegerOnly = true;
  bool allowFloatOps = false;
  /// Per-node quantization report (JSON); empty: none.
  std::string reportPath;
  /// Mixed precision (lib/Compiler/MixedPrecision.cpp): a weight width per
  /// layer from `mixedBits`, chosen by an ILP over ZeroQ sensitivities
  /// measured on the calibration data, under `budget` ("size=0.6",
  /// "bops=0.5", both). Layers named in `keep8bit` ("first", "last" or
  /// ONNX node names) stay at 8 bits. A "latency=F" budget times every
  /// layer at every width on this CPU (measureLayerLatency) on
  /// `latencyBatch` samples.
  bool mixedPrecision = false;
  std::vector<unsigned> mixedBits = {4, 8};
  /// Activation widths mixed precision chooses from for the activation
  /// each weighted layer reads (empty: every activation at
  /// `activationBits`); needs a bops budget.
  std::vector<unsigned> mixedActivationBits;
  std::string budget;
  std::vector<std::string> keep8bit;
  /// Widths of single layers: "NODE=w16a16", "NODE=a16", "NODE=w4" (ONNX
  /// node names of weighted layers): its weights (dyad.weight_bits) and
  /// the activation it reads (dyad.input_bits). Mixed precision keeps a
  /// weight width given here.
  std::vector<std::string> layerBits;
  /// Layers that share a width (HAWQ-V3's ties): "shared-input" (layers
  /// reading the same activation: a residual block's first conv and its
  /// downsample, attention's Q/K/V projections) or a group of ONNX node
  /// names "A+B+C". Layers reading the same weight tensor always share one.
  std::vector<std::string> tie;
  /// Samples the sensitivities are measured on (the first of the selected
  /// calibration samples).
  size_t sensitivitySamples = 256;
  /// "kl" (ZeroQ) or "hessian" (HAWQ-V2/V3, Hutchinson with
  /// `hessianProbes` Rademacher vectors).
  std::string sensitivity = "kl";
  /// Where to write the sensitivity / budget frontier (JSON, and an SVG
  /// plot beside it); empty: none.
  std::string paretoPath;
  unsigned hessianProbes = 16;
  size_t latencyBatch = 1;
  /// Threads the model runs on when a latency budget times the layers.
  unsigned latencyThreads = 1;
};

/// A phase starting (`finished` false) or ending.
struct PhaseEvent {
  Phase phase;
  std::string title; // "calibrate on data.npy", "link model.so", ...
  unsigned index = 0, total = 0;
  bool finished = false, ok = true;
  double seconds = 0;
};

struct CompileOptions {
  /// The model: .onnx, .onnxtxt (ONNX's text syntax), or .mlir (dyad IR).
  std::string input;
  /// The artifact; "-" writes text outputs to stdout. Empty: derived from
  /// the input's name and `emit` (model.so, model.ll, ...).
  std::string output;
  EmitKind emit = EmitKind::Lib;
  /// Import options: --input-shape (`inputShapes`), --bind-input
  /// (`inputValues`: a bound input leaves the artifact's signature).
  ImportOptions import;
  TargetOptions target;
  /// Compile an integer-only model (docs/quantization.md).
  bool quantize = false;
  QuantizeOptions quant;
  /// Instrument the kernels for dyad-run --profile (time, runs and
  /// operations per ONNX node; dyad-cpu-profile).
  bool profile = false;
  /// Progress lines of long phases (calibration batches) on stderr.
  bool verbose = false;
  /// Called at the start and the end of every phase.
  std::function<void(const PhaseEvent &)> onPhase;
  /// Called as the long steps inside a phase advance (calibration and
  /// sensitivity batches, widths timed, pareto points measured): dyadc
  /// draws a progress line from it when stderr is a terminal.
  ProgressCallback onProgress;
  /// Called for every diagnostic (errors, warnings, notes), formatted
  /// against the ONNX model, as it is emitted.
  std::function<void(mlir::DiagnosticSeverity, llvm::StringRef)> onDiagnostic;
  /// Lets the caller set up each pass manager (dyadc applies MLIR's
  /// command-line options: IR printing, timing, crash reproducers).
  std::function<mlir::LogicalResult(mlir::PassManager &)> configurePassManager;
};

struct CompileResult {
  std::string output;           // the artifact written
  std::string header;           // the C header (EmitKind::Lib)
  std::string calibrationTable; // the table written or read ("" if none)
  ModelSignature signature;     // inputs and outputs (after lowering starts)
};

/// The error of the compile API.
class CompileError : public llvm::ErrorInfo<CompileError> {
public:
  static char ID;
  CompileError(Phase phase, std::string message,
               std::vector<std::string> diagnostics)
      : phase(phase), message(std::move(message)),
        diagnostics(std::move(diagnostics)) {}

  /// The diagnostics, one a line, then the message.
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

  Phase phase;
  /// A failure outside the IR (unreadable file, unknown target, linker);
  /// empty when the diagnostics say it all.
  std::string message;
  /// Error diagnostics, formatted ("model.onnx: node 'x': error: ...").
  std::vector<std::string> diagnostics;
};

/// The default output of `options` (the input's stem + the emit kind's
/// extension).
std::string defaultOutput(const CompileOptions &options);

/// Compiles `options.input` into `options.output` (see above). Creates its
/// own MLIRContext (MLIR's command-line options apply when registered).
llvm::Expected<CompileResult> compile(const CompileOptions &options);

} // namespace dyad

#endif // DYAD_COMPILER_COMPILE_H
