#!/usr/bin/env python3
"""Real-world matrix: build Debian source packages with clang-19 and every
copier-cc mode, run their own test suites, compare test by test with the
clang-19 baseline, and write build/realworld/results.{json,md}.

Recipes live in realworld/packages.json (one declarative entry per package);
this file only interprets them. Ends with "N passed, N failed", where a check
is one baseline test reproduced in one copier mode (plus one check per mode
for building and one for a quiet sanitizer).
"""
import argparse
import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
import signal
import threading
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from rw import audit, bench, fetch, parsers, proc, report  # noqa: E402

TOP = os.path.dirname(HERE)
SAN_ERROR = re.compile(r"ERROR.*CopierSanitizer|CopierSanitizer.*ERROR")


def _on_signal(signum, frame):
    # Children run in their own sessions (so a timeout can end a whole group);
    # take those groups down with us, or an interrupted run leaves makes behind.
    proc.kill_all()
    os._exit(128 + signum)


def run_logged(cmd, cwd, env, log, timeout):
    """Run cmd with output appended to log; returns (status, wall s, cpu s of its process tree)."""
    with open(log, "a") as f:
        f.write("$ %s\n" % " ".join(cmd))
        f.flush()
        st, wall, cpu = proc.run(cmd, cwd, env, f, timeout=timeout)
        if st == "timeout":
            f.write("\n[realworld] TIMEOUT after %ds\n" % timeout)
    return st, wall, cpu


def mode_env(cfg, mode, recipe, san_dir, cwd):
    m = cfg["modes"][mode]
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "CFLAGS", "CXXFLAGS",
                        "CPPFLAGS", "LDFLAGS", "CC", "CXX")}
    # Mode flags ride on CC/CXX, as a user would write CC="copier-cc -fsanitize=copier":
    # autoconf, CMake and plain Makefiles then pass them to compile and link steps alike.
    env["CC"] = " ".join([m["cc"]] + m["flags"])
    env["CXX"] = " ".join([m["cxx"]] + m["flags"])
    env["CFLAGS"] = recipe.get("cflags", "-O2")
    env["CXXFLAGS"] = recipe.get("cxxflags", recipe.get("cflags", "-O2"))
    env["LC_ALL"] = "C"
    env["COPIER_SAN_OPTIONS"] = "log_path=%s/report" % san_dir
    for k, v in recipe.get("env", {}).items():
        env[k] = v.format(cwd=cwd)
    return env


def expand(cmd, subst):
    return [a.format(**subst) for a in cmd]


def count_san_reports(paths):
    n = 0
    for p in paths:
        try:
            with open(p, errors="replace") as f:
                n += sum(1 for line in f if SAN_ERROR.search(line))
        except OSError:
            pass
    return n


