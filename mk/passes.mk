# The LLVM 19 pass plugin (Passes/): CMake against LLVM's own package, built
# into build/passes and installed as build/lib/CopierPasses.so.
PASSES_BUILD := $(BUILD)/obj/passes
PLUGIN       := $(BUILD)/lib/CopierPasses.so

BUILD_PARTS += $(PLUGIN)
TEST_SUITES += test-passes

$(PASSES_BUILD)/build.ninja: Passes/CMakeLists.txt
	@mkdir -p $(PASSES_BUILD)
	cmake -S Passes -B $(PASSES_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_CXX_COMPILER=$(CLANGXX19) -DLLVM_DIR=/usr/lib/llvm-19/lib/cmake/llvm >/dev/null

.PHONY: $(PLUGIN)
$(PLUGIN): $(PASSES_BUILD)/build.ninja
	@ninja -C $(PASSES_BUILD) --quiet
	@mkdir -p $(BUILD)/lib
	@# Replace by rename, never by overwriting: a running clang may have it mapped.
	@cmp -s $(PASSES_BUILD)/CopierPasses.so $@ || { cp $(PASSES_BUILD)/CopierPasses.so $@.tmp && mv -f $@.tmp $@; }

.PHONY: test-passes
test-passes:
	@COPIER_BUILD=$(BUILD) $(RUN_SUITE) passes-lit $(LIT) -sv $(PASSES_BUILD)/test
