; A copy of unknown size: below -copier-min-size it runs as the plain
; memcpy/memmove it was (alignment kept), above it calls the engine; the
; csync after both paths is unchanged. No guard for constant sizes, with
; -copier-min-size=0 (every copy asynchronous), under the sanitizer (which
; must see every copy) or with -copier-guard-small=0.
; -copier-sync-immediate=0: the copies here are synced soon after them.
; RUN: %opt -copier-inline-pending=0 -copier-sync-immediate=0 -passes=copier-gen,verify -S %s | %FileCheck %s
; RUN: %opt -copier-inline-pending=0 -copier-sync-immediate=0 -copier-min-size=1024 -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=MIN1K
; RUN: %opt -copier-inline-pending=0 -copier-sync-immediate=0 -copier-min-size=0 -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=NOGUARD
; RUN: %opt -copier-inline-pending=0 -copier-sync-immediate=0 -copier-guard-small=0 -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=NOGUARD
; RUN: %opt -copier-inline-pending=0 -copier-sync-immediate=0 -copier-san -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=NOGUARD

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memmove.p0.p0.i64(ptr, ptr, i64, i1)
declare void @work(i64) memory(none) nounwind willreturn

; CHECK-LABEL: define i8 @dyn_copy(
; CHECK: %copier.small = icmp ult i64 %n, 4096
; CHECK-NEXT: br i1 %copier.small, label %[[PLAIN:.*]], label %[[ASYNC:.*]]
; CHECK: [[PLAIN]]:
; CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr align 16 %d, ptr align 8 %s, i64 %n, i1 false)
; CHECK-NEXT: br label %[[JOIN:.*]]
; CHECK: [[ASYNC]]:
; CHECK-NEXT: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
; CHECK-NEXT: br label %[[JOIN]]
; CHECK: [[JOIN]]:
; CHECK-NEXT: call void @work(i64 1)
; CHECK: call void @csync(ptr %d,
; CHECK-NEXT: load i8, ptr %d
; MIN1K-LABEL: define i8 @dyn_copy(
; MIN1K: icmp ult i64 %n, 1024
; NOGUARD-LABEL: define i8 @dyn_copy(
; NOGUARD-NOT: icmp ult
; NOGUARD-NOT: llvm.memcpy
; NOGUARD: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
; NOGUARD-NEXT: call void @work(i64 1)
define i8 @dyn_copy(ptr align 16 %d, ptr align 8 %s, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr align 16 %d, ptr align 8 %s, i64 %n, i1 false)
  call void @work(i64 1)
  call void @work(i64 2)
  %v = load i8, ptr %d
  ret i8 %v
}

; CHECK-LABEL: define i8 @dyn_move(
; CHECK: icmp ult i64 %n, 4096
; CHECK: call void @llvm.memmove.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
; CHECK: call ptr @__copier_amemmove_site(ptr %d, ptr %s, i64 %n,
; CHECK: call void @csync(ptr %d,
define i8 @dyn_move(ptr %d, ptr %s, i64 %n) {
  call void @llvm.memmove.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  call void @work(i64 1)
  %v = load i8, ptr %d
  ret i8 %v
}

; A constant size was judged at compile time: no guard.
; CHECK-LABEL: define i8 @const_copy(
; CHECK-NOT: icmp ult
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 65536,
; CHECK-NEXT: call void @work(i64 1)
define i8 @const_copy(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 65536, i1 false)
  call void @work(i64 1)
  %v = load i8, ptr %d
  ret i8 %v
}
