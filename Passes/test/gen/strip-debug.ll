; copier-strip-debug (run by copier-cc after the Copier passes when it added
; -gline-tables-only for source locations) removes every trace of debug info.
; RUN: %opt -passes=copier-gen,copier-strip-debug,verify -S %s | %FileCheck %s
; CHECK-NOT: !dbg
; CHECK-NOT: !llvm.dbg.cu
; CHECK-NOT: DICompileUnit

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

define i8 @f(ptr noalias %d, ptr noalias %s, i64 %n) !dbg !5 {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false), !dbg !8
  %v = load i8, ptr %d, !dbg !9
  ret i8 %v, !dbg !9
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "clang", isOptimized: true, runtimeVersion: 0, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "s.c", directory: "/tmp")
!3 = !{i32 2, !"Debug Info Version", i32 3}
!4 = !{i32 7, !"Dwarf Version", i32 5}
!5 = distinct !DISubprogram(name: "f", scope: !1, file: !1, line: 1, type: !6, scopeLine: 1, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!6 = !DISubroutineType(types: !7)
!7 = !{}
!8 = !DILocation(line: 2, column: 3, scope: !5)
!9 = !DILocation(line: 3, column: 10, scope: !5)
