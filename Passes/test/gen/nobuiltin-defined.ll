; A module that defines memcpy itself (freestanding): its nobuiltin calls
; keep their meaning and are not converted.
; RUN: %opt -passes=copier-gen,verify -pass-remarks-missed=copier -S %s 2>%t.rem | %FileCheck %s
; RUN: %FileCheck %s --check-prefix=REM < %t.rem
; CHECK-LABEL: define void @user(
; CHECK: call ptr @memcpy(ptr %d, ptr %s, i64 %n) #0
; CHECK-NOT: __copier_amemcpy_site
; REM: not converted: nobuiltin (this module defines memcpy)
define ptr @memcpy(ptr %d, ptr %s, i64 %n) {
  ret ptr %d
}
define void @user(ptr %d, ptr %s, i64 %n) {
  %r = call ptr @memcpy(ptr %d, ptr %s, i64 %n) #0
  ret void
}
attributes #0 = { nobuiltin }
