//===- Calibrate.cpp - run the float model natively to calibrate ----------===//
#include "dyad/Compiler/Calibrate.h"
#include "dyad/Passes.h"
#include "dyad/Runtime/dyad_runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
using namespace dyad;

namespace {
llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// Removes a file when it goes out of scope.
struct TempFile {
  llvm::SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

struct ModelHandle {
  dyad_model *model = nullptr;
  ~ModelHandle() { dyad_model_free(model); }
};
} // namespace

llvm::Expected<calib::Table>
dyad::calibrate(ModuleOp module, StringRef funcName,
                const CalibrateOptions &options) {
  if (auto err = calib::validateOptions(options.method))
    return std::move(err);
  // 1. An instrumented copy, compiled for this machine.
  OwningOpRef<ModuleOp> copy(module.clone());
  unsigned originalOutputs = 0;
  if (auto f = copy->lookupSymbol<func::FuncOp>(funcName))
    originalOutputs = f.getNumResults();
  PassManager pm(module.getContext());
  DyadInstrumentOptions instrumentOptions;
  instrumentOptions.funcName = funcName.str();
  pm.addPass(createDyadInstrument(instrumentOptions));
  if (failed(pm.run(*copy)))
    return fail("cannot instrument the model for calibration");
  auto signature = readSignature(*copy, funcName);
  if (failed(signature))
    return fail("cannot read the instrumented model's signature");
  TempFile lib;
  if (auto ec = llvm::sys::fs::createTemporaryFile("dyad-calib", "so",
                                                   lib.path))
    return fail("cannot create a temporary file: " + ec.message());
  std::string error;
  if (!buildSharedLibrary(*copy, funcName, options.target, lib.path, error))
    return fail("cannot compile the instrumented model: " + error);

  ModelHandle h;
  char errbuf[512] = {0};
  if (dyad_model_load(lib.path.c_str(), &h.model, errbuf, sizeof errbuf) !=
      DYAD_OK)
    return fail(llvm::Twine("cannot load the instrumented model: ") + errbuf);

  // 2. The data, matched to the model's inputs.
  std::vector<calib::InputSpec> specs;
  for (const TensorSignature &in : signature->inputs) {
    if (in.dtype != DYAD_FLOAT32)
      return fail("input '" + in.name +
                  "' is not float32: calibration feeds float data");
    specs.push_back({in.name, in.shape});
  }
  auto data = calib::DataSource::open(options.dataPath, specs);
  if (!data)
    return data.takeError();
  (*data)->select(options.count, options.seed);
  size_t total = (*data)->numSelected();
  if (total == 0)
    return fail("'" + options.dataPath + "' holds no samples");
  size_t maxBatch = std::max<size_t>(options.batch, 1);
  for (const TensorSignature &in : signature->inputs)
    if (!in.shape.empty() && in.shape[0] >= 0)
      maxBatch = std::min<size_t>(maxBatch, in.shape[0]); // static batch dim

  // 3. Batches through the model into the statistics.
  int nOut = dyad_model_num_outputs(h.model);
  std::vector<calib::TensorStats> stats;
  for (int i = 0; i < nOut; ++i)
    stats.emplace_back(options.method);
  std::vector<std::vector<float>> outBufs(nOut);
  std::vector<dyad_tensor> outs(nOut);
  std::vector<std::vector<float>> inBufs;
  std::vector<std::vector<int64_t>> inShapes;
  size_t done = 0, batchIndex = 0;
  auto start = std::chrono::steady_clock::now();
  while (true) {
    auto more = (*data)->next(maxBatch, inBufs, inShapes);
    if (!more)
      return more.takeError();
    if (!*more)
      break;
    std::vector<dyad_tensor> ins(inBufs.size());
    for (size_t i = 0; i < ins.size(); ++i) {
      ins[i].data = inBufs[i].data();
      ins[i].dtype = DYAD_FLOAT32;
      ins[i].rank = (int32_t)inShapes[i].size();
      for (size_t d = 0; d < inShapes[i].size() && d < DYAD_MAX_RANK; ++d)
        ins[i].shape[d] = inShapes[i][d];
      ins[i].capacity_bytes = inBufs[i].size() * sizeof(float);
    }
    // Outputs are sized by the first run that reports their shape.
    dyad_status st;
    for (int attempt = 0;; ++attempt) {
      for (int i = 0; i < nOut; ++i) {
        outs[i].data = outBufs[i].data();
        outs[i].dtype = dyad_model_output(h.model, i)->dtype;
        outs[i].capacity_bytes = outBufs[i].size() * sizeof(float);
      }
      st = dyad_model_run(h.model, ins.data(), (int)ins.size(), outs.data(),
                          nOut);
      if (st != DYAD_ERR_CAPACITY || attempt > 0)
        break;
      for (int i = 0; i < nOut; ++i) {
        size_t n = 1;
        for (int d = 0; d < outs[i].rank; ++d)
          n *= (size_t)outs[i].shape[d];
        if (n > outBufs[i].size())
          outBufs[i].resize(n);
      }
    }
    const auto &idx = (*data)->batchSampleIndices();
    std::string where = idx.empty() ? std::string()
                                    : (*data)->describeSample(idx.front());
    if (st != DYAD_OK)
      return fail("calibration run failed on the batch starting at " + where +
                  ": " + dyad_model_last_error(h.model));
    for (int i = (int)originalOutputs; i < nOut; ++i) {
      size_t n = 1;
      for (int d = 0; d < outs[i].rank; ++d)
        n *= (size_t)outs[i].shape[d];
      std::string err;
      if (!stats[i].observe(outBufs[i].data(), n, err))
        return fail("tensor '" + std::string(dyad_model_output(h.model, i)->name) +
                    "' on the batch starting at " + where + ": " + err +
                    " (the float model produces non-finite values)");
    }
    done += idx.size();
    ++batchIndex;
    if (options.verbose) {
      double s = std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - start)
                     .count();
      llvm::errs() << llvm::format("calibrate: batch %zu, %zu/%zu samples, "
                                   "%.2f s\n",
                                   batchIndex, done, total, s);
    }
  }

  calib::Table table;
  table.method = calib::methodName(options.method.method).str();
  table.model = options.modelName;
  table.samples = done;
  for (int i = (int)originalOutputs; i < nOut; ++i) {
    calib::TableEntry e;
    calib::Range r = stats[i].range();
    e.min = r.min;
    e.max = r.max;
    e.count = stats[i].count();
    auto [scale, zp] = calib::asymmetricParams(r, options.method.bits);
    e.scale = scale;
    e.zeroPoint = zp;
    table.tensors[dyad_model_output(h.model, i)->name] = e;
  }
  return table;
}
