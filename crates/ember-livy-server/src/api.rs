//! The Livy REST API as an actix scope: every error a `{"msg": ...}` JSON body with a 4xx.

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody, SizedStream};
use actix_web::dev::{HttpServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::{Next, from_fn};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, guard, web};
use ember_livy::protocol::{
    BatchList, CompletionRequest, Completions, CreateSession, ExecuteRequest, LIVY_VERSION, Log,
    MIME_JSON, Message, SessionKind, SessionList, SessionStateInfo, VersionInfo,
};
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api_error::{ApiError, ApiResult, not_found};
use crate::config::ServerConfig;
use crate::server::{CreateError, LivyServer};
use crate::session::{LiveSession, SubmitError};
use crate::ui;
use ember_serve::gate;

fn ok<T: Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok().json(body)
}

fn created<T: Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(body)
}

/// Reads the body as JSON under the size limit; an empty body is `{}`.
async fn read_json<T: DeserializeOwned>(
    mut payload: web::Payload,
    limit: usize,
    what: &str,
) -> ApiResult<T> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad(format!("reading the request body failed: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than {limit} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &body
    };
    serde_json::from_slice(text).map_err(|e| ApiError::bad(format!("invalid {what}: {e}")))
}

/// Query parameters, each at most once.
struct Query(Vec<(String, String)>);

impl Query {
    fn of(req: &HttpRequest) -> ApiResult<Self> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
            .into_owned()
            .collect();
        for (i, (k, _)) in pairs.iter().enumerate() {
            if pairs[..i].iter().any(|(k2, _)| k2 == k) {
                return Err(ApiError::bad(format!(
                    "query parameter '{k}' is given more than once"
                )));
            }
        }
        Ok(Query(pairs))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn int<T: std::str::FromStr>(&self, key: &str) -> ApiResult<Option<T>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| {
                ApiError::bad(format!(
                    "query parameter '{key}' must be a non-negative integer, got '{v}'"
                ))
            }),
        }
    }
}

/// The session a path names (id or name); counts the request as the session's activity.
fn session_of(server: &LivyServer, key: &str) -> ApiResult<Arc<LiveSession>> {
    let s = server.find(key).ok_or_else(|| not_found(key))?;
    s.touch();
    Ok(s)
}

fn statement_id(raw: &str) -> ApiResult<u64> {
    raw.parse().map_err(|_| {
        ApiError::bad(format!(
            "statement id '{raw}' is not a non-negative integer"
        ))
    })
}

async fn version() -> HttpResponse {
    ok(&VersionInfo {
        version: LIVY_VERSION.to_owned(),
        user: "ember".to_owned(),
        revision: String::new(),
        branch: String::new(),
        date: String::new(),
        url: String::new(),
    })
}

async fn list_sessions(server: web::Data<LivyServer>, req: HttpRequest) -> ApiResult {
    let q = Query::of(&req)?;
    let from: usize = q.int("from")?.unwrap_or(0);
    let size: usize = q.int("size")?.unwrap_or(100);
    let (total, sessions) = server.list(from, size);
    Ok(ok(&SessionList {
        from: from as u64,
        total,
        sessions: sessions.iter().map(|s| s.info()).collect(),
    }))
}

async fn create_session(
    server: web::Data<LivyServer>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult {
    let request: CreateSession =
        read_json(body, server.config().max_body_bytes, "session request").await?;
    if let Some(SessionKind::Unknown(k)) = &request.kind {
        return Err(ApiError::bad(format!(
            "invalid session kind '{k}': expected spark, pyspark, sparkr, sql or shared"
        )));
    }
    let session = server
        .create(request, req.app_config().local_addr())
        .map_err(|e| match e {
            CreateError::Rejected(m) => ApiError::bad(m),
            CreateError::ShuttingDown => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is shutting down",
            ),
        })?;
    let location = format!("{}/{}", req.path().trim_end_matches('/'), session.id);
    Ok(created(location, &session.info()))
}

async fn get_session(server: web::Data<LivyServer>, path: web::Path<String>) -> ApiResult {
    let s = session_of(&server, &path)?;
    s.settle_start(server.config().statement_poll_wait).await;
    Ok(ok(&s.info()))
}

