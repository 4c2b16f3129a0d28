/*
 * config.c — COPIER_OPTIONS / copier_configure, and statistics.
 * Defaults come from measurements on the target machine (see
 * bench/engine and the README there): below 8 KiB an offloaded copy that
 * is used soon loses to memcpy; waking a sleeping copier costs ~6 us.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "internal.h"

struct config cp_cfg = {
    .threads = 1,
    .poll = POLL_SPIN_SLEEP,
    .stats = 0,
    .adaptive = 1,
    .absorb = 1,
    .segment = 64 << 10,
    .sync_below = 8 << 10, /* bench-engine-runs 13:54 UTC, load 0.2-0.7: cold 4 KiB 1.02x, 8 KiB 1.26x (min 1.07) */
    .wake_above = 256 << 10,
    .ring = 4096,
    .max_active = 256,
    .spin_us = 200,
    .nt_above = 0,
};

static const char KNOWN[] =
    "threads, poll, spin_us, segment, sync_below, wake_above, adaptive, absorb, max_active, ring, nt_above, stats";

static int parse_size(const char *v, size_t *out) {
  char *end;
  errno = 0;
  if (!*v || *v == '-') return -1;
  unsigned long long x = strtoull(v, &end, 10);
  if (errno || end == v) return -1;
  unsigned long long mul = 1;
  if (*end == 'k' || *end == 'K') mul = 1ull << 10, end++;
  else if (*end == 'm' || *end == 'M') mul = 1ull << 20, end++;
  else if (*end == 'g' || *end == 'G') mul = 1ull << 30, end++;
  if (*end) return -1;
  if (x > (~0ull) / mul) return -1;
  *out = (size_t)(x * mul);
  return 0;
}

/* Parse into *c; on error print "copier: <origin>: ..." and return -1. */
static int parse(const char *opts, struct config *c, const char *origin, int started) {
  char buf[1024];
  if (strlen(opts) >= sizeof buf) {
    fprintf(stderr, "copier: %s: the option string is too long (over %zu characters)\n", origin, sizeof buf - 1);
    return -1;
  }
  strcpy(buf, opts);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ":, \t", &save); tok; tok = strtok_r(NULL, ":, \t", &save)) {
    char *eq = strchr(tok, '=');
    if (!eq) {
      fprintf(stderr, "copier: %s: option '%s' has no value; write name=value (options: %s)\n", origin, tok, KNOWN);
      return -1;
    }
    *eq = 0;
    const char *k = tok, *v = eq + 1;
    size_t x;
    int bad = 0;
    const char *expect = "";
    if (started && (!strcmp(k, "threads") || !strcmp(k, "poll") || !strcmp(k, "ring") || !strcmp(k, "spin_us"))) {
      fprintf(stderr, "copier: %s: option '%s' can only be set before the first offloaded copy "
                      "(use COPIER_OPTIONS, or call copier_configure first)\n", origin, k);
      return -1;
    }
    if (!strcmp(k, "threads")) {
      expect = "a number of service threads from 0 to 64";
      bad = parse_size(v, &x) || x > 64;
      if (!bad) c->threads = (int)x;
    } else if (!strcmp(k, "poll")) {
      expect = "spin, spin_sleep or sleep";
      if (!strcmp(v, "spin")) c->poll = POLL_SPIN;
      else if (!strcmp(v, "spin_sleep")) c->poll = POLL_SPIN_SLEEP;
      else if (!strcmp(v, "sleep")) c->poll = POLL_SLEEP;
      else bad = 1;
    } else if (!strcmp(k, "spin_us")) {
      expect = "microseconds from 0 to 1000000";
      bad = parse_size(v, &x) || x > 1000000;
      if (!bad) c->spin_us = x;
    } else if (!strcmp(k, "segment")) {
      expect = "a size in bytes from 4k to 1g (e.g. segment=64k)";
      bad = parse_size(v, &x) || x < 4096 || x > (1u << 30);
      if (!bad) c->segment = x;
    } else if (!strcmp(k, "sync_below")) {
      expect = "a size in bytes (e.g. sync_below=16k)";
      bad = parse_size(v, &x);
      if (!bad) c->sync_below = x;
    } else if (!strcmp(k, "wake_above")) {
      expect = "a size in bytes (e.g. wake_above=256k)";
      bad = parse_size(v, &x);
      if (!bad) c->wake_above = x;
    } else if (!strcmp(k, "stats")) {
      expect = "0, 1 or 2 (2 adds the adaptive verdict of every call site)";
      bad = strcmp(v, "0") && strcmp(v, "1") && strcmp(v, "2");
      if (!bad) c->stats = v[0] - '0';
    } else if (!strcmp(k, "adaptive") || !strcmp(k, "absorb")) {
      expect = "0 or 1";
      bad = strcmp(v, "0") && strcmp(v, "1");
      if (!bad) *(!strcmp(k, "adaptive") ? &c->adaptive : &c->absorb) = v[0] - '0';
    } else if (!strcmp(k, "max_active")) {
      expect = "a number from 1 to 1000000";
      bad = parse_size(v, &x) || x < 1 || x > 1000000;
      if (!bad) c->max_active = x;
    } else if (!strcmp(k, "ring")) {
      expect = "a number of slots from 128 to 1048576";
      bad = parse_size(v, &x) || x < 128 || x > (1u << 20);
      if (!bad) c->ring = x;
    } else if (!strcmp(k, "nt_above")) {
      expect = "a size in bytes, 0 for never (e.g. nt_above=64m)";
      bad = parse_size(v, &x);
      if (!bad) c->nt_above = x;
    } else {
      fprintf(stderr, "copier: %s: unknown option '%s' (options: %s)\n", origin, k, KNOWN);
      return -1;
    }
    if (bad) {
      fprintf(stderr, "copier: %s: option '%s' expects %s, got '%s'\n", origin, k, expect, v);
      return -1;
    }
  }
  return 0;
}

