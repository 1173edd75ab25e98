//! The `ember` command line: `ember serve` (the default) runs the SparkPi service; `ember pi`
//! estimates pi once; `ember sql` is spark-sql (one query, `-e`/`-f` scripts, statements from
//! stdin, or an interactive shell; `sql_shell.rs`); `ember datasource` runs the DataSource
//! example pipeline; `ember livy-server` serves Apache Livy's REST API.

mod sql_shell;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use ember::config::EngineConfig;
use ember_rdd::{Context, Event};
use ember_sql::{OutputFormat, Session};
use ember_web::{
    MAX_JOB_TIMEOUT, MAX_QUEUED_JOBS_LIMIT, MAX_RUNNING_JOBS_LIMIT, MAX_SCALE_LIMIT, ServeOptions,
    ServiceConfig, SparkPiService,
};

#[derive(Parser, Debug)]
#[command(
    name = "ember",
    version,
    about = "Spark's programming model in Rust, without a JVM"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve SparkPi over HTTP (the default when no command is given).
    Serve(ServeArgs),
    /// Estimate pi once, as SparkPi does, and print `Pi is roughly <pi>`.
    Pi(PiArgs),
    /// Spark SQL, as spark-sql: run a query, `-e`/`-f` scripts or statements from stdin, or,
    /// with none of them on a terminal, open an interactive shell.
    #[command(long_about = SQL_ABOUT)]
    Sql(SqlArgs),
    /// Run the DataSource example pipeline (normal samples, doubled, squared by a SQL UDF, to a
    /// Polars DataFrame) and print its size and first rows.
    Datasource(DatasourceArgs),
    /// Serve Apache Livy's REST API for any Livy client: sql sessions on Ember's engine, pyspark
    /// (Python) and spark (Scala) sessions on real Spark (local or a Spark cluster).
    LivyServer(LivyServerArgs),
    /// Run Ember's Spark SQL on a cluster: Apache Ballista's scheduler and executors, knowing
    /// every Ember function. `ember sql --master ballista://HOST:PORT` runs queries on it.
    #[command(subcommand)]
    Cluster(ClusterCommand),
}

#[derive(Subcommand, Debug)]
enum ClusterCommand {
    /// The scheduler: plans each query's stages and hands their tasks to executors. Stops on
    /// SIGTERM or Ctrl-C.
    Scheduler(SchedulerArgs),
    /// An executor: runs tasks and serves their shuffle data (Arrow Flight) to the others. On
    /// SIGTERM or Ctrl-C it tells the scheduler, lets running tasks finish and stops.
    Executor(ExecutorArgs),
}

#[derive(Args, Debug)]
struct SchedulerArgs {
    /// The address to listen on (loopback by default: anyone who reaches the port can run SQL
    /// that reads the executors' files).
    #[arg(long, env = "EMBER_SCHEDULER_HOST", default_value = "127.0.0.1")]
    host: String,
    /// The port (Ballista's 50050; 0 picks a free one, printed at start).
    #[arg(long, env = "EMBER_SCHEDULER_PORT", default_value_t = ember::cluster::DEFAULT_SCHEDULER_PORT)]
    port: u16,
    /// Seconds an executor may be silent before its tasks are run elsewhere and it is told to
    /// stop (at least 3: executors send a heartbeat every second).
    #[arg(long, default_value_t = 30)]
    executor_timeout_secs: u64,
}

#[derive(Args, Debug)]
struct ExecutorArgs {
    /// The scheduler, as HOST:PORT.
    #[arg(long, env = "EMBER_SCHEDULER", default_value = "127.0.0.1:50050")]
    scheduler: String,
    /// The address it serves shuffle data on, and how the others reach it (loopback by default).
    #[arg(long, env = "EMBER_EXECUTOR_HOST", default_value = "127.0.0.1")]
    host: String,
    /// The port it serves on (Ballista's 50051; 0 picks a free one); each executor on one
    /// machine needs its own.
    #[arg(long, env = "EMBER_EXECUTOR_PORT", default_value_t = ember::cluster::DEFAULT_EXECUTOR_PORT)]
    port: u16,
    /// The port the scheduler hands it tasks on (default, or 0: one the OS picks).
    #[arg(long, env = "EMBER_EXECUTOR_GRPC_PORT")]
    grpc_port: Option<u16>,
    /// Tasks it runs at once (default: the machine's cores).
    #[arg(long)]
    cores: Option<usize>,
    /// Where its shuffle files go (default: a temporary directory).
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// The most memory its tasks hold together, as Spark writes sizes (4g, 512m); past it they
    /// spill or fail. Default: unbounded.
    #[arg(long)]
    memory_limit: Option<String>,
    /// Seconds it keeps trying to reach the scheduler at start.
    #[arg(long, default_value_t = 30)]
    connect_timeout_secs: u64,
}

/// Where the application name and master come from: flag, environment, config file, default.
#[derive(Args, Debug, Clone)]
struct EngineArgs {
    /// The master: local, local[N], local[*] or local[N,F]; or livy://host:port (livy+https://
    /// for TLS) to run the work through that Livy server: `sql` in a sql session, `pi` and
    /// `serve` in a pyspark session (EMBER_LIVY_TOKEN, if set, is sent as a bearer token); or,
    /// spark://host:port (a Spark standalone master) to run `pi`, `sql`, `datasource` and
    /// `serve` on real Spark through a driver Ember starts and stops (needs PySpark:
    /// PYSPARK_PYTHON, else python3); or, for `sql`, ballista://host:port (a cluster `ember
    /// cluster` started) or local-cluster[N,cores,memoryMB] (one started in this process) to run
    /// the queries there.
    #[arg(long, env = "EMBER_MASTER")]
    master: Option<String>,
    /// The application name.
    #[arg(long, env = "EMBER_APP_NAME")]
    app_name: Option<String>,
    /// A config file: TOML, or an INI with a [spark] section (app_name, master_url).
    #[arg(long, env = "EMBER_CONFIG")]
    config: Option<PathBuf>,
}

