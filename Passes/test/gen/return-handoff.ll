; Return hand-off: a copy still in flight at the return of a function whose
; every use is a direct call in the module stays in flight; each call is
; treated as a copy of the ranges named in the caller's terms (returned
; pointer, argument + offset, global; size constant or argument) and synced
; at the caller's first access.
; -copier-sync-immediate=0: many copies here are used right after them,
; which by default stay plain memcpy (sync-immediate.ll); this file tests
; where their csyncs go.
; The small-size guard and the inline in-flight test are off here
; (guard-small.ll, pending.ll test them): these check placement.
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -passes=copier-gen,verify -pass-remarks=copier -S %s 2>%t.rem | %FileCheck %s
; RUN: %FileCheck %s --check-prefix=REM < %t.rem
; The records: the callee's copy (its first use moved away), the return
; hand-off with the range in the callers' terms, and the caller's csync
; carrying the callee's copy's site.
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -passes=copier-gen -S %s | %FileCheck %s --check-prefix=REC
; REC: module asm {{.*}}\\\22first_use\\\22:\\\22moved\\\22,\\\22func\\\22:\\\22dup\\\22,{{[^}]*}}\\\22kind\\\22:\\\22copy\\\22,{{[^}]*}}\\\22site\\\22:\\\22[[SITE:[0-9a-f]+]]\\\22
; REC: {\\\22callers\\\22:3,{{[^}]*}}\\\22dst_expr\\\22:\\\22ret\\\22,{{[^}]*}}\\\22func\\\22:\\\22dup\\\22,{{[^}]*}}\\\22kind\\\22:\\\22return-handoff\\\22,\\\22len_expr\\\22:\\\22arg1\\\22,{{[^}]*}}\\\22site\\\22:\\\22[[SITE]]\\\22,\\\22src_expr\\\22:\\\22arg0\\\22
; REC: \\\22func\\\22:\\\22use_dup\\\22,{{[^}]*}}\\\22kind\\\22:\\\22csync\\\22,{{[^}]*}}\\\22reason\\\22:\\\22read-of-destination\\\22,\\\22site\\\22:\\\22[[SITE]]\\\22
; Turned off: the csync stays before the ret.
; RUN: %opt -copier-inline-pending=0 -copier-guard-small=0 -copier-sync-immediate=0 -passes=copier-gen,verify -copier-return-handoff=0 -S %s | %FileCheck %s --check-prefix=OFF

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare noalias ptr @malloc(i64)
declare void @free(ptr)
declare void @work() memory(none) nounwind willreturn

@gbuf = internal global [8192 x i8] zeroinitializer

