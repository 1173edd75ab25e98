//! A cluster whose nodes know your own UDF: one binary that is the scheduler, an executor, or
//! (with no arguments) a client that starts a cluster in-process and queries it.
//!
//! A Rust closure cannot travel with a query plan, so the scheduler and every executor must be
//! built with it: they register it with the same code the client uses, through
//! `ember::cluster::Functions::with_setup`.
//!
//! ```text
//! cargo run --example cluster_udf                               # a local-cluster[2,1,512] here
//! cargo run --example cluster_udf -- scheduler                  # 127.0.0.1:50050
//! cargo run --example cluster_udf -- executor 50051             # one per port
//! cargo run --example cluster_udf -- query ballista://127.0.0.1:50050
//! ```

use ember::cluster::{ExecutorOptions, Functions, Scheduler, SchedulerOptions, connect};
use ember::sql::Session;

/// The UDF, registered the same way on the client and on every node.
fn register(session: &Session) -> ember::sql::Result<()> {
    session.udf().register("squared", |x: f64| x * x)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let functions = Functions::new().with_setup(register);
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("scheduler") => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let scheduler = Scheduler::bind(SchedulerOptions {
                    functions,
                    ..SchedulerOptions::default()
                })
                .await?;
                println!("scheduler on ballista://{}", scheduler.address());
                tokio::select! {
                    served = scheduler.serve() => served?,
                    _ = tokio::signal::ctrl_c() => {}
                }
                Ok::<_, Box<dyn std::error::Error>>(())
            })
        }
        Some("executor") => {
            let port = args.get(1).map_or(Ok(50051), |p| p.parse())?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(ember::cluster::run_executor(ExecutorOptions {
                port,
                functions,
                ..ExecutorOptions::default()
            }))?;
            Ok(())
        }
        Some("query") => query(
            args.get(1)
                .map_or("ballista://127.0.0.1:50050", String::as_str),
            functions,
        ),
        _ => query("local-cluster[2,1,512]", functions),
    }
}

fn query(master: &str, functions: Functions) -> Result<(), Box<dyn std::error::Error>> {
    let spark = connect(Session::builder(), master, functions)?;
    register(&spark)?;
    spark
        .sql("SELECT id, squared(CAST(id AS DOUBLE)) AS sq FROM range(0, 5) ORDER BY id")?
        .show(20)?;
    Ok(())
}
