//===- CopierGenLoopsImpl.h - pieces shared by the loop schemes -----------===//
//
// CopierGenLoops.cpp decides, per load of a pipelined loop, where its window
// check goes and threads the window; CopierGenStrip.cpp holds the schemes
// that check once per loop entry or once per segment.
//
//===----------------------------------------------------------------------===//
#ifndef COPIER_PASSES_COPIERGEN_LOOPS_IMPL_H
#define COPIER_PASSES_COPIERGEN_LOOPS_IMPL_H

#include "CopierGenInternal.h"

namespace llvm {
class AssumptionCache;
class DomTreeUpdater;
} // namespace llvm

namespace copier {
namespace gen {

extern llvm::cl::opt<bool> LoopStrip;

namespace loops {

/// One window check: before IP, make sure [Ptr, Ptr+Size) lies in the
/// window of synced bytes; if not, csync a segment and move the window.
struct Check {
  llvm::Instruction *IP = nullptr;
  llvm::Value *Ptr = nullptr;
  uint64_t Size = 0;
  bool Down = false; // descending walk: the new window ends at Ptr+Size
  const Plan *P = nullptr; // reported as the csync of this plan
  llvm::DebugLoc DL;
  // Filled by emitCheck. The branch condition and Lo2's incoming values
  // are set when the window is threaded (they need the window reaching
  // the check).
  llvm::BasicBlock *Then = nullptr;
  llvm::PHINode *Lo2 = nullptr;  // the window after the check
  llvm::Value *Addr = nullptr;   // ptrtoint Ptr, before the branch
  llvm::Value *NewLo = nullptr;  // the window's start when the check syncs
  llvm::CallInst *Sync = nullptr;
};

/// Splits IP's block: head (Addr, branch) -> then (csync) -> tail (Lo2, IP).
void emitCheck(Check &C, const Runtime &RT, llvm::DomTreeUpdater &DTU,
               llvm::LoopInfo &LI);

/// Loads whose address is an affine add-recurrence of CL: emits checks
/// before CL (whole walk within a segment) or strip-mines CL (one check per
/// segment), appending to Checks; returns the loads neither proof covers.
std::vector<const Plan *>
checkLoop(llvm::Loop &CL, llvm::ArrayRef<const Plan *> Loads,
          const CopySite &S, const Runtime &RT, llvm::DomTreeUpdater &DTU,
          llvm::LoopInfo &LI, llvm::TargetLibraryInfo &TLI,
          llvm::AssumptionCache &AC, std::vector<Check> &Checks);

} // namespace loops
} // namespace gen
} // namespace copier

#endif
