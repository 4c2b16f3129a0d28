# The Swift tools (SwiftPM): copier-cc (+ copier-c++), copier.
SWIFT        ?= swift
SWIFT_SCRATCH := $(BUILD)/obj/swift
SWIFT_FLAGS  := -c release --scratch-path $(SWIFT_SCRATCH) --static-swift-stdlib
SWIFT_SOURCES := Package.swift $(shell find Sources -name '*.swift' 2>/dev/null)

BUILD_PARTS += $(BUILD)/bin/copier-cc $(BUILD)/bin/copier-c++ $(BUILD)/bin/copier
TEST_SUITES += test-swift

$(BUILD)/bin/copier-cc $(BUILD)/bin/copier: $(BUILD)/obj/swift.stamp
$(BUILD)/obj/swift.stamp: $(SWIFT_SOURCES)
	@mkdir -p $(BUILD)/bin $(BUILD)/obj
	@# Progress lines ([n/m] Compiling ...) are dropped; a failed build fails make.
	set -o pipefail; $(SWIFT) build $(SWIFT_FLAGS) --product copier-cc 2>&1 | { grep -v '^\[' || true; }
	set -o pipefail; $(SWIFT) build $(SWIFT_FLAGS) --product copier 2>&1 | { grep -v '^\[' || true; }
	cp $(SWIFT_SCRATCH)/release/copier-cc $(SWIFT_SCRATCH)/release/copier $(BUILD)/bin/
	@touch $@

$(BUILD)/bin/copier-c++: $(BUILD)/bin/copier-cc
	@ln -sf copier-cc $@

.PHONY: test-swift
test-swift:
	@COPIER_BUILD=$(BUILD) $(RUN_SUITE) swift $(SWIFT) test --scratch-path $(BUILD)/obj/swift-test
