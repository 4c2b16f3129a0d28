/*
 * example_util.h — the small amount of plumbing every example shares:
 * command-line options, a deterministic checksum, a deterministic PRNG and a
 * monotonic clock. Kept header-only so each example is still one compile.
 *
 * Every example prints its deterministic result on stdout (so tests can diff
 * the output of different builds) and its timing only on stderr, only when
 * asked (--time / --phases), so the result never depends on the timing.
 */
#ifndef EXAMPLE_UTIL_H
#define EXAMPLE_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The hand-ported build defines COPIER_PORT and includes copier.h; the plain
 * build uses libc only, so CopierGen (or nothing) decides what is async. */
#ifdef COPIER_PORT
#include <copier.h>
#define EX_VARIANT "hand-ported"
#else
#define EX_VARIANT "plain"
#endif

struct ex_opts {
    size_t size;    /* the example's main size knob (message, value, window) */
    long iters;     /* timed iterations */
    int time;       /* print "timing:" on stderr */
    int phases;     /* measure copy alone and consume alone (for the ideal bound) */
    long seed;
};

__attribute__((unused)) static void ex_usage(const char *prog, const char *what)
{
    fprintf(stderr,
            "usage: %s [--size BYTES[k|m]] [--iters N] [--seed N] [--time] [--phases]\n"
            "  --size    %s\n"
            "  --time    print the timed section's duration on stderr\n"
            "  --phases  also time the copies alone and the consumer alone\n",
            prog, what);
}

/* Parse "123", "16k", "4m" (binary units). Returns 0 on a malformed value. */
__attribute__((unused)) static size_t ex_parse_size(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s) return 0;
    if (*end == 'k' || *end == 'K') { v <<= 10; end++; }
    else if (*end == 'm' || *end == 'M') { v <<= 20; end++; }
    if (*end != '\0') return 0;
    return (size_t)v;
}

__attribute__((unused)) static void ex_parse_args(int argc, char **argv, struct ex_opts *o, const char *what)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (!strcmp(a, "--time")) o->time = 1;
        else if (!strcmp(a, "--phases")) o->phases = o->time = 1;
        else if (!strcmp(a, "--size") && has_val) {
            o->size = ex_parse_size(argv[++i]);
            if (o->size == 0) {
                fprintf(stderr, "%s: bad --size '%s': give a positive byte count such as 4096, 16k or 4m\n",
                        argv[0], argv[i]);
                exit(2);
            }
        } else if (!strcmp(a, "--iters") && has_val) {
            o->iters = atol(argv[++i]);
            if (o->iters <= 0) {
                fprintf(stderr, "%s: bad --iters '%s': give a positive count\n", argv[0], argv[i]);
                exit(2);
            }
        } else if (!strcmp(a, "--seed") && has_val) o->seed = atol(argv[++i]);
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { ex_usage(argv[0], what); exit(0); }
        else {
            fprintf(stderr, "%s: unknown or incomplete option '%s'\n", argv[0], a);
            ex_usage(argv[0], what);
            exit(2);
        }
    }
}

static inline uint64_t ex_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* splitmix64: deterministic, fast, good enough to generate test data. */
static inline uint64_t ex_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Fill a buffer with deterministic bytes (word at a time: cheap for big sizes). */
__attribute__((unused)) static void ex_fill(unsigned char *p, size_t n, uint64_t seed)
{
    uint64_t st = seed;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = ex_rand(&st);
        memcpy(p + i, &w, 8);
    }
    for (; i < n; i++) p[i] = (unsigned char)ex_rand(&st);
}

/* A checksum that touches every byte, 8 at a time: the "consumer" of most
 * examples. Order-sensitive so a misplaced byte changes it. */
static inline uint64_t ex_hash(uint64_t h, const unsigned char *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    for (; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* Keeps the compiler from folding away a phase-measurement loop. Only used
 * in --phases code, never on the measured paths of the examples. */
#define EX_CLOBBER(p) __asm__ volatile("" : : "r"(p) : "memory")

__attribute__((unused)) static void ex_report_timing(const struct ex_opts *o, const char *name, uint64_t total_ns)
{
    if (o->time)
        fprintf(stderr, "timing: example=%s variant=%s size=%zu iters=%ld total_ns=%llu\n",
                name, EX_VARIANT, o->size, o->iters, (unsigned long long)total_ns);
}

__attribute__((unused)) static void ex_report_phases(const struct ex_opts *o, uint64_t copy_ns, uint64_t consume_ns)
{
    if (o->phases)
        fprintf(stderr, "phases: copy_ns=%llu consume_ns=%llu\n",
                (unsigned long long)copy_ns, (unsigned long long)consume_ns);
}

#endif
