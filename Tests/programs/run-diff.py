#!/usr/bin/env python3
"""Whole-program differential tests of CopierGen.

Every program in Tests/programs (and Tests/programs/regressions) is built
with plain clang-19 (the reference) and with CopierGen, at each -O level and
in each mode, and must print byte for byte the same stdout and exit with the
same status. Modes:

  default  CopierGen with its default size threshold
  min0     copier min size 0: every copy asynchronous (the hardest case)
  san      min size 0 under CopierSanitizer: additionally no report may
           appear (an independent check of every csync placement); also
           converts copies used right after them, which CopierGen otherwise
           leaves plain memcpy, so their placements are checked too

Each CopierGen build runs --repeat times (timing differs between runs, which
shakes out races without ThreadSanitizer). A program whose two reference
builds (-O0, -O2) disagree is itself broken and fails its "ref" test.

The CopierGen compiler is either build/bin/copier-cc (the driver) or clang-19
with the plugin loaded by hand (--copier=direct), picked automatically.
Ends with the line "N passed, N failed".
"""
import argparse
import concurrent.futures as cf
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CLANG19 = "/usr/lib/llvm-19/bin/clang"
OBJDUMP = "/usr/lib/llvm-19/bin/llvm-objdump"
BASE_CFLAGS = ["-std=gnu11", "-g0", "-w", "-I" + HERE]
BASE_LIBS = ["-pthread", "-lm"]
SAN_MARK = "CopierSanitizer"
ALL_MODES = ("default", "min0", "san", "mutant")
# The san mode checks placements: copies used at once get theirs too.
SAN_GEN_FLAGS = ["-mllvm", "-copier-sync-immediate=0"]
# Engine settings the runs of each CopierGen build take in turn: the
# defaults (what users get), then every copy offloaded and never demoted by
# the adaptive policy, then also small segments, so copies stay in flight as
# long and as often as possible and a missing csync shows up as wrong output.
ENGINE_PROFILES = ("", "sync_below=0,adaptive=0", "sync_below=0,adaptive=0,segment=4k")

print_lock = threading.Lock()


def say(msg):
    with print_lock:
        print(msg, flush=True)


