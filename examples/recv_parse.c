/*
 * recv_parse.c — receive a message out of a ring buffer, then parse it piece
 * by piece (the Protobuf / OpenSSL pattern of the Copier paper, §6.2.3).
 *
 * A "network" has left serialized messages in the slots of a receive ring.
 * recv() copies one whole message into the application's buffer, and the
 * parser then walks it field by field: a varint key, then a varint value or
 * a length-delimited payload that it hashes. The parser needs byte 0 long
 * before it needs the last byte: that gap is the copy–use window Copier
 * fills by letting the copy run while parsing starts.
 *
 * Built twice from this one file:
 *   plain C        — memcpy; CopierGen (copier-cc) makes it asynchronous;
 *   -DCOPIER_PORT  — hand-ported: amemcpy, then csync of exactly the bytes
 *                    the parser is about to read, a segment at a time.
 *
 *   recv_parse --size 4m --iters 20 [--time] [--phases]
 * prints "fields=... varint_sum=... payload_hash=..." (identical in every build).
 */
#include "common/example_util.h"

/* Wire types, as in protobuf. */
enum { WT_VARINT = 0, WT_BYTES = 2 };

struct parse_result {
    uint64_t fields, varint_sum, payload_hash;
};

static size_t put_varint(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) { p[n++] = (unsigned char)(v | 0x80); v >>= 7; }
    p[n++] = (unsigned char)v;
    return n;
}

/* Serialize a message of exactly len bytes: a mix of varint fields and
 * payloads of 16 B .. 4 KiB, the last payload sized to land on len. */
static void make_message(unsigned char *m, size_t len, uint64_t seed)
{
    uint64_t st = seed;
    size_t pos = 0;
    while (pos < len) {
        size_t room = len - pos;
        uint64_t r = ex_rand(&st);
        uint32_t field = 1 + (uint32_t)(r % 15);
        if (room >= 24 && (r >> 8) % 4 != 0) {
            /* key (1 byte) + length varint (<= 2 bytes) + payload */
            size_t plen = 16 + (size_t)((r >> 16) % 4081);
            if (plen + 3 > room) plen = room - 3;
            pos += put_varint(m + pos, (uint64_t)field << 3 | WT_BYTES);
            size_t lv = put_varint(m + pos, plen);
            if (lv == 1 && pos + lv + plen < len && len - (pos + lv + plen) < 2) {
                /* would leave a 1-byte hole: grow the payload to fill it */
                plen += len - (pos + lv + plen);
                lv = put_varint(m + pos, plen);
            }
            pos += lv;
            if (plen > len - pos) plen = len - pos;
            ex_fill(m + pos, plen, r);
            pos += plen;
        } else if (room >= 2) {
            m[pos++] = (unsigned char)((field << 3) | WT_VARINT);
            uint64_t v = ex_rand(&st) >> (r % 57);
            unsigned char tmp[10];
            size_t vn = put_varint(tmp, v);
            if (vn > room - 1) { v = 0; vn = 1; tmp[0] = 0; }
            memcpy(m + pos, tmp, vn);
            pos += vn;
        } else {
            m[pos++] = 0; /* a 1-byte pad field: key 0 means "skip" */
        }
    }
}

#ifdef COPIER_PORT
/* The hand port keeps a watermark of how much of the message is known to
 * have arrived, and csyncs ahead of the parser a segment at a time, so one
 * csync covers many small reads. That check before every read costs the
 * parser ~2.5 % (64 KiB messages, measured), for nothing when the engine
 * copied the message at once (small messages; a site it learnt to copy
 * inline): cdone() says so, and the port then parses without checks, as
 * CopierGen's clones do. */
#define SYNC_SEGMENT (16u << 10)
struct cursor { const unsigned char *base; size_t synced, len; };
static inline void need(struct cursor *c, size_t upto)
{
    if (upto > c->synced) {
        size_t to = upto + SYNC_SEGMENT;
        if (to > c->len) to = c->len;
        csync(c->base + c->synced, to - c->synced);
        c->synced = to;
    }
}
#define NEED(c, upto) do { if (pipelined) need((c), (upto)); } while (0)
#else
struct cursor { const unsigned char *base; size_t synced, len; };
#define NEED(c, upto) ((void)0)
#endif

/* Hash a payload with four independent lanes, the way a real decoder's
 * work (validation, field copies) runs at near memory speed: that makes the
 * parse cost comparable to the copy, as in the paper's Protobuf figures. */
static uint64_t payload_hash(uint64_t h, const unsigned char *p, size_t n)
{
    uint64_t a = h, b = h ^ 0x9e37, c = h ^ 0x7f4a, d = h ^ 0x3c6e;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        uint64_t w[4];
        memcpy(w, p + i, 32);
        a = (a ^ w[0]) * 0x100000001b3ull;
        b = (b ^ w[1]) * 0x100000001b3ull;
        c = (c ^ w[2]) * 0x100000001b3ull;
        d = (d ^ w[3]) * 0x100000001b3ull;
    }
    return ex_hash(a ^ (b << 1) ^ (c << 2) ^ (d << 3), p + i, n - i);
}

