#!/usr/bin/python3
"""Every bundled model on an NVIDIA GPU against the CPU artifact, on the full
test sets.

Dyad compiles anywhere (no CUDA toolkit); the GPU machine needs only its
driver, Python with numpy, and what `prepare` packs. Two steps:

    /usr/bin/python3 scripts/gpu-check.py prepare DIR [--gpu-arch sm_90]
        (here, after a build) compiles each bundled model fp32 and integer-
        only int8 (calibrated on 1000 training images) for --target=nvptx
        and for this CPU, runs the CPU artifacts on the full test sets and
        packs into DIR: the GPU artifacts, dyad-run and libdyad_runtime.so,
        the test sets (compressed) and the CPU outputs.

    python3 DIR/gpu-check.py check DIR
        (on the GPU machine) runs every GPU artifact on its full test set
        through dyad-run and compares it with the CPU artifact: int8 outputs
        must be bit-identical (the integer graph is exact, and its float
        edges are IEEE operations both sides round the same way); fp32
        outputs are compared by max |diff| and accuracy. Then each artifact
        again on the GPU machine's PyTorch tensors: inputs and outputs in
        device memory (dyad_model_set_memory, through ctypes), on PyTorch's
        current stream; and the runtime's device-memory test program
        (test/Runtime/gpu_memory_test.c) on the real driver. Exit 1 on any
        int8 difference, device-memory difference or failed run.

    python3 DIR/gpu-check.py profile DIR [--batch 256]
        (on the GPU machine) each artifact's kernels by time at one batch
        size (DYAD_GPU_PROFILE=1: every launch timed between two events).

    python3 DIR/gpu-check.py bench DIR
        (on the GPU machine) images/s of every GPU artifact at batch 1 and
        256 (dyad-run --bench: host-to-device copies included, CUDA graphs
        from the third run; the default int8 build without graphs, "no
        graphs"; and on device tensors, "int8 (TC) dev", timed as PyTorch
        is), against
        PyTorch fp32 and fp16 (cuDNN) running the same architectures with
        the same weights (models/train.py, packed), and cuBLASLt's int8 GEMM
        (torch._int_mm, B column-major) at 4096^3 and 8192^3.
"""
import argparse
import ctypes as C
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

MODELS = ["mnist_mlp", "mnist_cnn", "fashion_dwsep", "mnist_vit", "fashion_vit"]


def run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n"
                           f"{p.stderr}{p.stdout}")
    return p.stdout


