//===- DyadModule.cpp - the `dyad._dyad` extension module ------------------===//
//
// The C++ half of the Python package: the compile API (dyad::compile, the
// same call dyadc makes), the runtime's C API (a loaded model run on numpy
// arrays, the GIL released while it runs) and MLIR text through Dyad's pass
// registry. python/dyad/__init__.py builds the user-facing API on it; errors
// come back as values and are raised there as dyad.CompileError /
// dyad.RuntimeError with the same node-named messages dyadc prints.
//
//===----------------------------------------------------------------------===//
#include "dyad/Compiler/Compile.h"
#include "dyad/Compiler/Pipelines.h"
#include "dyad/Runtime/dyad_runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <mutex>
#include <optional>

namespace py = pybind11;

namespace {

std::vector<int64_t> toDims(const py::handle &h) {
  std::vector<int64_t> dims;
  for (py::handle d : h)
    dims.push_back(d.is_none() ? -1 : d.cast<int64_t>());
  return dims;
}

/// dyad.compile's keyword arguments (python/dyad/__init__.py checks and
/// spells them) into the library's options.
dyad::CompileOptions makeOptions(const py::dict &kw) {
  dyad::CompileOptions o;
  auto get = [&](const char *k) -> py::object {
    return kw.contains(k) ? py::object(kw[k]) : py::none();
  };
  // An option given (not None) into its field, converted to its type.
  auto set = [&](const char *k, auto &out) {
    if (py::object v = get(k); !v.is_none())
      out = v.cast<std::remove_reference_t<decltype(out)>>();
  };
  set("input", o.input);
  set("output", o.output);
  std::string emit = "lib";
  set("emit", emit);
  o.emit = emit == "dyad"   ? dyad::EmitKind::Dyad
           : emit == "mlir" ? dyad::EmitKind::Mlir
           : emit == "llvm" ? dyad::EmitKind::Llvm
           : emit == "obj"  ? dyad::EmitKind::Obj
           : emit == "onnx-qdq" ? dyad::EmitKind::OnnxQdq
                            : dyad::EmitKind::Lib;
  if (!get("input_shapes").is_none())
    for (auto [name, dims] : get("input_shapes").cast<py::dict>())
      o.import.inputShapes[name.cast<std::string>()] = toDims(dims);
  if (!get("bind_inputs").is_none())
    for (auto [name, values] : get("bind_inputs").cast<py::dict>())
      o.import.inputValues[name.cast<std::string>()] =
          values.cast<std::vector<double>>();
  set("target", o.target.target);
  set("gpu_arch", o.target.gpuArch);
  set("cpu", o.target.cpu);
  set("features", o.target.features);
  set("opt_level", o.target.optLevel);
  set("nibble_weights", o.target.nibbleWeights);
  set("profile", o.profile);
  set("quantize", o.quantize);
  dyad::QuantizeOptions &q = o.quant;
  set("calibration_data", q.calibrationData);
  set("calibration_table", q.table);
  if (!get("calib_method").is_none()) {
    std::string name = get("calib_method").cast<std::string>();
    auto method = dyad::calib::parseMethod(name);
    if (!method)
      throw py::value_error("unknown calibration method '" + name +
                            "' (minmax, moving-average, percentile, entropy, "
                            "mse)");
    q.method.method = *method;
  }
  set("calib_percentile", q.method.percentile);
  set("calib_momentum", q.method.momentum);
  set("calib_count", q.count);
  set("calib_batch", q.batch);
  set("weight_bits", q.weightBits);
  set("activation_bits", q.activationBits);
  set("bias_correction", q.biasCorrection);
  set("allow_float_ops", q.allowFloatOps);
  set("report", q.reportPath);
  set("mixed_precision", q.mixedPrecision);
  set("mixed_bits", q.mixedBits);
  set("budget", q.budget);
  set("keep_8bit", q.keep8bit);
  set("tie", q.tie);
  set("mixed_activation_bits", q.mixedActivationBits);
  set("layer_bits", q.layerBits);
  set("latency_batch", q.latencyBatch);
  set("latency_threads", q.latencyThreads);
  set("sensitivity_samples", q.sensitivitySamples);
  set("sensitivity", q.sensitivity);
  set("pareto", q.paretoPath);
  return o;
}

/// Runs dyad::compile with the GIL released. Returns ("ok", result) or
/// ("error", phase, message, diagnostics); `warnings` receives every
/// diagnostic that is not an error as (kind, text), kind "warning" or
/// "remark" (the mixed-precision table, notes).
py::tuple compile(const py::dict &kw, py::list warnings) {
  dyad::CompileOptions o = makeOptions(kw);
  std::vector<std::pair<std::string, std::string>> notes;
  o.onDiagnostic = [&](mlir::DiagnosticSeverity severity, llvm::StringRef t) {
    if (severity == mlir::DiagnosticSeverity::Warning)
      notes.push_back({"warning", t.str()});
    else if (severity != mlir::DiagnosticSeverity::Error)
      notes.push_back({"remark", t.str()});
  };
  // Progress, with the GIL held: the Python callback, if any, and Python's
  // pending signals (Ctrl-C). An exception either raises stops the
  // compiler's step at once (the callback returns false: the step fails,
  // "cancelled during ...") and is re-raised here, not thrown through the
  // compiler.
  py::object progress = kw.contains("progress") ? py::object(kw["progress"])
                                                : py::none();
  std::optional<py::error_already_set> raised;
  o.onProgress = [&](const dyad::ProgressEvent &e) {
    py::gil_scoped_acquire acquire;
    if (raised)
      return false;
    try {
      if (PyErr_CheckSignals() != 0)
        throw py::error_already_set();
      if (!progress.is_none())
        progress(e.task, e.done, e.total, e.unit, e.seconds);
    } catch (py::error_already_set &err) {
      raised.emplace(std::move(err));
      return false;
    }
    return true;
  };
  llvm::Expected<dyad::CompileResult> result = [&] {
    py::gil_scoped_release release;
    return dyad::compile(o);
  }();
  if (raised) {
    // Where the compiler stopped, as a note on the exception ("dyad:
    // cancelled during calibrate after 8 of 256 samples").
    if (!result) {
      std::string where = llvm::toString(result.takeError());
      py::object value = raised->value();
      if (py::hasattr(value, "add_note"))
        value.attr("add_note")("dyad: " + where);
    }
    throw std::move(*raised);
  }
  for (const auto &[kind, text] : notes)
    warnings.append(py::make_tuple(kind, text));
  if (!result) {
    py::tuple out;
    llvm::handleAllErrors(
        result.takeError(),
        [&](const dyad::CompileError &e) {
          out = py::make_tuple("error", dyad::phaseName(e.phase).str(),
                               e.message, e.diagnostics);
        },
        [&](const llvm::ErrorInfoBase &e) {
          out = py::make_tuple("error", "", e.message(),
                               std::vector<std::string>{});
        });
    return out;
  }
  py::dict r;
  r["output"] = result->output;
  r["header"] = result->header;
  r["calibration_table"] = result->calibrationTable;
  return py::make_tuple("ok", r);
}

// ----------------------------------------------------------------- runtime

py::dtype toNumpy(int32_t dtype) {
  switch (dtype) {
  case DYAD_FLOAT32: return py::dtype("float32");
  case DYAD_FLOAT64: return py::dtype("float64");
  case DYAD_FLOAT16: return py::dtype("float16");
  case DYAD_UINT8: return py::dtype("uint8");
  case DYAD_INT8: return py::dtype("int8");
  case DYAD_UINT16: return py::dtype("uint16");
  case DYAD_INT16: return py::dtype("int16");
  case DYAD_INT32: return py::dtype("int32");
  case DYAD_INT64: return py::dtype("int64");
  case DYAD_UINT32: return py::dtype("uint32");
  case DYAD_UINT64: return py::dtype("uint64");
  case DYAD_BOOL: return py::dtype("bool");
  default: break;
  }
  throw py::type_error(std::string("no numpy type for Dyad's ") +
                       dyad_dtype_name(dtype));
}

class Model {
public:
  explicit Model(const std::string &path) : path(path) {
    char err[1024] = {0};
    if (dyad_model_load(path.c_str(), &model, err, sizeof err) != DYAD_OK)
      throw std::runtime_error(err[0] ? std::string(err)
                                      : "cannot load '" + path + "'");
  }
  ~Model() { dyad_model_free(model); }
  Model(const Model &) = delete;

