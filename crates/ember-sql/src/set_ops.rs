//! `INTERSECT ALL` and `EXCEPT ALL` with Spark's multiset semantics.
//!
//! DataFusion 55 plans `l INTERSECT ALL r` as a left semi join of `l` with `r` on every column
//! (nulls equal), which keeps *every* copy of a row of `l` that has a match: `{1, 1, 1}
//! INTERSECT ALL {1}` gives three rows instead of one (apache/datafusion#12955); `EXCEPT ALL`, a
//! left anti join, drops every copy as soon as one matches: `{1, 1, 1} EXCEPT ALL {1}` gives none
//! instead of two. Spark keeps min(m, n) copies for `INTERSECT ALL` and m - n for `EXCEPT ALL`.
//!
//! [`MultisetSetOps`], an analyzer rule, numbers the copies of each distinct row on both sides
//! (`row_number() OVER (PARTITION BY every column)`) and joins on the columns *and* that number:
//! the k-th copy of a row in `l` matches only the k-th copy in `r`, so a semi join keeps exactly
//! the first min(m, n) copies and an anti join the m - n others.

use std::sync::Arc;

use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{Column, NullEquality, Result};
use datafusion::logical_expr::{Expr, ExprFunctionExt, JoinType, LogicalPlan, LogicalPlanBuilder};
use datafusion::optimizer::AnalyzerRule;

/// The name of the copy number column on each side.
const LEFT_COPY: &str = "__ember_copy_l";
const RIGHT_COPY: &str = "__ember_copy_r";

/// Rewrites DataFusion's `INTERSECT ALL`/`EXCEPT ALL` joins to multiset semantics (see the module
/// docs). Runs after DataFusion's own analyzer rules, so the plan is already typed.
#[derive(Debug)]
pub(crate) struct MultisetSetOps;

impl AnalyzerRule for MultisetSetOps {
    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        plan.transform_up_with_subqueries(rewrite).map(|t| t.data)
    }

    fn name(&self) -> &str {
        "ember_multiset_set_ops"
    }
}

/// Whether `join` is the shape DataFusion builds for `INTERSECT ALL` or `EXCEPT ALL`: a semi or
/// anti join with nulls equal, no filter, and every left column paired in order with the right
/// column at the same position. (`INTERSECT`/`EXCEPT` without `ALL` put a `DISTINCT` on the left,
/// where every row has one copy and the plan is already right.)
fn is_all_set_op(join: &datafusion::logical_expr::Join) -> bool {
    let left = join.left.schema();
    let right = join.right.schema();
    matches!(join.join_type, JoinType::LeftSemi | JoinType::LeftAnti)
        && join.filter.is_none()
        && join.null_equality == NullEquality::NullEqualsNull
        && !join.null_aware
        && !matches!(join.left.as_ref(), LogicalPlan::Distinct(_))
        && join.on.len() == left.fields().len()
        && join.on.len() == right.fields().len()
        && left.field_with_unqualified_name(LEFT_COPY).is_err()
        && join.on.iter().enumerate().all(|(i, (l, r))| {
            let (lq, lf) = left.qualified_field(i);
            let (rq, rf) = right.qualified_field(i);
            matches!(l, Expr::Column(c) if c.name == *lf.name() && (c.relation.is_none() || c.relation.as_ref() == lq))
                && matches!(r, Expr::Column(c) if c.name == *rf.name() && (c.relation.is_none() || c.relation.as_ref() == rq))
        })
}

/// `plan` with a column `name` numbering the copies of each distinct row.
fn number_copies(plan: Arc<LogicalPlan>, name: &str) -> Result<LogicalPlan> {
    let partition: Vec<Expr> = plan
        .schema()
        .columns()
        .into_iter()
        .map(Expr::Column)
        .collect();
    let copy = datafusion::functions_window::expr_fn::row_number()
        .partition_by(partition)
        .build()?
        .alias(name);
    LogicalPlanBuilder::from(Arc::unwrap_or_clone(plan))
        .window(vec![copy])?
        .build()
}

fn rewrite(plan: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
    let LogicalPlan::Join(join) = plan else {
        return Ok(Transformed::no(plan));
    };
    if !is_all_set_op(&join) {
        return Ok(Transformed::no(LogicalPlan::Join(join)));
    }
    let output: Vec<Expr> = join
        .left
        .schema()
        .columns()
        .into_iter()
        .map(Expr::Column)
        .collect();
    let left = number_copies(join.left, LEFT_COPY)?;
    let right = number_copies(join.right, RIGHT_COPY)?;
    let column = |e: &Expr| match e {
        Expr::Column(c) => c.clone(),
        // `is_all_set_op` checked that every key is a column.
        other => Column::from_name(other.schema_name().to_string()),
    };
    let (mut left_keys, mut right_keys): (Vec<Column>, Vec<Column>) =
        join.on.iter().map(|(l, r)| (column(l), column(r))).unzip();
    left_keys.push(Column::from_name(LEFT_COPY));
    right_keys.push(Column::from_name(RIGHT_COPY));
    let plan = LogicalPlanBuilder::from(left)
        .join_detailed(
            right,
            join.join_type,
            (left_keys, right_keys),
            None,
            NullEquality::NullEqualsNull,
        )?
        .project(output)?
        .build()?;
    Ok(Transformed::yes(plan))
}