def prepare(args):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, os.path.join(root, "models"))
    import datasets  # noqa: E402
    info = json.load(open(os.path.join(root, "models", "accuracy.json")))
    bin_dir = os.path.abspath(args.bin)
    out = os.path.abspath(args.dir)
    for d in ("bin", "lib", "models", "data", "expected"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    shutil.copy2(os.path.join(bin_dir, "dyad-run"), os.path.join(out, "bin"))
    # The device-memory test program and its model (Y = X + 2; real PTX).
    shutil.copy2(os.path.join(bin_dir, "dyad-gpu-memory-test"),
                 os.path.join(out, "bin"))
    shutil.copy2(os.path.join(bin_dir, "..", "test", "Runtime",
                              "dyad-fake-gpu-model.so"),
                 os.path.join(out, "bin"))
    shutil.copy2(os.path.join(bin_dir, "..", "lib", "libdyad_runtime.so"),
                 os.path.join(out, "lib"))
    shutil.copy2(os.path.abspath(__file__), out)
    work = os.path.join(out, "cpu")
    os.makedirs(work, exist_ok=True)
    dyadc = os.path.join(bin_dir, "dyadc")
    manifest = []
    for name in args.models:
        onnx = os.path.join(root, "models", name + ".onnx")
        dataset = info[name + ".onnx"]["dataset"]
        data = os.path.join(out, "data", dataset + ".npz")
        calib = os.path.join(work, dataset + "-calib.npy")
        if not os.path.exists(data):
            x, y = datasets.load_preprocessed(dataset, "test")
            np.savez_compressed(data, x=x.astype(np.float32), y=y)
            xt, _ = datasets.load_preprocessed(dataset, "train")
            rng = np.random.default_rng(0)
            pick = rng.choice(len(xt), 1000, replace=False)
            np.save(calib, xt[pick].astype(np.float32))
        x = np.load(data)["x"]
        np.save(os.path.join(work, "x.npy"), x)
        # int8: CUDA-core loops only (--gpu-tensor-cores=false); int8-tc:
        # the same integer model as dyadc compiles it by default, its int8
        # convolutions and large-K matmuls on tensor cores; int8-tcN: with
        # the tensor-core GEMM shape --tc-variants[N-1] (dyadc --gpu-mma).
        kinds = [("fp32", None), ("int8", None), ("int8-tc", "")]
        kinds += [(f"int8-tc{i}", v) for i, v in enumerate(args.tc_variants, 1)]
        for kind, mma in kinds:
            tag = f"{name}.{kind}"
            quant = []
            table = os.path.join(work, name + ".int8.calib.json")
            if kind == "int8":
                quant = ["--quantize", "--calibrate", calib,
                         "--calib-table", table, "--gpu-tensor-cores=false"]
            elif mma is not None:
                # A variant is --gpu-mma options, or dyadc flags after
                # "dyadc:" ("dyadc:--gpu-unroll=8").
                quant = ["--quantize", "--calib-table", table,
                         "--gpu-tensor-cores"] + (
                             mma[len("dyadc:"):].split()
                             if mma.startswith("dyadc:")
                             else ["--gpu-mma=" + mma])
            t0 = time.time()
            run([dyadc, onnx, *quant, "--target=nvptx",
                 "--gpu-arch=" + args.gpu_arch,
                 "-o", os.path.join(out, "models", tag + ".so")])
            gpu_s = time.time() - t0
            if kind == "int8":
                quant = ["--quantize", "--calib-table", table]
            if mma is not None:
                # The same integer model as int8: the same CPU outputs.
                shutil.copy2(os.path.join(out, "expected", name + ".int8.npy"),
                             os.path.join(out, "expected", tag + ".npy"))
            else:
                cpu_lib = os.path.join(work, tag + ".so")
                run([dyadc, onnx, *quant, "-o", cpu_lib])
                res = os.path.join(work, "out-" + tag)
                run([os.path.join(bin_dir, "dyad-run"), cpu_lib, "--input",
                     os.path.join(work, "x.npy"), "--output-dir", res])
                outs = sorted(f for f in os.listdir(res) if f.endswith(".npy"))
                np.save(os.path.join(out, "expected", tag + ".npy"),
                        np.load(os.path.join(res, outs[0])))
            manifest.append({"model": name, "kind": kind, "dataset": dataset,
                             "mma": mma, "compile_s": round(gpu_s, 2)})
            print(f"{tag}: GPU artifact compiled in {gpu_s:.1f} s, CPU "
                  f"outputs saved", flush=True)
    # The peers: the architectures of models/train.py with the ONNX
    # models' weights (their initializers are the state_dict's names).
    import onnx
    from onnx import numpy_helper
    os.makedirs(os.path.join(out, "torch"), exist_ok=True)
    for f in ("train.py", "datasets.py"):
        shutil.copy2(os.path.join(root, "models", f),
                     os.path.join(out, "torch"))
    for name in args.models:
        g = onnx.load(os.path.join(root, "models", name + ".onnx")).graph
        np.savez(os.path.join(out, "torch", name + ".npz"),
                 **{t.name: numpy_helper.to_array(t) for t in g.initializer})
        # The peer must compute the model: its logits on the reference
        # images are the exported ones.
        import torch
        ref = np.load(os.path.join(root, "models", name + ".ref.npz"))
        with torch.no_grad():
            y = torch_model(out, name)(torch.from_numpy(ref["input"])).numpy()
        if np.abs(y - ref["logits"]).max() > 1e-4:
            raise RuntimeError(f"{name}: the PyTorch peer's logits differ")
    # Dyad's int8 GEMM alone: MatMulInteger models [N, N] x [N, N] by a
    # constant weight, on tensor cores. The weight is a pattern (the speed
    # does not depend on the values, and the library compresses from 64 MB
    # to little for the trip to the GPU machine).
    import gzip
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    gemms = []
    jobs = []
    for n in args.gemm_sizes:
        i = np.arange(n, dtype=np.int64)
        w = (((i[:, None] * 7 + i[None, :] * 13) % 255) - 127).astype(np.int8)
        g = helper.make_graph(
            [helper.make_node("MatMulInteger", ["A", "W"], ["Y"], name="gemm")],
            "gemm", [helper.make_tensor_value_info("A", TensorProto.INT8, ["M", n])],
            [helper.make_tensor_value_info("Y", TensorProto.INT32, ["M", n])],
            [numpy_helper.from_array(w, "W")])
        path = os.path.join(work, f"gemm-{n}.onnx")
        onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), path)
        # One library per kernel shape (--gemm-configs: dyadc --gpu-mma
        # options; "" is the default shape).
        for c, config in enumerate(args.gemm_configs):
            name = f"gemm-{n}-{c}"
            jobs.append((n, config, name, path))
    from concurrent.futures import ThreadPoolExecutor

    def compile_gemm(job):
        n, config, name, path = job
        lib = os.path.join(work, name + ".so")
        run([dyadc, path, "--target=nvptx", "--gpu-arch=" + args.gpu_arch,
             "--gpu-tensor-cores", "--gpu-mma=" + config, "-o", lib])
        with open(lib, "rb") as f, gzip.open(
                os.path.join(out, "models", name + ".so.gz"), "wb") as z:
            shutil.copyfileobj(f, z)
        os.remove(lib)
        print(f"gemm {n}^3 [{config or 'default'}]: compiled", flush=True)
        return {"n": n, "config": config, "file": name + ".so.gz"}
    with ThreadPoolExecutor(max(1, min(args.jobs, len(jobs) or 1))) as pool:
        gemms = list(pool.map(compile_gemm, jobs))
    shutil.rmtree(work)
    json.dump({"gpu_arch": args.gpu_arch, "models": manifest, "gemms": gemms},
              open(os.path.join(out, "manifest.json"), "w"), indent=1)
    print(f"packed {out}; on the GPU machine: python3 "
          f"{os.path.basename(out)}/gpu-check.py check "
          f"{os.path.basename(out)}")


