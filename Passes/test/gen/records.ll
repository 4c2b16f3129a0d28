; Embedded records (docs/report-format.md): JSON Lines in section
; copier_report (non-allocatable, from module asm); project-relative paths; variable names
; from debug records; the inlined-at chain; identical across two runs.
; -copier-sync-immediate=0: many copies here are used right after them,
; which by default stay plain memcpy (sync-immediate.ll); this file tests
; where their csyncs go.
; RUN: %opt -copier-sync-immediate=0 -passes=copier-gen -copier-project-root=/proj -S %s | %FileCheck %s
; RUN: %opt -copier-sync-immediate=0 -passes=copier-gen -copier-project-root=/proj -S %s -o %t1.ll
; RUN: %opt -copier-sync-immediate=0 -passes=copier-gen -copier-project-root=/proj -S %s -o %t2.ll
; RUN: cmp %t1.ll %t2.ll
; CHECK: module asm "\09.pushsection copier_report,\22\22,%progbits"
; CHECK-NEXT: module asm "\09.ascii \22{\\\22file\\\22:\\\22src/r.c\\\22,\\\22kind\\\22:\\\22module\\\22,\\\22min_size\\\22:4096,\\\22producer\\\22:\\\22CopierGen 1 (LLVM 19{{[^"]*}})\\\22,\\\22v\\\22:1}\\n
; CHECK: {\\\22col\\\22:5,\\\22converted\\\22:true,\\\22dst\\\22:\\\22buf\\\22,\\\22file\\\22:\\\22src/r.h\\\22,\\\22first_use\\\22:\\\22adjacent\\\22,\\\22func\\\22:\\\22outer\\\22,\\\22inlined_at\\\22:[{\\\22col\\\22:7,\\\22file\\\22:\\\22src/r.c\\\22,\\\22func\\\22:\\\22outer\\\22,\\\22line\\\22:20}],\\\22kind\\\22:\\\22copy\\\22,\\\22line\\\22:3,\\\22op\\\22:\\\22memcpy\\\22,\\\22reason\\\22:\\\22converted\\\22,\\\22site\\\22:\\\22{{[0-9a-f]+}}\\\22,\\\22size\\\22:8192,\\\22src\\\22:\\\22\\\22,\\\22v\\\22:1}\\n
; CHECK: \\\22kind\\\22:\\\22copy\\\22,\\\22line\\\22:22,\\\22op\\\22:\\\22memcpy\\\22,\\\22reason\\\22:\\\22too-small\\\22
; CHECK: {\\\22col\\\22:9,\\\22file\\\22:\\\22src/r.c\\\22,\\\22forced_by\\\22:\\\22load i32\\\22,\\\22func\\\22:\\\22outer\\\22,\\\22inlined_at\\\22:[],\\\22kind\\\22:\\\22csync\\\22,\\\22line\\\22:21,\\\22range\\\22:\\\22whole\\\22,\\\22reason\\\22:\\\22read-of-destination\\\22,\\\22site\\\22:
; CHECK: module asm "\09.popsection"
; No global: the section is not allocatable (module asm), nothing to keep.
; CHECK-NOT: copier.report

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

define i32 @outer(ptr noalias %s) !dbg !10 {
  %buf = alloca [8192 x i8], align 16
    #dbg_declare(ptr %buf, !20, !DIExpression(), !21)
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %s, i64 8192, i1 false), !dbg !30
  %v = load i32, ptr %buf, !dbg !22
  call void @llvm.memcpy.p0.p0.i64(ptr %buf, ptr %s, i64 16, i1 false), !dbg !23
  ret i32 %v, !dbg !22
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2, !3}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "clang", isOptimized: false, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "src/r.c", directory: "/proj")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !{i32 7, !"Dwarf Version", i32 5}
!4 = !DIFile(filename: "src/r.h", directory: "/proj")
!10 = distinct !DISubprogram(name: "outer", scope: !1, file: !1, line: 19, type: !11, unit: !0, spFlags: DISPFlagDefinition)
!11 = !DISubroutineType(types: !{null})
!12 = distinct !DISubprogram(name: "inner", scope: !4, file: !4, line: 1, type: !11, unit: !0, spFlags: DISPFlagDefinition)
!13 = !DIBasicType(name: "char", size: 8, encoding: DW_ATE_signed_char)
!14 = !DICompositeType(tag: DW_TAG_array_type, baseType: !13, size: 65536, elements: !{})
!20 = !DILocalVariable(name: "buf", scope: !10, file: !1, line: 19, type: !14)
!21 = !DILocation(line: 19, column: 3, scope: !10)
!22 = !DILocation(line: 21, column: 9, scope: !10)
!23 = !DILocation(line: 22, column: 3, scope: !10)
!30 = !DILocation(line: 3, column: 5, scope: !12, inlinedAt: !31)
!31 = distinct !DILocation(line: 20, column: 7, scope: !10)
