//===- CopierGenDispatch.cpp - a clone runs its original when nothing is in flight
//
// A clone f.copier.N (CopierGen.cpp) receives a copy's ranges in flight and
// syncs before its first access of them: per-segment window tests in its
// loops, a csync at its returns. When the engine copied the bytes at once
// (a small copy, or a site it learnt to copy inline) those tests find
// nothing to wait for but still run on every access. So the clone starts
// with one question to the engine, __copier_in_flight(dst, src, n), and
// when no copy of this thread is pending on the ranges it calls f itself,
// which has no tests for them, and returns its result.
//
// Sound because "not in flight" means no unsynced copy of this thread
// touches either range (an unretired copy counts, so a faulting one is
// still reported by the synced path's csync), and f differs from the clone
// only in the csyncs for that copy. Under CopierSanitizer the engine
// answers "in flight" always, so the sanitizer checks the synced code.
//
//===----------------------------------------------------------------------===//
#include "CopierGenInternal.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Support/CommandLine.h"

using namespace llvm;

namespace copier {
namespace gen {

cl::opt<bool> CloneDispatch(
    "copier-clone-dispatch",
    cl::desc("Clones call the original function when the engine has no copy "
             "in flight on their ranges"),
    cl::init(true));

void addCloneDispatch(Function &Clone, Function &Original) {
  if (!CloneDispatch || Original.isDeclaration() || Original.isVarArg())
    return;
  Module &M = *Clone.getParent();
  LLVMContext &C = M.getContext();
  Type *Ptr = PointerType::getUnqual(C);
  FunctionCallee InFlight = M.getOrInsertFunction(
      "__copier_in_flight",
      FunctionType::get(Type::getInt32Ty(C),
                        {Ptr, Ptr, Type::getInt64Ty(C)}, false));
  if (auto *Fn = dyn_cast<Function>(InFlight.getCallee());
      Fn && Fn->isDeclaration()) {
    // Default memory effects, like csync: nothing of the ranges may be
    // read ahead of the answer.
    Fn->addFnAttr(Attribute::NoUnwind);
    Fn->addFnAttr(Attribute::WillReturn);
    markNoPlt(*Fn);
  }
  BasicBlock *OldEntry = &Clone.getEntryBlock();
  BasicBlock *Entry =
      BasicBlock::Create(C, "copier.dispatch", &Clone, OldEntry);
  BasicBlock *Done = BasicBlock::Create(C, "copier.done", &Clone, OldEntry);
  // Static allocas stay in the entry block (elsewhere they are dynamic).
  IRBuilder<> B(Entry);
  for (Instruction &I : make_early_inc_range(*OldEntry)) {
    auto *AI = dyn_cast<AllocaInst>(&I);
    if (!AI)
      break;
    if (isa<Constant>(AI->getArraySize()))
      AI->moveBefore(*Entry, Entry->end());
  }
  unsigned N = Clone.arg_size();
  // Nothing in flight on this thread at all (the engine's TLS word): no
  // call to ask about the ranges.
  if (Value *Any = pendingSet(B)) {
    BasicBlock *Ask = BasicBlock::Create(C, "copier.ask", &Clone, OldEntry);
    B.CreateCondBr(Any, Ask, Done);
    B.SetInsertPoint(Ask);
  }
  Value *Busy = B.CreateCall(InFlight, {Clone.getArg(N - 3), Clone.getArg(N - 2),
                                        Clone.getArg(N - 1)});
  B.CreateCondBr(B.CreateICmpNE(Busy, B.getInt32(0)), OldEntry, Done);
  B.SetInsertPoint(Done);
  SmallVector<Value *, 8> Args;
  for (unsigned I = 0; I + 3 < N; ++I)
    Args.push_back(Clone.getArg(I));
  CallInst *Call = B.CreateCall(&Original, Args);
  Call->setCallingConv(Original.getCallingConv());
  // The callee's return and parameter attributes on the call (zeroext and
  // signext are ABI: without them the argument may not be extended).
  const AttributeList &OA = Original.getAttributes();
  SmallVector<AttributeSet, 8> ParamAttrs;
  bool StackArgs = false;
  for (unsigned I = 0; I < Original.arg_size(); ++I) {
    ParamAttrs.push_back(OA.getParamAttrs(I));
    StackArgs |= OA.hasParamAttr(I, Attribute::ByVal) || OA.hasParamAttr(I, Attribute::InAlloca) ||
                 OA.hasParamAttr(I, Attribute::Preallocated);
  }
  Call->setAttributes(AttributeList::get(C, AttributeSet(), OA.getRetAttrs(), ParamAttrs));
  // A tail call may not read this frame's memory: a byval argument is a
  // copy in it.
  if (!StackArgs)
    Call->setTailCall();
  if (DISubprogram *SP = Clone.getSubprogram())
    Call->setDebugLoc(DILocation::get(C, SP->getLine(), 0, SP));
  if (Clone.getReturnType()->isVoidTy())
    B.CreateRetVoid();
  else
    B.CreateRet(Call);
}

} // namespace gen
} // namespace copier
