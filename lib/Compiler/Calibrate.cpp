//===- Calibrate.cpp - run instrumented models natively -------------------===//
//
// Calibration and the quantization report both compile an instrumented copy
// of a graph (dyad-instrument), load it through the runtime and run it on
// the calibration data batch by batch. Nothing keeps activations: memory is
// one batch of inputs and outputs plus per-tensor accumulators.
//
//===----------------------------------------------------------------------===//
#include "dyad/Compiler/Calibrate.h"
#include "dyad/Compiler/MixedPrecision.h"
#include "dyad/Dialect/Dyad/DyadOps.h"
#include "dyad/Transforms/Passes.h"
#include "dyad/Runtime/dyad_runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <random>
#include <cmath>
#include <set>

using namespace mlir;
using namespace dyad;

namespace {
double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
      .count();
}

llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// Tells the caller's progress callback that `e` happened; an error when it
/// asks to stop (returns false), which ends the step.
llvm::Error progressed(const ProgressCallback &progress, ProgressEvent e) {
  if (!progress || progress(e))
    return llvm::Error::success();
  return fail("cancelled during " + e.task + " after " +
              std::to_string(e.done) + " of " + std::to_string(e.total) +
              " " + e.unit);
}

/// A compiled, loaded, instrumented copy of a graph.
class InstrumentedModel {
public:
  ~InstrumentedModel() {
    dyad_model_free(model);
    if (!libPath.empty())
      llvm::sys::fs::remove(libPath);
  }

  /// Instruments a copy of `module` (float activations, or the named
  /// integer tensors of an integerized graph) and compiles and loads it.
  /// With `instrument` false, the copy is compiled as it is.
  llvm::Error load(ModuleOp module, StringRef funcName, bool integer,
                   const TargetOptions &target, bool instrument = true,
                   bool profile = false) {
    OwningOpRef<ModuleOp> copy(module.clone());
    if (auto f = copy->lookupSymbol<func::FuncOp>(funcName))
      originalOutputs = f.getNumResults();
    PassManager pm(module.getContext());
    DyadInstrumentOptions o;
    o.funcName = funcName.str();
    o.integer = integer;
    pm.addPass(createDyadInstrument(o));
    if (instrument && failed(pm.run(*copy)))
      return fail("cannot instrument the model");
    auto sig = readSignature(*copy, funcName);
    if (failed(sig))
      return fail("cannot read the instrumented model's signature");
    signature = *sig;
    if (auto ec = llvm::sys::fs::createTemporaryFile("dyad-instrumented",
                                                     "so", libPath))
      return fail("cannot create a temporary file: " + ec.message());
    if (llvm::Error err =
            buildSharedLibrary(*copy, funcName, target, libPath, profile))
      return fail("cannot compile the instrumented model: " +
                  llvm::toString(std::move(err)));
    char errbuf[512] = {0};
    if (dyad_model_load(libPath.c_str(), &model, errbuf, sizeof errbuf) !=
        DYAD_OK)
      return fail(llvm::Twine("cannot load the instrumented model: ") +
                  errbuf);
    int n = dyad_model_num_outputs(model);
    buffers.assign(n, {});
    outs.assign(n, dyad_tensor{});
    return llvm::Error::success();
  }

  /// Runs one batch; the outputs are then in buffer(i) / count(i).
  llvm::Error run(std::vector<dyad_tensor> &ins) {
    int n = (int)outs.size();
    for (int attempt = 0;; ++attempt) {
      for (int i = 0; i < n; ++i) {
        outs[i].data = buffers[i].data();
        outs[i].dtype = dyad_model_output(model, i)->dtype;
        outs[i].capacity_bytes = buffers[i].size();
      }
      dyad_status st =
          dyad_model_run(model, ins.data(), (int)ins.size(), outs.data(), n);
      if (st == DYAD_OK)
        return llvm::Error::success();
      if (st != DYAD_ERR_CAPACITY || attempt > 0)
        return fail(dyad_model_last_error(model));
      // Outputs are sized by the first run that reports their shapes.
      for (int i = 0; i < n; ++i) {
        size_t bytes = count(i) * dyad_dtype_size(outs[i].dtype);
        if (bytes > buffers[i].size())
          buffers[i].resize(bytes);
      }
    }
  }

  /// Per-kernel seconds of the runs since the last call (a model compiled
  /// with `profile`), by the ONNX node the kernel group is named after.
  std::map<std::string, double> takeProfile() {
    const dyad_profile_entry *entries = nullptr;
    int n = dyad_model_profile(model, &entries, /*reset=*/1);
    std::map<std::string, double> out;
    for (int i = 0; i < n; ++i)
      out[entries[i].node] += entries[i].seconds;
    return out;
  }
  void setThreads(int n) { dyad_model_set_num_threads(model, n); }

  int numOutputs() const { return (int)outs.size(); }
  const char *name(int i) const { return dyad_model_output(model, i)->name; }
  int32_t dtype(int i) const { return outs[i].dtype; }
  const void *buffer(int i) const { return buffers[i].data(); }
  /// The last dim of output i in the last run (1 for a scalar).
  int64_t lastDim(int i) const {
    return outs[i].rank > 0 ? outs[i].shape[outs[i].rank - 1] : 1;
  }
  llvm::ArrayRef<int64_t> shape(int i) const {
    return {outs[i].shape, (size_t)outs[i].rank};
  }
  size_t count(int i) const {
    size_t n = 1;
    for (int d = 0; d < outs[i].rank; ++d)
      n *= (size_t)outs[i].shape[d];
    return n;
  }

