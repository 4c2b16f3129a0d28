#!/usr/bin/env bash
# CopierSanitizer on the examples (suite test-examples-san).
#
# 1. Each buggy port (examples/buggy/KIND.c, built with
#    copier-cc -fsanitize=copier) must fail with the report of its kind:
#    "ERROR: CopierSanitizer: <kind>", naming the source line of the bug.
# 2. Its fixed form (-DFIXED: the missing csync added) must run silently.
# 3. Every example, built with CopierGen + sanitizer and as a sanitized hand
#    port, must print the clang-19 result and no report.
# Ends with "N passed, N failed".
. "$(dirname "$0")/harness.sh"
err=$(mktemp)
trap 'rm -f "$err"' EXIT

${MAKE:-make} --no-print-directory -k examples examples-san >"$EX.san-build.log" 2>&1 ||
  echo "note: some builds failed; see $EX.san-build.log"

# kind | source line that holds the bug (the line marked BUG) | extra text the report must hold
for spec in "read_dst|read-of-in-flight-destination|" \
            "write_dst|write-of-in-flight-destination|" \
            "write_src|write-of-in-flight-source|" \
            "free_buf|free-of-in-flight-buffer|free" \
            "libc_access|libc-access-of-in-flight-buffer|strlen"; do
  IFS='|' read -r name kind extra <<<"$spec"
  src=examples/buggy/$name.c
  line=$(grep -n 'BUG without FIXED' "$src" | head -1 | cut -d: -f1)
  bin=$EX/buggy/$name
  if [ ! -x "$bin" ]; then bad "buggy/$name: not built (see $EX.san-build.log)"; else
    COPIER_SAN_OPTIONS= timeout 60 "$bin" >/dev/null 2>"$err"; st=$?
    if [ $st -eq 0 ]; then bad "buggy/$name: exited 0; expected a $kind report"
    elif ! grep -q "ERROR: CopierSanitizer: $kind" "$err"; then
      bad "buggy/$name: no '$kind' report (exit $st):"; head -5 "$err" | sed 's/^/    /'
    elif ! grep -q "$name.c:$line" "$err"; then
      bad "buggy/$name: $kind reported, but not at $name.c:$line:"; head -12 "$err" | sed 's/^/    /'
    elif [ -n "$extra" ] && ! grep -q "$extra" "$err"; then
      bad "buggy/$name: $kind report does not name '$extra'"
    else ok "buggy/$name reports $kind at $name.c:$line"; fi
  fi
  fixed=$EX/buggy/$name.fixed
  if [ ! -x "$fixed" ]; then bad "buggy/$name.fixed: not built"; else
    timeout 60 "$fixed" >/dev/null 2>"$err"; st=$?
    if [ $st -eq 0 ] && ! grep -q CopierSanitizer "$err"; then ok "buggy/$name.fixed runs silently"
    else bad "buggy/$name.fixed: exit $st, stderr:"; head -5 "$err" | sed 's/^/    /'; fi
  fi
done

# Zero reports on every example, with the same result as clang-19.
cases=("recv_parse --size 300k --iters 2" "kvstore --size 64k --iters 1" "proxy --size 64k --iters 1"
       "window --size 32k --iters 1" "shm_pipe --size 256k")
for c in "${cases[@]}"; do
  set -- $c; name=$1; shift
  ref=$("$EX/$name.clang" "$@" 2>/dev/null)
  for v in cc-san port-san; do
    bin=$EX/$name.$v
    if [ ! -x "$bin" ]; then bad "$name.$v: not built"; continue; fi
    got=$(timeout 120 "$bin" "$@" 2>"$err"); st=$?
    if [ $st -ne 0 ] || grep -q CopierSanitizer "$err"; then
      bad "$name.$v $*: exit $st, report:"; head -8 "$err" | sed 's/^/    /'
    elif [ "$got" != "$ref" ]; then bad "$name.$v $*: result differs from clang-19"
    else ok "$name.$v $*: silent, same result"; fi
  done
done

summary
