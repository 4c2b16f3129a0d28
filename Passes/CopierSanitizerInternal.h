//===- CopierSanitizerInternal.h - shared by CopierSanitizer's files ------===//
#ifndef COPIER_PASSES_COPIERSANITIZERINTERNAL_H
#define COPIER_PASSES_COPIERSANITIZERINTERNAL_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/Dominators.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"

namespace copier {
namespace san {

/// Functions of the module that can never submit or sync a copy nor
/// acquire: exact definitions that call only intrinsics and each other.
using QuietFunctions = llvm::SmallPtrSet<const llvm::Function *, 32>;
QuietFunctions findQuietFunctions(llvm::Module &M);

/// An access that gets a check of its own unless found redundant.
struct CheckedAccess {
  llvm::Value *Ptr;
  uint64_t Size;
  bool Write;
};

/// An access as the instrumenter sees it.
struct AccessInfo {
  llvm::Instruction *I = nullptr;
  llvm::Value *Ptr = nullptr;
  uint64_t Size = 0;
  bool Write = false;
};

/// What loop versioning needs from the instrumenter.
struct Hooks {
  /// True if I is an access that would get a check; fills A.
  llvm::function_ref<bool(llvm::Instruction *, AccessInfo &)> Access;
  llvm::Constant *Inflight;        // __copier_san_inflight
  llvm::FunctionCallee RangeClean; // int __copier_san_range_clean(ptr, i64, i32 write)
  const QuietFunctions &Quiet;
};

/// Clones each call-free loop whose accesses have bounded address ranges;
/// an entry test picks the clone, whose bounded accesses (added to
/// Unchecked) need no check, when nothing is in flight in those ranges
/// (CopierSanitizerVersion.cpp). Invalidates F's analyses if it changes F.
bool versionQuietLoops(llvm::Function &F, llvm::FunctionAnalysisManager &FAM, const Hooks &H,
                       llvm::SmallPtrSetImpl<llvm::Instruction *> &Unchecked);

/// Whether I may change what is in flight as this thread sees it: a call
/// (other than an intrinsic or a quiet function), a fence, or an atomic
/// access that acquires.
bool changesInFlightState(const llvm::Instruction &I, const QuietFunctions &Quiet);

/// Byte offsets, from a provider's pointer, of the two pages whose summaries
/// its group shares (see findRedundantChecks).
struct PageSpan {
  int64_t Lo, Hi;
};

/// Adds to Redundant the accesses of Checked whose check is implied by a
/// dominating check of the same pointer (as wide, as strict) with no
/// instruction that changesInFlightState on any path in between. SharePage
/// maps the others to a dominating access off the same base with no such
/// instruction in between whose page-summary test covers them: the summary
/// of its own page when they lie in the 16 bytes after it, or, when Spans
/// has an entry for it, the OR of the summaries at those two offsets, which
/// covers its whole group.
void findRedundantChecks(llvm::Function &F, llvm::DominatorTree &DT, const QuietFunctions &Quiet,
                         const llvm::DenseMap<llvm::Instruction *, CheckedAccess> &Checked,
                         llvm::SmallPtrSetImpl<llvm::Instruction *> &Redundant,
                         llvm::DenseMap<llvm::Instruction *, llvm::Instruction *> &SharePage,
                         llvm::DenseMap<llvm::Instruction *, PageSpan> &Spans);

/// The store to the same pointer (no wider) later in L's block whose check
/// L's check can make too, or null. Instrumented: the accesses that get a
/// check of their own.
llvm::StoreInst *foldableStore(llvm::LoadInst *L,
                               const llvm::SmallPtrSetImpl<llvm::Instruction *> &Instrumented,
                               const llvm::DataLayout &DL, const QuietFunctions &Quiet);

} // namespace san
} // namespace copier

#endif