def run_mode(cfg, pkg, recipe, mode, pristine, work_root, args, subst):
    work = os.path.join(work_root, pkg, mode)
    if os.path.exists(work):
        shutil.rmtree(work)  # our own per-mode tree: every run starts from the pristine source
    logs, san_dir = os.path.join(work, "logs"), os.path.join(work, "san")
    os.makedirs(logs)
    os.makedirs(san_dir)
    src = os.path.join(work, "src")
    shutil.copytree(pristine, src, symlinks=True)
    cwd = os.path.join(src, recipe.get("subdir", "."))
    env = mode_env(cfg, mode, recipe, san_dir, cwd)
    res = {"mode": mode, "built": False, "logs": logs, "cwd": cwd}
    # Recipe "prepare" steps fix the package's own build where Debian's tree needs it.
    for cmd in recipe.get("prepare", []):
        st, _, _ = run_logged(expand(cmd, subst), cwd, env, os.path.join(logs, "prepare.log"), 300)
        if st != 0:
            res.update(failed_step="prepare", status=st, log=os.path.join(logs, "prepare.log"))
            return res

    t_conf = 0.0
    for i, cmd in enumerate(recipe.get("configure", [])):
        st, wall, _ = run_logged(expand(cmd, subst), cwd, env, os.path.join(logs, "configure.log"),
                                 args.timeout)
        t_conf += wall
        if st != 0:
            res.update(failed_step="configure", status=st, log=os.path.join(logs, "configure.log"))
            return res
    wall_b = cpu_b = 0.0
    for cmd in recipe["build"]:
        st, wall, cpu = run_logged(expand(cmd, subst), cwd, env, os.path.join(logs, "build.log"),
                                   args.timeout)
        wall_b += wall
        cpu_b += cpu
        if st != 0:
            res.update(failed_step="build", status=st, log=os.path.join(logs, "build.log"))
            return res
    res.update(built=True, configure_s=round(t_conf, 2), build_wall_s=round(wall_b, 2),
               build_cpu_s=round(cpu_b, 2))

    results, test_logs, t_tests = {}, [], time.perf_counter()
    for i, test in enumerate(recipe["tests"]):
        log = os.path.join(logs, "test-%d.log" % i)
        test_logs.append(log)
        prefix = test.get("prefix", "")
        if test["parser"] == "targets":
            for target in test["targets"]:
                st, _, _ = run_logged(expand(test["cmd"], subst) + [target], cwd, env, log,
                                      args.test_timeout)
                results[prefix + target] = "pass" if st == 0 else "fail"
            continue
        st, _, _ = run_logged(expand(test["cmd"], subst), cwd, env, log, args.test_timeout)
        with open(log, errors="replace") as f:
            parsed = parsers.parse(test["parser"], f.read(), test)
        if not parsed:
            parsed = {"(no results parsed; exit %s)" % st: "fail"}
        elif st == "timeout":
            parsed["(timeout)"] = "fail"
        results.update({prefix + k: v for k, v in parsed.items()})
    res["test_results"] = results
    res["test_wall_s"] = round(time.perf_counter() - t_tests, 2)
    vals = list(results.values())
    res["tests"] = {"total": len(vals), "passed": vals.count("pass"), "failed": vals.count("fail"),
                    "skipped": vals.count("skip")}
    san_files = [os.path.join(san_dir, f) for f in os.listdir(san_dir)]
    res["sanitizer_reports"] = count_san_reports(test_logs + san_files)
    return res


def bench_placeholders(cfg, pkgs):
    """Which {bench_*} inputs the selected packages' benchmarks use."""
    used = set()
    for p in pkgs:
        for b in cfg["packages"][p].get("bench", []):
            used |= set(re.findall(r"\{(bench_\w+)\}", " ".join(b["cmd"])))
    return used


def bench_units(jobs):
    units = {}
    for _, b, _, _, _ in jobs:
        if b.get("metric", "time") == "time":
            units[b["name"]] = units[b["name"] + " (cpu)"] = "s"
        else:
            units.update({"%s/%s" % (b["name"], k): b.get("unit", "") for k in b["values"]})
    return units


