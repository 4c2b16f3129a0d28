# Examples and benchmarks (examples/, bench/examples/): the paper's use cases
# as C programs, each built several ways into build/examples/:
#   NAME.clang   plain C, clang-19 -O2           (the baseline)
#   NAME.cc-O0   plain C, copier-cc -O0          (CopierGen converts the memcpys)
#   NAME.cc-O2   plain C, copier-cc -O2
#   NAME.port    hand-ported to copier.h (-DCOPIER_PORT), clang-19 -O2 + libcopier
# and, for CopierSanitizer (suite test-examples-san):
#   NAME.cc-san    plain C, copier-cc -fsanitize=copier (CopierGen + sanitizer)
#   NAME.port-san  hand port, copier-cc -fsanitize=copier -fno-copier-gen
#   buggy/KIND, buggy/KIND.fixed   one buggy port per report kind, and its fix
#
#   make examples          build them all (-k friendly: one failing variant
#                          does not stop the others; the tests report it)
#   make test-examples     differential tests (part of make test; seconds)
#   make test-examples-san sanitizer reports of the buggy ports, silence elsewhere
#   make examples-demo     the demo piece (examples/demo.sh)
#   make bench             the full size sweep -> build/bench/examples.{json,svg}
EX_DIR     := $(BUILD)/examples
EX_NAMES   := recv_parse kvstore proxy window shm_pipe
EX_BUGS    := read_dst write_dst write_src free_buf libc_access
EX_COMMON  := examples/common/example_util.h
EX_CFLAGS  := -g -Wall -Wextra
COPIER_CC  := $(BUILD)/bin/copier-cc
EX_RT      := $(BUILD)/include/copier.h $(BUILD)/lib/libcopier.so
# The plugin's install target is phony (ninja decides); depend on the built
# file instead so examples are rebuilt only when the plugin really changed.
EX_CC_DEPS := $(COPIER_CC) $(wildcard $(BUILD)/obj/passes/CopierPasses.so) $(EX_RT)
EX_SAN_DEPS := $(EX_CC_DEPS) $(BUILD)/lib/libcopier_san.so
EX_PORT_LINK := -I$(BUILD)/include -L$(BUILD)/lib -Wl,-rpath,$(BUILD)/lib -lcopier -pthread

EX_BINS := $(foreach n,$(EX_NAMES),$(EX_DIR)/$(n).clang $(EX_DIR)/$(n).cc-O0 $(EX_DIR)/$(n).cc-O2 $(EX_DIR)/$(n).port)
EX_SAN_BINS := $(foreach n,$(EX_NAMES),$(EX_DIR)/$(n).cc-san $(EX_DIR)/$(n).port-san) \
               $(foreach b,$(EX_BUGS),$(EX_DIR)/buggy/$(b) $(EX_DIR)/buggy/$(b).fixed)

# Both suites need copier-cc; test-examples-san also the sanitizer (checked
# working on 2026-11-23 with the plugin and libcopier_san directly).
TEST_SUITES += test-examples test-examples-san

.PHONY: examples examples-san test-examples test-examples-san examples-demo bench

examples: $(EX_BINS)
examples-san: $(EX_SAN_BINS)

$(EX_DIR)/%.clang: examples/%.c $(EX_COMMON)
	@mkdir -p $(dir $@)
	$(CLANG19) -O2 $(EX_CFLAGS) $< -o $@

$(EX_DIR)/%.cc-O0: examples/%.c $(EX_COMMON) $(EX_CC_DEPS)
	@mkdir -p $(dir $@)
	$(COPIER_CC) -O0 $(EX_CFLAGS) $< -o $@

$(EX_DIR)/%.cc-O2: examples/%.c $(EX_COMMON) $(EX_CC_DEPS)
	@mkdir -p $(dir $@)
	$(COPIER_CC) -O2 $(EX_CFLAGS) $< -o $@

$(EX_DIR)/%.port: examples/%.c $(EX_COMMON) $(EX_RT)
	@mkdir -p $(dir $@)
	$(CLANG19) -O2 $(EX_CFLAGS) -DCOPIER_PORT $< $(EX_PORT_LINK) -o $@

$(EX_DIR)/%.cc-san: examples/%.c $(EX_COMMON) $(EX_SAN_DEPS)
	@mkdir -p $(dir $@)
	$(COPIER_CC) -O1 $(EX_CFLAGS) -fsanitize=copier $< -o $@

$(EX_DIR)/%.port-san: examples/%.c $(EX_COMMON) $(EX_SAN_DEPS)
	@mkdir -p $(dir $@)
	$(COPIER_CC) -O1 $(EX_CFLAGS) -DCOPIER_PORT -fsanitize=copier -fno-copier-gen $< -o $@

# The buggy ports are hand-ported code: only the sanitizer, no CopierGen.
$(EX_DIR)/buggy/%: examples/buggy/%.c $(EX_SAN_DEPS)
	@mkdir -p $(dir $@)
	$(COPIER_CC) -O1 $(EX_CFLAGS) -fsanitize=copier -fno-copier-gen $< -o $@

$(EX_DIR)/buggy/%.fixed: examples/buggy/%.c $(EX_SAN_DEPS)
	@mkdir -p $(dir $@)
	$(COPIER_CC) -O1 $(EX_CFLAGS) -DFIXED -fsanitize=copier -fno-copier-gen $< -o $@

# The test scripts build what they test themselves (make -k), so a variant
# that fails to build is counted as failed tests instead of hiding the suite.
test-examples:
	@$(RUN_SUITE) examples env MAKE="$(MAKE)" BUILD="$(BUILD)" examples/tests/run-tests.sh

test-examples-san:
	@$(RUN_SUITE) examples-san env MAKE="$(MAKE)" BUILD="$(BUILD)" examples/tests/run-san-tests.sh

examples-demo:
	@env MAKE="$(MAKE)" BUILD="$(BUILD)" examples/demo.sh

# Long: every example, every build, sizes 1 KiB .. 64 MiB. BENCH_ARGS passes
# options to the driver (e.g. BENCH_ARGS="--runs 3 --max-size 4m").
bench:
	@$(MAKE) --no-print-directory -k examples
	python3 bench/examples/bench.py --build $(BUILD) $(BENCH_ARGS)
