//! Local data travels with the plan: a table that lives only in the client (rows made into a
//! DataFrame, an RDD, `range(...)`) is read on the client, up to a bound, and sent inside the plan
//! as Arrow IPC; files (Parquet, CSV, JSON) travel as their paths, for the executors to read.

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::ipc::reader::StreamReader;
use datafusion::arrow::ipc::writer::StreamWriter;
use datafusion::catalog::{MemTable, Session, TableProvider};
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::datasource::listing::ListingTable;
use datafusion::datasource::{provider_as_source, source_as_provider};
use datafusion::execution::context::QueryPlanner;
use datafusion::logical_expr::expr::NullTreatment;
use datafusion::logical_expr::utils::conjunction;
use datafusion::logical_expr::{
    Expr, LogicalPlan, LogicalPlanBuilder, TableScan, WindowFunctionDefinition,
};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::{ExecutionPlan, execute_stream};
use datafusion::physical_planner::{DefaultPhysicalPlanner, PhysicalPlanner};
use futures_util::TryStreamExt;

use crate::job::JobBound;
use crate::messages::ClientMessages;

/// The session configuration entry that bounds the bytes of local data (in Arrow's memory) one
/// query sends with its plan, as Spark writes sizes (`32m`).
pub const LOCAL_DATA_LIMIT_KEY: &str = "ember.cluster.local_data_limit";

/// The bound [`LOCAL_DATA_LIMIT_KEY`] has when it is not set.
pub const LOCAL_DATA_LIMIT: usize = 8 << 20;

/// The most [`LOCAL_DATA_LIMIT_KEY`] may be: a plan with its data must fit in one gRPC message,
/// and Ember's client, scheduler and executors accept messages of at most 64 MiB.
pub const MAX_LOCAL_DATA_LIMIT: usize = 48 << 20;

/// The largest gRPC message Ember's client, scheduler and executors send or accept (Ballista's
/// default is 16 MiB).
pub(crate) const GRPC_MESSAGE_LIMIT: usize = 64 << 20;

/// The client's query planner in front of Ballista's (`inner`): refuses what a cluster would run
/// differently, reads the plan's local tables into it (up to `local_data_limit` bytes), gives
/// the cluster's rows the names and error messages a local session would, and bounds the job
/// (`job`).
#[derive(Debug)]
pub(crate) struct ClientPlanner {
    pub(crate) inner: Arc<dyn QueryPlanner + Send + Sync>,
    pub(crate) local_data_limit: usize,
    pub(crate) job: JobBound,
}

#[async_trait::async_trait]
impl QueryPlanner for ClientPlanner {
    async fn create_physical_plan(
        &self,
        plan: &LogicalPlan,
        session: &dyn Session,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        refuse_lossy(plan)?;
        let plan = materialize(plan.clone(), session, self.local_data_limit).await?;
        let physical = self.inner.create_physical_plan(&plan, session).await?;
        named_as_planned(
            &plan,
            Arc::new(ClientMessages::new(physical, self.job.clone())),
        )
    }
}

/// Refuses what the cluster would run differently: DataFusion 55 encodes a window function's
/// `IGNORE NULLS` only for aggregates used as windows, and drops it for window functions
/// (`last_value`, `first_value`, `nth_value`, `lag`, `lead`), which would then count nulls. A
/// recursive CTE's work table lives in the process that runs the recursion, which Ballista's
/// stages split apart (its executors fail with "Unexpected empty work table").
fn refuse_lossy(plan: &LogicalPlan) -> DfResult<()> {
    plan.apply_with_subqueries(|node| {
        if let LogicalPlan::RecursiveQuery(q) = node {
            return Err(DataFusionError::NotImplemented(format!(
                "the recursive CTE `{}` (WITH RECURSIVE) cannot run on a cluster: its work table \
                 lives in one process, which the cluster's stages split apart; run the query \
                 locally",
                ember_sql::wire::written_cte_name(&q.name)
            )));
        }
        node.apply_expressions(|e| {
            e.apply(|e| {
                if let Expr::WindowFunction(w) = e
                    && matches!(w.fun, WindowFunctionDefinition::WindowUDF(_))
                    && w.params.null_treatment == Some(NullTreatment::IgnoreNulls)
                {
                    return Err(DataFusionError::NotImplemented(format!(
                        "IGNORE NULLS in the window function `{}` cannot run on a cluster: the \
                         plan sent to executors (DataFusion 55) drops it; run the query locally",
                        w.fun.name()
                    )));
                }
                Ok(TreeNodeRecursion::Continue)
            })
        })
    })
    .map(|_| ())
}

/// The cluster's rows under the names the client planned: a node recomputes a column's name
/// from its expression, and may write it differently (`array(1, 2)` for `array(1,2)`).
fn named_as_planned(
    plan: &LogicalPlan,
    physical: Arc<dyn ExecutionPlan>,
) -> DfResult<Arc<dyn ExecutionPlan>> {
    let planned = plan.schema();
    let produced = physical.schema();
    // The executors' batches carry their own names whatever the plan's schema says: a
    // projection of the columns (no copy) renames every batch.
    if planned.fields().len() != produced.fields().len() {
        return Ok(physical);
    }
    let columns: Vec<(Arc<dyn PhysicalExpr>, String)> = planned
        .fields()
        .iter()
        .zip(produced.fields())
        .enumerate()
        .map(|(i, (want, have))| {
            (
                Arc::new(Column::new(have.name(), i)) as Arc<dyn PhysicalExpr>,
                want.name().clone(),
            )
        })
        .collect();
    Ok(Arc::new(ProjectionExec::try_new(columns, physical)?))
}

