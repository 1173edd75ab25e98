//! Every shell example in the README and the guide runs as written (issue 23).
//!
//! A fenced block tagged `console` is a transcript: each `$ ` line is a command (a line ending in
//! `\` continues it), and the lines after it, up to the next command, are what it prints on
//! stdout. In the expected text, `[..]` matches any run of characters within a line and a line
//! `...` matches any number of lines; a command with no lines after it must only succeed. A
//! first expected line `? failed` says the command fails (exits non-zero): what follows is
//! matched against its stdout, then its stderr, where its error goes.
//! A command ending in `&` starts a server in the background: the block waits until the port it
//! names (`--port N`) accepts connections, and stops it (SIGTERM to its process group, bounded)
//! when the block ends. The ports the docs use (8080, 8998, the UI's 4040, a cluster's 50050
//! to 50052, a Spark master's 7077) are mapped to free ones, so the
//! examples run beside anything else on the machine. Commands run in `bash` in a fresh directory
//! (where `scripts/` is the repository's), with the `ember` under test first on the `PATH`.
//!
//! Blocks tagged `console pyspark` need real PySpark: they run with `EMBER_TEST_PYTHON` (as
//! `EMBER_LIVY_PYTHON`), skip with a message without it, and fail without it when
//! `EMBER_REQUIRE_PYSPARK=1` (as in CI). Other fences (`sh` for the cargo commands that build
//! Ember itself, `rust` for snippets, which run as doctests of the facade crate) are not run here.

use std::net::TcpStream;

use crate::free_port;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long one documented command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(180);
/// How long a background server may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// The ports the docs name, mapped to free ones in each block.
const DOC_PORTS: [&str; 7] = ["8080", "8998", "4040", "50050", "50051", "50052", "7077"];

#[derive(Debug)]
struct Block {
    file: String,
    line: usize,
    pyspark: bool,
    steps: Vec<Step>,
}

#[derive(Debug)]
struct Step {
    command: String,
    expected: Vec<String>,
}

impl Step {
    /// Whether the docs show this command failing (`? failed`), and what it prints.
    fn outcome(&self) -> (bool, &[String]) {
        match self.expected.split_first() {
            Some((first, rest)) if first == "? failed" => (true, rest),
            _ => (false, &self.expected),
        }
    }
}

pub(crate) fn root() -> PathBuf {
    // As `cargo test` names this crate's directory when the tests run (a binary built from
    // another checkout of the same sources still reads this one's files).
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("../..")
}

/// The `console` blocks of one Markdown file.
fn blocks(path: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(path).unwrap();
    let file = path
        .strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string();
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let mut words = info.split_whitespace();
        let is_console = words.next() == Some("console");
        let pyspark = words.any(|w| w == "pyspark");
        let mut body = Vec::new();
        for (_, l) in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                break;
            }
            body.push(l.to_owned());
        }
        if is_console {
            out.push(Block {
                file: file.clone(),
                line: n + 1,
                pyspark,
                steps: steps(&body),
            });
        }
    }
    out
}

fn steps(body: &[String]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut continuing = false;
    for line in body {
        if continuing {
            let step = steps.last_mut().unwrap();
            step.command.push('\n');
            step.command.push_str(line);
            continuing = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step {
                command: command.to_owned(),
                expected: Vec::new(),
            });
            continuing = command.ends_with('\\');
        } else if let Some(step) = steps.last_mut() {
            step.expected.push(line.clone());
        } else {
            panic!("a console block must start with a `$ ` command, not {line:?}");
        }
    }
    steps
}

/// Whether `actual` matches `pattern`, where `[..]` matches any run of characters.
fn line_matches(pattern: &str, actual: &str) -> bool {
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Whether the output's lines match the expected ones (`...` matches any number of lines).
fn output_matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| output_matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(a, tail)| line_matches(first, a) && output_matches(rest, tail)),
    }
}

