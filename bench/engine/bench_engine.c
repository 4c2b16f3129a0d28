/*
 * bench_engine.c — `make bench-engine`: the engine against plain memcpy,
 * measured in the same run. Prints a table and writes JSON (argv[1]).
 *
 * Every figure is a median of REPS runs. Every row carries the load
 * average and a core-to-core cache-line round trip measured just before
 * it, because the host moves the two vCPUs and the cost of talking
 * between them changes by ~5x over time.
 *
 *   submit / csync-ready: ns per call, against memcpy of the same size;
 *   throughput: amemcpy + csync of the whole copy at once vs memcpy;
 *   pipeline: copy N bytes and consume them segment by segment (a csync
 *     per segment) vs memcpy then consume; fraction of the ideal gain
 *     = (speedup - 1) / (ideal - 1), ideal = (copy + consume) / max(...);
 *   "busy": the same with the other core saturated by another process.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "copier.h"
#include "bench_util.h"

#define REPS 7
static FILE *js;
static int first_row = 1;


/* ---- core-to-core round trip ---- */
static _Atomic int pp __attribute__((aligned(64)));
static void *pong(void *a) {
  int iters = *(int *)a;
  for (int i = 0; i < iters; i++) {
    while (atomic_load_explicit(&pp, memory_order_acquire) != 2 * i + 1) __builtin_ia32_pause();
    atomic_store_explicit(&pp, 2 * i + 2, memory_order_release);
  }
  return NULL;
}
static double round_trip(void) {
  int iters = 2000;
  pthread_t t;
  atomic_store(&pp, 0);
  cpu_set_t cs;
  CPU_ZERO(&cs); CPU_SET(1, &cs);
  pthread_attr_t at; pthread_attr_init(&at);
  pthread_attr_setaffinity_np(&at, sizeof cs, &cs);
  pthread_create(&t, &at, pong, &iters);
  CPU_ZERO(&cs); CPU_SET(0, &cs);
  cpu_set_t old; sched_getaffinity(0, sizeof old, &old);
  sched_setaffinity(0, sizeof cs, &cs);
  static double v[2000];
  for (int i = 0; i < iters; i++) {
    double t0 = bench_now();
    atomic_store_explicit(&pp, 2 * i + 1, memory_order_release);
    while (atomic_load_explicit(&pp, memory_order_acquire) != 2 * i + 2) __builtin_ia32_pause();
    v[i] = bench_now() - t0;
  }
  pthread_join(t, NULL);
  sched_setaffinity(0, sizeof old, &old);
  return bench_median(v, iters);
}

static double g_rt, g_load;
static double g_raw_frac; /* the bare pipeline's fraction, for the next row's JSON */
static int g_raw_set;
static void probe(void) { g_load = bench_loadavg(); g_rt = round_trip(); }

static void row(const char *kind, const char *name, size_t bytes, double base, double cop, const char *unit,
                double ratio, double extra, const char *extra_name) {
  printf("%-10s %-22s %10zu %12.1f %12.1f %-5s %7.2f", kind, name, bytes, base, cop, unit, ratio);
  if (extra_name) printf("  %s=%.2f", extra_name, extra);
  printf("   load=%.2f rt=%.0fns\n", g_load, g_rt);
  char extra_js[160] = "";
  if (extra_name) snprintf(extra_js, sizeof extra_js, "\"%s\":%.4f,", extra_name, extra);
  if (g_raw_set) {
    size_t used = strlen(extra_js);
    snprintf(extra_js + used, sizeof extra_js - used, "\"raw_fraction_of_ideal\":%.4f,", g_raw_frac);
    g_raw_set = 0;
  }
  fprintf(js, "%s\n  {\"kind\":\"%s\",\"name\":\"%s\",\"bytes\":%zu,\"memcpy\":%.2f,\"copier\":%.2f,"
              "\"unit\":\"%s\",\"ratio\":%.4f,%s\"loadavg\":%.2f,\"roundtrip_ns\":%.0f}",
          first_row ? "" : ",", kind, name, bytes, base, cop, unit, ratio, extra_js, g_load, g_rt);
  first_row = 0;
}

static volatile char sink;

