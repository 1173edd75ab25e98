//! pyspark sessions on Ember's Livy server beside PySpark alone, in one run:
//! (1) a cold session, from create to `idle`, against a fresh `python -c` that builds the same
//!     `SparkSession` (`getOrCreate()`) and exits (goal: within 1.2x);
//! (2) a session taken from the warm pool (`prestart`), from create to `idle` (goal < 100 ms);
//! (3) a `1 + 1` statement round trip through Ember's client (goal: p50 < 20 ms);
//! and `spark` (Scala) sessions (issue 17):
//! (4) a cold `spark` session beside a cold `pyspark` session on the same server (goal: within
//!     1.3x: the Scala interpreter's start is what a `spark` session adds);
//! (5) a `spark` session from the warm pool (`scala_prestart`), create to `idle` (goal < 100 ms);
//! (6) a Scala `1 + 1` through the server beside the same `1 + 1` on the session's own
//!     interpreter (`IMain.interpret`, called in the same JVM by a pyspark statement that times
//!     it there, before and after) (goal: within 1.2x), after `WARM_UP_STATEMENTS` warm both.
//!
//! Needs PySpark: `EMBER_TEST_PYTHON=$(bash scripts/spark-env.sh | tail -n1)`; without it the
//! bench prints how to enable it and measures nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ember_livy::blocking::LivyClient;
use ember_livy::protocol::{CreateSession, SessionKind};
use ember_livy_server::pyspark::PySparkConfig;
use ember_livy_server::{LivyServer, RunningServer, ServeOptions, ServerConfig, spawn};

/// `1 + 1`s the Scala interpreter runs before its statement bench (see `scala_sessions`).
const WARM_UP_STATEMENTS: usize = 300;

fn python() -> Option<String> {
    let p = std::env::var("EMBER_TEST_PYTHON")
        .ok()
        .filter(|p| !p.is_empty());
    if p.is_none() {
        eprintln!(
            "pyspark bench skipped: set EMBER_TEST_PYTHON to the python `bash scripts/spark-env.sh` prints"
        );
    }
    p
}

fn conf() -> BTreeMap<String, String> {
    [
        ("spark.ui.enabled", "false"),
        ("spark.driver.host", "127.0.0.1"),
        ("spark.driver.bindAddress", "127.0.0.1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn server(python: &str, prestart: usize) -> RunningServer {
    server_with(python, prestart, 0)
}

fn server_with(python: &str, prestart: usize, scala_prestart: usize) -> RunningServer {
    let config = ServerConfig {
        default_master: "local[2]".into(),
        start_timeout: Duration::from_secs(300),
        pyspark: Some(PySparkConfig {
            python: python.to_owned(),
            default_conf: conf(),
            prestart,
            scala_prestart,
            env: [("SPARK_LOCAL_IP".to_owned(), "127.0.0.1".to_owned())].into(),
            ..PySparkConfig::default()
        }),
        ..ServerConfig::default()
    };
    spawn(
        LivyServer::new(config).unwrap(),
        "127.0.0.1:0",
        ServeOptions::default(),
    )
    .unwrap()
}

fn client(running: &RunningServer) -> LivyClient {
    LivyClient::from_builder(
        ember_livy::LivyClient::builder(&running.url())
            .session_start_timeout(Duration::from_secs(300)),
    )
    .unwrap()
}

fn pyspark() -> CreateSession {
    session_of(SessionKind::PySpark)
}

fn session_of(kind: SessionKind) -> CreateSession {
    CreateSession {
        kind: Some(kind),
        ..CreateSession::default()
    }
}

/// Times `create` to `idle` of a session from a warm pool, letting the pool refill (a
/// SparkSession's start) outside the timed part.
fn warm_start(client: &LivyClient, request: &CreateSession, iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            let t = Instant::now();
            let s = client.start_session(request).unwrap();
            let took = t.elapsed();
            s.delete().unwrap();
            if took < Duration::from_secs(1) || Instant::now() > deadline {
                total += took;
                break;
            }
            std::thread::sleep(Duration::from_secs(2));
        }
    }
    total
}

fn cold_start(c: &mut Criterion) {
    let Some(python) = python() else { return };
    let running = server(&python, 0);
    let client = client(&running);
    let mut g = c.benchmark_group("pyspark_cold_session_to_idle");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(60));
    g.bench_function("ember_livy_server", |b| {
        b.iter(|| {
            let s = client.start_session(&pyspark()).unwrap();
            s.delete().unwrap();
        })
    });
    // Like with like: the reference starts from the class archive Ember's drivers use, when the
    // venv has one (`scripts/spark-cds.py`).
    let script = format!(
        "import os, sys\nfrom pyspark.sql import SparkSession\n\
         b = SparkSession.builder.master('local[2]').appName('ref')\n\
         for k, v in {:?}.items(): b = b.config(k, v)\n\
         a = os.path.join(sys.prefix, 'ember-spark.jsa')\n\
         if os.path.isfile(a): b = b.config('spark.driver.extraJavaOptions', '-XX:SharedArchiveFile=' + a)\n\
         b.getOrCreate()",
        conf()
    );
    g.bench_function("python_getOrCreate", |b| {
        b.iter(|| {
            let status = Command::new(&python)
                .args(["-c", &script])
                .env("SPARK_LOCAL_IP", "127.0.0.1")
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(status.success());
        })
    });
    g.finish();
}

