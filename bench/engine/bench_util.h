/*
 * bench_util.h — what the engine's benchmarks share (bench_engine.c and
 * runtime/tests/bench_absorb.c): a monotonic clock in ns, the median of a
 * sample, and the 1-minute load average printed beside every figure.
 */
#ifndef COPIER_BENCH_UTIL_H
#define COPIER_BENCH_UTIL_H
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}
static inline int bench_cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
/* Sorts v in place. */
static inline double bench_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, bench_cmpd);
  return v[n / 2];
}
static inline double bench_loadavg(void) {
  double l = -1;
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) { if (fscanf(f, "%lf", &l) != 1) l = -1; fclose(f); }
  return l;
}
#endif
