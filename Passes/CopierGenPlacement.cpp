//===- CopierGenPlacement.cpp - where the csyncs of one copy go -----------===//
//
// From each converted copy, walk forward along every CFG path and stop at the
// first instruction that may touch the copy's bytes (docs/copiergen.md, "The
// walk"). All queries run on the IR as it was before any rewrite: there the
// copy is still llvm.memcpy, whose pointers do not escape, so alias analysis
// answers for the program as written. The engine never hands the pointers
// to other code, so the answers stay true after the rewrite.
//
//===----------------------------------------------------------------------===//
#include "CopierGenInternal.h"

#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace copier {
namespace gen {

std::string describe(const Instruction &I) {
  std::string S;
  raw_string_ostream OS(S);
  if (auto *CB = dyn_cast<CallBase>(&I)) {
    OS << (isa<InvokeInst>(CB) ? "invoke " : "call ");
    if (CB->isInlineAsm())
      OS << "asm";
    else if (Function *Fn = CB->getCalledFunction())
      OS << Fn->getName();
    else
      OS << "indirect";
  } else if (auto *LdI = dyn_cast<LoadInst>(&I)) {
    OS << "load " << *LdI->getType();
  } else if (auto *St = dyn_cast<StoreInst>(&I)) {
    OS << "store " << *St->getValueOperand()->getType();
  } else {
    OS << I.getOpcodeName();
  }
  return OS.str();
}

namespace {

// Narrow: a simple load/store that only may alias a range (classify sets
// Last); the walk syncs just its bytes and goes on, or forces where that is
// not allowed.
enum class Effect { None, Force, Covered, Handoff, Narrow };

bool isAtLeastRelease(AtomicOrdering O) {
  return O == AtomicOrdering::Release || O == AtomicOrdering::AcquireRelease ||
         O == AtomicOrdering::SequentiallyConsistent;
}

Reason callReason(const CallBase &CB, ModRefInfo MRD, ModRefInfo MRS) {
  if (auto *II = dyn_cast<IntrinsicInst>(&CB)) {
    if (II->getIntrinsicID() == Intrinsic::lifetime_end)
      return Reason::LifetimeEnd;
  }
  Function *Fn = CB.getCalledFunction();
  if (!Fn)
    return Reason::IndirectCall;
  StringRef N = Fn->getName();
  if (N == "free" || N == "cfree")
    return Reason::Free;
  if (N == "realloc" || N == "reallocarray" || N == "reallocf")
    return Reason::Realloc;
  if (N.starts_with("pthread_") || N.starts_with("thrd_") ||
      N.starts_with("mtx_") || N.starts_with("cnd_") || N.starts_with("sem_"))
    return Reason::ThreadPublish;
  if (Fn->isIntrinsic() || N.starts_with("__copier_am")) {
    if (isModSet(MRD))
      return Reason::WriteDst;
    if (isRefSet(MRD))
      return Reason::ReadDst;
    return Reason::WriteSrc;
  }
  if (!Fn->isDeclaration())
    return Reason::KnownCall;
  return Reason::UnknownCall;
}

/// True when V's value is based on the same object as Base.
bool basedOn(const Value *V, const Value *Base) {
  return getUnderlyingObject(V) == getUnderlyingObject(Base);
}

struct Walker {
  PlacementContext &Ctx;
  const CopySite &S;
  unsigned SiteIdx;
  std::vector<Plan> &Plans;
  SmallPtrSet<BasicBlock *, 32> Entered; // blocks scanned from their top
  SmallVector<BasicBlock *, 32> Work;
  enum class LoopDecision { Clean, Pipelined, Hoist };
  struct LoopInfoRec {
    LoopDecision D;
    Instruction *First = nullptr;
    Reason R = Reason::ReadDst;
  };
  DenseMap<const Loop *, LoopInfoRec> Loops;
  bool EscapeSensitive = true; // non-returning calls force a csync
  /// The access classify() last called Narrow: which ranges it may touch.
  struct NarrowAccess {
    const Value *Ptr = nullptr;
    uint64_t Size = 0;
    bool Dst = false, Src = false;
  } Last;
  unsigned NarrowLeft = NarrowPerCopy;
  SmallVector<NarrowAccess, 4> BlockNarrow; // synced so far in this block

