//! The protocol as clients read it: shapes, ids, outputs, shared sessions.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixture::{Livy, quick_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_is_one_pylivy_accepts() {
    let livy = Livy::start(quick_config());
    let (status, v) = livy.get("/version").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["version"], "0.9.0-incubating");
    for key in ["user", "revision", "branch", "date", "url"] {
        assert!(v[key].is_string(), "{key} missing: {v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_answers_201_with_location_and_every_key() {
    let livy = Livy::start(quick_config());
    let (status, headers, s) = livy
        .raw(Method::POST, "/sessions", Some(r#"{"kind":"sql"}"#), &[])
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = s["id"].as_u64().unwrap();
    assert_eq!(headers["location"], format!("/sessions/{id}").as_str());
    for key in [
        "id",
        "name",
        "appId",
        "owner",
        "proxyUser",
        "state",
        "kind",
        "appInfo",
        "log",
        "ttl",
        "driverMemory",
        "driverCores",
        "executorMemory",
        "executorCores",
        "conf",
        "archives",
        "files",
        "heartbeatTimeoutInSecond",
        "jars",
        "numExecutors",
        "pyFiles",
        "queue",
    ] {
        assert!(s.get(key).is_some(), "session object lacks {key}: {s}");
    }
    assert_eq!(s["kind"], "sql");
    assert!(s["proxyUser"].is_null());
    assert!(s["log"].is_array());
    let idle = livy.wait_state(id, "idle").await;
    assert_eq!(idle["appInfo"]["sparkUiUrl"], Value::Null);
    let (_, st) = livy.get(&format!("/sessions/{id}/state")).await;
    assert_eq!(st, json!({"id": id, "state": "idle"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn select_one_is_livys_sql_output_exactly() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    let (status, headers, posted) = livy
        .raw(
            Method::POST,
            &format!("/sessions/{id}/statements"),
            // Livy's own example: `1` is an INT, so the schema says `integer` (issue 10: it said
            // `long` while Ember's integer literals were BIGINT).
            Some(r#"{"code":"SELECT 1 AS one"}"#),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(posted["id"], 0);
    assert_eq!(
        headers["location"],
        format!("/sessions/{id}/statements/0").as_str()
    );
    for key in [
        "id",
        "code",
        "state",
        "output",
        "progress",
        "started",
        "completed",
    ] {
        assert!(posted.get(key).is_some(), "statement lacks {key}: {posted}");
    }
    let st = livy.wait_statement(id, 0).await;
    assert_eq!(st["state"], "available");
    assert_eq!(st["progress"], 1.0);
    assert!(st["completed"].as_i64().unwrap() >= st["started"].as_i64().unwrap());
    assert!(
        st["started"].as_i64().unwrap() > 1_600_000_000_000,
        "epoch ms: {st}"
    );
    assert_eq!(
        st["output"],
        json!({"status":"ok","execution_count":0,"data":{"application/json":{
            "schema":{"type":"struct","fields":[{"name":"one","type":"integer","nullable":false,"metadata":{}}]},
            "data":[[1]]}}})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_statement_is_available_with_an_error_output() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    let st = livy.run(id, "SELECT * FROM no_such_table").await;
    assert_eq!(st["state"], "available");
    let out = &st["output"];
    assert_eq!(out["status"], "error");
    assert_eq!(out["ename"], "Error");
    assert!(
        out["evalue"].as_str().unwrap().contains("no_such_table"),
        "{out}"
    );
    assert!(out["traceback"].is_array());
    for line in out["traceback"].as_array().unwrap() {
        assert!(line.as_str().unwrap().ends_with('\n'), "{out}");
    }
    // The session stays usable.
    let t = livy.sql(id, "SELECT 2 AS two").await;
    assert_eq!(t["data"], json!([[2]]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_share_one_sessions_tables_by_id_and_by_name() {
    let livy = Livy::start(quick_config());
    let other = reqwest::Client::new();
    let id = livy
        .session(json!({"kind": "sql", "name": "shared-ctx"}))
        .await;
    livy.sql(
        id,
        "CREATE TABLE states AS SELECT * FROM (VALUES ('ak', 'Alaska'), ('ca', 'California')) AS t(key, value)",
    )
    .await;
    // The second client addresses the session by name.
    let resp: Value = other
        .post(livy.url("/sessions/shared-ctx/statements"))
        .json(&json!({"code": "SELECT value FROM states WHERE key = 'ak'"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let st = livy.wait_statement(id, resp["id"].as_u64().unwrap()).await;
    assert_eq!(
        st["output"]["data"]["application/json"]["data"],
        json!([["Alaska"]])
    );
    let (status, by_name) = livy.get("/sessions/shared-ctx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_name["id"], id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spark_types_nested_values_and_nulls() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    let t = livy
        .sql(
            id,
            "SELECT CAST(1 AS BIGINT) AS l, 2.5 AS d, 'x' AS s, true AS b, CAST(NULL AS INT) AS n, \
             make_array(1, 2) AS a, named_struct('i', 1, 's', 'v') AS st, DATE '2024-01-02' AS dt",
        )
        .await;
    let fields = t["schema"]["fields"].as_array().unwrap();
    let types: Vec<&Value> = fields.iter().map(|f| &f["type"]).collect();
    assert_eq!(types[0], "long");
    assert_eq!(types[1], "decimal(2,1)");
    assert_eq!(types[2], "string");
    assert_eq!(types[3], "boolean");
    assert_eq!(types[4], "integer");
    assert_eq!(types[5]["type"], "array");
    assert_eq!(types[6]["type"], "struct");
    assert_eq!(types[7], "date");
    let row = &t["data"][0];
    assert_eq!(row[0], 1);
    assert_eq!(row[1].as_f64(), Some(2.5));
    assert_eq!(row[2], "x");
    assert_eq!(row[3], true);
    assert!(row[4].is_null());
    assert_eq!(row[5], json!([1, 2]));
    assert_eq!(row[6], json!({"i": 1, "s": "v"}));
    assert_eq!(row[7], "2024-01-02");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_row_cap_truncates_and_a_session_conf_sets_it() {
    let livy = Livy::start(quick_config());
    let id = livy
        .session(json!({"kind": "sql", "conf": {"livy.rsc.sql.num-rows": "5"}}))
        .await;
    let t = livy.sql(id, "SELECT id FROM range(100)").await;
    assert_eq!(t["data"].as_array().unwrap().len(), 5);
    let (_, log) = livy.get(&format!("/sessions/{id}/log")).await;
    let lines = log["log"].to_string();
    assert!(
        lines.contains("truncated to 5 rows"),
        "truncation is logged: {log}"
    );
    assert_eq!(log["total"], log["log"].as_array().unwrap().len());
    // DDL gives no rows and the fields it declares.
    let ddl = livy.sql(id, "CREATE VIEW v AS SELECT 1 AS x").await;
    assert_eq!(ddl["data"], json!([]));
    // Spark's temp views (what Livy sql users write) are the session's views.
    livy.sql(id, "CREATE OR REPLACE TEMPORARY VIEW tv AS SELECT 2 AS y")
        .await;
    livy.sql(id, "CREATE TEMP VIEW tv2 AS SELECT y + 1 AS z FROM tv")
        .await;
    assert_eq!(
        livy.sql(id, "SELECT z FROM tv2").await["data"],
        json!([[3]])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_ordering_and_retention() {
    let mut config = quick_config();
    config.retained_statements = 3;
    let livy = Livy::start(config);
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(livy.session(json!({"kind": "sql"})).await);
    }
    let (_, page) = livy.get("/sessions?from=1&size=1").await;
    assert_eq!(page["from"], 1);
    assert_eq!(page["total"], 3);
    assert_eq!(page["sessions"][0]["id"], ids[1]);
    let (_, all) = livy.get("/sessions").await;
    assert_eq!(all["sessions"].as_array().unwrap().len(), 3);

    let id = ids[0];
    for i in 0..5 {
        livy.sql(id, &format!("SELECT {i} AS i")).await;
    }
    let (_, list) = livy.get(&format!("/sessions/{id}/statements")).await;
    assert_eq!(list["total_statements"], 3);
    let got: Vec<u64> = list["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    assert_eq!(got, [2, 3, 4]);
    let (_, desc) = livy
        .get(&format!("/sessions/{id}/statements?order=desc&size=1"))
        .await;
    assert_eq!(desc["statements"][0]["id"], 4);
    // Forgotten statements are 404.
    let (status, _) = livy.get(&format!("/sessions/{id}/statements/0")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_on_shared_sessions_lose_nothing() {
    let livy = std::sync::Arc::new(Livy::start(quick_config()));
    let mut sessions = Vec::new();
    for _ in 0..4 {
        sessions.push(livy.session(json!({"kind": "sql"})).await);
    }
    let mut tasks = Vec::new();
    for c in 0..16u64 {
        let livy = livy.clone();
        let id = sessions[(c % 4) as usize];
        tasks.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            for i in 0..10u64 {
                let v = c * 1000 + i;
                let t = livy.sql(id, &format!("SELECT {v} AS v")).await;
                assert_eq!(t["data"], json!([[v]]));
                seen.push(v);
            }
            seen.len()
        }));
    }
    let mut done = 0;
    for t in tasks {
        done += t.await.unwrap();
    }
    assert_eq!(done, 160);
    for id in sessions {
        let (_, list) = livy
            .get(&format!("/sessions/{id}/statements?size=1000"))
            .await;
        let ids: Vec<u64> = list["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, (0..40).collect::<Vec<_>>(), "ids in order, none lost");
        assert!(
            list["statements"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["state"] == "available")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_lists_table_names() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    livy.sql(id, "CREATE VIEW people AS SELECT 1 AS x").await;
    let (status, c) = livy
        .post(
            &format!("/sessions/{id}/completion"),
            json!({"code": "SELECT * FROM peo", "kind": "sql", "cursor": 17}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(c["candidates"], json!(["people"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_a_slow_poller_does_not_lose_its_result_to_retention() {
    // Found by the 64-client load bench: with Livy's count-only retention, a client that sleeps
    // between polls found its finished statement evicted by other clients' newer ones (404).
    let mut config = quick_config();
    config.retained_statements = 3;
    let livy = Livy::start(config);
    let id = livy.session(json!({"kind": "sql"})).await;
    let path = format!("/sessions/{id}/statements");
    let (_, first) = livy.post(&path, json!({"code": "SELECT 7 AS x"})).await;
    // Other clients run five statements (each read by its client) while the first client sleeps.
    for i in 0..5 {
        livy.sql(id, &format!("SELECT {i} AS i")).await;
    }
    let sid = first["id"].as_u64().unwrap();
    let (status, st) = livy.get(&format!("{path}/{sid}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the unread result was evicted: {st}"
    );
    assert_eq!(
        st["output"]["data"]["application/json"]["data"],
        json!([[7]])
    );
    // Once read, it goes like any other.
    for i in 0..3 {
        livy.sql(id, &format!("SELECT {i} AS i")).await;
    }
    let (status, _) = livy.get(&format!("{path}/{sid}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The sessions page (`/ui`, where Apache Livy has its own): sessions and their statements, in
/// HTML, escaped, through the same gate as the API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sessions_page_shows_sessions_and_their_statements() {
    let livy = Livy::start(quick_config());
    let id = livy
        .session(json!({"kind": "sql", "name": "reports-1"}))
        .await;
    livy.sql(id, "SELECT 6 * 7 AS answer, '<b>' AS tag").await;
    let failed = livy.run(id, "SELECT * FROM nowhere").await;
    assert_eq!(failed["output"]["status"], "error");
    let page = |path: &str| {
        let (http, url) = (livy.http.clone(), livy.url(path));
        async move {
            let resp = http.get(url).send().await.unwrap();
            let status = resp.status();
            let csp = resp.headers().get("content-security-policy").is_some();
            (status, csp, resp.text().await.unwrap())
        }
    };
    let (status, csp, sessions) = page("/ui").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csp);
    assert!(sessions.contains("Sessions (1)"), "{sessions}");
    assert!(sessions.contains("reports-1"), "{sessions}");
    assert!(
        sessions.contains(&format!(r#"href="/ui/session/{id}""#)),
        "{sessions}"
    );
    let (_, _, session) = page(&format!("/ui/session/{id}")).await;
    assert!(session.contains("Statements (2)"), "{session}");
    assert!(
        session.contains("SELECT 6 * 7 AS answer, &#39;&lt;b&gt;&#39;"),
        "{session}"
    );
    assert!(!session.contains("<b>"), "code is never markup");
    assert!(session.contains("available"), "{session}");
    assert!(session.contains("nowhere"), "{session}");
    let (_, _, script) = page("/ui/static/ember-ui.js").await;
    assert!(script.contains("DOMParser"));
    let (status, v) = livy.get("/ui/session/99").await;
    crate::fixture::assert_msg(status, &v, StatusCode::NOT_FOUND, "not found");
    // A web page rebinding its name to the server cannot read the page.
    let (status, _, _) = livy
        .raw(Method::GET, "/ui", None, &[("Host", "evil.example")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
