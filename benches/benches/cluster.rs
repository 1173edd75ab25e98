//! TPC-H's 22 queries on Ember's clusters beside stock Ballista 55, per query, in one run
//! (issue 21).
//!
//! ```sh
//! just tpch-data                                          # SF1 Parquet (tpchgen-cli, ~40 s)
//! cargo bench --workspace --bench cluster                 # all 22, four ways
//! cargo bench --workspace --bench cluster -- 'cluster/q0[1-5]'
//! ```
//!
//! Every way has two task slots, as the local session has two threads:
//! - `cluster/qNN/ember_local`: a `local[2]` session, no cluster (the `tpch` bench's);
//! - `cluster/qNN/ember_local_cluster`: an Ember session on `local-cluster[2,1,4096]`: a
//!   scheduler and two executors of one slot inside this process;
//! - `cluster/qNN/ember_processes`: an Ember session on `ballista://` a scheduler and two
//!   executor *processes* of one slot, what `ember cluster scheduler` and `ember cluster executor`
//!   run (this bench's own binary runs them, as children);
//! - `cluster/qNN/ballista_processes`: stock Ballista 55 on the same shape of cluster: its stock
//!   scheduler and executors (their default configuration: push scheduling, as Ember's) as child
//!   processes, and a stock client (`SessionContext::remote_with_state`) with two target
//!   partitions. Both Ember and stock sessions plan statically (Ballista's adaptive planner off).
//!   Not with `spark-compat`: with it stock Ballista 55 fails q01 now and then ("column types
//!   must match schema types, expected UInt64 but found Float64 at column index 6": an `avg`'s
//!   partial state arrives with other types than were planned).
//!
//! Same Parquet files, same query text. Before timing, each cluster's answer is checked equal to
//! local Ember's (stock Ballista plans with DataFusion's semantics, so its answers are only
//! checked to come back). `EMBER_TPCH_DATA` names another data directory; without data the bench
//! says which command makes it and does nothing. Nothing is left running: the children are
//! killed and their work directories removed when the bench ends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use ballista::extension::{SessionConfigExt, SessionContextExt};
use criterion::Criterion;
use ember::cluster::{ExecutorOptions, Functions, Scheduler, SchedulerOptions, connect};
use ember_benches::tpch::{data_dir, has_data, queries, register, register_stock, rows, run_on};
use ember_sql::Session;
use ember_sql::datafusion::execution::SessionStateBuilder;
use ember_sql::datafusion::prelude::{SessionConfig, SessionContext};

/// The role a child process of this bench plays (unset: the bench itself).
const ROLE: &str = "EMBER_CLUSTER_BENCH_ROLE";

fn main() {
    match std::env::var(ROLE).ok().as_deref() {
        Some(role) => serve_role(role),
        None => {
            let mut c = Criterion::default().configure_from_args();
            cluster(&mut c);
            c.final_summary();
        }
    }
}

/// A child: a scheduler (prints its port on stdout) or an executor, Ember's or stock, until
/// killed.
fn serve_role(role: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let arg = |n: usize| std::env::args().nth(n).unwrap();
    runtime.block_on(async {
        match role {
            "ember-scheduler" => {
                let scheduler = Scheduler::bind(SchedulerOptions {
                    port: 0,
                    ..SchedulerOptions::default()
                })
                .await
                .unwrap();
                println!("{}", scheduler.address().port());
                scheduler.serve().await.unwrap();
            }
            "ember-executor" => {
                ember::cluster::run_executor(ExecutorOptions {
                    scheduler: format!("127.0.0.1:{}", arg(1)),
                    port: arg(2).parse().unwrap(),
                    grpc_port: Some(arg(3).parse().unwrap()),
                    cores: 1,
                    work_dir: Some(arg(4).into()),
                    ..ExecutorOptions::default()
                })
                .await
                .unwrap();
            }
            "stock-scheduler" => {
                use ballista_scheduler::cluster::BallistaCluster;
                use ballista_scheduler::config::SchedulerConfig;
                use ballista_scheduler::scheduler_process::{
                    create_scheduler, start_grpc_service_with_listener,
                };
                use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let port = listener.local_addr().unwrap().port();
                let config = Arc::new(SchedulerConfig::default().with_port(port));
                let cluster = BallistaCluster::new_from_config(&config).await.unwrap();
                let scheduler =
                    create_scheduler::<LogicalPlanNode, PhysicalPlanNode>(cluster, config)
                        .await
                        .unwrap();
                println!("{port}");
                start_grpc_service_with_listener(listener, scheduler)
                    .await
                    .unwrap();
            }
            "stock-executor" => {
                use ballista_executor::executor_process::{
                    ExecutorProcessConfig, start_executor_process,
                };
                let config = ExecutorProcessConfig {
                    scheduler_host: "127.0.0.1".to_owned(),
                    scheduler_port: arg(1).parse().unwrap(),
                    external_host: Some("127.0.0.1".to_owned()),
                    port: arg(2).parse().unwrap(),
                    grpc_port: arg(3).parse().unwrap(),
                    vcores: 1,
                    work_dir: Some(arg(4)),
                    ..ExecutorProcessConfig::default()
                };
                start_executor_process(Arc::new(config)).await.unwrap();
            }
            other => panic!("unknown role {other}"),
        }
    });
}

