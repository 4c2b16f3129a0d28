#!/usr/bin/env python3
"""Csmith differential fuzzing of CopierGen.

For each seed, Csmith writes a random C program (options chosen to make
struct copies and arrays likely); it is built with clang-19 (the reference)
and with CopierGen at copier min size 0 (every copy asynchronous), at each
-O level, and both builds must print the same checksum. Both runs get the
same timeout; a program whose reference run times out (or that the reference
compiler rejects) is skipped and counted, never compared. A CopierGen build
that crashes the compiler, times out alone, or prints something else fails.

The run proves it exercised the pass: it counts the calls to
__copier_amem*_site in every CopierGen binary and the -Rpass=copier remarks,
and --min-converted makes a run without enough conversions fail.

Ends with "N passed, N failed, N skipped". Failing programs are kept under
--work with a command line that reproduces them.
"""
import argparse
import concurrent.futures as cf
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CSMITH_INCLUDE = "/usr/include/csmith"

# Struct copies and arrays make memcpy likely; larger structs and arrays
# keep more of them alive past SROA at -O2.
CSMITH_OPTS = ["--max-array-dim", "2", "--max-array-len-per-dim", "16",
               "--max-struct-fields", "16", "--max-funcs", "8"]


def load_run_diff():
    """Share the compiler set-up (driver vs clang-19 + plugin) with run-diff.py."""
    path = os.path.join(TOP, "Tests", "programs", "run-diff.py")
    spec = importlib.util.spec_from_file_location("run_diff", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


rd = load_run_diff()
lock = threading.Lock()


def say(msg):
    with lock:
        print(msg, flush=True)


class Fuzzer:
    def __init__(self, args, comp):
        self.args, self.comp = args, comp
        self.passed = self.failed = self.skipped = 0
        self.sites = self.remarks = 0
        self.programs_with_sites = 0
        self.work = os.path.abspath(args.work)

    def count(self, what, name, why=""):
        with lock:
            setattr(self, what, getattr(self, what) + 1)
        tag = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[what]
        say("%s %s%s" % (tag, name, (": " + why) if why else ""))

    def generate(self, seed):
        d = os.path.join(self.work, "seed-%d" % seed)
        os.makedirs(d, exist_ok=True)
        src = os.path.join(d, "prog.c")
        cmd = ["csmith", "--seed", str(seed), "-o", src] + CSMITH_OPTS + self.args.csmith_opt
        # csmith writes and reads platform.info in its working directory:
        # seeds generated in parallel must not share one.
        rc, out, err = rd.run(cmd, 120, cwd=d)
        if rc != 0:
            return None, d, "csmith failed: " + (err or out).decode(errors="replace")[-300:]
        return src, d, None

    def one_seed(self, seed):
        src, d, err = self.generate(seed)
        if err:
            self.count("failed", "seed %d" % seed, err)
            return
        for opt in self.args.opt:
            self.one_build(seed, src, d, opt)
        if not self.args.keep:
            # keep failing seeds only; the source is regenerated from the seed
            if not any(f.startswith("FAILED") for f in os.listdir(d)):
                shutil.rmtree(d, ignore_errors=True)

    def one_build(self, seed, src, d, opt):
        name = "seed %d -%s" % (seed, opt)
        common = ["-w", "-g0", "-" + opt, "-I" + CSMITH_INCLUDE]
        ref = os.path.join(d, "ref-" + opt)
        rc, _, err = rd.run(self.comp.ref + common + [src, "-o", ref], self.args.compile_timeout)
        if rc != 0:
            self.count("skipped", name, "reference compiler rejected the program")
            return
        cflags, libs = self.comp.mode_flags("san" if self.args.san else "min0")
        exe = os.path.join(d, "copier-" + opt)
        cmd = self.comp.copier + common + cflags + ["-Rpass=copier", src, "-o", exe] + libs + ["-pthread"]
        rc, _, cerr = self.comp.compile(cmd, self.args.compile_timeout)
        if rc != 0:
            self.fail(d, name, "CopierGen build failed (%s):\n  %s" % (
                "timeout" if rc is None else "exit %d" % rc,
                "\n  ".join(rd.brief_lines(cerr))), cmd)
            return
        sites = rd.count_sites(exe)
        remarks = len(re.findall(rb"\[-Rpass=copier\]", cerr))
        with lock:
            self.sites += sites
            self.remarks += remarks
            self.programs_with_sites += 1 if sites else 0
        rrc, rout, _ = rd.run([ref], self.args.timeout, cwd=d, stdin=subprocess.DEVNULL)
        env = dict(os.environ, COPIER_OPTIONS=self.args.engine_options) if self.args.engine_options else None
        crc, cout, cserr = rd.run([exe], self.args.timeout, cwd=d, stdin=subprocess.DEVNULL, env=env)
        if rrc is None:
            # csmith programs may legitimately run for ages: only a program
            # whose reference finishes can be compared
            self.count("skipped", name, "reference run timed out after %ss" % self.args.timeout)
            return
        if crc is None:
            self.fail(d, name, "CopierGen build timed out (%ss) but the reference finished" %
                      self.args.timeout, cmd)
            return
        if rd.SAN_MARK.encode() in cserr:
            self.fail(d, name, "CopierSanitizer reported:\n  " +
                      "\n  ".join(cserr.decode(errors="replace").splitlines()[:12]), cmd)
            return
        if (crc, cout) != (rrc, rout):
            self.fail(d, name, "reference printed %r (exit %s), CopierGen %r (exit %s)" % (
                rout.decode(errors="replace").strip()[-60:], rrc,
                cout.decode(errors="replace").strip()[-60:], crc), cmd)
            return
        self.count("passed", name, "%d sites, %d remarks" % (sites, remarks))

    def fail(self, d, name, why, cmd):
        open(os.path.join(d, "FAILED-" + name.replace(" ", "_")), "w").write(
            why + "\nreproduce:\n  " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        self.count("failed", name, why + "\n  reproduce: " + " ".join(shlex.quote(c) for c in cmd))


def parse_seeds(text):
    """'1-300' or '5,9,12' or '7'."""
    seeds = []
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d+)-(\d+)", part)
        if m:
            seeds += range(int(m.group(1)), int(m.group(2)) + 1)
        elif part.isdigit():
            seeds.append(int(part))
        elif part:
            raise ValueError(part)
    return seeds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="1-10", help="seed list: 1-300, or 5,9,12 (default 1-10)")
    ap.add_argument("-n", "--count", type=int, help="run N seeds starting at --first-seed")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--opt", default="O0,O2", help="comma-separated -O levels (default O0,O2)")
    ap.add_argument("--san", action="store_true", help="build the CopierGen side with the sanitizer too")
    ap.add_argument("--timeout", type=float, default=10, help="seconds per run, same for both builds")
    ap.add_argument("--compile-timeout", type=float, default=300)
    ap.add_argument("--engine-options", default="sync_below=0,adaptive=0",
                    help="COPIER_OPTIONS for the CopierGen runs (default: offload every copy, "
                         "never demote a site, so Csmith's small copies really run asynchronously)")
    ap.add_argument("--min-converted", type=int, default=0,
                    help="fail unless CopierGen converted at least this many copy sites in total")
    ap.add_argument("--csmith-opt", action="append", default=[], help="extra csmith option (repeatable)")
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--cc", default=rd.CLANG19, help="reference compiler command")
    ap.add_argument("--copier", choices=("auto", "driver", "direct"), default="auto")
    ap.add_argument("--copier-cc", help="explicit CopierGen compiler command")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep every generated program, not just failures")
    ap.add_argument("--work", default=os.path.join(TOP, "build", "obj", "gentests", "fuzz"))
    args = ap.parse_args()
    try:
        seeds = (list(range(args.first_seed, args.first_seed + args.count)) if args.count is not None
                 else parse_seeds(args.seeds))
    except ValueError as e:
        ap.error("bad --seeds entry %r: use 1-300 or 5,9,12" % str(e))
    args.opt = [o.strip().lstrip("-") for o in args.opt.split(",") if o.strip()]
    if not shutil.which("csmith") or not os.path.isdir(CSMITH_INCLUDE):
        sys.exit("csmith-fuzz: csmith or %s missing: run `make deps` "
                 "(Debian packages csmith, libcsmith-dev)" % CSMITH_INCLUDE)
    if not os.path.exists(os.path.join(args.build, "lib", "CopierPasses.so")):
        sys.exit("csmith-fuzz: %s/lib/CopierPasses.so not found: run `make` first" % args.build)
    comp = rd.Compilers(args)
    say(comp.describe())
    for n in comp.notes:
        say("NOTE: " + n)
    say("csmith %s; %d seeds (%s..%s), -O levels %s, copier min size 0%s" % (
        " ".join(CSMITH_OPTS + args.csmith_opt), len(seeds), seeds[0] if seeds else "-",
        seeds[-1] if seeds else "-", ",".join(args.opt), ", sanitizer on" if args.san else ""))
    f = Fuzzer(args, comp)
    os.makedirs(f.work, exist_ok=True)
    with cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for fut in [ex.submit(f.one_seed, s) for s in seeds]:
            fut.result()
    say("CopierGen converted %d copy sites (calls to __copier_amem*_site) in %d of %d builds; "
        "%d -Rpass=copier remarks" % (f.sites, f.programs_with_sites, len(seeds) * len(args.opt), f.remarks))
    if f.sites < args.min_converted:
        f.count("failed", "conversions", "only %d converted copy sites, fewer than --min-converted %d: "
                "the run did not exercise CopierGen" % (f.sites, args.min_converted))
    print("%d passed, %d failed, %d skipped" % (f.passed, f.failed, f.skipped))
    return 0 if f.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