/// The monitoring UI (Spark's web UI and REST API) of the command's context.
#[derive(Args, Debug, Clone)]
struct UiArgs {
    /// The monitoring UI's port (Spark's 4040; when taken, the next free one of the 16 after
    /// it; 0 for any). The UI shows jobs, stages, storage and SQL queries, and serves Spark's
    /// REST API under /api/v1.
    #[arg(long, env = "EMBER_UI_PORT", default_value_t = ember::ui::DEFAULT_UI_PORT)]
    ui_port: u16,
    /// The address the UI listens on (loopback unless told otherwise).
    #[arg(long, env = "EMBER_UI_HOST", default_value = "127.0.0.1")]
    ui_host: String,
    /// Host names the UI also answers to (comma-separated; `*` for any), besides the loopback
    /// names: needed with a non-loopback --ui-host.
    #[arg(long, env = "EMBER_UI_ALLOWED_HOSTS", value_delimiter = ',')]
    ui_allowed_hosts: Vec<String>,
    /// Do not start the UI (Spark's spark.ui.enabled=false).
    #[arg(long, env = "EMBER_NO_UI")]
    no_ui: bool,
}

impl UiArgs {
    /// Starts the UI of `ui` unless --no-ui; it logs `Spark UI available at http://…`. A UI that
    /// cannot start (every port of its range taken) is a warning, not a failure: the command's
    /// own work goes on without it.
    fn start(&self, ui: ember::ui::Ui) -> Result<Option<ember::ui::UiServer>, String> {
        if self.no_ui {
            return Ok(None);
        }
        let options = ember::ui::UiOptions {
            host: self.ui_host.clone(),
            port: self.ui_port,
            ..ember::ui::UiOptions::default()
        };
        let ui = ui.with_allowed_hosts(self.ui_allowed_hosts.iter().cloned());
        match ember::ui::start(ui, &options) {
            Ok(server) => Ok(Some(server)),
            Err(e) => {
                eprintln!(
                    "ember: warning: no monitoring UI: {e} (--ui-port moves it, --no-ui turns it off)"
                );
                Ok(None)
            }
        }
    }
}

/// Stops a UI started by [`UiArgs::start`], bounded; a UI that does not stop in time is left to
/// the process's exit.
fn stop_ui(ui: Option<ember::ui::UiServer>) {
    if let Some(ui) = ui
        && let Err(e) = ui.stop()
    {
        eprintln!("ember: {e}");
    }
}

impl EngineArgs {
    /// The settings: the config file's, overridden by flags and env.
    fn config(&self) -> Result<EngineConfig, String> {
        let file = match &self.config {
            Some(path) => EngineConfig::from_file(path).map_err(|e| e.to_string())?,
            None => EngineConfig::default(),
        };
        Ok(file.merge(EngineConfig {
            app_name: self.app_name.clone(),
            master: self.master.clone(),
            entries: Vec::new(),
        }))
    }

    /// An RDD context only: `serve` and `pi` start no SQL engine and no async runtime of it.
    fn context(&self, default_app: &str) -> Result<Context, String> {
        self.config()?
            .context(default_app)
            .map_err(|e| e.to_string())
    }

    /// A SQL session (and its RDD context), for the commands that run SQL; on a cluster for a
    /// `ballista://` or `local-cluster[...]` master.
    fn session(&self, default_app: &str) -> Result<Session, String> {
        self.config()?
            .session(default_app)
            .map_err(|e| e.to_string())
    }
}

#[derive(Parser, Debug)]
struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "EMBER_HOST", default_value = "0.0.0.0")]
    host: String,
    /// The port to listen on.
    #[arg(long, env = "PORT", default_value_t = 8080)]
    port: u16,
    /// The largest scale /sparkpi accepts.
    #[arg(long, env = "EMBER_MAX_SCALE", default_value_t = ember_web::DEFAULT_MAX_SCALE,
          value_parser = clap::value_parser!(u64).range(1..=MAX_SCALE_LIMIT))]
    max_scale: u64,
    /// Pi jobs that run at once.
    #[arg(long, env = "EMBER_MAX_JOBS", default_value_t = 4,
          value_parser = clap::value_parser!(u64).range(1..=MAX_RUNNING_JOBS_LIMIT as u64))]
    max_jobs: u64,
    /// Pi jobs that may wait for a slot before the service answers 503.
    #[arg(long, env = "EMBER_MAX_QUEUE", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(0..=MAX_QUEUED_JOBS_LIMIT as u64))]
    max_queue: u64,
    /// Seconds a pi job may take, queueing included, before it is cancelled (503).
    #[arg(long, env = "EMBER_JOB_TIMEOUT_SECS", default_value_t = 120,
          value_parser = clap::value_parser!(u64).range(1..=MAX_JOB_TIMEOUT.as_secs()))]
    job_timeout_secs: u64,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "EMBER_HTTP_WORKERS", value_parser = clap::value_parser!(u64).range(1..=1024))]
    http_workers: Option<u64>,
    /// Seconds in-flight requests get to finish after SIGTERM/SIGINT.
    #[arg(long, env = "EMBER_SHUTDOWN_GRACE_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(0..=MAX_SECS))]
    shutdown_grace_secs: u64,
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    ui: UiArgs,
}

#[derive(Args, Debug)]
struct PiArgs {
    /// Partitions; 100000 * scale samples.
    #[arg(long, default_value_t = ember_web::DEFAULT_SCALE,
          value_parser = clap::value_parser!(u64).range(1..=MAX_SCALE_LIMIT))]
    scale: u64,
    /// Seed, for a reproducible estimate.
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    engine: EngineArgs,
}

