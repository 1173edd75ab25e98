//! What keeps SQL text from crashing or hanging the process while it becomes a plan (issue 16).
//!
//! SQL text becomes a plan in recursive passes (sqlparser's, DataFusion's planner, analyzer and
//! optimizer, Ember's rewrites in `shapes.rs`, `numeric_literals.rs`, `coercion.rs`,
//! `overflow.rs`, ...) whose recursion is as deep as the query nests, and a chain
//! `a OR b OR ...` nests as deep as it is long: a 1000-term chain overflowed a thread's stack and
//! killed the process. Three things make any text safe:
//!
//! - **A depth bound.** Right after parsing, and again after Ember's syntax rewrites, the
//!   statement's nesting of expressions and queries is measured ([`check_depth`]); beyond
//!   [`MAX_DEPTH`] the query fails with [`Error::ExpressionTooDeep`] before anything is planned.
//!   sqlparser's visitors grow their stack on the heap (DataFusion's `recursive_protection`
//!   feature), so measuring, and taking apart a statement too deep to drop recursively, is safe
//!   at any depth. sqlparser's own recursion limit already refuses deep parentheses and
//!   subqueries; only operator chains, which it parses in a loop, get this deep.
//! - **Stacks for that depth.** Everything that recurses over a bounded tree without that
//!   protection (Ember's own passes, and the derived `Clone`, `Drop`, `PartialEq` and `Display`
//!   of DataFusion's and sqlparser's trees) has room for [`MAX_DEPTH`] levels: the session
//!   runtime's threads, where plans are optimized, run and dropped, and its blocking pool, where
//!   SQL text is planned, all have [`STACK_SIZE`] stacks (`runtime.rs`). A stack is address
//!   space; only the pages a deep query touches are ever backed by memory.
//! - **Cancellation.** The caller awaits the planning thread instead of planning inside a poll,
//!   so a cancel or a timeout (dropping the future) releases it at once. The thread sees the
//!   [`CancelFlag`] between passes and stops there; what it still does is bounded, since every
//!   pass is linear in the query's length and the depth is bounded.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use datafusion::sql::parser::{CopyToSource, Statement as DFStatement};
use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr as SqlExpr, Query, Value, Visit, VisitMut, Visitor, VisitorMut,
};

use crate::{Error, Result};

/// The deepest nesting of expressions and queries Ember plans: a chain of 1000 operators that
/// are not rebalanced (`+`, `-`, `*`, comparisons). DataFusion types and names such a
/// chain in time quadratic in its depth (each level's `get_type` and `to_field` walks the
/// chain below it: a 1000-term `+` chain over a column planned in 15.5 s in a debug build),
/// so the bound is what keeps planning time linear in the query's length. `AND`,
/// `OR`, `||` and `CASE` are never that deep however long (balanced, flat).
pub const MAX_DEPTH: usize = 1_000;

/// The stack of the planning thread and of the session runtime's threads: room for
/// [`MAX_DEPTH`] levels of the deepest recursion nothing grows on the heap (the derived
/// `Display`, `Clone` and `Drop` of DataFusion's and sqlparser's trees, a few KB a level in a
/// debug build), many times over.
pub(crate) const STACK_SIZE: usize = 64 * 1024 * 1024;

/// Set when whoever waits for a plan has given up on it; the planning thread checks it between
/// passes.
#[derive(Debug, Clone, Default)]
pub(crate) struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// [`Error::Cancelled`] once the flag is set.
    pub(crate) fn check(&self) -> Result<()> {
        if self.0.load(Ordering::Relaxed) {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    /// A guard that sets the flag when dropped, unless [`CancelOnDrop::disarm`]ed first.
    pub(crate) fn cancel_on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(Some(self.clone()))
    }
}

/// Sets its [`CancelFlag`] when dropped: held by the future that awaits a plan, so dropping that
/// future (a cancel, a timeout) stops the planning thread at its next check.
#[derive(Debug)]
pub(crate) struct CancelOnDrop(Option<CancelFlag>);

impl CancelOnDrop {
    /// The plan arrived: nothing to cancel.
    pub(crate) fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(flag) = self.0.take() {
            flag.0.store(true, Ordering::Relaxed);
        }
    }
}

