//===- CopierGenLoops.cpp - one csync per segment in consuming loops ------===//
//
// When a loop that the copy does not belong to reads the destination with an
// advancing address, the consumer should start while the copy still runs:
// before each such load, sync the next segment only when the load leaves the
// segment synced last. The guard is sound for any address (it checks both
// ends of the synced window); the add-recurrence test only picks the loops
// where it pays.
//
//===----------------------------------------------------------------------===//
#include "CopierGenInternal.h"

#include "llvm/Analysis/DomTreeUpdater.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/SSAUpdater.h"

using namespace llvm;

namespace copier {
namespace gen {

bool canPipeline(PlacementContext &Ctx, const CopySite &S, const Loop &L,
                 ArrayRef<Instruction *> Interfering) {
  if (Interfering.empty())
    return false;
  bool Advancing = false;
  for (Instruction *I : Interfering) {
    auto *Ld = dyn_cast<LoadInst>(I);
    if (!Ld || !Ld->isSimple() ||
        Ld->getPointerAddressSpace() != 0)
      return false;
    TypeSize TS = Ctx.DLay.getTypeStoreSize(Ld->getType());
    if (TS.isScalable() || TS.getFixedValue() > SegmentBytes)
      return false;
    // A load that reads the source (too) is fine: reading never races with
    // the copy. Only the destination needs the guard, and the caller has
    // already checked that it is a read.
    // Profitability only (the guard is sound for any address): at least one
    // load must advance through the buffer.
    const SCEV *P = Ctx.SE.getSCEV(Ld->getPointerOperand());
    auto *AR = dyn_cast<SCEVAddRecExpr>(P);
    if (!AR || !AR->isAffine() || !L.contains(AR->getLoop()->getHeader()))
      continue;
    auto *Step = dyn_cast<SCEVConstant>(AR->getStepRecurrence(Ctx.SE));
    if (Step && Step->getAPInt().isStrictlyPositive())
      Advancing = true;
  }
  return Advancing;
}

std::vector<std::pair<CallInst *, const Plan *>>
emitSegmentGuards(ArrayRef<const Plan *> Guards, const CopySite &S,
                  const Runtime &RT, DominatorTree &DT, LoopInfo &LI) {
  // All loads of one copy in one loop share one window [lo, lo+SEG): any
  // guard that syncs moves it, each guard checks its own bytes against it.
  const Loop *L = Guards.front()->L;
  LLVMContext &C = L->getHeader()->getContext();
  const DataLayout &DLay = L->getHeader()->getModule()->getDataLayout();
  Type *I64 = Type::getInt64Ty(C);
  DomTreeUpdater DTU(DT, DomTreeUpdater::UpdateStrategy::Eager);

  // Loads off one base pointer at constant offsets in one block (an unrolled
  // or word-wise walk: p[i], p[i+8], ...) share one guard of their union,
  // placed before the first of them: one check per group, not per load.
  struct Group {
    LoadInst *First = nullptr; // earliest in the block: the guard goes here
    Value *Base = nullptr;
    int64_t Lo = 0, Hi = 0; // union of the loads' bytes, relative to Base
    const Plan *Plan0 = nullptr;
  };
  std::vector<Group> Groups;
  DenseMap<std::pair<BasicBlock *, Value *>, unsigned> GroupOf;
  for (const Plan *G : Guards) {
    auto *Ld = cast<LoadInst>(G->At);
    int64_t Off = 0;
    Value *Base =
        GetPointerBaseWithConstantOffset(Ld->getPointerOperand(), Off, DLay);
    int64_t End = Off + (int64_t)G->AccessSize;
    auto Key = std::make_pair(Ld->getParent(), Base);
    auto It = GroupOf.find(Key);
    if (It != GroupOf.end()) {
      Group &Gr = Groups[It->second];
      int64_t NLo = std::min(Gr.Lo, Off), NHi = std::max(Gr.Hi, End);
      if (NHi - NLo <= (int64_t)SegmentBytes) {
        Gr.Lo = NLo;
        Gr.Hi = NHi;
        if (Ld->comesBefore(Gr.First))
          Gr.First = Ld;
        continue;
      }
    }
    GroupOf[Key] = Groups.size();
    Groups.push_back({Ld, Base, Off, End, G});
  }

  struct Part {
    Value *Ptr; // first byte the guard covers
    BasicBlock *Then;
    PHINode *Lo2;
    CallInst *Sync;
    uint64_t Size; // bytes the guard covers
    const Plan *P;
  };
  std::vector<Part> Parts;
  for (Group &Gr : Groups) {
    LoadInst *Ld = Gr.First;
    // The union's first byte, computed where the guard goes (Base dominates
    // every load of the group, so it dominates the first).
    Value *Ptr = Ld->getPointerOperand();
    int64_t FirstOff = 0;
    GetPointerBaseWithConstantOffset(Ptr, FirstOff, DLay);
    if (FirstOff != Gr.Lo || Ptr->getType() != Gr.Base->getType()) {
      IRBuilder<> PB(Ld);
      Ptr = PB.CreateGEP(Type::getInt8Ty(C), Gr.Base,
                         ConstantInt::get(I64, Gr.Lo), "copier.grp");
    }
    Instruction *ThenT = SplitBlockAndInsertIfThen(
        ConstantInt::getTrue(C), Ld, /*Unreachable=*/false, nullptr, &DTU, &LI);
    BasicBlock *Tail = Ld->getParent();
    PHINode *Lo2 =
        PHINode::Create(I64, 2, "copier.lo", Tail->getFirstNonPHIIt());
    IRBuilder<> TB(ThenT);
    CallInst *Sync =
        TB.CreateCall(RT.Csync, {Ptr, ConstantInt::get(I64, SegmentBytes)});
    Sync->setDebugLoc(Ld->getDebugLoc() ? Ld->getDebugLoc() : S.DL);
    Parts.push_back({Ptr, ThenT->getParent(), Lo2, Sync,
                     (uint64_t)(Gr.Hi - Gr.Lo), Gr.Plan0});
  }
  // lo = 2^64 - 1 - SEG (nothing synced) on every entry into the loop, so
  // the window never outlives one run of it. With the one-compare test below
  // that start value makes every user-space address miss the window: only
  // addresses in the top SEG+1 bytes (kernel space) would not.
  SSAUpdater SSA;
  SSA.Initialize(I64, "copier.lo");
  Constant *Fresh = ConstantInt::get(I64, ~0ULL - SegmentBytes);
  for (BasicBlock *P : predecessors(L->getHeader()))
    if (!L->contains(P))
      SSA.AddAvailableValue(P, Fresh);
  DenseMap<BasicBlock *, PHINode *> DefAt;
  for (Part &P : Parts) {
    SSA.AddAvailableValue(P.Lo2->getParent(), P.Lo2);
    DefAt[P.Lo2->getParent()] = P.Lo2;
  }
  std::vector<std::pair<CallInst *, const Plan *>> Out;
  for (Part &P : Parts) {
    BasicBlock *Head = P.Then->getSinglePredecessor();
    auto *Br = cast<BranchInst>(Head->getTerminator());
    // Head may itself start with another guard's window (two loads in one
    // block): then that is the current value.
    auto It = DefAt.find(Head);
    Value *Lo =
        It != DefAt.end() ? It->second : SSA.GetValueInMiddleOfBlock(Head);
    IRBuilder<> B(Br);
    Value *Addr = B.CreatePtrToInt(P.Ptr, I64, "copier.addr");
    // [addr, addr+size) inside [lo, lo+SEG)  <=>  addr - lo <= SEG - size
    // (unsigned: addr < lo wraps to a huge difference). One subtraction and
    // one compare per load: this runs in the consumer's innermost loop.
    Value *Off = B.CreateSub(Addr, Lo, "copier.off");
    Br->setCondition(B.CreateICmpUGT(
        Off, ConstantInt::get(I64, SegmentBytes - P.Size), "copier.seg"));
    P.Lo2->addIncoming(Lo, Head);
    P.Lo2->addIncoming(Addr, P.Then);
    Out.push_back({P.Sync, P.P});
  }
  return Out;
}

} // namespace gen
} // namespace copier
