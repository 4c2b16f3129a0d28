//===- CopierGenInternal.h - shared pieces of the CopierGen pass ----------===//
//
// CopierGen is split by responsibility:
//   CopierGen.cpp           the driver: per function, candidates -> plans ->
//                           rewrite -> redundancy -> remarks/records
//   CopierGenCandidates.cpp which copies to convert, site ids, the rewrite
//   CopierGenPlacement.cpp  the forward walk that decides where csyncs go
//   CopierGenLoops.cpp      per-segment csyncs inside consuming loops
//   CopierGenStrip.cpp      ...checked once per loop entry or per segment
//                           (CopierGenLoopsImpl.h holds what both share)
//   CopierGenNarrow.cpp     narrow csyncs at may-alias accesses; copies
//                           used at once stay memcpy
//   CopierGenReturns.cpp    copies left in flight at a return, synced by
//                           every caller instead
//   CopierGenRecords.cpp    source locations, remarks and embedded records
//
//===----------------------------------------------------------------------===//
#ifndef COPIER_PASSES_COPIERGEN_INTERNAL_H
#define COPIER_PASSES_COPIERGEN_INTERNAL_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/AliasAnalysis.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/MemoryLocation.h"
#include "llvm/IR/DebugLoc.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <string>
#include <vector>

namespace llvm {
class ScalarEvolution;
class TargetLibraryInfo;
class OptimizationRemarkEmitter;
} // namespace llvm