/// Runs `plan` on a thread of `runtime`'s blocking pool (the session runtime's threads have
/// [`STACK_SIZE`] stacks, its blocking pool's too) and awaits its result from any executor.
/// The pool keeps an idle thread for a while, so a session that plans one query after another
/// reuses it: a new 64 MiB thread for every query (mapping, faulting in and unmapping its
/// stack) was a tenth of a TPC-H query's planning. Dropping the returned future sets the [`CancelFlag`] `plan`
/// is given and releases the caller at once; the thread then drops whatever it produced itself,
/// on its own stack.
pub(crate) async fn on_planning_thread<T, F>(runtime: &tokio::runtime::Handle, plan: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&CancelFlag) -> Result<T> + Send + 'static,
{
    let cancel = CancelFlag::default();
    let guard = cancel.cancel_on_drop();
    let (tx, rx) = tokio::sync::oneshot::channel();
    // Detached: the task ends on its own once it sees the flag (the handle is not awaited).
    drop(runtime.spawn_blocking(move || {
        let result = plan(&cancel);
        // A caller that gave up has dropped the receiver: the result (a deep plan, maybe)
        // is dropped here, on this thread's stack.
        let _ = tx.send(result);
    }));
    let result = rx.await.map_err(|_| Error::Runtime {
        message: "the planning thread ended without a plan (it panicked, or the session's runtime stopped)".to_owned(),
    })?;
    guard.disarm();
    result
}

/// Measures how deep expressions and queries nest; stops as soon as `limit` is passed.
struct Depth {
    depth: usize,
    limit: usize,
}

impl Depth {
    fn enter(&mut self) -> ControlFlow<()> {
        self.depth += 1;
        if self.depth > self.limit {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    fn leave(&mut self) -> ControlFlow<()> {
        self.depth = self.depth.saturating_sub(1);
        ControlFlow::Continue(())
    }
}

impl Visitor for Depth {
    type Break = ();

    fn pre_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.enter()
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.leave()
    }

    fn pre_visit_expr(&mut self, _expr: &SqlExpr) -> ControlFlow<()> {
        self.enter()
    }

    fn post_visit_expr(&mut self, _expr: &SqlExpr) -> ControlFlow<()> {
        self.leave()
    }
}

/// As a mutating visitor, [`Depth`] takes a statement apart: it replaces every expression,
/// innermost first, with `NULL`, so each is dropped once its children are leaves and no drop
/// recurses.
impl VisitorMut for Depth {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut SqlExpr) -> ControlFlow<()> {
        *expr = SqlExpr::value(Value::Null);
        ControlFlow::Continue(())
    }
}

/// Walks the sqlparser trees of `statement` (through `EXPLAIN` and `COPY (query)`) with `V`.
fn walk<V: Visitor<Break = ()> + VisitorMut<Break = ()>>(
    statement: &mut DFStatement,
    visitor: &mut V,
    mutate: bool,
) -> ControlFlow<()> {
    fn tree<T: Visit + VisitMut, V: Visitor<Break = ()> + VisitorMut<Break = ()>>(
        t: &mut T,
        visitor: &mut V,
        mutate: bool,
    ) -> ControlFlow<()> {
        if mutate {
            VisitMut::visit(t, visitor)
        } else {
            Visit::visit(t, visitor)
        }
    }
    match statement {
        DFStatement::Statement(s) => tree(s.as_mut(), visitor, mutate),
        DFStatement::Explain(explain) => walk(&mut explain.statement, visitor, mutate),
        DFStatement::CopyTo(copy) => match &mut copy.source {
            CopyToSource::Query(q) => tree(q.as_mut(), visitor, mutate),
            CopyToSource::Relation(_) => ControlFlow::Continue(()),
        },
        DFStatement::CreateExternalTable(_) | DFStatement::Reset(_) => ControlFlow::Continue(()),
    }
}

/// Left spines of `AND`/`OR`/`||` longer than this are rebalanced; a balanced chain's spines are far
/// shorter, so nothing is rebalanced twice.
const BALANCE_FROM: usize = 64;

