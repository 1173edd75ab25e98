//! The plain-text answers every Ember server gives: a one-line reason with its status, the 404
//! that lists a server's routes, the 405 that names the methods a route takes.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, Route, guard, web};

/// The content type of every plain-text answer.
pub const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

/// A plain-text answer: `body` with `status`, as `text/plain; charset=utf-8` that browsers may
/// not sniff into anything else (`X-Content-Type-Options: nosniff`).
pub fn text(status: StatusCode, body: impl Into<String>) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(TEXT_PLAIN)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body.into())
}

/// A route for `GET`, and `HEAD` answered the same way without a body.
pub fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A default service answering 404 `no route for GET /x; {routes}`, where `routes` tells the
/// client what the server does answer (`the routes are / and /sparkpi?scale=N`).
pub fn not_found(routes: &'static str) -> Route {
    web::to(move |req: HttpRequest| async move {
        text(
            StatusCode::NOT_FOUND,
            format!(
                "no route for {} {}; {routes}",
                req.method(),
                shown(req.path())
            ),
        )
    })
}

/// A resource's default service answering 405 `method PUT is not allowed on /x; use {allow}`,
/// with `Allow: {allow}` (`"GET, HEAD"`, `"POST"`).
pub fn method_not_allowed(allow: &'static str) -> Route {
    web::to(move |req: HttpRequest| async move {
        let mut reply = text(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "method {} is not allowed on {}; use {allow}",
                req.method(),
                shown(req.path())
            ),
        );
        if let Ok(value) = header::HeaderValue::from_str(allow) {
            reply.headers_mut().insert(header::ALLOW, value);
        }
        reply
    })
}

/// A path as a one-line reason shows it: at most 200 characters.
fn shown(path: &str) -> String {
    let mut out: String = path.chars().take(200).collect();
    if out.len() < path.len() {
        out.push('…');
    }
    out
}