  ModelSignature signature;
  unsigned originalOutputs = 0;

private:
  dyad_model *model = nullptr;
  llvm::SmallString<128> libPath;
  std::vector<std::vector<char>> buffers;
  std::vector<dyad_tensor> outs;
};

/// Opens the data for `signature`'s inputs and walks its selected samples.
class Batches {
public:
  llvm::Error open(const ModelSignature &signature,
                   const CalibrateOptions &options, size_t count) {
    std::vector<calib::InputSpec> specs;
    for (const TensorSignature &in : signature.inputs) {
      if (in.dtype != DYAD_FLOAT32)
        return fail("input '" + in.name +
                    "' is not float32: calibration feeds float data");
      calib::InputSpec spec;
      spec.name = in.name;
      spec.shape = in.shape;
      spec.dimParams = in.dimParams;
      specs.push_back(std::move(spec));
    }
    for (const auto &[name, axis] : options.batchAxes) {
      auto it = llvm::find_if(specs, [&, &name = name](
                                         const calib::InputSpec &s) {
        return s.name == name;
      });
      if (it == specs.end()) {
        std::string names;
        for (const calib::InputSpec &s : specs)
          names += (names.empty() ? "'" : ", '") + s.name + "'";
        return fail("--calib-batch-axis " + name + "=" +
                    std::to_string(axis) + ": the model has no input '" +
                    name + "' (its inputs: " + names + ")");
      }
      it->batchAxis = axis;
    }
    auto d = calib::DataSource::open(options.dataPath, specs);
    if (!d)
      return d.takeError();
    data = std::move(*d);
    data->select(count, options.seed);
    if (data->numSelected() == 0)
      return fail("'" + options.dataPath + "' holds no samples");
    if (count > data->numSelected()) {
      std::string text = "warning: " + std::to_string(count) +
                         " calibration samples asked for, '" +
                         options.dataPath + "' holds " +
                         std::to_string(data->numSelected()) +
                         ": using all of them";
      if (options.onWarning)
        options.onWarning(text);
      else
        llvm::errs() << text << "\n";
    }
    maxBatch = std::max<size_t>(options.batch, 1);
    for (size_t k = 0; k < signature.inputs.size(); ++k) {
      const TensorSignature &in = signature.inputs[k];
      int64_t axis = data->batchAxis(k);
      if (in.shape[axis] >= 0) // a static batch
        maxBatch =
            std::min<size_t>(maxBatch, std::max<int64_t>(in.shape[axis], 1));
    }
    return llvm::Error::success();
  }

  /// The next batch as runtime tensors (empty when done).
  llvm::Expected<std::vector<dyad_tensor>> next() {
    auto more = data->next(maxBatch, bufs, shapes);
    if (!more)
      return more.takeError();
    std::vector<dyad_tensor> ins;
    if (!*more)
      return ins;
    ins.resize(bufs.size());
    for (size_t i = 0; i < ins.size(); ++i) {
      ins[i].data = bufs[i].data();
      ins[i].dtype = DYAD_FLOAT32;
      ins[i].rank = (int32_t)shapes[i].size();
      for (size_t d = 0; d < shapes[i].size() && d < DYAD_MAX_RANK; ++d)
        ins[i].shape[d] = shapes[i][d];
      ins[i].capacity_bytes = bufs[i].size() * sizeof(float);
    }
    return ins;
  }

  /// Runs `fn` on every batch in turn.
  llvm::Error
  forEach(llvm::function_ref<llvm::Error(std::vector<dyad_tensor> &)> fn) {
    while (true) {
      auto ins = next();
      if (!ins)
        return ins.takeError();
      if (ins->empty())
        return llvm::Error::success();
      if (auto err = fn(*ins))
        return err;
    }
  }

  /// "file:index" of the batch's first sample.
  std::string where() const {
    const auto &idx = data->batchSampleIndices();
    return idx.empty() ? std::string() : data->describeSample(idx.front());
  }
  size_t batchSize() const { return data->batchSampleIndices().size(); }
  size_t selected() const { return data->numSelected(); }

private:
  std::unique_ptr<calib::DataSource> data;
  size_t maxBatch = 1;
  std::vector<std::vector<float>> bufs;
  std::vector<std::vector<int64_t>> shapes;
};

} // namespace

