//! The server's limits and switches.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::pyspark::PySparkConfig;

/// How the Livy server behaves. Every limit has Livy's default where Livy has one.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The master of each sql session's engine when its `conf` names no `spark.master`
    /// (`local[*]`).
    pub default_master: String,
    /// Sessions that may exist at once (live and retained); past that, create gets 400.
    pub max_sessions: usize,
    /// Statements kept per session (Livy's `livy.rsc.retained-statements`, 100); older finished
    /// ones are forgotten (404).
    pub retained_statements: usize,
    /// Statements that may wait in one session's queue; past that, submit gets 429.
    pub max_queued_statements: usize,
    /// The largest statement `code`, in bytes.
    pub max_code_bytes: usize,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Rows a sql result carries at most (Livy's `livy.rsc.sql.num-rows`, 1000); a session's
    /// `conf` may lower or raise it with `livy.rsc.sql.num-rows`. Truncation is logged.
    pub sql_row_cap: usize,
    /// A session with no request and no running statement for this long is deleted (Livy's
    /// `livy.server.session.timeout`, 1 h). `None`: never.
    pub idle_timeout: Option<Duration>,
    /// How long sessions that ended on their own (`error`, `dead`) stay listed (600 s).
    pub state_retain: Duration,
    /// How often idle, heartbeat and retention timers are checked.
    pub check_interval: Duration,
    /// Whether sql statements may read and write the server's files (`CREATE EXTERNAL TABLE`,
    /// `COPY`) and sql sessions set `datafusion.catalog.*`/`datafusion.runtime.*` in their
    /// `conf`. Off by default. It does not cover kinds that run code (pyspark): those can do
    /// whatever the server's user can (see [`ServerConfig::allow_code_execution`]).
    pub allow_file_access: bool,
    /// When set, every request must carry `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// Livy's CSRF protection: writes (anything but GET/HEAD/OPTIONS) need `X-Requested-By`.
    pub csrf: bool,
    /// How long a `GET` of an unfinished statement (or of a `starting` session) may wait for it
    /// to finish (start) before answering: a short long-poll, so a statement that takes up to
    /// this long (a Scala `1 + 1` takes about 35 ms) is `available`, and a sql session `idle`, on
    /// the client's first poll, instead of on its next one (pylivy's and Ember's client poll
    /// again after 100 ms). 200 ms by default; the wait holds no thread.
    pub statement_poll_wait: Duration,
    /// How long a session's interpreter may take to start before the session is `error`.
    pub start_timeout: Duration,
    /// How long deleting a session waits for its interpreter to stop.
    pub stop_timeout: Duration,
    /// `pyspark` sessions on real PySpark; `None` refuses them.
    pub pyspark: Option<PySparkConfig>,
    /// Names (and addresses) besides the server's own that a request's `Host` may carry
    /// (`--allowed-hosts`; `*` turns the check off). Loopback names and addresses, and the bound
    /// address (any IP address on a wildcard bind), are always allowed; any other name is
    /// refused with 403, which stops DNS rebinding.
    pub allowed_hosts: Vec<String>,
    /// Origins (`scheme://host[:port]`) besides the server's own whose browser pages may send
    /// requests (`--allowed-origins`; `*` turns the check off). A request with any other
    /// `Origin` header is refused with 403; requests without one (every non-browser client)
    /// are not affected.
    pub allowed_origins: Vec<String>,
    /// Whether kinds that run arbitrary code (`pyspark`) may be created when the server listens
    /// beyond loopback (`--allow-code-execution`). They also need [`ServerConfig::token`]
    /// there: serving beyond loopback with this set and no token is refused at start. On a
    /// loopback bind they are always available.
    pub allow_code_execution: bool,
    /// The most a session's `conf` may raise its row cap to (`livy.rsc.sql.num-rows`; 100 000).
    /// A create asking for more is refused with 400.
    pub max_sql_row_cap: usize,
    /// The largest result one statement may keep, in bytes of its JSON (4 MiB). A larger sql
    /// table, or a larger reply from a Python worker, becomes an error output naming this limit;
    /// it is counted while the table is built and while the reply is read, never after.
    pub max_result_bytes: usize,
    /// The longest session log line, in bytes (4 KiB); longer lines (a worker's stderr
    /// included) are cut, with a note of how much was cut.
    pub max_log_line_bytes: usize,
    /// Log lines kept per session (Livy's `livy.cache-log.size`, 200).
    pub session_log_lines: usize,
    /// The most worker threads a session's `local[N]` master may ask for (this machine's cores).
    /// `local[*]` means this many; a larger `N` is refused with 400. It bounds a pyspark
    /// session's local master, and it is the thread count of the one engine runtime that all
    /// sql sessions share (a session's `N` sets how many partitions its queries are split into;
    /// an idle sql session holds no thread).
    pub max_session_cores: usize,
    /// Bytes of code that may wait in one session's queue (16 MiB); past that, submit gets 429.
    pub max_queued_bytes: usize,
    /// How long one statement may run before it is cancelled and answers an error naming this
    /// limit (1 h; `None`: no limit). A session's `conf` may lower it with
    /// [`STATEMENT_TIMEOUT_KEY`](crate::STATEMENT_TIMEOUT_KEY).
    pub statement_timeout: Option<Duration>,
    /// Memory all sql sessions' queries may hold together, in bytes (2 GiB): one DataFusion
    /// memory pool shared by every sql session. Sorts, joins and aggregates spill to disk or
    /// fail with "Resources exhausted" past it.
    pub sql_memory_limit: usize,
}

