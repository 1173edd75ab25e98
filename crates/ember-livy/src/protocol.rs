//! The Livy REST protocol's objects, as real servers send them and real clients read them.
//!
//! Every type here is shared by [`crate::LivyClient`] and Ember's Livy server. Responses are
//! lenient where clients must be (a newer server's unknown state or kind parses into an
//! `Unknown(String)` variant, missing keys of older servers take defaults); requests are strict
//! where Livy is (`deny_unknown_fields`, as Livy's Jackson rejects unknown fields with 400).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The version string Ember's server reports on `GET /version`.
///
/// Not `0.10`: pylivy compares versions as strings, so `0.10.x` looks older than `0.5` to it and
/// it then refuses `sql` sessions.
pub const LIVY_VERSION: &str = "0.9.0-incubating";

/// Livy's default port.
pub const DEFAULT_PORT: u16 = 8998;

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know (a newer server's); kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in protocol order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(s) => s,
                }
            }

            /// Parses a wire value (aliases included); anything else becomes `Unknown`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $( $wire $(| $alias)* => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }

            /// Whether this is a value the protocol defines (not `Unknown`).
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::parse(s))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::parse(&s))
            }
        }
    };
}

wire_enum! {
    /// The kind of an interactive session: its default statement language.
    SessionKind {
        /// Scala (`spark`; `scala` is accepted as an alias).
        Spark = "spark" | "scala",
        /// Python (`pyspark`; `python` is accepted as an alias).
        PySpark = "pyspark" | "python",
        /// R (`sparkr`; `r` is accepted as an alias).
        SparkR = "sparkr" | "r",
        /// Spark SQL.
        Sql = "sql",
        /// No default language: every statement names its kind.
        Shared = "shared",
    }
}

wire_enum! {
    /// The state of an interactive session or a batch.
    SessionState {
        /// Created, not yet started.
        NotStarted = "not_started",
        /// The driver is starting.
        Starting = "starting",
        /// Reconnecting after a server restart.
        Recovering = "recovering",
        /// Ready for statements.
        Idle = "idle",
        /// A batch is running.
        Running = "running",
        /// A statement is running.
        Busy = "busy",
        /// Being stopped.
        ShuttingDown = "shutting_down",
        /// Failed to start, or the interpreter died.
        Error = "error",
        /// Stopped.
        Dead = "dead",
        /// Killed from outside.
        Killed = "killed",
        /// A batch that finished successfully.
        Success = "success",
    }
}

impl SessionState {
    /// States from which a session never becomes usable again: `error`, `dead`, `killed`,
    /// `success` (and `shutting_down`, which always ends in `dead`).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            SessionState::Error
                | SessionState::Dead
                | SessionState::Killed
                | SessionState::Success
                | SessionState::ShuttingDown
        )
    }

    /// Whether Livy counts the session as active (`error` is, oddly, active in Livy).
    pub fn is_active(&self) -> bool {
        !matches!(
            self,
            SessionState::ShuttingDown
                | SessionState::Dead
                | SessionState::Killed
                | SessionState::Success
        )
    }
}

wire_enum! {
    /// The state of a statement.
    StatementState {
        /// Queued behind earlier statements.
        Waiting = "waiting",
        /// Executing.
        Running = "running",
        /// Finished, successfully or not: look at `output.status`.
        Available = "available",
        /// Documented by Livy but never sent by it; accepted from other servers.
        Error = "error",
        /// A cancel was asked for a running statement.
        Cancelling = "cancelling",
        /// Cancelled.
        Cancelled = "cancelled",
    }
}

impl StatementState {
    /// Whether the statement will not change any more: `available`, `error`, `cancelled`.
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            StatementState::Available | StatementState::Error | StatementState::Cancelled
        )
    }
}

/// `appInfo`: links to the driver's log and Spark UI (values are `null` when unknown).
pub type AppInfo = BTreeMap<String, Option<String>>;

