# Whole-program differential tests of CopierGen (Tests/programs) and Csmith
# fuzzing (Tests/fuzz): every program built with clang-19 and with CopierGen
# must print the same bytes. See docs/testing.md.
#
#   make test-gen-diff         the program corpus, -O0/-O2 x default/min0/san/mutant
#   make test-gen-fuzz-quick   10 fixed Csmith seeds (part of make test)
#   make fuzz-gen              many seeds: FUZZ_N=300 FUZZ_FIRST=1 FUZZ_FLAGS=...
EXTRA_DEBIAN_DEPS += csmith libcsmith-dev

TEST_SUITES += test-gen-diff test-gen-fuzz-quick

GEN_DIFF    := python3 $(TOP)/Tests/programs/run-diff.py --build $(BUILD) -j 2
GEN_FUZZ    := python3 $(TOP)/Tests/fuzz/csmith-fuzz.py --build $(BUILD) -j 2
FUZZ_N      ?= 300
FUZZ_FIRST  ?= 1
FUZZ_FLAGS  ?=
# The mutant mode measures how sharp the corpus is: a build with every
# memcpy made asynchronous and never synced must be caught by at least
# --mutant-min of the program builds (67 of 74 caught when written).
GEN_DIFF_FLAGS ?= --modes default,min0,san,mutant --mutant-min 40
# Fixed seeds so a red quick run reproduces exactly (seed 7 never ends: left out).
FUZZ_QUICK_SEEDS ?= 1-6,8-11

.PHONY: test-gen-diff test-gen-fuzz-quick fuzz-gen
test-gen-diff:
	@$(RUN_SUITE) gen-diff $(GEN_DIFF) $(GEN_DIFF_FLAGS)

test-gen-fuzz-quick:
	@$(RUN_SUITE) gen-fuzz-quick $(GEN_FUZZ) --seeds $(FUZZ_QUICK_SEEDS) --min-converted 1

fuzz-gen: build
	$(GEN_FUZZ) -n $(FUZZ_N) --first-seed $(FUZZ_FIRST) $(FUZZ_FLAGS)