llvm::Expected<calib::Table>
dyad::calibrate(ModuleOp module, StringRef funcName,
                const CalibrateOptions &options) {
  if (auto err = calib::validateOptions(options.method))
    return std::move(err);
  InstrumentedModel model;
  if (auto err = model.load(module, funcName, /*integer=*/false,
                            options.target))
    return std::move(err);
  Batches batches;
  if (auto err = batches.open(model.signature, options, options.count))
    return std::move(err);

  // The graph's own inputs and outputs keep their full range whatever the
  // method: clipping the logits (entropy, percentile) saturates the top
  // classes into ties and changes the argmax, and the input range is the
  // data's (HAWQ-V3 also keeps the boundary layers at full precision).
  std::set<std::string> boundary;
  for (const TensorSignature &in : model.signature.inputs)
    boundary.insert(in.name);
  for (unsigned i = 0; i < model.originalOutputs; ++i)
    boundary.insert(model.signature.outputs[i].name);
  calib::Options fullRange = options.method;
  fullRange.method = calib::Method::MinMax;
  int nOut = model.numOutputs();
  std::vector<calib::TensorStats> stats;
  for (int i = 0; i < nOut; ++i)
    stats.emplace_back(boundary.count(model.name(i)) ? fullRange
                                                     : options.method);

  // Per-channel sums (dim 1) of the tensors a Conv or Gemm reads, for bias
  // correction.
  std::set<std::string> contractionInputs;
  if (auto f = module.lookupSymbol<func::FuncOp>(funcName))
    f.walk([&](QuantizableOpInterface op) {
      if (auto w = op.getQuantizedWeight();
          w && isa<ConvOp, GemmOp>(op.getOperation()))
        contractionInputs.insert(
            tensorName(op->getOperand(w->dataOperand())));
    });
  std::vector<std::vector<double>> channelSum(nOut);
  std::vector<double> channelCount(nOut, 0.0);
  std::vector<bool> channelValid(nOut, true);

  size_t done = 0, batchIndex = 0;
  auto start = std::chrono::steady_clock::now();
  auto err = batches.forEach([&](std::vector<dyad_tensor> &ins) -> llvm::Error {
    if (auto err = model.run(ins))
      return fail("calibration run failed on the batch starting at " +
                  batches.where() + ": " + llvm::toString(std::move(err)));
    for (int i = (int)model.originalOutputs; i < nOut; ++i) {
      llvm::ArrayRef<int64_t> dims = model.shape(i);
      if (!channelValid[i] || dims.size() < 2 ||
          !contractionInputs.count(model.name(i)))
        continue;
      size_t channels = (size_t)dims[1], inner = 1;
      for (size_t d = 2; d < dims.size(); ++d)
        inner *= (size_t)dims[d];
      std::vector<double> &sum = channelSum[i];
      if (sum.empty())
        sum.assign(channels, 0.0);
      if (sum.size() != channels) { // a channel count that varies: no means
        channelValid[i] = false;
        continue;
      }
      const float *x = (const float *)model.buffer(i);
      size_t n = model.count(i);
      for (size_t k = 0; k < n; ++k)
        sum[(k / inner) % channels] += x[k];
      channelCount[i] += (double)(n / channels);
    }
    for (int i = (int)model.originalOutputs; i < nOut; ++i) {
      std::string err;
      if (!stats[i].observe((const float *)model.buffer(i), model.count(i),
                            err))
        return fail("tensor '" + std::string(model.name(i)) +
                    "' on the batch starting at " + batches.where() + ": " +
                    err + " (the float model produces non-finite values)");
    }
    done += batches.batchSize();
    ++batchIndex;
    if (auto err = progressed(options.progress,
                              {"calibrate", done, batches.selected(),
                               "samples", secondsSince(start)}))
      return err;
    if (options.verbose)
      llvm::errs() << llvm::format(
          "calibrate: batch %zu, %zu/%zu samples, %.2f s\n", batchIndex, done,
          batches.selected(),
          secondsSince(start));
    return llvm::Error::success();
  });
  if (err)
    return std::move(err);

  calib::Table table;
  table.method = calib::methodName(options.method.method).str();
  table.model = options.modelName;
  table.samples = done;
  for (int i = (int)model.originalOutputs; i < nOut; ++i) {
    calib::TableEntry e;
    calib::Range r = stats[i].range();
    e.min = r.min;
    e.max = r.max;
    e.count = stats[i].count();
    auto [scale, zp] = calib::asymmetricParams(r, options.method.bits);
    e.scale = scale;
    e.zeroPoint = zp;
    if (channelValid[i] && channelCount[i] > 0)
      for (double v : channelSum[i])
        e.channelMean.push_back(v / channelCount[i]);
    table.tensors[model.name(i)] = e;
  }
  return table;
}

llvm::Expected<std::map<std::string, double>>
dyad::measureSqnr(ModuleOp floatModule, ModuleOp intModule,
                  StringRef funcName, const CalibrateOptions &options) {
  // Scale and zero point of every named integer tensor.
  std::map<std::string, std::pair<double, int64_t>> params;
  intModule.walk([&](Operation *op) {
    auto name = op->getAttrOfType<StringAttr>("dyad.tensor");
    auto scale = op->getAttrOfType<FloatAttr>("dyad.scale");
    auto zp = op->getAttrOfType<IntegerAttr>("dyad.zero_point");
    if (name && scale && zp)
      params[name.str()] = {scale.getValueAsDouble(), zp.getInt()};
  });
  InstrumentedModel fm, im;
  if (auto err = fm.load(floatModule, funcName, false, options.target))
    return std::move(err);
  if (auto err = im.load(intModule, funcName, true, options.target))
    return std::move(err);
  std::map<std::string, int> floatIndex;
  for (int i = (int)fm.originalOutputs; i < fm.numOutputs(); ++i)
    floatIndex[fm.name(i)] = i;
  Batches batches;
  if (auto err = batches.open(fm.signature, options, options.count))
    return std::move(err);
  std::map<std::string, std::pair<double, double>> acc; // signal, noise
  auto err = batches.forEach([&](std::vector<dyad_tensor> &ins) -> llvm::Error {
    if (auto err = fm.run(ins))
      return err;
    if (auto err = im.run(ins))
      return err;
    for (int i = (int)im.originalOutputs; i < im.numOutputs(); ++i) {
      auto f = floatIndex.find(im.name(i));
      auto p = params.find(im.name(i));
      if (f == floatIndex.end() || p == params.end() ||
          fm.count(f->second) != im.count(i))
        continue;
      const float *x = (const float *)fm.buffer(f->second);
      auto [scale, zp] = p->second;
      auto &[signal, noise] = acc[im.name(i)];
      for (size_t k = 0, n = im.count(i); k < n; ++k) {
        int64_t q;
        switch (im.dtype(i)) {
        case DYAD_INT8: q = ((const int8_t *)im.buffer(i))[k]; break;
        case DYAD_UINT8: q = ((const uint8_t *)im.buffer(i))[k]; break;
        case DYAD_INT16: q = ((const int16_t *)im.buffer(i))[k]; break;
        case DYAD_INT32: q = ((const int32_t *)im.buffer(i))[k]; break;
        default: q = 0; break;
        }
        double xq = (double)(q - zp) * scale;
        signal += (double)x[k] * x[k];
        noise += (xq - x[k]) * (xq - x[k]);
      }
    }
    return llvm::Error::success();
  });
  if (err)
    return std::move(err);
  std::map<std::string, double> sqnr;
  for (auto &[name, sn] : acc)
    sqnr[name] = sn.second > 0 ? 10.0 * std::log10(sn.first / sn.second)
                               : INFINITY;
  return sqnr;
}

