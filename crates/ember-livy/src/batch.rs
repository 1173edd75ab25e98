//! A handle on one batch (`POST /batches`: a jar or Python file run by spark-submit).

use std::time::Duration;

use crate::client::{LOG_TAIL_LINES, LivyClient};
use crate::error::{Error, Result};
use crate::protocol::{Batch, Log, SessionState};

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
        let deadline = self.client.settings().batch_timeout;
        let poll = async {
            let mut intervals = self.client.settings().poll.intervals();
            let mut last_state = SessionState::Unknown("unknown".into());
            let mut last_log = Vec::new();
            loop {
                match self.info().await {
                    Ok(batch) if batch.state == SessionState::Success => return Ok(batch),
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
                        return Err(Error::BatchFailed {
                            id: self.id,
                            state: batch.state,
                            gone: false,
                            log_tail,
                        });
                    }
                    Ok(batch) => {
                        last_state = batch.state;
                        last_log = batch.log;
                    }
                    Err(e) if e.is_not_found() => {
                        return Err(Error::BatchFailed {
                            id: self.id,
                            state: last_state,
                            gone: true,
                            log_tail: last_log,
                        });
                    }
                    Err(e) => return Err(e),
                }
                tokio::time::sleep(intervals.next().unwrap_or(Duration::from_secs(1))).await;
            }
        };
        LivyClient::with_deadline(deadline, || format!("batch {} to finish", self.id), poll).await
    }
}