  static py::dict info(const dyad_tensor_info *t) {
    py::dict d;
    d["name"] = t->name;
    d["dtype"] = toNumpy(t->dtype);
    py::list shape;
    for (int i = 0; i < t->rank; ++i) {
      if (t->shape[i] >= 0)
        shape.append(t->shape[i]);
      else if (t->dim_params && t->dim_params[i] && t->dim_params[i][0])
        shape.append(std::string(t->dim_params[i]));
      else
        shape.append(py::none());
    }
    d["shape"] = shape;
    if (t->scale != 0) {
      d["scale"] = t->scale;
      d["zero_point"] = t->zero_point;
    }
    return d;
  }
  py::list inputs() const {
    py::list l;
    for (int i = 0; i < dyad_model_num_inputs(model); ++i)
      l.append(info(dyad_model_input(model, i)));
    return l;
  }
  py::list outputs() const {
    py::list l;
    for (int i = 0; i < dyad_model_num_outputs(model); ++i)
      l.append(info(dyad_model_output(model, i)));
    return l;
  }
  int threads() const { return dyad_model_num_threads(model); }
  void setThreads(int n) { check(dyad_model_set_num_threads(model, n)); }

  /// Runs on arrays in the model's input order (python/dyad converts dicts
  /// and dtypes); returns the outputs as new arrays.
  py::list run(const std::vector<py::array> &arrays) {
    int n = dyad_model_num_inputs(model), m = dyad_model_num_outputs(model);
    if ((int)arrays.size() != n)
      throw py::value_error("the model takes " + std::to_string(n) +
                            " inputs, " + std::to_string(arrays.size()) +
                            " given");
    std::vector<py::array> keep;
    std::vector<dyad_tensor> ins(n);
    for (int i = 0; i < n; ++i) {
      const dyad_tensor_info *t = dyad_model_input(model, i);
      // python/dyad converts to C-contiguous arrays of the model's type.
      const py::array &a = arrays[i];
      if (!a.dtype().is(toNumpy(t->dtype)) ||
          !(a.flags() & py::array::c_style))
        throw py::type_error("input '" + std::string(t->name) +
                             "' must be a C-contiguous " +
                             dyad_dtype_name(t->dtype) + " array");
      if (a.ndim() > DYAD_MAX_RANK)
        throw py::value_error("input '" + std::string(t->name) +
                              "' has rank " + std::to_string(a.ndim()));
      keep.push_back(a);
      dyad_tensor &d = ins[i];
      d.data = const_cast<void *>(a.data());
      d.dtype = t->dtype;
      d.rank = (int32_t)a.ndim();
      for (int k = 0; k < a.ndim(); ++k)
        d.shape[k] = a.shape(k);
      d.capacity_bytes = (size_t)a.nbytes();
    }
    std::vector<py::array> outs(m);
    std::vector<dyad_tensor> od(m);
    for (int i = 0; i < m; ++i) {
      const dyad_tensor_info *t = dyad_model_output(model, i);
      int64_t shape[DYAD_MAX_RANK];
      check(dyad_model_output_shape(model, ins.data(), n, i, shape));
      allocate(i, t, shape, outs, od);
    }
    for (int attempt = 0;; ++attempt) {
      dyad_status s;
      {
        py::gil_scoped_release release;
        std::unique_lock<std::mutex> lock(modeMutex, std::defer_lock);
        if (dyad_model_gpu(model))
          lock.lock();
        s = dyad_model_run(model, ins.data(), n, od.data(), m);
      }
      if (s == DYAD_ERR_CAPACITY && attempt == 0) {
        // An output whose size is known only after running: the runtime
        // wrote the shapes it needs.
        for (int i = 0; i < m; ++i)
          allocate(i, dyad_model_output(model, i), od[i].shape, outs, od);
        continue;
      }
      check(s);
      break;
    }
    py::list result;
    for (int i = 0; i < m; ++i) {
      std::vector<py::ssize_t> shape(od[i].shape, od[i].shape + od[i].rank);
      result.append(outs[i].attr("reshape")(shape));
    }
    return result;
  }

