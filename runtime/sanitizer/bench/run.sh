#!/usr/bin/env bash
# run.sh BUILD OUTDIR [RUNS]: build the benchmark kernels three ways (plain,
# -fsanitize=copier, -fsanitize=address), run each RUNS times interleaved, print
# medians (kernel CPU time), ratios and peak RSS from this one run, and check the
# checksums agree; then the same for zlib's minigzip (zlib.sh).
set -eu
BUILD=$1; OUT=$2; RUNS=${3:-5}
CC=/usr/lib/llvm-19/bin/clang
HERE=$(cd "$(dirname "$0")" && pwd)
PLUGIN=$BUILD/lib/CopierPasses.so
mkdir -p "$OUT"
common="-O2 -g -I$BUILD/include $HERE/bench.c -L$BUILD/lib -Wl,-rpath,$BUILD/lib -pthread"
$CC $common -o "$OUT/plain" -lcopier
$CC -fpass-plugin=$PLUGIN -fplugin=$PLUGIN -mllvm -copier-san=1 -mllvm -copier-gen=0 $common -o "$OUT/copiersan" -lcopier_san
$CC -fsanitize=address $common -o "$OUT/asan" -lcopier
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf "%-16s %10s %10s %10s %9s %9s %8s  %s\n" kernel plain_ms csan_ms asan_ms csan/pl asan/pl csan/asan "peak RSS KiB plain/csan/asan"
fail=0
# One table row from $OUT/$1.{plain,copiersan,asan} ("name ms rss checksum" per run).
row() {
  local k=$1 p c a rp rc ra sums
  p=$(cut -d' ' -f2 "$OUT/$k.plain" | median); c=$(cut -d' ' -f2 "$OUT/$k.copiersan" | median)
  a=$(cut -d' ' -f2 "$OUT/$k.asan" | median)
  rp=$(cut -d' ' -f3 "$OUT/$k.plain" | median); rc=$(cut -d' ' -f3 "$OUT/$k.copiersan" | median)
  ra=$(cut -d' ' -f3 "$OUT/$k.asan" | median)
  sums=$(cut -d' ' -f4 "$OUT/$k".{plain,copiersan,asan} | sort -u | wc -l)
  [ "$sums" = 1 ] || { echo "bench-san: $k checksums differ between builds" >&2; fail=1; }
  awk -v k=$k -v p=$p -v c=$c -v a=$a -v rp=$rp -v rc=$rc -v ra=$ra 'BEGIN {
    r = (a/p - 1 > 0.02) ? sprintf("%8.2f", (c/p - 1)/(a/p - 1)) : "     n/a";
    printf "%-16s %10.1f %10.1f %10.1f %8.2fx %8.2fx %s  %s/%s/%s\n", k, p, c, a, c/p, a/p, r, rp, rc, ra }'
}
for k in parser hashtable pipeline parser:idle hashtable:idle; do
  for v in plain copiersan asan; do : > "$OUT/$k.$v"; done
  for ((i = 0; i < RUNS; i++)); do
    for v in plain copiersan asan; do
      mode=; [[ $k == *:idle ]] && mode=idle
      ASAN_OPTIONS=detect_leaks=0 "$OUT/$v" ${k%%:*} $mode >> "$OUT/$k.$v"
    done
  done
  row $k
done
# A real package's own benchmark (zlib's minigzip; see zlib.sh).
zrc=0
"$HERE/zlib.sh" "$BUILD" "$OUT" "$RUNS" || zrc=$?
if [ $zrc = 0 ]; then row zlib-compress; row zlib-decompress
elif [ $zrc = 2 ]; then echo "zlib: skipped (no cached Debian source and apt-get source failed; see $OUT/zlib-fetch.log)"
else fail=1; fi
echo "(csan/asan = CopierSanitizer's slowdown over ASan's slowdown; goal <= 0.5. Medians of $RUNS runs, CPU time.
 n/a: ASan's own slowdown is under 2%, too small to divide by.
 Kernels (bench.c) run with a 1 MiB copy in flight throughout; ':idle' ones with nothing in flight.
 zlib: minigzip -c / -d of 32 MiB of text built with copier-cc (CopierGen's copies in flight), plain/-fsanitize=copier/-fsanitize=address.
 Peak RSS includes the touched shadow pages; the 16 TiB shadow itself is reserved, not committed.
 $(uptime | sed 's/.*load/load/'))"
exit $fail