  Walker(PlacementContext &Ctx, const CopySite &S, unsigned Idx,
         std::vector<Plan> &Plans)
      : Ctx(Ctx), S(S), SiteIdx(Idx), Plans(Plans) {
    // A call that may not return normally (longjmp, exit, unwinding) leaves
    // this frame without passing our csyncs. Buffers that stay reachable
    // afterwards (stack frames reused, caller's or global memory) must be
    // synced first. Only two fresh heap objects nobody else can reach are
    // exempt.
    const Value *D = getUnderlyingObject(S.Dst), *Sr = getUnderlyingObject(S.Src);
    if (isNoAliasCall(D) && isNoAliasCall(Sr))
      EscapeSensitive = false;
  }

  bool covers(const CallBase &CB) const {
    if (CB.arg_size() != 2)
      return false;
    if (CB.getArgOperand(0)->stripPointerCasts() != S.Dst->stripPointerCasts())
      return false;
    Value *N = CB.getArgOperand(1);
    if (N == S.Len)
      return true;
    auto *NC = dyn_cast<ConstantInt>(N);
    auto *LC = dyn_cast<ConstantInt>(S.Len);
    return NC && LC && NC->getValue().uge(LC->getZExtValue());
  }

  Effect classify(Instruction &I, Reason &R) {
    if (&I == S.Copy) {
      R = Reason::CopyReexecuted;
      return Effect::Force;
    }
    if (isa<DbgInfoIntrinsic>(I) || isa<PseudoProbeInst>(I))
      return Effect::None;
    if (auto *CB = dyn_cast<CallBase>(&I)) {
      if (CB->isInlineAsm()) {
        R = Reason::InlineAsm;
        return Effect::Force;
      }
      if (auto *CI = dyn_cast<CallInst>(CB); CI && CI->isMustTailCall()) {
        // Nothing may sit between a musttail call and its ret.
        R = Reason::FunctionExit;
        return Effect::Force;
      }
      if (auto *II = dyn_cast<IntrinsicInst>(CB);
          II && II->getIntrinsicID() == Intrinsic::stackrestore) {
        // Frees dynamic allocas (VLAs) without telling alias analysis which:
        // the engine must not write into released stack.
        R = Reason::LifetimeEnd;
        return Effect::Force;
      }
      if (CB->isIndirectCall()) {
        // Code of unknown effect (Appendix A): forced even when alias
        // analysis clears it.
        R = Reason::IndirectCall;
        return Effect::Force;
      }
      if (Function *Fn = CB->getCalledFunction()) {
        StringRef N = Fn->getName();
        // Our own (or hand-written) syncs only wait: they never touch the
        // range, and one that covers it ends the copy's flight.
        if (N == "csync_all")
          return Effect::Covered;
        if (N == "csync")
          return covers(*CB) ? Effect::Covered : Effect::None;
      }
      ModRefInfo MRD = Ctx.AA.getModRefInfo(CB, S.DstLoc);
      ModRefInfo MRS = Ctx.AA.getModRefInfo(CB, S.SrcLoc);
      if (isModOrRefSet(MRD) || isModSet(MRS)) {
        R = callReason(*CB, MRD, MRS);
        if (R == Reason::KnownCall && Ctx.AllowClone && cloneable(*CB, Ctx.F))
          return Effect::Handoff;
        return Effect::Force;
      }
      if (EscapeSensitive && (!CB->willReturn() || !CB->doesNotThrow())) {
        R = Reason::MayNotReturn;
        return Effect::Force;
      }
      return Effect::None;
    }
    if (!I.mayReadOrWriteMemory())
      return Effect::None;
    // Volatile and ordering: forced explicitly, whatever alias analysis says.
    if (auto *Ld = dyn_cast<LoadInst>(&I); Ld && Ld->isVolatile()) {
      R = Reason::VolatileAccess;
      return Effect::Force;
    }
    if (auto *St = dyn_cast<StoreInst>(&I)) {
      if (St->isVolatile()) {
        R = Reason::VolatileAccess;
        return Effect::Force;
      }
      if (isAtLeastRelease(St->getOrdering())) {
        R = Reason::ThreadPublish;
        return Effect::Force;
      }
    }
    if (auto *RMW = dyn_cast<AtomicRMWInst>(&I)) {
      if (RMW->isVolatile()) {
        R = Reason::VolatileAccess;
        return Effect::Force;
      }
      if (isAtLeastRelease(RMW->getOrdering())) {
        R = Reason::ThreadPublish;
        return Effect::Force;
      }
    }
    if (auto *CX = dyn_cast<AtomicCmpXchgInst>(&I)) {
      if (CX->isVolatile()) {
        R = Reason::VolatileAccess;
        return Effect::Force;
      }
      if (isAtLeastRelease(CX->getSuccessOrdering()) ||
          isAtLeastRelease(CX->getFailureOrdering())) {
        R = Reason::ThreadPublish;
        return Effect::Force;
      }
    }
    if (auto *Fe = dyn_cast<FenceInst>(&I)) {
      R = isAtLeastRelease(Fe->getOrdering()) ? Reason::ThreadPublish
                                              : Reason::AtomicAccess;
      return Effect::Force;
    }
    if (!S.DisjointArgs.empty())
      if (const Value *Ptr = getLoadStorePointerOperand(&I))
        if (is_contained(S.DisjointArgs, getUnderlyingObject(Ptr)))
          return Effect::None; // every caller proved it apart from the range
    ModRefInfo MRD = Ctx.AA.getModRefInfo(&I, S.DstLoc);
    ModRefInfo MRS = Ctx.AA.getModRefInfo(&I, S.SrcLoc);
    if (!isModOrRefSet(MRD) && !isModSet(MRS))
      return Effect::None;
    if (I.isAtomic())
      R = Reason::AtomicAccess;
    else if (isModSet(MRD))
      R = Reason::WriteDst;
    else if (isRefSet(MRD))
      R = Reason::ReadDst;
    else
      R = Reason::WriteSrc;
    if (!I.isAtomic() && narrowable(I, isModOrRefSet(MRD), isModSet(MRS)))
      return Effect::Narrow;
    return Effect::Force;
  }

