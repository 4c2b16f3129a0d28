#!/usr/bin/env python3
"""copier-cc's overhead per invocation over calling clang-19 directly.

Runs each pair interleaved (A, B, A, B, ...) so machine noise hits both alike,
and prints medians and the ratio. "direct" is the exact clang-19 command that
copier-cc runs (from --copier-print-commands), so the difference is the
driver alone; "plain" (no Copier flags at all) is shown for context.

  Tests/e2e/bench.py [--bin DIR] [--runs N]
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLANG = "/usr/lib/llvm-19/bin/clang"


def gen_c_file(path, lines=2000):
    """A deterministic ~2,000-line C file with loops, structs and copies."""
    out = ["#include <string.h>", "#include <stdlib.h>", "struct s { int a[32]; char n[64]; double d; };"]
    i = 0
    while len(out) < lines - 12:
        out += [
            "int f%d(struct s *p, const struct s *q, int n) {" % i,
            "  int acc = %d;" % i,
            "  for (int k = 0; k < n; k++) {",
            "    memcpy(p->a, q->a, sizeof p->a);",
            "    acc += p->a[k & 31] * %d + (int)q->d;" % (i % 7 + 1),
            "    if (acc > %d) acc -= q->a[(k + %d) & 31];" % (1000 + i, i % 5),
            "  }",
            "  *p = *q;",
            "  memmove(p->n + 1, p->n, 32);",
            "  return acc ^ p->n[%d];" % (i % 60),
            "}",
        ]
        i += 1
    out += ["int main(int argc, char **argv) {", "  struct s a = {{0}}, b = {{1}};", "  int r = 0;"]
    out += ["  r += f%d(&a, &b, argc);" % k for k in range(0, i, max(1, i // 8))]
    out += ["  return r & 1;", "}"]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return len(out)


def timed(argv, cwd, env=None):
    """Wall-clock and CPU (user+sys, the whole process tree) milliseconds."""
    t = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - t) * 1000.0
    if status != 0:
        raise SystemExit("bench: %s failed (status %d)" % (shlex.join(argv), status))
    return wall, (ru.ru_utime + ru.ru_stime) * 1000.0


def pair(name, a, b, runs, cwd, env_b=None, label_a="clang-19"):
    ta, tb = [], []
    for _ in range(2):  # warm caches
        timed(a, cwd), timed(b, cwd, env_b)
    for _ in range(runs):
        ta.append(timed(a, cwd))
        tb.append(timed(b, cwd, env_b))
    wa, wb = statistics.median(x[0] for x in ta), statistics.median(x[0] for x in tb)
    ca, cb = statistics.median(x[1] for x in ta), statistics.median(x[1] for x in tb)
    print("%-34s wall: %-8s %8.2f ms  copier-cc %8.2f ms  overhead %+7.2f ms  ratio %.4f"
          % (name, label_a, wa, wb, wb - wa, wb / wa))
    print("%-34s cpu:  %-8s %8.2f ms  copier-cc %8.2f ms  overhead %+7.2f ms  ratio %.4f"
          % ("", label_a, ca, cb, cb - ca, cb / ca))
    return wa, wb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(TOP, "build", "bin"))
    ap.add_argument("--runs", type=int, default=31)
    args = ap.parse_args()
    cc = os.path.join(os.path.abspath(args.bin), "copier-cc")
    work = tempfile.mkdtemp(prefix="copier-bench-")
    with open(os.path.join(work, "tiny.c"), "w") as f:
        f.write("int main(void){return 0;}\n")
    n = gen_c_file(os.path.join(work, "big.c"))
    print("copier-cc driver overhead: medians of %d interleaved runs; big.c has %d lines" % (args.runs, n))

    def direct(cmd):  # the clang-19 command copier-cc would exec
        p = subprocess.run([cc, "--copier-print-commands", "-###"] + cmd, cwd=work, capture_output=True, text=True)
        return [w for w in shlex.split(p.stderr.splitlines()[0]) if w != "-###"]

    # The driver alone: copier-cc exec'ing /bin/true (as COPIER_CLANG) vs /bin/true.
    env = dict(os.environ, COPIER_CLANG="/bin/true")
    pair("driver alone (-O2 -c tiny.c)", ["/bin/true", "-O2", "-c", "tiny.c"], [cc, "-O2", "-c", "tiny.c"],
         args.runs * 3, work, env_b=env, label_a="true")
    pair("--version", [CLANG, "--version"], [cc, "--version"], args.runs, work)
    tiny = ["-O2", "-c", "tiny.c", "-o", "tiny.o"]
    pair("tiny -O2 -c (same clang command)", direct(tiny), [cc] + tiny, args.runs, work)
    big = ["-O2", "-c", "big.c", "-o", "big.o"]
    ma, mb = pair("2000-line -O2 -c (same command)", direct(big), [cc] + big, max(7, args.runs // 3), work)
    print("overhead on the 2000-line -O2 compile: %.2f ms = %.2f%% (goals: < 20 ms and < 2%%)"
          % (mb - ma, 100.0 * (mb - ma) / ma))
    pair("context: plain clang vs copier-cc", [CLANG] + big, [cc] + big, max(7, args.runs // 3), work)
    print("(the context row includes the plugin's own work, which is not driver overhead;")
    print(" wall times suffer from other load on the machine, CPU times much less)")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
