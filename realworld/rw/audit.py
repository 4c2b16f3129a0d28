"""Count the memcpy sites CopierGen converted in a build tree.

First choice: `copier audit --format json DIR` (the product's own reader).
When that tool cannot answer yet, read the placement records directly from
the objects' `copier_report` ELF section (docs/report-format.md), and say so
in the result's "source" field, so the matrix never passes one off as the other.
"""
import json
import os
import struct
import subprocess


def _elf_section(path, wanted=b"copier_report"):
    """Bytes of section `wanted` of a 64-bit little-endian ELF file, or None."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if len(data) < 64 or data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    if shoff == 0 or shnum == 0 or shoff + shnum * shentsize > len(data):
        return None

    def hdr(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    strtab = hdr(shstrndx)
    str_off = strtab[4]
    for i in range(shnum):
        h = hdr(i)
        end = data.find(b"\0", str_off + h[0])
        if data[str_off + h[0]:end] == wanted:
            return data[h[4]:h[4] + h[5]]
    return None


def _records(blob):
    for line in blob.replace(b"\0", b"\n").split(b"\n"):
        line = line.strip()
        if not line:
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and rec.get("v") == 1:
            yield rec


def from_sections(tree):
    """Unique copy sites (by site id) seen in the tree's object files."""
    sites, csyncs, objects, moved = {}, set(), 0, set()
    for root, _, files in os.walk(tree):
        for fn in files:
            if not fn.endswith(".o"):
                continue
            blob = _elf_section(os.path.join(root, fn))
            if blob is None:
                continue
            objects += 1
            for rec in _records(blob):
                if rec.get("kind") == "copy":
                    key = rec.get("site") or (rec.get("file"), rec.get("line"), rec.get("col"))
                    sites[key] = sites.get(key, False) or bool(rec.get("converted"))
                    if rec.get("first_use") == "moved":
                        moved.add(key)
                elif rec.get("kind") == "csync":
                    csyncs.add((rec.get("site"), rec.get("file"), rec.get("line"), rec.get("col")))
    if objects == 0:
        return None
    return {"source": "copier_report sections", "objects": objects, "copy_sites": len(sites),
            "converted": sum(1 for v in sites.values() if v), "csyncs": len(csyncs),
            "first_use_moved_away": len(moved)}


# First use moved away: converted sites whose first csync CopierGen did not
# put right after the copy (the copy has a window in which it can run ahead
# of its use): `copier audit --format json` reports it as
# summary.first_use_moved; each copy record carries first_use
# ("adjacent" / "moved").
FIRST_USE_FIELD = "first_use_moved"


def first_use_moved_away(summary):
    v = summary.get(FIRST_USE_FIELD)
    return v if isinstance(v, int) else None


def from_audit_tool(copier, tree):
    try:
        p = subprocess.run([copier, "audit", "--format", "json", tree], capture_output=True,
                           text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if p.returncode != 0:
        return None
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return None
    # Accept a summary object with a converted count, or a list of copy records.
    if isinstance(doc, dict):
        summary = doc.get("summary", doc)
        if isinstance(summary.get("converted"), int):
            return {"source": "copier audit", "converted": summary["converted"],
                    "copy_sites": summary.get("sites", summary.get("copy_sites")),
                    "csyncs": summary.get("csyncs"),
                    "first_use_moved_away": first_use_moved_away(summary)}
    if isinstance(doc, list):
        copies = [r for r in doc if isinstance(r, dict) and r.get("kind") == "copy"]
        return {"source": "copier audit", "copy_sites": len(copies),
                "converted": sum(1 for r in copies if r.get("converted")),
                "csyncs": sum(1 for r in doc if isinstance(r, dict) and r.get("kind") == "csync"),
                "first_use_moved_away": sum(1 for r in copies if r.get("first_use") == "moved")}
    return None


def converted_sites(copier, tree):
    return from_audit_tool(copier, tree) or from_sections(tree)
