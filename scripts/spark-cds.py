#!/usr/bin/env python3
"""Makes the class-data-sharing archive that Ember's Spark drivers start from.

A Spark driver's JVM spends most of its start loading and verifying classes: Spark's, and for a
`spark` (Scala) session the Scala compiler's. A class-data-sharing archive (JDK 17's
`-Xshare:dump`) holds them already parsed and verified, so a JVM given it
(`-XX:SharedArchiveFile`) maps them instead. Ember's driver (crates/ember-spark/src/driver.py)
gives it to every driver it starts when `<venv>/ember-spark.jsa` exists; this script makes that
file, for the JDK and the PySpark jars at hand:

1. records the classes a driver loads (a SparkSession, a job, SQL, the Scala interpreter
   running a closure) with `-XX:DumpLoadedClassList`, in a child process so its JVM has exited
   and written the whole list;
2. dumps them with the same `java`, class path and module options the driver's JVM had;
3. checks that a JVM can start from the archive (`-Xshare:on` fails otherwise), and only then
   puts it in place.

Run with the venv's python (`scripts/spark-env.sh` does, once per venv):
    <venv>/bin/python scripts/spark-cds.py
It exits 0 without an archive when any step fails, saying why: drivers then start as before.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARCHIVE = pathlib.Path(sys.prefix) / "ember-spark.jsa"
# Bounds on the recording driver and on each java run (the dump takes about 40 s on 2 cores).
TIMEOUT_SECS = 600


def log(message):
    print("spark-cds: %s" % message, file=sys.stderr, flush=True)


def record(classes, outdir, info):
    """The child: a driver as Ember runs one, its JVM listing every class it loads."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("ember-spark-cds")
        .config("spark.ui.enabled", "false")
        .config("spark.repl.class.outputDir", outdir)
        .config("spark.driver.extraJavaOptions", "-XX:DumpLoadedClassList=%s" % classes)
        .getOrCreate()
    )
    try:
        spark.range(100).selectExpr("sum(id)").collect()
        spark.sql("SELECT 1 AS x").toJSON().collect()
        namespace = {"error_result": lambda ename, evalue, tb: {"status": "error", "evalue": evalue}}
        source = (ROOT / "crates" / "ember-spark" / "src" / "scala.py").read_text()
        exec(compile(source, "scala.py", "exec"), namespace)
        sc = spark.sparkContext
        repl = namespace["ScalaRepl"](sc._jvm, sc._gateway, outdir)
        result = repl.execute("sc.parallelize(1 to 10, 2).map(_ * 2).sum")
        if result.get("status") != "ok":
            raise RuntimeError("the Scala interpreter failed: %s" % result)
        system = sc._jvm.java.lang.System
        arguments = sc._jvm.java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
        pathlib.Path(info).write_text(json.dumps({
            "java": os.path.join(system.getProperty("java.home"), "bin", "java"),
            "classpath": system.getProperty("java.class.path"),
            # Module options must be the same when the archive is made and used.
            "modules": [a for a in arguments if a.startswith("--add-")],
        }))
    finally:
        spark.stop()


def run(command, what):
    done = subprocess.run(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT_SECS
    )
    if done.returncode != 0:
        tail = "\n".join(done.stdout.splitlines()[-5:])
        raise RuntimeError("%s failed (exit %d):\n%s" % (what, done.returncode, tail))


def make():
    with tempfile.TemporaryDirectory(prefix="ember-spark-cds-") as work:
        work = pathlib.Path(work)
        classes, info, outdir = work / "classes.lst", work / "jvm.json", work / "repl"
        outdir.mkdir()
        env = dict(os.environ)
        env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        subprocess.run(
            [sys.executable, __file__, "--record", str(classes), str(outdir), str(info)],
            env=env, check=True, timeout=TIMEOUT_SECS,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        jvm = json.loads(info.read_text())
        partial = work / "ember-spark.jsa"
        common = ["-XX:SharedArchiveFile=%s" % partial, "-cp", jvm["classpath"], *jvm["modules"]]
        run([jvm["java"], "-Xshare:dump", "-XX:SharedClassListFile=%s" % classes, *common],
            "dumping the archive")
        run([jvm["java"], "-Xshare:on", *common, "-version"], "starting a JVM from the archive")
        shutil.move(str(partial), str(ARCHIVE))


def main():
    if sys.argv[1:2] == ["--record"]:
        record(*sys.argv[2:5])
        return 0
    try:
        make()
    except Exception as e:  # no archive: drivers start as they did
        ARCHIVE.unlink(missing_ok=True)
        log("no class archive (%s): Spark drivers start without one" % e)
        return 0
    log("made %s (%d MB)" % (ARCHIVE, ARCHIVE.stat().st_size // 2**20))
    return 0


if __name__ == "__main__":
    sys.exit(main())
