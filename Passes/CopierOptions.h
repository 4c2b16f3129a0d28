//===- CopierOptions.h - command-line options shared by the Copier passes -===//
//
// The plugin's options, visible to opt-19 directly and to clang-19 through
// -mllvm once copier-cc has also loaded the plugin with -fplugin=.
//
//===----------------------------------------------------------------------===//
#ifndef COPIER_PASSES_OPTIONS_H
#define COPIER_PASSES_OPTIONS_H

#include "llvm/Support/CommandLine.h"

namespace copier {
/// Run CopierGen in the OptimizerLast pipeline (copier-cc: -fno-copier-gen).
extern llvm::cl::opt<bool> EnableCopierGen;
/// Run CopierSanitizer after CopierGen (copier-cc: -fsanitize=copier).
extern llvm::cl::opt<bool> EnableCopierSanitizer;
/// Drop debug info after the Copier passes (copier-cc, when the user gave no -g).
extern llvm::cl::opt<bool> StripAddedDebugInfo;
} // namespace copier

#endif
