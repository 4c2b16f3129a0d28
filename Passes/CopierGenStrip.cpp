//===- CopierGenStrip.cpp - window checks per loop entry or per segment ---===//
//
// For the loads of a pipelined loop whose address is an affine
// add-recurrence {start,+,step} of a loop CL, SCEV knows every address the
// loop will touch, so no check needs to run per iteration:
//
//  * entry check: CL's constant maximum backedge-taken count M bounds the
//    walk to |step|*M + size bytes; when that fits in a segment, one check
//    of the whole walk goes before the loop.
//  * strip-mining: when the latch's exit count EC is computable, CL becomes
//    two loops. The outer one (header "copier.strip") checks each load
//    cluster's address at the current iteration j, computes how many more
//    iterations stay inside the synced window, and runs the original loop,
//    untouched, up to that iteration; the inner loop's latch test is
//    rewritten to "jj == last" (jj counts iterations), and when it leaves,
//    "jj == EC" tells the real exit from the end of a strip. Per iteration
//    the loop pays one compare against a loop-invariant bound, the same as
//    the exit test it replaces; a strip costs one check.
//
// Loads no proof covers keep a check of their own (CopierGenLoops.cpp).
//
//===----------------------------------------------------------------------===//
#include "CopierGenLoopsImpl.h"

#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/DomTreeUpdater.h"
#include "llvm/Analysis/InstructionSimplify.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/Transforms/Utils/Local.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"

using namespace llvm;

