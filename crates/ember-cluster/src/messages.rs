//! A failing query says on a cluster what it says locally: an executor sends Ember's own message
//! for a task's error (`[DIVIDE_BY_ZERO] …`, not the Rust debug form of the error chain Ballista
//! would send), and the client takes that message out of Ballista's job report.

use std::fmt;
use std::sync::Arc;

use ballista_core::JobId;
use ballista_core::serde::protobuf::ShuffleWritePartition;
use ballista_executor::execution_engine::{ExecutionEngine, QueryStageExecutor};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::metrics::MetricsSet;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties};
use datafusion::prelude::SessionConfig;
use futures_util::TryStreamExt;

use crate::job::{BoundedJob, JobBound};

/// Where a task's error starts in Ballista's job report, and how Ember's message is quoted.
const TASK_ERROR: &str = "runtime execution error: ";
const MESSAGE_START: &str = "Execution(\"";

/// An execution engine whose tasks fail with Ember's message for their error.
pub(crate) struct SparkMessages(pub(crate) Arc<dyn ExecutionEngine>);

impl ExecutionEngine for SparkMessages {
    fn create_query_stage_exec(
        &self,
        job_id: JobId,
        stage_id: usize,
        task_id: usize,
        global_output_partition_ids: Vec<usize>,
        plan: Arc<dyn ExecutionPlan>,
        work_dir: &str,
        config: &SessionConfig,
    ) -> DfResult<Arc<dyn QueryStageExecutor>> {
        let metered = metered_nodes(&plan);
        let inner = self.0.create_query_stage_exec(
            job_id,
            stage_id,
            task_id,
            global_output_partition_ids,
            plan,
            work_dir,
            config,
        )?;
        Ok(Arc::new(Stage { inner, metered }))
    }
}

/// Whether each node of `plan`, in the order Ballista lists their metrics (the node, then its
/// children's subtrees), has metrics.
fn metered_nodes(plan: &Arc<dyn ExecutionPlan>) -> Vec<bool> {
    let mut metered = Vec::new();
    let mut stack = vec![plan];
    while let Some(node) = stack.pop() {
        metered.push(node.metrics().is_some());
        stack.extend(node.children().into_iter().rev());
    }
    metered
}

/// A task's metrics with an empty set for each node without metrics, so that every task of a
/// stage reports one set per node. Ballista's executor lists only the nodes with metrics, and
/// its scheduler refuses a task whose list is longer or shorter than the stage's first task's,
/// dropping the task's status: the job then never finishes. Tasks of one stage can differ there,
/// because the scheduler gives each task a plan of its own (a `PlaceholderRowExec`, which has no
/// metrics, stays in one task and is a `DataSourceExec`, which has, in the others: `SELECT 1
/// UNION SELECT 1 UNION SELECT 3 INTERSECT SELECT 3` hung).
fn one_set_per_node(metered: &[bool], measured: Vec<MetricsSet>) -> Vec<MetricsSet> {
    if measured.len() != metered.iter().filter(|m| **m).count() {
        // Not the plan this list came from: as Ballista's, unchanged.
        return measured;
    }
    let mut measured = measured.into_iter();
    metered
        .iter()
        .map(|has| {
            if *has {
                measured.next().unwrap_or_default()
            } else {
                MetricsSet::new()
            }
        })
        .collect()
}

struct Stage {
    inner: Arc<dyn QueryStageExecutor>,
    /// Which nodes of the task's plan have metrics ([`metered_nodes`]).
    metered: Vec<bool>,
}

impl fmt::Debug for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

#[async_trait::async_trait]
impl QueryStageExecutor for Stage {
    async fn execute_query_stage(
        &self,
        task_id: usize,
        context: Arc<TaskContext>,
    ) -> DfResult<Vec<ShuffleWritePartition>> {
        self.inner
            .execute_query_stage(task_id, context)
            .await
            .map_err(|e| DataFusionError::Execution(ember_message(e)))
    }

    fn collect_plan_metrics(&self) -> Vec<MetricsSet> {
        one_set_per_node(&self.metered, self.inner.collect_plan_metrics())
    }

    fn collect_runtime_stats_reports(
        &self,
    ) -> Vec<ballista_core::serde::protobuf::RuntimeStatsReport> {
        self.inner.collect_runtime_stats_reports()
    }

    fn collect_window_state_reports(
        &self,
    ) -> DfResult<Vec<ballista_core::serde::protobuf::WindowStateReport>> {
        self.inner.collect_window_state_reports()
    }

    fn collect_column_stats(&self) -> Vec<ballista_core::serde::protobuf::TaskColumnStats> {
        self.inner.collect_column_stats()
    }
}

