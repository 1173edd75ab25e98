//! The driver process: a Python worker running Ember's REPL driver (`driver.py`, shipped inside
//! this crate), which builds a `SparkSession` and runs statements with Livy's semantics. Ember
//! and the worker speak JSON lines over the worker's stdin and stdout; its stderr (the JVM's log
//! included) goes to the driver's log.
//!
//! The worker runs in a process group of its own, so stopping a driver stops the Python process
//! and its JVM together: no orphans.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use serde_json::{Map, Value, json};
use tokio::sync::{mpsc, oneshot};

use crate::error::Error;
use crate::execution::{Death, Execution};
use crate::lines::{LOG_LINE_BYTES, cut_text, read_line_bounded};
use crate::master::cap_master;

/// What a driver's errors call it.
const WORKER: &str = "the Python worker";

/// The language of a statement: a driver runs all three on its one SparkContext (Apache Livy
/// 0.5+'s statement kinds), so a temp view one makes the others see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Python, with `spark` and `sc` bound (Livy's `pyspark`).
    Python,
    /// Scala, with `spark` and `sc` bound (Livy's `spark`).
    Scala,
    /// Spark SQL, answered as Livy's sql table (Livy's `sql`).
    Sql,
}

impl Language {
    /// Livy's name of the language (`pyspark`, `spark`, `sql`), as the worker's protocol says it.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "pyspark",
            Language::Scala => "spark",
            Language::Sql => "sql",
        }
    }
}

/// Where a driver writes what it has to tell: its stderr lines (its JVM's log), its start-up and
/// what it cut. A Livy session's log, a command's stderr.
pub trait DriverLog: Send + Sync + std::fmt::Debug {
    /// Appends one line.
    fn push(&self, line: String);
}

/// A log that keeps nothing (a driver whose stderr nobody reads; a failure still names its last
/// lines, which the driver keeps itself).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLog;

impl DriverLog for NoLog {
    fn push(&self, _line: String) {}
}

/// What a driver is started with.
#[derive(Debug, Clone)]
pub struct DriverSpec {
    /// The application's name (Spark's `spark.app.name`).
    pub app_name: String,
    /// Spark settings (`spark.master` among them overrides the factory's default master).
    pub conf: BTreeMap<String, String>,
    /// Where the driver's output goes.
    pub log: Arc<dyn DriverLog>,
}

/// The language a worker's statements are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repl {
    /// Python: `pyspark` sessions.
    Python,
    /// Scala, on an interpreter in the worker's JVM: `spark` sessions (see the `scala` module).
    Scala,
}

impl Repl {
    /// The program the worker runs.
    fn program(self) -> &'static str {
        DRIVER
    }

    /// The language of its statements.
    pub fn language(self) -> Language {
        match self {
            Repl::Python => Language::Python,
            Repl::Scala => Language::Scala,
        }
    }
}

/// The REPL driver each worker runs: the Scala section, then the pyspark driver. Every worker
/// can run all three statement kinds (a pyspark session makes its Scala interpreter for its
/// first `spark` statement); its start request says which is the session's own.
pub const DRIVER: &str = concat!(include_str!("scala.py"), "\n", include_str!("driver.py"));

/// Log lines of a worker's stderr kept to explain a failure.
const STDERR_TAIL: usize = 20;

/// How pyspark workers start.
#[derive(Debug, Clone)]
pub struct PySparkConfig {
    /// The Python interpreter (`python3`; `EMBER_LIVY_PYTHON`).
    pub python: String,
    /// Spark configuration every session starts with; a session's own conf overrides it.
    pub default_conf: BTreeMap<String, String>,
    /// pyspark workers started ahead, with the default conf, for sessions that ask for no conf.
    pub prestart: usize,
    /// `spark` (Scala) workers started ahead the same way: their JVM, Spark and Scala
    /// interpreter start before a session asks (several seconds each).
    pub scala_prestart: usize,
    /// Environment variables for the workers, on top of the server's own environment. Unless
    /// one of the two sets it, `SPARK_LOCAL_IP` is `127.0.0.1`, which keeps Spark on loopback.
    pub env: BTreeMap<String, String>,
    /// How long a driver may take to start ([`Driver::start`]): its JVM, its SparkSession, a
    /// Scala driver's interpreter. Ten minutes by default (a cluster's executors may be slow to
    /// come).
    pub start_timeout: Duration,
}