namespace copier {
namespace gen {
namespace loops {

namespace {

constexpr int64_t Seg = (int64_t)SegmentBytes;
/// Marks a latch this pass rewrote: its loop is never strip-mined again.
constexpr const char *StripMD = "copier.strip";

/// Loads of one loop with one step whose starts differ by constants: one
/// check covers them all, [Start+Lo, Start+Hi) at iteration 0.
struct Cluster {
  const SCEV *Start = nullptr;
  int64_t Step = 0;
  int64_t Lo = 0, Hi = 0;
  std::vector<const Plan *> Loads;
  DebugLoc DL;
  bool Entry = false;      // the whole walk fits in a segment
  bool Eval = false;       // the first load's address is evaluable
  Value *StartV = nullptr; // else: Start, expanded in the preheader
};

Value *firstPtr(const Cluster &C) {
  return cast<LoadInst>(C.Loads.front()->At)->getPointerOperand();
}

int64_t absStep(const Cluster &C) { return C.Step < 0 ? -C.Step : C.Step; }

/// Whether V, at one iteration of CL, is pure arithmetic on CL's header phis
/// and values from outside CL, so that it can be recomputed anywhere those
/// are known (evalAt).
bool evaluable(Value *V, Loop &CL, unsigned Depth = 0) {
  auto *I = dyn_cast<Instruction>(V);
  if (!I || !CL.contains(I))
    return true;
  if (auto *PN = dyn_cast<PHINode>(I))
    return PN->getParent() == CL.getHeader();
  if (Depth > 12 || !isa<GetElementPtrInst, CastInst, BinaryOperator>(I) ||
      I->mayHaveSideEffects() || I->isIntDivRem())
    return false;
  return all_of(I->operands(),
                [&](Value *Op) { return evaluable(Op, CL, Depth + 1); });
}

/// V recomputed before IP for the iteration whose header phis have the
/// values PhiVal gives (the first iteration, or where a strip starts): the
/// loop's own address arithmetic, cloned without flags that could make an
/// address of an iteration that does not run poison. Recomputing beats
/// expanding SCEV's start + step * j: no multiply, and nothing hoisted out
/// of the enclosing loops to stay live (in a register) across them.
Value *evalAt(Value *V, Loop &CL, function_ref<Value *(PHINode *)> PhiVal,
              Instruction *IP, DenseMap<Value *, Value *> &Memo) {
  auto *I = dyn_cast<Instruction>(V);
  if (!I || !CL.contains(I))
    return V;
  if (auto *PN = dyn_cast<PHINode>(I))
    return PhiVal(PN);
  auto It = Memo.find(I);
  if (It != Memo.end())
    return It->second;
  Instruction *C = I->clone();
  for (unsigned K = 0; K < I->getNumOperands(); ++K)
    C->setOperand(K, evalAt(I->getOperand(K), CL, PhiVal, IP, Memo));
  C->dropPoisonGeneratingFlags();
  C->setName(I->getName() + ".at");
  C->insertBefore(IP);
  // The first iteration often folds away (p + 0, -1 - 0).
  Value *R = C;
  if (Value *S = simplifyInstruction(C, SimplifyQuery(IP->getDataLayout()))) {
    C->eraseFromParent();
    R = S;
  }
  Memo[I] = R;
  return R;
}

/// The latch's exit count when CL can be strip-mined, else null.
const SCEV *stripCount(Loop &CL, ScalarEvolution &SE, SCEVExpander &Exp,
                       Instruction *PreT) {
  BasicBlock *H = CL.getHeader(), *Latch = CL.getLoopLatch();
  if (!Latch || H->isEHPad() || pred_size(H) != 2)
    return nullptr;
  auto *Br = dyn_cast<BranchInst>(Latch->getTerminator());
  if (!Br || !Br->isConditional() || Br->getMetadata(StripMD))
    return nullptr;
  unsigned Cont = Br->getSuccessor(0) == H ? 0 : 1;
  if (Br->getSuccessor(Cont) != H || CL.contains(Br->getSuccessor(1 - Cont)))
    return nullptr;
  const SCEV *EC = SE.getExitCount(&CL, Latch);
  if (isa<SCEVCouldNotCompute>(EC) || !EC->getType()->isIntegerTy() ||
      EC->getType()->getIntegerBitWidth() > 64 || !SE.isLoopInvariant(EC, &CL) ||
      !Exp.isSafeToExpandAt(EC, PreT))
    return nullptr;
  return EC;
}

/// Deletes what the rewritten latch left dead: the old exit test, and an
/// induction variable only it read (with its twin in OH). Only the web
/// reachable from those through operands is considered, so nothing else in
/// the loop (another copy's checks, whose users appear later) is touched.
void dropDeadScalars(Value *OldCond, ArrayRef<PHINode *> Seeds, Loop &Inner,
                     BasicBlock *OH) {
  auto IsCand = [&](Value *V) -> Instruction * {
    auto *I = dyn_cast<Instruction>(V);
    if (!I || (I->getParent() != OH && !Inner.contains(I)) ||
        !isa<PHINode, CmpInst, BinaryOperator, CastInst, GetElementPtrInst,
             SelectInst, FreezeInst>(I) ||
        I->mayHaveSideEffects())
      return nullptr;
    return I;
  };
  SmallVector<Instruction *, 32> Cand;
  SmallPtrSet<Instruction *, 32> IsC;
  SmallVector<Value *, 32> Work(Seeds.begin(), Seeds.end());
  Work.push_back(OldCond);
  while (!Work.empty()) {
    Instruction *I = IsCand(Work.pop_back_val());
    if (!I || !IsC.insert(I).second)
      continue;
    Cand.push_back(I);
    append_range(Work, I->operands());
  }
  // Live: used by anything outside the web, or by something live.
  SmallPtrSet<Instruction *, 32> Live;
  SmallVector<Instruction *, 32> LWork;
  for (Instruction *I : Cand)
    if (any_of(I->users(), [&](User *U) {
          auto *UI = dyn_cast<Instruction>(U);
          return !UI || !IsC.count(UI);
        }))
      LWork.push_back(I);
  while (!LWork.empty()) {
    Instruction *I = LWork.pop_back_val();
    if (!Live.insert(I).second)
      continue;
    for (Value *Op : I->operands())
      if (auto *OI = dyn_cast<Instruction>(Op); OI && IsC.count(OI))
        LWork.push_back(OI);
  }
  SmallVector<Instruction *, 16> Dead;
  for (Instruction *I : Cand)
    if (!Live.count(I))
      Dead.push_back(I);
  for (Instruction *I : Dead) {
    salvageDebugInfo(*I);
    I->replaceAllUsesWith(PoisonValue::get(I->getType()));
  }
  for (Instruction *I : Dead)
    I->eraseFromParent();
}

/// Strip-mines CL (see the file comment). ECv: the latch's exit count as
/// i64, computed in the preheader; the clusters' starts are there too.
void strip(Loop &CL, ArrayRef<Cluster *> Cs, Value *ECv, const Runtime &RT,
           DomTreeUpdater &DTU, LoopInfo &LI, std::vector<Check> &Checks) {
  BasicBlock *H = CL.getHeader(), *Latch = CL.getLoopLatch();
  BasicBlock *Pre = CL.getLoopPreheader();
  Function *F = H->getParent();
  LLVMContext &Ctx = F->getContext();
  Type *I64 = Type::getInt64Ty(Ctx);
  auto *OldBr = cast<BranchInst>(Latch->getTerminator());
  BasicBlock *Exit = OldBr->getSuccessor(OldBr->getSuccessor(0) == H ? 1 : 0);

  // The CFG: Pre -> OH -> H ... Latch -> (H | End); End -> (Exit | OH).
  BasicBlock *OH = BasicBlock::Create(Ctx, "copier.strip", F, H);
  BasicBlock *End = BasicBlock::Create(Ctx, "copier.strip.end", F);
  End->moveAfter(Latch);
  Pre->getTerminator()->replaceSuccessorWith(H, OH);
  BranchInst *OHBr = BranchInst::Create(H, OH);
  OHBr->setDebugLoc(Pre->getTerminator()->getDebugLoc());
  PHINode *J = PHINode::Create(I64, 2, "copier.j", OHBr);
  J->addIncoming(ConstantInt::get(I64, 0), Pre);
  SmallVector<PHINode *, 8> HPhis;
  for (PHINode &X : H->phis())
    HPhis.push_back(&X);
  DenseMap<PHINode *, Value *> Twin;
  for (PHINode *X : HPhis) {
    // Entering a strip continues the loop where the last one stopped.
    PHINode *XO =
        PHINode::Create(X->getType(), 2, X->getName() + ".strip", OHBr);
    Twin[X] = XO;
    XO->addIncoming(X->getIncomingValueForBlock(Pre), Pre);
    XO->addIncoming(X->getIncomingValueForBlock(Latch), End);
    int Idx = X->getBasicBlockIndex(Pre);
    X->setIncomingBlock(Idx, OH);
    X->setIncomingValue(Idx, XO);
  }
  // Iterations left in the strip after the current one: counting down to 0
  // lets the latch test be a decrement and a branch on zero.
  PHINode *Rem = PHINode::Create(I64, 2, "copier.rem", H->begin());
  BranchInst *NewBr =
      BranchInst::Create(End, H, ConstantInt::getFalse(Ctx), OldBr);
  NewBr->copyMetadata(*OldBr); // loop metadata stays with the inner loop
  // A strip ends once per segment at most.
  NewBr->setMetadata(LLVMContext::MD_prof,
                     MDBuilder(Ctx).createUnlikelyBranchWeights());
  NewBr->setMetadata(StripMD, MDNode::get(Ctx, {}));
  Value *OldCond = OldBr->getCondition();
  OldBr->eraseFromParent();
  IRBuilder<> LB(NewBr);
  Value *RemNext = LB.CreateAdd(Rem, ConstantInt::getAllOnesValue(I64),
                                "copier.rem.next");
  Rem->addIncoming(RemNext, Latch);
  NewBr->setCondition(LB.CreateICmpEQ(Rem, LB.getInt64(0), "copier.strip.at"));
  Exit->replacePhiUsesWith(Latch, End);
  // End's condition and J's next value need the strip's last iteration,
  // computed below.
  BranchInst *EndBr = BranchInst::Create(Exit, OH, ConstantInt::getTrue(Ctx), End);
  EndBr->setDebugLoc(NewBr->getDebugLoc());
  DTU.applyUpdates({{DominatorTree::Insert, Pre, OH},
                    {DominatorTree::Insert, OH, H},
                    {DominatorTree::Delete, Pre, H},
                    {DominatorTree::Insert, Latch, End},
                    {DominatorTree::Delete, Latch, Exit},
                    {DominatorTree::Insert, End, Exit},
                    {DominatorTree::Insert, End, OH}});

  // Loops: CL's object becomes the outer loop (header OH), so every
  // reference to it (the pipelined loop of other checks) stays valid; a
  // new loop takes the original blocks and subloops.
  Loop *Inner = LI.AllocateLoop();
  SmallVector<Loop *, 4> Kids(CL.begin(), CL.end());
  for (Loop *K : Kids) {
    CL.removeChildLoop(K);
    Inner->addChildLoop(K);
  }
  for (BasicBlock *BB : CL.blocks()) {
    Inner->addBlockEntry(BB);
    if (LI.getLoopFor(BB) == &CL)
      LI.changeLoopFor(BB, Inner);
  }
  CL.addChildLoop(Inner);
  CL.addBasicBlockToLoop(OH, LI);
  CL.addBasicBlockToLoop(End, LI);
  CL.moveToHeader(OH);

  // Per strip: check each cluster at iteration j, then run up to the last
  // iteration all clusters' windows cover, never past the exit count.
  Value *Extra = nullptr;
  DenseMap<Value *, Value *> Memo;
  for (Cluster *C : Cs) {
    IRBuilder<> B(OHBr);
    Value *Ptr, *Off;
    if (C->Eval) {
      Ptr = evalAt(firstPtr(*C), CL, [&](PHINode *X) { return Twin[X]; },
                   OHBr, Memo);
      Off = B.getInt64(C->Lo);
    } else {
      Ptr = C->StartV;
      Off = C->Step == 1 ? J : B.CreateMul(J, B.getInt64(C->Step));
      Off = B.CreateAdd(Off, B.getInt64(C->Lo));
    }
    Check K;
    K.IP = OHBr;
    auto *OffC = dyn_cast<ConstantInt>(Off);
    K.Ptr = OffC && OffC->isZero()
                ? Ptr
                : B.CreateGEP(Type::getInt8Ty(Ctx), Ptr, Off, "copier.strip.p");
    K.Size = (uint64_t)(C->Hi - C->Lo);
    K.Down = C->Step < 0;
    K.P = C->Loads.front();
    K.DL = C->DL;
    emitCheck(K, RT, DTU, LI);
    // After the check [Addr, Addr+Size) is inside [Lo2, Lo2+SEG): the room
    // ahead in the walk's direction, in whole steps.
    IRBuilder<> TB(OHBr);
    Value *In = TB.CreateSub(K.Addr, K.Lo2);
    Value *Room =
        K.Down ? In : TB.CreateSub(ConstantInt::get(I64, Seg - K.Size), In);
    Value *N = absStep(*C) == 1
                   ? Room
                   : TB.CreateUDiv(Room, TB.getInt64(absStep(*C)),
                                   "copier.strip.n");
    Extra = Extra ? TB.CreateBinaryIntrinsic(Intrinsic::umin, Extra, N) : N;
    Checks.push_back(K);
  }
  IRBuilder<> TB(OHBr);
  Value *Left = TB.CreateSub(ECv, J);
  Value *K = TB.CreateBinaryIntrinsic(Intrinsic::umin, Extra, Left);
  Value *Last = TB.CreateAdd(J, K, "copier.strip.last");
  Rem->addIncoming(K, OHBr->getParent());
  IRBuilder<> EB(EndBr);
  EndBr->setCondition(EB.CreateICmpEQ(Last, ECv, "copier.strip.done"));
  J->addIncoming(EB.CreateAdd(Last, EB.getInt64(1), "copier.j.next",
                              /*HasNUW=*/true),
                 End);
  SmallVector<PHINode *, 16> Seeds(HPhis.begin(), HPhis.end());
  for (PHINode *X : HPhis)
    if (auto *XO = dyn_cast<PHINode>(Twin[X]))
      Seeds.push_back(XO);
  dropDeadScalars(OldCond, Seeds, *Inner, OH);
}

} // namespace

std::vector<const Plan *>
checkLoop(Loop &CL, ArrayRef<const Plan *> Loads, const CopySite &S,
          const Runtime &RT, DomTreeUpdater &DTU, LoopInfo &LI,
          TargetLibraryInfo &TLI, AssumptionCache &AC,
          std::vector<Check> &Checks) {
  DominatorTree &DT = DTU.getDomTree();
  Function &F = *CL.getHeader()->getParent();
  const DataLayout &DLay = F.getDataLayout();
  BasicBlock *Pre = CL.getLoopPreheader();
  if (!Pre)
    Pre = InsertPreheaderForLoop(&CL, &DT, &LI, nullptr, false);
  if (!Pre)
    return {Loads.begin(), Loads.end()};
  Instruction *PreT = Pre->getTerminator();
  ScalarEvolution SE(F, TLI, AC, DT, LI);
  SCEVExpander Exp(SE, DLay, "copier.strip", /*PreserveLCSSA=*/false);

  std::vector<const Plan *> Rest;
  std::vector<Cluster> Cs;
  for (const Plan *G : Loads) {
    auto *Ld = cast<LoadInst>(G->At);
    auto *AR = dyn_cast<SCEVAddRecExpr>(SE.getSCEV(Ld->getPointerOperand()));
    const SCEVConstant *StepC =
        AR && AR->isAffine() && AR->getLoop() == &CL
            ? dyn_cast<SCEVConstant>(AR->getStepRecurrence(SE))
            : nullptr;
    int64_t Size = (int64_t)G->AccessSize;
    if (!StepC || StepC->getAPInt().isZero() ||
        StepC->getAPInt().getSignificantBits() > 32 ||
        Size + std::abs(StepC->getAPInt().getSExtValue()) > Seg ||
        !Exp.isSafeToExpandAt(AR->getStart(), PreT)) {
      Rest.push_back(G);
      continue;
    }
    int64_t Step = StepC->getAPInt().getSExtValue();
    bool Merged = false;
    for (Cluster &C : Cs) {
      if (C.Step != Step)
        continue;
      auto *D = dyn_cast<SCEVConstant>(SE.getMinusSCEV(AR->getStart(), C.Start));
      if (!D || D->getAPInt().getSignificantBits() > 32)
        continue;
      int64_t Off = D->getAPInt().getSExtValue();
      int64_t NLo = std::min(C.Lo, Off), NHi = std::max(C.Hi, Off + Size);
      if (NHi - NLo + absStep(C) > Seg)
        continue;
      C.Lo = NLo;
      C.Hi = NHi;
      C.Loads.push_back(G);
      Merged = true;
      break;
    }
    if (!Merged) {
      Cluster C;
      C.Start = AR->getStart();
      C.Step = Step;
      C.Hi = Size;
      C.Loads.push_back(G);
      C.DL = Ld->getDebugLoc() ? Ld->getDebugLoc() : S.DL;
      Cs.push_back(std::move(C));
    }
  }
  if (Cs.empty())
    return Rest;

  // Whole walk within a segment: the constant maximum trip count bounds it
  // (early exits only shorten it).
  const SCEV *Max = SE.getConstantMaxBackedgeTakenCount(&CL);
  std::optional<int64_t> M;
  if (auto *MC = dyn_cast<SCEVConstant>(Max))
    if (MC->getAPInt().getActiveBits() <= 20)
      M = (int64_t)MC->getAPInt().getZExtValue();
  bool NeedStrip = false;
  for (Cluster &C : Cs) {
    C.Entry = M && absStep(C) * *M + (C.Hi - C.Lo) <= Seg;
    NeedStrip |= !C.Entry;
  }
  const SCEV *EC = NeedStrip ? stripCount(CL, SE, Exp, PreT) : nullptr;
  std::vector<Cluster *> Entry, Strip;
  for (Cluster &C : Cs) {
    if (C.Entry)
      Entry.push_back(&C);
    else if (EC)
      Strip.push_back(&C);
    else
      append_range(Rest, C.Loads);
  }
  // Everything the checks need is expanded now, while SCEV still describes
  // the IR: the checks below change the CFG.
  for (Cluster *C : Entry)
    if (!(C->Eval = evaluable(firstPtr(*C), CL)))
      C->StartV = Exp.expandCodeFor(C->Start, C->Start->getType(), PreT);
  for (Cluster *C : Strip)
    if (!(C->Eval = evaluable(firstPtr(*C), CL)))
      C->StartV = Exp.expandCodeFor(C->Start, C->Start->getType(), PreT);
  Value *ECv = nullptr;
  if (!Strip.empty()) {
    ECv = Exp.expandCodeFor(EC, EC->getType(), PreT);
    IRBuilder<> B(PreT);
    ECv = B.CreateZExt(ECv, B.getInt64Ty(), "copier.strip.ec");
  }

  LLVMContext &Ctx = F.getContext();
  for (Cluster *C : Entry) {
    // The walk covers [Start+Lo, Start+Hi) shifted by up to M steps.
    BasicBlock *P = CL.getLoopPreheader();
    Instruction *IP = P->getTerminator();
    int64_t Span = absStep(*C) * *M;
    Value *Start = C->StartV;
    if (C->Eval) {
      DenseMap<Value *, Value *> Memo;
      Start = evalAt(firstPtr(*C), CL,
                     [&](PHINode *X) { return X->getIncomingValueForBlock(P); },
                     IP, Memo);
    }
    IRBuilder<> B(IP);
    Check K;
    K.IP = IP;
    int64_t First = C->Lo - (C->Step < 0 ? Span : 0);
    K.Ptr = First ? B.CreateGEP(Type::getInt8Ty(Ctx), Start, B.getInt64(First),
                                "copier.walk")
                  : Start;
    K.Size = (uint64_t)(Span + C->Hi - C->Lo);
    K.Down = C->Step < 0;
    K.P = C->Loads.front();
    K.DL = C->DL;
    emitCheck(K, RT, DTU, LI);
    Checks.push_back(K);
  }
  if (!Strip.empty())
    strip(CL, Strip, ECv, RT, DTU, LI, Checks);
  return Rest;
}

} // namespace loops
} // namespace gen
} // namespace copier