def count_checks(results, base):
    """One per baseline test per copier mode, one per mode for building, one per mode
    for a quiet sanitizer. The baseline's own failures are not ours."""
    passed = failed = 0
    for pkg, p in results["packages"].items():
        if "error" in p:
            failed += 1
            continue
        b_res = p["modes"].get(base, {})
        if not b_res.get("built") or not b_res.get("test_results"):
            failed += 1
            continue
        passed += 1
        for mode, m in p["modes"].items():
            if mode == base:
                continue
            if not m.get("built"):
                failed += 1 + len(b_res["test_results"])
                continue
            passed += 1
            bad = {d[0] for d in m["diffs"]}
            failed += len(bad)
            passed += len(b_res["test_results"]) - len(bad & set(b_res["test_results"]))
            if m["sanitizer_reports"]:
                failed += 1
            else:
                passed += 1
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recipes", default=os.path.join(HERE, "packages.json"))
    ap.add_argument("--packages", help="comma-separated subset (default: all)")
    ap.add_argument("--modes", help="comma-separated subset (the baseline is always included)")
    ap.add_argument("--build-root", default=os.path.join(TOP, "build"))
    ap.add_argument("--out", help="results dir (default: BUILD/realworld)")
    ap.add_argument("--cache", default=os.environ.get("COPIER_REALWORLD_CACHE",
                                                      os.path.join(HERE, "cache")))
    ap.add_argument("--jobs", type=int, default=2, help="make/cmake -j inside one build")
    ap.add_argument("--parallel", type=int, default=2,
                    help="(package, mode) builds and test suites run at once; most test suites "
                         "are single-threaded, so 2 keeps both cores busy")
    ap.add_argument("--bench-repeats", type=int, default=9)
    ap.add_argument("--no-bench", action="store_true")
    ap.add_argument("--bench-only", action="store_true",
                    help="rerun only the benchmarks (and the sites column) on the trees of "
                         "OUT/results.json, no rebuild; with --no-bench only the sites column")
    ap.add_argument("--timeout", type=int, default=1800, help="per configure/build command, s")
    ap.add_argument("--test-timeout", type=int, default=900, help="per test command, s")
    args = ap.parse_args()
    # Builds run in other directories: relative paths would name nothing there.
    args.build_root, args.cache = os.path.abspath(args.build_root), os.path.abspath(args.cache)
    if args.out:
        args.out = os.path.abspath(args.out)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    try:
        cfg = json.load(open(args.recipes))
    except (OSError, ValueError) as e:
        sys.exit("realworld: cannot read recipes %s: %s" % (args.recipes, e))
    base = cfg["baseline"]
    pkgs = args.packages.split(",") if args.packages else list(cfg["packages"])
    modes = args.modes.split(",") if args.modes else list(cfg["modes"])
    for name, known, what in ((pkgs, cfg["packages"], "package"), (modes, cfg["modes"], "mode")):
        bad = [x for x in name if x not in known]
        if bad:
            sys.exit("realworld: unknown %s %s; known: %s" % (what, ", ".join(bad), ", ".join(known)))
    if base not in modes:
        modes.insert(0, base)
    out = args.out or os.path.join(args.build_root, "realworld")
    work_root = os.path.join(out, "work")
    llvm_bindir = "/usr/lib/llvm-19/bin"
    try:
        llvm_bindir = subprocess.run(["llvm-config-19", "--bindir"], capture_output=True,
                                     text=True).stdout.strip() or llvm_bindir
    except OSError:
        pass
    copier_bindir = os.path.join(args.build_root, "bin")
    cfg["modes"] = {k: dict(v, cc=v["cc"].format(llvm_bindir=llvm_bindir, copier_bindir=copier_bindir),
                            cxx=v["cxx"].format(llvm_bindir=llvm_bindir, copier_bindir=copier_bindir))
                    for k, v in cfg["modes"].items()}
    want_bench = not args.no_bench and any(cfg["packages"][p].get("bench") for p in pkgs)
    copier = os.path.join(copier_bindir, "copier")

    t_start = time.time()
    phases = {}
    results = {"baseline": base, "modes": modes, "bench_repeats": args.bench_repeats,
               "jobs": args.jobs, "parallel": args.parallel, "cache": args.cache,
               "started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t_start)),
               "load_at_start": [round(x, 2) for x in os.getloadavg()], "packages": {}}
    try:
        results["copier_commit"] = subprocess.run(["git", "-C", TOP, "rev-parse", "--short", "HEAD"],
                                                  capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    t0 = time.time()
    subst = dict(bench.inputs(args.cache, bench_placeholders(cfg, pkgs) if want_bench else set()),
                 jobs=args.jobs)
    phases["bench_inputs_s"] = round(time.time() - t0, 1)
    bench_jobs = {}

    def add_bench_jobs(pkg, entry):
        recipe = cfg["packages"][pkg]
        if not (want_bench and recipe.get("bench")):
            return
        for mode in modes:  # the baseline first: round 0 starts with it
            m = entry["modes"].get(mode, {})
            if m.get("built"):
                env = mode_env(cfg, mode, recipe, os.path.join(os.path.dirname(m["logs"]), "san"),
                               m["cwd"])
                bench_jobs.setdefault(pkg, []).extend((mode, b, m["cwd"], env, subst)
                                                      for b in recipe["bench"])

    if args.bench_only:
        try:
            results = json.load(open(os.path.join(out, "results.json")))
        except (OSError, ValueError) as e:
            sys.exit("realworld: --bench-only needs a previous run's %s/results.json: %s" % (out, e))
        results["bench_repeats"] = args.bench_repeats
        for pkg in pkgs:
            entry = results["packages"].get(pkg, {})
            for mode, m in entry.get("modes", {}).items():
                if m.get("built") and mode != base:  # the audit reader may be newer too
                    m["converted"] = audit.converted_sites(copier, os.path.dirname(m["logs"]))
            add_bench_jobs(pkg, entry)
    else:
        # Fetch first (cached after the first run), then build and test every
        # (package, mode) pair, `--parallel` at a time.
        os.makedirs(out, exist_ok=True)
        t0 = time.time()
        pristine = {}
        for pkg in pkgs:
            try:
                pristine[pkg] = fetch.fetch_source(cfg["packages"][pkg]["source"], args.cache,
                                                   os.path.join(out, "fetch-%s.log" % pkg))
            except fetch.FetchError as e:
                print("realworld: %s: %s" % (pkg, e), flush=True)
                results["packages"][pkg] = {"error": str(e)}
                continue
            results["packages"][pkg] = {"source_tree": os.path.basename(pristine[pkg]),
                                        "modes": {m: {"mode": m, "built": False} for m in modes}}
        phases["fetch_s"] = round(time.time() - t0, 1)
        lock = threading.Lock()
        left = {pkg: len(modes) for pkg in pristine}

        def one(pkg, mode):
            recipe = cfg["packages"][pkg]
            t0 = time.time()
            try:
                m = run_mode(cfg, pkg, recipe, mode, pristine[pkg], work_root, args, subst)
                if m["built"] and mode != base:
                    m["converted"] = audit.converted_sites(copier, os.path.dirname(m["logs"]))
            except Exception as e:  # a harness bug must not hide the other modes' results
                m = {"mode": mode, "built": False, "failed_step": "harness", "log": repr(e)}
            m["mode_wall_s"] = round(time.time() - t0, 1)
            entry = results["packages"][pkg]
            with lock:
                entry["modes"][mode] = m
                print("realworld: %-10s %-12s %s in %.0fs" % (
                    pkg, mode, ("built, tests %d/%d passed" % (m["tests"]["passed"], m["tests"]["total"]))
                    if m["built"] else "FAILED at %s (see %s)" % (m["failed_step"], m["log"]),
                    time.time() - t0), flush=True)
                left[pkg] -= 1
                if left[pkg]:
                    return
                b_res = entry["modes"].get(base, {})
                for md, x in entry["modes"].items():
                    if md != base and x.get("built") and b_res.get("built"):
                        x["diffs"] = parsers.compare(b_res["test_results"], x["test_results"])
                        if b_res.get("build_cpu_s"):
                            x["compile_cpu_ratio"] = x["build_cpu_s"] / b_res["build_cpu_s"]
                    elif md == base and x.get("built"):
                        x["compile_cpu_ratio"] = 1.0
                report.write(results, out)  # per package, so an interrupted run still shows its part

        t0 = time.time()
        with ThreadPoolExecutor(max_workers=max(1, args.parallel)) as ex:
            for f in [ex.submit(one, pkg, mode) for pkg in pristine for mode in modes]:
                f.result()
        phases["build_test_s"] = round(time.time() - t0, 1)
        for pkg in pristine:
            add_bench_jobs(pkg, results["packages"][pkg])

    # Benchmarks run alone, after every build, one process at a time.
    t0 = time.time()
    for pkg, jobs in bench_jobs.items():
        print("realworld: benchmarking %s (%d rounds, modes round-robin)" % (pkg, args.bench_repeats),
              flush=True)
        samples, loads, stats, errors = bench.run_all(
            jobs, args.bench_repeats, base, log=lambda s: print("realworld: " + s, flush=True))
        results.setdefault("bench_load", {})[pkg] = {k: bench.spread(v) for k, v in loads.items()}
        summ = bench.summarize(samples, base, bench_units(jobs))
        for mode, m in results["packages"][pkg]["modes"].items():
            if mode in errors:
                m["bench"] = {"error": errors[mode]}
            elif mode in summ:
                m["bench"] = summ[mode]
            if mode in stats:
                m["engine_stats"] = stats[mode]
        report.write(results, out)
    if bench_jobs:
        phases["bench_s"] = round(time.time() - t0, 1)

    passed, failed = count_checks(results, base)
    results["elapsed_s"] = round(time.time() - t_start, 1)
    results["phases"] = phases
    results["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["checks"] = {"passed": passed, "failed": failed}
    md = report.write(results, out)
    print("\n" + md)
    print("realworld: results in %s/results.{json,md}" % out)
    print("realworld: " + report.run_header(results)[0].replace("**", ""))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
