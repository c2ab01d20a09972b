//===- Compile.cpp - dyad::compile, the phases in order -------------------===//
#include "dyad/Compiler/Compile.h"
#include "dyad/Codegen/GPU/Target.h"
#include "dyad/Import/QdqExport.h"
#include "dyad/Compiler/MixedPrecision.h"
#include "dyad/Compiler/Calibrate.h"
#include "dyad/Compiler/Pipelines.h"
#include "dyad/Compiler/Report.h"
#include "dyad/Codegen/CPU/Passes.h"
#include "../Transforms/QuantUtils.h"
#include "dyad/Dialect/Dyad/DyadOps.h"
#include "dyad/Support/Diagnostics.h"
#include "dyad/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>
#include <numeric>
#include <set>

using namespace mlir;
using namespace dyad;
using llvm::SmallString;
using llvm::StringRef;

char CompileError::ID = 0;

StringRef dyad::phaseName(Phase phase) {
  switch (phase) {
  case Phase::Import: return "import";
  case Phase::Simplify: return "simplify";
  case Phase::Calibrate: return "calibrate";
  case Phase::MixedPrecision: return "mixed-precision";
  case Phase::Quantize: return "quantize";
  case Phase::Report: return "report";
  case Phase::Lower: return "lower";
  case Phase::Translate: return "translate";
  case Phase::Object: return "object";
  case Phase::Link: return "link";
  }
  return "compile";
}

void CompileError::log(llvm::raw_ostream &os) const {
  bool first = true;
  for (const std::string &d : diagnostics) {
    os << (first ? "" : "\n") << d;
    first = false;
  }
  if (!message.empty())
    os << (first ? "" : "\n") << message;
  else if (first)
    os << phaseName(phase) << " failed";
}

std::error_code CompileError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

std::string dyad::defaultOutput(const CompileOptions &options) {
  SmallString<128> path(llvm::sys::path::filename(options.input));
  llvm::sys::path::replace_extension(path, "");
  switch (options.emit) {
  case EmitKind::Dyad: return (path + ".dyad.mlir").str();
  case EmitKind::Mlir: return (path + ".llvm.mlir").str();
  case EmitKind::Llvm: return (path + ".ll").str();
  case EmitKind::Obj: return (path + ".o").str();
  case EmitKind::Lib: return (path + ".so").str();
  case EmitKind::OnnxQdq: return (path + ".qdq.onnx").str();
  }
  return "a.out";
}

static std::string threadsText(unsigned n) {
  return std::to_string(n) + (n == 1 ? " thread" : " threads");
}

namespace {
/// One compilation: the context, the diagnostics it collected, and the
/// phases run so far.
class Compilation {
public:
  explicit Compilation(const CompileOptions &options)
      : options(options), context(makeRegistry()) {
    // Diagnostics point at ONNX nodes; the op dump MLIR appends is noise.
    context.printOpOnDiagnostic(false);
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &diag) {
          std::string text = formatDiagnostic(diag);
          if (diag.getSeverity() == DiagnosticSeverity::Error)
            errors.push_back(text);
          if (this->options.onDiagnostic)
            this->options.onDiagnostic(diag.getSeverity(), text);
          return success();
        });
  }

  /// A message of the compiler itself (not at an op): to `onDiagnostic`
  /// when the caller gave one (the Python package collects them), else to
  /// stderr.
  void say(DiagnosticSeverity severity, llvm::StringRef text) const {
    text = text.rtrim('\n');
    if (options.onDiagnostic)
      options.onDiagnostic(severity, text);
    else
      llvm::errs() << text << "\n";
  }

  llvm::Expected<CompileResult> run();

  /// Warnings about the calibration data already said.
  mutable std::set<std::string> dataWarnings;

private:
  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    registerAllDialects(registry);
    return registry;
  }

  /// The error of a failed phase: its diagnostics and `message`.
  llvm::Error fail(Phase phase, std::string message = "") {
    return llvm::make_error<CompileError>(phase, std::move(message),
                                          std::move(errors));
  }
  llvm::Error fail(Phase phase, llvm::Error err) {
    return fail(phase, llvm::toString(std::move(err)));
  }

  /// Runs `fn` (returning llvm::Error) as phase `phase` with `title`.
  template <typename Fn>
  llvm::Error phase(Phase phase, const std::string &title, Fn &&fn) {
    PhaseEvent event{phase, title, ++step, totalSteps};
    if (options.onPhase)
      options.onPhase(event);
    auto start = std::chrono::steady_clock::now();
    llvm::Error err = fn();
    event.finished = true;
    event.ok = !err;
    event.seconds = std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    if (options.onPhase)
      options.onPhase(event);
    return err;
  }

  /// A pass manager set up by the caller's hook.
  llvm::Expected<std::unique_ptr<PassManager>> passManager(Phase p) {
    auto pm = std::make_unique<PassManager>(&context);
    if (options.configurePassManager &&
        failed(options.configurePassManager(*pm)))
      return fail(p, "cannot configure the pass manager");
    return std::move(pm);
  }
  llvm::Error runPasses(Phase p,
                        llvm::function_ref<void(OpPassManager &)> build) {
    auto pm = passManager(p);
    if (!pm)
      return pm.takeError();
    build(**pm);
    if (failed((*pm)->run(*module)))
      return fail(p);
    return llvm::Error::success();
  }

  llvm::Error writeText(Phase p, StringRef path,
                        llvm::function_ref<void(llvm::raw_ostream &)> fn) {
    std::string error;
    auto out = openOutputFile(path, &error);
    if (!out)
      return fail(p, error);
    fn(out->os());
    out->keep();
    return llvm::Error::success();
  }

  /// How the model runs on the calibration data (calibration and the
  /// report's SQNR use the same samples).
  CalibrateOptions calibrationRun() const {
    CalibrateOptions o;
    o.dataPath = options.quant.calibrationData;
    o.count = options.quant.count;
    o.seed = options.quant.seed;
    o.batch = options.quant.batch;
    o.batchAxes = options.quant.batchAxes;
    // These runs execute on this machine, whatever CPU the artifact is for
    // (--mcpu=sapphirerapids on a Zen 4 must still calibrate): the host's
    // code, at the artifact's optimization level and weight storage.
    // Latency budgets time the layers on the artifact's own target instead
    // (the latency budget's measurement sets its own).
    o.target = options.target;
    o.target.target = "host";
    o.target.cpu.clear();
    o.target.features.clear();
    o.progress = options.onProgress;
    // Each run on the calibration data (calibration, SQNR, sensitivity,
    // latency) opens it again: a warning about it is said once.
    o.onWarning = [this](llvm::StringRef text) {
      if (dataWarnings.insert(text.str()).second)
        say(DiagnosticSeverity::Warning, text);
    };
    return o;
  }

  llvm::Error importModel();
  llvm::Error quantizeModel();
  llvm::Error setLayerBits();
  llvm::Error assignWidths();
  QuantizePipelineOptions quantizePipeline() const;
  llvm::Error writeReport(ModuleOp floatModule, ModuleOp qdqModule);

  const CompileOptions &options;
  MLIRContext context;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::vector<std::string> errors;
  OwningOpRef<ModuleOp> module;
  std::string output, tablePath;
  unsigned step = 0, totalSteps = 0;
};
} // namespace

