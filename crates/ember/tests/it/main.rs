//! End-to-end tests of the `ember` binary, run as a user would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cluster;
mod docs;
mod layout;
mod spark;
mod sql_shell;
mod ui;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn ember() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ember"));
    for var in [
        "PORT",
        "EMBER_MASTER",
        "EMBER_APP_NAME",
        "EMBER_CONFIG",
        "EMBER_MAX_SCALE",
        "EMBER_JOB_TIMEOUT_SECS",
        "EMBER_SHUTDOWN_GRACE_SECS",
        "EMBER_SIMD",
        "EMBER_UI_PORT",
        "EMBER_UI_HOST",
        "EMBER_UI_ALLOWED_HOSTS",
        "EMBER_NO_UI",
    ] {
        c.env_remove(var);
    }
    c
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn pi_prints_the_seed_line_and_is_reproducible() {
    let args = ["pi", "--scale", "20", "--master", "local[2]", "--seed", "5"];
    let (ok, out, err) = run(ember().args(args));
    assert!(ok, "{err}");
    assert!(out.starts_with("Pi is roughly 3.1"), "{out}");
    assert_eq!(out.lines().count(), 1);
    let (_, again, _) = run(ember().args(args));
    assert_eq!(out, again);
}

/// Issue 11: `EMBER_SIMD` forces the lane kernels' path (a path the CPU lacks falls back below
/// it), and every path gives the same seeded estimate; a value that names no path is refused.
#[test]
fn every_forced_simd_path_gives_the_same_estimate() {
    let args = [
        "pi", "--scale", "20", "--master", "local[2]", "--seed", "11",
    ];
    let (ok, want, err) = run(ember().args(args));
    assert!(ok, "{err}");
    for path in ["baseline", "avx2", "avx512", "AVX2"] {
        let (ok, out, err) = run(ember().env("EMBER_SIMD", path).args(args));
        assert!(ok, "{path}: {err}");
        assert_eq!(out, want, "EMBER_SIMD={path}");
    }
    let (ok, out, err) = run(ember().env("EMBER_SIMD", "sse9").args(args));
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("EMBER_SIMD") && err.contains("sse9"), "{err}");
}

#[test]
fn bad_flags_and_env_exit_non_zero_with_a_reason() {
    let (ok, _, err) = run(ember().env("PORT", "abc"));
    assert!(!ok);
    assert!(
        err.contains("abc") && err.to_lowercase().contains("port"),
        "{err}"
    );
    let (ok, _, err) = run(ember().args(["pi", "--master", "yarn"]));
    assert!(!ok);
    assert!(err.contains("invalid master"), "{err}");
    // A spark:// master needs PySpark where Ember runs: without it, the reason and the fix.
    let (ok, _, err) = run(ember().env("PYSPARK_PYTHON", "/no/such/python").args([
        "pi",
        "--master",
        "spark://127.0.0.1:7077",
    ]));
    assert!(!ok);
    assert!(
        err.contains("the Spark driver did not start") && err.contains("/no/such/python"),
        "{err}"
    );
    // What `sql` on a spark:// master cannot do is refused before a driver starts (the Python
    // named here would fail that start).
    for (flags, reason) in [
        (
            ["--view", "t=t.csv"],
            "--view registers files on this machine",
        ),
        (
            ["--conf", "livy.rsc.sql.num-rows=0"],
            "livy.rsc.sql.num-rows must be a whole number from 1 to 100000, got '0'",
        ),
        (
            ["--conf", "livy.rsc.sql.num-rows=100001"],
            "livy.rsc.sql.num-rows must be a whole number from 1 to 100000",
        ),
    ] {
        let (ok, _, err) = run(ember()
            .env("PYSPARK_PYTHON", "/no/such/python")
            .args(["sql", "--master", "spark://127.0.0.1:7077"])
            .args(flags)
            .arg("SELECT 1"));
        assert!(!ok);
        assert!(err.contains(reason) && !err.contains("driver"), "{err}");
    }
    let (ok, _, err) = run(ember().args(["pi", "--scale", "0"]));
    assert!(!ok, "{err}");
    let (ok, _, err) = run(ember().args(["pi", "--config", "/no/such.ini"]));
    assert!(!ok);
    assert!(err.contains("/no/such.ini"), "{err}");
}

