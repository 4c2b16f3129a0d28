//===- CopierSanitizerVersion.cpp - unchecked copies of clean loops -------===//
//
// A loop that contains no call, fence or acquiring atomic cannot change what
// is in flight as its thread sees it. If every byte its accesses can reach is
// known on entry (each address is a loop-invariant base plus an offset whose
// range ScalarEvolution bounds: a masked hash index, a byte-indexed table, a
// walk with a constant trip count, a field at a constant offset), one test on
// entry decides for the whole loop:
//
//   if (__copier_san_inflight == 0 || every range is clean)
//     the loop without those checks           // a clone
//   else
//     the loop with all its checks            // the original
//
// The test asks the runtime, exactly, whether any byte of each range is in
// flight (a destination for reads, a destination or source for writes), so
// the clean copy can only run when none of its unchecked accesses could be
// reported; otherwise every access keeps its own check and reports as
// before. Accesses whose range is unbounded keep their checks in both copies.
//
//===----------------------------------------------------------------------===//
#include "CopierSanitizerInternal.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/LoopSimplify.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"

using namespace llvm;

namespace copier {
namespace san {

static cl::opt<bool> VersionLoops(
    "copier-san-version-loops", cl::init(true), cl::Hidden,
    cl::desc("CopierSanitizer: give call-free loops with bounded accesses a copy without checks "
             "behind an exact entry test (code size for speed)"));

namespace {

constexpr unsigned MaxLoopInstructions = 2000; // code growth bound per clone
constexpr unsigned MaxVersionedLoops = 16;     // per function
constexpr unsigned MaxRanges = 8;              // runtime tests per loop entry
constexpr int64_t MaxRangeBytes = int64_t(1) << 40;

struct Bounded {
  Instruction *I;
  const SCEV *Base; // loop-invariant pointer
  int64_t Lo, Hi;   // bytes [Base + Lo, Base + Hi)
  bool Write;
};

struct Plan {
  Loop *L;
  SmallVector<Bounded, 16> Accesses; // the bounded ones
  SmallVector<Instruction *, 16> All; // every checked access
};

bool loopIsQuiet(Loop *L, const QuietFunctions &Quiet) {
  for (BasicBlock *BB : L->blocks())
    for (Instruction &I : *BB)
      if (changesInFlightState(I, Quiet))
        return false;
  return true;
}

// The bytes I can touch while L runs, as a loop-invariant base and a
// constant offset range, if ScalarEvolution bounds them.
bool boundAccess(const AccessInfo &A, Loop *L, ScalarEvolution &SE, Bounded &B) {
  const SCEV *S = SE.getSCEV(A.Ptr);
  const SCEV *Base = SE.getPointerBase(S);
  if (isa<SCEVCouldNotCompute>(Base) || !SE.isLoopInvariant(Base, L))
    return false;
  const SCEV *Off = SE.getMinusSCEV(S, Base);
  if (isa<SCEVCouldNotCompute>(Off) || !Off->getType()->isIntegerTy())
    return false;
  ConstantRange R = SE.getSignedRange(Off);
  if (R.isFullSet() || R.isEmptySet() || R.getBitWidth() > 64)
    return false;
  int64_t Lo = R.getSignedMin().getSExtValue(), Hi = R.getSignedMax().getSExtValue();
  if (Lo < -MaxRangeBytes || Hi > MaxRangeBytes)
    return false;
  B = {A.I, Base, Lo, Hi + (int64_t)A.Size, A.Write};
  return true;
}

// Worth a clone only if some bounded access would otherwise be checked on
// every execution: one that is not a simple affine walk of its own loop
// (those are usually checked once per loop entry already).
bool worthIt(const Plan &P, LoopInfo &LI, ScalarEvolution &SE) {
  for (Instruction *I : P.All) {
    Value *Ptr = getLoadStorePointerOperand(I);
    if (!Ptr)
      return true;
    auto *AR = dyn_cast<SCEVAddRecExpr>(SE.getSCEV(Ptr));
    if (!AR || !AR->isAffine() || AR->getLoop() != LI.getLoopFor(I->getParent()))
      return true;
  }
  return false;
}

void collectQuietLoops(Loop *L, const QuietFunctions &Quiet, SmallVectorImpl<Loop *> &Out) {
  if (loopIsQuiet(L, Quiet)) {
    Out.push_back(L);
    return;
  }
  for (Loop *Sub : *L)
    collectQuietLoops(Sub, Quiet, Out);
}

} // namespace

bool versionQuietLoops(Function &F, FunctionAnalysisManager &FAM, const Hooks &H,
                       SmallPtrSetImpl<Instruction *> &Unchecked) {
  // Not at -O0 (keep the code as written) nor when size matters most.
  if (!VersionLoops || F.hasOptNone() || F.hasMinSize())
    return false;
  bool Changed = false;
  SmallPtrSet<BasicBlock *, 16> Done; // headers of loops already versioned
  for (unsigned Round = 0; Round < MaxVersionedLoops; ++Round) {
    auto &LI = FAM.getResult<LoopAnalysis>(F);
    auto &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
    auto &DT = FAM.getResult<DominatorTreeAnalysis>(F);
    SmallVector<Loop *, 8> Quiet;
    for (Loop *L : LI)
      collectQuietLoops(L, H.Quiet, Quiet);
    // The first quiet loop not yet handled that is worth a clone.
    Plan P{nullptr, {}, {}};
    for (Loop *L : Quiet) {
      if (Done.count(L->getHeader()))
        continue;
      Done.insert(L->getHeader());
      // Later passes may have merged the preheader away: put one back.
      if (!L->getLoopPreheader() && !InsertPreheaderForLoop(L, &DT, &LI, nullptr, false))
        continue;
      unsigned Size = 0;
      SmallVector<Bounded, 16> Acc;
      SmallVector<Instruction *, 16> All;
      for (BasicBlock *BB : L->blocks())
        for (Instruction &I : *BB) {
          ++Size;
          AccessInfo A;
          Bounded B;
          if (!H.Access(&I, A))
            continue;
          All.push_back(&I);
          if (boundAccess(A, L, SE, B))
            Acc.push_back(B);
        }
      if (All.empty() || Size > MaxLoopInstructions)
        continue;
      P = {L, std::move(Acc), std::move(All)};
      if (worthIt(P, LI, SE))
        break;
      P.L = nullptr;
    }
    if (!P.L)
      return Changed;
    Loop *L = P.L;

    // One range per base and kind: the union of its accesses' ranges. With
    // an unbounded access, the clone runs only while nothing is in flight.
    bool AllBounded = P.Accesses.size() == P.All.size();
    struct Range { const SCEV *Base; int64_t Lo, Hi; bool Write; };
    SmallVector<Range, 8> Ranges;
    for (const Bounded &B : AllBounded ? ArrayRef<Bounded>(P.Accesses) : ArrayRef<Bounded>()) {
      Range *R = nullptr;
      for (Range &X : Ranges)
        if (X.Base == B.Base && X.Write == B.Write)
          R = &X;
      if (!R) {
        Ranges.push_back({B.Base, B.Lo, B.Hi, B.Write});
        continue;
      }
      R->Lo = std::min(R->Lo, B.Lo);
      R->Hi = std::max(R->Hi, B.Hi);
    }
    BasicBlock *CheckBB = L->getLoopPreheader();
    SCEVExpander Exp(SE, F.getDataLayout(), "copier.ver");
    bool Expandable = Ranges.size() <= MaxRanges;
    for (Range &R : Ranges)
      Expandable &= Exp.isSafeToExpandAt(R.Base, CheckBB->getTerminator());
    if (!Expandable)
      Ranges.clear(); // then the clone runs only while nothing is in flight
    SmallVector<Value *, 8> Bases;
    for (Range &R : Ranges)
      Bases.push_back(Exp.expandCodeFor(R.Base, R.Base->getType(), CheckBB->getTerminator()));
    Exp.clear();

    // Clone the loop (uses outside it then go through exit-block PHIs).
    formLCSSARecursively(*L, DT, &LI, &SE);
    BasicBlock *PH = SplitBlock(CheckBB, CheckBB->getTerminator(), &DT, &LI, nullptr,
                                L->getHeader()->getName() + ".copier.ph");
    SmallVector<BasicBlock *, 4> Exits;
    L->getUniqueExitBlocks(Exits);
    SmallVector<BasicBlock *, 32> LoopBlocks(L->blocks());
    ValueToValueMapTy VMap;
    SmallVector<BasicBlock *, 32> CloneBlocks;
    Loop *Clean = cloneLoopWithPreheader(PH, CheckBB, L, VMap, ".copier.clean", &LI, &DT, CloneBlocks);
    remapInstructionsInBlocks(CloneBlocks, VMap);
    for (BasicBlock *E : Exits)
      for (PHINode &Phi : E->phis())
        for (unsigned K = 0, N = Phi.getNumIncomingValues(); K != N; ++K) {
          BasicBlock *In = Phi.getIncomingBlock(K);
          if (!L->contains(In))
            continue;
          Value *V = Phi.getIncomingValue(K);
          Value *NewV = VMap.count(V) ? static_cast<Value *>(VMap[V]) : V;
          Phi.addIncoming(NewV, cast<BasicBlock>(VMap[In]));
        }
    for (Instruction *I : P.All)
      Unchecked.insert(cast<Instruction>(VMap[I]));
    Done.insert(Clean->getHeader());

    // The entry test: nothing in flight anywhere, or every range clean.
    Instruction *OldTerm = CheckBB->getTerminator();
    IRBuilder<> IB(OldTerm);
    IB.SetCurrentDebugLocation(L->getStartLoc());
    LoadInst *Flag = IB.CreateLoad(IB.getInt32Ty(), H.Inflight, "copier.inflight");
    Flag->setMetadata(LLVMContext::MD_nosanitize, MDNode::get(F.getContext(), {}));
    MDNode *Likely = MDBuilder(F.getContext()).createBranchWeights(100000, 1);
    Value *Idle = IB.CreateICmpEQ(Flag, IB.getInt32(0));
    if (Ranges.empty()) {
      IB.CreateCondBr(Idle, Clean->getLoopPreheader(), PH);
      OldTerm->eraseFromParent();
      Changed = true;
      FAM.invalidate(F, PreservedAnalyses::none());
      continue;
    }
    BasicBlock *TestBB = BasicBlock::Create(F.getContext(), "copier.ver.test", &F, PH);
    IB.CreateCondBr(Idle, Clean->getLoopPreheader(), TestBB, Likely);
    OldTerm->eraseFromParent();
    IRBuilder<> TB(TestBB);
    TB.SetCurrentDebugLocation(L->getStartLoc());
    Value *All = nullptr;
    for (unsigned K = 0; K < Ranges.size(); ++K) {
      Value *Lo = TB.CreateGEP(TB.getInt8Ty(), Bases[K], TB.getInt64(Ranges[K].Lo));
      Value *C = TB.CreateCall(H.RangeClean, {Lo, TB.getInt64(Ranges[K].Hi - Ranges[K].Lo),
                                              TB.getInt32(Ranges[K].Write)});
      C = TB.CreateICmpNE(C, TB.getInt32(0));
      All = All ? TB.CreateAnd(All, C) : C;
    }
    TB.CreateCondBr(All, Clean->getLoopPreheader(), PH, Likely);
    Changed = true;
    FAM.invalidate(F, PreservedAnalyses::none());
  }
  return Changed;
}

} // namespace san
} // namespace copier