impl Default for PySparkConfig {
    fn default() -> Self {
        PySparkConfig {
            python: "python3".into(),
            default_conf: BTreeMap::new(),
            prestart: 0,
            scala_prestart: 0,
            env: BTreeMap::new(),
            start_timeout: Duration::from_secs(600),
        }
    }
}

/// Spark settings that keep a worker's JVM on loopback, each applied unless `conf` sets that key:
/// the driver's RPC and block manager bind and advertise 127.0.0.1, and the web UI (which
/// would listen on every interface, port 4040 up) is off. A session on a cluster beyond this
/// machine sets `spark.driver.host` (and `spark.driver.bindAddress`) in its conf.
pub const LOOPBACK_CONF: [(&str, &str); 3] = [
    ("spark.driver.host", "127.0.0.1"),
    ("spark.driver.bindAddress", "127.0.0.1"),
    ("spark.ui.enabled", "false"),
];

/// `conf` with [`LOOPBACK_CONF`] under it.
fn loopback_conf(conf: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut all: BTreeMap<String, String> = LOOPBACK_CONF
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    all.extend(conf.iter().map(|(k, v)| (k.clone(), v.clone())));
    all
}

/// Bytes a worker's reply may have beyond the result it carries (its JSON envelope).
const REPLY_OVERHEAD: usize = 64 << 10;

/// What one session may take from its worker.
#[derive(Debug, Clone, Copy)]
struct WorkerLimits {
    /// The largest reply line (a statement's result with its envelope).
    reply_bytes: usize,
    /// The largest result, as the server's limit names it.
    result_bytes: usize,
    /// The longest stderr line kept.
    log_line_bytes: usize,
}

impl Default for WorkerLimits {
    fn default() -> Self {
        WorkerLimits {
            reply_bytes: (4 << 20) + REPLY_OVERHEAD,
            result_bytes: 4 << 20,
            log_line_bytes: LOG_LINE_BYTES,
        }
    }
}

/// A message from a worker.
#[derive(Debug)]
enum Event {
    Message(Value),
    /// A reply longer than the limit: dropped as it was read.
    Oversize(usize),
    /// Its stdout closed: it exited.
    Exited,
}

/// How long a completion request waits for the worker's answer; past it, it offers nothing.
const COMPLETION_TIMEOUT: Duration = Duration::from_secs(5);

/// Completion requests waiting for the worker's answer, by request number.
type PendingCompletions = Arc<Mutex<HashMap<u64, oneshot::Sender<Vec<String>>>>>;

/// A running worker process.
#[derive(Debug)]
struct Worker {
    pid: u32,
    child: Mutex<Child>,
    stdin: Mutex<Option<ChildStdin>>,
    /// Statement results and other replies, in order (the running statement reads them).
    events: tokio::sync::Mutex<mpsc::UnboundedReceiver<Event>>,
    /// The last progress the worker reported: (statement id, finished share of its tasks).
    progress: Arc<Mutex<Option<(u64, f64)>>>,
    /// Completion answers go straight to their request, never through `events`, so a
    /// completion is answered while a statement runs.
    completions: PendingCompletions,
    next_completion: AtomicU64,
    stderr_tail: Arc<Mutex<Vec<String>>>,
    /// Where its stderr goes; a pooled worker's is swapped for its session's when taken.
    log: Arc<Mutex<Option<Arc<dyn DriverLog>>>>,
}

