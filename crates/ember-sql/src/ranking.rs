//! Spark's `INT` for ranking window functions.
//!
//! DataFusion's `row_number`, `rank`, `dense_rank` and `ntile` return `BIGINT UNSIGNED`; Spark's
//! return `INT`. [`int_rankings`] puts a cast to `INT` right above each window node that computes
//! one, keeping the column's name, and recomputes the schemas above it. It runs on the planned,
//! not yet analyzed plan, so type coercion afterwards sees `INT` (a `WHERE rn = 1` above compares
//! `INT`s).

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType as ArrowType;
use datafusion::common::Result;
use datafusion::common::tree_node::{Transformed, TreeNodeRecursion};
use datafusion::logical_expr::expr::WindowFunctionDefinition;
use datafusion::logical_expr::{Expr, LogicalPlan, Projection, cast};

const RANKINGS: [&str; 4] = ["row_number", "rank", "dense_rank", "ntile"];

fn is_ranking(e: &Expr) -> bool {
    let e = match e {
        Expr::Alias(a) => a.expr.as_ref(),
        other => other,
    };
    matches!(e, Expr::WindowFunction(w)
        if matches!(&w.fun, WindowFunctionDefinition::WindowUDF(u) if RANKINGS.contains(&u.name())))
}

fn has_ranking(plan: &LogicalPlan) -> bool {
    let mut found = false;
    let _ = plan.apply_with_subqueries(|p| {
        if let LogicalPlan::Window(w) = p
            && w.window_expr.iter().any(is_ranking)
        {
            found = true;
            return Ok(TreeNodeRecursion::Stop);
        }
        Ok(TreeNodeRecursion::Continue)
    });
    found
}

/// `plan` with its ranking window columns cast to `INT` (see the module docs).
pub(crate) fn int_rankings(plan: LogicalPlan) -> Result<LogicalPlan> {
    if !has_ranking(&plan) {
        return Ok(plan);
    }
    plan.transform_up_with_subqueries(|p| match p {
        LogicalPlan::Window(w) if w.window_expr.iter().any(is_ranking) => {
            let input_len = w.input.schema().fields().len();
            let ranking: Vec<bool> = w.window_expr.iter().map(is_ranking).collect();
            let exprs: Vec<Expr> = w
                .schema
                .iter()
                .enumerate()
                .map(|(i, (q, f))| {
                    let column = Expr::Column((q, f).into());
                    if i >= input_len && ranking.get(i - input_len).copied().unwrap_or(false) {
                        cast(column, ArrowType::Int32).alias_qualified(q.cloned(), f.name())
                    } else {
                        column
                    }
                })
                .collect();
            let window = Arc::new(LogicalPlan::Window(w));
            Ok(Transformed::yes(LogicalPlan::Projection(
                Projection::try_new(exprs, window)?,
            )))
        }
        other => Ok(Transformed::yes(other.recompute_schema()?)),
    })
    .map(|t| t.data)
}
