//! `pyspark` sessions on real PySpark, and `spark` (Scala) sessions ([`scala`]): each session's
//! interpreter is a Spark driver of [`ember_spark`] (a Python worker with its `SparkSession`, in
//! a process group of its own with its JVM, so stopping a session leaves nothing running). This
//! module only fits those drivers to the server's [`Interpreter`] seam: a session's spec, log and
//! statement kinds become the driver's, its errors the server's.

use std::sync::Arc;

use ember_livy::protocol::SessionKind;
use ember_spark::{DriverFactory, DriverSpec, Language};
use futures_util::future::BoxFuture;

use crate::error::Error;
use crate::interpreter::{Execution, Interpreter, InterpreterFactory, SessionLog, SessionSpec};

pub use ember_spark::{DRIVER, LOOPBACK_CONF, PySparkConfig, Repl};

pub mod scala;

/// Makes the interpreters of `pyspark` (or `spark`) sessions, keeping `prestart` workers warm.
#[derive(Debug)]
pub struct PySparkFactory(DriverFactory);

impl PySparkFactory {
    /// A factory; starts the warm pool's workers at once (their SparkSessions start in the
    /// background). `default_master` is the master of sessions whose conf names none.
    pub fn new(config: PySparkConfig, default_master: String) -> Self {
        PySparkFactory(DriverFactory::new(config, default_master))
    }

    /// A factory whose sessions' statements are in `repl`'s language.
    pub fn with_repl(config: PySparkConfig, default_master: String, repl: Repl) -> Self {
        PySparkFactory(DriverFactory::with_repl(config, default_master, repl))
    }

    /// A factory whose pool is not started yet ([`with_limits`](Self::with_limits) starts it),
    /// so the server's factories start each warm worker once, under the server's bounds.
    pub(crate) fn unfilled(config: PySparkConfig, default_master: String, repl: Repl) -> Self {
        PySparkFactory(DriverFactory::unfilled(config, default_master, repl))
    }

    /// The same factory with the server's bounds: `max_cores` threads for a `local[N]` master,
    /// `max_result_bytes` for one statement's result, `max_log_line_bytes` for a line of a
    /// worker's stderr. Prestarted workers are restarted under them.
    #[must_use]
    pub fn with_limits(
        self,
        max_cores: usize,
        max_result_bytes: usize,
        max_log_line_bytes: usize,
    ) -> Self {
        PySparkFactory(
            self.0
                .with_limits(max_cores, max_result_bytes, max_log_line_bytes),
        )
    }

    /// Stops the pooled workers (at server shutdown; dropping the factory does it too).
    pub fn drain(&self) {
        self.0.drain();
    }
}

impl InterpreterFactory for PySparkFactory {
    fn create(&self, spec: &SessionSpec) -> Result<Arc<dyn Interpreter>, Error> {
        let driver = self
            .0
            .create(&DriverSpec {
                app_name: spec.app_name(),
                conf: spec.conf.clone(),
                log: Arc::new(spec.log.clone()),
            })
            .map_err(driver_error)?;
        Ok(Arc::new(PySparkInterpreter(driver)))
    }

    fn shutdown(&self) {
        self.0.drain();
    }
}

/// A session's log is where its driver writes.
impl ember_spark::DriverLog for SessionLog {
    fn push(&self, line: String) {
        SessionLog::push(self, line);
    }
}

/// A driver's error as the server reports it: a refused setting is a 400 on create, a start
/// that failed puts the session in `error`.
fn driver_error(e: ember_spark::Error) -> Error {
    match e {
        ember_spark::Error::Refused { setting, reason } => {
            Error::SessionRefused { setting, reason }
        }
        ember_spark::Error::Start { driver, reason } => Error::InterpreterStart {
            interpreter: driver,
            reason,
        },
        other => Error::InterpreterStart {
            interpreter: "the Python worker",
            reason: other.to_string(),
        },
    }
}

/// The driver's language for a statement kind (the kinds a session takes are checked before).
fn language(kind: &SessionKind) -> Option<Language> {
    match kind {
        SessionKind::PySpark => Some(Language::Python),
        SessionKind::Spark => Some(Language::Scala),
        SessionKind::Sql => Some(Language::Sql),
        _ => None,
    }
}

/// One pyspark (or spark) session's interpreter: a Spark driver.
#[derive(Debug)]
pub struct PySparkInterpreter(ember_spark::Driver);

impl Interpreter for PySparkInterpreter {
    fn start(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move { self.0.start().await.map_err(driver_error) })
    }

    fn execute<'a>(&'a self, statement_id: u64, code: &'a str) -> BoxFuture<'a, Execution> {
        Box::pin(self.0.execute(statement_id, code, None))
    }

    /// Every driver runs Python, Scala and Spark SQL on its one SparkContext (Livy 0.5+'s
    /// statement kinds), so a temp view one makes the others see.
    fn other_statement_kinds(&self) -> Vec<SessionKind> {
        self.0
            .other_languages()
            .into_iter()
            .map(|l| match l {
                Language::Python => SessionKind::PySpark,
                Language::Scala => SessionKind::Spark,
                Language::Sql => SessionKind::Sql,
            })
            .collect()
    }

    fn execute_as<'a>(
        &'a self,
        statement_id: u64,
        code: &'a str,
        kind: &'a SessionKind,
    ) -> BoxFuture<'a, Execution> {
        Box::pin(self.0.execute(statement_id, code, language(kind)))
    }

    fn cancel(&self, statement_id: u64) {
        self.0.cancel(statement_id);
    }

    fn stop(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.0.stop())
    }

    fn progress(&self, statement_id: u64) -> Option<f64> {
        self.0.progress(statement_id)
    }

    fn complete<'a>(
        &'a self,
        code: &'a str,
        cursor: usize,
        kind: Option<&'a SessionKind>,
    ) -> BoxFuture<'a, Vec<String>> {
        Box::pin(self.0.complete(code, cursor, kind.and_then(language)))
    }
}
