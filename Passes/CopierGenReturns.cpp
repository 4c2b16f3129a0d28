//===- CopierGenReturns.cpp - copies left in flight at a return -----------===//
//
// A copy still in flight when its function returns normally needs a csync
// before the `ret`: the caller may use the bytes. When every use of the
// function is a plain direct call that CopierGen sees, the callers can take
// the copy over instead: each call is treated as a copy of the same ranges,
// named in the caller's terms (an argument, the returned pointer or a global,
// plus a constant offset; the size a constant or an argument), and the
// caller's own walk places the csyncs at its first access.
// docs/copiergen.md, "Return hand-off", says why each condition is needed.
//
//===----------------------------------------------------------------------===//
#include "CopierGenInternal.h"

#include "llvm/Analysis/CFG.h"
#include "llvm/Analysis/CaptureTracking.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/IRBuilder.h"

using namespace llvm;

namespace copier {
namespace gen {

cl::opt<bool> ReturnHandoff(
    "copier-return-handoff",
    cl::desc("Leave copies in flight at the returns of functions whose every "
             "call is in the module; the callers sync them"),
    cl::init(true));

std::string CallerTerm::str() const {
  auto Plus = [](int64_t O) {
    return O == 0 ? std::string()
                  : (O > 0 ? "+" : "") + std::to_string(O);
  };
  switch (K) {
  case None: return "?";
  case Const: return std::to_string(C);
  case Ret: return "ret" + Plus(Off);
  case Global: return "@" + G->getName().str() + Plus(Off);
  case Arg: {
    std::string A = "arg" + std::to_string(ArgNo);
    if (Ty) {
      if (Cast == Instruction::ZExt) return "zext(" + A + ")";
      if (Cast == Instruction::SExt) return "sext(" + A + ")";
      if (Cast == Instruction::Trunc) return "trunc(" + A + ")";
      return A;
    }
    return A + Plus(Off);
  }
  }
  return "?";
}

bool retHandoffEligible(const Function &F,
                        function_ref<bool(const Function &)> Processed) {
  if (!ReturnHandoff || F.isDeclaration() || !F.hasLocalLinkage() ||
      F.isVarArg() || isRuntimeFunction(F) ||
      F.getName().contains(".copier.") ||
      F.hasFnAttribute(Attribute::Naked) ||
      F.hasFnAttribute(Attribute::ReturnsTwice))
    return false;
  // Every use is the callee of a call whose caller gets a placement run: an
  // address taken (function pointer, llvm.used, an alias) means callers we
  // cannot see. invoke and musttail calls are left out: after an invoke the
  // range would be in flight on two edges, after a musttail call nothing
  // may follow.
  for (const Use &U : F.uses()) {
    auto *CI = dyn_cast<CallInst>(U.getUser());
    if (!CI || !CI->isCallee(&U) || CI->isMustTailCall() ||
        CI->getFunctionType() != F.getFunctionType() ||
        CI->hasOperandBundles() || !Processed(*CI->getFunction()))
      return false;
  }
  return true;
}

namespace {

/// No alloca of F can be reached through a pointer that F stores, passes or
/// returns: then a pointer that is not derived from an alloca in SSA cannot
/// point into F's frame (which is gone when the caller syncs).
bool frameStaysPrivate(const Function &F) {
  for (const BasicBlock &BB : F)
    for (const Instruction &I : BB)
      if (isa<AllocaInst>(I) &&
          PointerMayBeCaptured(&I, /*ReturnCaptures=*/true,
                               /*StoreCaptures=*/true))
        return false;
  return true;
}

struct Namer {
  const DataLayout &DL;
  DominatorTree &DT;
  LoopInfo &LI;
  bool FrameSafe;

