/*
 * Buggy port: write-of-in-flight-source.
 *
 * A proxy port that moves a body out of its input buffer and then receives
 * the next message into that buffer while the move may still be reading it.
 * -DFIXED syncs the move's destination first: csync(dst) is what releases
 * a copy's source (copier.h: "the sources of those copies may be written
 * again"); a csync of the source range alone waits for nothing here.
 */
#include <copier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    size_t n = 128 << 10;
    unsigned char *in = malloc(n), *out = malloc(n);
    memset(in, 'a', n);
    amemcpy(out, in, n);
#ifdef FIXED
    csync(out, n);
#endif
    in[100] = 'b'; /* BUG without FIXED: the copy may not have read it yet */
    csync_all();
    printf("out[100]=%c\n", out[100]);
    free(in);
    free(out);
    return 0;
}
