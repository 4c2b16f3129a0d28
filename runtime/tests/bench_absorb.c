/*
 * bench_absorb.c — what copy absorption saves (`make bench-absorb`).
 *
 * For each size, absorb=1 and absorb=0 alternate rep by rep (A B A B ...)
 * in one process; medians of REPS; the load average is printed per row.
 *   chain: amemcpy(B, A, n); amemcpy(C, B, n); csync(C, n).
 *     submit2 = the second amemcpy call: without absorption it first
 *     completes A->B on the submitting thread; use = until csync(C)
 *     returns; all = until csync_all (B done too). memcpy x2 for scale.
 *   proxy: lazy _amemcpy(U, K1); amemcpy(K2, U); csync(K2); abort the lazy
 *     one (paper §4.4). Without absorption the lazy copy runs; with it
 *     K1 -> K2 is the only copy. memcpy x1 and x2 for scale.
 * Each figure is the mean of an inner loop of max(1, 8 MiB / size)
 * rounds (steady state: a single small round mostly measures whether the
 * service thread happened to be asleep); the median over reps is printed.
 * Options: [-r reps] [-s sizes in KiB, comma separated].
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "copier.h"
#include "../../bench/engine/bench_util.h"

static int reps = 9;

static unsigned long long absorbed(void) {
  struct copier_stats s;
  copier_get_stats(&s);
  return (unsigned long long)s.bytes_absorbed;
}
static void clobber(void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }

struct chain_t { double submit2, use, all; };

static struct chain_t chain(char *A, char *B, char *C, size_t n, int k) {
  struct chain_t t = {0, 0, 0};
  for (int i = 0; i < k; i++) {
    double t0 = bench_now();
    amemcpy(B, A, n);
    double t1 = bench_now();
    amemcpy(C, B, n);
    double t2 = bench_now();
    csync(C, n);
    double t3 = bench_now();
    csync_all();
    double t4 = bench_now();
    t.submit2 += (t2 - t1) / k, t.use += (t3 - t0) / k, t.all += (t4 - t0) / k;
  }
  return t;
}

static double proxy(char *K1, char *U, char *K2, void *mem, size_t n, int k) {
  double t0 = bench_now();
  for (int i = 0; i < k; i++) {
    copier_descr *d = _amemcpy(mem, U, K1, n, 0, COPIER_LAZY_F, NULL, NULL);
    amemcpy(K2, U, n);
    csync(K2, n);
    copier_abort(d);
  }
  return (bench_now() - t0) / k;
}

int main(int argc, char **argv) {
  size_t sizes[16] = {64 << 10, 1 << 20, 16 << 20};
  int nsz = 3, o;
  while ((o = getopt(argc, argv, "r:s:")) != -1) {
    if (o == 'r') reps = atoi(optarg) | 1;
    if (o == 's') {
      nsz = 0;
      for (char *p = strtok(optarg, ","); p && nsz < 16; p = strtok(NULL, ",")) sizes[nsz++] = (size_t)atol(p) << 10;
    }
  }
  if (copier_configure("adaptive=0") != 0) return 2;
  printf("%-8s %-8s %10s %10s %10s %10s %7s  %s\n", "size", "case", "absorb=1", "absorb=0", "memcpy", "", "0/1", "");
  for (int z = 0; z < nsz; z++) {
    size_t n = sizes[z];
    char *A = malloc(n), *B = malloc(n), *C = malloc(n), *D = malloc(n);
    void *mem = aligned_alloc(8, (copier_descr_size(n, 0) + 7) & ~(size_t)7);
    memset(A, 1, n), memset(B, 2, n), memset(C, 3, n), memset(D, 4, n);
    double s2[2][64], use[2][64], all[2][64], px[2][64], m1[64], m2[64];
    unsigned long long ab[2] = {0, 0};
    double load = bench_loadavg();
    int k = n >= (8u << 20) ? 1 : (int)((8u << 20) / n);
    for (int r = 0; r < reps; r++) {
      for (int a = 1; a >= 0; a--) {
        copier_configure(a ? "absorb=1" : "absorb=0");
        unsigned long long a0 = absorbed();
        struct chain_t t = chain(A, B, C, n, k);
        s2[a][r] = t.submit2, use[a][r] = t.use, all[a][r] = t.all;
        px[a][r] = proxy(A, B, D, mem, n, k);
        ab[a] += (absorbed() - a0) / (unsigned long long)k;
      }
      double t0 = bench_now(), t1 = 0;
      for (int i = 0; i < k; i++) {
        double u = bench_now();
        memcpy(B, A, n);
        clobber(B);
        t1 += bench_now() - u;
        memcpy(C, B, n);
        clobber(C);
      }
      m1[r] = t1 / k, m2[r] = (bench_now() - t0) / k;
    }
    if (memcmp(C, A, n) || memcmp(D, A, n)) {
      printf("bench_absorb: wrong bytes at size %zu\n", n);
      return 1;
    }
    double S1 = bench_median(s2[1], reps), S0 = bench_median(s2[0], reps), U1 = bench_median(use[1], reps), U0 = bench_median(use[0], reps);
    double L1 = bench_median(all[1], reps), L0 = bench_median(all[0], reps), P1 = bench_median(px[1], reps), P0 = bench_median(px[0], reps);
    double M1 = bench_median(m1, reps), M2 = bench_median(m2, reps);
    char sz[16];
    snprintf(sz, sizeof sz, n >= (1 << 20) ? "%zuM" : "%zuK", n >= (1 << 20) ? n >> 20 : n >> 10);
    printf("%-8s %-8s %8.1fus %8.1fus %8.1fus %10s %6.1fx  load %.2f\n", sz, "submit2", S1 / 1e3, S0 / 1e3, M1 / 1e3,
           "(x1)", S0 / S1, load);
    printf("%-8s %-8s %8.1fus %8.1fus %8.1fus %10s %6.2fx\n", "", "use", U1 / 1e3, U0 / 1e3, M2 / 1e3, "(x2)", U0 / U1);
    printf("%-8s %-8s %8.1fus %8.1fus %8.1fus %10s %6.2fx\n", "", "all", L1 / 1e3, L0 / 1e3, M2 / 1e3, "(x2)", L0 / L1);
    printf("%-8s %-8s %8.1fus %8.1fus %8.1fus %10s %6.2fx  absorbed/rep %llu vs %llu bytes\n", "", "proxy", P1 / 1e3,
           P0 / 1e3, M1 / 1e3, "(x1)", P0 / P1, ab[1] / (unsigned long long)reps,
           ab[0] / (unsigned long long)reps);
    free(A), free(B), free(C), free(D), free(mem);
  }
  printf("load average at end %.2f\n", bench_loadavg());
  return 0;
}
