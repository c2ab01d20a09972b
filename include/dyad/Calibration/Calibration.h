//===- Calibration.h - calibration statistics, tables and data --*- C++ -*-===//
//
// The calibration library: no MLIR, only C++17 and LLVM Support.
//
//  - TensorStats: streaming statistics of one tensor (min-max, moving average,
//    and TensorRT's histogram methods percentile / entropy / MSE); memory is
//    bounded independently of how many batches are observed.
//  - Table: the calibration table (tensor name -> range), written as Dyad's
//    JSON, read from Dyad's JSON, onnxruntime's calibration.json or a
//    TensorRT calibration cache.
//  - DataSource: calibration samples from .npy / .npz files or a directory of
//    them, read streaming (only the samples of the current batch are in
//    memory; the files are never loaded or mapped whole).
//
// Errors are llvm::Error / llvm::Expected (or bool + message where stated) and
// name the file and the tensor / input / sample / line that is wrong.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_CALIBRATION_CALIBRATION_H
#define DYAD_CALIBRATION_CALIBRATION_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dyad::calib {

//===----------------------------------------------------------------------===//
// Statistics
//===----------------------------------------------------------------------===//

enum class Method { MinMax, MovingAverage, Percentile, Entropy, Mse };

/// "minmax", "moving-average", "percentile", "entropy", "mse".
std::optional<Method> parseMethod(llvm::StringRef name);
llvm::StringRef methodName(Method method);

struct Options {
  Method method = Method::MinMax;
  /// Percentile: the fraction (in %) of |x| values kept inside the range.
  double percentile = 99.99;
  /// MovingAverage: ema = momentum * ema + (1 - momentum) * batch value.
  double momentum = 0.9;
  /// Entropy / Mse: the quantized width; candidates start at bin 2^(bits-1).
  unsigned bits = 8;
  /// Histogram methods: bins of the first batch's [0, max|x|].
  unsigned numBins = 2048;
};

/// Checks the options (bits in [2, 16], numBins >= 1, percentile in (0, 100],
/// momentum in [0, 1]); the error says which option is wrong and why.
llvm::Error validateOptions(const Options &options);

struct Range {
  double min = 0, max = 0;
};

/// Streaming statistics of one tensor: memory bounded independently of how
/// many batches are observed.
///
/// MinMax: the global min and max. MovingAverage: exponential moving average of
/// the per-batch min and max with `momentum`, the first batch initializes it.
///
/// Percentile / Entropy / Mse follow TensorRT's pytorch_quantization
/// HistogramCalibrator: a histogram of |x| with `numBins` bins of width
/// w = max|x| / numBins over [0, max|x| of the first batch] (bin edges are
/// k * w; a value a goes to bin min(floor(a / w), bins - 1)). A later batch
/// beyond the last edge appends bins of the same width; when there would be
/// more than 8 * numBins bins, adjacent pairs are merged (w doubles), so the
/// histogram never holds more than 8 * numBins bins. Zeros seen before the
/// first non-zero batch are added to bin 0 once the histogram exists.
///  - Percentile: amax = edge[idx], idx the first bin where the cumulative
///    distribution (cumsum of count/total) reaches percentile/100 (TensorRT's
///    `_compute_amax_percentile`, which returns that bin's left edge).
///  - Entropy: TensorRT's `_compute_amax_entropy` in double precision:
///    hist[0] := hist[1]; for i = 2^(bits-1) .. bins: P = hist[:i] with the
///    tail sum(hist[i:]) added to P[i-1]; Q = hist[:i] merged into 2^(bits-1)
///    groups (bin j goes to group floor(j * 2^(bits-1) / i)), each group's sum
///    spread evenly over its non-empty bins; KL(P || Q) of the normalized
///    distributions (infinite where P > 0 = Q); amax = edge[i*], i* the last
///    argmin. Then a guard TensorRT leaves to its users (who pick another
///    method per layer where KL fails): when amax's fake-quantization error
///    on the histogram (Mse's error, below) exceeds that of max|x|, amax is
///    Mse's. Without it, the dominant zero bin of MNIST's background made
///    KL clip mnist_cnn's stem ReLU to 0.57 of its 5.45 range (22% test
///    accuracy; 99.3% with the guard).
///  - Mse: TensorRT's `_compute_amax_mse`: candidates amax = centre[i] for
///    i = 2^(bits-1) .. bins-1; error = sum_j count_j * (Q(c_j) - c_j)^2 with
///    Q the symmetric fake quantization at `bits` (scale (2^(bits-1)-1)/amax,
///    round half to even, clamp to +-(2^(bits-1)-1)); the first argmin wins.
///  Entropy and Mse are O(bins^2): when the histogram has grown past numBins
///  bins, it is first re-binned to exactly numBins bins over [0, max|x|]
///  (counts split proportionally to the overlap). With fewer than 2^(bits-1)
///  bins there is no candidate and amax = max|x|.
///  The final range is [max(min, -amax), min(max, amax)] with min / max the
///  true extremes.
/// Every method's range is finally widened to contain 0.
class TensorStats {
public:
  explicit TensorStats(const Options &options);
  ~TensorStats();
  TensorStats(TensorStats &&) noexcept;
  TensorStats &operator=(TensorStats &&) noexcept;

