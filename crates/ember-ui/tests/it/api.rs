//! The REST API: the shape of real Spark's answers (recorded by `just spark-ui-oracle`), the
//! counts of jobs that fail and retry, bounded retention, and refusals.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use ember_rdd::Context;
use ember_ui::{Query, QueryState, Ui};
use serde_json::Value;

use crate::{app_path, get, request, serve, wait_until};

/// Spark's answer to one endpoint, as recorded from PySpark.
fn spark(name: &str) -> Value {
    // The crate's directory as `cargo test` names it when the tests run (a binary built from
    // another checkout of the same sources still reads this one's files).
    let dir = std::env::var("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned());
    let path = format!("{dir}/tests/spark-ui/{name}.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Fields Spark's `api.scala` declares as `Option`: Spark leaves them out when it has no value,
/// and Ember leaves out those it has no counterpart for (JVM memory metrics).
const OPTIONAL: &[&str] = &[
    "description",
    "jobGroup",
    "submissionTime",
    "completionTime",
    "firstTaskLaunchedTime",
    "failureReason",
    "peakExecutorMetrics",
    "memoryMetrics",
    "peakMemoryMetrics",
    "removeTime",
    "removeReason",
    "tasks",
    "executorSummary",
    "speculationSummary",
    "taskMetricsDistributions",
    "executorMetricsDistributions",
    "dataDistribution",
    "partitions",
];

/// Fields whose value is a map from data to data (their keys are not field names).
const MAPS: &[&str] = &[
    "killedTasksSummary",
    "executorLogs",
    "attributes",
    "resources",
    "modifiedConfigs",
];

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks that `ember` has the shape of `spark`: the same JSON kinds, no field Spark does not
/// have, and every field Spark always has (but the optional ones). Array elements are checked
/// against all of Spark's elements together (a field some of them have is optional).
fn same_shape(at: &str, spark: &Value, ember: &Value, errors: &mut Vec<String>) {
    if kind(spark) != kind(ember) {
        errors.push(format!(
            "{at}: Spark has {}, Ember {}",
            kind(spark),
            kind(ember)
        ));
        return;
    }
    match (spark, ember) {
        (Value::Array(s), Value::Array(e)) => {
            if s.is_empty() {
                return;
            }
            if s.iter().all(Value::is_object) {
                let merged = merge_objects(s);
                for (i, item) in e.iter().enumerate() {
                    same_object(&format!("{at}[{i}]"), &merged, item, errors);
                }
            } else {
                for (i, item) in e.iter().enumerate() {
                    same_shape(&format!("{at}[{i}]"), &s[0], item, errors);
                }
            }
        }
        (Value::Object(_), Value::Object(_)) => {
            let merged = merge_objects(std::slice::from_ref(spark));
            same_object(at, &merged, ember, errors);
        }
        _ => {}
    }
}

/// Spark's objects of one array: each field's first value, and the fields all of them have.
struct Merged {
    values: serde_json::Map<String, Value>,
    always: BTreeSet<String>,
}

fn merge_objects(items: &[Value]) -> Merged {
    let mut values = serde_json::Map::new();
    let mut always: Option<BTreeSet<String>> = None;
    for item in items {
        let obj = item.as_object().unwrap();
        for (k, v) in obj {
            values.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let keys: BTreeSet<String> = obj.keys().cloned().collect();
        always = Some(match always {
            None => keys,
            Some(a) => a.intersection(&keys).cloned().collect(),
        });
    }
    Merged {
        values,
        always: always.unwrap_or_default(),
    }
}

fn same_object(at: &str, spark: &Merged, ember: &Value, errors: &mut Vec<String>) {
    let Some(obj) = ember.as_object() else {
        errors.push(format!("{at}: Spark has an object, Ember {}", kind(ember)));
        return;
    };
    for key in &spark.always {
        if !obj.contains_key(key) && !OPTIONAL.contains(&key.as_str()) {
            errors.push(format!("{at}: Ember lacks {key}"));
        }
    }
    for (key, value) in obj {
        let Some(expected) = spark.values.get(key) else {
            errors.push(format!("{at}: Ember has {key}, which Spark does not"));
            continue;
        };
        let here = format!("{at}.{key}");
        if MAPS.contains(&key.as_str()) {
            if kind(expected) != kind(value) {
                errors.push(format!(
                    "{here}: Spark has {}, Ember {}",
                    kind(expected),
                    kind(value)
                ));
            }
        } else {
            same_shape(&here, expected, value, errors);
        }
    }
}

/// What the oracle script runs in PySpark, run on an Ember context: a plain job, a shuffle, a
/// task that fails once and is retried, a job that fails, a job in a group, a cached RDD.
fn oracle_workload(ctx: &Context) {
    ctx.parallelize(0..100i64, 4)
        .unwrap()
        .map(|x| x * x)
        .reduce(|a, b| a + b)
        .unwrap();
    ctx.parallelize(0..100i64, 4)
        .unwrap()
        .map(|x| (x % 3, x))
        .reduce_by_key(|a, b| a + b)
        .collect()
        .unwrap();
    let failed_once = Arc::new(AtomicBool::new(false));
    ctx.parallelize(0..10i64, 2)
        .unwrap()
        .map(move |x| {
            if x == 0 && !failed_once.swap(true, Ordering::SeqCst) {
                panic!("first attempt fails");
            }
            x
        })
        .count()
        .unwrap();
    let failed = ctx
        .parallelize(0..10i64, 2)
        .unwrap()
        .map(|_: i64| -> i64 { panic!("always fails") })
        .count();
    assert!(failed.is_err());
    ctx.with_job_group("ember-group", || {
        ctx.with_job_description("a job in a group", || {
            ctx.parallelize(0..10i64, 2).unwrap().count().unwrap()
        })
    });
    let cached = ctx.parallelize(0..1000i64, 4).unwrap().cache();
    cached.count().unwrap();
    // Keep it cached (and listed) for the test's lifetime.
    std::mem::forget(cached);
}

fn sql_source() -> Arc<dyn ember_ui::QuerySource> {
    let submitted = SystemTime::now();
    Arc::new(move || {
        vec![Query {
            id: 0,
            text: "SELECT id % 10 AS k, count(*) AS n FROM range(1000) GROUP BY k".into(),
            plan: "AggregateExec: mode=Final\n  RepartitionExec\n".into(),
            submitted,
            duration: Some(Duration::from_millis(12)),
            rows: Some(10),
            state: QueryState::Completed,
            error: None,
        }]
    })
}

#[test]
fn every_endpoint_answers_in_sparks_shape() {
    let ctx = Context::new("ember-spark-ui-oracle", "local[2,2]").unwrap();
    oracle_workload(&ctx);
    let server = serve(Ui::new(ctx.clone()).with_queries(sql_source()));
    let app = app_path(&ctx);
    let jobs = get(&server, &format!("{app}/jobs")).json();
    let failed_job = jobs
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["status"] == "FAILED")
        .unwrap()["jobId"]
        .clone();
    let stages = get(&server, &format!("{app}/stages")).json();
    let stage = stages[0]["stageId"].clone();
    let rdd = get(&server, &format!("{app}/storage/rdd")).json()[0]["id"].clone();
    let endpoints = [
        ("version", "/api/v1/version".to_owned()),
        ("applications", "/api/v1/applications".to_owned()),
        ("application", app.clone()),
        ("jobs", format!("{app}/jobs")),
        ("job", format!("{app}/jobs/{failed_job}")),
        ("stages", format!("{app}/stages")),
        ("stage", format!("{app}/stages/{stage}")),
        ("stage_attempt", format!("{app}/stages/{stage}/0")),
        ("executors", format!("{app}/executors")),
        ("allexecutors", format!("{app}/allexecutors")),
        ("environment", format!("{app}/environment")),
        ("storage_rdd", format!("{app}/storage/rdd")),
        ("storage_rdd_one", format!("{app}/storage/rdd/{rdd}")),
        ("sql", format!("{app}/sql")),
        ("sql_one", format!("{app}/sql/0")),
    ];
    let mut errors = Vec::new();
    for (name, path) in &endpoints {
        let reply = get(&server, path);
        assert!(
            reply.head.contains("application/json"),
            "{path}: {}",
            reply.head
        );
        same_shape(name, &spark(name), &reply.json(), &mut errors);
    }
    assert!(
        errors.is_empty(),
        "shapes differ from Spark's:\n{}",
        errors.join("\n")
    );

    // The dates are Spark's format.
    let submitted = jobs[0]["submissionTime"].as_str().unwrap();
    assert!(
        submitted.len() == 26 && submitted.ends_with("GMT") && submitted.as_bytes()[10] == b'T',
        "{submitted}"
    );
    server.stop().unwrap();
}

#[test]
fn a_task_that_fails_and_is_retried_and_a_failed_job_show_their_counts() {
    let ctx = Context::new("retries", "local[2,2]").unwrap();
    oracle_workload(&ctx);
    let server = serve(Ui::new(ctx.clone()));
    let app = app_path(&ctx);
    let jobs = get(&server, &format!("{app}/jobs")).json();
    let jobs = jobs.as_array().unwrap();
    assert_eq!(jobs.len(), 6);
    // Newest first, as Spark lists them.
    let ids: Vec<u64> = jobs.iter().map(|j| j["jobId"].as_u64().unwrap()).collect();
    assert_eq!(ids, [5, 4, 3, 2, 1, 0]);

    let retried = &jobs[3];
    assert_eq!(retried["status"], "SUCCEEDED");
    assert_eq!(retried["numTasks"], 2);
    assert_eq!(retried["numCompletedTasks"], 2);
    assert_eq!(retried["numFailedTasks"], 1);

    let failed = &jobs[2];
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["numFailedStages"], 1);
    // Two partitions, two attempts each; the abort may stop the other partition early.
    let attempts =
        failed["numFailedTasks"].as_u64().unwrap() + failed["numKilledTasks"].as_u64().unwrap();
    assert!((2..=4).contains(&attempts), "{failed}");
    let stage = failed["stageIds"][0].as_u64().unwrap();
    let stage = get(&server, &format!("{app}/stages/{stage}/0")).json();
    assert_eq!(stage["status"], "FAILED");
    assert!(
        stage["failureReason"]
            .as_str()
            .unwrap()
            .contains("always fails"),
        "{stage}"
    );

    let grouped = &jobs[1];
    assert_eq!(grouped["jobGroup"], "ember-group");
    assert_eq!(grouped["description"], "a job in a group");
    let only_failed = get(&server, &format!("{app}/jobs?status=failed")).json();
    assert_eq!(only_failed.as_array().unwrap().len(), 1);

    // The shuffle job ran a map stage and a result stage: 4 map tasks each wrote its 3 keys
    // (after the map-side combine), and the reduce tasks read those 12 records.
    let shuffle = &jobs[4];
    assert_eq!(shuffle["stageIds"].as_array().unwrap().len(), 2);
    assert_eq!(shuffle["numCompletedStages"], 2);
    let map_stage = get(
        &server,
        &format!("{app}/stages/{}/0", shuffle["stageIds"][0]),
    )
    .json();
    assert_eq!(map_stage["shuffleWriteRecords"], 12, "{map_stage}");
    assert_eq!(
        map_stage["name"], "combine_by_key (shuffle map)",
        "{map_stage}"
    );
    let result_stage = get(
        &server,
        &format!("{app}/stages/{}/0", shuffle["stageIds"][1]),
    )
    .json();
    assert_eq!(result_stage["shuffleReadRecords"], 12, "{result_stage}");
    assert_eq!(result_stage["shuffleWriteRecords"], 0, "{result_stage}");

    let executors = get(&server, &format!("{app}/executors")).json();
    let driver = &executors[0];
    assert_eq!(driver["id"], "driver");
    assert_eq!(driver["totalCores"], 2);
    assert_eq!(driver["rddBlocks"], 4);
    assert_eq!(
        driver["memoryUsed"].as_u64().unwrap(),
        1000 * std::mem::size_of::<i64>() as u64
    );

    let rdds = get(&server, &format!("{app}/storage/rdd")).json();
    assert_eq!(rdds[0]["numCachedPartitions"], 4);
    assert_eq!(rdds[0]["storageLevel"], "Memory Deserialized 1x Replicated");
    server.stop().unwrap();
}

#[test]
fn a_running_job_shows_its_active_tasks_live() {
    let ctx = Context::new("live", "local[2]").unwrap();
    let server = serve(Ui::new(ctx.clone()));
    let app = app_path(&ctx);
    let (release, gate) = std::sync::mpsc::channel::<()>();
    let gate = Arc::new(std::sync::Mutex::new(gate));
    let job = {
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            ctx.parallelize(0..4i64, 4)
                .unwrap()
                .map(move |x| {
                    if x == 3 {
                        // One task waits for the test; the other three finish.
                        let _ = gate.lock().unwrap().recv_timeout(Duration::from_secs(60));
                    }
                    x
                })
                .count()
        })
    };
    let mut running = Value::Null;
    wait_until(
        "the job to show three finished tasks and one running",
        || {
            let jobs = get(&server, &format!("{app}/jobs?status=running")).json();
            running = jobs[0].clone();
            running["numCompletedTasks"] == 3 && running["numActiveTasks"] == 1
        },
    );
    assert_eq!(running["status"], "RUNNING");
    assert!(running.get("completionTime").is_none());
    let page = get(&server, "/jobs/");
    assert!(page.body.contains("Active Jobs (1)"), "{}", page.body);
    assert!(page.body.contains("3/4 (1 running)"), "{}", page.body);
    release.send(()).unwrap();
    assert_eq!(job.join().unwrap().unwrap(), 4);
    wait_until("the job to succeed", || {
        get(&server, &format!("{app}/jobs")).json()[0]["status"] == "SUCCEEDED"
    });
    server.stop().unwrap();
}

