//===- CopierSanitizer.cpp - shadow checks of in-flight copies ------------===//
//
// Instruments every load, store, atomic and memory intrinsic so that an access
// to bytes of an amemcpy that the program has not csynced yet is reported by
// the runtime (runtime/sanitizer). Each access of up to 16 bytes gets:
//
//   if (page[p >> 12] & mask)                    // one load + one branch:
//     if ((shadow[first] | shadow[last]) & mask) //   the page summary
//       __copier_san_{load,store}(p, size)       // mask: D for loads,
//                                                // D|S for stores
// The shadows (see runtime/sanitizer/san_internal.h) are only filters; the
// runtime decides byte-precisely. Memory intrinsics become calls to
// __copier_san_mem{cpy,move,set}, which check both ranges and copy.
//
// Checks left out, each provably unable to miss a report:
// - accesses to allocas whose address never leaves the function, and to
//   constant globals: they can never be in flight;
// - a check dominated by a check of the same pointer, as wide and as strict,
//   with no call (other than to a quiet function), fence or acquiring atomic
//   on any path in between (CopierSanitizerElide.cpp);
// - the check of a store that follows a load of the same bytes in its block:
//   the load's check tests for both and reports each at its own line;
// - accesses off one base share one page-summary test (each keeps its exact
//   granule check);
// - per-iteration checks of a call-free loop's dense affine walks: one check
//   of the whole range in the preheader;
// - call-free loops get a copy without checks, run when nothing they can
//   touch is in flight (CopierSanitizerVersion.cpp).
//
//===----------------------------------------------------------------------===//
#include "CopierSanitizer.h"
#include "CopierSanitizerInternal.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"

#include <optional>

using namespace llvm;

namespace copier {

namespace {

// Match runtime/sanitizer/san_internal.h.
constexpr uint64_t ShadowOffset = 0x7fff8000ULL;
constexpr uint64_t PageShadowOffset = 0x7ff78000ULL;
constexpr unsigned PageShift = 12;
constexpr unsigned ShadowDst = 1, ShadowSrc = 2;

struct Access {
  Instruction *I;
  Value *Ptr;
  uint64_t Size; // bytes
  Align Alignment;
  bool IsWrite;
  StoreInst *Fold = nullptr; // a later store this (load's) check also makes
  Instruction *PageFrom = nullptr; // a dominating access whose page byte covers this one
  std::optional<san::PageSpan> Span; // pages whose summaries this access's group shares
};

class Instrumenter {
public:
  explicit Instrumenter(Module &M)
      : M(M), Ctx(M.getContext()), DL(M.getDataLayout()), Quiet(san::findQuietFunctions(M)) {
    Type *I8 = Type::getInt8Ty(Ctx), *I32 = Type::getInt32Ty(Ctx);
    IntPtr = Type::getInt64Ty(Ctx);
    PtrTy = PointerType::getUnqual(Ctx);
    (void)I8;
    Inflight = M.getOrInsertGlobal("__copier_san_inflight", I32);
    if (auto *GV = dyn_cast<GlobalVariable>(Inflight))
      GV->setExternallyInitialized(true);
    AttributeList NoUnwind =
        AttributeList::get(Ctx, AttributeList::FunctionIndex, {Attribute::NoUnwind});
    LoadFn = M.getOrInsertFunction("__copier_san_load", NoUnwind, Type::getVoidTy(Ctx), PtrTy, IntPtr);
    StoreFn = M.getOrInsertFunction("__copier_san_store", NoUnwind, Type::getVoidTy(Ctx), PtrTy, IntPtr);
    LoadRangeFn = M.getOrInsertFunction("__copier_san_load_range", NoUnwind, Type::getVoidTy(Ctx), PtrTy, IntPtr);
    StoreRangeFn = M.getOrInsertFunction("__copier_san_store_range", NoUnwind, Type::getVoidTy(Ctx), PtrTy, IntPtr);
    MemcpyFn = M.getOrInsertFunction("__copier_san_memcpy", NoUnwind, PtrTy, PtrTy, PtrTy, IntPtr);
    MemmoveFn = M.getOrInsertFunction("__copier_san_memmove", NoUnwind, PtrTy, PtrTy, PtrTy, IntPtr);
    MemsetFn = M.getOrInsertFunction("__copier_san_memset", NoUnwind, PtrTy, PtrTy, I32, IntPtr);
    RangeCleanFn = M.getOrInsertFunction("__copier_san_range_clean", NoUnwind, I32, PtrTy, IntPtr, I32);
    Unlikely = MDBuilder(Ctx).createBranchWeights(1, 100000);
  }

