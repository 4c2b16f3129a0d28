"""Per-test result parsers: each turns a test command's output into {test name: status}.

status is "pass", "fail" or "skip". Kinds (a recipe's "parser" field):
  ctest     CTest's "N/M Test #k: name .... Passed" lines
  passfail  automake's parallel harness / minicheck: "PASS: name", "FAIL: name", ...
  regex     a recipe-supplied pattern with named groups `name` and `status`
  targets   (handled by the runner) one make target per test, judged by its exit status
"""
import re

_CTEST = re.compile(r"^\s*\d+/\d+\s+Test\s+#\d+:\s+(\S+)\s+\.*\s*(\*\*\*)?(\w+(?: Run)?)", re.M)
_PASSFAIL = re.compile(r"^(PASS|FAIL|XFAIL|XPASS|SKIP|ERROR):\s+(\S+)", re.M)


def parse_ctest(text, test):
    out = {}
    for name, _, verdict in _CTEST.findall(text):
        v = verdict.strip()
        out[name] = "pass" if v == "Passed" else ("skip" if v.startswith("Not Run") or v == "Skipped" else "fail")
    return out


def parse_passfail(text, test):
    out = {}
    for verdict, name in _PASSFAIL.findall(text):
        # XFAIL is an expected failure: the suite counts it as fine.
        out[name] = {"PASS": "pass", "XFAIL": "pass", "SKIP": "skip"}.get(verdict, "fail")
    return out


def parse_regex(text, test):
    out = {}
    passing = set(test.get("pass", ["PASS", "OK", "ok", "passed", "Passed"]))
    for m in re.finditer(test["pattern"], text, re.M):
        name = (m.group("name") or "").strip() or test.get("name_default", "test")
        out[name] = "pass" if m.group("status") in passing else "fail"
    return out


PARSERS = {"ctest": parse_ctest, "passfail": parse_passfail, "regex": parse_regex}


def parse(kind, text, test):
    if kind not in PARSERS:
        raise ValueError("unknown parser %r (known: %s, targets)" % (kind, ", ".join(sorted(PARSERS))))
    return PARSERS[kind](text, test)


def compare(baseline, results):
    """Tests whose status differs from the baseline's, as (name, baseline, this) triples."""
    diffs = []
    for name in sorted(set(baseline) | set(results)):
        b, r = baseline.get(name, "missing"), results.get(name, "missing")
        if b != r:
            diffs.append((name, b, r))
    return diffs


def _selftest():
    ct = ("      Start  1: test_array\n"
          " 1/3 Test  #1: test_array .......................   Passed    0.01 sec\n"
          " 2/3 Test  #2: valid__x ...........***Failed    0.02 sec\n"
          " 3/3 Test  #3: slow .....................***Timeout 120.01 sec\n"
          " 4/4 Test  #4: boom ..........***Exception: SegFault  0.01 sec\n")
    assert parse_ctest(ct, {}) == {"test_array": "pass", "valid__x": "fail", "slow": "fail",
                                   "boom": "fail"}, parse_ctest(ct, {})
    pf = "PASS: tests/pngtest-all\nFAIL: test_x (check failed at a.c:3)\nXFAIL: t3\nSKIP: t4\n"
    assert parse_passfail(pf, {}) == {"tests/pngtest-all": "pass", "test_x": "fail", "t3": "pass",
                                      "t4": "skip"}
    rx = {"pattern": r"\*\*\* zlib (?P<name>(?:shared |64-bit )?)test (?P<status>OK|FAILED) \*\*\*",
          "pass": ["OK"], "name_default": "static"}
    z = "\t\t*** zlib test OK ***\n\t\t*** zlib shared test FAILED ***\n"
    assert parse_regex(z, rx) == {"static": "pass", "shared": "fail"}
    assert compare({"a": "pass", "b": "fail"}, {"a": "fail", "c": "pass"}) == \
        [("a", "pass", "fail"), ("b", "fail", "missing"), ("c", "missing", "pass")]
    return 4


if __name__ == "__main__":
    print("%d passed, 0 failed" % _selftest())
