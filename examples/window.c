/*
 * window.c — LZ77 compression over a sliding window (the zlib deflate pattern
 * of the Copier paper, §6.2.3).
 *
 * The window holds 2*W bytes. Matching walks forward through it, looking up
 * 4-byte hashes for earlier occurrences (up to W back). When the lookahead
 * runs low the window slides: the upper half moves down with memmove, the
 * hash heads are rebased, and fresh input is copied in behind it (zlib's
 * fill_window and read_buf). Matching then continues immediately, but it
 * reaches the freshly copied input only gradually: the copy–use window.
 *
 * Built twice from this one file (plain C for CopierGen; -DCOPIER_PORT for the
 * hand port with amemmove/amemcpy + csync). --size sets W (>= 1 KiB); the
 * input is 4*W bytes (at least 64 KiB; 2*W + 8 MiB above W = 4 MiB) of compressible data. Prints
 * "literals=... matches=... token_hash=..." (identical in every build).
 */
#include "common/example_util.h"

#define MIN_MATCH 4
#define MAX_MATCH 258
#define MIN_LOOKAHEAD (MAX_MATCH + MIN_MATCH)
#define MAX_EVENTS 4096

struct deflate {
    unsigned char *window;
    size_t wsize, win_end, strstart;
    uint32_t *head; /* position + 1 of the latest string with this hash; 0 = none */
    unsigned hash_bits;
    const unsigned char *input;
    size_t in_len, in_pos;
    uint64_t literals, matches, token_hash;
#ifdef COPIER_PORT
    size_t synced; /* window bytes below this are known to have arrived */
#endif
    /* what fill_window copied, so --phases can replay the copies alone */
    size_t nevents;
    struct { size_t move, fill_at, fill, from; } ev[MAX_EVENTS];
};

static inline uint32_t hash4(const unsigned char *p, unsigned bits)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return (v * 2654435761u) >> (32 - bits);
}

/* Slide when the window is full, then read as much input as fits. */
static void fill_window(struct deflate *d)
{
    size_t W = d->wsize, move = 0;
    if (2 * W - d->win_end < MIN_LOOKAHEAD && d->strstart >= W) {
        move = d->win_end - W;
#ifdef COPIER_PORT
        amemmove(d->window, d->window + W, move);
        /* Matches may point anywhere in the moved half: it must all be there. */
        csync(d->window, move);
        d->synced = move;
#else
        memmove(d->window, d->window + W, move);
#endif
        d->win_end -= W;
        d->strstart -= W;
        size_t hsize = (size_t)1 << d->hash_bits;
        for (size_t i = 0; i < hsize; i++) d->head[i] = d->head[i] > W ? d->head[i] - (uint32_t)W : 0;
    }
    size_t n = 2 * W - d->win_end;
    if (n > d->in_len - d->in_pos) n = d->in_len - d->in_pos;
#ifdef COPIER_PORT
    amemcpy(d->window + d->win_end, d->input + d->in_pos, n);
#else
    memcpy(d->window + d->win_end, d->input + d->in_pos, n);
#endif
    if (d->nevents < MAX_EVENTS) {
        d->ev[d->nevents].move = move;
        d->ev[d->nevents].fill_at = d->win_end;
        d->ev[d->nevents].fill = n;
        d->ev[d->nevents].from = d->in_pos;
        d->nevents++;
    }
    d->win_end += n;
    d->in_pos += n;
}

#ifdef COPIER_PORT
/* Sync the freshly read input a segment ahead of the matcher. */
static inline void need(struct deflate *d, size_t upto)
{
    if (upto > d->synced) {
        size_t to = upto + (16u << 10);
        if (to > d->win_end) to = d->win_end;
        if (to > d->synced) csync(d->window + d->synced, to - d->synced);
        d->synced = to;
    }
}
#define NEED(d, upto) need((d), (upto))
#else
#define NEED(d, upto) ((void)0)
#endif

