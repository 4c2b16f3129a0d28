# The C runtime (runtime/): libcopier (the engine) and libcopier_san (the
# engine plus CopierSanitizer's runtime), each static and shared, plus the
# public header. Built with clang-19 and never instrumented.
RT_OBJ      := $(BUILD)/obj/runtime
# -gdwarf-4: valgrind (3.19, Debian 12) cannot read clang-19's default DWARF 5
# ("Possibly corrupted debuginfo file. I can't recover.") and gave up on every
# program that loaded libcopier.so.
RT_CFLAGS   := -O2 -gdwarf-4 -fPIC -pthread -std=gnu11 -Wall -Wextra -Werror=implicit-function-declaration \
               -fno-sanitize=all -fno-builtin-malloc -fno-omit-frame-pointer -Iruntime/include -Iruntime
ENGINE_SRCS := $(wildcard runtime/engine/*.c)
SAN_SRCS    := $(wildcard runtime/sanitizer/*.c)
ENGINE_OBJS := $(patsubst runtime/%.c,$(RT_OBJ)/%.o,$(ENGINE_SRCS))
SAN_OBJS    := $(patsubst runtime/%.c,$(RT_OBJ)/%.o,$(SAN_SRCS))
RT_HEADERS  := $(wildcard runtime/include/*.h runtime/engine/*.h runtime/sanitizer/*.h)

RT_LIBS := $(BUILD)/lib/libcopier.a $(BUILD)/lib/libcopier.so \
           $(BUILD)/lib/libcopier_san.a $(BUILD)/lib/libcopier_san.so
BUILD_PARTS += $(BUILD)/include/copier.h $(RT_LIBS)

$(BUILD)/include/copier.h: runtime/include/copier.h
	@mkdir -p $(dir $@)
	cp $< $@

$(RT_OBJ)/%.o: runtime/%.c $(RT_HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG19) $(RT_CFLAGS) -c $< -o $@

$(BUILD)/lib/libcopier.a: $(ENGINE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(LLVM_BINDIR)/llvm-ar rcs $@ $^
$(BUILD)/lib/libcopier.so: $(ENGINE_OBJS)
	@mkdir -p $(dir $@)
	$(CLANG19) -shared -pthread -Wl,-soname,libcopier.so -o $@ $^
$(BUILD)/lib/libcopier_san.a: $(ENGINE_OBJS) $(SAN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(LLVM_BINDIR)/llvm-ar rcs $@ $^
$(BUILD)/lib/libcopier_san.so: $(ENGINE_OBJS) $(SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CLANG19) -shared -pthread -Wl,-soname,libcopier_san.so -o $@ $^ -ldl

# ---- engine tests and benchmarks (issue 3) ----------------------------------
# test-engine:      unit tests per mechanism, fork/exit/fault/option tests
# test-engine-model: model-based randomized test under several configurations
# test-engine-tsan: the engine and the model/stress test built with
#                   -fsanitize=thread; any TSan report fails the suite
# stress-engine:    long runs of the same (not part of make test)
# bench-engine:     benchmarks; table on stdout, JSON in build/bench/engine.json
RT_TEST_OBJ := $(BUILD)/obj/runtime-tests
RT_TEST_CC  := $(CLANG19) -O2 -g -pthread -std=gnu11 -rdynamic -Wall -Iruntime/include
ENGINE_SRCS_ALL := $(ENGINE_SRCS) $(wildcard runtime/engine/*.h) runtime/include/copier.h runtime/copier_sanitizer_hooks.h

$(RT_TEST_OBJ)/test_unit: runtime/tests/test_unit.c runtime/tests/test_absorb.c runtime/tests/test_site.c runtime/tests/test_shared.c runtime/tests/unit.h $(ENGINE_SRCS_ALL) $(BUILD)/lib/libcopier.a
	@mkdir -p $(dir $@)
	$(RT_TEST_CC) -Iruntime $< runtime/tests/test_absorb.c runtime/tests/test_site.c runtime/tests/test_shared.c $(BUILD)/lib/libcopier.a -o $@
$(RT_TEST_OBJ)/test_model: runtime/tests/test_model.c $(BUILD)/lib/libcopier.a
	@mkdir -p $(dir $@)
	$(RT_TEST_CC) $< $(BUILD)/lib/libcopier.a -o $@
$(RT_TEST_OBJ)/test_model_tsan: runtime/tests/test_model.c $(ENGINE_SRCS_ALL)
	@mkdir -p $(dir $@)
	$(CLANG19) -O1 -g -fsanitize=thread -pthread -std=gnu11 -Iruntime/include -Iruntime $(ENGINE_SRCS) $< -o $@
$(BUILD)/obj/bench/bench-engine: bench/engine/bench_engine.c $(BUILD)/lib/libcopier.a
	@mkdir -p $(dir $@)
	$(CLANG19) -O2 -g -pthread -std=gnu11 -Iruntime/include $< $(BUILD)/lib/libcopier.a -lm -o $@

TEST_SUITES += test-engine test-engine-model test-engine-tsan
.PHONY: test-engine test-engine-model test-engine-tsan stress-engine bench-engine
test-engine: $(RT_TEST_OBJ)/test_unit
	@$(RUN_SUITE) engine-unit $(RT_TEST_OBJ)/test_unit
test-engine-model: $(RT_TEST_OBJ)/test_model
	@$(RUN_SUITE) engine-model runtime/tests/run-model.sh $(RT_TEST_OBJ)/test_model 100
# halt_on_error: the first data race ends the run with a non-zero exit.
test-engine-tsan: $(RT_TEST_OBJ)/test_model_tsan
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" $(RUN_SUITE) engine-tsan runtime/tests/run-model.sh $(RT_TEST_OBJ)/test_model_tsan 10

stress-engine: $(RT_TEST_OBJ)/test_model $(RT_TEST_OBJ)/test_model_tsan $(RT_TEST_OBJ)/test_unit
	@mkdir -p $(COPIER_TEST_RESULTS)
	@for i in 1 2 3 4 5; do $(RT_TEST_OBJ)/test_unit | tail -1; done
	@$(RUN_SUITE) engine-model-stress runtime/tests/run-model.sh $(RT_TEST_OBJ)/test_model 2000
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" $(RUN_SUITE) engine-tsan-stress runtime/tests/run-model.sh $(RT_TEST_OBJ)/test_model_tsan 200

# bench-absorb: chained copies and the lazy proxy pattern, absorb=1 vs absorb=0
$(RT_TEST_OBJ)/bench_absorb: runtime/tests/bench_absorb.c $(BUILD)/lib/libcopier.a
	@mkdir -p $(dir $@)
	$(RT_TEST_CC) $< $(BUILD)/lib/libcopier.a -o $@
.PHONY: bench-absorb
bench-absorb: $(RT_TEST_OBJ)/bench_absorb
	$(RT_TEST_OBJ)/bench_absorb

bench-engine: $(BUILD)/obj/bench/bench-engine
	@mkdir -p $(BUILD)/bench
	$(BUILD)/obj/bench/bench-engine $(BUILD)/bench/engine.json

# bench-engine-runs: BENCH_RUNS (default 3) runs, then the per-row medians
# with the load averages and round trips they ran at.
BENCH_RUNS ?= 3
.PHONY: bench-engine-runs
bench-engine-runs: $(BUILD)/obj/bench/bench-engine
	@mkdir -p $(BUILD)/bench
	@for i in $$(seq 1 $(BENCH_RUNS)); do $(BUILD)/obj/bench/bench-engine $(BUILD)/bench/engine-run$$i.json > $(BUILD)/bench/engine-run$$i.txt || exit 1; echo "run $$i done (load $$(cut -d' ' -f1 /proc/loadavg))"; done
	@python3 bench/engine/summarize.py $$(for i in $$(seq 1 $(BENCH_RUNS)); do echo $(BUILD)/bench/engine-run$$i.json; done) | tee $(BUILD)/bench/engine-summary.txt