const SQL_ABOUT: &str = "Spark SQL, as spark-sql.

ember sql \"<query>\" runs one query and prints its result. -e \"<sql>\" and -f script.sql run
several statements (split on ';' outside strings and comments) in one session; so do statements
piped to stdin. After each statement, 'Time taken: … seconds, Fetched N row(s)' goes to stderr;
a failing statement prints 'Error in query: …' and stops the script with a non-zero exit.

With no query on a terminal, an interactive shell opens: statements end with ';' and may span
lines; Ctrl-C cancels the running statement (or the one being typed), Ctrl-D exits; history is
kept in ~/.ember_sql_history. The shell's queries and jobs show on the monitoring UI, as
spark-sql's do (http://127.0.0.1:4040; --ui-port, --no-ui).

Besides Spark SQL, statements may use SET key=value, SHOW TABLES, SHOW FUNCTIONS [LIKE 'p*'],
DESCRIBE [EXTENDED] view, CREATE TEMPORARY VIEW t USING parquet OPTIONS (path '...') and
SELECT ... FROM parquet.`path` (csv, json and arrow too).";

#[derive(Args, Debug)]
struct SqlArgs {
    /// One query, in Spark SQL (without it: -e, -f, stdin or the interactive shell).
    #[arg(conflicts_with_all = ["execute", "file"])]
    query: Option<String>,
    /// SQL statements to run, separated by ';'.
    #[arg(short = 'e', value_name = "SQL", conflicts_with = "file")]
    execute: Option<String>,
    /// A file of SQL statements to run, separated by ';'.
    #[arg(short = 'f', value_name = "FILE")]
    file: Option<PathBuf>,
    /// A Spark setting for the session, as KEY=VALUE (spark.sql.shuffle.partitions,
    /// spark.sql.session.timeZone, spark.sql.ansi.enabled, datafusion.*, ...). Repeatable.
    #[arg(long = "conf", value_name = "KEY=VALUE")]
    conf: Vec<String>,
    /// A temp view to register first, as NAME=PATH; the reader follows the extension
    /// (.parquet, .csv, .json, .arrow/.ipc), or for a directory its files' extension. Repeatable.
    #[arg(long = "view", value_name = "NAME=PATH")]
    views: Vec<String>,
    /// Output: table, csv, json (one object per line) or arrow (an Arrow IPC stream).
    #[arg(long, default_value = "table")]
    format: String,
    #[command(flatten)]
    engine: EngineArgs,
    /// The interactive shell's monitoring UI (one-shot queries and scripts start none).
    #[command(flatten)]
    ui: UiArgs,
}

#[derive(Args, Debug)]
struct DatasourceArgs {
    /// How many values to draw from N(2, 0.5).
    #[arg(long, default_value_t = 1000)]
    num_elements: usize,
    /// Seed, for reproducible values.
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    engine: EngineArgs,
}

/// Seconds the server's timers accept: ten years at most, so deadlines never overflow.
const MAX_SECS: u64 = 10 * 365 * 24 * 3600;

#[derive(Args, Debug)]
struct LivyServerArgs {
    /// The address to listen on (loopback by default: anyone who reaches the port can run SQL).
    #[arg(long, env = "EMBER_LIVY_HOST", default_value = "127.0.0.1")]
    host: String,
    /// The port to listen on (Livy's 8998; 0 picks a free one, printed at start).
    #[arg(long, env = "EMBER_LIVY_PORT", default_value_t = ember_livy::protocol::DEFAULT_PORT)]
    port: u16,
    /// The master of each session whose conf names no spark.master.
    #[arg(long, env = "EMBER_LIVY_SPARK_MASTER", default_value = "local[*]")]
    spark_master: String,
    /// Let sql statements read and write the server's files (CREATE EXTERNAL TABLE, COPY).
    /// pyspark sessions run any code as the server's user, files included, whatever this says.
    #[arg(long)]
    allow_file_access: bool,
    /// Require `Authorization: Bearer <token>` on every request (an empty token is refused).
    #[arg(long, env = "EMBER_LIVY_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Serve pyspark sessions (which run any code as the server's user) beyond loopback; needs
    /// --token. On a loopback address they are always served.
    #[arg(long)]
    allow_code_execution: bool,
    /// Host names the server answers to besides loopback and its bound address
    /// (comma-separated; `*` for any). Other Host headers get 403, which stops DNS rebinding.
    #[arg(long, env = "EMBER_LIVY_ALLOWED_HOSTS", value_delimiter = ',')]
    allowed_hosts: Vec<String>,
    /// Origins (http[s]://host[:port]) whose web pages may call the server besides its own
    /// (comma-separated; `*` for any). Requests with another Origin header get 403.
    #[arg(long, env = "EMBER_LIVY_ALLOWED_ORIGINS", value_delimiter = ',')]
    allowed_origins: Vec<String>,
    /// The Python that runs pyspark and spark (Scala) sessions (it needs pyspark; `just
    /// spark-env` makes one).
    #[arg(long, env = "EMBER_LIVY_PYTHON", default_value = "python3")]
    python: String,
    /// Spark configuration every pyspark session starts with, as KEY=VALUE (repeatable); a
    /// session's own conf overrides it.
    #[arg(long = "spark-conf", value_name = "KEY=VALUE")]
    spark_conf: Vec<String>,
    /// pyspark workers kept started, for sessions that ask for no conf of their own.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=64))]
    prestart: u64,
    /// spark (Scala) workers kept started the same way (each a JVM with Spark and the Scala
    /// interpreter running).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=16))]
    prestart_spark: u64,
    /// Refuse pyspark and spark (Scala) sessions (sql sessions only).
    #[arg(long)]
    no_pyspark: bool,
    /// Livy's CSRF protection: writes need an X-Requested-By header.
    #[arg(long)]
    csrf: bool,
    /// Rows a sql result carries at most (a session's conf may set livy.rsc.sql.num-rows).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    sql_row_cap: u64,
    /// Seconds without requests or work after which a session is deleted (0: never).
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(0..=MAX_SECS))]
    idle_timeout_secs: u64,
    /// Statements kept per session.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    retained_statements: u64,
    /// Sessions the server holds at most.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    max_sessions: u64,
    /// The largest statement, in bytes.
    #[arg(long, default_value_t = 1 << 20, value_parser = clap::value_parser!(u64).range(1..=(256 << 20)))]
    max_code_bytes: u64,
    /// HTTP worker threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=1024))]
    http_workers: u64,
    /// Seconds running statements and requests get after SIGTERM/SIGINT.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    shutdown_grace_secs: u64,
    /// The most a session's conf may raise its row cap to (livy.rsc.sql.num-rows).
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    max_sql_row_cap: u64,
    /// The largest result one statement keeps, in bytes of JSON; a larger one is an error.
    #[arg(long, default_value_t = 4 << 20, value_parser = clap::value_parser!(u64).range(1024..=(1 << 30)))]
    max_result_bytes: u64,
    /// The longest session log line, in bytes (longer ones, a worker's stderr included, are cut).
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(80..=(1 << 20)))]
    max_log_line_bytes: u64,
    /// Log lines kept per session.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    session_log_lines: u64,
    /// The most threads a session's local[N] master may ask for (default: this machine's cores;
    /// local[*] means this many).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4096))]
    max_session_cores: Option<u64>,
    /// Bytes of statement code that may wait in one session's queue.
    #[arg(long, default_value_t = 16 << 20, value_parser = clap::value_parser!(u64).range(1..=(1 << 34)))]
    max_queued_bytes: u64,
    /// Seconds one statement may run before it is cancelled (0: no limit); a session's conf may
    /// lower it with livy.statement.timeout.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(0..=MAX_SECS))]
    statement_timeout_secs: u64,
    /// Memory all sql sessions' queries may hold together, in MiB (sorts and joins spill or
    /// fail past it).
    #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u64).range(1..=(1 << 24)))]
    sql_memory_limit_mib: u64,
}

