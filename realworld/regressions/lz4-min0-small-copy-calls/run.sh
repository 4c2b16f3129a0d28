#!/bin/sh
# Builds wildcopy.c with clang-19, copier-cc, copier-cc -fcopier-min-size=0 and
# the call-per-copy control, runs them interleaved and prints the medians.
# Usage: run.sh [BUILD dir of the Copier tree] [rounds]
set -e
here=$(cd "$(dirname "$0")" && pwd)
B=${1:-$here/../../../build}
R=${2:-7}
T=$(mktemp -d)
CLANG=/usr/lib/llvm-19/bin/clang
$CLANG -O2 "$here/wildcopy.c" -o "$T/clang"
"$B/bin/copier-cc" -O2 "$here/wildcopy.c" -o "$T/copier-cc"
"$B/bin/copier-cc" -O2 -fcopier-min-size=0 "$here/wildcopy.c" -o "$T/copier-min0"
$CLANG -O2 -fPIC -shared "$here/ext_copy.c" -o "$T/libext.so"
sed 's/__builtin_memcpy(d, s, 16); __builtin_memcpy(d + 16, s + 16, 16);/ext_copy(d, s, 16); ext_copy(d + 16, s + 16, 16);/
     s/#include <time.h>/#include <time.h>\nvoid *ext_copy(void *, const void *, size_t);/' \
  "$here/wildcopy.c" > "$T/wc-ext.c"
$CLANG -O2 "$T/wc-ext.c" -L"$T" -lext -Wl,-rpath,"$T" -o "$T/call-per-copy"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$R"); do
  for v in clang copier-cc copier-min0 call-per-copy; do
    printf '%s ' "$v"; "$T/$v" 300 | sed 's/.*(\([0-9.]*\) ns.*/\1/'
  done
done | sort -k1,1 -k2n | awk '{v[$1]=v[$1]" "$2; n[$1]++; a[$1, n[$1]]=$2}
  END { for (k in n) printf "%-14s median %5.2f ns per 16-byte copy   (all: %s)\n", k, a[k, int((n[k]+1)/2)], v[k] }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$T"
