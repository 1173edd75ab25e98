//! The pages: server-rendered HTML (tables, `<progress>` bars, no inline script or style), so a
//! terminal browser reads them; `ember-ui.js` refreshes the `<main>` of the page every second.

use std::fmt::Write as _;
use std::time::SystemTime;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use ember_rdd::{JobState, JobStatus, StageState, StageStatus, TaskCounts};

use crate::html::{self, bytes, date as when, duration as took, escape as esc};
use crate::lookup::{Refusal, find_job, find_query, find_rdd, find_stage};
use crate::{QueryState, Ui, api};

/// Where the scope is mounted (`""` or `/ui`), for links.
#[derive(Debug, Clone)]
pub(crate) struct Mount(pub(crate) String);

/// From `start` to `end`, or to now while running.
fn span(start: SystemTime, end: Option<SystemTime>) -> String {
    let end = end.unwrap_or_else(SystemTime::now);
    took(end.duration_since(start).unwrap_or_default())
}

/// A progress bar and its counts: `3/4 (1 failed)`.
fn progress(tasks: &TaskCounts) -> String {
    let mut text = format!("{}/{}", tasks.completed, tasks.total);
    if tasks.active > 0 {
        let _ = write!(text, " ({} running)", tasks.active);
    }
    if tasks.failed > 0 {
        let _ = write!(text, " ({} failed)", tasks.failed);
    }
    if tasks.killed > 0 {
        let _ = write!(text, " ({} killed)", tasks.killed);
    }
    format!(
        r#"<progress max="{}" value="{}">{text}</progress> <span class="tasks">{text}</span>"#,
        tasks.total.max(1),
        tasks.completed
    )
}

/// A page: the header with the tabs, and `body` in the `<main>` that the script refreshes.
fn layout(ui: &Ui, mount: &Mount, tab: &str, title: &str, body: &str) -> HttpResponse {
    let app = ui.context().status().application();
    let base = &mount.0;
    let tabs: Vec<(&str, String, bool)> = [
        ("Jobs", "jobs"),
        ("Stages", "stages"),
        ("Storage", "storage"),
        ("Environment", "environment"),
        ("Executors", "executors"),
        ("SQL", "SQL"),
    ]
    .into_iter()
    .map(|(name, path)| (name, format!("{base}/{path}/"), name == tab))
    .collect();
    let header = format!(
        "<span class=\"app\">{}</span> application UI",
        esc(&app.name)
    );
    html::page(&format!("{base}/static"), &header, &tabs, title, body)
}

/// The `id` query parameter of a detail page.
fn id_param(req: &HttpRequest) -> Result<u64, Refusal> {
    let raw = req
        .query_string()
        .split('&')
        .find_map(|p| p.strip_prefix("id="))
        .ok_or_else(|| Refusal::new(StatusCode::BAD_REQUEST, "missing ?id="))?;
    raw.parse().map_err(|_| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            &format!("bad id {raw:?}: ids are non-negative integers"),
        )
    })
}

fn job_state(state: JobState) -> &'static str {
    match state {
        JobState::Running => "running",
        JobState::Succeeded => "succeeded",
        JobState::Failed => "failed",
        JobState::Cancelled => "cancelled",
    }
}

fn jobs_table(base: &str, jobs: &[&JobStatus]) -> String {
    let mut t = String::from(
        "<table class=\"jobs\"><thead><tr><th>Job Id</th><th>Description</th><th>Submitted</th>\
         <th>Duration</th><th>Stages: Succeeded/Total</th><th>Tasks (for all stages): Succeeded/Total</th>\
         <th>Status</th></tr></thead><tbody>\n",
    );
    for job in jobs {
        let mut description = esc(job.description.as_deref().unwrap_or(job.action));
        if let Some(group) = &job.group {
            let _ = write!(
                description,
                " <span class=\"group\">({})</span>",
                esc(group)
            );
        }
        let _ = writeln!(
            t,
            r#"<tr class="{state}"><td><a href="{base}/jobs/job/?id={id}">{id}</a></td><td>{description}</td><td>{submitted}</td><td>{duration}</td><td>{done}/{stages}{failed_stages}</td><td>{tasks}</td><td>{state}</td></tr>"#,
            state = job_state(job.state),
            id = job.id,
            submitted = when(job.submitted),
            duration = span(job.submitted, job.completed),
            done = job.completed_stages,
            stages = job.stage_ids.len(),
            failed_stages = if job.failed_stages > 0 {
                format!(" ({} failed)", job.failed_stages)
            } else {
                String::new()
            },
            tasks = progress(&job.tasks),
        );
    }
    t.push_str("</tbody></table>\n");
    t
}