impl Worker {
    /// Starts `python -c DRIVER` in its own process group and sends the start request.
    fn spawn(
        config: &PySparkConfig,
        repl: Repl,
        master: &str,
        app_name: &str,
        conf: &BTreeMap<String, String>,
        log: Option<Arc<dyn DriverLog>>,
        limits: WorkerLimits,
    ) -> Result<Worker, String> {
        let mut command = Command::new(&config.python);
        command
            .arg("-c")
            .arg(repl.program())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .envs(&config.env)
            .process_group(0);
        // Spark's own default for what it binds (the UI, and the driver when its conf names no
        // address) is every interface; this keeps it on loopback unless told otherwise.
        if std::env::var_os("SPARK_LOCAL_IP").is_none()
            && !config.env.contains_key("SPARK_LOCAL_IP")
        {
            command.env("SPARK_LOCAL_IP", "127.0.0.1");
        }
        // Executors must run the same interpreter as the driver.
        if std::env::var_os("PYSPARK_PYTHON").is_none()
            && !config.env.contains_key("PYSPARK_PYTHON")
        {
            command.env("PYSPARK_PYTHON", &config.python);
        }
        let mut child = command.spawn().map_err(|e| {
            format!(
                "cannot start the Python worker `{}`: {e} (set --python or EMBER_LIVY_PYTHON; `just spark-env` makes a venv with pyspark)",
                config.python
            )
        })?;
        let pid = child.id();
        let (tx, rx) = mpsc::unbounded_channel();
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let stdin = child.stdin.take();
        let worker = Worker {
            pid,
            child: Mutex::new(child),
            stdin: Mutex::new(stdin),
            events: tokio::sync::Mutex::new(rx),
            progress: Arc::default(),
            completions: Arc::default(),
            next_completion: AtomicU64::new(0),
            stderr_tail: Arc::default(),
            log: Arc::new(Mutex::new(log)),
        };
        if let Some(out) = stdout {
            let progress = worker.progress.clone();
            let completions = worker.completions.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("pyspark-{pid}-out"))
                .spawn(move || {
                    let mut out = BufReader::new(out);
                    // Each reply is read with a bound: an over-long one is dropped as it
                    // arrives, never held whole.
                    while let Ok(Some(line)) = read_line_bounded(&mut out, limits.reply_bytes) {
                        let event = if line.is_cut() {
                            Event::Oversize(line.len)
                        } else {
                            match serde_json::from_slice::<Value>(&line.kept) {
                                Ok(v) if v["event"] == "progress" => {
                                    if let (Some(id), Some(p)) =
                                        (v["id"].as_u64(), v["progress"].as_f64())
                                    {
                                        *progress.lock().unwrap_or_else(PoisonError::into_inner) =
                                            Some((id, p.clamp(0.0, 1.0)));
                                    }
                                    continue;
                                }
                                Ok(v) if v["event"] == "completion" => {
                                    let waiting = v["request"].as_u64().and_then(|r| {
                                        completions
                                            .lock()
                                            .unwrap_or_else(PoisonError::into_inner)
                                            .remove(&r)
                                    });
                                    if let Some(reply) = waiting {
                                        let _ = reply.send(candidates_of(&v));
                                    }
                                    continue;
                                }
                                Ok(v) => Event::Message(v),
                                Err(e) => {
                                    tracing::warn!(pid, "unparseable line from the worker: {e}");
                                    continue;
                                }
                            }
                        };
                        if tx.send(event).is_err() {
                            return;
                        }
                    }
                    let _ = tx.send(Event::Exited);
                });
            if let Err(e) = spawned {
                worker.kill();
                return Err(format!("cannot start a reader thread: {e}"));
            }
        }
        if let Some(err) = stderr {
            let tail = worker.stderr_tail.clone();
            let log = worker.log.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("pyspark-{pid}-err"))
                .spawn(move || {
                    let max = limits.log_line_bytes;
                    let mut err = BufReader::new(err);
                    while let Ok(Some(read)) = read_line_bounded(&mut err, max) {
                        let text = String::from_utf8_lossy(&read.kept);
                        let line = if read.is_cut() {
                            // Room for the `stderr: ` prefix, so the log keeps this note.
                            cut_text(&text, max.saturating_sub(8), read.len)
                        } else {
                            text.into_owned()
                        };
                        if let Some(log) =
                            log.lock().unwrap_or_else(PoisonError::into_inner).as_ref()
                        {
                            log.push(format!("stderr: {line}"));
                        }
                        let mut t = tail.lock().unwrap_or_else(PoisonError::into_inner);
                        t.push(line);
                        if t.len() > STDERR_TAIL {
                            t.remove(0);
                        }
                    }
                });
            if let Err(e) = spawned {
                worker.kill();
                return Err(format!("cannot start a reader thread: {e}"));
            }
        }
        let conf = loopback_conf(conf);
        let mut start =
            json!({"op": "start", "master": master, "app_name": app_name, "conf": conf});
        if repl == Repl::Scala {
            start["repl"] = json!("scala");
        }
        if let Err(e) = worker.send(&start) {
            worker.kill();
            return Err(e);
        }
        Ok(worker)
    }

    fn send(&self, message: &Value) -> Result<(), String> {
        let mut stdin = self.stdin.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(pipe) = stdin.as_mut() else {
            return Err("the worker's stdin is closed".into());
        };
        let mut line = message.to_string();
        line.push('\n');
        pipe.write_all(line.as_bytes())
            .and_then(|()| pipe.flush())
            .map_err(|e| format!("writing to the Python worker failed: {e}"))
    }

    /// Asks the worker for completions of `code` at `cursor`, waiting at most
    /// [`COMPLETION_TIMEOUT`]; no answer in time offers nothing.
    async fn complete(&self, code: &str, cursor: usize, kind: Option<Language>) -> Vec<String> {
        let request = self.next_completion.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.completions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(request, tx);
        let mut message =
            json!({"op": "complete", "request": request, "code": code, "cursor": cursor});
        if let Some(kind) = kind {
            message["kind"] = json!(kind.as_str());
        }
        let answer = match self.send(&message) {
            Ok(()) => tokio::time::timeout(COMPLETION_TIMEOUT, rx).await.ok(),
            Err(_) => None,
        };
        self.completions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&request);
        match answer {
            Some(Ok(candidates)) => candidates,
            _ => {
                tracing::warn!(
                    pid = self.pid,
                    "no completion from the worker within {COMPLETION_TIMEOUT:?}"
                );
                Vec::new()
            }
        }
    }

    fn tail(&self) -> String {
        let t = self
            .stderr_tail
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if t.is_empty() {
            String::new()
        } else {
            format!("; its last output:\n{}", t.join("\n"))
        }
    }

    /// Waits for `ready` (or `failed`, or the process's end) until `deadline`.
    async fn wait_ready(&self, timeout: Duration) -> Result<(), String> {
        let mut events = self.events.lock().await;
        let wait = async {
            loop {
                match events.recv().await {
                    Some(Event::Message(v)) => match v["event"].as_str() {
                        Some("ready") => return Ok(()),
                        Some("failed") => {
                            return Err(v["message"].as_str().unwrap_or("unknown").to_owned());
                        }
                        _ => {}
                    },
                    Some(Event::Oversize(_)) => {}
                    Some(Event::Exited) | None => {
                        return Err(format!(
                            "the Python worker exited before its SparkSession started{}",
                            self.tail()
                        ));
                    }
                }
            }
        };
        match tokio::time::timeout(timeout, wait).await {
            Ok(r) => r,
            Err(_) => Err(format!(
                "the SparkSession did not start within {timeout:?}{}",
                self.tail()
            )),
        }
    }

    /// Signals the whole process group (driver and JVM); ignores a group that is gone.
    fn signal(&self, signal: Signal) {
        if let Ok(pid) = i32::try_from(self.pid) {
            let _ = killpg(Pid::from_raw(pid), signal);
        }
    }

    fn kill(&self) {
        self.signal(Signal::SIGKILL);
        let mut child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = child.kill();
        let _ = child.wait();
    }

    /// How the process ended, waiting at most `within` for it to be reaped (its stdout closes
    /// a moment before it exits); "still running" past that.
    async fn exit_status(&self, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let status = self
                .child
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .try_wait();
            match status {
                Ok(Some(status)) => return status.to_string(),
                Ok(None) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                _ => return "still running".to_owned(),
            }
        }
    }

    fn has_exited(&self) -> bool {
        let mut child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
        matches!(child.try_wait(), Ok(Some(_)))
    }

    /// Asks the driver to stop its SparkSession and exit; after `grace`, kills the group.
    async fn stop(&self, grace: Duration) {
        let _ = self.send(&json!({"op": "shutdown"}));
        self.stdin
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline && !self.has_exited() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if !self.has_exited() {
            self.signal(Signal::SIGTERM);
            let term_deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < term_deadline && !self.has_exited() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        // Whatever is left of the group (a JVM that outlived its driver) goes too.
        self.kill();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if !self.has_exited() {
            self.kill();
        } else {
            self.signal(Signal::SIGKILL);
        }
    }
}

