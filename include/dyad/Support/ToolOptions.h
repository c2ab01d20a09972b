//===- ToolOptions.h - command-line manners of Dyad's tools -----*- C++ -*-===//
//
// `--help` lists a tool's own options (its categories), not the hundreds
// LLVM and MLIR register (AMDGPU, ARM, BPF, ...): those stay available and
// are listed by `--help-hidden`. `--version` names Dyad's version, the LLVM
// it was built with, and the host CPU.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_SUPPORT_TOOLOPTIONS_H
#define DYAD_SUPPORT_TOOLOPTIONS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

namespace dyad {

/// Dyad's version ("0.1.0").
llvm::StringRef version();

/// Hides every registered option outside `own` (and the general ones: help,
/// version) from `--help`, keeping them in `--help-hidden`, and installs the
/// `--version` printer for `tool`. Call before cl::ParseCommandLineOptions.
void setupToolOptions(llvm::StringRef tool,
                      llvm::ArrayRef<const llvm::cl::OptionCategory *> own);

} // namespace dyad

#endif // DYAD_SUPPORT_TOOLOPTIONS_H