pub(crate) async fn jobs(ui: web::Data<Ui>, mount: web::Data<Mount>) -> HttpResponse {
    let status = ui.context().status();
    let app = status.application();
    let jobs = status.jobs();
    let (active, done): (Vec<&JobStatus>, Vec<&JobStatus>) =
        jobs.iter().partition(|j| j.state == JobState::Running);
    let (completed, failed): (Vec<&JobStatus>, Vec<&JobStatus>) =
        done.iter().partition(|j| j.state == JobState::Succeeded);
    let mut body = format!(
        "<ul class=\"summary\"><li><strong>User:</strong> {}</li><li><strong>Started:</strong> {}</li>\
         <li><strong>Total uptime:</strong> {}</li><li><strong>Master:</strong> {}</li>\
         <li><strong>Active jobs:</strong> {}</li><li><strong>Completed jobs:</strong> {}</li>\
         <li><strong>Failed jobs:</strong> {}</li></ul>\n",
        esc(&app.user),
        when(app.start),
        span(app.start, None),
        esc(&app.master),
        active.len(),
        completed.len(),
        failed.len(),
    );
    if !status.is_recording() {
        body.push_str("<p>This context does not record its jobs (record_status(false)).</p>\n");
    }
    let base = &mount.0;
    for (title, list) in [
        ("Active Jobs", active),
        ("Completed Jobs", completed),
        ("Failed Jobs", failed),
    ] {
        let _ = writeln!(body, "<h2>{title} ({})</h2>", list.len());
        if !list.is_empty() {
            body.push_str(&jobs_table(base, &list));
        }
    }
    layout(&ui, &mount, "Jobs", "Spark Jobs", &body)
}

pub(crate) async fn job(
    ui: web::Data<Ui>,
    mount: web::Data<Mount>,
    req: HttpRequest,
) -> Result<HttpResponse, Refusal> {
    let id = id_param(&req)?;
    let status = ui.context().status();
    let job = find_job(&ui, id)?;
    let mut body = format!(
        "<ul class=\"summary\"><li><strong>Status:</strong> {}</li><li><strong>Action:</strong> {}</li>\
         <li><strong>Submitted:</strong> {}</li><li><strong>Duration:</strong> {}</li>",
        job_state(job.state),
        esc(job.action),
        when(job.submitted),
        span(job.submitted, job.completed),
    );
    if let Some(d) = &job.description {
        let _ = write!(body, "<li><strong>Description:</strong> {}</li>", esc(d));
    }
    if let Some(g) = &job.group {
        let _ = write!(body, "<li><strong>Job group:</strong> {}</li>", esc(g));
    }
    let _ = writeln!(
        body,
        "<li><strong>Tasks:</strong> {}</li></ul>",
        progress(&job.tasks)
    );
    if let Some(e) = &job.error {
        let _ = writeln!(body, "<h2>Error</h2><pre class=\"error\">{}</pre>", esc(e));
    }
    let stages: Vec<StageStatus> = job
        .stage_ids
        .iter()
        .filter_map(|s| status.stage(*s))
        .collect();
    let _ = writeln!(body, "<h2>Stages ({})</h2>", stages.len());
    body.push_str(&stages_table(&mount.0, &stages.iter().collect::<Vec<_>>()));
    Ok(layout(
        &ui,
        &mount,
        "Jobs",
        &format!("Details for Job {id}"),
        &body,
    ))
}

