//===- CopierGenLoops.cpp - one csync per segment in consuming loops ------===//
//
// When a loop that the copy does not belong to reads the destination with an
// advancing address, the consumer should start while the copy still runs.
// All checks of one copy in one loop share one window [lo, lo+SEG) of bytes
// known synced (an SSA value threaded through the loop, reset on entry); a
// check of [p, p+size) costs one subtraction and one compare, and when it
// fails it syncs the next segment and moves the window.
//
// Where the check goes depends on what SCEV proves about each load
// (docs/copiergen.md, "Pipelining"):
//   * the loop's whole walk fits in a segment (constant maximum trip count):
//     one check of the whole walk before the loop;
//   * the loop's latch exit count is computable: strip-mining
//     (CopierGenStrip.cpp), one check per segment, none per iteration;
//   * otherwise: a check before the load, every iteration.
// Every check tests both ends of the window, so each is sound for any
// address; SCEV only decides how often they run.
//
//===----------------------------------------------------------------------===//
#include "CopierGenInternal.h"
#include "CopierGenLoopsImpl.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/DomTreeUpdater.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/SSAUpdater.h"

#include <algorithm>

using namespace llvm;

namespace copier {
namespace gen {

cl::opt<bool> LoopStrip(
    "copier-loop-strip",
    cl::desc("Check pipelined loads once per loop entry or once per segment "
             "where SCEV proves the walk (0: a check before every load)"),
    cl::init(true));

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
    // load must advance through the buffer. The engine copies front to back,
    // so a loop walking only backwards would wait for the whole copy anyway.
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

namespace loops {

void emitCheck(Check &C, const Runtime &RT, DomTreeUpdater &DTU,
               LoopInfo &LI) {
  LLVMContext &Ctx = C.IP->getContext();
  Type *I64 = Type::getInt64Ty(Ctx);
  Constant *Seg = ConstantInt::get(I64, SegmentBytes);
  IRBuilder<> HB(C.IP);
  C.Addr = HB.CreatePtrToInt(C.Ptr, I64, "copier.addr");
  // The condition is set once the window value reaching here is known. It
  // holds once per segment: marked unlikely, so the csync's block is laid
  // out of line and the register allocator spills around the call only on
  // that path, not in the consumer's loop.
  Instruction *ThenT = SplitBlockAndInsertIfThen(
      ConstantInt::getTrue(Ctx), C.IP, /*Unreachable=*/false,
      MDBuilder(Ctx).createUnlikelyBranchWeights(), &DTU, &LI);
  BasicBlock *Tail = C.IP->getParent();
  C.Lo2 = PHINode::Create(I64, 2, "copier.lo", Tail->begin());
  IRBuilder<> TB(ThenT);
  Value *SyncPtr = C.Ptr;
  C.NewLo = C.Addr;
  if (C.Down) {
    // A descending walk: the window ends just after these bytes, so the
    // next accesses (below) stay in it. Never below address 0.
    Value *End = TB.CreateAdd(C.Addr, ConstantInt::get(I64, C.Size));
    Value *Fits = TB.CreateICmpUGE(End, Seg);
    C.NewLo = TB.CreateSelect(Fits, TB.CreateSub(End, Seg),
                              ConstantInt::get(I64, 0), "copier.wlo");
    SyncPtr = TB.CreateGEP(Type::getInt8Ty(Ctx), C.Ptr,
                           TB.CreateSub(C.NewLo, C.Addr), "copier.wptr");
  }
  C.Sync = TB.CreateCall(RT.Csync, {SyncPtr, Seg});
  C.Sync->setDebugLoc(C.DL);
  C.Then = ThenT->getParent();
}

} // namespace loops

using namespace loops;

namespace {

/// How the loads of one copy in one loop L are to be checked, decided on
/// the IR before this copy's checks change it.
struct Classified {
  /// Loads whose address is an affine add-recurrence of a loop inside L
  /// (or L itself) with a constant step: candidates for the cheap schemes.
  MapVector<Loop *, std::vector<const Plan *>> ByLoop;
  /// Loads left to a check of their own.
  std::vector<const Plan *> PerLoad;
  /// Loads walking downwards: a window they move ends just after them.
  SmallPtrSet<const Plan *, 8> Down;
};

Classified classify(ArrayRef<const Plan *> Guards, Loop &L,
                    ScalarEvolution &SE) {
  Classified R;
  for (const Plan *G : Guards) {
    auto *Ld = cast<LoadInst>(G->At);
    const SCEV *P = SE.getSCEV(Ld->getPointerOperand());
    auto *AR = dyn_cast<SCEVAddRecExpr>(P);
    const SCEVConstant *Step =
        AR && AR->isAffine()
            ? dyn_cast<SCEVConstant>(AR->getStepRecurrence(SE))
            : nullptr;
    if (Step && Step->getAPInt().isNegative())
      R.Down.insert(G);
    Loop *CL = AR ? const_cast<Loop *>(AR->getLoop()) : nullptr;
    if (!LoopStrip || !Step || Step->getAPInt().isZero() ||
        Step->getAPInt().getSignificantBits() > 32 || !L.contains(CL) ||
        !CL->contains(Ld)) {
      R.PerLoad.push_back(G);
      continue;
    }
    R.ByLoop[CL].push_back(G);
  }
  return R;
}

/// Loads of one base pointer at constant offsets in one block (an unrolled
/// or word-wise walk: p[i], p[i+8], ...) share one check of their union,
/// placed before the first of them.
void perLoadChecks(ArrayRef<const Plan *> Loads, const Classified &Cl,
                   const CopySite &S, const DataLayout &DLay,
                   std::vector<Check> &Out) {
  struct Group {
    LoadInst *First = nullptr; // earliest in the block: the check goes here
    Value *Base = nullptr;
    int64_t Lo = 0, Hi = 0; // union of the loads' bytes, relative to Base
    const Plan *Plan0 = nullptr;
  };
  std::vector<Group> Groups;
  DenseMap<std::pair<BasicBlock *, Value *>, unsigned> GroupOf;
  for (const Plan *G : Loads) {
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
  for (Group &Gr : Groups) {
    LoadInst *Ld = Gr.First;
    // The union's first byte, computed where the check goes (Base dominates
    // every load of the group, so it dominates the first).
    Value *Ptr = Ld->getPointerOperand();
    int64_t FirstOff = 0;
    GetPointerBaseWithConstantOffset(Ptr, FirstOff, DLay);
    if (FirstOff != Gr.Lo || Ptr->getType() != Gr.Base->getType()) {
      IRBuilder<> PB(Ld);
      Ptr = PB.CreateGEP(Type::getInt8Ty(Ld->getContext()), Gr.Base,
                         ConstantInt::get(Type::getInt64Ty(Ld->getContext()),
                                          Gr.Lo),
                         "copier.grp");
    }
    Check C;
    C.IP = Ld;
    C.Ptr = Ptr;
    C.Size = (uint64_t)(Gr.Hi - Gr.Lo);
    C.Down = Cl.Down.count(Gr.Plan0);
    C.P = Gr.Plan0;
    C.DL = Ld->getDebugLoc() ? Ld->getDebugLoc() : S.DL;
    Out.push_back(C);
  }
}

/// Sets every check's condition and threads the window through the loop:
/// lo = 2^64 - 1 - SEG (nothing synced) on every entry into Scope, so the
/// window never outlives one run of it. With the one-compare test that
/// start value makes every user-space address miss the window: only
/// addresses in the top SEG+1 bytes (kernel space) would not.
void threadWindow(std::vector<Check> &Checks, Loop &Scope) {
  LLVMContext &C = Scope.getHeader()->getContext();
  Type *I64 = Type::getInt64Ty(C);
  DenseMap<BasicBlock *, PHINode *> DefAt;
  for (Check &K : Checks)
    DefAt[K.Lo2->getParent()] = K.Lo2;
  SSAUpdater SSA;
  SSA.Initialize(I64, "copier.lo");
  Constant *Fresh = ConstantInt::get(I64, ~0ULL - SegmentBytes);
  for (BasicBlock *P : predecessors(Scope.getHeader()))
    if (!Scope.contains(P) && !DefAt.count(P))
      SSA.AddAvailableValue(P, Fresh);
  for (auto &[BB, Phi] : DefAt)
    SSA.AddAvailableValue(BB, Phi);
  for (Check &K : Checks) {
    BasicBlock *Head = K.Then->getSinglePredecessor();
    auto *Br = cast<BranchInst>(Head->getTerminator());
    // Head may itself start with another check's window (two checks in one
    // block); a check before the loop (in its preheader) sees a fresh one.
    auto It = DefAt.find(Head);
    Value *Lo = It != DefAt.end()          ? It->second
                : !Scope.contains(Head) ? Fresh
                                        : SSA.GetValueInMiddleOfBlock(Head);
    IRBuilder<> B(Br);
    // [addr, addr+size) inside [lo, lo+SEG)  <=>  addr - lo <= SEG - size
    // (unsigned: addr < lo wraps to a huge difference).
    Value *Off = B.CreateSub(K.Addr, Lo, "copier.off");
    Br->setCondition(B.CreateICmpUGT(
        Off, ConstantInt::get(I64, SegmentBytes - K.Size), "copier.seg"));
    K.Lo2->addIncoming(Lo, Head);
    K.Lo2->addIncoming(K.NewLo, K.Then);
  }
}

} // namespace

std::vector<std::pair<CallInst *, const Plan *>>
emitSegmentGuards(ArrayRef<const Plan *> Guards, const CopySite &S,
                  const Runtime &RT, DominatorTree &DT, LoopInfo &LI) {
  // The loop object stays valid through every change below (strip-mining
  // keeps it as the outer loop), so it is the scope of the window.
  Loop &L = *const_cast<Loop *>(Guards.front()->L);
  Function &F = *L.getHeader()->getParent();
  const DataLayout &DLay = F.getDataLayout();
  DomTreeUpdater DTU(DT, DomTreeUpdater::UpdateStrategy::Eager);
  TargetLibraryInfoImpl TLII(Triple(F.getParent()->getTargetTriple()));
  TargetLibraryInfo TLI(TLII, &F);
  AssumptionCache AC(F);

  // SCEV is computed afresh on the IR as it is now (csyncs, rewritten
  // copies, other copies' checks): the caller's is stale.
  Classified Cl;
  {
    ScalarEvolution SE(F, TLI, AC, DT, LI);
    Cl = classify(Guards, L, SE);
  }
  std::vector<Check> Checks;
  std::vector<const Plan *> PerLoad = Cl.PerLoad;
  // Innermost loops first: strip-mining a loop changes what SCEV says about
  // the loops around it, so each loop is analysed just before its turn.
  std::vector<unsigned> Order;
  for (unsigned I = 0; I < Cl.ByLoop.size(); ++I)
    Order.push_back(I);
  llvm::sort(Order, [&](unsigned A, unsigned B) {
    unsigned DA = Cl.ByLoop.begin()[A].first->getLoopDepth(),
             DB = Cl.ByLoop.begin()[B].first->getLoopDepth();
    return DA != DB ? DA > DB : A < B;
  });
  for (unsigned I : Order) {
    auto &[CL, Loads] = Cl.ByLoop.begin()[I];
    append_range(PerLoad, checkLoop(*CL, Loads, S, RT, DTU, LI, TLI, AC,
                                    Checks));
  }
  perLoadChecks(PerLoad, Cl, S, DLay, Checks);
  // Checks before loads are emitted last: they only split blocks, which
  // the loop schemes above do not depend on.
  for (size_t I = 0; I < Checks.size(); ++I)
    if (!Checks[I].Then)
      emitCheck(Checks[I], RT, DTU, LI);
  threadWindow(Checks, L);
  std::vector<std::pair<CallInst *, const Plan *>> Out;
  for (Check &K : Checks)
    Out.push_back({K.Sync, K.P});
  return Out;
}

} // namespace gen
} // namespace copier