/// Makes drivers, keeping `prestart` workers warm.
#[derive(Debug)]
pub struct DriverFactory {
    config: PySparkConfig,
    repl: Repl,
    default_master: String,
    pool: Arc<Mutex<Vec<Worker>>>,
    max_cores: usize,
    limits: WorkerLimits,
}

impl DriverFactory {
    /// A factory; starts the warm pool's workers at once (their SparkSessions start in the
    /// background).
    /// `default_master` is the master of sessions whose conf names none.
    pub fn new(config: PySparkConfig, default_master: String) -> Self {
        Self::with_repl(config, default_master, Repl::Python)
    }

    /// A factory whose sessions' statements are in `repl`'s language.
    pub fn with_repl(config: PySparkConfig, default_master: String, repl: Repl) -> Self {
        let factory = Self::unfilled(config, default_master, repl);
        factory.fill_pool();
        factory
    }

    /// A factory whose pool is not started yet ([`with_limits`](Self::with_limits) starts it),
    /// so a server's factories start each warm worker once, under the server's bounds.
    pub fn unfilled(config: PySparkConfig, default_master: String, repl: Repl) -> Self {
        DriverFactory {
            config,
            repl,
            default_master,
            pool: Arc::default(),
            max_cores: std::thread::available_parallelism().map_or(1, usize::from),
            limits: WorkerLimits::default(),
        }
    }

