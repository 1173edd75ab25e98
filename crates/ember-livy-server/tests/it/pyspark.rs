//! `pyspark` sessions on real PySpark, driven by Ember's Livy client: the fourth and fifth seeds
//! end to end, cancel, a worker that dies, the warm pool, no orphan processes, pylivy, and a
//! standalone Spark cluster on loopback.
//!
//! They need a Python with PySpark in `EMBER_TEST_PYTHON` (`bash scripts/spark-env.sh` installs
//! one and prints its path; `just spark-env` runs it). Without it they skip with that message;
//! with `EMBER_REQUIRE_PYSPARK=1` (as CI sets) a skip is a failure.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ember_livy::protocol::{CreateSession, SessionKind, SessionState};
use ember_livy::python::PyValue;
use ember_livy::{Error, LivyClient, LivySession, Output, SharedRdd};
use ember_livy_server::ServerConfig;
use ember_livy_server::pyspark::PySparkConfig;
use ember_sql::arrow::array::AsArray;
use ember_sql::arrow::datatypes::Float64Type;
use serde::Deserialize;
use serde_json::json;

use crate::fixture::{Livy, python_wrapper, quick_config};

/// The Python with PySpark, or `None` after saying how to get one.
pub(crate) fn pyspark_python() -> Option<String> {
    match std::env::var("EMBER_TEST_PYTHON") {
        Ok(p) if !p.trim().is_empty() => Some(p),
        _ => {
            let how = "set EMBER_TEST_PYTHON to the python that `just spark-env` \
                       (bash scripts/spark-env.sh) prints";
            assert!(
                std::env::var("EMBER_REQUIRE_PYSPARK").as_deref() != Ok("1"),
                "EMBER_REQUIRE_PYSPARK=1 but no PySpark: {how}"
            );
            eprintln!("skipped: this test needs real PySpark; {how}");
            None
        }
    }
}

