#!/usr/bin/env python3
"""End-to-end tests of copier-cc: compile, link and run small C programs
through the real build/bin/copier-cc, and compare with clang-19 itself.

  Tests/e2e/run.py [--bin DIR] [-k SUBSTRING]

DIR holds copier-cc (default: build/bin of this checkout). Ends with the line
"N passed, N failed"; exit status 1 when anything failed.
"""
import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import traceback

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLANG = "/usr/lib/llvm-19/bin/clang"
CLANGXX = "/usr/lib/llvm-19/bin/clang++"
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


class Env:
    def __init__(self, bindir, work):
        self.bindir = bindir
        self.cc = os.path.join(bindir, "copier-cc")
        self.cxx = os.path.join(bindir, "copier-c++")
        self.work = work

    def run(self, argv, cwd=None, input=None, env=None, ok=True):
        e = dict(os.environ)
        e.pop("COPIER_CLANG", None)
        if env:
            e.update(env)
        p = subprocess.run(argv, cwd=cwd or self.work, input=input, capture_output=True, env=e, timeout=300)
        p.out = p.stdout.decode(errors="replace")
        p.err = p.stderr.decode(errors="replace")
        if ok and p.returncode != 0:
            raise Fail("%s -> exit %d\nstderr: %s" % (shlex.join(argv), p.returncode, p.err))
        return p

    def write(self, name, text):
        path = os.path.join(self.work, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path


# A program whose output depends on many memcpy/memmove calls of all sizes,
# so a wrong copy shows up as a different checksum (differential tests).
COPY_PROG = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
struct rec { int id; char name[200]; double v[16]; };
static uint64_t mix(uint64_t h, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}
int main(int argc, char **argv) {
    size_t sizes[] = {1, 7, 64, 100, 4096, 65536, 1 << 20};
    uint64_t h = 1469598103934665603ull;
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        unsigned char *a = malloc(n + 16), *b = malloc(n + 16);
        for (size_t i = 0; i < n + 16; i++) a[i] = (unsigned char)(i * 31 + k);
        memcpy(b, a, n);
        memmove(a + 3, a, n);          /* overlapping */
        h = mix(h, b, n);
        h = mix(h, a, n + 3);
        free(a); free(b);
    }
    struct rec r1 = {1, "alpha", {1.5}}, r2;
    r2 = r1;                             /* struct copy */
    memcpy(r2.name, "beta", 5);
    h = mix(h, (unsigned char *)&r2, sizeof r2);
    printf("checksum %llu argc %d\n", (unsigned long long)h, argc);
    return 0;
}
"""


def build_and_run(env, compiler, src, out, extra=()):
    env.run([compiler, "-O2", *extra, src, "-o", out])
    return env.run([out]).out


# ---------------------------------------------------------------- programs
@test
def compile_link_run_differential(env):
    src = env.write("copy.c", COPY_PROG)
    ref = build_and_run(env, CLANG, src, os.path.join(env.work, "ref"))
    for flags in ([], ["-O0"], ["-fno-copier-gen"], ["-fcopier-min-size=0"], ["-fcopier-min-size=4096"]):
        got = build_and_run(env, env.cc, src, os.path.join(env.work, "cop"), flags)
        check(got == ref, "output differs with %s: %r vs %r" % (flags, got, ref))
        check(got.startswith("checksum"), got)


@test
def separate_compile_then_link_only(env):
    env.write("m.c", "int f(int);\n#include <stdio.h>\nint main(void){printf(\"%d\\n\", f(20));return 0;}\n")
    env.write("f.c", "#include <string.h>\nint f(int x){char a[64],b[64];memset(a,x,64);memcpy(b,a,64);return b[5]+1;}\n")
    env.run([env.cc, "-c", "m.c", "f.c"])
    check(os.path.exists(os.path.join(env.work, "m.o")) and os.path.exists(os.path.join(env.work, "f.o")), "objects")
    env.run(["/usr/lib/llvm-19/bin/llvm-ar", "rcs", "libf.a", "f.o"])
    env.run([env.cc, "m.o", "libf.a", "-o", "p"])
    check(env.run(["./p"]).out == "21\n", "archive link output")
    needed = env.run(["readelf", "-d", "p"]).out
    check("libcopier.so" in needed, "the runtime is linked: " + needed)


@test
def hand_ported_code_with_copier_h(env):
    env.write("hp.c", """\
        #include <copier.h>
        #include <stdio.h>
        #include <string.h>
        static char src[100000], dst[100000];
        int main(void) {
            for (int i = 0; i < (int)sizeof src; i++) src[i] = (char)i;
            amemcpy(dst, src, sizeof src);
            csync(dst, sizeof dst);
            printf("%d\\n", memcmp(dst, src, sizeof src) == 0);
            return 0;
        }
        """)
    for flags in ([], ["-fno-copier-gen"]):
        env.run([env.cc, *flags, "hp.c", "-o", "hp"])
        check(env.run(["./hp"]).out == "1\n", "amemcpy+csync result with %s" % flags)


@test
def cdone_is_0_under_the_sanitizer(env):
    # A copy the engine made at once is done (1); under -fsanitize=copier
    # cdone always says 0, so hand-ported code takes its checked path there.
    env.write("cd.c", """\
        #include <copier.h>
        #include <stdio.h>
        static char src[256], dst[256];
        int main(void) {
            amemcpy(dst, src, sizeof src); /* below sync_below: copied at once */
            int d = cdone(dst, sizeof dst);
            csync(dst, sizeof dst);
            printf("%d %d %d\\n", d, cdone(dst, sizeof dst), COPIER_API_VERSION >= 2);
            return 0;
        }
        """)
    env.run([env.cc, "-fno-copier-gen", "cd.c", "-o", "cd"])
    check(env.run(["./cd"]).out == "1 1 1\n", "cdone without the sanitizer")
    env.run([env.cc, "-fsanitize=copier", "-fno-copier-gen", "cd.c", "-o", "cd-san"])
    check(env.run(["./cd-san"]).out == "0 0 1\n", "cdone under the sanitizer")


@test
def cxx_driver(env):
    env.write("x.cpp", "#include <vector>\n#include <cstdio>\nint main(){std::vector<int> v(1000,3),w=v;"
                       "std::printf(\"%d\\n\",w[999]);}\n")
    p = env.run([env.cxx, "--copier-print-commands", "x.cpp", "-o", "xx"])
    check(p.err.startswith(CLANGXX + " "), "copier-c++ runs clang++: " + p.err)
    check(env.run(["./xx"]).out == "3\n", "C++ program output")


@test
def sanitizer_links_libcopier_san(env):
    src = env.write("copy.c", COPY_PROG)
    ref = build_and_run(env, CLANG, src, os.path.join(env.work, "ref"))
    got = build_and_run(env, env.cc, src, os.path.join(env.work, "san"), ["-fsanitize=copier"])
    check(got == ref, "sanitized output differs")
    needed = env.run(["readelf", "-d", "san"]).out
    check("libcopier_san.so" in needed and "libcopier.so]" not in needed, needed)


@test
def sanitize_copier_with_undefined(env):
    src = env.write("copy.c", COPY_PROG)
    ref = build_and_run(env, CLANG, src, os.path.join(env.work, "ref"))
    got = build_and_run(env, env.cc, src, os.path.join(env.work, "ub"), ["-fsanitize=copier,undefined"])
    check(got == ref, "output differs under -fsanitize=copier,undefined")


@test
def shared_library_uses_shared_runtime(env):
    env.write("lib.c", "#include <string.h>\nvoid cp(char*d,const char*s,unsigned long n){memcpy(d,s,n);}\n")
    env.write("use.c", "#include <stdio.h>\nvoid cp(char*,const char*,unsigned long);\n"
                       "int main(void){char d[8];cp(d,\"hello\",6);puts(d);return 0;}\n")
    env.run([env.cc, "-shared", "-fPIC", "-O2", "lib.c", "-o", "libcp.so"])
    dyn = env.run(["readelf", "-d", "libcp.so"]).out
    check("libcopier.so" in dyn, "-shared links the shared runtime: " + dyn)
    syms = env.run(["nm", "-D", "--defined-only", "libcp.so"]).out
    check("amemcpy" not in syms and "csync" not in syms, "no private copy of the runtime in the .so: " + syms)
    env.run([env.cc, "use.c", "-L.", "-lcp", "-Wl,-rpath," + env.work, "-o", "use"])
    check(env.run(["./use"]).out == "hello\n", "program using the .so")


@test
def runs_under_valgrind(env):
    # Debian 12's valgrind cannot read DWARF 5 and gives up on the whole
    # process; the runtime libraries carry DWARF 4 so that programs built
    # by copier-cc (normal and sanitized) run under memcheck like clang-19's.
    for lib in ("libcopier.so", "libcopier_san.so"):
        path = os.path.join(env.bindir, "..", "lib", lib)
        info = env.run(["readelf", "--debug-dump=info", path]).out
        versions = set(re.findall(r"Version:\s+(\d+)", info))
        check(versions and versions <= {"2", "3", "4"}, "%s DWARF versions %s" % (lib, sorted(versions)))
    src = env.write("copy.c", COPY_PROG)
    ref = build_and_run(env, CLANG, src, os.path.join(env.work, "ref"))
    for flags, exe in (([], "vg"), (["-fcopier-min-size=0"], "vg0")):
        env.run([env.cc, "-O2", *flags, src, "-o", exe])
        p = env.run(["valgrind", "-q", "--error-exitcode=99", "./" + exe], ok=False)
        check(p.returncode == 0, "valgrind %s exit %d: %s" % (flags, p.returncode, p.err[-600:]))
        check(p.out == ref, "output under valgrind %s: %r vs %r" % (flags, p.out, ref))


# ---------------------------------------------- source lines without -g
@test
def records_have_lines_objects_have_no_debug_info(env):
    # copier-cc compiles with line tables for CopierGen's records and drops
    # them after the Copier passes: no -g, no debug sections, same code; a
    # user's own -g keeps its debug info.
    env.write("d.c", "#include <string.h>\nvoid f(char*d,const char*s,unsigned long n){\n  memcpy(d,s,n);\n  d[0]=1;\n}\n")
    env.run([env.cc, "-O2", "-c", "d.c", "-o", "d.o"])
    secs = env.run(["readelf", "-S", "-W", "d.o"]).out
    check(".debug" not in secs, "no debug sections without -g: " + secs)
    env.run(["objcopy", "--dump-section", "copier_report=d.rep", "d.o"])
    rep = open(os.path.join(env.work, "d.rep"), "rb").read().decode()
    check('"kind":"copy","line":3' in rep, "the copy's record has its source line: " + rep[:400])
    env.run([env.cc, "-g", "-O2", "-c", "d.c", "-o", "dg.o"])
    gsecs = env.run(["readelf", "-S", "-W", "dg.o"]).out
    check(".debug_info" in gsecs and ".debug_line" in gsecs, "-g keeps debug info: " + gsecs)


# ------------------------------------------------- no unused-argument noise
WERROR = ["-Werror", "-Wunused-command-line-argument"]


@test
def werror_clean_every_mode(env):
    env.write("w.c", "#include <string.h>\nint main(void){char a[300],b[300];memset(a,1,300);memcpy(b,a,300);return b[0]-1;}\n")
    stack = '.section .note.GNU-stack,"",@progbits\n'  # else ld warns about an executable stack
    env.write("w.s", ".text\n.globl g\ng:\n ret\n" + stack)
    env.write("wa.s", ".text\n.globl g2\ng2:\n ret\n" + stack)
    env.write("w.S", "#define X 1\n.text\n.globl h\nh:\n ret\n" + stack)
    env.run([CLANG, "-E", "w.c", "-o", "w.i"])
    cases = [
        ["-c", "w.c", "-o", "w1.o"], ["-E", "w.c"], ["-S", "w.c", "-o", "w.asm"], ["-M", "w.c"], ["-MM", "w.c"],
        ["-MD", "-MF", "w.d", "-c", "w.c", "-o", "w2.o"], ["-fsyntax-only", "w.c"], ["-c", "w.s", "-o", "ws.o"],
        ["-c", "w.S", "-o", "wS.o"], ["-c", "w.i", "-o", "wi.o"], ["w.c", "-o", "w.out"],
        ["w1.o", "-o", "w2.out"], ["-O2", "-c", "w.c", "wa.s"],
        ["-fno-copier-gen", "-c", "w.c", "-o", "w3.o"], ["-fno-copier-gen", "w1.o", "-o", "w3.out"],
        ["-fsanitize=copier", "-c", "w.c", "-o", "w4.o"], ["-fsanitize=copier", "w4.o", "-o", "w4.out"],
        ["-fcopier-min-size=16", "w1.o", "ws.o", "-o", "w5.out"], ["-shared", "-fPIC", "w.c", "-o", "w.so"],
        ["-x", "c", "-E", "-"], ["-emit-llvm", "-c", "w.c", "-o", "w.bc"],
    ]
    for c in cases:
        p = env.run([env.cc, *WERROR, *c], input=b"int x;\n")
        check(p.err == "", "stderr not empty for %s: %s" % (c, p.err))


# ---------------------------------------------------- stdin, -o -, @files
@test
def stdin_and_stdout(env):
    prog = b"#include <stdio.h>\nint main(void){puts(\"from stdin\");return 0;}\n"
    env.run([env.cc, "-x", "c", "-", "-o", "sp"], input=prog)
    check(env.run(["./sp"]).out == "from stdin\n", "program from stdin")
    a = env.run([env.cc, "-x", "c", "-E", "-"], input=prog).out
    b = env.run([CLANG, "-x", "c", "-E", "-"], input=prog).out
    check(a == b, "-E from stdin differs from clang-19's")
    asm = env.run([env.cc, "-x", "c", "-S", "-", "-o", "-"], input=prog).out
    check("main:" in asm, "-S -o - writes assembly to stdout")
    obj = env.run([env.cc, "-x", "c", "-c", "-", "-o", "-"], input=prog).stdout
    check(obj[:4] == b"\x7fELF", "-c -o - writes an object to stdout")


@test
def response_files(env):
    env.write("r.c", "int main(void){return 7;}\n")
    env.write("c.rsp", "-c 'r.c'\n-o r.o\n")
    env.write("l.rsp", "r.o -o \"r out\"\n")
    p = env.run([env.cc, "--copier-print-commands", "@c.rsp"])
    check("@c.rsp" in p.err and "-fpass-plugin=" in p.err, "compile via @file keeps @file: " + p.err)
    p = env.run([env.cc, "--copier-print-commands", "@l.rsp"])
    check("-lcopier" in p.err and "-fpass-plugin" not in p.err, "link via @file: " + p.err)
    r = env.run([os.path.join(env.work, "r out")], ok=False)
    check(r.returncode == 7, "program built through response files")
    env.write("own.rsp", "-fno-copier-gen -c r.c -o r2.o\n")
    p = env.run([env.cc, *WERROR, "--copier-print-commands", "@own.rsp"])
    check("-fno-copier-gen" not in p.err and "-fpass-plugin" not in p.err and "r2.o" in p.err,
          "our flag inside an @file is taken out: " + p.err)


# ------------------------------------------------- info-only and modifiers
@test
def info_queries_match_clang(env):
    for q in (["--version"], ["-dumpversion"], ["-dumpmachine"], ["-print-prog-name=ld"],
              ["-print-file-name=libc.so"], ["-print-search-dirs"], ["-print-resource-dir"], ["-v"],
              ["-print-libgcc-file-name"], ["--help"]):
        a, b = env.run([env.cc, *q], ok=False), env.run([CLANG, *q], ok=False)
        check((a.returncode, a.out, a.err) == (b.returncode, b.out, b.err), "%s differs from clang-19" % q)


@test
def hash_hash_hash_shows_real_jobs(env):
    env.write("h.c", "int main(void){return 0;}\n")
    p = env.run([env.cc, "-###", "h.c", "-o", "h.out"])
    check("CopierPasses.so" in p.err and "-lcopier" in p.err, "-### shows the plugin and runtime: " + p.err)
    check(not os.path.exists(os.path.join(env.work, "h.out")), "-### runs nothing")


@test
def exit_status_and_diagnostics_pass_through(env):
    env.write("bad.c", "int main(void){ return undeclared; }\n")
    a = env.run([env.cc, "-c", "bad.c", "-o", "bad.o"], ok=False)
    b = env.run([CLANG, "-c", "bad.c", "-o", "bad.o"], ok=False)
    check(a.returncode == b.returncode == 1, "exit status %d vs %d" % (a.returncode, b.returncode))
    check(a.err == b.err, "diagnostics differ:\n%s\nvs\n%s" % (a.err, b.err))
    a = env.run([env.cc, "nosuch.o"], ok=False)
    b = env.run([CLANG, "nosuch.o"], ok=False)
    check((a.returncode, a.err) == (b.returncode, b.err), "missing input: %r vs %r" % (a.err, b.err))


@test
def dependency_files_match_clang(env):
    env.write("d.c", "#include \"d.h\"\nint main(void){return D;}\n")
    env.write("d.h", "#define D 0\n")
    a = env.run([env.cc, "-M", "d.c"]).out
    b = env.run([CLANG, "-M", "d.c"]).out
    check(a == b, "-M output differs")
    env.run([env.cc, "-MD", "-MF", "d1.dep", "-MT", "tgt", "-c", "d.c", "-o", "d1.o"])
    env.run([CLANG, "-MD", "-MF", "d2.dep", "-MT", "tgt", "-c", "d.c", "-o", "d2.o"])
    check(open(os.path.join(env.work, "d1.dep")).read() == open(os.path.join(env.work, "d2.dep")).read(), "-MD file")


@test
def childs_signal_is_raised(env):
    # clang replaced by a script that kills itself: the caller must see the signal.
    fake = env.write("fakeclang/clang", "#!/bin/sh\nkill -TERM $$\n")
    os.chmod(fake, 0o755)
    p = env.run([env.cc, "-c", "x.c"], env={"COPIER_CLANG": fake}, ok=False)
    check(p.returncode == -signal.SIGTERM, "expected death by SIGTERM, got %d" % p.returncode)


# ------------------------------------------------------------- own errors
@test
def own_flag_errors(env):
    for args, needle in ((["-fcopier-min-size=abc", "-c", "x.c"], "-fcopier-min-size=abc"),
                         (["-fcopier-min-size=-4"], "non-negative integer"),
                         (["-fsanitize=address,copier", "-c", "x.c"], "-fsanitize=address"),
                         (["-fcopier-frobnicate"], "unknown Copier option")):
        p = env.run([env.cc, *args], ok=False)
        check(p.returncode == 1, "%s: exit %d" % (args, p.returncode))
        check(p.out == "" and p.err.count("\n") == 1 and needle in p.err and p.err.startswith("copier-cc: error:"),
              "%s: %r" % (args, p.err))


@test
def missing_clang_is_one_clear_line(env):
    p = env.run([env.cc, "-c", "x.c"], env={"COPIER_CLANG": "/nonexistent/clang"}, ok=False)
    check(p.returncode == 1 and p.err.count("\n") == 1 and "COPIER_CLANG" in p.err, repr(p.err))


@test
def print_commands_is_shell_quoted(env):
    env.write("q.c", "int main(void){return Q;}\n")
    p = env.run([env.cc, "--copier-print-commands", "-DQ=0", "-DMSG=a b", "q.c", "-o", "q out"])
    lines = p.err.splitlines()
    check(len(lines) == 1, "one command line: %r" % p.err)
    argv = shlex.split(lines[0])
    check(argv[0] == CLANG and "-DMSG=a b" in argv and "q out" in argv, "round-trips through sh: %s" % argv)


# --------------------------------------------------- build systems, install
@test
def autoconf_style_probes_match_clang(env):
    # What libtool/autoconf compare: each probe's exit status, stdout and stderr.
    env.write("conftest.c", "int main(void){return 0;}\n")
    env.write("warn.c", "int main(void){int unused;return 0;}\n")
    os.makedirs(os.path.join(env.work, "out"), exist_ok=True)
    probes = [["-c", "conftest.c", "-fPIC", "-DPIC", "-o", "conftest.o"],
              ["-c", "-o", "out/conftest2.o", "conftest.c"],
              ["conftest.c", "-static", "-o", "conftest"], ["-E", "conftest.c"],
              ["-Wall", "-c", "warn.c"], ["-fno-rtti", "-c", "conftest.c"],
              ["-shared", "-fPIC", "conftest.c", "-o", "libc1.so"], ["-c", "nosuch.c"],
              ["-g", "-O2", "conftest.c", "-o", "conftest"], ["-V"], ["-qversion"]]
    for pr in probes:
        a = env.run([env.cc, *pr], ok=False)
        b = env.run([CLANG, *pr], ok=False)
        check((a.returncode, a.out, a.err) == (b.returncode, b.out, b.err),
              "probe %s: copier-cc %r vs clang-19 %r" % (pr, (a.returncode, a.err), (b.returncode, b.err)))


@test
def cmake_project(env):
    if not shutil.which("cmake"):
        raise Fail("cmake not installed (make deps installs it)")
    d = os.path.join(env.work, "cm")
    env.write("cm/CMakeLists.txt", """\
        cmake_minimum_required(VERSION 3.16)
        project(cm C)
        include(CheckCCompilerFlag)
        check_c_compiler_flag(-fPIC HAVE_FPIC)
        if(NOT HAVE_FPIC)
          message(FATAL_ERROR "flag check failed through copier-cc")
        endif()
        add_library(cp SHARED lib.c)
        add_executable(app main.c)
        target_link_libraries(app cp)
        """)
    env.write("cm/lib.c", "#include <string.h>\nvoid cp(char*d,const char*s,unsigned long n){memcpy(d,s,n);}\n")
    env.write("cm/main.c", "#include <stdio.h>\n#include <copier.h>\nvoid cp(char*,const char*,unsigned long);\n"
                           "int main(void){char d[16];cp(d,\"cmake ok\",9);puts(d);return 0;}\n")
    env.run(["cmake", "-S", d, "-B", d + "/b", "-DCMAKE_C_COMPILER=" + env.cc, "-G", "Unix Makefiles"])
    env.run(["cmake", "--build", d + "/b", "-j", "2"])
    check(env.run([d + "/b/app"]).out == "cmake ok\n", "CMake-built program")


@test
def installed_tree_is_self_contained(env):
    prefix = os.path.join(env.work, "inst")
    if os.environ.get("COPIER_E2E_MAKE_INSTALL", "1") == "1" and env.bindir == os.path.join(TOP, "build", "bin"):
        env.run(["make", "--no-print-directory", "-s", "-C", TOP, "install", "PREFIX=" + prefix])
    else:  # same tree as `make install`: bin, lib, include
        os.makedirs(prefix)
        for sub in ("bin", "lib", "include"):
            src = os.path.join(os.path.dirname(env.bindir), sub)
            subprocess.run(["cp", "-a", src, prefix + "/"], check=True)
    cc = os.path.join(prefix, "bin", "copier-cc")
    src = env.write("copy.c", COPY_PROG)
    builddir = os.path.realpath(os.path.dirname(env.bindir))
    p = env.run([cc, "--copier-print-commands", "-O2", "-c", src, "-o", "ic.o"])
    p2 = env.run([cc, "--copier-print-commands", "ic.o", "-o", "ic"])
    for text in (p.err, p2.err):
        check(builddir not in text and TOP + "/" not in text.replace(src, ""), "install refers to the build tree: " + text)
        check(prefix in text, "install uses its own tree: " + text)
    ldd = env.run(["ldd", "ic"]).out
    check(os.path.join(prefix, "lib", "libcopier.so") in ldd, "runs with the installed runtime: " + ldd)
    ref = build_and_run(env, CLANG, src, os.path.join(env.work, "ref"))
    check(env.run(["./ic"]).out == ref, "installed compiler's program output")
    # No file under the build tree or the checkout is even opened (strace).
    trace = os.path.join(env.work, "trace")
    env.run(["strace", "-f", "-qq", "-e", "trace=openat,open,execve,stat,newfstatat,access,readlink",
             "-o", trace, cc, "-O2", src, "-o", "ic3"])
    opened = [l for l in open(trace) if builddir in l or (TOP + "/") in l]
    check(not opened, "installed copier-cc touched the build tree: %s" % opened[:3])
    cxx_src = env.write("ic.cpp", "#include <cstring>\nint main(){char a[99],b[99];std::memset(a,0,99);std::memcpy(b,a,99);return b[3];}\n")
    p3 = env.run([os.path.join(prefix, "bin", "copier-c++"), "--copier-print-commands", "-c", cxx_src, "-o", "ic2.o"])
    check(builddir not in p3.err and prefix in p3.err, "copier-c++ in the install: " + p3.err)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(TOP, "build", "bin"))
    ap.add_argument("-k", default="")
    args = ap.parse_args()
    bindir = os.path.abspath(args.bin)
    if not os.access(os.path.join(bindir, "copier-cc"), os.X_OK):
        print("e2e: %s/copier-cc not found; run `make` first" % bindir)
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    for t in TESTS:
        if args.k not in t.__name__:
            continue
        work = tempfile.mkdtemp(prefix="copier-e2e-")
        try:
            t(Env(bindir, work))
            passed += 1
            print("PASS: %s" % t.__name__)
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            detail = str(e) if isinstance(e, Fail) else traceback.format_exc()
            print("FAIL: %s\n  %s" % (t.__name__, detail.replace("\n", "\n  ")))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