    /// The same factory with the server's bounds: `max_cores` threads for a `local[N]` master,
    /// `max_result_bytes` for one statement's result, `max_log_line_bytes` for a line of a
    /// worker's stderr. Prestarted workers are restarted under them.
    #[must_use]
    pub fn with_limits(
        mut self,
        max_cores: usize,
        max_result_bytes: usize,
        max_log_line_bytes: usize,
    ) -> Self {
        self.drain();
        self.max_cores = max_cores.max(1);
        self.limits = WorkerLimits {
            reply_bytes: max_result_bytes.saturating_add(REPLY_OVERHEAD),
            result_bytes: max_result_bytes,
            log_line_bytes: max_log_line_bytes.max(80),
        };
        if let Ok(master) = cap_master(&self.default_master, self.max_cores) {
            self.default_master = master;
        }
        self.fill_pool();
        self
    }

    fn fill_pool(&self) {
        for _ in 0..self.config.prestart {
            self.refill();
        }
    }

    fn pool_app_name() -> &'static str {
        "ember-livy-pool"
    }

    /// Starts one pooled worker with the default conf.
    fn refill(&self) {
        let worker = Worker::spawn(
            &self.config,
            self.repl,
            &self.default_master,
            Self::pool_app_name(),
            &self.config.default_conf,
            None,
            self.limits,
        );
        match worker {
            Ok(w) => self
                .pool
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(w),
            Err(e) => tracing::warn!("cannot prestart a pyspark worker: {e}"),
        }
    }

    /// Takes a pooled worker that is still alive, and starts its replacement.
    fn take_pooled(&self) -> Option<Worker> {
        let worker = {
            let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
            pool.retain(|w| !w.has_exited());
            if pool.is_empty() {
                return None;
            }
            pool.remove(0)
        };
        self.refill();
        Some(worker)
    }

    /// Stops the pooled workers (at server shutdown; dropping the factory does it too).
    pub fn drain(&self) {
        let workers: Vec<Worker> =
            std::mem::take(&mut *self.pool.lock().unwrap_or_else(PoisonError::into_inner));
        for w in &workers {
            w.kill();
        }
    }
}

