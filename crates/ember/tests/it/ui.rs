//! The monitoring UI of `ember serve`: Spark's REST API and the live jobs page while `/sparkpi`
//! jobs run, and the page as a real headless browser (Debian's chromium) renders it.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Proc, ember, free_port, get};

/// `ember serve --host 127.0.0.1 --port 0` with `extra` flags, and the port it announces.
fn serve(extra: &[&str]) -> (Proc, u16) {
    let mut command = ember();
    command
        .args(["serve", "--host", "127.0.0.1", "--port", "0"])
        .args(extra);
    let served = Proc::spawn(command);
    let port = served.announced_port("ember serve listening on http://");
    (served, port)
}

/// `ember serve` on loopback with its UI on a free port, and the UI's port (read from the
/// `Spark UI available at` line it logs).
struct Served {
    /// Killed when dropped.
    _process: Proc,
    port: u16,
    ui_port: u16,
}

impl Served {
    fn start() -> Served {
        let mut command = ember();
        command.args([
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--ui-port",
            "0",
            "--max-scale",
            "100000",
            "--shutdown-grace-secs",
            "0",
        ]);
        let process = Proc::spawn(command);
        // The UI starts first, then the service binds and says so.
        let line = process.wait_for("Spark UI available at http://", Duration::from_secs(60));
        let ui_port = line.rsplit(':').next().unwrap().trim().parse().unwrap();
        let port = process.announced_port("ember serve listening on http://");
        Served {
            _process: process,
            port,
            ui_port,
        }
    }

    /// A JSON answer of the UI's API.
    fn api(&self, path: &str) -> serde_json::Value {
        let raw = get(self.ui_port, path).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{raw}");
        serde_json::from_str(body).unwrap()
    }
}

fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Debian's chromium, if installed (`apt-get install chromium`; CI installs it).
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH")?
                .to_str()?
                .split(':')
                .map(|dir| PathBuf::from(dir).join(name))
                .find(|p| p.is_file())
        })
}

/// Headless chromium with a profile of its own (in `profile`).
fn headless(browser: &std::path::Path, profile: &std::path::Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        &format!("--user-data-dir={}", profile.display()),
    ]);
    c
}

#[test]
fn serve_shows_its_sparkpi_jobs_live_in_sparks_api_and_a_browser() {
    let served = Served::start();
    for _ in 0..3 {
        let pi = get(served.port, "/sparkpi?scale=4").unwrap();
        assert!(pi.contains("Pi is roughly 3."), "{pi}");
    }
    let apps = served.api("/api/v1/applications");
    let app = apps[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(apps[0]["name"], "PythonPi");
    let jobs = served.api(&format!("/api/v1/applications/{app}/jobs"));
    let jobs = jobs.as_array().unwrap();
    assert_eq!(jobs.len(), 3, "{jobs:?}");
    for job in jobs {
        assert_eq!(job["status"], "SUCCEEDED");
        assert_eq!(job["numTasks"], 4);
        assert_eq!(job["numCompletedTasks"], 4);
        assert_eq!(job["description"], "/sparkpi?scale=4");
    }

    // A big job, seen while it runs: the API says RUNNING with tasks done and active.
    let port = served.port;
    let big = std::thread::spawn(move || get(port, "/sparkpi?scale=20000"));
    wait_until("the big job to show running tasks", || {
        let running = served.api(&format!("/api/v1/applications/{app}/jobs?status=running"));
        running
            .as_array()
            .and_then(|r| r.first())
            .is_some_and(|j| j["numActiveTasks"].as_u64() > Some(0))
    });
    let page = get(served.ui_port, "/jobs/").unwrap();
    assert!(page.contains("Active Jobs (1)"), "{page}");
    assert!(page.contains("<progress"), "{page}");

    if let Some(browser) = chromium() {
        let profile = tempfile::tempdir().unwrap();
        let url = format!("http://127.0.0.1:{}/jobs/", served.ui_port);
        let out = headless(&browser, profile.path())
            .args(["--virtual-time-budget=3000", "--dump-dom", &url])
            .stderr(Stdio::null())
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&out.stdout);
        // The big job may have finished by the time a browser starts on a busy machine (CI runs
        // the cluster tests beside this one): the page renders either way.
        assert!(
            dom.contains("Completed Jobs (3)") || dom.contains("Completed Jobs (4)"),
            "{dom}"
        );
        assert!(dom.contains("<progress"), "{dom}");
        // Written where `just ui-screenshot` asks (docs/images), else into a temp dir.
        let shot = std::env::var_os("EMBER_UI_SCREENSHOT")
            .map_or_else(|| profile.path().join("jobs.png"), PathBuf::from);
        let status = headless(&browser, profile.path())
            .args([
                "--hide-scrollbars",
                "--window-size=1280,720",
                &format!("--screenshot={}", shot.display()),
                &url,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        assert!(
            std::fs::metadata(&shot).unwrap().len() > 1000,
            "a real image"
        );
    } else if std::env::var_os("EMBER_REQUIRE_CHROMIUM").is_some() {
        panic!("chromium is required (EMBER_REQUIRE_CHROMIUM): apt-get install chromium");
    } else {
        eprintln!("skipping the browser check: apt-get install chromium to run it");
    }

    let big = big.join().unwrap().unwrap();
    assert!(big.contains("Pi is roughly 3."), "{big}");
    wait_until("the big job to succeed", || {
        served.api(&format!("/api/v1/applications/{app}/jobs"))[0]["status"] == "SUCCEEDED"
    });
}

#[test]
fn no_ui_means_no_ui() {
    let (served, port) = serve(&["--no-ui"]);
    assert!(get(port, "/").is_some(), "the service answers");
    let log = served.kill();
    assert!(!log.contains("Spark UI available"), "{log}");
}

/// Every port of the UI's range taken (as by other Spark applications): `serve` warns and
/// serves without its UI.
#[test]
fn serve_goes_on_without_its_ui_when_every_ui_port_is_taken() {
    // 17 consecutive free ports: the UI's first port and the 16 it tries after it.
    let (base, _held) = (0..50)
        .find_map(|_| {
            let base = free_port();
            let held: Vec<_> = (base..base.checked_add(17)?)
                .map(|p| std::net::TcpListener::bind(("127.0.0.1", p)))
                .collect::<Result<_, _>>()
                .ok()?;
            Some((base, held))
        })
        .expect("17 consecutive free ports");
    let (served, port) = serve(&["--ui-port", &base.to_string()]);
    let pi = get(port, "/sparkpi?scale=2").unwrap();
    assert!(pi.contains("Pi is roughly 3."), "{pi}");
    let log = served.kill();
    assert!(
        log.contains("warning: no monitoring UI: cannot listen on 127.0.0.1:"),
        "{log}"
    );
}
