/* Placeholder engine (synchronous): replaced by the real engine under issue 3. */
#include <string.h>
#include "copier.h"
void *amemcpy(void *d, const void *s, size_t n) { return memcpy(d, s, n); }
void *amemmove(void *d, const void *s, size_t n) { return memmove(d, s, n); }
void csync(const void *a, size_t n) { (void)a; (void)n; }
void csync_all(void) {}
void *__copier_amemcpy_site(void *d, const void *s, size_t n, uint64_t site) { (void)site; return memcpy(d, s, n); }
void *__copier_amemmove_site(void *d, const void *s, size_t n, uint64_t site) { (void)site; return memmove(d, s, n); }
