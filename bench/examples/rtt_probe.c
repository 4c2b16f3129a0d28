/*
 * rtt_probe.c — how long a cache line takes to go from one core to the other
 * and back, right now. The host moves this VM's two vCPUs around, which
 * changes the figure about 5x (see machine-copy-facts.md), and every async
 * copy pays it: the benchmark prints it beside each row so readers can tell
 * a slow row from a slow machine.
 *
 *   rtt_probe [rounds]   prints "rtt_ns=<median of 7 batches>"
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static _Alignas(64) volatile uint64_t ping;
static _Alignas(64) volatile uint64_t pong;
static long rounds = 20000;

static uint64_t now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pin(int cpu)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    pthread_setaffinity_np(pthread_self(), sizeof s, &s); /* best effort */
}

static void *echo(void *arg)
{
    (void)arg;
    pin(1);
    for (uint64_t i = 1; i <= (uint64_t)rounds * 7; i++) {
        while (ping != i) __builtin_ia32_pause();
        pong = i;
    }
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc > 1) rounds = atol(argv[1]);
    if (rounds <= 0) { fprintf(stderr, "rtt_probe: rounds must be positive\n"); return 2; }
    pthread_t t;
    pin(0);
    pthread_create(&t, NULL, echo, NULL);
    double batch[7];
    uint64_t i = 0;
    for (int b = 0; b < 7; b++) {
        uint64_t t0 = now();
        for (long r = 0; r < rounds; r++) {
            ping = ++i;
            while (pong != i) __builtin_ia32_pause();
        }
        batch[b] = (double)(now() - t0) / (double)rounds;
    }
    pthread_join(t, NULL);
    qsort(batch, 7, sizeof batch[0], cmp);
    printf("rtt_ns=%.0f\n", batch[3]);
    return 0;
}
