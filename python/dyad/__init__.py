"""Dyad for Python: compile ONNX models to native code, quantize them on your
own calibration data, and run them on numpy arrays.

    import dyad
    model = dyad.compile("model.onnx", quantize=True, calibration=reader)
    probs, = model(x)                      # or model.run({"input": x})

`compile` calls the same library as `dyadc` (dyad::compile); see
docs/python.md. Errors are `dyad.CompileError`, with the phase that failed
and the diagnostics, each naming the ONNX file and node.
"""
import atexit
import os
import shutil
import tempfile
import warnings as _warnings

import numpy as np

from . import _dyad

from .report import Report, NodeReport

__all__ = ["compile", "calibrate", "export_qdq", "Model", "CompileError",
           "CompileWarning", "Report", "NodeReport", "ir"]


class CompileWarning(UserWarning):
    """A warning of the compiler (a float op kept, a missing table entry)."""


# Working directories (temporary models, calibration files, libraries
# compiled without an `output`): removed when the interpreter exits. A
# loaded library stays mapped after its file is gone.
_workdirs = []
atexit.register(lambda: [shutil.rmtree(d, ignore_errors=True) for d in _workdirs])


def _workdir():
    d = tempfile.mkdtemp(prefix="dyad-")
    _workdirs.append(d)
    return d


class CompileError(Exception):
    """A failed compilation: `phase` ("import", "quantize", ...),
    `diagnostics` (each "model.onnx: node 'conv1': error: ..."), `message`
    (a failure outside the IR: a file, the target, the linker)."""

    def __init__(self, phase, message, diagnostics):
        self.phase, self.message, self.diagnostics = phase, message, list(diagnostics)
        lines = self.diagnostics + ([message] if message else [])
        super().__init__("\n".join(lines) or f"compilation failed in {phase}")


