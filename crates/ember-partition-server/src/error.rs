//! The one error type of `ember-partition-server`.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// Everything a cluster operation can fail with.
///
/// Variants carry structured fields (partition index, counts, addresses, HTTP status) so callers
/// can react without parsing messages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `start()` waited `waited` for every partition server to register and only `registered`
    /// of `expected` did. Whatever had started was stopped before this was returned.
    #[error(
        "only {registered} of {expected} partition servers registered within {:.1} s",
        waited.as_secs_f64()
    )]
    Timeout {
        /// Partition servers that had registered.
        registered: usize,
        /// Partitions in the RDD.
        expected: usize,
        /// How long `start()` waited.
        waited: Duration,
    },
    /// A partition server kept failing (its init panicked, or it died while serving) until the
    /// context's task retry limit ran out.
    #[error("partition {partition}'s server failed {attempts} time(s); last failure: {message}")]
    PartitionFailed {
        /// The partition whose server could not be kept up.
        partition: usize,
        /// How many launches were tried.
        attempts: u32,
        /// The last failure (a panic message, or why the server exited).
        message: String,
    },
    /// `stop()` stopped every server, but some did not shut down cleanly (they did not answer
    /// `/control/shutdown` in time, or had failed earlier). Those were stopped from the driver's
    /// side; their results, if any, are missing from the result RDD.
    #[error("{} partition server(s) did not stop cleanly: {}", failures.len(), HostFailures(failures))]
    Stop {
        /// One entry per partition that did not stop cleanly, in partition order.
        failures: Vec<HostFailure>,
    },
    /// `start()` on a cluster that is already running.
    #[error("the cluster is already running; stop it first")]
    AlreadyRunning,
    /// An operation that needs running servers on a stopped cluster.
    #[error("the cluster is not running; start it first")]
    NotRunning,
    /// Computing the RDD's partitions failed.
    #[error("computing the partitions failed: {0}")]
    Rdd(#[from] ember_rdd::Error),
    /// A listener could not be bound.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The cluster's async runtime or HTTP client could not be created, or went away.
    #[error("cluster runtime: {0}")]
    Runtime(String),
    /// A partition is not serving now (it is being relaunched, has failed, or does not exist).
    #[error("partition {partition} is not serving")]
    NotServing {
        /// The partition asked for.
        partition: usize,
    },
    /// A request to a partition server failed before an answer came (refused, reset, timed out).
    #[error("request to partition {partition} at {url} failed: {reason}")]
    Request {
        /// The partition queried.
        partition: usize,
        /// The URL requested.
        url: String,
        /// Why it failed, in one line.
        reason: String,
    },
    /// A partition server answered with a status other than 2xx.
    #[error("partition {partition} answered {status}: {body}")]
    Status {
        /// The partition queried.
        partition: usize,
        /// The HTTP status.
        status: u16,
        /// The start of the answer's body (its one-line reason).
        body: String,
    },
    /// A partition server's answer was not the JSON expected.
    #[error("partition {partition}'s answer is not the JSON expected: {reason}")]
    Decode {
        /// The partition queried.
        partition: usize,
        /// The decoder's message.
        reason: String,
    },
}

/// `Result` with [`enum@Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A partition server that did not shut down cleanly in [`Cluster::stop`](crate::Cluster::stop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFailure {
    /// The partition.
    pub partition: usize,
    /// Where it was serving, if it was.
    pub addr: Option<SocketAddr>,
    /// What went wrong, in one line.
    pub reason: String,
}

impl fmt::Display for HostFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            Some(addr) => write!(f, "partition {} ({addr}): {}", self.partition, self.reason),
            None => write!(f, "partition {}: {}", self.partition, self.reason),
        }
    }
}

struct HostFailures<'a>(&'a [HostFailure]);

impl fmt::Display for HostFailures<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, failure) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{failure}")?;
        }
        Ok(())
    }
}
