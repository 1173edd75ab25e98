//! Statements: outputs by mime type, failures, cancel, polling, pyspark conveniences.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ember_livy::python::PyValue;
use ember_livy::{Error, Output};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::fake::{self, FakeLivy, Reply, ok_json, ok_text, statement};

const STMTS: &str = "/sessions/0/statements";

/// Session 0 of `kind`, whose statement 0 is answered by `polls` after the POST.
async fn one_statement(kind: &str, polls: Vec<Value>) -> FakeLivy {
    let fake = fake::with_session(0, kind).await;
    fake.on(
        "POST",
        STMTS,
        vec![Reply::created(statement(0, "waiting", Value::Null))],
    );
    fake.on(
        "GET",
        "/sessions/0/statements/0",
        polls.into_iter().map(Reply::json).collect(),
    );
    fake
}

#[tokio::test]
async fn scala_text_output() {
    let fake = one_statement(
        "spark",
        vec![
            statement(0, "running", Value::Null),
            statement(0, "available", ok_text(0, "res0: Int = 2\n")),
        ],
    )
    .await;
    let s = fake::client(&fake).session(0).await.unwrap();
    let out = s.run("1 + 1").await.unwrap();
    assert_eq!(out, Output::Text("res0: Int = 2\n".into()));
    assert_eq!(out.as_text(), Some("res0: Int = 2\n"));
    // The session's kind applies: no `kind` in the request, like pylivy and the seed.
    assert_eq!(fake.posted(STMTS), vec![json!({"code": "1 + 1"})]);
}

#[tokio::test]
async fn code_is_dedented_like_the_seed() {
    let fake = one_statement("pyspark", vec![statement(0, "available", ok_text(0, ""))]).await;
    let s = fake::client(&fake).session(0).await.unwrap();
    s.run("\n    def f(x):\n        return x\n\n    y = f(1)\n")
        .await
        .unwrap();
    assert_eq!(
        fake.posted(STMTS)[0]["code"],
        json!("\ndef f(x):\n    return x\n\ny = f(1)\n")
    );
}

#[tokio::test]
async fn json_wins_over_text() {
    let both = json!({"status": "ok", "execution_count": 0,
        "data": {"text/plain": "printed", "application/json": [["ak", "Alaska"]]}});
    let fake = one_statement("pyspark", vec![statement(0, "available", both)]).await;
    let s = fake::client(&fake).session(0).await.unwrap();
    assert_eq!(
        s.run("%json data").await.unwrap(),
        Output::Json(json!([["ak", "Alaska"]]))
    );
}

#[tokio::test]
async fn python_error_with_traceback() {
    let error = json!({"status": "error", "execution_count": 0, "ename": "SyntaxError",
        "evalue": "EOL while scanning string literal (<stdin>, line 6)",
        "traceback": ["  File \"<stdin>\", line 6\n",
                      "    raise MySparkError('some thing is so wrong!)\n",
                      "SyntaxError: EOL while scanning string literal\n"]});
    let fake = one_statement("pyspark", vec![statement(0, "available", error)]).await;
    let s = fake::client(&fake).session(0).await.unwrap();
    let err = s
        .run("raise MySparkError('some thing is so wrong!)")
        .await
        .unwrap_err();
    match &err {
        Error::Statement {
            ename, traceback, ..
        } => {
            assert_eq!(ename, "SyntaxError");
            assert_eq!(traceback.len(), 3);
        }
        other => panic!("expected a statement error, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "SyntaxError: EOL while scanning string literal (<stdin>, line 6)\n  File \"<stdin>\", line 6\n    raise MySparkError('some thing is so wrong!)\nSyntaxError: EOL while scanning string literal"
    );
}

#[tokio::test]
async fn scala_error_without_traceback() {
    let error = json!({"status": "error", "execution_count": 0, "ename": "Error",
        "evalue": "<console>:25: error: not found: value abc", "traceback": []});
    let fake = one_statement("spark", vec![statement(0, "available", error)]).await;
    let s = fake::client(&fake).session(0).await.unwrap();
    let err = s.run("val count = abc.NUM").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Error: <console>:25: error: not found: value abc"
    );
}

#[tokio::test]
async fn available_with_null_output_is_polled_again() {
    let fake = one_statement(
        "pyspark",
        vec![
            statement(0, "available", Value::Null),
            statement(0, "available", Value::Null),
            statement(0, "available", ok_text(0, "2")),
        ],
    )
    .await;
    let s = fake::client(&fake).session(0).await.unwrap();
    assert_eq!(s.run("1 + 1").await.unwrap(), Output::Text("2".into()));
    assert_eq!(fake.count("GET", "/sessions/0/statements/0"), 3);
}

#[tokio::test]
async fn unknown_statement_states_are_waited_through() {
    let fake = one_statement(
        "pyspark",
        vec![
            statement(0, "queued_remotely", Value::Null),
            statement(0, "available", ok_text(0, "ok")),
        ],
    )
    .await;
    let s = fake::client(&fake).session(0).await.unwrap();
    assert_eq!(s.run("x").await.unwrap().to_text(), "ok");
}

