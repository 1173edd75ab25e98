//! What a request names: a job, stage, cached RDD or SQL query of the UI's context, or the
//! [`Refusal`] (404) that says which is unknown. The API's routes and the pages share them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::Ui;

/// A request the UI cannot answer: its status and one-line reason.
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    reason: String,
}

impl Refusal {
    pub(crate) fn new(status: StatusCode, reason: &str) -> Self {
        Refusal {
            status,
            reason: reason.to_owned(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl ResponseError for Refusal {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        ember_serve::text(self.status, &self.reason)
    }
}

/// The job `id`, or 404.
pub(crate) fn find_job(ui: &Ui, id: u64) -> Result<ember_rdd::JobStatus, Refusal> {
    ui.context()
        .status()
        .job(id)
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, &format!("unknown job: {id}")))
}

/// The stage `id`, or 404.
pub(crate) fn find_stage(ui: &Ui, id: u64) -> Result<ember_rdd::StageStatus, Refusal> {
    ui.context()
        .status()
        .stage(id)
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, &format!("unknown stage: {id}")))
}

/// The cached RDD `id`, or 404.
pub(crate) fn find_rdd(ui: &Ui, id: u64) -> Result<ember_rdd::CachedRdd, Refusal> {
    ui.context()
        .status()
        .cached_rdds()
        .into_iter()
        .find(|r| r.id as u64 == id)
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::NOT_FOUND,
                &format!("unknown RDD: {id} (not cached)"),
            )
        })
}

/// The SQL query `id`, or 404.
pub(crate) fn find_query(ui: &Ui, id: u64) -> Result<crate::Query, Refusal> {
    ui.queries()
        .unwrap_or_default()
        .into_iter()
        .find(|q| q.id == id)
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, &format!("unknown execution: {id}")))
}