/// mimalloc (without transparent huge pages), as DataFusion's own CLI and Python bindings use:
/// TPC-H 3.6% faster for 9-28% more peak memory, measured with `scripts/tpch/builds.py`
/// (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        Some(c) => c,
        // `cargo run` with no arguments serves, reading flags' defaults and the environment.
        None => Command::Serve(ServeArgs::parse_from(["ember"])),
    };
    // A mistyped EMBER_SIMD would otherwise fall back to the best path without a word.
    if let Err(e) = ember::rdd::Simd::from_env() {
        eprintln!("ember: {e}");
        return ExitCode::FAILURE;
    }
    let result = match command {
        Command::Serve(args) => serve(args),
        Command::Pi(args) => pi(args),
        Command::Sql(args) => sql(args),
        Command::Datasource(args) => datasource(args),
        Command::LivyServer(args) => livy_server(args),
        Command::Cluster(ClusterCommand::Scheduler(args)) => cluster_scheduler(args),
        Command::Cluster(ClusterCommand::Executor(args)) => cluster_executor(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            if message != SCRIPT_FAILED {
                eprintln!("ember: {message}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr through a non-blocking writer: a background thread does the writes, so a
/// request's log line costs its handler a channel send, not a locked syscall. The guard flushes
/// what is queued when dropped: hold it until the command returns. (When the queue is full, new
/// lines are dropped rather than slowing requests down.)
fn init_logging(default_level: &str) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let (writer, guard) = tracing_appender::non_blocking(std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(writer)
        .try_init();
    guard
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let _log = init_logging("info");
    let livy = livy_master(&args.engine)?;
    let config = ServiceConfig {
        max_scale: args.max_scale,
        max_running_jobs: args.max_jobs as usize,
        max_queued_jobs: args.max_queue as usize,
        job_timeout: Duration::from_secs(args.job_timeout_secs),
        ..ServiceConfig::default()
    };
    // With a livy:// master, jobs run in one pyspark session on that server (created on the
    // first request, recreated if it dies); otherwise on an RDD context in this process.
    let mut livy_backend = None;
    let mut spark_backend = None;
    let mut ui = None;
    let spark = spark_master(&args.engine, "PythonPi", Vec::new())?;
    let service = match (&livy, spark) {
        (Some(url), _) => {
            let client = livy_client_builder(url)
                .build()
                .map_err(|e| e.to_string())?;
            let app = args
                .engine
                .config()?
                .app_name
                .unwrap_or_else(|| "PythonPi".into());
            let backend = Arc::new(ember::livy_pi::LivyPi::new(url, client, &app));
            livy_backend = Some(backend.clone());
            SparkPiService::with_backend(backend, config)
        }
        (None, Some((master, options))) => {
            // The driver starts with the first job; Spark's own UI shows its jobs.
            let backend =
                Arc::new(ember::spark::SparkPi::new(&master, options).map_err(|e| e.to_string())?);
            spark_backend = Some(backend.clone());
            SparkPiService::with_backend(backend, config)
        }
        (None, None) => {
            let ctx = args.engine.context("PythonPi")?;
            // The pi jobs' context has the UI; with a livy:// master, Spark's own has it.
            ui = args.ui.start(ember::ui::Ui::new(ctx.clone()))?;
            SparkPiService::new(ctx, config)
        }
    }
    .map_err(|e| e.to_string())?;
    let listener =
        ember_web::bind(&format!("{}:{}", args.host, args.port)).map_err(|e| e.to_string())?;
    if let Ok(addr) = listener.local_addr() {
        // Scripts and tests read the address (port 0 picks one) from this line.
        eprintln!("ember serve listening on http://{addr}");
    }
    let mut options = ServeOptions {
        shutdown_grace: Duration::from_secs(args.shutdown_grace_secs),
        ..ServeOptions::default()
    };
    if let Some(w) = args.http_workers {
        options.workers = w as usize;
    }
    let served = actix_web::rt::System::new()
        .block_on(async move {
            let served = ember_web::serve(service, listener, options, std::future::pending()).await;
            if let Some(backend) = livy_backend {
                // The pyspark session is the service's alone: delete it, bounded.
                let close = tokio::time::timeout(Duration::from_secs(10), backend.job().close());
                if !matches!(close.await, Ok(Ok(()))) {
                    eprintln!("ember: could not delete the Livy session of the pi jobs");
                }
            }
            served
        })
        .map_err(|e| e.to_string());
    if let Some(backend) = spark_backend {
        // The Spark driver is the service's alone: stop it with its worker and JVM, bounded.
        backend.close();
    }
    stop_ui(ui);
    served
}

fn pi(args: PiArgs) -> Result<(), String> {
    let _log = init_logging("warn");
    if let Some(url) = livy_master(&args.engine)? {
        let pi = pi_on_livy(&url, &args)?;
        return say(&format!(
            "Pi is roughly {}",
            ember_web::sparkpi::python_float(pi)
        ));
    }
    if let Some(driver) = spark_driver(&args.engine, "PythonPi", Vec::new())? {
        let pi = driver
            .pi(args.scale, args.seed)
            .map_err(|e| e.to_string())?;
        return say(&format!(
            "Pi is roughly {}",
            ember_web::sparkpi::python_float(pi)
        ));
    }
    let ctx = args.engine.context("PythonPi")?;
    let bar = progress_bar(&ctx, args.scale);
    let pi = ember_web::sparkpi::estimate_pi(&ctx, args.scale, args.seed);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let pi = pi.map_err(|e| e.to_string())?;
    say(&format!(
        "Pi is roughly {}",
        ember_web::sparkpi::python_float(pi)
    ))
}

fn sql(args: SqlArgs) -> Result<(), String> {
    let _log = init_logging("warn");
    let format: OutputFormat = args
        .format
        .parse()
        .map_err(|e: ember_sql::Error| e.to_string())?;
    if let Some(url) = args
        .engine
        .master
        .as_deref()
        .and_then(ember_livy::master_url)
    {
        return sql_on_livy(&url, &args, format);
    }
    if let Some((master, options)) =
        spark_master(&args.engine, "ember-sql", conf_entries(&args.conf)?)?
    {
        // What the command line asks is checked before a driver takes its seconds to start.
        let cap = spark_sql_row_cap(&args)?;
        return sql_on_spark(&start_spark_driver(&master, options)?, &args, format, cap);
    }
    let mut config = args.engine.config()?;
    config.entries.extend(conf_entries(&args.conf)?);
    let session = config.session("ember-sql").map_err(|e| e.to_string())?;
    // The DataSource example's UDF, for queries written against its `test` view.
    session
        .udf()
        .register("squared", |x: f64| x * x)
        .map_err(|e| e.to_string())?;
    session
        .register_views(&args.views)
        .map_err(|e| e.to_string())?;
    if let Some(query) = &args.query {
        let df = session.sql(query).map_err(|e| e.to_string())?;
        let mut out = Stdout::new();
        let written = df
            .write_to(format, &mut out)
            .map_err(|e| e.to_string())
            .and_then(|()| out.flush().map_err(|e| e.to_string()));
        return out.printed(written);
    }
    let mut shell = sql_shell::Shell::new(session, format)?;
    let Some(script) = script(&args)? else {
        // As spark-sql, the shell shows its queries and jobs on the monitoring UI.
        let ui = args.ui.start(ember::ui::for_session(shell.session()))?;
        if let Some(ui) = &ui {
            eprintln!("Spark UI available at {}", ui.url());
        }
        let ended = shell.interactive();
        stop_ui(ui);
        return ended;
    };
    script_ended(shell.run_script(&script))
}

/// The statements `ember sql` runs without a query: `-e`'s, `-f`'s file's, or stdin's; `None`
/// when stdin is a terminal (the interactive shell).
fn script(args: &SqlArgs) -> Result<Option<String>, String> {
    Ok(Some(match (&args.execute, &args.file) {
        (Some(sql), _) => sql.clone(),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        (None, None) if sql_shell::stdin_is_terminal() => return Ok(None),
        (None, None) => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            text
        }
    }))
}

/// What a script's run comes to: a failed statement has printed its error already, as
/// spark-sql prints it.
fn script_ended(succeeded: bool) -> Result<(), String> {
    if succeeded {
        Ok(())
    } else {
        Err(SCRIPT_FAILED.to_owned())
    }
}

/// The error `sql` returns when a statement of a script failed and said so itself.
const SCRIPT_FAILED: &str = "a statement failed";

/// `--conf KEY=VALUE` entries.
fn conf_entries(conf: &[String]) -> Result<Vec<(String, String)>, String> {
    conf.iter()
        .map(|entry| {
            entry
                .split_once('=')
                .filter(|(k, _)| !k.trim().is_empty())
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| format!("--conf takes KEY=VALUE, got '{entry}'"))
        })
        .collect()
}

/// A Livy client for the server at `url` (a `livy://` master's, through
/// `ember_livy::master_url`), sending the token in `EMBER_LIVY_TOKEN` when it is set.
fn livy_client_builder(url: &str) -> ember_livy::LivyClientBuilder {
    ember_livy::LivyClient::builder(url).bearer_token_from_env()
}

/// The Livy master of a command, if its master (flag, env or config file) is `livy://…`.
fn livy_master(engine: &EngineArgs) -> Result<Option<String>, String> {
    Ok(engine
        .config()?
        .master
        .as_deref()
        .and_then(ember_livy::master_url))
}

/// The master and driver options of a command whose master (flag, env or config file) is
/// `spark://…` (`ember::spark`), with the config's other `spark.*` settings and `extra`
/// (`--conf`), and `livy.rsc.sql.num-rows`; `None` for any other master.
fn spark_master(
    engine: &EngineArgs,
    default_app: &str,
    extra: Vec<(String, String)>,
) -> Result<Option<(String, ember::spark::DriverOptions)>, String> {
    let config = engine.config()?;
    let Some(master) = config
        .master
        .as_deref()
        .filter(|m| m.starts_with("spark://"))
    else {
        return Ok(None);
    };
    let mut options =
        ember::spark::DriverOptions::new(config.app_name.as_deref().unwrap_or(default_app));
    options.conf = config
        .entries
        .iter()
        .cloned()
        .chain(extra)
        .filter(|(k, _)| {
            // The row cap of `sql` is the driver's to apply (see `sql_on_spark`).
            (k.starts_with("spark.") || k == ember_livy_server::sql::ROW_CAP_KEY)
                && k != "spark.master"
                && k != "spark.app.name"
        })
        .collect();
    Ok(Some((master.to_owned(), options)))
}

/// A started Spark driver for a command whose master is `spark://…` (see [`spark_master`]).
fn spark_driver(
    engine: &EngineArgs,
    default_app: &str,
    extra: Vec<(String, String)>,
) -> Result<Option<ember::spark::SparkDriver>, String> {
    let Some((master, options)) = spark_master(engine, default_app, extra)? else {
        return Ok(None);
    };
    start_spark_driver(&master, options).map(Some)
}

/// Starts a Spark driver on `master` (see [`spark_master`]), saying so on stderr.
fn start_spark_driver(
    master: &str,
    options: ember::spark::DriverOptions,
) -> Result<ember::spark::SparkDriver, String> {
    eprintln!("ember: starting a Spark driver on {master}");
    ember::spark::SparkDriver::start(master, options).map_err(|e| e.to_string())
}

/// `ember pi --master livy://…`: the job runs as a pyspark statement, in a session deleted
/// afterwards.
fn pi_on_livy(url: &str, args: &PiArgs) -> Result<f64, String> {
    let app = args
        .engine
        .config()?
        .app_name
        .unwrap_or_else(|| "PythonPi".into());
    let runtime = ember_runtime::Runtime::builder("ember-pi")
        .build()
        .map_err(|e| e.to_string())?;
    let (url, scale, seed) = (url.to_owned(), args.scale, args.seed);
    // Unbounded here: each request has the Livy client's timeouts, the statement its own.
    let job = async move {
        let client = livy_client_builder(&url)
            .build()
            .map_err(|e| e.to_string())?;
        let backend = ember::livy_pi::LivyPi::new(&url, client, &app);
        let pi = backend
            .job()
            .estimate_until(scale, seed, std::future::pending())
            .await;
        if let Err(e) = backend.job().close().await {
            eprintln!("ember: could not delete the Livy session: {e}");
        }
        pi.map_err(|e| e.to_string())
    };
    runtime
        .block_on("the pi job on Livy", None, job)
        .map_err(|e| e.to_string())?
}

/// `ember sql --master livy://…`: the query runs in a new sql session on that server, which is
/// deleted afterwards; the result prints as the local command prints it.
fn sql_on_livy(url: &str, args: &SqlArgs, format: OutputFormat) -> Result<(), String> {
    use ember_livy::protocol::{CreateSession, SessionKind};
    let Some(query) = &args.query else {
        return Err(
            "-e, -f, stdin and the interactive shell run locally; with a livy:// master give one query"
                .into(),
        );
    };
    if !args.views.is_empty() {
        return Err(
            "--view registers local files, which a Livy server cannot read; create the views with SQL on the server instead"
                .into(),
        );
    }
    let client = ember_livy::blocking::LivyClient::from_builder(livy_client_builder(url))
        .map_err(|e| e.to_string())?;
    let request = CreateSession {
        kind: Some(SessionKind::Sql),
        name: None,
        conf: {
            let mut conf: std::collections::BTreeMap<String, String> =
                conf_entries(&args.conf)?.into_iter().collect();
            if let Some(n) = &args.engine.app_name {
                conf.insert("spark.app.name".to_owned(), n.clone());
            }
            (!conf.is_empty()).then_some(conf)
        },
        ..CreateSession::default()
    };
    let session = client.start_session(&request).map_err(|e| e.to_string())?;
    let result = session.sql(query);
    // The session is ours alone: delete it whatever the query did.
    let deleted = session.delete();
    let batch = result.map_err(|e| e.to_string())?;
    if let Err(e) = deleted {
        eprintln!("ember: could not delete the Livy session: {e}");
    }
    print_batch(batch, format)
}

/// `ember sql --master spark://…`: the query, or each statement of `-e`, `-f` or stdin (as the
/// local command runs them, `Time taken` lines and all), runs as Spark SQL on the driver Ember
/// started, one SparkSession for all of them; results print as the local command prints them,
/// at most Livy's row cap of rows each (with a note on stderr when a result reaches it).
fn sql_on_spark(
    driver: &ember::spark::SparkDriver,
    args: &SqlArgs,
    format: OutputFormat,
    cap: usize,
) -> Result<(), String> {
    let key = ember_livy_server::sql::ROW_CAP_KEY;
    let run = |statement: &str| {
        let batch = driver.sql(statement).map_err(|e| e.to_string())?;
        if batch.num_columns() > 0 && batch.num_rows() >= cap {
            eprintln!(
                "ember: the result stops at {} rows (the row cap of a sql statement on Spark; raise it with --conf {key}=N)",
                batch.num_rows()
            );
        }
        Ok(batch)
    };
    if let Some(query) = &args.query {
        return print_batch(run(query)?, format);
    }
    let Some(script) = script(args)? else {
        return Err(
            "the interactive shell runs locally; with a spark:// master give a query, -e, -f or statements on stdin"
                .into(),
        );
    };
    script_ended(sql_shell::run_script(&script, format, |statement| {
        run(statement).map(sql_shell::Answer::of)
    }))
}

/// The rows a result of `ember sql --master spark://…` carries at most: `--conf
/// livy.rsc.sql.num-rows`, else Livy's default (both as the Livy server's sql sessions have
/// them); an error for what the driver cannot do (`--view`, a cap out of bounds).
fn spark_sql_row_cap(args: &SqlArgs) -> Result<usize, String> {
    if !args.views.is_empty() {
        return Err(
            "--view registers files on this machine, which the cluster may not see; create the views with SQL (CREATE TEMPORARY VIEW … USING parquet OPTIONS (path …)) instead"
                .into(),
        );
    }
    let key = ember_livy_server::sql::ROW_CAP_KEY;
    let limits = ember_livy_server::ServerConfig::default();
    let Some((_, v)) = conf_entries(&args.conf)?
        .into_iter()
        .find(|(k, _)| k == key)
    else {
        return Ok(limits.sql_row_cap);
    };
    match v.parse::<usize>() {
        Ok(n) if (1..=limits.max_sql_row_cap).contains(&n) => Ok(n),
        _ => Err(format!(
            "{key} must be a whole number from 1 to {}, got '{v}'",
            limits.max_sql_row_cap
        )),
    }
}

/// Prints `batch` to stdout as `format` (see [`Stdout`] for a reader that went away).
fn print_batch(
    batch: arrow::record_batch::RecordBatch,
    format: OutputFormat,
) -> Result<(), String> {
    let mut out = Stdout::new();
    let written = ember_sql::export::render(&batch.schema(), &[batch], format, &mut out)
        .map_err(|e| e.to_string())
        .and_then(|()| out.flush().map_err(|e| e.to_string()));
    out.printed(written)
}

/// Prints `text` and a newline to stdout (see [`Stdout`] for a reader that went away).
fn say(text: &str) -> Result<(), String> {
    let mut out = Stdout::new();
    let written = writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string());
    out.printed(written)
}

/// A command's stdout, which remembers whether its reader went away (`ember … | head`) however
/// the writer above it reports that (Arrow's CSV writer keeps only the text of the I/O error).
/// A reader that went away is not a failure: it has what it wanted, so the command stops
/// writing and ends quietly with success, as Unix tools do (Rust's `println!` would panic).
pub(crate) struct Stdout {
    out: std::io::StdoutLock<'static>,
    reader_gone: bool,
}

impl Stdout {
    pub(crate) fn new() -> Self {
        Stdout {
            out: std::io::stdout().lock(),
            reader_gone: false,
        }
    }

    /// What writing came to: success if the reader went away.
    pub(crate) fn printed(&self, written: Result<(), String>) -> Result<(), String> {
        if self.reader_gone { Ok(()) } else { written }
    }

    /// Whether the reader went away.
    pub(crate) fn reader_gone(&self) -> bool {
        self.reader_gone
    }

    fn note<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result {
            self.reader_gone |= e.kind() == std::io::ErrorKind::BrokenPipe;
        }
        result
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.out.write(buf);
        self.note(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = self.out.flush();
        self.note(flushed)
    }
}

/// The non-empty entries of a comma-separated list, trimmed.
fn trimmed(list: Vec<String>) -> Vec<String> {
    list.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Runs a cluster process's service (Ballista's scheduler and executor are async services) on
/// a runtime with a worker per core, until it ends or a signal stops it: unbounded, as a
/// service is.
fn run_cluster_service(
    what: &str,
    service: impl std::future::Future<Output = Result<(), String>> + Send + 'static,
) -> Result<(), String> {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let runtime = ember_runtime::Runtime::builder("ember-cluster")
        .threads(cores)
        .build()
        .map_err(|e| e.to_string())?;
    let until_signal = async move {
        tokio::select! {
            ended = service => ended,
            () = ember_serve::shutdown_signal() => Ok(()),
        }
    };
    runtime
        .block_on(what, None, until_signal)
        .map_err(|e| e.to_string())?
}

fn cluster_scheduler(args: SchedulerArgs) -> Result<(), String> {
    let _log = init_logging("info");
    let options = ember::cluster::SchedulerOptions {
        host: args.host,
        port: args.port,
        executor_timeout: Duration::from_secs(args.executor_timeout_secs.max(1)),
        ..ember::cluster::SchedulerOptions::default()
    };
    run_cluster_service("the cluster scheduler", async move {
        let scheduler = ember::cluster::Scheduler::bind(options)
            .await
            .map_err(|e| e.to_string())?;
        // The line scripts and tests wait for: the address, with the port 0 picked.
        eprintln!(
            "ember: cluster scheduler listening on ballista://{}",
            scheduler.address()
        );
        scheduler.serve().await.map_err(|e| e.to_string())
    })?;
    eprintln!("ember: cluster scheduler stopped");
    Ok(())
}

fn cluster_executor(args: ExecutorArgs) -> Result<(), String> {
    let _log = init_logging("info");
    let memory_limit = match &args.memory_limit {
        Some(text) => Some(ember::sql::parse_size(text).ok_or_else(|| {
            format!("--memory-limit: expected a size such as 4g or 512m, got '{text}'")
        })? as u64),
        None => None,
    };
    let mut options = ember::cluster::ExecutorOptions {
        scheduler: args.scheduler,
        host: args.host,
        port: args.port,
        grpc_port: args.grpc_port,
        work_dir: args.work_dir,
        memory_limit,
        connect_timeout: Duration::from_secs(args.connect_timeout_secs.max(1)),
        ..ember::cluster::ExecutorOptions::default()
    };
    if let Some(cores) = args.cores {
        options.cores = cores.max(1);
    }
    // With port 0 the executor logs the port it bound.
    eprintln!(
        "ember: cluster executor on {} for the scheduler at {}",
        options.host, options.scheduler
    );
    run_cluster_service("the cluster executor", async move {
        ember::cluster::run_executor(options)
            .await
            .map_err(|e| e.to_string())
    })?;
    eprintln!("ember: cluster executor stopped");
    Ok(())
}

fn livy_server(args: LivyServerArgs) -> Result<(), String> {
    let _log = init_logging("info");
    // An empty token used to turn authentication off without a word.
    if args.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(
            "--token (EMBER_LIVY_TOKEN) is empty: give a token, or unset it to serve without one"
                .into(),
        );
    }
    let config = ember_livy_server::ServerConfig {
        default_master: args.spark_master,
        allow_file_access: args.allow_file_access,
        token: args.token,
        allow_code_execution: args.allow_code_execution,
        allowed_hosts: trimmed(args.allowed_hosts),
        allowed_origins: trimmed(args.allowed_origins),
        csrf: args.csrf,
        sql_row_cap: args.sql_row_cap as usize,
        idle_timeout: (args.idle_timeout_secs > 0)
            .then(|| Duration::from_secs(args.idle_timeout_secs)),
        retained_statements: args.retained_statements as usize,
        max_sessions: args.max_sessions as usize,
        max_code_bytes: args.max_code_bytes as usize,
        max_body_bytes: ember_livy_server::ServerConfig::body_limit_for(
            args.max_code_bytes as usize,
        ),
        max_sql_row_cap: args.max_sql_row_cap as usize,
        max_result_bytes: args.max_result_bytes as usize,
        max_log_line_bytes: args.max_log_line_bytes as usize,
        session_log_lines: args.session_log_lines as usize,
        max_queued_bytes: args.max_queued_bytes as usize,
        statement_timeout: (args.statement_timeout_secs > 0)
            .then(|| Duration::from_secs(args.statement_timeout_secs)),
        sql_memory_limit: (args.sql_memory_limit_mib as usize).saturating_mul(1 << 20),
        ..ember_livy_server::ServerConfig::default()
    };
    let config = match args.max_session_cores {
        Some(n) => ember_livy_server::ServerConfig {
            max_session_cores: n as usize,
            ..config
        },
        None => config,
    };
    let mut default_conf = std::collections::BTreeMap::new();
    for entry in &args.spark_conf {
        let (k, v) = entry
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| format!("--spark-conf takes KEY=VALUE, got '{entry}'"))?;
        default_conf.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    let pyspark = (!args.no_pyspark).then(|| ember_livy_server::pyspark::PySparkConfig {
        python: args.python.clone(),
        default_conf,
        prestart: args.prestart as usize,
        scala_prestart: args.prestart_spark as usize,
        ..ember_livy_server::pyspark::PySparkConfig::default()
    });
    let config = ember_livy_server::ServerConfig { pyspark, ..config };
    let server = ember_livy_server::LivyServer::new(config).map_err(|e| e.to_string())?;
    let target = format!("{}:{}", args.host, args.port);
    // Refused before binding, so nothing listens even for a moment.
    if let Ok(addrs) = std::net::ToSocketAddrs::to_socket_addrs(&target) {
        for addr in addrs {
            if let Some(reason) = server.exposure_refusal(addr) {
                return Err(reason);
            }
        }
    }
    let listener = ember_livy_server::bind(&target).map_err(|e| e.to_string())?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    if let Some(reason) = server.exposure_refusal(local) {
        return Err(reason);
    }
    if let Ok(addr) = listener.local_addr() {
        // Scripts and tests read the address (port 0 picks one) from this line.
        eprintln!("ember livy-server listening on http://{addr}");
    }
    let options = ember_livy_server::ServeOptions {
        workers: args.http_workers as usize,
        shutdown_grace: Duration::from_secs(args.shutdown_grace_secs),
        ..ember_livy_server::ServeOptions::default()
    };
    actix_web::rt::System::new()
        .block_on(ember_livy_server::serve(
            server,
            listener,
            options,
            std::future::pending(),
        ))
        .map_err(|e| e.to_string())
}