fn stage_state(state: StageState) -> &'static str {
    match state {
        StageState::Active => "active",
        StageState::Complete => "complete",
        StageState::Failed => "failed",
    }
}

fn stages_table(base: &str, stages: &[&StageStatus]) -> String {
    let mut t = String::from(
        "<table class=\"stages\"><thead><tr><th>Stage Id</th><th>Job</th><th>Description</th>\
         <th>Submitted</th><th>Duration</th><th>Tasks: Succeeded/Total</th><th>Status</th>\
         <th>Failure Reason</th></tr></thead><tbody>\n",
    );
    for stage in stages {
        let _ = writeln!(
            t,
            r#"<tr class="{state}"><td><a href="{base}/stages/stage/?id={id}&amp;attempt=0">{id}</a></td><td><a href="{base}/jobs/job/?id={job}">{job}</a></td><td>{name}</td><td>{submitted}</td><td>{duration}</td><td>{tasks}</td><td>{state}</td><td>{reason}</td></tr>"#,
            state = stage_state(stage.state),
            id = stage.id,
            job = stage.job_id,
            name = esc(&api::stage_name(stage)),
            submitted = when(stage.submitted),
            duration = span(stage.submitted, stage.completed),
            tasks = progress(&stage.tasks),
            reason = esc(first_line(stage.failure_reason.as_deref().unwrap_or(""))),
        );
    }
    t.push_str("</tbody></table>\n");
    t
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

pub(crate) async fn stages(ui: web::Data<Ui>, mount: web::Data<Mount>) -> HttpResponse {
    let stages = ui.context().status().stages();
    let mut body = String::new();
    for (title, state) in [
        ("Active Stages", StageState::Active),
        ("Completed Stages", StageState::Complete),
        ("Failed Stages", StageState::Failed),
    ] {
        let list: Vec<&StageStatus> = stages.iter().filter(|s| s.state == state).collect();
        let _ = writeln!(body, "<h2>{title} ({})</h2>", list.len());
        if !list.is_empty() {
            body.push_str(&stages_table(&mount.0, &list));
        }
    }
    layout(&ui, &mount, "Stages", "Stages for All Jobs", &body)
}

pub(crate) async fn stage(
    ui: web::Data<Ui>,
    mount: web::Data<Mount>,
    req: HttpRequest,
) -> Result<HttpResponse, Refusal> {
    let id = id_param(&req)?;
    let stage = find_stage(&ui, id)?;
    let mut body = format!(
        "<ul class=\"summary\"><li><strong>Status:</strong> {}</li><li><strong>Job:</strong> <a href=\"{}/jobs/job/?id={}\">{}</a></li>\
         <li><strong>Computes:</strong> {}</li><li><strong>Submitted:</strong> {}</li>\
         <li><strong>Duration:</strong> {}</li><li><strong>Total time across all tasks:</strong> {}</li>\
         <li><strong>Tasks:</strong> {}</li></ul>\n",
        stage_state(stage.state),
        mount.0,
        stage.job_id,
        stage.job_id,
        esc(&api::stage_name(&stage)),
        when(stage.submitted),
        span(stage.submitted, stage.completed),
        took(stage.task_time),
        progress(&stage.tasks),
    );
    if let Some(reason) = &stage.failure_reason {
        let _ = writeln!(
            body,
            "<h2>Last task failure</h2><pre class=\"error\">{}</pre>",
            esc(reason)
        );
    }
    Ok(layout(
        &ui,
        &mount,
        "Stages",
        &format!("Details for Stage {id} (Attempt 0)"),
        &body,
    ))
}

pub(crate) async fn storage(ui: web::Data<Ui>, mount: web::Data<Mount>) -> HttpResponse {
    let rdds = ui.context().status().cached_rdds();
    let mut body = format!("<h2>RDDs ({})</h2>\n", rdds.len());
    if !rdds.is_empty() {
        body.push_str(
            "<table class=\"storage\"><thead><tr><th>ID</th><th>RDD Name</th><th>Storage Level</th>\
             <th>Cached Partitions</th><th>Fraction Cached</th><th>Size in Memory</th>\
             <th>Size on Disk</th></tr></thead><tbody>\n",
        );
        for rdd in &rdds {
            let fraction = 100.0 * rdd.cached_partitions as f64 / rdd.num_partitions.max(1) as f64;
            let _ = writeln!(
                body,
                r#"<tr><td>{id}</td><td><a href="{base}/storage/rdd/?id={id}">{name}</a></td><td>{level}</td><td>{cached}</td><td>{fraction:.0}%</td><td>{memory}</td><td>0.0 B</td></tr>"#,
                id = rdd.id,
                base = mount.0,
                name = esc(rdd.name),
                level = api::STORAGE_LEVEL,
                cached = rdd.cached_partitions,
                memory = bytes(rdd.memory_bytes),
            );
        }
        body.push_str("</tbody></table>\n<p>Sizes are shallow: the elements themselves, not what they point to.</p>\n");
    }
    layout(&ui, &mount, "Storage", "Storage", &body)
}

pub(crate) async fn rdd(
    ui: web::Data<Ui>,
    mount: web::Data<Mount>,
    req: HttpRequest,
) -> Result<HttpResponse, Refusal> {
    let id = id_param(&req)?;
    let rdd = find_rdd(&ui, id)?;
    let mut body = format!(
        "<ul class=\"summary\"><li><strong>Storage Level:</strong> {}</li>\
         <li><strong>Cached Partitions:</strong> {}</li><li><strong>Total Partitions:</strong> {}</li>\
         <li><strong>Memory Size:</strong> {}</li></ul>\n<h2>Partitions ({})</h2>\n\
         <table><thead><tr><th>Block Name</th><th>Size in Memory</th><th>Executors</th></tr></thead><tbody>\n",
        api::STORAGE_LEVEL,
        rdd.cached_partitions,
        rdd.num_partitions,
        bytes(rdd.memory_bytes),
        rdd.partitions.len(),
    );
    for (p, size) in &rdd.partitions {
        let _ = writeln!(
            body,
            "<tr><td>rdd_{}_{p}</td><td>{}</td><td>driver</td></tr>",
            rdd.id,
            bytes(*size)
        );
    }
    body.push_str("</tbody></table>\n");
    Ok(layout(
        &ui,
        &mount,
        "Storage",
        &format!("RDD Storage Info for {} ({})", rdd.name, rdd.id),
        &body,
    ))
}

pub(crate) async fn environment(ui: web::Data<Ui>, mount: web::Data<Mount>) -> HttpResponse {
    let env = api::environment(&ui);
    let mut body = String::new();
    for (title, key) in [
        ("Spark Properties", "sparkProperties"),
        ("System Properties", "systemProperties"),
    ] {
        let _ = writeln!(
            body,
            "<h2>{title}</h2>\n<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody>"
        );
        for pair in env[key].as_array().map_or(&[][..], Vec::as_slice) {
            let cell = |i: usize| esc(pair[i].as_str().unwrap_or(""));
            let _ = writeln!(body, "<tr><td>{}</td><td>{}</td></tr>", cell(0), cell(1));
        }
        body.push_str("</tbody></table>\n");
    }
    layout(&ui, &mount, "Environment", "Environment", &body)
}

pub(crate) async fn executors(ui: web::Data<Ui>, mount: web::Data<Mount>) -> HttpResponse {
    let status = ui.context().status();
    let exec = status.executor();
    let cached = status.cached_rdds();
    let value = api::executor(&ui, &exec, &cached);
    let field = |k: &str| value[k].to_string();
    let body = format!(
        "<table class=\"executors\"><thead><tr><th>Executor ID</th><th>Address</th><th>Status</th>\
         <th>RDD Blocks</th><th>Storage Memory</th><th>Cores</th><th>Active Tasks</th>\
         <th>Failed Tasks</th><th>Complete Tasks</th><th>Total Tasks</th><th>Task Time</th></tr></thead>\
         <tbody><tr><td>driver</td><td>{}</td><td>Active</td><td>{}</td><td>{}</td><td>{}</td>\
         <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></tbody></table>\n\
         <p>The driver is the context's worker threads: Ember runs every task in this process.</p>\n",
        esc(ui.host_port()),
        field("rddBlocks"),
        bytes(value["memoryUsed"].as_u64().unwrap_or(0)),
        exec.cores,
        exec.tasks.active,
        exec.tasks.failed,
        exec.tasks.completed,
        field("totalTasks"),
        took(exec.task_time),
    );
    layout(&ui, &mount, "Executors", "Executors", &body)
}

fn query_state(state: QueryState) -> &'static str {
    match state {
        QueryState::Running => "running",
        QueryState::Completed => "completed",
        QueryState::Failed => "failed",
    }
}

