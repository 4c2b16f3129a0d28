//===- Plugin.cpp - the CopierPasses plugin entry point -------------------===//
//
// Registers every Copier pass with the new pass manager:
//  - by name, for opt-19 -passes=copier-gen / copier-san;
//  - at OptimizerLast, for clang-19 -fpass-plugin=, at every -O level.
//    CopierGen runs first, then CopierSanitizer, from one callback so their
//    order is certain (and before any sanitizer clang itself adds); then,
//    if copier-cc asked, the debug info it added for locations is dropped.
//
//===----------------------------------------------------------------------===//
#include "CopierGen.h"
#include "CopierOptions.h"
#include "CopierSanitizer.h"
#include "CopierStripDebug.h"

#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"

using namespace llvm;

namespace copier {
cl::opt<bool> EnableCopierGen("copier-gen",
                              cl::desc("Run CopierGen at OptimizerLast"),
                              cl::init(true));
cl::opt<bool> EnableCopierSanitizer(
    "copier-san", cl::desc("Run CopierSanitizer at OptimizerLast"),
    cl::init(false));
cl::opt<bool> StripAddedDebugInfo(
    "copier-strip-debug",
    cl::desc("After the Copier passes, drop all debug info (copier-cc added "
             "-gline-tables-only for source locations only)"),
    cl::init(false));
} // namespace copier

static void registerCopierPasses(PassBuilder &PB) {
  // Names for -print-pipeline-passes and -print-after=copier-gen.
  if (PassInstrumentationCallbacks *PIC = PB.getPassInstrumentationCallbacks()) {
    PIC->addClassToPassName(copier::CopierGenPass::name(), "copier-gen");
    PIC->addClassToPassName(copier::CopierSanitizerPass::name(), "copier-san");
    PIC->addClassToPassName(copier::CopierStripDebugPass::name(), "copier-strip-debug");
  }
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM,
         ArrayRef<PassBuilder::PipelineElement>) {
        if (Name == "copier-gen") {
          MPM.addPass(copier::CopierGenPass());
          return true;
        }
        if (Name == "copier-san") {
          MPM.addPass(copier::CopierSanitizerPass());
          return true;
        }
        if (Name == "copier-strip-debug") {
          MPM.addPass(copier::CopierStripDebugPass());
          return true;
        }
        return false;
      });
  PB.registerOptimizerLastEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel) {
        if (copier::EnableCopierGen)
          MPM.addPass(copier::CopierGenPass());
        if (copier::EnableCopierSanitizer)
          MPM.addPass(copier::CopierSanitizerPass());
        if (copier::StripAddedDebugInfo)
          MPM.addPass(copier::CopierStripDebugPass());
      });
  copier::registerCopierAnalyses(PB);
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "CopierPasses", "0.1",
          registerCopierPasses};
}