class Model:
    """A compiled model library (`.so`) loaded through libdyad_runtime.

    `inputs` / `outputs`: dicts with name, dtype, shape (None or the ONNX
    dim name for a dynamic dim). `run(inputs)` takes a dict name -> array, a
    list in input order, or one array for a one-input model, and returns the
    outputs as a list of arrays; the GIL is released while the model runs.
    `threads` gets or sets the thread count (0: the default).

    A GPU model (`gpu`: its chip, "" for a CPU model) also runs on device
    arrays, anything with `__cuda_array_interface__` (PyTorch CUDA tensors,
    CuPy, Numba): `run(inputs, outputs=[...])` with every input and every
    output such an array on the model's GPU, C-contiguous, of the model's
    dtypes and the outputs of the shapes the run gives. The run reads and
    writes them in place with no copy through the host, on the inputs'
    stream (their interface's `stream`; work queued there before is done
    first), returns the outputs given, and returns when its work is done."""

    def __init__(self, path, threads=None):
        self.path = os.fspath(path)
        self._m = _dyad.Model(self.path)
        self.report = None
        self.calibration_table = None
        if threads is not None:
            self.threads = threads

    @property
    def inputs(self):
        return self._m.inputs

    @property
    def outputs(self):
        return self._m.outputs

    @property
    def gpu(self):
        return self._m.gpu

    @property
    def threads(self):
        return self._m.threads

    @threads.setter
    def threads(self, n):
        self._m.threads = int(n)

    def run(self, inputs, outputs=None):
        infos = self._m.inputs
        if isinstance(inputs, dict):
            unknown = sorted(set(inputs) - {i["name"] for i in infos})
            if unknown:
                raise ValueError(f"{self.path}: no input named {unknown[0]!r} "
                                 f"(inputs: {[i['name'] for i in infos]})")
            missing = [i["name"] for i in infos if i["name"] not in inputs]
            if missing:
                raise ValueError(f"{self.path}: input {missing[0]!r} not given")
            arrays = [inputs[i["name"]] for i in infos]
        elif isinstance(inputs, (list, tuple)):
            arrays = list(inputs)
        else:
            arrays = [inputs]
        if len(arrays) != len(infos):
            raise ValueError(f"{self.path}: the model takes {len(infos)} inputs, "
                             f"{len(arrays)} given")
        if outputs is not None or any(
                hasattr(a, "__cuda_array_interface__") for a in arrays):
            return self._run_device(arrays, outputs)
        arrays = [np.ascontiguousarray(a, dtype=i["dtype"]) for a, i in zip(arrays, infos)]
        return self._m.run(arrays)

    def _device_array(self, a, what, info, output):
        """(pointer, shape, stream) of a device array, checked."""
        name = f"{what} {info['name']!r}"
        cai = getattr(a, "__cuda_array_interface__", None)
        if cai is None:
            raise TypeError(
                f"{self.path}: {name} is a {type(a).__name__}, not a device "
                f"array (__cuda_array_interface__): give every input and "
                f"output in device memory, or the inputs alone as host arrays")
        dtype = np.dtype(cai["typestr"])
        if dtype != np.dtype(info["dtype"]):
            raise TypeError(f"{self.path}: {name} is {dtype}, the model's is "
                            f"{np.dtype(info['dtype'])}")
        shape = tuple(int(d) for d in cai["shape"])
        strides = cai.get("strides")
        dense = [dtype.itemsize]
        for d in reversed(shape[1:]):
            dense.insert(0, dense[0] * d)
        if strides is not None and any(
                n > 1 and s != w for n, s, w in zip(shape, strides, dense)):
            raise ValueError(f"{self.path}: {name} is not C-contiguous "
                             f"(strides {tuple(strides)})")
        ptr, readonly = cai["data"]
        if output and readonly:
            raise ValueError(f"{self.path}: {name} is read-only")
        return int(ptr or 0), shape, cai.get("stream")

    def _run_device(self, arrays, outputs):
        if not self.gpu:
            raise ValueError(f"{self.path} runs on the CPU: it takes host "
                             f"arrays (compile it with target='nvptx' to run "
                             f"it on device arrays)")
        outs = self._m.outputs
        if outputs is None or len(outputs) != len(outs):
            raise ValueError(
                f"{self.path}: on device arrays, run() writes into the "
                f"outputs given: outputs=[...] with {len(outs)} device "
                f"array(s), {0 if outputs is None else len(outputs)} given")
        ins = [self._device_array(a, "input", i, False)
               for a, i in zip(arrays, self._m.inputs)]
        dev_outs = [self._device_array(a, "output", o, True)
                    for a, o in zip(outputs, outs)]
        # CUDA Array Interface v3: the stream the producer used (1: the
        # legacy default stream, as the driver names it; None: ready).
        stream = next((s for _, _, s in ins if s is not None), None) or 0
        shapes = self._m.run_device(
            [(p, list(shape)) for p, shape, _ in ins],
            [(p, int(np.prod(shape, dtype=np.int64)) * np.dtype(o["dtype"]).itemsize)
             for (p, shape, _), o in zip(dev_outs, outs)], stream)
        for (_, shape, _), got, o in zip(dev_outs, shapes, outs):
            if tuple(got) != shape:
                raise ValueError(f"{self.path}: output {o['name']!r} has shape "
                                 f"{tuple(got)}, the array given {shape}")
        return list(outputs)

    def __call__(self, *inputs, **named):
        if named:
            if inputs:
                raise TypeError("give inputs by position or by name, not both")
            return self.run(named)
        return self.run(list(inputs))

    def __repr__(self):
        sig = lambda ts: ", ".join(f"{t['name']}: {t['dtype']}{t['shape']}" for t in ts)
        return f"<dyad.Model {self.path!r} ({sig(self.inputs)}) -> ({sig(self.outputs)})>"


# ------------------------------------------------------------ calibration
def _samples(data):
    """Calibration data as a list of dicts name -> array, from: a
    CalibrationDataReader (onnxruntime's: get_next() returns a dict or None),
    an array, a dict of arrays (each holding many samples along its batch
    axis), or an iterable of dicts / arrays / tuples."""
    if hasattr(data, "get_next"):
        out = []
        while True:
            d = data.get_next()
            if d is None:
                return out
            out.append(d)
    if isinstance(data, np.ndarray) or isinstance(data, dict):
        return [data]
    return list(data)


def _write_npz(data, names, directory):
    """The samples as one .npz (an array per input, samples concatenated
    along axis 0), the format dyad::compile's calibration reads."""
    batches = {}
    for s in _samples(data):
        if isinstance(s, dict):
            d = s
        elif isinstance(s, (list, tuple)):
            d = dict(zip(names, s))
        else:
            if len(names) != 1:
                raise ValueError("calibration samples of a model with "
                                 f"{len(names)} inputs must be dicts or tuples")
            d = {names[0]: s}
        for k, v in d.items():
            batches.setdefault(k, []).append(np.asarray(v))
    if not batches:
        raise ValueError("the calibration data holds no samples")
    path = os.path.join(directory, "calibration.npz")
    np.savez(path, **{k: np.concatenate(v, axis=0) for k, v in batches.items()})
    return path


