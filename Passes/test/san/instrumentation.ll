; The pass's IR: the page summary test (one load and one branch, whether or
; not anything is in flight), then the granule shadow, then the out-of-line
; call; intrinsics become runtime calls; local allocas and constant globals
; are not instrumented; the Copier interface itself is never instrumented.
; RUN: %opt -passes=copier-san -S %s | %FileCheck %s

@table = constant [4 x i32] [i32 1, i32 2, i32 3, i32 4]

define i32 @load4(ptr %p) {
; CHECK-LABEL: define i32 @load4(
; CHECK: [[A:%.*]] = ptrtoint ptr %p to i64
; CHECK-NEXT: [[PG:%.*]] = lshr i64 [[A]], 12
; CHECK-NEXT: [[PS:%.*]] = add i64 [[PG]], 2146926592
; CHECK-NEXT: [[PP:%.*]] = inttoptr i64 [[PS]] to ptr
; CHECK-NEXT: [[PB:%.*]] = load i8, ptr [[PP]], align 1, !nosanitize
; CHECK-NEXT: [[PM:%.*]] = and i8 [[PB]], 1
; CHECK-NEXT: [[PC:%.*]] = icmp ne i8 [[PM]], 0
; CHECK-NEXT: br i1 [[PC]], label %[[FINE:.*]], label %[[CONT:.*]], !prof
; CHECK: [[FINE]]:
; CHECK-NEXT: [[G:%.*]] = lshr i64 [[A]], 3
; CHECK-NEXT: add i64 [[G]], 2147450880
; CHECK: load i8, {{.*}} !nosanitize
; CHECK: and i8 {{.*}}, 1
; CHECK: call void @__copier_san_load(ptr %p, i64 4)
; CHECK: [[CONT]]:
; CHECK-NEXT: load i32, ptr %p
  %v = load i32, ptr %p, align 4
  ret i32 %v
}

define void @store_unaligned(ptr %p, i64 %x) {
; CHECK-LABEL: define void @store_unaligned(
; A store tests both bits (destination or source) of the page summary.
; CHECK: lshr i64 {{.*}}, 12
; CHECK: and i8 {{.*}}, 3
; Two granules: first and last byte.
; CHECK: add i64 {{.*}}, 7
; CHECK: or i8
; CHECK-NOT: and i8
; CHECK: call void @__copier_san_store(ptr %p, i64 8)
  store i64 %x, ptr %p, align 1
  ret void
}

define i32 @local_and_const(i32 %i) {
; CHECK-LABEL: define i32 @local_and_const(
; CHECK-NOT: __copier_san
; CHECK: ret i32
  %a = alloca i32, align 4
  store i32 %i, ptr %a, align 4
  %v = load i32, ptr %a, align 4
  %g = getelementptr [4 x i32], ptr @table, i32 0, i32 %i
  %w = load i32, ptr %g, align 4
  %s = add i32 %v, %w
  ret i32 %s
}

declare void @escape(ptr)
define i32 @escaping_alloca() {
; CHECK-LABEL: define i32 @escaping_alloca(
; CHECK: call void @__copier_san_load
  %a = alloca i32, align 4
  call void @escape(ptr %a)
  %v = load i32, ptr %a, align 4
  ret i32 %v
}

define void @intrinsics(ptr %d, ptr %s, i64 %n) {
; CHECK-LABEL: define void @intrinsics(
; CHECK: call ptr @__copier_san_memcpy(ptr %d, ptr %s, i64 %n)
; CHECK: call ptr @__copier_san_memmove(ptr %d, ptr %s, i64 %n)
; CHECK: call ptr @__copier_san_memset(ptr %d, i32 0, i64 %n)
; CHECK-NOT: llvm.mem
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  call void @llvm.memmove.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  call void @llvm.memset.p0.i64(ptr %d, i8 0, i64 %n, i1 false)
  ret void
}

define i32 @atomics(ptr %p) {
; CHECK-LABEL: define i32 @atomics(
; CHECK: call void @__copier_san_store(ptr %p, i64 4)
; CHECK: atomicrmw add
; CHECK: call void @__copier_san_store(ptr %p, i64 4)
; CHECK: cmpxchg
  %o = atomicrmw add ptr %p, i32 1 seq_cst
  %r = cmpxchg ptr %p, i32 0, i32 1 seq_cst seq_cst
  ret i32 %o
}

define <8 x i32> @vector(ptr %p) {
; CHECK-LABEL: define <8 x i32> @vector(
; Wider than 16 bytes: the page summary of both ends, then the runtime's
; exact check.
; CHECK: lshr i64 {{.*}}, 12
; CHECK: add i64 {{.*}}, 31
; CHECK: lshr i64 {{.*}}, 12
; CHECK: or i8
; CHECK-NOT: 2147450880
; CHECK: call void @__copier_san_load(ptr %p, i64 32)
  %v = load <8 x i32>, ptr %p, align 4
  ret <8 x i32> %v
}

define void @csync(ptr %p, i64 %n) {
; CHECK-LABEL: define void @csync(
; CHECK-NOT: __copier_san
; CHECK: ret void
  store i8 0, ptr %p
  ret void
}

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memmove.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