/// `text` with each whole number that is a documented port replaced by its free port, in one
/// pass. (Regression: replacing each port in turn as a substring also rewrote the free port
/// just put in, when it contained a later documented port, as `54040` contains `4040`.)
fn map_ports(text: &str, ports: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let digits = &rest[start..];
        let end = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        let number = &digits[..end];
        match ports.iter().find(|(from, _)| *from == number) {
            Some((_, to)) => out.push_str(to),
            None => out.push_str(number),
        }
        rest = &digits[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn documented_ports_are_replaced_as_whole_numbers() {
    let ports = [("8998", "54040".to_owned()), ("4040", "41000".to_owned())];
    assert_eq!(
        map_ports("--port 8998 --ui-port 4040 x:18998 14040", &ports),
        "--port 54040 --ui-port 41000 x:18998 14040"
    );
}

/// The port a background command serves on.
fn port_of(command: &str) -> Option<u16> {
    let words: Vec<&str> = command.split_whitespace().collect();
    words.windows(2).find_map(|w| match w {
        ["--port", p] => p.parse().ok(),
        _ => None,
    })
}

fn wait_ready(port: u16, server: &mut Child, what: &str) {
    let deadline = Instant::now() + READY_TIMEOUT;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = server.try_wait() {
            panic!("{what}: the server exited ({status}) before listening on {port}");
        }
        assert!(
            Instant::now() < deadline,
            "{what}: nothing listened on port {port} within {READY_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Stops a background server: SIGTERM to its process group, then SIGKILL after 15 s.
fn stop(mut server: Child) {
    let group = format!("-{}", server.id());
    let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = server.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
    let _ = server.wait();
}

fn shell(command: &str, dir: &Path, env: &[(String, String)]) -> Command {
    use std::os::unix::process::CommandExt;
    let mut c = Command::new("bash");
    c.arg("-c")
        .arg(format!("set -o pipefail\n{command}"))
        .current_dir(dir)
        .process_group(0);
    for var in ["PORT", "EMBER_MASTER", "EMBER_CONFIG", "EMBER_LIVY_TOKEN"] {
        c.env_remove(var);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

fn run_block(block: &Block, env: &[(String, String)]) {
    let dir = tempfile::tempdir().unwrap();
    // Commands written as from the repository's root (`bash scripts/spark-cluster.sh`) find
    // its scripts.
    std::os::unix::fs::symlink(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts"),
        dir.path().join("scripts"),
    )
    .unwrap();
    let ports: Vec<(&str, String)> = DOC_PORTS
        .iter()
        .map(|p| (*p, free_port().to_string()))
        .collect();
    let map = |s: &str| map_ports(s, &ports);
    let mut servers = Vec::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for step in &block.steps {
            let what = format!("{}:{}: `{}`", block.file, block.line, step.command);
            let command = map(&step.command);
            if let Some(background) = command.trim_end().strip_suffix('&') {
                let port = port_of(background)
                    .unwrap_or_else(|| panic!("{what}: a background command must name its --port"));
                let mut server = shell(background, dir.path(), env)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                wait_ready(port, &mut server, &what);
                servers.push(server);
                continue;
            }
            let mut child = shell(&command, dir.path(), env)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let deadline = Instant::now() + COMMAND_TIMEOUT;
            while child.try_wait().unwrap().is_none() {
                if Instant::now() > deadline {
                    stop(child);
                    panic!("{what}: still running after {COMMAND_TIMEOUT:?}");
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let out = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let (fails, expected) = step.outcome();
            assert_eq!(
                out.status.success(),
                !fails,
                "{what} {} ({}):\n{stdout}\n{stderr}",
                if fails { "should fail" } else { "failed" },
                out.status
            );
            if expected.is_empty() {
                continue;
            }
            let expected: Vec<String> = expected.iter().map(|l| map(l)).collect();
            let shown = if fails {
                format!("{stdout}{stderr}")
            } else {
                stdout.to_string()
            };
            let stdout = shown;
            let actual: Vec<&str> = stdout.lines().collect();
            assert!(
                output_matches(&expected, &actual),
                "{what} printed:\n{stdout}\nwhich does not match the docs:\n{}",
                expected.join("\n")
            );
        }
    }));
    for server in servers {
        stop(server);
    }
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

fn documented_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    let guide = root().join("docs/guide");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&guide)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    files.extend(pages);
    files
}

/// The environment every block runs with: the `ember` under test first on the `PATH`.
fn base_env() -> Vec<(String, String)> {
    let bin = Path::new(env!("CARGO_BIN_EXE_ember"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    vec![
        ("PATH".into(), path),
        ("SPARK_LOCAL_IP".into(), "127.0.0.1".into()),
        ("RUST_LOG".into(), "warn".into()),
    ]
}

#[test]
fn the_doc_matcher_understands_wildcards() {
    assert!(line_matches(
        "Pi is roughly 3.1[..]",
        "Pi is roughly 3.14159"
    ));
    assert!(line_matches(
        "[..]\"state\":\"idle\"[..]",
        "{\"state\":\"idle\"}"
    ));
    assert!(!line_matches("Pi is roughly 3.1[..]", "Pi is roughly 2.9"));
    assert!(!line_matches("exact", "exact and more"));
    let lines = |s: &[&str]| s.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>();
    assert!(output_matches(
        &lines(&["a", "...", "z"]),
        &["a", "b", "c", "z"]
    ));
    assert!(output_matches(&lines(&["a", "...", "z"]), &["a", "z"]));
    assert!(!output_matches(&lines(&["a", "z"]), &["a", "b", "z"]));
    assert!(!output_matches(&lines(&["a"]), &[]));
    let parsed = steps(&lines(&[
        "$ ember x \\",
        "  --y",
        "? failed",
        "boom",
        "$ true",
    ]));
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[0].command, "ember x \\\n  --y");
    assert_eq!(parsed[0].outcome(), (true, &lines(&["boom"])[..]));
    assert_eq!(parsed[1].outcome(), (false, &[][..]));
}

#[test]
fn every_documented_command_runs_as_written() {
    let env = base_env();
    let python = std::env::var("EMBER_TEST_PYTHON").ok();
    let required = std::env::var("EMBER_REQUIRE_PYSPARK").is_ok_and(|v| v == "1");
    let mut ran = 0;
    for file in documented_files() {
        for block in blocks(&file) {
            let mut env = env.clone();
            if block.pyspark {
                match &python {
                    Some(p) => {
                        // The Livy server's workers, `spark://` drivers and the repo's
                        // `spark-cluster.sh` all find PySpark through these.
                        for var in ["EMBER_LIVY_PYTHON", "PYSPARK_PYTHON", "EMBER_TEST_PYTHON"] {
                            env.push((var.into(), p.clone()));
                        }
                    }
                    None if required => panic!(
                        "{}:{} needs PySpark and EMBER_REQUIRE_PYSPARK=1: set EMBER_TEST_PYTHON (just spark-env)",
                        block.file, block.line
                    ),
                    None => {
                        eprintln!(
                            "skipping {}:{}: it needs PySpark (EMBER_TEST_PYTHON=$(bash scripts/spark-env.sh | tail -n1))",
                            block.file, block.line
                        );
                        continue;
                    }
                }
            }
            run_block(&block, &env);
            ran += 1;
        }
    }
    assert!(ran >= 10, "only {ran} documented examples ran");
}
