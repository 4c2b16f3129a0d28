; `first_use` on copy records (docs/report-format.md): "adjacent" when a csync
; of the copy directly follows it (only address arithmetic, debug records
; and other copies' csyncs between them), else "moved": the first use moved
; away from the copy (work between them, another block, a clone, a caller).
; -copier-sync-immediate=0: many copies here are used right after them,
; which by default stay plain memcpy (sync-immediate.ll); this file tests
; where their csyncs go.
; RUN: %opt -copier-sync-immediate=0 -passes=copier-gen,verify -S %s | %FileCheck %s

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @work() memory(none) nounwind willreturn

; CHECK: module asm {{.*}}\\\22first_use\\\22:\\\22adjacent\\\22,\\\22func\\\22:\\\22at_once\\\22
; CHECK: \\\22first_use\\\22:\\\22moved\\\22,\\\22func\\\22:\\\22after_work\\\22
; CHECK: \\\22first_use\\\22:\\\22moved\\\22,\\\22func\\\22:\\\22two_copies\\\22,{{[^}]*}}\\\22line\\\22:0,{{[^}]*}}\\\22size\\\22:8192
; CHECK: \\\22first_use\\\22:\\\22moved\\\22,\\\22func\\\22:\\\22two_copies\\\22,{{[^}]*}}\\\22size\\\22:16384
; CHECK: \\\22first_use\\\22:\\\22moved\\\22,\\\22func\\\22:\\\22synced_pair\\\22,{{[^}]*}}\\\22size\\\22:8192
; CHECK: \\\22first_use\\\22:\\\22adjacent\\\22,\\\22func\\\22:\\\22synced_pair\\\22,{{[^}]*}}\\\22size\\\22:16384
; CHECK: \\\22first_use\\\22:\\\22moved\\\22,\\\22func\\\22:\\\22other_block\\\22
; CHECK: \\\22first_use\\\22:\\\22adjacent\\\22,\\\22func\\\22:\\\22at_return\\\22

; The load right after the copy (its address computed between them).
define i8 @at_once(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %p = getelementptr i8, ptr %d, i64 5
  %v = load i8, ptr %p
  ret i8 %v
}

; A call that cannot touch the range runs between the copy and its csync.
define i8 @after_work(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void @work()
  %v = load i8, ptr %d
  ret i8 %v
}

; The second copy runs before the first one's csync; a load runs before the
; second one's.
define i8 @two_copies(ptr noalias %d, ptr noalias %s, ptr noalias %e) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void @llvm.memcpy.p0.p0.i64(ptr %e, ptr %s, i64 16384, i1 false)
  %v = load i8, ptr %d
  %w = load i8, ptr %e
  %r = add i8 %v, %w
  ret i8 %r
}

; One call needs both: their csyncs sit together before it. The second copy
; runs between the first and its csync (moved); the second one's csync
; follows it past the first one's (adjacent).
define i8 @synced_pair(ptr noalias %d, ptr noalias %s, ptr noalias %e) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void @llvm.memcpy.p0.p0.i64(ptr %e, ptr %s, i64 16384, i1 false)
  call void @sink(ptr %d, ptr %e)
  ret i8 0
}
declare void @sink(ptr, ptr)

; The csync is in another block (a branch between them).
define i8 @other_block(ptr noalias %d, ptr noalias %s, i1 %c) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  br i1 %c, label %a, label %b
a:
  %v = load i8, ptr %d
  ret i8 %v
b:
  ret i8 1
}

; Synced before the return right after it (externally visible function).
define void @at_return(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  ret void
}
