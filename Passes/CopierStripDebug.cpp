//===- CopierStripDebug.cpp - drop debug info copier-cc added -------------===//
//
// See CopierStripDebug.h. Runs last in the OptimizerLast callback, only
// when copier-cc passes -copier-strip-debug (it does when the command line
// has no -g flag of the user's).
//
//===----------------------------------------------------------------------===//
#include "CopierStripDebug.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace copier {
PreservedAnalyses CopierStripDebugPass::run(Module &M, ModuleAnalysisManager &) {
  return StripDebugInfo(M) ? PreservedAnalyses::none() : PreservedAnalyses::all();
}
} // namespace copier