/* ---- per-call costs ---- */
static void bench_calls(void) {
  static char a[4096], b[4096];
  size_t sizes[] = {512, 2048};
  int iters = 20000;
  for (int k = 0; k < 2; k++) {
    size_t n = sizes[k];
    double vm[REPS], va[REPS];
    probe();
    for (int r = 0; r < REPS; r++) {
      double t0 = bench_now();
      for (int i = 0; i < iters; i++) { memcpy(a, b + (i & 7), n); __asm__ volatile("" ::: "memory"); }
      vm[r] = (bench_now() - t0) / iters;
      t0 = bench_now();
      for (int i = 0; i < iters; i++) { amemcpy(a, b + (i & 7), n); __asm__ volatile("" ::: "memory"); }
      va[r] = (bench_now() - t0) / iters;
    }
    char nm[64];
    snprintf(nm, sizeof nm, "amemcpy %zuB (inline)", n);
    double m = bench_median(vm, REPS), c = bench_median(va, REPS);
    row("submit", nm, n, m, c, "ns", m / c, 0, NULL);
  }
  /* offloaded submission: 16 KiB copies queued to the service thread
   * (adaptive=0 so every one is offloaded) */
  {
    copier_configure("adaptive=0");
    size_t n = 16 << 10;
    int batch = 64;
    char *s = malloc(n * batch), *d = malloc(n * batch);
    memset(s, 1, n * batch); memset(d, 2, n * batch);
    double va[REPS], vm[REPS];
    probe();
    for (int r = -2; r < REPS; r++) { /* two untimed rounds warm the node pool */
      double t0 = bench_now();
      for (int i = 0; i < batch; i++) amemcpy(d + (size_t)i * n, s + (size_t)i * n, n);
      double t1 = bench_now();
      if (r >= 0) va[r] = (t1 - t0) / batch;
      /* Let the service thread finish them (~70 us of copying) while it
       * stays awake (150 us < spin_us), so their nodes come back to the
       * pool as in a steady stream, instead of csync_all taking them over. */
      usleep(150);
      csync_all();
      if (r < 0) continue;
      t0 = bench_now();
      memcpy(d, s, 4096);
      __asm__ volatile("" ::: "memory");
      vm[r] = bench_now() - t0;
    }
    double m = bench_median(vm, REPS), c = bench_median(va, REPS);
    row("submit", "16KiB offload|4KiB mcpy", n, m, c, "ns", m / c, 0, NULL);
    free(s); free(d);
    copier_configure("adaptive=1");
  }
  /* csync on ready data, nothing in flight and with another copy in flight */
  for (int inflight = 0; inflight < 2; inflight++) {
    size_t big = 64 << 20;
    char *s = NULL, *d = NULL;
    if (inflight) { s = malloc(big); d = malloc(big); memset(s, 3, big); memset(d, 4, big); }
    double vc[REPS], vm[REPS];
    probe();
    for (int r = 0; r < REPS; r++) {
      amemcpy(a, b, 512);
      csync(a, 512);
      if (inflight) amemcpy(d, s, big);
      double t0 = bench_now();
      for (int i = 0; i < iters; i++) { csync(a, 512); __asm__ volatile("" ::: "memory"); }
      vc[r] = (bench_now() - t0) / iters;
      if (inflight) csync_all();
      t0 = bench_now();
      for (int i = 0; i < iters; i++) { memcpy(a, b, 512); __asm__ volatile("" ::: "memory"); }
      vm[r] = (bench_now() - t0) / iters;
    }
    double m = bench_median(vm, REPS), c = bench_median(vc, REPS);
    row("csync", inflight ? "ready, 64MiB in flight" : "ready, nothing in flight", 512, m, c, "ns", m / c, 0,
        NULL);
    free(s); free(d);
  }
}