; ---- The returned pointer -------------------------------------------------
; CHECK-LABEL: define internal ptr @dup(
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %p, i64 %n,
; CHECK-NEXT: ret ptr %d
; OFF-LABEL: define internal ptr @dup(
; OFF: call void @csync(ptr %d, i64 %n)
; OFF-NEXT: ret ptr %d
; REM: copy at {{.*}} stays in flight past this return: the callers of dup (3 calls) sync ret, arg1 bytes, before their own first access
define internal ptr @dup(ptr %p, i64 %n) {
  %d = call noalias ptr @malloc(i64 %n)
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %p, i64 %n, i1 false)
  ret ptr %d
}

; Work that cannot touch the range runs before the csync.
; CHECK-LABEL: define i8 @use_dup(
; CHECK: %r = call ptr @dup(ptr %s, i64 %n)
; CHECK-NEXT: call void @work()
; CHECK-NEXT: call void @csync(ptr %r, i64 %n)
; CHECK-NEXT: %v = load i8, ptr %r
define i8 @use_dup(ptr %s, i64 %n) {
  %r = call ptr @dup(ptr %s, i64 %n)
  call void @work()
  %v = load i8, ptr %r
  ret i8 %v
}

; ---- An argument plus an offset; the size through a cast -----------------
; CHECK-LABEL: define internal void @fill_at(
; CHECK: call ptr @__copier_amemcpy_site(
; CHECK-NEXT: ret void
; REM: the callers of fill_at (2 calls) sync arg0+16, zext(arg2) bytes,
define internal void @fill_at(ptr %d, ptr %s, i32 %n) {
  %q = getelementptr inbounds i8, ptr %d, i64 16
  %w = zext i32 %n to i64
  call void @llvm.memcpy.p0.p0.i64(ptr %q, ptr %s, i64 %w, i1 false)
  ret void
}

; Writing the source after the call needs the csync (write-of-source);
; reading a byte before the range does not.
; CHECK-LABEL: define i8 @use_fill_at(
; CHECK: call void @fill_at(ptr %buf, ptr %src, i32 %n)
; CHECK-NEXT: %copier.ret = getelementptr i8, ptr %buf, i64 16
; CHECK-NEXT: %copier.len = zext i32 %n to i64
; CHECK-NEXT: %h = load i8, ptr %buf
; CHECK-NEXT: call void @csync(ptr %copier.ret, i64 %copier.len)
; CHECK-NEXT: store i8 0, ptr %src
define i8 @use_fill_at(ptr noalias %buf, ptr noalias %src, i32 %n) {
  call void @fill_at(ptr %buf, ptr %src, i32 %n)
  %h = load i8, ptr %buf
  store i8 0, ptr %src
  ret i8 %h
}

; The call in a loop: the next call re-runs the copy before the caller used
; the bytes: csync on the back edge (the name of the range is computed in the
; loop), and before the caller's own return.
; CHECK-LABEL: define void @fill_loop(
; CHECK: loop:
; CHECK: call void @fill_at(ptr %buf, ptr %src, i32 4096)
; CHECK-NEXT: %copier.ret = getelementptr i8, ptr %buf, i64 16
; CHECK: call void @csync(ptr %copier.ret, i64 4096)
; CHECK-NEXT: br label %loop
; CHECK: done:
; CHECK-NEXT: call void @csync(ptr %copier.ret, i64 4096)
; CHECK-NEXT: ret void
define void @fill_loop(ptr noalias %buf, ptr noalias %src) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  call void @fill_at(ptr %buf, ptr %src, i32 4096)
  %i1 = add i32 %i, 1
  %c = icmp ult i32 %i1, 10
  br i1 %c, label %loop, label %done
done:
  ret void
}

; ---- A global -------------------------------------------------------------
; REM: the callers of load_g (1 call) sync @gbuf, 8192 bytes,
define internal void @load_g(ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr @gbuf, ptr %s, i64 8192, i1 false)
  ret void
}
; CHECK-LABEL: define i8 @use_g(
; CHECK: call void @load_g(ptr %s)
; CHECK-NEXT: call void @work()
; CHECK-NEXT: call void @csync(ptr @gbuf, i64 8192)
; CHECK-NEXT: load i8, ptr getelementptr
define i8 @use_g(ptr noalias %s) {
  call void @load_g(ptr %s)
  call void @work()
  %v = load i8, ptr getelementptr (i8, ptr @gbuf, i64 100)
  ret i8 %v
}

; ---- `ret phi [null, fail], [p, copied]`: the copy never reaches the null
; edge, so the callers' csync there (of null) finds nothing in flight.
; CHECK-LABEL: define internal ptr @dup_or_null(
; CHECK-NOT: csync
; CHECK: ret ptr
define internal ptr @dup_or_null(ptr %p, i64 %n) {
entry:
  %d = call noalias ptr @malloc(i64 %n)
  %z = icmp eq ptr %d, null
  br i1 %z, label %out, label %copy
copy:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %p, i64 %n, i1 false)
  br label %out
out:
  %r = phi ptr [ null, %entry ], [ %d, %copy ]
  ret ptr %r
}
; CHECK-LABEL: define void @use_dup_or_null(
; CHECK: %r = call ptr @dup_or_null(ptr %s, i64 8192)
; CHECK-NEXT: call void @csync(ptr %r, i64 8192)
; CHECK-NEXT: call void @free(ptr %r)
define void @use_dup_or_null(ptr %s) {
  %r = call ptr @dup_or_null(ptr %s, i64 8192)
  call void @free(ptr %r)
  ret void
}

; ---- Copies on some paths, two returns ------------------------------------
; CHECK-LABEL: define internal i32 @maybe(
; CHECK-NOT: csync
; CHECK: ret i32 0
; REM: the callers of maybe (1 call) sync arg0, 8192 bytes,
define internal i32 @maybe(ptr %d, ptr %s, i1 %c) {
entry:
  br i1 %c, label %yes, label %no
yes:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  ret i32 1
no:
  ret i32 0
}
; CHECK-LABEL: define i8 @use_maybe(
; CHECK: %k = call i32 @maybe(
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: %v = load i8, ptr %d
define i8 @use_maybe(ptr noalias %d, ptr noalias %s, i1 %c) {
  %k = call i32 @maybe(ptr %d, ptr %s, i1 %c)
  %v = load i8, ptr %d
  ret i8 %v
}

; ---- Recursion: the recursive call is a call like any other ----------------
; CHECK-LABEL: define internal void @rec(
; CHECK: call void @rec(
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: %x = load i8, ptr %d
; CHECK: call ptr @__copier_amemcpy_site(ptr %d, ptr %s, i64 8192,
; CHECK-NEXT: ret void
define internal void @rec(ptr %d, ptr %s, i32 %k) {
entry:
  %z = icmp eq i32 %k, 0
  br i1 %z, label %base, label %down
down:
  %k1 = sub i32 %k, 1
  call void @rec(ptr %d, ptr %s, i32 %k1)
  %x = load i8, ptr %d
  %y = add i8 %x, 1
  store i8 %y, ptr %s
  ret void
base:
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  ret void
}
; CHECK-LABEL: define void @use_rec(
; CHECK: call void @rec(ptr %d, ptr %s, i32 3)
; CHECK-NEXT: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: ret void
define void @use_rec(ptr noalias %d, ptr noalias %s) {
  call void @rec(ptr %d, ptr %s, i32 3)
  ret void
}

; ---- The caller's own in-flight copy goes into a clone of a function that
; also returns one: the clone's call leaves the same range in flight.
; CHECK-LABEL: define i8 @clone_and_return(
; CHECK: call ptr @__copier_amemcpy_site(ptr %a, ptr %s, i64 8192,
; CHECK-NEXT: %r = call ptr @dup.copier.{{[0-9]+}}(ptr %a, i64 8192, ptr %a, ptr %s, i64 8192)
; CHECK-NEXT: call void @csync(ptr %r, i64 8192)
; CHECK-NEXT: %v = load i8, ptr %r
define i8 @clone_and_return(ptr noalias %a, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %a, ptr %s, i64 8192, i1 false)
  %r = call ptr @dup(ptr %a, i64 8192)
  %v = load i8, ptr %r
  ret i8 %v
}

; ---- Not handed back ------------------------------------------------------
; Externally visible: callers elsewhere cannot know.
; CHECK-LABEL: define ptr @ext_dup(
; CHECK: call void @csync(ptr %d, i64 %n)
; CHECK-NEXT: ret ptr %d
define ptr @ext_dup(ptr %p, i64 %n) {
  %d = call noalias ptr @malloc(i64 %n)
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %p, i64 %n, i1 false)
  ret ptr %d
}

; Address taken: a caller through the pointer would not sync.
@fp = global ptr @taken
; CHECK-LABEL: define internal void @taken(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: ret void
define internal void @taken(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  ret void
}
define void @use_taken(ptr %d, ptr %s) {
  call void @taken(ptr %d, ptr %s)
  ret void
}

; The source is this frame's: gone when the caller would sync.
; CHECK-LABEL: define internal void @from_local(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: ret void
define internal void @from_local(ptr %d) {
  %tmp = alloca [8192 x i8]
  call void @work()
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %tmp, i64 8192, i1 false)
  ret void
}
define void @use_from_local(ptr %d) {
  call void @from_local(ptr %d)
  ret void
}

; A size the caller cannot name (computed in the callee).
; CHECK-LABEL: define internal void @twice(
; CHECK: call void @csync(ptr %d, i64 %m)
; CHECK-NEXT: ret void
define internal void @twice(ptr %d, ptr %s, i64 %n) {
  %m = shl i64 %n, 1
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %m, i1 false)
  ret void
}
define void @use_twice(ptr %d, ptr %s) {
  call void @twice(ptr %d, ptr %s, i64 5000)
  ret void
}

; A destination loaded from memory (a struct field): not nameable.
; CHECK-LABEL: define internal void @into_field(
; CHECK: call void @csync(ptr %b, i64 8192)
; CHECK-NEXT: ret void
define internal void @into_field(ptr %ctx, ptr %s) {
  %b = load ptr, ptr %ctx
  call void @llvm.memcpy.p0.p0.i64(ptr %b, ptr %s, i64 8192, i1 false)
  ret void
}
define void @use_into_field(ptr %ctx, ptr %s) {
  call void @into_field(ptr %ctx, ptr %s)
  ret void
}

; An invoke of the function: not every use is a plain call.
; CHECK-LABEL: define internal void @invoked(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: ret void
define internal void @invoked(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 8192, i1 false)
  ret void
}
declare i32 @__gxx_personality_v0(...)
define void @use_invoked(ptr %d, ptr %s) personality ptr @__gxx_personality_v0 {
entry:
  invoke void @invoked(ptr %d, ptr %s) to label %ok unwind label %lp
ok:
  ret void
lp:
  %x = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %x
}

; `ret phi` whose other incoming value comes from a block the copy reaches:
; on that edge the returned pointer is not the copy's destination.
; CHECK-LABEL: define internal ptr @dup_or_other(
; CHECK: call void @csync(ptr %d, i64 8192)
; CHECK-NEXT: ret ptr %r
define internal ptr @dup_or_other(ptr %p, ptr %other, i1 %c) {
entry:
  %d = call noalias ptr @malloc(i64 8192)
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %p, i64 8192, i1 false)
  br i1 %c, label %out, label %alt
alt:
  br label %out
out:
  %r = phi ptr [ %d, %entry ], [ %other, %alt ]
  ret ptr %r
}
define void @use_dup_or_other(ptr %p, ptr %o, i1 %c) {
  %r = call ptr @dup_or_other(ptr %p, ptr %o, i1 %c)
  ret void
}

; A byval argument points to the copy the caller made for this call.
%struct.big = type { [8192 x i8] }
; CHECK-LABEL: define internal void @into_byval(
; CHECK: call void @csync(ptr %b, i64 8192)
; CHECK-NEXT: ret void
define internal void @into_byval(ptr byval(%struct.big) %b, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %b, ptr %s, i64 8192, i1 false)
  ret void
}
define void @use_into_byval(ptr %b, ptr %s) {
  call void @into_byval(ptr byval(%struct.big) %b, ptr %s)
  ret void
}

; The callee's frame may be reachable through a pointer it stored: no name
; by the returned pointer (the loaded pointer could point into the frame).
; CHECK-LABEL: define internal ptr @frame_escapes(
; CHECK: call void @csync(ptr %q, i64 8192)
; CHECK-NEXT: ret ptr %q
define internal ptr @frame_escapes(ptr %slot, ptr %s) {
  %local = alloca [8192 x i8]
  store ptr %local, ptr %slot
  %q = load ptr, ptr %slot
  call void @llvm.memcpy.p0.p0.i64(ptr %q, ptr %s, i64 8192, i1 false)
  ret ptr %q
}
define void @use_frame_escapes(ptr %slot, ptr %s) {
  %r = call ptr @frame_escapes(ptr %slot, ptr %s)
  ret void
}

; The caller consumes the returned buffer in a loop: one csync per segment
; there (the loop is strip-mined: the check is once per strip, before the
; untouched body), the rest synced before the caller returns.
; CHECK-LABEL: define i64 @sum_dup(
; CHECK: %r = call ptr @dup(ptr %s, i64 %n)
; CHECK-NOT: call void @csync
; CHECK: copier.strip:
; CHECK: call void @csync(ptr %p.at, i64 65536)
; CHECK: loop:
; CHECK-NOT: call void @csync
; CHECK: done:
; CHECK-NEXT: call void @csync(ptr %r, i64 %n)
; CHECK-NEXT: ret i64
define i64 @sum_dup(ptr %s, i64 %n) {
entry:
  %r = call ptr @dup(ptr %s, i64 %n)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  %p = getelementptr inbounds i8, ptr %r, i64 %i
  %b = load i8, ptr %p
  %w = zext i8 %b to i64
  %acc1 = add i64 %acc, %w
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %done
done:
  ret i64 %acc1
}
