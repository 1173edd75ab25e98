#!/usr/bin/env python3
"""TPC-H's 22 queries on DuckDB and Polars (from PyPI) and on `ember sql`, on the same Parquet
files; every answer checked against DuckDB's (issue 19).

    just tpch-peers            # SF1; `just tpch-peers 10` for SF10

For each query: one warm-up, then the best of `--runs` wall-clock times. DuckDB and Polars run
in this process on all cores (2 here); Ember runs as `ember sql -f qNN.sql --format arrow` (one
process per run, so its ~25 ms start-up is included, as a user of the CLI sees it), with its
default `local[*]`. Polars' SQL has no correlated subqueries, so the queries that need them are
reported as refused, not rewritten. Prints a Markdown table (with each Ember process's peak
resident memory) and the geometric means of the queries every engine answered; exits 1 if an
answer of Ember differs from DuckDB's. `--ember-conf ember.sql.memory_limit=4g` bounds Ember's
query memory (as for scale factor 10).
"""

import argparse
import io
import math
import os
import subprocess
import tempfile
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl

from tpch import QUERIES, TABLES, ember_views, query_numbers


def cell(v):
    """A value as compared: numbers to 2 decimals, dates as ISO text, the rest as text."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float, Decimal)):
        return "%.2f" % float(v)
    return str(v)


def canon(rows):
    return sorted("|".join(cell(v) for v in row) for row in rows)


def best(fn, runs):
    fn()  # warm-up
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="directory of <table>.parquet")
    parser.add_argument("--ember", help="the ember binary (default: target/release/ember)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", default="1-22", help="e.g. 1-22 or 1,3,6")
    parser.add_argument(
        "--ember-conf", action="append", default=[],
        help="KEY=VALUE passed to ember sql as --conf (e.g. ember.sql.memory_limit=4g)",
    )
    args = parser.parse_args()
    data = Path(args.data)
    target = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/ember-target"))
    ember = Path(args.ember) if args.ember else target / "release" / "ember"
    if not ember.exists():
        sys.exit("no %s: build it with `cargo build --release`" % ember)
    numbers = query_numbers(args.queries)

    con = duckdb.connect()
    for t in TABLES:
        con.execute("CREATE VIEW %s AS SELECT * FROM read_parquet('%s')" % (t, data / (t + ".parquet")))
    ctx = pl.SQLContext({t: pl.scan_parquet(data / (t + ".parquet")) for t in TABLES})
    views = ember_views(data)
    for kv in args.ember_conf:
        views += ["--conf", kv]
    peak = {}

    rows, failures = [], 0
    means = {"ember": [], "duckdb": [], "polars": []}
    for n in numbers:
        name = "q%02d" % n
        path = QUERIES / (name + ".sql")
        query = path.read_text().strip().rstrip(";")
        d_time, d_rows = best(lambda: con.execute(query).fetchall(), args.runs)

        def run_ember():
            with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
                child = subprocess.Popen(
                    [str(ember), "sql", *views, "-f", str(path), "--format", "arrow"],
                    stdout=out, stderr=err,
                )
                # Its peak resident memory: VmHWM, read every 10 ms until it exits (the last
                # reading is within 10 ms of the end). Not ru_maxrss: a child's counts the
                # memory of this process it was forked from.
                hwm = 0
                while child.poll() is None:
                    try:
                        with open("/proc/%d/status" % child.pid) as status:
                            for line in status:
                                if line.startswith("VmHWM:"):
                                    hwm = max(hwm, int(line.split()[1]) * 1024)
                    except OSError:
                        pass
                    time.sleep(0.01)
                peak[name] = max(peak.get(name, 0), hwm)
                out.seek(0)
                err.seek(0)
                if child.returncode != 0:
                    lines = err.read().decode("utf-8", "replace").strip().splitlines()
                    raise RuntimeError(lines[-1] if lines else "failed")
                return pl.read_ipc_stream(io.BytesIO(out.read())).rows()

        try:
            e_time, e_rows = best(run_ember, args.runs)
            same = canon(e_rows) == canon(d_rows)
            e_text = "%.3f" % e_time
        except Exception as e:  # an error is a difference
            e_time, same, e_text = None, False, "error: %s" % e
        if not same:
            failures += 1
        try:
            p_time, p_rows = best(lambda: ctx.execute(query, eager=True).rows(), args.runs)
            p_same = canon(p_rows) == canon(d_rows)
            p_text = "%.3f" % p_time + ("" if p_same else " (differs)")
        except Exception as e:
            p_time, p_text = None, "refused (%s)" % type(e).__name__
        rows.append((
            name, e_text, "%.0f" % (peak.get(name, 0) / 2**20), "%.3f" % d_time, p_text,
            "yes" if same else "NO",
        ))
        if e_time and p_time:
            means["ember"].append(e_time)
            means["duckdb"].append(d_time)
            means["polars"].append(p_time)
        print("%s done" % name, file=sys.stderr)

    print("| query | ember sql (s) | its peak RSS (MiB) | DuckDB (s) | Polars (s) | Ember = DuckDB |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| %s |" % " | ".join(r))
    if means["ember"]:
        geo = {k: math.exp(sum(math.log(t) for t in v) / len(v)) for k, v in means.items()}
        print()
        print(
            "Geometric means over the %d queries all three answered: ember %.3f s, DuckDB %.3f s "
            "(%.2fx Ember's), Polars %.3f s (%.2fx)."
            % (len(means["ember"]), geo["ember"], geo["duckdb"], geo["duckdb"] / geo["ember"],
               geo["polars"], geo["polars"] / geo["ember"])
        )
    print("DuckDB %s, Polars %s; %d of %d Ember answers differ from DuckDB's."
          % (duckdb.__version__, pl.__version__, failures, len(rows)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