def _input_names(model, workdir, options):
    """The graph's input names (for array samples): from the imported graph."""
    path = os.path.join(workdir, "signature.mlir")
    opts = {k: options[k] for k in ("input", "input_shapes", "bind_inputs") if k in options}
    opts.update(output=path, emit="dyad")
    _run(opts, [])
    return _dyad.graph_signature(path)[0]


def _terminal_progress(task, done, total, unit, seconds):
    """progress=True: one line on stderr, redrawn (a terminal only)."""
    import sys
    if not sys.stderr.isatty():
        return
    pct = f" ({100 * done / total:.0f}%)" if total else ""
    end = "\n" if total and done >= total else ""
    sys.stderr.write(f"\r\033[K{task}: {done}/{total} {unit}{pct}, {seconds:.1f} s{end}")
    sys.stderr.flush()


def _run(opts, messages):
    """dyad::compile; raises CompileError; warnings to `messages` or as
    CompileWarning."""
    if opts.get("progress") is True:
        opts["progress"] = _terminal_progress
    elif opts.get("progress") in (None, False):
        opts.pop("progress", None)
    got = []
    status = _dyad.compile(opts, got)
    if messages is not None:
        messages.extend(got)
    else:
        for kind, text in got:
            if kind == "warning":
                _warnings.warn(text, CompileWarning, stacklevel=3)
    if status[0] != "ok":
        raise CompileError(*status[1:])
    return status


def _model_path(model, workdir):
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    if hasattr(model, "SerializeToString"):  # onnx.ModelProto
        path = os.path.join(workdir, "model.onnx")
        with open(path, "wb") as f:
            f.write(model.SerializeToString())
        return path
    raise TypeError("model must be a path or an onnx.ModelProto, not "
                    f"{type(model).__name__}")


_OPTION_NAMES = {
    "input_shapes", "bind_inputs", "target", "gpu_arch", "cpu", "features",
    "opt_level",
    "nibble_weights", "profile", "calib_method", "calib_percentile",
    "calib_momentum", "calib_count", "calib_batch", "activation_bits",
    "bias_correction",
    "allow_float_ops", "mixed_bits", "mixed_activation_bits", "keep_8bit",
    "tie", "layer_bits",
    "latency_batch",
    "latency_threads", "sensitivity_samples",
    "sensitivity", "pareto", "progress",
}


def _check_options(options, caller):
    """A TypeError for a keyword option dyad::compile does not take."""
    unknown = sorted(set(options) - _OPTION_NAMES)
    if unknown:
        raise TypeError(f"{caller}() got an unknown option {unknown[0]!r}")


def _compile_options(model, output, default_name, quantize, calibration,
                     calibration_table, bits, budget, options, caller):
    """dyad::compile's options from compile()'s and export_qdq()'s arguments."""
    _check_options(options, caller)
    if (calibration is not None or bits or budget) and not quantize:
        raise ValueError("calibration, bits and budget need quantize=True")
    workdir = _workdir()
    opts = dict(options)
    opts["input"] = _model_path(model, workdir)
    opts["output"] = os.fspath(output) if output else os.path.join(workdir, default_name)
    opts["emit"] = "lib"
    opts["quantize"] = bool(quantize)
    if calibration is not None:
        if isinstance(calibration, (str, os.PathLike)):
            opts["calibration_data"] = os.fspath(calibration)
        else:
            names = _input_names(model, workdir, opts)
            opts["calibration_data"] = _write_npz(calibration, names, workdir)
    if calibration_table is not None:
        opts["calibration_table"] = os.fspath(calibration_table)
    if bits is not None:
        opts["weight_bits"] = int(bits)
    if budget is not None:
        opts["mixed_precision"] = True
        if isinstance(budget, dict):
            budget = ",".join(f"{k}={v}" for k, v in budget.items())
        opts["budget"] = str(budget)
    return opts, workdir


