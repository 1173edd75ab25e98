//! [`SessionBuilder`]: Spark's settings mapped onto an RDD context, a DataFusion session with
//! Spark's dialect and functions, and the session's runtime.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use datafusion::execution::memory_pool::{FairSpillPool, MemoryPool, TrackConsumersPool};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::{SessionState, SessionStateBuilder};
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion_spark::SessionStateBuilderSpark;
use ember_rdd::Context;

use crate::policy::SqlPolicy;
use crate::queries::{DEFAULT_RETAINED_QUERIES, QueryLog};
use crate::runtime::QueryRuntime;
use crate::session::{Session, SessionInner};
use crate::{Error, Result};

/// A memory pool of `limit` bytes for [`SessionBuilder::memory_pool`] (or several sessions):
/// split fairly among the queries' operators that can spill (sorts, joins, aggregates spill
/// to the OS temp dir), and a "Resources exhausted" error names the five largest consumers.
/// What `ember.sql.memory_limit` builds.
pub fn memory_pool(limit: usize) -> SharedMemoryPool {
    Arc::new(TrackConsumersPool::new(
        FairSpillPool::new(limit),
        NonZeroUsize::MIN.saturating_add(4),
    ))
}

/// Bytes in a size as Spark writes them: `4g`, `512m`, `64k`, `1t` (binary units, an optional
/// `b`: `4gb`), or a plain number of bytes; `None` for anything else, zero or an overflow.
pub fn parse_size(text: &str) -> Option<usize> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (digits, shift) = match t.chars().last()? {
        'k' => (&t[..t.len() - 1], 10),
        'm' => (&t[..t.len() - 1], 20),
        'g' => (&t[..t.len() - 1], 30),
        't' => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let n: usize = digits.trim().parse().ok()?;
    n.checked_mul(1usize << shift).filter(|n| *n > 0)
}

/// A time as Spark and Livy write them: `"500ms"`, `"30s"`, `"10m"` or `"10min"`, `"1h"`,
/// `"2d"`, or a bare number of seconds; `None` for anything else or past ten years.
pub fn parse_time(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "ms" => return Some(Duration::from_millis(n)),
        "" | "s" | "sec" | "secs" => n,
        "m" | "min" | "mins" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    // Far below what `Instant` arithmetic can take.
    (secs <= 10 * 365 * 86_400).then(|| Duration::from_secs(secs))
}

/// Default number of rows per Arrow record batch when an RDD becomes a DataFrame.
pub const DEFAULT_BATCH_ROWS: usize = 64 * 1024;

/// Builds a [`Session`]; see [`Session::builder`].
#[derive(Debug, Clone, Default)]
pub struct SessionBuilder {
    app_name: Option<String>,
    master: Option<String>,
    conf: Vec<(String, String)>,
    context: Option<Context>,
    memory_pool: Option<Arc<dyn MemoryPool>>,
    runtime: Option<QueryRuntime>,
    remote: Option<Remote>,
    policy: SqlPolicy,
}

/// A memory pool several sessions' queries may share ([`memory_pool`],
/// [`SessionBuilder::memory_pool`]).
pub type SharedMemoryPool = Arc<dyn MemoryPool>;

/// How a [`Session`]'s DataFusion state becomes one whose queries run elsewhere.
pub type StateUpgrade =
    Arc<dyn Fn(SessionState) -> datafusion::error::Result<SessionState> + Send + Sync>;

/// Where a session's queries run when it is not this process: a cluster's master URL and the
/// upgrade that makes the session's DataFusion state plan for it (`ember-cluster` builds one for
/// Ballista). The session still parses, analyzes and optimizes Spark SQL itself, with every
/// Ember function, rule and type; the upgrade only changes how the optimized plan executes.
/// RDD jobs of such a session run in this process (`local[*]`).
#[derive(Clone)]
pub struct Remote {
    master: String,
    upgrade: StateUpgrade,
    guard: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

impl Session {
    /// Starts building a session (Spark's `SparkSession.builder`).
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }
}

impl Remote {
    /// Queries run where `upgrade` sends them; [`Session::master`] answers `master`.
    pub fn new(master: impl Into<String>, upgrade: StateUpgrade) -> Self {
        Remote {
            master: master.into(),
            upgrade,
            guard: None,
        }
    }