/* ---- throughput: amemcpy + immediate csync vs memcpy ---- */
static void bench_throughput(const char *kind) {
  for (size_t n = 4096; n <= (256u << 20); n *= 4) {
    char *s = malloc(n), *d = malloc(n);
    memset(s, 5, n); memset(d, 6, n);
    int iters = n <= (64 << 10) ? 2000 : n <= (4 << 20) ? 50 : n <= (64 << 20) ? 4 : 1;
    int reps = n >= (256u << 20) ? 3 : REPS;
    double vm[REPS], va[REPS];
    probe();
    for (int r = 0; r < reps; r++) {
      double t0 = bench_now();
      for (int i = 0; i < iters; i++) { memcpy(d, s, n); __asm__ volatile("" ::: "memory"); }
      vm[r] = (bench_now() - t0) / iters;
      t0 = bench_now();
      for (int i = 0; i < iters; i++) { amemcpy(d, s, n); csync(d, n); }
      va[r] = (bench_now() - t0) / iters;
    }
    double m = bench_median(vm, reps), c = bench_median(va, reps);
    char nm[64];
    snprintf(nm, sizeof nm, "%zu KiB GB/s", n >> 10);
    row(kind, nm, n, n / m, n / c, "GB/s", m / c, 0, NULL);
    free(s); free(d);
  }
}

/* ---- copy-use pipeline ---- */
static unsigned consume_rounds = 1, consume_step = 1;
/* Hash every consume_step-th word, consume_rounds multiply rounds each:
 * the two knobs let the consumer be calibrated to cost about what the copy
 * costs, from L2-resident sizes (memcpy ~45 GB/s) to DRAM ones (~12).
 * noinline: both sides of a comparison must run the same machine code (the
 * copy of it inlined into the segment loop ran ~10% slower than the one in
 * the whole-buffer baseline, which read as a loss with every copy inline). */
static __attribute__((noinline)) uint64_t consume(const char *p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  const uint64_t *q = (const uint64_t *)p;
  for (size_t i = 0; i < n / 8; i += consume_step) {
    uint64_t x = q[i];
    for (unsigned r = 0; r < consume_rounds; r++) x = x * 0x9E3779B97F4A7C15ull + (x >> 29);
    h ^= x;
  }
  return h;
}

/* The hardware's bound for the pipeline rows: a bare second thread that
 * copies the buffer segment by segment and publishes its progress in one
 * counter, the consumer spinning on it; no engine, no queue, no learning.
 * Measured in the same run and placement as the engine, so a pipeline row
 * that gains little can be told apart from a machine on which the other
 * core cannot help (slow vCPU placement, a busy core). */
static struct {
  _Atomic unsigned long round; /* the consumer starts round r by setting it to r */
  _Atomic size_t copied;       /* bytes of the current round the helper has copied */
  _Atomic int quit;
  char *dst;
  const char *src;
  size_t n, seg;
} raw_pipe;

static void *raw_pipe_helper(void *arg) {
  (void)arg;
  unsigned long seen = 0;
  for (;;) {
    unsigned long r;
    while ((r = atomic_load_explicit(&raw_pipe.round, memory_order_acquire)) == seen) {
      if (atomic_load_explicit(&raw_pipe.quit, memory_order_relaxed)) return NULL;
      __builtin_ia32_pause();
    }
    seen = r;
    for (size_t off = 0; off < raw_pipe.n; off += raw_pipe.seg) {
      size_t k = raw_pipe.n - off < raw_pipe.seg ? raw_pipe.n - off : raw_pipe.seg;
      memcpy(raw_pipe.dst + off, raw_pipe.src + off, k);
      atomic_store_explicit(&raw_pipe.copied, off + k, memory_order_release);
    }
  }
}

/* Median time of `reps` rounds of the bare two-thread pipeline. */
static double raw_pipeline(char *dst, const char *src, size_t n, size_t seg, int reps) {
  double v[16];
  if (reps > 16) reps = 16;
  raw_pipe.dst = dst, raw_pipe.src = src, raw_pipe.n = n, raw_pipe.seg = seg;
  atomic_store(&raw_pipe.quit, 0);
  atomic_store(&raw_pipe.round, 0);
  pthread_t t;
  if (pthread_create(&t, NULL, raw_pipe_helper, NULL) != 0) return 0;
  usleep(1000); /* let it reach its spin loop */
  for (int r = 0; r < reps; r++) {
    uint64_t h = 0;
    atomic_store_explicit(&raw_pipe.copied, 0, memory_order_relaxed);
    double t0 = bench_now();
    atomic_store_explicit(&raw_pipe.round, (unsigned long)r + 1, memory_order_release);
    for (size_t off = 0; off < n; off += seg) {
      size_t k = n - off < seg ? n - off : seg;
      while (atomic_load_explicit(&raw_pipe.copied, memory_order_acquire) < off + k) __builtin_ia32_pause();
      h ^= consume(dst + off, k);
    }
    v[r] = bench_now() - t0;
    sink = (char)h;
  }
  atomic_store(&raw_pipe.quit, 1);
  pthread_join(t, NULL);
  return bench_median(v, reps);
}