class DeviceModel:
    """A GPU artifact run on PyTorch's device tensors through the runtime's
    C API (libdyad_runtime.so by ctypes): inputs and outputs in device
    memory, work on PyTorch's current stream."""

    class Tensor(C.Structure):
        _fields_ = [("data", C.c_void_p), ("dtype", C.c_int32),
                    ("rank", C.c_int32), ("shape", C.c_int64 * 8),
                    ("capacity_bytes", C.c_size_t)]

    class Info(C.Structure):
        _fields_ = [("name", C.c_char_p), ("dtype", C.c_int32),
                    ("rank", C.c_int32), ("shape", C.POINTER(C.c_int64)),
                    ("dim_params", C.c_void_p), ("scale", C.c_double),
                    ("zero_point", C.c_int64)]

    def __init__(self, runtime, path):
        import torch
        self.torch = torch
        self.dtypes = {1: torch.float32, 2: torch.uint8, 3: torch.int8,
                       6: torch.int32, 7: torch.int64}
        lib = self.lib = C.CDLL(runtime)
        lib.dyad_model_load.argtypes = [C.c_char_p, C.POINTER(C.c_void_p),
                                        C.c_char_p, C.c_size_t]
        lib.dyad_model_last_error.restype = C.c_char_p
        lib.dyad_model_last_error.argtypes = [C.c_void_p]
        lib.dyad_model_output.restype = C.POINTER(self.Info)
        lib.dyad_model_output.argtypes = [C.c_void_p, C.c_int]
        for f in ("dyad_model_num_outputs", "dyad_model_free"):
            getattr(lib, f).argtypes = [C.c_void_p]
        lib.dyad_model_set_memory.argtypes = [C.c_void_p, C.c_int, C.c_int]
        lib.dyad_model_set_gpu_stream.argtypes = [C.c_void_p, C.c_void_p]
        lib.dyad_model_output_shape.argtypes = [
            C.c_void_p, C.POINTER(self.Tensor), C.c_int, C.c_int,
            C.POINTER(C.c_int64)]
        lib.dyad_model_run.argtypes = [C.c_void_p, C.POINTER(self.Tensor),
                                       C.c_int, C.POINTER(self.Tensor), C.c_int]
        self.m = C.c_void_p()
        err = C.create_string_buffer(1024)
        if lib.dyad_model_load(path.encode(), C.byref(self.m), err, 1024):
            raise RuntimeError(err.value.decode())
        torch.cuda.init()
        self.ok(lib.dyad_model_set_memory(self.m, 1, 1))
        # PyTorch's default stream is the legacy one (handle 0), which the
        # driver calls CU_STREAM_LEGACY (0x1).
        self.ok(lib.dyad_model_set_gpu_stream(
            self.m, C.c_void_p(torch.cuda.current_stream().cuda_stream or 1)))
        self.n_out = lib.dyad_model_num_outputs(self.m)

    def ok(self, status):
        if status:
            raise RuntimeError(f"status {status}: " + self.lib.dyad_model_last_error(
                self.m).decode())

    def tensor(self, t, capacity=0):
        d = self.Tensor()
        d.data = t.data_ptr()
        d.dtype = {v: k for k, v in self.dtypes.items()}[t.dtype]
        d.rank = t.dim()
        for i, n in enumerate(t.shape):
            d.shape[i] = n
        d.capacity_bytes = capacity
        return d

    def outputs_for(self, *inputs):
        ins = (self.Tensor * len(inputs))(*[self.tensor(t) for t in inputs])
        outs = []
        for i in range(self.n_out):
            info = self.lib.dyad_model_output(self.m, i).contents
            shape = (C.c_int64 * 8)()
            self.ok(self.lib.dyad_model_output_shape(self.m, ins, len(inputs),
                                                     i, shape))
            outs.append(self.torch.empty(list(shape[:info.rank]),
                                         dtype=self.dtypes[info.dtype],
                                         device="cuda"))
        return ins, outs

    def run(self, ins, outs):
        # The descriptors of the last outputs are kept: a timed loop pays
        # for the C call only, as dyad-run's does.
        if getattr(self, "_outs", None) is not outs:
            self._outs, self._descs = outs, (self.Tensor * len(outs))(*[
                self.tensor(t, t.numel() * t.element_size()) for t in outs])
        self.ok(self.lib.dyad_model_run(self.m, ins, len(ins), self._descs,
                                        len(outs)))

    def __del__(self):
        if getattr(self, "m", None):
            self.lib.dyad_model_free(self.m)


