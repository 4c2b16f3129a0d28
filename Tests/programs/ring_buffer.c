/* A ring buffer filled by copies inside a loop; the consumer reads slots
 * a few iterations later, and slots are overwritten while others are read. */
#include <string.h>
#include "common.h"

#define SLOTS 8
#define SLOT 16384
static unsigned char ring[SLOTS][SLOT];
static unsigned char input[SLOT * 64];

int main(void) {
  fill(input, sizeof input, 11);
  unsigned long acc = 0;
  for (int i = 0; i < 200; i++) {
    size_t off = ((size_t)i * 4099) % (sizeof input - SLOT);
    memcpy(ring[i % SLOTS], input + off, SLOT);          /* produce */
    if (i >= 3) {                                         /* consume a lagging slot */
      const unsigned char *s = ring[(i - 3) % SLOTS];
      for (int k = 0; k < SLOT; k += 8) acc += s[k] * (unsigned long)(k + 1);
    }
    if (i % 50 == 49) input[i] ^= 0x55;                  /* write the source */
  }
  printf("acc %lu\n", acc);
  /* variable-size messages appended into a byte ring with wrap-around */
  static unsigned char bytes[10007];
  size_t head = 0;
  for (int i = 0; i < 500; i++) {
    size_t n = 1 + ((size_t)i * 131) % 3000, first = n;
    if (head + n > sizeof bytes) first = sizeof bytes - head;
    memcpy(bytes + head, input + i, first);
    memcpy(bytes, input + i + first, n - first);
    head = (head + n) % sizeof bytes;
  }
  SHOW("bytes", bytes, sizeof bytes);
  return 0;
}