/// A scheduler and two executors as children of this bench, killed when dropped.
struct Processes {
    children: Vec<Child>,
    scheduler_port: u16,
    _work: tempfile::TempDir,
}

impl Processes {
    /// `kind` is `ember` or `stock`.
    fn start(kind: &str) -> Processes {
        let me = std::env::current_exe().unwrap();
        let work = tempfile::tempdir().unwrap();
        let mut scheduler = Command::new(&me)
            .env(ROLE, format!("{kind}-scheduler"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(scheduler.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let scheduler_port: u16 = line.trim().parse().unwrap();
        let mut children = vec![scheduler];
        for n in 0..2 {
            let dir = work.path().join(format!("executor-{n}"));
            std::fs::create_dir_all(&dir).unwrap();
            children.push(
                Command::new(&me)
                    .env(ROLE, format!("{kind}-executor"))
                    .args([
                        scheduler_port.to_string(),
                        free_port().to_string(),
                        free_port().to_string(),
                        dir.to_string_lossy().into_owned(),
                    ])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap(),
            );
        }
        Processes {
            children,
            scheduler_port,
            _work: work,
        }
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Ports a stock executor is told before it binds them (see [`ember_serve::spare_port`]).
fn free_port() -> u16 {
    ember_serve::spare_port("127.0.0.1").unwrap()
}

fn cluster(c: &mut Criterion) {
    let dir = data_dir();
    if !has_data("cluster", &dir) {
        return;
    }
    let local = Session::builder()
        .master("local[2]")
        .get_or_create()
        .unwrap();
    let local_cluster = connect(
        Session::builder(),
        "local-cluster[2,1,4096]",
        Functions::new(),
    )
    .unwrap();
    let ember_nodes = Processes::start("ember");
    let processes = connect(
        Session::builder(),
        &format!("ballista://127.0.0.1:{}", ember_nodes.scheduler_port),
        Functions::new(),
    )
    .unwrap();
    let stock_nodes = Processes::start("stock");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = SessionConfig::new_with_ballista()
        .with_target_partitions(2)
        .set_bool("ballista.planner.adaptive.enabled", false);
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    let stock = runtime
        .block_on(SessionContext::remote_with_state(
            &format!("df://127.0.0.1:{}", stock_nodes.scheduler_port),
            state,
        ))
        .unwrap();
    for session in [&local, &local_cluster, &processes] {
        register(session, &dir).unwrap();
    }
    register_stock(&stock, &dir, &runtime).unwrap();
    let run_stock = |q: &str| run_on(&runtime, &stock, q);
    let mut group = c.benchmark_group("cluster");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (name, query) in queries().unwrap() {
        let ours = rows(&local.sql(&query).and_then(|df| df.collect()).unwrap()).unwrap();
        for (way, session) in [("local-cluster", &local_cluster), ("processes", &processes)] {
            let theirs = session.sql(&query).and_then(|df| df.collect()).unwrap();
            assert_eq!(
                rows(&theirs).unwrap(),
                ours,
                "{name}: {way}'s answer differs"
            );
        }
        black_box(run_stock(&query).unwrap());
        let sessions = [
            ("ember_local", &local),
            ("ember_local_cluster", &local_cluster),
            ("ember_processes", &processes),
        ];
        for (way, session) in sessions {
            group.bench_function(format!("{name}/{way}"), |b| {
                b.iter(|| black_box(session.sql(&query).and_then(|df| df.collect()).unwrap()));
            });
        }
        group.bench_function(format!("{name}/ballista_processes"), |b| {
            b.iter(|| black_box(run_stock(&query).unwrap()));
        });
    }
    group.finish();
}