void cp_config_init(void) {
  const char *e = getenv("COPIER_OPTIONS");
  if (e && parse(e, &cp_cfg, "COPIER_OPTIONS", 0) != 0) {
    fprintf(stderr, "copier: fix or unset COPIER_OPTIONS; exiting\n");
    exit(1);
  }
}

int copier_configure(const char *options) {
  if (!options) {
    fprintf(stderr, "copier: copier_configure: options is NULL\n");
    return -1;
  }
  cp_engine_init();
  pthread_mutex_lock(&cp_eng.lock);
  struct config c = cp_cfg;
  int started = atomic_load(&cp_eng.started) != 0;
  int r = parse(options, &c, "copier_configure", started);
  if (r == 0) cp_cfg = c;
  pthread_mutex_unlock(&cp_eng.lock);
  return r;
}

void copier_get_stats(struct copier_stats *o) {
  struct cstats s;
  cp_sum_stats(&s);
#define G(x) atomic_load_explicit(&s.x, memory_order_relaxed)
  o->copies = G(copies);
  o->bytes = G(bytes);
  o->inline_copies = G(inline_copies);
  o->offloaded = G(offloaded);
  o->lazy_copies = G(lazy_copies);
  o->lazy_never_executed = G(lazy_never);
  o->aborted = G(aborted);
  o->bytes_absorbed = G(absorbed_bytes);
  o->csync_waited = G(csync_waited);
  o->csync_wait_ns = G(wait_ns);
  o->segments_helped = G(helped_segs);
  o->segments_service = G(svc_segs);
  o->faults = G(faults);
#undef G
}

void cp_print_stats(void) {
  struct copier_stats s;
  copier_get_stats(&s);
  fprintf(stderr,
          "copier: statistics (pid %d)\n"
          "copier:   copies %llu (%llu bytes): %llu inline, %llu offloaded\n"
          "copier:   lazy copies %llu, never executed %llu; aborts %llu\n"
          "copier:   bytes absorbed %llu\n"
          "copier:   csyncs that waited %llu, total wait %.3f ms\n"
          "copier:   segments copied by waiting threads %llu, by service threads %llu\n"
          "copier:   faults %llu\n",
          cp_eng.pid, (unsigned long long)s.copies, (unsigned long long)s.bytes,
          (unsigned long long)s.inline_copies, (unsigned long long)s.offloaded,
          (unsigned long long)s.lazy_copies, (unsigned long long)s.lazy_never_executed,
          (unsigned long long)s.aborted, (unsigned long long)s.bytes_absorbed,
          (unsigned long long)s.csync_waited, s.csync_wait_ns / 1e6, (unsigned long long)s.segments_helped,
          (unsigned long long)s.segments_service, (unsigned long long)s.faults);
  if (cp_cfg.stats >= 2) cp_site_print(stderr);
}
