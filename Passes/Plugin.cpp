//===- Plugin.cpp - the CopierPasses plugin entry point -------------------===//
//
// Registers every Copier pass with the new pass manager:
//  - by name, for opt-19 -passes=copier-gen / copier-san;
//  - at OptimizerLast, for clang-19 -fpass-plugin=, at every -O level.
//    CopierGen runs first, then CopierSanitizer, from one callback so their
//    order is certain (and before any sanitizer clang itself adds).
//
//===----------------------------------------------------------------------===//
#include "CopierGen.h"
#include "CopierOptions.h"
#include "CopierSanitizer.h"

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
} // namespace copier

static void registerCopierPasses(PassBuilder &PB) {
  // Names for -print-pipeline-passes and -print-after=copier-gen.
  if (PassInstrumentationCallbacks *PIC = PB.getPassInstrumentationCallbacks()) {
    PIC->addClassToPassName(copier::CopierGenPass::name(), "copier-gen");
    PIC->addClassToPassName(copier::CopierSanitizerPass::name(), "copier-san");
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
        return false;
      });
  PB.registerOptimizerLastEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel) {
        if (copier::EnableCopierGen)
          MPM.addPass(copier::CopierGenPass());
        if (copier::EnableCopierSanitizer)
          MPM.addPass(copier::CopierSanitizerPass());
      });
  copier::registerCopierAnalyses(PB);
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "CopierPasses", "0.1",
          registerCopierPasses};
}
