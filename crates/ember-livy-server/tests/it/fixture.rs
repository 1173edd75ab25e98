//! A server per test and a small JSON-over-HTTP client.

use std::time::{Duration, Instant};

use ember_livy_server::{LivyServer, RunningServer, ServeOptions, ServerConfig, spawn};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A config with quick timers for tests.
pub(crate) fn quick_config() -> ServerConfig {
    ServerConfig {
        default_master: "local[2]".into(),
        check_interval: Duration::from_millis(50),
        stop_timeout: Duration::from_secs(5),
        ..ServerConfig::default()
    }
}

pub(crate) struct Livy {
    pub(crate) running: RunningServer,
    pub(crate) http: reqwest::Client,
}

impl Livy {
    pub(crate) fn start(config: ServerConfig) -> Livy {
        let server = LivyServer::new(config).expect("server");
        let running = spawn(
            server,
            "127.0.0.1:0",
            ServeOptions {
                workers: 2,
                shutdown_grace: Duration::from_secs(5),
                ..ServeOptions::default()
            },
        )
        .expect("spawn");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client");
        Livy { running, http }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.url())
    }

    /// Sends `body` (raw text) and returns status, headers and the parsed JSON body.
    pub(crate) async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut req = self.http.request(method, self.url(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_owned());
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        (status, headers, value)
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Value) {
        let (s, _, v) = self.raw(Method::GET, path, None, &[]).await;
        (s, v)
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let (s, _, v) = self
            .raw(Method::POST, path, Some(&body.to_string()), &[])
            .await;
        (s, v)
    }

    pub(crate) async fn delete(&self, path: &str) -> (StatusCode, Value) {
        let (s, _, v) = self.raw(Method::DELETE, path, None, &[]).await;
        (s, v)
    }

    /// Creates a session and waits until it is idle; returns its id.
    pub(crate) async fn session(&self, body: Value) -> u64 {
        let (status, s) = self.post("/sessions", body).await;
        assert_eq!(status, StatusCode::CREATED, "{s}");
        let id = s["id"].as_u64().expect("id");
        self.wait_state(id, "idle").await;
        id
    }

    pub(crate) async fn wait_state(&self, id: u64, want: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let (status, s) = self.get(&format!("/sessions/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{s}");
            if s["state"] == want {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "session {id} never became {want}: {s}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Posts `code` to session `id` without waiting; the statement's id.
    pub(crate) async fn submit(&self, id: u64, code: &str) -> u64 {
        let (status, st) = self
            .post(
                &format!("/sessions/{id}/statements"),
                json!({ "code": code }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{st}");
        st["id"].as_u64().expect("statement id")
    }

    /// Runs `code` in session `id` and returns the finished statement.
    pub(crate) async fn run(&self, id: u64, code: &str) -> Value {
        let sid = self.submit(id, code).await;
        self.wait_statement(id, sid).await
    }

    pub(crate) async fn wait_statement(&self, id: u64, sid: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (status, st) = self.get(&format!("/sessions/{id}/statements/{sid}")).await;
            assert_eq!(status, StatusCode::OK, "{st}");
            if ["available", "cancelled"].contains(&st["state"].as_str().unwrap_or_default()) {
                return st;
            }
            assert!(Instant::now() < deadline, "statement never finished: {st}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Runs a query and returns its `application/json` table.
    pub(crate) async fn sql(&self, id: u64, query: &str) -> Value {
        let st = self.run(id, query).await;
        assert_eq!(st["output"]["status"], "ok", "{query}: {st}");
        st["output"]["data"]["application/json"].clone()
    }
}

/// Asserts an error answer: the status and a `{"msg"}` body containing `needle`.
pub(crate) fn assert_msg(status: StatusCode, body: &Value, want: StatusCode, needle: &str) {
    assert_eq!(status, want, "{body}");
    let msg = body["msg"]
        .as_str()
        .unwrap_or_else(|| panic!("no msg: {body}"));
    assert!(msg.contains(needle), "msg {msg:?} lacks {needle:?}");
}

/// A `python` in a new temp dir that is the shell script `body` (a stand-in for the Python the
/// server runs its workers with), and the dir, which keeps it while it lives.
pub(crate) fn python_wrapper(body: &str) -> (tempfile::TempDir, String) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let staged = dir.path().join("python.txt");
    std::fs::write(&staged, format!("#!/bin/sh\n{body}\n")).unwrap();
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
    let path = wrapper.display().to_string();
    (dir, path)
}
