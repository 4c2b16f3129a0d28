/* The "no csync at all" mutant: every memcpy/memmove call becomes an
 * asynchronous copy that nothing waits for. run-diff.py --modes mutant builds
 * the corpus with this header forced in (-include) to measure how many
 * programs notice a missing csync, i.e. how sharp the differential test is. */
#include <string.h>
#include <copier.h>
#undef memcpy
#undef memmove
#define memcpy(d, s, n) amemcpy((d), (s), (n))
#define memmove(d, s, n) amemmove((d), (s), (n))
