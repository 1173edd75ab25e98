//! `spark` (Scala) sessions on real Spark: the fourth seed's Scala client code as it sends it
//! (`1 + 1` answers exactly `res0: Int = 2`, its SparkPi runs closures on executors), Livy's
//! output for definitions, printed text, compile errors, runtime exceptions and incomplete code,
//! a cancelled Spark job, and no process left after DELETE. One session serves every case (its
//! JVM and compiler take many seconds to start).
//!
//! They need real PySpark (its jars ship the Scala compiler) in `EMBER_TEST_PYTHON`, and skip
//! without it unless `EMBER_REQUIRE_PYSPARK=1`, as the pyspark tests do.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixture::Livy;
use crate::pyspark::{assert_group_gone, pyspark_config, pyspark_python};

/// The seed's CSRF header on writes.
const CSRF: (&str, &str) = ("X-Requested-By", "ambari");

/// The seed's `pi_scala`, after the `textwrap.dedent` its client applies.
const PI_SCALA: &str = "
val NUM_SAMPLES = 100000;
val count = sc.parallelize(1 to NUM_SAMPLES).map { i =>
    val x = Math.random();
    val y = Math.random();
    if (x*x + y*y < 1) 1 else 0
    }.reduce(_ + _);
val pi = 4.0 * count / NUM_SAMPLES;
println(\"Pi is roughly \" + pi)
";

/// POSTs as the seed does and returns the body and the `Location` header.
async fn post(livy: &Livy, path: &str, body: Value) -> (Value, String) {
    let (status, headers, v) = livy
        .raw(Method::POST, path, Some(&body.to_string()), &[CSRF])
        .await;
    assert!(status.is_success(), "{path}: {status} {v}");
    let location = headers
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (v, location)
}

/// Polls `path` until its `state` is `want` (the seed's `_wait`), failing on a final state that
/// is not it or after `limit`.
async fn wait(livy: &Livy, path: &str, want: &str, limit: Duration) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        let (status, v) = livy.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {v}");
        let state = v["state"].as_str().unwrap_or_default();
        if state == want {
            return v;
        }
        assert!(
            ![
                "error",
                "dead",
                "killed",
                "success",
                "available",
                "cancelled"
            ]
            .contains(&state),
            "{path} ended {state}, not {want}: {v}"
        );
        assert!(Instant::now() < deadline, "{path} never became {want}: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs `code` in the session at `session` and returns the statement's output.
async fn run(livy: &Livy, session: &str, code: &str) -> Value {
    let (_, location) = post(
        livy,
        &format!("{session}/statements"),
        json!({"code": code}),
    )
    .await;
    let st = wait(livy, &location, "available", Duration::from_secs(180)).await;
    st["output"].clone()
}

/// Runs `code` as a statement of `kind` (Livy 0.5+'s statement-level kinds).
async fn run_kind(livy: &Livy, session: &str, kind: &str, code: &str) -> Value {
    let (_, location) = post(
        livy,
        &format!("{session}/statements"),
        json!({"code": code, "kind": kind}),
    )
    .await;
    let st = wait(livy, &location, "available", Duration::from_secs(180)).await;
    st["output"].clone()
}

fn text(output: &Value) -> &str {
    assert_eq!(output["status"], "ok", "{output}");
    output["data"]["text/plain"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scala_sessions_run_livys_scala_on_real_spark() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let livy = Livy::start(pyspark_config(&python, 0));

    // The seed's connection test, as it sends it.
    let started = Instant::now();
    let (created, location) = post(&livy, "/sessions", json!({"kind": "spark"})).await;
    assert_eq!(created["kind"], "spark", "{created}");
    let location = location
        .strip_prefix("null")
        .unwrap_or(&location)
        .to_owned();
    assert!(location.starts_with('/'), "{location}");
    let session = location;
    wait(&livy, &session, "idle", Duration::from_secs(300)).await;
    eprintln!("a spark session started in {:?}", started.elapsed());
    let t = Instant::now();
    let output = run(&livy, &session, "1 + 1").await;
    eprintln!("`1 + 1` took {:?}", t.elapsed());
    assert_eq!(output["status"], "ok", "{output}");
    assert_eq!(output["data"]["text/plain"], "res0: Int = 2", "{output}");
    assert_eq!(output["execution_count"], 0, "{output}");

    // The seed's test_scala: SparkPi's closures run on executors.
    let output = run(&livy, &session, PI_SCALA).await;
    assert!(text(&output).contains("Pi is roughly 3.1"), "{output}");

    // Definitions read as Livy's (Scala 2.12) did; what the code prints is left as it is.
    let output = run(&livy, &session, "val x = 5\nvar word = \"hi\"").await;
    assert_eq!(text(&output), "x: Int = 5\nword: String = hi", "{output}");
    let output = run(&livy, &session, "println(\"val \" + word)\nx * 2").await;
    // (`println` is an expression of type Unit: it takes a `resN` as it did in Livy.)
    let output = text(&output).to_owned();
    assert!(
        output.starts_with("val hi\nres") && output.ends_with(": Int = 10"),
        "{output}"
    );
    let output = run(&livy, &session, "spark.range(3).count()").await;
    assert!(text(&output).ends_with(": Long = 3"), "{output}");

    // Livy's ScalaInterpreterSpec: magics, stdout, spark commands, comments.
    let output = run(
        &livy,
        &session,
        "val t = List(List(1, \"a\"), List(3, \"b\"))\n%table t",
    )
    .await;
    assert_eq!(
        output["data"],
        json!({"application/vnd.livy.table.v1+json": {
            "headers": [{"type": "BIGINT_TYPE", "name": "0"}, {"type": "STRING_TYPE", "name": "1"}],
            "data": [[1, "a"], [3, "b"]],
        }}),
        "{output}"
    );
    let output = run(&livy, &session, "%table t\n1 + 2").await;
    assert!(text(&output).ends_with(": Int = 3"), "{output}");
    assert_eq!(
        output["data"].as_object().map(|d| d.len()),
        Some(1),
        "{output}"
    );
    let output = run(&livy, &session, "val m = Map(\"a\" -> 1)\n%json m").await;
    assert_eq!(
        output["data"],
        json!({"application/json": {"a": 1}}),
        "{output}"
    );
    let output = run(&livy, &session, "%json nothingHere").await;
    assert_eq!(output["ename"], "NameError", "{output}");
    let output = run(&livy, &session, "%bogus t").await;
    assert_eq!(output["ename"], "UnknownMagic", "{output}");
    let output = run(&livy, &session, "println(\"Hello World\")").await;
    assert_eq!(text(&output), "Hello World", "{output}");
    let output = run(
        &livy,
        &session,
        "sc.parallelize(0 to 1).map { i => i+1 }.collect",
    )
    .await;
    assert!(
        text(&output).ends_with(": Array[Int] = Array(1, 2)"),
        "{output}"
    );
    let output = run(&livy, &session, "// comment").await;
    assert_eq!(text(&output), "", "{output}");
    let output = run(&livy, &session, "/*\ncomment\n*/").await;
    assert_eq!(text(&output), "", "{output}");
    let output = run(&livy, &session, "val r = 1\n// comment\n/*\ncomment\n*/").await;
    assert_eq!(text(&output), "r: Int = 1", "{output}");
    let output = run(&livy, &session, "sc.").await;
    assert_eq!(output["evalue"], "incomplete statement", "{output}");

    // A compile error: ename Error, the `error:` line as evalue, nothing run.
    let output = run(&livy, &session, "val z = 1\nundefinedThing + 1").await;
    assert_eq!(output["status"], "error", "{output}");
    assert_eq!(output["ename"], "Error", "{output}");
    let evalue = output["evalue"].as_str().unwrap_or_default();
    assert!(
        evalue.starts_with("error:") && evalue.contains("not found: value undefinedThing"),
        "{output}"
    );

    // A runtime exception, as Livy reports it: ename `Error`, the exception's first line as
    // evalue, the interpreter's trace as traceback.
    let output = run(
        &livy,
        &session,
        "throw new IllegalStateException(\"boom: no\")",
    )
    .await;
    assert_eq!(output["status"], "error", "{output}");
    assert_eq!(output["ename"], "Error", "{output}");
    assert_eq!(
        output["evalue"], "java.lang.IllegalStateException: boom: no",
        "{output}"
    );
    assert!(output["traceback"].is_array(), "{output}");
    let output = run(&livy, &session, "x / (x - 5)").await;
    assert_eq!(
        output["evalue"], "java.lang.ArithmeticException: / by zero",
        "{output}"
    );

    // Code still incomplete at its end.
    let output = run(&livy, &session, "val y = {\n  1 +").await;
    assert_eq!(output["status"], "error", "{output}");
    assert_eq!(output["ename"], "Error", "{output}");
    assert_eq!(output["evalue"], "incomplete statement", "{output}");

    // Cancel a running Spark job: the statement ends promptly, the session goes on.
    let (_, location) = post(
        &livy,
        &format!("{session}/statements"),
        json!({"code": "sc.parallelize(1 to 4, 4).map{ i => Thread.sleep(60000); i }.count()"}),
    )
    .await;
    wait(&livy, &location, "running", Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cancelled_at = Instant::now();
    post(&livy, &format!("{location}/cancel"), json!({})).await;
    wait(&livy, &location, "cancelled", Duration::from_secs(60)).await;
    let took = cancelled_at.elapsed();
    eprintln!("the cancel took {took:?}");
    assert!(took < Duration::from_secs(20), "the cancel took {took:?}");
    let output = run(&livy, &session, "x + 1").await;
    assert!(text(&output).ends_with(": Int = 6"), "{output}");

    // Statement-level kinds (Livy 0.5+): SQL and Python on the same SparkContext see the temp
    // view Scala made, and Scala sees Python's.
    let output = run(
        &livy,
        &session,
        "spark.range(5).toDF(\"n\").createOrReplaceTempView(\"five\")",
    )
    .await;
    assert_eq!(output["status"], "ok", "{output}");
    let output = run_kind(
        &livy,
        &session,
        "sql",
        "SELECT count(*) AS c, max(n) AS top FROM five",
    )
    .await;
    assert_eq!(
        output["data"],
        json!({"application/json": {
            "schema": {"type": "struct", "fields": [
                {"name": "c", "type": "long", "nullable": false, "metadata": {}},
                {"name": "top", "type": "long", "nullable": true, "metadata": {}},
            ]},
            "data": [[5, 4]],
        }}),
        "{output}"
    );
    let output = run_kind(
        &livy,
        &session,
        "pyspark",
        "spark.createDataFrame([(1, 'a')], ['k', 'v']).createOrReplaceTempView('from_python')\nspark.table('five').count()",
    )
    .await;
    assert_eq!(text(&output), "5", "{output}");
    let output = run(&livy, &session, "spark.table(\"from_python\").count()").await;
    assert!(text(&output).ends_with(": Long = 1"), "{output}");
    let output = run_kind(&livy, &session, "sql", "SELECT * FROM nowhere").await;
    assert_eq!(output["status"], "error", "{output}");
    let (status, _, v) = livy
        .raw(
            Method::POST,
            &format!("{session}/statements"),
            Some(&json!({"code": "1", "kind": "sparkr"}).to_string()),
            &[CSRF],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v["msg"]
            .as_str()
            .unwrap_or_default()
            .contains("runs spark, pyspark, sql statements"),
        "{v}"
    );

    // DELETE stops the worker's whole process group (Python, its JVM).
    let (_, log) = livy.get(&format!("{session}/log?from=0&size=1000")).await;
    let pid: i32 = log["log"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find_map(|l| {
            let rest = l.split("(pid ").nth(1)?;
            rest.split([',', ')']).next()?.trim().parse().ok()
        })
        .expect("the worker's pid in the session log");
    let (status, headers, v) = livy.raw(Method::DELETE, &session, None, &[CSRF]).await;
    assert!(status.is_success(), "{status} {v} {headers:?}");
    assert_group_gone(pid).await;
    let (status, _) = livy.get(&session).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Issue 17: `scala_prestart` (`--prestart-spark`) keeps Scala workers warm: their JVM, Spark
/// and Scala interpreter start ahead, so a `spark` session that takes one is idle at once, and
/// its first statement is still `res0`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warm_scala_worker_makes_a_spark_session_idle_at_once() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let mut config = pyspark_config(&python, 0);
    if let Some(py) = config.pyspark.as_mut() {
        py.scala_prestart = 1;
    }
    let livy = Livy::start(config);
    // The pooled worker starts with the server, and its replacement each time a session takes
    // one: a session that takes a worker still starting waits for it; one that takes a ready
    // worker is idle at once.
    let deadline = Instant::now() + Duration::from_secs(300);
    let (session, took) = loop {
        let (_, location) = post(&livy, "/sessions", json!({"kind": "spark"})).await;
        let session = location
            .strip_prefix("null")
            .unwrap_or(&location)
            .to_owned();
        let t = Instant::now();
        wait(&livy, &session, "idle", Duration::from_secs(300)).await;
        let took = t.elapsed();
        if took < Duration::from_secs(2) || Instant::now() > deadline {
            break (session, took);
        }
        let (status, _, v) = livy.raw(Method::DELETE, &session, None, &[CSRF]).await;
        assert!(status.is_success(), "{status} {v}");
    };
    assert!(
        took < Duration::from_secs(2),
        "no session took a warm worker: the last one took {took:?}"
    );
    eprintln!("a spark session from the warm pool was idle in {took:?}");
    let (_, log) = livy.get(&format!("{session}/log?from=0&size=1000")).await;
    assert!(log.to_string().contains("using prestarted"), "{log}");
    let output = run(&livy, &session, "1 + 1").await;
    assert_eq!(output["data"]["text/plain"], "res0: Int = 2", "{output}");
    let (status, _, v) = livy.raw(Method::DELETE, &session, None, &[CSRF]).await;
    assert!(status.is_success(), "{status} {v}");
}
