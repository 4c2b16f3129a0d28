#!/bin/sh
# Compile time of clang-19 -O2 with and without the CopierPasses plugin
# (CopierGen at OptimizerLast), interleaved runs, medians and their ratio.
# usage: compile-time.sh PLUGIN RUNS FILE.c [extra cflags...]
set -e
plugin=$1; runs=$2; src=$3; shift 3
cc=/usr/lib/llvm-19/bin/clang
# CPU time (user+sys, ms) of the compiler: less disturbed than wall time by
# other jobs on a shared machine.
t() { /usr/bin/time -f "%U %S" -o /tmp/ct.$$ "$@" >/dev/null 2>&1; awk '{printf "%d", ($1 + $2) * 1000}' /tmp/ct.$$; }
base=""; gen=""
i=0
while [ $i -lt "$runs" ]; do
  base="$base $(t $cc -O2 -c "$src" -o /dev/null "$@")"
  gen="$gen $(t $cc -O2 -c "$src" -o /dev/null -fpass-plugin="$plugin" "$@")"
  i=$((i + 1))
done
med() { echo $* | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mb=$(med $base); mg=$(med $gen)
echo "$(basename "$src"): clang-19 -O2 CPU median ${mb} ms, with CopierGen CPU median ${mg} ms, ratio $(awk "BEGIN{printf \"%.3f\", $mg/$mb}") (runs: $runs)"
# The pass's own share, from one -ftime-report run (same process, no noise
# between the two numbers).
/usr/lib/llvm-19/bin/clang -O2 -c "$src" -o /dev/null -fpass-plugin="$plugin" -ftime-report "$@" 2>&1 |
  awk '/Pass execution timing report/ {p=1} p {gsub(/\([^)]*\)/, "")} p && /CopierGenPass/ {cg += $3} p && $NF == "Total" && !tot {tot = $3}
       END {if (tot > 0) printf "  CopierGenPass: %s of the optimizer pipeline\n", sprintf("%.2f%%", 100*cg/tot)}'
