//===- Statistics.cpp - streaming per-tensor calibration statistics -------===//
//
// MinMax, MovingAverage and TensorRT's histogram calibrators (percentile,
// entropy, MSE); see Calibration.h for the exact definitions.
//
//===----------------------------------------------------------------------===//
#include "dyad/Calibration/Calibration.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

using namespace dyad::calib;

std::optional<Method> dyad::calib::parseMethod(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Method>>(name)
      .Case("minmax", Method::MinMax)
      .Case("moving-average", Method::MovingAverage)
      .Case("percentile", Method::Percentile)
      .Case("entropy", Method::Entropy)
      .Case("mse", Method::Mse)
      .Default(std::nullopt);
}

llvm::StringRef dyad::calib::methodName(Method method) {
  switch (method) {
  case Method::MinMax:
    return "minmax";
  case Method::MovingAverage:
    return "moving-average";
  case Method::Percentile:
    return "percentile";
  case Method::Entropy:
    return "entropy";
  case Method::Mse:
    return "mse";
  }
  return "unknown";
}

static std::string fmtG(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

llvm::Error dyad::calib::validateOptions(const Options &o) {
  auto fail = [](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  if (o.bits < 2 || o.bits > 16)
    return fail(
        llvm::formatv("calibration bits must be in [2, 16], got {0}", o.bits));
  if (o.numBins < 1 || o.numBins > (1u << 20))
    return fail(llvm::formatv(
        "calibration histogram bins must be in [1, 1048576], got {0}",
        o.numBins));
  if (!(o.percentile > 0 && o.percentile <= 100))
    return fail(
        llvm::formatv("calibration percentile must be in (0, 100], got {0}",
                      fmtG(o.percentile)));
  if (!(o.momentum >= 0 && o.momentum <= 1))
    return fail(llvm::formatv("calibration momentum must be in [0, 1], got {0}",
                              fmtG(o.momentum)));
  return llvm::Error::success();
}

namespace {
bool isHistogramMethod(Method m) {
  return m == Method::Percentile || m == Method::Entropy || m == Method::Mse;
}
} // namespace

struct TensorStats::Impl {
  Options opts;
  uint64_t count = 0;
  uint64_t batches = 0;
  double min = 0, max = 0; // true extremes (valid when count > 0)
  double emaMin = 0, emaMax = 0;
  // Histogram of |x|: bin k covers [k*width, (k+1)*width).
  std::vector<uint64_t> hist;
  double width = 0;
  uint64_t pendingZeros = 0; // zeros seen before the histogram exists
  double maxAbs = 0;

  void mergePairs() {
    size_t n = (hist.size() + 1) / 2;
    for (size_t k = 0; k < n; ++k) {
      uint64_t v = hist[2 * k];
      if (2 * k + 1 < hist.size())
        v += hist[2 * k + 1];
      hist[k] = v;
    }
    hist.resize(n);
    width *= 2;
  }

  void addToHistogram(const float *data, size_t n, double batchMaxAbs) {
    if (width == 0) {
      if (batchMaxAbs == 0) {
        pendingZeros += n;
        return;
      }
      width = batchMaxAbs / opts.numBins;
      hist.assign(opts.numBins, 0);
      hist[0] += pendingZeros;
      pendingZeros = 0;
    } else if (batchMaxAbs > hist.size() * width) {
      // Extend with bins of the same width; merge pairs to stay bounded.
      size_t limit = size_t(8) * opts.numBins;
      while (std::floor(batchMaxAbs / width) + 1 > double(limit))
        mergePairs();
      size_t needed = size_t(std::floor(batchMaxAbs / width)) + 1;
      if (needed > hist.size())
        hist.resize(needed, 0);
    }
    double top = double(hist.size());
    size_t last = hist.size() - 1;
    for (size_t i = 0; i < n; ++i) {
      double q = std::fabs(double(data[i])) / width;
      hist[q >= top ? last : size_t(q)] += 1;
    }
  }

  /// The histogram as doubles over exactly numBins bins of [0, maxAbs] when it
  /// has more (Entropy / Mse), else as it is.
  std::vector<double> histogramForSearch(double &binWidth) const {
    std::vector<double> out;
    if (hist.size() <= opts.numBins) {
      out.assign(hist.begin(), hist.end());
      binWidth = width;
      return out;
    }
    size_t nb = opts.numBins;
    double w = maxAbs / nb;
    out.assign(nb, 0.0);
    for (size_t j = 0; j < hist.size(); ++j) {
      if (hist[j] == 0)
        continue;
      double c = double(hist[j]);
      double lo = j * width, hi = (j + 1) * width;
      if (hi > maxAbs)
        hi = maxAbs;
      if (!(lo < hi)) {
        out[nb - 1] += c;
        continue;
      }
      size_t k0 = std::min(nb - 1, size_t(lo / w));
      size_t k1 = std::min(nb - 1, size_t(hi / w));
      if (k0 == k1) {
        out[k0] += c;
        continue;
      }
      double span = hi - lo;
      for (size_t k = k0; k <= k1; ++k) {
        double a = std::max(lo, k * w);
        double b = k == nb - 1 ? hi : std::min(hi, (k + 1) * w);
        if (b > a)
          out[k] += c * (b - a) / span;
      }
    }
    binWidth = w;
    return out;
  }

  double amaxPercentile() const {
    uint64_t total = 0;
    for (uint64_t v : hist)
      total += v;
    double target = opts.percentile / 100.0;
    double cdf = 0;
    size_t idx = hist.size();
    for (size_t i = 0; i < hist.size(); ++i) {
      cdf += double(hist[i]) / double(total);
      if (cdf >= target) {
        idx = i;
        break;
      }
    }
    return idx * width;
  }

  double amaxEntropy() const {
    double w;
    std::vector<double> bins = histogramForSearch(w);
    size_t nq = size_t(1) << (opts.bits - 1);
    size_t n = bins.size();
    if (n < nq)
      return maxAbs;
    if (n >= 2)
      bins[0] = bins[1];
    std::vector<double> tail(n + 1, 0.0); // tail[i] = sum(bins[i:])
    for (size_t j = n; j-- > 0;)
      tail[j] = tail[j + 1] + bins[j];
    std::vector<double> gsum(nq), gcnt(nq);
    double best = std::numeric_limits<double>::infinity();
    size_t bestI = n;
    for (size_t i = nq; i <= n; ++i) {
      std::fill(gsum.begin(), gsum.end(), 0.0);
      std::fill(gcnt.begin(), gcnt.end(), 0.0);
      double sumP = tail[i];
      for (size_t j = 0; j < i; ++j) {
        sumP += bins[j];
        if (bins[j] != 0) {
          size_t g = j * nq / i;
          gsum[g] += bins[j];
          gcnt[g] += 1;
        }
      }
      double sumQ = 0;
      for (size_t g = 0; g < nq; ++g)
        sumQ += gsum[g]; // each group's sum is spread over its members
      double kl = 0;
      for (size_t j = 0; j < i; ++j) {
        double p = bins[j] + (j == i - 1 ? tail[i] : 0.0);
        if (p == 0)
          continue;
        double q = 0;
        if (bins[j] != 0) {
          size_t g = j * nq / i;
          q = gsum[g] / gcnt[g];
        }
        if (q == 0 || sumQ == 0) {
          kl = std::numeric_limits<double>::infinity();
          break;
        }
        double pn = p / sumP, qn = q / sumQ;
        kl += pn * std::log(pn / qn);
      }
      if (kl <= best) { // last argmin
        best = kl;
        bestI = i;
      }
    }
    // The guard (Calibration.h): a range whose clipping costs more than no
    // clipping at all is not used; the MSE-optimal one is.
    double amax = bestI * w;
    std::vector<double> original = histogramForSearch(w);
    if (fakeQuantError(original, w, amax) >
        fakeQuantError(original, w, maxAbs))
      return amaxMse();
    return amax;
  }

  /// sum_j count_j (Q(c_j) - c_j)^2 over the bin centres c_j, Q the
  /// symmetric fake quantization at `bits` with range amax (amaxMse's error).
  double fakeQuantError(const std::vector<double> &bins, double w,
                        double amax) const {
    if (!(amax > 0))
      return std::numeric_limits<double>::infinity();
    double maxb = double((int64_t(1) << (opts.bits - 1)) - 1);
    double scale = maxb / amax, err = 0;
    for (size_t j = 0; j < bins.size(); ++j) {
      if (bins[j] == 0)
        continue;
      double c = (j * w + (j + 1) * w) / 2;
      double q = std::nearbyint(c * scale);
      q = std::min(maxb, std::max(-maxb, q));
      double d = q / scale - c;
      err += d * d * bins[j];
    }
    return err;
  }

  double amaxMse() const {
    double w;
    std::vector<double> bins = histogramForSearch(w);
    size_t start = size_t(1) << (opts.bits - 1);
    size_t n = bins.size();
    if (n <= start)
      return maxAbs;
    double maxb = double((int64_t(1) << (opts.bits - 1)) - 1);
    std::vector<double> centers(n);
    for (size_t j = 0; j < n; ++j)
      centers[j] = (j * w + (j + 1) * w) / 2;
    double best = std::numeric_limits<double>::infinity();
    size_t bestI = n;
    for (size_t i = start; i < n; ++i) {
      double amax = centers[i];
      double scale = maxb / amax;
      double err = 0;
      for (size_t j = 0; j < n; ++j) {
        if (bins[j] == 0)
          continue;
        double q = std::nearbyint(centers[j] * scale);
        q = std::min(maxb, std::max(-maxb, q));
        double d = q / scale - centers[j];
        err += d * d * bins[j];
      }
      if (err < best) { // first argmin
        best = err;
        bestI = i;
      }
    }
    return bestI < n ? centers[bestI] : maxAbs;
  }

  double histogramAmax() const {
    if (width == 0)
      return 0;
    switch (opts.method) {
    case Method::Percentile:
      return amaxPercentile();
    case Method::Entropy:
      return amaxEntropy();
    case Method::Mse:
      return amaxMse();
    default:
      return maxAbs;
    }
  }
};

TensorStats::TensorStats(const Options &options)
    : impl(std::make_unique<Impl>()) {
  impl->opts = options;
}
TensorStats::~TensorStats() = default;
TensorStats::TensorStats(TensorStats &&) noexcept = default;
TensorStats &TensorStats::operator=(TensorStats &&) noexcept = default;

bool TensorStats::observe(const float *data, size_t n, std::string &error) {
  if (n == 0)
    return true;
  float bmin = std::numeric_limits<float>::infinity();
  float bmax = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < n; ++i) {
    float v = data[i];
    if (!std::isfinite(v)) {
      error = llvm::formatv("element {0} is {1}", i,
                            std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf"));
      return false;
    }
    bmin = std::min(bmin, v);
    bmax = std::max(bmax, v);
  }
  Impl &s = *impl;
  if (s.count == 0) {
    s.min = bmin;
    s.max = bmax;
    s.emaMin = bmin;
    s.emaMax = bmax;
  } else {
    s.min = std::min(s.min, double(bmin));
    s.max = std::max(s.max, double(bmax));
    double m = s.opts.momentum;
    s.emaMin = m * s.emaMin + (1 - m) * bmin;
    s.emaMax = m * s.emaMax + (1 - m) * bmax;
  }
  s.count += n;
  s.batches += 1;
  if (isHistogramMethod(s.opts.method)) {
    double batchMaxAbs =
        std::max(std::fabs(double(bmin)), std::fabs(double(bmax)));
    s.maxAbs = std::max(s.maxAbs, batchMaxAbs);
    s.addToHistogram(data, n, batchMaxAbs);
  }
  return true;
}

double TensorStats::amax() const {
  const Impl &s = *impl;
  if (s.count == 0)
    return 0;
  switch (s.opts.method) {
  case Method::MinMax:
    return std::max(std::fabs(s.min), std::fabs(s.max));
  case Method::MovingAverage:
    return std::max(std::fabs(s.emaMin), std::fabs(s.emaMax));
  default:
    return s.histogramAmax();
  }
}

Range TensorStats::range() const {
  const Impl &s = *impl;
  Range r;
  if (s.count == 0)
    return r;
  switch (s.opts.method) {
  case Method::MinMax:
    r = {s.min, s.max};
    break;
  case Method::MovingAverage:
    r = {s.emaMin, s.emaMax};
    break;
  default: {
    double a = s.histogramAmax();
    r = {std::max(s.min, -a), std::min(s.max, a)};
    break;
  }
  }
  r.min = std::min(r.min, 0.0);
  r.max = std::max(r.max, 0.0);
  return r;
}

uint64_t TensorStats::count() const { return impl->count; }
uint64_t TensorStats::batches() const { return impl->batches; }
size_t TensorStats::numHistogramBins() const { return impl->hist.size(); }
double TensorStats::binWidth() const { return impl->width; }

std::pair<double, int64_t> dyad::calib::asymmetricParams(Range range,
                                                         unsigned bits) {
  double lo = std::min(range.min, 0.0), hi = std::max(range.max, 0.0);
  if (lo == 0 && hi == 0)
    return {1.0, 0};
  double qmin = -std::ldexp(1.0, int(bits) - 1);
  double qmax = std::ldexp(1.0, int(bits) - 1) - 1;
  double scale = (hi - lo) / (std::ldexp(1.0, int(bits)) - 1);
  double z = std::nearbyint(qmin - lo / scale);
  z = std::min(qmax, std::max(qmin, z));
  return {scale, int64_t(z)};
}
