; Redundant csyncs: one dominated by a csync of the same range with no copy
; possibly in between is removed; one with a copy in between is kept.
; -copier-sync-immediate=0: many copies here are used right after them,
; which by default stay plain memcpy (sync-immediate.ll); this file tests
; where their csyncs go.
; The inline in-flight test is off here (pending.ll tests it).
; RUN: %opt -copier-inline-pending=0 -copier-sync-immediate=0 -passes=copier-gen,verify -pass-remarks-analysis=copier -S %s 2>%t.rem | %FileCheck %s
; RUN: %FileCheck %s --check-prefix=REM < %t.rem

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

; Both copies' walks reach the load in join: one csync stays.
; CHECK-LABEL: define i32 @join(
; CHECK: join:
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NOT: call void @csync
; CHECK: ret i32
; REM: removed: redundant after the csync
define i32 @join(ptr noalias %d, ptr noalias %s1, ptr noalias %s2, i1 %c) {
entry:
  br i1 %c, label %a, label %b
a:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s1, i64 8192, i1 false)
  br label %join
b:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s2, i64 8192, i1 false)
  br label %join
join:
  %v = load i32, ptr %d
  ret i32 %v
}

; A second copy into the same range between the two csyncs: both stay.
; CHECK-LABEL: define i32 @recopy(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s1
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: call ptr @__copier_amemcpy_site(ptr %d, ptr %s2
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: %v = load i32, ptr %d
define i32 @recopy(ptr noalias %d, ptr noalias %s1, ptr noalias %s2) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s1, i64 8192, i1 false)
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s2, i64 8192, i1 false)
  %v = load i32, ptr %d
  ret i32 %v
}