/// Whether a scan reads files (which travel as paths) or something only this process holds.
fn is_local(scan: &TableScan) -> DfResult<bool> {
    let provider = source_as_provider(&scan.source)?;
    Ok(!provider.is::<ListingTable>())
}

/// `plan` with every local table's scan reading an in-memory copy instead, read here.
async fn materialize(
    plan: LogicalPlan,
    session: &dyn Session,
    limit: usize,
) -> DfResult<LogicalPlan> {
    let mut local: Vec<Arc<dyn TableProvider>> = Vec::new();
    plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node
            && is_local(scan)?
        {
            let provider = source_as_provider(&scan.source)?;
            if !local.iter().any(|p| Arc::ptr_eq(p, &provider)) {
                local.push(provider);
            }
        }
        Ok(TreeNodeRecursion::Continue)
    })?;
    if local.is_empty() {
        return Ok(plan);
    }
    let mut copies: Vec<(Arc<dyn TableProvider>, Arc<MemTable>)> = Vec::new();
    let mut total = 0usize;
    for provider in local {
        if let Some(mem) = provider.downcast_ref::<MemTable>() {
            let mut batches = Vec::new();
            for partition in &mem.batches {
                batches.extend(partition.read().await.iter().cloned());
            }
            total = count(total, &batches, limit)?;
            let copy = Arc::new(MemTable::try_new(provider.schema(), vec![batches])?);
            copies.push((provider, copy));
            continue;
        }
        let scan =
            LogicalPlanBuilder::scan("local", provider_as_source(Arc::clone(&provider)), None)?
                .build()?;
        let physical = DefaultPhysicalPlanner::default()
            .create_physical_plan(&scan, session)
            .await?;
        let mut stream = execute_stream(physical, session.task_ctx())?;
        let mut batches = Vec::new();
        while let Some(batch) = stream.try_next().await? {
            total = count(total, std::slice::from_ref(&batch), limit)?;
            batches.push(batch);
        }
        let copy = Arc::new(MemTable::try_new(provider.schema(), vec![batches])?);
        copies.push((provider, copy));
    }
    plan.transform_up_with_subqueries(|node| {
        let LogicalPlan::TableScan(scan) = &node else {
            return Ok(Transformed::no(node));
        };
        let provider = source_as_provider(&scan.source)?;
        let Some((_, copy)) = copies.iter().find(|(p, _)| Arc::ptr_eq(p, &provider)) else {
            return Ok(Transformed::no(node));
        };
        let copy: Arc<dyn TableProvider> = Arc::clone(copy) as _;
        let mut builder = LogicalPlanBuilder::scan(
            scan.table_name.clone(),
            provider_as_source(copy),
            scan.projection.clone(),
        )?;
        if let Some(predicate) = conjunction(scan.filters.clone()) {
            builder = builder.filter(predicate)?;
        }
        if let Some(fetch) = scan.fetch {
            builder = builder.limit(0, Some(fetch))?;
        }
        Ok(Transformed::yes(builder.build()?))
    })
    .map(|t| t.data)
}

/// `total` plus the bytes of `batches`, or the error past `limit`.
fn count(total: usize, batches: &[RecordBatch], limit: usize) -> DfResult<usize> {
    let total = batches
        .iter()
        .fold(total, |t, b| t.saturating_add(b.get_array_memory_size()));
    if total > limit {
        let limit = if limit.is_multiple_of(1 << 20) {
            format!("{} MiB", limit >> 20)
        } else {
            format!("{limit} bytes")
        };
        return Err(DataFusionError::Plan(format!(
            "the query's local data (a DataFrame made from rows or an RDD, or range()) is over \
             {limit}, the most a query sends to a cluster with its plan \
             ({LOCAL_DATA_LIMIT_KEY}, at most {} MiB): write it to a path every executor reads \
             (Parquet) and query that",
            MAX_LOCAL_DATA_LIMIT >> 20
        )));
    }
    Ok(total)
}

/// A table copied here, as Arrow IPC: what the logical codec writes for a [`MemTable`].
pub(crate) fn encode(table: &MemTable, buf: &mut Vec<u8>) -> DfResult<()> {
    let mut writer = StreamWriter::try_new(buf, &table.schema())?;
    for partition in &table.batches {
        let batches = partition
            .try_read()
            .map_err(|_| DataFusionError::Execution("a local table is being written".to_owned()))?;
        for batch in batches.iter() {
            writer.write(batch)?;
        }
    }
    writer.finish()?;
    Ok(())
}

/// The table [`encode`] wrote.
pub(crate) fn decode(buf: &[u8], schema: SchemaRef) -> DfResult<Arc<dyn TableProvider>> {
    let reader = StreamReader::try_new(buf, None)?;
    let batches = reader.collect::<Result<Vec<_>, _>>()?;
    Ok(Arc::new(MemTable::try_new(schema, vec![batches])?))
}