/// What a local Ember session would say of `e`, without its "query execution failed: " (the
/// client adds it again) and without DataFusion's wrappers ("External error: ").
fn ember_message(e: DataFusionError) -> String {
    let root = match e.find_root() {
        DataFusionError::External(inner) => inner.to_string(),
        other => other.message().into_owned(),
    };
    match ember_sql::Error::from_datafusion(e, None) {
        ember_sql::Error::Execution { .. } => root,
        other => other.to_string(),
    }
}

/// Ember's message out of Ballista's report of a failed job (`Job … failed: … runtime execution
/// error: DataFusionError(Execution("[DIVIDE_BY_ZERO] …"))`), or the report as it is.
pub(crate) fn client_message(report: &str) -> Option<String> {
    let tail = &report[report.find(TASK_ERROR)? + TASK_ERROR.len()..];
    let quoted = &tail[tail.find(MESSAGE_START)? + MESSAGE_START.len()..];
    // The message is a Rust debug string: undo its escapes up to the closing quote.
    let mut message = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(strip_wrappers(&message).to_owned()),
            '\\' => match chars.next()? {
                'n' => message.push('\n'),
                't' => message.push('\t'),
                'r' => message.push('\r'),
                '0' => message.push('\0'),
                'u' => {
                    // \u{XXXX}
                    let code: String = chars
                        .by_ref()
                        .skip_while(|c| *c == '{')
                        .take_while(|c| *c != '}')
                        .collect();
                    message.push(char::from_u32(u32::from_str_radix(&code, 16).ok()?)?);
                }
                other => message.push(other),
            },
            c => message.push(c),
        }
    }
    None
}

/// `message` without the names of the DataFusion error variants an error went through as text
/// before it reached Ember's engine on the executor ("DataFusion error: External error: …").
fn strip_wrappers(mut message: &str) -> &str {
    const WRAPPERS: [&str; 4] = [
        "DataFusion error: ",
        "External error: ",
        "Execution error: ",
        "Shared error: ",
    ];
    while let Some(rest) = WRAPPERS.iter().find_map(|w| message.strip_prefix(w)) {
        message = rest;
    }
    message
}

/// The client's end of a cluster's plan: its errors carry Ember's message, and its job is
/// bounded in time and cancelled when its stream ends early ([`BoundedJob`]).
#[derive(Debug)]
pub(crate) struct ClientMessages {
    input: Arc<dyn ExecutionPlan>,
    bound: JobBound,
}

impl ClientMessages {
    pub(crate) fn new(input: Arc<dyn ExecutionPlan>, bound: JobBound) -> Self {
        ClientMessages { input, bound }
    }
}

impl DisplayAs for ClientMessages {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientMessages")
    }
}

impl ExecutionPlan for ClientMessages {
    fn name(&self) -> &str {
        "ClientMessages"
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
        mut children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        match (children.pop(), children.is_empty()) {
            (Some(input), true) => Ok(Arc::new(ClientMessages {
                input,
                bound: self.bound.clone(),
            })),
            _ => Err(DataFusionError::Internal(
                "ClientMessages takes one input".to_owned(),
            )),
        }
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        let stream = self.input.execute(partition, context)?;
        let schema = stream.schema();
        let messages = Box::pin(RecordBatchStreamAdapter::new(
            schema,
            stream.map_err(|e| {
                let report = e.to_string();
                match client_message(&report) {
                    Some(message) => DataFusionError::Execution(message),
                    None => e,
                }
            }),
        ));
        Ok(Box::pin(BoundedJob::new(
            messages,
            Arc::clone(&self.input),
            self.bound.clone(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use datafusion::physical_plan::metrics::MetricsSet;

    use super::{client_message, one_set_per_node};

    #[test]
    fn every_task_reports_one_metrics_set_per_node() {
        let measured = |n: usize| vec![MetricsSet::new(); n];
        // Three nodes, the second without metrics: Ballista lists two sets, Ember three.
        assert_eq!(one_set_per_node(&[true, false, true], measured(2)).len(), 3);
        assert_eq!(one_set_per_node(&[true, true, true], measured(3)).len(), 3);
        // A list that is not the plan's stays as it is.
        assert_eq!(one_set_per_node(&[true, false], measured(2)).len(), 2);
    }

    #[test]
    fn the_message_comes_out_of_ballistas_report() {
        let report = r#"Job 038JB failed: Job failed due to stage 1 failed: Task failed due to runtime execution error: DataFusionError(Execution("DataFusion error: External error: [DIVIDE_BY_ZERO] Division by zero. Use \"try_divide\"\n\u{e9}"))"#;
        assert_eq!(
            client_message(report).as_deref(),
            Some("[DIVIDE_BY_ZERO] Division by zero. Use \"try_divide\"\n\u{e9}")
        );
        assert_eq!(client_message("connection refused"), None);
    }
}
