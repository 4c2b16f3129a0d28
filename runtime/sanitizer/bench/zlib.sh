#!/usr/bin/env bash
# zlib.sh BUILD OUTDIR RUNS: a real package's own benchmark for bench-san.
# zlib's minigzip compresses then decompresses 32 MiB of text, built from the
# Debian source the real-world matrix caches (fetched through its own helper
# if missing) three ways: copier-cc (CopierGen makes zlib's memcpys
# asynchronous, so copies are in flight while it runs), copier-cc
# -fsanitize=copier and copier-cc -fsanitize=address. Writes
# OUTDIR/zlib-{compress,decompress}.{plain,copiersan,asan}, one line per run:
# "<name> <cpu ms> <peak RSS KiB> <checksum>", as bench.c prints.
# Exit status 2: no zlib source (no network); the caller then skips the row.
set -eu
BUILD=$1; OUT=$2; RUNS=$3
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
CACHE=${COPIER_REALWORLD_CACHE:-$TOP/realworld/cache}
CACHE=$(mkdir -p "$CACHE" && cd "$CACHE" && pwd)
SRC=$(python3 - "$TOP/realworld" "$CACHE" "$OUT/zlib-fetch.log" 2>/dev/null <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from rw import fetch
print(fetch.fetch_source("zlib", sys.argv[2], sys.argv[3]))
PY
) || exit 2
DATA=$(python3 - "$TOP/realworld" "$CACHE/bench/text-32MiB.dat" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from rw import bench
print(bench.bench_data(sys.argv[2], 32 << 20))
PY
)
CC=$BUILD/bin/copier-cc
declare -A FLAGS=([plain]="" [copiersan]="-fsanitize=copier" [asan]="-fsanitize=address")
for v in plain copiersan asan; do
  d=$OUT/zlib-$v
  # Rebuild when the toolchain changed since the last build.
  if [ ! -x "$d/minigzip" ] || [ "$BUILD/lib/CopierPasses.so" -nt "$d/minigzip" ] ||
     [ "$BUILD/lib/libcopier_san.so" -nt "$d/minigzip" ] || [ "$CC" -nt "$d/minigzip" ]; then
    rm -rf "$d" && cp -r "$SRC" "$d"
    (cd "$d" && CC="$CC ${FLAGS[$v]}" CFLAGS="-O2 -g" ./configure --static >build.log 2>&1 &&
     make -j2 minigzip >>build.log 2>&1) || { echo "bench-san: zlib ($v) failed to build; see $d/build.log" >&2; exit 1; }
  fi
done
# CPU time (all threads, from the kernel's rusage of the children) and peak
# RSS of one command. The RSS comes from GNU time's own small fork: a child
# forked (or vforked) by Python would count the interpreter's pages.
cpurun() {
  python3 -c '
import os, resource, subprocess, sys
with open(sys.argv[1], "rb") as i, open(sys.argv[2], "wb") as o:
    r = subprocess.run(["/usr/bin/time", "-o", sys.argv[2] + ".rss", "-f", "%M"] + sys.argv[3:],
                       stdin=i, stdout=o)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = open(sys.argv[2] + ".rss").read().split()[-1]
sys.exit(r.returncode) if r.returncode else print("%.1f %s" % ((u.ru_utime + u.ru_stime) * 1e3, rss))
' "$@"
}
for k in compress decompress; do for v in plain copiersan asan; do : > "$OUT/zlib-$k.$v"; done; done
for ((i = 0; i < RUNS; i++)); do
  for v in plain copiersan asan; do
    m=$OUT/zlib-$v/minigzip
    c=$(ASAN_OPTIONS=detect_leaks=0 cpurun "$DATA" "$OUT/zlib.$v.gz" "$m" -c)
    echo "zlib-compress $c $(md5sum < "$OUT/zlib.$v.gz" | cut -c1-16)" >> "$OUT/zlib-compress.$v"
    c=$(ASAN_OPTIONS=detect_leaks=0 cpurun "$OUT/zlib.$v.gz" "$OUT/zlib.$v.out" "$m" -d -c)
    echo "zlib-decompress $c $(md5sum < "$OUT/zlib.$v.out" | cut -c1-16)" >> "$OUT/zlib-decompress.$v"
  done
done
# The round trip must give the input back.
cmp -s "$DATA" "$OUT/zlib.copiersan.out" || { echo "bench-san: zlib round trip differs" >&2; exit 1; }
