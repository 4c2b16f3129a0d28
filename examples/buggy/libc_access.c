/*
 * Buggy port: libc-access-of-in-flight-buffer.
 *
 * A port that copies a C string and measures it with strlen before the copy
 * is synced: libc reads memory the compiler cannot instrument, so the
 * sanitizer's interceptor must catch it. -DFIXED adds the csync.
 */
#include <copier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    size_t n = 32 << 10;
    char *src = malloc(n), *dst = malloc(n);
    memset(src, 'h', n - 1);
    src[n - 1] = '\0';
    amemcpy(dst, src, n);
#ifdef FIXED
    csync(dst, n);
#endif
    size_t len = strlen(dst); /* BUG without FIXED: dst is still being written */
    csync_all();
    printf("len=%zu\n", len);
    free(src);
    free(dst);
    return 0;
}
