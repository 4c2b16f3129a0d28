; Across functions: a copy whose first access is a call of a function defined
; in the module stays in flight into a clone f.copier.0 that takes the range
; (dst, src, n) and syncs before its own first access and before it returns.
; The small-size guard and the inline in-flight test are off here
; (guard-small.ll, pending.ll test them): these check placement.
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -passes=copier-gen,verify -pass-remarks=copier -S %s 2>%t.rem | %FileCheck %s
; RUN: %FileCheck %s --check-prefix=REM < %t.rem

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @log_it(i32)

; The original stays for other callers, without csyncs.
; CHECK-LABEL: define i64 @parse(
; CHECK-NOT: csync
; CHECK: ret i64
; The callee does work before touching the buffer: the csync moves into it,
; after that work.
define i64 @parse(ptr %buf, i64 %n, i32 %tag) {
entry:
  call void @log_it(i32 %tag)
  %first = load i8, ptr %buf
  %w = zext i8 %first to i64
  %r = add i64 %w, %n
  ret i64 %r
}

; CHECK-LABEL: define i64 @caller(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
; CHECK-NEXT: %r = call i64 @parse.copier.0(ptr %d, i64 %n, i32 7, ptr %d, ptr %s, i64 %n)
; CHECK-NEXT: ret i64 %r
; REM: stays in flight into parse: calls parse.copier.0
define i64 @caller(ptr noalias %d, ptr noalias %s, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %r = call i64 @parse(ptr %d, i64 %n, i32 7)
  ret i64 %r
}

; A second caller reuses the same clone.
; CHECK-LABEL: define i64 @caller2(
; CHECK: call i64 @parse.copier.0(ptr %d, i64 8192, i32 1, ptr %d, ptr %s, i64 8192)
define i64 @caller2(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %r = call i64 @parse(ptr %d, i64 8192, i32 1)
  ret i64 %r
}

; The original stays for other callers; the clone is internal. log_it cannot
; reach the caller's noalias buffer... but the clone only knows an argument,
; which an unknown function may reach: csync before it (sound, if early).

; A callee that touches the buffer only after pure work: csync right before
; the load, not at the call.
define i32 @later(ptr %p, i32 %k) {
  %a = mul i32 %k, 3
  %b = add i32 %a, 1
  %q = getelementptr i8, ptr %p, i32 %b
  %v = load i8, ptr %q
  %r = zext i8 %v to i32
  ret i32 %r
}
; CHECK-LABEL: define i32 @caller3(
; CHECK: call i32 @later.copier.0(ptr %d, i32 5, ptr %d, ptr %s, i64 8192)
define i32 @caller3(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %r = call i32 @later(ptr %d, i32 5)
  ret i32 %r
}
; CHECK-LABEL: define internal i64 @parse.copier.0(ptr %buf, i64 %n, i32 %tag, ptr %copier.dst, ptr %copier.src, i64 %copier.n)
; CHECK: call void @csync(ptr %copier.dst, i64 %copier.n)
; CHECK-NEXT: call void @log_it(i32 %tag)
; CHECK-NOT: csync
; CHECK: ret i64
; CHECK-LABEL: define internal i32 @later.copier.0(
; CHECK: %q = getelementptr i8, ptr %p, i32 %b
; CHECK-NEXT: call void @csync(ptr %copier.dst, i64 %copier.n)
; CHECK-NEXT: %v = load i8, ptr %q
