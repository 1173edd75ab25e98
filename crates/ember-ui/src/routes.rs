//! The actix routes: `/api/v1/...` (JSON), the pages and their two embedded assets, behind the
//! `Host` check.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{HttpServiceFactory, Service, ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use ember_serve::get;
use serde_json::Value;

use crate::html;
use crate::lookup::{Refusal, find_job, find_query, find_rdd, find_stage};
use crate::page::{self, Mount};
use crate::{Ui, api};

/// The UI's routes as an actix [`Scope`](actix_web::Scope) mounted at `path` (`""` for the root): the REST API
/// under `{path}/api/v1` and the pages under `{path}/jobs/` etc. Every request must name a host
/// the [`Ui`] admits, else 403.
///
/// ```
/// let ctx = ember_rdd::Context::new("app", "local[1]")?;
/// let ui = ember_ui::Ui::new(ctx);
/// let app = actix_web::App::new().service(ember_ui::scope("/ui", ui));
/// # drop(app);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn scope(path: &str, ui: Ui) -> impl HttpServiceFactory + use<> {
    let gate = ui.clone();
    let app = "/api/v1/applications/{app}";
    web::scope(path)
        .app_data(web::Data::new(ui))
        .app_data(web::Data::new(Mount(path.trim_end_matches('/').to_owned())))
        .wrap_fn(move |req: ServiceRequest, srv| {
            let host = req
                .headers()
                .get(header::HOST)
                .map(|h| h.to_str().unwrap_or("\u{fffd}").to_owned());
            let reply: LocalBoxFuture<Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error>> =
                if gate.admits_host(host.as_deref(), req.app_config().local_addr()) {
                    let call = srv.call(req);
                    Box::pin(async move { call.await.map(ServiceResponse::map_into_left_body) })
                } else {
                    let refusal = ember_serve::text(
                        StatusCode::FORBIDDEN,
                        format!(
                            "Host {:?} is not a name this UI serves under (allow it with --ui-allowed-hosts)",
                            host.unwrap_or_default()
                        ),
                    );
                    Box::pin(std::future::ready(Ok(req
                        .into_response(refusal)
                        .map_into_right_body())))
                };
            reply
        })
        .route("/api/v1/version", get().to(version))
        .route("/api/v1/applications", get().to(applications))
        .route(app, get().to(application))
        .route(&format!("{app}/jobs"), get().to(jobs))
        .route(&format!("{app}/jobs/{{id}}"), get().to(job))
        .route(&format!("{app}/stages"), get().to(stages))
        .route(&format!("{app}/stages/{{id}}"), get().to(stage_attempts))
        .route(&format!("{app}/stages/{{id}}/{{attempt}}"), get().to(stage))
        .route(&format!("{app}/executors"), get().to(executors))
        .route(&format!("{app}/allexecutors"), get().to(executors))
        .route(&format!("{app}/environment"), get().to(environment))
        .route(&format!("{app}/storage/rdd"), get().to(rdds))
        .route(&format!("{app}/storage/rdd/{{id}}"), get().to(rdd))
        .route(&format!("{app}/sql"), get().to(queries))
        .route(&format!("{app}/sql/{{id}}"), get().to(query))
        .route("", get().to(root))
        .route("/", get().to(root))
        .route("/jobs/", get().to(page::jobs))
        .route("/jobs/job/", get().to(page::job))
        .route("/stages/", get().to(page::stages))
        .route("/stages/stage/", get().to(page::stage))
        .route("/storage/", get().to(page::storage))
        .route("/storage/rdd/", get().to(page::rdd))
        .route("/environment/", get().to(page::environment))
        .route("/executors/", get().to(page::executors))
        .route("/SQL/", get().to(page::queries))
        .route("/SQL/execution/", get().to(page::query))
        .route("/static/ember-ui.js", get().to(html::script))
        .route("/static/ember-ui.css", get().to(html::style))
        .default_service(web::to(not_found))
}

fn json(value: Value) -> HttpResponse {
    HttpResponse::Ok().json(value)
}

/// What an API route answers.
type Answer = Result<HttpResponse, Refusal>;

/// The application of the path, which must be this context's (Spark answers 404 `no such app`).
fn check_app(ui: &Ui, app: &str) -> Result<(), Refusal> {
    if ui.context().status().application().id == app {
        Ok(())
    } else {
        Err(Refusal::new(
            StatusCode::NOT_FOUND,
            &format!("unknown app: {app}"),
        ))
    }
}

/// A numeric id from the path.
fn parse_id(what: &str, raw: &str) -> Result<u64, Refusal> {
    raw.parse().map_err(|_| {
        Refusal::new(
            StatusCode::NOT_FOUND,
            &format!("unknown {what}: {raw} (ids are non-negative integers)"),
        )
    })
}

/// `?status=` of the job and stage lists: Spark's status words, any case, comma-separated or
/// repeated.
fn statuses(req: &HttpRequest, known: &[&str]) -> Result<Vec<String>, Refusal> {
    let mut wanted = Vec::new();
    for pair in req.query_string().split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key != "status" {
            continue;
        }
        for word in value.split(',').filter(|w| !w.is_empty()) {
            let word = word.to_ascii_uppercase();
            if !known.contains(&word.as_str()) {
                return Err(Refusal::new(
                    StatusCode::BAD_REQUEST,
                    &format!("unknown status {word}: one of {}", known.join(", ")),
                ));
            }
            wanted.push(word);
        }
    }
    Ok(wanted)
}

async fn version() -> HttpResponse {
    json(api::version())
}