#[test]
fn retention_stays_bounded_over_ten_thousand_jobs() {
    let ctx = Context::builder()
        .app_name("retention")
        .master("local[2]")
        .retained_jobs(100)
        .retained_stages(100)
        .build()
        .unwrap();
    let rdd = ctx.parallelize(0..4i64, 2).unwrap();
    for _ in 0..10_000 {
        rdd.count().unwrap();
    }
    let status = ctx.status();
    let jobs = status.jobs();
    assert_eq!(jobs.len(), 100);
    assert_eq!(jobs[0].id, 9_999, "the newest are kept");
    assert_eq!(status.stages().len(), 100);
    assert_eq!(
        status.executor().tasks.completed,
        20_000,
        "totals count every task"
    );
    let server = serve(Ui::new(ctx.clone()));
    let listed = get(&server, &format!("{}/jobs", app_path(&ctx))).json();
    assert_eq!(listed.as_array().unwrap().len(), 100);
    server.stop().unwrap();
}

#[test]
fn recording_can_be_switched_off() {
    let ctx = Context::builder()
        .master("local[1]")
        .record_status(false)
        .build()
        .unwrap();
    ctx.parallelize(0..4i64, 2).unwrap().count().unwrap();
    assert!(ctx.status().jobs().is_empty());
    assert!(!ctx.status().is_recording());
}