static void deflate_all(struct deflate *d)
{
    d->win_end = d->strstart = d->in_pos = 0;
    d->literals = d->matches = d->token_hash = 0;
    d->nevents = 0;
#ifdef COPIER_PORT
    d->synced = 0;
#endif
    memset(d->head, 0, sizeof(uint32_t) << d->hash_bits);
    unsigned char *w = d->window;
    for (;;) {
        if (d->win_end - d->strstart < MIN_LOOKAHEAD && d->in_pos < d->in_len) fill_window(d);
        size_t s = d->strstart, lookahead = d->win_end - s;
        if (lookahead == 0) break;
        size_t maxlen = lookahead < MAX_MATCH ? lookahead : MAX_MATCH;
        NEED(d, s + maxlen);
        if (lookahead >= MIN_MATCH) {
            uint32_t h = hash4(w + s, d->hash_bits);
            size_t cand = d->head[h];
            d->head[h] = (uint32_t)(s + 1);
            if (cand && s - (cand - 1) <= d->wsize) {
                const unsigned char *a = w + cand - 1, *b = w + s;
                size_t len = 0;
                while (len < maxlen && a[len] == b[len]) len++;
                if (len >= MIN_MATCH) {
                    size_t dist = s - (cand - 1);
                    d->matches++;
                    d->token_hash = (d->token_hash ^ (len << 32 | dist)) * 0x100000001b3ull;
                    /* Like zlib's fast levels, index the inside of short matches only. */
                    if (len <= 16)
                        for (size_t k = 1; k < len && s + k + MIN_MATCH <= d->win_end; k++)
                            d->head[hash4(w + s + k, d->hash_bits)] = (uint32_t)(s + k + 1);
                    d->strstart = s + len;
                    continue;
                }
            }
        }
        d->literals++;
        d->token_hash = (d->token_hash ^ w[s]) * 0x100000001b3ull;
        d->strstart = s + 1;
    }
}

/* Compressible input: random runs mixed with copies of earlier text. */
static void make_input(unsigned char *p, size_t n, size_t maxdist, uint64_t seed)
{
    uint64_t st = seed;
    size_t pos = 0;
    while (pos < n) {
        uint64_t r = ex_rand(&st);
        size_t len;
        if (pos < 64 || r % 3 == 0) {
            len = 8 + (r >> 8) % 56;
            if (len > n - pos) len = n - pos;
            ex_fill(p + pos, len, r);
        } else {
            size_t lim = pos < maxdist ? pos : maxdist;
            size_t dist = 1 + (r >> 8) % lim;
            len = 16 + (r >> 40) % 185;
            if (len > n - pos) len = n - pos;
            for (size_t k = 0; k < len; k++) p[pos + k] = p[pos + k - dist]; /* may overlap: byte by byte */
        }
        pos += len;
    }
}

int main(int argc, char **argv)
{
    struct ex_opts o = { .size = 32 << 10, .iters = 3, .seed = 11 };
    ex_parse_args(argc, argv, &o, "window size W in bytes, at least 1k (default 32k, as zlib)");
    if (o.size < 1024) {
        fprintf(stderr, "window: --size %zu is too small: the window must be at least 1k\n", o.size);
        return 2;
    }
    struct deflate *d = calloc(1, sizeof *d);
    size_t W = o.size, n = 4 * W < (64u << 10) ? (64u << 10) : 4 * W;
    if (W > (4u << 20)) n = 2 * W + (8u << 20); /* >= one slide, without minutes of matching */
    unsigned bits = 8;
    while (bits < 16 && ((size_t)1 << bits) < W) bits++;
    unsigned char *input = malloc(n);
    if (!d || !input) { fprintf(stderr, "window: cannot allocate %zu bytes: try a smaller --size\n", n); return 1; }
    d->wsize = W;
    d->hash_bits = bits;
    d->window = malloc(2 * W);
    d->head = calloc((size_t)1 << bits, sizeof(uint32_t));
    d->input = input;
    d->in_len = n;
    if (!d->window || !d->head) { fprintf(stderr, "window: out of memory\n"); return 1; }
    make_input(input, n, W, (uint64_t)o.seed);
    memset(d->window, 0, 2 * W);

    deflate_all(d); /* untimed warm-up */
    uint64_t t0 = ex_now_ns();
    for (long i = 0; i < o.iters; i++) deflate_all(d);
    uint64_t t1 = ex_now_ns();
#ifdef COPIER_PORT
    csync_all();
#endif
    printf("window: wsize=%zu input=%zu literals=%llu matches=%llu token_hash=%016llx\n", W, n,
           (unsigned long long)d->literals, (unsigned long long)d->matches, (unsigned long long)d->token_hash);
    ex_report_timing(&o, "window", t1 - t0);

    if (o.phases) {
        /* Replay exactly the slides and reads of one run, without matching. */
        uint64_t c0 = ex_now_ns();
        for (long i = 0; i < o.iters; i++)
            for (size_t e = 0; e < d->nevents; e++) {
                if (d->ev[e].move) memmove(d->window, d->window + W, d->ev[e].move);
                memcpy(d->window + d->ev[e].fill_at, input + d->ev[e].from, d->ev[e].fill);
                EX_CLOBBER(d->window);
            }
        uint64_t c1 = ex_now_ns();
        uint64_t total = t1 - t0, copy = c1 - c0;
        ex_report_phases(&o, copy, total > copy ? total - copy : 0);
    }
    free(d->window);
    free(d->head);
    free(d);
    free(input);
    return 0;
}