def compile(model, output=None, *, quantize=False, calibration=None,
            calibration_table=None, bits=None, budget=None, report=False,
            threads=None, messages=None, **options):
    """Compiles `model` (a path to .onnx / .onnxtxt / dyad .mlir, or an
    onnx.ModelProto) to a native library and loads it.

    quantize: an integer-only model. calibration: data to calibrate on (see
    `calibrate`); without it, `calibration_table` (Dyad's, onnxruntime's or
    TensorRT's) or the model's own QDQ parameters are used. bits: weight bits
    for every layer (2..8). budget: mixed precision, e.g. "size=0.6" or
    {"size": 0.6, "latency": 0.8}. report: keep the per-node quantization
    report as `model.report` (a dyad.Report). output: where the .so goes (default: a
    temporary directory removed when the interpreter exits). Other keyword
    options mirror dyadc's flags: input_shapes={"x": [None, 3, 224, 224]},
    bind_inputs, target, cpu, features, opt_level, calib_method, calib_count,
    calib_batch, allow_float_ops, mixed_bits, mixed_activation_bits ([8, 16]),
    keep_8bit, tie (["shared-input",
    "A+B"]), layer_bits (["NODE=w8a16"]), latency_batch, latency_threads, sensitivity,
    pareto, profile, progress (True: a line on a terminal's stderr; or a
    callable(task, done, total, unit, seconds) called as calibration,
    sensitivity and latency timing advance). `messages`, a list, receives the compiler's warnings
    and remarks (the mixed-precision table) as (kind, text); without it,
    warnings are issued as dyad.CompileWarning. Raises CompileError."""
    opts, workdir = _compile_options(model, output, "model.so", quantize,
                                     calibration, calibration_table, bits,
                                     budget, options, "compile")
    if report:
        opts["report"] = os.path.join(workdir, "report.json")
    status = _run(opts, messages)
    result = status[1]
    m = Model(result["output"], threads=threads)
    m.calibration_table = result["calibration_table"] or None
    if report:
        m.report = Report.load(opts["report"])
    return m


def export_qdq(model, output, *, calibration=None, calibration_table=None,
               bits=None, budget=None, messages=None, **options):
    """Writes `model` with Dyad's quantization (calibration, widths, mixed
    precision) as a standard ONNX QDQ model to `output`, for onnxruntime or
    TensorRT (`dyadc --quantize --emit=onnx-qdq`); returns `output`. The
    arguments are compile()'s. Raises CompileError where the model's
    quantization has no faithful QDQ form."""
    opts, _ = _compile_options(model, output, "model.qdq.onnx", True,
                               calibration, calibration_table, bits, budget,
                               options, "export_qdq")
    opts["emit"] = "onnx-qdq"
    _run(opts, messages)
    return opts["output"]


def calibrate(model, data, table=None, *, method="minmax", count=None,
              input_shapes=None, messages=None, **options):
    """Calibrates `model` on `data` and writes a calibration table (Dyad's
    JSON) to `table` (default: a temporary directory removed when the
    interpreter exits); returns its path, for
    compile(..., calibration_table=path).

    data: an onnxruntime CalibrationDataReader (get_next() -> dict or None),
    unchanged; an iterable of dicts (name -> array), of arrays (one-input
    models) or of tuples (inputs in order); an array or a dict of arrays of
    many samples; or a path to .npy / .npz / a directory of them.
    method: minmax, moving-average, percentile, entropy or mse."""
    _check_options(options, "calibrate")
    workdir = _workdir()
    opts = dict(options)
    opts["input"] = _model_path(model, workdir)
    if input_shapes:
        opts["input_shapes"] = input_shapes
    if isinstance(data, (str, os.PathLike)):
        opts["calibration_data"] = os.fspath(data)
    else:
        opts["calibration_data"] = _write_npz(data, _input_names(model, workdir, opts), workdir)
    opts.update(output=os.path.join(workdir, "calibrated.mlir"), emit="dyad",
                quantize=True, calib_method=method,
                calibration_table=os.fspath(table) if table else
                os.path.join(workdir, "calibration.json"))
    # Only the table is wanted: the quantized graph may keep float ops.
    opts.setdefault("allow_float_ops", True)
    if count is not None:
        opts["calib_count"] = int(count)
    status = _run(opts, messages)
    return status[1]["calibration_table"] or opts["calibration_table"]


from . import ir  # noqa: E402
