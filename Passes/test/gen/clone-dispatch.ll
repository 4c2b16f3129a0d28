; A clone asks the engine at entry whether its range is still in flight
; (__copier_in_flight); when it is not (a small or learnt-inline copy done
; at once), it calls the original, which has no csyncs for the range, and
; returns its result. Static allocas stay in the entry block.
; The inline in-flight test is off here (pending.ll tests it).
; RUN: %opt -copier-inline-pending=0 -passes=copier-gen,verify -S %s | %FileCheck %s
; RUN: %opt -copier-inline-pending=0 -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=DECL
; RUN: %opt -copier-inline-pending=0 -passes=copier-gen,verify -S %s | %FileCheck %s --check-prefix=ATTR
; RUN: %opt -copier-inline-pending=0 -passes=copier-gen,verify -copier-clone-dispatch=0 -S %s | %FileCheck %s --check-prefix=OFF

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @use(ptr)

define internal i64 @sum(ptr %buf, i64 %n) {
entry:
  %tmp = alloca [16 x i8]
  call void @use(ptr %tmp)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc.next, %loop ]
  %p = getelementptr i8, ptr %buf, i64 %i
  %b = load i8, ptr %p
  %w = zext i8 %b to i64
  %acc.next = add i64 %acc, %w
  %i.next = add i64 %i, 1
  %c = icmp ult i64 %i.next, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc.next
}

define internal void @touch(ptr %buf) {
  store i8 1, ptr %buf
  ret void
}

; The call of the original carries its parameter and return attributes
; (zeroext is ABI on x86-64).
define internal zeroext i8 @first(ptr %buf, i8 zeroext %k) {
  %p = getelementptr i8, ptr %buf, i8 %k
  %v = load i8, ptr %p
  ret i8 %v
}
define i8 @caller_attrs(ptr noalias %d, ptr noalias %s, ptr %a) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 65536, i1 false)
  %x = call zeroext i8 @first(ptr %d, i8 zeroext 3)
  ret i8 %x
}
; ATTR-LABEL: define internal zeroext i8 @first.copier.0(
; ATTR: copier.done:
; ATTR-NEXT: [[F:%.*]] = tail call zeroext i8 @first(ptr %buf, i8 zeroext %k)

define i64 @caller(ptr noalias %d, ptr noalias %s, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  %r = call i64 @sum(ptr %d, i64 %n)
  ret i64 %r
}

define void @caller_void(ptr noalias %d, ptr noalias %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 65536, i1 false)
  call void @touch(ptr %d)
  ret void
}

; CHECK-LABEL: define i64 @caller(
; CHECK: call i64 @sum.copier.0(ptr %d, i64 %n, ptr %d, ptr %s, i64 %n)

; CHECK-LABEL: define internal i64 @sum.copier.0(ptr %buf, i64 %n, ptr %copier.dst, ptr %copier.src, i64 %copier.n)
; CHECK-NEXT: copier.dispatch:
; CHECK-NEXT: %tmp = alloca [16 x i8]
; CHECK-NEXT: [[B:%.*]] = call i32 @__copier_in_flight(ptr %copier.dst, ptr %copier.src, i64 %copier.n)
; CHECK-NEXT: [[C:%.*]] = icmp ne i32 [[B]], 0
; CHECK-NEXT: br i1 [[C]], label %entry, label %copier.done
; CHECK: copier.done:
; CHECK-NEXT: [[R:%.*]] = tail call i64 @sum(ptr %buf, i64 %n)
; CHECK-NEXT: ret i64 [[R]]
; CHECK: entry:
; CHECK-NEXT: call void @csync(ptr %copier.dst, i64 %copier.n)
; CHECK-NEXT: call void @use(ptr %tmp)

; CHECK-LABEL: define internal void @touch.copier.0(
; CHECK-NEXT: copier.dispatch:
; CHECK-NEXT: call i32 @__copier_in_flight(
; CHECK: copier.done:
; CHECK-NEXT: tail call void @touch(ptr %buf)
; CHECK-NEXT: ret void

; The engine entry point is declared without memory claims (like csync).
; DECL: declare i32 @__copier_in_flight(ptr, ptr, i64) #[[A:[0-9]+]]
; DECL: attributes #[[A]] = { nounwind nonlazybind willreturn }

; OFF-LABEL: define internal i64 @sum.copier.0(
; OFF-NOT: __copier_in_flight
; OFF: ret i64
