/*
 * kvstore.c — a tiny in-memory key-value store driven by a built-in load
 * generator (the Redis pattern of the Copier paper, §6.2.1).
 *
 * Each request goes the way it goes in Redis:
 *   1. recv: the request is copied from the "socket" (a pool of prepared
 *      requests) into a query buffer;
 *   2. the command line ("SET key len" / "GET key") is parsed — a few bytes;
 *   3. SET copies the value out of the query buffer into the table;
 *      GET copies the value out of the table into the reply buffer;
 *   4. send: the reply is consumed piece by piece (hashed, standing in for
 *      the kernel reading it).
 * Only the first bytes of a request are needed at once, and a SET's value is
 * not needed until a later GET: long copy–use windows.
 *
 * Built twice from this one file (plain C for CopierGen; -DCOPIER_PORT for the
 * hand port with amemcpy + csync). Options:
 *   --size N   every value is N bytes (default: a mix of 1, 4, 16, 64, 256 KiB)
 *   --iters N  passes over the request pool
 * Prints "ops=... replies_hash=... table_hash=..." (identical in every build).
 */
#include "common/example_util.h"

#define SEND_PIECE (16u << 10)
#define QBUFS 2  /* query buffers in rotation, so the next recv need not wait for a SET's copy */

struct request { size_t len; unsigned char *bytes; };

struct kv { unsigned char **val; size_t *len; size_t nkeys; };

static size_t value_size(const struct ex_opts *o, uint64_t r)
{
    static const size_t mix[] = { 1u << 10, 4u << 10, 16u << 10, 64u << 10, 256u << 10 };
    return o->size ? o->size : mix[r % 5];
}

/* Parse "SET <key> <len>\r\n" or "GET <key>\r\n". Returns the header length,
 * or 0 for a malformed request. */
static size_t parse_command(const unsigned char *q, size_t qlen, int *is_set, size_t *key, size_t *vlen)
{
    size_t i = 4, k = 0, n = 0;
    if (qlen < 6) return 0;
    *is_set = q[0] == 'S';
    while (i < qlen && q[i] >= '0' && q[i] <= '9') k = k * 10 + (size_t)(q[i++] - '0');
    if (*is_set) {
        if (i >= qlen || q[i] != ' ') return 0;
        i++;
        while (i < qlen && q[i] >= '0' && q[i] <= '9') n = n * 10 + (size_t)(q[i++] - '0');
    }
    if (i + 2 > qlen || q[i] != '\r' || q[i + 1] != '\n') return 0;
    *key = k;
    *vlen = n;
    return i + 2;
}

/* One request, start to finish. Returns the hash of the reply "sent". */
#ifdef COPIER_PORT
/* The hand port keeps, per query buffer, the lazy copy that "received" the
 * request into it and the destination of the SET copy that may still be
 * reading it. Only the command line of a request is ever read from the query
 * buffer: the receive is a lazy copy of which a csync runs just the first
 * segment, and the SET's copy of the value into the table reads the rest
 * straight from the request (absorption), so a value is copied once, not
 * twice. Releasing the buffer syncs the SET's destination and aborts what is
 * left of the receive: it never runs. */
static struct {
    unsigned char *qbuf, *dst;
    size_t len;
    void *recv_mem;      /* caller-owned descriptor memory (low-level layer) */
    copier_descr *recv;  /* the lazy receive into qbuf, until released */
} pending[QBUFS];
static size_t recv_descr_bytes; /* copier_descr_size of the largest request */
/* The three thresholds below can be set with -D, to rerun the variants
 * docs/examples.md quotes ("What limits the gains: kvstore"). */
/* The receive's segments: syncing the command line runs one of them, so
 * they are small (the engine's default 64 KiB would copy the first 64 KiB
 * of every value twice). */
#ifndef RECV_GRANULE
#define RECV_GRANULE 4096
#endif
/* Copies below this are plain memcpy in the port: the engine would copy
 * them at once anyway (its sync_below), and each call into it costs a few
 * nanoseconds that 1 KiB requests notice (0.93x clang-19 with ~4 calls per
 * request; 1.00x with one csync). */
#ifndef PORT_MEMCPY_BELOW
#define PORT_MEMCPY_BELOW (8u << 10)
#endif
/* Requests below this are received with amemcpy, which copies them at once
 * (the engine keeps copies under 8 KiB synchronous): measured, a lazy
 * receive per 1 KiB request ran the port at 0.54x clang-19's speed. */
#ifndef LAZY_RECV_MIN
#define LAZY_RECV_MIN (32u << 10)
#endif

