//! Spark's bounds on recursive CTEs. DataFusion's `RecursiveQueryExec` runs its recursive term
//! until an iteration yields no rows, with no limit, so `WITH RECURSIVE r(n) AS (SELECT 1 UNION
//! ALL SELECT n + 1 FROM r) SELECT count(*) FROM r` never ends. Spark stops such a query with
//! `RECURSION_LEVEL_LIMIT_EXCEEDED` (`spark.sql.cteRecursionLevelLimit`, default 100) or
//! `RECURSION_ROW_LIMIT_EXCEEDED` (`spark.sql.cteRecursionRowLimit`, default 1,000,000); so
//! does Ember, with the same counting (recorded from PySpark 4.3):
//! - the anchor is level 0; running level `L + 1` after level `L` produced rows fails when
//!   `L + 1 > limit` (a limit of 0 refuses any recursion that has rows to recurse on);
//! - the rows of all levels, the anchor's included, fail the query once they reach the row
//!   limit;
//! - a `LIMIT` above the CTE stops the recursion as soon as it has its rows, so
//!   `SELECT * FROM r LIMIT 3` of an endless recursion answers (Spark pushes the limit into
//!   the loop); `-1` turns a bound off.
//!
//! [`BoundRecursion`] is a physical optimizer rule: it puts [`BoundedRecursion`] above every
//! `RecursiveQueryExec` (counting rows, and resetting the level count when the query starts)
//! and [`LevelCount`] at the root of its recursive term, which DataFusion executes once per
//! level.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::config::ConfigOptions;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::recursive_query::RecursiveQueryExec;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    ChildrenPropertiesMode, DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties,
    ReplaceChildrenOptions,
};
use futures_util::StreamExt;

/// Spark's default `spark.sql.cteRecursionLevelLimit`.
pub(crate) const DEFAULT_LEVEL_LIMIT: u64 = 100;
/// Spark's default `spark.sql.cteRecursionRowLimit`.
pub(crate) const DEFAULT_ROW_LIMIT: u64 = 1_000_000;

/// Which bound a recursive CTE went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecursionBound {
    /// `spark.sql.cteRecursionLevelLimit`: how many times the recursive term may run.
    Levels,
    /// `spark.sql.cteRecursionRowLimit`: how many rows the CTE may produce in all.
    Rows,
}

/// The failure [`BoundedRecursion`] and [`LevelCount`] raise, which Ember's error conversion
/// turns into [`Error::RecursionLimitExceeded`](crate::Error::RecursionLimitExceeded).
#[derive(Debug, thiserror::Error)]
#[error("{}", crate::Error::RecursionLimitExceeded { bound: *bound, limit: *limit })]
pub(crate) struct RecursionLimitFailure {
    pub(crate) bound: RecursionBound,
    pub(crate) limit: u64,
}

/// The bounds of a session's recursive CTEs; `None` is unbounded (Spark's `-1`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecursionLimits {
    pub(crate) levels: Option<u64>,
    pub(crate) rows: Option<u64>,
}

impl RecursionLimits {
    /// The bound a Spark setting's value gives: a non-negative number, or `-1` for none.
    pub(crate) fn parse(value: &str) -> Option<Option<u64>> {
        match value.trim().parse::<i64>().ok()? {
            -1 => Some(None),
            n => u64::try_from(n).ok().map(Some),
        }
    }
}

/// The physical optimizer rule that bounds every recursive CTE of a plan.
#[derive(Debug)]
pub(crate) struct BoundRecursion {
    pub(crate) limits: RecursionLimits,
}

impl PhysicalOptimizerRule for BoundRecursion {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            let Some(recursive) = node.downcast_ref::<RecursiveQueryExec>() else {
                return Ok(Transformed::no(node));
            };
            // The CTE's own `MAX RECURSION LEVEL n` (`ctes.rs`) before the session's.
            let level_limit = crate::ctes::max_level_of(recursive.name()).or(self.limits.levels);
            if level_limit.is_none() && self.limits.rows.is_none() {
                return Ok(Transformed::no(node));
            }
            let levels = Arc::new(AtomicU64::new(0));
            let counted: Arc<dyn ExecutionPlan> = Arc::new(LevelCount {
                input: Arc::clone(recursive.recursive_term()),
                levels: Arc::clone(&levels),
                limit: level_limit,
            });
            let bounded = Arc::clone(&node).replace_children(
                vec![Arc::clone(recursive.static_term()), counted],
                ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute),
            )?;
            Ok(Transformed::yes(Arc::new(BoundedRecursion {
                input: bounded,
                levels,
                rows: self.limits.rows,
            })))
        })
        .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "ember_bound_recursion"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// Above a `RecursiveQueryExec`: fails once its rows reach the row limit, and starts each run