/// An interactive session (`GET /sessions/{id}`), every key Livy 0.9 sends.
///
/// Only `id`, `state` and `kind` are required when parsing; older servers (Livy 0.7 sends nine
/// keys) get defaults for the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The session id, unique for the server's life.
    pub id: u64,
    /// The unique name, if one was given.
    #[serde(default)]
    pub name: Option<String>,
    /// The Spark application id.
    #[serde(default)]
    pub app_id: Option<String>,
    /// The authenticated user that created it.
    #[serde(default)]
    pub owner: Option<String>,
    /// The user it runs as (pylivy requires the key, even when `null`).
    #[serde(default)]
    pub proxy_user: Option<String>,
    /// Its state.
    pub state: SessionState,
    /// Its default statement kind.
    pub kind: SessionKind,
    /// Links to the driver's log and UI.
    #[serde(default)]
    pub app_info: AppInfo,
    /// The last lines of its log (sparkmagic requires the key).
    #[serde(default)]
    pub log: Vec<String>,
    /// Maximum age (`"10m"`), if set.
    #[serde(default)]
    pub ttl: Option<String>,
    /// Idle timeout override (`"1h"`), if set.
    #[serde(default)]
    pub idle_timeout: Option<String>,
    /// Driver memory (`"512m"`), if set.
    #[serde(default)]
    pub driver_memory: Option<String>,
    /// Driver cores (0 when unset).
    #[serde(default, deserialize_with = "null_as_default")]
    pub driver_cores: u32,
    /// Executor memory, if set.
    #[serde(default)]
    pub executor_memory: Option<String>,
    /// Executor cores (0 when unset).
    #[serde(default, deserialize_with = "null_as_default")]
    pub executor_cores: u32,
    /// The Spark configuration it was created with.
    #[serde(default, deserialize_with = "null_as_default")]
    pub conf: BTreeMap<String, String>,
    /// Archives given at creation.
    #[serde(default, deserialize_with = "null_as_default")]
    pub archives: Vec<String>,
    /// Files given at creation.
    #[serde(default, deserialize_with = "null_as_default")]
    pub files: Vec<String>,
    /// Seconds without a request after which the session is deleted (0: never).
    #[serde(default, deserialize_with = "null_as_default")]
    pub heartbeat_timeout_in_second: u64,
    /// Jars given at creation.
    #[serde(default, deserialize_with = "null_as_default")]
    pub jars: Vec<String>,
    /// Executors asked for (0 when unset).
    #[serde(default, deserialize_with = "null_as_default")]
    pub num_executors: u32,
    /// Python files given at creation.
    #[serde(default, deserialize_with = "null_as_default")]
    pub py_files: Vec<String>,
    /// The YARN queue, if set.
    #[serde(default)]
    pub queue: Option<String>,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `GET /sessions`: one page of sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionList {
    /// The offset of the first session of the page.
    #[serde(default)]
    pub from: u64,
    /// How many sessions there are in all.
    #[serde(default)]
    pub total: u64,
    /// The page, in creation order.
    pub sessions: Vec<Session>,
}

/// `POST /sessions`: every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateSession {
    /// The default statement kind (Livy's default is `shared`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<SessionKind>,
    /// The user to run as (ignored unless the server allows impersonation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_user: Option<String>,
    /// Jars for the driver and executors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jars: Option<Vec<String>>,
    /// Python files for the driver and executors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub py_files: Option<Vec<String>>,
    /// Files for the driver and executors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<String>>,
    /// Archives for the driver and executors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archives: Option<Vec<String>>,
    /// Driver memory (`"512m"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver_memory: Option<String>,
    /// Driver cores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver_cores: Option<u32>,
    /// Executor memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executor_memory: Option<String>,
    /// Executor cores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executor_cores: Option<u32>,
    /// Number of executors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_executors: Option<u32>,
    /// YARN queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// A name unique among live sessions; the session can then be addressed by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Spark configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conf: Option<BTreeMap<String, String>>,
    /// Seconds without a request after which the session is deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat_timeout_in_second: Option<u64>,
    /// Maximum age (`"10m"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<String>,
    /// Idle timeout (`"1h"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<String>,
}

/// `GET /sessions/{id}/state`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionStateInfo {
    /// The session id.
    pub id: u64,
    /// Its state.
    pub state: SessionState,
}