static void bench_pipeline(const char *kind) {
  size_t seg = getenv("BENCH_SEG") ? strtoul(getenv("BENCH_SEG"), NULL, 0) : 64 << 10;
  for (size_t n = 1 << 20; n <= (64u << 20); n *= 4) {
    /* Each side has its own destination, as a program running one way or
     * the other would: sharing one made every async round start with the
     * destination dirty in this core's cache from the memcpy round just
     * before, so the service thread had to pull each line back across. */
    char *s = malloc(n), *d = malloc(n), *da = malloc(n), *dr = malloc(n);
    memset(s, 7, n); memset(d, 8, n); memset(da, 8, n); memset(dr, 8, n);
    /* calibrate the consumer to cost about as much as the copy: the
     * cheapest setting (one word per line) first, then denser, then more
     * rounds, until consume >= 0.8 x copy (medians of 3) */
    static const unsigned steps[] = {8, 4, 2, 1};
    consume_rounds = 1;
    for (unsigned k = 0; k < 4 + 6; k++) {
      consume_step = steps[k < 4 ? k : 3];
      if (k >= 4) consume_rounds *= 2;
      double c3[3], u3[3];
      for (int t = 0; t < 3; t++) {
        double t0 = bench_now(); memcpy(d, s, n); c3[t] = bench_now() - t0;
        t0 = bench_now(); sink = (char)consume(d, n); u3[t] = bench_now() - t0;
      }
      if (bench_median(u3, 3) >= 0.8 * bench_median(c3, 3)) break;
    }
    enum { PREPS = 11 }; /* the pipeline rows are the noisiest: more rounds */
    double vb[PREPS], va[PREPS], vc[PREPS], vu[PREPS];
    probe();
    struct copier_stats st0, st1;
    copier_get_stats(&st0);
    for (int r = 0; r < PREPS; r++) {
      double t0 = bench_now();
      memcpy(d, s, n);
      double t1 = bench_now();
      uint64_t h = consume(d, n);
      double t2 = bench_now();
      vc[r] = t1 - t0; vu[r] = t2 - t1; vb[r] = t2 - t0;
      t0 = bench_now();
      amemcpy(da, s, n);
      for (size_t off = 0; off < n; off += seg) {
        csync(da + off, seg);
        h ^= consume(da + off, seg);
      }
      va[r] = bench_now() - t0;
      sink = (char)h;
    }
    copier_get_stats(&st1);
    double raw = raw_pipeline(dr, s, n, seg, PREPS);
    double b = bench_median(vb, PREPS), a = bench_median(va, PREPS), c = bench_median(vc, PREPS), u = bench_median(vu, PREPS);
    /* who copied: the service's share of the segments, and copies the
     * adaptive site ran inline (tells a lost round from a slow one) */
    uint64_t svc = st1.segments_service - st0.segments_service, hlp = st1.segments_helped - st0.segments_helped;
    double ideal = (c + u) / (c > u ? c : u), speedup = b / a;
    double frac = (speedup - 1) / (ideal - 1), raw_frac = raw > 0 ? (b / raw - 1) / (ideal - 1) : 0;
    printf("           [service copied %.0f%% of segments, %llu of %d copies inline, csync wait %.1f us/round;"
           " bare two-thread pipeline %.2f of ideal]\n",
           svc + hlp ? 100.0 * svc / (svc + hlp) : 0.0, (unsigned long long)(st1.inline_copies - st0.inline_copies), PREPS,
           (st1.csync_wait_ns - st0.csync_wait_ns) / 1e3 / PREPS, raw_frac);
    char nm[64];
    snprintf(nm, sizeof nm, "%zu MiB us (ideal %.2f)", n >> 20, ideal);
    g_raw_frac = raw_frac, g_raw_set = 1;
    row(kind, nm, n, b / 1e3, a / 1e3, "us", speedup, frac, "fraction_of_ideal");
    free(s); free(d); free(da); free(dr);
  }
}

