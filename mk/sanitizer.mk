# CopierSanitizer (issue 5): its lit tests live in Passes/test/san and run in
# `make test` as part of the passes-lit suite; these targets run them alone
# and run the benchmarks (not part of `make test`).
SAN_LIT_DIR := $(BUILD)/obj/passes/test/san

.PHONY: test-san bench-san
test-san: $(PLUGIN) $(BUILD)/lib/libcopier_san.so $(BUILD)/include/copier.h
	@COPIER_BUILD=$(BUILD) $(LIT) -sv $(SAN_LIT_DIR)

# Slowdown of -fsanitize=copier vs the uninstrumented build and vs
# -fsanitize=address on a parser loop, a hash table and a copy-then-checksum
# pipeline (copies in flight throughout), and on zlib's own minigzip built
# with copier-cc from the real-world matrix's cached Debian source (fetched
# if missing; the row is skipped without network): medians, ratios and peak
# RSS of one run. BENCH_RUNS=N changes the number of runs per build (default 5).
BENCH_RUNS ?= 5
bench-san: $(PLUGIN) $(BUILD)/lib/libcopier.so $(BUILD)/lib/libcopier_san.so $(BUILD)/include/copier.h
	@runtime/sanitizer/bench/run.sh $(BUILD) $(BUILD)/obj/bench-san $(BENCH_RUNS)
