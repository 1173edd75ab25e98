//! `ember sql` as spark-sql (issue 19): `-e`, `-f` and stdin scripts in one session, the
//! `Time taken` line, `SET`, `SHOW`, `DESCRIBE`, directory views and file sources, errors, and
//! the interactive shell driven through a pseudo-terminal (util-linux `script`).

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{ember, run};

/// The `Time taken` lines of a run's stderr, each checked against spark-sql's format.
fn time_taken_lines(err: &str) -> Vec<&str> {
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("Time taken: "))
        .collect();
    for line in &lines {
        let rest = line.strip_prefix("Time taken: ").unwrap();
        let (seconds, rest) = rest.split_once(" seconds").unwrap();
        let (whole, frac) = seconds.split_once('.').unwrap_or_else(|| panic!("{line}"));
        assert!(
            !whole.is_empty()
                && !frac.is_empty()
                && frac.len() <= 3
                && (whole.to_owned() + frac)
                    .bytes()
                    .all(|b| b.is_ascii_digit()),
            "{line}"
        );
        if !rest.is_empty() {
            let rows = rest
                .strip_prefix(", Fetched ")
                .and_then(|r| r.strip_suffix(" row(s)"))
                .unwrap_or_else(|| panic!("{line}"));
            assert!(rows.parse::<usize>().unwrap() > 0, "{line}");
        }
    }
    lines
}

fn fetched(line: &str) -> Option<&str> {
    line.split_once(", Fetched ").map(|(_, r)| r)
}

#[test]
fn sql_shell_runs_e_statements_in_one_session_with_views_and_set() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, "name,age\nann,31\nbob,7\ncy,45\n").unwrap();
    let script = "SET spark.sql.shuffle.partitions=3;\n\
        SET spark.sql.shuffle.partitions;\n\
        SET my.own.key = a b;\n\
        SET my.own.key;\n\
        CREATE TEMPORARY VIEW adults AS SELECT * FROM people WHERE age > 10;\n\
        SELECT name, 'x;y' AS s FROM adults ORDER BY name; -- a comment; with a semicolon\n";
    let (ok, out, err) = run(ember()
        .args(["sql", "--format", "csv", "--view"])
        .arg(format!("people={}", csv.display()))
        .args(["-e", script]));
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "key,value\nspark.sql.shuffle.partitions,3\n\
         key,value\nspark.sql.shuffle.partitions,3\n\
         key,value\nmy.own.key,a b\n\
         key,value\nmy.own.key,a b\n\
         name,s\nann,x;y\ncy,x;y\n"
    );
    let times = time_taken_lines(&err);
    assert_eq!(times.len(), 6, "one line per statement: {err}");
    let rows: Vec<Option<&str>> = times.iter().map(|l| fetched(l)).collect();
    assert_eq!(
        rows,
        [
            Some("1 row(s)"),
            Some("1 row(s)"),
            Some("1 row(s)"),
            Some("1 row(s)"),
            None,
            Some("2 row(s)")
        ],
        "{err}"
    );

    // A setting the session reads only at start is refused, and names --conf.
    for set in [
        "SET spark.sql.session.timeZone=UTC",
        "SET ember.cluster.job_timeout=10s",
    ] {
        let (ok, _, err) = run(ember().args(["sql", "-e", set]));
        assert!(!ok, "{set}");
        assert!(
            err.starts_with("Error in query: ") && err.contains("--conf"),
            "{err}"
        );
    }
}

#[test]
fn sql_shell_conf_sets_the_session() {
    let (ok, out, err) = run(ember().args([
        "sql",
        "--format",
        "csv",
        "--conf",
        "spark.sql.session.timeZone=Asia/Tokyo",
        "--conf",
        "spark.sql.shuffle.partitions=5",
        "-e",
        "SELECT current_timezone() AS tz; SET spark.sql.shuffle.partitions",
    ]));
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "tz\nAsia/Tokyo\nkey,value\nspark.sql.shuffle.partitions,5\n"
    );
    let (ok, _, err) = run(ember().args(["sql", "--conf", "nokey", "-e", "SELECT 1"]));
    assert!(!ok);
    assert!(err.contains("--conf") && err.contains("nokey"), "{err}");
}