/// `GET /sessions/{id}/log` and `GET /batches/{id}/log`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Log {
    /// The session or batch id.
    pub id: u64,
    /// The index of the first line returned.
    #[serde(default)]
    pub from: u64,
    /// How many lines the server holds (Livy's docs call it `size`; its code sends `total`).
    #[serde(default, alias = "size")]
    pub total: u64,
    /// The lines.
    #[serde(default)]
    pub log: Vec<String>,
}

/// `POST /sessions/{id}/statements`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecuteRequest {
    /// The code to run.
    pub code: String,
    /// Its language; the session's kind when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SessionKind>,
}

/// `POST /sessions/{id}/completion`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompletionRequest {
    /// The code so far.
    pub code: String,
    /// Its language.
    pub kind: SessionKind,
    /// The cursor position in `code`.
    pub cursor: u64,
}

/// The answer to a completion request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Completions {
    /// Candidate completions (`[]` for sql).
    pub candidates: Vec<String>,
}

// The enum comes out of `wire_enum!`, which has no way to mark a `#[default]` variant.
#[allow(clippy::derivable_impls)]
impl Default for SessionKind {
    fn default() -> Self {
        SessionKind::Shared
    }
}

/// A statement (`GET /sessions/{id}/statements/{sid}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// Its id within the session: 0, 1, 2, ...
    pub id: u64,
    /// The code as received.
    #[serde(default)]
    pub code: String,
    /// Its state.
    pub state: StatementState,
    /// The result, `null` until it finished (and possibly after a cancel).
    #[serde(default)]
    pub output: Option<StatementOutput>,
    /// Progress from 0 to 1.
    #[serde(default, deserialize_with = "null_as_default")]
    pub progress: f64,
    /// When it started, epoch milliseconds (0: not yet).
    #[serde(default, deserialize_with = "null_as_default")]
    pub started: i64,
    /// When it finished, epoch milliseconds (0: not yet).
    #[serde(default, deserialize_with = "null_as_default")]
    pub completed: i64,
}

/// The time now as Livy writes it (a statement's `started` and `completed`): milliseconds since
/// the Unix epoch; 0 on a clock set before 1970.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `GET /sessions/{id}/statements`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementList {
    /// How many statements the session holds.
    #[serde(default)]
    pub total_statements: u64,
    /// The statements, in the order asked for.
    pub statements: Vec<Statement>,
}

/// A finished statement's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum StatementOutput {
    /// Success: the result by mime type (`text/plain`, `application/json`, ...).
    Ok {
        /// The statement id.
        #[serde(default)]
        execution_count: u64,
        /// The result by mime type.
        #[serde(default)]
        data: Map<String, Value>,
    },
    /// Failure.
    Error {
        /// The statement id.
        #[serde(default)]
        execution_count: u64,
        /// The error's name (`NameError`, `Error`, ...).
        #[serde(default)]
        ename: String,
        /// The error's message.
        #[serde(default)]
        evalue: String,
        /// The traceback, one line per entry.
        #[serde(default, deserialize_with = "null_as_default")]
        traceback: Vec<String>,
    },
}

/// The mime type of Livy's sql results.
pub const MIME_JSON: &str = "application/json";
/// The mime type of plain text results.
pub const MIME_TEXT: &str = "text/plain";
/// The mime type of `%table` results.
pub const MIME_TABLE: &str = "application/vnd.livy.table.v1+json";

/// `{"msg": "..."}`: the body of DELETE, cancel, and every error of a well-behaved server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The message.
    pub msg: String,
}

impl Message {
    /// A message.
    pub fn new(msg: impl Into<String>) -> Self {
        Message { msg: msg.into() }
    }
}

/// `GET /version`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// The version (`0.9.0-incubating`).
    pub version: String,
    /// Who built it.
    #[serde(default)]
    pub user: String,
    /// The source revision.
    #[serde(default)]
    pub revision: String,
    /// The source branch.
    #[serde(default)]
    pub branch: String,
    /// The build date.
    #[serde(default)]
    pub date: String,
    /// The source URL.
    #[serde(default)]
    pub url: String,
}

