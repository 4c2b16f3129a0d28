; A copy whose whole range would be synced right after it (nothing but
; address arithmetic and debug records in between: first use "adjacent")
; gains nothing from the engine and would pay two calls: it stays the
; original copy, reported as not converted, `used-immediately`. Copies with
; work before their csync, per-segment csyncs in a loop, hand-offs into a
; clone or back to the callers, or narrow csyncs stay asynchronous.
; The inline in-flight test is off here (pending.ll tests it).
; RUN: %opt -copier-inline-pending=0 -passes=copier-gen,verify -pass-remarks-missed=copier -S %s 2>%t.rem | %FileCheck %s
; RUN: %FileCheck %s --check-prefix=REM < %t.rem
; RUN: %opt -copier-inline-pending=0 -passes=copier-gen,verify -copier-sync-immediate=0 -S %s | %FileCheck %s --check-prefix=OFF

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memmove.p0.p0.i64(ptr, ptr, i64, i1)
declare void @work() memory(none) nounwind willreturn
declare void @unknown(ptr)
declare void @csync(ptr, i64)
declare ptr @memcpy(ptr, ptr, i64)

; CHECK: module asm {{.*}}\\\22converted\\\22:false,\\\22dst\\\22:\\\22\\\22,\\\22file\\\22:{{[^}]*}}\\\22func\\\22:\\\22load_next\\\22,{{[^}]*}}\\\22reason\\\22:\\\22used-immediately\\\22

