/* Narrow csyncs: right after a copy, loads and stores of a stream's fields
 * only MAY alias the copy's buffers, so CopierGen syncs just their bytes
 * (when they overlap the copy at run time) and keeps the copy in flight up
 * to its real use. Here the fields sometimes really are inside the
 * destination (the copy brings the struct in) or inside the source (the
 * store advances a pointer the copy is still reading). Prints no addresses. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

struct stream { unsigned char *next; size_t have; unsigned long crc; };

/* Hides where pointers come from, so alias analysis cannot tell them apart. */
__attribute__((noinline)) static void *opaque(void *p) {
  __asm__ volatile("" : "+r"(p));
  return p;
}

/* zlib's gz_read shape (gzread.c:323). */
__attribute__((noinline)) static unsigned long read_block(struct stream *st, unsigned char *buf,
                                                          size_t n) {
  memcpy(buf, st->next, n);
  st->next += n;
  st->have -= n;
  unsigned long c = st->crc * 31 + n;
  return c;
}

/* The copy in a loop: one narrow test per field access per copy. */
__attribute__((noinline)) static unsigned long drain(struct stream *st, unsigned char *out,
                                                     size_t chunk) {
  unsigned long acc = 0;
  size_t off = 0;
  while (st->have >= chunk) {
    memcpy(out + off, st->next, chunk);
    st->next += chunk;
    st->have -= chunk;
    acc = acc * 33 + st->crc;
    off += chunk;
  }
  return acc ^ off;
}

/* Checksum of [p, p+n) without the struct at p+skip (it holds pointers). */
static void show_without(const char *label, const unsigned char *p, size_t n, size_t skip) {
  printf("%s %016llx %016llx\n", label, (unsigned long long)fnv(p, skip),
         (unsigned long long)fnv(p + skip + sizeof(struct stream),
                                 n - skip - sizeof(struct stream)));
}

#define N (16 * 1024)

int main(void) {
  unsigned char *src = opaque(malloc(4 * N)), *dst = opaque(malloc(4 * N));
  unsigned char *data2 = opaque(malloc(4 * N));
  fill(data2, 4 * N, 3);

  /* 1. The fields are elsewhere: no overlap at run time. */
  struct stream *st = opaque(malloc(sizeof *st));
  fill(src, 4 * N, 1);
  st->next = src;
  st->have = 4 * N;
  st->crc = 11;
  unsigned long c = 0;
  for (int i = 0; i < 4; i++) c = c * 7 + read_block(st, dst + i * N, N);
  printf("apart %lu %zu %ld\n", c, st->have, (long)(st->next - src));
  SHOW("apart-dst", dst, 4 * N);

  /* 2. The struct is inside the destination: the copy writes it. The
   * source holds, at the same offset, the struct the reads must see. */
  const size_t at = 4096;
  struct stream in = {data2, 100000, 77};
  fill(src, N, 2);
  memcpy(src + at, &in, sizeof in);
  struct stream *sd = opaque(dst + at);
  memset(dst, 0, N);
  sd->next = src; /* where the copy reads from */
  sd->have = 5;
  sd->crc = 9;
  c = read_block(sd, dst, N);
  printf("in-dst %lu %zu %ld\n", c, sd->have, (long)(sd->next - data2));
  show_without("in-dst-buf", dst, N, at);

  /* 3. The struct is inside the source: the copy must carry the old field
   * values although the store advances the pointer right after it. */
  const size_t at2 = 8192;
  fill(src, N, 4);
  struct stream *ss = opaque(src + at2);
  ss->next = src;
  ss->have = 123456;
  ss->crc = 5;
  memset(dst, 0, N);
  c = read_block(ss, dst, N);
  struct stream seen;
  memcpy(&seen, dst + at2, sizeof seen);
  printf("in-src %lu %zu %ld | copied: next-is-old %d have %zu crc %lu\n", c, ss->have,
         (long)(ss->next - src), seen.next == src, seen.have, seen.crc);
  show_without("in-src-buf", dst, N, at2);

  /* 4. The loop: the first chunk brings the struct into the destination. */
  const size_t chunk = 4096, at3 = 100;
  struct stream first = {data2 + chunk, 3 * chunk, 5};
  fill(src, chunk, 6);
  memcpy(src + at3, &first, sizeof first);
  memset(dst, 0, 4 * N);
  struct stream *sl = opaque(dst + at3);
  sl->next = src;
  sl->have = 4 * chunk;
  sl->crc = 1;
  c = drain(sl, dst, chunk);
  printf("loop %lu %zu %ld\n", c, sl->have, (long)(sl->next - data2));
  show_without("loop-buf", dst, 4 * chunk, at3);

  /* 5. The loop with the struct elsewhere. */
  struct stream *sa = opaque(malloc(sizeof *sa));
  fill(src, 4 * N, 8);
  sa->next = src;
  sa->have = 4 * N + 7;
  sa->crc = 3;
  c = drain(sa, dst, chunk);
  printf("loop-apart %lu %zu %ld\n", c, sa->have, (long)(sa->next - src));
  SHOW("loop-apart-buf", dst, 4 * N);

  free(st);
  free(sa);
  free(src);
  free(dst);
  free(data2);
  return 0;
}
