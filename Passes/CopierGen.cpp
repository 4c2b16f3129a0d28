//===- CopierGen.cpp - memcpy -> amemcpy with csync placement -------------===//
//
// The driver. Per function: find the copies (CopierGenCandidates.cpp), decide
// every csync on the unchanged IR (CopierGenPlacement.cpp, CopierGenLoops.cpp),
// then rewrite: csyncs before instructions, csyncs on edges, the copies
// themselves, per-segment loop guards; finally drop csyncs made redundant by
// a dominating one, and report every decision (CopierGenRecords.cpp).
//
//===----------------------------------------------------------------------===//
#include "CopierGen.h"
#include "CopierGenInternal.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <map>
#include <memory>
#include <set>

using namespace llvm;

namespace copier {

using namespace gen;

namespace {

/// Where a csync for edge From->To goes. Never later than the edge; when
/// the edge cannot be split, before From's terminator (earlier, still sound).
Instruction *edgeInsertPoint(BasicBlock *From, BasicBlock *To,
                             DominatorTree &DT, LoopInfo &LI) {
  Instruction *T = From->getTerminator();
  if (T->getNumSuccessors() == 1)
    return T;
  if (To->isEHPad() || isa<IndirectBrInst>(T) || isa<CallBrInst>(T))
    return T;
  if (To->getUniquePredecessor() == From)
    return &*To->getFirstInsertionPt();
  unsigned Idx = 0;
  for (; Idx < T->getNumSuccessors(); ++Idx)
    if (T->getSuccessor(Idx) == To)
      break;
  BasicBlock *N = SplitCriticalEdge(
      T, Idx, CriticalEdgeSplittingOptions(&DT, &LI).setMergeIdenticalEdges());
  if (!N)
    N = SplitEdge(From, To, &DT, &LI);
  return N->getTerminator();
}

/// Is there a path from copy C to X that does not pass through block YB
/// (the block of the dominating csync)? Conservatively true past a budget.
bool reachesAvoiding(Instruction *C, Instruction *X, BasicBlock *YB,
                     unsigned &Budget) {
  BasicBlock *CB = C->getParent(), *XB = X->getParent();
  if (CB == XB && C->comesBefore(X))
    return true;
  SmallPtrSet<BasicBlock *, 32> Seen;
  SmallVector<BasicBlock *, 32> Work(succ_begin(CB), succ_end(CB));
  while (!Work.empty()) {
    BasicBlock *BB = Work.pop_back_val();
    if (BB == YB || !Seen.insert(BB).second)
      continue;
    if (Budget-- == 0)
      return true;
    if (BB == XB)
      return true;
    append_range(Work, successors(BB));
  }
  return false;
}

bool coversLen(Value *Y, Value *X) {
  if (Y == X)
    return true;
  auto *YC = dyn_cast<ConstantInt>(Y), *XC = dyn_cast<ConstantInt>(X);
  return YC && XC && YC->getValue().uge(XC->getValue());
}

cl::opt<bool> SyncImmediate(
    "copier-sync-immediate",
    cl::desc("Keep copies whose whole range is synced right after them (no "
             "work in between) as plain memcpy"),
    cl::init(true));

using CloneMap = std::map<std::pair<Function *, uint64_t>, Function *>;

/// What the runs of one module share.
struct PassState {
  Module &M;
  FunctionAnalysisManager &FAM;
  Reporter &Rep;
  Runtime *RT = nullptr;
  CloneMap Clones;
  /// Functions whose returns leave copies in flight, and those copies.
  std::map<const Function *, std::vector<RetRange>> Returns;
  /// Functions already rewritten (a clone of one inherits its csyncs).
  std::set<const Function *> Done;
};

struct FunctionRun {
  Function &F;
  PassState &PS;
  struct Handoff {
    unsigned Site;
    DebugLoc DL;
    std::string Callee, Clone;
  };
  std::vector<Handoff> Handoffs;

  std::vector<CopySite> Sites;
  std::vector<Plan> Plans;
  std::vector<Inserted> Ins;
  std::vector<Pipelined> Pipes;
  unsigned Planned = 0; // Sites[0, Planned) have their plans
  std::vector<RetRange> Returns; // copies left in flight at F's returns
  unsigned Callers = 0;          // calls of F when that was decided

