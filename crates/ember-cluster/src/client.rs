//! Sessions whose queries run on a cluster: the master URLs `ballista://host:port` and
//! `local-cluster[N,cores,memoryMB]`.

use std::sync::Arc;
use std::time::Duration;

use ballista_core::extension::SessionConfigExt;
use ballista_core::planner::BallistaQueryPlanner;
use datafusion::execution::{SessionState, SessionStateBuilder};
use datafusion_proto::protobuf::LogicalPlanNode;
use ember_sql::{Remote, Session, SessionBuilder};

use crate::codec::{Zones, codecs};
use crate::functions::{Functions, zone_of};
use crate::job::{JOB_TIMEOUT, JOB_TIMEOUT_KEY, JobBound};
use crate::local::LocalCluster;
use crate::local_data::{
    ClientPlanner, GRPC_MESSAGE_LIMIT, LOCAL_DATA_LIMIT, LOCAL_DATA_LIMIT_KEY, MAX_LOCAL_DATA_LIMIT,
};
use crate::node::{DEFAULT_SCHEDULER_PORT, split_host_port};
use crate::{Error, Result};

/// The most task slots (executors × cores, each a thread) a `local-cluster[...]` may have.
pub const MAX_LOCAL_SLOTS: usize = 256;

/// A master URL that names a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Master {
    /// `ballista://host[:port]`: a running scheduler (default port 50050).
    Ballista {
        /// The scheduler's host.
        host: String,
        /// Its port.
        port: u16,
    },
    /// Spark's `local-cluster[N,cores,memoryMB]`: a scheduler and N executors of `cores` slots
    /// and `memory_mb` MiB each, started inside this process for the session.
    LocalCluster {
        /// How many executors.
        executors: usize,
        /// Task slots per executor.
        cores: usize,
        /// Memory per executor, in MiB.
        memory_mb: usize,
    },
}