    /// Keeps `guard` alive as long as the session (or a clone of it) is: an in-process cluster
    /// the session's queries run on stops when the last clone is dropped.
    #[must_use]
    pub fn keep_alive(mut self, guard: Arc<dyn std::any::Any + Send + Sync>) -> Self {
        self.guard = Some(guard);
        self
    }
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("master", &self.master)
            .finish_non_exhaustive()
    }
}

impl SessionBuilder {
    /// The application name (Spark's `appName`). Default: `"ember"`.
    #[must_use]
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.app_name = Some(name.into());
        self
    }

    /// The master URL: `local`, `local[N]` or `local[*]` (Spark's `master`). Default: `local[*]`.
    #[must_use]
    pub fn master(mut self, master: impl Into<String>) -> Self {
        self.master = Some(master.into());
        self
    }

    /// Sets a configuration entry (Spark's `config(key, value)`). Recognised keys:
    ///
    /// - `spark.app.name`, `spark.master`: same as [`app_name`](Self::app_name)/[`master`](Self::master);
    /// - `spark.sql.shuffle.partitions`: DataFusion's `target_partitions`;
    /// - `spark.sql.session.timeZone`: DataFusion's `execution.time_zone`, and the zone of SQL's
    ///   `TIMESTAMP` and of timestamps CSV inference finds (default: UTC);
    /// - `spark.sql.ansi.enabled`: DataFusion's `execution.enable_ansi_mode`; `false` also lets
    ///   integer arithmetic wrap on overflow instead of failing with
    ///   [`Error::ArithmeticOverflow`] (unset, Ember checks, as Spark 4's default ANSI mode does);
    /// - `spark.sql.cteRecursionLevelLimit`, `spark.sql.cteRecursionRowLimit`: how many levels
    ///   a recursive CTE may recurse (default 100) and how many rows it may produce (default
    ///   1,000,000) before the query fails with [`Error::RecursionLimitExceeded`]; `-1` for no
    ///   bound;
    /// - `ember.sql.batch_rows`: rows per record batch when converting RDDs (default 65536);
    /// - `spark.sql.ui.retainedExecutions`: how many queries [`Session::queries`] remembers
    ///   (default 1000);
    /// - `ember.sql.memory_limit`: the most memory the session's queries may hold, as Spark
    ///   writes sizes (`4g`, `512m`): past it, sorts, joins and aggregates spill to disk, and a
    ///   query that still does not fit fails with DataFusion's "Resources exhausted" naming the
    ///   largest consumers ([`memory_pool`]; [`memory_pool`](Self::memory_pool) wins). Default:
    ///   unbounded;
    /// - any `datafusion.*` key, passed to DataFusion (unknown keys fail [`get_or_create`](Self::get_or_create)).
    ///
    /// Other keys are kept (see [`Session::conf`]) but have no effect.
    #[must_use]
    pub fn config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.conf.push((key.into(), value.into()));
        self
    }

    /// The value the last [`config`](Self::config) of `key` set, if any (what crates that build
    /// on a builder, such as a cluster client, read their own entries from).
    pub fn get_config(&self, key: &str) -> Option<&str> {
        self.conf
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Uses an existing RDD context (the DataSource example creates its `SparkContext` first). Its app name and
    /// master win over [`app_name`](Self::app_name)/[`master`](Self::master).
    #[must_use]
    pub fn context(mut self, context: Context) -> Self {
        self.context = Some(context);
        self
    }

    /// The DataFusion memory pool the session's queries reserve memory from (several sessions
    /// may share one, to bound them together). Past it, sorts, joins and aggregates spill to
    /// disk or fail with DataFusion's "Resources exhausted" error. Default: DataFusion's
    /// unbounded pool.
    #[must_use]
    pub fn memory_pool(mut self, pool: Arc<dyn MemoryPool>) -> Self {
        self.memory_pool = Some(pool);
        self
    }

    /// What the session's SQL statements may not do (files, settings): see [`SqlPolicy`].
    /// Default: nothing is refused.
    #[must_use]
    pub fn policy(mut self, policy: SqlPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Runs the session's queries on `runtime` instead of a runtime of its own (one worker per
    /// RDD core). A server with many sessions gives them all one [`QueryRuntime`]: their
    /// threads are then that runtime's, however many sessions are open, and an idle session
    /// holds none. The master still sets how many partitions a query is split into.
    #[must_use]
    pub fn runtime(mut self, runtime: QueryRuntime) -> Self {
        self.runtime = Some(runtime);
        self
    }

    /// Runs the session's queries where `remote` says (a cluster) instead of in this process.
    /// The builder's master is then ignored; [`Session::master`] is the remote's.
    #[must_use]
    pub fn remote(mut self, remote: Remote) -> Self {
        self.remote = Some(remote);
        self
    }

    /// Builds the session.
    ///
    /// Unlike Spark there is no process-global session to return (Ember keeps no global state):
    /// every call creates a new [`Session`]; clone it to share. Fails on an unsupported master URL
    /// or a bad configuration entry.
    pub fn get_or_create(self) -> Result<Session> {
        let mut app_name = self.app_name.unwrap_or_else(|| "ember".to_owned());
        let mut master = self.master.unwrap_or_else(|| "local[*]".to_owned());
        let mut conf = BTreeMap::new();
        let mut df_conf = Vec::new();
        let mut batch_rows = DEFAULT_BATCH_ROWS;
        let mut retained_queries = DEFAULT_RETAINED_QUERIES;
        let mut memory_limit = None;
        let mut recursion = crate::recursion::RecursionLimits {
            levels: Some(crate::recursion::DEFAULT_LEVEL_LIMIT),
            rows: Some(crate::recursion::DEFAULT_ROW_LIMIT),
        };
        for (key, value) in self.conf {
            match key.as_str() {
                "spark.sql.cteRecursionLevelLimit" | "spark.sql.cteRecursionRowLimit" => {
                    let limit = crate::recursion::RecursionLimits::parse(&value).ok_or_else(
                        || Error::Config {
                            key: Some(key.clone()),
                            message: format!(
                                "expected a non-negative integer or -1 (no limit), got `{value}`"
                            ),
                        },
                    )?;
                    if key.ends_with("LevelLimit") {
                        recursion.levels = limit;
                    } else {
                        recursion.rows = limit;
                    }
                }
                "spark.app.name" => app_name.clone_from(&value),
                "spark.master" => master.clone_from(&value),
                "spark.sql.shuffle.partitions" => {
                    df_conf.push((
                        "datafusion.execution.target_partitions".to_owned(),
                        value.clone(),
                    ));
                }
                "spark.sql.session.timeZone" => {
                    df_conf.push(("datafusion.execution.time_zone".to_owned(), value.clone()));
                }
                "spark.sql.ansi.enabled" => {
                    df_conf.push((
                        "datafusion.execution.enable_ansi_mode".to_owned(),
                        value.clone(),
                    ));
                }
                "ember.sql.batch_rows" => {
                    batch_rows =
                        value
                            .parse()
                            .ok()
                            .filter(|n| *n > 0)
                            .ok_or_else(|| Error::Config {
                                key: Some(key.clone()),
                                message: format!("expected a positive integer, got `{value}`"),
                            })?;
                }
                "ember.sql.memory_limit" => {
                    let limit = parse_size(&value).ok_or_else(|| Error::Config {
                        key: Some(key.clone()),
                        message: format!(
                            "expected a size such as 4g, 512m or a number of bytes, got `{value}`"
                        ),
                    })?;
                    memory_limit = Some(limit);
                }
                "spark.sql.ui.retainedExecutions" => {
                    retained_queries = value.parse().map_err(|_| Error::Config {
                        key: Some(key.clone()),
                        message: format!("expected a non-negative integer, got `{value}`"),
                    })?;
                }
                k if k.starts_with("datafusion.") => df_conf.push((key.clone(), value.clone())),
                _ => {}
            }
            conf.insert(key, value);
        }
        if let Some(remote) = &self.remote {
            master.clone_from(&remote.master);
        }
        let context = match self.context {
            Some(c) => c,
            // A remote session's RDD jobs run here, on every core.
            None if self.remote.is_some() => Context::new(app_name, "local[*]")?,
            None => Context::new(app_name, &master)?,
        };
        let master = if self.remote.is_some() {
            master
        } else {
            context.master().to_owned()
        };
        let parallelism = context.default_parallelism().max(1);

        let mut config = SessionConfig::new()
            .with_target_partitions(parallelism)
            .with_information_schema(true);
        {
            let options = config.options_mut();
            options.sql_parser.dialect = datafusion::common::config::Dialect::Spark;
            options.sql_parser.collect_spans = true;
            // Spark's default: ASC NULLS FIRST, DESC NULLS LAST (DataFusion's: nulls largest).
            "nulls_min".clone_into(&mut options.sql_parser.default_null_ordering);
            for (key, value) in &df_conf {
                options.set(key, value).map_err(|e| Error::Config {
                    key: Some(key.clone()),
                    message: e.message().into_owned(),
                })?;
            }
        }
        // Spark 4 runs with ANSI mode on, where integer overflow is an error; Ember does the
        // same unless `spark.sql.ansi.enabled` is explicitly false (DataFusion's own flag
        // defaults to false and only steers `datafusion-spark` functions).
        let checked_arithmetic = !conf.contains_key("spark.sql.ansi.enabled")
            || config.options().execution.enable_ansi_mode;
        let time_zone: Arc<str> = conf
            .get("spark.sql.session.timeZone")
            .map_or("UTC", String::as_str)
            .into();
        let mut builder = SessionStateBuilder::new();
        if let Some(pool) = self.memory_pool.or_else(|| memory_limit.map(memory_pool)) {
            let runtime_env = RuntimeEnvBuilder::new()
                .with_memory_pool(pool)
                .build_arc()
                .map_err(|e| Error::Runtime {
                    message: format!("cannot build the query runtime: {e}"),
                })?;
            builder = builder.with_runtime_env(runtime_env);
        }
        let mut builder = builder
            .with_config(config)
            .with_default_features()
            .with_spark_features()
            .with_type_planner(Arc::new(crate::types::SparkSqlTypes {
                time_zone: Arc::clone(&time_zone),
            }))
            .with_physical_optimizer_rule(Arc::new(crate::recursion::BoundRecursion {
                limits: recursion,
            }))
            .with_physical_optimizer_rule(Arc::new(crate::coop::CooperativeExpansions))
            .with_optimizer_rule(Arc::new(crate::coercion::SparkTexts));
        // Spark's arithmetic goes before the Spark function planner so `/` is always ours.
        builder.expr_planners().get_or_insert_with(Vec::new).insert(
            0,
            Arc::new(crate::spark::SparkArithmeticPlanner {
                ansi: checked_arithmetic,
                time_zone: Arc::clone(&time_zone),
            }),
        );
        let rules = builder.analyzer_rules().get_or_insert_with(Vec::new);
        rules.push(Arc::new(crate::set_ops::MultisetSetOps));
        if checked_arithmetic {
            rules.push(Arc::new(crate::overflow::CheckedIntegerArithmetic));
        }
        rules.push(Arc::new(crate::coercion::SparkTexts));
        let mut state = builder.build();
        let mut guard = None;
        if let Some(remote) = self.remote {
            state = (remote.upgrade)(state).map_err(|e| Error::Runtime {
                message: format!("cannot connect the session to {}: {e}", remote.master),
            })?;
            guard = remote.guard;
        }
        let ctx = SessionContext::new_with_state(state);
        crate::spark::register_missing_functions(&ctx);
        crate::rewrites::register(&ctx);
        crate::functions::register(&ctx, &time_zone);
        crate::numeric_literals::register(&ctx);
        ctx.register_udf(crate::types::TypeOf::udf());
        crate::overflow::register(&ctx);
        crate::spark::register_divisors(&ctx);

        let runtime = match self.runtime {
            Some(runtime) => runtime,
            None => QueryRuntime::new(parallelism)?,
        };

        Ok(Session {
            inner: Arc::new(SessionInner {
                context,
                ctx,
                conf,
                batch_rows,
                queries: Arc::new(QueryLog::new(retained_queries)),
                runtime,
                master,
                policy: self.policy,
                _remote_guard: guard,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{parse_size, parse_time};

    #[test]
    fn sizes_read_as_spark_writes_them() {
        assert_eq!(parse_size("4g"), Some(4 << 30));
        assert_eq!(parse_size("4GB"), Some(4 << 30));
        assert_eq!(parse_size("512m"), Some(512 << 20));
        assert_eq!(parse_size("64k"), Some(64 << 10));
        assert_eq!(parse_size("1000"), Some(1000));
        for bad in ["", "g", "0", "-1g", "4x", "99999999999t"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }

    #[test]
    fn times_read_as_spark_and_livy_write_them() {
        assert_eq!(parse_time("10m"), Some(Duration::from_secs(600)));
        assert_eq!(parse_time("10min"), Some(Duration::from_secs(600)));
        assert_eq!(parse_time("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_time("45"), Some(Duration::from_secs(45)));
        assert_eq!(parse_time("500ms"), Some(Duration::from_millis(500)));
        for bad in ["", "ten minutes", "-1s", "99999999999999d"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
