//===- CopierSanitizerElide.cpp - checks CopierSanitizer can drop ---------===//
//
// Which shadow checks are provably redundant. A check answers "is any of
// these bytes in flight (for this kind of access)?" and the answer can only
// change when this thread submits or syncs a copy (a call) or when another
// thread's copy becomes visible to it (an acquire: atomic load/RMW with
// acquire or stronger ordering, or a fence). So between two such events a
// check of the same pointer, as wide or wider, and at least as strict (a
// store check also covers loads), answers for a later access too.
//
//===----------------------------------------------------------------------===//
#include "CopierSanitizerInternal.h"

#include "llvm/ADT/ScopedHashTable.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"

#include <memory>

using namespace llvm;

namespace copier {
namespace san {

bool changesInFlightState(const Instruction &I, const QuietFunctions &Quiet) {
  // Intrinsics never submit or sync copies (memcpy and friends included:
  // they become plain checked copies), nor do quiet functions; any other
  // call might.
  if (auto *CB = dyn_cast<CallBase>(&I)) {
    if (isa<IntrinsicInst>(CB))
      return false;
    const Function *Callee = CB->getCalledFunction();
    // The checks this pass inserts never change what is in flight either.
    return !(Callee && (Quiet.count(Callee) || Callee->getName().starts_with("__copier_san_")));
  }
  if (isa<FenceInst>(I))
    return true;
  auto Acquires = [](AtomicOrdering O) {
    return O == AtomicOrdering::Acquire || O == AtomicOrdering::AcquireRelease ||
           O == AtomicOrdering::SequentiallyConsistent;
  };
  if (auto *L = dyn_cast<LoadInst>(&I))
    return L->isAtomic() && Acquires(L->getOrdering());
  if (auto *R = dyn_cast<AtomicRMWInst>(&I))
    return Acquires(R->getOrdering());
  if (auto *X = dyn_cast<AtomicCmpXchgInst>(&I))
    return Acquires(X->getSuccessOrdering()) || Acquires(X->getFailureOrdering());
  return false;
}

QuietFunctions findQuietFunctions(Module &M) {
  // Optimistic: every exact definition is quiet until it is seen to call
  // something that is not (recursion among quiet functions stays quiet).
  QuietFunctions Quiet;
  for (Function &F : M)
    if (!F.isDeclaration() && F.hasExactDefinition() && !F.isInterposable())
      Quiet.insert(&F);
  for (bool Changed = true; Changed;) {
    Changed = false;
    SmallVector<const Function *, 8> Drop;
    for (const Function *F : Quiet)
      for (const BasicBlock &BB : *F)
        for (const Instruction &I : BB)
          if (changesInFlightState(I, Quiet)) {
            Drop.push_back(F);
            goto next;
          }
    next:;
    for (const Function *F : Drop)
      Quiet.erase(F);
    Changed = !Drop.empty();
  }
  return Quiet;
}

namespace {
struct Avail {
  uint64_t Size = 0;
  bool Write = false;
  unsigned Gen = 0; // valid only while the walk is still in this generation
};
using AvailTable = ScopedHashTable<Value *, Avail>;
using AvailScope = ScopedHashTableScope<Value *, Avail>;
// The first access off a base whose page-summary byte later accesses of the
// same 16-byte window may share.
struct PageAvail {
  int64_t Off = 0;
  unsigned Gen = 0;
  Instruction *Provider = nullptr;
};
using PageTable = ScopedHashTable<Value *, PageAvail>;
using PageScope = ScopedHashTableScope<Value *, PageAvail>;

struct StackNode {
  DomTreeNode *Node;
  DomTreeNode::const_iterator Child, End;
  unsigned Gen;
  std::unique_ptr<AvailScope> Scope;
  std::unique_ptr<PageScope> PScope;
  bool Done = false;
};
} // namespace

// An EarlyCSE-style walk of the dominator tree: checks made in a block are
// visible in the blocks it dominates through a scoped table; the generation
// changes at every event that can change the answer and at every block with
// more than one predecessor (or whose only predecessor is not its immediate
// dominator), where some other path may have had such an event.
void findRedundantChecks(Function &F, DominatorTree &DT, const QuietFunctions &Quiet,
                         const DenseMap<Instruction *, CheckedAccess> &Checked,
                         SmallPtrSetImpl<Instruction *> &Redundant,
                         DenseMap<Instruction *, Instruction *> &SharePage,
                         DenseMap<Instruction *, PageSpan> &Spans) {
  if (Checked.empty())
    return;
  // Members of each provider's group, with their offsets from the base.
  struct Member { Instruction *I; int64_t Off; uint64_t Size; };
  DenseMap<Instruction *, SmallVector<Member, 4>> Groups;
  const DataLayout &DL = F.getDataLayout();
  AvailTable Table;
  PageTable Pages;
  unsigned NextGen = 1;
  SmallVector<StackNode, 32> Stack;
  auto Push = [&](DomTreeNode *N, unsigned ParentEndGen) {
    BasicBlock *BB = N->getBlock();
    BasicBlock *Pred = BB->getSinglePredecessor();
    DomTreeNode *IDom = N->getIDom();
    unsigned Gen = (Pred && IDom && IDom->getBlock() == Pred) ? ParentEndGen : NextGen++;
    Stack.push_back({N, N->begin(), N->end(), Gen, std::make_unique<AvailScope>(Table),
                     std::make_unique<PageScope>(Pages)});
  };
  Push(DT.getRootNode(), NextGen++);
  while (!Stack.empty()) {
    StackNode &S = Stack.back();
    if (!S.Done) {
      S.Done = true;
      for (Instruction &I : *S.Node->getBlock()) {
        if (changesInFlightState(I, Quiet)) {
          S.Gen = NextGen++;
          continue;
        }
        auto It = Checked.find(&I);
        if (It == Checked.end())
          continue;
        const CheckedAccess &A = It->second;
        Avail Prev = Table.lookup(A.Ptr);
        if (Prev.Gen == S.Gen && Prev.Size >= A.Size && (Prev.Write || !A.Write)) {
          Redundant.insert(&I);
          continue;
        }
        // One fact per pointer: the newest, widened if both are of one kind.
        Avail New{A.Size, A.Write, S.Gen};
        if (Prev.Gen == S.Gen && Prev.Write == A.Write)
          New.Size = std::max(New.Size, Prev.Size);
        Table.insert(A.Ptr, New);
        // Accesses off one base between two events join the group of the
        // first (which dominates them); see the end for what they share.
        if (A.Size > 16)
          continue;
        int64_t Off = 0;
        Value *Base = GetPointerBaseWithConstantOffset(A.Ptr, Off, DL);
        PageAvail P = Pages.lookup(Base);
        if (P.Gen == S.Gen) {
          Groups[P.Provider].push_back({&I, Off, A.Size});
          continue;
        }
        Pages.insert(Base, {Off, S.Gen, &I});
        Groups[&I].push_back({&I, Off, A.Size});
      }
    }
    if (S.Child != S.End) {
      DomTreeNode *C = *S.Child++;
      unsigned G = S.Gen;
      Push(C, G);
      continue;
    }
    Stack.pop_back(); // ends the block's scope
  }
  // A page-summary byte covers its page and the 16 bytes after it, so the
  // summaries of the pages of the group's lowest and highest offsets answer
  // for every member when they lie less than a page apart (at most two
  // pages). A wider group shares only the provider's own byte, with the
  // members in the 16 bytes after it.
  for (auto &[Provider, Ms] : Groups) {
    if (Ms.size() < 2)
      continue;
    int64_t Lo = Ms.front().Off, Hi = Ms.front().Off;
    for (const Member &M : Ms) {
      Lo = std::min(Lo, M.Off);
      Hi = std::max(Hi, M.Off + (int64_t)M.Size - 16);
    }
    Hi = std::max(Hi, Lo);
    int64_t P0 = Ms.front().Off;
    bool Span = Hi - Lo < 4096 - 16;
    if (Span)
      Spans[Provider] = {Lo - P0, Hi - P0};
    for (const Member &M : Ms)
      if (M.I != Provider && (Span || (M.Off >= P0 && M.Off + (int64_t)M.Size <= P0 + 16)))
        SharePage[M.I] = Provider;
  }
}

// A load whose check can also stand for a later store to the same bytes in
// the same block (x[i] += v): nothing between them can change what is in
// flight, and execution cannot leave the block between them, so the store
// is reached whenever the load is.
StoreInst *foldableStore(LoadInst *L, const SmallPtrSetImpl<Instruction *> &Instrumented,
                         const DataLayout &DL, const QuietFunctions &Quiet) {
  if (L->isAtomic() || L->isVolatile())
    return nullptr;
  Value *Ptr = L->getPointerOperand();
  uint64_t Size = DL.getTypeStoreSize(L->getType()).getKnownMinValue();
  for (Instruction *I = L; I; I = I->getNextNode()) {
    if (I != L) {
      if (auto *S = dyn_cast<StoreInst>(I); S && S->getPointerOperand() == Ptr) {
        if (S->isAtomic() || S->isVolatile() || !Instrumented.count(S) ||
            DL.getTypeStoreSize(S->getValueOperand()->getType()).getKnownMinValue() > Size)
          return nullptr;
        return S;
      }
      if (changesInFlightState(*I, Quiet))
        return nullptr;
    }
    if (!isGuaranteedToTransferExecutionToSuccessor(I))
      return nullptr;
  }
  return nullptr;
}

} // namespace san
} // namespace copier
