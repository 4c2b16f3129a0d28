/*
 * site.c — adaptive offload per call site.
 *
 * Whether offloading pays depends mostly on whether the buffers are hot in
 * the caller's cache and whether the copy is consumed at once, which the
 * size does not tell. Each call site (CopierGen's id, or the return address
 * for hand-written calls) has, per size class (factors of 4: cp_site_key in
 * internal.h), a small score learnt from outcomes:
 *   good (+1): the submitter's csyncs spent less than half the time a
 *              local copy would have taken on it (single segment: its
 *              csync did not wait at all);
 *   bad  (-2): otherwise: it was consumed at once (the submitter took it
 *              over), waited for behind a slow or descheduled copier, or
 *              the copier ran on the submitter's own CPU.
 * A new site starts at +2: its first copy often meets a sleeping copier
 * (12-24 us to wake), and one unlucky round should not settle the site.
 * A site offloads while its score is >= 0; below that it copies inline and
 * offloads one copy per 16 MiB copied inline as a probe, and at most one in
 * 8 copies (4x fewer once the score is at its floor), so a site whose behaviour changes is
 * re-learnt within a few milliseconds of copying. A bad copy that lost
 * more than a whole local copy's time (a copier preempted while holding a
 * segment costs its waiter a scheduler slice, milliseconds) sends the site
 * inline at once; if it was already a losing site's probe, the next probe
 * waits until such a loss is ~3% of the time spent copying inline in
 * between (up to 1 GiB). Copies of 32 MiB (the
 * LLC size) and more always offload: they
 * are DRAM-bound, and a waiting csync helps, so even an immediate consumer
 * gets two cores copying (measured 1.1x memcpy at 64 MiB).
 * The table is a fixed open-addressed array; when it is full, unknown sites
 * just offload. Updates are relaxed atomics: a lost update is harmless.
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

#define SITE_SLOTS 1024
#define SITE_PROBE 8
#define SCORE_MAX 8
#define SCORE_MIN (-16)
#define ALWAYS_OFFLOAD (32u << 20)
#define SCORE_START 2
#define PROBE_BYTES (16u << 20)
#define PROBE_COPIES 8
#define PROBE_BYTES_MAX (1ull << 30)
#define LOCAL_BYTES_PER_NS 32 /* a local copy, up to the LLC size */
#define LOCAL_BYTES_PER_NS_DRAM 12 /* above it */
/* Samples are clamped to 4-128 B/ns: a sample taken across a preemption
 * would otherwise make every later offload look like a win. */
#define LOCAL_PS_MIN 8
#define LOCAL_PS_MAX 250

struct site {
  _Atomic uint64_t key;          /* cp_site_key: the call site and a size class */
  _Atomic uint64_t addr;         /* the call site alone (stats=2) */
  _Atomic int32_t score;
  _Atomic uint64_t inline_bytes; /* copied inline since the last probe */
  _Atomic uint64_t probe_bytes;  /* inline bytes between probes (0: default) */
  _Atomic uint32_t local_ps_per_byte; /* measured inline copy cost (0: none yet) */
  _Atomic uint32_t offloaded, verdicts, good; /* copies offloaded, judged, won (stats=2) */
  _Atomic uint32_t lost[CP_LOSS_KINDS];         /* losses by reason (stats=2) */
};
static struct site sites[SITE_SLOTS];

static inline uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

