#!/usr/bin/env python3
"""Records real Spark's answers for ember-sql's conformance suite.

Runs every query of crates/ember-sql/tests/conformance/queries/*.sql in PySpark (local[1], ANSI on
as in Spark 4, session time zone UTC) over the tables in conformance/tables/, and writes each
query's result types (Spark's simple type names), column names and rows to conformance/spark-results.tsv.
Ember's test (tests/it/conformance.rs) compares its own answers with that file. Never edit the
file by hand: change the queries or tables and run `just spark-oracle` again.

With family names as arguments (`spark-oracle.py json hashes`), only those query files are run;
the other families' recorded answers are kept as they are.

File format, one record per line, fields separated by tabs; in a field `\\` is a backslash, `\\t`
a tab, `\\n` a newline and a lone `\\N` is NULL:
    query <family>/<name>
    types <type>...
    names <column name>...
    row <cell>...
    error <exception class and first line of the message>
"""
import datetime
import decimal
import math
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SUITE = ROOT / "crates" / "ember-sql" / "tests" / "conformance"


def parse_queries(path):
    """Yields (name, sql) for each `-- name:` block of a query file."""
    name, lines = None, []
    for line in path.read_text().splitlines():
        if line.startswith("-- name:"):
            if name:
                yield name, "\n".join(lines).strip().rstrip(";")
            name, lines = line[len("-- name:"):].strip(), []
        elif line.startswith("--"):
            continue
        elif name:
            lines.append(line)
    if name:
        yield name, "\n".join(lines).strip().rstrip(";")


def canon(v):
    """A value as text, the way Ember's test renders Arrow values."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return repr(v)
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") + (f".{v.microsecond:06d}".rstrip("0") if v.microsecond else "")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return v.hex()
    if hasattr(v, "asDict"):  # Row: a struct
        return "{" + ", ".join(f"{k}: {nested(x)}" for k, x in v.asDict(recursive=False).items()) + "}"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{nested(k)}: {nested(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(nested(x) for x in v) + "]"
    return str(v)


def nested(v):
    c = canon(v)
    return "NULL" if c is None else c


def esc(cell):
    if cell is None:
        return "\\N"
    return cell.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def recorded_by_family():
    """The lines of spark-results.tsv recorded so far, by query family."""
    families, family = {}, None
    path = SUITE / "spark-results.tsv"
    if not path.exists():
        return families
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("query\t"):
            family = line.split("\t", 1)[1].split("/", 1)[0]
        if family is not None:
            families.setdefault(family, []).append(line)
    return families


def main():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("ember-spark-oracle")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for line in (SUITE / "tables" / "schemas.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, ddl = line.split(":", 1)
        path = str(SUITE / "tables" / f"{name.strip()}.csv")
        spark.read.schema(ddl.strip()).option("header", True).csv(path).createOrReplaceTempView(name.strip())

    only = set(sys.argv[1:])
    kept = recorded_by_family() if only else {}
    out = [f"# Recorded by scripts/spark-oracle.py with PySpark {spark.version}; do not edit by hand."]
    count = 0
    for qfile in sorted((SUITE / "queries").glob("*.sql")):
        family = qfile.stem
        if only and family not in only:
            out.extend(kept.get(family, []))
            continue
        for name, sql in parse_queries(qfile):
            count += 1
            out.append(f"query\t{family}/{name}")
            try:
                df = spark.sql(sql)
                types = [f.dataType.simpleString() for f in df.schema.fields]
                rows = df.collect()
                out.append("\t".join(["types"] + [esc(t) for t in types]))
                out.append("\t".join(["names"] + [esc(f.name) for f in df.schema.fields]))
                for row in rows:
                    out.append("\t".join(["row"] + [esc(canon(v)) for v in row]))
            except Exception as e:  # noqa: BLE001 - any Spark error is a recorded answer
                text = str(e).strip()
                # A failure inside a job reaches Python as "An error occurred while calling
                # oNN...": the Java exception holds Spark's message.
                java = getattr(e, "java_exception", None)
                if java is not None:
                    text = str(java).strip()
                first = text.splitlines()[0] if text else ""
                out.append(f"error\t{esc(type(e).__name__ + ': ' + first)}")
    (SUITE / "spark-results.tsv").write_text("\n".join(out) + "\n")
    print(f"spark-oracle: recorded {count} queries in {SUITE / 'spark-results.tsv'}", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
