/* Copies left in flight at the return of static functions, synced by the
 * callers (return hand-off): the returned pointer, an argument plus an
 * offset, a global, a struct returned through sret; sizes constant, size_t or
 * int; copies on some paths only, recursion, calls in loops, callees reached
 * from clones (cloned before and after the callee was rewritten), and
 * callers that write or free the source right after the call. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define N 100000
static unsigned char gbuf[N];

__attribute__((noinline)) static unsigned char *dup(const unsigned char *p, size_t n) {
  unsigned char *d = malloc(n);
  if (!d) return NULL;
  memcpy(d, p, n);
  return d;
}

__attribute__((noinline)) static void fill_at(unsigned char *d, const unsigned char *s, int n) {
  memcpy(d + 16, s, n);
}

__attribute__((noinline)) static void load_g(const unsigned char *s, size_t n) {
  memcpy(gbuf, s, n);
}

__attribute__((noinline)) static int maybe(unsigned char *d, const unsigned char *s, size_t n, int c) {
  if (c & 1) {
    memcpy(d, s, n);
    return 1;
  }
  return 0;
}

__attribute__((noinline)) static void rec(unsigned char *d, const unsigned char *s, size_t n, int k) {
  if (k == 0) {
    memcpy(d, s, n);
    return;
  }
  rec(d, s, n, k - 1);
  d[k] ^= (unsigned char)(k * 37); /* right after the inner call returned */
}

struct blob { unsigned char bytes[6000]; };
__attribute__((noinline)) static struct blob make_blob(const unsigned char *s) {
  struct blob b;
  memcpy(b.bytes, s, sizeof b.bytes);
  return b;
}

/* Receives a buffer still in flight (a clone syncs it) and returns a copy of
 * it still in flight: rewritten before main, so its clone inherits its
 * csyncs. */
__attribute__((noinline)) static uint64_t dup_and_hash(const unsigned char *p, size_t n) {
  unsigned char *d = dup(p, n);
  uint64_t h = fnv(d, n);
  free(d);
  return h;
}

static uint64_t dup_and_sum(const unsigned char *p, size_t n);

/* Called directly from main (so rewritten before late_helper), and with a
 * buffer in flight from late_helper: that clone is made from the rewritten
 * function and inherits its csyncs. */
__attribute__((noinline)) static uint64_t dup_and_xor(const unsigned char *p, size_t n) {
  unsigned char *d = dup(p, n);
  uint64_t x = 0;
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, d + i, 8);
    x ^= w + i;
  }
  free(d);
  return x;
}

__attribute__((noinline)) static uint64_t late_helper(const unsigned char *s, size_t n) {
  unsigned char *b = malloc(n);
  memcpy(b, s, n);
  uint64_t r = dup_and_xor(b, n);
  free(b);
  return r;
}

int main(void) {
  unsigned char *src = malloc(N), *dst = malloc(N + 64);
  fill(src, N, 21);
  memset(dst, 0, N + 64);

  /* The returned pointer, consumed by a loop (one segment at a time). */
  unsigned char *d1 = dup(src, N);
  uint64_t s = 0;
  for (size_t i = 0; i < N; i++) s = s * 31 + d1[i];
  printf("dup %llu\n", (unsigned long long)s);

  /* Freeing the source right after the call. */
  unsigned char *tmp = dup(d1, N);
  free(d1);
  SHOW("dup-free-src", tmp, N);

  /* Writing the source right after the call. */
  fill_at(dst, tmp, N - 100);
  memset(tmp, 0xee, 64);
  SHOW("fill_at", dst, N + 64);

  /* In a loop: each call re-runs the copy into the same range. */
  uint64_t acc = 0;
  for (int i = 0; i < 20; i++) {
    fill_at(dst, src + i * 997, 50000 + i);
    acc = acc * 7 + dst[16 + i * 2000];
  }
  printf("fill_at-loop %llu\n", (unsigned long long)acc);

  /* A global. */
  load_g(src + 3, N - 3);
  printf("gbuf %d %d %d\n", gbuf[0], gbuf[N / 2], gbuf[N - 4]);
  SHOW("gbuf", gbuf, N);

  /* On some paths only. */
  for (int c = 0; c < 4; c++) {
    memset(dst, c, 8192);
    int k = maybe(dst, src + c * 11, 8192, c);
    printf("maybe %d %d %d\n", k, dst[0], dst[8191]);
  }

  /* Recursion: each level touches the bytes its inner call left in flight. */
  rec(dst, src + 1, 20000, 9);
  SHOW("rec", dst, 20000);

  /* A struct returned through a hidden pointer. */
  struct blob b1 = make_blob(src + 7), b2 = make_blob(src + 8);
  SHOW("blob1", b1.bytes, sizeof b1.bytes);
  SHOW("blob2", b2.bytes, sizeof b2.bytes);

  /* Into a callee (its clone syncs), which calls dup and uses the result. */
  memcpy(dst, src + 50, 30000);
  printf("dup_and_hash %016llx\n", (unsigned long long)dup_and_hash(dst, 30000));
  memcpy(dst, src + 60, 30000);
  printf("dup_and_sum %llu\n", (unsigned long long)dup_and_sum(dst, 30000));

  printf("dup_and_xor %016llx\n", (unsigned long long)dup_and_xor(src + 5, 40000));
  printf("late_helper %016llx\n", (unsigned long long)late_helper(src + 9, 40000));

  free(tmp);
  free(src);
  free(dst);
  return 0;
}

/* Defined after main: its clone is made before it is rewritten, so the
 * clone's own call of dup needs the callers' csyncs placed in the clone. */
__attribute__((noinline)) static uint64_t dup_and_sum(const unsigned char *p, size_t n) {
  unsigned char *d = dup(p, n);
  uint64_t s = 0;
  for (size_t i = 0; i < n; i += 3) s += d[i] * (i & 7);
  free(d);
  return s;
}
