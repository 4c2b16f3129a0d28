//===- CopierGenNarrow.cpp - narrow csyncs; copies used at once ----------===//
//
// Two refinements of the placement (docs/copiergen.md): a load/store that
// only may alias a copy's ranges gets a csync of its own bytes behind an
// inline overlap test, and the copy stays in flight; a copy whose whole
// range is synced right after it on every path stays a plain memcpy.
//
//===----------------------------------------------------------------------===//
#include "CopierGenInternal.h"

#include "llvm/Analysis/DomTreeUpdater.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

#include <set>

using namespace llvm;

namespace copier {
namespace gen {

/// Every path from S's copy reaches a csync of its whole range (one of
/// Ps, or the program's own) after nothing but a few instructions that
/// neither touch memory nor call anything: address arithmetic, compares,
/// branches, phis (LZ4's wildcopy loop: copy, two GEPs, a compare, the
/// back edge's csync). Csyncs of other ranges only wait: no work either.
/// Bounded: past 16 such instructions on a path or 8 blocks, not "at once";
/// a back edge not synced on the way is a loop that may run long: work.
/// The accesses of up to two narrow csyncs on a path count as instructions:
/// a field reload between a copy and its use (expat's storeAtts: copy, a
/// pointer load, the csync) is no window worth two engine calls and an
/// inline test (xmlwf ran 0.95x clang-19 with 1.4 M such copies). So do
/// other loads and stores of the bytes a narrow csync on the path covers
/// (the placement gives them no csync of their own): zlib's flush_pending,
/// `zmemcpy(strm->next_out, ...); strm->next_out += len;` then a read the
/// whole range waits for, inlined 21 times in deflate.c, is no window
/// either (its inline tests grew deflate_slow's hot loop).
bool usedAtOnce(const CopySite &S, ArrayRef<const Plan *> Ps,
                const LoopInfo &LI) {
  SmallPtrSet<const Instruction *, 8> At;
  SmallDenseMap<const Instruction *, uint64_t, 8> NarrowAt; // access -> bytes its csync covers
  std::set<std::pair<const BasicBlock *, const BasicBlock *>> Edges;
  for (const Plan *P : Ps) {
    if (P->K == Plan::BeforeInst && (P->NarrowDst || P->NarrowSrc))
      NarrowAt[P->At] = P->AccessSize;
    else if (P->K == Plan::BeforeInst)
      At.insert(P->At);
    else if (P->K == Plan::OnEdge)
      Edges.insert({P->From, P->To});
  }
  // The bytes the narrow csyncs cover: the same pointer, at most as wide.
  auto Covered = [&](const Instruction *I) {
    const Value *Ptr = getLoadStorePointerOperand(I);
    Type *Ty = isa<LoadInst>(I) ? I->getType() : cast<StoreInst>(I)->getValueOperand()->getType();
    TypeSize Size = I->getModule()->getDataLayout().getTypeStoreSize(Ty);
    return !Size.isScalable() && any_of(NarrowAt, [&](const auto &N) {
             return getLoadStorePointerOperand(N.first) == Ptr && Size.getFixedValue() <= N.second;
           });
  };
  unsigned NarrowLeft = 2;
  const Value *D = S.Dst->stripPointerCasts();
  SmallPtrSet<const BasicBlock *, 8> Seen;
  SmallVector<std::pair<const Instruction *, unsigned>, 8> Work;
  Work.push_back({S.Copy->getNextNode(), 16});
  while (!Work.empty()) {
    auto [I, Left] = Work.pop_back_val();
    for (; I; I = I->getNextNode()) {
      if (At.count(I))
        break; // the whole range is synced here: this path is done
      if (isa<DbgInfoIntrinsic>(I) || isa<PseudoProbeInst>(I))
        continue;
      if (auto *CB = dyn_cast<CallInst>(I)) {
        Function *Fn = CB->getCalledFunction();
        StringRef N = Fn ? Fn->getName() : "";
        if (N == "csync_all" ||
            (N == "csync" && CB->arg_size() == 2 &&
             CB->getArgOperand(0)->stripPointerCasts() == D))
          break;
        if (N == "csync")
          continue; // another range: it only waits
        return false;
      }
      if (NarrowAt.count(I)) {
        if (NarrowLeft-- == 0 || Left-- == 0)
          return false;
        continue;
      }
      if ((isa<LoadInst>(I) || isa<StoreInst>(I)) && !I->isVolatile() &&
          !I->isAtomic() && Covered(I)) {
        if (Left-- == 0)
          return false;
        continue;
      }
      if (I->mayReadOrWriteMemory() || I->mayHaveSideEffects() ||
          isa<ReturnInst>(I) || isa<ResumeInst>(I))
        return false; // work the copy could overlap, or a hand-off
      if (!I->isTerminator()) {
        if (Left-- == 0)
          return false;
        continue;
      }
      for (const BasicBlock *Succ : successors(I->getParent())) {
        if (Edges.count({I->getParent(), Succ}) || Succ->isEHPad())
          continue; // synced on the edge (or a pad: a call is before it)
        const Loop *L = LI.getLoopFor(Succ);
        if (L && L->getHeader() == Succ && L->contains(I->getParent()))
          return false;
        if (!Seen.insert(Succ).second)
          continue; // its paths are being checked already
        if (Seen.size() > 8)
          return false;
        Work.push_back({&Succ->front(), Left});
      }
      break;
    }
  }
  return true;
}

/// A narrow csync before the access P.At, only when the access really
/// overlaps the copy (an inline test, so the common case makes no call):
///   off = a - dst; if (off + size - 1 <u n + size - 1) csync(a, size)
/// (unsigned: also catches an access that starts before dst), and for a
/// store that may write the source, the destination bytes fed by it:
///   off = a - src; if (hit) csync(dst + off, size)
/// (csync waits for destinations; that frees their sources).
std::vector<CallInst *> emitNarrowCsync(const Plan &P, const CopySite &S,
                                        const Runtime &RT, DominatorTree &DT,
                                        LoopInfo &LI) {
  Instruction *At = P.At;
  IRBuilder<> B(At);
  Type *I64 = B.getInt64Ty();
  Value *Ptr = getLoadStorePointerOperand(At);
  Value *A = B.CreatePtrToInt(Ptr, I64);
  Value *N = B.CreateZExtOrTrunc(S.Len, I64);
  Value *K = B.getInt64(P.AccessSize - 1);
  Value *NK = B.CreateAdd(N, K);
  auto HitOf = [&](Value *Base, Value *&Off) {
    Off = B.CreateSub(A, B.CreatePtrToInt(Base, I64), "copier.off");
    return B.CreateICmpULT(B.CreateAdd(Off, K), NK, "copier.hit");
  };
  Value *OffD = nullptr, *OffS = nullptr;
  Value *HitD = P.NarrowDst ? HitOf(S.Dst, OffD) : nullptr;
  Value *HitS = P.NarrowSrc ? HitOf(S.Src, OffS) : nullptr;
  Value *Hit = HitD && HitS ? B.CreateOr(HitD, HitS) : HitD ? HitD : HitS;
  DomTreeUpdater DTU(DT, DomTreeUpdater::UpdateStrategy::Eager);
  MDNode *Unlikely = MDBuilder(At->getContext()).createUnlikelyBranchWeights();
  Instruction *Then = SplitBlockAndInsertIfThen(Hit, At->getIterator(),
                                                false, Unlikely, &DTU, &LI);
  B.SetInsertPoint(Then);
  std::vector<CallInst *> Calls;
  auto Record = [&](CallInst *C) {
    C->setDebugLoc(P.ForcedDL ? P.ForcedDL : S.DL);
    Calls.push_back(C);
  };
  // With both tests the block runs when either hits: the other one's
  // csync gets an empty range (no wait).
  Value *Size = B.getInt64(P.AccessSize), *Zero = B.getInt64(0);
  if (P.NarrowDst)
    Record(B.CreateCall(
        RT.Csync, {Ptr, HitS ? B.CreateSelect(HitD, Size, Zero) : Size}));
  if (P.NarrowSrc) {
    Value *O = HitD ? B.CreateSelect(HitS, OffS, Zero) : OffS;
    Value *L = HitD ? B.CreateSelect(HitS, Size, Zero) : Size;
    Value *D = B.CreateGEP(B.getInt8Ty(), S.Dst, O, "copier.fed");
    Record(B.CreateCall(RT.Csync, {D, L}));
  }
  return Calls;
}

} // namespace gen
} // namespace copier