async fn session_state(server: web::Data<LivyServer>, path: web::Path<String>) -> ApiResult {
    let s = session_of(&server, &path)?;
    s.settle_start(server.config().statement_poll_wait).await;
    Ok(ok(&SessionStateInfo {
        id: s.id,
        state: s.state(),
    }))
}

async fn delete_session(server: web::Data<LivyServer>, path: web::Path<String>) -> ApiResult {
    let s = server.find(&path).ok_or_else(|| not_found(&path))?;
    if !server.delete(s.id).await {
        return Err(not_found(&path));
    }
    Ok(ok(&Message::new("deleted")))
}

async fn session_log(
    server: web::Data<LivyServer>,
    path: web::Path<String>,
    req: HttpRequest,
) -> ApiResult {
    let q = Query::of(&req)?;
    let from: Option<usize> = q.int("from")?;
    let size: Option<i64> = match q.get("size") {
        None => None,
        Some(v) => Some(v.trim().parse().map_err(|_| {
            ApiError::bad(format!(
                "query parameter 'size' must be an integer, got '{v}'"
            ))
        })?),
    };
    let s = session_of(&server, &path)?;
    let (from, total, log) = s.log_lines(from, size);
    Ok(ok(&Log {
        id: s.id,
        from,
        total,
        log,
    }))
}

async fn list_statements(
    server: web::Data<LivyServer>,
    path: web::Path<String>,
    req: HttpRequest,
) -> ApiResult {
    let q = Query::of(&req)?;
    let from: usize = q.int("from")?.unwrap_or(0);
    let size: Option<usize> = q.int("size")?;
    let desc = match q.get("order") {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(o) => {
            return Err(ApiError::bad(format!(
                "order must be asc or desc, got '{o}'"
            )));
        }
    };
    let s = session_of(&server, &path)?;
    let (total, statements) = s.statements(from, size, desc);
    // Livy's `StatementList`, written around each statement's stored JSON: the body refers to
    // those bytes, it does not copy them.
    let mut parts = Vec::with_capacity(statements.len() * 2 + 2);
    parts.push(Bytes::from(format!(
        "{{\"total_statements\":{total},\"statements\":["
    )));
    for (i, st) in statements.into_iter().enumerate() {
        if i > 0 {
            parts.push(Bytes::from_static(b","));
        }
        parts.push(st.json);
    }
    parts.push(Bytes::from_static(b"]}"));
    let len = parts.iter().map(Bytes::len).sum::<usize>();
    let body = SizedStream::new(
        u64::try_from(len).unwrap_or(u64::MAX),
        futures_util::stream::iter(parts.into_iter().map(Ok::<_, std::convert::Infallible>)),
    );
    Ok(HttpResponse::Ok().content_type(MIME_JSON).body(body))
}

async fn submit_statement(
    server: web::Data<LivyServer>,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult {
    let config = server.config();
    let request: ExecuteRequest =
        read_json(body, config.max_body_bytes, "statement request").await?;
    if request.code.len() > config.max_code_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the statement's code is {} bytes; this server takes at most {}",
                request.code.len(),
                config.max_code_bytes
            ),
        ));
    }
    let s = session_of(&server, &path)?;
    if let Some(kind) = request.kind.as_ref().filter(|k| !s.runs(k)) {
        let kinds: Vec<String> = s.statement_kinds().iter().map(|k| k.to_string()).collect();
        return Err(ApiError::bad(format!(
            "statement kind '{kind}' cannot run in session {} (it runs {} statements)",
            s.id,
            kinds.join(", ")
        )));
    }
    let statement = s.submit(request.code, request.kind).map_err(|e| match e {
        SubmitError::NotActive(state) => ApiError::new(
            StatusCode::CONFLICT,
            format!("Session {} is {state}: it does not take statements", s.id),
        ),
        SubmitError::QueueFull(n) => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Session {} already has {n} statements waiting", s.id),
        ),
        SubmitError::QueueBytesFull {
            queued,
            code,
            limit,
        } => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Session {} already has {queued} bytes of code waiting; {code} more would pass its limit of {limit} (--max-queued-bytes)",
                s.id
            ),
        ),
    })?;
    let location = format!("{}/{}", req.path().trim_end_matches('/'), statement.id);
    Ok(created(location, &statement))
}