  /// Runs a GPU model on device memory (python/dyad reads the arrays'
  /// __cuda_array_interface__): inputs as (pointer, shape), outputs as
  /// (pointer, capacity in bytes), in model order and of the model's types;
  /// `stream` is the CUDA stream to queue the work on (0: the instance's
  /// own). Returns the outputs' shapes.
  py::list runDevice(const std::vector<std::pair<uintptr_t, std::vector<int64_t>>>
                         &inputs,
                     const std::vector<std::pair<uintptr_t, size_t>> &outputs,
                     uintptr_t stream) {
    int n = dyad_model_num_inputs(model), m = dyad_model_num_outputs(model);
    std::vector<dyad_tensor> ins(n), od(m);
    for (int i = 0; i < n && i < (int)inputs.size(); ++i) {
      dyad_tensor &d = ins[i];
      d.data = (void *)inputs[i].first;
      d.dtype = dyad_model_input(model, i)->dtype;
      d.rank = (int32_t)inputs[i].second.size();
      if (d.rank > DYAD_MAX_RANK)
        throw py::value_error("input '" +
                              std::string(dyad_model_input(model, i)->name) +
                              "' has rank " + std::to_string(d.rank));
      for (int k = 0; k < d.rank; ++k)
        d.shape[k] = inputs[i].second[k];
    }
    for (int i = 0; i < m && i < (int)outputs.size(); ++i) {
      od[i].data = (void *)outputs[i].first;
      od[i].dtype = dyad_model_output(model, i)->dtype;
      od[i].capacity_bytes = outputs[i].second;
    }
    dyad_status s;
    {
      py::gil_scoped_release release;
      // The memory kind and the stream hold for this call only: run() of
      // another thread waits (GPU runs of one instance take turns anyway).
      std::lock_guard<std::mutex> lock(modeMutex);
      s = dyad_model_set_memory(model, DYAD_MEMORY_DEVICE, DYAD_MEMORY_DEVICE);
      if (s == DYAD_OK)
        s = dyad_model_set_gpu_stream(model, (void *)stream);
      if (s == DYAD_OK)
        s = dyad_model_run(model, ins.data(), (int)inputs.size(), od.data(),
                           (int)outputs.size());
      std::string error = dyad_model_last_error(model);
      dyad_model_set_memory(model, DYAD_MEMORY_HOST, DYAD_MEMORY_HOST);
      dyad_model_set_gpu_stream(model, nullptr);
      if (s != DYAD_OK) {
        py::gil_scoped_acquire acquire;
        fail(s, error);
      }
    }
    py::list shapes;
    for (int i = 0; i < m; ++i)
      shapes.append(std::vector<int64_t>(od[i].shape, od[i].shape + od[i].rank));
    return shapes;
  }
  std::string gpu() const {
    const char *g = dyad_model_gpu(model);
    return g ? g : "";
  }

private:
  void allocate(int i, const dyad_tensor_info *t, const int64_t *shape,
                std::vector<py::array> &outs, std::vector<dyad_tensor> &od) {
    std::vector<py::ssize_t> dims;
    size_t count = 1;
    for (int k = 0; k < t->rank; ++k) {
      // Unknown before running: room for the first try, grown on
      // DYAD_ERR_CAPACITY.
      int64_t d = shape[k] >= 0 ? shape[k] : 1;
      dims.push_back(d);
      count *= (size_t)d;
    }
    outs[i] = py::array(toNumpy(t->dtype), std::vector<py::ssize_t>{
                                               (py::ssize_t)count});
    od[i] = dyad_tensor{};
    od[i].data = outs[i].mutable_data();
    od[i].dtype = t->dtype;
    od[i].rank = t->rank;
    for (int k = 0; k < t->rank; ++k)
      od[i].shape[k] = dims[k];
    od[i].capacity_bytes = count * dyad_dtype_size(t->dtype);
  }
  void check(dyad_status s) {
    if (s != DYAD_OK)
      fail(s, dyad_model_last_error(model));
  }
  [[noreturn]] void fail(dyad_status s, const std::string &msg) {
    if (s == DYAD_ERR_ARGUMENT || s == DYAD_ERR_DTYPE || s == DYAD_ERR_SHAPE ||
        s == DYAD_ERR_CAPACITY)
      throw py::value_error(path + ": " + msg);
    throw std::runtime_error(path + ": " + msg);
  }

