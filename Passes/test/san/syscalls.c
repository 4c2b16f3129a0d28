// System calls taking buffers: the kernel reads or writes in-flight bytes.
// RUN: %clang19 %san_flags -O0 %s -o %t %san_link
// RUN: not %run %t read 2>&1 | %FileCheck %s -DFN=read -DACC=WRITE -DLINE=27
// RUN: not %run %t write 2>&1 | %FileCheck %s -DFN=write -DACC=READ -DLINE=28
// RUN: not %run %t send 2>&1 | %FileCheck %s -DFN=send -DACC=READ -DLINE=29
// RUN: not %run %t recv 2>&1 | %FileCheck %s -DFN=recv -DACC=WRITE -DLINE=30
// RUN: not %run %t writev 2>&1 | %FileCheck %s -DFN=writev -DACC=READ -DLINE=31
// RUN: not %run %t pread 2>&1 | %FileCheck %s -DFN=pread -DACC=WRITE -DLINE=32
// RUN: %run %t none 2>&1 | %FileCheck %s --check-prefix=CLEAN
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "copier.h"

int main(int argc, char **argv) {
  char *src = malloc(256), *dst = malloc(256);
  memset(src, 'y', 256);
  int sv[2], fd = open("/dev/zero", O_RDONLY), nul = open("/dev/null", O_WRONLY);
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  send(sv[1], "abcd", 4, 0);
  amemcpy(dst, src, 256);
  struct iovec iov = {dst + 100, 10};
  if (!strcmp(argv[1], "read")) read(fd, dst + 8, 16);
  if (!strcmp(argv[1], "write")) write(nul, dst, 256);
  if (!strcmp(argv[1], "send")) send(sv[0], dst + 1, 3, 0);
  if (!strcmp(argv[1], "recv")) recv(sv[0], dst + 250, 4, 0);
  if (!strcmp(argv[1], "writev")) writev(nul, &iov, 1);
  if (!strcmp(argv[1], "pread")) pread(fd, dst, 1, 0);
  if (!strcmp(argv[1], "none")) { char tmp[16]; write(nul, src, 256); read(fd, tmp, 16); }
  csync(dst, 256);
  printf("ok %d\n", dst[0]);
  return 0;
}
// CHECK: ERROR: CopierSanitizer: libc-access-of-in-flight-buffer on address
// CHECK-NEXT: [[ACC]] of size {{[0-9]+}} at 0x{{[0-9a-f]+}} by [[FN]]() thread T0
// CHECK-NEXT: #0 {{.*}} in main {{.*}}syscalls.c:[[LINE]]
// CHECK: of a 256-byte in-flight destination
// CHECK: Fix: insert csync(dst, 256) before {{.*}}syscalls.c:[[LINE]]
// CLEAN-NOT: CopierSanitizer
// CLEAN: ok 121
