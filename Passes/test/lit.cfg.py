# lit configuration for the CopierPasses tests (LLVM's own test style).
import os
import lit.formats

config.name = "CopierPasses"
config.test_format = lit.formats.ShTest(True)
config.suffixes = [".ll", ".c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(os.path.dirname(config.copier_plugin), "test-out")
config.excludes = ["Inputs"]

bindir = config.llvm_bindir
config.environment["PATH"] = bindir + os.pathsep + config.environment.get("PATH", "")
config.substitutions.append(("%opt", os.path.join(bindir, "opt") + " -load-pass-plugin=" + config.copier_plugin))
config.substitutions.append(("%clang19", os.path.join(bindir, "clang")))
config.substitutions.append(("%plugin", config.copier_plugin))
config.substitutions.append(("%FileCheck", os.path.join(bindir, "FileCheck")))
build = config.copier_build_root
if build:
    config.substitutions.append(("%copier-cc", os.path.join(build, "bin", "copier-cc")))
    config.substitutions.append(("%copier_include", os.path.join(build, "include")))
    config.substitutions.append(("%copier_lib", os.path.join(build, "lib")))
    config.available_features.add("copier-build")
