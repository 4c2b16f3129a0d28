/*
 * proxy.c — an HTTP forwarding proxy in miniature (the TinyProxy pattern of
 * the Copier paper, §6.2.2).
 *
 * For each message the proxy
 *   1. recv: copies the message from the "socket" (a pool of prepared
 *      requests) into its input buffer;
 *   2. parses the request line and headers — the only bytes it reads — and
 *      picks an upstream from the Host header;
 *   3. writes rewritten headers into an output buffer and moves the body
 *      there from the input buffer without looking at it;
 *   4. send: copies the output buffer to the upstream's "wire" buffer.
 * The body goes socket -> input -> output -> wire and is never read on the
 * way: it only needs to arrive eventually (lazy copy), and the three copies
 * could be one (copy absorption).
 *
 * Built twice from this one file (plain C for CopierGen; -DCOPIER_PORT for the
 * hand port: amemcpy + csync, and the move of a body of 16 KiB or more into
 * the output buffer as a lazy low-level copy that the send reads through and
 * that is then aborted, so each body is copied twice instead of three times). --size sets the body size. Prints
 * "messages=... header_hash=... wire_hash=..." (identical in every build).
 */
#include "common/example_util.h"

#define NUPSTREAMS 4
#define MAX_HEADER 1024 /* the generator's headers always fit in this */
#define NBUF 2          /* input/output buffers in rotation */
/* The hand port moves bodies this large with a lazy low-level copy; smaller
 * ones are copied at once (measured: a lazy copy of each 1 KiB body ran the
 * port at 0.78x clang-19's speed, 1.00x copied at once). */
#ifndef LAZY_BODY_MIN
#define LAZY_BODY_MIN (16u << 10)
#endif

struct message { size_t len; unsigned char *bytes; };

static const char *const hosts[] = { "alpha.example", "beta.example", "gamma.example", "delta.example",
                                     "epsilon.example" };

static size_t make_message(unsigned char *b, size_t body, uint64_t r)
{
    int h = snprintf((char *)b, MAX_HEADER,
                     "POST /upload/%llu HTTP/1.1\r\nHost: %s\r\nUser-Agent: loadgen/1.0\r\n"
                     "X-Request-Id: %016llx\r\nContent-Length: %zu\r\n\r\n",
                     (unsigned long long)(r % 100000), hosts[r % 5], (unsigned long long)r, body);
    ex_fill(b + h, body, r);
    return (size_t)h + body;
}

/* Length of the header block (up to and including the blank line), or 0. */
static size_t header_end(const unsigned char *m, size_t n)
{
    for (size_t i = 3; i < n; i++)
        if (m[i] == '\n' && m[i - 1] == '\r' && m[i - 2] == '\n' && m[i - 3] == '\r') return i + 1;
    return 0;
}

/* Find "Name: value\r\n" among the headers; returns the value and its length. */
static const unsigned char *header_value(const unsigned char *m, size_t hlen, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i + nl + 2 < hlen; i++) {
        if ((i == 0 || m[i - 1] == '\n') && !memcmp(m + i, name, nl) && m[i + nl] == ':') {
            size_t v = i + nl + 2, e = v;
            while (e < hlen && m[e] != '\r') e++;
            *vlen = e - v;
            return m + v;
        }
    }
    *vlen = 0;
    return NULL;
}

struct proxy {
    unsigned char *in[NBUF], *out[NBUF];
    /* Hand port: the destinations of the copies that still read in[b] and
     * out[b]; csync of a destination is what frees its source for reuse. */
    unsigned char *wire_dst[NBUF];
    size_t wire_len[NBUF];
    /* Hand port: the body's copy into out[b] is lazy (low-level layer, a
     * caller-owned descriptor per buffer): nothing reads out[b]'s body but
     * the send, which the engine serves from in[b] directly (absorption);
     * the lazy copy is aborted when the buffer comes round again, so it
     * never runs. */
#ifdef COPIER_PORT
    void *body_descr_mem[NBUF];
    copier_descr *body_copy[NBUF];
#endif
    uint64_t header_hash;
};

