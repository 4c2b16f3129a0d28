; Loops: per-segment csyncs in a loop that consumes the destination with an
; advancing address; a csync hoisted to the loop entry when the loop needs no
; per-iteration sync; the walk goes on from the exits of a pipelined loop.
; These runs switch off the SCEV proofs (-copier-loop-strip=0) to test the
; per-load check itself, the scheme every load falls back to;
; loops-strip.ll tests the checks before loops and strip-mining.
; -copier-sync-immediate=0: many copies here are used right after them,
; which by default stay plain memcpy (sync-immediate.ll); this file tests
; where their csyncs go.
; The small-size guard and the inline in-flight test are off here
; (guard-small.ll, pending.ll test them): these check placement.
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -passes=copier-gen,verify -copier-loop-strip=0 -pass-remarks=copier -S %s 2>%t.rem | %FileCheck %s
; RUN: %FileCheck %s --check-prefix=REM < %t.rem

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

; CHECK-LABEL: define i64 @consume(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
; CHECK-NOT: call void @csync
; CHECK: loop:
; The window starts above every user address (2^64 - 1 - 65536), and one
; compare tests both ends: addr - lo > 65536 - size.
; CHECK: [[LO:%[a-z.0-9]+]] = phi i64 [ -65537, %entry ], [ [[LO2:%[a-z.0-9]+]], %{{[0-9]+}} ]
; CHECK: [[A:%[a-z.0-9]+]] = ptrtoint ptr %p to i64
; CHECK: [[OFF:%[a-z.0-9]+]] = sub i64 [[A]], [[LO]]
; CHECK: icmp ugt i64 [[OFF]], 65535
; CHECK: call void @csync(ptr %p, i64 65536)
; CHECK: [[LO2]] = phi i64 [ [[LO]], %body ], [ [[A]], %{{[0-9]+}} ]
; CHECK-NEXT: %v = load i8, ptr %p
; After the loop the rest of the range may still be in flight.
; CHECK: exit:
; CHECK-NEXT: call void @csync(ptr %d, i64 %n)
; CHECK-NEXT: ret i64
; REM: per-segment csync for copy at {{.*}}: read-of-destination (load i8)
; REM: loop consumes the copy at {{.*}} one 65536-byte segment at a time
define i64 @consume(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %body ]
  %p = getelementptr inbounds i8, ptr %d, i64 %i
  br label %body
body:
  %v = load i8, ptr %p
  %z = zext i8 %v to i64
  %acc1 = add i64 %acc, %z
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc1
}

; A loop that writes the destination needs the whole range: one csync at its
; entry, not one per iteration.
; CHECK-LABEL: define void @hoist(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
; CHECK-NEXT: call void @csync(ptr %d, i64 %n)
; CHECK-NEXT: br label %loop
; CHECK: loop:
; CHECK-NOT: csync
; CHECK: ret void
; REM: csync for copy at {{.*}}: write-of-destination (store i8), hoisted out of the loop
define void @hoist(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %p = getelementptr inbounds i8, ptr %d, i64 %i
  store i8 0, ptr %p
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; A loop that touches neither range is walked through: the csync lands
; after it.
; CHECK-LABEL: define i32 @through(
; CHECK: exit:
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: %r = load i32, ptr %d
define i32 @through(ptr noalias %d, ptr noalias %s, ptr noalias %o, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %p = getelementptr inbounds i32, ptr %o, i64 %i
  store i32 1, ptr %p
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  %r = load i32, ptr %d
  ret i32 %r
}

; A copy inside a loop: the next iteration's copy is an access of this one.
; The copy's operands are redefined each iteration, so the csync goes on the
; back edge.
; CHECK-LABEL: define void @copy_in_loop(
; CHECK: call ptr @__copier_amemcpy_site(ptr %dp, ptr %sp, i64 8192
; CHECK: call void @csync(ptr %dp, i64 8192)
; CHECK: br label %loop
define void @copy_in_loop(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %off = mul i64 %i, 8192
  %dp = getelementptr i8, ptr %d, i64 %off
  %sp = getelementptr i8, ptr %s, i64 %off
  call void @llvm.memcpy.p0.p0.i64(ptr %dp, ptr %sp, i64 8192, i1 false)
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; Loop-invariant operands: the walk goes round the back edge and the copy
; itself forces the csync (copy-reexecuted).
; CHECK-LABEL: define void @same_copy_in_loop(
; CHECK: loop:
; CHECK-NEXT: %i = phi
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192
; REM: copy-reexecuted
define void @same_copy_in_loop(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; Two loads of the destination per iteration off one base (%p, %p+8) in one
; block share one guard of their 16-byte union, before the first of them:
; one phi in the header, one check per iteration.
; CHECK-LABEL: define i64 @two_loads(
; CHECK: loop:
; CHECK-NEXT: [[W:%[a-z.0-9]+]] = phi i64 [ -65537, %entry ]
; CHECK-NOT: phi i64 [ -65537
; CHECK: icmp ugt i64 %{{[a-z.0-9]+}}, 65520
; CHECK: call void @csync(ptr %p, i64 65536)
; CHECK-NOT: call void @csync
; CHECK: %v = load i64, ptr %p
; CHECK-NEXT: %w = load i64, ptr %q
; CHECK: exit:
; CHECK-NEXT: call void @csync(ptr %d, i64 %n)
define i64 @two_loads(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc2, %loop ]
  %p = getelementptr inbounds i8, ptr %d, i64 %i
  %q = getelementptr inbounds i8, ptr %p, i64 8
  %v = load i64, ptr %p
  %w = load i64, ptr %q
  %acc1 = add i64 %acc, %v
  %acc2 = add i64 %acc1, %w
  %i1 = add nuw i64 %i, 16
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc2
}

; The union starts below the first load in block order (%q = %p+8 is read
; before %p): the guard, before %q, covers [%p, %p+16) through a new pointer.
; CHECK-LABEL: define i64 @reversed_loads(
; CHECK: [[G:%copier.grp[0-9]*]] = getelementptr i8, ptr %p, i64 0
; CHECK: icmp ugt i64 %{{[a-z.0-9]+}}, 65520
; CHECK: call void @csync(ptr [[G]], i64 65536)
; CHECK-NOT: call void @csync
; CHECK: %w = load i64, ptr %q
; CHECK-NEXT: %v = load i64, ptr %p
define i64 @reversed_loads(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc2, %loop ]
  %p = getelementptr inbounds i8, ptr %d, i64 %i
  %q = getelementptr inbounds i8, ptr %p, i64 8
  %w = load i64, ptr %q
  %v = load i64, ptr %p
  %acc1 = add i64 %acc, %v
  %acc2 = add i64 %acc1, %w
  %i1 = add nuw i64 %i, 16
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc2
}