  /// Finds F's copies (normalising libc calls into the intrinsics).
  void collect() {
    auto &TLI = PS.FAM.getResult<TargetLibraryAnalysis>(F);
    if (collectCopies(F, TLI, Sites))
      PS.FAM.invalidate(F, PreservedAnalyses::none());
  }

  bool anyConverted() const {
    return any_of(Sites, [](const CopySite &S) { return S.Convert; });
  }

  /// Plans every site not planned yet, on the unchanged IR.
  void plan(bool AllowClone) {
    auto &DT = PS.FAM.getResult<DominatorTreeAnalysis>(F);
    auto &LI = PS.FAM.getResult<LoopAnalysis>(F);
    auto &SE = PS.FAM.getResult<ScalarEvolutionAnalysis>(F);
    auto &AAR = PS.FAM.getResult<AAManager>(F);
    BatchAAResults BAA(AAR);
    PlacementContext Ctx{F, BAA, DT, LI, SE, PS.M.getDataLayout(), AllowClone};
    for (unsigned I = Planned; I < Sites.size(); ++I) {
      CopySite &S = Sites[I];
      if (!S.Convert)
        continue;
      if (!S.Virtual && !S.FromCall) {
        S.DstLoc = MemoryLocation::getForDest(cast<MemIntrinsic>(S.Copy));
        S.SrcLoc = MemoryLocation::getForSource(cast<MemTransferInst>(S.Copy));
      }
      planCsyncs(Ctx, S, I, Plans);
    }
    Planned = Sites.size();
  }

  /// Which of F's copies its callers take over at its returns (F's own
  /// copies are planned first; the plans stay valid until F's turn: nothing
  /// else changes F's body).
  void decideReturns() {
    plan(/*AllowClone=*/true);
    auto &DT = PS.FAM.getResult<DominatorTreeAnalysis>(F);
    auto &LI = PS.FAM.getResult<LoopAnalysis>(F);
    Returns = gen::decideReturns(F, Sites, Plans, DT, LI);
    Callers = F.getNumUses();
  }

  /// Each call of a function with return hand-offs is a copy of the ranges
  /// it leaves in flight: one site per range, planned like any copy.
  void addCallRanges() {
    std::vector<std::pair<CallInst *, const std::vector<RetRange> *>> Calls;
    for (BasicBlock &BB : F)
      for (Instruction &I : BB)
        if (auto *CI = dyn_cast<CallInst>(&I))
          if (Function *Callee = CI->getCalledFunction()) {
            auto It = PS.Returns.find(Callee);
            if (It != PS.Returns.end() && !It->second.empty())
              Calls.push_back({CI, &It->second});
          }
    for (auto &[CI, Ranges] : Calls) {
      std::map<std::string, Value *> Cache;
      for (const RetRange &R : *Ranges)
        Sites.push_back(callRange(*CI, R, Cache));
    }
  }

  /// An original function, after every return hand-off was decided.
  void run() {
    addCallRanges();
    if (Sites.empty()) {
      PS.Done.insert(&F);
      return;
    }
    if (anyConverted()) {
      plan(/*AllowClone=*/true);
      keepUsedAtOnce();
    }
    if (anyConverted())
      transform();
    report();
    lowerLast();
    PS.Done.insert(&F);
  }

  /// Remarks and records of every decision in F, then the removal of the
  /// csyncs found redundant. A clone's virtual site and the ranges calls
  /// leave in flight are no copies: no copy record.
  void report() {
    PS.FAM.invalidate(F, PreservedAnalyses::none());
    auto &ORE = PS.FAM.getResult<OptimizationRemarkEmitterAnalysis>(F);
    firstUses();
    for (CopySite &S : Sites)
      if (!S.Virtual && !S.FromCall)
        PS.Rep.copy(S, ORE);
    for (Inserted &C : Ins)
      if (!C.Removed)
        PS.Rep.csync(C, Sites[C.Site], F, ORE);
    for (Pipelined &P : Pipes)
      PS.Rep.loop(P, Sites[P.Site], F, ORE);
    for (Handoff &H : Handoffs)
      PS.Rep.handoff(Sites[H.Site], H.DL, H.Callee, H.Clone, F, ORE);
    std::set<std::pair<unsigned, Instruction *>> RetDone;
    for (const Plan &P : Plans)
      if (P.K == Plan::RetHandoff && RetDone.insert({P.Site, P.At}).second)
        for (const RetRange &R : Returns)
          if (R.Site == P.Site)
            PS.Rep.returnHandoff(Sites[P.Site], *P.At, R, Callers, F, ORE);
    for (Inserted &C : Ins)
      if (C.Removed) {
        PS.Rep.csyncRemoved(C, Sites[C.Site], F, ORE);
        C.Call->eraseFromParent();
      }
  }

