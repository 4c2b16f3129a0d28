; Placement: the csync goes before the first instruction on each path that
; may touch the copy's bytes, and no earlier.
; -copier-sync-immediate=0: many copies here are used right after them,
; which by default stay plain memcpy (sync-immediate.ll); this file tests
; where their csyncs go.
; The small-size guard and the inline in-flight test are off here
; (guard-small.ll, pending.ll test them): these check placement.
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -passes=copier-gen,verify -pass-remarks=copier -S %s 2>%t.rem | %FileCheck %s
; RUN: %FileCheck %s --check-prefix=REM < %t.rem

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.lifetime.start.p0(i64, ptr)
declare void @llvm.lifetime.end.p0(i64, ptr)
declare void @unknown(ptr)
declare void @opaque()
declare i32 @pure(i32) memory(none) nounwind willreturn
declare void @free(ptr)
declare ptr @realloc(ptr, i64)
declare noalias ptr @malloc(i64)

; Not before a call that provably touches neither range, nor before
; unrelated loads/stores: just before the load of dst.
; CHECK-LABEL: define i32 @late(
; CHECK: call ptr @__copier_amemcpy_site(
; CHECK-NEXT: %x = call i32 @pure(i32 %v)
; CHECK-NEXT: store i32 %x, ptr %other
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: %y = load i32, ptr %d
; REM: csync for copy at {{.*}}: read-of-destination (load i32)
define i32 @late(ptr noalias %d, ptr noalias %s, ptr noalias %other, i32 %v) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %x = call i32 @pure(i32 %v)
  store i32 %x, ptr %other
  %y = load i32, ptr %d
  ret i32 %y
}

; A load of an address inside dst, found by alias analysis (not the same SSA pointer).
; CHECK-LABEL: define i32 @gep_read(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: %y = load i32, ptr %p
define i32 @gep_read(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %p = getelementptr i8, ptr %d, i64 100
  %y = load i32, ptr %p
  ret i32 %y
}

; Reading the source is fine; writing it is not.
; CHECK-LABEL: define void @src_write(
; CHECK: %r = load i32, ptr %s
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: store i32 %r, ptr %s
; REM: write-of-source (store i32)
define void @src_write(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %r = load i32, ptr %s
  store i32 %r, ptr %s
  ret void
}

; Writing dst.
; CHECK-LABEL: define void @dst_write(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: store i32 1, ptr %d
; REM: write-of-destination (store i32)
define void @dst_write(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  store i32 1, ptr %d
  ret void
}

; Unknown callee receiving the buffer.
; CHECK-LABEL: define void @unknown_call(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: call void @unknown(ptr %d)
; REM: unknown-call (call unknown)
define void @unknown_call(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void @unknown(ptr %d)
  ret void
}

; free and realloc.
; CHECK-LABEL: define void @frees(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: call void @free(ptr %d)
; REM: free (call free)
define void @frees(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void @free(ptr %d)
  ret void
}
; CHECK-LABEL: define ptr @reallocs(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: %r = call ptr @realloc(ptr %s, i64 10)
; REM: realloc (call realloc)
define ptr @reallocs(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %r = call ptr @realloc(ptr %s, i64 10)
  ret ptr %r
}

; Indirect call, inline asm and volatile accesses force a csync even with
; nothing aliasing.
; CHECK-LABEL: define void @indirect(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: call void %fp()
; REM: indirect-call (call indirect)
define void @indirect(ptr noalias %d, ptr noalias %s, ptr %fp) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void %fp()
  ret void
}
; CHECK-LABEL: define void @asm(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: call void asm sideeffect "nop", ""()
; REM: inline-asm (call asm)
define void @asm(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void asm sideeffect "nop", ""()
  ret void
}
; CHECK-LABEL: define void @vol(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: store volatile i32 0, ptr %mmio
; REM: volatile-access (store i32)
define void @vol(ptr noalias %d, ptr noalias %s, ptr noalias %mmio) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  store volatile i32 0, ptr %mmio
  ret void
}

; Publishing to another thread: release store, fence.
; CHECK-LABEL: define void @publish(
; CHECK: %z = load i32, ptr %flag
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: store atomic i32 1, ptr %flag release
; REM: thread-publish (store i32)
define void @publish(ptr noalias %d, ptr noalias %s, ptr noalias %flag) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %z = load i32, ptr %flag
  store atomic i32 1, ptr %flag release, align 4
  ret void
}
; CHECK-LABEL: define void @fence(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: fence seq_cst
define void @fence(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  fence seq_cst
  ret void
}

; A stack buffer: synced before its lifetime ends, and before a call that
; may not return (longjmp past this frame), even one that cannot reach it.
; CHECK-LABEL: define void @stack(
; CHECK: call ptr @__copier_amemcpy_site(ptr %buf,
; CHECK-NEXT: call void @csync(ptr %buf, i64 8192)
; CHECK-NEXT: call void @opaque()
; REM: may-not-return (call opaque)
define void @stack(ptr noalias %s) {
  %buf = alloca [8192 x i8]
  call void @llvm.lifetime.start.p0(i64 8192, ptr %buf)
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %s, i64 8192, i1 false)
  call void @opaque()
  call void @llvm.lifetime.end.p0(i64 8192, ptr %buf)
  ret void
}
; CHECK-LABEL: define void @stack_end(
; CHECK: %x = call i32 @pure(i32 1)
; CHECK-NEXT: call void @csync(ptr %buf, i64 8192)
; CHECK-NEXT: call void @llvm.lifetime.end.p0(i64 8192, ptr %buf)
; REM: lifetime-end (call llvm.lifetime.end.p0)
define void @stack_end(ptr noalias %s) {
  %buf = alloca [8192 x i8]
  call void @llvm.lifetime.start.p0(i64 8192, ptr %buf)
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %s, i64 8192, i1 false)
  %x = call i32 @pure(i32 1)
  call void @llvm.lifetime.end.p0(i64 8192, ptr %buf)
  ret void
}

; Two fresh heap objects nobody else can reach: an opaque call forces nothing.
; CHECK-LABEL: define i8 @heap_local(
; CHECK: call ptr @__copier_amemcpy_site(ptr %a, ptr %b,
; CHECK-NEXT: call void @opaque()
; CHECK-NEXT: call void @csync(ptr %a, i64 8192)
; CHECK-NEXT: %v = load i8, ptr %a
define i8 @heap_local() {
  %a = call ptr @malloc(i64 8192)
  %b = call ptr @malloc(i64 8192)
  call void @llvm.memcpy.p0.p0.i64(ptr %a, ptr %b, i64 8192, i1 false)
  call void @opaque()
  %v = load i8, ptr %a
  ret i8 %v
}

; Every path gets its own csync, each at its own first access.
; CHECK-LABEL: define i32 @branches(
; CHECK: then:
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: %a = load i32, ptr %d
; CHECK: else:
; CHECK-NEXT: store i32 0, ptr %other
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: ret i32 0
define i32 @branches(ptr noalias %d, ptr noalias %s, ptr noalias %other, i1 %c) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  br i1 %c, label %then, label %else
then:
  %a = load i32, ptr %d
  ret i32 %a
else:
  store i32 0, ptr %other
  ret i32 0
}

; The copy is conditional and its operands do not dominate the join: the
; csync goes on the edge leaving their scope (the edge is split).
; CHECK-LABEL: define i32 @scope(
; CHECK: call ptr @__copier_amemcpy_site(ptr %p,
; CHECK: [[SPLIT:.*]]:
; CHECK-NEXT: call void @csync(ptr %p, i64 %n)
; CHECK-NEXT: br label %join
; CHECK: join:
; CHECK-NEXT: %v = load i32, ptr %d
; REM: leaves-scope
define i32 @scope(ptr noalias %d, ptr noalias %s, i64 %k, i1 %c, i1 %c2) {
  br i1 %c, label %do, label %join
do:
  %p = getelementptr i8, ptr %d, i64 %k
  %n = add i64 %k, 5000
  call void @llvm.memcpy.p0.p0.i64(ptr %p, ptr %s, i64 %n, i1 false)
  br i1 %c2, label %join, label %other
other:
  %w = load i32, ptr %p
  ret i32 %w
join:
  %v = load i32, ptr %d
  ret i32 %v
}

; A csync the program already has ends the copy's flight: nothing added.
; CHECK-LABEL: define i32 @handwritten(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NOT: call void @csync
; CHECK: ret i32
define i32 @handwritten(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void @csync(ptr %d, i64 8192)
  %y = load i32, ptr %d
  ret i32 %y
}
declare void @csync(ptr, i64)

; Another copy overlapping the first one is an access of it.
; CHECK-LABEL: define void @chained(
; CHECK: call ptr @__copier_amemcpy_site(ptr %b, ptr %a, i64 8192
; CHECK-NEXT: call void @csync(ptr %b, i64 8192)
; CHECK-NEXT: call ptr @__copier_amemcpy_site(ptr %c, ptr %b, i64 8192
; CHECK-NEXT: call void @csync(ptr %c, i64 8192)
define void @chained(ptr noalias %a, ptr noalias %b, ptr noalias %c) {
  call void @llvm.memcpy.p0.p0.i64(ptr %b, ptr %a, i64 8192, i1 false)
  call void @llvm.memcpy.p0.p0.i64(ptr %c, ptr %b, i64 8192, i1 false)
  ret void
}

; Two copies reading the same source do not wait for each other.
; CHECK-LABEL: define void @fanout(
; CHECK: call ptr @__copier_amemcpy_site(ptr %b, ptr %a, i64 8192
; CHECK-NEXT: call ptr @__copier_amemcpy_site(ptr %c, ptr %a, i64 8192
define void @fanout(ptr noalias %a, ptr noalias %b, ptr noalias %c) {
  call void @llvm.memcpy.p0.p0.i64(ptr %b, ptr %a, i64 8192, i1 false)
  call void @llvm.memcpy.p0.p0.i64(ptr %c, ptr %a, i64 8192, i1 false)
  ret void
}

; Nothing may go between a musttail call and its ret: the csync goes before
; the call.
; CHECK-LABEL: define i32 @tail(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: %r = musttail call i32 @same(ptr %d, ptr %s, i32 %v)
; CHECK-NEXT: ret i32 %r
define i32 @tail(ptr noalias %d, ptr noalias %s, i32 %v) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %r = musttail call i32 @same(ptr %d, ptr %s, i32 %v)
  ret i32 %r
}
declare i32 @same(ptr, ptr, i32) memory(none) nounwind willreturn

; A call of a function defined here that may touch the buffer: known-call.
; A call of one that cannot (memory(none), willreturn) forces nothing.
; With -copier-clone=0 the csync goes before the call (see interproc.ll for
; the default, which hands the range to a clone).
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -passes=copier-gen,verify -copier-clone=0 -pass-remarks=copier -S %s 2>%t.rem2 | %FileCheck %s --check-prefix=NOCLONE
; RUN: %FileCheck %s --check-prefix=NOCLONE-REM < %t.rem2
; NOCLONE-LABEL: define i32 @known(
; NOCLONE: call ptr @__copier_amemcpy_site(
; NOCLONE-NEXT: %x = call i32 @helper_pure(i32 1)
; NOCLONE-NEXT: call void @csync(ptr %d, i64 8192)
; NOCLONE-NEXT: %y = call i32 @helper_reads(ptr %d)
; NOCLONE-REM: known-call (call helper_reads)
; CHECK-LABEL: define i32 @known(
; CHECK: call ptr @__copier_amemcpy_site(
; CHECK-NEXT: %x = call i32 @helper_pure(i32 1)
; CHECK-NEXT: %y = call i32 @helper_reads.copier.0(ptr %d, ptr %d, ptr %s, i64 8192)
define i32 @helper_reads(ptr %p) {
  %v = load i32, ptr %p
  ret i32 %v
}
define i32 @helper_pure(i32 %v) memory(none) nounwind willreturn {
  ret i32 %v
}
define i32 @known(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %x = call i32 @helper_pure(i32 1)
  %y = call i32 @helper_reads(ptr %d)
  %z = add i32 %x, %y
  ret i32 %z
}

; Returning a pointer into the destination: escape-return.
; CHECK-LABEL: define ptr @ret_dst(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: ret ptr %p
; REM: escape-return (ret)
define ptr @ret_dst(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %p = getelementptr i8, ptr %d, i64 8
  ret ptr %p
}

; An acquire load of another location: atomic-access (conservative: alias
; analysis cannot order around it).
; CHECK-LABEL: define i32 @acquire(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: %f = load atomic i32, ptr %flag acquire
; REM: atomic-access (load i32)
define i32 @acquire(ptr noalias %d, ptr noalias %s, ptr noalias %flag) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %f = load atomic i32, ptr %flag acquire, align 4
  ret i32 %f
}

; A VLA is released by stackrestore, which alias analysis does not tie to
; the buffer: the csync goes before it.
; CHECK-LABEL: define void @vla(
; CHECK: call ptr @__copier_amemcpy_site(ptr %buf,
; CHECK-NEXT: %x = call i32 @pure(i32 1)
; CHECK-NEXT: call void @csync(ptr %buf, i64 %n)
; CHECK-NEXT: call void @llvm.stackrestore.p0(ptr %sp)
declare ptr @llvm.stacksave.p0()
declare void @llvm.stackrestore.p0(ptr)
define void @vla(ptr noalias %s, i64 %n) {
  %sp = call ptr @llvm.stacksave.p0()
  %buf = alloca i8, i64 %n
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %s, i64 %n, i1 false)
  %x = call i32 @pure(i32 1)
  call void @llvm.stackrestore.p0(ptr %sp)
  ret void
}
