; A hand-off clone is specialised by the arguments its caller proves apart
; from the in-flight range: here %out is a local of the caller, so the
; callee's stores through it force nothing and the loop reading the buffer is
; pipelined, not synced whole before the first store.
; RUN: %opt -passes=copier-gen,verify -S %s | %FileCheck %s

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

define void @sum(ptr %buf, i64 %n, ptr %out) {
entry:
  store i64 0, ptr %out
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  %p = getelementptr inbounds i8, ptr %buf, i64 %i
  %b = load i8, ptr %p
  %w = zext i8 %b to i64
  %acc1 = add i64 %acc, %w
  store i64 %acc1, ptr %out
  %i1 = add nuw i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %done
done:
  ret void
}

; CHECK-LABEL: define i64 @caller(
; CHECK: call void @sum.copier.4(ptr %d, i64 %n, ptr %res, ptr %d, ptr %s, i64 %n)
define i64 @caller(ptr noalias %d, ptr noalias %s, i64 %n) {
entry:
  %res = alloca i64
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  call void @sum(ptr %d, i64 %n, ptr %res)
  %r = load i64, ptr %res
  ret i64 %r
}

; (clones are appended to the module)
; The clone for mask 4 (argument 2, %out, disjoint): no csync before the
; stores to %out, a segment guard before the load.
; CHECK-LABEL: define internal void @sum.copier.4(
; CHECK: entry:
; CHECK-NEXT: store i64 0, ptr %out
; CHECK: call void @csync(ptr %{{[a-z.0-9]+}}, i64 65536)
; CHECK: load i8, ptr %p
