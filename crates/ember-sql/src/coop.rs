//! Queries stop when their caller stops them, even while an operator multiplies rows. A query
//! stops by being dropped (a cancel, a timeout, a cluster executor aborting its task), which
//! takes effect only when the task running it yields to its runtime. DataFusion makes plans
//! yield by spending the runtime's cooperative budget on each batch a leaf (a scan) produces;
//! an operator that makes many batches out of one (`explode` of a long array, a cross or
//! many-to-many join) then runs without polling a leaf, and without yielding, for as long as
//! it has output: `SELECT max(a * b)` over a cross join of two exploded sequences never yields,
//! so it can neither be cancelled locally nor aborted on an executor. [`cooperative_expansions`]
//! puts DataFusion's `CooperativeExec` (one unit of budget per batch) above each such operator.

use std::sync::Arc;

use datafusion::common::Result as DfResult;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::config::ConfigOptions;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::coop::CooperativeExec;
use datafusion::physical_plan::joins::{
    CrossJoinExec, HashJoinExec, NestedLoopJoinExec, PiecewiseMergeJoinExec, SortMergeJoinExec,
    SymmetricHashJoinExec,
};
use datafusion::physical_plan::unnest::UnnestExec;
use datafusion::physical_plan::{ChildrenPropertiesMode, ExecutionPlan, ReplaceChildrenOptions};

/// `plan` with a `CooperativeExec` above every operator that can make many batches out of one
/// input batch (unnest and the joins), unless one is there already. Every session's physical
/// optimizer runs it ([`CooperativeExpansions`]); so does a cluster's scheduler, whose state is
/// built from a session's, and the stage plans it sends to executors carry the wrappers.
fn cooperative_expansions(plan: Arc<dyn ExecutionPlan>) -> DfResult<Arc<dyn ExecutionPlan>> {
    plan.transform_up(|node| {
        let wrapped = node.children().into_iter().map(|child| {
            if expands(child) {
                Arc::new(CooperativeExec::new(Arc::clone(child))) as Arc<dyn ExecutionPlan>
            } else {
                Arc::clone(child)
            }
        });
        let children: Vec<Arc<dyn ExecutionPlan>> = wrapped.collect();
        if node.downcast_ref::<CooperativeExec>().is_some()
            || children
                .iter()
                .zip(node.children())
                .all(|(new, old)| Arc::ptr_eq(new, old))
        {
            return Ok(Transformed::no(node));
        }
        node.replace_children(
            children,
            ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute),
        )
        .map(Transformed::yes)
    })
    .map(|t| {
        // The root itself (a plan that is one join).
        if expands(&t.data) {
            Arc::new(CooperativeExec::new(t.data)) as Arc<dyn ExecutionPlan>
        } else {
            t.data
        }
    })
}

/// Whether `node` can make many output batches out of one input batch.
fn expands(node: &Arc<dyn ExecutionPlan>) -> bool {
    node.downcast_ref::<UnnestExec>().is_some()
        || node.downcast_ref::<NestedLoopJoinExec>().is_some()
        || node.downcast_ref::<CrossJoinExec>().is_some()
        || node.downcast_ref::<HashJoinExec>().is_some()
        || node.downcast_ref::<SortMergeJoinExec>().is_some()
        || node.downcast_ref::<SymmetricHashJoinExec>().is_some()
        || node.downcast_ref::<PiecewiseMergeJoinExec>().is_some()
}

/// The physical optimizer rule of [`cooperative_expansions`].
#[derive(Debug)]
pub(crate) struct CooperativeExpansions;

impl PhysicalOptimizerRule for CooperativeExpansions {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        cooperative_expansions(plan)
    }

    fn name(&self) -> &str {
        "ember_cooperative_expansions"
    }

    fn schema_check(&self) -> bool {
        true
    }
}