  /// Copies whose whole range would be synced right after them, on every
  /// path (usedAtOnce), gain nothing from the engine and would pay two
  /// calls: they stay synchronous (`used-immediately`). Decided on the IR
  /// before the rewrite, from the plans.
  void keepUsedAtOnce() {
    if (!SyncImmediate)
      return;
    std::vector<std::vector<const Plan *>> BySite(Sites.size());
    for (const Plan &P : Plans)
      BySite[P.Site].push_back(&P);
    auto &LI = PS.FAM.getResult<LoopAnalysis>(F);
    std::set<unsigned> Keep;
    for (unsigned Idx = 0; Idx < Sites.size(); ++Idx) {
      CopySite &S = Sites[Idx];
      if (!S.Convert || S.Virtual || S.FromCall)
        continue;
      // Only whole-range csyncs before instructions or on edges (and narrow
      // ones, whose access is one small load or store: usedAtOnce counts it
      // as an instruction): a copy with a segment, hand-off or return
      // hand-off has work in between by construction.
      if (any_of(BySite[Idx], [](const Plan *P) {
            return !(P->K == Plan::BeforeInst || P->K == Plan::OnEdge);
          }))
        continue;
      if (usedAtOnce(S, BySite[Idx], LI))
        Keep.insert(Idx);
    }
    if (Keep.empty())
      return;
    for (unsigned Idx : Keep) {
      Sites[Idx].Convert = false;
      Sites[Idx].WhyNot = "used-immediately";
    }
    Plans.erase(remove_if(Plans,
                          [&](const Plan &P) { return Keep.count(P.Site); }),
                Plans.end());
  }

  /// Whether a csync of each converted copy directly follows it ("adjacent":
  /// nothing between them but debug records, address arithmetic (GEPs,
  /// casts) and other copies' csyncs) or the first use moved away ("moved":
  /// work between them in the block, or another block, a clone, a caller,
  /// per segment in a loop).
  void firstUses() {
    DenseMap<const CallInst *, const Inserted *> ByCall;
    for (const Inserted &C : Ins)
      ByCall[C.Call] = &C;
    auto IsCsync = [](const Instruction &I) {
      auto *CB = dyn_cast<CallInst>(&I);
      Function *Fn = CB ? CB->getCalledFunction() : nullptr;
      return Fn && (Fn->getName() == "csync" || Fn->getName() == "csync_all");
    };
    for (unsigned Idx = 0; Idx < Sites.size(); ++Idx) {
      CopySite &S = Sites[Idx];
      if (!S.Rewritten)
        continue;
      S.FirstUse = "moved";
      for (Instruction *I = S.Rewritten->getNextNode(); I;
           I = I->getNextNode()) {
        if (isa<DbgInfoIntrinsic>(I) || isa<PseudoProbeInst>(I) ||
            isa<GetElementPtrInst>(I) || isa<CastInst>(I))
          continue; // no work the copy could overlap
        if (!IsCsync(*I))
          break;
        auto *Sync = cast<CallInst>(I);
        auto It = ByCall.find(Sync);
        bool Ours = It != ByCall.end() && !It->second->Removed &&
                    !It->second->Narrow && It->second->Site == Idx;
        bool Program = It == ByCall.end() &&
                       (Sync->arg_size() == 0 ||
                        Sync->getArgOperand(0)->stripPointerCasts() ==
                            S.Dst->stripPointerCasts());
        if (Ours || Program) {
          S.FirstUse = "adjacent";
          break;
        }
        // Another copy's csync (or one about to be removed): look past it.
      }
    }
  }

