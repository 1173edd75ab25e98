//! One live Livy session: its state, its statements, and the task that runs them in id order.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use ember_livy::protocol::{
    self, CreateSession, SessionKind, SessionState, Statement, StatementOutput, StatementState,
    now_millis,
};
use tokio::sync::{Notify, mpsc};

use crate::interpreter::{Death, Execution, Interpreter, SessionLog};

/// How long a finished statement that no client has read yet is kept past the retention limit.
const UNREAD_GRACE: Duration = Duration::from_secs(600);
/// What a finished statement keeps of its output beside its JSON, for the sessions page: text
/// cut to this many characters (the page shows fewer).
const SUMMARY_CHARS: usize = 256;
/// Past this many times the retention limit, the oldest finished statements go even unread.
const UNREAD_CAP_FACTOR: usize = 10;

/// Log lines shown in the session object.
const LOG_TAIL: usize = 10;

/// Why a statement could not be submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SubmitError {
    /// The session is not running (`dead`, `error`, shutting down).
    NotActive(SessionState),
    /// Its queue is full.
    QueueFull(usize),
    /// The code already waiting plus this statement's would pass the session's byte bound.
    QueueBytesFull {
        /// Bytes of code waiting now.
        queued: usize,
        /// This statement's bytes.
        code: usize,
        /// The bound.
        limit: usize,
    },
}

/// A statement as the session keeps it.
#[derive(Debug, Clone)]
pub(crate) struct StatementRecord {
    id: u64,
    code: String,
    /// The kind it runs as, when the request named one other than the session's own.
    kind: Option<SessionKind>,
    state: StatementState,
    /// Its output until it finishes; then, cut to [`SUMMARY_CHARS`], what the sessions page
    /// shows (the whole output lives in `json`).
    output: Option<StatementOutput>,
    /// A finished statement as clients get it, serialized once: every GET and listing shares
    /// these bytes, however large the output and however often it is read.
    json: Option<Bytes>,
    progress: f64,
    started: i64,
    completed: i64,
    finished_at: Option<Instant>,
    /// A client has seen it finished (its own GET, or a listing).
    delivered: bool,
}

impl StatementRecord {
    /// The statement before it finishes (a finished one is its `json`).
    pub(crate) fn to_protocol(&self) -> Statement {
        Statement {
            id: self.id,
            code: self.code.clone(),
            state: self.state.clone(),
            output: self.output.clone(),
            progress: self.progress,
            started: self.started,
            completed: self.completed,
        }
    }

    fn finish(&mut self, state: StatementState, output: Option<StatementOutput>) {
        self.finished_at = Some(Instant::now());
        self.state = state;
        self.progress = 1.0;
        self.completed = now_millis();
        let st = Statement {
            id: self.id,
            code: self.code.clone(),
            state: self.state.clone(),
            output,
            progress: self.progress,
            started: self.started,
            completed: self.completed,
        };
        match serde_json::to_vec(&st) {
            Ok(json) => {
                self.json = Some(Bytes::from(json));
                self.output = st.output.map(|o| summary(o, SUMMARY_CHARS));
            }
            // Not reached (outputs are JSON already); kept as a value, it is served as one.
            Err(_) => self.output = st.output,
        }
    }
}

/// A statement as a client gets it: its JSON, and whether it has finished.
#[derive(Debug, Clone)]
pub(crate) struct StatementJson {
    pub(crate) finished: bool,
    pub(crate) json: Bytes,
}

#[derive(Debug)]
struct Data {
    state: SessionState,
    statements: VecDeque<StatementRecord>,
    next_statement: u64,
    waiting: usize,
    /// Bytes of code of the waiting statements.
    queued_bytes: usize,
    last_activity: Instant,
    /// When the session ended on its own (`error`, `dead`): it stays listed for a while.
    ended_at: Option<Instant>,
    /// The statement that was asked to stop while running.
    cancelling: Option<u64>,
}