; Read right after the copy (its address computed in between).
; CHECK-LABEL: define i8 @load_next(
; CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
; CHECK-NOT: csync
; CHECK: ret i8
; REM: memcpy of 8192 bytes not converted: used-immediately
; OFF-LABEL: define i8 @load_next(
; OFF: call ptr @__copier_amemcpy_site(
; OFF-NEXT: %p = getelementptr
; OFF-NEXT: call void @csync(ptr %d, i64 8192)
define i8 @load_next(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %p = getelementptr i8, ptr %d, i64 5
  %v = load i8, ptr %p
  ret i8 %v
}

; libc memcpy and memmove of unknown size, then an unknown call and a
; return: the normalised copy stays (llvm.memcpy/memmove, no csync).
; CHECK-LABEL: define void @libc_then_call(
; CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
; CHECK-NEXT: call void @unknown(ptr %d)
; CHECK-NEXT: call void @llvm.memmove.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
; CHECK-NEXT: ret void
; REM: memcpy of unknown bytes not converted: used-immediately
; REM: memmove of unknown bytes not converted: used-immediately
define void @libc_then_call(ptr %d, ptr %s, i64 %n) {
  %r = call ptr @memcpy(ptr %d, ptr %s, i64 %n)
  call void @unknown(ptr %d)
  call void @llvm.memmove.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  ret void
}

; Work between the copy and its use: converted.
; CHECK-LABEL: define i8 @after_work(
; CHECK: call ptr @__copier_amemcpy_site(
; CHECK-NEXT: call void @work()
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
define i8 @after_work(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void @work()
  %v = load i8, ptr %d
  ret i8 %v
}

; Two copies, then a use of both: the second one is used at once (its
; csync follows it past the first one's), the first one runs during it.
; CHECK-LABEL: define void @pair(
; CHECK-NEXT: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192,
; CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr %e, ptr %s, i64 16384, i1 false)
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: call void @unknown(ptr %d)
define void @pair(ptr noalias %d, ptr noalias %s, ptr noalias %e) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void @llvm.memcpy.p0.p0.i64(ptr %e, ptr %s, i64 16384, i1 false)
  call void @unknown(ptr %d)
  call void @unknown(ptr %e)
  ret void
}

; The program syncs it itself, right away.
; CHECK-LABEL: define void @program_csync(
; CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: ret void
define void @program_csync(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  call void @csync(ptr %d, i64 8192)
  ret void
}

; A loop that writes the destination: the whole range on the entry edge,
; right after the copy (hoisted): no window, stays memcpy.
; CHECK-LABEL: define void @hoisted(
; CHECK: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
; CHECK-NOT: csync
; CHECK: ret void
define void @hoisted(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %p = getelementptr i8, ptr %d, i64 %i
  store i8 0, ptr %p
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; A loop that reads the destination in order, right after the copy: one
; csync per segment (strip-mined: the check heads each strip), the consumer
; overlaps the copy: converted.
; CHECK-LABEL: define i64 @pipelined(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
; CHECK: call void @csync(ptr %{{.*}}, i64 65536)
; CHECK: loop:
define i64 @pipelined(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  %p = getelementptr i8, ptr %d, i64 %i
  %v = load i8, ptr %p
  %z = zext i8 %v to i64
  %acc1 = add i64 %acc, %z
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc1
}

; Handed into a clone of the callee (which syncs at its own first access):
; converted, no csync right after it.
; CHECK-LABEL: define i8 @into_clone(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192,
; CHECK-NEXT: call i8 @reader.copier.
define i8 @into_clone(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %v = call i8 @reader(ptr %d)
  ret i8 %v
}
define i8 @reader(ptr %p) {
  call void @work()
  %v = load i8, ptr %p
  ret i8 %v
}

; Handed back to the callers at the return right after it: converted; the
; caller's own use right after the call is where the csync goes.
; CHECK-LABEL: define internal void @fill(
; CHECK-NEXT: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192,
; CHECK-NEXT: ret void
; CHECK-LABEL: define i8 @fill_caller(
; CHECK-NEXT: call void @fill(ptr %d, ptr %s)
; CHECK-NEXT: call void @work()
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
define internal void @fill(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  ret void
}
define i8 @fill_caller(ptr noalias %d, ptr noalias %s) {
  call void @fill(ptr %d, ptr %s)
  call void @work()
  %v = load i8, ptr %d
  ret i8 %v
}

; Externally visible, synced before its return right after it: stays memcpy.
; CHECK-LABEL: define void @at_return(
; CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
; CHECK-NEXT: ret void
define void @at_return(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  ret void
}

; LZ4's wildcopy: 16-byte copies in a loop. The first one is synced before
; the second (which may read its bytes), the second on both edges out of
; the block (its pointer is the loop's): only GEPs, a compare and a branch
; in between. Both stay memcpy: no calls in the loop.
; CHECK-LABEL: define void @wildcopy(
; CHECK-NOT: copier
; CHECK: ret void
; OFF-LABEL: define void @wildcopy(
; OFF: call ptr @__copier_amemcpy_site(
; OFF: call ptr @__copier_amemcpy_site(
define void @wildcopy(ptr %d0, ptr %s0, ptr %e) {
entry:
  br label %loop
loop:
  %d = phi ptr [ %d0, %entry ], [ %d1, %loop ]
  %s = phi ptr [ %s0, %entry ], [ %s1, %loop ]
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 16, i1 false)
  %d16 = getelementptr i8, ptr %d, i64 16
  %s16 = getelementptr i8, ptr %s, i64 16
  call void @llvm.memcpy.p0.p0.i64(ptr %d16, ptr %s16, i64 16, i1 false)
  %d1 = getelementptr i8, ptr %d, i64 32
  %s1 = getelementptr i8, ptr %s, i64 32
  %c = icmp ult ptr %d1, %e
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; The same with real work on one of the paths before the use: converted.
; CHECK-LABEL: define i64 @work_on_one_path(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192,
define i64 @work_on_one_path(ptr noalias %d, ptr noalias %s, ptr noalias %t, i1 %c) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  br i1 %c, label %a, label %b
a:
  %x = load i64, ptr %t
  br label %b
b:
  %y = phi i64 [ 0, %entry ], [ %x, %a ]
  %v = load i64, ptr %d
  %r = add i64 %v, %y
  ret i64 %r
}

; Only arithmetic on both paths, then the use: stays memcpy.
; CHECK-LABEL: define i64 @arith_then_use(
; CHECK-NEXT: entry:
; CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
define i64 @arith_then_use(ptr noalias %d, ptr noalias %s, i64 %k, i1 %c) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  br i1 %c, label %a, label %b
a:
  %x = mul i64 %k, 3
  br label %b
b:
  %y = phi i64 [ 0, %entry ], [ %x, %a ]
  %v = load i64, ptr %d
  %r = add i64 %v, %y
  ret i64 %r
}

; A loop of register arithmetic between the copy and its use may run long:
; not "at once", converted.
; CHECK-LABEL: define i64 @arith_loop(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192,
define i64 @arith_loop(ptr noalias %d, ptr noalias %s, i64 %k) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %x = phi i64 [ 1, %entry ], [ %x1, %loop ]
  %x1 = mul i64 %x, 7
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %k
  br i1 %c, label %loop, label %exit
exit:
  %v = load i64, ptr %d
  %r = add i64 %v, %x1
  ret i64 %r
}

; A field reload between the copy and its use (expat's storeAtts: copy, a
; pointer load that only may alias the copy, then the destination read):
; the narrow csync's access counts as an instruction, not as work, so the
; copy stays memcpy. With -copier-sync-immediate=0: narrow + whole csync.
; CHECK-LABEL: define i8 @field_reload_then_use(
; CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
; CHECK-NOT: csync
; CHECK: ret i8
; REM: memcpy of unknown bytes not converted: used-immediately
; OFF-LABEL: define i8 @field_reload_then_use(
; OFF: call ptr @__copier_amemcpy_site(
; OFF: call void @csync(ptr %st, i64 8)
; OFF: call void @csync(ptr %d, i64 %n)
define i8 @field_reload_then_use(ptr %d, ptr noalias %s, ptr %st, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %q = load ptr, ptr %st
  %v = load i8, ptr %d
  %w = load i8, ptr %q
  %r = add i8 %v, %w
  ret i8 %r
}

; The same field updated after its reload (zlib's flush_pending:
; `zmemcpy(strm->next_out, ...); strm->next_out += len;` then a read of
; the destination): the store writes the bytes the narrow csync of the
; load covers, gets no csync of its own, and counts as an instruction too:
; the copy stays memcpy. A store to other bytes is work (next function).
; CHECK-LABEL: define i8 @field_update_then_use(
; CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
; CHECK-NOT: csync
; CHECK: ret i8
; REM: memcpy of unknown bytes not converted: used-immediately
; OFF-LABEL: define i8 @field_update_then_use(
; OFF: call ptr @__copier_amemcpy_site(
; OFF: call void @csync(ptr %st, i64 8)
; OFF: call void @csync(ptr %d, i64 %n)
define i8 @field_update_then_use(ptr %d, ptr noalias %s, ptr %st, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %q = load ptr, ptr %st
  %q1 = getelementptr inbounds i8, ptr %q, i64 %n
  store ptr %q1, ptr %st
  %v = load i8, ptr %d
  ret i8 %v
}

; A load of other memory between them is work the copy overlaps: the copy
; stays asynchronous, the field's load gets its narrow csync, its store none.
; CHECK-LABEL: define i8 @field_update_then_work(
; CHECK: call ptr @__copier_amemcpy_site(
; CHECK: call void @csync(ptr %st, i64 8)
; CHECK-NOT: call void @csync(ptr %st
; CHECK: %w = load i64, ptr %o
; CHECK: call void @csync(ptr %d, i64 %n)
define i8 @field_update_then_work(ptr %d, ptr noalias %s, ptr %st, ptr noalias %o, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %q = load ptr, ptr %st
  %q1 = getelementptr inbounds i8, ptr %q, i64 %n
  store ptr %q1, ptr %st
  %w = load i64, ptr %o
  %v = load i8, ptr %d
  %t = trunc i64 %w to i8
  %r = add i8 %v, %t
  ret i8 %r
}