#[test]
fn bad_requests_get_a_one_line_reason() {
    let ctx = Context::new("refusals", "local[1]").unwrap();
    ctx.parallelize(0..4i64, 2).unwrap().count().unwrap();
    let server = serve(Ui::new(ctx.clone()));
    let addr = server.local_addr();
    let app = app_path(&ctx);
    let cases = [
        (
            "GET",
            "/api/v1/applications/local-1/jobs".to_owned(),
            404,
            "unknown app: local-1",
        ),
        ("GET", format!("{app}/jobs/99"), 404, "unknown job: 99"),
        ("GET", format!("{app}/jobs/x"), 404, "unknown job: x"),
        (
            "GET",
            format!("{app}/jobs/99999999999999999999999"),
            404,
            "unknown job",
        ),
        ("GET", format!("{app}/stages/0/1"), 404, "attempt 0"),
        (
            "GET",
            format!("{app}/jobs?status=bogus"),
            400,
            "unknown status BOGUS",
        ),
        ("GET", format!("{app}/storage/rdd/0"), 404, "not cached"),
        ("GET", "/nowhere".to_owned(), 404, "no such page"),
        ("GET", "/jobs/job/?id=abc".to_owned(), 400, "bad id"),
        ("GET", "/jobs/job/".to_owned(), 400, "missing ?id="),
        ("POST", format!("{app}/jobs"), 405, "only reads"),
        ("DELETE", "/jobs/".to_owned(), 405, "only reads"),
    ];
    let head = request(addr, "HEAD", &format!("{app}/jobs"), "localhost");
    assert_eq!(head.status, 200, "{head:?}");
    assert!(head.body.is_empty(), "HEAD has no body: {head:?}");
    for (method, path, status, reason) in cases {
        let reply = request(addr, method, &path, "localhost");
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        assert!(
            reply.body.contains(reason),
            "{method} {path}: {}",
            reply.body
        );
        assert_eq!(reply.body.trim_end().lines().count(), 1, "{}", reply.body);
    }
    // A page of another site that rebinds its name to 127.0.0.1 cannot read the UI.
    for host in [
        "evil.example",
        "evil.example:4040",
        "127.0.0.1.evil.example",
    ] {
        let reply = request(addr, "GET", &format!("{app}/environment"), host);
        assert_eq!(reply.status, 403, "{host}: {}", reply.body);
        assert!(reply.body.contains("not a name this UI serves under"));
    }
    for host in ["localhost:4040", "127.0.0.1", "[::1]:4040"] {
        assert_eq!(request(addr, "GET", &app, host).status, 200, "{host}");
    }
    server.stop().unwrap();

    // An allowed name matches whatever port the request names, and whether or not the list
    // gave one.
    let opened = serve(Ui::new(ctx.clone()).with_allowed_hosts([
        "ember.internal".to_owned(),
        "other.internal:4040".to_owned(),
    ]));
    for host in [
        "ember.internal:4040",
        "other.internal:4041",
        "other.internal",
    ] {
        let reply = request(opened.local_addr(), "GET", &app, host);
        assert_eq!(reply.status, 200, "{host}: {}", reply.body);
    }
    opened.stop().unwrap();
}