  /// One batch of values. Returns false (and sets error, e.g. "element 12 is
  /// NaN") on NaN/Inf, naming nothing else (the caller adds the tensor);
  /// the statistics are then unchanged. An empty batch is ignored.
  bool observe(const float *data, size_t n, std::string &error);
  /// The final range for the method; always contains 0 (min <= 0 <= max);
  /// {0, 0} when nothing was observed.
  Range range() const;
  /// Histogram methods: the clipping threshold amax (before intersecting with
  /// the true range); other methods: max(|min|, |max|).
  double amax() const;
  /// Number of values observed.
  uint64_t count() const;
  /// Number of non-empty batches observed.
  uint64_t batches() const;
  /// Histogram methods: the current number of bins and the bin width (0 and 0
  /// for the other methods, or before the first non-zero value).
  size_t numHistogramBins() const;
  double binWidth() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// Asymmetric quantization parameters of a range at `bits` (int8 for 8):
/// the range is first widened to contain 0; then S = (max - min) / (2^bits - 1)
/// and Z = round_half_even(qmin - min / S) clamped to [qmin, qmax] with
/// qmin = -2^(bits-1), qmax = 2^(bits-1) - 1. A range of [0, 0] gives S = 1,
/// Z = 0. Returns {S, Z}.
std::pair<double, int64_t> asymmetricParams(Range range, unsigned bits);

//===----------------------------------------------------------------------===//
// Calibration table
//===----------------------------------------------------------------------===//

struct TableEntry {
  double min = 0, max = 0;
  /// Values observed (0 when imported from another tool).
  uint64_t count = 0;
  std::optional<double> scale;
  std::optional<int64_t> zeroPoint;
  /// The mean of each channel (dim 1: NCHW's C, a Gemm input's K) over the
  /// calibration data, for the tensors a Conv or Gemm reads (bias
  /// correction, dyad-quantize); empty when not measured.
  std::vector<double> channelMean;
};

struct Table {
  static constexpr int kVersion = 1;
  /// e.g. "entropy", or "onnxruntime" / "tensorrt" when imported.
  std::string method;
  /// Optional: the model file the table was made for.
  std::string model;
  /// Calibration samples used (0 when imported).
  uint64_t samples = 0;
  /// ONNX tensor name -> entry.
  std::map<std::string, TableEntry> tensors;
  /// Mixed-precision sensitivities cached by dyadc --mixed-precision (a
  /// re-run with another budget reads them): the samples they were
  /// measured on and, per layer (ONNX node), weight bits -> sensitivity.
  struct Sensitivities {
    std::string method; // "zeroq-kl"
    uint64_t samples = 0;
    std::map<std::string, std::map<unsigned, double>> layers;
    /// Activation widths (--mixed-activation-bits): per layer, the bits of
    /// the activation it reads -> its share of what that width adds to
    /// the output KL of the quantized model (negative: wider, better).
    std::map<std::string, std::map<unsigned, double>> inputs;
  };
  std::optional<Sensitivities> sensitivity;
  /// Per-layer latencies cached by dyadc --mixed-precision with a latency
  /// budget, valid for one CPU (its name and a hash of its features),
  /// batch and thread count: per layer (ONNX node) weight bits -> seconds per run of its
  /// kernel, and the whole model's seconds per run with every layer at
  /// those bits.
  struct Latencies {
    std::string cpu;
    uint64_t batch = 1;
    uint64_t threads = 1; // absent in tables from before it was recorded
    std::map<unsigned, double> total;
    std::map<std::string, std::map<unsigned, double>> layers;
  };
  std::optional<Latencies> latency;
};

/// Writes Dyad's JSON table (atomically: a temporary file renamed over path):
///   {"format": "dyad-calibration", "version": 1, "method": ..., "model": ...,
///    "samples": N, "tensors": {"name": {"min": .., "max": .., "count": ..,
///    "scale": .., "zero_point": ..}}}
/// ("model", "scale" and "zero_point" only when set). Doubles are written with
/// 17 significant digits, so a read gives back the same values.
llvm::Error writeTable(const Table &table, llvm::StringRef path);

/// Reads a calibration table; the format is detected from the content:
///  - Dyad's JSON (an object with "format": "dyad-calibration"); "version",
///    "method", "samples", "tensors" and each tensor's "min", "max", "count"
///    are required; a version newer than Table::kVersion is an error.
///  - onnxruntime's calibration.json (write_calibration_table), method
///    "onnxruntime": a JSON object mapping tensor name -> [min, max], or ->
///    an object with "lowest" and "highest" (TensorData.to_dict(); other keys
///    such as "hist", "bins", "avg", "std", "CLS" are ignored), optionally
///    wrapped as {"CLS": "TensorsData", "data": {...}, ...}. A value may be a
///    number, a one-element list, or numpy's encoding
///    {"CLS": "numpy.array", "data": x, "dtype": ...}. Per-channel ranges
///    (several values) are an error.
///  - a TensorRT calibration cache, method "tensorrt": first line
///    "TRT-<version>-<CalibratorName>", then "<tensor name>: <8 hex digits>"
///    lines, the hex digits being the big-endian bits of the IEEE float32
///    scale; amax = scale * 127, range [-amax, amax]; the entry keeps that
///    scale with zero point 0 (symmetric).
/// Errors name the file and the JSON key or the line.
llvm::Expected<Table> readTable(llvm::StringRef path);

//===----------------------------------------------------------------------===//
// Calibration data
//===----------------------------------------------------------------------===//

/// A model input: its name and shape (-1 = dynamic). The dim at `batchAxis`
/// is the batch dimension: samples are stacked there and its size is never
/// checked.
struct InputSpec {
  std::string name;
  std::vector<int64_t> shape;
  /// ONNX symbolic dim names ("" for none), one per dim; may be empty.
  std::vector<std::string> dimParams;
  /// The batch axis; -1: chosen by resolveBatchAxes' rule.
  int64_t batchAxis = -1;
};

/// Fills in every input's batch axis that is -1, by this rule:
///  1. the dim whose dim_param is the batch name, if the input has exactly
///     one: the batch name is the dim_param of the dynamic axis 0 of the
///     inputs that have one, when they agree (Silero VAD: input
///     [batch, sequence] names it `batch`, so state [2, batch, 128] has its
///     batch at axis 1);
///  2. else the one dynamic dim of an input whose axis 0 is static and
///     larger than 1 (state [2, ?, 128] without dim_params);
///  3. else axis 0 (dynamic or static; several dynamic dims, none, or a
///     static axis 0 of size 1 as in [1, ?]).
/// An explicit axis (>= 0) is kept. Errors: an axis outside the input's
/// rank, a scalar input.
llvm::Error resolveBatchAxes(std::vector<InputSpec> &inputs);

/// Calibration samples, read streaming.
///
/// Accepted paths:
///  - a .npy file (single-input models): first axis = samples;
///  - a .npz file keyed by input name (member "<name>.npy"; a single-input
///    model also accepts an archive with exactly one member, whatever its
///    name): each member's first axis = samples, all members the same sample
///    count; members stored (np.savez) or deflated (np.savez_compressed),
///    zip64 included; other members are ignored; a deflated member is
///    checked against its CRC-32 when it has been inflated to its end (which
///    happens when its last sample is selected; stored members and partly
///    read ones are not checked);
///  - a directory of .npy / .npz files (not recursive; other files ignored),
///    each holding one or more samples, read in sorted (byte-wise) filename
///    order; a .npy there is for a single-input model.
/// Each array's rank must be the model input's rank (first axis = samples) and
/// its other dims, in order, must equal the model input's static dims without
/// its batch axis (a sample is the input's shape without the batch dim).
/// next() inserts the batch's samples at each input's batch axis (for an
/// axis other than 0, a transpose of the batch read). Arrays are npy format
/// 1.0/2.0/3.0, C order, '<f4' (float32) or '<f8' (float64, converted).
class DataSource {
public:
  /// Opens and validates every file's headers (dtype, order, shape, size);
  /// reads no sample data.
  static llvm::Expected<std::unique_ptr<DataSource>>
  open(llvm::StringRef path, const std::vector<InputSpec> &inputs);
  ~DataSource();

