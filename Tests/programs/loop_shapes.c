/* Copy, then consume the destination in loops of every shape CopierGen's
 * loop schemes tell apart (docs/copiergen.md, "Pipelining"): walks checked
 * once per segment (strip-mined), once before the loop (short constant
 * walks), or per load (unknown trip count, huge stride); early exits,
 * descending walks, several bases, nested loops, walks starting
 * mid-buffer, 32-bit counters, empty loops, loops that also write the
 * source. Sizes come from volatile globals so nothing folds away. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

static volatile size_t v_big = 3u << 20;  /* 48 segments of 64 KiB */
static volatile size_t v_mid = 70001;     /* starts past the first segment */
static volatile size_t v_cols = 1000;
static volatile size_t v_zero = 0;
static volatile unsigned v_n32 = 200003;

__attribute__((noinline)) static uint64_t sum_bytes(const unsigned char *d, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; i++) s += d[i];
  return s;
}

__attribute__((noinline)) static size_t find_sentinel(const unsigned char *d) {
  size_t i = 0;
  while (d[i] != 0xAB) i++; /* exit depends on the bytes: no trip count */
  return i;
}

__attribute__((noinline)) static uint64_t until_match(const uint32_t *d, size_t n, uint32_t x) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; i++) {
    if (d[i] == x) return s ^ i; /* early exit */
    s = s * 3 + d[i];
  }
  return s;
}

__attribute__((noinline)) static uint64_t both_ways(const uint64_t *d, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; i++) s = (s + d[i]) ^ (d[n - 1 - i] >> 3);
  return s;
}

__attribute__((noinline)) static uint64_t big_stride(const unsigned char *d, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; i += 100000) s = s * 31 + d[i]; /* > a segment */
  return s;
}

__attribute__((noinline)) static uint64_t two_halves(const uint16_t *d, size_t n) {
  uint64_t s = 0;
  const uint16_t *hi = d + n / 2; /* distance known only at run time */
  for (size_t i = 0; i < n / 2; i++) s = s * 5 + (uint64_t)(d[i] ^ hi[i]);
  return s;
}

__attribute__((noinline)) static uint64_t two_copies(const unsigned char *a, const unsigned char *b, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; i++) s += (uint64_t)a[i] * b[i];
  return s;
}

__attribute__((noinline)) static uint64_t rows(const unsigned char *d, size_t r, size_t c) {
  uint64_t s = 0;
  for (size_t y = 0; y < r; y++)
    for (size_t x = 0; x < c; x++) s = s * 7 + d[y * c + x];
  return s;
}

__attribute__((noinline)) static uint64_t small_rows(const unsigned char *d, size_t r) {
  uint64_t s = 0;
  for (size_t y = 0; y < r; y++)
    for (size_t x = 0; x < 16; x++) s += (uint64_t)d[y * 16 + x] << (x & 7);
  return s;
}

__attribute__((noinline)) static uint64_t columns(const unsigned char *d, size_t r, size_t c) {
  uint64_t s = 0;
  for (size_t x = 0; x < c; x += 97)
    for (size_t y = 0; y < r; y++) s = s * 3 + d[y * c + x]; /* step c bytes */
  return s;
}

__attribute__((noinline)) static uint64_t from_mid(const unsigned char *d, size_t k, size_t n) {
  uint64_t s = 0;
  for (size_t i = k; i < n; i++) s = s * 11 + d[i];
  return s;
}

__attribute__((noinline)) static uint32_t narrow(const unsigned char *d, unsigned n) {
  uint32_t s = 0;
  for (unsigned i = 0; i < n; i++) s = s * 13 + d[i];
  return s;
}

__attribute__((noinline)) static uint64_t do_while(const uint32_t *d, size_t n) {
  uint64_t s = 0;
  size_t i = 0;
  do { s += d[i] ^ (uint32_t)i; i += 3; } while (i < n);
  return s;
}

struct rec { uint64_t key; uint32_t a, b; uint64_t val; };

__attribute__((noinline)) static uint64_t fields(const struct rec *r, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; i++) s += r[i].val ^ r[i].a;
  return s;
}

