"""Package benchmarks, measured for every mode in one run.

The machine is shared and noisy, so:
- repetitions go round-robin over the modes, and each round starts one mode
  later than the last (clang-19 first, then copier-cc first, ...), so drift of
  the load and the position in the round hit every mode alike;
- a ratio is computed per round, between runs seconds apart, and the matrix
  reports the median of those paired ratios with their interquartile range
  and min-max; a ratio whose IQR contains 1.0 is flagged "within noise";
- time benchmarks record wall time and CPU time (user+sys of every thread of
  every process of the run, the engine's service threads included);
- the 1-minute load average is sampled before every run;
- one extra, untimed run per copier mode with COPIER_OPTIONS=stats=1 records
  what the engine did (copies made inline / offloaded), so a ratio near 1.0
  can be told apart from "nothing was offloaded".
"""
import os
import random
import re
import statistics
import struct
import tempfile
import time
import zlib

try:
    from . import proc
except ImportError:  # run as a script, for the self-test
    import proc

_WORDS_SEED = 20261123
STATS_RE = re.compile(r"copier:\s+copies (\d+) \((\d+) bytes\): (\d+) inline, (\d+) offloaded")


def bench_data(path, size=32 << 20):
    """Deterministic, compressible text (about 3:1 with zlib -6) of exactly `size` bytes."""
    if os.path.exists(path) and os.path.getsize(path) == size:
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rng = random.Random(_WORDS_SEED)
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    vocab = ["".join(rng.choice(letters[:rng.randint(6, 26)]) for _ in range(rng.randint(2, 11)))
             for _ in range(6000)]
    weights = [1.0 / (i + 1) for i in range(len(vocab))]  # Zipf-like, as in prose
    tmp = path + ".tmp"
    written = 0
    with open(tmp, "wb") as f:
        while written < size:
            words = rng.choices(vocab, weights=weights, k=50000)
            chunk = bytearray()
            for i in range(0, len(words), 12):
                chunk += (" ".join(words[i:i + 12]) + ("\n" if i % 5 else ".\n")).encode()
            chunk = bytes(chunk[:size - written])
            f.write(chunk)
            written += len(chunk)
    os.replace(tmp, path)
    return path


