//! Issue 16: a 1000-term chain sent to a sql session took the whole server down with a stack
//! overflow. Long chains now answer (or fail as a statement), and the server stays up.

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
