//! The session's query log: each DataFrame action (`collect`, `count`, `show`...) as a record
//! of its text, physical plan, time, rows and outcome, kept in bounded memory (Spark's SQL
//! executions, which its UI's SQL tab and `/sql` show).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;
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

/// The longest query text and plan a record keeps (a generated query or a plan over thousands
/// of files is cut, with a note).
const MAX_RECORDED_CHARS: usize = 64 * 1024;

fn capped(text: &str) -> String {
    match text.char_indices().nth(MAX_RECORDED_CHARS) {
        None => text.to_owned(),
        Some((end, _)) => format!(
            "{}\n… (cut at {MAX_RECORDED_CHARS} characters)",
            &text[..end]
        ),
    }
}

pub(crate) struct QueryLog {
    retained: usize,
    entries: Mutex<Entries>,
}

struct Entries {
    /// The next id; taken under the lock, so ids ascend through `list`.
    next_id: u64,
    list: VecDeque<QueryRecord>,
}

impl QueryLog {
    pub(crate) fn new(retained: usize) -> Self {
        QueryLog {
            retained,
            entries: Mutex::new(Entries {
                next_id: 0,
                list: VecDeque::new(),
            }),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The queries remembered, newest first.
    pub(crate) fn snapshot(&self) -> Vec<QueryRecord> {
        self.entries().list.iter().rev().cloned().collect()
    }

    /// Starts recording a query under `text`: from here on it is listed (`Running`) until the
    /// returned [`Recording`] ends or is dropped.
    pub(crate) fn begin(self: &Arc<Self>, text: &str) -> Recording {
        let started = Instant::now();
        if self.retained == 0 {
            return Recording {
                log: None,
                id: 0,
                started,
            };
        }
        let mut entries = self.entries();
        let id = entries.next_id;
        entries.next_id += 1;
        entries.list.push_back(QueryRecord {
            id,
            text: capped(text),
            plan: String::new(),
            submitted: SystemTime::now(),
            duration: None,
            rows: None,
            state: QueryState::Running,
            error: None,
        });
        // Forget the oldest finished ones beyond the bound (running ones stay).
        while entries.list.len() > self.retained {
            match entries
                .list
                .iter()
                .position(|q| q.state != QueryState::Running)
            {
                Some(i) => {
                    entries.list.remove(i);
                }
                None => break,
            }
        }
        Recording {
            log: Some(Arc::clone(self)),
            id,
            started,
        }
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut QueryRecord)) {
        let mut entries = self.entries();
        // Ids ascend through the deque (they are taken under its lock).
        if let Ok(i) = entries.list.binary_search_by_key(&id, |q| q.id) {
            f(&mut entries.list[i]);
        }
    }
}

/// A query being recorded. Ending it records the outcome; dropping it before that (the query's
/// future was dropped: a cancel) records it as cancelled instead of leaving it `Running`.
pub(crate) struct Recording {
    log: Option<Arc<QueryLog>>,
    id: u64,
    started: Instant,
}

impl Recording {
    /// Records the physical plan about to run.
    fn plan(&self, plan: &dyn ExecutionPlan) {
        if let Some(log) = &self.log {
            let shown = capped(&displayable(plan).indent(false).to_string());
            log.update(self.id, |q| q.plan = shown);
        }
    }

    fn end(mut self, outcome: std::result::Result<u64, String>) {
        if let Some(log) = self.log.take() {
            let took = self.started.elapsed();
            log.update(self.id, |q| {
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
            });
        }
    }

    /// Runs `plan` (a plan that could not be made ends the record as failed) to completion and
    /// returns its batches by output partition. `on_error` turns DataFusion's error into Ember's.
    pub(crate) async fn run(
        self,
        plan: Result<Arc<dyn ExecutionPlan>>,
        task_ctx: Arc<TaskContext>,
        on_error: impl Fn(datafusion::error::DataFusionError) -> Error,
    ) -> Result<Vec<Vec<RecordBatch>>> {
        let plan = match plan {
            Ok(plan) => plan,
            Err(e) => {
                self.end(Err(e.to_string()));
                return Err(e);
            }
        };
        self.plan(plan.as_ref());
        let result = datafusion::physical_plan::collect_partitioned(plan, task_ctx)
            .await
            .map_err(on_error);
        self.end(match &result {
            Ok(parts) => Ok(parts.iter().flatten().map(|b| b.num_rows() as u64).sum()),
            Err(e) => Err(e.to_string()),
        });
        result
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        if let Some(log) = self.log.take() {
            let took = self.started.elapsed();
            log.update(self.id, |q| {
                q.duration = Some(took);
                q.state = QueryState::Failed;
                q.error = Some("cancelled: the query was stopped before it ended".to_owned());
            });
        }
    }
}
