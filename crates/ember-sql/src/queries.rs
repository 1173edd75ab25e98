//! The session's query log: each DataFrame action (`collect`, `count`, `show`...) as a record
//! of its text, physical plan, time, rows and outcome, kept in bounded memory (Spark's SQL
//! executions, which its UI's SQL tab and `/sql` show).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::TaskContext;
use datafusion::physical_plan::{ExecutionPlan, displayable};

use crate::{Error, Result};

/// How many queries a session remembers by default (Spark's `spark.sql.ui.retainedExecutions`).
pub const DEFAULT_RETAINED_QUERIES: usize = 1000;

/// Where a query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryState {
    /// It runs.
    Running,
    /// It returned its rows.
    Completed,
    /// It failed.
    Failed,
}

/// One query a session ran, as [`Session::queries`](crate::Session::queries) reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryRecord {
    /// Its id, counting from 0 in its session.
    pub id: u64,
    /// The SQL text, or `DataFrame` for one built with the DataFrame API.
    pub text: String,
    /// The physical plan DataFusion ran, indented.
    pub plan: String,
    /// When it started.
    pub submitted: SystemTime,
    /// How long it ran, once it ended.
    pub duration: Option<Duration>,
    /// Rows it returned, once it ended.
    pub rows: Option<u64>,
    /// Where it is.
    pub state: QueryState,
    /// Why it failed.
    pub error: Option<String>,
}

pub(crate) struct QueryLog {
    next_id: AtomicU64,
    retained: usize,
    entries: Mutex<VecDeque<QueryRecord>>,
}

impl QueryLog {
    pub(crate) fn new(retained: usize) -> Self {
        QueryLog {
            next_id: AtomicU64::new(0),
            retained,
            entries: Mutex::new(VecDeque::new()),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, VecDeque<QueryRecord>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The queries remembered, newest first.
    pub(crate) fn snapshot(&self) -> Vec<QueryRecord> {
        self.entries().iter().rev().cloned().collect()
    }

    fn begin(&self, text: &str, plan: String) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut entries = self.entries();
        entries.push_back(QueryRecord {
            id,
            text: text.to_owned(),
            plan,
            submitted: SystemTime::now(),
            duration: None,
            rows: None,
            state: QueryState::Running,
            error: None,
        });
        // Forget the oldest finished ones beyond the bound (running ones stay).
        while entries.len() > self.retained {
            match entries.iter().position(|q| q.state != QueryState::Running) {
                Some(i) => {
                    entries.remove(i);
                }
                None => break,
            }
        }
        id
    }

    fn finish(&self, id: u64, took: Duration, outcome: std::result::Result<u64, String>) {
        let mut entries = self.entries();
        // Ids ascend through the deque: a binary search finds the entry.
        if let Ok(i) = entries.binary_search_by_key(&id, |q| q.id) {
            let q = &mut entries[i];
            q.duration = Some(took);
            match outcome {
                Ok(rows) => {
                    q.state = QueryState::Completed;
                    q.rows = Some(rows);
                }
                Err(e) => {
                    q.state = QueryState::Failed;
                    q.error = Some(e);
                }
            }
        }
    }

    /// Runs `plan` to completion, recorded under `text`, and returns its batches by output
    /// partition. A plan that could not be made is recorded as a failed query. `on_error` turns
    /// DataFusion's error into Ember's.
    pub(crate) async fn run(
        self: Arc<Self>,
        text: &str,
        plan: Result<Arc<dyn ExecutionPlan>>,
        task_ctx: Arc<TaskContext>,
        on_error: impl Fn(datafusion::error::DataFusionError) -> Error,
    ) -> Result<Vec<Vec<RecordBatch>>> {
        let started = Instant::now();
        let plan = match plan {
            Ok(plan) => plan,
            Err(e) => {
                let id = self.begin(text, String::new());
                self.finish(id, started.elapsed(), Err(e.to_string()));
                return Err(e);
            }
        };
        let shown = displayable(plan.as_ref()).indent(true).to_string();
        let recording = Recording {
            id: self.begin(text, shown),
            log: Arc::clone(&self),
            started,
            done: false,
        };
        let result = datafusion::physical_plan::collect_partitioned(plan, task_ctx)
            .await
            .map_err(on_error);
        recording.end(match &result {
            Ok(parts) => Ok(parts.iter().flatten().map(|b| b.num_rows() as u64).sum()),
            Err(e) => Err(e.to_string()),
        });
        result
    }
}

/// A query being run; if its future is dropped before it ends (a cancel), the record says so
/// instead of staying `Running`.
struct Recording {
    log: Arc<QueryLog>,
    id: u64,
    started: Instant,
    done: bool,
}

impl Recording {
    fn end(mut self, outcome: std::result::Result<u64, String>) {
        self.done = true;
        self.log.finish(self.id, self.started.elapsed(), outcome);
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        if !self.done {
            self.log.finish(
                self.id,
                self.started.elapsed(),
                Err("cancelled: the query was stopped before it ended".to_owned()),
            );
        }
    }
}