def run(cmd, timeout, **kw):
    """Run cmd; return (rc, stdout bytes, stderr bytes); rc None on timeout."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, **kw)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b""


class Compilers:
    """How to build the reference and the CopierGen variants."""

    def __init__(self, args):
        self.ref = shlex.split(args.cc)
        self.build = os.path.abspath(args.build)
        self.notes = []
        driver = os.path.join(self.build, "bin", "copier-cc")
        self.form = args.copier
        if self.form == "auto":
            self.form = "driver" if self._driver_works(driver) else "direct"
        if args.copier_cc:
            self.copier = shlex.split(args.copier_cc)
        elif self.form == "driver":
            self.copier = [driver]
        else:
            lib = os.path.join(self.build, "lib")
            plugin = os.path.join(lib, "CopierPasses.so")
            self.copier = [CLANG19, "-fplugin=" + plugin, "-fpass-plugin=" + plugin,
                           "-isystem", os.path.join(self.build, "include")]
            self.direct_lib = lib
        self.min0_ok = self._probe(self.mode_flags("min0")[0])
        if not self.min0_ok:
            self.notes.append("the CopierGen build does not accept a min-size option yet "
                              "(CopierGen not landed?): min0/san modes use the default threshold")

    def _driver_works(self, driver):
        if not os.access(driver, os.X_OK):
            return False
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "probe.c")
            open(src, "w").write("int main(void){return 0;}\n")
            rc, out, err = run([driver, "--copier-print-commands", "-c", src,
                                "-o", os.path.join(d, "probe.o")], 60)
            return rc == 0 and b"CopierPasses.so" in out + err

    def _probe(self, extra):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "probe.c")
            open(src, "w").write("int main(void){return 0;}\n")
            rc, _, err = run(self.copier + extra + ["-c", src, "-o", os.path.join(d, "p.o")], 60)
            return rc == 0

    def mode_flags(self, mode):
        """(compile flags, link flags) of a CopierGen mode."""
        if mode == "mutant":
            lib = os.path.join(self.build, "lib")
            return (["-include", os.path.join(HERE, "mutant", "nosync.h"),
                     "-isystem", os.path.join(self.build, "include")],
                    ["-L" + lib, "-Wl,-rpath," + lib, "-lcopier"])
        min0 = mode in ("min0", "san") and getattr(self, "min0_ok", True)
        if self.form == "direct":
            cflags, libs = [], ["-L" + self.direct_lib, "-Wl,-rpath," + self.direct_lib]
            if min0:
                cflags += ["-mllvm", "-copier-min-size=0"]
            if mode == "san":
                cflags += ["-mllvm", "-copier-san=1"] + SAN_GEN_FLAGS
                libs += ["-lcopier_san"]
            else:
                libs += ["-lcopier"]
            return cflags, libs
        cflags = []
        if min0:
            cflags.append("-fcopier-min-size=0")
        if mode == "san":
            cflags.append("-fsanitize=copier")
            cflags += SAN_GEN_FLAGS
        return cflags, []

    def stamp(self):
        """Modification times of the installed plugin and runtimes: when they
        change during a build (someone reinstalled them), a failure of that
        build says nothing about CopierGen, so it is retried once."""
        lib = os.path.join(self.build, "lib")
        try:
            return tuple((f, os.stat(os.path.join(lib, f)).st_mtime_ns) for f in sorted(os.listdir(lib)))
        except OSError:
            return ()

    def compile(self, cmd, timeout):
        for attempt in range(2):
            before = self.stamp()
            rc, out, err = run(cmd, timeout)
            if rc == 0 or self.stamp() == before:
                break
            say("NOTE: build/lib changed during a failed build; retrying: " + cmd[-1])
        return rc, out, err

    def describe(self):
        return "reference: %s\nCopierGen (%s): %s" % (
            " ".join(self.ref), self.form, " ".join(self.copier))


def program_options(path):
    """`// copier-test: cflags=... | args=...` lines in a program."""
    opts = {"cflags": [], "args": [], "sources": []}
    for line in open(path, errors="replace"):
        m = re.match(r"\s*//\s*copier-test:\s*(\w+)=(.*)$", line)
        if m and m.group(1) in opts:
            opts[m.group(1)] += shlex.split(m.group(2))
    # extra translation units, relative to the program
    opts["sources"] = [os.path.join(os.path.dirname(path), s) for s in opts["sources"]]
    return opts


def brief_lines(err, head=8, tail=8):
    """The start (the error or the crash) and the end of a compiler's stderr,
    without the optimisation remarks (and their source excerpts) before it."""
    lines, skip = [], False
    for l in err.decode(errors="replace").splitlines():
        if "remark:" in l:
            skip = True
            continue
        if skip and (l.startswith(" ") or not l.strip()):
            continue
        skip = False
        lines.append(l)
    if len(lines) <= head + tail:
        return lines
    return lines[:head] + ["..."] + lines[-tail:]


def first_difference(a, b):
    al, bl = a.decode(errors="replace").splitlines(), b.decode(errors="replace").splitlines()
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<missing>"
        y = bl[i] if i < len(bl) else "<missing>"
        if x != y:
            return "line %d: expected %r, got %r" % (i + 1, x, y)
    return "bytes differ (trailing data)"


def count_sites(exe):
    """Calls to the compiler interface in a binary: how many copies CopierGen converted.
    CopierGen's calls go through the GOT (nonlazybind: `call *slot(%rip)`),
    which llvm-objdump labels by address only: the slots come from the
    dynamic relocations. Calls through a PLT stub or direct (static link)
    name the function."""
    rc, relocs, _ = run([OBJDUMP, "-R", exe], 120)
    slots = set()
    if rc == 0:
        for m in re.finditer(rb"^([0-9a-f]+)\s+R_X86_64_(?:GLOB_DAT|JUMP_SLOT)\s+__copier_amem(?:cpy|move)_site\b",
                             relocs, re.M):
            slots.add(int(m.group(1), 16))
    rc, out, _ = run([OBJDUMP, "-d", "--no-show-raw-insn", exe], 120)
    if rc != 0:
        return 0
    n = len(re.findall(rb"call.*<__copier_amem(?:cpy|move)_site", out))
    for m in re.finditer(rb"call\w*\s+\*0x[0-9a-f]+\(%rip\)\s+# 0x([0-9a-f]+)", out):
        if int(m.group(1), 16) in slots:
            n += 1
    return n


class Runner:
    def __init__(self, args, comp):
        self.args, self.comp = args, comp
        self.passed = self.failed = 0
        self.sites = {}
        self.mutant = {}
        self.lock = threading.Lock()
        self.work = os.path.abspath(args.work)

    def record(self, ok, name, why=""):
        with self.lock:
            if ok:
                self.passed += 1
            else:
                self.failed += 1
        say(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why))

    def build(self, cc, src, exe, cflags, libs, opts):
        cmd = (cc + BASE_CFLAGS + opts["cflags"] + cflags + [src] + opts.get("sources", []) +
               ["-o", exe] + libs + BASE_LIBS)
        rc, out, err = self.comp.compile(cmd, self.args.compile_timeout)
        if rc != 0:
            return "compile failed (%s): %s\n  %s" % (
                "timeout" if rc is None else "exit %d" % rc,
                " ".join(shlex.quote(c) for c in cmd),
                "\n  ".join(brief_lines(err)))
        return None

    def execute(self, exe, opts, engine=None):
        env = None
        if engine:
            env = dict(os.environ, COPIER_OPTIONS=engine)
        rc, out, err = run([exe] + opts["args"], self.args.timeout, cwd=os.path.dirname(exe),
                           stdin=subprocess.DEVNULL, env=env)
        return rc, out, err

    def one_program(self, src):
        name = os.path.relpath(src, HERE)[:-2]
        opts = program_options(src)
        outdir = os.path.join(self.work, name.replace("/", "__"))
        os.makedirs(outdir, exist_ok=True)
        expected_file = src[:-2] + ".expected"
        refs = {}
        for opt in self.args.opt:
            exe = os.path.join(outdir, "ref-" + opt)
            err = self.build(self.comp.ref, src, exe, ["-" + opt], [], opts)
            if err:
                self.record(False, "%s ref-%s" % (name, opt), err)
                return
            rc, out, serr = self.execute(exe, opts)
            if rc is None:
                self.record(False, "%s ref-%s" % (name, opt), "reference build timed out")
                return
            refs[opt] = (rc, out)
            open(exe + ".out", "wb").write(out)
        # The program itself must be deterministic and free of UB that the
        # optimiser exploits, or a difference would mean nothing.
        outs = set(refs.values())
        why = "" if len(outs) == 1 else "reference builds disagree across -O levels (program bug)"
        if not why and os.path.exists(expected_file):
            want = open(expected_file, "rb").read()
            if next(iter(outs))[1] != want:
                why = "reference output differs from %s: %s" % (
                    os.path.relpath(expected_file, TOP), first_difference(want, next(iter(outs))[1]))
        if not why and self.args.check_programs:
            why = self.check_program(src, opts, outdir, refs)
        self.record(not why, "%s ref" % name, why)
        if why:
            return
        for opt in self.args.opt:
            for mode in self.args.modes:
                self.one_variant(name, src, opts, outdir, opt, mode, refs[opt])

    def check_program(self, src, opts, outdir, refs):
        """The corpus must be free of UB, or a difference would prove nothing:
        an AddressSanitizer + UBSan build must run clean and print the same."""
        exe = os.path.join(outdir, "ref-asan-ubsan")
        err = self.build(self.comp.ref, src, exe, ["-O1", "-fsanitize=address,undefined",
                                                   "-fno-sanitize-recover=undefined"], [], opts)
        if err:
            return err
        rc, out, serr = self.execute(exe, opts)
        if (rc, out) != next(iter(refs.values())):
            return "AddressSanitizer/UBSan build differs or fails (exit %s):\n  %s" % (
                rc, "\n  ".join(serr.decode(errors="replace").splitlines()[:8]))
        return ""

    def one_mutant(self, name, src, opts, outdir, opt, ref):
        """Build with plain clang-19 and the no-csync mutant header: a program
        'catches' the mutant when any run's output differs from the reference."""
        exe = os.path.join(outdir, "mutant-" + opt)
        cflags, libs = self.comp.mode_flags("mutant")
        err = self.build(self.comp.ref, src, exe, ["-" + opt] + cflags, libs, opts)
        if err:
            self.record(False, "%s %s/mutant" % (name, opt), err)
            return
        caught = ""
        for engine in self.args.engine_profiles[1:] or [""]:
            for _ in range(self.args.repeat):
                rc, out, _ = self.execute(exe, opts, engine)
                if (rc, out) != ref:
                    caught = "exit %s" % rc if rc != ref[0] else first_difference(ref[1], out)
                    break
            if caught:
                break
        with self.lock:
            self.mutant[name + " " + opt] = caught
        say("MUTANT %s %s: %s" % (name, opt, ("caught: " + caught) if caught else "not caught"))

    def one_variant(self, name, src, opts, outdir, opt, mode, ref):
        if mode == "mutant":
            return self.one_mutant(name, src, opts, outdir, opt, ref)
        test = "%s %s/%s" % (name, opt, mode)
        exe = os.path.join(outdir, "copier-%s-%s" % (opt, mode))
        cflags, libs = self.comp.mode_flags(mode)
        err = self.build(self.comp.copier, src, exe, ["-" + opt] + cflags, libs, opts)
        if err:
            self.record(False, test, err)
            return
        sites = count_sites(exe)
        with self.lock:
            self.sites[(opt, mode)] = self.sites.get((opt, mode), 0) + sites
        runs = 1 if mode == "san" and not self.args.repeat_san else self.args.repeat
        for i in range(runs):
            # a single sanitizer run takes the second profile: copies offloaded
            first = 1 if mode == "san" and runs == 1 else 0
            engine = self.args.engine_profiles[(i + first) % len(self.args.engine_profiles)]
            rc, out, serr = self.execute(exe, opts, engine)
            where = "run %d of %d, COPIER_OPTIONS=%s" % (i + 1, runs, engine or "(unset)")
            if rc is None:
                self.record(False, test, "%s: timed out after %ss" % (where, self.args.timeout))
                return
            if SAN_MARK.encode() in serr:
                open(exe + ".stderr", "wb").write(serr)
                lines = [l for l in serr.decode(errors="replace").splitlines() if l.strip()]
                self.record(False, test, "CopierSanitizer reported (%s), see %s:\n  %s" % (
                    where, exe + ".stderr", "\n  ".join(lines[:12])))
                return
            if (rc, out) != ref:
                open(exe + ".out", "wb").write(out)
                open(exe + ".stderr", "wb").write(serr)
                if rc != ref[0]:
                    why = "exit status %s, reference %s" % (rc, ref[0])
                else:
                    why = first_difference(ref[1], out)
                self.record(False, test, "%s: %s (%d converted sites; outputs in %s)" % (
                    where, why, sites, outdir))
                return
        self.record(True, test + " (%d sites, %d runs)" % (sites, runs))

    def sanitizer_control(self):
        """Does the sanitizer report a plainly wrong program? Tells whether the
        san mode is a live check or (before the sanitizer lands) only a build."""
        src = os.path.join(HERE, "san-control", "unsynced_read.c")
        exe = os.path.join(self.work, "san-control")
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        cflags, libs = self.comp.mode_flags("san")
        err = self.build(self.comp.copier, src, exe, ["-O0"] + cflags, libs,
                         {"cflags": [], "args": [], "sources": []})
        if err:
            return False, err
        rc, out, serr = self.execute(exe, {"args": []})
        if SAN_MARK.encode() in serr:
            return True, "reported"
        return False, "no %s report from %s (exit %s)" % (SAN_MARK, os.path.relpath(src, TOP), rc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("programs", nargs="*", help="programs to test (default: all)")
    ap.add_argument("--build", default=os.path.join(TOP, "build"), help="install tree (build/)")
    ap.add_argument("--cc", default=CLANG19, help="reference compiler command")
    ap.add_argument("--copier", choices=("auto", "driver", "direct"), default="auto",
                    help="CopierGen through copier-cc (driver) or clang-19 + plugin (direct)")
    ap.add_argument("--copier-cc", help="explicit CopierGen compiler command (uses --copier's flag style)")
    ap.add_argument("--opt", default="O0,O2", help="comma-separated -O levels (default O0,O2)")
    ap.add_argument("--modes", default="default,min0,san", help="comma-separated of: " + ",".join(ALL_MODES))
    ap.add_argument("--repeat", type=int, default=3, help="runs of each CopierGen build (default 3)")
    ap.add_argument("--engine-profiles", default=";".join(ENGINE_PROFILES),
                    help="';'-separated COPIER_OPTIONS values, used in turn by the runs of "
                         "each CopierGen build (empty = engine defaults)")
    ap.add_argument("--repeat-san", action="store_true", help="repeat sanitizer runs too")
    ap.add_argument("--require-sanitizer", action="store_true",
                    help="fail unless CopierSanitizer reports the positive control")
    ap.add_argument("--check-programs", action="store_true",
                    help="also require an ASan+UBSan reference build of each program to run clean")
    ap.add_argument("--mutant-min", type=int, default=1,
                    help="mode mutant: fail unless at least this many builds catch the mutant")
    ap.add_argument("--timeout", type=float, default=30, help="seconds per run")
    ap.add_argument("--compile-timeout", type=float, default=300)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--work", default=os.path.join(TOP, "build", "obj", "gentests", "programs"),
                    help="where binaries and outputs go")
    args = ap.parse_args()
    args.opt = [o.strip().lstrip("-") for o in args.opt.split(",") if o.strip()]
    args.engine_profiles = [e.strip() for e in args.engine_profiles.split(";")] or [""]
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    bad = [m for m in args.modes if m not in ALL_MODES]
    if bad:
        ap.error("unknown mode(s) %s; choose from %s" % (",".join(bad), ",".join(ALL_MODES)))
    if not os.access(CLANG19, os.X_OK):
        sys.exit("run-diff: %s not found: install clang-19 (make deps)" % CLANG19)
    if not os.path.exists(os.path.join(args.build, "lib", "CopierPasses.so")):
        sys.exit("run-diff: %s/lib/CopierPasses.so not found: run `make` first" % args.build)

    if args.programs:
        progs = [os.path.abspath(p) for p in args.programs]
        for p in progs:
            if not (p.endswith(".c") and os.path.isfile(p)):
                sys.exit("run-diff: %s is not a C program file" % p)
    else:
        progs = sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".c"))
        reg = os.path.join(HERE, "regressions")
        if os.path.isdir(reg):
            progs += sorted(os.path.join(reg, f) for f in os.listdir(reg) if f.endswith(".c"))

    comp = Compilers(args)
    say(comp.describe())
    for n in comp.notes:
        say("NOTE: " + n)
    r = Runner(args, comp)
    os.makedirs(r.work, exist_ok=True)
    if "san" in args.modes:
        live, why = r.sanitizer_control()
        if live:
            say("sanitizer positive control: reported as it must (san mode is a live check)")
        else:
            say("NOTE: sanitizer positive control: %s; the san mode cannot catch "
                "misplaced csyncs until CopierSanitizer lands" % why)
        if args.require_sanitizer:
            r.record(live, "san-control/unsynced_read", why)
    say("%d programs, -O levels %s, modes %s, %d runs per CopierGen build" % (
        len(progs), ",".join(args.opt), ",".join(args.modes), args.repeat))
    with cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for f in [ex.submit(r.one_program, p) for p in progs]:
            f.result()
    for (opt, mode), n in sorted(r.sites.items()):
        say("converted copy sites (calls to __copier_amem*_site in the binaries), %s/%s: %d" % (opt, mode, n))
    if r.mutant:
        caught = sum(1 for v in r.mutant.values() if v)
        say("the no-csync mutant was caught by %d of %d program builds" % (caught, len(r.mutant)))
        r.record(caught >= args.mutant_min, "mutant detection",
                 "only %d caught, fewer than --mutant-min %d" % (caught, args.mutant_min))
    print("%d passed, %d failed" % (r.passed, r.failed))
    return 0 if r.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
