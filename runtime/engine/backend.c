/*
 * backend.c — copy methods. A backend is one function; the engine picks
 * per task (libc memcpy by default, non-temporal stores for tasks at or
 * above nt_above when configured). A DMA engine (Intel DSA) would be a
 * third entry whose copy submits and polls a descriptor.
 */
#include <string.h>
#include "internal.h"
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

/* Streaming stores bypass the cache: useful only for destinations far
 * larger than the LLC that are not read soon (measure with bench-engine). */
void cp_copy_nt(void *dst, const void *src, size_t n) {
#if defined(__x86_64__)
  char *d = dst;
  const char *s = src;
  size_t head = (16 - ((uintptr_t)d & 15)) & 15;
  if (head > n) head = n;
  memcpy(d, s, head);
  d += head, s += head, n -= head;
  for (; n >= 64; n -= 64, d += 64, s += 64) {
    __m128i a = _mm_loadu_si128((const __m128i *)s), b = _mm_loadu_si128((const __m128i *)(s + 16));
    __m128i c = _mm_loadu_si128((const __m128i *)(s + 32)), e = _mm_loadu_si128((const __m128i *)(s + 48));
    _mm_stream_si128((__m128i *)d, a);
    _mm_stream_si128((__m128i *)(d + 16), b);
    _mm_stream_si128((__m128i *)(d + 32), c);
    _mm_stream_si128((__m128i *)(d + 48), e);
  }
  _mm_sfence(); /* make the streamed lines visible before the segment is marked done */
  memcpy(d, s, n);
#else
  memcpy(dst, src, n);
#endif
}

static void copy_libc(void *d, const void *s, size_t n) { memcpy(d, s, n); }

static const struct cp_backend backends[] = {{"memcpy", copy_libc}, {"nt", cp_copy_nt}};

void cp_backend_copy(void *dst, const void *src, size_t n) {
  backends[cp_cfg.nt_above && n >= cp_cfg.nt_above].copy(dst, src, n);
}
