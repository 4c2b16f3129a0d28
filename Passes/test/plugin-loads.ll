; The plugin loads in opt-19 and its passes are known by name.
; RUN: %opt -passes=copier-gen -S %s | %FileCheck %s
; RUN: %opt -passes=copier-san -S %s | %FileCheck %s
; RUN: %opt -passes=copier-gen -print-pipeline-passes -disable-output %s | %FileCheck %s --check-prefix=PIPE
; CHECK: define i32 @f
; PIPE: copier-gen

define i32 @f(i32 %x) {
  ret i32 %x
}
