/* A copy whose destination is handed to a callee: CopierGen keeps it in flight
 * into a clone of the callee and records a "handoff" placement record. */
#include <string.h>

__attribute__((noinline)) static unsigned sum(const unsigned char *p, unsigned n) {
    unsigned s = 0;
    for (unsigned i = 0; i < n; i++) s += p[i];
    return s;
}

unsigned fill_and_sum(const unsigned char *src) {
    static unsigned char buf[32768];
    memcpy(buf, src, sizeof buf);
    return sum(buf, sizeof buf);
}
