/* libpng-like: many variable-size copies that are 3 bytes at run time
 * (one RGB palette entry each). CopierGen converts the call (size unknown at
 * compile time); every call then reaches the engine's submit path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void put(unsigned char *dst, const unsigned char *src, size_t n) {
    memcpy(dst, src, n);
}

int main(int argc, char **argv) {
    size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 3);
    static unsigned char pal[256 * 3], out[3 * 200000];
    for (int i = 0; i < 256 * 3; i++) pal[i] = (unsigned char)i;
    unsigned sum = 0;
    for (int k = 0; k < 200000; k++) {
        put(out + 3 * k, pal + 3 * (k & 255), n);
        sum += out[3 * k];
    }
    printf("%u\n", sum);
    return 0;
}
