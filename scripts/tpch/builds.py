#!/usr/bin/env python3
"""Two builds of the `ember` binary side by side on TPC-H: what a build setting gives (issue 19).

    python3 scripts/tpch/builds.py --data DIR A B [--runs N] [--queries 1-22]

A and B are two `ember` executables (e.g. a release build and the same code built with LTO or
another allocator). Each query runs as `ember sql --view ... -f qNN.sql --format arrow`, a
process per run as a user runs it, in N back-to-back pairs whose order alternates; the ratio
B/A is taken within each pair, so the machine's drifting load weighs on both sides alike.
Prints a Markdown table of each side's median and the median ratio per query, then their
geometric mean. Needs only Python 3; the data comes from `just tpch-data`.
"""

import argparse
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tpch import QUERIES, ember_views, query_numbers


def run(binary, views, query):
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [binary, "sql", *views, "-f", str(query), "--format", "arrow"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600,
        )
    except subprocess.TimeoutExpired:
        sys.exit("%s took over 600 s on %s" % (binary, query.name))
    took = time.perf_counter() - start
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        sys.exit("%s failed on %s: %s" % (binary, query.name, lines[-1] if lines else "?"))
    return took


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="directory of <table>.parquet")
    parser.add_argument("a", help="the first ember binary (the reference)")
    parser.add_argument("b", help="the second ember binary")
    parser.add_argument("--runs", type=int, default=5, help="pairs per query")
    parser.add_argument("--queries", default="1-22", help="e.g. 1-22 or 1,3,6")
    args = parser.parse_args()
    for binary in (args.a, args.b):
        if not Path(binary).is_file():
            sys.exit("no such binary: %s" % binary)
    views = ember_views(args.data)
    numbers = query_numbers(args.queries)

    print("| query | A (ms) | B (ms) | B / A (median of %d pairs) |" % args.runs)
    print("|---|---|---|---|")
    logs = []
    for n in numbers:
        query = QUERIES / ("q%02d.sql" % n)
        run(args.a, views, query)  # warm-up: the files into the page cache
        run(args.b, views, query)
        a, b, ratios = [], [], []
        for i in range(args.runs):
            if i % 2 == 0:
                ta = run(args.a, views, query)
                tb = run(args.b, views, query)
            else:
                tb = run(args.b, views, query)
                ta = run(args.a, views, query)
            a.append(ta)
            b.append(tb)
            ratios.append(tb / ta)
        ratio = statistics.median(ratios)
        logs.append(math.log(ratio))
        print("| q%02d | %.1f | %.1f | %.3fx |" % (
            n, statistics.median(a) * 1e3, statistics.median(b) * 1e3, ratio), flush=True)
    print("\nGeometric mean of B / A over %d queries: %.3fx" % (
        len(logs), math.exp(sum(logs) / len(logs))))


if __name__ == "__main__":
    main()
