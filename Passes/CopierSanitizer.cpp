//===- CopierSanitizer.cpp - shadow checks of in-flight copies ------------===//
//
// Instruments every load, store, atomic and memory intrinsic so that an access
// to bytes of an amemcpy that the program has not csynced yet is reported by
// the runtime (runtime/sanitizer). Each access gets:
//
//   if (__copier_san_inflight)                      // one load + one branch
//     if (shadow[first granule] | shadow[last granule]) & mask   // mask: D for
//       __copier_san_{load,store}(p, size)          // loads, D|S for stores
//
// The shadow (1 byte per 8-byte granule at 0x7fff8000 + (p >> 3)) is only a
// filter; the runtime decides byte-precisely. Memory intrinsics become calls
// to __copier_san_mem{cpy,move,set}, which check both ranges and copy.
// Accesses to allocas whose address never leaves the function and to constant
// globals cannot be in flight and are not instrumented. A load or store that
// runs on every iteration of a call-free loop and walks memory densely
// (affine address, |step| <= size) is checked once, for the whole range it
// will touch, in the loop preheader instead of on every iteration.
//
//===----------------------------------------------------------------------===//
#include "CopierSanitizer.h"

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

using namespace llvm;

namespace copier {

namespace {

constexpr uint64_t ShadowOffset = 0x7fff8000ULL;
constexpr unsigned ShadowDst = 1; // matches SAN_D in runtime/sanitizer/san_internal.h

struct Access {
  Instruction *I;
  Value *Ptr;
  uint64_t Size; // bytes
  Align Alignment;
  bool IsWrite;
  Value *Flag = nullptr; // the in-flight count loaded at loop entry, if any
};

class Instrumenter {
public:
  explicit Instrumenter(Module &M) : M(M), Ctx(M.getContext()), DL(M.getDataLayout()) {
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
    Unlikely = MDBuilder(Ctx).createBranchWeights(1, 100000);
  }

