//===- Target.cpp - --target/--mcpu/--mattr -> CPU name and features ------===//
#include "dyad/Codegen/CPU/Target.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/TargetParser/X86TargetParser.h"

#include <algorithm>

using namespace dyad;
using llvm::StringRef;

/// The features the runtime knows how to check (one list with it).
static bool runtimeChecks(StringRef feature) {
  static const char *const names[] = {
#define DYAD_CPU_FEATURE(name, leaf, subleaf, reg, bit, xcr0) name,
#include "dyad/Runtime/dyad_cpu_features.def"
#undef DYAD_CPU_FEATURE
  };
  return llvm::is_contained(names, feature);
}

std::vector<std::string> CPUTarget::requiredFeatures() const {
  std::vector<std::string> out;
  for (const auto &f : features)
    if (f.second && runtimeChecks(f.first()))
      out.push_back(f.first().str());
  std::sort(out.begin(), out.end());
  return out;
}

/// Sets `feature` and what it implies (enabling), or clears it and what
/// implies it (disabling). LLVM's updateImpliedFeatures leaves the feature
/// itself to the caller.
static void setFeature(llvm::StringMap<bool> &features, StringRef feature,
                       bool enabled) {
  features[feature] = enabled;
  llvm::X86::updateImpliedFeatures(feature, enabled, features);
}

llvm::Expected<CPUTarget> dyad::resolveCPUTarget(const TargetOptions &options) {
  CPUTarget t;
  t.triple = llvm::sys::getDefaultTargetTriple();
  // `host` is this CPU with its own features, unless --mcpu names another
  // CPU: then that CPU's features.
  bool host = options.target == "host" && options.cpu.empty();
  if (host) {
    // The host's own feature list, complete (+ and -): what this CPU has.
    t.cpu = llvm::sys::getHostCPUName().str();
    for (auto &f : llvm::sys::getHostCPUFeatures()) {
      t.features[f.first()] = f.second;
      t.featureString += (t.featureString.empty() ? "" : ",") +
                         std::string(f.second ? "+" : "-") + f.first().str();
    }
  } else if (options.target == "host" ||
             StringRef(options.target).starts_with("x86-64")) {
    t.cpu = options.target;
  } else {
    return llvm::createStringError(
        "unknown --target '" + options.target +
        "' (host, x86-64, x86-64-v2, x86-64-v3, x86-64-v4)");
  }
  if (!options.cpu.empty())
    t.cpu = options.cpu;
  if (llvm::X86::parseArchX86(t.cpu, /*Only64Bit=*/true) == llvm::X86::CK_None)
    return llvm::createStringError("unknown CPU '" + t.cpu +
                                   "' (--mcpu): not an x86-64 CPU LLVM knows");
  if (!host) {
    llvm::SmallVector<StringRef> cpuFeatures;
    llvm::X86::getFeaturesForCPU(t.cpu, cpuFeatures);
    // The CPU's list names each feature once; what they imply (sse4.2 ->
    // sse4.1 -> ...) is set with them.
    for (StringRef f : cpuFeatures)
      setFeature(t.features, f, true);
  }
  // A tuning flag, not an instruction set (the runtime checks nothing for
  // it): keep vpdpwssd whole. Without it LLVM's machine combiner splits
  // each one whose accumulator chain it deems critical into vpmaddwd +
  // vpaddd, which it did to the depthwise kernels' taps, whose chains are
  // 9 long but 7 to 16 wide: one more uop per tap, those kernels 10-15%
  // slower on Sapphire Rapids. Inert where no vpdpwssd is emitted; a
  // --mattr of -fast-dpwssd (below) overrides it.
  t.featureString += std::string(t.featureString.empty() ? "" : ",") +
                     "+fast-dpwssd";
  // --mattr on top, with what each feature implies (-avx2 drops AVX-512 too).
  if (!options.features.empty()) {
    llvm::SmallVector<StringRef> items;
    StringRef(options.features).split(items, ',', -1, /*KeepEmpty=*/false);
    for (StringRef item : items) {
      item = item.trim();
      if (item.size() < 2 || (item[0] != '+' && item[0] != '-'))
        return llvm::createStringError(
            "malformed --mattr item '" + item.str() +
            "': expected +feature or -feature");
      setFeature(t.features, item.drop_front(), item[0] == '+');
    }
    t.featureString += (t.featureString.empty() ? "" : ",") + options.features;
  }
  return t;
}
