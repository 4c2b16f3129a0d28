"""The results matrix: JSON for tools, Markdown for people (printed at the end too)."""
import json
import os

NOISE = "≈"  # after a ratio whose interquartile range contains 1.0


def _fmt_ratio(x):
    return "%.2f×" % x if isinstance(x, (int, float)) else "n/a"


def fmt_s(s):
    return "%dm%02ds" % (s // 60, s % 60)


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
    shown = ", ".join("%s %s→%s" % tuple(x) for x in d[:3])
    return "%d: %s%s" % (len(d), shown, " …" if len(d) > 3 else "")


def _sites_cell(m):
    c = m.get("converted")
    if not c:
        return "n/a"
    return "%d/%d" % (c["converted"], c["copy_sites"] or 0)


def _moved_cell(m):
    c = m.get("converted")
    v = c.get("first_use_moved_away") if c else None
    return "%d" % v if isinstance(v, int) else "n/a"


def _ratio_short(e):
    r = e.get("speed_vs_baseline")
    if r is None:
        return "n/a"
    return _fmt_ratio(r) + (" " + NOISE if e.get("within_noise") else "")


def _bench_cell(m):
    """Wall-time (or throughput) ratios only; CPU and spread are in the benchmark table."""
    b = m.get("bench")
    if not b:
        return "—"
    if "error" in b:
        return "error"
    return "; ".join("%s %s" % (k.split("-", 1)[-1] if "/" not in k else k.split("/", 1)[1], _ratio_short(e))
                     for k, e in b.items() if not k.endswith(" (cpu)"))


def _ratio_long(e):
    r = e.get("ratio")
    if not r:
        return "—"
    return "%.3f× [%.3f–%.3f] (%.2f–%.2f)%s" % (r["median"], r["q1"], r["q3"], r["min"], r["max"],
                                               " " + NOISE if e.get("within_noise") else "")


def _median(e):
    return ("%.3f s" % e["median"]) if e["unit"] == "s" else ("%.0f %s" % (e["median"], e["unit"]))


def bench_table(results):
    base = results["baseline"]
    lines = ["| package | benchmark | mode | median | wall speed vs %s: median [IQR] (min–max) | "
             "CPU speed vs %s: median [IQR] (min–max) | load avg: median (min–max) | "
             "engine: offloaded / copies |" % (base, base),
             "|---|---|---|---|---|---|---|---|"]
    for pkg, p in results["packages"].items():
        if "error" in p:
            continue
        names = []
        for m in p["modes"].values():
            for k in (m.get("bench") or {}):
                if k != "error" and not k.endswith(" (cpu)") and k not in names:
                    names.append(k)
        for k in names:
            bname = k.split("/", 1)[0]
            ld = results.get("bench_load", {}).get(pkg)
            ld = ld.get(bname) if isinstance(ld, dict) else None  # older results: one pair per package
            load = "%.1f (%.1f–%.1f)" % (ld["median"], ld["min"], ld["max"]) if ld else "n/a"
            for mode, m in p["modes"].items():
                b = m.get("bench") or {}
                if "error" in b:
                    lines.append("| %s | %s | %s | error: %s |  |  |  |  |" % (pkg, k, mode, b["error"]))
                    continue
                if k not in b:
                    continue
                cpu = b.get(k + " (cpu)")
                st = (m.get("engine_stats") or {}).get(bname)
                eng = "%d / %d" % (st["offloaded"], st["copies"]) if st else "—"
                lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    pkg, k, mode, _median(b[k]), _ratio_long(b[k]) if mode != base else "baseline",
                    ("baseline" if mode == base else _ratio_long(cpu)) if cpu else
                    "n/a (time-boxed by the program)", load, eng))
    return lines if len(lines) > 2 else []


def run_header(results):
    out = []
    if "elapsed_s" in results:
        ph = results.get("phases", {})
        names = {"bench_inputs_s": "benchmark inputs", "fetch_s": "fetch",
                 "build_test_s": "builds + tests", "bench_s": "benchmarks"}
        out.append("Total wall time: **%s** (%s), started %s UTC at commit %s; load average "
                   "(1/5/15 min) %s at the start, %s at the end; %s (package, mode) builds at once, "
                   "-j%s each." % (
                       fmt_s(results["elapsed_s"]),
                       ", ".join("%s %s" % (names.get(k, k), fmt_s(v)) for k, v in ph.items()),
                       results.get("started_utc", "?"), results.get("copier_commit", "?"),
                       "/".join("%.1f" % x for x in results.get("load_at_start", [])),
                       "/".join("%.1f" % x for x in results.get("load_at_end", [])),
                       results.get("parallel", 1), results.get("jobs", "?")))
        out.append("")
    return out


def markdown(results):
    base = results["baseline"]
    lines = run_header(results)
    lines += ["| package | mode | built | tests passed | differs from %s | sanitizer reports | "
              "sites converted | first use moved away | compile time vs %s | benchmark speed vs %s |"
              % (base, base, base),
              "|---|---|---|---|---|---|---|---|---|---|"]
    for pkg, p in results["packages"].items():
        if "error" in p:
            lines.append("| %s | all | fetch failed: %s |  |  |  |  |  |  |  |" % (pkg, p["error"]))
            continue
        for mode, m in p["modes"].items():
            san = m.get("sanitizer_reports")
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                pkg, mode, "yes" if m.get("built") else "**no** (%s)" % m.get("failed_step", "?"),
                _tests_cell(m), _diff_cell(m, base), "—" if san is None else san,
                _sites_cell(m), _moved_cell(m), _fmt_ratio(m.get("compile_cpu_ratio")), _bench_cell(m)))
    notes = ["", "Tests passed = the package's own tests, parsed test by test from its output. "
             "Compile time = CPU time (user+sys) of the build step relative to %s. "
             "Sites converted = converted/seen memcpy sites from CopierGen's placement records "
             "(copier audit, else the objects' copier_report section); first use moved away = "
             "converted sites whose first csync is not right after the copy (n/a until `copier "
             "audit --format json` reports it). Benchmark speed = median over %s rounds (times a "
             "recipe's repeat_factor) of the "
             "per-round ratio to %s (modes round-robin, each round starting one mode later); "
             ">1× is faster; wall time, or the program's own throughput figure; %s = the "
             "interquartile range of the per-round ratios contains 1.0 (within noise). CPU time "
             "and spreads are in the benchmark table." % (
                 base, results.get("bench_repeats", "?"), base, NOISE)]
    bt = bench_table(results)
    if bt:
        notes += ["", "### Benchmarks", ""] + bt + [
            "", "CPU = user+sys time of every thread of every process of the run (the engine's "
            "service threads included). [IQR] and (min–max) are over the per-round ratios. "
            "Load avg = the 1-minute load average sampled before each run of that benchmark. "
            "Engine = copies the engine offloaded to its service thread / all copies that "
            "reached it, from one extra untimed run with COPIER_OPTIONS=stats=1."]
    return "\n".join(lines + notes) + "\n"


def write(results, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=False)
    md = markdown(results)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write("# Real-world matrix\n\n" + md)
    return md
