// The records survive ld -r, --gc-sections and strip; two compiles give
// identical sections.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang19 -O2 -g -fpass-plugin=%plugin -fplugin=%plugin -mllvm -copier-project-root=%S -c %s -o %t/a.o
// RUN: %clang19 -O2 -g -fpass-plugin=%plugin -fplugin=%plugin -mllvm -copier-project-root=%S -c %s -o %t/b.o
// RUN: llvm-objcopy-19 --dump-section=copier_report=%t/a.rep %t/a.o
// RUN: llvm-objcopy-19 --dump-section=copier_report=%t/b.rep %t/b.o
// RUN: cmp %t/a.rep %t/b.rep
// RUN: %FileCheck %s < %t/a.rep
// RUN: llvm-readelf-19 -S %t/a.o | %FileCheck %s --check-prefix=FLAGS
// RUN: ld -r %t/a.o -o %t/r.o
// RUN: llvm-objcopy-19 --dump-section=copier_report=%t/r.rep %t/r.o
// RUN: cmp %t/a.rep %t/r.rep
// RUN: %clang19 -nostdlib -static -Wl,--gc-sections -Wl,-e,entry -Wl,--unresolved-symbols=ignore-all %t/a.o -o %t/exe
// RUN: strip %t/exe
// RUN: llvm-readelf-19 -S %t/exe | %FileCheck %s --check-prefix=FLAGS
// RUN: llvm-objcopy-19 --dump-section=copier_report=%t/exe.rep %t/exe
// RUN: %FileCheck %s < %t/exe.rep
// CHECK: {"file":"records-link.c","kind":"module"
// CHECK: "converted":true,"dst":"buf","file":"records-link.c","first_use":"moved","func":"fill"
// CHECK: "kind":"loop-pipelined","line":31
// Not allocatable (no A flag): the records take no memory at run time and
// do not move the program's data (they moved expat's by 5 KiB).
// FLAGS: copier_report PROGBITS {{[0-9a-f]+ [0-9a-f]+ [0-9a-f]+}} 00 0 0 1
void *memcpy(void *, const void *, unsigned long);
long total;
__attribute__((noinline)) void fill(const char *src) {
  char buf[8192];
  memcpy(buf, src, sizeof buf);
  long s = 0;
  for (int i = 0; i < 8192; i++) s += buf[i];
  total = s;
}
void entry(void) {}
// (first_use is "moved": the loop reads buf one segment at a time.)