#[tokio::test]
async fn a_finished_statement_in_the_post_answer_needs_no_poll() {
    let fake = fake::with_session(0, "sql").await;
    fake.on(
        "POST",
        STMTS,
        vec![Reply::created(statement(
            0,
            "available",
            ok_text(0, "fast"),
        ))],
    );
    let s = fake::client(&fake).session(0).await.unwrap();
    assert_eq!(s.run("x").await.unwrap().to_text(), "fast");
    assert_eq!(fake.count("GET", "/sessions/0/statements/0"), 0);
}

#[tokio::test]
async fn cancelled_is_its_own_error_and_cancel_posts() {
    let fake = one_statement(
        "pyspark",
        vec![
            statement(0, "running", Value::Null),
            statement(0, "cancelling", Value::Null),
            statement(0, "cancelled", Value::Null),
        ],
    )
    .await;
    fake.on(
        "POST",
        "/sessions/0/statements/0/cancel",
        vec![Reply::json(json!({"msg": "canceled"}))],
    );
    let s = fake::client(&fake).session(0).await.unwrap();
    let st = s.submit("while True: pass").await.unwrap();
    s.cancel(st.id).await.unwrap();
    match s.wait(st.id).await {
        Err(Error::Cancelled {
            session: 0,
            statement: 0,
        }) => {}
        other => panic!("expected Cancelled, got {other:?}"),
    }
    assert_eq!(fake.count("POST", "/sessions/0/statements/0/cancel"), 1);
}

