; Regression (Tests/programs/regressions/byval_handoff.c): a buffer in flight
; passed by value is copied by the caller at the call, before any code of the
; callee runs, so the call cannot hand the copy off to a clone: csync first.
; -copier-sync-immediate=0: many copies here are used right after them,
; which by default stay plain memcpy (sync-immediate.ll); this file tests
; where their csyncs go.
; The inline in-flight test is off here (pending.ll tests it).
; RUN: %opt -copier-inline-pending=0 -copier-sync-immediate=0 -passes=copier-gen,verify -S %s | %FileCheck %s

%struct.big = type { [1024 x i32] }

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

define i32 @last(ptr byval(%struct.big) align 4 %b) {
entry:
  %p = getelementptr inbounds i8, ptr %b, i64 4092
  %v = load i32, ptr %p
  ret i32 %v
}

; CHECK-LABEL: define i32 @caller(
; CHECK: call ptr @__copier_amemcpy_site(ptr %b, ptr %a, i64 4096,
; CHECK-NEXT: call void @csync(ptr %b, i64 4096)
; CHECK-NEXT: %r = call i32 @last(ptr byval(%struct.big) align 4 %b)
; CHECK-NOT: copier.0
define i32 @caller(ptr noalias %a, ptr noalias %b) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %b, ptr %a, i64 4096, i1 false)
  %r = call i32 @last(ptr byval(%struct.big) align 4 %b)
  ret i32 %r
}