static int qbuf_slot(unsigned char *qbuf)
{
    for (int i = 0; i < QBUFS; i++)
        if (pending[i].qbuf == qbuf) return i;
    for (int i = 0; i < QBUFS; i++)
        if (pending[i].qbuf == NULL) {
            pending[i].qbuf = qbuf;
            pending[i].recv_mem = malloc(recv_descr_bytes);
            if (!pending[i].recv_mem) { fprintf(stderr, "kvstore: out of memory\n"); exit(1); }
            return i;
        }
    fprintf(stderr, "kvstore: more query buffers than QBUFS\n");
    exit(1);
}
static void release_qbuf(unsigned char *qbuf)
{
    int i = qbuf_slot(qbuf);
    if (pending[i].dst) csync(pending[i].dst, pending[i].len);
    pending[i].dst = NULL;
    if (pending[i].recv) copier_abort(pending[i].recv);
    pending[i].recv = NULL;
}
/* After csync_all every copy is retired: forget them. */
static void forget_pending(void)
{
    for (int i = 0; i < QBUFS; i++) pending[i].dst = NULL, pending[i].recv = NULL;
}
#endif

static uint64_t serve(struct kv *db, unsigned char *qbuf, const struct request *rq, unsigned char *reply)
{
    int is_set;
    size_t key, vlen;
#ifdef COPIER_PORT
    release_qbuf(qbuf);
    int slot = qbuf_slot(qbuf);
    /* The command line is at most "SET " + 20 + " " + 20 + "\r\n": sync just that. */
    size_t line = rq->len < 48 ? rq->len : 48;
    if (rq->len >= LAZY_RECV_MIN) {
        pending[slot].recv = _amemcpy(pending[slot].recv_mem, qbuf, rq->bytes, rq->len, RECV_GRANULE, COPIER_LAZY_F, NULL, NULL);
        if (!pending[slot].recv) exit(1); /* _amemcpy said why */
        _csync(pending[slot].recv, 0, line);
    } else if (rq->len >= PORT_MEMCPY_BELOW) {
        /* mid-size: a descriptor's set-up costs more than the copy it saves */
        amemcpy(qbuf, rq->bytes, rq->len);
        csync(qbuf, line);
    } else {
        memcpy(qbuf, rq->bytes, rq->len); /* release_qbuf synced what used qbuf */
    }
#else
    memcpy(qbuf, rq->bytes, rq->len);
#endif
    size_t hdr = parse_command(qbuf, rq->len, &is_set, &key, &vlen);
    if (hdr == 0 || key >= db->nkeys || (is_set && vlen != rq->len - hdr)) {
        fprintf(stderr, "kvstore: malformed request (a load-generator bug)\n");
        exit(1);
    }
    if (is_set) {
        if (db->len[key] != vlen) {
#ifdef COPIER_PORT
            csync(db->val[key], db->len[key]); /* never free memory a copy still uses */
#endif
            free(db->val[key]);
            db->val[key] = malloc(vlen);
            if (!db->val[key]) { fprintf(stderr, "kvstore: out of memory\n"); exit(1); }
            db->len[key] = vlen;
        }
#ifdef COPIER_PORT
        csync(db->val[key], vlen);               /* an earlier SET may still be writing it */
        if (vlen >= PORT_MEMCPY_BELOW) {
            amemcpy(db->val[key], qbuf + hdr, vlen); /* reads the request itself where qbuf is not filled */
            pending[slot].dst = db->val[key];
            pending[slot].len = vlen;
        } else {
            memcpy(db->val[key], qbuf + hdr, vlen);
        }
#else
        memcpy(db->val[key], qbuf + hdr, vlen);
#endif
        memcpy(reply, "+OK\r\n", 5);
        return ex_hash(0, reply, 5);
    }
    size_t n = db->len[key];
    int h = snprintf((char *)reply, 32, "$%zu\r\n", n);
#ifdef COPIER_PORT
    if (n < PORT_MEMCPY_BELOW) {
        csync(db->val[key], n); /* a SET may still be writing it */
        memcpy(reply + h, db->val[key], n);
        return ex_hash(ex_hash(0, reply, (size_t)h), reply + h, n);
    }
    amemcpy(reply + h, db->val[key], n);
#else
    memcpy(reply + h, db->val[key], n);
#endif
    /* "send" consumes the reply in 16 KiB pieces, as a kernel copying it to a
     * socket would; the hand port syncs each piece just before it is read. */
    uint64_t hash = ex_hash(0, reply, (size_t)h);
    for (size_t off = 0; off < n; off += SEND_PIECE) {
        size_t piece = n - off < SEND_PIECE ? n - off : SEND_PIECE;
#ifdef COPIER_PORT
        csync(reply + h + off, piece);
#endif
        hash = ex_hash(hash, reply + h + off, piece);
    }
    return hash;
}

