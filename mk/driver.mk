# copier-cc (the drop-in CC): its generated clang option table, end-to-end
# tests through build/bin/copier-cc, and its overhead benchmark.
CLANG_OPTIONS_INC   := /usr/lib/llvm-19/include/clang/Driver/Options.inc
CLANG_OPTIONS_SWIFT := Sources/CopierDriver/Generated/ClangOptionTable.swift

TEST_SUITES += test-e2e

# The table is committed (plain `swift build` works) and regenerated when
# LLVM's Options.inc or the generator changes; the Swift build depends on it.
# (wildcard: without libclang-19-dev, deps-check reports it; keep the committed file.)
$(CLANG_OPTIONS_SWIFT): $(wildcard $(CLANG_OPTIONS_INC)) tools/gen-clang-options.py
	python3 tools/gen-clang-options.py --inc $(CLANG_OPTIONS_INC) --out $@
	@touch $@
$(BUILD)/obj/swift.stamp: $(CLANG_OPTIONS_SWIFT)

.PHONY: regen-clang-options test-e2e bench-driver
regen-clang-options:
	python3 tools/gen-clang-options.py --inc $(CLANG_OPTIONS_INC) --out $(CLANG_OPTIONS_SWIFT)

# Compiles, links and runs small C programs through build/bin/copier-cc
# (including a CMake project and `make install` into a temporary prefix).
test-e2e:
	@$(RUN_SUITE) e2e python3 Tests/e2e/run.py --bin $(BUILD)/bin

# Medians of interleaved runs: copier-cc vs the identical clang-19 command.
bench-driver: $(BUILD)/bin/copier-cc
	@python3 Tests/e2e/bench.py --bin $(BUILD)/bin
