/* zlib's gz_read shape (gzread.c:323): copy out of the stream's buffer, then
 * advance the stream's own pointer field, then do unrelated work before the
 * caller reads `buf`. The reload of st->next may alias `buf` as far as alias
 * analysis knows, so CopierGen syncs the whole copy before it: no window. */
#include <stddef.h>
#include <string.h>

struct stream { unsigned char *next; size_t have; unsigned long crc; };

unsigned long work(const unsigned char *p, size_t n);

unsigned long read_block(struct stream *st, unsigned char *buf, size_t n) {
  memcpy(buf, st->next, n);
  st->next += n;           /* first csync lands here: "read-of-destination (load ptr)" */
  st->have -= n;
  unsigned long c = st->crc * 31 + n;   /* independent work the copy could overlap */
  return work(buf, n) ^ c; /* the real first use of buf */
}
