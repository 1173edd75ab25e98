//! LATERAL subqueries that compute from the outer row.
//!
//! `FROM l, LATERAL (SELECT l.v * 10 AS w) x` is a join whose right side is a subquery reading
//! `l`'s row (an *outer reference*). DataFusion 55 decorrelates such a subquery only where the
//! outer row appears in its `WHERE` (it pulls the predicate up into the join); an outer column in
//! the subquery's `SELECT` list reached its physical planner, which refused it ("Physical plan
//! does not support logical expression OuterReferenceColumn"). Spark answers both.
//!
//! [`decorrelate`] rewrites the common shape, a subquery that is one
//! `SELECT` list over `WHERE` clauses over a relation that does not read the outer row (a table,
//! a join, or no `FROM` at all): row by row, the subquery's answer for an outer row is its
//! `SELECT` list over the rows of that relation that pass its `WHERE`, so the join is the same
//! `SELECT` list and `WHERE` over `outer × relation`, the outer references read as ordinary
//! columns. With no `FROM` there is no join at all: the outer rows are projected. Inner joins
//! and cross joins (`, LATERAL`) are rewritten, and `LEFT JOIN LATERAL` where the subquery gives
//! exactly one row per outer row (no `FROM`, no `WHERE`): its `ON` condition then only decides
//! whether the row's columns are kept or NULL. Other shapes (an aggregate, `ORDER BY`/`LIMIT`, a
//! window inside the subquery) are left to DataFusion's own rule, which decorrelates aggregates
//! of correlated `WHERE`s; what neither rule takes is refused naming LATERAL (error.rs).

use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::{
    Expr, Filter, Join, JoinType, LogicalPlan, LogicalPlanBuilder, Projection, Subquery, when,
};

/// `plan` with its LATERAL joins that read the outer row in their subquery's `SELECT` list or
/// `WHERE` rewritten (see the module docs). Runs on the planned plan before Ember's typing
/// passes ([`crate::coercion::spark_types`]), which then type the rewritten plan as a whole: an
/// outer reference carries the type its column had when the query was planned, and a later
/// LATERAL reading an earlier one's column would otherwise keep a stale type.
pub(crate) fn decorrelate(plan: LogicalPlan) -> Result<LogicalPlan> {
    plan.transform_up_with_subqueries(|plan| match plan {
        LogicalPlan::Join(join) => match rewrite(&join)? {
            Some(rewritten) => Ok(Transformed::yes(rewritten)),
            None => Ok(Transformed::no(LogicalPlan::Join(join))),
        },
        other => Ok(Transformed::no(other)),
    })
    .map(|t| t.data)
}

/// The subquery of a LATERAL join's right side: `Subquery` or `SubqueryAlias` over one.
fn lateral_subquery(right: &LogicalPlan) -> Option<&Subquery> {
    match right {
        LogicalPlan::Subquery(subquery) => Some(subquery),
        LogicalPlan::SubqueryAlias(alias) => match alias.input.as_ref() {
            LogicalPlan::Subquery(subquery) => Some(subquery),
            _ => None,
        },
        _ => None,
    }
}

/// Whether any node of `plan`, or of a subquery within it, reads an outer row.
fn reads_outer_row(plan: &LogicalPlan) -> Result<bool> {
    let mut found = false;
    plan.apply_with_subqueries(|node| {
        found = node.contains_outer_reference();
        Ok(if found {
            TreeNodeRecursion::Stop
        } else {
            TreeNodeRecursion::Continue
        })
    })?;
    Ok(found)
}

/// `expr` with its outer references read as columns of `outer`; `None` if one is not a column of
/// `outer` (a reference to a query further out) or `expr` holds a subquery of its own.
fn from_outer_row(expr: &Expr, outer: &DFSchema) -> Result<Option<Expr>> {
    let mut ours = true;
    let rewritten = expr.clone().transform(|e| match e {
        Expr::OuterReferenceColumn(_, column) => {
            ours &= outer.has_column(&column);
            Ok(Transformed::yes(Expr::Column(column)))
        }
        Expr::ScalarSubquery(_)
        | Expr::Exists(_)
        | Expr::InSubquery(_)
        | Expr::SetComparison(_) => {
            ours = false;
            Ok(Transformed::new(e, false, TreeNodeRecursion::Stop))
        }
        other => Ok(Transformed::no(other)),
    })?;
    Ok(ours.then_some(rewritten.data))
}

