/* Copies into stack buffers whose frame ends right after (the stack slot is
 * reused by the next call), and stack arrays returned by value in structs. */
#include <string.h>
#include "common.h"

static unsigned char pool[1 << 18];

__attribute__((noinline)) static uint64_t copy_and_hash(size_t off, size_t n) {
  unsigned char local[65536];
  memcpy(local, pool + off, n);
  return fnv(local, n);
}

__attribute__((noinline)) static int copy_and_return(size_t off) {
  unsigned char local[8192];
  memcpy(local, pool + off, sizeof local);   /* the frame dies at return */
  return local[0] + local[8191];
}

__attribute__((noinline)) static int copy_never_read(size_t off) {
  unsigned char local[16384];
  memcpy(local, pool + off, sizeof local);
  return (int)off;                            /* destination never used */
}

__attribute__((noinline)) static void clobber_stack(void) {
  volatile unsigned char junk[100000];
  for (int i = 0; i < 100000; i += 64) junk[i] = (unsigned char)i;
}

struct blob { unsigned char bytes[5000]; };
__attribute__((noinline)) static struct blob make_blob(size_t off) {
  struct blob b;
  memcpy(b.bytes, pool + off, sizeof b.bytes);
  return b;
}

int main(void) {
  fill(pool, sizeof pool, 8);
  unsigned long acc = 0;
  for (size_t off = 0; off < 100000; off += 9973) {
    acc = acc * 7 + copy_and_hash(off, 4096 + off % 60000);
    acc += (unsigned long)copy_and_return(off);
    acc += (unsigned long)copy_never_read(off);
    clobber_stack();
  }
  printf("acc %lu\n", acc);
  struct blob b1 = make_blob(10), b2 = make_blob(20);
  clobber_stack();
  SHOW("b1", b1.bytes, sizeof b1.bytes);
  SHOW("b2", b2.bytes, sizeof b2.bytes);
  return 0;
}