int cp_site_should_offload(uint64_t site, size_t n, int16_t *slot, size_t *grant) {
  *grant = 0;
  if (!cp_cfg.adaptive || n >= ALWAYS_OFFLOAD) return 1;
  uint64_t key = cp_site_key(site, n);
  uint64_t h = mix(key);
  for (int i = 0; i < SITE_PROBE; i++) {
    int idx = (int)((h + (uint64_t)i) & (SITE_SLOTS - 1));
    struct site *s = &sites[idx];
    uint64_t k = atomic_load_explicit(&s->key, memory_order_relaxed);
    if (k == 0) {
      uint64_t zero = 0;
      if (!atomic_compare_exchange_strong_explicit(&s->key, &zero, key, memory_order_relaxed,
                                                   memory_order_relaxed)) {
        if (zero != key) continue;
      } else {
        atomic_store_explicit(&s->score, SCORE_START, memory_order_relaxed);
        atomic_store_explicit(&s->addr, site, memory_order_relaxed);
      }
      k = key;
    }
    if (k != key) continue;
    *slot = (int16_t)idx;
    int32_t score = atomic_load_explicit(&s->score, memory_order_relaxed);
    if (score >= 0) return 1;
    /* A losing site probes once per PROBE_BYTES copied inline (4x more
     * bytes once its score is at the floor). A probe costs its caller a few
     * microseconds whatever the size (a wake, or a service thread pulling
     * the caller's hot lines across and the caller pulling them back), so
     * spacing probes by bytes keeps that under ~1% of the copying time at
     * every size; counting calls did not (a 1-in-512 probe of 16 KiB copies
     * cost 5-10% of their time here). */
    uint64_t budget = PROBE_BYTES;
    /* Large copies: at most one probe per PROBE_COPIES copies of that size
     * (at 16 MiB, one probe per 16 MiB meant every copy was a probe; one
     * per 16 copies kept a 4 MiB pipeline site that lost once inline for
     * the benchmark's 11 rounds). */
    if (budget < PROBE_COPIES * (uint64_t)n) budget = PROBE_COPIES * (uint64_t)n;
    if (score <= SCORE_MIN) budget *= 4;
    uint64_t learnt = atomic_load_explicit(&s->probe_bytes, memory_order_relaxed);
    if (learnt > budget) budget = learnt;
    uint64_t b = atomic_load_explicit(&s->inline_bytes, memory_order_relaxed) + n;
    if (b >= budget) {
      atomic_store_explicit(&s->inline_bytes, 0, memory_order_relaxed);
      return 1; /* a probe */
    }
    /* The caller may copy the next bytes of this budget inline at this site
     * without asking again (its client's one-entry cache, engine.c): they
     * are booked now, so the lookup after the budget is spent probes. */
    uint64_t g = budget - b;
    if (g > ALWAYS_OFFLOAD) g = ALWAYS_OFFLOAD;
    atomic_store_explicit(&s->inline_bytes, b + g, memory_order_relaxed);
    *grant = (size_t)g;
    return 0;
  }
  return 1;
}

void cp_site_return_grant(int16_t slot, size_t bytes) {
  struct site *s = &sites[slot];
  uint64_t b = atomic_load_explicit(&s->inline_bytes, memory_order_relaxed);
  atomic_store_explicit(&s->inline_bytes, b > bytes ? b - bytes : 0, memory_order_relaxed);
}

void cp_site_outcome(int16_t slot, bool good, uint64_t loss_ns, uint64_t local_ns) {
  struct site *s = &sites[slot];
  atomic_fetch_add_explicit(&s->verdicts, 1, memory_order_relaxed);
  if (good) atomic_fetch_add_explicit(&s->good, 1, memory_order_relaxed);
  int32_t was = atomic_load_explicit(&s->score, memory_order_relaxed), v = was + (good ? 1 : -2);
  /* A losing site's probe that paid halves its distance to offloading:
   * at the floor, +1 per probe took 17 probes (thousands of copies) to
   * notice that its buffers or its consumer had changed. */
  if (good && was < 0) v = was / 2 + 1;
  uint64_t probe = 0;
  if (!good && loss_ns > local_ns) {
    /* One such loss can be bad luck (a burst of other load): go inline,
     * probe as usual. A probe of a losing site that loses as badly again
     * spaces the next probe by the loss. */
    if (was < 0) {
      probe = loss_ns * LOCAL_BYTES_PER_NS * 32;
      if (probe > PROBE_BYTES_MAX) probe = PROBE_BYTES_MAX;
    }
    if (v > -1) v = -1;
  }
  atomic_store_explicit(&s->probe_bytes, probe, memory_order_relaxed);
  if (v > SCORE_MAX) v = SCORE_MAX;
  if (v < SCORE_MIN) v = SCORE_MIN;
  atomic_store_explicit(&s->score, v, memory_order_relaxed);
}

void cp_site_loss_reason(int16_t slot, int why) {
  if (why >= 0 && why < CP_LOSS_KINDS) atomic_fetch_add_explicit(&sites[slot].lost[why], 1, memory_order_relaxed);
}

void cp_site_offloaded(int16_t slot) {
  atomic_fetch_add_explicit(&sites[slot].offloaded, 1, memory_order_relaxed);
}

