#!/usr/bin/env python3
"""Compile time of copier-cc against clang-19 on the real packages' own sources.

The matrix's compile-time column is one build per mode, two builds sharing the
two cores: good for spotting a regression, too noisy (+-15%) to check a 1.10x
goal. This benchmark builds each package once with clang-19 behind a wrapper
that logs every command, then replays every compile command (-c of a C/C++
source) with clang-19 and with copier-cc, one at a time, interleaved, for
several rounds, and compares the CPU time (user + sys) per package:

    compile_bench.py [--packages zlib,expat] [--rounds 3]

Writes BUILD/compile-bench/results.json and prints a table; ends with
"N passed, N failed" (one check per package: ratio <= --goal).
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from rw import proc  # noqa: E402
LLVM_BIN = "/usr/lib/llvm-19/bin"
SOURCE_EXT = (".c", ".cc", ".cpp", ".cxx")

LOGGER = r'''#!/usr/bin/env python3
import json, os, sys
with open(%(log)r, "a") as f:
    f.write(json.dumps({"cwd": os.getcwd(), "argv": sys.argv[1:], "cxx": %(cxx)r}) + "\n")
os.execv(%(real)r, [%(real)r] + sys.argv[1:])
'''


def write_logger(path, log, real, cxx):
    with open(path, "w") as f:
        f.write(LOGGER % {"log": log, "real": real, "cxx": cxx})
    os.chmod(path, 0o755)


def compile_commands(log):
    """The logged calls that compile one or more sources to objects."""
    out = []
    for line in open(log):
        e = json.loads(line)
        a = e["argv"]
        # configure-time probes (conftests, CMake's try_compile scratch
        # directories) are gone by now and are not the package's code
        if not os.path.isdir(e["cwd"]) or "CMakeScratch" in e["cwd"] or "CMakeTmp" in e["cwd"]:
            continue
        if "-c" not in a or any(x in a for x in ("-E", "-M", "-MM", "-fsyntax-only")):
            continue
        srcs = [x for x in a if x.endswith(SOURCE_EXT) and os.path.isfile(os.path.join(e["cwd"], x))]
        if srcs:
            out.append(e)
    return out


def cpu_of(cmd, cwd):
    """CPU seconds (user + sys) of cmd and its children, from rw.proc's wait4 accounting."""
    st, _, cpu = proc.run(cmd, cwd, None, subprocess.DEVNULL)
    if st != 0:
        raise RuntimeError("failed (%s): %s" % (st, shlex.join(cmd)))
    return cpu


def retarget(argv, obj):
    """The same call, writing its object to obj (the tree's own stays as built)."""
    a = list(argv)
    if "-o" in a:
        a[a.index("-o") + 1] = obj
    else:
        a += ["-o", obj]
    return a


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--packages", default="zlib,jansson,expat,lz4,libpng1.6")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--goal", type=float, default=1.10)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    out = os.path.join(build, "compile-bench")
    os.makedirs(out, exist_ok=True)
    cc, cxx = os.path.join(build, "bin", "copier-cc"), os.path.join(build, "bin", "copier-c++")
    if not os.access(cc, os.X_OK):
        sys.exit("compile_bench: %s not built: run make first" % cc)

    # 1. One clang-19 build of each package, every command logged.
    with open(os.path.join(HERE, "packages.json")) as f:
        recipes = json.load(f)
    packages = [p for p in args.packages.split(",") if p]
    unknown = [p for p in packages if p not in recipes["packages"]]
    if unknown:
        sys.exit("compile_bench: unknown package(s) %s; known: %s" % (", ".join(unknown), ", ".join(recipes["packages"])))
    logs = {}
    for pkg in packages:
        log = os.path.join(out, pkg + ".commands.jsonl")
        if os.path.exists(log):
            os.remove(log)
        logs[pkg] = log
        wcc, wcxx = os.path.join(out, pkg + ".logcc"), os.path.join(out, pkg + ".logc++")
        write_logger(wcc, log, os.path.join(LLVM_BIN, "clang"), False)
        write_logger(wcxx, log, os.path.join(LLVM_BIN, "clang++"), True)
        r = dict(recipes)
        r["modes"] = {"clang-19": {"cc": wcc, "cxx": wcxx, "flags": []}}
        r["baseline"] = "clang-19"
        r["packages"] = {pkg: recipes["packages"][pkg]}
        rfile = os.path.join(out, pkg + ".recipes.json")
        with open(rfile, "w") as f:
            json.dump(r, f)
        print("compile-bench: building %s with clang-19 (commands logged)" % pkg, flush=True)
        p = subprocess.run([sys.executable, os.path.join(HERE, "run.py"), "--recipes", rfile, "--packages", pkg,
                            "--modes", "clang-19", "--no-bench", "--build-root", build,
                            "--out", os.path.join(out, "run-" + pkg)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        if not os.path.exists(log):
            sys.exit("compile_bench: the %s build logged no command (run.py exit %d)" % (pkg, p.returncode))

    # 2. Replay: every compile command with clang-19 and with copier-cc, one at
    # a time, interleaved (which goes first alternates by round).
    results, passed, failed = {}, 0, 0
    tmp = tempfile.mkdtemp(prefix="copier-compile-bench-")
    print("%-10s %6s %12s %12s %8s   %s" % ("package", "files", "clang-19 s", "copier-cc s", "ratio", "per round"))
    for pkg in packages:
        cmds = compile_commands(logs[pkg])
        rounds = []
        for rnd in range(args.rounds):
            t = {"clang": 0.0, "copier": 0.0}
            for k, e in enumerate(cmds):
                real = os.path.join(LLVM_BIN, "clang++" if e["cxx"] else "clang")
                ours = cxx if e["cxx"] else cc
                obj = os.path.join(tmp, "%d.o" % k)
                pair = [("clang", [real] + retarget(e["argv"], obj)), ("copier", [ours] + retarget(e["argv"], obj))]
                if (rnd + k) % 2:
                    pair.reverse()
                for name, cmd in pair:
                    t[name] += cpu_of(cmd, e["cwd"])
            rounds.append(t)
        ratios = [r["copier"] / r["clang"] for r in rounds]
        ratio = statistics.median(ratios)
        row = {"files": len(cmds), "clang_cpu_s": statistics.median(r["clang"] for r in rounds),
               "copier_cpu_s": statistics.median(r["copier"] for r in rounds), "ratio": ratio,
               "ratios": ratios, "goal": args.goal}
        results[pkg] = row
        ok = ratio <= args.goal
        passed, failed = passed + ok, failed + (not ok)
        print("%-10s %6d %12.2f %12.2f %7.3fx   %s%s" % (pkg, len(cmds), row["clang_cpu_s"], row["copier_cpu_s"], ratio,
                                                    " ".join("%.3f" % x for x in ratios),
                                                    "" if ok else "   (goal %.2fx NOT met)" % args.goal), flush=True)
    subprocess.run(["rm", "-rf", tmp])
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"rounds": args.rounds, "loadavg": os.getloadavg(), "packages": results}, f, indent=1)
    print("CPU time (user+sys) of each package's compile commands, summed; ratio = median over rounds")
    print("wrote %s" % os.path.join(out, "results.json"))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
