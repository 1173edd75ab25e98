//! The `ember` command line: `ember serve` (the default) runs the SparkPi service; `ember pi`
//! estimates pi once; `ember sql` queries files; `ember datasource` runs the third seed's pipeline.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use ember_rdd::{Context, Event};
use ember_sql::{OutputFormat, Session};
use ember_web::{ServeOptions, ServiceConfig, SparkPiService};

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
    /// Run a Spark SQL query over files registered as temp views and print the result.
    Sql(SqlArgs),
    /// Run the third seed's DataSource.get_data pipeline and print its size and first rows.
    Datasource(DatasourceArgs),
}

/// Where the application name and master come from: flag, environment, config file, default.
#[derive(Args, Debug, Clone)]
struct EngineArgs {
    /// The master: local, local[N], local[*] or local[N,F].
    #[arg(long, env = "EMBER_MASTER")]
    master: Option<String>,
    /// The application name.
    #[arg(long, env = "EMBER_APP_NAME")]
    app_name: Option<String>,
    /// A config file: TOML, or INI like the seeds' data_source.ini ([spark] app_name, master_url).
    #[arg(long, env = "EMBER_CONFIG")]
    config: Option<PathBuf>,
}

impl EngineArgs {
    /// A session (and its RDD context): defaults, then the config file, then flags and env.
    fn session(&self, default_app: &str) -> Result<Session, String> {
        let mut builder = Session::builder().app_name(default_app);
        if let Some(path) = &self.config {
            builder = builder.config_file(path).map_err(|e| e.to_string())?;
        }
        if let Some(app) = &self.app_name {
            builder = builder.app_name(app);
        }
        if let Some(master) = &self.master {
            builder = builder.master(master);
        }
        builder.get_or_create().map_err(|e| e.to_string())
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
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    max_scale: u64,
    /// Pi jobs that run at once.
    #[arg(long, env = "EMBER_MAX_JOBS", default_value_t = 4,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    max_jobs: u64,
    /// Pi jobs that may wait for a slot before the service answers 503.
    #[arg(long, env = "EMBER_MAX_QUEUE", default_value_t = 64)]
    max_queue: usize,
    /// Seconds a pi job may take, queueing included, before it is cancelled (503).
    #[arg(long, env = "EMBER_JOB_TIMEOUT_SECS", default_value_t = 120,
          value_parser = clap::value_parser!(u64).range(1..))]
    job_timeout_secs: u64,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "EMBER_HTTP_WORKERS", value_parser = clap::value_parser!(u64).range(1..=1024))]
    http_workers: Option<u64>,
    /// Seconds in-flight requests get to finish after SIGTERM/SIGINT.
    #[arg(long, env = "EMBER_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    shutdown_grace_secs: u64,
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(Args, Debug)]
struct PiArgs {
    /// Partitions; 100000 * scale samples.
    #[arg(long, default_value_t = ember_web::DEFAULT_SCALE,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    scale: u64,
    /// Seed, for a reproducible estimate.
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(Args, Debug)]
struct SqlArgs {
    /// The query, in Spark SQL.
    query: String,
    /// A temp view to register first, as NAME=PATH; the reader follows the extension
    /// (.parquet, .csv, .json, .arrow/.ipc). Repeatable.
    #[arg(long = "view", value_name = "NAME=PATH")]
    views: Vec<String>,
    /// Output: table, csv, json (one object per line) or arrow (an Arrow IPC stream).
    #[arg(long, default_value = "table")]
    format: String,
    #[command(flatten)]
    engine: EngineArgs,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        Some(c) => c,
        // `cargo run` with no arguments serves, reading flags' defaults and the environment.
        None => Command::Serve(ServeArgs::parse_from(["ember"])),
    };
    let result = match command {
        Command::Serve(args) => serve(args),
        Command::Pi(args) => pi(args),
        Command::Sql(args) => sql(args),
        Command::Datasource(args) => datasource(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ember: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

fn serve(args: ServeArgs) -> Result<(), String> {
    init_logging("info");
    let session = args.engine.session("PythonPi")?;
    let ctx = session.context().clone();
    let config = ServiceConfig {
        max_scale: args.max_scale,
        max_running_jobs: args.max_jobs as usize,
        max_queued_jobs: args.max_queue,
        job_timeout: Duration::from_secs(args.job_timeout_secs),
        ..ServiceConfig::default()
    };
    let service = SparkPiService::new(ctx, config).map_err(|e| e.to_string())?;
    let listener =
        ember_web::bind(&format!("{}:{}", args.host, args.port)).map_err(|e| e.to_string())?;
    let mut options = ServeOptions {
        shutdown_grace: Duration::from_secs(args.shutdown_grace_secs),
        ..ServeOptions::default()
    };
    if let Some(w) = args.http_workers {
        options.workers = w as usize;
    }
    actix_web::rt::System::new()
        .block_on(ember_web::serve(
            service,
            listener,
            options,
            std::future::pending(),
        ))
        .map_err(|e| e.to_string())
}

fn pi(args: PiArgs) -> Result<(), String> {
    init_logging("warn");
    let session = args.engine.session("PythonPi")?;
    let ctx = session.context();
    let bar = progress_bar(ctx, args.scale);
    let pi = ember_web::sparkpi::estimate_pi(ctx, args.scale, args.seed);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let pi = pi.map_err(|e| e.to_string())?;
    println!("Pi is roughly {}", ember_web::sparkpi::python_float(pi));
    Ok(())
}

fn sql(args: SqlArgs) -> Result<(), String> {
    init_logging("warn");
    let format: OutputFormat = args
        .format
        .parse()
        .map_err(|e: ember_sql::Error| e.to_string())?;
    let session = args.engine.session("ember-sql")?;
    session
        .register_views(&args.views)
        .map_err(|e| e.to_string())?;
    let df = session.sql(&args.query).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    df.write_to(format, &mut out).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

fn datasource(args: DatasourceArgs) -> Result<(), String> {
    init_logging("warn");
    let session = args.engine.session("My PySpark App")?;
    let df = ember_sql::seed::data_source(&session, args.num_elements, args.seed)
        .and_then(|df| df.to_polars())
        .map_err(|e| e.to_string())?;
    println!(
        "Got Polars dataframe with {} elements",
        df.height() * df.width()
    );
    println!("{}", df.head(Some(10)));
    Ok(())
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
