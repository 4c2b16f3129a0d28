//===- CopierSanitizer.h - shadow checks of in-flight copies --------------===//
#ifndef COPIER_PASSES_COPIERSANITIZER_H
#define COPIER_PASSES_COPIERSANITIZER_H

#include "llvm/IR/PassManager.h"

namespace copier {

/// Instruments loads, stores and memory intrinsics to check CopierSanitizer's
/// shadow memory, so accesses to in-flight copies are reported.
struct CopierSanitizerPass : llvm::PassInfoMixin<CopierSanitizerPass> {
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &AM);
  static bool isRequired() { return true; }
};

} // namespace copier

#endif