/// Runs `cmd` for at most `secs` seconds; `None` if it was still running (then it is killed).
fn run_within(cmd: &mut Command, secs: u64) -> Option<(bool, String)> {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return Some((status.success(), err));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn regression_limits_that_would_crash_the_service_are_refused_at_parse_time() {
    let refused = |cmd: &mut Command, flag: &str| {
        let Some((ok, err)) = run_within(cmd.env("PORT", "0"), 20) else {
            panic!("{flag}: accepted, and the service started");
        };
        assert!(!ok, "{flag}: {err}");
        assert!(err.contains(flag), "{flag}: {err}");
    };
    // Before: accepted; every /sparkpi request then panicked computing `now + timeout`.
    refused(
        ember().env("EMBER_JOB_TIMEOUT_SECS", "18446744073709551615"),
        "job-timeout-secs",
    );
    // Before: accepted up to 10^9, whose per-partition vectors one request could allocate.
    refused(ember().env("EMBER_MAX_SCALE", "1000000000"), "max-scale");
    refused(
        ember().args(["serve", "--shutdown-grace-secs", "18446744073709551615"]),
        "shutdown-grace-secs",
    );
    refused(ember().args(["pi", "--scale", "1000000000"]), "--scale");
    // Before: accepted; `max_jobs + max_queue` wrapped, so fewer requests were admitted than
    // there were running slots (and a debug build panicked on the first request).
    refused(
        ember().env("EMBER_MAX_QUEUE", "18446744073709551615"),
        "max-queue",
    );
    refused(
        ember().args(["serve", "--max-queue", "1000001"]),
        "max-queue",
    );
}

#[test]
fn the_seeds_ini_config_sets_the_master() {
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("data_source.ini");
    std::fs::write(
        &ini,
        "[spark]\napp_name = My PySpark App\nmaster_url = spark://sparkmaster:7077\n",
    )
    .unwrap();
    let (ok, _, err) = run(ember().args(["pi", "--config"]).arg(&ini));
    assert!(!ok, "a cluster master from the file is refused");
    assert!(err.contains("spark://sparkmaster:7077"), "{err}");
    std::fs::write(
        &ini,
        "[spark]\napp_name = My PySpark App\nmaster_url = local[2]\n",
    )
    .unwrap();
    let (ok, out, err) = run(ember().args(["pi", "--scale", "2", "--config"]).arg(&ini));
    assert!(ok, "{err}");
    assert!(out.starts_with("Pi is roughly"), "{out}");
    let toml = dir.path().join("ember.toml");
    std::fs::write(&toml, "[spark]\nmaster_url = \"local[x]\"\n").unwrap();
    let (ok, _, err) = run(ember().args(["pi", "--config"]).arg(&toml));
    assert!(!ok);
    assert!(err.contains("local[x]"), "{err}");
}

/// A port for a command that must be told one (see [`ember_serve::spare_port`]: no port-0 bind
/// elsewhere is handed it before the command binds it).
fn free_port() -> u16 {
    ember_serve::spare_port("127.0.0.1").unwrap()
}

/// A child process and its stderr, read line by line as it comes (so the child never blocks on
/// a full pipe) and kept whole for [`Proc::finish`].
pub(crate) struct Proc {
    pub(crate) child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    log: std::sync::Arc<std::sync::Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Proc {
    /// Spawns `command` with stdout discarded and stderr read.
    pub(crate) fn spawn(mut command: Command) -> Proc {
        use std::io::BufRead;
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let (tx, lines) = std::sync::mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let kept = std::sync::Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let mut all = kept.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
                drop(all);
                // Nobody waiting for lines any more is fine: the log keeps them.
                let _ = tx.send(line);
            }
        });
        Proc {
            child,
            lines,
            log,
            reader: Some(reader),
        }
    }

    /// The first line of the log so far containing `text`, waiting at most `within` for one
    /// (lines of the log and of `tracing` may come in either order, so the whole log is
    /// searched); panics with the log if none comes.
    pub(crate) fn wait_for(&self, text: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            if let Some(line) = self.log.lock().unwrap().lines().find(|l| l.contains(text)) {
                return line.to_owned();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            // Each new line wakes this up (the log already holds it); an error is the deadline
            // or the end of the process's stderr, after which no line can come.
            if self.lines.recv_timeout(left).is_err() {
                let log = self.log.lock().unwrap();
                if let Some(line) = log.lines().find(|l| l.contains(text)) {
                    return line.to_owned();
                }
                panic!("no line with {text:?} within {within:?}; the log:\n{log}");
            }
        }
    }

    /// The HTTP port a server announces on a `<prefix>http://host:port` line (`ember serve` and
    /// `ember livy-server` print one once they listen; `--port 0` picks a free port, so tests
    /// never race other processes for one).
    pub(crate) fn announced_port(&self, prefix: &str) -> u16 {
        let line = self.wait_for(prefix, Duration::from_secs(180));
        line.rsplit(':').next().unwrap().trim().parse().unwrap()
    }

    /// Stops the process (SIGTERM, SIGKILL past `within`) and returns how it ended and its
    /// whole stderr.
    pub(crate) fn finish(mut self, within: Duration) -> (std::process::ExitStatus, String) {
        let exit = terminate(&mut self.child, within);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let log = self.log.lock().unwrap().clone();
        (exit, log)
    }

    /// Kills the process at once and returns its whole stderr.
    pub(crate) fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        // A test that failed half-way leaves nothing running.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The Python with PySpark the tests that need real Spark use (`EMBER_TEST_PYTHON`, what
