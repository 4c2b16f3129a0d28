"""Package benchmarks, measured for every mode in one run.

Repetitions go round-robin over the modes (clang-19, copier-cc, ... then
again), so slow drift of a shared machine's load hits every mode alike; the
matrix reports medians and their ratio to the clang-19 median.
"""
import os
import random
import re
import resource
import statistics
import subprocess
import time

_WORDS_SEED = 20261123


def bench_data(path, size=64 << 20):
    """Deterministic, compressible text (≈3:1 with zlib -6) of exactly `size` bytes."""
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


def run_once(bench, cwd, env, subst, timeout=600):
    """One run of one benchmark: {value name: number}, or {"error": text}."""
    cmd = [a.format(**subst) for a in bench["cmd"]]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": "timeout after %ds" % timeout}
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if p.returncode != 0:
        tail = (p.stdout + p.stderr).decode(errors="replace").strip().splitlines()[-3:]
        return {"error": "exit %d: %s" % (p.returncode, " | ".join(tail))}
    if bench.get("metric", "time") == "time":
        # CPU time too: on a shared, overloaded machine wall time mostly measures
        # the neighbours; CPU time (all threads, engine included) does not.
        return {bench["name"]: wall, bench["name"] + " (cpu)": cpu}
    out = (p.stdout + p.stderr).decode(errors="replace").replace("\r", "\n")
    vals = {}
    for sub, pat in bench["values"].items():
        found = re.findall(pat, out)
        if not found:
            return {"error": "pattern for %s not found in output" % sub}
        vals["%s/%s" % (bench["name"], sub)] = float(found[-1])
    return vals


def run_all(jobs, repeats):
    """jobs: list of (mode, bench, cwd, env, subst). Returns {mode: {value: [samples]}, errors}."""
    samples, errors = {}, {}
    for bench in {id(j[1]): j[1] for j in jobs}.values():
        for mode, b, cwd, env, subst in jobs:
            if b is bench:  # warm-up: page cache and CPU frequency, not recorded
                run_once(b, cwd, env, subst)
        for _ in range(repeats):
            for mode, b, cwd, env, subst in jobs:
                if b is not bench or mode in errors:
                    continue
                r = run_once(b, cwd, env, subst)
                if "error" in r:
                    errors[mode] = "%s: %s" % (b["name"], r["error"])
                    continue
                for k, v in r.items():
                    samples.setdefault(mode, {}).setdefault(k, []).append(v)
    return samples, errors


def summarize(samples, baseline, units):
    """Median per mode and value, and the speed ratio to the baseline (>1 = faster)."""
    out = {}
    base = {k: statistics.median(v) for k, v in samples.get(baseline, {}).items()}
    for mode, vals in samples.items():
        for k, v in vals.items():
            med = statistics.median(v)
            entry = {"median": med, "unit": units.get(k, "s"), "runs": len(v)}
            if k in base and base[k] > 0 and med > 0:
                # time: lower is better; throughput: higher is better.
                entry["speed_vs_baseline"] = (base[k] / med) if entry["unit"] == "s" else (med / base[k])
            out.setdefault(mode, {})[k] = entry
    return out