  /// A simple load or store of at most NarrowMaxBytes that alias analysis
  /// cannot place inside or outside the ranges it may touch (MayAlias, not
  /// based on the same object: a pointer field next to the copy, not the
  /// copy's own buffer), so syncing just its bytes is enough. Sets Last.
  bool narrowable(Instruction &I, bool TouchesDst, bool WritesSrc) {
    if (!NarrowCsyncs || S.Virtual)
      return false;
    auto *C = dyn_cast<ConstantInt>(S.Len);
    if (C && C->getZExtValue() < NarrowMinCopy)
      return false; // done at once by the engine: nothing to overlap
    if (!(isa<LoadInst>(I) || isa<StoreInst>(I)))
      return false;
    auto *Ld = dyn_cast<LoadInst>(&I);
    auto *St = dyn_cast<StoreInst>(&I);
    if ((Ld && !Ld->isSimple()) || (St && !St->isSimple()))
      return false;
    const Value *Ptr = getLoadStorePointerOperand(&I);
    if (Ptr->getType()->getPointerAddressSpace() != 0)
      return false;
    MemoryLocation Loc = MemoryLocation::get(&I);
    if (!Loc.Size.hasValue() || Loc.Size.isScalable() ||
        Loc.Size.getValue() == 0 || Loc.Size.getValue() > NarrowMaxBytes)
      return false;
    auto OnlyMay = [&](const MemoryLocation &Range, const Value *Base) {
      return Ctx.AA.alias(Loc, Range) == AliasResult::MayAlias &&
             !basedOn(Ptr, Base);
    };
    if (TouchesDst && !OnlyMay(S.DstLoc, S.Dst))
      return false;
    if (WritesSrc && !OnlyMay(S.SrcLoc, S.Src))
      return false;
    Last = {Ptr->stripPointerCasts(), Loc.Size.getValue(), TouchesDst,
            WritesSrc};
    return true;
  }

  /// Whether a narrow csync of Last may go before I: the budget is not
  /// spent and I is in no loop that lacks the copy (there one csync per
  /// iteration would be paid: the whole range before the loop instead).
  bool narrowHere(const Instruction &I) const {
    if (NarrowLeft == 0)
      return false;
    const Loop *AL = Ctx.LI.getLoopFor(I.getParent());
    if (!AL)
      return true;
    if (S.Virtual || !S.Copy)
      return false;
    return AL->contains(cast<Instruction>(S.Copy)->getParent());
  }

