//! [`LocalCluster`]: Spark's `local-cluster[N,cores,memory]`, a scheduler and N executors inside
//! this process, talking over loopback as separate processes would.

use std::net::SocketAddr;
use std::time::Duration;

use crate::functions::Functions;
use crate::node::{Scheduler, SchedulerOptions, spawn_local_executor};
use crate::{Error, Result};

/// How long dropping a [`LocalCluster`] waits for its tasks to stop.
const SHUTDOWN: Duration = Duration::from_secs(10);

/// How long starting one waits for its scheduler to bind and its executors to register: a
/// backstop, far above the milliseconds it takes.
const START: Duration = Duration::from_secs(60);

/// A scheduler and executors on a runtime of their own, on loopback ports the OS picks. Dropping
/// it stops them all and removes their shuffle files.
pub struct LocalCluster {
    scheduler: SocketAddr,
    executors: usize,
    runtime: Option<ember_runtime::Runtime>,
    _work_dir: tempfile::TempDir,
}

impl std::fmt::Debug for LocalCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCluster")
            .field("scheduler", &self.scheduler)
            .field("executors", &self.executors)
            .finish_non_exhaustive()
    }
}

impl LocalCluster {
    /// Starts a scheduler and `executors` executors of `cores` task slots each, each executor's
    /// tasks bounded to `memory_limit` bytes when given. The runtime has one thread per slot.
    pub fn start(
        executors: usize,
        cores: usize,
        memory_limit: Option<usize>,
        functions: Functions,
    ) -> Result<LocalCluster> {
        let executors = executors.max(1);
        let cores = cores.max(1);
        let runtime = ember_runtime::Runtime::builder("ember-cluster")
            .threads(executors.saturating_mul(cores).max(2))
            .build()
            .map_err(|e| Error::Ballista(e.to_string()))?;
        let work_dir = tempfile::Builder::new()
            .prefix("ember-cluster-")
            .tempdir()
            .map_err(|source| Error::Io {
                what: "cannot create the local cluster's work directory".to_owned(),
                source,
            })?;
        let root = work_dir.path().to_path_buf();
        let start = async move {
            let scheduler = Scheduler::bind(SchedulerOptions {
                port: 0,
                functions: functions.clone(),
                ..SchedulerOptions::default()
            })
            .await?;
            let address = scheduler.address();
            tokio::spawn(scheduler.serve());
            for i in 0..executors {
                let dir = root.join(format!("executor-{i}"));
                std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
                    what: format!("cannot create {}", dir.display()),
                    source,
                })?;
                spawn_local_executor(address, cores, memory_limit, &dir, &functions).await?;
            }
            Ok::<_, Error>(address)
        };
        let scheduler = runtime
            .block_on("the local cluster's start", Some(START), start)
            .map_err(|e| Error::Ballista(e.to_string()))
            .and_then(|started| started);
        let scheduler = match scheduler {
            Ok(address) => address,
            Err(e) => {
                runtime.shutdown(SHUTDOWN);
                return Err(e);
            }
        };
        Ok(LocalCluster {
            scheduler,
            executors,
            runtime: Some(runtime),
            _work_dir: work_dir,
        })
    }

    /// The scheduler's address.
    pub fn scheduler(&self) -> SocketAddr {
        self.scheduler
    }

    /// The master URL of the cluster: `ballista://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("ballista://{}", self.scheduler)
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        // Its tasks end before the work directory (their shuffle files) is removed.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown(SHUTDOWN);
        }
    }
}
