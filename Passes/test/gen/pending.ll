; Each csync CopierGen keeps runs only when the engine's thread-local
; __copier_pending word is set (a load and a branch instead of a call when
; nothing is in flight), and a clone's dispatch asks __copier_in_flight only
; then. Not under the sanitizer (it must see every csync) nor with
; -copier-inline-pending=0.
; RUN: %opt -copier-sync-immediate=0 -passes=copier-gen,verify -S %s | %FileCheck %s
; RUN: %opt -copier-sync-immediate=0 -copier-inline-pending=0 -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=OFF
; RUN: %opt -copier-sync-immediate=0 -copier-san -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=OFF

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @work(i64) memory(none) nounwind willreturn

; CHECK: @__copier_pending = external thread_local(initialexec) global i64
; OFF-NOT: @__copier_pending

; CHECK-LABEL: define i8 @one_csync(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 65536,
; CHECK-NEXT: call void @work(i64 1)
; CHECK-NEXT: [[A:%.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__copier_pending)
; CHECK-NEXT: [[P:%.*]] = load i64, ptr [[A]]
; CHECK-NEXT: [[C:%.*]] = icmp ne i64 [[P]], 0
; CHECK-NEXT: br i1 [[C]], label %[[SYNC:.*]], label %[[JOIN:.*]]
; CHECK: [[SYNC]]:
; CHECK-NEXT: call void @csync(ptr %d, i64 65536)
; CHECK-NEXT: br label %[[JOIN]]
; CHECK: [[JOIN]]:
; CHECK-NEXT: load i8, ptr %d
; OFF-LABEL: define i8 @one_csync(
; OFF: call void @work(i64 1)
; OFF-NEXT: call void @csync(ptr %d, i64 65536)
; OFF-NEXT: load i8, ptr %d
define i8 @one_csync(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 65536, i1 false)
  call void @work(i64 1)
  %v = load i8, ptr %d
  ret i8 %v
}

; A clone's dispatch: nothing pending on the thread -> the original, no call.
define internal i8 @first(ptr %buf) {
  %v = load i8, ptr %buf
  ret i8 %v
}
define i8 @caller(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 65536, i1 false)
  %x = call i8 @first(ptr %d)
  ret i8 %x
}
; CHECK-LABEL: define internal i8 @first.copier.0(
; CHECK-NEXT: copier.dispatch:
; CHECK-NEXT: [[A2:%.*]] = call ptr @llvm.threadlocal.address.p0(ptr @__copier_pending)
; CHECK-NEXT: [[P2:%.*]] = load i64, ptr [[A2]]
; CHECK-NEXT: [[C2:%.*]] = icmp ne i64 [[P2]], 0
; CHECK-NEXT: br i1 [[C2]], label %copier.ask, label %copier.done
; CHECK: copier.done:
; CHECK-NEXT: tail call i8 @first(ptr %buf)
; CHECK: copier.ask:
; CHECK-NEXT: [[B:%.*]] = call i32 @__copier_in_flight(ptr %copier.dst, ptr %copier.src, i64 %copier.n)
; OFF-LABEL: define internal i8 @first.copier.0(
; OFF-NEXT: copier.dispatch:
; OFF-NEXT: call i32 @__copier_in_flight(