async fn applications(ui: web::Data<Ui>) -> HttpResponse {
    json(Value::Array(vec![api::application(&ui)]))
}

async fn application(ui: web::Data<Ui>, path: web::Path<String>) -> Answer {
    check_app(&ui, &path)?;
    Ok(json(api::application(&ui)))
}

async fn jobs(ui: web::Data<Ui>, path: web::Path<String>, req: HttpRequest) -> Answer {
    check_app(&ui, &path)?;
    let wanted = statuses(&req, &["RUNNING", "SUCCEEDED", "FAILED", "UNKNOWN"])?;
    let jobs = ui
        .context()
        .status()
        .jobs()
        .iter()
        .filter(|j| wanted.is_empty() || wanted.iter().any(|w| w == api::job_status(j.state)))
        .map(api::job)
        .collect();
    Ok(json(Value::Array(jobs)))
}

async fn job(ui: web::Data<Ui>, path: web::Path<(String, String)>) -> Answer {
    let (app, id) = path.into_inner();
    check_app(&ui, &app)?;
    let id = parse_id("job", &id)?;
    Ok(json(api::job(&find_job(&ui, id)?)))
}

/// A stage's job description, which Spark shows on the stage too.
fn stage_value(ui: &Ui, stage: &ember_rdd::StageStatus) -> Value {
    let description = ui
        .context()
        .status()
        .job(stage.job_id)
        .and_then(|j| j.description);
    api::stage(stage, description.as_deref())
}

async fn stages(ui: web::Data<Ui>, path: web::Path<String>, req: HttpRequest) -> Answer {
    check_app(&ui, &path)?;
    let wanted = statuses(
        &req,
        &["ACTIVE", "COMPLETE", "FAILED", "PENDING", "SKIPPED"],
    )?;
    let status = ui.context().status();
    // One pass over the jobs for every stage's description.
    let descriptions: std::collections::HashMap<u64, String> = status
        .jobs()
        .into_iter()
        .filter_map(|j| Some((j.id, j.description?)))
        .collect();
    let stages = status
        .stages()
        .iter()
        .filter(|s| wanted.is_empty() || wanted.iter().any(|w| w == api::stage_status(s.state)))
        .map(|s| api::stage(s, descriptions.get(&s.job_id).map(String::as_str)))
        .collect();
    Ok(json(Value::Array(stages)))
}

async fn stage_attempts(ui: web::Data<Ui>, path: web::Path<(String, String)>) -> Answer {
    let (app, id) = path.into_inner();
    check_app(&ui, &app)?;
    let stage = find_stage(&ui, parse_id("stage", &id)?)?;
    Ok(json(Value::Array(vec![stage_value(&ui, &stage)])))
}

async fn stage(ui: web::Data<Ui>, path: web::Path<(String, String, String)>) -> Answer {
    let (app, id, attempt) = path.into_inner();
    check_app(&ui, &app)?;
    let stage = find_stage(&ui, parse_id("stage", &id)?)?;
    if attempt != "0" {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            &format!(
                "unknown attempt {attempt} of stage {id}: Ember runs each stage once (attempt 0)"
            ),
        ));
    }
    Ok(json(stage_value(&ui, &stage)))
}

async fn executors(ui: web::Data<Ui>, path: web::Path<String>) -> Answer {
    check_app(&ui, &path)?;
    let status = ui.context().status();
    let value = api::executor(&ui, &status.executor(), &status.cached_rdds());
    Ok(json(Value::Array(vec![value])))
}

async fn environment(ui: web::Data<Ui>, path: web::Path<String>) -> Answer {
    check_app(&ui, &path)?;
    Ok(json(api::environment(&ui)))
}

async fn rdds(ui: web::Data<Ui>, path: web::Path<String>) -> Answer {
    check_app(&ui, &path)?;
    let rdds = ui
        .context()
        .status()
        .cached_rdds()
        .iter()
        .map(|r| api::rdd(&ui, r, false))
        .collect();
    Ok(json(Value::Array(rdds)))
}

async fn rdd(ui: web::Data<Ui>, path: web::Path<(String, String)>) -> Answer {
    let (app, id) = path.into_inner();
    check_app(&ui, &app)?;
    let id = parse_id("RDD", &id)?;
    Ok(json(api::rdd(&ui, &find_rdd(&ui, id)?, true)))
}

async fn queries(ui: web::Data<Ui>, path: web::Path<String>) -> Answer {
    check_app(&ui, &path)?;
    // Spark lists executions oldest first.
    let mut queries = ui.queries().unwrap_or_default();
    queries.reverse();
    Ok(json(Value::Array(queries.iter().map(api::query).collect())))
}

async fn query(ui: web::Data<Ui>, path: web::Path<(String, String)>) -> Answer {
    let (app, id) = path.into_inner();
    check_app(&ui, &app)?;
    let id = parse_id("execution", &id)?;
    Ok(json(api::query(&find_query(&ui, id)?)))
}

/// `/` goes to the jobs page, as Spark's does.
async fn root(req: HttpRequest) -> HttpResponse {
    let base = req.path().trim_end_matches('/');
    HttpResponse::Found()
        .insert_header((header::LOCATION, format!("{base}/jobs/")))
        .finish()
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.method() != actix_web::http::Method::GET && req.method() != actix_web::http::Method::HEAD
    {
        let mut refused = ember_serve::text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "{} is not allowed: the UI only reads (GET, HEAD)",
                req.method()
            ),
        );
        refused
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
        return refused;
    }
    ember_serve::text(
        StatusCode::NOT_FOUND,
        format!("no such page: {} (the API is under /api/v1)", req.path()),
    )
}

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;