fn warm_pool_and_round_trip(c: &mut Criterion) {
    let Some(python) = python() else { return };
    let running = server(&python, 1);
    let client = client(&running);
    let mut g = c.benchmark_group("pyspark_warm_session_to_idle");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(60));
    g.bench_function("ember_livy_server_prestart_1", |b| {
        b.iter_custom(|iters| warm_start(&client, &pyspark(), iters))
    });
    g.finish();

    let session = client.start_session(&pyspark()).unwrap();
    let mut g = c.benchmark_group("pyspark_statement_1_plus_1");
    g.bench_function("through_livy", |b| {
        b.iter(|| assert_eq!(session.run("1 + 1").unwrap().to_text(), "2"))
    });
    g.finish();
    session.delete().unwrap();
}

fn scala_sessions(c: &mut Criterion) {
    let Some(python) = python() else { return };
    let running = server(&python, 0);
    let client = client(&running);
    let mut g = c.benchmark_group("spark_cold_session_to_idle");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(90));
    for (name, kind) in [
        ("spark_session", SessionKind::Spark),
        ("pyspark_session", SessionKind::PySpark),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let s = client.start_session(&session_of(kind.clone())).unwrap();
                s.delete().unwrap();
            })
        });
    }
    g.finish();

    let session = client
        .start_session(&session_of(SessionKind::Spark))
        .unwrap();
    // The compiler's code is still being JIT-compiled for hundreds of statements after the
    // session starts (a `1 + 1` goes from ~110 ms to ~40 ms), so whichever side ran first
    // would pay for it: warm the interpreter on the reference's own path before either runs.
    let warm = session
        .run_kind(
            &format!(
                "import gc\n\
                 _repl = next(o for o in gc.get_objects() if type(o).__name__ == 'ScalaRepl')\n\
                 for _ in range({WARM_UP_STATEMENTS}):\n    \
                     assert str(_repl.imain.interpret('1 + 1')) == 'Success'\n\
                 _ = _repl.take_reported()"
            ),
            Some(SessionKind::PySpark),
        )
        .unwrap();
    assert!(warm.to_text().is_empty(), "{}", warm.to_text());
    let mut g = c.benchmark_group("scala_statement_1_plus_1");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(30));
    // The same interpreter, in the same JVM, without the server, the client or the worker's
    // statement protocol: a pyspark statement of the session calls `IMain.interpret` `iters`
    // times and reports the time it took. It runs before and after the statements through the
    // server, so what the JIT still gains during the run is bracketed.
    let mut bare = |b: &mut criterion::Bencher<'_>| {
        b.iter_custom(|iters| {
            let code = format!(
                "import gc, time\n\
                 _repl = next(o for o in gc.get_objects() if type(o).__name__ == 'ScalaRepl')\n\
                 _t = time.perf_counter()\n\
                 for _ in range({iters}):\n    \
                     assert str(_repl.imain.interpret('1 + 1')) == 'Success'\n\
                 _took = time.perf_counter() - _t\n\
                 _repl.take_reported()\n\
                 print(_took)"
            );
            let out = session
                .run_kind(&code, Some(SessionKind::PySpark))
                .unwrap()
                .to_text();
            Duration::from_secs_f64(out.trim().parse().unwrap())
        })
    };
    g.bench_function("imain_in_the_same_jvm_before", &mut bare);
    g.bench_function("through_livy", |b| {
        b.iter(|| {
            let out = session.run("1 + 1").unwrap().to_text();
            assert!(out.ends_with(": Int = 2"), "{out}");
        })
    });
    g.bench_function("imain_in_the_same_jvm_after", &mut bare);
    g.finish();
    session.delete().unwrap();
    drop(running);

    let running = server_with(&python, 0, 1);
    let warm = self::client(&running);
    let mut g = c.benchmark_group("spark_warm_session_to_idle");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(60));
    g.bench_function("ember_livy_server_scala_prestart_1", |b| {
        b.iter_custom(|iters| warm_start(&warm, &session_of(SessionKind::Spark), iters))
    });
    g.finish();
}

criterion_group!(
    benches,
    cold_start,
    warm_pool_and_round_trip,
    scala_sessions
);
criterion_main!(benches);