async fn get_statement(
    server: web::Data<LivyServer>,
    path: web::Path<(String, String)>,
) -> ApiResult {
    let (key, raw) = path.into_inner();
    let sid = statement_id(&raw)?;
    let s = session_of(&server, &key)?;
    let st = s
        .statement_after(sid, server.config().statement_poll_wait)
        .await
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!("Statement {sid} not found in session {}.", s.id),
            )
        })?;
    Ok(HttpResponse::Ok().content_type(MIME_JSON).body(st.json))
}

async fn cancel_statement(
    server: web::Data<LivyServer>,
    path: web::Path<(String, String)>,
) -> ApiResult {
    let (key, raw) = path.into_inner();
    let sid = statement_id(&raw)?;
    let s = session_of(&server, &key)?;
    s.cancel(sid);
    Ok(ok(&Message::new("canceled")))
}

async fn completion(
    server: web::Data<LivyServer>,
    path: web::Path<String>,
    body: web::Payload,
) -> ApiResult {
    let request: CompletionRequest =
        read_json(body, server.config().max_body_bytes, "completion request").await?;
    let s = session_of(&server, &path)?;
    let cursor = usize::try_from(request.cursor).unwrap_or(usize::MAX);
    Ok(ok(&Completions {
        candidates: s.complete(&request.code, cursor, &request.kind).await,
    }))
}

async fn list_batches(req: HttpRequest) -> ApiResult {
    let q = Query::of(&req)?;
    let from: u64 = q.int("from")?.unwrap_or(0);
    let _: Option<u64> = q.int("size")?;
    Ok(ok(&BatchList {
        from,
        total: 0,
        sessions: Vec::new(),
    }))
}

async fn create_batch(server: web::Data<LivyServer>) -> ApiResult {
    Err(ApiError::bad(format!(
        "Rejected, Reason: batches are not supported by this server; it runs interactive sessions of kind {}",
        server.kinds().join(", ")
    )))
}

async fn batch_not_found(path: web::Path<String>) -> ApiResult {
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        format!("Batch '{path}' not found."),
    ))
}

async fn unknown_route(req: HttpRequest) -> ApiResult {
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no such endpoint: {} {}", req.method(), req.path()),
    ))
}

async fn wrong_method(req: HttpRequest) -> ApiResult {
    Err(ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} is not allowed on {}", req.method(), req.path()),
    ))
}

/// GET routes answer HEAD the same way, without a body.
fn get() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Bearer token, `Host`, `Origin`, CSRF header, body type and Livy API version checks, before
/// any route (see [`crate::gate`] for why each exists).
async fn gate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let server = req.app_data::<web::Data<LivyServer>>().cloned();
    if let Some(server) = server
        && let Err(refusal) = admit(&req, server.config())
    {
        return Ok(req.error_response(refusal));
    }
    let unsupported = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(|accept| {
            accept
                .split(',')
                .map(str::trim)
                .find(|a| a.starts_with("application/vnd.livy."))
                .filter(|v| !v.starts_with("application/vnd.livy.v0.1+json"))
                .map(str::to_owned)
        });
    if let Some(v) = unsupported {
        return Ok(req.error_response(ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            format!(
                "unsupported API version '{v}': this server speaks application/vnd.livy.v0.1+json"
            ),
        )));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// The checks of the server's configuration, in order: token (401), `Host` and `Origin` (403),