  /// A clone: its range (the last three arguments) is in flight at entry.
  /// Calls in it leave ranges in flight too, unless it was cloned from a
  /// function already rewritten (then their csyncs came along).
  void runClone(uint64_t DisjointMask, bool WithCallRanges) {
    CopySite S;
    S.Virtual = true;
    S.Convert = true;
    unsigned N = F.arg_size();
    for (unsigned A = 0; A + 3 < N && A < 64; ++A)
      if (DisjointMask & (uint64_t(1) << A))
        S.DisjointArgs.push_back(F.getArg(A));
    S.Dst = F.getArg(N - 3);
    S.Src = F.getArg(N - 2);
    S.Len = F.getArg(N - 1);
    S.DstLoc = MemoryLocation::getAfter(S.Dst);
    S.SrcLoc = MemoryLocation::getAfter(S.Src);
    S.Loc = whereOf(DebugLoc(), F);
    if (DISubprogram *SP = F.getSubprogram())
      S.DL = DILocation::get(F.getContext(), SP->getLine(), 0, SP);
    Sites.push_back(S);
    if (WithCallRanges)
      addCallRanges();
    plan(/*AllowClone=*/false);
    transform();
    report();
    lowerLast();
  }

  /// f.copier.0: f with the in-flight range (dst, src, n) as extra
  /// arguments; its own walk syncs before its first access and its returns.
  /// One clone per callee and mask of arguments its callers proved
  /// disjoint from the range: f.copier.<mask>.
  Function *cloneOf(Function *Callee, uint64_t DisjointMask) {
    auto It = PS.Clones.find({Callee, DisjointMask});
    if (It != PS.Clones.end())
      return It->second;
    Module &M = PS.M;
    LLVMContext &C = M.getContext();
    SmallVector<Type *, 8> Params(Callee->getFunctionType()->params());
    Params.push_back(PointerType::getUnqual(C));
    Params.push_back(PointerType::getUnqual(C));
    Params.push_back(Type::getInt64Ty(C));
    auto *FT = FunctionType::get(Callee->getReturnType(), Params, false);
    Function *NF = Function::Create(FT, GlobalValue::InternalLinkage,
                                    Callee->getAddressSpace(),
                                    Callee->getName() + ".copier." +
                                        Twine(DisjointMask),
                                    &M);
    ValueToValueMapTy VMap;
    for (unsigned I = 0; I < Callee->arg_size(); ++I) {
      VMap[Callee->getArg(I)] = NF->getArg(I);
      NF->getArg(I)->setName(Callee->getArg(I)->getName());
    }
    NF->getArg(Callee->arg_size())->setName("copier.dst");
    NF->getArg(Callee->arg_size() + 1)->setName("copier.src");
    NF->getArg(Callee->arg_size() + 2)->setName("copier.n");
    SmallVector<ReturnInst *, 4> Rets;
    CloneFunctionInto(NF, Callee, VMap,
                      CloneFunctionChangeType::LocalChangesOnly, Rets);
    NF->setLinkage(GlobalValue::InternalLinkage);
    NF->setVisibility(GlobalValue::DefaultVisibility);
    NF->setComdat(nullptr);
    NF->setCallingConv(Callee->getCallingConv());
    // It now calls csync: no claims about memory or synchronisation.
    NF->removeFnAttr(Attribute::Memory);
    NF->removeFnAttr(Attribute::NoSync);
    NF->removeFnAttr(Attribute::Speculatable);
    PS.Clones[{Callee, DisjointMask}] = NF;
    FunctionRun Sub{*NF, PS};
    Sub.runClone(DisjointMask, !PS.Done.count(Callee));
    addCloneDispatch(*NF, *Callee);
    return NF;
  }