  /// A load of a field that a later store in the block writes back (`p->x
  /// += n`): test the source side at the load too, so the store needs no
  /// test of its own (earlier is still sound). One plan per field.
  void mergeLaterStore(Instruction &I) {
    auto *Ld = dyn_cast<LoadInst>(&I);
    if (!Ld || Last.Src || S.Src == nullptr)
      return;
    for (Instruction *J = I.getNextNode(); J && !J->isTerminator();
         J = J->getNextNode()) {
      auto *St = dyn_cast<StoreInst>(J);
      if (!St || !St->isSimple() ||
          St->getPointerOperand()->stripPointerCasts() != Last.Ptr)
        continue;
      MemoryLocation Loc = MemoryLocation::get(St);
      if (!Loc.Size.hasValue() || Loc.Size.isScalable() ||
          Loc.Size.getValue() > Last.Size)
        return;
      if (isModSet(Ctx.AA.getModRefInfo(St, S.SrcLoc)) &&
          Ctx.AA.alias(Loc, S.SrcLoc) == AliasResult::MayAlias &&
          !basedOn(St->getPointerOperand(), S.Src))
        Last.Src = true;
      return;
    }
  }

  /// Drops from Last what an earlier narrow csync in this block already
  /// did (same pointer, at least as many bytes); true when nothing is left.
  bool narrowDone() {
    for (const NarrowAccess &A : BlockNarrow)
      if (A.Ptr == Last.Ptr && A.Size >= Last.Size) {
        Last.Dst &= !A.Dst;
        Last.Src &= !A.Src;
      }
    return !Last.Dst && !Last.Src;
  }

  /// Pointer arguments of a hand-off call whose whole object (any offset)
  /// alias analysis proves apart from both ranges here: the clone for this
  /// mask may skip accesses based on them. At most 64 arguments.
  uint64_t disjointArgs(const CallBase &CB) {
    uint64_t Mask = 0;
    for (unsigned A = 0, E = std::min(CB.arg_size(), 64u); A != E; ++A) {
      const Value *V = CB.getArgOperand(A);
      if (!V->getType()->isPointerTy())
        continue;
      MemoryLocation Whole = MemoryLocation::getBeforeOrAfter(V);
      if (Ctx.AA.alias(Whole, S.DstLoc) == AliasResult::NoAlias &&
          Ctx.AA.alias(Whole, S.SrcLoc) == AliasResult::NoAlias)
        Mask |= uint64_t(1) << A;
    }
    return Mask;
  }

  /// The csync needs dst and n, and the AA queries need dst/src/n to keep
  /// their values: entering BB must not re-execute their definitions, and
  /// those must dominate BB.
  bool operandsLiveIn(const BasicBlock *BB) const {
    for (const Value *V : {S.Dst, S.Src, S.Len})
      if (auto *VI = dyn_cast<Instruction>(V))
        if (!Ctx.DT.properlyDominates(VI->getParent(), BB))
          return false;
    return true;
  }

  void addBefore(Instruction &I, Reason R) {
    Plan P;
    P.K = Plan::BeforeInst;
    P.Site = SiteIdx;
    P.At = &I;
    P.R = R;
    P.ForcedBy = describe(I);
    P.ForcedDL = I.getDebugLoc();
    Plans.push_back(std::move(P));
  }

  void addEdge(BasicBlock *From, BasicBlock *To, Reason R, Instruction *Why,
               bool Hoisted) {
    Plan P;
    P.K = Plan::OnEdge;
    P.Site = SiteIdx;
    P.From = From;
    P.To = To;
    P.R = R;
    P.Hoisted = Hoisted;
    if (Why) {
      P.ForcedBy = describe(*Why);
      P.ForcedDL = Why->getDebugLoc();
    } else {
      P.ForcedBy = "edge to " + (To->hasName() ? To->getName().str()
                                               : std::string("a block"));
      P.ForcedDL = From->getTerminator()->getDebugLoc();
    }
    if (!P.ForcedDL)
      P.ForcedDL = S.DL;
    Plans.push_back(std::move(P));
  }

  void addNarrow(Instruction &I) {
    addBefore(I, Reason::MayAliasAccess);
    Plan &P = Plans.back();
    P.NarrowDst = Last.Dst;
    P.NarrowSrc = Last.Src;
    P.AccessSize = Last.Size;
  }