  /// V (a pointer of the copy) in the callers' terms at return Ret.
  CallerTerm pointer(Value *V, ReturnInst &Ret, Instruction &Copy) {
    CallerTerm T;
    int64_t Off = 0;
    Value *Base = GetPointerBaseWithConstantOffset(V, Off, DL);
    if (auto *A = dyn_cast<Argument>(Base)) {
      // byval and friends point to a copy the caller made for this call,
      // not to the caller's own object.
      if (A->hasPassPointeeByValueCopyAttr() || A->hasByRefAttr() ||
          !A->getType()->isPointerTy())
        return T;
      T.K = CallerTerm::Arg;
      T.ArgNo = A->getArgNo();
      T.Off = Off;
      return T;
    }
    if (auto *G = dyn_cast<GlobalVariable>(Base)) {
      if (G->isThreadLocal())
        return T;
      T.K = CallerTerm::Global;
      T.G = G;
      T.Off = Off;
      return T;
    }
    // The returned pointer: never into this frame.
    if (!FrameSafe)
      return T;
    SmallVector<const Value *, 4> Objs;
    getUnderlyingObjects(Base, Objs, &LI);
    for (const Value *O : Objs)
      if (isa<AllocaInst>(O))
        return T;
    Value *RV = Ret.getReturnValue();
    if (!RV || !RV->getType()->isPointerTy())
      return T;
    auto OffFrom = [&](Value *X, int64_t &O) {
      O = 0;
      return GetPointerBaseWithConstantOffset(X, O, DL) == Base;
    };
    int64_t ROff = 0;
    if (!OffFrom(RV, ROff)) {
      // `ret phi [p, %copied], [null, %failed]`: fine when every incoming
      // edge the copy can reach returns p at one offset (on the others the
      // callers' csync finds nothing in flight).
      auto *Phi = dyn_cast<PHINode>(RV);
      if (!Phi || Phi->getParent() != Ret.getParent())
        return T;
      std::optional<int64_t> Common;
      for (unsigned I = 0; I < Phi->getNumIncomingValues(); ++I) {
        int64_t O;
        if (OffFrom(Phi->getIncomingValue(I), O)) {
          if (Common && *Common != O)
            return T;
          Common = O;
          continue;
        }
        if (isPotentiallyReachable(
                &Copy, Phi->getIncomingBlock(I)->getTerminator(), nullptr,
                &DT, &LI))
          return T;
      }
      if (!Common)
        return T;
      ROff = *Common;
    }
    T.K = CallerTerm::Ret;
    T.Off = Off - ROff;
    return T;
  }