  bool runOnFunction(Function &F, FunctionAnalysisManager &FAM);

private:
  Module &M;
  LLVMContext &Ctx;
  const DataLayout &DL;
  Type *IntPtr;
  PointerType *PtrTy;
  Constant *Inflight;
  FunctionCallee LoadFn, StoreFn, LoadRangeFn, StoreRangeFn, MemcpyFn, MemmoveFn, MemsetFn;
  MDNode *Unlikely;
  DenseMap<const AllocaInst *, bool> LocalOnly;

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
  DenseMap<const Loop *, LoadInst *> EntryFlags;
  bool loopCallFree(Loop *L);
  Value *flagAtEntry(Loop *L);
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
  Value *Flag = A.Flag;
  if (!Flag) {
    LoadInst *L = B.CreateLoad(B.getInt32Ty(), Inflight, "copier.inflight");
    markNoSanitize(L);
    Flag = L;
  }
  Value *Any = B.CreateICmpNE(Flag, B.getInt32(0));
  Instruction *Then = SplitBlockAndInsertIfThen(Any, A.I, false, Unlikely);
  B.SetInsertPoint(Then);
  B.SetCurrentDebugLocation(A.I->getDebugLoc());
  Value *Args[] = {A.Ptr, ConstantInt::get(IntPtr, A.Size)};
  FunctionCallee Slow = A.IsWrite ? StoreFn : LoadFn;
  if (A.Size == 0 || A.Size > 16) {
    B.CreateCall(Slow, Args);
    return;
  }
  // Shadow bytes of the first and last granule (and the middle one for 9..16
  // bytes); one suffices when alignment keeps the access in one granule.
  Value *Addr = B.CreatePtrToInt(A.Ptr, IntPtr);
  auto ShadowAt = [&](Value *Ad) {
    Value *S = B.CreateAdd(B.CreateLShr(Ad, 3), ConstantInt::get(IntPtr, ShadowOffset));
    LoadInst *L = B.CreateLoad(B.getInt8Ty(), B.CreateIntToPtr(S, PtrTy));
    markNoSanitize(L);
    return L;
  };
  Value *Sh = ShadowAt(Addr);
  bool OneGranule = A.Size <= 8 && A.Alignment.value() >= A.Size;
  if (!OneGranule) {
    Sh = B.CreateOr(Sh, ShadowAt(B.CreateAdd(Addr, ConstantInt::get(IntPtr, A.Size - 1))));
    if (A.Size > 8)
      Sh = B.CreateOr(Sh, ShadowAt(B.CreateAdd(Addr, ConstantInt::get(IntPtr, 8))));
  }
  if (!A.IsWrite)
    Sh = B.CreateAnd(Sh, B.getInt8(ShadowDst));
  Value *Bad = B.CreateICmpNE(Sh, B.getInt8(0));
  Instruction *Report = SplitBlockAndInsertIfThen(Bad, Then, false, Unlikely);
  B.SetInsertPoint(Report);
  B.SetCurrentDebugLocation(A.I->getDebugLoc());
  B.CreateCall(Slow, Args);
}

bool Instrumenter::loopCallFree(Loop *L) {
  auto [It, New] = CallFree.try_emplace(L, true);
  if (New)
    for (BasicBlock *BB : L->blocks())
      for (Instruction &I : *BB)
        if (auto *CB = dyn_cast<CallBase>(&I); CB && !isa<DbgInfoIntrinsic>(CB) &&
                                                 !(isa<IntrinsicInst>(CB) && !CB->mayWriteToMemory()))
          It->second = false;
  return It->second;
}

/// In a call-free loop this thread cannot change what is in flight, so the
/// in-flight count is loaded once per loop entry (another thread's copy that
/// starts mid-loop is seen from the next entry on).
Value *Instrumenter::flagAtEntry(Loop *L) {
  LoadInst *&F = EntryFlags[L];
  if (!F) {
    IRBuilder<> B(L->getLoopPredecessor()->getTerminator());
    F = B.CreateLoad(B.getInt32Ty(), Inflight, "copier.inflight.loop");
    markNoSanitize(F);
  }
  return F;
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
  // Within a block, an access to the same pointer and size as one already
  // checked (a store check covers loads too) needs no check of its own unless
  // a call in between could have changed what is in flight.
  SmallDenseMap<std::pair<Value *, uint64_t>, bool, 16> Checked;
  BasicBlock *CurBB = nullptr;
  auto Covered = [&](Value *Ptr, Type *Ty, bool W) {
    auto Key = std::make_pair(Ptr, (uint64_t)DL.getTypeStoreSize(Ty).getKnownMinValue());
    auto [It, New] = Checked.try_emplace(Key, W);
    if (New)
      return false;
    if (It->second || !W)
      return true;
    It->second = true;
    return false;
  };
  for (Instruction &I : instructions(F)) {
    if (I.getParent() != CurBB) {
      CurBB = I.getParent();
      Checked.clear();
    }
    if (isa<CallBase>(I) && !isa<DbgInfoIntrinsic>(I))
      Checked.clear();
    if (auto *CB = dyn_cast<CallBase>(&I))
      for (unsigned A = 0, E = CB->arg_size(); A != E; ++A)
        if ((CB->isByValArgument(A) || CB->isInAllocaArgument(A) ||
             CB->paramHasAttr(A, Attribute::Preallocated)) &&
            !cannotBeInFlight(CB->getArgOperand(A)))
          ByValArgs.push_back({CB, A});
    if (I.hasMetadata(LLVMContext::MD_nosanitize))
      continue;
    if (auto *LI = dyn_cast<LoadInst>(&I); LI && !LI->isAtomic() &&
                                         Covered(LI->getPointerOperand(), LI->getType(), false))
      continue;
    if (auto *SI = dyn_cast<StoreInst>(&I);
        SI && !SI->isAtomic() &&
        Covered(SI->getPointerOperand(), SI->getValueOperand()->getType(), true))
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
    EntryFlags.clear();
    for (const Access &A : Accesses) {
      if (Hoisted.count(A.I))
        continue;
      PerAccess.push_back(A);
      Loop *L = LI.getLoopFor(A.I->getParent());
      if (L && L->getLoopPredecessor() && loopCallFree(L))
        PerAccess.back().Flag = flagAtEntry(L);
    }
    Exp.clear();
  }
  EntryBlocks.clear();
  for (const RangeCheck &R : Ranges)
    emitRangeCheck(R);
  for (const Access &A : PerAccess)
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
  return !Accesses.empty() || !Intrinsics.empty() || !ByValArgs.empty();
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