  bool runOnFunction(Function &F, FunctionAnalysisManager &FAM);

private:
  Module &M;
  LLVMContext &Ctx;
  const DataLayout &DL;
  san::QuietFunctions Quiet; // before instrumentation adds runtime calls
  Type *IntPtr;
  PointerType *PtrTy;
  Constant *Inflight;
  FunctionCallee LoadFn, StoreFn, LoadRangeFn, StoreRangeFn, MemcpyFn, MemmoveFn, MemsetFn,
      RangeCleanFn;
  MDNode *Unlikely;
  DenseMap<const AllocaInst *, bool> LocalOnly;
  DenseMap<Instruction *, Value *> PageByte; // page-summary byte loaded for an access

  bool cannotBeInFlight(Value *Ptr);
  bool allocaStaysLocal(const AllocaInst *AI);
  void instrument(const Access &A);
  /// A loop-wide check of the range A touches, or null if A cannot be hoisted.
  /// Checked on the edge Pred -> Header (the loop's entry); Lo and Len are
  /// computed at the end of Pred.
  struct RangeCheck { BasicBlock *Pred, *Header; Value *Lo, *Len; bool IsWrite; DebugLoc Loc; };
  DenseMap<std::pair<BasicBlock *, BasicBlock *>, BasicBlock *> EntryBlocks;
  struct Candidate {
    const Access *A;
    Loop *L;
    const SCEV *Start; // address at iteration 0, as an integer
    int64_t Step;
    const SCEV *BTC;   // backedge-taken count, i64
    int64_t Offset;    // from the first access of its group
  };
  bool candidate(const Access &A, LoopInfo &LI, ScalarEvolution &SE, DominatorTree &DT,
                 Candidate &C);
  void hoistGroups(SmallVectorImpl<Candidate> &Cands, ScalarEvolution &SE, SCEVExpander &Exp,
                   SmallVectorImpl<RangeCheck> &Out, SmallPtrSetImpl<const Instruction *> &Hoisted);
  void emitRangeCheck(const RangeCheck &R);
  DenseMap<const Loop *, bool> CallFree;
  bool loopCallFree(Loop *L);
  void replaceIntrinsic(MemIntrinsic *MI);
  void markNoSanitize(Instruction *I) {
    I->setMetadata(LLVMContext::MD_nosanitize, MDNode::get(Ctx, {}));
  }
};

/// An alloca whose address is only ever loaded from, stored to, compared or
/// offset never reaches amemcpy (nor another thread), so it is never in flight.
bool Instrumenter::allocaStaysLocal(const AllocaInst *AI) {
  auto It = LocalOnly.find(AI);
  if (It != LocalOnly.end())
    return It->second;
  SmallVector<const Value *, 16> Work{AI};
  SmallPtrSet<const Value *, 16> Seen{AI};
  bool Local = true;
  while (!Work.empty() && Local) {
    const Value *V = Work.pop_back_val();
    for (const User *U : V->users()) {
      if (auto *LI = dyn_cast<LoadInst>(U)) {
        (void)LI;
        continue;
      }
      if (auto *SI = dyn_cast<StoreInst>(U)) {
        if (SI->getValueOperand() == V) { Local = false; break; } // address escapes
        continue;
      }
      if (isa<GetElementPtrInst>(U) || isa<BitCastInst>(U) || isa<PHINode>(U) ||
          isa<SelectInst>(U) || isa<AddrSpaceCastInst>(U)) {
        if (Seen.insert(U).second)
          Work.push_back(U);
        continue;
      }
      if (isa<ICmpInst>(U))
        continue;
      if (auto *II = dyn_cast<IntrinsicInst>(U)) {
        if (II->isLifetimeStartOrEnd() || II->isDroppable() || isa<MemIntrinsic>(II))
          continue;
      }
      Local = false; // calls, ptrtoint, atomics on it, returns...
      break;
    }
  }
  LocalOnly[AI] = Local;
  return Local;
}

bool Instrumenter::cannotBeInFlight(Value *Ptr) {
  if (Ptr->getType()->getPointerAddressSpace() != 0)
    return true;
  const Value *Obj = getUnderlyingObject(Ptr);
  if (auto *AI = dyn_cast<AllocaInst>(Obj))
    return allocaStaysLocal(AI);
  if (auto *GV = dyn_cast<GlobalVariable>(Obj))
    return GV->isConstant();
  return false;
}

void Instrumenter::instrument(const Access &A) {
  IRBuilder<> B(A.I);
  bool Write = A.IsWrite || A.Fold;
  uint8_t Mask = Write ? ShadowDst | ShadowSrc : ShadowDst;
  // The out-of-line exact check(s), each at its own access's line.
  auto Slow = [&](IRBuilder<> &SB) {
    Value *Args[] = {A.Ptr, ConstantInt::get(IntPtr, A.Size)};
    SB.CreateCall(A.IsWrite ? StoreFn : LoadFn, Args);
    if (A.Fold) {
      SB.SetCurrentDebugLocation(A.Fold->getDebugLoc());
      uint64_t SSize = DL.getTypeStoreSize(A.Fold->getValueOperand()->getType()).getFixedValue();
      SB.CreateCall(StoreFn, {A.Ptr, ConstantInt::get(IntPtr, SSize)});
    }
  };
  if (A.Size == 0 || A.Size > 4096) {
    // Rare (huge vectors): the runtime's exact check whenever anything is in flight.
    LoadInst *Flag = B.CreateLoad(B.getInt32Ty(), Inflight, "copier.inflight");
    markNoSanitize(Flag);
    Instruction *Then =
        SplitBlockAndInsertIfThen(B.CreateICmpNE(Flag, B.getInt32(0)), A.I, false, Unlikely);
    IRBuilder<> TB(Then);
    TB.SetCurrentDebugLocation(A.I->getDebugLoc());
    Slow(TB);
    return;
  }
  Value *Addr = B.CreatePtrToInt(A.Ptr, IntPtr);
  auto ShadowAt = [&](Value *Ad, uint64_t Offset, unsigned Shift) {
    Value *S = B.CreateAdd(B.CreateLShr(Ad, Shift), ConstantInt::get(IntPtr, Offset));
    LoadInst *L = B.CreateLoad(B.getInt8Ty(), B.CreateIntToPtr(S, PtrTy));
    markNoSanitize(L);
    return L;
  };
  auto Last = [&] { return B.CreateAdd(Addr, ConstantInt::get(IntPtr, A.Size - 1)); };
  // Page summary: it covers 16 bytes past each page, so one load answers
  // for up to 16 bytes; wider accesses (at most two pages) test both ends.
  Value *Pg = A.PageFrom ? PageByte.lookup(A.PageFrom) : nullptr;
  if (!Pg && A.Span) {
    // The summaries of the two pages its group spans, for all of them.
    auto At = [&](int64_t Off) {
      Value *Ad = Off ? B.CreateAdd(Addr, ConstantInt::get(IntPtr, Off)) : Addr;
      return ShadowAt(Ad, PageShadowOffset, PageShift);
    };
    Pg = A.Span->Lo == A.Span->Hi ? At(A.Span->Lo) : B.CreateOr(At(A.Span->Lo), At(A.Span->Hi));
  }
  if (!Pg)
    Pg = ShadowAt(Addr, PageShadowOffset, PageShift);
  if (A.Size <= 16)
    PageByte[A.I] = Pg;
  else
    Pg = B.CreateOr(Pg, ShadowAt(Last(), PageShadowOffset, PageShift));
  Value *Near = B.CreateICmpNE(B.CreateAnd(Pg, B.getInt8(Mask)), B.getInt8(0));
  Instruction *Fine = SplitBlockAndInsertIfThen(Near, A.I, false, Unlikely);
  B.SetInsertPoint(Fine);
  B.SetCurrentDebugLocation(A.I->getDebugLoc());
  if (A.Size > 16) {
    Slow(B);
    return;
  }
  // Granule shadow of the first and last granule (and the middle one for
  // 9..16 bytes); one suffices when alignment keeps the access in one granule.
  Value *Sh = ShadowAt(Addr, ShadowOffset, 3);
  bool OneGranule = A.Size <= 8 && A.Alignment.value() >= A.Size;
  if (!OneGranule) {
    Sh = B.CreateOr(Sh, ShadowAt(Last(), ShadowOffset, 3));
    if (A.Size > 8)
      Sh = B.CreateOr(Sh, ShadowAt(B.CreateAdd(Addr, ConstantInt::get(IntPtr, 8)), ShadowOffset, 3));
  }
  if (!Write)
    Sh = B.CreateAnd(Sh, B.getInt8(ShadowDst));
  Value *Bad = B.CreateICmpNE(Sh, B.getInt8(0));
  Instruction *Report = SplitBlockAndInsertIfThen(Bad, Fine, false, Unlikely);
  B.SetInsertPoint(Report);
  B.SetCurrentDebugLocation(A.I->getDebugLoc());
  Slow(B);
}

bool Instrumenter::loopCallFree(Loop *L) {
  auto [It, New] = CallFree.try_emplace(L, true);
  if (New)
    for (BasicBlock *BB : L->blocks())
      for (Instruction &I : *BB)
        if (san::changesInFlightState(I, Quiet))
          It->second = false;
  return It->second;
}

bool Instrumenter::candidate(const Access &A, LoopInfo &LI, ScalarEvolution &SE,
                             DominatorTree &DT, Candidate &C) {
  Loop *L = LI.getLoopFor(A.I->getParent());
  if (!L || !L->getLoopPredecessor() || A.I->isAtomic())
    return false;
  if (auto *LdI = dyn_cast<LoadInst>(A.I); LdI && LdI->isVolatile())
    return false;
  if (auto *StI = dyn_cast<StoreInst>(A.I); StI && StI->isVolatile())
    return false;
  // No call may run in the loop: a csync there would change what is legal.
  if (!loopCallFree(L))
    return false;
  // It must run on every iteration, the last one included.
  SmallVector<BasicBlock *, 4> Exiting;
  L->getExitingBlocks(Exiting);
  for (BasicBlock *E : Exiting)
    if (!DT.dominates(A.I->getParent(), E))
      return false;
  const SCEV *BTC = SE.getBackedgeTakenCount(L);
  if (isa<SCEVCouldNotCompute>(BTC))
    return false;
  auto *AR = dyn_cast<SCEVAddRecExpr>(SE.getSCEV(A.Ptr));
  if (!AR || AR->getLoop() != L || !AR->isAffine())
    return false;
  auto *Step = dyn_cast<SCEVConstant>(AR->getStepRecurrence(SE));
  if (!Step || Step->getAPInt().getSignificantBits() > 32 || Step->getAPInt().isZero())
    return false;
  const SCEV *StartI = SE.getPtrToIntExpr(AR->getStart(), IntPtr);
  if (isa<SCEVCouldNotCompute>(StartI))
    return false;
  C = {&A, L, StartI, Step->getAPInt().getSExtValue(),
       SE.getTruncateOrZeroExtend(BTC, IntPtr), 0};
  return true;
}

/// Accesses of one loop with one step whose start addresses differ by
/// constants (an unrolled or vectorized walk) are merged; if together they
/// cover each step without gaps, one check of the whole walk replaces them.
void Instrumenter::hoistGroups(SmallVectorImpl<Candidate> &Cands, ScalarEvolution &SE,
                               SCEVExpander &Exp, SmallVectorImpl<RangeCheck> &Out,
                               SmallPtrSetImpl<const Instruction *> &Hoisted) {
  SmallVector<SmallVector<Candidate *, 4>, 8> Groups;
  for (Candidate &C : Cands) {
    bool Joined = false;
    for (auto &G : Groups) {
      Candidate &H = *G.front();
      if (H.L != C.L || H.Step != C.Step || H.A->IsWrite != C.A->IsWrite)
        continue;
      auto *D = dyn_cast<SCEVConstant>(SE.getMinusSCEV(C.Start, H.Start));
      if (!D || D->getAPInt().getSignificantBits() > 32)
        continue;
      C.Offset = D->getAPInt().getSExtValue();
      G.push_back(&C);
      Joined = true;
      break;
    }
    if (!Joined) {
      C.Offset = 0;
      Groups.push_back({&C});
    }
  }
  for (auto &G : Groups) {
    llvm::sort(G, [](Candidate *X, Candidate *Y) { return X->Offset < Y->Offset; });
    int64_t MinOff = G.front()->Offset, End = MinOff + (int64_t)G.front()->A->Size;
    bool Dense = true;
    for (Candidate *C : G) {
      if (C->Offset > End) { Dense = false; break; }
      End = std::max(End, C->Offset + (int64_t)C->A->Size);
    }
    Candidate &H = *G.front();
    int64_t Extent = End - MinOff, AbsStep = std::abs(H.Step);
    if (!Dense || Extent < AbsStep)
      continue; // gaps between accesses are never touched: no exact range
    // Bytes [Lo, Lo + Len): Lo = lowest start (- BTC*|Step| when walking down).
    const SCEV *Walk = SE.getMulExpr(H.BTC, SE.getConstant(IntPtr, AbsStep));
    // (the first member after sorting has the lowest start)
    const SCEV *Lo = H.Start;
    if (H.Step < 0)
      Lo = SE.getMinusSCEV(Lo, Walk);
    const SCEV *Len = SE.getAddExpr(Walk, SE.getConstant(IntPtr, Extent));
    BasicBlock *Pred = H.L->getLoopPredecessor();
    Instruction *At = Pred->getTerminator();
    if (!Exp.isSafeToExpandAt(Lo, At) || !Exp.isSafeToExpandAt(Len, At))
      continue;
    Value *LoV = Exp.expandCodeFor(Lo, IntPtr, At);
    Value *LenV = Exp.expandCodeFor(Len, IntPtr, At);
    Out.push_back({Pred, H.L->getHeader(), LoV, LenV, H.A->IsWrite, H.A->I->getDebugLoc()});
    for (Candidate *C : G)
      Hoisted.insert(C->A->I);
  }
}

void Instrumenter::emitRangeCheck(const RangeCheck &R) {
  // Without a preheader, give the loop entry edge a block of its own.
  BasicBlock *&Entry = EntryBlocks[{R.Pred, R.Header}];
  if (!Entry)
    Entry = R.Pred->getTerminator()->getNumSuccessors() == 1 ? R.Pred : SplitEdge(R.Pred, R.Header);
  Instruction *At = Entry->getTerminator();
  IRBuilder<> B(At);
  LoadInst *Flag = B.CreateLoad(B.getInt32Ty(), Inflight, "copier.inflight");
  markNoSanitize(Flag);
  Instruction *Then =
      SplitBlockAndInsertIfThen(B.CreateICmpNE(Flag, B.getInt32(0)), At, false, Unlikely);
  B.SetInsertPoint(Then);
  B.SetCurrentDebugLocation(R.Loc);
  B.CreateCall(R.IsWrite ? StoreRangeFn : LoadRangeFn, {B.CreateIntToPtr(R.Lo, PtrTy), R.Len});
}

void Instrumenter::replaceIntrinsic(MemIntrinsic *MI) {
  IRBuilder<> B(MI);
  Value *Len = B.CreateZExtOrTrunc(MI->getLength(), IntPtr);
  if (auto *MT = dyn_cast<MemTransferInst>(MI)) {
    FunctionCallee Fn = isa<MemMoveInst>(MT) ? MemmoveFn : MemcpyFn;
    B.CreateCall(Fn, {MT->getRawDest(), MT->getRawSource(), Len});
  } else {
    auto *MS = cast<MemSetInst>(MI);
    B.CreateCall(MemsetFn, {MS->getRawDest(), B.CreateZExt(MS->getValue(), B.getInt32Ty()), Len});
  }
  MI->eraseFromParent();
}

bool Instrumenter::runOnFunction(Function &F, FunctionAnalysisManager &FAM) {
  if (F.isDeclaration() || F.hasFnAttribute(Attribute::DisableSanitizerInstrumentation) ||
      F.hasFnAttribute(Attribute::Naked))
    return false;
  StringRef Name = F.getName();
  // The Copier interface and the runtime are never instrumented.
  if (Name.starts_with("__copier_") || Name == "amemcpy" || Name == "amemmove" ||
      Name == "csync" || Name == "csync_all")
    return false;

  // Call-free loops with bounded accesses get an unchecked clone first.
  SmallPtrSet<Instruction *, 32> Unchecked;
  auto AccessOf = [&](Instruction *I, san::AccessInfo &A) {
    if (I->hasMetadata(LLVMContext::MD_nosanitize))
      return false;
    Value *Ptr = nullptr;
    Type *Ty = nullptr;
    if (auto *LI = dyn_cast<LoadInst>(I))
      Ptr = LI->getPointerOperand(), Ty = LI->getType();
    else if (auto *SI = dyn_cast<StoreInst>(I))
      Ptr = SI->getPointerOperand(), Ty = SI->getValueOperand()->getType();
    else if (auto *RMW = dyn_cast<AtomicRMWInst>(I))
      Ptr = RMW->getPointerOperand(), Ty = RMW->getValOperand()->getType();
    else if (auto *CX = dyn_cast<AtomicCmpXchgInst>(I))
      Ptr = CX->getPointerOperand(), Ty = CX->getCompareOperand()->getType();
    if (!Ptr)
      return false;
    TypeSize TS = DL.getTypeStoreSize(Ty);
    if (TS.isScalable() || cannotBeInFlight(Ptr))
      return false;
    A = {I, Ptr, TS.getFixedValue(), !isa<LoadInst>(I)};
    return true;
  };
  san::versionQuietLoops(F, FAM, {AccessOf, Inflight, RangeCleanFn, Quiet}, Unchecked);

  SmallVector<Access, 64> Accesses;
  SmallVector<MemIntrinsic *, 16> Intrinsics;
  // byval (and inalloca/preallocated) arguments: code generation copies them
  // at the call, outside the IR, so the read is checked as a range here.
  SmallVector<std::pair<CallBase *, unsigned>, 4> ByValArgs;
  auto Add = [&](Instruction *I, Value *Ptr, Type *Ty, Align Al, bool W) {
    TypeSize TS = DL.getTypeStoreSize(Ty);
    if (TS.isScalable() || cannotBeInFlight(Ptr))
      return;
    Accesses.push_back({I, Ptr, TS.getFixedValue(), Al, W});
  };
  for (Instruction &I : instructions(F)) {
    if (auto *CB = dyn_cast<CallBase>(&I))
      for (unsigned A = 0, E = CB->arg_size(); A != E; ++A)
        if ((CB->isByValArgument(A) || CB->isInAllocaArgument(A) ||
             CB->paramHasAttr(A, Attribute::Preallocated)) &&
            !cannotBeInFlight(CB->getArgOperand(A)))
          ByValArgs.push_back({CB, A});
    if (I.hasMetadata(LLVMContext::MD_nosanitize) || Unchecked.count(&I))
      continue;
    if (auto *LI = dyn_cast<LoadInst>(&I))
      Add(&I, LI->getPointerOperand(), LI->getType(), LI->getAlign(), false);
    else if (auto *SI = dyn_cast<StoreInst>(&I))
      Add(&I, SI->getPointerOperand(), SI->getValueOperand()->getType(), SI->getAlign(), true);
    else if (auto *RMW = dyn_cast<AtomicRMWInst>(&I))
      Add(&I, RMW->getPointerOperand(), RMW->getValOperand()->getType(), RMW->getAlign(), true);
    else if (auto *CX = dyn_cast<AtomicCmpXchgInst>(&I))
      Add(&I, CX->getPointerOperand(), CX->getCompareOperand()->getType(), CX->getAlign(), true);
    else if (auto *MI = dyn_cast<MemIntrinsic>(&I)) {
      if (!(cannotBeInFlight(MI->getRawDest()) &&
            (!isa<MemTransferInst>(MI) ||
             cannotBeInFlight(cast<MemTransferInst>(MI)->getRawSource()))))
        Intrinsics.push_back(MI);
    }
  }
  // Decide hoisting while the loop analyses are valid (expansion adds
  // instructions only); change the CFG afterwards.
  SmallVector<RangeCheck, 16> Ranges;
  SmallVector<Access, 64> PerAccess;
  if (!Accesses.empty()) {
    auto &LI = FAM.getResult<LoopAnalysis>(F);
    auto &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
    auto &DT = FAM.getResult<DominatorTreeAnalysis>(F);
    // Plain loads and stores whose check a dominating one already made.
    DenseMap<Instruction *, san::CheckedAccess> Plain;
    for (const Access &A : Accesses)
      if (isa<LoadInst>(A.I) || isa<StoreInst>(A.I))
        if (!A.I->isAtomic() && !A.I->isVolatile())
          Plain[A.I] = {A.Ptr, A.Size, A.IsWrite};
    SmallPtrSet<Instruction *, 32> Redundant;
    DenseMap<Instruction *, Instruction *> SharePage;
    DenseMap<Instruction *, san::PageSpan> Spans;
    san::findRedundantChecks(F, DT, Quiet, Plain, Redundant, SharePage, Spans);
    if (!Redundant.empty())
      llvm::erase_if(Accesses, [&](const Access &A) { return Redundant.count(A.I); });
    for (Access &A : Accesses) {
      A.PageFrom = SharePage.lookup(A.I);
      if (auto It = Spans.find(A.I); It != Spans.end())
        A.Span = It->second;
    }
    SCEVExpander Exp(SE, DL, "copier.range");
    CallFree.clear();
    SmallVector<Candidate, 32> Cands;
    for (const Access &A : Accesses) {
      Candidate C;
      if (candidate(A, LI, SE, DT, C))
        Cands.push_back(C);
    }
    SmallPtrSet<const Instruction *, 32> Hoisted;
    hoistGroups(Cands, SE, Exp, Ranges, Hoisted);
    for (const Access &A : Accesses)
      if (!Hoisted.count(A.I))
        PerAccess.push_back(A);
    Exp.clear();
    // A load's check also makes the check of a following store to the same
    // bytes (read-modify-write): the store's own check goes.
    SmallPtrSet<Instruction *, 32> Own;
    for (const Access &A : PerAccess)
      Own.insert(A.I);
    SmallPtrSet<Instruction *, 8> Folded;
    for (Access &A : PerAccess)
      if (auto *Ld = dyn_cast<LoadInst>(A.I); Ld && !Folded.count(Ld))
        if (StoreInst *St = san::foldableStore(Ld, Own, DL, Quiet); St && !Folded.count(St)) {
          A.Fold = St;
          Folded.insert(St);
        }
    if (!Folded.empty())
      llvm::erase_if(PerAccess, [&](const Access &A) { return Folded.count(A.I); });
  }
  EntryBlocks.clear();
  for (const RangeCheck &R : Ranges)
    emitRangeCheck(R);
  // Accesses sharing another's page-summary byte come after it.
  PageByte.clear();
  for (const Access &A : PerAccess)
    if (!A.PageFrom)
      instrument(A);
  for (const Access &A : PerAccess)
    if (A.PageFrom)
      instrument(A);
  for (MemIntrinsic *MI : Intrinsics)
    replaceIntrinsic(MI);
  for (auto [CB, A] : ByValArgs) {
    Type *Ty = CB->getParamByValType(A);
    if (!Ty)
      Ty = CB->getParamInAllocaType(A);
    if (!Ty)
      Ty = CB->getParamPreallocatedType(A);
    if (!Ty || !Ty->isSized())
      continue;
    IRBuilder<> B(CB);
    B.CreateCall(LoadRangeFn,
                 {CB->getArgOperand(A),
                  ConstantInt::get(IntPtr, DL.getTypeAllocSize(Ty).getFixedValue())});
  }
  return !Accesses.empty() || !Intrinsics.empty() || !ByValArgs.empty() || !Unchecked.empty();
}

} // namespace

PreservedAnalyses CopierSanitizerPass::run(Module &M, ModuleAnalysisManager &AM) {
  // ThinLTO back ends run OptimizerLast again: instrument each module once.
  if (M.getNamedMetadata("copier.san.instrumented"))
    return PreservedAnalyses::all();
  M.getOrInsertNamedMetadata("copier.san.instrumented");
  Instrumenter Ins(M);
  auto &FAM = AM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
  bool Changed = false;
  for (Function &F : M)
    if (Ins.runOnFunction(F, FAM)) {
      Changed = true;
      FAM.invalidate(F, PreservedAnalyses::none());
    }
  return Changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace copier