/// `just spark-env` prints); `None` (the test skips, saying so) without it, unless
/// `EMBER_REQUIRE_PYSPARK=1`, where its absence fails the test.
fn pyspark_python() -> Option<String> {
    let python = std::env::var("EMBER_TEST_PYTHON").ok();
    if python.is_none() {
        assert!(
            std::env::var("EMBER_REQUIRE_PYSPARK").as_deref() != Ok("1"),
            "EMBER_REQUIRE_PYSPARK=1 but EMBER_TEST_PYTHON is unset: run `just spark-env`"
        );
        eprintln!("skipped: needs PySpark; set EMBER_TEST_PYTHON to what `just spark-env` prints");
    }
    python
}

fn get(port: u16, path: &str) -> Option<String> {
    get_within(port, path, Duration::from_secs(30))
}

/// [`get`], waiting at most `within` for the answer.
fn get_within(port: u16, path: &str, within: Duration) -> Option<String> {
    let mut s =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1)).ok()?;
    s.set_read_timeout(Some(within)).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    Some(raw)
}

#[test]
fn serve_is_the_default_command_honours_port_and_stops_on_sigterm() {
    // PORT=0 (any free port) is still a PORT the service must honour: without it, it would
    // announce 8080.
    let mut command = ember();
    command.env("PORT", "0").env("EMBER_HOST", "127.0.0.1");
    let served = Proc::spawn(command);
    let port = served.announced_port("ember serve listening on http://127.0.0.1:");
    assert_ne!(port, 8080, "PORT was ignored");
    let index = get(port, "/").expect("the server answers once it said it listens");
    assert!(index.starts_with("HTTP/1.1 200"), "{index}");
    assert!(index.ends_with(ember_web::INDEX_BODY), "{index}");
    let pi = get(port, "/sparkpi").unwrap();
    assert!(pi.contains("\r\n\r\nPi is roughly 3."), "{pi}");

    let (exit, log) = served.finish(Duration::from_secs(15));
    assert!(exit.success(), "exit {exit:?}: {log}");
    assert!(log.contains("request"), "one log line per request: {log}");
    assert!(get(port, "/").is_none(), "nothing left listening");
}

