/*
 * bench.c — CopierSanitizer's benchmark kernels (make bench-san). Each
 * kernel runs while an unrelated amemcpy is in flight, so the instrumented
 * fast path cannot skip the shadow: the sanitizer's realistic worst case.
 * Prints "<kernel> <ms> <maxrss_kib> <checksum>"; the checksum must agree
 * across builds (differential check).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "copier.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* CPU time: the machine is shared */
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* A key=value;... parser: byte loads and branches. */
static uint64_t parser(void) {
  enum { N = 8 << 20 };
  char *text = malloc(N);
  unsigned x = 1;
  for (size_t i = 0; i < N; i++) {
    x = x * 1103515245 + 12345;
    unsigned r = (x >> 16) % 16;
    text[i] = r < 9 ? (char)('a' + r) : r < 13 ? (char)('0' + r) : r == 13 ? '=' : ';';
  }
  uint64_t h = 0;
  for (int rep = 0; rep < 4; rep++) {
    uint64_t num = 0, keys = 0;
    for (size_t i = 0; i < N; i++) {
      char c = text[i];
      if (c >= '0' && c <= '9') num = num * 10 + (uint64_t)(c - '0');
      else if (c == '=') keys++;
      else if (c == ';') { h += num ^ keys; num = 0; }
      else h = h * 31 + (uint64_t)c;
    }
  }
  free(text);
  return h;
}

/* Open-addressing hash table: inserts then lookups, loads and stores. */
static uint64_t hashtable(void) {
  enum { CAP = 1 << 22, KEYS = 3 << 20 };
  uint64_t *keys = calloc(CAP, sizeof *keys), *vals = calloc(CAP, sizeof *vals), h = 0;
  for (uint64_t i = 1; i <= KEYS; i++) {
    uint64_t k = i * 0x9E3779B97F4A7C15ull, s = (k >> 20) & (CAP - 1);
    while (keys[s] && keys[s] != k) s = (s + 1) & (CAP - 1);
    keys[s] = k;
    vals[s] += i;
  }
  for (uint64_t i = 1; i <= 2 * KEYS; i++) {
    uint64_t k = i * 0x9E3779B97F4A7C15ull, s = (k >> 20) & (CAP - 1);
    while (keys[s] && keys[s] != k) s = (s + 1) & (CAP - 1);
    if (keys[s] == k) h += vals[s];
  }
  free(keys);
  free(vals);
  return h;
}

/* Copy-then-checksum pipeline: chunk i+1 is in flight while chunk i is summed. */
static uint64_t pipeline(void) {
  enum { CH = 64 << 10, NCH = 64, ROUNDS = 16 };
  unsigned char *in = malloc((size_t)CH * NCH), *buf[2] = {malloc(CH), malloc(CH)};
  for (size_t i = 0; i < (size_t)CH * NCH; i++) in[i] = (unsigned char)(i * 13 + (i >> 9));
  uint64_t h = 0;
  for (int r = 0; r < ROUNDS; r++) {
    amemcpy(buf[0], in, CH);
    for (int c = 0; c < NCH; c++) {
      unsigned char *cur = buf[c & 1];
      if (c + 1 < NCH) amemcpy(buf[(c + 1) & 1], in + (size_t)(c + 1) * CH, CH);
      csync(cur, CH);
      uint64_t a = 1, b = 0;
      for (int i = 0; i < CH; i++) { a += cur[i]; b += a; }
      h += (a % 65521) | (b % 65521) << 16;
    }
  }
  free(in);
  free(buf[0]);
  free(buf[1]);
  return h;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "idle"))) {
    fprintf(stderr, "usage: bench parser|hashtable|pipeline [idle]\n");
    return 2;
  }
  /* Something is in flight for the whole kernel, unless "idle" (then only
   * the pipeline's own copies are, while it runs). */
  int idle = argc == 3;
  size_t bg = 1 << 20;
  char *bsrc = calloc(1, bg), *bdst = malloc(bg);
  if (!idle) amemcpy(bdst, bsrc, bg);
  double t0 = now_ms();
  uint64_t h;
  if (!strcmp(argv[1], "parser")) h = parser();
  else if (!strcmp(argv[1], "hashtable")) h = hashtable();
  else if (!strcmp(argv[1], "pipeline")) h = pipeline();
  else { fprintf(stderr, "bench: unknown kernel '%s' (parser, hashtable, pipeline)\n", argv[1]); return 2; }
  double t = now_ms() - t0;
  if (!idle) csync(bdst, bg);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%s%s %.1f %ld %llu\n", argv[1], idle ? ":idle" : "", t, ru.ru_maxrss, (unsigned long long)h);
  free(bsrc);
  free(bdst);
  return 0;
}
