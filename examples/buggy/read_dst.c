/*
 * Buggy port: read-of-in-flight-destination.
 *
 * A recv-then-parse port that submits the copy of a message and then reads
 * its header without csync: the bytes may not have arrived yet. Build with
 *   copier-cc -fsanitize=copier -g read_dst.c
 * and CopierSanitizer reports the read. -DFIXED adds the missing csync and
 * must run silently.
 */
#include <copier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    size_t n = 256 << 10;
    unsigned char *ring = malloc(n), *msg = malloc(n);
    memset(ring, 7, n);
    ring[0] = 42;
    amemcpy(msg, ring, n);
#ifdef FIXED
    csync(msg, 1);
#endif
    unsigned header = msg[0]; /* BUG without FIXED: msg is still being written */
    csync_all();
    printf("header=%u\n", header);
    free(ring);
    free(msg);
    return 0;
}