/* Parse one message. Reads stay within len even for a corrupt message.
 * pipelined (a constant at each call, so each caller gets its own copy of
 * the loop): csync ahead of the reads (hand port only). */
static inline __attribute__((always_inline)) void parse_impl(const unsigned char *m, size_t len,
                                                             struct parse_result *res, int pipelined)
{
    struct cursor c = { m, 0, len };
    (void)c; (void)pipelined; /* only the hand port reads them */
    size_t pos = 0;
    while (pos < len) {
        /* One check per field for its key and varint (at most 1 + 10
         * bytes: the loops below stop at shift 63), one for its payload. */
        NEED(&c, len - pos > 11 ? pos + 11 : len);
        unsigned key = m[pos++];
        if (key == 0) continue;
        if ((key & 7) == WT_VARINT) {
            uint64_t v = 0;
            for (int shift = 0; pos < len && shift < 64; shift += 7) {
                unsigned char b = m[pos++];
                v |= (uint64_t)(b & 0x7f) << shift;
                if (!(b & 0x80)) break;
            }
            res->varint_sum += v;
        } else {
            size_t plen = 0;
            for (int shift = 0; pos < len && shift < 64; shift += 7) {
                unsigned char b = m[pos++];
                plen |= (size_t)(b & 0x7f) << shift;
                if (!(b & 0x80)) break;
            }
            if (plen > len - pos) plen = len - pos;
            NEED(&c, pos + plen);
            res->payload_hash = payload_hash(res->payload_hash, m + pos, plen);
            pos += plen;
        }
        res->fields++;
    }
}

static __attribute__((noinline)) void parse(const unsigned char *m, size_t len, struct parse_result *res)
{
    parse_impl(m, len, res, 0);
}

#ifdef COPIER_PORT
static __attribute__((noinline)) void parse_pipelined(const unsigned char *m, size_t len, struct parse_result *res)
{
    parse_impl(m, len, res, 1);
}
#endif

/* recv(): the copy out of the ring the whole example is about. */
static void recv_message(unsigned char *dst, const unsigned char *slot, size_t len)
{
#ifdef COPIER_PORT
    amemcpy(dst, slot, len);
#else
    memcpy(dst, slot, len);
#endif
}

/* Parse a message recv_message just started copying. */
static void parse_received(const unsigned char *m, size_t len, struct parse_result *res)
{
#ifdef COPIER_PORT
    if (!cdone(m, len)) {
        parse_pipelined(m, len, res);
        return;
    }
#endif
    parse(m, len, res);
}

int main(int argc, char **argv)
{
    struct ex_opts o = { .size = 64 << 10, .iters = 20, .seed = 1 };
    ex_parse_args(argc, argv, &o, "message size in bytes (default 64k)");
    size_t len = o.size;

    /* Enough slots that small messages cycle through a warm ring and big
     * ones come from memory, as a real receive ring would. */
    size_t slots = (size_t)(4u << 20) / len;
    if (slots < 2) slots = 2;
    if (slots > 64) slots = 64;
    unsigned char *ring = malloc(slots * len), *msg = malloc(len);
    if (!ring || !msg) {
        fprintf(stderr, "recv_parse: cannot allocate %zu bytes: try a smaller --size\n", (slots + 1) * len);
        return 1;
    }
    for (size_t s = 0; s < slots; s++) make_message(ring + s * len, len, (uint64_t)o.seed * 1000 + s);
    memset(msg, 0, len);

    struct parse_result res = { 0, 0, 0 };
    /* One untimed round faults in the buffers. */
    recv_message(msg, ring, len);
    parse_received(msg, len, &res);

    memset(&res, 0, sizeof res);
    uint64_t t0 = ex_now_ns();
    for (long i = 0; i < o.iters; i++) {
        recv_message(msg, ring + (size_t)(i % (long)slots) * len, len);
        parse_received(msg, len, &res);
    }
    uint64_t t1 = ex_now_ns();
#ifdef COPIER_PORT
    csync_all();
#endif
    printf("recv_parse: size=%zu iters=%ld fields=%llu varint_sum=%llu payload_hash=%016llx\n", len, o.iters,
           (unsigned long long)res.fields, (unsigned long long)res.varint_sum,
           (unsigned long long)res.payload_hash);
    ex_report_timing(&o, "recv_parse", t1 - t0);

    if (o.phases) {
        /* The copies alone, then the parser alone over an arrived message:
         * the two halves whose overlap bounds any speedup. */
        uint64_t c0 = ex_now_ns();
        for (long i = 0; i < o.iters; i++) {
            recv_message(msg, ring + (size_t)(i % (long)slots) * len, len);
            EX_CLOBBER(msg);
        }
#ifdef COPIER_PORT
        csync_all();
#endif
        uint64_t c1 = ex_now_ns();
        struct parse_result scratch = { 0, 0, 0 };
        for (long i = 0; i < o.iters; i++) { parse(msg, len, &scratch); EX_CLOBBER(&scratch); }
        uint64_t c2 = ex_now_ns();
        ex_report_phases(&o, c1 - c0, c2 - c1);
    }
    free(ring);
    free(msg);
    return 0;
}