namespace copier {
namespace gen {

extern llvm::cl::opt<unsigned> MinSize;
extern llvm::cl::opt<std::string> ProjectRoot;

/// Bytes synced per csync inside a pipelined loop (the engine's segment).
constexpr uint64_t SegmentBytes = 64 * 1024;

enum class CopyOp { Memcpy, Memmove, MemcpyChk, MemmoveChk };
const char *opName(CopyOp Op);

/// Why a csync had to go where it went (docs/report-format.md spells them).
enum class Reason {
  ReadDst,
  WriteDst,
  WriteSrc,
  Free,
  Realloc,
  UnknownCall,
  KnownCall,
  IndirectCall,
  InlineAsm,
  VolatileAccess,
  AtomicAccess,
  ThreadPublish,
  LifetimeEnd,
  EscapeReturn,
  FunctionExit,
  MayNotReturn,
  LeavesScope,
  CopyReexecuted,
  /// A load/store that only may alias a range: csync of its own bytes.
  MayAliasAccess,
};
const char *reasonName(Reason R);

/// A source position as the records and remarks show it.
struct Where {
  std::string File;
  unsigned Line = 0, Col = 0;
  std::string Func;
  struct Frame {
    std::string File;
    unsigned Line = 0, Col = 0;
    std::string Func;
  };
  std::vector<Frame> InlinedAt; // innermost call site first
};

/// One copy CopierGen looked at.
struct CopySite {
  llvm::Instruction *Copy = nullptr; // llvm.memcpy/memmove once normalised
  CopyOp Op = CopyOp::Memcpy;
  bool Convert = false;
  std::string WhyNot;    // report reason when !Convert
  std::string Detail;    // free text for `unsupported`
  llvm::Value *Dst = nullptr, *Src = nullptr, *Len = nullptr;
  llvm::MemoryLocation DstLoc, SrcLoc;
  llvm::DebugLoc DL;
  uint64_t Id = 0;
  Where Loc;
  std::string DstName, SrcName;
  llvm::Instruction *Rewritten = nullptr; // the __copier_amemcpy_site call
  /// The rewritten copy's alignments, for the plain copy guardSmallCopy
  /// puts beside it.
  llvm::MaybeAlign DstAlign, SrcAlign;
  bool Virtual = false; // the in-flight range a clone receives (no copy)
  /// The range a call leaves in flight (a callee's copy handed back at its
  /// return): Copy is the call, Dst/Src/Len are the caller's values, Id and
  /// Loc are the callee's copy's.
  bool FromCall = false;
  /// Converted copies: "adjacent" when a csync of it directly follows it,
  /// else "moved" (docs/report-format.md, `first_use`).
  std::string FirstUse;
  /// In a clone: arguments every caller proved disjoint from the range
  /// (alias analysis there), so accesses based on them cannot touch it.
  llvm::SmallVector<const llvm::Value *, 4> DisjointArgs;
};

/// Where one csync for one copy goes, decided on the unchanged IR.
struct Plan {
  enum Kind { BeforeInst, OnEdge, LoopGuard, CloneCall, RetHandoff } K =
      BeforeInst; // RetHandoff: no csync before the ret At; callers sync
  unsigned Site = 0; // index into the function's CopySite list
  llvm::Instruction *At = nullptr; // BeforeInst: the forcing instruction;
                                   // LoopGuard: the guarded load
  llvm::BasicBlock *From = nullptr, *To = nullptr; // OnEdge
  Reason R = Reason::ReadDst;
  std::string ForcedBy; // short description of the forcing instruction
  llvm::DebugLoc ForcedDL;
  bool Hoisted = false; // moved out of a loop that needs no per-iteration sync
  const llvm::Loop *L = nullptr; // LoopGuard: the pipelined loop
  uint64_t AccessSize = 0;       // LoopGuard
  uint64_t DisjointMask = 0;     // CloneCall: pointer args disjoint from the range
  /// BeforeInst, narrow: the copy stays in flight past the access At, which
  /// may touch the destination (csync of its AccessSize bytes) / may write
  /// the source (csync of the destination bytes those source bytes feed).
  bool NarrowDst = false, NarrowSrc = false;
};

/// A csync that now exists in the IR, with what the records say about it.
struct Inserted {
  llvm::CallInst *Call = nullptr;
  unsigned Site = 0;
  Reason R = Reason::ReadDst;
  std::string ForcedBy;
  llvm::DebugLoc ForcedDL;
  bool Hoisted = false;
  bool Segment = false;
  bool Removed = false;
  llvm::DebugLoc RemovedByDL;
  bool Narrow = false; // only the bytes of one may-alias access
};

/// A loop that got per-segment csyncs for a copy.
struct Pipelined {
  unsigned Site = 0;
  llvm::DebugLoc HeaderDL;
  llvm::BasicBlock *Header = nullptr;
};

/// The runtime entry points, declared with honest attributes.
struct Runtime {
  llvm::FunctionCallee AMemcpy, AMemmove, Csync;
  static Runtime get(llvm::Module &M);
};

/// A value of a callee in its callers' terms (return hand-off): a constant,
/// an argument, the returned pointer or a global; pointers plus a constant
/// byte offset, integers through at most one cast.
struct CallerTerm {
  enum Kind { None, Const, Arg, Ret, Global } K = None;
  unsigned ArgNo = 0;
  llvm::GlobalVariable *G = nullptr;
  int64_t Off = 0;         // pointers
  uint64_t C = 0;          // Const
  unsigned Cast = 0;       // integers: Instruction::ZExt/SExt/Trunc, or 0
  llvm::Type *Ty = nullptr; // integers only: the callee's type of the value
  std::string str() const;
  bool operator==(const CallerTerm &O) const {
    return K == O.K && ArgNo == O.ArgNo && G == O.G && Off == O.Off &&
           C == O.C && Cast == O.Cast && Ty == O.Ty;
  }
};

/// A copy of a callee left in flight at its returns: every call of the
/// callee syncs [Dst, Dst+Len) as if the call were the copy.
struct RetRange {
  unsigned Site = 0; // in the callee's site list
  uint64_t Id = 0;
  Where Loc;
  CopyOp Op = CopyOp::Memcpy;
  std::string DstName, SrcName;
  CallerTerm Dst, Src, Len;
};

// ---- Candidates (CopierGenCandidates.cpp) ---------------------------------
bool isRuntimeFunction(const llvm::Function &F);
/// Collects the copies of F, normalising libc calls that will be converted
/// into llvm.memcpy/memmove (and fortify checks into an explicit branch).
/// Returns true when it changed the IR.
bool collectCopies(llvm::Function &F, const llvm::TargetLibraryInfo &TLI,
                   std::vector<CopySite> &Sites);
/// Replaces S.Copy by a call of the runtime; sets S.Rewritten.
void rewriteCopy(CopySite &S, const Runtime &RT);
/// For a rewritten copy of unknown size: below -copier-min-size it runs as
/// the plain memcpy/memmove it was, without a call into the engine (which
/// would copy it at once anyway). Splits the block: run after every
/// analysis-driven insertion. Returns whether it did (not under the
/// sanitizer, which must see every copy, nor with -copier-min-size=0).
bool guardSmallCopy(CopySite &S);
/// Whether the thread's "may have a copy in flight" word (__copier_pending,
/// the engine's initial-exec TLS) is set, tested at B's insertion point
/// (an i1); null when the inline test is off (-copier-inline-pending=0, or
/// under the sanitizer, which must see every csync).
llvm::Value *pendingSet(llvm::IRBuilder<> &B);
/// Run the csync C (CopierGen's own) only when pendingSet is true:
/// a load and a branch instead of a call when nothing is in flight.
bool guardByPending(llvm::CallInst &C);
/// Runtime entry points are called through the GOT (nonlazybind, as with
/// -fno-plt), so the program's PLT and code layout stay clang-19's.
void markNoPlt(llvm::Function &Fn);
/// Stable site id from project-relative location, function and ordinal.
uint64_t siteId(const Where &W, unsigned Ordinal);

// ---- Placement (CopierGenPlacement.cpp) -----------------------------------
struct PlacementContext {
  llvm::Function &F;
  llvm::BatchAAResults &AA;
  llvm::DominatorTree &DT;
  llvm::LoopInfo &LI;
  llvm::ScalarEvolution &SE;
  const llvm::DataLayout &DLay;
  bool AllowClone = false; // hand ranges to clones of module functions
};
extern llvm::cl::opt<bool> CloneCallees;
/// Clone entry: run the original when nothing is in flight (CopierGenDispatch.cpp).
void addCloneDispatch(llvm::Function &Clone, llvm::Function &Original);
/// csync only the accessed bytes at loads/stores that merely may alias.
extern llvm::cl::opt<bool> NarrowCsyncs;
/// At most this many narrow csyncs per copy (then the whole range).
extern llvm::cl::opt<unsigned> NarrowPerCopy;
/// Largest access (bytes) that gets a narrow csync.
constexpr uint64_t NarrowMaxBytes = 64;
/// Constant-size copies below this get no narrow csyncs: the engine copies
/// them at once anyway (its default small-size fallback), so a window
/// cannot pay for the tests (the default of -copier-min-size).
constexpr uint64_t NarrowMinCopy = 4096;
/// Whether a call of a module function can go to a clone that receives the
/// in-flight range instead of a csync before the call.
bool cloneable(const llvm::CallBase &CB, const llvm::Function &Caller);
/// Walks forward from S.Copy and appends the csyncs that S needs.
void planCsyncs(PlacementContext &Ctx, const CopySite &S, unsigned SiteIdx,
                std::vector<Plan> &Plans);
/// Describes an instruction for `forced_by`.
std::string describe(const llvm::Instruction &I);

// ---- Loops (CopierGenLoops.cpp) -------------------------------------------
/// Whether every interfering access in L is a load of the destination whose
/// address advances (SCEV add-recurrence with positive step).
bool canPipeline(PlacementContext &Ctx, const CopySite &S, const llvm::Loop &L,
                 llvm::ArrayRef<llvm::Instruction *> Interfering);
/// Emits the guarded per-segment csyncs before the loads of one copy in one
/// loop (all Guards share Site and L).
/// Returns each segment csync with the plan of the load it guards (loads off
/// one base in one block share one guard: fewer csyncs than plans).
std::vector<std::pair<llvm::CallInst *, const Plan *>>
emitSegmentGuards(llvm::ArrayRef<const Plan *> Guards, const CopySite &S,
                  const Runtime &RT, llvm::DominatorTree &DT,
                  llvm::LoopInfo &LI);

// ---- Narrow csyncs, copies used at once (CopierGenNarrow.cpp) ------------
/// Emits the narrow csync of plan P (NarrowDst/NarrowSrc) before P.At: an
/// inline overlap test and, when it hits, the csyncs; returns them. Splits
/// P.At's block (DT, LI kept up to date).
std::vector<llvm::CallInst *> emitNarrowCsync(const Plan &P, const CopySite &S,
                                              const Runtime &RT,
                                              llvm::DominatorTree &DT,
                                              llvm::LoopInfo &LI);
/// Whether every path from S's copy reaches one of Ps (S's whole-range
/// csyncs before instructions or on edges) or a program csync of it after
/// only a few instructions that neither touch memory nor call anything.
bool usedAtOnce(const CopySite &S, llvm::ArrayRef<const Plan *> Ps,
                const llvm::LoopInfo &LI);

// ---- Return hand-off (CopierGenReturns.cpp) -------------------------------
extern llvm::cl::opt<bool> ReturnHandoff;
/// Whether every use of F is a plain direct call that CopierGen sees (local
/// linkage, address never taken): then its callers can take over copies F
/// leaves in flight at its returns. Processed says which functions get a
/// placement run (and so can sync what a call leaves in flight).
bool retHandoffEligible(const llvm::Function &F,
                        llvm::function_ref<bool(const llvm::Function &)>
                            Processed);
/// Turns the csyncs planned before F's returns into RetHandoff plans for
/// every copy whose ranges can be named in the callers' terms, and returns
/// those ranges (one per copy).
std::vector<RetRange> decideReturns(llvm::Function &F,
                                    std::vector<CopySite> &Sites,
                                    std::vector<Plan> &Plans,
                                    llvm::DominatorTree &DT,
                                    llvm::LoopInfo &LI);
/// F now leaves copies in flight past its returns: drop the claims (memory
/// effects, nosync, nocapture, ...) that say otherwise, on F and its calls.
void dropReturnClaims(llvm::Function &F);
/// The in-flight range a call CB of a function with return hand-offs leaves
/// behind, as a site of the caller (values materialised after CB; Cache
/// shares them between the ranges of one call).
CopySite callRange(llvm::CallInst &CB, const RetRange &R,
                   std::map<std::string, llvm::Value *> &Cache);

// ---- Records and remarks (CopierGenRecords.cpp) ---------------------------
Where whereOf(const llvm::DebugLoc &DL, const llvm::Function &F);
std::string relPath(llvm::StringRef Dir, llvm::StringRef File);
std::string varName(const llvm::Value *Ptr);
class Reporter {
public:
  explicit Reporter(llvm::Module &M) : M(M) {}
  void copy(const CopySite &S, llvm::OptimizationRemarkEmitter &ORE);
  void csync(const Inserted &C, const CopySite &S, const llvm::Function &F,
             llvm::OptimizationRemarkEmitter &ORE);
  void csyncRemoved(const Inserted &C, const CopySite &S,
                    const llvm::Function &F,
                    llvm::OptimizationRemarkEmitter &ORE);
  void loop(const Pipelined &P, const CopySite &S, const llvm::Function &F,
            llvm::OptimizationRemarkEmitter &ORE);
  void returnHandoff(const CopySite &S, const llvm::Instruction &Ret,
                     const RetRange &R, unsigned Callers,
                     const llvm::Function &F,
                     llvm::OptimizationRemarkEmitter &ORE);
  void handoff(const CopySite &S, const llvm::DebugLoc &DL,
               const std::string &Callee, const std::string &Clone,
               const llvm::Function &F, llvm::OptimizationRemarkEmitter &ORE);
  /// Embeds all records in the non-allocatable section copier_report (module asm).
  void embed();

private:
  llvm::Module &M;
  std::vector<std::string> Lines;
};

} // namespace gen
} // namespace copier

#endif
