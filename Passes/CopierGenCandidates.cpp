//===- CopierGenCandidates.cpp - which copies become asynchronous ---------===//
//
// Candidates are llvm.memcpy/llvm.memmove (not volatile) and direct calls of
// memcpy/memmove/__memcpy_chk/__memmove_chk recognised by name and prototype.
// Libc calls that will be converted are first normalised into the intrinsic,
// so the placement walk sees one shape and alias analysis knows the exact
// effects even at -O0 (where libc declarations carry no attributes).
//
//===----------------------------------------------------------------------===//
#include "CopierGenInternal.h"
#include "CopierOptions.h"

#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

namespace copier {
namespace gen {

cl::opt<unsigned> MinSize(
    "copier-min-size",
    cl::desc("Smallest constant copy size (bytes) CopierGen makes "
             "asynchronous; copies of unknown size are always converted"),
    cl::init(4096));

cl::opt<bool> GuardSmall(
    "copier-guard-small",
    cl::desc("Copies of unknown size below -copier-min-size run as plain "
             "memcpy/memmove, without a call into the engine"),
    cl::init(true));

cl::opt<bool> InlinePending(
    "copier-inline-pending",
    cl::desc("Test the engine's thread-local in-flight word inline before "
             "each csync and clone dispatch"),
    cl::init(true));

cl::opt<std::string> ProjectRoot(
    "copier-project-root",
    cl::desc("Directory that paths in CopierGen's records are relative to "
             "(default: the working directory)"),
    cl::init(""));

const char *opName(CopyOp Op) {
  switch (Op) {
  case CopyOp::Memcpy: return "memcpy";
  case CopyOp::Memmove: return "memmove";
  case CopyOp::MemcpyChk: return "memcpy_chk";
  case CopyOp::MemmoveChk: return "memmove_chk";
  }
  return "memcpy";
}

bool isRuntimeFunction(const Function &F) {
  StringRef N = F.getName();
  // The engine itself and the C library's copy routines: rewriting their
  // copies would recurse into the engine or change what memcpy means.
  return N == "amemcpy" || N == "amemmove" || N == "csync" ||
         N == "csync_all" || N == "cdone" || N == "memcpy" || N == "memmove" ||
         N == "__memcpy_chk" || N == "__memmove_chk" || N == "bcopy" ||
         N.starts_with("__copier_") || N.starts_with("copier_");
}

uint64_t siteId(const Where &W, unsigned Ordinal) {
  std::string Key = W.File + '\0' + std::to_string(W.Line) + '\0' +
                    std::to_string(W.Col) + '\0' + W.Func + '\0' +
                    std::to_string(Ordinal);
  return xxh3_64bits(StringRef(Key));
}

namespace {

struct Found {
  CallInst *Call;
  CopyOp Op;
  bool Intrinsic;
};

bool hasFuncletPads(const Function &F) {
  for (const BasicBlock &BB : F)
    if (BB.isEHPad() && !BB.isLandingPad())
      return true;
  return false;
}

} // namespace

bool collectCopies(Function &F, const TargetLibraryInfo &TLI,
                   std::vector<CopySite> &Sites) {
  std::vector<Found> Cands;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB) {
      auto *CI = dyn_cast<CallInst>(&I);
      if (!CI)
        continue;
      if (auto *MT = dyn_cast<AnyMemTransferInst>(CI)) {
        Cands.push_back({CI, isa<AnyMemMoveInst>(MT) ? CopyOp::Memmove
                                                     : CopyOp::Memcpy,
                         true});
        continue;
      }
      Function *Callee = CI->getCalledFunction();
      LibFunc LF;
      if (!Callee || !TLI.getLibFunc(*Callee, LF) || !TLI.has(LF) ||
          CI->getFunctionType() != Callee->getFunctionType())
        continue;
      if (LF == LibFunc_memcpy)
        Cands.push_back({CI, CopyOp::Memcpy, false});
      else if (LF == LibFunc_memmove)
        Cands.push_back({CI, CopyOp::Memmove, false});
      else if (LF == LibFunc_memcpy_chk)
        Cands.push_back({CI, CopyOp::MemcpyChk, false});
      else if (LF == LibFunc_memmove_chk)
        Cands.push_back({CI, CopyOp::MemmoveChk, false});
    }
  if (Cands.empty())
    return false;

  bool InRuntime = isRuntimeFunction(F);
  bool Funclets = hasFuncletPads(F);
  std::map<std::tuple<std::string, unsigned, unsigned>, unsigned> Ordinals;
  bool Changed = false;

