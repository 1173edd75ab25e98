"""What the TPC-H scripts share: the tables, the queries, and how `ember sql` is told of them."""

from pathlib import Path

TABLES = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]
QUERIES = Path(__file__).resolve().parents[2] / "benches" / "tpch"


def query_numbers(spec):
    """`1-22` or `1,3,6` as the list of query numbers."""
    if "-" in spec:
        lo, hi = spec.split("-")
        return list(range(int(lo), int(hi) + 1))
    return [int(n) for n in spec.split(",")]


def ember_views(data):
    """`ember sql`'s `--view name=file` arguments for the tables' Parquet files under `data`."""
    views = []
    for t in TABLES:
        views += ["--view", "%s=%s" % (t, Path(data) / (t + ".parquet"))]
    return views