/// CSRF header (400), body type (415).
fn admit(req: &ServiceRequest, config: &ServerConfig) -> Result<(), ApiError> {
    let text =
        move |name: header::HeaderName| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(token) = &config.token {
        let given = text(header::AUTHORIZATION).and_then(gate::bearer_token);
        if !given.is_some_and(|g| gate::secrets_equal(g.as_bytes(), token.as_bytes())) {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this server needs an 'Authorization: Bearer <token>' header with its token",
            ));
        }
    }
    // HTTP/1.1 requires `Host`; a request without one (HTTP/1.0) comes from no browser.
    let host = match req.headers().get(header::HOST) {
        Some(h) => Some(h.to_str().map_err(|_| {
            ApiError::new(StatusCode::FORBIDDEN, "the Host header is not ASCII text")
        })?),
        None => None,
    };
    let bound = req.app_config().local_addr();
    if let Some(h) = host.filter(|h| !gate::host_allowed(h, bound, &config.allowed_hosts)) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "this server does not answer to the host name '{}' (--allowed-hosts lists the names it answers to besides its own)",
                h.chars().take(200).collect::<String>()
            ),
        ));
    }
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let allowed = origin
            .to_str()
            .is_ok_and(|o| gate::origin_allowed(o, host, &config.allowed_origins));
        if !allowed {
            let shown: String = String::from_utf8_lossy(origin.as_bytes())
                .chars()
                .take(200)
                .collect();
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "requests from pages of origin '{shown}' are refused (--allowed-origins lists the origins allowed besides the server's own)"
                ),
            ));
        }
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if config.csrf && !safe && !req.headers().contains_key("x-requested-by") {
        return Err(ApiError::bad(
            "Missing Required Header for CSRF protection.",
        ));
    }
    if !safe {
        let has_body = req.headers().contains_key(header::TRANSFER_ENCODING)
            || text(header::CONTENT_LENGTH).is_some_and(|n| n.trim() != "0");
        let content_type = match req.headers().get(header::CONTENT_TYPE) {
            Some(ct) => Some(ct.to_str().unwrap_or("(not ASCII)")),
            None => None,
        };
        if let Some(why) = gate::body_type_refusal(content_type, has_body) {
            return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, why));
        }
    }
    Ok(())
}

impl LivyServer {
    /// The Livy REST API as a scope under `path` (`""` for the root, as Livy serves it). Mount it
    /// in any actix app; the app needs no other state.
    pub fn scope(&self, path: &str) -> impl HttpServiceFactory + 'static {
        let data = web::Data::new(self.clone());
        let r = |p: &str| web::resource(p.to_owned()).default_service(web::to(wrong_method));
        web::scope(path)
            .app_data(data)
            .wrap(from_fn(gate))
            .service(r("/version").route(get().to(version)))
            .service(r("/ui").route(get().to(ui::sessions)))
            .service(r("/ui/").route(get().to(ui::sessions)))
            .service(r("/ui/session/{id}").route(get().to(ui::session)))
            .service(r("/ui/static/ember-ui.js").route(get().to(ember_ui::html::script)))
            .service(r("/ui/static/ember-ui.css").route(get().to(ember_ui::html::style)))
            .service(
                r("/sessions")
                    .route(get().to(list_sessions))
                    .route(web::post().to(create_session)),
            )
            .service(
                r("/sessions/{id}")
                    .route(get().to(get_session))
                    .route(web::delete().to(delete_session)),
            )
            .service(r("/sessions/{id}/state").route(get().to(session_state)))
            .service(r("/sessions/{id}/log").route(get().to(session_log)))
            .service(
                r("/sessions/{id}/statements")
                    .route(get().to(list_statements))
                    .route(web::post().to(submit_statement)),
            )
            .service(r("/sessions/{id}/statements/{sid}").route(get().to(get_statement)))
            .service(
                r("/sessions/{id}/statements/{sid}/cancel").route(web::post().to(cancel_statement)),
            )
            .service(r("/sessions/{id}/completion").route(web::post().to(completion)))
            .service(
                r("/batches")
                    .route(get().to(list_batches))
                    .route(web::post().to(create_batch)),
            )
            .service(
                r("/batches/{id}")
                    .route(get().to(batch_not_found))
                    .route(web::delete().to(batch_not_found)),
            )
            .service(r("/batches/{id}/state").route(get().to(batch_not_found)))
            .service(r("/batches/{id}/log").route(get().to(batch_not_found)))
            .default_service(web::to(unknown_route))
    }
}
