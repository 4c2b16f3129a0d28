"""Fetch Debian source packages through a private deb-src list.

The machine's apt sources list only `Types: deb`; we derive a deb-src copy
into our own cache directory and point apt-get at it with -o options, so the
machine's own lists and state are never touched.
"""
import glob
import os
import re
import shutil
import subprocess


class FetchError(Exception):
    pass


def _apt_opts(apt_dir):
    return ["-o", "Dir::Etc::SourceList=%s/sources.list" % apt_dir,
            "-o", "Dir::Etc::SourceParts=%s/sources.list.d" % apt_dir,
            "-o", "Dir::State::Lists=%s/lists" % apt_dir,
            "-o", "Dir::Cache=%s/cache" % apt_dir,
            # Our private lists need no lock shared with the system's apt.
            "-o", "Debug::NoLocking=1"]


def _derive_sources(apt_dir, system_parts="/etc/apt/sources.list.d",
                    system_list="/etc/apt/sources.list"):
    """Write deb-src copies of the machine's Debian sources; return the release suites."""
    os.makedirs(os.path.join(apt_dir, "sources.list.d"), exist_ok=True)
    for sub in ("lists/partial", "cache/archives/partial"):
        os.makedirs(os.path.join(apt_dir, sub), exist_ok=True)
    suites, out = [], []
    # deb822 files (*.sources): flip Types to deb-src, keep URIs/Suites/Signed-By.
    for path in sorted(glob.glob(os.path.join(system_parts, "*.sources"))):
        text = open(path).read()
        for stanza in re.split(r"\n\s*\n", text):
            if not re.search(r"^Types:.*\bdeb\b", stanza, re.M):
                continue
            if not re.search(r"^URIs:.*debian", stanza, re.M):
                continue  # only Debian's archive carries these source packages
            out.append(re.sub(r"^Types:.*$", "Types: deb-src", stanza.strip(), flags=re.M))
            m = re.search(r"^Suites:\s*(.*)$", stanza, re.M)
            if m:
                suites += m.group(1).split()
    # one-line format (*.list and sources.list): "deb URI suite comp..."
    for path in [system_list] + sorted(glob.glob(os.path.join(system_parts, "*.list"))):
        if not os.path.isfile(path):
            continue
        for line in open(path):
            m = re.match(r"\s*deb\s+(\[[^\]]*\]\s+)?(\S*debian\S*)\s+(\S+)\s+(.*)", line)
            if m:
                out.append("Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s"
                           % (m.group(2), m.group(3), m.group(4).strip()))
                suites.append(m.group(3))
    if not out:
        raise FetchError("no Debian 'deb' entries found in %s or %s; add a Debian mirror to "
                         "the machine's apt sources (the matrix derives its deb-src list from them)"
                         % (system_parts, system_list))
    new = "\n\n".join(out) + "\n"
    target = os.path.join(apt_dir, "sources.list.d", "copier-realworld-src.sources")
    if not os.path.exists(target) or open(target).read() != new:
        open(target, "w").write(new)
        for f in glob.glob(os.path.join(apt_dir, "lists", "*_Sources*")):
            os.remove(f)  # the list changed: its index is stale
    open(os.path.join(apt_dir, "sources.list"), "a").close()
    release = [s for s in suites if "-" not in s]  # bookworm, not bookworm-updates/-security
    return release or suites


def _run(cmd, cwd, log):
    with open(log, "a") as f:
        f.write("$ %s\n" % " ".join(cmd))
        f.flush()
        return subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT).returncode


def fetch_source(name, cache_dir, log):
    """Return the path of a pristine, extracted source tree for Debian source package `name`."""
    apt_dir = os.path.join(cache_dir, "apt")
    dl_dir = os.path.join(cache_dir, "downloads")
    src_dir = os.path.join(cache_dir, "src")
    stamp = os.path.join(src_dir, name + ".tree")
    if os.path.exists(stamp):
        tree = open(stamp).read().strip()
        if os.path.isdir(tree):
            return tree
    os.makedirs(dl_dir, exist_ok=True)
    os.makedirs(src_dir, exist_ok=True)
    suites = _derive_sources(apt_dir)
    opts = _apt_opts(apt_dir)
    if not glob.glob(os.path.join(apt_dir, "lists", "*_Sources*")):
        if _run(["apt-get"] + opts + ["-q", "update"], dl_dir, log) != 0:
            raise FetchError("apt-get update on the private deb-src list failed; see %s" % log)
    # The newest version first; a mirror may lack an update's files (404),
    # then fall back to the release suite's version, which mirrors always keep.
    dsc = None
    for spec in [name] + ["%s/%s" % (name, s) for s in suites]:
        before = set(glob.glob(os.path.join(dl_dir, "*.dsc")))
        if _run(["apt-get"] + opts + ["-q", "source", "--download-only", spec], dl_dir, log) == 0:
            cands = sorted(set(glob.glob(os.path.join(dl_dir, "%s_*.dsc" % name))) - before) or \
                    sorted(glob.glob(os.path.join(dl_dir, "%s_*.dsc" % name)), key=os.path.getmtime)
            if cands:
                dsc = cands[-1]
                break
    if dsc is None:
        raise FetchError("apt-get source %s failed for every suite (%s); see %s"
                         % (name, ", ".join([name] + suites), log))
    dest = os.path.join(src_dir, os.path.basename(dsc)[:-4])
    if os.path.exists(dest):
        shutil.rmtree(dest)
    if _run(["dpkg-source", "--no-check", "-x", dsc, dest], dl_dir, log) != 0:
        raise FetchError("dpkg-source -x %s failed; see %s" % (dsc, log))
    open(stamp, "w").write(dest + "\n")
    return dest