/* A parser: variable-length records, each consumed by short inner loops. */
__attribute__((noinline)) static uint64_t records(const unsigned char *d, size_t n) {
  uint64_t h = 0;
  size_t pos = 0;
  while (pos + 2 < n) {
    size_t len = 1 + d[pos] % 61;
    pos++;
    if (len > n - pos) len = n - pos;
    for (size_t i = 0; i < len; i++) h = (h ^ d[pos + i]) * 1099511628211ull;
    pos += len;
  }
  return h;
}

__attribute__((noinline)) static void bump_source(unsigned char *s, const unsigned char *d, size_t n) {
  for (size_t i = 0; i < n; i++) s[i] = (unsigned char)(d[i] + 1); /* writes the source */
}

int main(void) {
  /* Volatile reads force a csync (rule 2): all of them before any copy. */
  size_t n = v_big, mid = v_mid, c = v_cols, zero = v_zero;
  unsigned n32 = v_n32;
  unsigned char *src = malloc(n), *dst = malloc(n), *dst2 = malloc(n);
  fill(src, n, 7);

  memcpy(dst, src, n);
  printf("sum %llu\n", (unsigned long long)sum_bytes(dst, n));

  for (size_t i = 0; i < n - 5; i++) if (src[i] == 0xAB) src[i] = 0xAA;
  src[n - 5] = 0xAB;
  memcpy(dst, src, n);
  printf("sentinel %zu\n", find_sentinel(dst));

  uint32_t x;
  memcpy(&x, src + 1 + (n / 4) * 3 / 4 * 4, 4); /* a value 3/4 of the way */
  memcpy(dst, src + 1, n - 1);
  printf("until %llu\n", (unsigned long long)until_match((const uint32_t *)dst, n / 4, x));

  memcpy(dst, src + 2, n - 8);
  printf("both %llu\n", (unsigned long long)both_ways((const uint64_t *)dst, (n - 8) / 8));

  memcpy(dst, src + 3, n - 3);
  printf("stride %llu\n", (unsigned long long)big_stride(dst, n - 3));

  memcpy(dst, src + 4, n - 4);
  printf("halves %llu\n", (unsigned long long)two_halves((const uint16_t *)dst, (n - 4) / 2));

  memcpy(dst, src, n);
  memcpy(dst2, src + 9, n - 9);
  printf("copies %llu\n", (unsigned long long)two_copies(dst, dst2, n - 9));

  size_t r = n / c;
  memcpy(dst, src + 5, r * c);
  printf("rows %llu\n", (unsigned long long)rows(dst, r, c));
  memcpy(dst, src + 6, n - 16);
  printf("small %llu\n", (unsigned long long)small_rows(dst, (n - 16) / 16));
  memcpy(dst, src + 7, r * c);
  printf("columns %llu\n", (unsigned long long)columns(dst, r, c));

  memcpy(dst, src + 8, n - 8);
  printf("mid %llu\n", (unsigned long long)from_mid(dst, mid, n - 8));

  memcpy(dst, src + 10, n - 10);
  printf("narrow %u\n", narrow(dst, n32));

  memcpy(dst, src + 11, n - 11);
  printf("empty %llu\n", (unsigned long long)sum_bytes(dst, zero));
  memcpy(dst, src + 15, n - 15);
  printf("do %llu\n", (unsigned long long)do_while((const uint32_t *)dst, (n - 15) / 4));

  /* The same walk in the copying function itself (no clone). */
  memcpy(dst, src + 16, n - 16);
  uint64_t t = 0;
  for (size_t i = 0; i < n - 16; i += 2) t += dst[i] * (i & 255);
  printf("inline %llu\n", (unsigned long long)t);

  memcpy(dst, src + 12, n - 12);
  printf("fields %llu\n", (unsigned long long)fields((const struct rec *)dst, (n - 12) / sizeof(struct rec)));

  memcpy(dst, src + 13, n - 13);
  printf("records %llu\n", (unsigned long long)records(dst, n - 13));

  memmove(dst, dst + 14, n - 14);
  printf("moved %llu\n", (unsigned long long)sum_bytes(dst, n - 14));

  memcpy(dst, src, n);
  bump_source(src, dst, n);
  SHOW("bumped", src, n);
  SHOW("dst", dst, n);
  free(src);
  free(dst);
  free(dst2);
  return 0;
}