namespace {
/// Per-channel symmetric quantization of `w` (channels along `axis`) to
/// `bits`, back in float: the weights dyad-quantize would give the layer
/// (without its bias-driven scale adjustments).
std::vector<float> fakeQuantize(const std::vector<float> &w,
                                ArrayRef<int64_t> shape, int64_t axis,
                                unsigned bits) {
  int64_t channels = shape[axis], inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  double qmax = double((int64_t(1) << (bits - 1)) - 1);
  std::vector<double> amax(channels, 0.0);
  for (size_t i = 0; i < w.size(); ++i) {
    int64_t c = ((int64_t)i / inner) % channels;
    amax[c] = std::max(amax[c], (double)std::fabs(w[i]));
  }
  std::vector<float> out(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    int64_t c = ((int64_t)i / inner) % channels;
    double s = amax[c] / qmax;
    out[i] = s > 0 ? float(std::clamp(std::nearbyint(w[i] / s), -qmax, qmax) *
                           s)
                   : 0.0f;
  }
  return out;
}

/// Whether every row of `last` values in `x` is a probability distribution
/// already (non-negative, summing to 1): a model that ends in Softmax. The
/// KL is then taken on the values themselves; a softmax of probabilities in
/// [0, 1] would be nearly flat and hide every layer's effect.
bool isDistribution(const std::vector<float> &x, size_t last) {
  if (last < 2 || x.size() < last)
    return false;
  for (size_t r = 0; r + last <= x.size(); r += last) {
    double sum = 0;
    for (size_t j = 0; j < last; ++j) {
      if (!(x[r + j] >= 0.0f))
        return false;
      sum += x[r + j];
    }
    if (std::fabs(sum - 1.0) > 1e-3)
      return false;
  }
  return true;
}

/// The logarithms of `n` probabilities, floored at 1e-12 so that a class
/// the variant rounds to 0 costs a large, finite divergence.
void logOf(const float *x, size_t n, std::vector<double> &out) {
  out.resize(n);
  for (size_t i = 0; i < n; ++i)
    out[i] = std::log(std::max((double)x[i], 1e-12));
}

/// Log-softmax of each row of `n` values.
void logSoftmax(const float *x, size_t n, std::vector<double> &out) {
  double m = -INFINITY;
  for (size_t i = 0; i < n; ++i)
    m = std::max(m, (double)x[i]);
  double sum = 0;
  for (size_t i = 0; i < n; ++i)
    sum += std::exp((double)x[i] - m);
  double lse = m + std::log(sum);
  out.resize(n);
  for (size_t i = 0; i < n; ++i)
    out[i] = (double)x[i] - lse;
}

/// KL(reference || variant) of one row of `n` outputs: of the values
/// themselves where they are probabilities (`distribution`), else of their
/// softmax; `p` and `q` are scratch.
double rowKL(const float *reference, const float *variant, size_t n,
             bool distribution, std::vector<double> &p,
             std::vector<double> &q) {
  if (distribution) {
    logOf(reference, n, p);
    logOf(variant, n, q);
  } else {
    logSoftmax(reference, n, p);
    logSoftmax(variant, n, q);
  }
  double d = 0;
  for (size_t j = 0; j < n; ++j)
    d += std::exp(p[j]) * (p[j] - q[j]);
  return std::max(d, 0.0);
}

/// The float model's float outputs on the first `options.count`
/// calibration samples, each output's batches one after another (empty for
/// an output that is not float32).
llvm::Expected<std::vector<std::vector<float>>>
referenceOutputs(ModuleOp floatModule, StringRef funcName,
                 const ModelSignature &signature,
                 const CalibrateOptions &options) {
  InstrumentedModel reference;
  if (auto err = reference.load(floatModule, funcName, /*integer=*/false,
                                options.target, /*instrument=*/false))
    return std::move(err);
  std::vector<std::vector<float>> want(reference.numOutputs());
  Batches batches;
  if (auto err = batches.open(signature, options, options.count))
    return std::move(err);
  if (auto err = batches.forEach([&](std::vector<dyad_tensor> &ins)
                                     -> llvm::Error {
        if (auto err = reference.run(ins))
          return err;
        for (size_t i = 0; i < want.size(); ++i)
          if (reference.dtype(i) == DYAD_FLOAT32) {
            const float *y = static_cast<const float *>(reference.buffer(i));
            want[i].insert(want[i].end(), y, y + reference.count(i));
          }
        return llvm::Error::success();
      }))
    return std::move(err);
  return want;
}
} // namespace