/// of the query at level 0.
#[derive(Debug)]
struct BoundedRecursion {
    input: Arc<dyn ExecutionPlan>,
    levels: Arc<AtomicU64>,
    rows: Option<u64>,
}

/// At the root of a recursive term, which DataFusion executes once per level after a level
/// that produced rows: counts the levels and refuses the one past the limit.
#[derive(Debug)]
struct LevelCount {
    input: Arc<dyn ExecutionPlan>,
    levels: Arc<AtomicU64>,
    limit: Option<u64>,
}

fn limit_text(limit: Option<u64>) -> String {
    limit.map_or_else(|| "none".to_owned(), |n| n.to_string())
}

impl DisplayAs for BoundedRecursion {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BoundedRecursion: rows={}", limit_text(self.rows))
    }
}

impl DisplayAs for LevelCount {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LevelCount: levels={}", limit_text(self.limit))
    }
}

/// The one child of a wrapper rebuilt with new children.
fn only_child(
    name: &str,
    mut children: Vec<Arc<dyn ExecutionPlan>>,
) -> DfResult<Arc<dyn ExecutionPlan>> {
    match (children.pop(), children.is_empty()) {
        (Some(input), true) => Ok(input),
        _ => Err(DataFusionError::Internal(format!("{name} takes one input"))),
    }
}

fn failure(bound: RecursionBound, limit: u64) -> DataFusionError {
    DataFusionError::External(Box::new(RecursionLimitFailure { bound, limit }))
}

impl ExecutionPlan for BoundedRecursion {
    fn name(&self) -> &str {
        "BoundedRecursion"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.input.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>,
    ) -> DfResult<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        Ok(Arc::new(BoundedRecursion {
            input: only_child("BoundedRecursion", children)?,
            levels: Arc::clone(&self.levels),
            rows: self.rows,
        }))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        // `RecursiveQueryExec` has one partition and a plan runs once at a time, so one count
        // per plan is one count per run.
        self.levels.store(0, Ordering::SeqCst);
        let stream = self.input.execute(partition, context)?;
        let schema = stream.schema();
        let Some(limit) = self.rows else {
            return Ok(stream);
        };
        let mut seen = 0u64;
        let bounded = stream.map(move |batch| {
            let batch = batch?;
            seen = seen.saturating_add(batch.num_rows() as u64);
            // Spark fails once the rows reach the limit, even if no level is left to run.
            if batch.num_rows() > 0 && seen >= limit {
                return Err(failure(RecursionBound::Rows, limit));
            }
            Ok(batch)
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, bounded)))
    }
}

impl ExecutionPlan for LevelCount {
    fn name(&self) -> &str {
        "LevelCount"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.input.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>,
    ) -> DfResult<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        Ok(Arc::new(LevelCount {
            input: only_child("LevelCount", children)?,
            levels: Arc::clone(&self.levels),
            limit: self.limit,
        }))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        let level = self.levels.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(limit) = self.limit
            && level > limit
        {
            return Err(failure(RecursionBound::Levels, limit));
        }
        self.input.execute(partition, context)
    }
}

#[cfg(test)]
mod tests {
    use super::RecursionLimits;

    #[test]
    fn settings_read_as_spark_writes_them() {
        assert_eq!(RecursionLimits::parse("100"), Some(Some(100)));
        assert_eq!(RecursionLimits::parse(" 0 "), Some(Some(0)));
        assert_eq!(RecursionLimits::parse("-1"), Some(None));
        for bad in ["", "-2", "x", "1.5"] {
            assert_eq!(RecursionLimits::parse(bad), None, "{bad}");
        }
    }
}
