"""The results matrix: JSON for tools, Markdown for people (printed at the end too)."""
import json
import os


def _fmt_ratio(x):
    return "%.2f×" % x if isinstance(x, (int, float)) else "n/a"


def _tests_cell(m):
    if not m.get("built"):
        return "—"
    t = m.get("tests", {})
    s = "%d/%d" % (t.get("passed", 0), t.get("total", 0))
    if t.get("failed"):
        s += " (%d fail)" % t["failed"]
    return s


def _diff_cell(m, baseline_mode):
    if m.get("mode") == baseline_mode:
        return "baseline"
    if not m.get("built"):
        return "not built"
    d = m.get("diffs", [])
    if not d:
        return "none"
    shown = ", ".join("%s %s→%s" % x for x in d[:3])
    return "%d: %s%s" % (len(d), shown, " …" if len(d) > 3 else "")


def _sites_cell(m):
    c = m.get("converted")
    if not c:
        return "n/a"
    return "%d/%d" % (c["converted"], c["copy_sites"] or 0)


def _bench_cell(m):
    b = m.get("bench")
    if not b:
        return "—"
    if "error" in b:
        return "error"
    parts = []
    for k, e in sorted(b.items()):
        r = e.get("speed_vs_baseline")
        parts.append("%s %s" % (k.split("-", 1)[-1], _fmt_ratio(r)))
    return "; ".join(parts)


def markdown(results):
    base = results["baseline"]
    lines = ["| package | mode | built | tests passed | differs from %s | sanitizer reports | "
             "sites converted | compile time vs %s | benchmark speed vs %s |" % (base, base, base),
             "|---|---|---|---|---|---|---|---|---|"]
    for pkg, p in results["packages"].items():
        if "error" in p:
            lines.append("| %s | all | fetch failed: %s |  |  |  |  |  |  |" % (pkg, p["error"]))
            continue
        for mode, m in p["modes"].items():
            san = m.get("sanitizer_reports")
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                pkg, mode, "yes" if m.get("built") else "**no** (%s)" % m.get("failed_step", "?"),
                _tests_cell(m), _diff_cell(m, base), "—" if san is None else san,
                _sites_cell(m), _fmt_ratio(m.get("compile_cpu_ratio")), _bench_cell(m)))
    notes = ["", "Tests passed = the package's own tests, parsed test by test from its output. "
             "Compile time = CPU time (user+sys) of the build step relative to %s. Benchmark "
             "speed = median of %s runs, round-robin over the modes in one run; >1× is faster than %s "
             "(wall time; '(cpu)' = user+sys CPU time of all threads; load average during the "
             "benchmarks: %s). "
             "Sites converted = converted/seen memcpy sites from CopierGen's placement records "
             "(source: %s); n/a when the build has no records." % (
                 base, results.get("bench_repeats", "?"), base, results.get("bench_load", "n/a"),
                 results.get("sites_source", "copier audit, else the objects' copier_report section"))]
    return "\n".join(lines + notes) + "\n"


def write(results, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=False)
    md = markdown(results)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write("# Real-world matrix\n\n" + md)
    return md
