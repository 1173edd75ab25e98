//! [`LivyServer`]: the registry of sessions, the kinds it can run, and its timers.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use ember_livy::protocol::{CreateSession, SessionKind, SessionState};

use crate::config::ServerConfig;
use crate::error::Result;
use crate::interpreter::{InterpreterFactory, SessionLog, SessionSpec};
use crate::pyspark::scala::scala_config;
use crate::pyspark::{PySparkFactory, Repl};
use crate::session::{LiveSession, SessionLimits};
use crate::sql::SqlFactory;
use ember_sql::parse_time;

/// Why a session could not be created (answered as 400, or 503 while shutting down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CreateError {
    Rejected(String),
    ShuttingDown,
}

/// A Livy-compatible server's state: sessions, the interpreters it can start, its limits.
///
/// Cheap to clone; clones share everything. Mount [`LivyServer::scope`] in any actix app, or run
/// it with [`serve`](crate::serve) / [`spawn`](crate::spawn). Sessions run on a small runtime
/// the server owns, never on the HTTP workers.
#[derive(Clone)]
pub struct LivyServer {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: ServerConfig,
    factories: RwLock<HashMap<String, Arc<dyn InterpreterFactory>>>,
    registry: Mutex<Registry>,
    /// Where sessions run (it stops without blocking, so the server may be dropped anywhere).
    runtime: ember_runtime::Runtime,
    shutting_down: AtomicBool,
}

#[derive(Default)]
struct Registry {
    sessions: BTreeMap<u64, Arc<LiveSession>>,
    next_id: u64,
}

impl fmt::Debug for LivyServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LivyServer")
            .field("config", &self.inner.config)
            .field("kinds", &self.kinds())
            .field("sessions", &self.registry().sessions.len())
            .finish()
    }
}

impl LivyServer {
    /// A server with `sql` (and `shared`, whose statements run as sql) sessions on Ember's engine.
    /// Starts the runtime that runs sessions and the timer that enforces idle, heartbeat, ttl and
    /// retention limits.
    pub fn new(config: ServerConfig) -> Result<Self> {
        config.validate()?;
        let runtime = ember_runtime::Runtime::builder("ember-livy")
            .threads(2)
            .build()?;
        let server = LivyServer {
            inner: Arc::new(Inner {
                factories: RwLock::new(HashMap::new()),
                registry: Mutex::new(Registry::default()),
                runtime,
                shutting_down: AtomicBool::new(false),
                config,
            }),
        };
        let c = &server.inner.config;
        let sql = Arc::new(SqlFactory {
            default_master: c.default_master.clone(),
            allow_file_access: c.allow_file_access,
            row_cap: c.sql_row_cap,
            max_row_cap: c.max_sql_row_cap,
            max_result_bytes: c.max_result_bytes,
            max_cores: c.max_session_cores,
            memory_pool: crate::sql::memory_pool(c.sql_memory_limit),
            memory_limit: c.sql_memory_limit,
            runtime: Arc::default(),
        });
        server.register_kind(SessionKind::Sql, sql.clone());
        server.register_kind(SessionKind::Shared, sql);
        if let Some(py) = &server.inner.config.pyspark {
            let c = &server.inner.config;
            // Both kinds under the server's bounds (threads, result and log line bytes), their
            // warm workers started once, under those bounds.
            let bounded = |config, repl| {
                PySparkFactory::unfilled(config, c.default_master.clone(), repl).with_limits(
                    c.max_session_cores,
                    c.max_result_bytes,
                    c.max_log_line_bytes,
                )
            };
            let python = bounded(py.clone(), Repl::Python);
            server.register_kind(SessionKind::PySpark, Arc::new(python));
            let scala = bounded(scala_config(py.clone()), Repl::Scala);
            server.register_kind(SessionKind::Spark, Arc::new(scala));
        }
        server.start_timers();
        Ok(server)
    }

    /// Lets sessions of `kind` be created, with interpreters from `factory` (replacing any
    /// earlier one for that kind).
    pub fn register_kind(&self, kind: SessionKind, factory: Arc<dyn InterpreterFactory>) {
        self.inner
            .factories
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(kind.as_str().to_owned(), factory);
    }