llvm::Error Compilation::importModel() {
  return phase(Phase::Import, "import", [&]() -> llvm::Error {
    if (StringRef(options.input).ends_with(".mlir")) {
      auto buf = llvm::MemoryBuffer::getFileOrSTDIN(options.input);
      if (!buf)
        return fail(Phase::Import, "cannot read '" + options.input + "'");
      llvm::SourceMgr sourceMgr;
      sourceMgr.AddNewSourceBuffer(std::move(*buf), llvm::SMLoc());
      module = parseSourceFile<ModuleOp>(sourceMgr, &context);
    } else {
      ImportOptions importOptions = options.import;
      // Calibration tables are keyed by ONNX tensor names.
      importOptions.tensorNames |=
          options.quantize || !options.quant.calibrationData.empty();
      module = importOnnxFile(options.input, &context, importOptions);
    }
    if (!module || failed(verify(*module)))
      return fail(Phase::Import);
    return llvm::Error::success();
  });
}

/// Calibrate (or read a table), fold it into quant types, integerize, verify
/// (buildQuantizePipeline, in two halves so the report can keep the graph
/// between them).
llvm::Error Compilation::quantizeModel() {
  const QuantizeOptions &q = options.quant;
  const std::string &funcName = options.import.funcName;
  tablePath = q.table;
  if (!q.calibrationData.empty()) {
    if (tablePath.empty()) {
      // Next to the output; next to the model when writing to stdout.
      SmallString<128> p(output == "-" ? StringRef(options.input)
                                       : StringRef(output));
      llvm::sys::path::replace_extension(p, "calib.json");
      tablePath = std::string(p);
    }
    if (q.batch == 0)
      return fail(Phase::Calibrate, "--calib-batch must be at least 1");
    if (llvm::Error err = phase(
            Phase::Calibrate, "calibrate on " + q.calibrationData,
            [&]() -> llvm::Error {
              CalibrateOptions o = calibrationRun();
              o.method = q.method;
              o.method.bits = q.activationBits;
              o.verbose = options.verbose;
              o.modelName =
                  std::string(llvm::sys::path::filename(options.input));
              auto table = calibrate(*module, funcName, o);
              // The calibration errors name the data file themselves.
              if (!table)
                return fail(Phase::Calibrate, table.takeError());
              if (auto err = calib::writeTable(*table, tablePath))
                return fail(Phase::Calibrate, std::move(err));
              return llvm::Error::success();
            }))
      return err;
  }

  if (llvm::Error err = setLayerBits())
    return err;
  if (q.mixedPrecision)
    if (llvm::Error err = assignWidths())
      return err;

  QuantizePipelineOptions pipeline = quantizePipeline();
  OwningOpRef<ModuleOp> floatCopy, qdqCopy;
  bool report = !q.reportPath.empty();
  if (llvm::Error err = phase(Phase::Quantize, "quantize",
                              [&]() -> llvm::Error {
    bool hasQdq = false;
    module->walk([&](QuantizeOp) { hasQdq = true; });
    if (tablePath.empty() && !hasQdq)
      return fail(Phase::Quantize,
                  "--quantize needs --calibrate DATA or --calib-table FILE "
                  "(the model carries no quantization parameters)");
    if (report)
      floatCopy = module->clone();
    if (llvm::Error err = runPasses(Phase::Quantize, [&](OpPassManager &pm) {
          buildFoldCalibrationPipeline(pm, pipeline);
        }))
      return err;
    if (options.emit == EmitKind::OnnxQdq) {
      // The calibrated graph's decisions, written back into the ONNX model;
      // no integer graph is needed.
      if (llvm::Error err = exportOnnxQdq(options.input, options.import,
                                          *module, options.import.funcName,
                                          output))
        return fail(Phase::Quantize, std::move(err));
      return llvm::Error::success();
    }
    if (report)
      qdqCopy = module->clone();
    return runPasses(Phase::Quantize, [&](OpPassManager &pm) {
      buildIntegerizePipeline(pm, pipeline);
    });
  }))
    return err;
  if (!report)
    return llvm::Error::success();
  return phase(Phase::Report, "report " + q.reportPath, [&] {
    return writeReport(*floatCopy, *qdqCopy);
  });
}

/// The quantization pipeline's options for this compilation (its table).
QuantizePipelineOptions Compilation::quantizePipeline() const {
  const QuantizeOptions &q = options.quant;
  QuantizePipelineOptions pipeline;
  pipeline.table = tablePath;
  pipeline.weightBits = q.weightBits;
  pipeline.activationBits = q.activationBits;
  pipeline.biasCorrection = q.biasCorrection;
  pipeline.verify = q.verifyIntegerOnly;
  pipeline.allowFloatOps = q.allowFloatOps;
  return pipeline;
}

