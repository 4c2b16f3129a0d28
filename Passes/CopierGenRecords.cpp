//===- CopierGenRecords.cpp - remarks and embedded placement records ------===//
//
// Every decision becomes one optimization remark (pass name `copier`) and one
// JSON Lines record (docs/report-format.md) in ELF section copier_report.
// Records carry project-relative paths and nothing time- or address-
// dependent, so two builds of the same sources embed identical bytes.
//
//===----------------------------------------------------------------------===//
#include "CopierGenInternal.h"

#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace copier {
namespace gen {

const char *reasonName(Reason R) {
  switch (R) {
  case Reason::ReadDst: return "read-of-destination";
  case Reason::WriteDst: return "write-of-destination";
  case Reason::WriteSrc: return "write-of-source";
  case Reason::Free: return "free";
  case Reason::Realloc: return "realloc";
  case Reason::UnknownCall: return "unknown-call";
  case Reason::KnownCall: return "known-call";
  case Reason::IndirectCall: return "indirect-call";
  case Reason::InlineAsm: return "inline-asm";
  case Reason::VolatileAccess: return "volatile-access";
  case Reason::AtomicAccess: return "atomic-access";
  case Reason::ThreadPublish: return "thread-publish";
  case Reason::LifetimeEnd: return "lifetime-end";
  case Reason::EscapeReturn: return "escape-return";
  case Reason::FunctionExit: return "function-exit";
  case Reason::MayNotReturn: return "may-not-return";
  case Reason::LeavesScope: return "leaves-scope";
  case Reason::CopyReexecuted: return "copy-reexecuted";
  case Reason::MayAliasAccess: return "may-alias-access";
  }
  return "unknown";
}

static std::string rootDir() {
  if (!ProjectRoot.empty())
    return ProjectRoot;
  SmallString<256> Cwd;
  if (sys::fs::current_path(Cwd))
    return "";
  return std::string(Cwd);
}

std::string relPath(StringRef Dir, StringRef File) {
  if (File.empty())
    return "";
  SmallString<256> Abs;
  if (sys::path::is_absolute(File))
    Abs = File;
  else {
    Abs = Dir;
    sys::path::append(Abs, File);
  }
  sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  std::string Root = rootDir();
  if (!sys::path::is_absolute(Abs))
    return std::string(Abs); // no directory known: keep as written
  SmallString<256> RootAbs(Root);
  sys::path::remove_dots(RootAbs, true);
  StringRef A = Abs, R = RootAbs;
  if (!R.empty() && A.starts_with(R) &&
      (A.size() == R.size() || sys::path::is_separator(A[R.size()]) ||
       R.ends_with("/"))) {
    StringRef Rest = A.drop_front(R.size());
    while (!Rest.empty() && sys::path::is_separator(Rest.front()))
      Rest = Rest.drop_front();
    return Rest.empty() ? "." : Rest.str();
  }
  return std::string(Abs); // outside the root: stays absolute
}

Where whereOf(const DebugLoc &DL, const Function &F) {
  Where W;
  W.Func = F.getName().str();
  const DILocation *Loc = DL.get();
  if (!Loc) {
    W.File = relPath("", F.getParent()->getSourceFileName());
    return W;
  }
  auto FileOf = [](const DILocation *L) {
    return relPath(L->getDirectory(), L->getFilename());
  };
  auto FuncOf = [](const DILocation *L) -> std::string {
    if (DISubprogram *SP = L->getScope()->getSubprogram())
      return (SP->getName().empty() ? SP->getLinkageName() : SP->getName())
          .str();
    return "";
  };
  W.File = FileOf(Loc);
  W.Line = Loc->getLine();
  W.Col = Loc->getColumn();
  // The chain of call sites, innermost first; the outermost is in F.
  const DILocation *Cur = Loc;
  while (const DILocation *At = Cur->getInlinedAt()) {
    Where::Frame Fr;
    Fr.File = FileOf(At);
    Fr.Line = At->getLine();
    Fr.Col = At->getColumn();
    Fr.Func = At->getInlinedAt() ? FuncOf(At) : W.Func;
    W.InlinedAt.push_back(std::move(Fr));
    Cur = At;
  }
  return W;
}

std::string varName(const Value *Ptr) {
  const Value *Obj = getUnderlyingObject(Ptr);
  if (auto *AI = dyn_cast<AllocaInst>(Obj)) {
    for (DbgVariableRecord *DVR : findDVRDeclares(const_cast<AllocaInst *>(AI)))
      if (DILocalVariable *V = DVR->getVariable())
        return V->getName().str();
    for (DbgDeclareInst *DDI : findDbgDeclares(const_cast<AllocaInst *>(AI)))
      if (DILocalVariable *V = DDI->getVariable())
        return V->getName().str();
    // After -O1 the declare became dbg values of the address.
    SmallVector<DbgVariableRecord *, 2> DVRs;
    SmallVector<DbgValueInst *, 2> DVIs;
    findDbgValues(DVIs, const_cast<AllocaInst *>(AI), &DVRs);
    for (DbgVariableRecord *DVR : DVRs)
      if (DVR->getVariable())
        return DVR->getVariable()->getName().str();
    return "";
  }
  if (auto *GV = dyn_cast<GlobalVariable>(Obj)) {
    SmallVector<DIGlobalVariableExpression *, 1> GVEs;
    GV->getDebugInfo(GVEs);
    for (auto *E : GVEs)
      if (DIGlobalVariable *V = E->getVariable())
        return V->getName().str();
    return "";
  }
  if (auto *A = dyn_cast<Argument>(Obj)) {
    // Parameters: the variable whose value is the argument.
    if (const DISubprogram *SP = A->getParent()->getSubprogram())
      for (const DINode *N : SP->getRetainedNodes())
        if (auto *V = dyn_cast<DILocalVariable>(N))
          if (V->getArg() == A->getArgNo() + 1)
            return V->getName().str();
    SmallVector<DbgVariableRecord *, 2> DVRs;
    SmallVector<DbgValueInst *, 2> DVIs;
    findDbgValues(DVIs, const_cast<Argument *>(A), &DVRs);
    for (DbgVariableRecord *DVR : DVRs)
      if (DVR->getVariable() && DVR->getVariable()->isParameter())
        return DVR->getVariable()->getName().str();
  }
  return "";
}

static json::Object locObject(const Where &W) {
  json::Object O;
  O["file"] = W.File;
  O["line"] = (int64_t)W.Line;
  O["col"] = (int64_t)W.Col;
  O["func"] = W.Func;
  json::Array Chain;
  for (const Where::Frame &F : W.InlinedAt)
    Chain.push_back(json::Object{{"file", F.File},
                                 {"line", (int64_t)F.Line},
                                 {"col", (int64_t)F.Col},
                                 {"func", F.Func}});
  O["inlined_at"] = std::move(Chain);
  return O;
}

static std::string hex16(uint64_t V) {
  std::string S;
  raw_string_ostream OS(S);
  OS << format_hex_no_prefix(V, 16);
  return OS.str();
}

static std::string lineText(const json::Object &O) {
  std::string S;
  raw_string_ostream OS(S);
  OS << json::Value(json::Object(O));
  return OS.str();
}

static std::string at(const Where &W) {
  return W.File + ":" + std::to_string(W.Line) + ":" + std::to_string(W.Col);
}

void Reporter::copy(const CopySite &S, OptimizationRemarkEmitter &ORE) {
  json::Object O = locObject(S.Loc);
  O["v"] = 1;
  O["kind"] = "copy";
  O["site"] = hex16(S.Id);
  O["op"] = opName(S.Op);
  if (auto *C = dyn_cast<ConstantInt>(S.Len))
    O["size"] = (int64_t)C->getZExtValue();
  else
    O["size"] = nullptr;
  O["converted"] = S.Convert;
  O["reason"] = S.Convert ? "converted" : S.WhyNot;
  if (!S.Detail.empty())
    O["detail"] = S.Detail;
  O["dst"] = S.DstName;
  O["src"] = S.SrcName;
  if (S.Convert && !S.FirstUse.empty())
    O["first_use"] = S.FirstUse;
  Lines.push_back(lineText(O));

  const Instruction *I = S.Rewritten ? S.Rewritten : S.Copy;
  std::string Size = isa<ConstantInt>(S.Len)
                         ? std::to_string(cast<ConstantInt>(S.Len)->getZExtValue())
                         : std::string("unknown");
  if (S.Convert) {
    ORE.emit([&] {
      return OptimizationRemark("copier", "Converted", I)
             << opName(S.Op) << " of " << Size << " bytes"
             << (S.DstName.empty() ? "" : " into " + S.DstName)
             << " made asynchronous (site " << hex16(S.Id) << ")";
    });
  } else {
    ORE.emit([&] {
      return OptimizationRemarkMissed("copier", "NotConverted", I)
             << opName(S.Op) << " of " << Size << " bytes not converted: "
             << S.WhyNot << (S.Detail.empty() ? "" : " (" + S.Detail + ")");
    });
  }
}

void Reporter::csync(const Inserted &C, const CopySite &S, const Function &F,
                     OptimizationRemarkEmitter &ORE) {
  Where W = whereOf(C.Call->getDebugLoc(), F);
  json::Object O = locObject(W);
  O["v"] = 1;
  O["kind"] = "csync";
  O["site"] = hex16(S.Id);
  O["reason"] = reasonName(C.R);
  O["forced_by"] = C.ForcedBy;
  O["range"] = C.Narrow ? "access" : C.Segment ? "segment" : "whole";
  if (C.Hoisted)
    O["hoisted"] = true;
  Lines.push_back(lineText(O));
  if (C.Narrow) {
    ORE.emit([&] {
      return OptimizationRemark("copier", "CsyncNarrow", C.Call)
             << "csync of the accessed bytes only, for copy at " << at(S.Loc)
             << ": " << C.ForcedBy << " may alias "
             << (S.DstName.empty() ? "the copy's ranges" : S.DstName)
             << "; the copy stays in flight";
    });
    return;
  }
  ORE.emit([&] {
    return OptimizationRemark("copier", C.Segment ? "CsyncSegment" : "CsyncInserted",
                              C.Call)
           << (C.Segment ? "per-segment csync" : "csync")
           << (S.DstName.empty() ? "" : " of " + S.DstName)
           << " for copy at " << at(S.Loc) << ": " << reasonName(C.R) << " ("
           << C.ForcedBy << ")" << (C.Hoisted ? ", hoisted out of the loop" : "");
  });
}

void Reporter::csyncRemoved(const Inserted &C, const CopySite &S,
                            const Function &F, OptimizationRemarkEmitter &ORE) {
  Where W = whereOf(C.Call->getDebugLoc(), F);
  Where By = whereOf(C.RemovedByDL, F);
  json::Object O = locObject(W);
  O["v"] = 1;
  O["kind"] = "csync-removed";
  O["site"] = hex16(S.Id);
  O["reason"] = "redundant";
  O["by"] = json::Object{{"file", By.File},
                         {"line", (int64_t)By.Line},
                         {"col", (int64_t)By.Col}};
  Lines.push_back(lineText(O));
  ORE.emit([&] {
    return OptimizationRemarkAnalysis("copier", "CsyncRemoved", C.Call)
           << "csync for copy at " << at(S.Loc)
           << " removed: redundant after the csync at " << at(By);
  });
}

void Reporter::loop(const Pipelined &P, const CopySite &S, const Function &F,
                    OptimizationRemarkEmitter &ORE) {
  Where W = whereOf(P.HeaderDL, F);
  json::Object O = locObject(W);
  O["v"] = 1;
  O["kind"] = "loop-pipelined";
  O["site"] = hex16(S.Id);
  O["segment"] = (int64_t)SegmentBytes;
  Lines.push_back(lineText(O));
  ORE.emit([&] {
    return OptimizationRemark("copier", "LoopPipelined", P.HeaderDL,
                              P.Header)
           << "loop consumes the copy at " << at(S.Loc) << " one "
           << std::to_string(SegmentBytes) << "-byte segment at a time";
  });
}

void Reporter::returnHandoff(const CopySite &S, const Instruction &Ret,
                             const RetRange &R, unsigned Callers,
                             const Function &F,
                             OptimizationRemarkEmitter &ORE) {
  Where W = whereOf(Ret.getDebugLoc(), F);
  json::Object O = locObject(W);
  O["v"] = 1;
  O["kind"] = "return-handoff";
  O["site"] = hex16(S.Id);
  O["dst_expr"] = R.Dst.str();
  O["src_expr"] = R.Src.str();
  O["len_expr"] = R.Len.str();
  O["callers"] = (int64_t)Callers;
  Lines.push_back(lineText(O));
  ORE.emit([&] {
    return OptimizationRemark("copier", "ReturnHandoff", &Ret)
           << "copy at " << at(S.Loc) << " stays in flight past this return: "
           << "the callers of " << F.getName() << " ("
           << std::to_string(Callers) << (Callers == 1 ? " call" : " calls")
           << ") sync " << R.Dst.str() << ", " << R.Len.str()
           << " bytes, before their own first access";
  });
}

void Reporter::handoff(const CopySite &S, const DebugLoc &DL,
                       const std::string &Callee, const std::string &Clone,
                       const Function &F, OptimizationRemarkEmitter &ORE) {
  Where W = whereOf(DL, F);
  json::Object O = locObject(W);
  O["v"] = 1;
  O["kind"] = "handoff";
  O["site"] = hex16(S.Id);
  O["callee"] = Callee;
  O["clone"] = Clone;
  Lines.push_back(lineText(O));
  ORE.emit([&] {
    return OptimizationRemark("copier", "Handoff", DL, &F.getEntryBlock())
           << "copy at " << at(S.Loc) << " stays in flight into " << Callee
           << ": calls " << Clone << ", which syncs before its own first access";
  });
}

void Reporter::embed() {
  json::Object O;
  O["v"] = 1;
  O["kind"] = "module";
  std::string File = relPath("", M.getSourceFileName());
  for (DICompileUnit *CU : M.debug_compile_units()) {
    File = relPath(CU->getDirectory(), CU->getFilename());
    break;
  }
  O["file"] = File;
  O["producer"] = "CopierGen 1 (LLVM " LLVM_VERSION_STRING ")";
  O["min_size"] = (int64_t)MinSize;
  std::string Text = lineText(O) + "\n";
  for (const std::string &L : Lines)
    Text += L + "\n";
  // Module-level assembly, not a global: a global with a section is
  // allocatable (LLVM gives no way to clear SHF_ALLOC), so the records were
  // loaded with the program and moved its data segment by their size. That
  // alone made expat's xmlwf run ~4% slower than the clang-19 build (its
  // code identical). A non-allocatable section costs no memory at run
  // time, and the linker, ld -r and strip keep it like .comment.
  // One .ascii directive per record (a line of `module asm` in the IR).
  std::string Asm = "\t.pushsection copier_report,\"\",%progbits\n";
  for (StringRef Rest = Text; !Rest.empty();) {
    auto [Line, Tail] = Rest.split('\n');
    Rest = Tail;
    Asm += "\t.ascii \"";
    for (unsigned char C : Line) {
      if (C == '"' || C == '\\') {
        Asm += '\\';
        Asm += (char)C;
      } else if (C >= 0x20 && C < 0x7f) {
        Asm += (char)C;
      } else { // control bytes and UTF-8 in names: octal escapes
        char Oct[5];
        snprintf(Oct, sizeof Oct, "\\%03o", C);
        Asm += Oct;
      }
    }
    Asm += "\\n\"\n";
  }
  Asm += "\t.popsection\n";
  M.appendModuleInlineAsm(Asm);
}

} // namespace gen
} // namespace copier