#[test]
fn the_environment_redacts_secrets_and_keeps_the_last_value_of_a_key() {
    let ctx = Context::new("env", "local[1]").unwrap();
    let ui = Ui::new(ctx.clone()).with_properties([
        (
            "spark.hadoop.fs.s3a.secret.key".to_owned(),
            "s3cr3t".to_owned(),
        ),
        ("spark.myapp.password".to_owned(), "hunter2".to_owned()),
        ("spark.sql.shuffle.partitions".to_owned(), "8".to_owned()),
        ("spark.sql.shuffle.partitions".to_owned(), "16".to_owned()),
    ]);
    let server = serve(ui);
    let env = get(&server, &format!("{}/environment", app_path(&ctx))).json();
    let props: Vec<(String, String)> = env["sparkProperties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let value = |k: &str| props.iter().find(|(key, _)| key == k).unwrap().1.clone();
    assert_eq!(
        value("spark.hadoop.fs.s3a.secret.key"),
        "*********(redacted)"
    );
    assert_eq!(value("spark.myapp.password"), "*********(redacted)");
    assert_eq!(value("spark.sql.shuffle.partitions"), "16");
    assert_eq!(value("spark.master"), "local[1]");
    let page = get(&server, "/environment/").body;
    assert!(
        !page.contains("s3cr3t") && !page.contains("hunter2"),
        "{page}"
    );
    server.stop().unwrap();
}

#[test]
fn the_port_moves_on_when_taken_as_sparks_does() {
    let ctx = Context::new("ports", "local[1]").unwrap();
    let first = serve(Ui::new(ctx.clone()));
    let port = first.local_addr().port();
    let second = ember_ui::start(
        Ui::new(ctx.clone()),
        &ember_ui::UiOptions {
            port,
            port_retries: 16,
            ..ember_ui::UiOptions::default()
        },
    )
    .unwrap();
    assert_ne!(second.local_addr().port(), port);
    let refused = ember_ui::start(
        Ui::new(ctx),
        &ember_ui::UiOptions {
            port,
            port_retries: 0,
            ..ember_ui::UiOptions::default()
        },
    );
    let refused = refused.unwrap_err().to_string();
    assert!(
        refused.starts_with(&format!("cannot listen on 127.0.0.1:{port}..={port}: ")),
        "{refused}"
    );
    second.stop().unwrap();
    first.stop().unwrap();
}
