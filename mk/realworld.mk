# Real-world matrix (realworld/): Debian source packages built with clang-19
# and every copier-cc mode, their own test suites compared test by test.
#
#   make realworld        all packages x all modes + benchmarks (< 30 min on 2 cores;
#                         prints its total wall time, also in results.{json,md})
#   make realworld-quick  zlib + jansson, copier-cc vs clang-19, no benchmarks
#   make bench-compile    compile CPU time, copier-cc vs clang-19, every compile
#                         command of every package replayed one at a time,
#                         interleaved, BENCH_ROUNDS rounds (default 3; ~10 min)
#
# Sources are fetched with `apt-get source` through a private deb-src list and
# cached in realworld/cache/ (gitignored; override with COPIER_REALWORLD_CACHE).
# Results: build/realworld/results.{json,md} (quick: build/realworld-quick/).
REALWORLD_RUN  := python3 $(TOP)/realworld/run.py --build-root $(BUILD) --jobs 2
REALWORLD_ARGS ?=

# The parsers' and the benchmark statistics' self-tests are instant, so they are
# part of `make test`; the quick matrix is not (yet): it needs a working
# copier-cc and takes ~1-2 minutes.
TEST_SUITES += test-realworld-parsers test-realworld-bench

.PHONY: realworld realworld-quick test-realworld-parsers test-realworld-bench test-realworld-quick bench-compile
BENCH_ROUNDS ?= 3
bench-compile: build
	python3 $(TOP)/realworld/compile_bench.py --build $(BUILD) --rounds $(BENCH_ROUNDS)

realworld: build
	$(REALWORLD_RUN) $(REALWORLD_ARGS)

realworld-quick: build
	$(REALWORLD_RUN) --packages zlib,jansson --modes clang-19,copier-cc --no-bench \
	  --out $(BUILD)/realworld-quick $(REALWORLD_ARGS)

test-realworld-parsers:
	@$(RUN_SUITE) realworld-parsers python3 $(TOP)/realworld/rw/parsers.py

test-realworld-bench:
	@$(RUN_SUITE) realworld-bench python3 $(TOP)/realworld/rw/bench.py

test-realworld-quick:
	@$(RUN_SUITE) realworld-quick $(REALWORLD_RUN) --packages zlib,jansson \
	  --modes clang-19,copier-cc --no-bench --out $(BUILD)/realworld-quick
