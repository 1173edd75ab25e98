//! The untyped lineage graph: what the scheduler walks to find shuffle stages, and what every RDD
//! records about its parents. Both `rdd` and `scheduler` import this module; neither imports the
//! other's internals through it.

use std::sync::{Arc, Mutex};

use crate::error::Result;
use crate::task::TaskContext;

/// How an RDD depends on a parent: partition to partition, or through a shuffle.
pub(crate) enum Dep {
    Narrow(Arc<dyn Lineage>),
    Shuffle(Arc<dyn ShuffleStage>),
}

/// The untyped view of an RDD.
pub(crate) trait Lineage: Send + Sync {
    fn deps(&self) -> &[Dep];
}

/// The scheduler's view of a shuffle: a map stage to run once, before any reduce task.
pub(crate) trait ShuffleStage: Send + Sync {
    /// The shuffled RDD's operation (`reduce_by_key`), which names the map stage.
    fn name(&self) -> &'static str;
    fn parent(&self) -> Arc<dyn Lineage>;
    fn num_map_tasks(&self) -> usize;
    fn run_map_task(&self, map_partition: usize, tc: &TaskContext) -> Result<()>;
    fn is_done(&self) -> bool;
    fn mark_done(&self);
    /// Held by the one job that writes this shuffle; a concurrent job needing it waits.
    fn run_lock(&self) -> &Mutex<()>;
}