/// --layer-bits: the widths of single layers, as the attributes
/// dyad-quantize reads.
llvm::Error Compilation::setLayerBits() {
  const QuantizeOptions &q = options.quant;
  if (q.layerBits.empty())
    return llvm::Error::success();
  std::vector<Operation *> ops =
      mp::weightedLayers(*module, options.import.funcName);
  Builder b(&context);
  for (const std::string &spec : q.layerBits) {
    auto bad = [&](const llvm::Twine &why) {
      return fail(Phase::Quantize, ("--layer-bits " + spec + ": " + why).str());
    };
    StringRef node = StringRef(spec).rsplit('=').first.trim();
    StringRef widths = StringRef(spec).rsplit('=').second.trim();
    auto it = llvm::find_if(
        ops, [&](Operation *op) { return mp::layerName(op) == node; });
    if (it == ops.end())
      return bad("no weighted layer '" + node + "'");
    if (widths.empty())
      return bad("expected NODE=wKaK (weight and activation bits: w16a16, "
                 "w4, a16)");
    while (!widths.empty()) {
      char kind = widths.front();
      widths = widths.drop_front();
      size_t digits = widths.find_if_not(llvm::isDigit);
      unsigned k = 0;
      if ((kind != 'w' && kind != 'a') || digits == 0 ||
          widths.take_front(digits).getAsInteger(10, k))
        return bad("expected NODE=wKaK (weight and activation bits: "
                   "w16a16, w4, a16)");
      if (k < 2 || k > 16)
        return bad(llvm::Twine(kind == 'w' ? "weight" : "activation") +
                   " bits must be in 2..16, not " + llvm::Twine(k));
      widths = widths.drop_front(digits);
      (*it)->setAttr(kind == 'w' ? kWeightBitsAttr : kInputBitsAttr,
                     b.getI64IntegerAttr(k));
    }
  }
  return llvm::Error::success();
}

