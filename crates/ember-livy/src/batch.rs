//! A handle on one batch (`POST /batches`: a jar or Python file run by spark-submit).

use std::ops::ControlFlow::{Break, Continue};

use reqwest::Method;

use crate::client::{LOG_TAIL_LINES, LivyClient, page_query};
use crate::error::{Error, Result};
use crate::poll;
use crate::protocol::{Batch, BatchList, CreateBatch, Log, SessionState, SessionStateInfo};
use crate::transport::Idempotent;

/// A handle on a batch: its client and id. Cheap to clone.
#[derive(Debug, Clone)]
pub struct LivyBatch {
    client: LivyClient,
    id: u64,
}

impl LivyBatch {
    pub(crate) fn new(client: LivyClient, id: u64) -> Self {
        LivyBatch { client, id }
    }

    /// The batch id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// `GET /batches/{id}`.
    pub async fn info(&self) -> Result<Batch> {
        self.client.batch_info(self.id).await
    }

    /// `GET /batches/{id}/state`.
    pub async fn state(&self) -> Result<SessionState> {
        self.client.batch_state(self.id).await
    }

    /// `GET /batches/{id}/log`.
    pub async fn log(&self, from: Option<u64>, size: Option<i64>) -> Result<Log> {
        self.client.batch_log(self.id, from, size).await
    }

    /// `DELETE /batches/{id}`: kills it.
    pub async fn kill(&self) -> Result<()> {
        self.client.kill_batch(self.id).await
    }

    /// Waits until the batch finishes, under the client's batch deadline.
    ///
    /// `success` returns the batch; `dead`, `killed`, `error` (or a 404) is
    /// [`Error::BatchFailed`] with the log's last lines; [`Error::Timeout`] when the deadline
    /// passes (the batch keeps running: [`kill`](Self::kill) it if you want it gone).
    pub async fn wait(&self) -> Result<Batch> {
        let settings = self.client.settings();
        // What the last look saw: the batch's state and log, for a batch that then vanishes.
        let look = move |(last_state, last_log): (SessionState, Vec<String>)| async move {
            match self.info().await {
                Ok(batch) if batch.state == SessionState::Success => Break(Ok(batch)),
                Ok(batch)
                    if matches!(
                        batch.state,
                        SessionState::Dead | SessionState::Killed | SessionState::Error
                    ) =>
                {
                    let log_tail = match self.log(None, Some(LOG_TAIL_LINES)).await {
                        Ok(log) if !log.log.is_empty() => log.log,
                        _ => batch.log,
                    };
                    Break(Err(Error::BatchFailed {
                        id: self.id,
                        state: batch.state,
                        gone: false,
                        log_tail,
                    }))
                }
                Ok(batch) => Continue((batch.state, batch.log)),
                Err(e) if e.is_not_found() => Break(Err(Error::BatchFailed {
                    id: self.id,
                    state: last_state,
                    gone: true,
                    log_tail: last_log,
                })),
                Err(e) => Break(Err(e)),
            }
        };
        poll::until(
            &settings.poll,
            settings.batch_timeout,
            || format!("batch {} to finish", self.id),
            (SessionState::Unknown("unknown".into()), Vec::new()),
            look,
        )
        .await
    }
}

/// The batch endpoints (here, beside the handle they return, so `client` does not import
/// `batch`).
impl LivyClient {
    /// `POST /batches`: submits a batch and returns its handle (see [`LivyBatch::wait`]).
    ///
    /// Never sent twice; when the outcome is unknown, a named batch is looked for in the batch
    /// list and adopted if found, otherwise the result is [`Error::Unconfirmed`].
    pub async fn submit_batch(&self, request: &CreateBatch) -> Result<LivyBatch> {
        let url = self.inner.endpoint(&["batches"]);
        let name = request.name.as_deref();
        let batch: Batch = self
            .inner
            .create_once("batch", url, request, name, |name| async move {
                self.find_batch_by_name(&name).await
            })
            .await?;
        Ok(LivyBatch::new(self.clone(), batch.id))
    }

    async fn find_batch_by_name(&self, name: &str) -> Result<Option<Batch>> {
        let mut from = 0u64;
        loop {
            let page = self.batches(Some(from), Some(100)).await?;
            let got = page.sessions.len() as u64;
            if let Some(b) = page
                .sessions
                .into_iter()
                .find(|b| b.name.as_deref() == Some(name))
            {
                return Ok(Some(b));
            }
            from += got;
            if got == 0 || from >= page.total {
                return Ok(None);
            }
        }
    }

    /// A handle on an existing batch (no request is made).
    pub fn batch(&self, id: u64) -> LivyBatch {
        LivyBatch::new(self.clone(), id)
    }

    /// `GET /batches?from=&size=`.
    pub async fn batches(&self, from: Option<u64>, size: Option<u64>) -> Result<BatchList> {
        let size = size.map(|s| s.min(i64::MAX as u64) as i64);
        self.inner
            .get(self.inner.endpoint(&["batches"]), &page_query(from, size))
            .await
    }

    /// `GET /batches/{id}`.
    pub async fn batch_info(&self, id: u64) -> Result<Batch> {
        self.inner
            .get(self.inner.endpoint(&["batches", &id.to_string()]), &[])
            .await
    }

    /// `GET /batches/{id}/state`.
    pub async fn batch_state(&self, id: u64) -> Result<SessionState> {
        let info: SessionStateInfo = self
            .inner
            .get(
                self.inner.endpoint(&["batches", &id.to_string(), "state"]),
                &[],
            )
            .await?;
        Ok(info.state)
    }

    /// `GET /batches/{id}/log`.
    pub async fn batch_log(&self, id: u64, from: Option<u64>, size: Option<i64>) -> Result<Log> {
        self.inner
            .get(
                self.inner.endpoint(&["batches", &id.to_string(), "log"]),
                &page_query(from, size),
            )
            .await
    }

    /// `DELETE /batches/{id}`: kills the batch.
    pub async fn kill_batch(&self, id: u64) -> Result<()> {
        let url = self.inner.endpoint(&["batches", &id.to_string()]);
        let _: serde_json::Value = self
            .inner
            .call(Method::DELETE, url, &[], None::<&()>, Idempotent::Yes)
            .await?;
        Ok(())
    }
}