pub(crate) async fn queries(ui: web::Data<Ui>, mount: web::Data<Mount>) -> HttpResponse {
    let Some(queries) = ui.queries() else {
        return layout(
            &ui,
            &mount,
            "SQL",
            "SQL",
            "<p>No SQL session is attached to this UI.</p>\n",
        );
    };
    let mut body = format!(
        "<h2>Queries ({})</h2>\n<table class=\"sql\"><thead><tr><th>ID</th><th>Description</th>\
         <th>Submitted</th><th>Duration</th><th>Rows</th><th>Status</th></tr></thead><tbody>\n",
        queries.len()
    );
    for q in &queries {
        let text: String = q.text.chars().take(200).collect();
        let _ = writeln!(
            body,
            r#"<tr class="{state}"><td><a href="{base}/SQL/execution/?id={id}">{id}</a></td><td><code>{text}</code></td><td>{submitted}</td><td>{duration}</td><td>{rows}</td><td>{state}</td></tr>"#,
            state = query_state(q.state),
            base = mount.0,
            id = q.id,
            text = esc(&text),
            submitted = when(q.submitted),
            duration = q.duration.map_or_else(|| span(q.submitted, None), took),
            rows = q.rows.map_or_else(String::new, |r| r.to_string()),
        );
    }
    body.push_str("</tbody></table>\n");
    layout(&ui, &mount, "SQL", "SQL", &body)
}