  std::string path;
  dyad_model *model = nullptr;
  std::mutex modeMutex; // runDevice's memory kind and stream
};

// ----------------------------------------------------------------- dyad.ir

/// One registry for every dyad.ir call: what dyad-opt has (Dyad's dialects
/// and passes, and every upstream pass).
mlir::DialectRegistry &registry() {
  static mlir::DialectRegistry r;
  static std::once_flag once;
  std::call_once(once, [] {
    dyad::registerAllDialects(r);
    mlir::registerAllPasses();
    dyad::registerAllPasses();
  });
  return r;
}

/// Parses `text`, runs `pipeline` on it (empty: none, only verify) and
/// prints the result. Errors (parse, verify, pass) raise ValueError with
/// MLIR's diagnostics.
std::string runPipeline(const std::string &text, const std::string &pipeline,
                        bool generic) {
  mlir::MLIRContext ctx(registry());
  ctx.loadAllAvailableDialects();
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  llvm::SourceMgr sm;
  sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "<ir>"),
                        llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler handler(sm, &ctx, os);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sm, &ctx);
  if (!module)
    throw py::value_error("cannot parse the IR:\n" + diagnostics);
  if (!pipeline.empty()) {
    // The textual form names its anchor (`builtin.module(...)`), as
    // dyad-opt's --pass-pipeline does.
    mlir::FailureOr<mlir::OpPassManager> parsed =
        mlir::parsePassPipeline(pipeline, os);
    if (mlir::failed(parsed))
      throw py::value_error("bad pipeline '" + pipeline + "':\n" +
                            diagnostics);
    if (parsed->getOpAnchorName() != mlir::ModuleOp::getOperationName() &&
        parsed->getOpAnchorName() != mlir::OpPassManager::getAnyOpAnchorName())
      throw py::value_error("the pipeline '" + pipeline +
                            "' must be anchored on builtin.module");
    mlir::PassManager pm(&ctx, mlir::ModuleOp::getOperationName());
    static_cast<mlir::OpPassManager &>(pm) = *parsed;
    py::gil_scoped_release release;
    if (mlir::failed(pm.run(*module))) {
      py::gil_scoped_acquire acquire;
      throw py::value_error("the pipeline failed:\n" + diagnostics);
    }
  }
  std::string out;
  llvm::raw_string_ostream ps(out);
  mlir::OpPrintingFlags flags;
  if (generic)
    flags.printGenericOpForm();
  module->print(ps, flags);
  return out;
}