  /// Number of samples in all files.
  size_t numSamples() const;
  /// Chooses which samples to use: all when count == 0 or count >=
  /// numSamples(), else `count` distinct samples drawn with std::mt19937_64
  /// (seed) by Floyd's algorithm (with an unbiased bounded draw defined here,
  /// so the choice is the same on every platform), then read in file order.
  /// Also rewinds.
  void select(size_t count, uint64_t seed);
  size_t numSelected() const;
  /// The batch axis of input `k` (resolved by resolveBatchAxes).
  int64_t batchAxis(size_t k) const;
  /// Starts again from the first selected sample.
  void rewind();

  /// The next batch of up to `maxBatch` selected samples: one float32 buffer
  /// per input (in the order of `inputs`) and its shape (the dim at the
  /// input's batch axis = number of samples in this batch). A batch never mixes samples of different shapes
  /// (possible with dynamic dims). Returns false when exhausted. Errors (naming
  /// the file, the input and the sample index within the file): NaN/Inf
  /// values, data that ends early, read failures.
  llvm::Expected<bool> next(size_t maxBatch,
                            std::vector<std::vector<float>> &buffers,
                            std::vector<std::vector<int64_t>> &shapes);
  /// The global indices (0 .. numSamples()-1, in file order) of the samples
  /// of the last batch returned by next().
  const std::vector<uint64_t> &batchSampleIndices() const;
  /// "file" or "file:index" of a global sample index, for messages.
  std::string describeSample(uint64_t index) const;

  struct Impl;

private:
  explicit DataSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace dyad::calib

#endif // DYAD_CALIBRATION_CALIBRATION_H