#[tokio::test]
async fn a_statement_deadline_fires_and_cancels_it() {
    let fake = one_statement("pyspark", vec![statement(0, "running", Value::Null)]).await;
    fake.on(
        "POST",
        "/sessions/0/statements/0/cancel",
        vec![Reply::json(json!({"msg": "canceled"}))],
    );
    let s = fake::client(&fake)
        .session(0)
        .await
        .unwrap()
        .with_statement_timeout(Duration::from_millis(200));
    let started = Instant::now();
    match s.run("import time; time.sleep(1e9)").await {
        Err(Error::Timeout { waiting_for, after }) => {
            assert_eq!(after, Duration::from_millis(200));
            assert!(
                waiting_for.contains("statement 0 of session 0"),
                "{waiting_for}"
            );
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(fake.count("POST", "/sessions/0/statements/0/cancel"), 1);
}

#[tokio::test]
async fn the_session_dying_under_a_statement_is_session_ended() {
    let fake = one_statement("pyspark", vec![statement(0, "running", Value::Null)]).await;
    fake.on(
        "GET",
        "/sessions/0/statements/0",
        vec![
            Reply::json(statement(0, "running", Value::Null)),
            Reply::Status(
                400,
                json!({"msg": "requirement failed: Session isn't active."}).to_string(),
            ),
        ],
    );
    let client = fake::client(&fake);
    let s = client.session(0).await.unwrap();
    // From now on the session reads as dead.
    fake.on(
        "GET",
        "/sessions/0",
        vec![Reply::json(fake::session(0, "pyspark", "dead"))],
    );
    fake.on(
        "GET",
        "/sessions/0/log",
        vec![Reply::json(
            json!({"id": 0, "from": 0, "total": 1, "log": ["Interpreter died"]}),
        )],
    );
    match s.run("os._exit(1)").await {
        Err(Error::SessionEnded {
            state, log_tail, ..
        }) => {
            assert_eq!(state, ember_livy::protocol::SessionState::Dead);
            assert_eq!(log_tail, vec!["Interpreter died"]);
        }
        other => panic!("expected SessionEnded, got {other:?}"),
    }
}

#[derive(Debug, Deserialize, PartialEq)]
struct Person {
    name: String,
    age: u32,
}

/// A pyspark session whose every statement answers `%json` with `value`.
async fn reading(value: Value) -> FakeLivy {
    one_statement(
        "pyspark",
        vec![statement(0, "available", ok_json(0, value))],
    )
    .await
}

#[tokio::test]
async fn read_uses_the_json_magic_with_a_temp_name() {
    let fake = reading(json!(4)).await;
    let s = fake::client(&fake).session(0).await.unwrap();
    let z: i64 = s.read("1 + 3").await.unwrap();
    assert_eq!(z, 4);
    let code = fake.posted(STMTS)[0]["code"].as_str().unwrap().to_owned();
    let lines: Vec<&str> = code.lines().collect();
    assert_eq!(lines.len(), 4, "{code}");
    let tmp = lines[0].strip_suffix(" = (").unwrap();
    assert!(tmp.starts_with("_ember_tmp_"), "{code}");
    assert_eq!(lines[1], "1 + 3");
    assert_eq!(lines[2], ")");
    assert_eq!(lines[3], format!("%json {tmp}"));
}

#[tokio::test]
async fn read_decodes_the_seeds_types() {
    let s = |v| async move {
        let fake = reading(v).await;
        let session = fake::client(&fake).session(0).await.unwrap();
        (fake, session)
    };
    let (_f, x) = s(json!(3.1212)).await;
    assert_eq!(x.read::<f64>("pi").await.unwrap(), 3.1212);
    let (_f, x) = s(json!(true)).await;
    assert!(x.read::<bool>("isinstance(pi, float)").await.unwrap());
    let (_f, x) = s(json!("it's")).await;
    assert_eq!(x.read::<String>("s").await.unwrap(), "it's");
    let (_f, x) = s(json!([1, 3, "abc"])).await;
    assert_eq!(
        x.read::<Vec<Value>>("mylist").await.unwrap(),
        vec![json!(1), json!(3), json!("abc")]
    );
    let (_f, x) = s(json!(["a", "b", "c", 1, 2, 3])).await;
    assert_eq!(
        x.read::<(String, String, String, i32, i32, i32)>("mytuple")
            .await
            .unwrap(),
        ("a".into(), "b".into(), "c".into(), 1, 2, 3)
    );
    let (_f, x) = s(json!({"a": 13, "b": "usa"})).await;
    let map: BTreeMap<String, Value> = x.read("mydict").await.unwrap();
    assert_eq!(map["a"], json!(13));
    let (_f, x) = s(json!({"name": "Ann", "age": 41})).await;
    assert_eq!(
        x.read::<Person>("person").await.unwrap(),
        Person {
            name: "Ann".into(),
            age: 41
        }
    );
    // A type mismatch is a Decode error naming the expression.
    let (_f, x) = s(json!("not a number")).await;
    match x.read::<i64>("z").await {
        Err(Error::Decode { what, .. }) => assert!(what.contains("\"z\""), "{what}"),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn run_function_passes_python_literals() {
    let fake = reading(json!({"first": 5, "second": 8, "third": 11})).await;
    let s = fake::client(&fake).session(0).await.unwrap();
    let z: BTreeMap<String, i64> = s
        .run_function(
            "myfunc",
            &[vec![1, 2, 3].into(), vec![4, 6, 8].into()],
            &[
                ("names", vec!["first", "it's \\ \"q\"", "é"].into()),
                ("squared", PyValue::None),
            ],
        )
        .await
        .unwrap();
    assert_eq!(z["second"], 8);
    let code = fake.posted(STMTS)[0]["code"].as_str().unwrap().to_owned();
    assert_eq!(
        code.lines().nth(1),
        Some(
            r#"myfunc([1, 2, 3], [4, 6, 8], names=['first', 'it\'s \\ "q"', '\xe9'], squared=None)"#
        )
    );
    assert!(matches!(
        s.run_function::<Value>("f(); import os; g", &[], &[]).await,
        Err(Error::InvalidArgument(_))
    ));
}

#[tokio::test]
async fn run_file_sends_the_files_content() {
    let fake = one_statement("pyspark", vec![statement(0, "available", ok_text(0, ""))]).await;
    let s = fake::client(&fake).session(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("script_a.py");
    std::fs::write(&path, "import math\n\nmagic = math.pi + 3\n").unwrap();
    s.run_file(&path).await.unwrap();
    assert_eq!(
        fake.posted(STMTS)[0]["code"],
        json!("import math\n\nmagic = math.pi + 3\n")
    );
    assert!(matches!(
        s.run_file(dir.path().join("missing.py")).await,
        Err(Error::Io { .. })
    ));
}

#[tokio::test]
async fn read_dataframe_builds_a_typed_batch() {
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{DataType, Float64Type, Int64Type};
    let value = json!({
        "schema": {"type": "struct", "fields": [
            {"name": "id", "type": "long", "nullable": true, "metadata": {}},
            {"name": "value", "type": "double", "nullable": true, "metadata": {}},
            {"name": "tag", "type": "string", "nullable": true, "metadata": {}}]},
        // toJSON leaves out null fields.
        "data": [{"id": 1, "value": 3.1212, "tag": "pi"}, {"id": 2, "value": 2.5}]
    });
    let fake = reading(value).await;
    let s = fake::client(&fake).session(0).await.unwrap();
    let batch = s.read_dataframe("pi_df").await.unwrap();
    assert_eq!(batch.num_rows(), 2);
    assert_eq!(batch.schema().field(0).data_type(), &DataType::Int64);
    assert_eq!(batch.column(0).as_primitive::<Int64Type>().value(1), 2);
    assert_eq!(
        batch.column(1).as_primitive::<Float64Type>().value(0),
        3.1212
    );
    assert!(batch.column(2).is_null(1));
    let code = fake.posted(STMTS)[0]["code"].as_str().unwrap().to_owned();
    assert!(code.contains(".toJSON().collect()"), "{code}");
    assert!(code.contains(".schema.json()"), "{code}");
}

#[tokio::test]
async fn shared_sessions_name_the_statement_kind() {
    let fake = one_statement(
        "shared",
        vec![statement(0, "available", ok_json(0, json!(1)))],
    )
    .await;
    let s = fake::client(&fake).session(0).await.unwrap();
    let _: i64 = s.read("1").await.unwrap();
    assert_eq!(fake.posted(STMTS)[0]["kind"], json!("pyspark"));
}