#[test]
fn sql_shell_runs_a_file_and_stops_at_the_first_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("script.sql");
    std::fs::write(
        &file,
        "/* a script; */\nSELECT 1 AS one;\nSELECT * FROM nowhere;\nSELECT 2 AS two;\n",
    )
    .unwrap();
    let out = ember()
        .args(["sql", "--format", "csv", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stdout, "one\n1\n",
        "the statement after the error never ran"
    );
    assert_eq!(time_taken_lines(&stderr).len(), 1, "{stderr}");
    let error = stderr
        .lines()
        .find(|l| l.starts_with("Error in query: "))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(error.contains("nowhere"), "{stderr}");
    assert!(
        !stderr.contains("ember: "),
        "no second error line: {stderr}"
    );

    let (ok, _, err) = run(ember().args(["sql", "-f", "/no/such/script.sql"]));
    assert!(!ok);
    assert!(err.contains("/no/such/script.sql"), "{err}");
}

#[test]
fn sql_shell_reads_statements_from_stdin() {
    let mut child = ember()
        .args(["sql", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"SELECT 'a;b' AS x;\nSELECT 40 +\n 2 AS y\n")
        .unwrap();
    let out = wait_output(child, Duration::from_secs(60));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "x\na;b\ny\n42\n");
    assert_eq!(time_taken_lines(&stderr).len(), 2, "{stderr}");
}

#[test]
fn sql_shell_describe_and_show_answer_with_sparks_names() {
    let script = "CREATE TEMPORARY VIEW t AS SELECT CAST(1 AS BIGINT) AS a, 2.5 AS b, \
        DATE '2024-01-02' AS d, array(1, 2) AS arr, named_struct('x', 'y') AS s;\n\
        DESCRIBE t; DESCRIBE EXTENDED t; DESC TABLE t;\n\
        SHOW TABLES;\n\
        SHOW FUNCTIONS LIKE 'date_a*|sqrt';";
    let (ok, out, err) = run(ember().args(["sql", "--format", "csv", "-e", script]));
    assert!(ok, "{err}");
    let describe = "col_name,data_type,comment\n\
        a,bigint,\nb,\"decimal(2,1)\",\nd,date,\narr,array<int>,\ns,struct<x:string>,\n";
    assert_eq!(
        out,
        format!(
            "{describe}{describe}{describe}namespace,tableName,isTemporary\n,t,true\n\
             function\ndate_add\nsqrt\n"
        )
    );
    let (ok, _, err) = run(ember().args(["sql", "-e", "DESCRIBE nope"]));
    assert!(!ok);
    assert!(
        err.starts_with("Error in query: ") && err.contains("nope"),
        "{err}"
    );
}

/// A directory of two CSV files (three rows in all) beside Spark's `_SUCCESS` marker.
fn csv_directory(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("part-0.csv"), "k,v\na,1\nb,2\n").unwrap();
    std::fs::write(dir.join("part-1.csv"), "k,v\nc,3\n").unwrap();
    std::fs::write(dir.join("_SUCCESS"), "").unwrap();
}