impl DriverFactory {
    /// A driver for `spec`, not started yet ([`Driver::start`]): a warm worker when the spec
    /// asks for no conf of its own and one is ready.
    ///
    /// Errors: [`Error::Refused`] for a `spark.master` whose threads pass the factory's bound.
    pub fn create(&self, spec: &DriverSpec) -> Result<Driver, Error> {
        let asked = spec
            .conf
            .get("spark.master")
            .or_else(|| self.config.default_conf.get("spark.master"))
            .unwrap_or(&self.default_master);
        let master = cap_master(asked, self.max_cores).map_err(|reason| Error::Refused {
            setting: "spark.master".to_owned(),
            reason,
        })?;
        let pooled = if spec.conf.is_empty() && self.config.prestart > 0 {
            self.take_pooled()
        } else {
            None
        };
        if let Some(w) = &pooled {
            *w.log.lock().unwrap_or_else(PoisonError::into_inner) = Some(spec.log.clone());
            spec.log
                .push(format!("using prestarted pyspark worker (pid {})", w.pid));
        }
        Ok(Driver {
            spec: spec.clone(),
            config: self.config.clone(),
            master,
            limits: self.limits,
            repl: self.repl,
            worker: tokio::sync::OnceCell::new_with(pooled.map(Arc::new)),
            start_timeout: self.config.start_timeout,
        })
    }
}

impl Drop for DriverFactory {
    fn drop(&mut self) {
        self.drain();
    }
}

/// One driver: a worker process with its SparkSession (see the module doc). Statements run one
/// at a time; [`cancel`](Self::cancel) and [`progress`](Self::progress) may be called while one
/// runs. Dropping it kills the worker's process group.
#[derive(Debug)]
pub struct Driver {
    spec: DriverSpec,
    config: PySparkConfig,
    /// The master, its thread count checked against the server's bound.
    master: String,
    limits: WorkerLimits,
    repl: Repl,
    worker: tokio::sync::OnceCell<Arc<Worker>>,
    /// [`PySparkConfig::start_timeout`] (a server's own start timeout may bound it too).
    start_timeout: Duration,
}

impl Driver {
    fn worker(&self) -> Option<&Arc<Worker>> {
        self.worker.get()
    }

    /// Runs one statement: in the driver's own language, or as `kind`. One at a time: the
    /// caller awaits each before the next.
    pub async fn execute(
        &self,
        statement_id: u64,
        code: &str,
        kind: Option<Language>,
    ) -> Execution {
        {
            let Some(worker) = self.worker() else {
                return Execution::Died(Death::NotRunning {
                    interpreter: WORKER,
                });
            };
            let mut events = worker.events.lock().await;
            let mut request = json!({"op": "execute", "id": statement_id, "code": code});
            if let Some(kind) = kind {
                request["kind"] = json!(kind.as_str());
            }
            if let Err(e) = worker.send(&request) {
                return Execution::Died(Death::Exited {
                    interpreter: WORKER,
                    cause: e.to_string(),
                    log_tail: worker.tail(),
                });
            }
            loop {
                match events.recv().await {
                    Some(Event::Message(v)) => {
                        if v["event"] != "result" || v["id"] != statement_id {
                            continue;
                        }
                        return result_of(v);
                    }
                    // One statement runs at a time, so an over-long reply is its result.
                    Some(Event::Oversize(bytes)) => {
                        return Execution::failed(
                            "Error",
                            format!(
                                "the statement's output ({bytes} bytes) is larger than this server's limit of {} bytes for one statement (--max-result-bytes); print or return less",
                                self.limits.result_bytes
                            ),
                        );
                    }
                    Some(Event::Exited) | None => {
                        let status = worker.exit_status(Duration::from_secs(2)).await;
                        return Execution::Died(Death::Exited {
                            interpreter: WORKER,
                            cause: status,
                            log_tail: worker.tail(),
                        });
                    }
                }
            }
        }
    }
}

