/*
 * Buggy port: free-of-in-flight-buffer.
 *
 * A key-value port that answers a GET by copying a value out and then frees
 * the value (a DEL) while the copy may still be reading it. -DFIXED syncs
 * before the free.
 */
#include <copier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    size_t n = 64 << 10;
    unsigned char *value = malloc(n), *reply = malloc(n);
    memset(value, 'x', n);
    amemcpy(reply, value, n);
#ifdef FIXED
    csync(reply, n);
#endif
    free(value); /* BUG without FIXED: the copy may still read it */
    csync_all();
    printf("reply[0]=%c\n", reply[0]);
    free(reply);
    return 0;
}
