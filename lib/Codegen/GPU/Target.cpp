//===- Target.cpp - the GPU a model is compiled for -----------------------===//
#include "dyad/Codegen/GPU/Target.h"

#include <cstdlib>
#include <dlfcn.h>

using namespace dyad;

bool dyad::isGpuTarget(const TargetOptions &options) {
  return options.target == "nvptx";
}

std::string dyad::detectGpuChip(std::string &why) {
  // Three calls of the driver API (their C signatures are stable since
  // CUDA 2); the handle stays open, as the driver expects of a process.
  // DYAD_CUDA_LIBRARY names another driver library, as for the runtime.
  const char *path = std::getenv("DYAD_CUDA_LIBRARY");
  if (!path || !*path)
    path = "libcuda.so.1";
  void *driver = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!driver) {
    const char *e = dlerror();
    why = std::string("no CUDA driver (") + (e ? e : path) + ")";
    return "";
  }
  using InitFn = int (*)(unsigned);
  using GetFn = int (*)(int *, int);
  using AttrFn = int (*)(int *, int, int);
  auto init = (InitFn)dlsym(driver, "cuInit");
  auto get = (GetFn)dlsym(driver, "cuDeviceGet");
  auto attr = (AttrFn)dlsym(driver, "cuDeviceGetAttribute");
  int device = 0, major = 0, minor = 0;
  if (!init || !get || !attr) {
    why = "the CUDA driver lacks cuInit/cuDeviceGet/cuDeviceGetAttribute";
    return "";
  }
  if (init(0) != 0 || get(&device, 0) != 0) {
    why = "the CUDA driver found no GPU";
    return "";
  }
  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR / _MINOR.
  if (attr(&major, 75, device) != 0 || attr(&minor, 76, device) != 0) {
    why = "the CUDA driver did not give the GPU's compute capability";
    return "";
  }
  return "sm_" + std::to_string(major * 10 + minor);
}

llvm::Expected<LowerGpuOptions>
dyad::resolveGpuTarget(const TargetOptions &options) {
  LowerGpuOptions o;
  o.optLevel = options.optLevel;
  o.chip = options.gpuArch;
  o.kernelsOnHost = options.gpuKernelsOnHost;
  o.tensorCores = options.gpuTensorCores;
  o.mmaOptions = options.gpuMmaOptions;
  o.contractionUnroll = options.gpuUnroll;
  if (o.contractionUnroll == 0 || o.contractionUnroll > 16)
    return llvm::createStringError(
        "--gpu-unroll=" + std::to_string(o.contractionUnroll) +
        ": the output elements per thread are 1 to 16");
  if (llvm::Error e = checkMmaOptions(o.mmaOptions))
    return std::move(e);
  if (o.kernelsOnHost && o.chip.empty())
    o.chip = "sm_90";
  if (o.chip.empty()) {
    std::string why;
    o.chip = detectGpuChip(why);
    if (o.chip.empty())
      return llvm::createStringError(
          "--target=nvptx needs --gpu-arch (sm_80, sm_90, ...): " + why +
          " on this machine to take it from");
  }
  o.features = defaultGpuFeatures(o.chip);
  if (o.features.empty())
    return llvm::createStringError(
        "unknown --gpu-arch '" + o.chip +
        "' (an NVIDIA architecture sm_50 or later: sm_80, sm_86, sm_89, "
        "sm_90, sm_90a, ...)");
  if (!options.features.empty())
    return llvm::createStringError(
        "--mattr is for CPU targets, not --target=nvptx");
  return o;
}
