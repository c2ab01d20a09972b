//===- MixedPrecision.h - per-layer weight bits by ILP -----------*- C++ -*-===//
//
// HAWQ-V3's assignment of a bit width to each weighted layer: minimise the
// summed sensitivity subject to budgets on the weight size and the BOPs,
// as an integer linear program solved by CBC
// (../shared/reference/algorithms.md §2-3, docs/quantization.md):
//
//   min  sum_i sum_k  S_i(k) x_ik
//   s.t. sum_k x_ik = 1                       (one width per layer)
//        sum_i sum_k  c_i(k) x_ik <= B        (each budget: size, BOPs,
//                                              measured latency)
//        sum_{k: w_k = w} x_ak = sum_{k: w_k = w} x_bk
//                                             (tied layers, each weight
//                                              width w; input-tied layers,
//                                              each activation width)
//        x_ik in {0, 1}
//
// S_i(k) is ZeroQ's sensitivity: the KL divergence of the model's outputs
// when only layer i's weights are at k bits (measureWeightSensitivity,
// lib/Compiler/Calibrate.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_COMPILER_MIXEDPRECISION_H
#define DYAD_COMPILER_MIXEDPRECISION_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cmath>
#include <string>
#include <vector>

namespace dyad::mp {

/// One width a layer may take and what it costs: its weights' and, where
/// activation widths are chosen too, the activation it reads.
struct Choice {
  unsigned bits = 8;
  double sensitivity = 0; // S_i(k)
  double sizeBytes = 0;   // weight bytes at this width
  double bops = 0;        // MACs * weight bits * activation bits
  double latency = 0;     // seconds per run of the layer's kernel, measured
  unsigned inputBits = 0; // 0: not chosen (the model's activation width)
};

struct Layer {
  std::string name;            // the ONNX node
  int64_t weights = 0;         // weight elements
  int64_t macsPerSample = 0;   // multiply-adds per sample
  std::vector<Choice> choices; // at least one
  int tie = -1;                // layers with the same tie >= 0 share bits
  int inputTie = -1;           // ... share input bits (they read one tensor)
};

enum class BudgetKind { Size, Bops, Latency };

struct Budget {
  BudgetKind kind;
  double limit;      // bytes, BOPs per sample, or seconds per run
  double offset = 0; // what the rest of the model adds to the layers' sum
                     // (latency: the ops without weights)
};

/// The chosen choice index per layer, and its totals.
struct Assignment {
  std::vector<size_t> choice;
  double sensitivity = 0, sizeBytes = 0, bops = 0, latency = 0;
};

/// Solves the ILP with CBC. An infeasible budget is an error naming the
/// smallest value of that budget any assignment reaches.
llvm::Expected<Assignment> solve(const std::vector<Layer> &layers,
                                 const std::vector<Budget> &budgets);

/// The same problem by enumerating every assignment (tests; small models).
std::optional<Assignment> solveExhaustive(const std::vector<Layer> &layers,
                                          const std::vector<Budget> &budgets);

/// Parses `size=0.6,bops=1e9,latency=0.8`: a value up to 1 is a fraction
/// of the all-8-bit figure, a larger one is absolute (bytes; BOPs per
/// sample); a trailing `%` is a percentage of the all-8-bit figure. An
/// absolute latency takes a unit, `ms` or `us` (returned in seconds).
llvm::Expected<std::vector<std::pair<BudgetKind, double>>>
parseBudget(llvm::StringRef spec);

/// One point of the frontier: the optimum under `limit` and, when
/// measured, how the model compiled with it agrees with the float model on
/// the calibration data (NaN: not measured).
struct ParetoPoint {
  double limit = 0; // offset included
  Assignment a;
  double top1Agreement = NAN; // fraction of samples with the same argmax
  double outputSqnrDb = NAN;  // of the first output
};

/// The frontier of sensitivity against one budget kind: the optimum at
/// `steps` + 1 limits evenly between the cheapest assignment and the
/// all-widest one (infeasible points skipped). `offset` is the budget's
/// constant part (Budget::offset).
std::vector<ParetoPoint> paretoFrontier(const std::vector<Layer> &layers,
                                        BudgetKind kind, unsigned steps,
                                        double offset = 0);

/// The frontier as JSON (`path`) and as an SVG plot next to it (`path` with
/// .svg).
llvm::Error writePareto(const std::vector<Layer> &layers,
                        const std::vector<ParetoPoint> &points,
                        BudgetKind kind, llvm::StringRef path,
                        llvm::StringRef model, double offset = 0);

/// An assignment's total of one budget kind (without the offset).
double total(const Assignment &a, BudgetKind kind);

/// The weighted layers of `module`'s function: ops of
/// QuantizableOpInterface with a constant float weight, in program order.
std::vector<mlir::Operation *> weightedLayers(mlir::ModuleOp module,
                                              llvm::StringRef funcName);

/// The name a layer is reported and pinned by: its ONNX node.
std::string layerName(mlir::Operation *op);

} // namespace dyad::mp

#endif // DYAD_COMPILER_MIXEDPRECISION_H