impl ServerConfig {
    /// The request-body bound that fits a statement of `max_code_bytes`: its code JSON-escaped
    /// (each byte at most two) with the request around it, and never below 64 KiB (a session
    /// request's `conf`). The server's command line sets `max_body_bytes` with it.
    ///
    /// ```
    /// use ember_livy_server::ServerConfig;
    /// assert_eq!(ServerConfig::body_limit_for(1 << 20), 2 << 20);
    /// assert_eq!(ServerConfig::body_limit_for(100), 64 << 10);
    /// ```
    pub fn body_limit_for(max_code_bytes: usize) -> usize {
        max_code_bytes.saturating_mul(2).max(64 << 10)
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            default_master: "local[*]".to_owned(),
            max_sessions: 256,
            retained_statements: 100,
            max_queued_statements: 1000,
            max_code_bytes: 1 << 20,
            max_body_bytes: ServerConfig::body_limit_for(1 << 20),
            sql_row_cap: 1000,
            idle_timeout: Some(Duration::from_secs(3600)),
            state_retain: Duration::from_secs(600),
            check_interval: Duration::from_secs(1),
            allow_file_access: false,
            token: None,
            csrf: false,
            statement_poll_wait: Duration::from_millis(200),
            start_timeout: Duration::from_secs(120),
            stop_timeout: Duration::from_secs(10),
            pyspark: Some(PySparkConfig::default()),
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            allow_code_execution: false,
            max_sql_row_cap: 100_000,
            max_result_bytes: 4 << 20,
            max_log_line_bytes: 4 << 10,
            session_log_lines: 200,
            max_session_cores: std::thread::available_parallelism().map_or(1, usize::from),
            max_queued_bytes: 16 << 20,
            statement_timeout: Some(Duration::from_secs(3600)),
            sql_memory_limit: 2 << 30,
        }
    }
}

impl ServerConfig {
    /// Checks that every limit is usable.
    pub fn validate(&self) -> Result<()> {
        let positive = |name, v: usize| {
            if v == 0 {
                Err(Error::Config {
                    name,
                    reason: "must be at least 1".into(),
                })
            } else {
                Ok(())
            }
        };
        positive("max_sessions", self.max_sessions)?;
        positive("retained_statements", self.retained_statements)?;
        positive("max_queued_statements", self.max_queued_statements)?;
        positive("max_code_bytes", self.max_code_bytes)?;
        positive("max_body_bytes", self.max_body_bytes)?;
        positive("sql_row_cap", self.sql_row_cap)?;
        positive("max_sql_row_cap", self.max_sql_row_cap)?;
        positive("max_result_bytes", self.max_result_bytes)?;
        positive("session_log_lines", self.session_log_lines)?;
        positive("max_session_cores", self.max_session_cores)?;
        positive("max_queued_bytes", self.max_queued_bytes)?;
        positive("sql_memory_limit", self.sql_memory_limit)?;
        if self.max_log_line_bytes < 80 {
            return Err(Error::Config {
                name: "max_log_line_bytes",
                reason: "must be at least 80".into(),
            });
        }
        if let Err(reason) = ember_spark::cap_master(&self.default_master, self.max_session_cores) {
            return Err(Error::Config {
                name: "default_master",
                reason,
            });
        }
        if self.sql_row_cap > self.max_sql_row_cap {
            return Err(Error::Config {
                name: "sql_row_cap",
                reason: format!(
                    "{} is above max_sql_row_cap ({})",
                    self.sql_row_cap, self.max_sql_row_cap
                ),
            });
        }
        if self.max_queued_bytes < self.max_code_bytes {
            return Err(Error::Config {
                name: "max_queued_bytes",
                reason: format!(
                    "{} is below max_code_bytes ({}): no statement could wait",
                    self.max_queued_bytes, self.max_code_bytes
                ),
            });
        }
        let bounded = |name, d: Duration| {
            // Durations are added to `Instant`s; bound them far below overflow.
            if d > Duration::from_secs(10 * 365 * 24 * 3600) {
                Err(Error::Config {
                    name,
                    reason: "must be under ten years".into(),
                })
            } else {
                Ok(())
            }
        };
        if let Some(t) = self.idle_timeout {
            bounded("idle_timeout", t)?;
        }
        bounded("state_retain", self.state_retain)?;
        bounded("start_timeout", self.start_timeout)?;
        bounded("stop_timeout", self.stop_timeout)?;
        bounded("statement_poll_wait", self.statement_poll_wait)?;
        if let Some(t) = self.statement_timeout {
            if t.is_zero() {
                return Err(Error::Config {
                    name: "statement_timeout",
                    reason: "must be positive (None turns it off)".into(),
                });
            }
            bounded("statement_timeout", t)?;
        }
        if self.check_interval.is_zero() {
            return Err(Error::Config {
                name: "check_interval",
                reason: "must be positive".into(),
            });
        }
        bounded("check_interval", self.check_interval)?;
        if self.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Error::Config {
                name: "token",
                reason: "must not be empty".into(),
            });
        }
        for host in &self.allowed_hosts {
            ember_serve::gate::validate_allowed_host(host).map_err(|reason| Error::Config {
                name: "allowed_hosts",
                reason,
            })?;
        }
        for origin in &self.allowed_origins {
            ember_serve::gate::validate_allowed_origin(origin).map_err(|reason| Error::Config {
                name: "allowed_origins",
                reason,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_limits_are_refused() {
        let c = ServerConfig {
            sql_row_cap: 0,
            ..ServerConfig::default()
        };
        assert!(c.validate().is_err());
        assert!(ServerConfig::default().validate().is_ok());
        let above = ServerConfig {
            sql_row_cap: 10,
            max_sql_row_cap: 5,
            ..ServerConfig::default()
        };
        assert!(above.validate().is_err());
        let no_timeout = ServerConfig {
            statement_timeout: Some(Duration::ZERO),
            ..ServerConfig::default()
        };
        assert!(no_timeout.validate().is_err());
    }
}