pub(crate) async fn query(
    ui: web::Data<Ui>,
    mount: web::Data<Mount>,
    req: HttpRequest,
) -> Result<HttpResponse, Refusal> {
    let id = id_param(&req)?;
    let q = find_query(&ui, id)?;
    let mut body = format!(
        "<ul class=\"summary\"><li><strong>Status:</strong> {}</li><li><strong>Submitted:</strong> {}</li>\
         <li><strong>Duration:</strong> {}</li><li><strong>Rows:</strong> {}</li></ul>\n\
         <h2>Query</h2><pre>{}</pre>\n<h2>Plan</h2><pre class=\"plan\">{}</pre>\n",
        query_state(q.state),
        when(q.submitted),
        q.duration.map_or_else(|| span(q.submitted, None), took),
        q.rows.map_or_else(|| "-".to_owned(), |r| r.to_string()),
        esc(&q.text),
        esc(&q.plan),
    );
    if let Some(e) = &q.error {
        let _ = writeln!(body, "<h2>Error</h2><pre class=\"error\">{}</pre>", esc(e));
    }
    Ok(layout(
        &ui,
        &mount,
        "SQL",
        &format!("Details for Query {id}"),
        &body,
    ))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn spans_run_to_now_while_open() {
        let start = SystemTime::now() - Duration::from_secs(3);
        assert_eq!(
            span(start, Some(start + Duration::from_millis(17))),
            "17 ms"
        );
        assert!(span(start, None).ends_with(" s"));
    }
}