  /// Rewrites F as planned: csyncs before instructions and on edges, hand-off
  /// calls, the copies, loop guards; then finds redundant csyncs.
  void transform() {
    if (!PS.RT)
      PS.RT = new Runtime(Runtime::get(PS.M));
    Runtime &RT = *PS.RT;
    auto &DT = PS.FAM.getResult<DominatorTreeAnalysis>(F);
    auto &LI = PS.FAM.getResult<LoopAnalysis>(F);
    // One call can hand one range to a clone; other copies reaching the
    // same call get a csync before it.
    std::set<Instruction *> Handed;
    for (Plan &P : Plans)
      if (P.K == Plan::CloneCall && !Handed.insert(P.At).second)
        P.K = Plan::BeforeInst;
    // From here on the IR changes; DT and LI are kept up to date, SCEV and
    // AA are not used again.
    auto Emit = [&](Instruction *IP, const Plan &P) {
      CopySite &S = Sites[P.Site];
      IRBuilder<> B(IP);
      Value *Len = B.CreateZExtOrTrunc(S.Len, B.getInt64Ty());
      CallInst *C = B.CreateCall(RT.Csync, {S.Dst, Len});
      C->setDebugLoc(P.ForcedDL ? P.ForcedDL : S.DL);
      recordCsync(C, P).Hoisted = P.Hoisted;
    };
    std::set<std::pair<unsigned, Instruction *>> DoneBefore;
    std::vector<const Plan *> Narrows; // emitted last: they split blocks
    for (const Plan &P : Plans)
      if (P.K == Plan::BeforeInst && DoneBefore.insert({P.Site, P.At}).second) {
        if (P.NarrowDst || P.NarrowSrc)
          Narrows.push_back(&P);
        else
          Emit(P.At, P);
      }
    MapVector<std::pair<BasicBlock *, BasicBlock *>, std::vector<const Plan *>>
        Edges;
    for (const Plan &P : Plans)
      if (P.K == Plan::OnEdge)
        Edges[{P.From, P.To}].push_back(&P);
    for (auto &[E, Ps] : Edges) {
      Instruction *IP = edgeInsertPoint(E.first, E.second, DT, LI);
      std::set<unsigned> Done;
      for (const Plan *P : Ps)
        if (Done.insert(P->Site).second)
          Emit(IP, *P);
    }
    for (const Plan &P : Plans) {
      if (P.K != Plan::CloneCall)
        continue;
      auto *CI = cast<CallInst>(P.At);
      Function *Callee = CI->getCalledFunction();
      Function *NF = cloneOf(Callee, P.DisjointMask);
      CopySite &S = Sites[P.Site];
      IRBuilder<> B(CI);
      SmallVector<Value *, 8> Args(CI->args());
      Args.push_back(S.Dst);
      Args.push_back(S.Src);
      Args.push_back(B.CreateZExtOrTrunc(S.Len, B.getInt64Ty()));
      CallInst *NC = B.CreateCall(NF, Args);
      NC->setAttributes(CI->getAttributes());
      NC->removeFnAttr(Attribute::Memory);
      NC->removeFnAttr(Attribute::NoSync);
      NC->setCallingConv(CI->getCallingConv());
      NC->setDebugLoc(CI->getDebugLoc());
      NC->takeName(CI);
      CI->replaceAllUsesWith(NC);
      // The ranges this call leaves in flight (return hand-off) now start
      // at the clone's call: it leaves the same ranges.
      for (CopySite &X : Sites) {
        if (X.Copy == CI)
          X.Copy = NC;
        if (X.Dst == CI)
          X.Dst = NC;
        if (X.Src == CI)
          X.Src = NC;
      }
      CI->eraseFromParent();
      Handoffs.push_back({P.Site, NC->getDebugLoc(), Callee->getName().str(),
                          NF->getName().str()});
    }
    for (CopySite &S : Sites)
      if (S.Convert && !S.Virtual && !S.FromCall)
        rewriteCopy(S, RT);
    // After every plan that names blocks (edges): these split blocks. Never
    // in a pipelined loop (those do not contain the copy).
    for (const Plan *P : Narrows)
      emitNarrow(*P, RT, DT, LI);
    MapVector<std::pair<unsigned, const Loop *>, std::vector<const Plan *>>
        Guards;
    for (const Plan &P : Plans)
      if (P.K == Plan::LoopGuard)
        Guards[{P.Site, P.L}].push_back(&P);
    for (auto &[Key, Gs] : Guards) {
      const Plan &First = *Gs.front();
      Pipelined PL;
      PL.Site = Key.first;
      PL.Header = Key.second->getHeader();
      PL.HeaderDL = Key.second->getStartLoc();
      if (!PL.HeaderDL)
        PL.HeaderDL = First.ForcedDL;
      Pipes.push_back(PL);
      for (auto [Call, G] :
           emitSegmentGuards(Gs, Sites[Key.first], RT, DT, LI))
        recordCsync(Call, *G).Segment = true;
    }
    removeRedundant();
  }

  /// After the records (which read the IR as placed: firstUses looks at
  /// what follows each copy): the rewrites that split blocks. A converted
  /// copy of unknown size gets its small-size test, and each csync kept
  /// runs only when the thread may have a copy in flight.
  void lowerLast() {
    for (CopySite &S : Sites)
      if (S.Rewritten)
        guardSmallCopy(S);
    for (Inserted &C : Ins)
      if (!C.Removed)
        guardByPending(*C.Call);
  }