/// The input and output names of the dyad graph in `path` (a file dyad
/// compile wrote with emit "dyad"): calibration samples given as arrays or
/// tuples are matched to the inputs by position.
py::tuple graphSignature(const std::string &path) {
  mlir::MLIRContext ctx(registry());
  ctx.loadAllAvailableDialects();
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  llvm::SourceMgr sm;
  std::string error;
  auto file = mlir::openInputFile(path, &error);
  if (!file)
    throw py::value_error(error);
  sm.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler handler(sm, &ctx, os);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sm, &ctx);
  if (!module)
    throw py::value_error("cannot parse '" + path + "':\n" + diagnostics);
  auto sig = dyad::readSignature(*module, "main_graph");
  if (mlir::failed(sig))
    throw py::value_error("no model signature in '" + path + "'");
  std::vector<std::string> ins, outs;
  for (const dyad::TensorSignature &t : sig->inputs)
    ins.push_back(t.name);
  for (const dyad::TensorSignature &t : sig->outputs)
    outs.push_back(t.name);
  return py::make_tuple(ins, outs);
}

} // namespace

PYBIND11_MODULE(_dyad, m) {
  m.doc() = "Dyad's compile API and runtime (use the `dyad` package)";
  m.def("compile", &compile, py::arg("options"), py::arg("warnings"));
  py::class_<Model>(m, "Model")
      .def(py::init<const std::string &>(), py::arg("path"))
      .def_property_readonly("inputs", &Model::inputs)
      .def_property_readonly("outputs", &Model::outputs)
      .def_property("threads", &Model::threads, &Model::setThreads)
      .def_property_readonly("gpu", &Model::gpu)
      .def("run", &Model::run, py::arg("inputs"))
      .def("run_device", &Model::runDevice, py::arg("inputs"),
           py::arg("outputs"), py::arg("stream"));
  m.def("run_pipeline", &runPipeline, py::arg("text"), py::arg("pipeline"),
        py::arg("generic") = false);
  m.def("graph_signature", &graphSignature, py::arg("path"));
  m.attr("abi_version") = DYAD_ABI_VERSION;
}
