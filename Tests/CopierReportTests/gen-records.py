#!/usr/bin/env python3
"""gen-records.py N OUT.jsonl: N schema-1 placement records shaped like a
real package's (files of functions, each copy with csyncs, some copies not
converted, some loops pipelined, some csyncs removed), for the speed check."""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
reasons = ["read-of-destination", "write-of-source", "free", "unknown-call", "function-exit", "escape-return"]
lines, i, site = [], 0, 0
while len(lines) < n:
    f = "src/file%03d.c" % (site // 200)
    line = 10 + (site % 200) * 25
    fn = "fn%d" % site
    sid = "%016x" % (0x9e3779b97f4a7c15 * (site + 1) % (1 << 64))
    conv = site % 5 != 0
    lines.append('{"v":1,"kind":"copy","file":"%s","line":%d,"col":5,"func":"%s","inlined_at":[],"site":"%s","op":"memcpy","size":%s,"converted":%s,"reason":"%s","dst":"buf%d","src":"in"}'
                 % (f, line, fn, sid, "4096" if site % 3 else "null", "true" if conv else "false",
                    "converted" if conv else "too-small", site))
    if conv:
        for k in range(2):
            lines.append('{"v":1,"kind":"csync","file":"%s","line":%d,"col":%d,"func":"%s","inlined_at":[{"file":"inc/h.h","line":3,"col":1,"func":"%s"}],"site":"%s","reason":"%s","forced_by":"load i8","range":"segment"}'
                         % (f, line + 3 + k, 9 + k, fn, fn, sid, reasons[(site + k) % len(reasons)]))
        if site % 4 == 1:
            lines.append('{"v":1,"kind":"csync-removed","file":"%s","line":%d,"col":5,"func":"%s","inlined_at":[],"site":"%s","reason":"dominated","by":{"file":"%s","line":%d,"col":9}}'
                         % (f, line + 6, fn, sid, f, line + 3))
        if site % 7 == 2:
            lines.append('{"v":1,"kind":"loop-pipelined","file":"%s","line":%d,"col":5,"func":"%s","inlined_at":[],"site":"%s","segment":4096}'
                         % (f, line + 2, fn, sid))
    site += 1
with open(out, "w") as fh:
    fh.write("\n".join(lines[:n]) + "\n")