/// Limits a session applies to its statements.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SessionLimits {
    pub(crate) retained_statements: usize,
    pub(crate) max_queued_statements: usize,
    pub(crate) max_queued_bytes: usize,
    /// How long one statement may run; past it, it is cancelled and fails naming the limit.
    pub(crate) statement_timeout: Option<Duration>,
    /// How long a statement cancelled at its timeout may take to stop before the session is
    /// declared dead.
    pub(crate) cancel_grace: Duration,
}

/// A live session.
#[derive(Debug)]
pub(crate) struct LiveSession {
    pub(crate) id: u64,
    pub(crate) kind: SessionKind,
    /// The kind of statement its interpreter runs (a `shared` session's is `sql`).
    statement_kind: SessionKind,
    pub(crate) request: CreateSession,
    pub(crate) created: Instant,
    pub(crate) heartbeat_timeout: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) ttl: Option<Duration>,
    limits: SessionLimits,
    interpreter: Arc<dyn Interpreter>,
    log: SessionLog,
    data: Mutex<Data>,
    /// Woken on every change of a statement or of the session's state.
    changed: Notify,
    queue: Mutex<Option<mpsc::UnboundedSender<u64>>>,
    worker: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl LiveSession {
    /// A session in `starting`; [`launch`](Self::launch) starts its interpreter and worker.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        id: u64,
        kind: SessionKind,
        statement_kind: SessionKind,
        request: CreateSession,
        interpreter: Arc<dyn Interpreter>,
        log: SessionLog,
        limits: SessionLimits,
        heartbeat_timeout: Option<Duration>,
        idle_timeout: Option<Duration>,
        ttl: Option<Duration>,
    ) -> Arc<Self> {
        let now = Instant::now();
        Arc::new(LiveSession {
            id,
            kind,
            statement_kind,
            request,
            created: now,
            heartbeat_timeout,
            idle_timeout,
            ttl,
            limits,
            interpreter,
            log,
            data: Mutex::new(Data {
                state: SessionState::Starting,
                statements: VecDeque::new(),
                next_statement: 0,
                waiting: 0,
                queued_bytes: 0,
                last_activity: now,
                ended_at: None,
                cancelling: None,
            }),
            changed: Notify::new(),
            queue: Mutex::new(None),
            worker: Mutex::new(None),
        })
    }

    fn data(&self) -> MutexGuard<'_, Data> {
        // A panic while holding the lock leaves consistent data (every update is one assignment
        // or a push): keep serving.
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a statement of `kind` can run here.
    pub(crate) fn runs(&self, kind: &SessionKind) -> bool {
        *kind == self.kind
            || *kind == self.statement_kind
            || self.interpreter.other_statement_kinds().contains(kind)
    }

    /// The kinds of statement this session runs.
    pub(crate) fn statement_kinds(&self) -> Vec<SessionKind> {
        let mut kinds = vec![self.statement_kind.clone()];
        kinds.extend(self.interpreter.other_statement_kinds());
        kinds
    }

    pub(crate) fn name(&self) -> Option<&str> {
        self.request.name.as_deref()
    }

    /// Starts the interpreter and the statement worker on `runtime`.
    pub(crate) fn launch(
        self: &Arc<Self>,
        runtime: &tokio::runtime::Handle,
        start_timeout: Duration,
    ) {
        let (tx, rx) = mpsc::unbounded_channel();
        *self.queue.lock().unwrap_or_else(PoisonError::into_inner) = Some(tx);
        let this = self.clone();
        let handle = runtime.spawn(async move { this.run(rx, start_timeout).await });
        *self.worker.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
    }

    pub(crate) fn log(&self, line: impl Into<String>) {
        self.log.push(line);
    }

    /// `busy` while statements wait, else `idle` (between statements of a live session).
    fn settle(&self, d: &mut Data) {
        let state = if d.waiting > 0 {
            SessionState::Busy
        } else {
            SessionState::Idle
        };
        self.set_state(d, state);
    }

    fn set_state(&self, d: &mut Data, state: SessionState) {
        if matches!(state, SessionState::Error | SessionState::Dead) && d.ended_at.is_none() {
            d.ended_at = Some(Instant::now());
        }
        d.state = state;
    }

    async fn run(self: Arc<Self>, mut rx: mpsc::UnboundedReceiver<u64>, start_timeout: Duration) {
        let started = tokio::time::timeout(start_timeout, self.interpreter.start()).await;
        let failure = match started {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some(format!(
                "the interpreter did not start within {start_timeout:?}"
            )),
        };
        if let Some(reason) = failure {
            self.log(format!("failed to start: {reason}"));
            {
                let mut d = self.data();
                if d.state == SessionState::Starting {
                    self.set_state(&mut d, SessionState::Error);
                }
                fail_waiting(
                    &mut d,
                    "InterpreterError",
                    &format!("Fail to start interpreter: {reason}"),
                );
            }
            self.changed.notify_waiters();
            return;
        }
        {
            let mut d = self.data();
            if d.state == SessionState::Starting {
                self.settle(&mut d);
            }
        }
        self.log(format!("session {} ({}) is ready", self.id, self.kind));
        self.changed.notify_waiters();

        while let Some(sid) = rx.recv().await {
            let (code, kind) = {
                let mut d = self.data();
                if !d.state.is_active() || d.state == SessionState::ShuttingDown {
                    break;
                }
                let Some(st) = d.statements.iter_mut().find(|s| s.id == sid) else {
                    continue;
                };
                if st.state != StatementState::Waiting {
                    continue; // cancelled while waiting
                }
                st.state = StatementState::Running;
                st.started = now_millis();
                let (code, kind) = (st.code.clone(), st.kind.clone());
                d.waiting = d.waiting.saturating_sub(1);
                d.queued_bytes = d.queued_bytes.saturating_sub(code.len());
                self.set_state(&mut d, SessionState::Busy);
                (code, kind)
            };
            self.changed.notify_waiters();

            let execution = self.execute_bounded(sid, &code, kind.as_ref()).await;

            let died = {
                let mut d = self.data();
                let cancelled = d.cancelling == Some(sid);
                if cancelled {
                    d.cancelling = None;
                }
                let died = match &execution {
                    Execution::Died(death) => Some(death.to_string()),
                    _ => None,
                };
                if let Some(st) = d.statements.iter_mut().find(|s| s.id == sid) {
                    if cancelled {
                        // As Livy: a cancelled statement keeps what its interrupted run
                        // answered (Spark's "Job N cancelled part of cancelled job group N").
                        let output = died.is_none().then(|| output_of(sid, execution));
                        st.finish(StatementState::Cancelled, output);
                    } else {
                        st.finish(StatementState::Available, Some(output_of(sid, execution)));
                    }
                }
                d.last_activity = Instant::now();
                if died.is_some() {
                    self.set_state(&mut d, SessionState::Dead);
                    fail_waiting(&mut d, "Error", "Interpreter died: the session is dead");
                } else if d.state.is_active() && d.state != SessionState::ShuttingDown {
                    self.settle(&mut d);
                }
                died
            };
            self.changed.notify_waiters();
            if let Some(reason) = died {
                self.log(format!("the interpreter died: {reason}"));
                self.interpreter.stop().await;
                break;
            }
        }
    }

    /// Runs one statement under the session's statement timeout: past it, the statement is
    /// cancelled and, once it stops, fails with an error naming the limit. One that does not
    /// stop within the cancel grace kills the session (its interpreter is in an unknown state).
    async fn execute_bounded(&self, sid: u64, code: &str, kind: Option<&SessionKind>) -> Execution {
        let execution = match kind {
            Some(kind) => self.interpreter.execute_as(sid, code, kind),
            None => self.interpreter.execute(sid, code),
        };
        let Some(limit) = self.limits.statement_timeout else {
            return execution.await;
        };
        tokio::pin!(execution);
        if let Ok(done) = tokio::time::timeout(limit, &mut execution).await {
            return done;
        }
        self.log(format!(
            "statement {sid} ran past the statement timeout of {limit:?}: cancelling it"
        ));
        self.interpreter.cancel(sid);
        let grace = self.limits.cancel_grace;
        match tokio::time::timeout(grace, &mut execution).await {
            Ok(Execution::Died(reason)) => Execution::Died(reason),
            Ok(_) => Execution::failed(
                "TimeoutError",
                format!(
                    "the statement ran longer than the statement timeout of {limit:?} and was cancelled (the server's --statement-timeout-secs, or {} in the session's conf, sets it)",
                    crate::limits::STATEMENT_TIMEOUT_KEY
                ),
            ),
            Err(_) => Execution::Died(Death::Stuck {
                statement: sid,
                limit,
                grace,
            }),
        }
    }

    /// Queues a statement; returns it as it is now (`waiting`).
    pub(crate) fn submit(
        &self,
        code: String,
        kind: Option<SessionKind>,
    ) -> Result<Statement, SubmitError> {
        // The session's own kinds need no note: the interpreter's language is the default.
        let kind = kind.filter(|k| *k != self.kind && *k != self.statement_kind);
        let queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let mut d = self.data();
        if !d.state.is_active()
            || matches!(d.state, SessionState::Error | SessionState::ShuttingDown)
        {
            return Err(SubmitError::NotActive(d.state.clone()));
        }
        if d.waiting >= self.limits.max_queued_statements {
            return Err(SubmitError::QueueFull(d.waiting));
        }
        let code = code.replace("\r\n", "\n");
        if d.queued_bytes.saturating_add(code.len()) > self.limits.max_queued_bytes {
            return Err(SubmitError::QueueBytesFull {
                queued: d.queued_bytes,
                code: code.len(),
                limit: self.limits.max_queued_bytes,
            });
        }
        let Some(tx) = queue.as_ref() else {
            return Err(SubmitError::NotActive(d.state.clone()));
        };
        let id = d.next_statement;
        // Sent under both locks, so the queue's order is the ids' order.
        if tx.send(id).is_err() {
            return Err(SubmitError::NotActive(d.state.clone()));
        }
        d.next_statement += 1;
        d.waiting += 1;
        d.queued_bytes += code.len();
        let record = StatementRecord {
            id,
            code,
            kind,
            state: StatementState::Waiting,
            output: None,
            json: None,
            progress: 0.0,
            started: 0,
            completed: 0,
            finished_at: None,
            delivered: false,
        };
        let answer = record.to_protocol();
        d.statements.push_back(record);
        // Forget the oldest finished statements past the retention limit, but not one its client
        // has not read yet (Livy drops it by count alone, so a client polling slowly beside fast
        // ones loses its result): unread ones stay for a grace period, up to a hard cap.
        let retained = self.limits.retained_statements;
        while d.statements.len() > retained {
            let read_or_stale = d.statements.iter().position(|s| {
                s.state.is_finished()
                    && (s.delivered || s.finished_at.is_some_and(|t| t.elapsed() >= UNREAD_GRACE))
            });
            let over_cap = d.statements.len() > retained.saturating_mul(UNREAD_CAP_FACTOR);
            let victim = read_or_stale.or_else(|| {
                over_cap
                    .then(|| d.statements.iter().position(|s| s.state.is_finished()))
                    .flatten()
            });
            match victim {
                Some(i) => {
                    d.statements.remove(i);
                }
                None => break,
            }
        }
        d.last_activity = Instant::now();
        Ok(answer)
    }

    /// Cancels a statement: a waiting one at once, a running one by asking the interpreter. A
    /// finished or unknown one is left alone (Livy answers 200 all the same).
    pub(crate) fn cancel(&self, sid: u64) {
        let ask_interpreter = {
            let mut d = self.data();
            d.last_activity = Instant::now();
            let mut ask = false;
            let mut was_waiting = false;
            let mut freed = 0;
            if let Some(st) = d.statements.iter_mut().find(|s| s.id == sid) {
                match st.state {
                    StatementState::Waiting => {
                        st.finish(StatementState::Cancelled, None);
                        was_waiting = true;
                        freed = st.code.len();
                    }
                    StatementState::Running => {
                        st.state = StatementState::Cancelling;
                        ask = true;
                    }
                    _ => {}
                }
            }
            if was_waiting {
                d.waiting = d.waiting.saturating_sub(1);
                d.queued_bytes = d.queued_bytes.saturating_sub(freed);
                if d.waiting == 0 && d.state == SessionState::Busy && !has_running(&d) {
                    self.set_state(&mut d, SessionState::Idle);
                }
            }
            if ask {
                d.cancelling = Some(sid);
            }
            ask
        };
        if ask_interpreter {
            self.interpreter.cancel(sid);
        }
        self.changed.notify_waiters();
    }

    /// The statement, if retained, as JSON.
    pub(crate) fn statement(&self, sid: u64) -> Option<StatementJson> {
        let mut d = self.data();
        let st = d.statements.iter_mut().find(|s| s.id == sid)?;
        if st.state.is_finished() {
            st.delivered = true;
        }
        Some(self.render(st))
    }

    /// A statement as clients see it: a finished one's stored JSON; a running one's progress
    /// is the interpreter's latest.
    fn render(&self, record: &StatementRecord) -> StatementJson {
        let finished = record.state.is_finished();
        if let Some(json) = &record.json {
            return StatementJson {
                finished,
                json: json.clone(),
            };
        }
        let st = Statement {
            progress: self.progress_of(record),
            ..record.to_protocol()
        };
        StatementJson {
            finished,
            // A statement without output always serializes; `null` is never reached.
            json: serde_json::to_vec(&st).map_or_else(|_| Bytes::from_static(b"null"), Bytes::from),
        }
    }

    fn progress_of(&self, record: &StatementRecord) -> f64 {
        match record.state {
            StatementState::Running => self
                .interpreter
                .progress(record.id)
                .unwrap_or(record.progress),
            _ => record.progress,
        }
    }

    /// Waits up to `wait` for statement `sid` to finish; returns it as it is then.
    pub(crate) async fn statement_after(&self, sid: u64, wait: Duration) -> Option<StatementJson> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let st = self.statement(sid)?;
            if st.finished || wait.is_zero() {
                return Some(st);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.statement(sid);
            }
        }
    }

    /// Statements `from..from+size` in id order (reversed with `desc`), and how many are held.
    pub(crate) fn statements(
        &self,
        from: usize,
        size: Option<usize>,
        desc: bool,
    ) -> (u64, Vec<StatementJson>) {
        let mut d = self.data();
        let total = d.statements.len() as u64;
        let take = size.unwrap_or(usize::MAX);
        let deliver = |s: &mut StatementRecord| {
            if s.state.is_finished() {
                s.delivered = true;
            }
            self.render(s)
        };
        let list = if desc {
            d.statements
                .iter_mut()
                .rev()
                .skip(from)
                .take(take)
                .map(deliver)
                .collect()
        } else {
            d.statements
                .iter_mut()
                .skip(from)
                .take(take)
                .map(deliver)
                .collect()
        };
        (total, list)
    }

    /// The newest `size` statements, newest first, for the sessions page: code and output cut to
    /// `chars` characters, and not counted as delivered (a page left open must not let a
    /// client's unread results be evicted).
    pub(crate) fn statement_summaries(&self, size: usize, chars: usize) -> (u64, Vec<Statement>) {
        let d = self.data();
        let cut = |s: &str| s.chars().take(chars).collect::<String>();
        let list = d
            .statements
            .iter()
            .rev()
            .take(size)
            .map(|s| Statement {
                id: s.id,
                code: cut(&s.code),
                state: s.state.clone(),
                output: s.output.clone().map(|o| summary(o, chars)),
                progress: self.progress_of(s),
                started: s.started,
                completed: s.completed,
            })
            .collect();
        (d.statements.len() as u64, list)
    }

    /// Waits up to `wait` while the session is `starting` (a short long-poll, so a session that
    /// starts in a few ms is `idle` on the client's first poll).
    pub(crate) async fn settle_start(&self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.state() != SessionState::Starting {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return;
            }
        }
    }

    pub(crate) fn state(&self) -> SessionState {
        self.data().state.clone()
    }

    /// Counts a request to the session as activity (heartbeat and idle timer).
    pub(crate) fn touch(&self) {
        self.data().last_activity = Instant::now();
    }

    /// Whether a statement is running or waiting.
    pub(crate) fn is_working(&self) -> bool {
        let d = self.data();
        d.waiting > 0 || has_running(&d)
    }

    pub(crate) fn idle_for(&self) -> Duration {
        self.data().last_activity.elapsed()
    }

    pub(crate) fn ended_for(&self) -> Option<Duration> {
        self.data().ended_at.map(|t| t.elapsed())
    }

    /// The log lines `from..from+size` (by default the last 100), the first line's index, and
    /// how many are held.
    pub(crate) fn log_lines(
        &self,
        from: Option<usize>,
        size: Option<i64>,
    ) -> (u64, u64, Vec<String>) {
        let size = match size {
            Some(n) if n < 0 => usize::MAX,
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            None => 100,
        };
        let (from, total, lines) = self.log.window(from, size);
        (from as u64, total as u64, lines)
    }

    /// The session object.
    pub(crate) fn info(&self) -> protocol::Session {
        let (_, _, log) = self.log.window(None, LOG_TAIL);
        let d = self.data();
        let r = &self.request;
        protocol::Session {
            id: self.id,
            name: r.name.clone(),
            app_id: None,
            owner: None,
            // Impersonation is not supported: Livy echoes `null` then.
            proxy_user: None,
            state: d.state.clone(),
            kind: self.kind.clone(),
            app_info: [
                ("driverLogUrl".to_owned(), None),
                ("sparkUiUrl".to_owned(), None),
            ]
            .into_iter()
            .collect(),
            log,
            ttl: r.ttl.clone(),
            idle_timeout: r.idle_timeout.clone(),
            driver_memory: r.driver_memory.clone(),
            driver_cores: r.driver_cores.unwrap_or(0),
            executor_memory: r.executor_memory.clone(),
            executor_cores: r.executor_cores.unwrap_or(0),
            conf: r.conf.clone().unwrap_or_default(),
            archives: r.archives.clone().unwrap_or_default(),
            files: r.files.clone().unwrap_or_default(),
            heartbeat_timeout_in_second: r.heartbeat_timeout_in_second.unwrap_or(0),
            jars: r.jars.clone().unwrap_or_default(),
            num_executors: r.num_executors.unwrap_or(0),
            py_files: r.py_files.clone().unwrap_or_default(),
            queue: r.queue.clone(),
        }
    }

    pub(crate) async fn complete(
        &self,
        code: &str,
        cursor: usize,
        kind: &SessionKind,
    ) -> Vec<String> {
        if !self.runs(kind) {
            return Vec::new();
        }
        let kind = (*kind != self.statement_kind).then_some(kind);
        self.interpreter.complete(code, cursor, kind).await
    }

    /// Stops the session: no new statements, the running one cancelled, waiting ones cancelled,
    /// the interpreter stopped; each wait bounded by `timeout`. Ends `dead`.
    pub(crate) async fn shut_down(&self, timeout: Duration) {
        let running = {
            let mut d = self.data();
            self.set_state(&mut d, SessionState::ShuttingDown);
            let mut running = None;
            for st in d.statements.iter_mut() {
                match st.state {
                    StatementState::Waiting => st.finish(StatementState::Cancelled, None),
                    StatementState::Running | StatementState::Cancelling => {
                        st.state = StatementState::Cancelling;
                        running = Some(st.id);
                    }
                    _ => {}
                }
            }
            d.waiting = 0;
            d.queued_bytes = 0;
            if running.is_some() {
                d.cancelling = running;
            }
            running
        };
        // Closing the queue ends the worker once the running statement returns.
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(sid) = running {
            self.interpreter.cancel(sid);
        }
        self.changed.notify_waiters();
        let worker = self
            .worker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(handle) = worker {
            let abort = handle.abort_handle();
            if tokio::time::timeout(timeout, handle).await.is_err() {
                tracing::warn!(
                    session = self.id,
                    "the statement worker did not stop in {timeout:?}; aborting it"
                );
                abort.abort();
            }
        }
        if tokio::time::timeout(timeout, self.interpreter.stop())
            .await
            .is_err()
        {
            tracing::warn!(
                session = self.id,
                "the interpreter did not stop in {timeout:?}"
            );
        }
        {
            let mut d = self.data();
            for st in d.statements.iter_mut() {
                if !st.state.is_finished() {
                    st.finish(StatementState::Cancelled, None);
                }
            }
            self.set_state(&mut d, SessionState::Dead);
        }
        self.log(format!("session {} stopped", self.id));
        self.changed.notify_waiters();
    }
}