    /// The kinds this server can run, sorted.
    pub fn kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .inner
            .factories
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .cloned()
            .collect();
        kinds.sort();
        kinds
    }

    /// The server's configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// How many sessions exist (live and retained).
    pub fn session_count(&self) -> usize {
        self.registry().sessions.len()
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.inner
            .registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn handle(&self) -> &tokio::runtime::Handle {
        self.inner.runtime.handle()
    }

    pub(crate) fn is_shutting_down(&self) -> bool {
        self.inner.shutting_down.load(Ordering::SeqCst)
    }

    /// The kinds whose sessions run arbitrary code (see [`InterpreterFactory::runs_code`]), sorted.
    pub fn code_kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .inner
            .factories
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(_, f)| f.runs_code())
            .map(|(k, _)| k.clone())
            .collect();
        kinds.sort();
        kinds
    }

    /// Why this server may not listen on `bound`: kinds that run code, beyond loopback, without
    /// a token or without [`ServerConfig::allow_code_execution`]. `None` when it may.
    pub fn exposure_refusal(&self, bound: SocketAddr) -> Option<String> {
        let config = self.config();
        let code = self.code_kinds();
        if bound.ip().is_loopback() || code.is_empty() {
            return None;
        }
        let kinds = code.join(", ");
        if !config.allow_code_execution {
            Some(format!(
                "{bound} is beyond loopback and {kinds} sessions run any code as this server's user: listen on 127.0.0.1, turn them off (--no-pyspark), or allow them with --token and --allow-code-execution"
            ))
        } else if config.token.is_none() {
            Some(format!(
                "--allow-code-execution beyond loopback ({bound}) needs a token (--token or EMBER_LIVY_TOKEN): {kinds} sessions run any code as this server's user"
            ))
        } else {
            None
        }
    }

    /// Creates a session and starts it in the background (it is `starting` when this returns).
    /// `bound` is the address the request arrived on; kinds that run code are refused beyond
    /// loopback unless [`LivyServer::exposure_refusal`] allows them.
    pub(crate) fn create(
        &self,
        request: CreateSession,
        bound: SocketAddr,
    ) -> Result<Arc<LiveSession>, CreateError> {
        if self.is_shutting_down() {
            return Err(CreateError::ShuttingDown);
        }
        let reject = |m: String| CreateError::Rejected(format!("Rejected, Reason: {m}"));
        let kind = request.kind.clone().unwrap_or(SessionKind::Shared);
        let factory = self
            .inner
            .factories
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(kind.as_str())
            .cloned();
        let Some(factory) = factory else {
            let what = if kind.is_known() {
                "is not supported by this server"
            } else {
                "is not a Livy session kind"
            };
            return Err(reject(format!(
                "session kind '{kind}' {what} (it runs: {})",
                self.kinds().join(", ")
            )));
        };
        if factory.runs_code()
            && let Some(why) = self.exposure_refusal(bound)
        {
            return Err(reject(format!("{kind} sessions are off here: {why}")));
        }
        if let Some(name) = &request.name {
            check_name(name).map_err(reject)?;
        }
        let time = |field: &str, v: &Option<String>| -> Result<Option<Duration>, CreateError> {
            match v {
                None => Ok(None),
                Some(s) => parse_time(s).map(Some).ok_or_else(|| {
                    reject(format!(
                        "invalid {field} '{s}': expected a time such as 10m, 1h or 30s"
                    ))
                }),
            }
        };
        let ttl = time("ttl", &request.ttl)?;
        let idle_timeout = time("idleTimeout", &request.idle_timeout)?;
        let heartbeat = match request.heartbeat_timeout_in_second {
            None | Some(0) => None,
            Some(s) if s > 10 * 365 * 86_400 => {
                return Err(reject(format!("heartbeatTimeoutInSecond {s} is too large")));
            }
            Some(s) => Some(Duration::from_secs(s)),
        };
        if request.proxy_user.is_some() {
            tracing::debug!("proxyUser ignored: impersonation is not supported");
        }
        let config = &self.inner.config;
        let conf_timeout = request
            .conf
            .as_ref()
            .and_then(|c| c.get(crate::limits::STATEMENT_TIMEOUT_KEY));
        let statement_timeout = crate::limits::statement_timeout(
            conf_timeout.map(String::as_str),
            config.statement_timeout,
        )
        .map_err(reject)?;
        let limits = SessionLimits {
            retained_statements: config.retained_statements,
            max_queued_statements: config.max_queued_statements,
            max_queued_bytes: config.max_queued_bytes,
            statement_timeout,
            cancel_grace: config.stop_timeout,
        };
        let runtime = self.handle().clone();
        let session = {
            let mut reg = self.registry();
            if reg.sessions.len() >= config.max_sessions {
                return Err(CreateError::Rejected(format!(
                    "Rejected, too many sessions: this server holds at most {}",
                    config.max_sessions
                )));
            }
            if let Some(name) = &request.name {
                let taken = reg
                    .sessions
                    .values()
                    .any(|s| s.name() == Some(name.as_str()) && s.state().is_active());
                if taken {
                    return Err(reject(format!("Duplicate session name: {name}")));
                }
            }
            let id = reg.next_id;
            let spec = SessionSpec {
                id,
                name: request.name.clone(),
                kind: kind.clone(),
                conf: request.conf.clone().unwrap_or_default(),
                log: SessionLog::with_limits(
                    id,
                    config.session_log_lines,
                    config.max_log_line_bytes,
                ),
            };
            let interpreter = factory.create(&spec).map_err(|e| reject(e.to_string()))?;
            reg.next_id += 1;
            // A `shared` session runs on the factory registered for it; its statements are sql.
            let statement_kind = if kind == SessionKind::Shared {
                SessionKind::Sql
            } else {
                kind.clone()
            };
            let session = LiveSession::new(
                id,
                kind,
                statement_kind,
                request,
                interpreter,
                spec.log.clone(),
                limits,
                heartbeat,
                idle_timeout.or(config.idle_timeout),
                ttl,
            );
            reg.sessions.insert(id, session.clone());
            session
        };
        session.log(format!("session {} ({}) created", session.id, session.kind));
        session.launch(&runtime, config.start_timeout);
        Ok(session)
    }

    /// A session by id (all digits) or by name.
    pub(crate) fn find(&self, key: &str) -> Option<Arc<LiveSession>> {
        let reg = self.registry();
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
            return key
                .parse()
                .ok()
                .and_then(|id| reg.sessions.get(&id).cloned());
        }
        // A name may be reused once its session ended; prefer the live one, then the newest
        // (ids ascend, and `max_by_key` keeps the last of equal keys).
        reg.sessions
            .values()
            .filter(|s| s.name() == Some(key))
            .max_by_key(|s| s.state().is_active())
            .cloned()
    }

    /// Sessions `from..from+size` in id order, and how many there are.
    pub(crate) fn list(&self, from: usize, size: usize) -> (u64, Vec<Arc<LiveSession>>) {
        let reg = self.registry();
        let total = reg.sessions.len() as u64;
        (
            total,
            reg.sessions
                .values()
                .skip(from)
                .take(size)
                .cloned()
                .collect(),
        )
    }

    /// Removes a session at once (404 from now on) and stops it, within the stop timeout.
    pub(crate) async fn delete(&self, id: u64) -> bool {
        let session = self.registry().sessions.remove(&id);
        match session {
            Some(s) => {
                s.shut_down(self.inner.config.stop_timeout).await;
                true
            }
            None => false,
        }
    }

    /// Stops accepting sessions, then stops every session (cancelling running statements), all at
    /// once, within `grace`. Returns how many sessions were stopped.
    pub async fn shutdown(&self, grace: Duration) -> usize {
        self.inner.shutting_down.store(true, Ordering::SeqCst);
        let sessions: Vec<Arc<LiveSession>> = {
            let mut reg = self.registry();
            std::mem::take(&mut reg.sessions).into_values().collect()
        };
        let n = sessions.len();
        let factories: Vec<Arc<dyn InterpreterFactory>> = self
            .inner
            .factories
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        for f in factories {
            f.shutdown();
        }
        let per_session = grace.min(self.inner.config.stop_timeout);
        let stops = sessions.iter().map(|s| s.shut_down(per_session));
        if tokio::time::timeout(grace, futures_util::future::join_all(stops))
            .await
            .is_err()
        {
            tracing::warn!("some sessions did not stop within {grace:?}");
        }
        n
    }

    fn start_timers(&self) {
        let runtime = self.handle();
        // A weak reference: the timer must not keep a dropped server alive.
        let weak = Arc::downgrade(&self.inner);
        let interval = self.inner.config.check_interval;
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(inner) = weak.upgrade() else { return };
                let server = LivyServer { inner };
                server.enforce_timeouts().await;
            }
        });
    }

    /// Deletes sessions past their heartbeat, idle or ttl limits, and forgets ended sessions past
    /// the retention time. A running or waiting statement counts as activity.
    async fn enforce_timeouts(&self) {
        let retain = self.inner.config.state_retain;
        let mut expired = Vec::new();
        let mut forgotten = Vec::new();
        {
            let reg = self.registry();
            for s in reg.sessions.values() {
                if let Some(ended) = s.ended_for() {
                    if ended >= retain {
                        forgotten.push(s.id);
                    }
                    continue;
                }
                if s.state() == SessionState::ShuttingDown {
                    continue;
                }
                let idle = s.idle_for();
                let working = s.is_working();
                let reason = if s.ttl.is_some_and(|t| s.created.elapsed() >= t) {
                    Some("its ttl passed")
                } else if working {
                    None
                } else if s.heartbeat_timeout.is_some_and(|t| idle >= t) {
                    Some("no heartbeat arrived within heartbeatTimeoutInSecond")
                } else if s.idle_timeout.is_some_and(|t| idle >= t) {
                    Some("it was idle past the idle timeout")
                } else {
                    None
                };
                if let Some(r) = reason {
                    expired.push((s.id, r));
                }
            }
        }
        if !forgotten.is_empty() {
            let mut reg = self.registry();
            for id in forgotten {
                reg.sessions.remove(&id);
            }
        }
        for (id, reason) in expired {
            tracing::info!(session = id, "deleting session: {reason}");
            self.delete(id).await;
        }
    }
}

