#!/usr/bin/env bash
# The examples' part of `make demo`: build recv-then-parse and the key-value
# store with copier-cc, run them, show the speedup over clang-19 -O2 measured
# now (with the ideal overlap bound beside it), and the audit summary of
# where CopierGen put its csyncs.
#
#   examples/demo.sh            (env: BUILD=build dir, DEMO_RUNS=5)
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-$PWD/build}
EX=$BUILD/examples
RUNS=${DEMO_RUNS:-5}
say() { printf '\n== %s\n' "$*"; }

say "Building the examples (clang-19 -O2 baseline, copier-cc -O2, hand port)"
if ! ${MAKE:-make} --no-print-directory -k -s \
     "$EX/recv_parse.clang" "$EX/recv_parse.cc-O2" "$EX/recv_parse.port" \
     "$EX/kvstore.clang" "$EX/kvstore.cc-O2" "$EX/kvstore.port" >"$BUILD/demo-examples.log" 2>&1; then
  echo "some builds failed (log: $BUILD/demo-examples.log):"
  grep -E 'error|Error' "$BUILD/demo-examples.log" | head -5 | sed 's/^/  /'
fi
for b in recv_parse kvstore; do
  [ -x "$EX/$b.clang" ] || { echo "demo: $EX/$b.clang was not built; cannot go on"; exit 1; }
done

say "Results (the same in every build; run from the copier-cc build when it was built)"
for cmd in "recv_parse --size 4m --iters 8" "kvstore --iters 2"; do
  set -- $cmd
  bin=$EX/$1.cc-O2; [ -x "$bin" ] || bin=$EX/$1.clang
  shift
  echo "\$ $(basename "$bin") $*"
  "$bin" "$@" || echo "demo: $(basename "$bin") failed"
done

say "Speedup over clang-19 -O2, measured in this run (medians of $RUNS)"
python3 bench/examples/bench.py --build "$BUILD" --runs "$RUNS" --no-goals --examples recv_parse --sizes 4m \
  --out "$BUILD/bench/demo-recv_parse.json" | sed -n '4,$p' | grep -v '^wrote'
python3 bench/examples/bench.py --build "$BUILD" --runs "$RUNS" --no-goals --examples kvstore --sizes 64k \
  --out "$BUILD/bench/demo-kvstore.json" | sed -n '5,$p' | grep -v '^wrote'
echo "(x = clang-19 time / build time; ideal = (copy + consume) / max(copy, consume), both measured;"
echo " the machine is shared: see the load and core-to-core round trip columns)"

say "Where CopierGen put its csyncs (copier audit)"
if [ ! -x "$EX/recv_parse.cc-O2" ]; then
  echo "copier-cc did not build recv_parse: no placement records to audit."
elif ! "$BUILD/bin/copier" audit --help >/dev/null 2>&1; then
  echo "the audit tool ($BUILD/bin/copier audit) is not available in this build yet."
else
  if audit=$("$BUILD/bin/copier" audit "$EX/recv_parse.cc-O2" 2>&1); then
    # The per-site listing can be long: the first sites, then the summary.
    if [ "$(wc -l <<<"$audit")" -le 45 ]; then echo "$audit"
    else
      sed -n '1,20p' <<<"$audit"
      echo "  ... (full listing: $BUILD/bin/copier audit $EX/recv_parse.cc-O2)"
      sed -n '/^Summary/,$p' <<<"$audit"
    fi
  else
    echo "copier audit failed on $EX/recv_parse.cc-O2:"; sed -n '1,5p' <<<"$audit"
  fi
fi
