//===- CopierGen.h - memcpy -> amemcpy with csync placement ---------------===//
#ifndef COPIER_PASSES_COPIERGEN_H
#define COPIER_PASSES_COPIERGEN_H

#include "llvm/IR/PassManager.h"

namespace llvm {
class PassBuilder;
}

namespace copier {

/// Rewrites memcpy/memmove into asynchronous copies and places csyncs by the
/// rules of Appendix A of the Copier paper.
struct CopierGenPass : llvm::PassInfoMixin<CopierGenPass> {
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &AM);
  // Must also run on optnone functions, i.e. at -O0.
  static bool isRequired() { return true; }
};

/// Registers analyses the Copier passes need with the pass builder (called
/// once from the plugin entry point).
void registerCopierAnalyses(llvm::PassBuilder &PB);

} // namespace copier

#endif
