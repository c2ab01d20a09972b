# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "Dyad"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "api_test.c", "hostile-tensors.test.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dyad_obj_root, "test")

config.substitutions.append(("%PYTHON", config.python_executable))
config.substitutions.append(("%dyad_src", config.dyad_src_root))
config.substitutions.append(("%dyad_obj", config.dyad_obj_root))
config.substitutions.append(("%models", os.path.join(config.dyad_src_root, "models")))
config.substitutions.append(("%onnx_testdata", "/usr/share/libonnx-testdata/data"))

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()
tool_dirs = [config.dyad_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["dyad-opt", "dyad-import", "dyadc", "dyad-run", "dyad-runtime-api-test", "dyad-gpu-memory-test"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.dyad_tools_dir, append_path=True)
# lit runs tests side by side on every core: models (and dyadc's calibration
# runs) use one thread each unless a test asks for more (dyad-run --threads),
# so OpenMP teams do not spin against each other.
config.environment["DYAD_NUM_THREADS"] = "1"
# The Python package (python/, not built in sanitizer builds): %dyad_python
# is Debian's python3 with the build tree's package first on its path.
python_pkg = os.path.join(config.dyad_obj_root, "python")
if os.path.isfile(os.path.join(python_pkg, "dyad", "__init__.py")):
    config.available_features.add("python-package")
config.substitutions.append(
    ("%dyad_python", "env PYTHONPATH=" + python_pkg + " " + config.python_executable))
# The host's CPU: tests of a kernel path this machine can run (the others
# are compiled and disassembled only).
def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()
if "amx_int8" in _cpu_flags() and "amx_tile" in _cpu_flags():
    config.available_features.add("amx-int8")
if config.dyad_sanitize.upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("asan")
    # LLVM's BumpPtrAllocator poisons and unpoisons its slabs by hand in ASan
    # builds. Inlined into Dyad's instrumented code (the dyad dialect's
    # attribute storage) it poisons a slab that the uninstrumented copy in
    # libMLIR.so later allocates from without unpoisoning: a false
    # use-after-poison. Manual poisoning is off; ASan's own checks stay on.
    config.environment["ASAN_OPTIONS"] = "allow_user_poisoning=0"
    # Leaks inside Debian's CBC libraries are theirs (test/lsan.supp).
    config.environment["LSAN_OPTIONS"] = "suppressions=" + os.path.join(
        config.dyad_src_root, "test", "lsan.supp")
