//! [`ApiError`]: how the REST API and the sessions pages refuse a request, `{"msg": ...}` JSON
//! with a 4xx, as Livy answers.

use actix_web::body::BoxBody;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use ember_livy::protocol::Message;

/// An HTTP error answered as `{"msg": ...}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    msg: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, msg: impl Into<String>) -> Self {
        ApiError {
            status,
            msg: msg.into(),
        }
    }
    pub(crate) fn bad(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, msg)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse<BoxBody> {
        let mut resp = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            resp.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        resp.json(Message::new(self.msg.clone()))
    }
}

pub(crate) type ApiResult<T = HttpResponse> = Result<T, ApiError>;

/// 404 `Session '{key}' not found.`, as Livy words it.
pub(crate) fn not_found(key: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("Session '{key}' not found."))
}
