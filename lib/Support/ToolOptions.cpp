//===- ToolOptions.cpp - command-line manners of Dyad's tools -------------===//
#include "dyad/Support/ToolOptions.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <string>

#ifndef DYAD_VERSION
#define DYAD_VERSION "unknown"
#endif

llvm::StringRef dyad::version() { return DYAD_VERSION; }

void dyad::setupToolOptions(
    llvm::StringRef tool, llvm::ArrayRef<const llvm::cl::OptionCategory *> own) {
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::cl::Option *o = entry.second;
    bool mine = false;
    for (const llvm::cl::OptionCategory *c : o->Categories)
      mine |= llvm::is_contained(own, c);
    // The general category holds LLVM's and MLIR's options as well as a
    // tool's uncategorized ones: only help and version stay visible from it.
    llvm::StringRef name = entry.first;
    if (!mine && !name.starts_with("help") && name != "version" &&
        o->getOptionHiddenFlag() == llvm::cl::NotHidden)
      o->setHiddenFlag(llvm::cl::Hidden);
  }
  static std::string name;
  name = tool.str();
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << name << " (Dyad) " << DYAD_VERSION << "\n"
       << "  built with LLVM/MLIR " << LLVM_VERSION_STRING << "\n"
       << "  host CPU: " << llvm::sys::getHostCPUName() << "\n";
  });
}
