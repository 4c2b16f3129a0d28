; Narrow csyncs: a simple load/store that only MAY alias a copy's range (a
; field of another object, not the copy's own buffer) syncs just its own
; bytes, behind an inline overlap test, and the copy stays in flight up to
; its real use, where the csync of the whole range goes.
; -copier-sync-immediate=0: the copies whose whole range is synced right
; after them would otherwise stay memcpy (DEF below; sync-immediate.ll).
; The small-size guard and the inline in-flight test are off here
; (guard-small.ll, pending.ll test them): these check placement.
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -copier-narrow-per-copy=4 -passes=copier-gen,verify -pass-remarks=copier -S %s 2>%t.rem | %FileCheck %s
; RUN: %FileCheck %s --check-prefix=REM < %t.rem
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -copier-narrow-per-copy=4 -passes=copier-gen -S %s | %FileCheck %s --check-prefix=REC
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -passes=copier-gen,verify -copier-narrow=0 -S %s | %FileCheck %s --check-prefix=OFF
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-narrow-per-copy=4 -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=DEF
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -copier-narrow-per-copy=4 -copier-min-size=0 -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=SMALL
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-narrow-per-copy=4 -copier-min-size=0 -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=SMALLDEF
; The default budget is one narrow csync per copy (each is an inline test:
; at 4, zlib's deflate.c compiled 1.15x slower with twice the code).
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=BUDGET1

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare i64 @work(ptr, i64) nounwind willreturn
declare void @unknown(ptr)

; zlib's gz_read shape: copy out of the stream's buffer, advance the
; stream's pointer field, read another field, then use the copy.
; Load of st->next: may alias buf -> csync of its 8 bytes if they overlap
; [buf, buf+n); the store back to st->next may also write the source: its
; test (csync of the destination bytes those source bytes feed) is made at
; the load too, in one branch, so the store needs none. Load of st->have:
; the destination test. The whole range before the call that uses buf.
; CHECK-LABEL: define i64 @field_reload(
; CHECK: call ptr @__copier_amemcpy_site(ptr %buf, ptr %next, i64 %n,
; CHECK-NEXT: %[[A1:[0-9]+]] = ptrtoint ptr %st to i64
; CHECK-NEXT: %[[NK1:[0-9]+]] = add i64 %n, 7
; CHECK-NEXT: %[[D1:[0-9]+]] = ptrtoint ptr %buf to i64
; CHECK-NEXT: %[[XOFF1:copier.off[0-9]*]] = sub i64 %[[A1]], %[[D1]]
; CHECK-NEXT: %[[T1:[0-9]+]] = add i64 %[[XOFF1]], 7
; CHECK-NEXT: %[[HIT1:copier.hit[0-9]*]] = icmp ult i64 %[[T1]], %[[NK1]]
; CHECK-NEXT: %[[S2:[0-9]+]] = ptrtoint ptr %next to i64
; CHECK-NEXT: %[[XOFF2:copier.off[0-9]*]] = sub i64 %[[A1]], %[[S2]]
; CHECK-NEXT: %[[T2:[0-9]+]] = add i64 %[[XOFF2]], 7
; CHECK-NEXT: %[[HIT2:copier.hit[0-9]*]] = icmp ult i64 %[[T2]], %[[NK1]]
; CHECK-NEXT: %[[EITHER:[0-9]+]] = or i1 %[[HIT1]], %[[HIT2]]
; CHECK-NEXT: br i1 %[[EITHER]], label %[[SYNC1:[0-9]+]], label %[[GO1:[0-9]+]], !prof
; CHECK: [[SYNC1]]:
; CHECK-NEXT: %[[L1:[0-9]+]] = select i1 %[[HIT1]], i64 8, i64 0
; CHECK-NEXT: call void @csync(ptr %st, i64 %[[L1]])
; CHECK-NEXT: %[[O2:[0-9]+]] = select i1 %[[HIT2]], i64 %[[XOFF2]], i64 0
; CHECK-NEXT: %[[L2:[0-9]+]] = select i1 %[[HIT2]], i64 8, i64 0
; CHECK-NEXT: %[[FED:copier.fed[0-9]*]] = getelementptr i8, ptr %buf, i64 %[[O2]]
; CHECK-NEXT: call void @csync(ptr %[[FED]], i64 %[[L2]])
; CHECK-NEXT: br label %[[GO1]]
; CHECK: [[GO1]]:
; CHECK-NEXT: %p = load ptr, ptr %st
; CHECK-NEXT: %q = getelementptr i8, ptr %p, i64 %n
; CHECK-NEXT: store ptr %q, ptr %st
; CHECK-NEXT: %h = getelementptr i8, ptr %st, i64 8
; CHECK-NOT: ptrtoint ptr %next
; CHECK: call void @csync(ptr %h, i64 8)
; CHECK: %have = load i64, ptr %h
; CHECK-NEXT: %x = mul i64 %have, 31
; CHECK-NEXT: call void @csync(ptr %buf, i64 %n)
; CHECK-NEXT: %r = call i64 @work(ptr %buf, i64 %n)
; REM: csync for copy at {{.*}}: unknown-call (call work)
; REM-NEXT: csync of the accessed bytes only, for copy at {{.*}}: load ptr may alias the copy's ranges; the copy stays in flight
; REM-NEXT: csync of the accessed bytes only, for copy at {{.*}}: load ptr may alias
; REM-NEXT: csync of the accessed bytes only, for copy at {{.*}}: load i64 may alias
; REC: \\\22forced_by\\\22:\\\22load ptr\\\22,{{[^}]*}}\\\22range\\\22:\\\22access\\\22,\\\22reason\\\22:\\\22may-alias-access\\\22
; OFF-LABEL: define i64 @field_reload(
; OFF: call ptr @__copier_amemcpy_site(ptr %buf, ptr %next, i64 %n,
; OFF-NEXT: call void @csync(ptr %buf, i64 %n)
; OFF-NEXT: %p = load ptr, ptr %st
; OFF-NOT: csync
; OFF: ret i64
; By default the reload, its update and the other field's read are no
; window worth the engine (two narrow csyncs, the store to bytes the first
; covers, then the whole csync): the copy stays memcpy.
; DEF-LABEL: define i64 @field_reload(
; DEF: call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %next, i64 %n, i1 false)
; DEF-NOT: csync
; DEF: ret i64
; DEF-LABEL: define i8 @own_buffer(
; DEF: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
; DEF-NOT: csync
; DEF: ret i8
define i64 @field_reload(ptr %st, ptr %buf, i64 %n) {
  %next = load ptr, ptr %st
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %next, i64 %n, i1 false)
  %p = load ptr, ptr %st
  %q = getelementptr i8, ptr %p, i64 %n
  store ptr %q, ptr %st
  %h = getelementptr i8, ptr %st, i64 8
  %have = load i64, ptr %h
  %x = mul i64 %have, 31
  %r = call i64 @work(ptr %buf, i64 %n)
  %s = add i64 %r, %x
  ret i64 %s
}

; An access based on the copy's own buffer is a real use, even where alias
; analysis cannot tell (unknown size): the whole range.
; CHECK-LABEL: define i8 @own_buffer(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
; CHECK-NEXT: %p = getelementptr i8, ptr %d, i64 100
; CHECK-NEXT: call void @csync(ptr %d, i64 %n)
; CHECK-NEXT: %v = load i8, ptr %p
define i8 @own_buffer(ptr %d, ptr %s, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %p = getelementptr i8, ptr %d, i64 100
  %v = load i8, ptr %p
  %w = call i64 @work(ptr %d, i64 %n)
  ret i8 %v
}

; A store that may write only the source (the destination is noalias):
; just the destination bytes fed by the stored-to bytes, then the copy
; stays in flight to its use.
; CHECK-LABEL: define void @source_field(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192,
; CHECK-NEXT: %[[A:[0-9]+]] = ptrtoint ptr %st to i64
; CHECK-NEXT: %[[S:[0-9]+]] = ptrtoint ptr %s to i64
; CHECK-NEXT: %[[XOFF:copier.off[0-9]*]] = sub i64 %[[A]], %[[S]]
; CHECK-NEXT: %[[T:[0-9]+]] = add i64 %[[XOFF]], 3
; CHECK-NEXT: %[[HIT:copier.hit[0-9]*]] = icmp ult i64 %[[T]], 8195
; CHECK-NEXT: br i1 %[[HIT]]
; CHECK: %[[FED:copier.fed[0-9]*]] = getelementptr i8, ptr %d, i64 %[[XOFF]]
; CHECK-NEXT: call void @csync(ptr %[[FED]], i64 4)
; CHECK: store i32 0, ptr %st
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: call i64 @work(ptr %d, i64 8192)
define void @source_field(ptr noalias %d, ptr %s, ptr %st) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  store i32 0, ptr %st
  %w = call i64 @work(ptr %d, i64 8192)
  ret void
}

; A store through the source's own pointer really writes it: whole range.
; CHECK-LABEL: define void @source_own(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 %n,
; CHECK-NEXT: %p = getelementptr i8, ptr %s, i64 8
; CHECK-NEXT: call void @csync(ptr %d, i64 %n)
; CHECK-NEXT: store i32 0, ptr %p
define void @source_own(ptr noalias %d, ptr %s, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %p = getelementptr i8, ptr %s, i64 8
  store i32 0, ptr %p
  %w = call i64 @work(ptr %d, i64 %n)
  ret void
}

; At most 4 narrow csyncs per copy (with -copier-narrow-per-copy=4): the
; fifth may-alias access gets the whole range; by default the second does.
; BUDGET1-LABEL: define i64 @budget(
; BUDGET1: call void @csync(ptr %f1, i64 8)
; BUDGET1: %v1 = load i64, ptr %f1
; BUDGET1-NEXT: %f2 = getelementptr
; BUDGET1-NEXT: call void @csync(ptr %buf, i64 %n)
; BUDGET1-NEXT: %v2 = load i64, ptr %f2
; CHECK-LABEL: define i64 @budget(
; CHECK-COUNT-4: call void @csync(ptr %f{{[0-9]}}, i64 8)
; CHECK-NOT: csync
; CHECK: call void @csync(ptr %buf, i64 %n)
; CHECK-NEXT: %v5 = load i64, ptr %f5
define i64 @budget(ptr %st, ptr %buf, ptr %src, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %src, i64 %n, i1 false)
  %f1 = getelementptr i64, ptr %st, i64 1
  %v1 = load i64, ptr %f1
  %f2 = getelementptr i64, ptr %st, i64 2
  %v2 = load i64, ptr %f2
  %f3 = getelementptr i64, ptr %st, i64 3
  %v3 = load i64, ptr %f3
  %f4 = getelementptr i64, ptr %st, i64 4
  %v4 = load i64, ptr %f4
  %f5 = getelementptr i64, ptr %st, i64 5
  %v5 = load i64, ptr %f5
  %f6 = getelementptr i64, ptr %st, i64 6
  %v6 = load i64, ptr %f6
  %f7 = getelementptr i64, ptr %st, i64 7
  %v7 = load i64, ptr %f7
  %f8 = getelementptr i64, ptr %st, i64 8
  %v8 = load i64, ptr %f8
  %f9 = getelementptr i64, ptr %st, i64 9
  %v9 = load i64, ptr %f9
  %a = add i64 %v1, %v2
  %b = add i64 %a, %v3
  %c = add i64 %b, %v4
  %e = add i64 %c, %v5
  %f = add i64 %e, %v6
  %g = add i64 %f, %v7
  %h = add i64 %g, %v8
  %i = add i64 %h, %v9
  ret i64 %i
}

; Never once per iteration of a loop that does not contain the copy: the
; loop gets the whole range at its entry (hoisted), no narrow test in it.
; CHECK-LABEL: define i64 @loop_without_copy(
; CHECK: call ptr @__copier_amemcpy_site(
; CHECK-NEXT: call void @csync(ptr %buf, i64 %n)
; CHECK-NEXT: br label %loop
; CHECK-NOT: copier.hit
; CHECK: ret i64
define i64 @loop_without_copy(ptr %st, ptr %buf, ptr %src, i64 %n) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %src, i64 %n, i1 false)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  %v = load i64, ptr %st
  %acc1 = add i64 %acc, %v
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, 100
  br i1 %c, label %loop, label %exit
exit:
  %w = call i64 @work(ptr %buf, i64 %n)
  ret i64 %acc1
}

; In the copy's own loop a narrow csync runs once per copy: allowed. The
; whole range is synced before the copy runs again.
; CHECK-LABEL: define void @loop_with_copy(
; CHECK: loop:
; CHECK: call ptr @__copier_amemcpy_site(ptr %dst, ptr %p,
; CHECK: copier.hit
; CHECK: call void @csync(ptr %st, i64 %{{[0-9]+}})
; CHECK: store ptr %p1, ptr %st
; CHECK: br i1 %c, label %[[BACK:.*]], label %exit
; CHECK: [[BACK]]:
; CHECK-NEXT: call void @csync(ptr %dst, i64 4096)
; CHECK-NEXT: br label %loop
define void @loop_with_copy(ptr %st, ptr %dst, i64 %k) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %p = load ptr, ptr %st
  call void @llvm.memcpy.p0.p0.i64(ptr %dst, ptr %p, i64 4096, i1 false)
  %p0 = load ptr, ptr %st
  %p1 = getelementptr i8, ptr %p0, i64 4096
  store ptr %p1, ptr %st
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %k
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; Atomic and volatile accesses, and calls, keep the whole-range csync.
; CHECK-LABEL: define i64 @atomic_field(
; CHECK: call ptr @__copier_amemcpy_site(
; CHECK-NEXT: call void @csync(ptr %buf, i64 %n)
; CHECK-NEXT: %v = load atomic i64, ptr %st monotonic
define i64 @atomic_field(ptr %st, ptr %buf, ptr %src, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %src, i64 %n, i1 false)
  %v = load atomic i64, ptr %st monotonic, align 8
  %w = call i64 @work(ptr %buf, i64 %n)
  ret i64 %v
}
; CHECK-LABEL: define void @call_field(
; CHECK: call ptr @__copier_amemcpy_site(
; CHECK-NEXT: call void @csync(ptr %buf, i64 %n)
; CHECK-NEXT: call void @unknown(ptr %st)
define void @call_field(ptr %st, ptr %buf, ptr %src, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %src, i64 %n, i1 false)
  call void @unknown(ptr %st)
  ret void
}

; Larger than 64 bytes: the whole range.
; CHECK-LABEL: define void @wide_field(
; CHECK: call ptr @__copier_amemcpy_site(
; CHECK-NEXT: call void @csync(ptr %buf, i64 %n)
; CHECK-NEXT: %v = load [16 x i64], ptr %st
define void @wide_field(ptr %st, ptr %buf, ptr %src, i64 %n, ptr noalias %out) {
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %src, i64 %n, i1 false)
  %v = load [16 x i64], ptr %st
  store [16 x i64] %v, ptr %out
  %w = call i64 @work(ptr %buf, i64 %n)
  ret void
}

; A small constant copy (below 4096 bytes: the engine copies it at once by
; default) gets no narrow csyncs, even with -copier-min-size=0: the whole
; range at the first may-alias access, so it is used immediately and stays
; memcpy (SMALLDEF).
; SMALL-LABEL: define i64 @small_copy(
; SMALL: call ptr @__copier_amemcpy_site(ptr %buf, ptr %src, i64 16,
; SMALL-NEXT: call void @csync(ptr %buf, i64 16)
; SMALL-NEXT: %v = load i64, ptr %st
; SMALLDEF-LABEL: define i64 @small_copy(
; SMALLDEF-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %src, i64 16, i1 false)
; SMALLDEF-NEXT: %v = load i64, ptr %st
define i64 @small_copy(ptr %st, ptr %buf, ptr %src) {
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %src, i64 16, i1 false)
  %v = load i64, ptr %st
  %w = call i64 @work(ptr %buf, i64 16)
  %r = add i64 %v, %w
  ret i64 %r
}