/// Spark on loopback, without its UI (several drivers would race for port 4040).
fn spark_conf() -> BTreeMap<String, String> {
    [
        ("spark.ui.enabled", "false"),
        ("spark.sql.session.timeZone", "UTC"),
        ("spark.driver.host", "127.0.0.1"),
        ("spark.driver.bindAddress", "127.0.0.1"),
        ("spark.sql.shuffle.partitions", "2"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

pub(crate) fn pyspark_config(python: &str, prestart: usize) -> ServerConfig {
    let mut config = quick_config();
    config.start_timeout = Duration::from_secs(180);
    config.stop_timeout = Duration::from_secs(20);
    config.pyspark = Some(PySparkConfig {
        python: python.to_owned(),
        default_conf: spark_conf(),
        prestart,
        env: [("SPARK_LOCAL_IP".to_owned(), "127.0.0.1".to_owned())].into(),
        ..PySparkConfig::default()
    });
    config
}

fn client(livy: &Livy) -> LivyClient {
    LivyClient::builder(&livy.running.url())
        .session_start_timeout(Duration::from_secs(180))
        .statement_timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

fn pyspark(name: Option<&str>) -> CreateSession {
    CreateSession {
        kind: Some(SessionKind::PySpark),
        name: name.map(str::to_owned),
        ..CreateSession::default()
    }
}

fn text(output: Output) -> String {
    output.as_text().unwrap_or_default().to_owned()
}

/// The pid of a session's Python worker, from its log.
async fn worker_pid(session: &LivySession) -> Option<i32> {
    let log = session.log(Some(0), Some(-1)).await.ok()?;
    log.log.iter().find_map(|l| {
        let rest = l.split("(pid ").nth(1)?;
        rest.split([',', ')']).next()?.trim().parse().ok()
    })
}

/// Processes (other than zombies) in process group `pgid`.
fn processes_in_group(pgid: i32) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| {
        let stat = std::fs::read_to_string(e.ok()?.path().join("stat")).ok()?;
        // pid (comm) state ppid pgrp ...
        let after = stat.rsplit_once(')')?.1;
        let mut fields = after.split_whitespace();
        let state = fields.next()?;
        let pgrp: i32 = fields.nth(1)?.parse().ok()?;
        (pgrp == pgid && state != "Z").then(|| stat.split(')').next().unwrap_or("").to_owned())
    })
    .collect()
}

pub(crate) async fn assert_group_gone(pgid: i32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let left = processes_in_group(pgid);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "orphans of worker {pgid}: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_cannot_start_puts_the_session_in_error_with_the_reason() {
    let mut config = quick_config();
    config.pyspark = Some(PySparkConfig {
        python: "/no/such/python3".into(),
        ..PySparkConfig::default()
    });
    let livy = Livy::start(config);
    let (status, s) = livy.post("/sessions", json!({"kind": "pyspark"})).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{s}");
    let failed = livy.wait_state(s["id"].as_u64().unwrap(), "error").await;
    let log = failed["log"].to_string();
    assert!(log.contains("cannot start the Python worker"), "{log}");
    assert!(
        log.contains("spark-env"),
        "the log says what to install: {log}"
    );

    // A Python without pyspark says so, naming the command that installs it.
    let plain = Command::new("python3")
        .args(["-c", "import pyspark"])
        .stderr(Stdio::null())
        .status();
    if plain.is_ok_and(|s| !s.success()) {
        let mut config = quick_config();
        config.pyspark = Some(PySparkConfig::default());
        let livy = Livy::start(config);
        let (_, s) = livy.post("/sessions", json!({"kind": "pyspark"})).await;
        let failed = livy.wait_state(s["id"].as_u64().unwrap(), "error").await;
        let log = failed["log"].to_string();
        assert!(
            log.contains("pyspark is not importable") && log.contains("just spark-env"),
            "{log}"
        );
    }
    // R stays refused.
    for kind in ["sparkr"] {
        let (status, v) = livy.post("/sessions", json!({ "kind": kind })).await;
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{v}");
    }
}

const PI_PY: &str = "
    import random

    NUM_SAMPLES = 100000
    def sample(p):
        x, y = random.random(), random.random()
        return 1 if x*x + y*y < 1 else 0

    count = sc.parallelize(range(0, NUM_SAMPLES)).map(sample).reduce(lambda a, b: a + b)
    pi = 4.0 * count / NUM_SAMPLES

    mylist = [1, 3, 'abc']
    mytuple = ('a', 'b', 'c', 1, 2, 3)
    mydict = {'a': 13, 'b': 'usa'}

    from pyspark.sql import Row
    pi_df = spark.createDataFrame([Row(value=pi)])
";

const MYFUNC: &str = "
    def myfunc(a, b, names, squared=False):
        assert len(a) == 3
        assert len(b) == 3
        assert len(names) == 3
        c = [aa + bb for (aa, bb) in zip(a, b)]
        if squared:
            c = [x*x for x in c]
        d = {k:v for (k,v) in zip(names, c)}
        return d
";

#[derive(Debug, Deserialize, PartialEq)]
struct MyDict {
    a: i64,
    b: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fourth_and_fifth_seeds_end_to_end() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let livy = Livy::start(pyspark_config(&python, 0));
    let session = client(&livy)
        .start_session(&pyspark(Some("seeds")))
        .await
        .unwrap();
    assert_eq!(session.state().await.unwrap(), SessionState::Idle);

    // The fourth seed's checks.
    assert_eq!(text(session.run("1 + 1").await.unwrap()), "2");
    let sqrt = text(session.run("import math; math.sqrt(2.0)").await.unwrap());
    assert!(sqrt.starts_with("1.4142"), "{sqrt}");
    session.run("z = 1 + 3").await.unwrap();
    assert_eq!(session.read::<i64>("z").await.unwrap(), 4);
    session.run(PI_PY).await.unwrap();
    let pi: f64 = session.read("pi").await.unwrap();
    assert!(3.0 < pi && pi < 3.2, "{pi}");
    session.run("pip2 = pi + 2").await.unwrap();
    let pip2: f64 = session.read("pip2").await.unwrap();
    assert!((pip2 - 2.0 - pi).abs() < 1e-12);
    let mylist: (i64, i64, String) = session.read("mylist").await.unwrap();
    assert_eq!(mylist, (1, 3, "abc".to_owned()));
    let mytuple: (String, String, String, i64, i64, i64) = session.read("mytuple").await.unwrap();
    assert_eq!(mytuple.0, "a");
    assert_eq!(mytuple.5, 3);
    let mydict: MyDict = session.read("mydict").await.unwrap();
    assert_eq!(
        mydict,
        MyDict {
            a: 13,
            b: "usa".into()
        }
    );
    let df = session.read_dataframe("pi_df").await.unwrap();
    assert_eq!(df.num_rows(), 1);
    let value = df.column(0).as_primitive::<Float64Type>().value(0);
    assert!((value - pi).abs() < 1e-12, "{value} vs {pi}");
    assert_eq!(session.read::<i64>("3 + 6").await.unwrap(), 9);
    assert!(session.read::<bool>("isinstance(pi, float)").await.unwrap());
    assert_eq!(
        session.read::<String>("str(type(pi))").await.unwrap(),
        "<class 'float'>"
    );
    assert_eq!(
        text(session.run("print(type(pip2))").await.unwrap()),
        "<class 'float'>"
    );
    // Statement-level kinds: Spark SQL on the session's own SparkSession (a Python temp view
    // included), answered as Livy's sql table; Scala on the same SparkContext.
    session
        .run("spark.range(3).toDF('n').createOrReplaceTempView('three')")
        .await
        .unwrap();
    let table = session
        .sql_table("SELECT sum(n) AS total, current_date() IS NOT NULL AS ok, CAST(NULL AS INT) AS none FROM three")
        .await
        .unwrap();
    let table = serde_json::to_value(&table).unwrap();
    assert_eq!(
        table["data"],
        serde_json::json!([[3, true, null]]),
        "{table}"
    );
    assert_eq!(table["schema"]["fields"][0]["type"], "long", "{table}");
    let scala = session
        .run_kind("spark.table(\"three\").count()", Some(SessionKind::Spark))
        .await
        .unwrap();
    assert!(text(scala).ends_with(": Long = 3"));

    // stdout, stderr and the trailing value, right-stripped, in one text/plain.
    let mixed = text(
        session
            .run("import sys\nprint('out')\nprint('err', file=sys.stderr)\n'value'")
            .await
            .unwrap(),
    );
    assert_eq!(mixed, "out\nerr\n'value'");

    // run_file, run_function.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("script_a.py");
    std::fs::write(&script, "import math\n\nmagic = math.pi + 3\n").unwrap();
    session.run_file(&script).await.unwrap();
    let magic: f64 = session.read("magic").await.unwrap();
    assert!(6.0 < magic && magic < 7.0);
    session.run(MYFUNC).await.unwrap();
    let names: PyValue = vec!["first", "second", "third"].into();
    let z: BTreeMap<String, i64> = session
        .run_function(
            "myfunc",
            &[vec![1, 2, 3].into(), vec![4, 6, 8].into(), names.clone()],
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        z,
        [
            ("first".into(), 5),
            ("second".into(), 8),
            ("third".into(), 11)
        ]
        .into()
    );
    let squared: BTreeMap<String, i64> = session
        .run_function(
            "myfunc",
            &[vec![1, 2, 3].into(), vec![4, 6, 8].into(), names],
            &[("squared", true.into())],
        )
        .await
        .unwrap();
    assert_eq!(squared["third"], 121);
    // Arguments with quotes, backslashes and unicode arrive intact.
    let echoed: String = session
        .run_function("str", &["it's \\ \"ünïcode\" \n".into()], &[])
        .await
        .unwrap();
    assert_eq!(echoed, "it's \\ \"ünïcode\" \n");

    // Errors come back with their name, value and traceback.
    match session.run("def broken(:\n    pass").await {
        Err(Error::Statement {
            ename, traceback, ..
        }) => {
            assert_eq!(ename, "SyntaxError");
            assert!(!traceback.is_empty());
        }
        other => panic!("expected a SyntaxError, got {other:?}"),
    }
    match session
        .run("def f():\n    raise ValueError('bad value')\nf()")
        .await
    {
        Err(Error::Statement {
            ename,
            evalue,
            traceback,
        }) => {
            assert_eq!(ename, "ValueError");
            assert_eq!(evalue, "bad value");
            assert!(traceback.iter().all(|l| l.ends_with('\n')), "{traceback:?}");
            assert!(
                traceback.iter().any(|l| l.contains("in f")),
                "{traceback:?}"
            );
        }
        other => panic!("expected a ValueError, got {other:?}"),
    }
    // %table and an unknown magic.
    let table = session
        .run("rows = [{'a': 1, 'b': 'x'}]\n%table rows")
        .await
        .unwrap();
    let Output::Table(t) = table else {
        panic!("expected a table, got {table:?}");
    };
    assert_eq!(t["headers"][0], json!({"name": "a", "type": "INT_TYPE"}));
    match session.run("%nosuchmagic x").await {
        Err(Error::Statement { ename, .. }) => assert_eq!(ename, "UnknownMagic"),
        other => panic!("expected UnknownMagic, got {other:?}"),
    }

    // The fifth seed: a second client attaches by name (and a third by id) and shares an RDD.
    let other = client(&livy).session("seeds").await.unwrap();
    let by_id = client(&livy).session(session.id()).await.unwrap();
    let states = SharedRdd::create(session.clone(), "states").await.unwrap();
    states.set("ak", "Alaska").await.unwrap();
    states.set("ca", "California").await.unwrap();
    let seen = SharedRdd::create(other.clone(), "states").await.unwrap();
    assert_eq!(seen.get("ak").await.unwrap().as_deref(), Some("Alaska"));
    seen.set("hi", "Hawaii").await.unwrap();
    let third = SharedRdd::attach(by_id, "states").unwrap();
    assert_eq!(third.get("hi").await.unwrap().as_deref(), Some("Hawaii"));
    assert_eq!(third.get("tx").await.unwrap(), None);
    // The same through the seed's own statements and %json.
    let raw = text(other.run("states.get(\"ak\")").await.unwrap());
    assert_eq!(raw, "[['ak', 'Alaska']]");
    let json_out = other
        .run("data = states.get(\"ak\")\n%json data")
        .await
        .unwrap();
    assert_eq!(json_out.as_json(), Some(&json!([["ak", "Alaska"]])));

    // Cancel: a Spark job and plain Python code both stop; the session stays usable.
    for code in [
        "sc.parallelize(range(4), 2).map(lambda x: __import__('time').sleep(120)).count()",
        "import time\ntime.sleep(120)",
    ] {
        let st = session.submit(code).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while session.statement(st.id).await.unwrap().state
            != ember_livy::protocol::StatementState::Running
        {
            assert!(Instant::now() < deadline, "never ran: {code}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let t = Instant::now();
        session.cancel(st.id).await.unwrap();
        match session.wait(st.id).await {
            Err(Error::Cancelled { .. }) => {}
            other => panic!("expected Cancelled for {code:?}, got {other:?}"),
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "{code}: {:?}",
            t.elapsed()
        );
        assert_eq!(
            session.read::<i64>("z").await.unwrap(),
            4,
            "variables persist"
        );
    }
    assert_eq!(session.state().await.unwrap(), SessionState::Idle);

    // SparkPi as a pyspark job: reproducible with a seed, one stream per partition.
    let job = ember_livy::jobs::SparkPi::new(session.clone())
        .await
        .unwrap();
    let a = job.estimate(4, Some(7)).await.unwrap();
    let b = job.estimate(4, Some(7)).await.unwrap();
    let other_seed = job.estimate(4, Some(8)).await.unwrap();
    assert_eq!(a, b, "a seeded estimate is reproducible");
    assert!((a - std::f64::consts::PI).abs() < 0.05, "{a}");
    assert_ne!(a, other_seed);
    // Each partition draws its own stream (the seed's code can repeat one stream everywhere,
    // giving the same count in every partition).
    let counts: Vec<u64> = session.read("_ember_pi_counts(4, 7, 10000)").await.unwrap();
    let mut distinct = counts.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "{counts:?}");

    // pylivy attaches to the same session and reads a DataFrame through it.
    let script = format!(
        "import sys\nfrom livy import LivySession\n\
         s = LivySession('{url}', {id})\n\
         print(s.state)\n\
         s.run('df2 = spark.createDataFrame([(1, \"a\"), (2, \"b\")], [\"n\", \"s\"])')\n\
         pdf = s.download('df2')\n\
         assert list(pdf['n']) == [1, 2], pdf\n\
         print('pylivy ok', len(pdf))\n",
        url = livy.running.url(),
        id = session.id()
    );
    let out = Command::new(&python)
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pylivy failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("pylivy ok 2"));

    let pid = worker_pid(&session)
        .await
        .expect("the log names the worker's pid");
    session.delete().await.unwrap();
    assert_group_gone(pid).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warm_pool_dead_worker_and_no_orphans() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let livy = Livy::start(pyspark_config(&python, 1));
    let c = client(&livy);
    // The pooled worker starts with the server; give it time to be ready, then a session with
    // no conf of its own is idle at once.
    let warm = c.create_session(&pyspark(None)).await.unwrap();
    warm.wait_idle().await.unwrap();
    warm.delete().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let t = loop {
        // The pool refills in the background after each session takes a worker.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let t = Instant::now();
        let s = c.create_session(&pyspark(None)).await.unwrap();
        s.wait_idle().await.unwrap();
        let took = t.elapsed();
        if took < Duration::from_millis(500) || Instant::now() > deadline {
            break (s, took);
        }
        s.delete().await.unwrap();
    };
    let (session, took) = t;
    assert!(
        took < Duration::from_millis(500),
        "a warm session took {took:?}"
    );
    assert_eq!(text(session.run("1 + 1").await.unwrap()), "2");

    // A worker that dies mid-statement fails the statement and the session is dead.
    let pid = worker_pid(&session).await.expect("pid in the log");
    match session.run("import os\nos._exit(3)").await {
        Err(Error::Statement { evalue, .. }) => {
            assert!(evalue.contains("Interpreter died"), "{evalue}")
        }
        Err(Error::SessionEnded { .. }) => {}
        other => panic!("expected Interpreter died, got {other:?}"),
    }
    let info = session.info().await.unwrap();
    assert_eq!(info.state, SessionState::Dead);
    assert_group_gone(pid).await;
    // A long-lived pi session is recreated when it dies.
    let pi = ember_livy::jobs::PiOnLivy::new(c.clone(), CreateSession::default());
    let first = pi
        .estimate_until(2, Some(1), std::future::pending())
        .await
        .unwrap();
    assert!((first - std::f64::consts::PI).abs() < 0.1, "{first}");
    let sessions = c.all_sessions().await.unwrap();
    let pi_session = sessions.iter().map(|s| s.id).max().unwrap();
    c.delete_session(pi_session).await.unwrap();
    let again = pi
        .estimate_until(2, Some(1), std::future::pending())
        .await
        .unwrap();
    assert_eq!(first, again, "same seed, new session, same estimate");
    pi.close().await.unwrap();

    // Server shutdown stops the pool's workers too.
    let running = livy.running;
    let server = running.server().clone();
    running.stop();
    assert_eq!(server.session_count(), 0);
}

/// A Spark standalone master and worker on loopback, stopped (with their JVMs) on drop.
struct StandaloneCluster {
    daemons: Vec<Child>,
    master_url: String,
}

impl Drop for StandaloneCluster {
    fn drop(&mut self) {
        for d in &mut self.daemons {
            if let Ok(pid) = i32::try_from(d.id()) {
                let _ = Command::new("kill")
                    .args(["-TERM", "--", &format!("-{pid}")])
                    .status();
            }
            let deadline = Instant::now() + Duration::from_secs(15);
            while Instant::now() < deadline && !matches!(d.try_wait(), Ok(Some(_))) {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = d.kill();
            let _ = d.wait();
        }
    }
}

/// Ports Spark's master is told before it binds them (see [`ember_serve::spare_port`]).
fn free_port() -> u16 {
    ember_serve::spare_port("127.0.0.1").unwrap()
}

fn start_cluster(python: &str) -> StandaloneCluster {
    use std::os::unix::process::CommandExt;
    let home = Command::new(python)
        .args([
            "-c",
            "import os, pyspark; print(os.path.dirname(pyspark.__file__))",
        ])
        .output()
        .unwrap();
    let spark_home = String::from_utf8(home.stdout).unwrap().trim().to_owned();
    let class = format!("{spark_home}/bin/spark-class");
    let (port, ui1, ui2) = (free_port(), free_port(), free_port());
    let daemon = |args: Vec<String>| {
        Command::new(&class)
            .args(args)
            .env("SPARK_LOCAL_IP", "127.0.0.1")
            .env("SPARK_HOME", &spark_home)
            .env("PYSPARK_PYTHON", python)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap()
    };
    let master_url = format!("spark://127.0.0.1:{port}");
    let mut cluster = StandaloneCluster {
        daemons: Vec::new(),
        master_url: master_url.clone(),
    };
    cluster.daemons.push(daemon(
        [
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--webui-port",
            &ui1.to_string(),
        ]
        .map(str::to_owned)
        .to_vec(),
    ));
    cluster.daemons.push(daemon(
        [
            "org.apache.spark.deploy.worker.Worker",
            &master_url,
            "--host",
            "127.0.0.1",
            "--cores",
            "2",
            "--memory",
            "1g",
            "--webui-port",
            &ui2.to_string(),
        ]
        .map(str::to_owned)
        .to_vec(),
    ));
    // Up when the master's JSON status lists an alive worker.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let status = get_json(&format!("http://127.0.0.1:{ui1}/json/"));
        if status.is_some_and(|s| s["aliveworkers"].as_u64().unwrap_or(0) >= 1) {
            return cluster;
        }
        assert!(
            Instant::now() < deadline,
            "the standalone worker never registered"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// A tiny blocking GET of the master's JSON status page.
fn get_json(url: &str) -> Option<serde_json::Value> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut s = std::net::TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    // One write: `write!` on a socket sends each piece apart (Nagle then holds them back).
    s.write_all(format!("GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
        .ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    serde_json::from_str(raw.split_once("\r\n\r\n")?.1).ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_on_a_standalone_spark_cluster() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let cluster = tokio::task::block_in_place(|| start_cluster(&python));
    let livy = Livy::start(pyspark_config(&python, 0));
    let mut request = pyspark(None);
    request.conf = Some(
        [
            ("spark.master".to_owned(), cluster.master_url.clone()),
            ("spark.executor.memory".to_owned(), "512m".to_owned()),
            ("spark.cores.max".to_owned(), "2".to_owned()),
        ]
        .into(),
    );
    let session = client(&livy).start_session(&request).await.unwrap();
    let master: String = session.read("sc.master").await.unwrap();
    assert_eq!(master, cluster.master_url);
    session.run(PI_PY).await.unwrap();
    let pi: f64 = session.read("pi").await.unwrap();
    assert!(3.0 < pi && pi < 3.2, "{pi}");
    let states = SharedRdd::create(session.clone(), "states").await.unwrap();
    states.set("ak", "Alaska").await.unwrap();
    assert_eq!(states.get("ak").await.unwrap().as_deref(), Some("Alaska"));
    let pid = worker_pid(&session).await.unwrap();
    session.delete().await.unwrap();
    assert_group_gone(pid).await;
    drop(livy);
    tokio::task::block_in_place(|| drop(cluster));
}

/// The addresses on which processes of group `pgid` listen for TCP connections, from `/proc`.
fn listening_addresses(pgid: i32) -> Vec<std::net::SocketAddr> {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
    let mut inodes = std::collections::HashSet::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let pgrp = stat
            .rsplit_once(')')
            .and_then(|(_, after)| after.split_whitespace().nth(2)?.parse::<i32>().ok());
        if pgrp != Some(pgid) {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if let Ok(target) = std::fs::read_link(fd.path()) {
                let target = target.to_string_lossy().into_owned();
                if let Some(inode) = target
                    .strip_prefix("socket:[")
                    .and_then(|r| r.strip_suffix(']'))
                {
                    inodes.insert(inode.to_owned());
                }
            }
        }
    }
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 10 || f[3] != "0A" || !inodes.contains(f[9]) {
                continue;
            }
            let (ip, port) = f[1].split_once(':').unwrap();
            let port = u16::from_str_radix(port, 16).unwrap();
            // The kernel prints each 32-bit word of the address in host (little-endian) order.
            let words: Vec<u32> = (0..ip.len() / 8)
                .map(|i| {
                    u32::from_str_radix(&ip[i * 8..i * 8 + 8], 16)
                        .unwrap()
                        .swap_bytes()
                })
                .collect();
            let ip = if words.len() == 1 {
                IpAddr::V4(Ipv4Addr::from(words[0]))
            } else {
                let mut bytes = [0u8; 16];
                for (i, w) in words.iter().enumerate() {
                    bytes[i * 4..i * 4 + 4].copy_from_slice(&w.to_be_bytes());
                }
                IpAddr::V6(Ipv6Addr::from(bytes))
            };
            found.push(SocketAddr::new(ip, port));
        }
    }
    found
}

fn is_loopback(addr: &std::net::SocketAddr) -> bool {
    match addr.ip() {
        std::net::IpAddr::V4(ip) => ip.is_loopback(),
        std::net::IpAddr::V6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_a_sessions_spark_listens_on_loopback_only() {
    let Some(python) = pyspark_python() else {
        return;
    };
    // The server's environment has no SPARK_LOCAL_IP and its config no Spark settings: what a
    // plain `ember livy-server` gets. Before: the JVM served its UI on *:4040 and its driver on
    // the machine's external address.
    let (_dir, wrapper) = python_wrapper(&format!("unset SPARK_LOCAL_IP\nexec '{python}' \"$@\""));
    let mut config = quick_config();
    config.start_timeout = Duration::from_secs(180);
    config.pyspark = Some(PySparkConfig {
        python: wrapper,
        default_conf: [("spark.sql.shuffle.partitions", "2")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        prestart: 0,
        env: BTreeMap::new(),
        ..PySparkConfig::default()
    });
    let livy = Livy::start(config);
    let session = client(&livy).start_session(&pyspark(None)).await.unwrap();
    // A job, so every service a driver starts (block manager, shuffle) is up.
    assert_eq!(
        text(session.run("spark.range(100).count()").await.unwrap()),
        "100"
    );
    let pgid = worker_pid(&session)
        .await
        .expect("the worker's pid in the log");
    let listening = listening_addresses(pgid);
    assert!(
        !listening.is_empty(),
        "the worker's JVM listens on nothing: the check would see nothing"
    );
    let beyond: Vec<_> = listening.iter().filter(|a| !is_loopback(a)).collect();
    assert!(
        beyond.is_empty(),
        "the session's processes listen beyond loopback: {beyond:?} (all: {listening:?})"
    );
    session.delete().await.unwrap();
    assert_group_gone(pgid).await;
}