impl Driver {
    /// Starts the worker (unless it came warm from the pool) and waits until its SparkSession
    /// is up, at most the start timeout (ten minutes).
    ///
    /// Errors: [`Error::Start`] with the reason and the worker's last lines of output.
    pub async fn start(&self) -> Result<(), Error> {
        let failed = |reason: String| Error::Start {
            driver: WORKER,
            reason,
        };
        let worker = match self.worker.get() {
            Some(w) => w.clone(),
            None => {
                let mut conf = self.config.default_conf.clone();
                conf.extend(self.spec.conf.clone());
                let master = self.master.clone();
                conf.insert("spark.master".to_owned(), master.clone());
                let w = Arc::new(
                    Worker::spawn(
                        &self.config,
                        self.repl,
                        &master,
                        &self.spec.app_name,
                        &conf,
                        Some(self.spec.log.clone()),
                        self.limits,
                    )
                    .map_err(failed)?,
                );
                self.spec.log.push(format!(
                    "started the Python worker (pid {}, {}, master {master})",
                    w.pid, self.config.python
                ));
                let _ = self.worker.set(w.clone());
                w
            }
        };
        worker.wait_ready(self.start_timeout).await.map_err(failed)
    }

    /// The driver's own language.
    pub fn language(&self) -> Language {
        self.repl.language()
    }

    /// The languages it runs besides its own (all three run on its one SparkContext).
    pub fn other_languages(&self) -> Vec<Language> {
        [Language::Python, Language::Scala, Language::Sql]
            .into_iter()
            .filter(|l| *l != self.repl.language())
            .collect()
    }

    /// Asks the running statement `statement_id` to stop: its Spark jobs are cancelled (through
    /// its job group) and Python code is interrupted; the statement then ends with an error.
    pub fn cancel(&self, statement_id: u64) {
        let sent = self
            .worker()
            .map(|w| w.send(&json!({"op": "cancel", "id": statement_id})));
        if let Some(Err(e)) = sent {
            tracing::warn!(statement = statement_id, "cancel not delivered: {e}");
        }
    }

    /// Stops the SparkSession and the worker with its JVM: asked first, then its process group
    /// signalled; bounded (a few seconds).
    pub async fn stop(&self) {
        if let Some(w) = self.worker() {
            w.stop(Duration::from_secs(5)).await;
        }
    }

    /// What the worker last reported for the statement: the finished share of the tasks of
    /// the Spark jobs it started (Livy's statement progress).
    pub fn progress(&self, statement_id: u64) -> Option<f64> {
        let last = *self
            .worker()?
            .progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        last.filter(|(id, _)| *id == statement_id).map(|(_, p)| p)
    }

    /// Completion candidates for `code` at `cursor`: Python names (rlcompleter over the
    /// driver's namespace), the Scala interpreter's own completion once it runs and is not
    /// running a statement, or for SQL the session's tables, columns and functions. Answers
    /// within a few seconds, offering nothing rather than waiting longer.
    pub async fn complete(&self, code: &str, cursor: usize, kind: Option<Language>) -> Vec<String> {
        match self.worker() {
            Some(w) => w.complete(code, cursor, kind).await,
            None => Vec::new(),
        }
    }
}

/// The candidates of a worker's completion answer (strings only, as Livy's list is).
fn candidates_of(v: &Value) -> Vec<String> {
    v["candidates"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn result_of(v: Value) -> Execution {
    match v["status"].as_str() {
        Some("ok") => Execution::Ok(match v.get("data") {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        }),
        _ => Execution::Failed {
            ename: v["ename"].as_str().unwrap_or("Error").to_owned(),
            evalue: v["evalue"].as_str().unwrap_or_default().to_owned(),
            traceback: v["traceback"]
                .as_array()
                .map(|lines| {
                    lines
                        .iter()
                        .filter_map(|l| l.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        },
    }
}