#[test]
fn sql_queries_files_as_views_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, "name,age\nann,31\nbob,7\ncy,45\n").unwrap();
    let view = format!("people={}", csv.display());
    let query = "SELECT name, age / 2 AS half FROM people WHERE age > 10 ORDER BY name";
    let (ok, out, err) = run(ember().args(["sql", query, "--view", &view]));
    assert!(ok, "{err}");
    assert!(
        out.contains("| ann  | 15.5 |"),
        "Spark division gives a double:\n{out}"
    );
    let (ok, out, err) = run(ember().args(["sql", query, "--view", &view, "--format", "csv"]));
    assert!(ok, "{err}");
    assert_eq!(out, "name,half\nann,15.5\ncy,22.5\n");
    let (ok, out, _) = run(ember().args(["sql", query, "--view", &view, "--format", "json"]));
    assert!(ok);
    assert_eq!(out.lines().count(), 2, "{out}");

    let (ok, _, err) = run(ember().args(["sql", "SELECT * FROM nope"]));
    assert!(!ok);
    assert!(err.contains("nope"), "{err}");
    let (ok, _, err) = run(ember().args(["sql", "SELECT 1", "--format", "xml"]));
    assert!(!ok);
    assert!(err.contains("xml"), "{err}");
    let (ok, _, err) = run(ember().args(["sql", "SELECT 1", "--view", "bad"]));
    assert!(!ok);
    assert!(err.contains("bad"), "{err}");
}

