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

struct FunctionRun;
using CloneMap = std::map<std::pair<Function *, uint64_t>, Function *>;

struct FunctionRun {
  Function &F;
  FunctionAnalysisManager &FAM;
  Reporter &Rep;
  Runtime *&RT;
  Module &M;
  CloneMap &Clones;
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

  void run() {
    auto &TLI = FAM.getResult<TargetLibraryAnalysis>(F);
    if (collectCopies(F, TLI, Sites))
      FAM.invalidate(F, PreservedAnalyses::none());
    if (Sites.empty())
      return;
    if (any_of(Sites, [](const CopySite &S) { return S.Convert; }))
      transform();
    report();
  }

  /// Remarks and records of every decision in F, then the removal of the
  /// csyncs found redundant. A clone's only site is virtual: no copy record.
  void report() {
    FAM.invalidate(F, PreservedAnalyses::none());
    auto &ORE = FAM.getResult<OptimizationRemarkEmitterAnalysis>(F);
    for (CopySite &S : Sites)
      if (!S.Virtual)
        Rep.copy(S, ORE);
    for (Inserted &C : Ins)
      if (!C.Removed)
        Rep.csync(C, Sites[C.Site], F, ORE);
    for (Pipelined &P : Pipes)
      Rep.loop(P, Sites[P.Site], F, ORE);
    for (Handoff &H : Handoffs)
      Rep.handoff(Sites[H.Site], H.DL, H.Callee, H.Clone, F, ORE);
    for (Inserted &C : Ins)
      if (C.Removed) {
        Rep.csyncRemoved(C, Sites[C.Site], F, ORE);
        C.Call->eraseFromParent();
      }
  }

  /// A clone: its range (the last three arguments) is in flight at entry.
  void runClone(uint64_t DisjointMask) {
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
    transform(/*AllowClone=*/false);
    report();
  }

  /// f.copier.0: f with the in-flight range (dst, src, n) as extra
  /// arguments; its own walk syncs before its first access and its returns.
  /// One clone per callee and mask of arguments its callers proved
  /// disjoint from the range: f.copier.<mask>.
  Function *cloneOf(Function *Callee, uint64_t DisjointMask) {
    auto It = Clones.find({Callee, DisjointMask});
    if (It != Clones.end())
      return It->second;
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
    Clones[{Callee, DisjointMask}] = NF;
    FunctionRun Sub{*NF, FAM, Rep, RT, M, Clones};
    Sub.runClone(DisjointMask);
    return NF;
  }

  void transform(bool AllowClone = true) {
    if (!RT)
      RT = new Runtime(Runtime::get(M));
    auto &DT = FAM.getResult<DominatorTreeAnalysis>(F);
    auto &LI = FAM.getResult<LoopAnalysis>(F);
    {
      auto &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
      auto &AAR = FAM.getResult<AAManager>(F);
      BatchAAResults BAA(AAR);
      PlacementContext Ctx{F, BAA, DT, LI, SE, M.getDataLayout(), AllowClone};
      for (unsigned I = 0; I < Sites.size(); ++I) {
        CopySite &S = Sites[I];
        if (!S.Convert)
          continue;
        if (!S.Virtual) {
          S.DstLoc = MemoryLocation::getForDest(cast<MemIntrinsic>(S.Copy));
          S.SrcLoc =
              MemoryLocation::getForSource(cast<MemTransferInst>(S.Copy));
        }
        planCsyncs(Ctx, S, I, Plans);
      }
    }
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
      CallInst *C = B.CreateCall(RT->Csync, {S.Dst, Len});
      C->setDebugLoc(P.ForcedDL ? P.ForcedDL : S.DL);
      Inserted X;
      X.Call = C;
      X.Site = P.Site;
      X.R = P.R;
      X.ForcedBy = P.ForcedBy;
      X.ForcedDL = P.ForcedDL;
      X.Hoisted = P.Hoisted;
      Ins.push_back(std::move(X));
    };
    std::set<std::pair<unsigned, Instruction *>> DoneBefore;
    for (const Plan &P : Plans)
      if (P.K == Plan::BeforeInst && DoneBefore.insert({P.Site, P.At}).second)
        Emit(P.At, P);
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
      CI->eraseFromParent();
      Handoffs.push_back({P.Site, NC->getDebugLoc(), Callee->getName().str(),
                          NF->getName().str()});
    }
    for (CopySite &S : Sites)
      if (S.Convert && !S.Virtual)
        rewriteCopy(S, *RT);
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
           emitSegmentGuards(Gs, Sites[Key.first], *RT, DT, LI)) {
        Inserted X;
        X.Call = Call;
        X.Site = Key.first;
        X.R = G->R;
        X.ForcedBy = G->ForcedBy;
        X.ForcedDL = G->ForcedDL;
        X.Segment = true;
        Ins.push_back(std::move(X));
      }
    }
    removeRedundant();
  }

  /// A whole-range csync X is redundant when a csync Y of a covering range
  /// dominates it and no copy can start between them (no path from any copy
  /// to X that avoids Y's block).
  void removeRedundant() {
    DominatorTree DT(F);
    std::vector<Instruction *> Copies;
    for (CopySite &S : Sites)
      if (S.Rewritten)
        Copies.push_back(S.Rewritten);
    unsigned Budget = 200000;
    for (Inserted &X : Ins) {
      if (X.Segment)
        continue;
      for (Inserted &Y : Ins) {
        if (&Y == &X || Y.Segment || Y.Removed)
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
  Runtime *RT = nullptr;
  CloneMap Clones;
  std::vector<Function *> Fns;
  for (Function &F : M)
    if (!F.isDeclaration())
      Fns.push_back(&F);
  for (Function *F : Fns) {
    FunctionRun R{*F, FAM, Rep, RT, M, Clones};
    R.run();
  }
  delete RT;
  Rep.embed();
  M.getOrInsertNamedMetadata("copier.gen");
  return PreservedAnalyses::none();
}

void registerCopierAnalyses(PassBuilder &) {}

} // namespace copier