int main(int argc, char **argv)
{
    struct ex_opts o = { .size = 0, .iters = 4, .seed = 7 };
    ex_parse_args(argc, argv, &o, "value size in bytes (default: mixed 1k..256k)");
    size_t maxv = o.size ? o.size : 256u << 10;
    /* Keep the pool and the table near 64 MiB each whatever the value size. */
    size_t nreq = (64u << 20) / maxv, nkeys = (32u << 20) / maxv;
    if (nreq < 2) nreq = 2;
    if (nreq > 256) nreq = 256;
    if (nkeys < 2) nkeys = 2;
    if (nkeys > 128) nkeys = 128;

    struct kv db = { calloc(nkeys, sizeof(unsigned char *)), calloc(nkeys, sizeof(size_t)), nkeys };
    struct request *pool = calloc(nreq, sizeof *pool);
    unsigned char *qbuf[QBUFS], *reply = malloc(maxv + 32);
    for (int i = 0; i < QBUFS; i++) qbuf[i] = malloc(maxv + 48);
#ifdef COPIER_PORT
    recv_descr_bytes = copier_descr_size(maxv + 48, RECV_GRANULE);
#endif
    if (!db.val || !db.len || !pool || !reply || !qbuf[0] || !qbuf[1]) {
        fprintf(stderr, "kvstore: cannot allocate buffers for --size %zu: try a smaller size\n", maxv);
        return 1;
    }

    /* The load: half SETs, half GETs, keys and sizes from a seeded PRNG. */
    uint64_t st = (uint64_t)o.seed;
    for (size_t i = 0; i < nreq; i++) {
        uint64_t r = ex_rand(&st);
        size_t key = (r >> 8) % nkeys;
        int is_set = (r >> 40) & 1;
        size_t vlen = is_set ? value_size(&o, r >> 16) : 0;
        unsigned char *b = malloc(48 + vlen);
        if (!b) { fprintf(stderr, "kvstore: out of memory building the load\n"); return 1; }
        int h = is_set ? snprintf((char *)b, 48, "SET %zu %zu\r\n", key, vlen)
                       : snprintf((char *)b, 48, "GET %zu\r\n", key);
        if (is_set) ex_fill(b + h, vlen, r);
        pool[i].bytes = b;
        pool[i].len = (size_t)h + vlen;
    }

    /* Preload every key (untimed) so every GET hits. */
    uint64_t replies = 0;
    for (size_t k = 0; k < nkeys; k++) {
        size_t vlen = value_size(&o, k * 7 + 3);
        unsigned char *b = malloc(48 + vlen);
        int h = snprintf((char *)b, 48, "SET %zu %zu\r\n", k, vlen);
        ex_fill(b + h, vlen, k + 1000);
        struct request rq = { (size_t)h + vlen, b };
        replies ^= serve(&db, qbuf[k % QBUFS], &rq, reply);
#ifdef COPIER_PORT
        csync_all(); /* b is freed next */
        forget_pending();
#endif
        free(b);
    }

    uint64_t t0 = ex_now_ns();
    for (long it = 0; it < o.iters; it++)
        for (size_t i = 0; i < nreq; i++)
            replies = replies * 31 + serve(&db, qbuf[i % QBUFS], &pool[i], reply);
    uint64_t t1 = ex_now_ns();
#ifdef COPIER_PORT
    csync_all();
    forget_pending();
#endif

    uint64_t table = 0;
    for (size_t k = 0; k < nkeys; k++) table = ex_hash(table ^ db.len[k], db.val[k], db.len[k]);
    printf("kvstore: value_size=%s keys=%zu ops=%llu replies_hash=%016llx table_hash=%016llx\n",
           o.size ? "fixed" : "mixed", nkeys, (unsigned long long)(nreq * (size_t)o.iters),
           (unsigned long long)replies, (unsigned long long)table);
    ex_report_timing(&o, "kvstore", t1 - t0);
    if (o.time)
        fprintf(stderr, "throughput: ops_per_s=%.0f\n", (double)nreq * (double)o.iters * 1e9 / (double)(t1 - t0));

    if (o.phases) {
        /* The same copies alone (recv, then the SET or GET copy); everything
         * else is what the copies could overlap with. */
        unsigned char *scratch = malloc(maxv);
        if (!scratch) { fprintf(stderr, "kvstore: out of memory for --phases\n"); return 1; }
        memset(scratch, 0, maxv);
        uint64_t c0 = ex_now_ns();
        for (long it = 0; it < o.iters; it++)
            for (size_t i = 0; i < nreq; i++) {
                const struct request *rq = &pool[i];
                unsigned char *q = qbuf[i % QBUFS];
                memcpy(q, rq->bytes, rq->len);
                EX_CLOBBER(q);
                int is_set;
                size_t key, vlen;
                size_t hdr = parse_command(q, rq->len, &is_set, &key, &vlen);
                if (is_set) memcpy(scratch, q + hdr, vlen); /* not the table: sizes may differ */
                else memcpy(reply, db.val[key], db.len[key]);
                EX_CLOBBER(reply);
            }
        uint64_t c1 = ex_now_ns();
        free(scratch);
        uint64_t total = t1 - t0, copy = c1 - c0;
        ex_report_phases(&o, copy, total > copy ? total - copy : 0);
    }
    for (size_t k = 0; k < nkeys; k++) free(db.val[k]);
    for (size_t i = 0; i < nreq; i++) free(pool[i].bytes);
    for (int i = 0; i < QBUFS; i++) free(qbuf[i]);
    free(reply);
    free(pool);
    free(db.val);
    free(db.len);
    return 0;
}
