//! The sessions page (`/ui`, where Apache Livy has its own): every session with its state, and
//! each session's statements with their progress and outcome and the tail of its log, in the
//! monitoring UI's look (`ember_ui::html`), refreshing itself every second. Served behind the
//! same gate as the REST API (`Host`/`Origin` checks, the bearer token when one is set).

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::{HttpResponse, web};
use ember_livy::protocol::{Statement, StatementOutput};
use ember_ui::html::{self, date, escape};

use crate::api_error::{ApiResult, not_found};
use crate::server::LivyServer;

/// The code or output shown in a table cell: its first line, at most this many characters.
const CELL_CHARS: usize = 120;
/// Statements shown on a session's page (the newest).
const STATEMENTS_SHOWN: usize = 200;
/// Log lines shown on a session's page (the newest).
const LOG_LINES: usize = 50;

fn cell(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut shown: String = line.chars().take(CELL_CHARS).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    escape(&shown)
}

fn at(epoch_ms: i64) -> Option<SystemTime> {
    (epoch_ms > 0).then(|| UNIX_EPOCH + Duration::from_millis(epoch_ms.unsigned_abs()))
}

fn frame(title: &str, body: &str) -> HttpResponse {
    let tabs = [("Sessions", "/ui/".to_owned(), true)];
    html::page("/ui/static", "Livy server", &tabs, title, body)
}

pub(crate) async fn sessions(server: web::Data<LivyServer>) -> HttpResponse {
    let (total, sessions) = server.list(0, usize::MAX);
    let mut body = format!(
        "<h2>Sessions ({total})</h2>\n<table><thead><tr><th>Id</th><th>Name</th><th>Kind</th>\
         <th>State</th><th>Statements</th><th>Idle for</th></tr></thead><tbody>\n"
    );
    for s in &sessions {
        let info = s.info();
        let (statements, _) = s.statement_summaries(0, 0);
        let _ = writeln!(
            body,
            r#"<tr class="{state}"><td><a href="/ui/session/{id}">{id}</a></td><td>{name}</td><td>{kind}</td><td>{state}</td><td>{statements}</td><td>{idle}</td></tr>"#,
            id = info.id,
            name = escape(info.name.as_deref().unwrap_or("")),
            kind = escape(info.kind.as_str()),
            state = escape(info.state.as_str()),
            idle = html::duration(s.idle_for()),
        );
    }
    body.push_str("</tbody></table>\n");
    frame("Livy sessions", &body)
}

fn outcome(st: &Statement) -> String {
    match &st.output {
        None => String::new(),
        Some(StatementOutput::Ok { data, .. }) => {
            data.get("text/plain").and_then(|v| v.as_str()).map_or_else(
                || {
                    data.keys()
                        .map(|k| escape(k))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                cell,
            )
        }
        Some(StatementOutput::Error { ename, evalue, .. }) => {
            format!("<strong>{}</strong>: {}", escape(ename), cell(evalue))
        }
    }
}

pub(crate) async fn session(server: web::Data<LivyServer>, path: web::Path<String>) -> ApiResult {
    // Not `session_of`: looking at a session is not activity that keeps it alive.
    let s = server.find(&path).ok_or_else(|| not_found(&path))?;
    let info = s.info();
    let (total, statements) = s.statement_summaries(STATEMENTS_SHOWN, CELL_CHARS + 1);
    let mut body = format!(
        "<ul class=\"summary\"><li><strong>Kind:</strong> {}</li><li><strong>State:</strong> {}</li>\
         <li><strong>Name:</strong> {}</li><li><strong>Idle for:</strong> {}</li></ul>\n\
         <h2>Statements ({total})</h2>\n<p>The newest {STATEMENTS_SHOWN}, newest first.</p>\n<table><thead><tr><th>Id</th><th>Code</th><th>State</th>\
         <th>Progress</th><th>Started</th><th>Duration</th><th>Output</th></tr></thead><tbody>\n",
        escape(info.kind.as_str()),
        escape(info.state.as_str()),
        escape(info.name.as_deref().unwrap_or("")),
        html::duration(s.idle_for()),
    );
    for st in &statements {
        let started = at(st.started);
        let took = started.map_or_else(String::new, |from| {
            let to = at(st.completed).unwrap_or_else(SystemTime::now);
            html::duration(to.duration_since(from).unwrap_or_default())
        });
        let percent = (st.progress.clamp(0.0, 1.0) * 100.0).round();
        let _ = writeln!(
            body,
            r#"<tr class="{state}"><td>{id}</td><td><code>{code}</code></td><td>{state}</td><td><progress max="100" value="{percent}">{percent}%</progress> {percent}%</td><td>{started}</td><td>{took}</td><td>{output}</td></tr>"#,
            id = st.id,
            code = cell(&st.code),
            state = escape(st.state.as_str()),
            started = started.map_or_else(String::new, date),
            output = outcome(st),
        );
    }
    body.push_str("</tbody></table>\n");
    let (_, _, log) = s.log_lines(None, Some(LOG_LINES as i64));
    let _ = writeln!(
        body,
        "<h2>Log (last {LOG_LINES} lines)</h2><pre>{}</pre>",
        escape(&log.join("\n"))
    );
    Ok(frame(&format!("Session {}", info.id), &body))
}
