/*
 * Buggy port: write-of-in-flight-destination.
 *
 * A key-value SET port that copies a value into the table and then
 * overwrites the value's first byte (a type tag) before the copy is synced:
 * the copy may land after the store and undo it. -DFIXED adds the csync.
 */
#include <copier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    size_t n = 64 << 10;
    unsigned char *request = malloc(n), *value = malloc(n);
    memset(request, 'v', n);
    amemcpy(value, request, n);
#ifdef FIXED
    csync(value, 1);
#endif
    value[0] = 'T'; /* BUG without FIXED: the copy may still write this byte */
    csync_all();
    printf("tag=%c\n", value[0]);
    free(request);
    free(value);
    return 0;
}