def check(args):
    out = os.path.abspath(args.dir)
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.join(out, "lib") + (
        ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    dyad_run = os.path.join(out, "bin", "dyad-run")
    work = os.path.join(out, "run")
    os.makedirs(work, exist_ok=True)
    failed = 0
    loaded = {}
    print(f"{'model':<22} {'outputs':<22} {'GPU vs CPU':<26} accuracy (GPU / CPU)")
    for m in manifest["models"]:
        tag = f"{m['model']}.{m['kind']}"
        if m["dataset"] not in loaded:
            d = np.load(os.path.join(out, "data", m["dataset"] + ".npz"))
            loaded[m["dataset"]] = (d["x"], d["y"])
            np.save(os.path.join(work, m["dataset"] + ".npy"), d["x"])
        x, y = loaded[m["dataset"]]
        res = os.path.join(work, "out-" + tag)
        try:
            run([dyad_run, os.path.join(out, "models", tag + ".so"),
                 "--input", os.path.join(work, m["dataset"] + ".npy"),
                 "--output-dir", res], env=env)
        except RuntimeError as e:
            failed += 1
            print(f"{tag:<22} FAILED: {e}")
            continue
        outs = sorted(f for f in os.listdir(res) if f.endswith(".npy"))
        got = np.load(os.path.join(res, outs[0]))
        want = np.load(os.path.join(out, "expected", tag + ".npy"))
        same = got.shape == want.shape and np.array_equal(
            got.view(np.uint8), want.view(np.uint8))
        diff = (float(np.max(np.abs(got.astype(np.float64) -
                                    want.astype(np.float64))))
                if got.shape == want.shape else float("inf"))
        acc = lambda o: 100.0 * float(np.mean(o.argmax(1) == y))  # noqa
        verdict = "bit-identical" if same else f"max |diff| {diff:.3g}"
        if m["kind"].startswith("int8") and not same:
            failed += 1
            verdict += " (MUST be identical)"
        # The same on device tensors, on a stream of PyTorch's: the same
        # bytes as through dyad-run (host buffers, one run). Three runs: the
        # first launches kernel by kernel, the second is captured as a CUDA
        # graph, the third (the test set reversed) replays it.
        try:
            import torch
            stream = torch.cuda.Stream()
            dev_same = True
            with torch.cuda.stream(stream):
                dm = DeviceModel(os.path.join(out, "lib", "libdyad_runtime.so"),
                                 os.path.join(out, "models", tag + ".so"))
                for order in (slice(None), slice(None), slice(None, None, -1)):
                    xt = torch.from_numpy(np.ascontiguousarray(x[order])).cuda()
                    ins, outs = dm.outputs_for(xt)
                    dm.run(ins, outs)
                    dev = outs[0].cpu().numpy()
                    dev_same &= dev.shape == got.shape and np.array_equal(
                        dev.view(np.uint8),
                        np.ascontiguousarray(got[order]).view(np.uint8))
                del dm
        except Exception as e:  # noqa: BLE001
            dev_same, dev = False, None
            print(f"{tag}: device-memory run FAILED: {e}")
        failed += not dev_same
        print(f"{tag:<22} {str(got.shape):<22} {verdict:<26} "
              f"{acc(got):.2f}% / {acc(want):.2f}% on {len(y)}; device "
              f"tensors: {'same bytes' if dev_same else 'DIFFER'}", flush=True)
    # The runtime's device-memory test on the real driver.
    p = subprocess.run([os.path.join(out, "bin", "dyad-gpu-memory-test"),
                        os.path.join(out, "bin", "dyad-fake-gpu-model.so"),
                        "libcuda.so.1"], capture_output=True, text=True,
                       env=env)
    print("dyad-gpu-memory-test on this GPU:\n" + p.stdout + p.stderr)
    runs = [l for l in p.stdout.splitlines() if " wrong" in l]
    if p.returncode or len(runs) != 7 or any(
            not l.endswith(" 0 wrong") for l in runs):
        failed += 1
        print("dyad-gpu-memory-test: FAILED")
    print("gpu-check:", "FAILED" if failed else "ok")
    return 1 if failed else 0


def dyad_images_per_s(dyad_run, lib, x, env, runs):
    out = run([dyad_run, lib, "--input", x, "--bench", str(runs)], env=env)
    line = next(l for l in out.splitlines() if l.startswith("bench:"))
    return float(line.split("median ")[1].split(" ms")[0])


def torch_model(out, name):
    import types
    import torch
    # train.py imports onnx for its export step; the GPU machine needs
    # only torch to build the modules.
    sys.modules.setdefault("onnx", types.ModuleType("onnx"))
    sys.path.insert(0, os.path.join(out, "torch"))
    import train
    cls = {"mnist_mlp": train.MnistMLP, "mnist_cnn": train.MnistCNN,
           "fashion_dwsep": train.FashionDWSep, "fashion_vit": train.FashionViT,
           "mnist_vit": train.MnistViT}[name]
    m = cls()
    w = np.load(os.path.join(out, "torch", name + ".npz"))
    params = m.state_dict()
    state = {k: torch.from_numpy(w[k]) for k in w.files if k in params}
    # Linear layers that the exporter turned into MatMul keep their weight
    # transposed under a generated name (onnx::MatMul_<n>, in module order).
    generated = sorted((k for k in w.files if k not in params),
                       key=lambda k: int(k.rsplit("_", 1)[-1])
                       if k.rsplit("_", 1)[-1].isdigit() else -1)
    for k in [k for k in params if k not in state and k.endswith("weight")]:
        if generated and w[generated[0]].T.shape == tuple(params[k].shape):
            state[k] = torch.from_numpy(np.ascontiguousarray(
                w[generated.pop(0)].T))
    missing, unexpected = m.load_state_dict(state, strict=False)
    unexpected = list(unexpected) + generated
    if unexpected or [k for k in missing if not k.endswith("num_batches_tracked")]:
        raise RuntimeError(f"{name}: weights do not match train.py's module: "
                           f"missing {missing}, unexpected {unexpected}")
    return m.eval()


def torch_ms(model, x, runs):
    import torch
    with torch.inference_mode():
        for _ in range(5):
            model(x)
        torch.cuda.synchronize()
        times = []
        for _ in range(runs):
            a = torch.cuda.Event(enable_timing=True)
            b = torch.cuda.Event(enable_timing=True)
            a.record()
            model(x)
            b.record()
            b.synchronize()
            times.append(a.elapsed_time(b))
    return sorted(times)[len(times) // 2]


def bench(args):
    import torch
    out = os.path.abspath(args.dir)
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.join(out, "lib")
    dyad_run = os.path.join(out, "bin", "dyad-run")
    work = os.path.join(out, "run")
    os.makedirs(work, exist_ok=True)
    torch.backends.cudnn.benchmark = True
    print(f"GPU: {torch.cuda.get_device_name(0)}; images/s (median of "
          f"{args.runs} runs; Dyad through dyad-run, host copies included; "
          f"PyTorch on device tensors)")
    kinds = list(dict.fromkeys(m["kind"] for m in manifest["models"]))
    for kind, mma in {m["kind"]: m.get("mma") for m in manifest["models"]
                      if m.get("mma")}.items():
        print(f"{kind}: --gpu-mma={mma!r}")
    names = {"fp32": "Dyad fp32", "int8": "Dyad int8", "int8-tc": "int8 (TC)"}
    dev_kind = "int8-tc" if "int8-tc" in kinds else None
    print(f"{'model':<15} {'batch':>5} " +
          " ".join(f"{names.get(k, k):>10}" for k in kinds) +
          (f" {'no graphs':>10} {'int8 (TC) dev':>14}" if dev_kind else "") +
          f" {'torch fp32':>11} {'torch fp16':>11}")
    data = {}
    for name in dict.fromkeys(m["model"] for m in manifest["models"]
                              if not args.gemm_only):
        ds = next(m["dataset"] for m in manifest["models"] if m["model"] == name)
        if ds not in data:
            data[ds] = np.load(os.path.join(out, "data", ds + ".npz"))["x"]
        model = torch_model(out, name).cuda()
        for b in (1, 256):
            xb = np.ascontiguousarray(data[ds][:b])
            path = os.path.join(work, f"{ds}-{b}.npy")
            np.save(path, xb)
            row = {}
            for kind in kinds:
                lib = os.path.join(out, "models", f"{name}.{kind}.so")
                ms = dyad_images_per_s(dyad_run, lib, path, env, args.runs)
                row[kind] = b / ms * 1e3
            xt = torch.from_numpy(xb).cuda()
            if dev_kind:
                # The default build kernel by kernel (no CUDA graphs).
                ms = dyad_images_per_s(
                    dyad_run, os.path.join(out, "models", f"{name}.{dev_kind}.so"),
                    path, dict(env, DYAD_GPU_GRAPHS="0"), args.runs)
                row["nograph"] = b / ms * 1e3
                # Inputs and outputs on the device, timed as PyTorch is, on
                # a stream of PyTorch's (the default one is not capturable).
                stream = torch.cuda.Stream()
                with torch.cuda.stream(stream):
                    dm = DeviceModel(os.path.join(out, "lib", "libdyad_runtime.so"),
                                     os.path.join(out, "models",
                                                  f"{name}.{dev_kind}.so"))
                    xs = xt.clone()
                    ins, outs = dm.outputs_for(xs)
                    row["dev"] = b / torch_ms(lambda _: dm.run(ins, outs), None,
                                              args.runs) * 1e3
                    del dm
            row["t32"] = b / torch_ms(model, xt, args.runs) * 1e3
            row["t16"] = b / torch_ms(model.half(), xt.half(), args.runs) * 1e3
            model.float()
            print(f"{name:<15} {b:>5} " +
                  " ".join(f"{row[k]:>10.0f}" for k in kinds) +
                  (f" {row['nograph']:>10.0f} {row['dev']:>14.0f}"
                   if dev_kind else "") +
                  f" {row['t32']:>11.0f} {row['t16']:>11.0f}", flush=True)
    # Dyad's int8 GEMM (kernel time from DYAD_GPU_PROFILE, as the peer's is
    # CUDA-event time around the kernel) against cuBLASLt through
    # torch._int_mm (B column-major), on the same operands; the results
    # must agree exactly.
    import gzip
    peak = {"H100": 1979, "H200": 1979}.get(
        next((k for k in ("H100", "H200") if k in torch.cuda.get_device_name(0)),
             ""), None)
    peer = {}
    for g in manifest.get("gemms", []):
        n, config = g["n"], g["config"]
        lib = os.path.join(work, g["file"][:-len(".gz")])
        with gzip.open(os.path.join(out, "models", g["file"]), "rb") as z, \
                open(lib, "wb") as f:
            shutil.copyfileobj(z, f)
        rng = np.random.default_rng(n)
        a = rng.integers(-128, 128, (n, n), dtype=np.int8)
        path = os.path.join(work, f"gemm-{n}-a.npy")
        np.save(path, a)
        genv = dict(env, DYAD_GPU_PROFILE="1")
        p = subprocess.run([dyad_run, lib, "--input", path, "--bench",
                            str(args.runs), "--output-dir",
                            os.path.join(work, f"gemm-{n}-out")],
                           capture_output=True, text=True, env=genv)
        shape = config or "default"
        os.remove(lib)
        if p.returncode != 0:
            print(f"Dyad GEMM {n}^3 [{shape}]: FAILED: {p.stderr}")
            continue
        rows = [l.split() for l in p.stderr.splitlines()
                if l.strip() and l.split()[0].isdigit() and len(l.split()) >= 6]
        calls, ms = int(rows[0][0]), float(rows[0][1])
        dyad_ms = ms / calls
        i = np.arange(n, dtype=np.int64)
        w = (((i[:, None] * 7 + i[None, :] * 13) % 255) - 127).astype(np.int8)
        if n not in peer:
            ta = torch.from_numpy(a).cuda()
            tb = torch.from_numpy(np.ascontiguousarray(w.T)).cuda().t()
            want = torch._int_mm(ta, tb).cpu().numpy()
            peer[n] = (want, torch_ms(lambda _: torch._int_mm(ta, tb), None,
                                      args.runs))
            del ta, tb
        want, peer_ms = peer[n]
        got = np.load(os.path.join(work, f"gemm-{n}-out", "Y.npy"))
        same = np.array_equal(got, want)
        tops = lambda t: 2 * n ** 3 / t / 1e9  # noqa: E731
        pk = f", {100 * tops(dyad_ms) / peak:.0f}% of the {peak} TOPS peak" if peak else ""
        print(f"int8 GEMM {n}^3 [{shape}]: Dyad {dyad_ms:.3f} ms {tops(dyad_ms):.0f} TOPS"
              f"{pk}; cuBLASLt {peer_ms:.3f} ms {tops(peer_ms):.0f} TOPS; "
              f"Dyad/cuBLASLt {100 * peer_ms / dyad_ms:.0f}%; results "
              f"{'identical' if same else 'DIFFER'}", flush=True)
    return 0


def profile(args):
    """Where a batch's time goes: every GPU artifact at batch --batch with
    DYAD_GPU_PROFILE=1 (each launch timed between two events), the --top
    kernels by time."""
    out = os.path.abspath(args.dir)
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.join(out, "lib")
    env["DYAD_GPU_PROFILE"] = "1"
    dyad_run = os.path.join(out, "bin", "dyad-run")
    work = os.path.join(out, "run")
    os.makedirs(work, exist_ok=True)
    for m in manifest["models"]:
        tag = f"{m['model']}.{m['kind']}"
        path = os.path.join(work, f"{m['dataset']}-{args.batch}.npy")
        if not os.path.exists(path):
            x = np.load(os.path.join(out, "data", m["dataset"] + ".npz"))["x"]
            np.save(path, np.ascontiguousarray(x[:args.batch]))
        p = subprocess.run([dyad_run, os.path.join(out, "models", tag + ".so"),
                            "--input", path, "--bench", str(args.runs)],
                           capture_output=True, text=True, env=env)
        lines = p.stderr.splitlines()
        start = next((i for i, l in enumerate(lines)
                      if l.startswith("GPU profile")), None)
        print(f"== {tag}, batch {args.batch}")
        if p.returncode != 0 or start is None:
            print(f"FAILED ({p.returncode}): {p.stderr}{p.stdout}")
            continue
        print("\n".join(lines[start:start + 2 + args.top]), flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("dir")
    p.add_argument("--gpu-arch", default="sm_90")
    p.add_argument("--bin", default="build/bin")
    p.add_argument("--models", nargs="*", default=MODELS)
    p.add_argument("--gemm-sizes", nargs="*", type=int, default=[4096, 8192])
    p.add_argument("--gemm-configs", nargs="*", default=[""],
                   help="tensor-core GEMM shapes to pack (dyadc --gpu-mma "
                        "options; \"\" is the default)")
    p.add_argument("--tc-variants", nargs="*", default=[],
                   help="more int8 tensor-core builds of each model, "
                        "int8-tc1, int8-tc2, ... (dyadc --gpu-mma options, "
                        "or dyadc flags: \"dyadc:--gpu-unroll=8\")")
    p.add_argument("--jobs", type=int, default=2,
                   help="GEMM libraries compiled at once")
    c = sub.add_parser("check")
    c.add_argument("dir")
    b = sub.add_parser("bench")
    b.add_argument("dir")
    b.add_argument("--runs", type=int, default=50)
    b.add_argument("--gemm-only", action="store_true",
                   help="only the int8 GEMMs")
    f = sub.add_parser("profile")
    f.add_argument("dir")
    f.add_argument("--batch", type=int, default=256)
    f.add_argument("--runs", type=int, default=10)
    f.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    if args.cmd == "prepare":
        prepare(args)
        return 0
    return {"check": check, "bench": bench, "profile": profile}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