  for (Found &C : Cands) {
    CopySite S;
    S.Op = C.Op;
    S.Dst = C.Call->getArgOperand(0);
    S.Src = C.Call->getArgOperand(1);
    S.Len = C.Call->getArgOperand(2);
    S.DL = C.Call->getDebugLoc();
    S.Loc = whereOf(S.DL, F);
    S.Id = siteId(S.Loc, Ordinals[{S.Loc.File, S.Loc.Line, S.Loc.Col}]++);
    S.DstName = varName(S.Dst);
    S.SrcName = varName(S.Src);
    S.Copy = C.Call;
    auto *LenC = dyn_cast<ConstantInt>(S.Len);

    if (InRuntime) {
      S.WhyNot = "in-runtime";
    } else if (C.Intrinsic && !isa<MemTransferInst>(C.Call)) {
      S.WhyNot = "unsupported";
      S.Detail = "element-wise atomic copy";
    } else if (C.Intrinsic && isa<MemCpyInlineInst>(C.Call)) {
      S.WhyNot = "unsupported";
      S.Detail = "memcpy.inline must not become a call";
    } else if (C.Intrinsic && cast<MemTransferInst>(C.Call)->isVolatile()) {
      S.WhyNot = "volatile";
    } else if (!C.Intrinsic && !C.Call->getCalledFunction()->isDeclaration()) {
      // The module defines its own memcpy (freestanding code): its meaning
      // is the user's, not the C library's.
      S.WhyNot = C.Call->isNoBuiltin() ? "nobuiltin" : "unsupported";
      S.Detail = "this module defines " +
                 C.Call->getCalledFunction()->getName().str();
    } else if (S.Dst->getType()->getPointerAddressSpace() != 0 ||
               S.Src->getType()->getPointerAddressSpace() != 0) {
      S.WhyNot = "unsupported";
      S.Detail = "pointer outside address space 0";
    } else if (Funclets) {
      S.WhyNot = "unsupported";
      S.Detail = "function uses funclet exception handling";
    } else if (LenC && LenC->getValue().ult(MinSize)) {
      S.WhyNot = "too-small";
    } else {
      S.Convert = true;
    }

    if (S.Convert && !C.Intrinsic) {
      // Normalise into the intrinsic; the libc call returned dst.
      CallInst *Call = C.Call;
      bool Move = S.Op == CopyOp::Memmove || S.Op == CopyOp::MemmoveChk;
      Instruction *InsertAt = Call;
      if (S.Op == CopyOp::MemcpyChk || S.Op == CopyOp::MemmoveChk) {
        Value *ObjSize = Call->getArgOperand(3);
        auto *ObjC = dyn_cast<ConstantInt>(ObjSize);
        bool Proven = (ObjC && ObjC->isMinusOne()) ||
                      (ObjC && LenC && LenC->getValue().ule(ObjC->getValue()));
        if (!Proven) {
          // Keep the fortify check: an overflowing size still reaches the
          // checking routine (which aborts); the in-bounds path copies.
          Call->replaceAllUsesWith(S.Dst);
          IRBuilder<> B(Call);
          Value *Bad = B.CreateICmpUGT(
              B.CreateZExtOrTrunc(S.Len, ObjSize->getType()), ObjSize,
              "copier.chk");
          Instruction *ThenT = nullptr, *ElseT = nullptr;
          SplitBlockAndInsertIfThenElse(Bad, Call->getIterator(), &ThenT,
                                        &ElseT);
          Call->moveBefore(ThenT);
          InsertAt = ElseT;
          Call = nullptr;
        }
      }
      IRBuilder<> B(InsertAt);
      CallInst *MT = Move ? B.CreateMemMove(S.Dst, MaybeAlign(), S.Src,
                                            MaybeAlign(), S.Len)
                          : B.CreateMemCpy(S.Dst, MaybeAlign(), S.Src,
                                           MaybeAlign(), S.Len);
      MT->setDebugLoc(S.DL);
      if (Call) {
        Call->replaceAllUsesWith(S.Dst);
        Call->eraseFromParent();
      }
      S.Copy = MT;
      Changed = true;
    }
    Sites.push_back(std::move(S));
  }
  return Changed;
}

Runtime Runtime::get(Module &M) {
  LLVMContext &C = M.getContext();
  Type *Ptr = PointerType::getUnqual(C);
  Type *I64 = Type::getInt64Ty(C);
  Type *Void = Type::getVoidTy(C);
  Runtime RT;
  auto Copy = [&](StringRef Name) {
    FunctionCallee FC = M.getOrInsertFunction(
        Name, FunctionType::get(Ptr, {Ptr, Ptr, I64, I64}, false));
    if (auto *Fn = dyn_cast<Function>(FC.getCallee()); Fn && Fn->isDeclaration()) {
      // Reads src and writes dst now or later; no nocapture: the engine
      // keeps both pointers until the copy is done.
      Fn->addFnAttr(Attribute::NoUnwind);
      Fn->addFnAttr(Attribute::WillReturn);
      Fn->setMemoryEffects(MemoryEffects::argMemOnly() |
                           MemoryEffects::inaccessibleMemOnly());
      markNoPlt(*Fn);
    }
    return FC;
  };
  RT.AMemcpy = Copy("__copier_amemcpy_site");
  RT.AMemmove = Copy("__copier_amemmove_site");
  RT.Csync =
      M.getOrInsertFunction("csync", FunctionType::get(Void, {Ptr, I64}, false));
  if (auto *Fn = dyn_cast<Function>(RT.Csync.getCallee()); Fn && Fn->isDeclaration()) {
    // Default memory effects on purpose: csync makes the bytes of earlier
    // copies appear, i.e. it may write any memory the engine was handed, so
    // no pass may move an access of a destination (or a write of a source)
    // across it.
    Fn->addFnAttr(Attribute::NoUnwind);
    Fn->addFnAttr(Attribute::WillReturn);
    Fn->addParamAttr(0, Attribute::NoCapture);
    markNoPlt(*Fn);
  }
  return RT;
}

void markNoPlt(Function &Fn) {
  // Called through the GOT (what -fno-plt does), not a PLT stub: one
  // indirect jump less per call, and the program's .plt, so the address of
  // its .text and every function in it, stays where clang-19 puts it. Two
  // PLT entries moved all of expat's xmlwf by 32 bytes (0.98x clang-19's
  // speed with the same instructions).
  Fn.addFnAttr(Attribute::NonLazyBind);
}

void rewriteCopy(CopySite &S, const Runtime &RT) {
  auto *MT = cast<MemTransferInst>(S.Copy);
  IRBuilder<> B(MT);
  Value *Len = B.CreateZExtOrTrunc(MT->getLength(), B.getInt64Ty());
  bool Move = isa<MemMoveInst>(MT);
  CallInst *Call = B.CreateCall(Move ? RT.AMemmove : RT.AMemcpy,
                                {MT->getRawDest(), MT->getRawSource(), Len,
                                 B.getInt64(S.Id)});
  Call->setDebugLoc(MT->getDebugLoc());
  S.DstAlign = MT->getDestAlign();
  S.SrcAlign = MT->getSourceAlign();
  MT->eraseFromParent();
  S.Copy = nullptr;
  S.Rewritten = Call;
}

bool guardSmallCopy(CopySite &S) {
  auto *Call = dyn_cast_or_null<CallInst>(S.Rewritten);
  if (!Call || !GuardSmall || MinSize == 0 || EnableCopierSanitizer)
    return false;
  Value *Len = Call->getArgOperand(2);
  if (isa<Constant>(Len))
    return false; // constant sizes below MinSize were never converted
  // Measured on the examples at 1 KiB (proxy, recv-then-parse): the call
  // into the engine's fast path cost 2-5% of the program's time.
  IRBuilder<> B(Call);
  Value *Small = B.CreateICmpULT(Len, B.getInt64(MinSize), "copier.small");
  Instruction *PlainT = nullptr, *AsyncT = nullptr;
  SplitBlockAndInsertIfThenElse(Small, Call, &PlainT, &AsyncT);
  Call->moveBefore(AsyncT);
  IRBuilder<> PB(PlainT);
  Value *Dst = Call->getArgOperand(0), *Src = Call->getArgOperand(1);
  Function *Callee = Call->getCalledFunction();
  bool Move = Callee && Callee->getName() == "__copier_amemmove_site";
  CallInst *Plain = Move ? PB.CreateMemMove(Dst, S.DstAlign, Src, S.SrcAlign, Len)
                         : PB.CreateMemCpy(Dst, S.DstAlign, Src, S.SrcAlign, Len);
  Plain->setDebugLoc(Call->getDebugLoc());
  return true;
}

Value *pendingSet(IRBuilder<> &B) {
  if (!InlinePending || EnableCopierSanitizer)
    return nullptr;
  Module &M = *B.GetInsertBlock()->getModule();
  Type *IntPtr = M.getDataLayout().getIntPtrType(M.getContext());
  GlobalVariable *G = M.getGlobalVariable("__copier_pending");
  if (!G)
    G = new GlobalVariable(M, IntPtr, /*isConstant=*/false,
                           GlobalValue::ExternalLinkage, nullptr,
                           "__copier_pending", nullptr,
                           GlobalValue::InitialExecTLSModel);
  Value *Addr = B.CreateThreadLocalAddress(G);
  Value *P = B.CreateLoad(IntPtr, Addr, "copier.pending");
  return B.CreateICmpNE(P, ConstantInt::get(IntPtr, 0));
}

bool guardByPending(CallInst &C) {
  IRBuilder<> B(&C);
  Value *Any = pendingSet(B);
  if (!Any)
    return false;
  // Measured on proxy at 1 KiB bodies: its csyncs (a call that returns at
  // once when nothing is in flight) were ~2% of its time.
  Instruction *Then = SplitBlockAndInsertIfThen(Any, &C, /*Unreachable=*/false);
  C.moveBefore(Then);
  return true;
}

} // namespace gen
} // namespace copier
