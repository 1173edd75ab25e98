#!/usr/bin/env python3
"""Records real Spark's monitoring REST API answers, for ember-ui's shape test.

Runs a small application in PySpark (local[2,2]: two threads, a task may fail once and be
retried) that exercises what the API reports: a plain job, a shuffle job, a job whose task fails
once and then succeeds, a job that fails for good, a job in a job group, a cached RDD and a SQL
query. Then it reads every endpoint of `/api/v1` that Ember serves and writes each answer to
crates/ember-ui/tests/spark-ui/<endpoint>.json. Ember's test (crates/ember-ui/tests/it) checks
that Ember's answers have the same keys and the same JSON value types. Never edit those files by
hand: run `just spark-ui-oracle` again.
"""
import json
import os
import pathlib
import sys
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "ember-ui" / "tests" / "spark-ui"


def fetch(base, path):
    with urllib.request.urlopen(f"{base}/api/v1/{path}", timeout=30) as r:
        return json.loads(r.read())


def main():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark import TaskContext
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2,2]")
        .appName("ember-spark-ui-oracle")
        .config("spark.ui.port", "0")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    sc = spark.sparkContext
    sc.setLogLevel("OFF")
    base = sc.uiWebUrl.rstrip("/")

    sc.parallelize(range(100), 4).map(lambda x: x * x).reduce(lambda a, b: a + b)
    sc.parallelize(range(100), 4).map(lambda x: (x % 3, x)).reduceByKey(lambda a, b: a + b).collect()

    def fail_first_attempt(x):
        if TaskContext.get().attemptNumber() == 0 and TaskContext.get().partitionId() == 0:
            raise RuntimeError("first attempt fails")
        return x

    sc.parallelize(range(10), 2).map(fail_first_attempt).count()

    def always_fail(x):
        raise RuntimeError("always fails")

    try:
        sc.parallelize(range(10), 2).map(always_fail).count()
    except Exception:  # noqa: BLE001 - the failed job is the point
        pass

    sc.setJobGroup("ember-group", "a job in a group")
    sc.parallelize(range(10), 2).count()
    sc.setLocalProperty("spark.jobGroup.id", None)
    sc.setLocalProperty("spark.job.description", None)

    cached = sc.parallelize(range(1000), 4).cache()
    cached.count()

    spark.sql("SELECT id % 10 AS k, count(*) AS n FROM range(1000) GROUP BY k").collect()

    apps = fetch(base, "applications")
    app = apps[0]["id"]
    prefix = f"applications/{app}"
    jobs = fetch(base, f"{prefix}/jobs")
    stages = fetch(base, f"{prefix}/stages")
    rdds = fetch(base, f"{prefix}/storage/rdd")
    sql = fetch(base, f"{prefix}/sql")
    failed_job = next(j for j in jobs if j["status"] == "FAILED")
    stage = stages[0]
    answers = {
        "version": fetch(base, "version"),
        "applications": apps,
        "application": fetch(base, prefix),
        "jobs": jobs,
        "job": fetch(base, f"{prefix}/jobs/{failed_job['jobId']}"),
        "stages": stages,
        "stage": fetch(base, f"{prefix}/stages/{stage['stageId']}"),
        "stage_attempt": fetch(base, f"{prefix}/stages/{stage['stageId']}/{stage['attemptId']}"),
        "executors": fetch(base, f"{prefix}/executors"),
        "allexecutors": fetch(base, f"{prefix}/allexecutors"),
        "environment": fetch(base, f"{prefix}/environment"),
        "storage_rdd": rdds,
        "storage_rdd_one": fetch(base, f"{prefix}/storage/rdd/{rdds[0]['id']}"),
        "sql": sql,
        "sql_one": fetch(base, f"{prefix}/sql/{sql[-1]['id']}"),
    }
    # The environment's long lists (the classpath, Hadoop's defaults) are cut to a few entries:
    # the test compares shapes, not values. Local paths become placeholders.
    env = answers["environment"]
    for key, value in env.items():
        if isinstance(value, list):
            env[key] = value[:5]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, value in answers.items():
        text = json.dumps(value, indent=1, sort_keys=True) + "\n"
        text = text.replace(str(pathlib.Path(sys.prefix)), "<venv>").replace(str(ROOT), "<repo>")
        (OUT / f"{name}.json").write_text(text)
    (OUT / "README.md").write_text(
        f"Recorded by scripts/spark-ui-oracle.py from PySpark {spark.version}'s `/api/v1`; "
        "do not edit by hand: run `just spark-ui-oracle`.\n"
    )
    print(f"spark-ui-oracle: recorded {len(answers)} answers in {OUT}", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
