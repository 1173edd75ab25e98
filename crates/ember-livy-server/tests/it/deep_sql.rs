//! Issue 16: a 1000-term chain sent to a sql session took the whole server down with a stack
//! overflow. Long chains now answer (or fail as a statement), and the server stays up.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::fixture::{Livy, quick_config};

fn chain(n: usize, op: &str, term: impl Fn(usize) -> String) -> String {
    (0..n).map(term).collect::<Vec<_>>().join(op)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_term_chains_answer_and_the_server_stays_up() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;

    let or = chain(10_000, " OR ", |i| format!("id = {i}"));
    let table = livy
        .sql(
            id,
            &format!("SELECT count(*) AS n FROM range(20) WHERE {or}"),
        )
        .await;
    assert_eq!(table["data"], json!([[20]]), "{table}");

    let plus = chain(100, " + ", |_| "1".to_owned());
    let table = livy.sql(id, &format!("SELECT {plus} AS s")).await;
    assert_eq!(table["data"], json!([[100]]), "{table}");

    // A `+` chain beyond the depth bound: an error statement, not a dead server.
    let plus = chain(10_000, " + ", |_| "id".to_owned());
    let st = livy.run(id, &format!("SELECT {plus} FROM range(2)")).await;
    assert_eq!(st["output"]["status"], "error", "{st}");
    let evalue = st["output"]["evalue"].as_str().unwrap_or_default();
    assert!(evalue.contains("nests deeper than"), "{evalue}");

    // The same session, and the server, still answer.
    let table = livy.sql(id, "SELECT 1 + 1 AS two").await;
    assert_eq!(table["data"], json!([[2]]));
    let (status, _) = livy.get("/sessions").await;
    assert!(status.is_success());
}

/// Issue 16: a cancel was acknowledged at once, but a statement still planning ended only when
/// planning did (28 s later): planning ran inside the statement's poll. A 900-term `+` chain
/// plans for several seconds; its cancel ends it within a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_a_statement_that_is_still_planning() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    let plus = chain(900, " + ", |_| "id".to_owned());
    let (_, st) = livy
        .post(
            &format!("/sessions/{id}/statements"),
            json!({ "code": format!("SELECT {plus} FROM range(2)") }),
        )
        .await;
    let sid = st["id"].as_u64().unwrap();
    let running = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, s) = livy.get(&format!("/sessions/{id}/statements/{sid}")).await;
        if s["state"] == "running" {
            break;
        }
        assert!(Instant::now() < running, "never ran: {s}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let asked = Instant::now();
    livy.post(
        &format!("/sessions/{id}/statements/{sid}/cancel"),
        json!({}),
    )
    .await;
    let done = livy.wait_statement(id, sid).await;
    assert_eq!(done["state"], "cancelled", "{done}");
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "took {:?}",
        asked.elapsed()
    );
    // The session takes the next statement.
    let table = livy.sql(id, "SELECT 42 AS x").await;
    assert_eq!(table["data"], json!([[42]]));
}