def bench_png(path, text, width=4096, height=512):
    """An RGBA PNG whose pixels are the text's bytes: 16 KiB rows (libpng copies
    whole rows), 8 MiB of pixels, compressible like the text."""
    if os.path.exists(path):
        return path
    row = width * 4
    with open(text, "rb") as f:
        pixels = f.read(row * height)
    raw = b"".join(b"\0" + pixels[y * row:(y + 1) * row] for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    with open(path + ".tmp", "wb") as f:
        f.write(png)
    os.replace(path + ".tmp", path)
    return path


def bench_xml(path, text, size=16 << 20):
    """A record-per-line XML document built from the text's first `size` bytes
    (attributes, character data; about 27 MiB)."""
    if os.path.exists(path):
        return path
    with open(text, "rb") as f:
        lines = f.read(size).split(b"\n")
    out = [b'<?xml version="1.0" encoding="UTF-8"?>\n<doc>\n']
    for i, line in enumerate(lines):
        w = line.split(b" ", 2) + [b"x", b"x"]
        out.append(b'<rec id="%d" key="%s" lang="%s"><t>%s</t></rec>\n' % (i, w[0], w[1], line))
    out.append(b"</doc>\n")
    with open(path + ".tmp", "wb") as f:
        f.write(b"".join(out))
    os.replace(path + ".tmp", path)
    return path


def inputs(cache, wanted):
    """The placeholders the recipes' benchmarks use, generated once into the cache."""
    d = os.path.join(cache, "bench")
    subst = {"bench_data": "/nonexistent", "bench_png": "/nonexistent", "bench_xml": "/nonexistent"}
    if not wanted:
        return subst
    text = bench_data(os.path.join(d, "text-32MiB.dat"))
    subst["bench_data"] = text
    if "bench_png" in wanted:
        subst["bench_png"] = bench_png(os.path.join(d, "text-4096x512.png"), text)
    if "bench_xml" in wanted:
        subst["bench_xml"] = bench_xml(os.path.join(d, "text-16MiB.xml"), text)
    return subst


def run_once(bench, cwd, env, subst, timeout=600):
    """One run of one benchmark: {value name: number, "_wall": s, "_cpu": s}, or {"error": text}."""
    cmd = [a.format(**subst) for a in bench["cmd"]]
    with tempfile.TemporaryFile() as f:
        # CPU time of this run's process tree only (all threads): see proc.py.
        st, wall, cpu = proc.run(cmd, cwd, env, f, timeout=timeout)
        f.seek(0)
        out = f.read().decode(errors="replace").replace("\r", "\n")
    if st == "timeout":
        return {"error": "timeout after %ds" % timeout}
    if st != 0:
        tail = out.strip().splitlines()[-3:]
        return {"error": "exit %s: %s" % (st, " | ".join(tail))}
    vals = {"_wall": wall, "_cpu": cpu, "_out": out}
    if bench.get("metric", "time") == "time":
        vals[bench["name"]] = wall
        vals[bench["name"] + " (cpu)"] = cpu
        return vals
    for sub, pat in bench["values"].items():
        found = re.findall(pat, out)
        if not found:
            return {"error": "pattern for %s not found in output" % sub}
        vals["%s/%s" % (bench["name"], sub)] = float(found[-1])
    return vals


def engine_stats(text):
    """Sum of the engine's exit statistics printed by every process of a run."""
    found = STATS_RE.findall(text)
    if not found:
        return None
    s = [sum(int(m[i]) for m in found) for i in range(4)]
    return {"copies": s[0], "bytes": s[1], "inline": s[2], "offloaded": s[3]}


def run_all(jobs, repeats, baseline, log=None):
    """jobs: list of (mode, bench, cwd, env, subst).
    Returns {mode: {value: [samples, one per round]}}, {bench name: [load per run]},
    {mode: {bench name: engine stats}}, {mode: error}."""
    samples, loads, stats, errors = {}, {}, {}, {}
    benches = list({id(j[1]): j[1] for j in jobs}.values())
    for bench in benches:
        mine = [j for j in jobs if j[1] is bench]
        for mode, b, cwd, env, subst in mine:  # warm-up: page cache, CPU frequency; not recorded
            r = run_once(b, cwd, env, subst)
            if "error" in r:
                errors[mode] = "%s: %s" % (b["name"], r["error"])
        # A short, noisy benchmark may ask for more rounds than the others
        # (its recipe's "repeat_factor"): xmlwf runs 0.23 s and its paired
        # ratios spread over 0.90-1.08 in 9 rounds.
        rounds = repeats * int(bench.get("repeat_factor", 1))
        for rnd in range(rounds):
            k = rnd % len(mine)
            for mode, b, cwd, env, subst in mine[k:] + mine[:k]:
                if mode in errors:
                    continue
                loads.setdefault(b["name"], []).append(os.getloadavg()[0])
                r = run_once(b, cwd, env, subst)
                if "error" in r:
                    errors[mode] = "%s: %s" % (b["name"], r["error"])
                    continue
                for key, v in r.items():
                    if not key.startswith("_"):
                        samples.setdefault(mode, {}).setdefault(key, []).append(v)
            if log:
                log("  %s round %d/%d done (load %.1f)" % (bench["name"], rnd + 1, rounds,
                                                           os.getloadavg()[0]))
        for mode, b, cwd, env, subst in mine:
            if mode == baseline or mode in errors:
                continue
            r = run_once(b, cwd, dict(env, COPIER_OPTIONS="stats=1"), subst)
            if "error" not in r:
                stats.setdefault(mode, {})[b["name"]] = engine_stats(r["_out"])
    return samples, loads, stats, errors


def spread(xs):
    """median, quartiles (inclusive method) and range of a list of numbers."""
    xs = sorted(xs)
    if len(xs) >= 2:
        q1, _, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    else:
        q1 = q3 = xs[0]
    return {"median": statistics.median(xs), "q1": q1, "q3": q3, "min": xs[0], "max": xs[-1],
            "n": len(xs)}


def summarize(samples, baseline, units):
    """Per mode and value: the sample spread and the paired ratio to the baseline
    (>1 = faster), with a "within_noise" flag when its IQR contains 1.0."""
    out = {}
    base = samples.get(baseline, {})
    for mode, vals in samples.items():
        for k, v in vals.items():
            unit = units.get(k, "s")
            entry = dict(spread(v), unit=unit, runs=len(v))
            b = base.get(k)
            if b and len(b) == len(v) and all(x > 0 for x in b + v):
                # time: lower is better; throughput: higher is better.
                pairs = [(bi / vi) if unit == "s" else (vi / bi) for bi, vi in zip(b, v)]
                r = spread(pairs)
                entry["ratio"] = r
                entry["speed_vs_baseline"] = r["median"]
                entry["within_noise"] = r["q1"] <= 1.0 <= r["q3"]
            out.setdefault(mode, {})[k] = entry
    return out


def _selftest():
    # Paired ratios: the baseline's 2nd round was slow for everyone (load);
    # per-round pairing keeps the copier mode's ratio tight.
    s = {"clang-19": {"x": [1.0, 2.0, 1.0, 1.0, 1.0]}, "copier-cc": {"x": [0.8, 1.6, 0.8, 0.8, 0.8]}}
    r = summarize(s, "clang-19", {"x": "s"})
    assert abs(r["copier-cc"]["x"]["speed_vs_baseline"] - 1.25) < 1e-9, r
    assert r["copier-cc"]["x"]["within_noise"] is False
    assert r["clang-19"]["x"]["within_noise"] is True  # the baseline against itself
    # Throughput is higher-is-better; an IQR straddling 1.0 is noise.
    s = {"clang-19": {"t": [100, 100, 100, 100]}, "m": {"t": [90, 105, 110, 95]}}
    r = summarize(s, "clang-19", {"t": "MB/s"})["m"]["t"]
    assert r["within_noise"] is True and r["ratio"]["min"] == 0.9 and r["ratio"]["max"] == 1.1, r
    # A mode with fewer samples (an error mid-way) gets no ratio rather than a wrong one.
    s = {"clang-19": {"x": [1.0, 1.0]}, "m": {"x": [1.0]}}
    assert "ratio" not in summarize(s, "clang-19", {})["m"]["x"]
    assert spread([3, 1, 2, 4])["median"] == 2.5
    st = engine_stats("copier:   copies 10 (100 bytes): 7 inline, 3 offloaded\n"
                      "copier:   copies 2 (8 bytes): 2 inline, 0 offloaded\n")
    assert st == {"copies": 12, "bytes": 108, "inline": 9, "offloaded": 3}, st
    assert engine_stats("no engine here") is None
    return 6


if __name__ == "__main__":
    print("%d passed, 0 failed" % _selftest())
