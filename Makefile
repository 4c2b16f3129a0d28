# Copier toolchain — the one build.
#
#   make            build everything into build/ (an install tree)
#   make demo       set up, build, run the main job on an example
#   make test       set up, build, run every test; ends with "N passed, N failed"
#   make install PREFIX=/some/dir
#   make deps       install missing Debian packages (apt-get as root)
#
# Each part of the product has its own fragment in mk/; this file only ties
# them together. Long runs (real packages, fuzzing, benchmarks) have their
# own targets and are not part of `make test`.

SHELL := /bin/bash
.DEFAULT_GOAL := all

TOP         := $(CURDIR)
BUILD       ?= $(TOP)/build
PREFIX      ?= /usr/local
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
LLVM_BINDIR := $(shell llvm-config-19 --bindir 2>/dev/null || echo /usr/lib/llvm-19/bin)
CLANG19     := $(LLVM_BINDIR)/clang
CLANGXX19   := $(LLVM_BINDIR)/clang++
LIT         := python3 /usr/lib/llvm-19/build/utils/lit/lit.py
COPIER_TEST_RESULTS := $(BUILD)/test-results
export COPIER_TEST_RESULTS
RUN_SUITE   := $(TOP)/tools/run-suite

# Parts append their build targets to BUILD_PARTS and their test suites to
# TEST_SUITES (each a target that runs one suite through $(RUN_SUITE)).
BUILD_PARTS :=
TEST_SUITES :=

include mk/deps.mk
include mk/passes.mk
include mk/runtime.mk
include mk/swift.mk
include $(sort $(filter-out mk/deps.mk mk/passes.mk mk/runtime.mk mk/swift.mk,$(wildcard mk/*.mk)))

.PHONY: all build test demo install clean distclean

all: build
build: deps-check $(BUILD_PARTS)

test: build
	@rm -rf $(COPIER_TEST_RESULTS); mkdir -p $(COPIER_TEST_RESULTS)
	@$(MAKE) --no-print-directory -k $(TEST_SUITES) || true
	@$(TOP)/tools/test-summary $(COPIER_TEST_RESULTS)

# demo: the main job on an example (examples/demo.sh: build with copier-cc,
# run recv-then-parse and the key-value store, speedup and audit summary).
demo: build examples-demo

# install: the same tree as build/, under PREFIX.
install: build
	@mkdir -p $(PREFIX)
	cp -a $(BUILD)/bin $(BUILD)/lib $(BUILD)/include $(PREFIX)/
	@echo "installed into $(PREFIX): $(PREFIX)/bin/copier-cc"

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf .build
