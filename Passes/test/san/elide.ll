; Each rule by which CopierSanitizer leaves a check out, IR in and IR out
; (elide.c runs the same rules and shows the bugs they could hide are still
; reported).
; RUN: %opt -passes=copier-san -S %s | %FileCheck %s

declare void @ext()

; A check dominated by the same check, nothing in between: dropped.
define i32 @dominated(ptr %p, i1 %c) {
; CHECK-LABEL: define i32 @dominated(
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK-NOT: call void @__copier_san_
; CHECK: ret i32
  %a = load i32, ptr %p, align 4
  br label %next
next:
  %b = load i32, ptr %p, align 4
  %s = add i32 %a, %b
  ret i32 %s
}

; A call may submit or sync a copy: the second check stays.
define i32 @after_call(ptr %p) {
; CHECK-LABEL: define i32 @after_call(
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK: call void @ext()
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
  %a = load i32, ptr %p, align 4
  call void @ext()
  %b = load i32, ptr %p, align 4
  %s = add i32 %a, %b
  ret i32 %s
}

; A call to a quiet function (its body, and its callees', call nothing that
; could submit or sync a copy) changes nothing: the check is redundant.
; A function that reaches an unknown call is not quiet, nor is one that
; could be replaced at link time.
define internal i32 @leaf(i32 %x) {
  %y = mul i32 %x, 3
  ret i32 %y
}
define internal i32 @calls_leaf(i32 %x) {
  %y = call i32 @leaf(i32 %x)
  ret i32 %y
}
define internal void @calls_ext() {
  call void @ext()
  ret void
}
define internal void @calls_calls_ext() {
  call void @calls_ext()
  ret void
}
define weak i32 @replaceable(i32 %x) {
  ret i32 %x
}
define i32 @after_quiet_call(ptr %p) {
; CHECK-LABEL: define i32 @after_quiet_call(
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK: call i32 @calls_leaf(
; CHECK-NOT: call void @__copier_san_load(ptr %p
; CHECK: call void @calls_calls_ext()
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK: call i32 @replaceable(
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK: ret i32
  %a = load i32, ptr %p, align 4
  %q = call i32 @calls_leaf(i32 %a)
  %b = load i32, ptr %p, align 4
  call void @calls_calls_ext()
  %c = load i32, ptr %p, align 4
  %r = call i32 @replaceable(i32 %c)
  %d = load i32, ptr %p, align 4
  %s = add i32 %a, %b
  %t = add i32 %s, %c
  %u = add i32 %t, %d
  %v = add i32 %u, %q
  %w = add i32 %v, %r
  ret i32 %w
}

; An acquire (atomic load or fence) may make another thread's copy visible.
define i32 @after_acquire(ptr %p, ptr %flag) {
; CHECK-LABEL: define i32 @after_acquire(
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK: load atomic i32, ptr %flag acquire
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK: fence acquire
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
  %a = load i32, ptr %p, align 4
  %f = load atomic i32, ptr %flag acquire, align 4
  %b = load i32, ptr %p, align 4
  fence acquire
  %c = load i32, ptr %p, align 4
  %s = add i32 %a, %b
  %t = add i32 %s, %c
  ret i32 %t
}

; A relaxed atomic load synchronizes nothing: the check is still redundant.
define i32 @after_relaxed(ptr %p, ptr %flag) {
; CHECK-LABEL: define i32 @after_relaxed(
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK-NOT: call void @__copier_san_load(ptr %p
; CHECK: ret i32
  %a = load i32, ptr %p, align 4
  %f = load atomic i32, ptr %flag monotonic, align 4
  %b = load i32, ptr %p, align 4
  %s = add i32 %a, %b
  ret i32 %s
}

; At a merge another path may have called anything: the check stays.
define i32 @merge(ptr %p, i1 %c) {
; CHECK-LABEL: define i32 @merge(
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK: call void @ext()
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
  %a = load i32, ptr %p, align 4
  br i1 %c, label %l, label %r
l:
  call void @ext()
  br label %m
r:
  br label %m
m:
  %b = load i32, ptr %p, align 4
  %s = add i32 %a, %b
  ret i32 %s
}

; A store check covers a later load of the same bytes; a wider check covers
; a narrower one, not the other way round.
define i32 @covers(ptr %p, ptr %q) {
; CHECK-LABEL: define i32 @covers(
; CHECK: call void @__copier_san_store(ptr %p, i64 4)
; CHECK-NOT: call void @__copier_san_load(ptr %p
; CHECK: call void @__copier_san_load(ptr %q, i64 4)
; CHECK: call void @__copier_san_load(ptr %q, i64 8)
; CHECK-NOT: call void @__copier_san_
; CHECK: ret i32
  store i32 1, ptr %p, align 4
  %a = load i32, ptr %p, align 4
  %b = load i32, ptr %q, align 4
  %w = load i64, ptr %q, align 8
  %n = load i32, ptr %q, align 4
  %w32 = trunc i64 %w to i32
  %s = add i32 %a, %b
  %t = add i32 %s, %w32
  %u = add i32 %t, %n
  ret i32 %u
}

; x += v: the load's check tests for a destination or a source (mask 3)
; and reports each access at its own line; the store has no check of its own.
define void @rmw(ptr %p, i32 %v) !dbg !5 {
; CHECK-LABEL: define void @rmw(
; CHECK: and i8 {{.*}}, 3
; CHECK: call void @__copier_san_load(ptr %p, i64 4), !dbg [[LOAD:![0-9]+]]
; CHECK-NEXT: call void @__copier_san_store(ptr %p, i64 4), !dbg [[STORE:![0-9]+]]
; CHECK-NOT: call void @__copier_san_
; CHECK: ret void
  %a = load i32, ptr %p, align 4, !dbg !8
  %b = add i32 %a, %v, !dbg !9
  store i32 %b, ptr %p, align 4, !dbg !9
  ret void
}

; Not when a call lies between the load and the store.
define void @rmw_call(ptr %p, i32 %v) {
; CHECK-LABEL: define void @rmw_call(
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK-NEXT: br
; CHECK: call void @ext()
; CHECK: call void @__copier_san_store(ptr %p, i64 4)
  %a = load i32, ptr %p, align 4
  call void @ext()
  %b = add i32 %a, %v
  store i32 %b, ptr %p, align 4
  ret void
}

; Accesses off one base with nothing in between that changes what is in
; flight share one page-summary test: the OR of the summaries at the group's
; lowest and highest offsets (less than a page apart, and a summary covers 16
; bytes past its page). Each keeps its own exact granule check. After a call,
; a new group.
define i32 @fields(ptr %p) {
; CHECK-LABEL: define i32 @fields(
; CHECK: [[A:%.*]] = ptrtoint ptr %p to i64
; CHECK: lshr i64 [[A]], 12
; CHECK: [[HI:%.*]] = add i64 [[A]], 4
; CHECK: lshr i64 [[HI]], 12
; CHECK: [[OR:%.*]] = or i8
; CHECK: and i8 [[OR]], 1
; CHECK-NOT: lshr i64 {{.*}}, 12
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK-NOT: lshr i64 {{.*}}, 12
; CHECK: call void @__copier_san_load(ptr %f1, i64 4)
; CHECK-NOT: lshr i64 {{.*}}, 12
; CHECK: call void @__copier_san_store(ptr %f3, i64 4)
; CHECK-NOT: lshr i64 {{.*}}, 12
; CHECK: call void @__copier_san_load(ptr %f4, i64 4)
; CHECK: call void @ext()
; CHECK: lshr i64 {{.*}}, 12
; CHECK-NOT: lshr i64 {{.*}}, 12
; CHECK: call void @__copier_san_load(ptr %f1, i64 4)
; CHECK: ret i32
  %a = load i32, ptr %p, align 4
  %f1 = getelementptr inbounds i8, ptr %p, i64 4
  %b = load i32, ptr %f1, align 4
  %f3 = getelementptr inbounds i8, ptr %p, i64 12
  store i32 %a, ptr %f3, align 4
  %f4 = getelementptr inbounds i8, ptr %p, i64 16
  %c = load i32, ptr %f4, align 4
  call void @ext()
  %d = load i32, ptr %f1, align 4
  %s = add i32 %a, %b
  %t = add i32 %s, %c
  %u = add i32 %t, %d
  ret i32 %u
}

; A group spread over a page or more shares only the provider's own byte,
; with the accesses in the 16 bytes after it.
define i32 @far_fields(ptr %p) {
; CHECK-LABEL: define i32 @far_fields(
; CHECK: lshr i64 {{.*}}, 12
; CHECK-NOT: lshr i64 {{.*}}, 12
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK-NOT: lshr i64 {{.*}}, 12
; CHECK: call void @__copier_san_load(ptr %n1, i64 4)
; CHECK: lshr i64 {{.*}}, 12
; CHECK: call void @__copier_san_load(ptr %far, i64 4)
; CHECK: ret i32
  %a = load i32, ptr %p, align 4
  %n1 = getelementptr inbounds i8, ptr %p, i64 8
  %b = load i32, ptr %n1, align 4
  %far = getelementptr inbounds i8, ptr %p, i64 8192
  %c = load i32, ptr %far, align 4
  %s = add i32 %a, %b
  %t = add i32 %s, %c
  ret i32 %t
}

; A probe loop over a masked index: one entry test of the whole table
; (4096 slots of 8 bytes) picks a clone without checks; the original keeps
; them for when something in the table is in flight.
define i64 @probe(ptr %keys, i64 %k0, i64 %n) {
; CHECK-LABEL: define i64 @probe(
; CHECK: [[F:%.*]] = load i32, ptr @__copier_san_inflight
; CHECK: icmp eq i32 [[F]], 0
; CHECK: br i1 {{.*}}, label %[[CLEAN:.*]], label %copier.ver.test
; CHECK: [[CLEAN]]:
; CHECK-NOT: call void @__copier_san_
; CHECK: copier.ver.test:
; CHECK: call i32 @__copier_san_range_clean(ptr {{.*}}, i64 32768, i32 0)
; CHECK: br i1 {{.*}}, label %[[CLEAN]], label %loop.copier.ph
; CHECK: loop.copier.ph:
; CHECK: call void @__copier_san_load(ptr %slot, i64 8)
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc.next, %loop ]
  %h = mul i64 %i, -7046029254386353131
  %s = and i64 %h, 4095
  %slot = getelementptr inbounds i64, ptr %keys, i64 %s
  %v = load i64, ptr %slot, align 8
  %acc.next = add i64 %acc, %v
  %i.next = add i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret i64 %acc.next
}

; A loop with a call (it may sync or submit) is not versioned.
define i64 @probe_call(ptr %keys, i64 %n) {
; CHECK-LABEL: define i64 @probe_call(
; CHECK-NOT: __copier_san_range_clean
; CHECK: call void @__copier_san_load(ptr %slot, i64 8)
; CHECK: ret i64
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc.next, %loop ]
  %h = mul i64 %i, -7046029254386353131
  %s = and i64 %h, 4095
  %slot = getelementptr inbounds i64, ptr %keys, i64 %s
  %v = load i64, ptr %slot, align 8
  call void @ext()
  %acc.next = add i64 %acc, %v
  %i.next = add i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret i64 %acc.next
}

; With an unbounded index the clone without checks runs only while nothing
; is in flight anywhere; otherwise the loop keeps all its checks.
define i64 @unbounded(ptr %keys, ptr %idx, i64 %n) {
; CHECK-LABEL: define i64 @unbounded(
; CHECK: [[F:%.*]] = load i32, ptr @__copier_san_inflight
; CHECK: [[IDLE:%.*]] = icmp eq i32 [[F]], 0
; CHECK: br i1 [[IDLE]], label %[[CLEAN:.*]], label %loop.copier.ph
; CHECK: [[CLEAN]]:
; CHECK-NOT: call void @__copier_san_
; CHECK-NOT: __copier_san_range_clean
; CHECK: loop.copier.ph:
; CHECK: call void @__copier_san_load_range(
; CHECK: call void @__copier_san_load(ptr %slot, i64 8)
; CHECK: ret i64
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc.next, %loop ]
  %ip = getelementptr inbounds i64, ptr %idx, i64 %i
  %s = load i64, ptr %ip, align 8
  %slot = getelementptr inbounds i64, ptr %keys, i64 %s
  %v = load i64, ptr %slot, align 8
  %acc.next = add i64 %acc, %v
  %i.next = add i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret i64 %acc.next
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "t", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "rmw.c", directory: "/t")
!3 = !{i32 2, !"Debug Info Version", i32 3}
!4 = !{i32 7, !"Dwarf Version", i32 5}
!5 = distinct !DISubprogram(name: "rmw", scope: !1, file: !1, line: 1, type: !6, unit: !0)
!6 = !DISubroutineType(types: !7)
!7 = !{}
!8 = !DILocation(line: 2, column: 3, scope: !5)
!9 = !DILocation(line: 4, column: 3, scope: !5)
; CHECK: [[LOAD]] = !DILocation(line: 2,
; CHECK: [[STORE]] = !DILocation(line: 4,