/// Issue 16: a 1000-term `OR` chain ended `ember sql` with `fatal runtime error: stack
/// overflow`. A 10 000-term `OR` chain answers; a `+` chain beyond the depth bound fails with a
/// reason.
#[test]
fn sql_answers_ten_thousand_term_chains() {
    let or = (0..10_000)
        .map(|i| format!("id={i}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let query = format!("SELECT count(*) AS n FROM range(20) WHERE {or}");
    let (ok, out, err) = run(ember().args(["sql", &query, "--format", "csv"]));
    assert!(ok, "{err}");
    assert_eq!(out, "n\n20\n");
    let plus = vec!["1"; 100].join("+");
    let query = format!("SELECT {plus} AS s");
    let (ok, out, err) = run(ember().args(["sql", &query, "--format", "csv"]));
    assert!(ok, "{err}");
    assert_eq!(out, "s\n100\n");
    let plus = vec!["id"; 10_000].join("+");
    let query = format!("SELECT {plus} FROM range(2)");
    let (ok, _, err) = run(ember().args(["sql", &query]));
    assert!(!ok);
    assert!(
        err.contains("nests deeper than"),
        "{}",
        &err[..err.len().min(300)]
    );
}

#[test]
fn datasource_prints_the_seed_output_shape() {
    let (ok, out, err) = run(ember().args(["datasource", "--num-elements", "1000", "--seed", "3"]));
    assert!(ok, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("Got Polars dataframe with 1000 elements")
    );
    assert!(out.contains("squared"), "{out}");
    assert!(out.contains("shape: (10, 1)"), "{out}");
}

/// Sends SIGTERM and waits (bounded) for a clean exit.
fn terminate(child: &mut std::process::Child, within: Duration) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + within;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the process did not stop within {within:?} of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn livy_server_serves_ember_sql_over_livy_and_stops_on_sigterm() {
    let (mut child, addr, log) = livy_server(&["--no-pyspark"]);
    assert!(
        addr.starts_with("127.0.0.1:"),
        "loopback by default: {addr}"
    );

    let master = format!("livy://{addr}");
    let (ok, out, err) = run(ember().args([
        "sql",
        "--master",
        &master,
        "SELECT 'ak' AS key, 2 * 21 AS answer",
    ]));
    assert!(ok, "{err}");
    assert!(out.contains("key") && out.contains("answer"), "{out}");
    assert!(out.contains("ak") && out.contains("42"), "{out}");
    let (ok, out, err) = run(ember().args([
        "sql",
        "--master",
        &master,
        "--format",
        "csv",
        "SELECT 1 AS x UNION ALL SELECT 2",
    ]));
    assert!(ok, "{err}");
    let mut lines: Vec<&str> = out.lines().collect();
    lines.sort_unstable();
    assert_eq!(lines, ["1", "2", "x"], "{out}");
    // A failing query exits non-zero with the server's message, and leaves no session behind.
    let (ok, _, err) = run(ember().args(["sql", "--master", &master, "SELECT * FROM nowhere"]));
    assert!(!ok);
    assert!(err.contains("nowhere"), "{err}");
    let port: u16 = addr.rsplit(':').next().unwrap().parse().unwrap();
    let sessions = get(port, "/sessions").unwrap();
    assert!(sessions.contains(r#""total":0"#), "{sessions}");

    let exit = terminate(&mut child, Duration::from_secs(15));
    let log = log.join().unwrap();
    assert!(exit.success(), "exit {exit:?}: {log}");
    assert!(get(port, "/version").is_none(), "nothing left listening");
}

#[test]
fn regression_livy_server_refuses_an_empty_token_and_code_kinds_beyond_loopback() {
    let refused = |cmd: &mut Command, needle: &str| {
        let Some((ok, err)) = run_within(cmd, 20) else {
            panic!("{needle}: accepted, and the server started");
        };
        assert!(!ok, "{needle}: {err}");
        assert!(err.contains(needle), "{needle}: {err}");
    };
    // Before: an empty token turned authentication off without a word.
    refused(
        ember().args(["livy-server", "--port", "0", "--token", ""]),
        "empty",
    );
    refused(
        ember()
            .args(["livy-server", "--port", "0"])
            .env("EMBER_LIVY_TOKEN", ""),
        "empty",
    );
    // Before: pyspark sessions (any code, as the server's user) were served on every interface.
    refused(
        ember().args(["livy-server", "--port", "0", "--host", "0.0.0.0"]),
        "--allow-code-execution",
    );
    refused(
        ember().args([
            "livy-server",
            "--port",
            "0",
            "--host",
            "0.0.0.0",
            "--allow-code-execution",
        ]),
        "needs a token",
    );
}

/// Starts `ember livy-server --port 0` with `extra` flags; returns it and its address.
fn livy_server(extra: &[&str]) -> (std::process::Child, String, std::thread::JoinHandle<String>) {
    use std::io::BufRead;
    let mut child = ember()
        .args(["livy-server", "--port", "0"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let addr = first
        .trim()
        .strip_prefix("ember livy-server listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    // Drain the log so the server never blocks on a full pipe.
    let log = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = stderr.read_to_string(&mut rest);
        rest
    });
    (child, addr, log)
}

#[test]
fn pi_and_serve_run_sparkpi_on_pyspark_through_livy() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let (mut server, addr, log) = livy_server(&[
        "--python",
        &python,
        "--prestart",
        "1",
        "--spark-conf",
        "spark.ui.enabled=false",
        "--spark-conf",
        "spark.driver.host=127.0.0.1",
    ]);
    let master = format!("livy://{addr}");

    // ember pi: the same line as the local run, from a pyspark job; reproducible with a seed.
    let args = ["pi", "--master", &master, "--scale", "10", "--seed", "3"];
    let (ok, out, err) = run(ember().args(args).env("SPARK_LOCAL_IP", "127.0.0.1"));
    assert!(ok, "{err}");
    assert!(out.starts_with("Pi is roughly 3.1"), "{out}");
    let (_, again, _) = run(ember().args(args));
    assert_eq!(out, again);

    // ember serve: /sparkpi answers from the pyspark session.
    let mut command = ember();
    command
        .args(["serve", "--master", &master, "--host", "127.0.0.1"])
        .env("PORT", "0");
    let web = Proc::spawn(command);
    let port = web.announced_port("ember serve listening on http://");
    let reply = get(port, "/sparkpi?scale=4&seed=1").expect("the service answers");
    assert!(reply.contains("\r\n\r\nPi is roughly 3."), "{reply}");
    let bad = get(port, "/sparkpi?scale=abc").unwrap();
    assert!(bad.starts_with("HTTP/1.1 400"), "{bad}");
    let (exit, web_log) = web.finish(Duration::from_secs(30));
    assert!(exit.success(), "{web_log}");

    // Both deleted their sessions.
    let sessions = get(
        addr.rsplit(':').next().unwrap().parse().unwrap(),
        "/sessions",
    )
    .unwrap();
    assert!(sessions.contains(r#""total":0"#), "{sessions}");
    let exit = terminate(&mut server, Duration::from_secs(30));
    let log = log.join().unwrap();
    assert!(exit.success(), "{log}");
}

/// Issue 16: sql sessions share one engine runtime, so an open sql session holds no thread of
/// its own (before, each held about four: 256 idle sessions held 1 058 threads).
#[test]
fn open_sql_sessions_hold_no_threads_of_their_own() {
    use ember::livy::blocking::LivyClient;
    use ember::livy::protocol::{CreateSession, SessionKind};
    let (mut server, addr, log) = livy_server(&["--no-pyspark", "--max-session-cores", "2"]);
    let pid = server.id();
    let threads = || {
        std::fs::read_dir(format!("/proc/{pid}/task"))
            .unwrap()
            .count()
    };
    let client = LivyClient::new(&format!("http://{addr}")).unwrap();
    let open = |n: usize| -> Vec<_> {
        (0..n)
            .map(|_| {
                let request = CreateSession {
                    kind: Some(SessionKind::Sql),
                    ..Default::default()
                };
                let session = client.start_session(&request).unwrap();
                let st = session.submit("SELECT 1 AS one").unwrap();
                session.wait(st.id).unwrap();
                session
            })
            .collect()
    };
    let first = open(1);
    let with_one = threads();
    let more = open(32);
    let with_33 = threads();
    // A few may be the runtime's blocking threads, which linger for 10 s after use.
    assert!(
        with_33 <= with_one + 6,
        "{with_one} threads with one sql session, {with_33} with 33"
    );
    drop((first, more));
    let exit = terminate(&mut server, Duration::from_secs(30));
    let log = log.join().unwrap();
    assert!(exit.success(), "{log}");
}

/// Regression: `ember datasource | head -n 1` panicked in `println!` (exit 101) once `head` had
/// its line and closed the pipe. A reader that goes away is not an error: the command ends
/// quietly, with success, as Unix tools do.
#[test]
fn output_to_a_reader_that_goes_away_ends_quietly() {
    let ember = env!("CARGO_BIN_EXE_ember");
    for command in [
        format!("{ember} datasource --master local[2] | head -n 1"),
        format!("{ember} sql --format csv 'SELECT id FROM range(0, 1000000)' | head -n 2"),
        // A script stops at the statement whose reader went away, with success.
        format!(
            "{ember} sql --format csv -e 'SELECT id FROM range(0, 1000000); SELECT 2' | head -n 2"
        ),
    ] {
        let out = Command::new("bash")
            .args(["-c", &format!("set -o pipefail; {command}")])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{command}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("panicked"), "{command}: {stderr}");
        assert!(!stderr.contains("Error in query"), "{command}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).is_empty(),
            "{command}"
        );
    }
}