llvm::Error Compilation::assignWidths() {
  const QuantizeOptions &q = options.quant;
  return phase(Phase::MixedPrecision, "mixed precision", [&]() -> llvm::Error {
    auto failMp = [&](const llvm::Twine &msg) {
      return fail(Phase::MixedPrecision, msg.str());
    };
    if (q.budget.empty())
      return failMp("--mixed-precision needs --budget (size=F, bops=F, "
                    "latency=F)");
    auto budgetSpec = mp::parseBudget(q.budget);
    if (!budgetSpec)
      return failMp(llvm::toString(budgetSpec.takeError()));
    std::vector<unsigned> bits = q.mixedBits;
    llvm::sort(bits);
    bits.erase(std::unique(bits.begin(), bits.end()), bits.end());
    if (bits.empty() || bits.front() < 2 || bits.back() > 8)
      return failMp("--mixed-bits: widths must be in 2..8");
    // Activation widths: chosen too where --mixed-activation-bits offers
    // more than the model's own.
    std::vector<unsigned> abits = q.mixedActivationBits;
    llvm::sort(abits);
    abits.erase(std::unique(abits.begin(), abits.end()), abits.end());
    if (!abits.empty() && (abits.front() < 2 || abits.back() > 16))
      return failMp("--mixed-activation-bits: widths must be in 2..16");
    bool chooseInputs =
        !abits.empty() && !(abits.size() == 1 && abits[0] == q.activationBits);
    if (!chooseInputs)
      abits = {q.activationBits};
    if (chooseInputs) {
      bool bops = false, latency = false;
      for (const auto &b : *budgetSpec) {
        bops |= b.first == mp::BudgetKind::Bops;
        latency |= b.first == mp::BudgetKind::Latency;
      }
      if (!bops)
        return failMp("--mixed-activation-bits needs a bops= budget: "
                      "activation widths change no weight byte, so under "
                      "a size budget alone every activation would take the "
                      "widest");
      if (latency)
        return failMp("--mixed-activation-bits with a latency budget: the "
                      "layers are timed at the model's activation width "
                      "only (not yet per activation width)");
    }
    const std::string &funcName = options.import.funcName;
    std::vector<Operation *> ops = mp::weightedLayers(*module, funcName);
    if (ops.empty())
      return failMp("the model has no layer with constant weights");
    // Pins.
    std::set<size_t> pinned;
    for (const std::string &k : q.keep8bit) {
      bool found = false;
      for (size_t i = 0; i < ops.size(); ++i)
        if ((k == "first" && i == 0) || (k == "last" && i + 1 == ops.size()) ||
            mp::layerName(ops[i]) == k) {
          pinned.insert(i);
          found = true;
        }
      if (!found)
        return failMp("--keep-8bit: no weighted layer '" + k + "'");
    }
    // Ties: layers given one width, as groups of a union-find. Layers
    // reading the same weight tensor always share one (it is quantized
    // and stored once); --tie shared-input joins layers reading the same
    // activation, --tie A+B the named nodes.
    std::vector<size_t> parent(ops.size());
    std::iota(parent.begin(), parent.end(), 0);
    std::vector<std::string> tiedWhy(ops.size());
    auto root = [&](size_t i) {
      while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
      return i;
    };
    // `why(other)`: how a layer came to be tied to `other`.
    auto tieLayers = [&](size_t a, size_t b,
                         llvm::function_ref<std::string(size_t)> why) {
      if (tiedWhy[a].empty())
        tiedWhy[a] = why(b);
      if (tiedWhy[b].empty())
        tiedWhy[b] = why(a);
      parent[root(b)] = root(a);
    };
    // A weight tensor read by several layers is stored once: its bytes are
    // counted for the first reader only.
    std::vector<bool> weightCounted(ops.size(), true);
    bool sharedInput = false;
    for (const std::string &t : q.tie) {
      StringRef spec = StringRef(t).trim();
      if (spec == "shared-input") {
        sharedInput = true;
        continue;
      }
      SmallVector<StringRef> names;
      spec.split(names, '+', -1, /*KeepEmpty=*/false);
      if (names.size() < 2)
        return failMp("--tie: '" + t + "' is neither shared-input nor a "
                      "group of ONNX node names joined by + (A+B)");
      std::optional<size_t> first;
      for (StringRef name : names) {
        auto it = llvm::find_if(ops, [&](Operation *op) {
          return mp::layerName(op) == name.trim();
        });
        if (it == ops.end())
          return failMp("--tie: no weighted layer '" + name.trim() + "'");
        size_t i = it - ops.begin();
        if (first)
          tieLayers(*first, i, [&](size_t) { return "--tie " + spec.str(); });
        first = first.value_or(i);
      }
    }
    {
      llvm::DenseMap<Value, size_t> byWeight, byInput;
      for (size_t i = 0; i < ops.size(); ++i) {
        auto w = *cast<QuantizableOpInterface>(ops[i]).getQuantizedWeight();
        auto [wi, newWeight] =
            byWeight.insert({ops[i]->getOperand(w.operand), i});
        weightCounted[i] = newWeight;
        if (!newWeight)
          tieLayers(wi->second, i, [&](size_t other) {
            return "shares its weights with " + mp::layerName(ops[other]);
          });
        if (!sharedInput)
          continue;
        auto [di, newInput] =
            byInput.insert({ops[i]->getOperand(w.dataOperand()), i});
        if (!newInput)
          tieLayers(di->second, i, [&](size_t other) {
            return "reads the same input as " + mp::layerName(ops[other]) +
                   " (--tie shared-input)";
          });
      }
    }
    std::map<size_t, unsigned> groupSize;
    for (size_t i = 0; i < ops.size(); ++i)
      ++groupSize[root(i)];
    // The sensitivities: from the calibration table when it has every
    // (layer, width) (a re-run with another budget), else measured on the
    // calibration data and added to the table.
    std::vector<std::vector<double>> sens(ops.size(),
                                          std::vector<double>(bits.size()));
    std::optional<calib::Table> table;
    if (!tablePath.empty() && llvm::sys::fs::exists(tablePath)) {
      auto t = calib::readTable(tablePath);
      if (!t)
        return failMp(llvm::toString(t.takeError()));
      table = std::move(*t);
    }
    if (q.sensitivity != "kl" && q.sensitivity != "hessian")
      return failMp("--sensitivity: '" + q.sensitivity +
                    "' is not kl or hessian");
    std::string method =
        q.sensitivity == "kl" ? "zeroq-kl" : "hutchinson-hessian";
    bool cached = table && table->sensitivity &&
                  table->sensitivity->method == method;
    for (size_t i = 0; cached && i < ops.size(); ++i) {
      auto l = table->sensitivity->layers.find(mp::layerName(ops[i]));
      for (size_t k = 0; cached && k < bits.size(); ++k) {
        cached = l != table->sensitivity->layers.end() &&
                 l->second.count(bits[k]);
        if (cached)
          sens[i][k] = l->second.at(bits[k]);
      }
    }
    if (cached) {
      say(DiagnosticSeverity::Remark,
          "mixed precision: sensitivities from " + tablePath + " (" +
              std::to_string(table->sensitivity->samples) + " samples)");
    } else {
      if (q.calibrationData.empty())
        return failMp("--mixed-precision needs --calibrate DATA (the "
                      "sensitivities are measured on it" +
                      llvm::Twine(table ? "; the table has none for these "
                                          "layers and widths)"
                                        : ")"));
      CalibrateOptions o = calibrationRun();
      size_t n = o.count == 0 ? q.sensitivitySamples
                              : std::min(o.count, q.sensitivitySamples);
      o.count = n;
      o.verbose = options.verbose;
      auto measured = measureWeightSensitivity(
          *module, funcName, bits, o,
          q.sensitivity == "kl" ? SensitivityMethod::KL
                                : SensitivityMethod::Hessian,
          q.hessianProbes);
      if (!measured)
        return failMp(llvm::toString(measured.takeError()));
      sens = std::move(*measured);
      // Only into Dyad's own tables: an onnxruntime or TensorRT table the
      // user gave is not rewritten in another format.
      if (table && table->method != "onnxruntime" &&
          table->method != "tensorrt") {
        calib::Table::Sensitivities sv;
        sv.method = method;
        sv.samples = n;
        for (size_t i = 0; i < ops.size(); ++i)
          for (size_t k = 0; k < bits.size(); ++k)
            sv.layers[mp::layerName(ops[i])][bits[k]] = sens[i][k];
        table->sensitivity = std::move(sv);
        if (auto err = calib::writeTable(*table, tablePath))
          return failMp(llvm::toString(std::move(err)));
      }
    }
    // Activation widths: the layers reading one activation (through ops
    // that only move values: dyad-quantize quantizes it once) form a group
    // that takes one width; each group's sensitivity per width is measured
    // on the quantized model and shared out among its layers.
    std::vector<int> inputGroup(ops.size(), -1);
    std::vector<std::vector<size_t>> groups;
    std::vector<std::vector<double>> inputSens(
        ops.size(), std::vector<double>(abits.size(), 0.0));
    if (chooseInputs) {
      llvm::DenseMap<Value, size_t> bySource;
      for (size_t i = 0; i < ops.size(); ++i) {
        auto w = *cast<QuantizableOpInterface>(ops[i]).getQuantizedWeight();
        Value v = ops[i]->getOperand(w.dataOperand());
        while (Operation *def = v.getDefiningOp()) {
          if (!movesValues(def) || def->getNumOperands() == 0)
            break;
          v = def->getOperand(0);
        }
        auto [it, fresh] = bySource.insert({v, groups.size()});
        if (fresh)
          groups.emplace_back();
        groups[it->second].push_back(i);
        inputGroup[i] = (int)it->second;
      }
      bool cachedInputs = table && table->sensitivity &&
                          table->sensitivity->method == method;
      for (size_t i = 0; cachedInputs && i < ops.size(); ++i) {
        auto l = table->sensitivity->inputs.find(mp::layerName(ops[i]));
        for (size_t k = 0; cachedInputs && k < abits.size(); ++k) {
          cachedInputs = l != table->sensitivity->inputs.end() &&
                         l->second.count(abits[k]);
          if (cachedInputs)
            inputSens[i][k] = l->second.at(abits[k]);
        }
      }
      if (cachedInputs) {
        say(DiagnosticSeverity::Remark,
            "mixed precision: activation sensitivities from " + tablePath);
      } else {
        if (q.calibrationData.empty())
          return failMp("--mixed-activation-bits needs --calibrate DATA (the "
                        "activation sensitivities are measured on it)");
        CalibrateOptions o = calibrationRun();
        o.count = o.count == 0 ? q.sensitivitySamples
                               : std::min(o.count, q.sensitivitySamples);
        o.verbose = options.verbose;
        auto measured = measureInputSensitivity(*module, funcName, groups,
                                                abits, quantizePipeline(), o);
        if (!measured)
          return failMp("activation sensitivity: " +
                        llvm::toString(measured.takeError()));
        size_t unavailable = 0;
        for (size_t g = 0; g < groups.size(); ++g)
          for (size_t k = 0; k < abits.size(); ++k) {
            unavailable += std::isnan((*measured)[g][k]);
            for (size_t i : groups[g])
              inputSens[i][k] = (*measured)[g][k] / groups[g].size();
          }
        if (unavailable)
          say(DiagnosticSeverity::Remark,
              "mixed precision: " + std::to_string(unavailable) +
                  " (activation, width) settings cannot be quantized (an op "
                  "reading the activation has no integer form at that "
                  "width; -v names them) and are not offered");
        if (table && table->sensitivity && table->method != "onnxruntime" &&
            table->method != "tensorrt") {
          for (size_t i = 0; i < ops.size(); ++i)
            for (size_t k = 0; k < abits.size(); ++k)
              table->sensitivity->inputs[mp::layerName(ops[i])][abits[k]] =
                  inputSens[i][k];
          if (auto err = calib::writeTable(*table, tablePath))
            return failMp(llvm::toString(std::move(err)));
        }
      }
    }
    // fp32 rounding alone moves an output KL by ~1e-14: below 1e-12 for
    // every layer and width, the ranking is noise.
    double largest = 0;
    for (const auto &row : sens)
      for (double v : row)
        largest = std::max(largest, v);
    if (largest < 1e-12)
      say(DiagnosticSeverity::Warning,
          llvm::formatv("warning: every layer's sensitivity is below 1e-12 "
                        "(the largest is {0:e}): the outputs barely move "
                        "under weight quantization on these samples, so the "
                        "widths chosen are arbitrary; calibrate on samples "
                        "the model is less sure of",
                        largest)
              .str());
    // Latencies, measured on this CPU (for a latency budget only): from the
    // table when it has them for this CPU and batch, else timed.
    bool wantLatency =
        llvm::any_of(*budgetSpec, [](const auto &b) {
          return b.first == mp::BudgetKind::Latency;
        });
    std::vector<std::vector<double>> latency(
        ops.size(), std::vector<double>(bits.size(), 0.0));
    double latency8 = 0, latencyFixed = 0;
    if (wantLatency) {
      if (tablePath.empty())
        return failMp("a latency budget needs a calibration table "
                      "(--calibrate or --calib-table): each width is "
                      "quantized and timed");
      if (isGpuTarget(options.target))
        return failMp("a latency budget times the layers on this CPU; for "
                      "--target=nvptx use a size= or bops= budget");
      auto cpuTarget = resolveCPUTarget(options.target);
      if (!cpuTarget)
        return failMp(llvm::toString(cpuTarget.takeError()));
      std::string features;
      for (const std::string &f : cpuTarget->requiredFeatures())
        features += f + ",";
      std::string cpuKey = llvm::formatv("{0} {1:x-16}", cpuTarget->cpu,
                                         llvm::xxh3_64bits(features));
      std::vector<double> total(bits.size(), 0.0);
      bool cachedLatency = table && table->latency &&
                           table->latency->cpu == cpuKey &&
                           table->latency->batch == q.latencyBatch &&
                           table->latency->threads == q.latencyThreads;
      for (size_t k = 0; cachedLatency && k < bits.size(); ++k) {
        auto t = table->latency->total.find(bits[k]);
        cachedLatency = t != table->latency->total.end();
        if (cachedLatency)
          total[k] = t->second;
        for (size_t i = 0; cachedLatency && i < ops.size(); ++i) {
          auto l = table->latency->layers.find(mp::layerName(ops[i]));
          cachedLatency = l != table->latency->layers.end() &&
                          l->second.count(bits[k]);
          if (cachedLatency)
            latency[i][k] = l->second.at(bits[k]);
        }
      }
      if (cachedLatency) {
        say(DiagnosticSeverity::Remark,
            "mixed precision: latencies from " + tablePath + " (" +
                cpuTarget->cpu + ", batch " + std::to_string(q.latencyBatch) +
                ", " + threadsText(q.latencyThreads) + ")");
      } else {
        if (q.calibrationData.empty())
          return failMp("a latency budget needs --calibrate DATA (the "
                        "layers are timed on it; the table has no "
                        "latencies for this CPU, batch and thread count)");
        CalibrateOptions o = calibrationRun();
        o.target = options.target; // timed on the target it is compiled for
        o.verbose = options.verbose;
        auto measured = measureLayerLatency(*module, funcName, bits,
                                            quantizePipeline(), o,
                                            q.latencyBatch, q.latencyThreads);
        if (!measured)
          return failMp("timing the layers: " +
                        llvm::toString(measured.takeError()));
        latency = std::move(measured->layer);
        total = std::move(measured->total);
        if (table && table->method != "onnxruntime" &&
            table->method != "tensorrt") {
          calib::Table::Latencies lv;
          lv.cpu = cpuKey;
          lv.batch = q.latencyBatch;
          lv.threads = q.latencyThreads;
          for (size_t k = 0; k < bits.size(); ++k) {
            lv.total[bits[k]] = total[k];
            for (size_t i = 0; i < ops.size(); ++i)
              lv.layers[mp::layerName(ops[i])][bits[k]] = latency[i][k];
          }
          table->latency = std::move(lv);
          if (auto err = calib::writeTable(*table, tablePath))
            return failMp(llvm::toString(std::move(err)));
        }
      }
      // The all-widest model's time; what its ops without weights take is
      // the budget's constant part.
      latency8 = total.back();
      double layers8 = 0;
      for (size_t i = 0; i < ops.size(); ++i)
        layers8 += latency[i].back();
      latencyFixed = std::max(0.0, latency8 - layers8);
    }

    // The size budget counts the bits the library stores: a layer of up to
    // 4 bits is stored two weights per byte where the target has VNNI and
    // --nibble-weights is on (dyad-cpu-pack-nibbles), a byte each
    // otherwise; 2-bit weights take a nibble too.
    // The GPU stores them a byte each (its kernels read s8).
    bool nibbles = false;
    if (!isGpuTarget(options.target)) {
      auto cpuTarget = resolveCPUTarget(options.target);
      if (!cpuTarget)
        return failMp(llvm::toString(cpuTarget.takeError()));
      nibbles = options.target.nibbleWeights &&
                lowerCpuOptionsFor(*cpuTarget, options.target.optLevel)
                        .vnniBits != 0;
    }
    auto storedBits = [&](unsigned k) -> unsigned {
      return k > 8 ? 16 : k <= 4 && nibbles ? 4 : 8;
    };
    if (!nibbles && bits.front() <= 4)
      say(DiagnosticSeverity::Remark,
          std::string("mixed precision: weights of 4 bits or fewer are "
                      "stored a byte each for this target (") +
              (options.target.nibbleWeights ? "it has no VNNI"
                                            : "--nibble-weights=false") +
              "): the size budget counts them at 8 bits");
    std::vector<mp::Layer> layers;
    std::set<size_t> presetLayers; // widths given by --layer-bits
    double size8 = 0, bops8 = 0;
    for (size_t i = 0; i < ops.size(); ++i) {
      Operation *op = ops[i];
      auto w = cast<QuantizableOpInterface>(op).getQuantizedWeight();
      auto wt = cast<ShapedType>(op->getOperand(w->operand).getType());
      auto rt = cast<ShapedType>(op->getResult(0).getType());
      mp::Layer l;
      l.name = mp::layerName(op);
      l.weights = wt.getNumElements();
      // Multiply-adds per sample: weights x output positions per channel
      // (the result's static dims after the batch, over its channels).
      int64_t positions = 1;
      for (int64_t d = 1; d < rt.getRank(); ++d)
        if (!rt.isDynamicDim(d))
          positions *= rt.getDimSize(d);
      int64_t channels = std::max<int64_t>(1, wt.getDimSize(w->axis));
      l.macsPerSample = l.weights * std::max<int64_t>(1, positions / channels);
      // The op's own count where its shapes are static (batch included: per
      // sample over the static batch).
      if (auto macs = cast<QuantizableOpInterface>(op).getMacCount();
          macs && *macs > 0 && rt.getRank() > 0 && !rt.isDynamicDim(0) &&
          rt.getDimSize(0) > 0)
        l.macsPerSample = *macs / rt.getDimSize(0);
      SmallVector<unsigned> supported =
          cast<QuantizableOpInterface>(op).getWeightBitWidths();
      // --layer-bits: the width given is the only one.
      auto preset = op->getAttrOfType<IntegerAttr>(kWeightBitsAttr);
      if (preset)
        presetLayers.insert(i);
      if (preset && !llvm::is_contained(bits, preset.getInt()))
        return failMp("layer '" + l.name + "': --layer-bits gives it " +
                      llvm::Twine(preset.getInt()) +
                      " bits, not one of --mixed-bits");
      unsigned inputBits = q.activationBits;
      auto presetInput = op->getAttrOfType<IntegerAttr>(kInputBitsAttr);
      if (presetInput)
        inputBits = presetInput.getInt();
      for (size_t k = 0; k < bits.size(); ++k) {
        if ((preset && bits[k] != preset.getInt()) ||
            (pinned.count(i) && bits[k] != 8) ||
            (!supported.empty() && !llvm::is_contained(supported, bits[k])))
          continue;
        for (size_t a = 0; a < abits.size(); ++a) {
          // The activation width: the model's where not chosen; a pinned
          // layer reads the model's, a --layer-bits one its own.
          unsigned in = chooseInputs ? abits[a] : inputBits;
          if (chooseInputs &&
              ((presetInput && in != inputBits) ||
               (pinned.count(i) && in != q.activationBits) ||
               std::isnan(inputSens[i][a])))
            continue;
          mp::Choice c;
          c.bits = bits[k];
          c.inputBits = chooseInputs ? in : 0;
          c.sensitivity = sens[i][k] + (chooseInputs ? inputSens[i][a] : 0);
          c.sizeBytes =
              weightCounted[i] ? l.weights * storedBits(bits[k]) / 8.0 : 0.0;
          c.bops = double(l.macsPerSample) * bits[k] * in;
          c.latency = latency[i][k];
          l.choices.push_back(c);
        }
      }
      if (chooseInputs)
        l.inputTie = inputGroup[i];
      if (l.choices.empty())
        return failMp("layer '" + l.name + "' can take none of the widths "
                      "of --mixed-bits (pinned layers take 8)");
      if (groupSize[root(i)] > 1)
        l.tie = (int)root(i);
      size8 += weightCounted[i] ? l.weights : 0;
      bops8 += double(l.macsPerSample) * 8 * inputBits;
      layers.push_back(std::move(l));
    }
    std::vector<mp::Budget> budgets;
    for (auto [kind, v] : *budgetSpec) {
      double all8 = kind == mp::BudgetKind::Size   ? size8
                    : kind == mp::BudgetKind::Bops ? bops8
                                                   : latency8;
      budgets.push_back({kind, v < 0 ? -v * all8 : v,
                         kind == mp::BudgetKind::Latency ? latencyFixed : 0.0});
    }
    if (!q.paretoPath.empty()) {
      mp::BudgetKind kind =
          budgets.empty() ? mp::BudgetKind::Size : budgets[0].kind;
      double offset = kind == mp::BudgetKind::Latency ? latencyFixed : 0.0;
      std::vector<mp::ParetoPoint> points =
          mp::paretoFrontier(layers, kind, 20, offset);
      // Each distinct assignment on the frontier quantized, compiled and
      // run on the calibration data against the float model.
      if (!q.calibrationData.empty()) {
        std::vector<std::vector<unsigned>> distinct;
        std::vector<size_t> which;
        for (const mp::ParetoPoint &p : points) {
          std::vector<unsigned> w;
          for (size_t i = 0; i < layers.size(); ++i)
            w.push_back(layers[i].choices[p.a.choice[i]].bits);
          auto it = llvm::find(distinct, w);
          which.push_back(it - distinct.begin());
          if (it == distinct.end())
            distinct.push_back(std::move(w));
        }
        CalibrateOptions o = calibrationRun();
        o.count = o.count == 0 ? q.sensitivitySamples
                               : std::min(o.count, q.sensitivitySamples);
        o.verbose = options.verbose;
        auto quality = measureAssignments(*module, funcName, distinct,
                                          quantizePipeline(), o);
        if (!quality)
          return failMp("--pareto: " + llvm::toString(quality.takeError()));
        for (size_t i = 0; i < points.size(); ++i) {
          points[i].top1Agreement = (*quality)[which[i]].top1Agreement;
          points[i].outputSqnrDb = (*quality)[which[i]].outputSqnrDb;
        }
      }
      if (auto err = mp::writePareto(layers, points, kind, q.paretoPath,
                                     llvm::sys::path::filename(options.input),
                                     offset))
        return failMp(llvm::toString(std::move(err)));
    }
    auto a = mp::solve(layers, budgets);
    if (!a)
      return failMp(llvm::toString(a.takeError()));
    Builder b(&context);
    // For the report: per layer its costs at the chosen width, every
    // width's sensitivity, and why it has its width.
    std::string budgetText;
    for (const mp::Budget &bd : budgets) {
      const char *name = bd.kind == mp::BudgetKind::Size   ? "size"
                         : bd.kind == mp::BudgetKind::Bops ? "bops"
                                                           : "latency_s";
      budgetText += llvm::formatv("{0}{1} <= {2}", budgetText.empty() ? "" : ", ",
                                  name, bd.limit)
                        .str();
    }
    for (size_t i = 0; i < ops.size(); ++i) {
      const mp::Choice &c = layers[i].choices[a->choice[i]];
      ops[i]->setAttr(kWeightBitsAttr, b.getI64IntegerAttr(c.bits));
      if (c.inputBits)
        ops[i]->setAttr(kInputBitsAttr, b.getI64IntegerAttr(c.inputBits));
      ops[i]->setAttr("dyad.sensitivity", b.getF64FloatAttr(c.sensitivity));
      SmallVector<NamedAttribute> byBits;
      for (size_t k = 0; k < bits.size(); ++k)
        byBits.push_back(b.getNamedAttr(std::to_string(bits[k]),
                                        b.getF64FloatAttr(sens[i][k])));
      std::string why = presetLayers.count(i) ? "set by --layer-bits"
                        : pinned.count(i) ? "kept at 8 bits (--keep-8bit)"
                        : layers[i].choices.size() == 1
                            ? "the only width it takes"
                            : "chosen by the ILP (" + budgetText + ")";
      if (layers[i].tie >= 0)
        why += "; tied: " + tiedWhy[i];
      SmallVector<NamedAttribute> info{
          b.getNamedAttr("size_bytes", b.getF64FloatAttr(c.sizeBytes)),
          b.getNamedAttr("input_bits",
                         b.getI64IntegerAttr(c.inputBits ? c.inputBits
                                                         : q.activationBits)),
          b.getNamedAttr("bops", b.getF64FloatAttr(c.bops)),
          b.getNamedAttr("sensitivity_by_bits", b.getDictionaryAttr(byBits)),
          b.getNamedAttr("why", b.getStringAttr(why))};
      if (wantLatency)
        info.push_back(
            b.getNamedAttr("latency_s", b.getF64FloatAttr(c.latency)));
      ops[i]->setAttr("dyad.mixed_precision", b.getDictionaryAttr(info));
    }
    {
      std::string text;
      llvm::raw_string_ostream os(text);
      os << llvm::format("mixed precision: %zu layers, weights %.0f of %.0f "
                         "bytes at 8 bits (%.1f%%), BOPs %.4g of %.4g per "
                         "sample (%.1f%%), summed sensitivity %.4g\n",
                         ops.size(), a->sizeBytes, size8,
                         100 * a->sizeBytes / size8, a->bops, bops8,
                         100 * a->bops / bops8, a->sensitivity);
      if (wantLatency)
        os << llvm::format("  latency %.4g of %.4g ms per run at 8 bits "
                           "(%.1f%%; measured per layer, batch %zu, %s)\n",
                           1e3 * (a->latency + latencyFixed), 1e3 * latency8,
                           100 * (a->latency + latencyFixed) / latency8,
                           q.latencyBatch,
                           threadsText(q.latencyThreads).c_str());
      for (size_t i = 0; i < ops.size(); ++i) {
        const mp::Choice &c = layers[i].choices[a->choice[i]];
        std::string note = pinned.count(i) ? " (kept at 8 bits)" : "";
        if (storedBits(c.bits) != c.bits)
          note += " (stored in " + std::to_string(storedBits(c.bits)) +
                  " bits)";
        if (layers[i].tie >= 0)
          note += " (tied: " + tiedWhy[i] + ")";
        if (chooseInputs)
          os << llvm::format("  %2u bits, input %2u bits  sensitivity %-10.4g "
                             "%s%s\n",
                             c.bits, c.inputBits, c.sensitivity,
                             layers[i].name.c_str(), note.c_str());
        else if (wantLatency)
          os << llvm::format("  %2u bits  sensitivity %-10.4g %8.2f us  %s%s\n",
                             c.bits, c.sensitivity, 1e6 * c.latency,
                             layers[i].name.c_str(), note.c_str());
        else
          os << llvm::format("  %2u bits  sensitivity %-10.4g %s%s\n", c.bits,
                             c.sensitivity, layers[i].name.c_str(),
                             note.c_str());
      }
      say(DiagnosticSeverity::Remark, os.str());
    }
    return llvm::Error::success();
  });
}

