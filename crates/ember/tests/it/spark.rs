//! `spark://` masters without Livy (issue 17): `ember pi`, `ember sql`, `ember datasource` and
//! `ember serve` run on a real Spark standalone cluster (the repo's `scripts/spark-cluster.sh`, on loopback
//! ports of its own) through a driver Ember starts and stops, and leave nothing running.
//! Needs PySpark: `EMBER_TEST_PYTHON` (what `just spark-env` prints); skipped without it
//! unless `EMBER_REQUIRE_PYSPARK=1`.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Proc, ember, free_port, get_within, pyspark_python};

/// `scripts/spark-cluster.sh` running: a master and a worker, stopped (the script's trap stops
/// their JVMs) on drop.
struct Cluster {
    script: Child,
    master: String,
    ui: u16,
}

impl Cluster {
    fn start(python: &str) -> Cluster {
        let (port, ui, worker_ui) = (free_port(), free_port(), free_port());
        let mut script = Command::new("bash")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../scripts/spark-cluster.sh"
            ))
            .env("EMBER_TEST_PYTHON", python)
            .env("SPARK_MASTER_PORT", port.to_string())
            .env("SPARK_MASTER_WEBUI_PORT", ui.to_string())
            .env("SPARK_WORKER_WEBUI_PORT", worker_ui.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        // The script prints its ready line once the worker registered (it gives up after 120 s).
        let stdout = script.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut cluster = Cluster {
            script,
            master: format!("spark://127.0.0.1:{port}"),
            ui,
        };
        let deadline = Instant::now() + Duration::from_secs(150);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.contains("spark-cluster: master spark://") => return cluster,
                Ok(_) => {}
                Err(e) => {
                    cluster.stop();
                    panic!("the standalone cluster did not come up: {e}");
                }
            }
        }
    }

    /// The master's status (`/json/`): its workers, active and completed applications.
    fn status(&self) -> serde_json::Value {
        let out = Command::new("curl")
            .args(["-fs", &format!("http://127.0.0.1:{}/json/", self.ui)])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or_default()
    }

    /// The names of the applications the master saw finish.
    fn finished_apps(&self) -> String {
        self.status()["completedapps"].to_string()
    }

    /// Waits (bounded) until the master has no running application: every driver that ran on
    /// it stopped (a driver JVM left running keeps its application active).
    fn assert_no_app_left(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let status = self.status();
            if status["activeapps"].as_array().is_some_and(Vec::is_empty) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "an application is still running: {}",
                status["activeapps"]
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn stop(&mut self) {
        if let Ok(pid) = i32::try_from(self.script.id()) {
            let _ = Command::new("kill")
                .args(["-TERM", "--", &format!("-{pid}")])
                .status();
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline && !matches!(self.script.try_wait(), Ok(Some(_))) {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.script.kill();
        let _ = self.script.wait();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `cmd` for at most `secs` seconds (killed after that) and returns whether it succeeded,
/// its stdout and its stderr (through files, so neither pipe can fill up and stall it).
fn run_bounded(cmd: &mut Command, secs: u64) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = cmd
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} ran longer than {secs} s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap();
    (status.success(), read(&out), read(&err))
}

fn ember_on(python: &str) -> Command {
    let mut c = ember();
    c.env("PYSPARK_PYTHON", python)
        .env("SPARK_LOCAL_IP", "127.0.0.1");
    c
}

#[test]
fn pi_sql_datasource_and_serve_run_on_a_standalone_cluster_without_livy() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let cluster = Cluster::start(&python);

    // The fourth seed's SparkPi, on the cluster's executors: the local command's line.
    let (ok, out, err) = run_bounded(
        ember_on(&python).args([
            "pi",
            "--scale",
            "4",
            "--seed",
            "7",
            "--master",
            &cluster.master,
        ]),
        300,
    );
    assert!(ok, "{err}");
    assert!(out.contains("Pi is roughly 3.1"), "{out}");
    assert!(
        cluster.finished_apps().contains("\"PythonPi\""),
        "the job did not run on the cluster: {}",
        cluster.finished_apps()
    );

    // Spark SQL on the cluster, printed as locally, at most the row cap of rows (said so).
    let (ok, out, err) = run_bounded(
        ember_on(&python).args([
            "sql",
            "--master",
            &cluster.master,
            "--format",
            "csv",
            "--conf",
            "livy.rsc.sql.num-rows=2",
            "SELECT id, id * 2 AS twice FROM range(3)",
        ]),
        300,
    );
    assert!(ok, "{err}");
    assert!(out.ends_with("id,twice\n0,0\n1,2\n"), "{out}");
    assert!(err.contains("the result stops at 2 rows"), "{err}");
    // A script: its statements share one SparkSession (a view made by one is read by the next);
    // Spark's own error stops it, and the command fails.
    let (ok, out, err) = run_bounded(
        ember_on(&python).args([
            "sql",
            "--master",
            &cluster.master,
            "--format",
            "csv",
            "-e",
            "CREATE TEMPORARY VIEW v AS SELECT 7 AS x; SELECT x FROM v; SELECT nope FROM v; SELECT 8 AS y",
        ]),
        300,
    );
    assert!(!ok, "{out}");
    assert_eq!(out, "x\n7\n", "{err}");
    assert!(err.contains("Time taken"), "{err}");
    assert!(err.contains("UNRESOLVED_COLUMN"), "{err}");

    // The third seed's program, its master named by its own INI.
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("spark.ini");
    std::fs::write(
        &ini,
        format!(
            "[spark]\napp_name = My PySpark App\nmaster_url = {}\n",
            cluster.master
        ),
    )
    .unwrap();
    let (ok, out, err) = run_bounded(
        ember_on(&python)
            .args(["datasource", "--seed", "3", "--config"])
            .arg(&ini),
        300,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Got Polars dataframe with 1000 elements"),
        "{out}"
    );
    assert!(out.contains("shape: (10, 1)"), "{out}");
    assert!(cluster.finished_apps().contains("\"My PySpark App\""));

    // The first seed's service: /sparkpi on the cluster, the driver started by the first job.
    let mut command = ember_on(&python);
    command.args([
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--job-timeout-secs",
        "300",
        "--master",
        &cluster.master,
    ]);
    let served = Proc::spawn(command);
    let port = served.announced_port("ember serve listening on http://");
    for _ in 0..2 {
        let pi = get_within(port, "/sparkpi?scale=2", Duration::from_secs(300)).unwrap();
        assert!(pi.contains("\r\n\r\nPi is roughly 3."), "{pi}");
    }
    let (exit, log) = served.finish(Duration::from_secs(60));
    assert!(exit.success(), "exit {exit:?}: {log}");

    // Each command stopped its driver (and its JVM) before it exited.
    cluster.assert_no_app_left();
}
