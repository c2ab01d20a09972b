"""gpu-device.test: dyad.Model.run on device arrays (see gpu-device.test)."""
import ctypes
import os
import shutil
import sys
import tempfile

import numpy as np

import dyad

runtime_dir = sys.argv[1]
work = tempfile.mkdtemp()
model_path = os.path.join(work, "gpu.so")
shutil.copy(os.path.join(runtime_dir, "dyad-fake-gpu-model.so"), model_path)
cuda = ctypes.CDLL(os.environ["DYAD_CUDA_LIBRARY"])


class DeviceArray:
    """Device memory of the stand-in driver (host memory underneath), as a
    CUDA Array Interface v3 array."""

    def __init__(self, host, stream=None, readonly=False, strides=None):
        self.host = np.ascontiguousarray(host)
        ptr = ctypes.c_ulonglong()
        assert cuda.cuMemAlloc_v2(ctypes.byref(ptr),
                                  ctypes.c_size_t(max(self.host.nbytes, 1))) == 0
        self.ptr = ptr.value
        ctypes.memmove(self.ptr, self.host.ctypes.data, self.host.nbytes)
        self.__cuda_array_interface__ = {
            "shape": self.host.shape, "typestr": self.host.dtype.str,
            "data": (self.ptr, readonly), "version": 3, "strides": strides,
            "stream": stream}

    def numpy(self):
        out = np.empty_like(self.host)
        ctypes.memmove(out.ctypes.data, self.ptr, out.nbytes)
        return out


model = dyad.Model(model_path)
print("gpu", model.gpu)
x = np.arange(300, dtype=np.float32) * 0.25 - 3
dx, dy = DeviceArray(x), DeviceArray(np.zeros(300, np.float32))
outs = model.run([dx], outputs=[dy])
print(f"device run: same object {outs[0] is dy}, Y = X + 2: "
      f"{np.array_equal(dy.numpy(), x + 2)}")
print("host run after it:", np.array_equal(model(x)[0], x + 2))
dz = DeviceArray(np.zeros(300, np.float32))
model.run({"X": DeviceArray(x, stream=1)}, outputs=[dz])
print("legacy stream run:", np.array_equal(dz.numpy(), x + 2))


def expect(what, f):
    try:
        f()
        print(what, "no error")
    except (ValueError, TypeError) as e:
        print(f"{what}: {type(e).__name__}: {e}")


expect("no outputs", lambda: model.run([dx]))
expect("host output", lambda: model.run([dx], outputs=[np.zeros(300, np.float32)]))
expect("dtype", lambda: model.run([DeviceArray(x.astype(np.int32))], outputs=[dy]))
expect("strided", lambda: model.run([DeviceArray(x, strides=(8,))], outputs=[dy]))
expect("read-only output", lambda: model.run(
    [dx], outputs=[DeviceArray(np.zeros(300, np.float32), readonly=True)]))
expect("small output", lambda: model.run(
    [dx], outputs=[DeviceArray(np.zeros(100, np.float32))]))


class HostPointer:
    """Claims to be a device array, points at host memory."""
    def __init__(self, a):
        self.a = a
        self.__cuda_array_interface__ = {
            "shape": a.shape, "typestr": a.dtype.str,
            "data": (a.ctypes.data, False), "version": 3}


expect("not device memory", lambda: model.run([HostPointer(x)], outputs=[dy]))
relu = os.path.join(work, "relu.so")
dyad.compile(os.path.join(os.path.dirname(__file__), "..", "Runtime", "Inputs",
                          "relu.onnxtxt"), output=relu)
expect("cpu model", lambda: dyad.Model(relu).run([dx], outputs=[dy]))
sys.stdout.flush()
del model  # the stand-in driver reports when the model lets go of the GPU