  /// The record of csync C, emitted for plan P; the caller marks its kind.
  Inserted &recordCsync(CallInst *C, const Plan &P) {
    Inserted X;
    X.Call = C;
    X.Site = P.Site;
    X.R = P.R;
    X.ForcedBy = P.ForcedBy;
    X.ForcedDL = P.ForcedDL;
    Ins.push_back(std::move(X));
    return Ins.back();
  }

  /// A narrow csync before P.At (CopierGenNarrow.cpp), with its records.
  void emitNarrow(const Plan &P, const Runtime &RT, DominatorTree &DT,
                  LoopInfo &LI) {
    for (CallInst *C : emitNarrowCsync(P, Sites[P.Site], RT, DT, LI))
      recordCsync(C, P).Narrow = true;
  }

  /// A whole-range csync X is redundant when a csync Y of a covering range
  /// dominates it and no copy can start between them (no path from any copy
  /// to X that avoids Y's block).
  void removeRedundant() {
    DominatorTree DT(F);
    // Copies start at the rewritten copies and at calls that leave ranges
    // in flight.
    std::vector<Instruction *> Copies;
    for (CopySite &S : Sites)
      if (S.Rewritten)
        Copies.push_back(S.Rewritten);
      else if (S.FromCall && S.Convert)
        Copies.push_back(S.Copy);
    unsigned Budget = 200000;
    for (Inserted &X : Ins) {
      if (X.Segment || X.Narrow)
        continue;
      for (Inserted &Y : Ins) {
        if (&Y == &X || Y.Segment || Y.Narrow || Y.Removed)
          continue;
        if (Y.Call->getArgOperand(0) != X.Call->getArgOperand(0) ||
            !coversLen(Y.Call->getArgOperand(1), X.Call->getArgOperand(1)) ||
            !DT.dominates(Y.Call, X.Call))
          continue;
        BasicBlock *YB = Y.Call->getParent();
        bool Blocked = false;
        for (Instruction *C : Copies) {
          if (C->getParent() == YB && C->comesBefore(Y.Call))
            continue; // any path from C to X passes Y
          if (reachesAvoiding(C, X.Call, YB, Budget)) {
            Blocked = true;
            break;
          }
        }
        if (Blocked)
          continue;
        X.Removed = true;
        X.RemovedByDL = Y.Call->getDebugLoc();
        break;
      }
    }
  }
};

} // namespace

PreservedAnalyses CopierGenPass::run(Module &M, ModuleAnalysisManager &AM) {
  // Idempotent: ThinLTO back ends run OptimizerLast again on modules this
  // pass already handled.
  if (M.getNamedMetadata("copier.gen"))
    return PreservedAnalyses::all();
  auto &FAM = AM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
  Reporter Rep(M);
  PassState PS{M, FAM, Rep};
  std::vector<std::unique_ptr<FunctionRun>> Runs;
  for (Function &F : M)
    if (!F.isDeclaration())
      Runs.push_back(std::make_unique<FunctionRun>(FunctionRun{F, PS}));
  // 1. Every function's copies, before any placement: a callee's copies
  //    decide what its calls leave in flight.
  for (auto &R : Runs)
    R->collect();
  // 2. Return hand-offs: functions whose every call is seen here plan their
  //    own copies now and hand the ones they can name to their callers.
  std::set<const Function *> Placed; // functions whose calls can be synced
  for (auto &R : Runs)
    if (!isRuntimeFunction(R->F) && none_of(R->F, [](const BasicBlock &BB) {
          return BB.isEHPad() && !BB.isLandingPad(); // funclets: skipped
        }))
      Placed.insert(&R->F);
  auto Processed = [&](const Function &G) { return Placed.count(&G) != 0; };
  for (auto &R : Runs)
    if (R->anyConverted() && retHandoffEligible(R->F, Processed)) {
      R->decideReturns();
      if (!R->Returns.empty())
        PS.Returns[&R->F] = R->Returns;
    }
  for (auto &[F, Ranges] : PS.Returns)
    dropReturnClaims(*const_cast<Function *>(F));
  // 3. Every function in module order: the ranges its calls leave in
  //    flight, its own copies, the rewrite and the records.
  for (auto &R : Runs)
    R->run();
  Runtime *RT = PS.RT;
  delete RT;
  Rep.embed();
  M.getOrInsertNamedMetadata("copier.gen");
  return PreservedAnalyses::none();
}

void registerCopierAnalyses(PassBuilder &) {}

} // namespace copier