llvm::Expected<std::vector<std::vector<double>>>
dyad::measureWeightSensitivity(ModuleOp floatModule, StringRef funcName,
                               ArrayRef<unsigned> bits,
                               const CalibrateOptions &options,
                               SensitivityMethod method, unsigned probes) {
  probes = std::max(probes, 1u);
  // A copy whose weighted layers read their weights from extra inputs: one
  // compile serves every (layer, bits) variant.
  OwningOpRef<ModuleOp> copy(floatModule.clone());
  auto func = copy->lookupSymbol<func::FuncOp>(funcName);
  if (!func)
    return fail("no function '" + funcName + "'");
  auto original = readSignature(floatModule, funcName);
  if (failed(original))
    return fail("cannot read the model's signature");
  std::vector<Operation *> layers = mp::weightedLayers(*copy, funcName);
  struct Weight {
    std::vector<float> values;
    std::vector<int64_t> shape;
    int64_t axis;
  };
  std::vector<Weight> weights;
  MLIRContext *ctx = copy->getContext();
  for (Operation *op : layers) {
    auto q = cast<QuantizableOpInterface>(op).getQuantizedWeight();
    OpOperand &operand = op->getOpOperand(q->operand);
    DenseElementsAttr attr;
    (void)matchPattern(operand.get(), m_Constant(&attr));
    auto type = cast<RankedTensorType>(attr.getType());
    Weight w;
    w.shape.assign(type.getShape().begin(), type.getShape().end());
    w.axis = q->axis;
    for (APFloat v : attr.getValues<APFloat>())
      w.values.push_back((float)v.convertToDouble());
    weights.push_back(std::move(w));
    unsigned index = func.getNumArguments();
    NamedAttrList argAttrs;
    argAttrs.append("dyad.name",
                    StringAttr::get(ctx, "__weight_" + std::to_string(index)));
    if (failed(func.insertArgument(index, type,
                                   argAttrs.getDictionary(ctx),
                                   operand.get().getLoc())))
      return fail("cannot make the weights of '" + mp::layerName(op) +
                  "' an input");
    operand.set(func.getArgument(index));
  }
  InstrumentedModel model;
  if (auto err = model.load(*copy, funcName, /*integer=*/false, options.target,
                            /*instrument=*/false))
    return std::move(err);
  Batches batches;
  if (auto err = batches.open(*original, options, options.count))
    return std::move(err);

  size_t nl = layers.size(), nb = bits.size();
  std::vector<std::vector<std::vector<float>>> quantized(
      nl, std::vector<std::vector<float>>(nb));
  for (size_t l = 0; l < nl; ++l)
    for (size_t k = 0; k < nb; ++k)
      quantized[l][k] = fakeQuantize(weights[l].values, weights[l].shape,
                                     weights[l].axis, bits[k]);
  std::vector<std::vector<double>> kl(nl, std::vector<double>(nb, 0.0));
  // Hessian traces: a step of 1% of each layer's RMS weight (small enough
  // for the quadratic term to dominate, large enough to stand above fp32
  // rounding of the outputs).
  std::vector<double> trace(nl, 0.0);
  std::vector<float> eps(nl, 0.0f);
  for (size_t l = 0; l < nl; ++l) {
    double ss = 0;
    for (float v : weights[l].values)
      ss += double(v) * v;
    double rms = std::sqrt(ss / std::max<size_t>(weights[l].values.size(), 1));
    eps[l] = float(rms > 0 ? 0.01 * rms : 1e-3);
  }
  size_t rows = 0, batchIndex = 0;
  int nOut = model.numOutputs();
  std::vector<std::vector<float>> reference(nOut);
  // Per output: -1 not decided yet, 1 rows are probabilities, 0 logits.
  std::vector<int> distribution(nOut, -1);
  std::vector<double> p, q;
  auto start = std::chrono::steady_clock::now();
  auto err = batches.forEach([&](std::vector<dyad_tensor> &ins) -> llvm::Error {
    size_t first = ins.size();
    for (size_t l = 0; l < nl; ++l) {
      dyad_tensor t{};
      t.data = weights[l].values.data();
      t.dtype = DYAD_FLOAT32;
      t.rank = (int32_t)weights[l].shape.size();
      for (size_t d = 0; d < weights[l].shape.size(); ++d)
        t.shape[d] = weights[l].shape[d];
      t.capacity_bytes = weights[l].values.size() * sizeof(float);
      ins.push_back(t);
    }
    if (auto err = model.run(ins))
      return fail("sensitivity run failed on the batch starting at " +
                  batches.where() + ": " + llvm::toString(std::move(err)));
    for (int i = 0; i < nOut; ++i) {
      const float *y = (const float *)model.buffer(i);
      reference[i].assign(y, y + model.count(i));
      if (distribution[i] < 0 && model.dtype(i) == DYAD_FLOAT32) {
        const TensorSignature &sig = original->outputs[i];
        size_t last = sig.shape.empty() || sig.shape.back() <= 0
                          ? reference[i].size()
                          : (size_t)sig.shape.back();
        distribution[i] = isDistribution(reference[i], last) ? 1 : 0;
        if (options.verbose)
          llvm::errs() << "sensitivity: output " << i << " is "
                       << (distribution[i] ? "a probability distribution "
                                             "(KL on its values)"
                                           : "logits (KL of their softmax)")
                       << "\n";
      }
    }
    // Runs the model with layer l's weights at `w`; returns the KL of its
    // outputs against the reference, summed over the batch's samples:
    // KL(softmax(reference) || softmax(variant)) along each float output's
    // last axis, averaged over the rows of a sample, summed over outputs.
    // An output whose rows are probabilities already (a final Softmax) is
    // compared as it is: KL(reference || variant).
    auto klOf = [&](size_t l, float *w) -> llvm::Expected<double> {
      ins[first + l].data = w;
      if (auto err = model.run(ins))
        return fail("sensitivity run failed on the batch starting at " +
                    batches.where() + ": " + llvm::toString(std::move(err)));
      double sum = 0;
      for (int i = 0; i < nOut; ++i) {
        if (model.dtype(i) != DYAD_FLOAT32 || model.count(i) == 0)
          continue;
        const TensorSignature &sig = original->outputs[i];
        size_t n = model.count(i);
        size_t last = sig.shape.empty() || sig.shape.back() <= 0
                          ? n
                          : (size_t)sig.shape.back();
        const float *y = (const float *)model.buffer(i);
        for (size_t r = 0; r + last <= n; r += last)
          sum += rowKL(&reference[i][r], y + r, last, distribution[i] == 1, p,
                       q) *
                 (double)batches.batchSize() / (double)(n / last);
      }
      return sum;
    };
    for (size_t l = 0; l < nl; ++l) {
      if (method == SensitivityMethod::KL) {
        for (size_t k = 0; k < nb; ++k) {
          auto d = klOf(l, quantized[l][k].data());
          if (!d)
            return d.takeError();
          kl[l][k] += *d;
        }
      } else {
        // Hutchinson: v^T H v for Rademacher v by central differences of
        // the output KL, which is 0 with zero gradient at the float
        // weights: L(w + eps v) + L(w - eps v) = eps^2 v^T H v + O(eps^4).
        const std::vector<float> &w = weights[l].values;
        std::vector<float> plus(w.size()), minus(w.size());
        for (unsigned r = 0; r < probes; ++r) {
          std::mt19937_64 rng(0x9e3779b97f4a7c15ull * (l + 1) + r);
          for (size_t j = 0; j < w.size(); j += 64) {
            uint64_t bitsR = rng();
            for (size_t b = 0; b < 64 && j + b < w.size(); ++b) {
              float sign = (bitsR >> b) & 1 ? 1.0f : -1.0f;
              plus[j + b] = w[j + b] + eps[l] * sign;
              minus[j + b] = w[j + b] - eps[l] * sign;
            }
          }
          auto a = klOf(l, plus.data());
          if (!a)
            return a.takeError();
          auto b = klOf(l, minus.data());
          if (!b)
            return b.takeError();
          trace[l] += (*a + *b) / (double(eps[l]) * eps[l]) / probes;
        }
      }
      ins[first + l].data = weights[l].values.data();
    }
    rows += batches.batchSize();
    ++batchIndex;
    if (auto err = progressed(options.progress,
                              {"sensitivity", rows, batches.selected(),
                               "samples", secondsSince(start)}))
      return err;
    if (options.verbose)
      llvm::errs() << llvm::format(
          "sensitivity: batch %zu, %zu/%zu samples, %zu layers x %zu widths, "
          "%.2f s\n",
          batchIndex, rows, batches.selected(), nl, nb,
          secondsSince(start));
    return llvm::Error::success();
  });
  if (err)
    return std::move(err);
  for (auto &row : kl)
    for (double &v : row)
      v /= std::max<size_t>(rows, 1);
  if (method == SensitivityMethod::Hessian) {
    // HAWQ-V2/V3: Tr(H_i) / n_i * ||Q_k(W_i) - W_i||^2.
    for (size_t l = 0; l < nl; ++l) {
      double t = trace[l] / std::max<size_t>(rows, 1);
      size_t n = weights[l].values.size();
      for (size_t k = 0; k < nb; ++k) {
        double err = 0;
        for (size_t j = 0; j < n; ++j) {
          double d = double(quantized[l][k][j]) - weights[l].values[j];
          err += d * d;
        }
        kl[l][k] = std::max(t, 0.0) / std::max<size_t>(n, 1) * err;
      }
    }
  }
  return kl;
}