#[test]
fn sql_shell_views_of_csv_and_parquet_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let csv_dir = tmp.path().join("csvs");
    csv_directory(&csv_dir);
    let (ok, out, err) = run(ember()
        .args(["sql", "--format", "csv", "--view"])
        .arg(format!("c={}", csv_dir.display()))
        .args(["-e", "SELECT count(*) AS n, sum(v) AS total FROM c"]));
    assert!(ok, "{err}");
    assert_eq!(out, "n,total\n3,6\n");

    // Parquet written by `ember sql` itself, into a directory with no extension.
    let pq_dir = tmp.path().join("numbers");
    let copy = format!(
        "COPY (SELECT id, id * 2 AS twice FROM range(0, 100)) TO '{}/' STORED AS PARQUET",
        pq_dir.display()
    );
    let (ok, _, err) = run(ember().args(["sql", "-e", &copy]));
    assert!(ok, "{err}");
    assert!(
        std::fs::read_dir(&pq_dir).unwrap().any(|f| f
            .unwrap()
            .path()
            .extension()
            .is_some_and(|e| e == "parquet")),
        "COPY wrote no parquet file"
    );
    let (ok, out, err) = run(ember()
        .args(["sql", "--format", "csv", "--view"])
        .arg(format!("p={}", pq_dir.display()))
        .args(["-e", "SELECT count(*) AS n, sum(twice) AS s FROM p"]));
    assert!(ok, "{err}");
    assert_eq!(out, "n,s\n100,9900\n");

    // Spark's file sources: CREATE TEMPORARY VIEW … USING and format.`path`.
    let script = format!(
        "CREATE TEMPORARY VIEW nums USING parquet OPTIONS (path '{pq}');\n\
         SELECT count(*) AS n FROM nums;\n\
         SELECT k FROM csv.`{csv}` WHERE v > 1 ORDER BY k;",
        pq = pq_dir.display(),
        csv = csv_dir.display()
    );
    let (ok, out, err) = run(ember().args(["sql", "--format", "csv", "-e", &script]));
    assert!(ok, "{err}");
    assert_eq!(out, "n\n100\nk\nb\nc\n");
    // A view over a file reference keeps reading it; the reference leaves no view behind.
    let script = format!(
        "CREATE TEMPORARY VIEW big AS SELECT * FROM parquet.`{pq}` WHERE id >= 90;\n\
         SELECT count(*) AS n FROM big; SHOW TABLES; quit; SELECT 'never' AS x;",
        pq = pq_dir.display()
    );
    let (ok, out, err) = run(ember().args(["sql", "--format", "csv", "-e", &script]));
    assert!(ok, "{err}");
    assert_eq!(out, "n\n10\nnamespace,tableName,isTemporary\n,big,true\n");
    let (ok, _, err) = run(ember().args(["sql", "-e", "SELECT * FROM json.`/no/such/dir`"]));
    assert!(!ok);
    assert!(
        err.starts_with("Error in query: ") && err.contains("/no/such/dir"),
        "{err}"
    );

    // A directory of no data files, or of two formats, is refused with the reason.
    let mixed = tmp.path().join("mixed");
    csv_directory(&mixed);
    std::fs::write(mixed.join("x.json"), "{\"k\": 1}\n").unwrap();
    let (ok, _, err) = run(ember()
        .args(["sql", "SELECT 1", "--view"])
        .arg(format!("m={}", mixed.display())));
    assert!(!ok);
    assert!(err.contains("csv") && err.contains("json"), "{err}");
}