void cp_site_local_sample(int16_t slot, size_t n, uint64_t ns) {
  if (slot < 0 || n == 0) return;
  struct site *s = &sites[slot];
  uint64_t ps = ns * 1000 / n;
  if (ps < LOCAL_PS_MIN) ps = LOCAL_PS_MIN;
  if (ps > LOCAL_PS_MAX) ps = LOCAL_PS_MAX;
  uint32_t was = atomic_load_explicit(&s->local_ps_per_byte, memory_order_relaxed);
  /* A moving average that follows faster samples quickly and slower ones
   * slowly: what slows a copy down by accident (page faults on a buffer's
   * first use, an interrupt, a preemption) only ever makes it slower, and
   * a site's first sample is often its buffers' first touch. */
  uint32_t v = !was ? (uint32_t)ps : ps < was ? (uint32_t)((was + ps) / 2) : (uint32_t)((7u * was + ps + 4) / 8);
  atomic_store_explicit(&s->local_ps_per_byte, v, memory_order_relaxed);
}

uint64_t cp_site_local_ns(int16_t slot, size_t n) {
  uint32_t ps = slot >= 0 ? atomic_load_explicit(&sites[slot].local_ps_per_byte, memory_order_relaxed) : 0;
  if (ps) return (uint64_t)n * ps / 1000;
  return n / (n <= ALWAYS_OFFLOAD ? LOCAL_BYTES_PER_NS : LOCAL_BYTES_PER_NS_DRAM);
}

void cp_site_print(FILE *out) {
  fprintf(out, "copier: call sites (adaptive offload): score >= 0 offloads; won = judged offloaded copies that paid\n");
  for (int i = 0; i < SITE_SLOTS; i++) {
    struct site *s = &sites[i];
    uint64_t key = atomic_load_explicit(&s->key, memory_order_relaxed);
    uint64_t addr = atomic_load_explicit(&s->addr, memory_order_relaxed);
    uint32_t n = atomic_load_explicit(&s->verdicts, memory_order_relaxed);
    uint32_t ps = atomic_load_explicit(&s->local_ps_per_byte, memory_order_relaxed);
    if (!key) continue;
    char where[160] = "";
    Dl_info info;
    /* Hand-written calls are keyed by their return address (shown as
     * module+offset, for addr2line); CopierGen's ids are not code
     * addresses and dladdr finds nothing for them. */
    if (dladdr((void *)(uintptr_t)addr, &info) && info.dli_fname) {
      const char *base = strrchr(info.dli_fname, '/');
      if (info.dli_sname)
        snprintf(where, sizeof where, " (%s+0x%lx)", info.dli_sname,
                 (unsigned long)((uintptr_t)addr - (uintptr_t)info.dli_saddr));
      else
        snprintf(where, sizeof where, " (%s+0x%lx)", base ? base + 1 : info.dli_fname,
                 (unsigned long)((uintptr_t)addr - (uintptr_t)info.dli_fbase));
    }
    /* The size class: copies of [4^c, 4^(c+1)) bytes. */
    unsigned cls = (unsigned)((key ^ addr) >> 58);
    char sizes[48];
    static const char *unit[] = {"B", "KiB", "MiB", "GiB"};
    unsigned lo = 2 * cls, hi = 2 * cls + 2;
    snprintf(sizes, sizeof sizes, "copies of %llu %s-%llu %s", 1ull << (lo % 10), unit[lo / 10 < 3 ? lo / 10 : 3],
             1ull << (hi % 10), unit[hi / 10 < 3 ? hi / 10 : 3]);
    char speed[32] = "not sampled";
    if (ps) snprintf(speed, sizeof speed, "%.1f B/ns", 1000.0 / ps);
    char lost[96] = "";
    uint32_t lc = atomic_load_explicit(&s->lost[CP_LOSS_COLOCATED], memory_order_relaxed),
             lt = atomic_load_explicit(&s->lost[CP_LOSS_TAKEN_OVER], memory_order_relaxed),
             lw = atomic_load_explicit(&s->lost[CP_LOSS_WAITED], memory_order_relaxed);
    if (lc + lt + lw)
      snprintf(lost, sizeof lost, " (lost: %u on the submitter's CPU, %u taken over, %u waited)", lc, lt, lw);
    fprintf(out, "copier:   site %#llx%s, %s: score %d, offloaded %u, won %u of %u judged%s, inline copy %s\n",
            (unsigned long long)addr, where, sizes, (int)atomic_load_explicit(&s->score, memory_order_relaxed),
            atomic_load_explicit(&s->offloaded, memory_order_relaxed),
            atomic_load_explicit(&s->good, memory_order_relaxed), n, lost, speed);
  }
}
