#!/usr/bin/env python3
"""summarize.py RUN.json... : per row, the median ratio (and fraction of the
ideal gain for pipeline rows, and that of the bare two-thread pipeline
measured beside it: the machine's bound in that run) over several `make bench-engine` runs, with
the range of load averages and core-to-core round trips they ran at."""
import json, statistics, sys

rows = {}
for path in sys.argv[1:]:
    for r in json.load(open(path)):
        rows.setdefault((r["kind"], r["name"].split(" (")[0]), []).append(r)
print(f"{'kind':10} {'case':26} {'runs':>4} {'ratio med':>9} {'min':>6} {'max':>6} {'frac med':>8} {'bare med':>8}  load  rt_ns")
for (kind, name), rs in rows.items():
    ratios = [r["ratio"] for r in rs]
    fr = [r["fraction_of_ideal"] for r in rs if "fraction_of_ideal" in r]
    loads = [r["loadavg"] for r in rs]
    rts = [r["roundtrip_ns"] for r in rs]
    frs = f"{statistics.median(fr):8.2f}" if fr else " " * 8
    raw = [r["raw_fraction_of_ideal"] for r in rs if "raw_fraction_of_ideal" in r]
    frs += f" {statistics.median(raw):8.2f}" if raw else " " * 9
    print(f"{kind:10} {name:26} {len(rs):4} {statistics.median(ratios):9.2f} {min(ratios):6.2f} {max(ratios):6.2f} {frs}"
          f"  {min(loads):.1f}-{max(loads):.1f} {min(rts):.0f}-{max(rts):.0f}")
