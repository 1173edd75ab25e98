//! Spark's table-valued functions where DataFusion's differ: `range(start, end[, step[,
//! numPartitions]])` (and `range(end)`) names its column `id` as Spark does (DataFusion's is
//! `value`); the partition count, which changes no answer, is left to the engine.

use std::sync::Arc;

use datafusion::catalog::{TableFunctionArgs, TableFunctionImpl, TableProvider};
use datafusion::common::TableReference;
use datafusion::datasource::{ViewTable, provider_as_source};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::LogicalPlanBuilder;
use datafusion::prelude::{SessionContext, col};

/// DataFusion's `range` with its column renamed `id`.
#[derive(Debug)]
struct SparkRange {
    inner: Arc<dyn TableFunctionImpl>,
}

impl TableFunctionImpl for SparkRange {
    fn call_with_args(&self, args: TableFunctionArgs<'_, '_>) -> DfResult<Arc<dyn TableProvider>> {
        let exprs = args.exprs();
        let provider = match exprs {
            [start, end, step, _partitions] => self.inner.call_with_args(
                TableFunctionArgs::new(&[start.clone(), end.clone(), step.clone()], args.session()),
            )?,
            _ => self.inner.call_with_args(args)?,
        };
        // The scan is named after the call: DataFusion compares scans by name, not by source,
        // so two `range` scans of one name were taken for one (`(SELECT count(*) FROM
        // range(5))` and `... range(10))` in one query both answered 5).
        let name = format!(
            "range({})",
            exprs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        let plan = LogicalPlanBuilder::scan(
            TableReference::bare(name),
            provider_as_source(provider),
            None,
        )?
        .project(vec![col("value").alias("id")])?
        .build()?;
        Ok(Arc::new(ViewTable::new(plan, None)))
    }
}

/// Registers the table functions (skipped if DataFusion has no `range` to build on).
pub(crate) fn register(ctx: &SessionContext) {
    if let Ok(range) = ctx.table_function("range") {
        ctx.register_udtf(
            "range",
            Arc::new(SparkRange {
                inner: Arc::clone(range.function()),
            }),
        );
    }
}
