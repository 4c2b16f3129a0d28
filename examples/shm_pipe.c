/*
 * shm_pipe.c — a producer process and a consumer process passing messages
 * through a ring in shared memory (the IPC pattern of the Copier paper:
 * Binder-style message passing, here between two ordinary processes).
 *
 * The producer builds each message in private memory, copies it into a free
 * slot of the shared ring, and publishes the slot with a release store. The
 * consumer waits for the slot, copies the message out into its own buffer,
 * hands the slot back, and then consumes its copy piece by piece (hashes it).
 *
 * Built twice from this one file (plain C for CopierGen; -DCOPIER_PORT for the
 * hand port). The hand port uses copier.h's shared-memory descriptors: the
 * producer submits its copy into the slot with a descriptor that lives in
 * the shared ring (COPIER_SHARED_F) and publishes the slot at once, without
 * waiting for the copy; the consumer binds the descriptor (shm_descr_bind)
 * and waits with _csync for each piece just before it reads it. The copy
 * into shared memory thus overlaps the consumer's work on earlier pieces.
 *
 *   shm_pipe --size 64k --iters 2
 * prints "produced_hash=... consumed_hash=... match=yes" (identical in every build).
 */
#include "common/example_util.h"
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define SLOTS 4

struct ring {
    /* Separate cache lines: the two processes write one each. */
    _Alignas(64) uint64_t published; /* messages the producer has made visible */
    _Alignas(64) uint64_t consumed;  /* messages the consumer has handed back */
    _Alignas(64) uint64_t produced_hash, consumed_hash;
    _Alignas(64) unsigned char data[]; /* SLOTS descriptors (hand port), then SLOTS messages */
};

/* A shared descriptor is always offloaded, and the consumer then waits
 * across processes: for small messages that costs far more than the copy,
 * so the hand port copies them synchronously, as plain code would. Measured
 * (21 interleaved rounds): 64 KiB messages through a descriptor ran 0.83x
 * clang-19, 256 KiB ones 1.12x. */
#ifndef SHARED_MIN
#define SHARED_MIN (128u << 10)
#endif

/* Bytes reserved per descriptor in the ring (0 when none is used). */
static size_t descr_bytes(size_t len)
{
#ifdef COPIER_PORT
    return len < SHARED_MIN ? 0 : (copier_descr_size(len, 0) + 63) & ~(size_t)63;
#else
    (void)len;
    return 0;
#endif
}
static unsigned char *slot_data(struct ring *r, size_t len, uint64_t i)
{
    return r->data + SLOTS * descr_bytes(len) + (i % SLOTS) * len;
}

static void wait_until(const uint64_t *counter, uint64_t at_least)
{
    /* Spin briefly, then yield: the two processes, plus any copy thread,
     * share two cores, so a pure spin could starve the side we wait for. */
    for (unsigned spins = 0; __atomic_load_n(counter, __ATOMIC_ACQUIRE) < at_least; spins++)
        if (spins > 64) sched_yield();
}

static void producer(struct ring *r, size_t len, uint64_t nmsg, long seed)
{
    /* One private buffer per slot: a buffer is rebuilt only once the copy
     * out of it (into that slot) has finished. */
    unsigned char *msg[SLOTS];
    uint64_t h = 0;
    for (int k = 0; k < SLOTS; k++)
        if (!(msg[k] = malloc(len))) { fprintf(stderr, "shm_pipe: producer out of memory\n"); _exit(1); }
    for (uint64_t i = 0; i < nmsg; i++) {
        unsigned char *m = msg[i % SLOTS];
        wait_until(&r->consumed, i >= SLOTS ? i - SLOTS + 1 : 0); /* a free slot */
#ifdef COPIER_PORT
        void *dmem = r->data + (i % SLOTS) * descr_bytes(len);
        int shared = len >= SHARED_MIN;
        if (shared && i >= SLOTS) _csync((copier_descr *)dmem, 0, len); /* retire the slot's last copy; m is free again */
#endif
        ex_fill(m, len, (uint64_t)seed * 1000003u + i);
        h = ex_hash(h, m, len);
        unsigned char *slot = slot_data(r, len, i);
#ifdef COPIER_PORT
        if (!shared) memcpy(slot, m, len);
        else if (!_amemcpy(dmem, slot, m, len, 0, COPIER_SHARED_F, NULL, NULL)) _exit(1);
#else
        memcpy(slot, m, len);
#endif
        __atomic_store_n(&r->published, i + 1, __ATOMIC_RELEASE);
    }
#ifdef COPIER_PORT
    csync_all();
#endif
    r->produced_hash = h;
    for (int k = 0; k < SLOTS; k++) free(msg[k]);
}

static void consumer(struct ring *r, size_t len, uint64_t nmsg)
{
    unsigned char *copy = malloc(len);
    uint64_t h = 0;
    if (!copy) { fprintf(stderr, "shm_pipe: consumer out of memory\n"); _exit(1); }
    for (uint64_t i = 0; i < nmsg; i++) {
        wait_until(&r->published, i + 1);
        unsigned char *slot = slot_data(r, len, i);
#ifdef COPIER_PORT
        /* The producer's copy may still be running: wait for each piece. */
        copier_descr *d = NULL;
        if (len >= SHARED_MIN && !(d = shm_descr_bind(r->data + (i % SLOTS) * descr_bytes(len), descr_bytes(len))))
            _exit(1);
#endif
        /* Copy the message out piece by piece and consume each piece. */
        for (size_t off = 0; off < len; off += 16u << 10) {
            size_t piece = len - off < (16u << 10) ? len - off : (16u << 10);
#ifdef COPIER_PORT
            if (d) _csync(d, off, piece);
#endif
            memcpy(copy + off, slot + off, piece);
            h = ex_hash(h, copy + off, piece);
        }
        __atomic_store_n(&r->consumed, i + 1, __ATOMIC_RELEASE);
    }
    r->consumed_hash = h;
    free(copy);
}

int main(int argc, char **argv)
{
    struct ex_opts o = { .size = 64 << 10, .iters = 1, .seed = 5 };
    ex_parse_args(argc, argv, &o, "message size in bytes (default 64k)");
    size_t len = o.size;
    uint64_t per_iter = (16u << 20) / len;
    if (per_iter < 4) per_iter = 4;
    if (per_iter > 1024) per_iter = 1024;
    uint64_t nmsg = per_iter * (uint64_t)o.iters;

    size_t bytes = sizeof(struct ring) + SLOTS * (descr_bytes(len) + len);
    struct ring *r = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED) {
        perror("shm_pipe: mmap of the shared ring");
        return 1;
    }
    memset(r, 0, bytes);
    fflush(stdout);

    uint64_t t0 = ex_now_ns();
    pid_t pid = fork();
    if (pid < 0) { perror("shm_pipe: fork"); return 1; }
    if (pid == 0) {
        consumer(r, len, nmsg);
        _exit(0);
    }
    producer(r, len, nmsg, o.seed);
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "shm_pipe: the consumer process failed (status %d)\n", status);
        return 1;
    }
    uint64_t t1 = ex_now_ns();
    printf("shm_pipe: size=%zu messages=%llu produced_hash=%016llx consumed_hash=%016llx match=%s\n", len,
           (unsigned long long)nmsg, (unsigned long long)r->produced_hash,
           (unsigned long long)r->consumed_hash, r->produced_hash == r->consumed_hash ? "yes" : "NO");
    ex_report_timing(&o, "shm_pipe", t1 - t0);
    int ok = r->produced_hash == r->consumed_hash;
    munmap(r, bytes);
    return ok ? 0 : 1;
}