/// `floatModule` with layer i of mp::weightedLayers at `bits(i)` weight
/// bits and reading its input at `inputBits(i)` bits (none: the module's
/// or the pass option's), quantized and integerized.
static llvm::Expected<OwningOpRef<ModuleOp>>
quantizedCopy(ModuleOp floatModule, StringRef funcName,
              llvm::function_ref<std::optional<unsigned>(size_t, Operation *)>
                  bits,
              const QuantizePipelineOptions &pipeline,
              llvm::function_ref<std::optional<unsigned>(size_t)> inputBits =
                  nullptr) {
  OwningOpRef<ModuleOp> copy(floatModule.clone());
  std::vector<Operation *> layers = mp::weightedLayers(*copy, funcName);
  Builder b(copy->getContext());
  for (size_t i = 0; i < layers.size(); ++i) {
    if (std::optional<unsigned> k = bits(i, layers[i]))
      layers[i]->setAttr(kWeightBitsAttr, b.getI64IntegerAttr(*k));
    if (inputBits)
      if (std::optional<unsigned> k = inputBits(i))
        layers[i]->setAttr(kInputBitsAttr, b.getI64IntegerAttr(*k));
  }
  PassManager pm(copy->getContext());
  buildFoldCalibrationPipeline(pm, pipeline);
  buildIntegerizePipeline(pm, pipeline);
  // The first error is the message (not printed: the caller decides).
  std::string first;
  ScopedDiagnosticHandler handler(copy->getContext(), [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && first.empty())
      first = d.str();
    return success();
  });
  if (failed(pm.run(*copy)))
    return fail("cannot quantize the model with the widths chosen" +
                (first.empty() ? std::string() : ": " + first));
  return std::move(copy);
}

