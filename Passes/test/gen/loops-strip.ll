; Pipelined loops whose walk SCEV proves: checked once before the loop
; (whole walk within a segment) or strip-mined (one check per segment), and
; the cases that keep a check per load. docs/copiergen.md, "Pipelining".
; -copier-sync-immediate=0: a few copies here are used right after them
; (e.g. a loop that also writes the source syncs at its entry), which by
; default stay memcpy (sync-immediate.ll); this file tests where csyncs go.
; The small-size guard and the inline in-flight test are off here
; (guard-small.ll, pending.ll test them): these check placement.
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -passes=copier-gen,verify -pass-remarks=copier -S %s 2>%t.rem | %FileCheck %s
; RUN: %FileCheck %s --check-prefix=REM < %t.rem
; Without the proofs every load keeps its check:
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -passes=copier-gen,verify -copier-loop-strip=0 -S %s | %FileCheck %s --check-prefix=NOSTRIP
; NOSTRIP-NOT: copier.strip
; NOSTRIP-NOT: copier.walk

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

; Strip-mining: the latch's exit count is computable, so the loop becomes a
; loop over strips. Each strip checks the window once at the current
; iteration (the address recomputed from the header phi's strip value),
; counts the iterations the window covers (never past the exit count), then
; runs the original body, whose exit test is now "rem == 0" on a counter
; going down; the old test is gone. "done" tells the real exit from the end
; of a strip.
; CHECK-LABEL: define i64 @strip_basic(
; CHECK: loop.preheader:
; CHECK-NEXT: [[EC:%[0-9]+]] = add i64 %n, -1
; CHECK-NEXT: br label %copier.strip
; CHECK: copier.strip:
; CHECK-NEXT: [[LO:%copier.lo[0-9]*]] = phi i64 [ -65537, %loop.preheader ], [ [[LOE:%copier.lo[0-9]*]], %copier.strip.end ]
; CHECK-NEXT: [[J:%copier.j]] = phi i64 [ 0, %loop.preheader ], [ [[JN:%copier.j.next]], %copier.strip.end ]
; CHECK-NEXT: %i.strip = phi i64 [ 0, %loop.preheader ], [ %i1, %copier.strip.end ]
; CHECK-NEXT: %acc.strip = phi i64 [ 0, %loop.preheader ], [ %acc1, %copier.strip.end ]
; CHECK-NEXT: [[P:%p.at]] = getelementptr i8, ptr %d, i64 %i.strip
; CHECK-NEXT: [[A:%copier.addr]] = ptrtoint ptr [[P]] to i64
; CHECK-NEXT: [[DIFF:%copier.off]] = sub i64 [[A]], [[LO]]
; CHECK-NEXT: [[SEG:%copier.seg]] = icmp ugt i64 [[DIFF]], 65535
; CHECK-NEXT: br i1 [[SEG]], label %[[SYNC:[0-9]+]], label %[[ROOM:[0-9]+]], !prof
; CHECK: [[SYNC]]:
; CHECK-NEXT: call void @csync(ptr [[P]], i64 65536)
; CHECK: [[ROOM]]:
; CHECK-NEXT: [[LO2:%copier.lo[0-9]*]] = phi i64 [ [[LO]], %copier.strip ], [ [[A]], %[[SYNC]] ]
; CHECK-NEXT: [[IN:%[0-9]+]] = sub i64 [[A]], [[LO2]]
; CHECK-NEXT: [[N:%[0-9]+]] = sub i64 65535, [[IN]]
; CHECK-NEXT: [[LEFT:%[0-9]+]] = sub i64 [[EC]], [[J]]
; CHECK-NEXT: [[K:%[0-9]+]] = call i64 @llvm.umin.i64(i64 [[N]], i64 [[LEFT]])
; CHECK-NEXT: [[LAST:%copier.strip.last]] = add i64 [[J]], [[K]]
; CHECK-NEXT: br label %loop
; CHECK: loop:
; CHECK-NEXT: [[RN:%copier.rem]] = phi i64 [ [[RNX:%copier.rem.next]], %loop ], [ [[K]], %[[ROOM]] ]
; CHECK-NOT: csync
; CHECK-NOT: icmp ult
; CHECK: [[RNX]] = add i64 [[RN]], -1
; CHECK-NEXT: [[AT:%copier.strip.at]] = icmp eq i64 [[RN]], 0
; CHECK-NEXT: br i1 [[AT]], label %copier.strip.end, label %loop, !prof !{{[0-9]+}}, !copier.strip
; CHECK: copier.strip.end:
; CHECK-NEXT: [[DONE:%copier.strip.done]] = icmp eq i64 [[LAST]], [[EC]]
; CHECK-NEXT: [[JN]] = add nuw i64 [[LAST]], 1
; CHECK-NEXT: br i1 [[DONE]], label %exit, label %copier.strip
; CHECK: exit:
; CHECK-NEXT: %r = phi i64 [ 0, %entry ], [ %acc1, %copier.strip.end ]
; CHECK-NEXT: call void @csync(ptr %d, i64 %n)
; REM: per-segment csync for copy at {{.*}}: read-of-destination (load i8)
; REM: loop consumes the copy at {{.*}} one 65536-byte segment at a time
define i64 @strip_basic(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %z = icmp eq i64 %n, 0
  br i1 %z, label %exit, label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  %p = getelementptr inbounds i8, ptr %d, i64 %i
  %v = load i8, ptr %p
  %w = zext i8 %v to i64
  %acc1 = add i64 %acc, %w
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  %r = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  ret i64 %r
}

; A walk bounded by a constant trip count (100 x 4 bytes) fits in a
; segment: one check of all 400 bytes before the loop, none in it.
; CHECK-LABEL: define i64 @entry_small(
; CHECK: %base = getelementptr inbounds i8, ptr %d, i64 %k
; CHECK-NEXT: [[A:%copier.addr]] = ptrtoint ptr %base to i64
; CHECK-NEXT: [[DIFF:%copier.off]] = sub i64 [[A]], -65537
; CHECK-NEXT: icmp ugt i64 [[DIFF]], 65136
; CHECK: call void @csync(ptr %base, i64 65536)
; CHECK: loop:
; CHECK-NOT: csync
; CHECK: exit:
; CHECK-NEXT: call void @csync(ptr %d, i64 1048576)
define i64 @entry_small(ptr noalias %d, ptr noalias %s, i64 %k) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 1048576, i1 false)
  %base = getelementptr inbounds i8, ptr %d, i64 %k
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  %p = getelementptr inbounds i32, ptr %base, i64 %i
  %v = load i32, ptr %p
  %w = zext i32 %v to i64
  %acc1 = add i64 %acc, %w
  %i1 = add nuw nsw i64 %i, 1
  %c = icmp ult i64 %i1, 100
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc1
}

; The exit depends on the bytes read: no exit count, no bound. The check
; stays before the load, every iteration.
; CHECK-LABEL: define i64 @unknown_trip(
; CHECK-NOT: copier.strip
; CHECK: loop:
; CHECK-NEXT: [[LO:%copier.lo[0-9]*]] = phi i64 [ -65537, %entry ]
; CHECK: [[A:%copier.addr]] = ptrtoint ptr %p to i64
; CHECK-NEXT: sub i64 [[A]], [[LO]]
; CHECK: call void @csync(ptr %p, i64 65536)
; CHECK: %v = load i8, ptr %p
define i64 @unknown_trip(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %p = getelementptr inbounds i8, ptr %d, i64 %i
  %v = load i8, ptr %p
  %i1 = add nuw i64 %i, 1
  %c = icmp ne i8 %v, 0
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %i
}

; An early exit leaves the strip loop as it left the loop; only the latch
; test is rewritten.
; CHECK-LABEL: define i64 @early_exit(
; CHECK: copier.strip:
; CHECK: icmp ugt i64 %copier.off, 65532
; CHECK: %copier.strip.n = udiv i64 %{{[0-9]+}}, 4
; CHECK: loop:
; CHECK: br i1 %stop, label %found, label %latch
; CHECK: latch:
; CHECK-NOT: icmp ult
; CHECK: br i1 %copier.strip.at, label %copier.strip.end, label %loop
; CHECK: found:
; CHECK-NEXT: call void @csync(ptr %d, i64 %n)
; CHECK-NEXT: ret i64 %i
define i64 @early_exit(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %latch ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %latch ]
  %p = getelementptr inbounds i32, ptr %d, i64 %i
  %v = load i32, ptr %p
  %stop = icmp eq i32 %v, 7
  br i1 %stop, label %found, label %latch
latch:
  %w = zext i32 %v to i64
  %acc1 = add i64 %acc, %w
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
found:
  ret i64 %i
exit:
  ret i64 %acc1
}

; Two walks of 1000 x 8 bytes, one up and one down: each fits in a segment,
; so each gets one check before the loop. The descending one checks
; [q(0) - 999*8, q(0) + 8) and, when it syncs, places the window to end
; just after it (never below address 0).
; CHECK-LABEL: define i64 @both_ways(
; CHECK: %copier.addr = ptrtoint ptr %d to i64
; CHECK: icmp ugt i64 %copier.off, 57536
; CHECK: call void @csync(ptr %d, i64 65536)
; CHECK: %q.at = getelementptr i64, ptr %last, i64 -1
; CHECK-NEXT: %copier.walk = getelementptr i8, ptr %q.at, i64 -7992
; CHECK-NEXT: [[A:%copier.addr[0-9]+]] = ptrtoint ptr %copier.walk to i64
; CHECK: icmp ugt i64 %{{.*}}, 57536
; CHECK: [[END:%[0-9]+]] = add i64 [[A]], 8000
; CHECK-NEXT: [[FITS:%[0-9]+]] = icmp uge i64 [[END]], 65536
; CHECK-NEXT: [[WLO:%[0-9]+]] = sub i64 [[END]], 65536
; CHECK-NEXT: %copier.wlo = select i1 [[FITS]], i64 [[WLO]], i64 0
; CHECK: call void @csync(ptr %copier.wptr, i64 65536)
; CHECK: loop:
; CHECK-NOT: csync
; CHECK: exit:
define i64 @both_ways(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %last = getelementptr inbounds i8, ptr %d, i64 %n
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc2, %loop ]
  %p = getelementptr inbounds i64, ptr %d, i64 %i
  %v = load i64, ptr %p
  %ni = sub i64 -1, %i
  %q = getelementptr inbounds i64, ptr %last, i64 %ni
  %u = load i64, ptr %q
  %acc1 = add i64 %acc, %v
  %acc2 = xor i64 %acc1, %u
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, 1000
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc2
}

; A step of 128 KiB leaves the segment every iteration: strips would be one
; iteration long, so the per-load check stays.
; CHECK-LABEL: define i64 @big_stride(
; CHECK-NOT: copier.strip
; CHECK: loop:
; CHECK: call void @csync(ptr %p, i64 65536)
; CHECK: %v = load i8, ptr %p
define i64 @big_stride(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  %off = mul nuw i64 %i, 131072
  %p = getelementptr inbounds i8, ptr %d, i64 %off
  %v = load i8, ptr %p
  %w = zext i8 %v to i64
  %acc1 = add i64 %acc, %w
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc1
}

; Two bases whose distance is not a constant: two clusters, two checks per
; strip, and the strip ends where the first of them leaves its window.
; CHECK-LABEL: define i64 @two_bases(
; CHECK: copier.strip:
; CHECK: %p.at = getelementptr i16, ptr %d, i64 %i.strip
; CHECK: call void @csync(ptr %p.at, i64 65536)
; CHECK: [[N1:%copier.strip.n]] = udiv i64 %{{[0-9]+}}, 2
; CHECK: %q.at = getelementptr i16, ptr %hi, i64 %i.strip
; CHECK: call void @csync(ptr %q.at, i64 65536)
; CHECK: [[N2:%copier.strip.n[0-9]+]] = udiv i64 %{{[0-9]+}}, 2
; CHECK-NEXT: call i64 @llvm.umin.i64(i64 [[N1]], i64 [[N2]])
; CHECK: loop:
; CHECK-NOT: csync
; CHECK: copier.strip.end:
define i64 @two_bases(ptr noalias %d, ptr noalias %s, i64 %n, i64 %m) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %hi = getelementptr inbounds i8, ptr %d, i64 %m
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc2, %loop ]
  %p = getelementptr inbounds i16, ptr %d, i64 %i
  %q = getelementptr inbounds i16, ptr %hi, i64 %i
  %v = load i16, ptr %p
  %u = load i16, ptr %q
  %w = zext i16 %v to i64
  %x = zext i16 %u to i64
  %acc1 = add i64 %acc, %w
  %acc2 = mul i64 %acc1, %x
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc2
}

; A loop that also writes the source is not a pure consumer: one csync of
; the whole range on its entry (hoisted), nothing inside.
; CHECK-LABEL: define void @writes_source(
; CHECK: call ptr @__copier_amemcpy_site
; CHECK-NEXT: call void @csync(ptr %d, i64 %n)
; CHECK-NEXT: br label %loop
; CHECK-NOT: csync
; CHECK: ret void
; REM: csync for copy at {{.*}}: read-of-destination (load i8), hoisted out of the loop
define void @writes_source(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %p = getelementptr inbounds i8, ptr %d, i64 %i
  %q = getelementptr inbounds i8, ptr %s, i64 %i
  %v = load i8, ptr %p
  store i8 %v, ptr %q
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; Rows of unknown length: the inner loop is strip-mined; the window is
; carried across rows by the outer loop (the pipelined one).
; CHECK-LABEL: define i64 @nested(
; CHECK: outer:
; CHECK-NEXT: [[LOO:%copier.lo[0-9]*]] = phi i64 [ -65537, %entry ], [ [[LOX:%copier.lo[0-9]*]], %outer.latch ]
; CHECK: copier.strip:
; CHECK-NEXT: phi i64 [ [[LOO]], %outer ], [ [[LOX]], %copier.strip.end ]
; CHECK: %p.at = getelementptr i8, ptr %row, i64 %c.strip
; CHECK: call void @csync(ptr %p.at, i64 65536)
; CHECK: inner:
; CHECK-NOT: csync
; CHECK: copier.strip.end:
; CHECK: br i1 %copier.strip.done, label %outer.latch, label %copier.strip
define i64 @nested(ptr noalias %d, ptr noalias %s, i64 %rows, i64 %cols) {
entry:
  %bytes = mul i64 %rows, %cols
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %bytes, i1 false)
  br label %outer
outer:
  %r = phi i64 [ 0, %entry ], [ %r1, %outer.latch ]
  %acc = phi i64 [ 0, %entry ], [ %acc2, %outer.latch ]
  %rowoff = mul i64 %r, %cols
  %row = getelementptr inbounds i8, ptr %d, i64 %rowoff
  br label %inner
inner:
  %c = phi i64 [ 0, %outer ], [ %c1, %inner ]
  %a = phi i64 [ %acc, %outer ], [ %a1, %inner ]
  %p = getelementptr inbounds i8, ptr %row, i64 %c
  %v = load i8, ptr %p
  %w = zext i8 %v to i64
  %a1 = add i64 %a, %w
  %c1 = add nuw i64 %c, 1
  %ci = icmp ult i64 %c1, %cols
  br i1 %ci, label %inner, label %outer.latch
outer.latch:
  %acc2 = phi i64 [ %a1, %inner ]
  %r1 = add nuw i64 %r, 1
  %ri = icmp ult i64 %r1, %rows
  br i1 %ri, label %outer, label %exit
exit:
  ret i64 %acc2
}

; A walk that starts at %k: the strip's first address is d + k.
; CHECK-LABEL: define i64 @mid_buffer(
; CHECK: copier.strip:
; CHECK: %i.strip = phi i64 [ %k, %entry ], [ %i1, %copier.strip.end ]
; CHECK: %p.at = getelementptr i8, ptr %d, i64 %i.strip
; CHECK: call void @csync(ptr %p.at, i64 65536)
define i64 @mid_buffer(ptr noalias %d, ptr noalias %s, i64 %k, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ %k, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  %p = getelementptr inbounds i8, ptr %d, i64 %i
  %v = load i8, ptr %p
  %w = zext i8 %v to i64
  %acc1 = add i64 %acc, %w
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc1
}

; Two copies consumed by one loop: the first strip-mines it; a loop is
; strip-mined once, so the second copy's load keeps its own check, inside.
; CHECK-LABEL: define i64 @two_sites(
; CHECK: copier.strip:
; CHECK: call void @csync(ptr %p.at, i64 65536)
; CHECK: loop:
; CHECK: %v = load i8, ptr %p
; CHECK: call void @csync(ptr %q, i64 65536)
; CHECK: %u = load i8, ptr %q
; CHECK: br i1 %copier.strip.at
; CHECK: exit:
; CHECK-NEXT: call void @csync(ptr %d, i64 %n)
; CHECK-NEXT: call void @csync(ptr %e, i64 %n)
define i64 @two_sites(ptr noalias %d, ptr noalias %s, ptr noalias %e, ptr noalias %t, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  call void @llvm.memcpy.p0.p0.i64(ptr %e, ptr %t, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc2, %loop ]
  %p = getelementptr inbounds i8, ptr %d, i64 %i
  %q = getelementptr inbounds i8, ptr %e, i64 %i
  %v = load i8, ptr %p
  %u = load i8, ptr %q
  %w = zext i8 %v to i64
  %x = zext i8 %u to i64
  %acc1 = add i64 %acc, %w
  %acc2 = add i64 %acc1, %x
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc2
}

; A vectorised body (two 16-byte loads, 32 bytes per iteration, "!=" exit
; test): one cluster of 32 bytes.
; CHECK-LABEL: define <16 x i8> @vector(
; CHECK: icmp ugt i64 %copier.off, 65504
; CHECK: %copier.strip.n = udiv i64 %{{[0-9]+}}, 32
; CHECK: loop:
; CHECK-NOT: csync
; CHECK: br i1 %copier.strip.at
; REM: per-segment csync for copy at {{.*}}: read-of-destination (load <16 x i8>)
define <16 x i8> @vector(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi <16 x i8> [ zeroinitializer, %entry ], [ %acc2, %loop ]
  %p = getelementptr inbounds i8, ptr %d, i64 %i
  %q = getelementptr inbounds i8, ptr %p, i64 16
  %v = load <16 x i8>, ptr %p
  %u = load <16 x i8>, ptr %q
  %acc1 = add <16 x i8> %acc, %v
  %acc2 = add <16 x i8> %acc1, %u
  %i1 = add nuw i64 %i, 32
  %c = icmp ne i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret <16 x i8> %acc2
}

; A 32-bit induction variable: the exit count is widened once.
; CHECK-LABEL: define i32 @narrow_iv(
; CHECK: %copier.strip.ec = zext i32 %{{[0-9]+}} to i64
; CHECK: %ix.at = zext i32 %i.strip to i64
; CHECK: %copier.strip.done = icmp eq i64 %copier.strip.last, %copier.strip.ec
define i32 @narrow_iv(ptr noalias %d, ptr noalias %s, i32 %n) {
entry:
  %bytes = zext i32 %n to i64
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %bytes, i1 false)
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i32 [ 0, %entry ], [ %acc1, %loop ]
  %ix = zext i32 %i to i64
  %p = getelementptr inbounds i8, ptr %d, i64 %ix
  %v = load i8, ptr %p
  %w = zext i8 %v to i32
  %acc1 = add i32 %acc, %w
  %i1 = add nuw i32 %i, 1
  %c = icmp ult i32 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i32 %acc1
}

; The same two walks with a trip count known only at run time: strip-mined.
; The descending cluster's room is counted downwards from its address, and
; its window, when it syncs, ends just after its bytes.
; CHECK-LABEL: define i64 @down_strip(
; CHECK: copier.strip:
; CHECK: %copier.strip.n = udiv i64 %{{[0-9]+}}, 4
; CHECK: %ni.at = sub i64 -1, %i.strip
; CHECK-NEXT: %q.at = getelementptr i32, ptr %last, i64 %ni.at
; CHECK-NEXT: [[QA:%copier.addr[0-9]+]] = ptrtoint ptr %q.at to i64
; CHECK: %copier.wlo = select
; CHECK: call void @csync(ptr %copier.wptr, i64 65536)
; CHECK: [[QLO:%copier.lo[0-9]+]] = phi i64 [ %copier.lo, %{{[0-9]+}} ], [ %copier.wlo, %{{[0-9]+}} ]
; CHECK-NEXT: [[QIN:%[0-9]+]] = sub i64 [[QA]], [[QLO]]
; CHECK-NEXT: %copier.strip.n3 = udiv i64 [[QIN]], 4
; CHECK-NEXT: call i64 @llvm.umin.i64(i64 %copier.strip.n, i64 %copier.strip.n3)
; CHECK: loop:
; CHECK-NOT: csync
; CHECK: copier.strip.end:
define i64 @down_strip(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %last = getelementptr inbounds i8, ptr %d, i64 %n
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc2, %loop ]
  %p = getelementptr inbounds i32, ptr %d, i64 %i
  %v = load i32, ptr %p
  %ni = sub i64 -1, %i
  %q = getelementptr inbounds i32, ptr %last, i64 %ni
  %u = load i32, ptr %q
  %w = zext i32 %v to i64
  %x = zext i32 %u to i64
  %acc1 = add i64 %acc, %w
  %acc2 = xor i64 %acc1, %x
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc2
}

; One load that may read either copy's destination is a load of both: the
; first copy strip-mines the loop, the second keeps a check on the load.
; CHECK-LABEL: define i64 @shared_load(
; CHECK: copier.strip:
; CHECK: call void @csync(ptr %p.at, i64 65536)
; CHECK: loop:
; CHECK: [[A2:%copier.addr[0-9]+]] = ptrtoint ptr %p to i64
; CHECK: call void @csync(ptr %p, i64 65536)
; CHECK: %v = load i8, ptr %p
; CHECK: br i1 %copier.strip.at
define i64 @shared_load(ptr noalias %d, ptr noalias %e, ptr noalias %s, ptr noalias %t, i1 %b, i64 %n) {
entry:
  %q = select i1 %b, ptr %d, ptr %e
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  call void @llvm.memcpy.p0.p0.i64(ptr %e, ptr %t, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  %p = getelementptr inbounds i8, ptr %q, i64 %i
  %v = load i8, ptr %p
  %w = zext i8 %v to i64
  %acc1 = add i64 %acc, %w
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc1
}