llvm::Error Compilation::writeReport(ModuleOp floatModule, ModuleOp qdqModule) {
  const QuantizeOptions &q = options.quant;
  ReportInputs r;
  r.floatModule = floatModule;
  r.qdqModule = qdqModule;
  r.intModule = *module;
  r.model = std::string(llvm::sys::path::filename(options.input));
  std::map<std::string, double> sqnr;
  if (!q.calibrationData.empty()) {
    auto m = measureSqnr(floatModule, *module, options.import.funcName,
                         calibrationRun());
    if (!m)
      return fail(Phase::Report, "report: " + llvm::toString(m.takeError()));
    sqnr = std::move(*m);
    r.sqnr = &sqnr;
  }
  if (!tablePath.empty()) {
    auto table = calib::readTable(tablePath);
    if (!table)
      return fail(Phase::Report, table.takeError());
    r.method = table->method;
    r.samples = table->samples;
  }
  if (auto err = writeQuantizationReport(q.reportPath, r))
    return fail(Phase::Report, std::move(err));
  return llvm::Error::success();
}

llvm::Expected<CompileResult> Compilation::run() {
  output = options.output.empty() ? defaultOutput(options) : options.output;
  const QuantizeOptions &q = options.quant;
  if (!q.calibrationData.empty() && !options.quantize)
    return fail(Phase::Calibrate, "--calibrate needs --quantize");
  if (options.target.optLevel > 3)
    return fail(Phase::Lower, "-O" + std::to_string(options.target.optLevel) +
                                  " is not a level (0..3)");
  if (options.emit == EmitKind::OnnxQdq) {
    if (!options.quantize)
      return fail(Phase::Quantize, "--emit=onnx-qdq needs --quantize (and "
                                   "--calibrate DATA or --calib-table FILE)");
    if (!llvm::StringRef(options.input).ends_with(".onnx") &&
        !llvm::StringRef(options.input).ends_with(".onnxtxt"))
      return fail(Phase::Quantize, "--emit=onnx-qdq needs an ONNX model, "
                                   "not '" + options.input + "'");
  }
  unsigned lastStage = options.emit == EmitKind::Dyad ||
                               options.emit == EmitKind::OnnxQdq
                           ? 2
                       : options.emit == EmitKind::Mlir ? 3
                       : options.emit == EmitKind::Llvm ? 4
                       : options.emit == EmitKind::Obj  ? 5
                                                        : 6;
  totalSteps = lastStage + (options.quantize ? 1 : 0) +
               (q.calibrationData.empty() ? 0 : 1) +
               (q.mixedPrecision && options.quantize ? 1 : 0) +
               (q.reportPath.empty() || !options.quantize ? 0 : 1);

  CompileResult result;
  result.output = output;
  if (llvm::Error err = importModel())
    return std::move(err);
  if (llvm::Error err = phase(Phase::Simplify, "simplify", [&] {
        return runPasses(Phase::Simplify, [](OpPassManager &pm) {
          pm.addNestedPass<func::FuncOp>(createDyadSimplify());
        });
      }))
    return std::move(err);
  if (options.quantize)
    if (llvm::Error err = quantizeModel())
      return std::move(err);
  result.calibrationTable = tablePath;
  if (options.emit == EmitKind::OnnxQdq)
    return result;
  auto printModule = [&](llvm::raw_ostream &os) { module->print(os); };
  if (options.emit == EmitKind::Dyad) {
    if (llvm::Error err = writeText(Phase::Simplify, output, printModule))
      return std::move(err);
    return result;
  }

  // The artifact's signature is read before lowering erases the attributes.
  const std::string &funcName = options.import.funcName;
  auto signature = readSignature(*module, funcName);
  if (failed(signature))
    return fail(Phase::Lower);
  // The CPU and the features the code may use go into the artifact: the
  // runtime refuses it on a CPU without them. A GPU model's host code only
  // launches kernels: it is built for the x86-64 baseline, so the library
  // runs on any GPU server.
  bool gpu = isGpuTarget(options.target);
  TargetOptions hostTarget = options.target;
  std::optional<LowerGpuOptions> gpuOptions;
  if (gpu) {
    hostTarget.target = "x86-64";
    auto g = resolveGpuTarget(options.target);
    if (!g)
      return fail(Phase::Lower, g.takeError());
    gpuOptions = *g;
  }
  auto cpuTarget = resolveCPUTarget(hostTarget);
  if (!cpuTarget)
    return fail(Phase::Lower, cpuTarget.takeError());
  signature->cpu = cpuTarget->cpu;
  signature->cpuFeatures = cpuTarget->requiredFeatures();
  result.signature = *signature;

  LowerCpuOptions lowerOptions =
      lowerCpuOptionsFor(*cpuTarget, options.target.optLevel);
  lowerOptions.profile = options.profile;
  lowerOptions.nibbleWeights = options.target.nibbleWeights;
  if (llvm::Error err = phase(Phase::Lower,
                              gpu ? "lower to PTX (" + gpuOptions->chip +
                                        ") and LLVM dialect"
                                  : std::string("lower to LLVM dialect"),
                              [&]() -> llvm::Error {
        if (failed(lowerToLLVMDialect(
                *module, funcName, *signature, lowerOptions,
                [&](PassManager &pm) {
                  return options.configurePassManager
                             ? options.configurePassManager(pm)
                             : success();
                },
                gpu ? &*gpuOptions : nullptr)))
          return fail(Phase::Lower);
        return llvm::Error::success();
      }))
    return std::move(err);
  if (options.emit == EmitKind::Mlir) {
    if (llvm::Error err = writeText(Phase::Lower, output, printModule))
      return std::move(err);
    return result;
  }

  auto tm = createTargetMachine(*cpuTarget, options.target.optLevel);
  if (!tm)
    return fail(Phase::Translate, tm.takeError());
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule;
  if (llvm::Error err = phase(
          Phase::Translate,
          "LLVM IR -O" + std::to_string(options.target.optLevel),
          [&]() -> llvm::Error {
            auto m = translateAndOptimize(*module, llvmContext, **tm,
                                          options.target.optLevel);
            if (!m)
              return fail(Phase::Translate, m.takeError());
            llvmModule = std::move(*m);
            return llvm::Error::success();
          }))
    return std::move(err);
  if (options.emit == EmitKind::Llvm) {
    if (llvm::Error err =
            writeText(Phase::Translate, output, [&](llvm::raw_ostream &os) {
              llvmModule->print(os, nullptr);
            }))
      return std::move(err);
    return result;
  }

  SmallString<128> object;
  if (options.emit == EmitKind::Obj) {
    object = output;
  } else if (auto ec =
                 llvm::sys::fs::createTemporaryFile("dyad", "o", object)) {
    return fail(Phase::Object,
                "cannot create a temporary file: " + ec.message());
  }
  if (llvm::Error err = phase(
          Phase::Object,
          "object code (" + (*tm)->getTargetCPU().str() + ")",
          [&]() -> llvm::Error {
            if (auto err = emitObject(*llvmModule, **tm, object))
              return fail(Phase::Object, std::move(err));
            return llvm::Error::success();
          }))
    return std::move(err);
  if (options.emit == EmitKind::Obj)
    return result;

  llvm::Error linked = phase(Phase::Link, "link " + output,
                             [&]() -> llvm::Error {
    if (auto err = linkSharedLibrary(object, output,
                                     profileGroups(*module).size()))
      return fail(Phase::Link, std::move(err));
    return llvm::Error::success();
  });
  llvm::sys::fs::remove(object);
  if (linked)
    return std::move(linked);
  SmallString<128> header(output);
  llvm::sys::path::replace_extension(header, "h");
  SmallString<128> stem(llvm::sys::path::stem(output));
  if (llvm::Error err =
          writeText(Phase::Link, header, [&](llvm::raw_ostream &os) {
            os << modelHeader(*signature, stem, options.input);
          }))
    return std::move(err);
  result.header = std::string(header);
  return result;
}

llvm::Expected<CompileResult> dyad::compile(const CompileOptions &options) {
  Compilation compilation(options);
  return compilation.run();
}
