#!/usr/bin/env python3
"""Records the functions real Spark knows, for ember-sql's function coverage test.

Runs `SHOW FUNCTIONS` in PySpark (local[1]) and writes the built-in functions' names, one a line,
sorted, to crates/ember-sql/tests/conformance/spark-functions.txt. Ember's test
(tests/it/coverage.rs) checks that each is either known to Ember or refused with an error naming
it as unsupported, and writes the per-family coverage table of docs/spark-compat.md. Never edit
the file by hand: run `just spark-functions` again.
"""
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "ember-sql" / "tests" / "conformance" / "spark-functions.txt"


def main():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("ember-spark-functions")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    # The `SHOW FUNCTIONS` of a fresh session lists the built-ins only (no temp functions).
    names = sorted({row[0] for row in spark.sql("SHOW FUNCTIONS").collect()})
    # The class that implements each: the family a function belongs to (its `group` in Spark's
    # ExpressionInfo, e.g. `string_funcs`), for the coverage table.
    lines = [f"# Recorded by scripts/spark-functions.py with PySpark {spark.version}; do not edit by hand."]
    lines.append("# name<TAB>group (Spark's ExpressionInfo group; empty when Spark gives none)")
    jvm = spark._jvm
    registry = jvm.org.apache.spark.sql.catalyst.analysis.FunctionRegistry.builtin()
    for name in names:
        group = ""
        try:
            ident = jvm.org.apache.spark.sql.catalyst.FunctionIdentifier.apply(name)
            info = registry.lookupFunction(ident)
            if info.isDefined():
                group = info.get().getGroup() or ""
        except Exception:  # noqa: BLE001 - a function without info keeps an empty group
            group = ""
        lines.append(f"{name}\t{group}")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"spark-functions: recorded {len(names)} functions in {OUT}", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
