//! The `ember` command line: `ember serve` (the default) runs the SparkPi service;
//! `ember pi` estimates pi once.

mod config;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use ember_rdd::{Context, Event};
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
    fn context(&self, default_app: &str) -> Result<Context, String> {
        let file = match &self.config {
            Some(path) => config::load(path)?,
            None => config::FileConfig::default(),
        };
        let app = self
            .app_name
            .clone()
            .or(file.app_name)
            .unwrap_or_else(|| default_app.to_owned());
        let master = self
            .master
            .clone()
            .or(file.master_url)
            .unwrap_or_else(|| "local[*]".to_owned());
        Context::new(app, &master).map_err(|e| e.to_string())
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
        .with_writer(std::io::stderr)
        .try_init();
}

fn serve(args: ServeArgs) -> Result<(), String> {
    init_logging("info");
    let ctx = args.engine.context("PythonPi")?;
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
    let ctx = args.engine.context("PythonPi")?;
    let bar = progress_bar(&ctx, args.scale);
    let pi = ember_web::sparkpi::estimate_pi(&ctx, args.scale, args.seed);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let pi = pi.map_err(|e| e.to_string())?;
    println!("Pi is roughly {}", ember_web::sparkpi::python_float(pi));
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
