; Candidates: which copies become __copier_amemcpy_site and why the others do not.
; -copier-sync-immediate=0: many copies here are used right after them,
; which by default stay plain memcpy (sync-immediate.ll); this file tests
; where their csyncs go.
; The inline in-flight test is off here (pending.ll tests it).
; RUN: %opt -copier-inline-pending=0 -copier-sync-immediate=0 -passes=copier-gen,verify -pass-remarks-missed=copier -pass-remarks=copier -S %s 2>%t.rem | %FileCheck %s
; RUN: %FileCheck %s --check-prefix=REM < %t.rem
; Idempotent: a second run changes nothing.
; RUN: %opt -copier-inline-pending=0 -copier-sync-immediate=0 -passes=copier-gen -S %s | %opt -copier-sync-immediate=0 -passes=copier-gen -S | %FileCheck %s --check-prefix=TWICE
; Threshold option.
; RUN: %opt -copier-inline-pending=0 -copier-sync-immediate=0 -passes=copier-gen -copier-min-size=16 -S %s | %FileCheck %s --check-prefix=MIN16

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memmove.p0.p0.i64(ptr, ptr, i64, i1)
declare ptr @memcpy(ptr, ptr, i64)
declare ptr @__memcpy_chk(ptr, ptr, i64, i64)
declare void @sink(ptr)

; CHECK-LABEL: define void @big_const(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192, i64 [[ID:-?[0-9]+]])
; CHECK-NOT: llvm.memcpy
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: ret void
; MIN16-LABEL: define void @big_const(
; MIN16: __copier_amemcpy_site
define void @big_const(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  ret void
}

; CHECK-LABEL: define void @small_const(
; CHECK: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 64, i1 false)
; CHECK-NOT: csync
; REM: remark: <unknown>:0:0: memcpy of 64 bytes not converted: too-small
; MIN16-LABEL: define void @small_const(
; MIN16: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 64,
; MIN16-LABEL: define void @tiny(
; MIN16: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8, i1 false)
define void @small_const(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 64, i1 false)
  ret void
}
define void @tiny(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8, i1 false)
  ret void
}

; Unknown size: converted, the engine decides at run time.
; CHECK-LABEL: define void @dynamic(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
; CHECK: call void @csync(ptr %d, i64 %n)
; REM: memcpy of unknown bytes made asynchronous
define void @dynamic(ptr %d, ptr %s, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  ret void
}

; CHECK-LABEL: define void @volatile_copy(
; CHECK: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 true)
; REM: not converted: volatile
define void @volatile_copy(ptr %d, ptr %s, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 true)
  ret void
}

; CHECK-LABEL: define void @move(
; CHECK: call ptr @__copier_amemmove_site(ptr %d, ptr %s, i64 %n,
define void @move(ptr %d, ptr %s, i64 %n) {
  call void @llvm.memmove.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  ret void
}

; A libc call (as under -fno-builtin), recognised by name and prototype; its
; result is dst.
; CHECK-LABEL: define ptr @libc_call(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
; CHECK-NOT: call ptr @memcpy
; CHECK: call void @csync(ptr %d, i64 %n)
; CHECK-NEXT: ret ptr %d
define ptr @libc_call(ptr %d, ptr %s, i64 %n) {
  %r = call ptr @memcpy(ptr %d, ptr %s, i64 %n) nobuiltin
  ret ptr %r
}

; Fortify with an unprovable bound keeps the check: overflow still reaches
; __memcpy_chk (which aborts).
; CHECK-LABEL: define void @fortify(
; CHECK: [[BAD:%.*]] = icmp ugt i64 %n, 100
; CHECK: br i1 [[BAD]]
; CHECK: call ptr @__memcpy_chk(ptr %d, ptr %s, i64 %n, i64 100)
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
define void @fortify(ptr %d, ptr %s, i64 %n) {
  %r = call ptr @__memcpy_chk(ptr %d, ptr %s, i64 %n, i64 100)
  ret void
}
; Unknown object size (-1): no check needed.
; CHECK-LABEL: define void @fortify_unknown(
; CHECK-NOT: __memcpy_chk
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
define void @fortify_unknown(ptr %d, ptr %s, i64 %n) {
  %r = call ptr @__memcpy_chk(ptr %d, ptr %s, i64 %n, i64 -1)
  ret void
}

; Never inside the runtime's own functions.
; CHECK-LABEL: define void @amemcpy(
; CHECK: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
; REM: not converted: in-runtime
define void @amemcpy(ptr %d, ptr %s, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  ret void
}

; memcpy.inline must stay inline code.
; CHECK-LABEL: define void @inline_copy(
; CHECK: call void @llvm.memcpy.inline.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
; REM: not converted: unsupported (memcpy.inline must not become a call)
declare void @llvm.memcpy.inline.p0.p0.i64(ptr, ptr, i64, i1)
define void @inline_copy(ptr %d, ptr %s) {
  call void @llvm.memcpy.inline.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  ret void
}

; Runtime declarations: nounwind, no nocapture on the copy's pointers,
; csync never readnone.
; CHECK: declare ptr @__copier_amemcpy_site(ptr, ptr, i64, i64) [[CA:#[0-9]+]]
; Called through the GOT (nonlazybind, as -fno-plt): no PLT stub, clang-19's layout.
; CHECK: attributes [[CA]] = { nounwind nonlazybind willreturn memory(argmem: readwrite, inaccessiblemem: readwrite) }

; TWICE-COUNT-1: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192,
; TWICE-NOT: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192,

