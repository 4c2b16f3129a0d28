/*
 * site.c — adaptive offload per call site.
 *
 * Whether offloading pays depends mostly on whether the buffers are hot in
 * the caller's cache and whether the copy is consumed at once, which the
 * size does not tell. Each call site (CopierGen's id, or the return address
 * for hand-written calls) has a small score learnt from outcomes:
 *   good (+1): the copy was done by a service thread before its submitter
 *              needed it (single segment: its csync did not wait; larger:
 *              the submitter copied fewer than half of its segments);
 *   bad  (-2): the submitter waited or did the copy itself anyway, or its
 *              csyncs spent longer on it than copying it would have.
 * A site offloads while its score is >= 0; below that it copies inline and
 * offloads one call in 16 as a probe (1 in 64 once the score is at its
 * floor; 8x rarer for copies below 1 MiB), so a site whose behaviour
 * changes is re-learnt. Copies of 32 MiB (the LLC size) and more always offload: they
 * are DRAM-bound, and a waiting csync helps, so even an immediate consumer
 * gets two cores copying (measured 1.1x memcpy at 64 MiB).
 * The table is a fixed open-addressed array; when it is full, unknown sites
 * just offload. Updates are relaxed atomics: a lost update is harmless.
 */
#include "internal.h"

#define SITE_SLOTS 1024
#define SITE_PROBE 8
#define SCORE_MAX 8
#define SCORE_MIN (-16)
#define ALWAYS_OFFLOAD (32u << 20)

struct site {
  _Atomic uint64_t key;
  _Atomic int32_t score;
  _Atomic uint32_t calls;
};
static struct site sites[SITE_SLOTS];

static inline uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

int cp_site_should_offload(uint64_t site, size_t n, int16_t *slot) {
  if (!cp_cfg.adaptive || n >= ALWAYS_OFFLOAD) return 1;
  uint64_t key = site ? site : 1;
  uint64_t h = mix(key);
  for (int i = 0; i < SITE_PROBE; i++) {
    int idx = (int)((h + (uint64_t)i) & (SITE_SLOTS - 1));
    struct site *s = &sites[idx];
    uint64_t k = atomic_load_explicit(&s->key, memory_order_relaxed);
    if (k == 0) {
      uint64_t zero = 0;
      if (!atomic_compare_exchange_strong_explicit(&s->key, &zero, key, memory_order_relaxed,
                                                   memory_order_relaxed) && zero != key)
        continue;
      k = key;
    }
    if (k != key) continue;
    *slot = (int16_t)idx;
    uint32_t calls = atomic_load_explicit(&s->calls, memory_order_relaxed) + 1;
    atomic_store_explicit(&s->calls, calls, memory_order_relaxed);
    int32_t score = atomic_load_explicit(&s->score, memory_order_relaxed);
    if (score >= 0) return 1;
    /* A probe of a losing site costs its caller a few microseconds (more
     * if it waits for a descheduled copier): probe less often once the
     * score is at its floor, and 8x less below 1 MiB, where that cost is
     * large against the copy itself (bench tput: 16-256 KiB sites lost
     * 15-20% to 1-in-64 probes). */
    uint32_t period = score <= SCORE_MIN ? 64 : 16;
    if (n < (1u << 20)) period *= 8;
    return calls % period == 0;
  }
  return 1;
}

void cp_site_outcome(int16_t slot, bool good) {
  struct site *s = &sites[slot];
  int32_t v = atomic_load_explicit(&s->score, memory_order_relaxed) + (good ? 1 : -2);
  if (v > SCORE_MAX) v = SCORE_MAX;
  if (v < SCORE_MIN) v = SCORE_MIN;
  atomic_store_explicit(&s->score, v, memory_order_relaxed);
}
