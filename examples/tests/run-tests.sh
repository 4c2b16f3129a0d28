#!/usr/bin/env bash
# Differential tests of the examples (suite test-examples, part of make test).
#
# For each example and a few small sizes, the clang-19 -O2 build is the
# reference; the copier-cc -O0 and -O2 builds (CopierGen) and the hand port
# (libcopier) must print exactly the same result. Also checks that copier-cc
# really converted copies (calls to __copier_amemcpy_site/__copier_amemmove_site
# are in the binary) and that bad options get a clear error.
# Ends with "N passed, N failed". Takes seconds.
. "$(dirname "$0")/harness.sh"

# Build every variant; a variant that fails to build fails its tests below.
${MAKE:-make} --no-print-directory -k examples >"$EX.build.log" 2>&1 ||
  echo "note: some example builds failed; see $EX.build.log"

# name, then the argument sets to compare (small: the suite must stay fast;
# the sizes cross the copy-size thresholds an engine might use).
cases=(
  "recv_parse|--size 1k --iters 3|--size 100 --iters 2|--size 300k --iters 2|--size 2m --iters 1"
  "kvstore|--iters 1|--size 1k --iters 2|--size 64k --iters 1|--size 1m --iters 1"
  "proxy|--size 1 --iters 1|--size 1k --iters 1|--size 64k --iters 1|--size 1m --iters 1"
  "window|--size 1k --iters 1|--size 32k --iters 1|--size 256k --iters 1"
  "shm_pipe|--size 1k|--size 64k|--size 1m"
)

run() { # binary args... -> stdout (stderr and exit status appended on failure)
  local out status
  out=$(timeout 60 "$@" 2>/tmp/ex-stderr.$$)
  status=$?
  if [ $status -ne 0 ]; then
    echo "$out"; echo "exit status $status"; cat /tmp/ex-stderr.$$
  else
    echo "$out"
  fi
}

for c in "${cases[@]}"; do
  IFS='|' read -r -a parts <<<"$c"
  name=${parts[0]}
  for args in "${parts[@]:1}"; do
    ref_bin=$EX/$name.clang
    if [ ! -x "$ref_bin" ]; then bad "$name $args: reference build $ref_bin missing"; continue; fi
    # shellcheck disable=SC2086
    ref=$(run "$ref_bin" $args)
    if ! grep -q "^$name: " <<<"$ref" || grep -q "exit status" <<<"$ref"; then
      bad "$name $args: reference run failed: $ref"; continue
    fi
    for v in cc-O0 cc-O2 port; do
      bin=$EX/$name.$v
      if [ ! -x "$bin" ]; then bad "$name.$v $args: not built (see $EX.build.log)"; continue; fi
      # shellcheck disable=SC2086
      got=$(run "$bin" $args)
      if [ "$got" == "$ref" ]; then ok "$name.$v $args"
      else bad "$name.$v $args: output differs from clang-19 -O2"; diff <(echo "$ref") <(echo "$got") | sed 's/^/    /'; fi
    done
  done
done

# Timing must never change the result: the same run with --time prints the
# same stdout and a timing line on stderr.
t_out=$("$EX/recv_parse.clang" --size 4k --iters 2 --phases 2>/tmp/ex-stderr.$$)
if [ "$t_out" == "$("$EX/recv_parse.clang" --size 4k --iters 2 2>/dev/null)" ] &&
   grep -q '^timing: .*total_ns=[0-9]' /tmp/ex-stderr.$$ && grep -q '^phases: copy_ns=[0-9]* consume_ns=[0-9]' /tmp/ex-stderr.$$
then ok "--phases keeps stdout and reports timing + phases"; else bad "--phases output wrong"; fi

# CopierGen must actually have converted copies in the copier-cc builds.
for name in recv_parse kvstore proxy window shm_pipe; do
  for v in cc-O0 cc-O2; do
    bin=$EX/$name.$v
    [ -x "$bin" ] || { bad "$name.$v: not built"; continue; }
    if /usr/lib/llvm-19/bin/llvm-nm "$bin" 2>/dev/null | grep -Eq '__copier_amem(cpy|move)_site'; then
      ok "$name.$v calls __copier_amem*_site (CopierGen converted copies)"
    else
      bad "$name.$v: no call to __copier_amemcpy_site/__copier_amemmove_site: CopierGen converted nothing"
    fi
  done
done

# The proxy's hand port moves each body with a lazy copy that the send reads
# through (absorption) and then aborts: every lazy copy must never run, and
# the bytes the sends absorbed must be exactly the bodies (64 KiB each).
st_out=$(COPIER_OPTIONS=stats=1 "$EX/proxy.port" --size 64k --iters 1 2>&1 >/dev/null)
lazy=$(sed -n 's/.*lazy copies \([0-9]*\), never executed \([0-9]*\).*/\1 \2/p' <<<"$st_out")
absorbed=$(sed -n 's/.*bytes absorbed \([0-9]*\).*/\1/p' <<<"$st_out")
if [ -n "$lazy" ] && [ "${lazy% *}" -gt 0 ] && [ "${lazy% *}" = "${lazy#* }" ] && [ "${absorbed:-0}" -eq $((${lazy% *} * 65536)) ]
then ok "proxy.port: $lazy lazy copies, none executed; $absorbed bytes absorbed"
else bad "proxy.port absorption: lazy/never='$lazy' absorbed='$absorbed'"; echo "$st_out" | sed 's/^/    /'; fi

# Bad input: a clear message and exit status 2, not a crash.
for name in recv_parse kvstore window; do
  msg=$("$EX/$name.clang" --size banana 2>&1); st=$?
  if [ $st -eq 2 ] && grep -q "bad --size 'banana'" <<<"$msg"; then ok "$name rejects --size banana clearly"
  else bad "$name --size banana: status $st, message: $msg"; fi
done
msg=$("$EX/window.clang" --size 100 2>&1); st=$?
if [ $st -eq 2 ] && grep -q "too small" <<<"$msg"; then ok "window rejects a window under 1k"; else bad "window --size 100: $st $msg"; fi
msg=$("$EX/proxy.clang" --frobnicate 2>&1); st=$?
if [ $st -eq 2 ] && grep -q "unknown or incomplete option '--frobnicate'" <<<"$msg"; then ok "unknown option rejected"; else bad "unknown option: $st $msg"; fi

# The benchmark driver: one tiny row must give a JSON row with a speedup for
# the hand port, an ideal bound, and an SVG.
bj=$(mktemp -d)
if python3 bench/examples/bench.py --build "$BUILD" --runs 1 --examples recv_parse --sizes 16k \
     --out "$bj/b.json" >"$bj/log" 2>&1 &&
   python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["rows"][0]; sys.exit(0 if r.get("speedup_port") and r.get("ideal") and r["ideal"] >= 1 else 1)' "$bj/b.json" &&
   grep -q "<polyline\|<circle" "$bj/b.svg"
then ok "bench.py writes a row with speedup and ideal, JSON and SVG"
else bad "bench.py smoke run:"; sed 's/^/    /' "$bj/log" | tail -5; fi
rm -rf "$bj"

rm -f /tmp/ex-stderr.$$
summary
