//! Token, CSRF, cross-site requests, DNS rebinding, session names and file access.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixture::{Livy, assert_msg, quick_config};

/// Sends one HTTP/1.1 request with exactly `headers` (a browser's `Host` included, which
/// reqwest would set itself) and returns the status and the JSON body.
fn exact(addr: SocketAddr, head: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut request = format!("{head} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {answer}"));
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let value = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {answer}"));
    (status, value)
}

/// Asserts a refusal from [`exact`]: the status and a one-line `msg` containing `needle`.
fn refused((status, body): (u16, Value), want: u16, needle: &str) {
    assert_eq!(status, want, "{body}");
    let msg = body["msg"]
        .as_str()
        .unwrap_or_else(|| panic!("no msg: {body}"));
    assert!(msg.contains(needle), "msg {msg:?} lacks {needle:?}");
    assert!(!msg.contains('\n'), "{msg:?} is not one line");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_required_on_every_request_when_set() {
    let mut config = quick_config();
    config.token = Some("s3cret".into());
    let livy = Livy::start(config);
    let (status, _, v) = livy.raw(Method::GET, "/version", None, &[]).await;
    assert_msg(status, &v, StatusCode::UNAUTHORIZED, "Bearer");
    let (status, _, v) = livy
        .raw(
            Method::GET,
            "/sessions",
            None,
            &[("Authorization", "Bearer wrong")],
        )
        .await;
    assert_msg(status, &v, StatusCode::UNAUTHORIZED, "token");
    let (status, _, v) = livy
        .raw(
            Method::GET,
            "/sessions",
            None,
            &[("Authorization", "Bearer s3cret")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // Regression: the scheme's name is case-insensitive (RFC 7235); `bearer` was refused.
    for scheme in ["bearer", "BEARER"] {
        let (status, _, v) = livy
            .raw(
                Method::GET,
                "/sessions",
                None,
                &[("Authorization", &*format!("{scheme} s3cret"))],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{scheme}: {v}");
    }
    let (status, _, v) = livy
        .raw(
            Method::GET,
            "/sessions",
            None,
            &[("Authorization", "Basic s3cret")],
        )
        .await;
    assert_msg(status, &v, StatusCode::UNAUTHORIZED, "Bearer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_cross_site_pages_can_neither_create_nor_drive_sessions() {
    let livy = Livy::start(quick_config());
    let addr = livy.running.addr();
    let own = addr.to_string();
    let own = own.as_str();
    let session = r#"{"kind":"sql"}"#;
    // Before: a page on any site could POST this as text/plain (no CORS preflight) and got 201.
    let form = |ct: &'static str| [("Host", own), ("Content-Type", ct)];
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        refused(
            exact(addr, "POST /sessions", &form(ct), session),
            415,
            "application/json",
        );
    }
    refused(
        exact(addr, "POST /sessions", &[("Host", own)], session),
        415,
        "application/json",
    );
    // Before: a page on another origin (or re-pointed at 127.0.0.1 by DNS rebinding) was served.
    let json = ("Content-Type", "application/json");
    refused(
        exact(
            addr,
            "POST /sessions",
            &[("Host", own), ("Origin", "http://evil.example"), json],
            session,
        ),
        403,
        "origin 'http://evil.example'",
    );
    refused(
        exact(
            addr,
            "POST /sessions",
            &[("Host", own), ("Origin", "null"), json],
            session,
        ),
        403,
        "origin 'null'",
    );
    let rebound = format!("evil.example:{}", addr.port());
    let rebound = rebound.as_str();
    refused(
        exact(addr, "POST /sessions", &[("Host", rebound), json], session),
        403,
        "host name 'evil.example",
    );
    refused(
        exact(addr, "GET /sessions", &[("Host", rebound)], ""),
        403,
        "host name",
    );
    assert_eq!(livy.get("/sessions").await.1["total"], 0, "nothing created");

    // Driving an existing session the same ways runs nothing.
    let id = livy.session(json!({"kind": "sql"})).await;
    let statements = format!("POST /sessions/{id}/statements");
    let code = r#"{"code":"SELECT 1"}"#;
    refused(
        exact(addr, &statements, &form("text/plain"), code),
        415,
        "text/plain",
    );
    refused(
        exact(
            addr,
            &statements,
            &[("Host", own), ("Origin", "http://evil.example"), json],
            code,
        ),
        403,
        "origin",
    );
    let (_, list) = livy.get(&format!("/sessions/{id}/statements")).await;
    assert_eq!(list["total_statements"], 0, "{list}");

    // What real clients send still works: the server's own origin and names, JSON bodies,
    // bodiless writes with or without a content type (pylivy, sparkmagic, curl -X DELETE).
    let localhost = format!("localhost:{}", addr.port());
    let localhost = localhost.as_str();
    let origin = format!("http://{own}");
    let origin = origin.as_str();
    let (status, st) = exact(
        addr,
        &statements,
        &[("Host", own), ("Origin", origin), json],
        code,
    );
    assert_eq!(status, 201, "{st}");
    let (status, st) = exact(addr, &statements, &[("Host", localhost), json], code);
    assert_eq!(status, 201, "{st}");
    let cancel = format!("POST /sessions/{id}/statements/0/cancel");
    assert_eq!(exact(addr, &cancel, &[("Host", own)], "").0, 200);
    let delete = format!("DELETE /sessions/{id}");
    let (status, v) = exact(addr, &delete, &[("Host", own), json], "");
    assert_eq!(status, 200, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_hosts_and_origins_extend_the_servers_own() {
    let mut config = quick_config();
    config.allowed_hosts = vec!["livy.example.com".into()];
    config.allowed_origins = vec!["https://notebooks.example.com".into()];
    let livy = Livy::start(config);
    let addr = livy.running.addr();
    let host = format!("LIVY.example.com:{}", addr.port());
    let host = host.as_str();
    let (status, v) = exact(
        addr,
        "GET /sessions",
        &[("Host", host), ("Origin", "https://notebooks.example.com")],
        "",
    );
    assert_eq!(status, 200, "{v}");
    refused(
        exact(addr, "GET /sessions", &[("Host", "other.example.com")], ""),
        403,
        "--allowed-hosts",
    );
    refused(
        exact(
            addr,
            "GET /sessions",
            &[("Host", host), ("Origin", "https://other.example.com")],
            "",
        ),
        403,
        "--allowed-origins",
    );
    // Lists that name no host or origin are refused at start.
    for (hosts, origins) in [
        (vec!["http://a.example/x"], vec![]),
        (vec![], vec!["a.example"]),
    ] {
        let config = ember_livy_server::ServerConfig {
            allowed_hosts: hosts.into_iter().map(String::from).collect(),
            allowed_origins: origins.into_iter().map(String::from).collect(),
            ..quick_config()
        };
        let err = ember_livy_server::LivyServer::new(config).unwrap_err();
        assert!(err.to_string().contains("allowed_"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_session_names_are_bounded_and_addressable() {
    let livy = Livy::start(quick_config());
    // Before: both accepted; the first could never be addressed, the second was repeated in
    // every listing.
    let megabyte = "x".repeat(1 << 20);
    for (name, needle) in [
        ("a/b", "'/'"),
        ("a b", "' '"),
        ("..", "only dots"),
        ("", "1 to 128 bytes"),
        (megabyte.as_str(), "1 to 128 bytes"),
    ] {
        let (status, v) = livy
            .post("/sessions", json!({"kind": "sql", "name": name}))
            .await;
        assert_msg(status, &v, StatusCode::BAD_REQUEST, needle);
        assert!(
            v["msg"].as_str().unwrap().len() < 300,
            "the reason is short"
        );
    }
    assert_eq!(livy.get("/sessions").await.1["total"], 0);
    let id = livy
        .session(json!({"kind": "sql", "name": "team-a.ctx_1~"}))
        .await;
    let (status, s) = livy.get("/sessions/team-a.ctx_1~").await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["id"], id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_set_cannot_reach_files_or_process_wide_settings() {
    let dir = tempfile::tempdir().unwrap();
    let spill = dir.path().join("spill");
    for allow_file_access in [false, true] {
        let mut config = quick_config();
        config.allow_file_access = allow_file_access;
        let livy = Livy::start(config);
        let id = livy.session(json!({"kind": "sql"})).await;
        // Before: the first made directories and spill files wherever it pointed, the second
        // lifted the disk cap on them, the catalog ones panicked inside DataFusion.
        for code in [
            format!(
                "SET datafusion.runtime.temp_directory = '{}'",
                spill.display()
            ),
            "SET datafusion.runtime.max_temp_directory_size = '1000G'".to_owned(),
            "SET DataFusion.Runtime.Memory_Limit = '100G'".to_owned(),
            "RESET datafusion.runtime.memory_limit".to_owned(),
            "SET datafusion.catalog.default_catalog = 'elsewhere'".to_owned(),
            "SET datafusion.catalog.location = '/etc'".to_owned(),
            "SET datafusion.sql_parser.recursion_limit = 100000".to_owned(),
        ] {
            let st = livy.run(id, &code).await;
            assert_eq!(st["output"]["status"], "error", "{code}: {st}");
            let evalue = st["output"]["evalue"].as_str().unwrap();
            assert!(evalue.contains("is not allowed"), "{code}: {evalue}");
        }
        assert!(!spill.exists(), "SET made the spill directory");
        // Other settings still work, and so does the session.
        let st = livy
            .run(id, "SET datafusion.execution.batch_size = 1024")
            .await;
        assert_eq!(st["output"]["status"], "ok", "{st}");
        assert_eq!(livy.sql(id, "SELECT 1 AS x").await["data"], json!([[1]]));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_mode_needs_x_requested_by_on_writes() {
    let mut config = quick_config();
    config.csrf = true;
    let livy = Livy::start(config);
    let (status, _, v) = livy
        .raw(Method::POST, "/sessions", Some(r#"{"kind":"sql"}"#), &[])
        .await;
    assert_msg(status, &v, StatusCode::BAD_REQUEST, "CSRF");
    let (status, _, _) = livy
        .raw(
            Method::POST,
            "/sessions",
            Some(r#"{"kind":"sql"}"#),
            &[("X-Requested-By", "ember")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(livy.get("/sessions").await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_cannot_touch_files_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, "name,age\nann,31\n").unwrap();
    let out = dir.path().join("out.csv");

    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    let create = format!(
        "CREATE EXTERNAL TABLE people STORED AS CSV LOCATION '{}' OPTIONS ('format.has_header' 'true')",
        csv.display()
    );
    let copy = format!("COPY (SELECT 1 AS x) TO '{}' STORED AS CSV", out.display());
    for (code, what) in [
        (create.as_str(), "CREATE EXTERNAL TABLE"),
        (copy.as_str(), "COPY"),
        (&*format!("EXPLAIN ANALYZE {copy}"), "COPY"),
    ] {
        let st = livy.run(id, code).await;
        assert_eq!(st["output"]["status"], "error", "{st}");
        let evalue = st["output"]["evalue"].as_str().unwrap();
        assert!(
            evalue.contains(what) && evalue.contains("--allow-file-access"),
            "{evalue}"
        );
    }
    assert!(!out.exists(), "COPY wrote a file");
    let (status, v) = livy
        .post(
            "/sessions",
            json!({"kind": "sql", "conf": {"datafusion.catalog.location": "/etc"}}),
        )
        .await;
    assert_msg(status, &v, StatusCode::BAD_REQUEST, "--allow-file-access");

    let mut config = quick_config();
    config.allow_file_access = true;
    let open = Livy::start(config);
    let id = open.session(json!({"kind": "sql"})).await;
    open.sql(id, &create).await;
    let t = open.sql(id, "SELECT name, age FROM people").await;
    assert_eq!(t["data"], json!([["ann", 31]]));
    open.sql(id, &copy).await;
    assert!(out.exists());
}
