//===- Calibrate.h - run the float model natively to calibrate --*- C++ -*-===//
//
// Calibration as dyadc does it: instrument a copy of the float graph
// (dyad-instrument), compile it with the CPU code generation, run it batch by
// batch on the calibration data through the runtime, and feed every
// instrumented tensor to a streaming statistic. Nothing stores activations:
// memory is one batch of inputs and outputs plus the statistics.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_COMPILER_CALIBRATE_H
#define DYAD_COMPILER_CALIBRATE_H

#include "dyad/Calibration/Calibration.h"
#include "dyad/Compiler/Compiler.h"
#include "dyad/Compiler/Pipelines.h"

#include <functional>
#include <string>

namespace dyad {

/// Progress of a long step inside a phase: calibration batches, sensitivity
/// batches, the widths timed for a latency budget, the pareto points.
struct ProgressEvent {
  std::string task; // "calibrate", "sensitivity", "latency", "pareto"
  size_t done = 0, total = 0;
  std::string unit; // what done and total count: "samples", "widths", ...
  double seconds = 0; // since the step started
};
/// Returns whether to go on: false cancels the step, which then fails
/// with an error saying where it stopped (and dyad::compile with it).
using ProgressCallback = std::function<bool(const ProgressEvent &)>;

struct CalibrateOptions {
  std::string dataPath;        // .npy, .npz or a directory of them
  calib::Options method;       // statistic and its parameters
  size_t count = 0;            // samples to use (0: all)
  uint64_t seed = 0;           // sampling seed
  size_t batch = 32;           // samples per run
  /// Batch axis overrides by input name (calib::resolveBatchAxes' rule
  /// picks the others).
  std::map<std::string, int64_t> batchAxes;
  bool verbose = false;        // a progress line per batch on stderr
  ProgressCallback progress;   // called after each batch (when set)
  /// Warnings (fewer samples in the data than asked for): to this callback
  /// when set (dyad::compile routes them to CompileOptions::onDiagnostic),
  /// else to stderr.
  std::function<void(llvm::StringRef)> onWarning;
  std::string modelName;       // recorded in the table
  TargetOptions target;        // how the instrumented copy is compiled
};

/// Calibrates `module` (a simplified dyad graph whose ops carry tensor names,
/// see ImportOptions::tensorNames; it is not modified). Errors name the data
/// file, the input or the tensor.
llvm::Expected<calib::Table> calibrate(mlir::ModuleOp module,
                                       llvm::StringRef funcName,
                                       const CalibrateOptions &options);

/// SQNR (dB, 10 log10(sum x^2 / sum (x - x_q)^2)) of every named integer
/// tensor of `intModule` (integerized, ops tagged with `dyad.tensor`,
/// `dyad.scale`, `dyad.zero_point`) against the same tensor of `floatModule`,
/// both run on the calibration data of `options` (its count and seed).
llvm::Expected<std::map<std::string, double>>
measureSqnr(mlir::ModuleOp floatModule, mlir::ModuleOp intModule,
            llvm::StringRef funcName, const CalibrateOptions &options);

enum class SensitivityMethod {
  KL,      // ZeroQ: output KL with one layer quantized
  Hessian, // HAWQ-V2/V3: Tr(H_i)/n_i ||Q_k(W_i) - W_i||^2, Hutchinson
};

/// ZeroQ's sensitivity of each weighted layer (mp::weightedLayers, in that
/// order) at each width of `bits`: the KL divergence, per sample, of the
/// softmax of the float model's outputs (along their last axis) with only
/// that layer's weights quantized (per-channel symmetric) against the
/// float model, on the calibration data of `options`. The float model is
/// compiled once, its weights as inputs. With `Hessian`, HAWQ-V2/V3's
/// Tr(H_i)/n_i * ||Q_k(W_i) - W_i||^2 instead, the trace of the Hessian of
/// that output KL by Hutchinson's estimator over `probes` Rademacher
/// vectors, each v^T H v by central differences (forward runs only).
llvm::Expected<std::vector<std::vector<double>>>
measureWeightSensitivity(mlir::ModuleOp floatModule, llvm::StringRef funcName,
                         llvm::ArrayRef<unsigned> bits,
                         const CalibrateOptions &options,
                         SensitivityMethod method = SensitivityMethod::KL,
                         unsigned probes = 16);

/// The sensitivity of activation widths (mixed precision with
/// --mixed-activation-bits): for each group of weighted layers reading one
/// activation (`groups`: mp::weightedLayers indices) and each width of
/// `bits`, the KL divergence of the outputs (as measureWeightSensitivity
/// takes it) against the float model, of `floatModule` quantized
/// (`pipeline`) with that group's input at that width, less the same KL
/// with every activation at the pipeline's width: how much that one
/// activation's width adds (negative where it is wider). One quantize and
/// compile per (group, width other than the pipeline's) and one for the
/// baseline; run on the first `options.count` calibration samples. NaN
/// where the model cannot be quantized with that group at that width.
llvm::Expected<std::vector<std::vector<double>>>
measureInputSensitivity(mlir::ModuleOp floatModule, llvm::StringRef funcName,
                        const std::vector<std::vector<size_t>> &groups,
                        llvm::ArrayRef<unsigned> bits,
                        const QuantizePipelineOptions &pipeline,
                        const CalibrateOptions &options);

/// Measured latencies for a latency budget: per weighted layer
/// (mp::weightedLayers order) and width of `bits`, the seconds per run of
/// its kernel; per width, the whole model's seconds per run.
struct LayerLatencies {
  std::vector<std::vector<double>> layer; // [layer][width]
  std::vector<double> total;              // [width]
};

/// Times each weighted layer of `floatModule` at each width of `bits`: per
/// width, a copy with every layer that takes it at that width is
/// quantized (`pipeline`: the calibration table), compiled for
/// `options.target` with per-kernel timers (dyadc --profile) and run on
/// the first `batch` calibration samples on `threads` threads, until the timings
/// settle (the minimum over rounds of the mean per run). `layers x widths`
/// settings in `widths` compiles.
llvm::Expected<LayerLatencies>
measureLayerLatency(mlir::ModuleOp floatModule, llvm::StringRef funcName,
                    llvm::ArrayRef<unsigned> bits,
                    const QuantizePipelineOptions &pipeline,
                    const CalibrateOptions &options, size_t batch,
                    unsigned threads = 1);

/// How a weight-width assignment's quantized model agrees with the float
/// model on the calibration data.
struct AssignmentQuality {
  double top1Agreement = 0; // same argmax of the first output (last axis)
  double outputSqnrDb = 0;  // SQNR of the first output
};

/// For each assignment (weight bits per weighted layer, mp::weightedLayers
/// order), `floatModule` quantized with those widths (`pipeline`), compiled
/// and run on the first `options.count` calibration samples against the
/// float model (compiled once).
llvm::Expected<std::vector<AssignmentQuality>>
measureAssignments(mlir::ModuleOp floatModule, llvm::StringRef funcName,
                   const std::vector<std::vector<unsigned>> &assignments,
                   const QuantizePipelineOptions &pipeline,
                   const CalibrateOptions &options);

} // namespace dyad

#endif // DYAD_COMPILER_CALIBRATE_H