/// The longest session name, in bytes: names are repeated in every listing.
pub(crate) const MAX_NAME_BYTES: usize = 128;

/// Checks a session name: 1 to [`MAX_NAME_BYTES`] of `A-Z a-z 0-9 . _ ~ -` (the characters a URL
/// path carries as they are, so `/sessions/{name}` always finds it), not all digits (a path of
/// digits is an id) and not only dots (`.` and `..` are path steps).
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return Err(format!(
            "a session name must be 1 to {MAX_NAME_BYTES} bytes long, got {} bytes",
            name.len()
        ));
    }
    let shown = || name.escape_debug().to_string();
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '-')))
    {
        return Err(format!(
            "session name '{}' holds {:?}: names take letters, digits, '.', '_', '~' and '-' only, so that /sessions/{{name}} reaches them",
            shown(),
            bad
        ));
    }
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "session name '{name}' must not be all digits (paths take digits as ids)"
        ));
    }
    if name.bytes().all(|b| b == b'.') {
        return Err(format!(
            "session name '{name}' must not be only dots (paths take them as steps)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_kinds_beyond_loopback_need_a_token_and_the_flag() {
        let server = |token: Option<&str>, allow: bool, pyspark: bool| {
            let config = ServerConfig {
                token: token.map(str::to_owned),
                allow_code_execution: allow,
                pyspark: pyspark.then(Default::default),
                ..ServerConfig::default()
            };
            LivyServer::new(config).unwrap()
        };
        let loopback: SocketAddr = "127.0.0.1:8998".parse().unwrap();
        let every: SocketAddr = "0.0.0.0:8998".parse().unwrap();
        let external: SocketAddr = "10.1.2.3:8998".parse().unwrap();
        assert_eq!(server(None, false, true).code_kinds(), ["pyspark", "spark"]);
        assert_eq!(server(None, false, true).exposure_refusal(loopback), None);
        for addr in [every, external] {
            let why = server(None, false, true).exposure_refusal(addr).unwrap();
            assert!(why.contains("--allow-code-execution"), "{why}");
            let why = server(None, true, true).exposure_refusal(addr).unwrap();
            assert!(why.contains("needs a token"), "{why}");
            let why = server(Some("t"), false, true).exposure_refusal(addr);
            assert!(why.is_some());
            assert_eq!(server(Some("t"), true, true).exposure_refusal(addr), None);
            // sql sessions run no code of the client's.
            assert_eq!(server(None, false, false).exposure_refusal(addr), None);
        }
    }

    #[test]
    fn session_names() {
        for ok in [
            "ctx",
            "shared-ctx",
            "org.Pi",
            "a_b~c",
            &"x".repeat(MAX_NAME_BYTES),
        ] {
            assert_eq!(check_name(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("", "1 to 128"),
            ("a/b", "'/'"),
            ("a b", "' '"),
            ("caf\u{e9}", "'\u{e9}'"),
            ("123", "all digits"),
            ("..", "only dots"),
            (&*"x".repeat(MAX_NAME_BYTES + 1), "got 129 bytes"),
        ] {
            let err = check_name(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }
}
