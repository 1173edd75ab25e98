//! ember-spark's integration test: a driver against a fake worker that speaks the worker's
//! protocol without Spark (`fake_worker.py`, wherever Python 3 runs), and against real PySpark
//! (`EMBER_TEST_PYTHON`, what `just spark-env` prints; skipped without it unless
//! `EMBER_REQUIRE_PYSPARK=1`): Python, Spark SQL and Scala on one SparkContext, and nothing left
//! running after `stop`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ember_spark::{
    Death, Driver, DriverFactory, DriverLog, DriverSpec, Error, Execution, Language, NoLog,
    PySparkConfig,
};

/// A log that keeps what the driver wrote.
#[derive(Debug, Default)]
struct Kept(Mutex<Vec<String>>, tokio::sync::Notify);

impl DriverLog for Kept {
    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
        self.1.notify_waiters();
    }
}

impl Kept {
    fn contains(&self, text: &str) -> bool {
        self.0.lock().unwrap().iter().any(|l| l.contains(text))
    }

    /// Whether a line with `text` comes within 10 s: the worker's stderr is read on a task of
    /// its own, so a line it wrote before an answer on stdout may reach the log after it.
    async fn logs(&self, text: &str) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let pushed = self.1.notified();
            tokio::pin!(pushed);
            pushed.as_mut().enable();
            if self.contains(text) {
                return true;
            }
            if tokio::time::timeout_at(deadline, pushed).await.is_err() {
                return self.contains(text);
            }
        }
    }
}

/// A `python` that runs the fake worker whatever program it is given, in `dir`.
fn fake_python(dir: &tempfile::TempDir) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: needs python3 on PATH");
        return None;
    }
    // The crate's directory as cargo gives it when it runs the test (the one compiled in goes
    // stale when the target dir is shared with another clone).
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let script = crate_dir.join("tests/it/fake_worker.py");
    let staged = dir.path().join("python.txt");
    std::fs::write(
        &staged,
        format!("#!/bin/sh\nexec python3 '{}'\n", script.display()),
    )
    .unwrap();
    // Copied by another process, so this one never holds the run file open for writing: a
    // child another test forks meanwhile would inherit that descriptor, and running the file
    // would fail with "Text file busy".
    let wrapper = dir.path().join("python");
    let copied = std::process::Command::new("cp")
        .arg(&staged)
        .arg(&wrapper)
        .status();
    assert!(copied.is_ok_and(|s| s.success()));
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    Some(wrapper.display().to_string())
}

fn factory(python: String, start_timeout: Duration) -> DriverFactory {
    DriverFactory::new(
        PySparkConfig {
            python,
            start_timeout,
            ..PySparkConfig::default()
        },
        "local[1]".to_owned(),
    )
}

fn spec(conf: &[(&str, &str)], log: Arc<dyn DriverLog>) -> DriverSpec {
    DriverSpec {
        app_name: "ember-spark-test".into(),
        conf: conf
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
        log,
    }
}

