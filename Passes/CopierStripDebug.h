//===- CopierStripDebug.h - drop debug info copier-cc added for locations -===//
#ifndef COPIER_PASSES_STRIPDEBUG_H
#define COPIER_PASSES_STRIPDEBUG_H

#include "llvm/IR/PassManager.h"

namespace copier {
/// copier-cc compiles with -gline-tables-only when the user asked for no
/// debug info, so CopierGen's records and remarks have source lines; after
/// the Copier passes this pass removes that debug info again, so the object
/// is what the user asked for. (Cheaper than clang's remark-driven location
/// tracking, which builds every pass's remarks only to filter them out.)
struct CopierStripDebugPass : llvm::PassInfoMixin<CopierStripDebugPass> {
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }
};
} // namespace copier

#endif