  /// Scans BB from It; returns false when the path ended inside BB.
  bool scan(BasicBlock *BB, BasicBlock::iterator It) {
    BlockNarrow.clear();
    for (; It != BB->end(); ++It) {
      Instruction &I = *It;
      Reason R;
      if (I.isTerminator() && !isa<CallBase>(I)) {
        if (isa<UnreachableInst>(I))
          return false;
        if (I.getNumSuccessors() == 0) {
          // Leaves the function (ret, resume, ...): the caller may use the
          // bytes. A pointer into the buffer being returned is an escape.
          auto *Ret = dyn_cast<ReturnInst>(&I);
          bool Esc = Ret && Ret->getReturnValue() &&
                     Ret->getReturnValue()->getType()->isPointerTy() &&
                     (basedOn(Ret->getReturnValue(), S.Dst) ||
                      basedOn(Ret->getReturnValue(), S.Src));
          addBefore(I, Esc ? Reason::EscapeReturn : Reason::FunctionExit);
          return false;
        }
        return true;
      }
      Effect E = classify(I, R);
      if (E == Effect::Covered)
        return false;
      if (E == Effect::Handoff) {
        // The clone syncs before its own first access and before it
        // returns: nothing of this copy is in flight after the call.
        addBefore(I, R);
        Plans.back().K = Plan::CloneCall;
        Plans.back().DisjointMask = disjointArgs(cast<CallBase>(I));
        return false;
      }
      if (E == Effect::Narrow) {
        if (narrowDone())
          continue;
        if (narrowHere(I)) {
          // Only these bytes: the copy stays in flight past the access.
          mergeLaterStore(I);
          addNarrow(I);
          --NarrowLeft;
          BlockNarrow.push_back(Last);
          continue;
        }
        E = Effect::Force;
      }
      if (E == Effect::Force) {
        addBefore(I, R);
        return false;
      }
    }
    return true;
  }

  void crossEdge(BasicBlock *From, BasicBlock *To) {
    if (!operandsLiveIn(To)) {
      addEdge(From, To, Reason::LeavesScope, nullptr, false);
      return;
    }
    Loop *L = Ctx.LI.getLoopFor(To);
    if (L && L->getHeader() == To && !L->contains(From)) {
      LoopInfoRec &Rec = decide(*L);
      if (Rec.D == LoopDecision::Hoist) {
        addEdge(From, To, Rec.R, Rec.First, true);
        return;
      }
      if (Rec.D == LoopDecision::Pipelined)
        return; // guards placed and exits followed when first decided
    }
    if (Entered.insert(To).second)
      Work.push_back(To);
  }

  /// What entering loop L means for this copy, decided once per loop.
  LoopInfoRec &decide(Loop &L) {
    auto It = Loops.find(&L);
    if (It != Loops.end())
      return It->second;
    SmallVector<Instruction *, 8> Interf;
    LoopInfoRec Rec{LoopDecision::Clean};
    for (BasicBlock *BB : L.blocks())
      for (Instruction &I : *BB) {
        Reason R;
        if (I.isTerminator() && !isa<CallBase>(I))
          continue; // loop blocks always have successors
        Effect E = classify(I, R);
        if (E == Effect::Narrow)
          E = Effect::Force; // never per iteration in a loop without the copy
        if (E == Effect::Force || E == Effect::Handoff) {
          if (!Rec.First) {
            Rec.First = &I;
            Rec.R = R;
          }
          Interf.push_back(&I);
        } else if (E == Effect::Covered && !Rec.First) {
          // A sync inside the loop: treat the loop as consuming; syncing
          // at entry instead is simpler and still sound.
          Rec.First = &I;
          Rec.R = Reason::ReadDst;
          Interf.push_back(&I);
        }
      }
    if (Interf.empty()) {
      Loops[&L] = Rec;
      return Loops[&L];
    }
    if (canPipeline(Ctx, S, L, Interf)) {
      Rec.D = LoopDecision::Pipelined;
      Loops[&L] = Rec;
      for (Instruction *I : Interf) {
        Plan P;
        P.K = Plan::LoopGuard;
        P.Site = SiteIdx;
        P.At = I;
        P.R = Reason::ReadDst;
        P.ForcedBy = describe(*I);
        P.ForcedDL = I->getDebugLoc();
        P.L = &L;
        P.AccessSize =
            Ctx.DLay.getTypeStoreSize(cast<LoadInst>(I)->getType()).getFixedValue();
        Plans.push_back(std::move(P));
      }
      // Bytes not yet synced when the loop ends stay in flight: go on from
      // every exit edge.
      SmallVector<std::pair<BasicBlock *, BasicBlock *>, 4> Exits;
      L.getExitEdges(Exits);
      for (auto &[E, X] : Exits)
        crossEdge(E, X);
      return Loops[&L];
    }
    Rec.D = LoopDecision::Hoist;
    Loops[&L] = Rec;
    return Loops[&L];
  }