/* Forward message i to its upstream's wire slot. */
static void forward(struct proxy *px, long i, const struct message *msg, unsigned char *wire)
{
    int b = (int)(i % NBUF);
    unsigned char *in = px->in[b], *out = px->out[b];
#ifdef COPIER_PORT
    /* Buffers in rotation may still be sources of the last round's copies. */
    if (px->wire_dst[b]) csync(px->wire_dst[b], px->wire_len[b]);
    if (px->body_copy[b]) copier_abort(px->body_copy[b]); /* the body never needed to land in out[b] */
    px->body_copy[b] = NULL;
    amemcpy(in, msg->bytes, msg->len);
    csync(in, msg->len < MAX_HEADER ? msg->len : MAX_HEADER); /* headers only */
#else
    memcpy(in, msg->bytes, msg->len);
#endif
    size_t hlen = header_end(in, msg->len < MAX_HEADER ? msg->len : MAX_HEADER);
    size_t host_len, cl_len;
    const unsigned char *host = header_value(in, hlen, "Host", &host_len);
    const unsigned char *cl = header_value(in, hlen, "Content-Length", &cl_len);
    if (!hlen || !host || !cl) {
        fprintf(stderr, "proxy: malformed message %ld (a load-generator bug)\n", i);
        exit(1);
    }
    size_t body = (size_t)strtoull((const char *)cl, NULL, 10);
    uint64_t up = ex_hash(0, host, host_len) % NUPSTREAMS;
    px->header_hash = ex_hash(px->header_hash, in, hlen) + up;

    /* Rewrite: same request line, Host replaced by the upstream, a Via added. */
    const unsigned char *line_end = memchr(in, '\n', hlen);
    size_t rl = (size_t)(line_end - in) + 1;
    memcpy(out, in, rl);
    size_t oh = rl + (size_t)snprintf((char *)out + rl, 128, "Host: upstream%llu.internal\r\nVia: 1.1 copier-proxy\r\n",
                                      (unsigned long long)up);
    /* copy the remaining headers except Host */
    for (size_t p = rl; p < hlen;) {
        const unsigned char *e = memchr(in + p, '\n', hlen - p);
        size_t l = (size_t)(e - (in + p)) + 1;
        if (!(l > 5 && !memcmp(in + p, "Host:", 5))) {
            memcpy(out + oh, in + p, l);
            oh += l;
        }
        p += l;
    }
    /* The body is moved, never read. */
#ifdef COPIER_PORT
    if (body >= LAZY_BODY_MIN) {
        px->body_copy[b] = _amemcpy(px->body_descr_mem[b], out + oh, in + hlen, body, 0, COPIER_LAZY_F, NULL, NULL);
        if (!px->body_copy[b]) exit(1); /* _amemcpy printed why */
    } else {
        /* small: a descriptor and its abort cost more than the copy they save */
        csync(in + hlen, body);
        memcpy(out + oh, in + hlen, body);
    }
    amemcpy(wire, out, oh + body); /* send: its body part is read from in[b] */
    px->wire_dst[b] = wire;
    px->wire_len[b] = oh + body;
#else
    memcpy(out + oh, in + hlen, body);
    memcpy(wire, out, oh + body); /* send */
#endif
}

int main(int argc, char **argv)
{
    struct ex_opts o = { .size = 16 << 10, .iters = 4, .seed = 3 };
    ex_parse_args(argc, argv, &o, "body size in bytes (default 16k)");
    size_t body = o.size, slot = MAX_HEADER + 128 + body;
    size_t nmsg = (48u << 20) / slot;
    if (nmsg < 2) nmsg = 2;
    if (nmsg > 256) nmsg = 256;

    struct message *pool = calloc(nmsg, sizeof *pool);
    unsigned char *wire = malloc(nmsg * slot);
    struct proxy px = { .header_hash = 0 };
    for (int b = 0; b < NBUF; b++) {
        px.in[b] = malloc(slot);
        px.out[b] = malloc(slot);
        if (!px.in[b] || !px.out[b]) return 1;
#ifdef COPIER_PORT
        px.body_descr_mem[b] = malloc(copier_descr_size(body, 0));
        if (!px.body_descr_mem[b]) return 1;
#endif
    }
    if (!pool || !wire) {
        fprintf(stderr, "proxy: cannot allocate buffers for --size %zu: try a smaller size\n", body);
        return 1;
    }
    uint64_t st = (uint64_t)o.seed;
    for (size_t i = 0; i < nmsg; i++) {
        pool[i].bytes = malloc(slot);
        if (!pool[i].bytes) { fprintf(stderr, "proxy: out of memory building the load\n"); return 1; }
        pool[i].len = make_message(pool[i].bytes, body, ex_rand(&st));
    }
    memset(wire, 0, nmsg * slot);
    for (long b = 0; b < NBUF; b++) forward(&px, b, &pool[0], wire); /* untimed warm-up of every buffer */
    px.header_hash = 0;

    uint64_t t0 = ex_now_ns();
    for (long it = 0; it < o.iters; it++)
        for (size_t i = 0; i < nmsg; i++) forward(&px, (long)i, &pool[i], wire + i * slot);
    uint64_t t1 = ex_now_ns();
#ifdef COPIER_PORT
    for (int b = 0; b < NBUF; b++) { /* the last bodies: sent, never landed in out[] */
        if (px.wire_dst[b]) csync(px.wire_dst[b], px.wire_len[b]);
        if (px.body_copy[b]) copier_abort(px.body_copy[b]);
        px.body_copy[b] = NULL;
    }
    csync_all(); /* the wire is read below */
#endif
    uint64_t wh = 0;
    for (size_t i = 0; i < nmsg; i++) wh = ex_hash(wh, wire + i * slot, slot);
    printf("proxy: body=%zu messages=%llu header_hash=%016llx wire_hash=%016llx\n", body,
           (unsigned long long)(nmsg * (size_t)o.iters), (unsigned long long)px.header_hash,
           (unsigned long long)wh);
    ex_report_timing(&o, "proxy", t1 - t0);

    if (o.phases) {
        /* The three copies of each message alone; the rest is the overlap. */
        uint64_t c0 = ex_now_ns();
        for (long it = 0; it < o.iters; it++)
            for (size_t i = 0; i < nmsg; i++) {
                unsigned char *in = px.in[i % NBUF], *out = px.out[i % NBUF];
                memcpy(in, pool[i].bytes, pool[i].len);
                EX_CLOBBER(in);
                memcpy(out + 200, in + 180, body);
                EX_CLOBBER(out);
                memcpy(wire + i * slot, out, 200 + body);
                EX_CLOBBER(wire);
            }
        uint64_t c1 = ex_now_ns();
        uint64_t total = t1 - t0, copy = c1 - c0;
        ex_report_phases(&o, copy, total > copy ? total - copy : 0);
    }
    for (size_t i = 0; i < nmsg; i++) free(pool[i].bytes);
    for (int b = 0; b < NBUF; b++) { free(px.in[b]); free(px.out[b]); }
    free(pool);
    free(wire);
    return 0;
}