fn datasource(args: DatasourceArgs) -> Result<(), String> {
    let _log = init_logging("warn");
    if let Some(driver) = spark_driver(&args.engine, "My PySpark App", Vec::new())? {
        let (count, head) =
            ember::data_source::data_source_on_spark(&driver, args.num_elements, args.seed, 10)
                .map_err(|e| e.to_string())?;
        let head = ember_sql::export::batches_to_polars(&head.schema(), &[head])
            .map_err(|e| e.to_string())?;
        return say(&format!(
            "Got Polars dataframe with {count} elements\n{head}"
        ));
    }
    let session = args.engine.session("My PySpark App")?;
    let df = ember::data_source::data_source(&session, args.num_elements, args.seed)
        .and_then(|df| df.to_polars())
        .map_err(|e| e.to_string())?;
    say(&format!(
        "Got Polars dataframe with {} elements\n{}",
        df.height() * df.width(),
        df.head(Some(10))
    ))
}

/// A bar of finished tasks on stderr, for jobs with enough partitions to take a while; indicatif
/// draws nothing when stderr is not a terminal.
fn progress_bar(ctx: &Context, tasks: u64) -> Option<indicatif::ProgressBar> {
    if tasks < 64 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(tasks);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} partitions ({eta} left)",
    ) {
        bar.set_style(style);
    }
    let ticker = bar.clone();
    ctx.add_listener(Arc::new(move |e: &Event| {
        if let Event::TaskEnd {
            succeeded: true, ..
        } = e
        {
            ticker.inc(1);
        }
    }));
    Some(bar)
}