/// Rebuilds each long `a OR b OR c ...` (and `AND`, and `||`) chain as a balanced tree of the
/// same terms in the same order: `AND` and `OR` are associative in SQL's three-valued logic,
/// and so is `||`, which Ember plans as Spark does (non-string operands cast to strings, so
/// every scalar `||` is a string concatenation; arrays concatenate), and DataFusion names a
/// binary expression without parentheses, so column names do not change. A 10 000-term chain
/// then nests 14 levels deep instead of 10 000, which keeps every recursive pass shallow and
/// DataFusion's passes that are quadratic in a chain's depth (each level of `get_type` and
/// `to_field` recomputes its subtree) fast. `+` is left as it is: it is not associative once
/// overflow is checked.
/// The SQL statement inside `statement`, through any `EXPLAIN`s: Ember's rewrites apply to
/// the statement an `EXPLAIN` shows, so it shows the plan Ember runs.
pub(crate) fn sql_statement_mut(
    statement: &mut DFStatement,
) -> Option<&mut datafusion::sql::sqlparser::ast::Statement> {
    match statement {
        DFStatement::Statement(s) => Some(s.as_mut()),
        DFStatement::Explain(explain) => sql_statement_mut(&mut explain.statement),
        _ => None,
    }
}

pub(crate) fn balance_logical_chains(statement: &mut DFStatement) {
    struct Balance;
    impl Visitor for Balance {
        type Break = ();
    }
    impl VisitorMut for Balance {
        type Break = ();

        fn pre_visit_expr(&mut self, expr: &mut SqlExpr) -> ControlFlow<()> {
            let op = match expr {
                SqlExpr::BinaryOp { op, .. }
                    if matches!(
                        op,
                        BinaryOperator::And | BinaryOperator::Or | BinaryOperator::StringConcat
                    ) =>
                {
                    op.clone()
                }
                _ => return ControlFlow::Continue(()),
            };
            if left_spine(expr, &op) > BALANCE_FROM {
                let taken = std::mem::replace(expr, SqlExpr::value(Value::Null));
                let terms = chain_terms(taken, &op);
                *expr = balanced(terms, &op);
            }
            ControlFlow::Continue(())
        }
    }
    let _ = walk(statement, &mut Balance, true);
}

/// How many `op` nodes lie on `expr`'s left spine.
fn left_spine(mut expr: &SqlExpr, op: &BinaryOperator) -> usize {
    let mut n = 0;
    while let SqlExpr::BinaryOp { left, op: o, .. } = expr
        && o == op
    {
        n += 1;
        expr = left;
    }
    n
}

/// The terms of a left-deep `op` chain, in order (taken apart without recursion).
fn chain_terms(expr: SqlExpr, op: &BinaryOperator) -> Vec<SqlExpr> {
    let mut rights = Vec::new();
    let mut current = expr;
    loop {
        match current {
            SqlExpr::BinaryOp { left, op: o, right } if &o == op => {
                rights.push(*right);
                current = *left;
            }
            first => {
                rights.push(first);
                break;
            }
        }
    }
    rights.reverse();
    rights
}

/// `terms` joined by `op` as a balanced tree (`terms` is never empty).
fn balanced(mut terms: Vec<SqlExpr>, op: &BinaryOperator) -> SqlExpr {
    if terms.len() <= 1 {
        return terms.pop().unwrap_or_else(|| SqlExpr::value(Value::Null));
    }
    let right = terms.split_off(terms.len() / 2);
    SqlExpr::BinaryOp {
        left: Box::new(balanced(terms, op)),
        op: op.clone(),
        right: Box::new(balanced(right, op)),
    }
}

/// [`Error::ExpressionTooDeep`] if `statement` nests deeper than `limit`; the statement is then
/// taken apart, so dropping it is safe however deep it was.
pub(crate) fn check_depth(statement: &mut DFStatement, limit: usize, query: &str) -> Result<()> {
    let mut depth = Depth { depth: 0, limit };
    if walk(statement, &mut depth, false).is_continue() {
        return Ok(());
    }
    let _ = walk(statement, &mut depth, true);
    Err(Error::ExpressionTooDeep {
        limit,
        query: query.to_owned(),
    })
}