/// Waits for a child's exit, at most `within`; kills it and fails past that.
fn wait_output(mut child: std::process::Child, within: Duration) -> std::process::Output {
    let deadline = Instant::now() + within;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the process did not finish within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// An `ember sql` shell on a pseudo-terminal (through util-linux `script`), and what it printed.
struct Pty {
    child: std::process::Child,
    output: Arc<Mutex<String>>,
    _home: tempfile::TempDir,
}

impl Pty {
    fn start() -> Pty {
        let home = tempfile::tempdir().unwrap();
        // `exec`, so the shell `script` starts is replaced by ember: a shell left waiting would
        // take Ctrl-C's SIGINT itself (dash dies of it) and `script -e` would report that.
        let command = format!(
            "exec '{}' sql --format csv --ui-port 0",
            env!("CARGO_BIN_EXE_ember")
        );
        let mut child = Command::new("script")
            .args(["-qefc", &command, "/dev/null"])
            .env("SHELL", "/bin/sh")
            .env("HOME", home.path())
            .env("TERM", "xterm")
            .env_remove("EMBER_MASTER")
            .env_remove("EMBER_CONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("util-linux `script` runs the shell on a pseudo-terminal");
        let mut stdout = child.stdout.take().unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Pty {
            child,
            output,
            _home: home,
        }
    }

    fn send(&mut self, text: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Waits (at most 60 s) until `needle` appears after byte `from` of the output; returns the
    /// offset just past it.
    fn expect(&self, from: usize, needle: &str) -> usize {
        self.seen(from, needle, Duration::from_secs(60))
            .unwrap_or_else(|| {
                let out = self.output.lock().unwrap();
                panic!(
                    "no {needle:?} within 60 s; the terminal shows:\n{}",
                    &out[from.min(out.len())..]
                )
            })
    }

    /// The offset just past `needle` once it appears after byte `from`, or `None` if it has not
    /// within `within`.
    fn seen(&self, from: usize, needle: &str, within: Duration) -> Option<usize> {
        let deadline = Instant::now() + within;
        loop {
            {
                let out = self.output.lock().unwrap();
                if let Some(at) = out.get(from..).and_then(|s| s.find(needle)) {
                    return Some(from + at + needle.len());
                }
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn sql_shell_interactive_multi_line_ctrl_c_and_ctrl_d() {
    let mut pty = Pty::start();
    let ui = pty.expect(0, "Spark UI available at http://127.0.0.1:");
    let ui_port: u16 = {
        let end = pty.expect(ui, "\r\n");
        let out = pty.output.lock().unwrap();
        out[ui..end - 2].parse().unwrap()
    };
    let at = pty.expect(0, "ember-sql> ");
    // A statement over two lines: the continuation prompt, then its result and time.
    pty.send("SELECT 40 +\r");
    let at = pty.expect(at, "         > ");
    pty.send("2 AS answer;\r");
    let at = pty.expect(at, "answer\r\n42\r\n");
    let at = pty.expect(at, "Fetched 1 row(s)");
    let at = pty.expect(at, "ember-sql> ");

    // An error keeps the shell going.
    pty.send("SELECT * FROM nowhere;\r");
    let at = pty.expect(at, "Error in query: ");
    let at = pty.expect(at, "ember-sql> ");

    // Ctrl-C cancels a long statement and returns to the prompt, the session intact.
    pty.send("SELECT count(*) FROM range(0, 10000000000);\r");
    let at = pty.expect(at, "range(0, 10000000000);");
    // The shell drops a Ctrl-C that comes before the statement starts, so press it until the
    // cancel shows (the query alone runs for minutes).
    let started = Instant::now();
    let cancelled = "Error in query: the statement was cancelled (Ctrl-C)";
    let at = loop {
        pty.send("\x03");
        if let Some(at) = pty.seen(at, cancelled, Duration::from_millis(500)) {
            break at;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "Ctrl-C did not cancel the statement within 20 s; the terminal shows:\n{}",
            pty.output.lock().unwrap()
        );
    };
    let at = pty.expect(at, "ember-sql> ");
    pty.send("SELECT 7 AS seven;\r");
    let at = pty.expect(at, "seven\r\n7\r\n");
    let _ = pty.expect(at, "ember-sql> ");

    // The monitoring UI lists the shell's queries, the cancelled one as failed.
    let app = ui_get(ui_port, "/api/v1/applications")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let queries = ui_get(ui_port, &format!("/api/v1/applications/{app}/sql"));
    let texts: Vec<(&str, &str)> = queries
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["description"].as_str().unwrap(),
                q["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        texts.contains(&("SELECT 40 +\n2 AS answer", "COMPLETED")),
        "{texts:?}"
    );
    assert!(
        texts.contains(&("SELECT count(*) FROM range(0, 10000000000)", "FAILED")),
        "{texts:?}"
    );
    assert!(
        texts.contains(&("SELECT 7 AS seven", "COMPLETED")),
        "{texts:?}"
    );

    // Ctrl-D exits 0 (script -e returns the shell's status).
    pty.send("\x04");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = pty.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "Ctrl-D did not end the shell");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        pty._home.path().join(".ember_sql_history").exists(),
        "the history was saved"
    );
}

/// A JSON answer of the monitoring UI on `port`.
fn ui_get(port: u16, path: &str) -> serde_json::Value {
    let raw = crate::get(port, path).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{raw}");
    serde_json::from_str(body).unwrap()
}