/* ---- break-even for sync_below: submit, ~3 us of other work, csync and
 * read the destination, against memcpy + the same work + read. Hot: the
 * same buffers every time; cold: buffers rotated through 256 MiB. ---- */
static uint64_t work(int us) {
  double t0 = bench_now();
  uint64_t x = 1;
  while (bench_now() - t0 < us * 1e3) for (int i = 0; i < 50; i++) x = x * 6364136223846793005ull + 1;
  return x;
}
static void bench_breakeven(void) {
  size_t pool = 256u << 20;
  char *S = malloc(pool), *D = malloc(pool);
  memset(S, 1, pool); memset(D, 2, pool);
  copier_configure("adaptive=0:sync_below=0:wake_above=0");
  for (int cold = 0; cold < 2; cold++)
    for (size_t n = 1024; n <= (1u << 20); n *= (n < (64u << 10) ? 2 : 4)) { /* finer where it matters */
      int iters = 200;
      double vm[REPS], va[REPS];
      size_t slots = pool / n, k = 0;
      probe();
      for (int r = 0; r < REPS; r++) {
        uint64_t h = 0;
        double t0 = bench_now();
        for (int i = 0; i < iters; i++) {
          size_t off = cold ? ((k++ * 7919) % slots) * n : 0;
          memcpy(D + off, S + off, n);
          h += work(3);
          h += consume(D + off, n);
        }
        vm[r] = (bench_now() - t0) / iters;
        t0 = bench_now();
        for (int i = 0; i < iters; i++) {
          size_t off = cold ? ((k++ * 7919) % slots) * n : 0;
          amemcpy(D + off, S + off, n);
          h += work(3);
          csync(D + off, n);
          h += consume(D + off, n);
        }
        va[r] = (bench_now() - t0) / iters;
        sink = (char)h;
      }
      double m = bench_median(vm, REPS), c = bench_median(va, REPS);
      char nm[64];
      snprintf(nm, sizeof nm, "%s %zu KiB +3us work", cold ? "cold" : "hot", n >> 10);
      row("breakeven", nm, n, m, c, "ns", m / c, 0, NULL);
    }
  copier_configure("adaptive=1:sync_below=8k:wake_above=256k"); /* the defaults */
  free(S); free(D);
}

/* BENCH_ONLY=calls,breakeven,tput,pipeline,busy runs only the named parts
 * (all when unset), for quick re-measurement of one mechanism. */
static int want(const char *part) {
  const char *only = getenv("BENCH_ONLY");
  return !only || strstr(only, part) != NULL;
}

int main(int argc, char **argv) {
  const char *out = argc > 1 ? argv[1] : "engine.json";
  js = fopen(out, "w");
  if (!js) { perror(out); return 1; }
  fprintf(js, "[");
  printf("%-10s %-22s %10s %12s %12s %-5s %7s\n", "kind", "case", "bytes", "memcpy", "copier", "unit",
         "ratio");
  printf("(ratio: memcpy time / copier time; > 1 means copier is faster)\n");
  /* Default configuration (adaptive per site), except where noted. */
  if (want("calls")) bench_calls();
  consume_rounds = 1, consume_step = 1;
  if (want("breakeven")) bench_breakeven();
  if (want("tput")) bench_throughput("tput");
  if (want("pipeline")) {
    bench_pipeline("pipeline");
    copier_configure("adaptive=0");
    bench_pipeline("pipe-noad"); /* the raw mechanism, no per-site learning */
    copier_configure("adaptive=1");
  }
  if (!want("busy")) goto done;
  /* the other core saturated by another process */
  pid_t hog = fork();
  if (hog == 0) { for (;;) __asm__ volatile(""); }
  usleep(100000);
  bench_throughput("tput-busy");
  bench_pipeline("pipe-busy");
  kill(hog, SIGKILL);
  waitpid(hog, NULL, 0);
done:
  fprintf(js, "\n]\n");
  fclose(js);
  printf("JSON: %s\n", out);
  return 0;
}