impl Master {
    /// Reads a master URL: `Ok(None)` if it does not name a cluster (`local[*]`, `spark://...`).
    pub fn parse(master: &str) -> Result<Option<Master>> {
        let bad = |reason: &str| Error::Master {
            master: master.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = master.trim();
        if let Some(rest) = trimmed.strip_prefix("ballista://") {
            let rest = rest.trim_end_matches('/');
            if rest.contains('/') || rest.contains('@') || rest.contains('?') {
                return Err(bad("expected ballista://host[:port]"));
            }
            let (host, port) = if rest.contains(':') && !rest.ends_with(']') {
                split_host_port(rest)?
            } else {
                (
                    rest.trim_start_matches('[')
                        .trim_end_matches(']')
                        .to_owned(),
                    DEFAULT_SCHEDULER_PORT,
                )
            };
            if host.is_empty() {
                return Err(bad("the host is empty"));
            }
            return Ok(Some(Master::Ballista { host, port }));
        }
        if let Some(rest) = trimmed.strip_prefix("local-cluster[") {
            let inner = rest
                .strip_suffix(']')
                .ok_or_else(|| bad("expected local-cluster[N,cores,memoryMB]"))?;
            let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
            let [n, cores, memory] = parts.as_slice() else {
                return Err(bad(
                    "expected local-cluster[N,cores,memoryMB]: three numbers",
                ));
            };
            let number = |text: &str, what: &str, max: usize| {
                text.parse::<usize>()
                    .ok()
                    .filter(|v| (1..=max).contains(v))
                    .ok_or_else(|| bad(&format!("{what} must be a whole number from 1 to {max}")))
            };
            let executors = number(n, "the number of executors", 64)?;
            let cores = number(cores, "the cores per executor", MAX_LOCAL_SLOTS)?;
            // Every task slot of an in-process cluster is a thread of its runtime.
            if executors * cores > MAX_LOCAL_SLOTS {
                return Err(bad(&format!(
                    "{executors} executors of {cores} cores are over the {MAX_LOCAL_SLOTS} task \
                     slots (threads) a cluster in this process may have"
                )));
            }
            return Ok(Some(Master::LocalCluster {
                executors,
                cores,
                memory_mb: number(memory, "the memory per executor (MiB)", 1 << 30)?,
            }));
        }
        Ok(None)
    }
}

/// Builds `builder`'s session with its queries running on the cluster `master` names (see
/// [`Master`]). The session plans Spark SQL exactly as a local one; the optimized plan goes to the
/// cluster's scheduler. A `local-cluster[...]` master starts its cluster here, stopped when the
/// session's last clone is dropped.
pub fn connect(builder: SessionBuilder, master: &str, functions: Functions) -> Result<Session> {
    let parsed = Master::parse(master)?.ok_or_else(|| Error::Master {
        master: master.to_owned(),
        reason: "not a cluster master: expected ballista://host[:port] or \
                 local-cluster[N,cores,memoryMB]"
            .to_owned(),
    })?;
    let limit = local_data_limit(&builder)?;
    let timeout = job_timeout(&builder)?;
    let remote = match parsed {
        Master::Ballista { host, port } => Remote::new(
            master,
            upgrade(format!("http://{host}:{port}"), functions, limit, timeout),
        ),
        Master::LocalCluster {
            executors,
            cores,
            memory_mb,
        } => {
            let cluster = LocalCluster::start(
                executors,
                cores,
                Some(memory_mb.saturating_mul(1 << 20)),
                functions.clone(),
            )?;
            let url = format!("http://{}", cluster.scheduler());
            Remote::new(master, upgrade(url, functions, limit, timeout))
                .keep_alive(Arc::new(cluster))
        }
    };
    Ok(builder.remote(remote).get_or_create()?)
}

/// The builder's [`LOCAL_DATA_LIMIT_KEY`], or its default.
fn local_data_limit(builder: &SessionBuilder) -> Result<usize> {
    let Some(value) = builder.get_config(LOCAL_DATA_LIMIT_KEY) else {
        return Ok(LOCAL_DATA_LIMIT);
    };
    ember_sql::parse_size(value)
        .filter(|limit| *limit <= MAX_LOCAL_DATA_LIMIT)
        .ok_or_else(|| Error::Config {
            key: LOCAL_DATA_LIMIT_KEY,
            message: format!(
                "expected a size such as 32m or a number of bytes, at most {} MiB, got `{value}`",
                MAX_LOCAL_DATA_LIMIT >> 20
            ),
        })
}

/// The builder's [`JOB_TIMEOUT_KEY`], or its default.
fn job_timeout(builder: &SessionBuilder) -> Result<Duration> {
    let Some(value) = builder.get_config(JOB_TIMEOUT_KEY) else {
        return Ok(JOB_TIMEOUT);
    };
    ember_sql::parse_time(value)
        .filter(|t| !t.is_zero())
        .ok_or_else(|| Error::Config {
            key: JOB_TIMEOUT_KEY,
            message: format!(
                "expected a positive time such as 90s, 10min or 2h, at most ten years, got `{value}`"
            ),
        })
}

/// The upgrade that sends a session's optimized plans to the scheduler at `url`, encoded with
/// Ember's codecs, with up to `local_data_limit` bytes of local data, each job bounded by
/// `job_timeout`. Unlike Ballista's own upgrade it keeps every function the session has
/// (Ember's and the user's): Ballista's replaces them with DataFusion's defaults.
fn upgrade(
    url: String,
    functions: Functions,
    local_data_limit: usize,
    job_timeout: Duration,
) -> ember_sql::StateUpgrade {
    Arc::new(move |state: SessionState| {
        let zones = Zones::of(&zone_of(state.config().options()));
        let (logical, physical) = codecs(functions.clone(), zones);
        let config = state
            .config()
            .clone()
            .upgrade_for_ballista()
            .with_ballista_logical_extension_codec(logical.clone())
            .with_ballista_physical_extension_codec(physical)
            // Ballista 55's adaptive planner re-plans a join whose side came out empty (EXCEPT
            // ALL with nothing to take away) in a loop that never ends: plan statically.
            .set_bool(
                ballista_core::config::BALLISTA_ADAPTIVE_PLANNER_ENABLED,
                false,
            )
            // The client polls a job's status (every 50 ms) rather than have the scheduler
            // push it: the scheduler answers a poll's submission with the job's id, so a job
            // can be cancelled at any time (`job`); pushed, the id comes with the first
            // update, when a stage has finished, and a job of one long stage cannot be.
            .set_bool(ballista_core::config::BALLISTA_CLIENT_PULL, true)
            .set_usize(
                ballista_core::config::BALLISTA_CLIENT_GRPC_MAX_MESSAGE_SIZE,
                GRPC_MESSAGE_LIMIT,
            );
        let planner = BallistaQueryPlanner::<LogicalPlanNode>::with_extension(
            url.clone(),
            config.ballista_config(),
            logical,
        );
        let rules = ballista_core::optimizer::with_ballista_optimizer_rules(state.optimizers());
        Ok(SessionStateBuilder::new_from_existing(state)
            .with_config(config)
            .with_optimizer_rules(rules)
            .with_query_planner(Arc::new(ClientPlanner {
                inner: Arc::new(planner),
                local_data_limit,
                job: JobBound {
                    scheduler: url.clone(),
                    timeout: job_timeout,
                },
            }))
            .build())
    })
}
