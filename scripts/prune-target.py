#!/usr/bin/env python3
"""Deletes stale executables from a cargo target dir, so it does not fill the disk.

Cargo keeps every test binary, example and binary it ever linked, one per hash; a new hash comes
with every change of a crate's dependencies, and a CI run from another clone of the repo adds a
set of its own. Over a few weeks of work on this machine they filled its disk (28 GB of examples
alone). In `<profile>/deps` and `<profile>/examples` this deletes each executable (and its `.d`)
that a newer executable of the same name, built from the same source file, has replaced. The
source is read from the `.d` file and taken from `crates/`, `examples/` or `benches/` on, so two
clones of the repo count as one. Libraries, build scripts' outputs and incremental caches are
left alone. Usage: `prune-target.py [TARGET_DIR]` (default `$CARGO_TARGET_DIR`, then `target`).
"""
import os
import re
import sys

HASHED = re.compile(r"^(?P<name>.+)-[0-9a-f]{16}$")
ROOTS = ("crates/", "examples/", "benches/")


def source_of(dep_info):
    """The repo-relative source of a `.d` file's first dependency, or None."""
    try:
        with open(dep_info, encoding="utf-8", errors="replace") as f:
            first = f.readline()
    except OSError:
        return None
    _, _, deps = first.partition(": ")
    source = deps.split(" ")[0].strip() if deps else ""
    for root in ROOTS:
        at = source.find(root)
        if at >= 0:
            return source[at:]
    return source or None


def prune(directory):
    groups = {}
    for entry in os.scandir(directory):
        match = HASHED.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        if not os.access(entry.path, os.X_OK):
            continue
        key = (match["name"], source_of(entry.path + ".d"))
        groups.setdefault(key, []).append(entry)
    freed = 0
    for entries in groups.values():
        entries.sort(key=lambda e: e.stat().st_mtime, reverse=True)
        for stale in entries[1:]:
            freed += stale.stat().st_size
            os.remove(stale.path)
            if os.path.exists(stale.path + ".d"):
                os.remove(stale.path + ".d")
    return freed


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CARGO_TARGET_DIR", "target")
    freed = 0
    for profile in ("debug", "release"):
        for sub in ("deps", "examples"):
            directory = os.path.join(target, profile, sub)
            if os.path.isdir(directory):
                freed += prune(directory)
    print(f"prune-target: freed {freed / 2**30:.1f} GiB of stale executables in {target}")


if __name__ == "__main__":
    main()
