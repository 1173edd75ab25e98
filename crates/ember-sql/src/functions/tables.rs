//! Spark's table-valued functions where DataFusion's differ: `range(start, end[, step])` (and
//! `range(end)`) names its column `id` as Spark does (DataFusion's is `value`).

use std::sync::Arc;

use datafusion::catalog::{TableFunctionArgs, TableFunctionImpl, TableProvider};
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
        let provider = self.inner.call_with_args(args)?;
        let plan = LogicalPlanBuilder::scan("range", provider_as_source(provider), None)?
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