fn has_running(d: &Data) -> bool {
    d.statements.iter().any(|s| {
        matches!(
            s.state,
            StatementState::Running | StatementState::Cancelling
        )
    })
}

fn fail_waiting(d: &mut Data, ename: &str, evalue: &str) {
    for st in d.statements.iter_mut() {
        if st.state == StatementState::Waiting {
            let output = StatementOutput::Error {
                execution_count: st.id,
                ename: ename.to_owned(),
                evalue: evalue.to_owned(),
                traceback: Vec::new(),
            };
            st.finish(StatementState::Available, Some(output));
        }
    }
    d.waiting = 0;
    d.queued_bytes = 0;
}

fn output_of(sid: u64, execution: Execution) -> StatementOutput {
    match execution {
        Execution::Ok(data) => StatementOutput::Ok {
            execution_count: sid,
            data,
        },
        Execution::Failed {
            ename,
            evalue,
            traceback,
        } => StatementOutput::Error {
            execution_count: sid,
            ename,
            evalue,
            traceback,
        },
        Execution::Died(death) => StatementOutput::Error {
            execution_count: sid,
            ename: "Error".into(),
            evalue: format!("Interpreter died:\n{death}"),
            traceback: Vec::new(),
        },
    }
}

/// `output` as the sessions page shows it: text cut to `chars` characters, tables and JSON
/// values only by their kind (`null`), no traceback.
fn summary(output: StatementOutput, chars: usize) -> StatementOutput {
    let cut = |s: &str| s.chars().take(chars).collect::<String>();
    match output {
        StatementOutput::Ok {
            execution_count,
            data,
        } => StatementOutput::Ok {
            execution_count,
            data: data
                .into_iter()
                .map(|(k, v)| {
                    let v = match v.as_str() {
                        Some(text) => serde_json::Value::String(cut(text)),
                        None => serde_json::Value::Null,
                    };
                    (k, v)
                })
                .collect(),
        },
        StatementOutput::Error {
            execution_count,
            ename,
            evalue,
            ..
        } => StatementOutput::Error {
            execution_count,
            ename: cut(&ename),
            evalue: cut(&evalue),
            traceback: Vec::new(),
        },
    }
}