  void run() {
    if (S.Virtual) {
      // A clone's range is in flight from its entry on.
      BasicBlock *Entry = &Ctx.F.getEntryBlock();
      Entered.insert(Entry);
      Work.push_back(Entry);
      while (!Work.empty()) {
        BasicBlock *BB = Work.pop_back_val();
        if (scan(BB, BB->begin()))
          for (BasicBlock *Succ : successors(BB))
            crossEdge(BB, Succ);
      }
      return;
    }
    auto *Copy = cast<Instruction>(S.Copy);
    BasicBlock *Home = Copy->getParent();
    if (!Ctx.DT.isReachableFromEntry(Home))
      return; // never runs; nothing to guard
    Work.clear();
    if (scan(Home, std::next(Copy->getIterator())))
      for (BasicBlock *Succ : successors(Home))
        crossEdge(Home, Succ);
    while (!Work.empty()) {
      BasicBlock *BB = Work.pop_back_val();
      if (scan(BB, BB->begin()))
        for (BasicBlock *Succ : successors(BB))
          crossEdge(BB, Succ);
    }
  }
};

} // namespace

cl::opt<bool> CloneCallees(
    "copier-clone",
    cl::desc("Pass in-flight ranges to clones of module functions instead of "
             "syncing before the call"),
    cl::init(true));

cl::opt<unsigned> NarrowPerCopy(
    "copier-narrow-per-copy",
    cl::desc("At most this many narrow csyncs per copy, then the whole "
             "range (each is an inline overlap test: code size and compile "
             "time grow with them: at 4, zlib's deflate.c compiled 1.15x "
             "clang-19's time with twice the code; at 1, 1.06x)"),
    cl::init(1));

cl::opt<bool> NarrowCsyncs(
    "copier-narrow",
    cl::desc("At a load/store that only may alias a copy's ranges, csync "
             "just its bytes and keep the copy in flight"),
    cl::init(true));

bool cloneable(const CallBase &CB, const Function &Caller) {
  auto *CI = dyn_cast<CallInst>(&CB);
  Function *Fn = CB.getCalledFunction();
  if (!CloneCallees || !CI || CI->isMustTailCall() || !Fn ||
      Fn->isDeclaration() || Fn->isVarArg() || Fn == &Caller ||
      Fn->isInterposable() || !Fn->isDefinitionExact() ||
      Fn->hasFnAttribute(Attribute::Naked) || isRuntimeFunction(*Fn) ||
      Fn->getName().contains(".copier.") ||
      CB.getFunctionType() != Fn->getFunctionType() ||
      CI->hasOperandBundles())
    return false;
  for (const BasicBlock &BB : *Fn)
    if (BB.isEHPad() && !BB.isLandingPad())
      return false;
  // A byval (inalloca, preallocated) argument is copied by the caller at the
  // call itself, before any code of the clone runs: syncing "before the
  // callee's first access" would be too late. Such calls get a csync.
  for (unsigned I = 0, E = CB.arg_size(); I != E; ++I)
    if (CB.isByValArgument(I) || CB.isInAllocaArgument(I) ||
        CB.paramHasAttr(I, Attribute::Preallocated) ||
        CB.paramHasAttr(I, Attribute::ByRef))
      return false;
  return true;
}

void planCsyncs(PlacementContext &Ctx, const CopySite &S, unsigned SiteIdx,
                std::vector<Plan> &Plans) {
  Walker W(Ctx, S, SiteIdx, Plans);
  W.run();
}

} // namespace gen
} // namespace copier