/// A batch (`GET /batches/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    /// The batch id.
    pub id: u64,
    /// Its name, if given.
    #[serde(default)]
    pub name: Option<String>,
    /// Who created it.
    #[serde(default)]
    pub owner: Option<String>,
    /// The user it runs as.
    #[serde(default)]
    pub proxy_user: Option<String>,
    /// Its state.
    pub state: SessionState,
    /// The Spark application id.
    #[serde(default)]
    pub app_id: Option<String>,
    /// Links to the driver's log and UI.
    #[serde(default)]
    pub app_info: AppInfo,
    /// The last lines of its log.
    #[serde(default)]
    pub log: Vec<String>,
}

/// `GET /batches`: one page (the key really is `sessions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchList {
    /// The offset of the first batch of the page.
    #[serde(default)]
    pub from: u64,
    /// How many batches there are in all.
    #[serde(default)]
    pub total: u64,
    /// The page.
    pub sessions: Vec<Batch>,
}

/// `POST /batches`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateBatch {
    /// The application: a jar or a Python file the cluster can read.
    pub file: String,
    /// The main class (jars).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Command-line arguments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    /// The user to run as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_user: Option<String>,
    /// Jars.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jars: Option<Vec<String>>,
    /// Python files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub py_files: Option<Vec<String>>,
    /// Files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<String>>,
    /// Archives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archives: Option<Vec<String>>,
    /// Driver memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver_memory: Option<String>,
    /// Driver cores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver_cores: Option<u32>,
    /// Executor memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executor_memory: Option<String>,
    /// Executor cores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executor_cores: Option<u32>,
    /// Number of executors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_executors: Option<u32>,
    /// YARN queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Spark configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conf: Option<BTreeMap<String, String>>,
}

/// The `application/json` value of a sql statement: Spark's `StructType.json` schema and the
/// rows, row-major.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SqlTable {
    /// `{"type":"struct","fields":[{"name","type","nullable","metadata"}…]}`.
    pub schema: Value,
    /// One array per row, values in field order.
    pub data: Vec<Vec<Value>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_states_and_kinds_survive_a_round_trip() {
        let s: SessionState = serde_json::from_str("\"hibernating\"").unwrap();
        assert_eq!(s, SessionState::Unknown("hibernating".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"hibernating\"");
        assert_eq!(SessionKind::parse("scala"), SessionKind::Spark);
        assert_eq!(SessionKind::parse("python"), SessionKind::PySpark);
        assert_eq!(SessionKind::Spark.as_str(), "spark");
    }

    #[test]
    fn livy_07_session_parses_with_defaults() {
        let json = r#"{"id":3,"appId":null,"owner":null,"proxyUser":null,"state":"idle",
            "kind":"pyspark","appInfo":{"driverLogUrl":null,"sparkUiUrl":null},"log":[]}"#;
        let s: Session = serde_json::from_str(json).unwrap();
        assert_eq!(s.id, 3);
        assert_eq!(s.state, SessionState::Idle);
        assert_eq!(s.driver_cores, 0);
    }

    #[test]
    fn outputs_by_status() {
        let ok: StatementOutput = serde_json::from_str(
            r#"{"status":"ok","execution_count":0,"data":{"text/plain":"2"}}"#,
        )
        .unwrap();
        assert!(matches!(ok, StatementOutput::Ok { .. }));
        let err: StatementOutput = serde_json::from_str(
            r#"{"status":"error","execution_count":1,"ename":"NameError","evalue":"x","traceback":["a\n"]}"#,
        )
        .unwrap();
        assert!(matches!(err, StatementOutput::Error { ref ename, .. } if ename == "NameError"));
        let back = serde_json::to_value(&err).unwrap();
        assert_eq!(back["status"], "error");
    }

    #[test]
    fn create_session_rejects_unknown_fields() {
        let r: Result<CreateSession, _> = serde_json::from_str(r#"{"kind":"sql","bogus":1}"#);
        assert!(r.is_err());
        let r: CreateSession =
            serde_json::from_str(r#"{"kind":"sql","heartbeatTimeoutInSecond":60}"#).unwrap();
        assert_eq!(r.heartbeat_timeout_in_second, Some(60));
    }
}