/// The columns of `schema`, as expressions.
fn columns_of(schema: &DFSchema) -> Vec<Expr> {
    schema.columns().into_iter().map(Expr::Column).collect()
}

/// The rewritten plan of `join`, or `None` when it is not a shape this rule takes.
fn rewrite(join: &Join) -> Result<Option<LogicalPlan>> {
    if !join.on.is_empty() || !matches!(join.join_type, JoinType::Inner | JoinType::Left) {
        return Ok(None);
    }
    let Some(subquery) = lateral_subquery(&join.right) else {
        return Ok(None);
    };
    // The subquery: one SELECT list over WHERE clauses over a relation not reading the outer row.
    let LogicalPlan::Projection(select) = subquery.subquery.as_ref() else {
        return Ok(None);
    };
    let mut wheres = Vec::new();
    let mut relation = select.input.as_ref();
    while let LogicalPlan::Filter(filter) = relation {
        wheres.push(&filter.predicate);
        relation = filter.input.as_ref();
    }
    if reads_outer_row(relation)? {
        return Ok(None);
    }
    let one_row = matches!(relation, LogicalPlan::EmptyRelation(e) if e.produce_one_row);
    let on = match &join.filter {
        None | Some(Expr::Literal(ScalarValue::Boolean(Some(true)), _)) => None,
        Some(on) => Some(on.clone()),
    };
    if join.join_type == JoinType::Left && !(one_row && wheres.is_empty()) {
        return Ok(None);
    }
    let outer = join.left.schema();
    let mut rows = if one_row {
        LogicalPlanBuilder::from(Arc::clone(&join.left))
    } else {
        match LogicalPlanBuilder::from(Arc::clone(&join.left)).cross_join(relation.clone()) {
            Ok(rows) => rows,
            // Alike names on both sides (`FROM t, LATERAL (... FROM t)`): left to DataFusion.
            Err(_) => return Ok(None),
        }
    };
    for predicate in wheres.into_iter().rev() {
        let Some(predicate) = from_outer_row(predicate, outer)? else {
            return Ok(None);
        };
        rows = rows.filter(predicate)?;
    }
    // The join's own columns: the outer row's, then the subquery's under the join's names.
    let right = join.right.schema();
    let mut exprs = columns_of(outer);
    for (i, expr) in select.expr.iter().enumerate() {
        let Some(expr) = from_outer_row(expr, outer)? else {
            return Ok(None);
        };
        let (qualifier, field) = right.qualified_field(i);
        exprs.push(
            expr.unalias_nested()
                .data
                .alias_qualified(qualifier.cloned(), field.name()),
        );
    }
    let projected = match Projection::try_new(exprs, Arc::new(rows.build()?)) {
        Ok(projected) => LogicalPlan::Projection(projected),
        // A subquery column named as an outer one (`LATERAL (SELECT l.id)` without an alias).
        Err(_) => return Ok(None),
    };
    let Some(on) = on else {
        return Ok(Some(projected));
    };
    if join.join_type == JoinType::Inner {
        return Ok(Some(LogicalPlan::Filter(Filter::try_new(
            on,
            Arc::new(projected),
        )?)));
    }
    // LEFT JOIN of one row per outer row: the row's columns where ON holds, NULL elsewhere.
    let mut exprs = columns_of(outer);
    for (qualifier, field) in right.iter() {
        let column = Expr::Column(Column::new(qualifier.cloned(), field.name()));
        let kept = when(on.clone(), column).end()?;
        exprs.push(kept.alias_qualified(qualifier.cloned(), field.name()));
    }
    Ok(Some(LogicalPlan::Projection(Projection::try_new(
        exprs,
        Arc::new(projected),
    )?)))
}
