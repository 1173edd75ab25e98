//! Ember's Livy server through Ember's Livy client on loopback, beside the engine called
//! in-process (what the server does for each request, without HTTP and queues), in one run:
//! (1) a sql session from create to `idle` (goal < 10 ms) against building an `ember_sql::Session`;
//! (2) a `SELECT 1` statement round trip (goal < 2 ms at p50) against `SELECT 1` in-process;
//! (3) load: 64 clients each running 100 statements against 8 shared sessions, checking that
//!     no statement is lost, duplicated or out of order, and printing RSS before and after.
//!
//! Apache Livy itself cannot run here (it needs a JVM build of Livy); its session start is a
//! Spark driver launch, tens of seconds.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ember_livy::blocking::LivyClient;
use ember_livy::protocol::{CreateSession, SessionKind};
use ember_livy_server::{LivyServer, RunningServer, ServeOptions, ServerConfig, spawn};

fn server() -> RunningServer {
    let config = ServerConfig {
        default_master: "local[2]".into(),
        max_sessions: 4096,
        ..ServerConfig::default()
    };
    spawn(
        LivyServer::new(config).unwrap(),
        "127.0.0.1:0",
        ServeOptions::default(),
    )
    .unwrap()
}

fn sql_session() -> CreateSession {
    CreateSession {
        kind: Some(SessionKind::Sql),
        ..CreateSession::default()
    }
}

fn session_start(c: &mut Criterion) {
    let running = server();
    let client = LivyClient::new(&running.url()).unwrap();
    let mut g = c.benchmark_group("livy_session_to_idle");
    g.sample_size(20);
    g.bench_function("ember_livy_server", |b| {
        b.iter(|| {
            let s = client.start_session(&sql_session()).unwrap();
            s.delete().unwrap();
        })
    });
    g.bench_function("in_process_session", |b| {
        b.iter(|| {
            ember_sql::Session::builder()
                .master("local[2]")
                .get_or_create()
                .unwrap()
        })
    });
    g.finish();
}

fn statement_round_trip(c: &mut Criterion) {
    let running = server();
    let client = LivyClient::new(&running.url()).unwrap();
    let session = client.start_session(&sql_session()).unwrap();
    let local = ember_sql::Session::builder()
        .master("local[2]")
        .get_or_create()
        .unwrap();
    let mut g = c.benchmark_group("livy_select_1");
    g.bench_function("through_livy", |b| {
        b.iter(|| assert_eq!(session.sql("SELECT 1 AS one").unwrap().num_rows(), 1))
    });
    g.bench_function("in_process", |b| {
        b.iter(|| {
            let batches = local.sql("SELECT 1 AS one").unwrap().collect().unwrap();
            assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
        })
    });
    g.finish();
    session.delete().unwrap();
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

const CLIENTS: usize = 64;
const STATEMENTS: usize = 100;
const SESSIONS: usize = 8;

/// One load round: every client runs its statements on its session and checks each answer.
fn load_round(url: &str, sessions: &[u64]) -> Duration {
    let t = Instant::now();
    std::thread::scope(|s| {
        for c in 0..CLIENTS {
            let session_id = sessions[c % SESSIONS];
            s.spawn(move || {
                let client = LivyClient::new(url).unwrap();
                let session = client.session(session_id).unwrap();
                for i in 0..STATEMENTS {
                    let v = c * 10_000 + i;
                    let batch = session.sql(&format!("SELECT {v} AS v")).unwrap();
                    let got = batch
                        .column(0)
                        .as_any()
                        .downcast_ref::<ember_sql::arrow::array::Int64Array>()
                        .unwrap()
                        .value(0);
                    assert_eq!(
                        got, v as i64,
                        "a statement's answer went to the wrong client"
                    );
                }
            });
        }
    });
    t.elapsed()
}

fn load(c: &mut Criterion) {
    let running = server();
    let url = running.url();
    let client = LivyClient::new(&url).unwrap();
    let sessions: Vec<u64> = (0..SESSIONS)
        .map(|_| client.start_session(&sql_session()).unwrap().id())
        .collect();
    let rss_before = rss_kib();
    let mut rounds = 0usize;
    let mut g = c.benchmark_group("livy_load_64x100_on_8_sessions");
    g.sample_size(10);
    g.bench_function("ember_livy_server", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                total += load_round(&url, &sessions);
                rounds += 1;
            }
            total
        })
    });
    g.finish();
    // Every statement is there, once, in id order (the server retains the last 100 per session).
    let per_session = rounds * CLIENTS * STATEMENTS / SESSIONS;
    for id in &sessions {
        let s = client.session(*id).unwrap();
        let list = s.statements().unwrap();
        let ids: Vec<u64> = list.statements.iter().map(|st| st.id).collect();
        let last = per_session as u64;
        let expected: Vec<u64> = (last.saturating_sub(ids.len() as u64)..last).collect();
        assert_eq!(
            ids, expected,
            "session {id}: statements lost, duplicated or out of order"
        );
        assert!(list.statements.iter().all(|st| st.output.is_some()));
    }
    let rss_after = rss_kib();
    println!(
        "load: {rounds} rounds of {} statements, zero errors; RSS {} MiB before, {} MiB after",
        CLIENTS * STATEMENTS,
        rss_before / 1024,
        rss_after / 1024
    );
    drop(running);
}

criterion_group!(benches, session_start, statement_round_trip, load);
criterion_main!(benches);