  /// The copy's size: a constant, or an argument through at most one cast.
  static CallerTerm length(Value *V) {
    CallerTerm T;
    T.Ty = V->getType();
    if (auto *C = dyn_cast<ConstantInt>(V)) {
      T.K = CallerTerm::Const;
      T.C = C->getZExtValue();
      return T;
    }
    Value *X = V;
    if (auto *CI = dyn_cast<CastInst>(V))
      if (CI->getOpcode() == Instruction::ZExt ||
          CI->getOpcode() == Instruction::SExt ||
          CI->getOpcode() == Instruction::Trunc) {
        T.Cast = CI->getOpcode();
        X = CI->getOperand(0);
      }
    if (auto *A = dyn_cast<Argument>(X); A && A->getType()->isIntegerTy()) {
      T.K = CallerTerm::Arg;
      T.ArgNo = A->getArgNo();
    }
    return T;
  }
};

} // namespace

std::vector<RetRange> decideReturns(Function &F, std::vector<CopySite> &Sites,
                                    std::vector<Plan> &Plans,
                                    DominatorTree &DT, LoopInfo &LI) {
  std::vector<RetRange> Out;
  Namer N{F.getParent()->getDataLayout(), DT, LI, frameStaysPrivate(F)};
  for (unsigned I = 0; I < Sites.size(); ++I) {
    CopySite &S = Sites[I];
    if (!S.Convert || S.Virtual || S.FromCall)
      continue;
    SmallVector<Plan *, 4> Rets;
    for (Plan &P : Plans)
      if (P.Site == I && P.K == Plan::BeforeInst && isa<ReturnInst>(P.At))
        Rets.push_back(&P);
    if (Rets.empty())
      continue;
    CallerTerm Len = Namer::length(S.Len);
    if (Len.K == CallerTerm::None)
      continue;
    // One name per range, right at every return the copy reaches in flight:
    // the callers cannot tell the returns apart.
    CallerTerm Dst, Src;
    bool OK = true;
    for (Plan *P : Rets) {
      auto *Ret = cast<ReturnInst>(P->At);
      CallerTerm D = N.pointer(S.Dst, *Ret, *S.Copy);
      CallerTerm Sr = N.pointer(S.Src, *Ret, *S.Copy);
      if (D.K == CallerTerm::None || Sr.K == CallerTerm::None ||
          (P != Rets.front() && (!(D == Dst) || !(Sr == Src)))) {
        OK = false;
        break;
      }
      Dst = D;
      Src = Sr;
    }
    if (!OK)
      continue;
    for (Plan *P : Rets)
      P->K = Plan::RetHandoff;
    RetRange R;
    R.Site = I;
    R.Id = S.Id;
    R.Loc = S.Loc;
    R.Op = S.Op;
    R.DstName = S.DstName;
    R.SrcName = S.SrcName;
    R.Dst = Dst;
    R.Src = Src;
    R.Len = Len;
    Out.push_back(std::move(R));
  }
  return Out;
}

void dropReturnClaims(Function &F) {
  // F hands the engine pointers it keeps after F returns, and leaves work
  // that writes memory behind: no memory effects, nosync or capture claims.
  auto Drop = [](auto &X, unsigned NumArgs, auto ArgTy) {
    X.removeFnAttr(Attribute::Memory);
    X.removeFnAttr(Attribute::NoSync);
    X.removeFnAttr(Attribute::Speculatable);
    for (unsigned A = 0; A < NumArgs; ++A)
      if (ArgTy(A)->isPointerTy())
        for (Attribute::AttrKind K :
             {Attribute::NoCapture, Attribute::ReadNone, Attribute::ReadOnly,
              Attribute::WriteOnly})
          X.removeParamAttr(A, K);
  };
  Drop(F, F.arg_size(), [&](unsigned A) { return F.getArg(A)->getType(); });
  for (User *U : F.users())
    if (auto *CB = dyn_cast<CallBase>(U))
      Drop(*CB, CB->arg_size(),
           [&](unsigned A) { return CB->getArgOperand(A)->getType(); });
}

CopySite callRange(CallInst &CB, const RetRange &R,
                   std::map<std::string, Value *> &Cache) {
  // Materialised right after the call, so every csync the walk places
  // (always after the call) is dominated by them.
  IRBuilder<> B(CB.getNextNode());
  B.SetCurrentDebugLocation(CB.getDebugLoc());
  auto Ptr = [&](const CallerTerm &T) -> Value * {
    std::string Key = T.str();
    auto It = Cache.find(Key);
    if (It != Cache.end())
      return It->second;
    Value *Base = T.K == CallerTerm::Arg   ? CB.getArgOperand(T.ArgNo)
                  : T.K == CallerTerm::Ret ? static_cast<Value *>(&CB)
                                           : T.G;
    Value *V = Base;
    if (T.Off)
      V = B.CreateGEP(B.getInt8Ty(), Base, B.getInt64(T.Off), "copier.ret");
    Cache[Key] = V;
    return V;
  };
  CopySite S;
  S.FromCall = true;
  S.Convert = true;
  S.Copy = &CB;
  S.Op = R.Op;
  S.Id = R.Id;
  S.Loc = R.Loc;
  S.DstName = R.DstName;
  S.SrcName = R.SrcName;
  S.DL = CB.getDebugLoc(); // the callee's location is in another scope
  S.Dst = Ptr(R.Dst);
  S.Src = Ptr(R.Src);
  if (R.Len.K == CallerTerm::Const) {
    S.Len = ConstantInt::get(R.Len.Ty, R.Len.C);
  } else {
    std::string Key = R.Len.str() + ":" + std::to_string(
        R.Len.Ty->getIntegerBitWidth());
    auto It = Cache.find(Key);
    if (It != Cache.end()) {
      S.Len = It->second;
    } else {
      Value *A = CB.getArgOperand(R.Len.ArgNo);
      S.Len = R.Len.Cast
                  ? B.CreateCast(Instruction::CastOps(R.Len.Cast), A, R.Len.Ty,
                                "copier.len")
                  : A;
      Cache[Key] = S.Len;
    }
  }
  if (auto *C = dyn_cast<ConstantInt>(S.Len)) {
    S.DstLoc = MemoryLocation(S.Dst, LocationSize::precise(C->getZExtValue()));
    S.SrcLoc = MemoryLocation(S.Src, LocationSize::precise(C->getZExtValue()));
  } else {
    S.DstLoc = MemoryLocation::getAfter(S.Dst);
    S.SrcLoc = MemoryLocation::getAfter(S.Src);
  }
  return S;
}

} // namespace gen
} // namespace copier