llvm::Expected<std::vector<std::vector<double>>>
dyad::measureInputSensitivity(ModuleOp floatModule, StringRef funcName,
                              const std::vector<std::vector<size_t>> &groups,
                              ArrayRef<unsigned> bits,
                              const QuantizePipelineOptions &pipeline,
                              const CalibrateOptions &options) {
  auto original = readSignature(floatModule, funcName);
  if (failed(original))
    return fail("cannot read the model's signature");
  // The float model's outputs on every sample, once; each output's rows
  // (its last axis) are probabilities or logits.
  auto reference = referenceOutputs(floatModule, funcName, *original, options);
  if (!reference)
    return reference.takeError();
  std::vector<std::vector<float>> &want = *reference;
  int nOut = (int)want.size();
  std::vector<size_t> last(nOut, 0);
  std::vector<bool> distribution(nOut, false);
  for (int i = 0; i < nOut; ++i) {
    const TensorSignature &sig = original->outputs[i];
    last[i] = sig.shape.empty() || sig.shape.back() <= 0
                  ? want[i].size()
                  : (size_t)sig.shape.back();
    distribution[i] = isDistribution(want[i], last[i]);
  }
  // The summed KL of a quantized copy's outputs against the float ones,
  // averaged per sample.
  size_t samples = 0;
  std::vector<double> p, q;
  auto klOf = [&](ModuleOp quantized) -> llvm::Expected<double> {
    InstrumentedModel model;
    if (auto err = model.load(quantized, funcName, /*integer=*/true,
                              options.target, /*instrument=*/false))
      return std::move(err);
    Batches batches;
    if (auto err = batches.open(*original, options, options.count))
      return std::move(err);
    std::vector<size_t> at(nOut, 0);
    double sum = 0;
    samples = 0;
    if (auto err = batches.forEach([&](std::vector<dyad_tensor> &ins)
                                       -> llvm::Error {
          if (auto err = model.run(ins))
            return err;
          for (int i = 0; i < nOut; ++i) {
            if (want[i].empty() || model.dtype(i) != DYAD_FLOAT32)
              continue;
            const float *y = static_cast<const float *>(model.buffer(i));
            size_t n = model.count(i);
            if (at[i] + n > want[i].size() || last[i] == 0)
              return fail("the quantized model's outputs differ in shape");
            for (size_t r = 0; r + last[i] <= n; r += last[i])
              sum += rowKL(want[i].data() + at[i] + r, y + r, last[i],
                           distribution[i], p, q) *
                     (double)batches.batchSize() / (double)(n / last[i]);
            at[i] += n;
          }
          samples += batches.batchSize();
          return llvm::Error::success();
        }))
      return std::move(err);
    return sum / std::max<size_t>(samples, 1);
  };
  size_t total = 1, done = 0;
  for (unsigned k : bits)
    total += k != pipeline.activationBits ? groups.size() : 0;
  auto start = std::chrono::steady_clock::now();
  auto measure = [&](std::optional<size_t> group,
                     unsigned k) -> llvm::Expected<double> {
    std::vector<bool> in(mp::weightedLayers(floatModule, funcName).size());
    if (group)
      for (size_t l : groups[*group])
        in[l] = true;
    auto copy = quantizedCopy(
        floatModule, funcName,
        [](size_t, Operation *) -> std::optional<unsigned> {
          return std::nullopt;
        },
        pipeline,
        [&](size_t l) -> std::optional<unsigned> {
          if (l < in.size() && in[l])
            return k;
          return std::nullopt;
        });
    if (!copy)
      return copy.takeError();
    auto kl = klOf(**copy);
    if (!kl)
      return kl.takeError();
    ++done;
    if (auto err = progressed(options.progress,
                              {"activation sensitivity", done, total,
                               "settings", secondsSince(start)}))
      return std::move(err);
    if (options.verbose)
      llvm::errs() << llvm::format(
          "dyadc: activation sensitivity %zu/%zu: output KL %.4g (%.1f s)\n",
          done, total, *kl, secondsSince(start));
    return *kl;
  };
  auto base = measure(std::nullopt, pipeline.activationBits);
  if (!base)
    return base.takeError();
  std::vector<std::vector<double>> out(groups.size(),
                                       std::vector<double>(bits.size(), 0.0));
  for (size_t g = 0; g < groups.size(); ++g)
    for (size_t k = 0; k < bits.size(); ++k) {
      if (bits[k] == pipeline.activationBits)
        continue;
      auto kl = measure(g, bits[k]);
      if (kl) {
        out[g][k] = *kl - *base;
        continue;
      }
      // A width the graph cannot take there (an op after the activation
      // with no integer form at it): not a choice, NaN.
      std::string why = llvm::toString(kl.takeError());
      if (!StringRef(why).starts_with("cannot quantize"))
        return fail(why);
      out[g][k] = NAN;
      if (options.verbose)
        llvm::errs() << "dyadc: activation group " << g << " at " << bits[k]
                     << " bits: " << why << "\n";
    }
  return out;
}