fn text(e: &Execution) -> &str {
    match e {
        Execution::Ok(data) => data["text/plain"].as_str().unwrap_or_default(),
        other => panic!("expected a result, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_driver_answers_fails_reports_progress_and_completes() {
    let dir = tempfile::tempdir().unwrap();
    let Some(python) = fake_python(&dir) else {
        return;
    };
    let log = Arc::new(Kept::default());
    let driver = factory(python, Duration::from_secs(30))
        .create(&spec(&[], log.clone()))
        .unwrap();
    driver.start().await.unwrap();
    assert!(log.logs("fake worker starting, master local[1]").await);
    assert_eq!(text(&driver.execute(0, "echo hello", None).await), "hello");
    match driver.execute(1, "fail", None).await {
        Execution::Failed { ename, evalue, .. } => {
            assert_eq!((ename.as_str(), evalue.as_str()), ("ValueError", "boom"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(text(&driver.execute(2, "progress", None).await), "done");
    assert_eq!(driver.progress(2), Some(0.5));
    assert_eq!(driver.progress(1), None);
    // A line that is not JSON is no answer: the statement still gets its own.
    assert_eq!(
        text(&driver.execute(3, "noise", Some(Language::Python)).await),
        "after noise"
    );
    assert_eq!(driver.complete("ec", 2, None).await, ["echo "]);
    assert_eq!(driver.other_languages(), [Language::Scala, Language::Sql]);
    driver.stop().await;
    // Stopped: what comes next is told the driver is gone, not lost.
    assert!(matches!(
        driver.execute(4, "echo late", None).await,
        Execution::Died(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_ends_the_running_statement_and_the_driver_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let Some(python) = fake_python(&dir) else {
        return;
    };
    let driver = Arc::new(
        factory(python, Duration::from_secs(30))
            .create(&spec(&[], Arc::new(NoLog)))
            .unwrap(),
    );
    driver.start().await.unwrap();
    let running = driver.clone();
    let statement = tokio::spawn(async move { running.execute(7, "wait", None).await });
    let t = Instant::now();
    // The cancel may come before the worker started the statement: it is kept until it runs.
    driver.cancel(7);
    match tokio::time::timeout(Duration::from_secs(10), statement).await {
        Ok(Ok(Execution::Failed { ename, .. })) => assert_eq!(ename, "KeyboardInterrupt"),
        other => panic!("{other:?}"),
    }
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(text(&driver.execute(8, "echo after", None).await), "after");
    driver.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_dies_is_a_death_with_its_status() {
    let dir = tempfile::tempdir().unwrap();
    let Some(python) = fake_python(&dir) else {
        return;
    };
    let driver = factory(python, Duration::from_secs(30))
        .create(&spec(&[], Arc::new(NoLog)))
        .unwrap();
    driver.start().await.unwrap();
    match driver.execute(0, "die", None).await {
        Execution::Died(Death::Exited { cause, .. }) => {
            assert_eq!(cause, "exit status: 3");
        }
        other => panic!("{other:?}"),
    }
    driver.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_that_fails_never_ends_or_has_no_python_is_an_error_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let Some(python) = fake_python(&dir) else {
        return;
    };
    let factory = factory(python, Duration::from_secs(2));
    for (mode, reason) in [
        ("fail", "the fake worker was told to fail its start"),
        ("hang", "did not start within 2s"),
    ] {
        let driver = factory
            .create(&spec(&[("fake.start", mode)], Arc::new(NoLog)))
            .unwrap();
        match driver.start().await {
            Err(e @ Error::Start { .. }) => assert!(e.to_string().contains(reason), "{mode}: {e}"),
            other => panic!("{mode}: {other:?}"),
        }
        driver.stop().await;
    }
    let missing = self::factory("/no/such/python".into(), Duration::from_secs(2))
        .create(&spec(&[], Arc::new(NoLog)))
        .unwrap();
    let e = missing.start().await.unwrap_err();
    assert!(e.to_string().contains("`/no/such/python`"), "{e}");
    // A local master with more threads than the factory allows is refused before anything runs.
    let bounded = DriverFactory::new(PySparkConfig::default(), "local[1]".into()).with_limits(
        1,
        1 << 20,
        4096,
    );
    let refused = bounded.create(&spec(&[("spark.master", "local[4]")], Arc::new(NoLog)));
    assert!(matches!(refused, Err(Error::Refused { .. })), "{refused:?}");
}

/// The process group of a started driver is gone once it stopped.
fn group_alive(pgid: i32) -> bool {
    std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|stat| {
                // pid (comm) state ppid pgrp ...: the fields after the command's closing paren.
                let rest = stat.rsplit_once(')')?.1;
                rest.split_whitespace().nth(2)?.parse::<i32>().ok()
            })
            == Some(pgid)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sql_and_scala_share_one_spark_context_on_real_pyspark() {
    let Ok(python) = std::env::var("EMBER_TEST_PYTHON") else {
        assert!(
            std::env::var("EMBER_REQUIRE_PYSPARK").as_deref() != Ok("1"),
            "EMBER_REQUIRE_PYSPARK=1 but EMBER_TEST_PYTHON is unset: run `just spark-env`"
        );
        eprintln!("skipped: needs PySpark; set EMBER_TEST_PYTHON to what `just spark-env` prints");
        return;
    };
    let log = Arc::new(Kept::default());
    let driver: Driver = factory(python, Duration::from_secs(300))
        .create(&spec(&[], log.clone()))
        .unwrap();
    driver.start().await.unwrap();
    let made = driver
        .execute(
            0,
            "spark.range(3).createOrReplaceTempView('t')\n1 + 1",
            None,
        )
        .await;
    assert_eq!(text(&made), "2");
    match driver
        .execute(1, "SELECT count(*) AS n FROM t", Some(Language::Sql))
        .await
    {
        Execution::Ok(data) => {
            assert_eq!(data["application/json"]["data"], serde_json::json!([[3]]))
        }
        other => panic!("{other:?}"),
    }
    let scala = driver
        .execute(2, "spark.table(\"t\").count()", Some(Language::Scala))
        .await;
    assert_eq!(text(&scala), "res0: Long = 3");
    // The driver's JVM starts from the venv's class archive when it has one, which
    // `scripts/spark-env.sh` (and so CI) makes: `has archive, JVM given it, JVM sharing`.
    let shared = driver
        .execute(
            3,
            "import os, sys\n\
             a = os.path.join(sys.prefix, 'ember-spark.jsa')\n\
             jvm = sc._jvm\n\
             args = list(jvm.java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())\n\
             print(os.path.isfile(a), '-XX:SharedArchiveFile=' + a in args, \
                   'sharing' in jvm.java.lang.System.getProperty('java.vm.info'))",
            None,
        )
        .await;
    if std::env::var("EMBER_REQUIRE_PYSPARK").as_deref() == Ok("1") {
        assert_eq!(text(&shared), "True True True");
    } else {
        assert!(
            ["True True True", "False False True"].contains(&text(&shared)),
            "{}",
            text(&shared)
        );
    }
    let pid: i32 = log
        .0
        .lock()
        .unwrap()
        .iter()
        .find_map(|l| {
            l.strip_prefix("started the Python worker (pid ")?
                .split(',')
                .next()?
                .parse()
                .ok()
        })
        .expect("the driver logs its pid");
    assert!(group_alive(pid));
    driver.stop().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while group_alive(pid) {
        assert!(
            Instant::now() < deadline,
            "the driver's processes outlived its stop"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