llvm::Expected<LayerLatencies>
dyad::measureLayerLatency(ModuleOp floatModule, StringRef funcName,
                          ArrayRef<unsigned> bits,
                          const QuantizePipelineOptions &pipeline,
                          const CalibrateOptions &options, size_t batch,
                          unsigned threads) {
  auto original = readSignature(floatModule, funcName);
  if (failed(original))
    return fail("cannot read the model's signature");
  size_t nl = mp::weightedLayers(floatModule, funcName).size();
  LayerLatencies out;
  out.layer.assign(nl, std::vector<double>(bits.size(), 0.0));
  out.total.assign(bits.size(), 0.0);
  // One batch of real samples, the same for every width.
  CalibrateOptions o = options;
  o.batch = std::max<size_t>(batch, 1);
  Batches batches;
  if (auto err = batches.open(*original, o, o.batch))
    return std::move(err);
  auto ins = batches.next();
  if (!ins)
    return ins.takeError();
  auto start = std::chrono::steady_clock::now();
  for (size_t k = 0; k < bits.size(); ++k) {
    // (The names before quantizing, which rewrites the ops.)
    std::vector<std::string> names;
    auto copy = quantizedCopy(
        floatModule, funcName,
        [&](size_t, Operation *op) -> std::optional<unsigned> {
          names.push_back(mp::layerName(op));
          SmallVector<unsigned> supported =
              cast<QuantizableOpInterface>(op).getWeightBitWidths();
          if (supported.empty() || llvm::is_contained(supported, bits[k]))
            return bits[k];
          return std::nullopt;
        },
        pipeline);
    if (!copy)
      return copy.takeError();
    InstrumentedModel model;
    if (auto err = model.load(**copy, funcName, /*integer=*/true,
                              options.target, /*instrument=*/false,
                              /*profile=*/true))
      return std::move(err);
    // The kernels run one after another, each on `threads` threads, so the
    // per-layer sums are a run's time. Rounds of at least 20 ms after a
    // warm-up; per kernel (and for the whole run) the smallest mean over 5
    // rounds, the least disturbed by the machine.
    model.setThreads(std::max(1u, threads));
    auto clock = [] { return std::chrono::steady_clock::now(); };
    size_t perRound = 1;
    for (auto t0 = clock(); secondsSince(t0) < 0.1; ++perRound)
      if (auto err = model.run(*ins))
        return std::move(err);
    std::map<std::string, double> best;
    double bestTotal = INFINITY;
    for (int round = 0; round < 5; ++round) {
      (void)model.takeProfile();
      auto t0 = clock();
      for (size_t r = 0; r < perRound; ++r)
        if (auto err = model.run(*ins))
          return std::move(err);
      bestTotal = std::min(bestTotal, secondsSince(t0) / perRound);
      for (auto &[node, s] : model.takeProfile()) {
        auto [it, first] = best.insert({node, s / perRound});
        if (!first)
          it->second = std::min(it->second, s / perRound);
      }
    }
    out.total[k] = bestTotal;
    for (size_t i = 0; i < names.size() && i < nl; ++i) {
      auto it = best.find(names[i]);
      out.layer[i][k] = it == best.end() ? 0.0 : it->second;
    }
    if (auto err = progressed(options.progress,
                              {"latency", k + 1, bits.size(), "widths",
                               secondsSince(start)}))
      return std::move(err);
    if (options.verbose)
      llvm::errs() << llvm::format(
          "dyadc: latency at %u bits: %.4g ms per run of %zu samples "
          "(%.1f s)\n",
          bits[k], 1e3 * bestTotal, o.batch, secondsSince(start));
  }
  return out;
}

llvm::Expected<std::vector<AssignmentQuality>>
dyad::measureAssignments(ModuleOp floatModule, StringRef funcName,
                         const std::vector<std::vector<unsigned>> &assignments,
                         const QuantizePipelineOptions &pipeline,
                         const CalibrateOptions &options) {
  auto original = readSignature(floatModule, funcName);
  if (failed(original))
    return fail("cannot read the model's signature");
  // The float model's first output on every sample, once.
  auto reference = referenceOutputs(floatModule, funcName, *original, options);
  if (!reference)
    return reference.takeError();
  if (reference->empty())
    return fail("the model has no output");
  if ((*reference)[0].empty())
    return fail("the model's first output is not float32");
  std::vector<float> want = std::move((*reference)[0]);
  std::vector<AssignmentQuality> out;
  auto start = std::chrono::steady_clock::now();
  for (const std::vector<unsigned> &bits : assignments) {
    if (mp::weightedLayers(floatModule, funcName).size() != bits.size())
      return fail("an assignment does not match the model's layers");
    auto copy = quantizedCopy(
        floatModule, funcName,
        [&](size_t i, Operation *) -> std::optional<unsigned> {
          return bits[i];
        },
        pipeline);
    if (!copy)
      return copy.takeError();
    InstrumentedModel model;
    if (auto err = model.load(**copy, funcName, /*integer=*/true,
                              options.target, /*instrument=*/false))
      return std::move(err);
    Batches batches;
    if (auto err = batches.open(*original, options, options.count))
      return std::move(err);
    size_t at = 0, same = 0, rows = 0;
    double signal = 0, noise = 0;
    if (auto err = batches.forEach([&](std::vector<dyad_tensor> &ins)
                                       -> llvm::Error {
      if (auto err = model.run(ins))
        return err;
      if (model.dtype(0) != DYAD_FLOAT32)
        return fail("the quantized model's first output is not float32");
      const float *y = static_cast<const float *>(model.buffer(0));
      size_t n = model.count(0);
      int64_t last = model.lastDim(0);
      if (at + n > want.size() || last < 1)
        return fail("the quantized model's output differs in shape");
      for (size_t r = 0; r + last <= n; r += last) {
        const float *w = want.data() + at + r, *g = y + r;
        same += std::max_element(w, w + last) - w ==
                std::max_element(g, g + last) - g;
        ++rows;
      }
      for (size_t i = 0; i < n; ++i) {
        double d = double(y[i]) - want[at + i];
        signal += double(want[at + i]) * want[at + i];
        noise += d * d;
      }
      at += n;
      return llvm::Error::success();
    }))
      return std::move(err);
    AssignmentQuality q;
    q.top1Agreement = rows ? double(same) / rows : 0;
    q.outputSqnrDb = noise > 0 ? 10 * std::log10(signal / noise) : INFINITY;
    out.push_back(q);
    if (auto err = progressed(options.progress,
                              {"pareto", out.size(), assignments.size(),
                               "points", secondsSince(start)}))
      return std::move(err);
    if (options.verbose)
      llvm::errs() << llvm::format(
          "dyadc: pareto point %zu/%zu: top-1 agreement %.4f, output SQNR "
          "%.1f dB (%.1f s)\n",
          out.size(), assignments.size(), q.top1Agreement, q.outputSqnrDb,
          secondsSince(start));
  }
  return out;
}
